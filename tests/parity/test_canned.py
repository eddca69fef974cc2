"""Canned-estimator parity: canned estimators, feature columns, input_fn() over data frames,
formulas, matrices and lists, train_and_evaluate(), export_savedmodel() and
keras_model_to_estimator(), written in R as an R user writes them (tests/parity/r/canned.R)
and in Python (below), with exactly equal results.

Every run is seeded (run_config(tf_random_seed = 3)); the data are R's iris and mtcars (and
pyestim.datasets' copies of them, compared first) and a small mixed frame both languages
compute from the same formula. Compared bit for bit: the training history, evaluate()'s
metrics, predict()'s columns, every variable of the checkpoint, the INFO lines input_fn() logs
about factor columns, the dense input layer of feature columns, parsing specs, and the outputs
of the exported SavedModels, served by TensorFlow's own loader. And pyestim's canned
estimators against plain tf.estimator's classes with the same arguments, seed and input: the
same per-step losses, metrics, predictions and variables.
"""

import os
import re

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

from .runners import LossRecorder, captured_log, seeded
from .helpers import Run, md, mutated, r_collect, r_value, same_numbers, unwrap

SECTION = "Canned estimators, feature columns, data-frame input (R / Python)"
SEED = 3
_cache = {}


# --------------------------------------------------------------------------------------------
# Plain values (the Python twins of can_flat(), can_frame() ... in canned.R)


def flat(value):
    """A value flattened in C order: floats, or strings for text."""
    arr = np.asarray(value)
    if arr.dtype == object:
        parts = [np.asarray(v).reshape(-1) for v in arr.reshape(-1)]
        arr = np.concatenate(parts) if parts else np.array([])
    arr = arr.reshape(-1)
    if arr.dtype.kind in "USO":
        return [v.decode() if isinstance(v, bytes) else str(v) for v in arr]
    return [float(v) for v in arr]


def frame(df):
    return {"names": [str(c) for c in df.columns],
            "columns": {str(c): flat(list(df[c]) if df[c].dtype == object else df[c].to_numpy())
                        for c in df.columns}}


def history_of(h):
    return {"steps": list(h.steps), "mean_losses": list(h.mean_losses),
            "total_losses": list(h.total_losses)}


def variables_of(est):
    import pyestim as pe

    values = pe.variable_value(est)
    return {name: flat(values[name]) for name in sorted(values)}


def result_of(est, h, eval_fn, pred_fn):
    import pyestim as pe

    return {"history": history_of(h), "evaluate": frame(pe.evaluate(est, eval_fn)),
            "predict": frame(pe.predict(est, pred_fn)), "variables": variables_of(est)}


