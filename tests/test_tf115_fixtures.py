"""Old model directories load: model_dirs that tf.estimator 1.15 wrote (tfestimators' users of
2019) evaluate and predict in pyestim, with TensorFlow 1.15's own numbers.

The fixtures in tests/fixtures/tf115 were made by tests/fixtures/make_tf115_fixtures.py under
TensorFlow 1.15 (its header says how to run it again); TensorFlow 1.15 is not needed here.
Each test copies one fixture's ``model_dir`` to a temporary folder, builds the same model in
pyestim (the canned ones with pyestim's constructors and feature columns; the CNN with
:func:`pyestim.estimator` over the script's own TensorFlow 1 model function, ``tf.layers``
and ``tf.contrib.layers`` and all, run on ``pyestim.tf``), points it at the copy, and
compares evaluate() and predict() over the same data, fed in the same batches, with what
TensorFlow 1.15 returned (``expected.json``). Training goes on from each, too.

Variable names: no variable of these models (nor of their optimizers) was renamed between
TensorFlow 1.15 and 2.15 / 2.21, nor by pyestim's own ``tf.contrib.layers``, so pyestim
restores them with no name map; a renamed one would fail the restore of evaluate() (model
variables) or of train() (optimizer variables) with TensorFlow's "Key ... not found in
checkpoint".

Tolerance: the metrics of all three models and the logits of the canned models are TensorFlow
1.15's bit for bit (float32 equality) on both stacks, and so are the CNN's logits on the
reference stack (TensorFlow 2.15). The sigmoid / softmax outputs (``logistic``,
``probabilities``) differ in the last bit on both stacks (TensorFlow 1.15's wheel was built
without AVX2 / FMA, so its element-wise kernels round differently), and the CNN's logits on
the current stack (TensorFlow 2.21's convolution sums in another order). Measured on an AMD
EPYC (AVX-512) at 2.6 GHz, 2 cores: at most 1.2e-7 apart (probabilities, logistic: 1 float32
ulp at 1.0) on both stacks, and 3.6e-7 (the CNN's logits, up to 2.6 in size: 3 ulps) on
current. They are compared within ``ATOL``: 2.5e-7 for the probabilities, 1e-6 for the CNN's
logits on current (absolute); the classes, class ids and metrics exactly.
"""

import ast
import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import tensorflow

import pyestim as pe
from pyestim import tf

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tf115"
COLORS = ["red", "green", "blue"]
#: how far (absolute) a float prediction may be from TensorFlow 1.15's, where it is not bit
#: for bit (see the module's notes): by key, else the default
ATOL = {"logits": 1e-6, None: 2.5e-7}
#: the float predictions that are TensorFlow 1.15's bit for bit, per model
EXACT = {"linear_classifier": {"logits"}, "dnn_classifier": {"logits"},
         "custom_cnn": {"logits"} if tensorflow.__version__.startswith("2.15.") else set()}


def expected(name):
    with open(FIXTURES / name / "expected.json", encoding="utf-8") as f:
        return json.load(f)