def mixed_frame(n):
    """can_mixed(n) of canned.R."""
    i = np.arange(n)
    a = ((i * 37) % 101) / 100
    b = ((i * 53) % 97) / 96
    color = np.array(["red", "green", "blue"], dtype=object)[i % 3]
    size = pd.Categorical(np.array(["S", "M", "L"], dtype=object)[(i // 2) % 3],
                          categories=["S", "M", "L"])
    weight = 1 + (i % 4) / 4
    score = a - b + np.where(color == "red", 0.3, 0) - np.where(size == "L", 0.2, 0)
    label = np.where(score > 0, "yes", "no").astype(object)
    return pd.DataFrame({"a": a, "b": b, "color": color, "size": size, "weight": weight,
                         "label": label})


def seed_config():
    import pyestim as pe

    return pe.run_config(tf_random_seed=SEED)


# --------------------------------------------------------------------------------------------
# The Python twins of the scenarios


def py_datasets():
    from pyestim.datasets import iris, mtcars

    ir, cars = iris(), mtcars()
    return {"iris": frame(ir.iloc[:, :4]), "iris_species": [str(c) for c in
                                                           ir.Species.cat.categories],
            "iris_codes": [int(c) for c in ir.Species.cat.codes],
            "mtcars": frame(cars), "mtcars_rows": [str(r) for r in cars.index]}


def py_linear_regressor(model_dir):
    import pyestim as pe
    from pyestim.datasets import mtcars

    cars, feats = mtcars(), ["drat", "cyl", "wt"]
    est = pe.linear_regressor(pe.feature_columns(pe.column_numeric(*feats)),
                              model_dir=model_dir, config=seed_config())
    h = pe.train(est, pe.input_fn(cars, feats, "mpg", batch_size=8, num_epochs=None,
                                  shuffle=True), steps=30)
    return result_of(est, h, pe.input_fn(cars, feats, "mpg", batch_size=32),
                     pe.input_fn(cars.iloc[:6], feats, "mpg"))


def py_dnn_classifier(model_dir):
    import pyestim as pe
    from pyestim.datasets import iris

    ir = iris()
    feats = [c for c in ir.columns if c != "Species"]
    est = pe.dnn_classifier(
        hidden_units=[10, 20, 10],
        feature_columns=pe.feature_columns(
            pe.column_numeric("Sepal*", "Petal.Length", "Petal.Width"), names=ir),
        n_classes=3, model_dir=model_dir, config=seed_config())
    h = pe.train(est, pe.input_fn(ir, feats, "Species", batch_size=32, num_epochs=None),
                 steps=40)
    rows = ir.iloc[[0, 50, 100, 1, 51, 101]]
    return result_of(est, h, pe.input_fn(ir, feats, "Species", batch_size=150),
                     pe.input_fn(rows, feats, "Species"))


def mixed_columns(vocab_file):
    import pyestim as pe

    color = pe.column_categorical_with_vocabulary_list(
        "color", vocabulary_list=["red", "green", "blue"])
    a_buckets = pe.column_bucketized(pe.column_numeric("a"), boundaries=[0.25, 0.5, 0.75])
    return {
        "linear": pe.feature_columns(
            pe.column_categorical_weighted(color, "weight"),
            a_buckets,
            pe.column_crossed(["color", "size"], hash_bucket_size=20)),
        "dnn": pe.feature_columns(
            pe.column_numeric("a", "b"),
            pe.column_embedding(pe.column_categorical_with_hash_bucket(
                "color", hash_bucket_size=10), dimension=2),
            pe.column_indicator(pe.column_categorical_with_identity("size", num_buckets=3)),
            pe.column_indicator(pe.column_categorical_with_vocabulary_file(
                "color", vocabulary_file=vocab_file, vocabulary_size=3)))}


FEATURES = ["a", "b", "color", "size", "weight"]


def py_wide_and_deep(model_dir, vocab_file):
    import pyestim as pe

    cols = mixed_columns(vocab_file)
    est = pe.dnn_linear_combined_classifier(
        linear_feature_columns=cols["linear"], dnn_feature_columns=cols["dnn"],
        dnn_hidden_units=[6, 4], n_classes=2, label_vocabulary=["no", "yes"],
        model_dir=model_dir, config=seed_config())
    d = mixed_frame(60)
    h = pe.train(est, pe.input_fn(d, FEATURES, "label", batch_size=16, num_epochs=None),
                 steps=30)
    return result_of(est, h, pe.input_fn(d, FEATURES, "label", batch_size=60),
                     pe.input_fn(d.iloc[:7], FEATURES))


def py_dnn_regressor_keras(model_dir):
    import pyestim as pe
    from pyestim.datasets import mtcars

    cars, feats = mtcars(), ["drat", "wt", "qsec"]
    est = pe.dnn_regressor([5, 3], pe.feature_columns(pe.column_numeric(*feats)),
                           optimizer=tf.keras.optimizers.legacy.Adam(learning_rate=0.05),
                           activation_fn="tanh", dropout=0.1, model_dir=model_dir,
                           config=seed_config())
    h = pe.train(est, pe.input_fn(cars, feats, "mpg", batch_size=8, num_epochs=None),
                 steps=25)
    return result_of(est, h, pe.input_fn(cars, feats, "mpg", batch_size=32),
                     pe.input_fn(cars.iloc[:6], feats, "mpg"))


def py_boosted_trees(model_dir):
    import pyestim as pe

    d = mixed_frame(60)
    d["label"] = (d.label == "yes").astype(int)
    cols = pe.feature_columns(
        pe.column_bucketized(pe.column_numeric("a"), boundaries=[0.2, 0.4, 0.6, 0.8]),
        pe.column_bucketized(pe.column_numeric("b"), boundaries=[0.3, 0.6]))
    est = pe.boosted_trees_classifier(cols, n_batches_per_layer=1, n_trees=3, max_depth=2,
                                      model_dir=model_dir, config=seed_config())
    fn = pe.input_fn(d, ["a", "b"], "label", batch_size=60, num_epochs=None, shuffle=False)
    h = pe.train(est, fn, steps=12)
    return result_of(est, h, pe.input_fn(d, ["a", "b"], "label", batch_size=60),
                     pe.input_fn(d.iloc[:7], ["a", "b"]))


def py_input_forms(model_dir):
    import pyestim as pe
    from pyestim.datasets import mtcars

    cars, feats = mtcars(), ["drat", "wt"]
    sub = cars[["drat", "wt", "mpg"]]
    records = np.zeros(len(sub), dtype=[("drat", "f8"), ("wt", "f8"), ("mpg", "f8")])
    for c in sub.columns:
        records[c] = sub[c].to_numpy()
    # Python has no formulas: R's formula run is compared with R's and Python's data frame
    sources = {"data_frame": cars, "matrix": records,
               "list": {c: sub[c].to_numpy() for c in sub.columns}}
    out = {}
    for form, data in sources.items():
        est = pe.linear_regressor(pe.feature_columns(pe.column_numeric(*feats)),
                                  model_dir=os.path.join(model_dir, form), optimizer="SGD",
                                  config=seed_config())
        h = pe.train(est, pe.input_fn(data, feats, "mpg", batch_size=8, num_epochs=None,
                                      shuffle=False), steps=12)
        out[form] = {"history": history_of(h), "variables": variables_of(est)}
    return out


def py_train_and_evaluate(model_dir):
    import pyestim as pe

    d = mixed_frame(60)
    d["label"] = (d.label == "yes").astype(int)
    est = pe.linear_classifier(pe.feature_columns(pe.column_numeric("a", "b")),
                               model_dir=model_dir, optimizer="Adagrad", config=seed_config())
    ts = pe.train_spec(pe.input_fn(d, ["a", "b"], "label", batch_size=10, num_epochs=None),
                       max_steps=15)
    es = pe.eval_spec(pe.input_fn(d, ["a", "b"], "label", batch_size=60), steps=None,
                      start_delay_secs=0, throttle_secs=0)
    res = pe.train_and_evaluate(est, ts, es)
    return {"result": frame(res), "variables": variables_of(est),
            "checkpoint": os.path.basename(pe.latest_checkpoint(model_dir))}


def py_export(model_dir, export_dir):
    import pyestim as pe

    est = pe.linear_regressor(pe.feature_columns(pe.column_numeric("drat", "cyl", "wt")),
                              model_dir=model_dir, config=seed_config())
    return pe.export_savedmodel(est, export_dir)


def py_keras(model_dir):
    import pyestim as pe
    from pyestim.datasets import mtcars

    with tf.Graph().as_default():
        inputs = tf.keras.Input(shape=(2,), name="x")
        layer = tf.keras.layers.Dense(1, name="out",
                                      kernel_initializer=tf.keras.initializers.Constant(0.5))
        km = tf.keras.Model(inputs, layer(inputs))
        km.compile(optimizer=tf.keras.optimizers.legacy.SGD(learning_rate=0.001), loss="mse")
        est = pe.keras_model_to_estimator(km, model_dir=model_dir, config=seed_config())
    cars, feats = mtcars(), ["drat", "wt"]
    h = pe.train(est, pe.input_fn(cars, feats, "mpg", batch_size=8, num_epochs=None,
                                  shuffle=False), steps=10)
    return {"history": history_of(h),
            "evaluate": frame(pe.evaluate(est, pe.input_fn(cars, feats, "mpg",
                                                           batch_size=32))),
            "predict": frame(pe.predict(est, pe.input_fn(cars.iloc[:5], feats, "mpg"))),
            "global_step": int(pe.variable_value(est, "global_step")["global_step"]),
            "kernel": flat(pe.variable_value(est, "out/kernel")["out/kernel"])}


def py_columns(vocab_file):
    import pyestim as pe
    from pyestim.datasets import iris

    cols = pe.feature_columns(
        pe.column_numeric("a"),
        pe.column_bucketized(pe.column_numeric("b"), boundaries=[0.3, 0.6]),
        pe.column_indicator(pe.column_categorical_with_vocabulary_list(
            "color", vocabulary_list=["red", "green", "blue"])),
        pe.column_indicator(pe.column_categorical_with_identity("size", num_buckets=3)))
    with tf.Graph().as_default():
        features = {"a": tf.constant([0.1, 0.5, 0.9], shape=[3, 1]),
                    "b": tf.constant([0.2, 0.5, 0.7], shape=[3, 1]),
                    "color": tf.constant(["blue", "red", "mauve"], shape=[3, 1]),
                    "size": tf.constant([2, 0, 1], shape=[3, 1])}
        layer = pe.input_layer(features, cols)
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.tables_initializer())  # the vocabulary list's table
            values = flat(session.run(layer))
    wide = mixed_columns(vocab_file)
    selected = pe.feature_columns(pe.column_numeric("Petal*", "Sepal.Width"), names=iris())
    return {
        "input_layer": values,
        "selected": [c.name for c in selected],
        "classifier_spec": str(pe.classifier_parse_example_spec(
            wide["dnn"], label_key="label", label_dtype=tf.string,
            weight_column="weight")),
        "regressor_spec": str(pe.regressor_parse_example_spec(
            pe.feature_columns(pe.column_numeric("drat", "wt")), label_key="mpg"))}


# --------------------------------------------------------------------------------------------
# Running both sides once per test session, with the INFO lines of input_fn()


@pytest.fixture(scope="module")
def vocab_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("vocab") / "colors.txt"
    path.write_text("red\ngreen\nblue\n")
    return str(path)


@pytest.fixture(scope="module", autouse=True)
def _no_r_garbage_left(r):
    yield
    r_collect(r, 'rm(list = intersect(".parity_value", ls()), envir = globalenv())')


def _r_string(value):
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


#: The scenarios that train nothing, so take no model_dir.
_NO_MODEL_DIR = ("datasets", "columns")
_SCALARS = ("global_step", "checkpoint", "classifier_spec", "regressor_spec")
_FACTOR_LINES = "input_fn(): factor column"
_FACTOR_NOTES = "The following factor levels of"


def run_both(r, tmp_path_factory, what, *args, r_kwargs=None, note=""):
    """(R result, R's factor notes, Python result, Python's factor lines, R's model_dir,
    Python's model_dir): R's factor notes are the R messages input_fn() showed (tfestimators'
    "The following factor levels of ... have been encoded" notes), Python's factor lines those
    input_fn() logged. ``r_kwargs``: more arguments of the R call (integers as R integers);
    ``note``: what the report says of them. The two runs are in :func:`runs_of`."""
    from .conftest import r_literal

    key = (what,) + tuple(sorted((r_kwargs or {}).items()))
    if key not in _cache:
        dirs = [None, None]
        if what not in _NO_MODEL_DIR:
            dirs = [str(tmp_path_factory.mktemp(f"{lang}_{what}")) for lang in ("r", "py")]
        lead = [] if what in _NO_MODEL_DIR else [dirs[0]]
        r_args = ", ".join([_r_string(a) for a in lead + list(args)]
                           + [f"{k} = {r_literal(v)}" for k, v in (r_kwargs or {}).items()])
        r_res = unwrap(r_value(r, (
            ".parity_messages <- character()\n"
            f"withCallingHandlers(can_{what}({r_args}), message = function(m) {{\n"
            "  .parity_messages <<- c(.parity_messages, conditionMessage(m))\n"
            "  invokeRestart('muffleMessage')\n})")), _SCALARS)
        r_lines = [m.rstrip("\n") for m in list(r.get(".parity_messages"))
                   if m.startswith(_FACTOR_NOTES)]
        py_fn = globals()[f"py_{what}"]
        with captured_log(_FACTOR_LINES) as py_lines:
            py_res = py_fn(*([] if what in _NO_MODEL_DIR else [dirs[1]]), *args)
        _cache[key] = (r_res, r_lines, py_res, py_lines, *dirs)
        extra = "".join(f", {k} = {v}" for k, v in (r_kwargs or {}).items())
        _RUNS[key] = (Run("R", f"can_{what}() in canned.R{extra}{note}", r_res),
                      Run("Python", f"py_{what}() in test_canned.py", py_res))
    return _cache[key]


_RUNS = {}


def runs_of(what, **r_kwargs):
    """The (R, Python) runs of the scenario ``what`` (run by :func:`run_both`)."""
    return _RUNS[(what,) + tuple(sorted(r_kwargs.items()))]


# --------------------------------------------------------------------------------------------
# Comparing


def same(a, b):
    """Exact equality of nested results: numbers bit for bit (NaN equal to NaN)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        if all(isinstance(v, float) for v in a + b):
            return same_numbers(a, b)
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return same_numbers([a], [b])
    return a == b


def _as_list(v):
    return v if isinstance(v, list) else [v]


def _frame_same(a, b):
    names_a, names_b = _as_list(a["names"]), _as_list(b["names"])
    return names_a == names_b and all(
        same(_as_list(a["columns"][n]), _as_list(b["columns"][n])) for n in names_a)


def _first_difference(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{path}: keys {sorted(a)} vs {sorted(b)}"
        for k in a:
            d = _first_difference(a[k], b[k], f"{path}/{k}")
            if d:
                return d
        return ""
    if not same(_as_list(a), _as_list(b)):
        return f"{path}: R {str(a)[:120]} vs Python {str(b)[:120]}"
    return ""


def compare_result(report, case, r_res, py_res, runs):
    """history, evaluate, predict and variables of a canned-estimator run; ``runs``: the two
    Runs the results come from."""
    failed = []
    checks = []
    if "history" in py_res:
        checks.append(("training history (steps, mean and total losses)",
                       same({k: _as_list(v) for k, v in r_res["history"].items()},
                            {k: _as_list(v) for k, v in py_res["history"].items()}),
                       f"steps {py_res['history']['steps']}"))
    for key, what in (("evaluate", "evaluate(): metric names and values"),
                      ("predict", "predict(): columns and values"),
                      ("result", "train_and_evaluate(): metric names and values")):
        if key in py_res:
            ok = _frame_same(r_res[key], py_res[key])
            checks.append((what, ok, md(", ".join(_as_list(py_res[key]["names"])))))
    if "variables" in py_res:
        ok = same({k: _as_list(v) for k, v in r_res["variables"].items()},
                  {k: _as_list(v) for k, v in py_res["variables"].items()})
        checks.append(("every checkpoint variable", ok,
                       f"{len(py_res['variables'])} variables"))
    for what, ok, detail in checks:
        if not report.check(case, what, ok, detail, runs=runs):
            failed.append(what)
    return failed


# --------------------------------------------------------------------------------------------
# Tests


def test_r_and_pyestim_data_sets_are_the_same(r, report, tmp_path_factory):
    """R's iris and mtcars and pyestim.datasets.iris() / mtcars(): the same values, names,
    row names and factor levels (what the other tests feed on both sides)."""
    r_res, _, py_res, _, _, _ = run_both(r, tmp_path_factory, "datasets")
    failed = []
    for key, what in (("iris", "iris measurements"), ("mtcars", "mtcars values")):
        ok = _frame_same(r_res[key], py_res[key])
        if not report.check(f"data set {key}", what, ok,
                            f"{len(py_res[key]['names'])} columns", runs=runs_of("datasets")):
            failed.append(key)
    for key in ("iris_species", "iris_codes", "mtcars_rows"):
        if not report.check("data sets", key, r_res[key] == py_res[key],
                            md(", ".join(map(str, py_res[key][:5])) + " ..."),
                            runs=runs_of("datasets")):
            failed.append(key)
    assert not failed, f"data sets differ: {failed}: {_first_difference(r_res, py_res)}"


@pytest.mark.parametrize("what, label", [
    ("linear_regressor", "linear_regressor, input_fn(mpg ~ drat + cyl + wt, mtcars)"),
    ("dnn_classifier", "dnn_classifier on iris, Species ~ . (factor response)"),
    ("dnn_regressor_keras", "dnn_regressor, Keras optimizer (TF2 class), dropout"),
    ("boosted_trees", "boosted_trees_classifier on bucketized columns"),
])
def test_canned_estimator(what, label, r, report, tmp_path_factory):
    """Each canned estimator trained, evaluated and used for prediction the same way in R and
    Python gives exactly the same history, metrics, predictions and variables."""
    r_res, r_lines, py_res, py_lines, _, _ = run_both(r, tmp_path_factory, what)
    failed = compare_result(report, label, r_res, py_res, runs_of(what))
    assert not failed, f"{label}: {failed}: {_first_difference(r_res, py_res)}"
    # Sanity of the runs themselves (independent of the other language).
    last = py_res["history"]["steps"][-1]
    if what == "boosted_trees":
        # Boosted trees stop by themselves once the 3 trees of depth 2 are grown.
        assert last < 12
    else:
        assert last == {"linear_regressor": 30, "dnn_classifier": 40,
                        "dnn_regressor_keras": 25}[what]
    assert py_res["predict"]["names"], "predict() gave no columns"


def test_wide_and_deep_with_every_feature_column(r, report, tmp_path_factory, vocab_file):
    """dnn_linear_combined_classifier with a label vocabulary over weighted, bucketized,
    crossed, numeric, embedded hash-bucket, identity and vocabulary-file columns: the same in R
    and Python, and the predicted classes are the vocabulary's names."""
    r_res, r_lines, py_res, py_lines, _, _ = run_both(r, tmp_path_factory, "wide_and_deep",
                                                      vocab_file)
    label = "dnn_linear_combined_classifier, every kind of feature column"
    failed = compare_result(report, label, r_res, py_res, runs_of("wide_and_deep"))
    assert not failed, f"{label}: {failed}: {_first_difference(r_res, py_res)}"
    classes = py_res["predict"]["columns"]["classes"]
    assert set(classes) <= {"no", "yes"} and len(classes) == 7


def _encoding_of_line(line):
    """(column, ((level, code), ...)) of Python's log line "input_fn(): factor column 'size' is
    fed as 0-based integer codes: S = 0, M = 1, L = 2"."""
    m = re.search(r"factor column '(.*)' is fed as 0-based integer codes: (.*)$", line)
    if not m:
        return None
    pairs = [part.rsplit(" = ", 1) for part in m.group(2).split(", ")]
    return m.group(1), tuple((level, int(code)) for level, code in pairs)


def _encoding_of_note(note):
    """(column, ((level, code), ...)) of R's message, in tfestimators' words: "The following
    factor levels of 'size' have been encoded:\n- 'S' => 0\n- 'M' => 1\n- 'L' => 2"."""
    head, *rows = note.split("\n")
    m = re.fullmatch(r"The following factor levels of '(.*)' have been encoded:", head)
    pairs = [re.fullmatch(r"- '(.*)' => (\d+)", row) for row in rows]
    if not m or not all(pairs):
        return None
    return m.group(1), tuple((p.group(1), int(p.group(2))) for p in pairs)


def test_factor_encoding_lines(r, report, tmp_path_factory, vocab_file):
    """input_fn() says how each factor column is fed (0-based codes): R shows tfestimators'
    note as an R message, Python logs an INFO line; both name the same column, levels and
    codes, for R's factors as for pandas categoricals."""
    cases = (("dnn_classifier", (), "Species"), ("wide_and_deep", (vocab_file,), "size"))
    failed = []
    for what, args, column in cases:
        _, r_notes, _, py_lines, _, _ = run_both(r, tmp_path_factory, what, *args)
        expected = {"Species": (("setosa", 0), ("versicolor", 1), ("virginica", 2)),
                    "size": (("S", 0), ("M", 1), ("L", 2))}[column]
        r_said = [_encoding_of_note(n) for n in r_notes]
        py_said = [_encoding_of_line(line) for line in py_lines]
        ok = bool(py_said) and r_said == py_said and set(py_said) == {(column, expected)}
        r_run, py_run = runs_of(what)
        runs = (r_run.part("factor notes", "input_fn()'s R messages", r_notes),
                py_run.part("factor lines", "input_fn()'s INFO lines", py_lines))
        if not report.check(f"input_fn() factor encoding ({column})",
                            "R message vs Python INFO line: column, levels, codes", ok,
                            md(py_lines[0] if py_lines else "none"), runs=runs):
            failed.append(f"{column}: R {r_notes[:2]} vs Python {py_lines[:2]}")
    assert not failed, failed


def test_input_forms(r, report, tmp_path_factory):
    """input_fn() over a data frame, a formula (R only: Python has no formulas), a matrix with
    column names and a named list (Python: a DataFrame, a structured array, a dict) feed the
    same batches: R and Python train alike form by form; R's formula trains as R's and
    Python's data frame do; Python's matrix and list train as its data frame does. The forms
    tfestimators users write in R (unquoted names, tidyselect helpers, object = / data = by
    name, feature columns from `one_of(...) ~ column_numeric()`) train as Python's data
    frame does."""
    _, formula_steps, note = mutated("input-forms-r-formula", SEED, 12)
    r_res, _, py_res, _, _, _ = run_both(r, tmp_path_factory, "input_forms",
                                         r_kwargs={"formula_steps": formula_steps}, note=note)
    r_run, py_run = runs_of("input_forms", formula_steps=formula_steps)
    label = {"data_frame": "a data frame", "formula": "a formula", "matrix": "a matrix",
             "list": "a list", "unquoted": "a data frame, unquoted names",
             "tidyselect": "a data frame, features = one_of(...)",
             "object_formula": "input_fn(object = <formula>, data = )",
             "columns_formula": "a data frame, columns from one_of(...) ~ column_numeric()"}
    r_part = {form: r_run.part(form, f"input_fn() from {label[form]}") for form in r_res}
    py_part = {form: py_run.part(form, f"input_fn() from {label[form]}") for form in py_res}
    tfestimators_forms = ("unquoted", "tidyselect", "object_formula", "columns_formula")
    assert sorted(r_res) == sorted(["data_frame", "formula", "list", "matrix",
                                    *tfestimators_forms])
    assert sorted(py_res) == ["data_frame", "list", "matrix"]
    pairs = [(f"input_fn() from {label[f]}: R vs Python", r_part[f], py_part[f])
             for f in ("data_frame", "matrix", "list")]
    pairs += [("input_fn(): R formula vs Python data frame", r_part["formula"],
               py_part["data_frame"]),
              ("R: input_fn() from a formula vs a data frame", r_part["formula"],
               r_part["data_frame"])]
    pairs += [(f"Python: input_fn() from {label[f]} vs a data frame", py_part[f],
               py_part["data_frame"]) for f in ("matrix", "list")]
    pairs += [(f"R {label[f]} vs Python data frame", r_part[f], py_part["data_frame"])
              for f in tfestimators_forms]
    failed = []
    for case, a, b in pairs:
        failed += [f"{case}: {w}" for w in compare_result(report, case, a.value, b.value,
                                                          (a, b))]
    assert r_res["formula"]["history"]["steps"] == [1, 10, formula_steps]
    assert not failed, failed


def test_train_and_evaluate(r, report, tmp_path_factory):
    """train_and_evaluate() with train_spec(max_steps = 15) and eval_spec(): the same metrics,
    checkpoint and variables in R and Python."""
    r_res, _, py_res, _, _, _ = run_both(r, tmp_path_factory, "train_and_evaluate")
    label = "train_and_evaluate(linear_classifier)"
    runs = runs_of("train_and_evaluate")
    failed = compare_result(report, label, r_res, py_res, runs)
    ok = r_res["checkpoint"] == py_res["checkpoint"] == "model.ckpt-15"
    if not report.check(label, "latest checkpoint", ok, str(py_res["checkpoint"]), runs=runs):
        failed.append("checkpoint")
    assert not failed, f"{label}: {failed}: {_first_difference(r_res, py_res)}"


def test_export_savedmodel(r, report, tmp_path_factory):
    """export_savedmodel() of the trained linear regressor from R and from Python: both
    SavedModels load with tf.saved_model.load and give exactly the same predictions for the
    same serialized tf.Example inputs (the parsing serving input built from the feature
    columns)."""
    from pyestim.datasets import mtcars

    _, _, _, _, r_dir, py_dir = run_both(r, tmp_path_factory, "linear_regressor")
    base = tmp_path_factory.mktemp("exports")
    r_path = r_value(r, f"can_export({_r_string(r_dir)}, {_r_string(base / 'r')})")[0]
    py_path = py_export(py_dir, str(base / "py"))
    cars = mtcars().iloc[:6]
    examples = []
    for _, row in cars.iterrows():
        feature = {k: tf.train.Feature(float_list=tf.train.FloatList(value=[row[k]]))
                   for k in ("drat", "cyl", "wt")}
        examples.append(tf.train.Example(features=tf.train.Features(feature=feature))
                        .SerializeToString())
    outputs = {}
    for lang, path in (("R", r_path), ("Python", py_path)):
        loaded = tf.saved_model.load(path)
        serve = loaded.signatures["predict"]
        out = serve(examples=tf.constant(examples))
        outputs[lang] = {k: flat(v.numpy()) for k, v in out.items()}
    ok = same(outputs["R"], outputs["Python"])
    report.check("export_savedmodel(linear_regressor)", "served predictions (tf.saved_model)",
                 ok, md(f"signature 'predict', outputs {sorted(outputs['Python'])}"),
                 runs=(Run("R", "can_export() of can_linear_regressor()'s model, served",
                           outputs["R"]),
                       Run("Python", "py_export() of py_linear_regressor()'s model, served",
                           outputs["Python"])))
    assert ok, _first_difference(outputs["R"], outputs["Python"])
    # And the served predictions are predict()'s.
    _, _, py_res, _, _, _ = run_both(r, tmp_path_factory, "linear_regressor")
    assert same(outputs["Python"]["predictions"], py_res["predict"]["columns"]["predictions"])


def test_keras_model_to_estimator(r, report, tmp_path_factory):
    """keras_model_to_estimator() of the same one-layer Keras model (constant initial weights)
    built in R and in Python: the same history, metrics, predictions and weights; the
    global step read by its name from the object-based checkpoint."""
    r_res, _, py_res, _, _, _ = run_both(r, tmp_path_factory, "keras")
    label = "keras_model_to_estimator(Dense(1))"
    failed = compare_result(report, label, r_res, py_res, runs_of("keras"))
    for key, what in (("global_step", 'variable_value(, "global_step")'),
                      ("kernel", 'variable_value(, "out/kernel")')):
        ok = same(_as_list(r_res[key]), _as_list(py_res[key]))
        if not report.check(label, what, ok, md(str(py_res[key])), runs=runs_of("keras")):
            failed.append(key)
    assert py_res["global_step"] == 10
    assert not failed, f"{label}: {failed}: {_first_difference(r_res, py_res)}"


def test_feature_column_helpers(r, report, tmp_path_factory, vocab_file):
    """input_layer() of numeric, bucketized and indicator columns; a column selection by
    tidyselect helper (R) and glob pattern (Python); classifier_parse_example_spec() and
    regressor_parse_example_spec(): the same in R and Python."""
    r_res, _, py_res, _, _, _ = run_both(r, tmp_path_factory, "columns", vocab_file)
    # input_layer: columns in name order: a, b_bucketized (3), color_indicator (3),
    # size_indicator (3); "mauve" is out of the vocabulary (all zeros).
    expected = [0.1, 1, 0, 0, 0, 0, 1, 0, 0, 1,
                0.5, 0, 1, 0, 1, 0, 0, 1, 0, 0,
                0.9, 0, 0, 1, 0, 0, 0, 0, 1, 0]
    failed = []
    checks = (
        ("input_layer() values", same(_as_list(r_res["input_layer"]), py_res["input_layer"]),
         f"{len(py_res['input_layer'])} values"),
        ("column selection", _as_list(r_res["selected"]) == py_res["selected"],
         ", ".join(py_res["selected"])),
        ("classifier_parse_example_spec()", r_res["classifier_spec"] ==
         py_res["classifier_spec"], md(py_res["classifier_spec"], 200)),
        ("regressor_parse_example_spec()", r_res["regressor_spec"] == py_res["regressor_spec"],
         md(py_res["regressor_spec"], 200)),
    )
    for what, ok, detail in checks:
        if not report.check("feature column helpers", what, ok, detail,
                            runs=runs_of("columns")):
            failed.append(what)
    np.testing.assert_allclose(py_res["input_layer"], expected, rtol=1e-6)
    assert py_res["selected"] == ["Petal.Length", "Petal.Width", "Sepal.Width"]
    assert not failed, f"{failed}: {_first_difference(r_res, py_res)}"


# --------------------------------------------------------------------------------------------
# pyestim's canned estimators against plain tf.estimator's classes


def _iris_arrays():
    from pyestim.datasets import iris

    ir = iris()
    x = {c: ir[c].to_numpy() for c in ir.columns if c != "Species"}
    return x, ir.Species.cat.codes.to_numpy().astype(np.int64)


CANNED_STEPS = 40
_ROWS = [0, 50, 100, 1, 51, 101]


def _canned_data(kind):
    """x (dict of columns), y, the prediction rows' x: iris (Petal.Width the response of a
    regressor)."""
    x, y = _iris_arrays()
    if kind == "regressor":
        y = x.pop("Petal.Width")
    return x, y, {k: v[_ROWS] for k, v in x.items()}


def _canned_result(losses, metrics, predictions, variables, cls):
    keys = [k for k in ("predictions", "logits", "probabilities", "class_ids")
            if k in predictions[0]]
    return {"losses": losses,
            "metrics": {k: float(np.asarray(v)) for k, v in sorted(metrics.items())},
            "predictions": {k: flat(np.stack([np.asarray(p[k]) for p in predictions]))
                            for k in keys},
            "variables": {n: flat(v) for n, v in sorted(variables.items())},
            "class": cls}


def _pyestim_run(make, model_dir, kind, seed, steps):
    """pyestim's side, all through pyestim: pyestim.train() with its default hooks (history
    saver, progress bar) plus a hook that reads the model's loss at every step,
    pyestim.evaluate(), pyestim.predict() and pyestim.variable_value(); fed by pyestim's
    numpy_input_fn, seeded by pyestim from run_config(tf_random_seed)."""
    import pyestim as pe

    x, y, x_pred = _canned_data(kind)
    est = make(model_dir, sorted(x), seed)
    recorder = LossRecorder()
    history = pe.train(est, pe.numpy_input_fn(x, y, batch_size=32, num_epochs=None,
                                              shuffle=True), steps=steps, hooks=[recorder])
    # the default history saver was attached: the first step, every 10th and the last
    assert history.steps == [1, *range(10, steps, 10), steps], history.steps
    metrics = pe.evaluate(est, pe.numpy_input_fn(x, y, batch_size=150, num_epochs=1,
                                                 shuffle=False), simplify=False)
    predictions = pe.predict(est, pe.numpy_input_fn(x_pred, batch_size=6, num_epochs=1,
                                                    shuffle=False), simplify=False)
    tf_est = getattr(est, "estimator", est)  # the class, for the report
    return _canned_result(recorder.losses, metrics, predictions, pe.variable_value(est),
                          f"{type(tf_est).__module__}.{type(tf_est).__name__}")


def _plain_run(make, model_dir, kind, seed, steps):
    """Plain tf.estimator's side: the class's own train / evaluate / predict /
    get_variable_value, seeded by hand (runners.seeded), fed by pyestim's numpy_input_fn
    (a plain TensorFlow input function; TensorFlow's own shuffling reader is not
    reproducible)."""
    import pyestim as pe

    x, y, x_pred = _canned_data(kind)
    tf_est = make(model_dir, sorted(x), seed)
    recorder = LossRecorder()
    with seeded(seed):
        tf_est.train(pe.numpy_input_fn(x, y, batch_size=32, num_epochs=None, shuffle=True),
                     steps=steps, hooks=[recorder])
    with seeded(seed):
        metrics = tf_est.evaluate(pe.numpy_input_fn(x, y, batch_size=150, num_epochs=1,
                                                    shuffle=False))
    with seeded(seed):
        predictions = list(tf_est.predict(pe.numpy_input_fn(x_pred, batch_size=6,
                                                            num_epochs=1, shuffle=False)))
    names = tf_est.get_variable_names()
    return _canned_result(recorder.losses, metrics, predictions,
                          {n: tf_est.get_variable_value(n) for n in names},
                          f"{type(tf_est).__module__}.{type(tf_est).__name__}")


def _pyestim_and_plain(name):
    import pyestim as pe

    def numeric(names):
        return [tf.feature_column.numeric_column(n) for n in names]

    def config(model_dir, seed):
        return tf.estimator.RunConfig(model_dir=model_dir, tf_random_seed=seed)

    if name == "dnn_classifier":
        return ("classifier",
                lambda d, names, seed: pe.dnn_classifier(
                    [10, 20, 10], pe.column_numeric(*names), n_classes=3, model_dir=d,
                    config=pe.run_config(tf_random_seed=seed)),
                lambda d, names, seed: tf.compat.v1.estimator.DNNClassifier(
                    hidden_units=[10, 20, 10], feature_columns=numeric(names), n_classes=3,
                    config=config(d, seed)))
    if name == "linear_classifier":
        return ("classifier",
                lambda d, names, seed: pe.linear_classifier(
                    pe.column_numeric(*names), n_classes=3, model_dir=d,
                    config=pe.run_config(tf_random_seed=seed)),
                lambda d, names, seed: tf.compat.v1.estimator.LinearClassifier(
                    feature_columns=numeric(names), n_classes=3, config=config(d, seed)))
    if name == "dnn_linear_combined_regressor":
        return ("regressor",
                lambda d, names, seed: pe.dnn_linear_combined_regressor(
                    linear_feature_columns=pe.column_numeric(*names[:2]),
                    dnn_feature_columns=pe.column_numeric(*names), dnn_hidden_units=[4],
                    model_dir=d, config=pe.run_config(tf_random_seed=seed)),
                lambda d, names, seed: tf.compat.v1.estimator.DNNLinearCombinedRegressor(
                    linear_feature_columns=numeric(names[:2]),
                    dnn_feature_columns=numeric(names), dnn_hidden_units=[4],
                    config=config(d, seed)))
    raise ValueError(name)


@pytest.mark.parametrize("name", ["dnn_classifier", "linear_classifier",
                                  "dnn_linear_combined_regressor"])
def test_canned_matches_plain_tf_estimator(name, report, tmp_path_factory):
    """pyestim's canned estimator (defaults: TensorFlow 1's class, as tfestimators), driven
    through pyestim.train / evaluate / predict / variable_value, and plain
    tf.compat.v1.estimator's class with the same arguments and seed, driven through its own
    methods, fed the same input: the same per-step losses, metrics, predictions and
    variables, bit for bit."""
    kind, ours, plain = _pyestim_and_plain(name)
    seed, steps, note = mutated("canned-pyestim", SEED, CANNED_STEPS)
    a = Run("Python", f"pyestim.{name}(), pyestim.train / evaluate / predict, seed {seed}, "
                      f"{steps} steps{note}",
            _pyestim_run(ours, str(tmp_path_factory.mktemp(f"pyestim_{name}")), kind, seed,
                         steps))
    b = Run("plain", f"tf.compat.v1.estimator class, its own train / evaluate / predict, "
                     f"seed {SEED}, {CANNED_STEPS} steps",
            _plain_run(plain, str(tmp_path_factory.mktemp(f"plain_{name}")), kind, SEED,
                       CANNED_STEPS))
    case = f"{name}: pyestim vs plain tf.estimator"
    failed = []
    for key, what in (("losses", "per-step losses"), ("metrics", "evaluation metrics"),
                      ("predictions", "predictions"), ("variables", "every variable"),
                      ("class", "TensorFlow class")):
        va, vb = a.value[key], b.value[key]
        plain = b.value
        detail = {"losses": f"{len(plain['losses'])} steps", "class": plain["class"],
                  "metrics": md(", ".join(f"{k}={v:.6g}"
                                          for k, v in plain["metrics"].items())),
                  "predictions": ", ".join(plain["predictions"]),
                  "variables": f"{len(plain['variables'])} variables"}[key]
        if not report.check(case, what, same(va, vb), detail, runs=(a, b)):
            failed.append(f"{what}: {_first_difference(va, vb)}")
    assert len(b.value["losses"]) == CANNED_STEPS
    assert not failed, failed