def read_csv(name):
    """The fixture's data: {column: array} (floats as float64, whole numbers as int64)."""
    with open(FIXTURES / name, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    out = {}
    for i, column in enumerate(rows[0]):
        values = [r[i] for r in rows[1:]]
        try:
            out[column] = np.array([int(v) for v in values], dtype=np.int64)
        except ValueError:
            try:
                out[column] = np.array([float(v) for v in values])
            except ValueError:
                out[column] = np.array(values, dtype=object)
    return out


def old_model_dir(name, tmp_path):
    """A copy of the fixture's model_dir (pyestim writes eval/ and its lock there)."""
    return str(shutil.copytree(FIXTURES / name / "model_dir", tmp_path / name))


def as_float32(values):
    """Values read from expected.json (float64s equal to float32s) as float32, exactly."""
    out = np.asarray(values, dtype=np.float64).astype(np.float32)
    assert np.array_equal(out.astype(np.float64), np.asarray(values, dtype=np.float64))
    return out


def check_metrics(got, exp):
    """Every metric TensorFlow 1.15 reported, bit for bit, and no other."""
    assert sorted(got) == sorted(exp["metrics"])
    for key, want in exp["metrics"].items():
        if isinstance(want, int):
            assert got[key] == want, key
        else:
            assert np.float32(got[key]) == as_float32(want), (key, got[key], want)


def is_float(value):
    return isinstance(value, float) or (isinstance(value, list) and bool(value) and
                                        isinstance(value[0], float))


def check_predictions(got, exp, exact):
    """Every prediction key of every example: the float ones in ``exact`` bit for bit, the
    other float ones within ATOL, the rest (classes, ids) equal."""
    want = exp["predictions"]
    assert len(got) == len(want)
    for row, (g, w) in enumerate(zip(got, want)):
        assert sorted(g) == sorted(w), row
        for key, value in w.items():
            if not is_float(value):
                got_list = np.asarray(g[key]).reshape(-1).tolist()
                assert got_list == np.asarray(value).reshape(-1).tolist(), (row, key)
            elif key in exact:
                np.testing.assert_array_equal(np.asarray(g[key], np.float32), as_float32(value),
                                              err_msg=f"example {row}, {key}")
            else:
                np.testing.assert_allclose(np.asarray(g[key], np.float32), as_float32(value),
                                           rtol=0, atol=ATOL.get(key, ATOL[None]),
                                           err_msg=f"example {row}, {key}")


# --------------------------------------------------------------------------------------------
# The canned estimators, built as a tfestimators user builds them, fed through input_fn()


def tabular():
    data = read_csv("tabular.csv")
    data["color"] = data["color"].astype(str)
    return data


def linear_classifier(model_dir):
    return pe.linear_classifier(
        feature_columns=pe.feature_columns(
            pe.column_numeric("x1", "x2"),
            pe.column_categorical_with_vocabulary_list("color", vocabulary_list=COLORS)),
        n_classes=2, model_dir=model_dir)


def dnn_classifier(model_dir):
    color = pe.column_categorical_with_vocabulary_list("color", vocabulary_list=COLORS)
    return pe.dnn_classifier(
        hidden_units=[8, 4],
        feature_columns=pe.feature_columns(pe.column_numeric("x1", "x2"),
                                           pe.column_embedding(color, dimension=2)),
        n_classes=3, model_dir=model_dir)


CANNED = {"linear_classifier": linear_classifier, "dnn_classifier": dnn_classifier}


@pytest.mark.parametrize("name", sorted(CANNED))
def test_canned_model_dir_of_tf115_evaluates_and_predicts_as_tf115(name, tmp_path):
    exp = expected(name)
    assert exp["tensorflow"] == "1.15.0"
    est = CANNED[name](old_model_dir(name, tmp_path))
    assert sorted(pe.variable_names(est)) == exp["variables"]
    data = tabular()
    features = ["x1", "x2", "color"]
    batch = exp["batch_size"]
    metrics = pe.evaluate(est, pe.input_fn(data, features, exp["label"], batch_size=batch,
                                           shuffle=False), simplify=False)
    check_metrics(metrics, exp)
    predictions = pe.predict(est, pe.input_fn(data, features, batch_size=batch, shuffle=False),
                             simplify=False)
    check_predictions(predictions, exp, EXACT[name])


# --------------------------------------------------------------------------------------------
# The custom CNN: make_tf115_fixtures.py's model function, run unchanged on pyestim.tf


def tf1_model_fn(name="cnn_model_fn"):
    """The function ``name`` of make_tf115_fixtures.py, its source compiled with ``tf`` bound
    to :mod:`pyestim.tf` (the script itself imports TensorFlow 1.15, so it is not imported):
    the TensorFlow 1 code (``tf.layers``, ``tf.contrib.layers.fully_connected`` and
    ``optimize_loss``, ``tf.losses``, ``tf.estimator.EstimatorSpec``) as its user wrote it, on
    pyestim."""
    script = FIXTURES.parent / "make_tf115_fixtures.py"
    tree = ast.parse(script.read_text(encoding="utf-8"), filename=str(script))
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    namespace = {"tf": tf}
    exec(compile(ast.Module(body=[node], type_ignores=[]), str(script), "exec"), namespace)
    return namespace[name]


def images():
    data = read_csv("images.csv")
    pixels = np.stack([data[f"p{i:02d}"] for i in range(64)], axis=1).astype(np.float32)
    return pixels, data["label"]


def test_custom_cnn_model_dir_of_tf115_evaluates_and_predicts_as_tf115(tmp_path):
    exp = expected("custom_cnn")
    est = pe.estimator(tf1_model_fn(), model_dir=old_model_dir("custom_cnn", tmp_path),
                       params={"learning_rate": 0.005})
    assert sorted(pe.variable_names(est)) == exp["variables"]
    x, y = images()
    feed = dict(batch_size=exp["batch_size"], num_epochs=1, shuffle=False)
    metrics = pe.evaluate(est, tf.estimator.inputs.numpy_input_fn({"x": x}, y, **feed),
                          simplify=False)
    check_metrics(metrics, exp)
    predictions = pe.predict(est, tf.estimator.inputs.numpy_input_fn({"x": x}, None, **feed),
                             simplify=False)
    check_predictions(predictions, exp, EXACT["custom_cnn"])


def rebuilt(name, model_dir):
    """The fixture's model in pyestim over ``model_dir``, and a training input function."""
    if name == "custom_cnn":
        x, y = images()
        est = pe.estimator(tf1_model_fn(), model_dir=model_dir, params={"learning_rate": 0.005})
        return est, pe.numpy_input_fn({"x": x}, y, batch_size=16, num_epochs=None, shuffle=False)
    label = expected(name)["label"]
    return CANNED[name](model_dir), pe.input_fn(tabular(), ["x1", "x2", "color"], label,
                                                batch_size=16, num_epochs=None, shuffle=False)


@pytest.mark.parametrize("name", ["linear_classifier", "dnn_classifier", "custom_cnn"])
def test_training_goes_on_from_a_tf115_model_dir(name, tmp_path):
    """Training restores the optimizer's variables too (Ftrl's slots, Adagrad's ``t_0``
    slots; for the CNN, ``optimize_loss``'s ``OptimizeLoss/learning_rate``, Adam's slots and
    beta powers under ``OptimizeLoss/``, and ``tf.contrib.layers.fully_connected``'s
    ``weights`` / ``biases``, which pyestim's own ``tf.contrib`` names as TensorFlow 1.15 did),
    under the names TensorFlow 1.15 gave them: no variable was renamed, none is added, and the
    global step goes on from 1.15's."""
    exp = expected(name)
    est, fn = rebuilt(name, old_model_dir(name, tmp_path))
    before = pe.variable_value(est, exp["variables"])
    pe.train(est, fn, steps=2)
    assert sorted(pe.variable_names(est)) == exp["variables"]
    after = pe.variable_value(est, exp["variables"])
    assert after["global_step"] == before["global_step"] + 2 == exp["metrics"]["global_step"] + 2
    # TensorFlow restores every variable of the training graph by name (a missing one is an
    # error), and the two steps moved the weights on from 1.15's
    moved = [k for k in before if k != "global_step" and
             not np.array_equal(np.asarray(before[k]), np.asarray(after[k]))]
    assert moved


def test_the_fixtures_are_small_and_hold_only_what_restoring_reads():
    """What make_tf115_fixtures.py keeps of each model_dir (its header says what it drops)."""
    total = sum(p.stat().st_size for p in FIXTURES.rglob("*") if p.is_file())
    assert total < 200_000
    for name in ("linear_classifier", "dnn_classifier", "custom_cnn"):
        exp = expected(name)
        files = sorted(p.name for p in (FIXTURES / name / "model_dir").iterdir())
        assert files[0] == "checkpoint"
        assert all(f.startswith(exp["checkpoint"] + ".") for f in files[1:])
        assert {f.rsplit(".", 1)[-1] for f in files[1:]} >= {"index"}
        assert not any(f.endswith(".meta") or f.startswith("events.") for f in files)
