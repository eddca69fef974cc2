"""The training history against the loss plain tf.estimator logs (issue 22, point 1): for a
canned estimator of each head (regression: linear_regressor on mtcars; binary:
linear_classifier on mtcars' am; multi-class: dnn_classifier on iris) and for a custom model
function (the behaviour model of test_behaviour.py), the history that train() returns in R
(tests/parity/r/history.R) and in Python (below), with a history saver at every step, against
the ``loss = ...`` lines plain tf.estimator's own LoggingTensorHook writes (the
tf.compat.v1.estimator class or Estimator, run_config(log_step_count_steps = 1), the same
seed and input, no pyestim in the model, the hooks or the estimator).

Compared bit for bit: ``total_losses`` at every step with the logged loss (the float32 that
NumPy's text reads back to), and ``mean_losses`` with the logged loss over the batch size (8,
a power of two: the float32 division is exact) for the canned heads, with the logged loss for
the custom model function (its loss is one scalar). And R's history against Python's: the
same fields (tfestimators' losses, step, params, evaluation_metrics) and numbers.
"""

import re

import numpy as np
import pytest
import tensorflow as tf

from .helpers import (LEARNING_RATE, Recorder, Run, make_model_fn, md, mutated, py_input_fn,
                      r_value, synthetic)
from .runners import captured_log, seeded

SECTION = "Training history against plain tf.estimator's logged loss (R / Python / plain)"
SEED, STEPS, BATCH = 3, 12, 8
HEADS = ["regression", "binary", "multiclass", "custom"]
IRIS = ["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"]
_cache = {}


# --------------------------------------------------------------------------------------------
# The data, as both sides read it (the rows in order, batches of 8, repeated)


def _arrays(head):
    """x (a dict of columns), y: the twins of hist_input() in history.R."""
    from pyestim.datasets import iris, mtcars

    if head in ("regression", "binary"):
        cars = mtcars()
        return ({c: cars[c].to_numpy() for c in ("drat", "cyl")},
                cars["mpg" if head == "regression" else "am"].to_numpy())
    if head == "multiclass":
        ir = iris()
        return {c: ir[c].to_numpy() for c in IRIS}, ir.Species.cat.codes.to_numpy().astype(
            np.int32)
    x, y = synthetic(40)
    return {"x": x}, y


def _input(head):
    import pyestim as pe

    if head == "custom":
        return py_input_fn("numpy", 40, shuffle=False)
    x, y = _arrays(head)
    return pe.numpy_input_fn(x, y, batch_size=BATCH, num_epochs=None, shuffle=False)


# --------------------------------------------------------------------------------------------
# Python (pyestim) and plain tf.estimator


def _py_estimator(head, model_dir, seed):
    import pyestim as pe

    config = pe.run_config(tf_random_seed=seed)
    if head == "regression":
        return pe.linear_regressor(pe.column_numeric("drat", "cyl"), model_dir=model_dir,
                                   config=config)
    if head == "binary":
        return pe.linear_classifier(pe.column_numeric("drat", "cyl"), n_classes=2,
                                    model_dir=model_dir, config=config)
    if head == "multiclass":
        return pe.dnn_classifier([10, 10], pe.column_numeric(*IRIS), n_classes=3,
                                 model_dir=model_dir, config=config)
    # the behaviour model, as beh_estimator() in behaviour.R
    return pe.estimator(make_model_fn(Recorder()), model_dir=model_dir,
                        params={"learning_rate": LEARNING_RATE},
                        config=pe.run_config(tf_random_seed=seed, keep_checkpoint_max=0))


def py_history_run(head, model_dir, seed=SEED, steps=STEPS):
    import pyestim as pe

    est = _py_estimator(head, model_dir, seed)
    h = pe.train(est, _input(head), steps=steps, hooks=pe.hook_history_saver(every_n_step=1))
    fields = ["params", "losses", "step", "evaluation_metrics"]
    return {"names": [f for f in fields if hasattr(h, f)],
            "step": h.step, "mean_losses": h.losses["mean_losses"],
            "total_losses": h.losses["total_losses"], "params_steps": h.params["steps"],
            "params_metrics": h.params["metrics"], "evaluation_metrics": h.evaluation_metrics}


def plain_model_fn(features, labels, mode, params):
    """The behaviour model (helpers.make_model_fn) in plain TensorFlow."""
    v1 = tf.compat.v1
    x = tf.cast(features["x"], tf.float32)
    w = v1.get_variable("w", shape=[6, 3], initializer=v1.zeros_initializer())
    b = v1.get_variable("b", shape=[3], initializer=v1.zeros_initializer())
    logits = tf.add(tf.matmul(x, w), b)
    loss = tf.identity(v1.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits),
                       name="loss")
    optimizer = v1.train.GradientDescentOptimizer(learning_rate=params["learning_rate"])
    train_op = optimizer.minimize(loss=loss, global_step=v1.train.get_global_step())
    return tf.estimator.EstimatorSpec(mode=mode, loss=loss, train_op=train_op)


def _plain_estimator(head, model_dir, seed):
    v1 = tf.compat.v1
    config = tf.estimator.RunConfig(model_dir=model_dir, tf_random_seed=seed,
                                    log_step_count_steps=1)
    numeric = tf.feature_column.numeric_column
    if head == "regression":
        return v1.estimator.LinearRegressor([numeric("drat"), numeric("cyl")], config=config)
    if head == "binary":
        return v1.estimator.LinearClassifier([numeric("drat"), numeric("cyl")], n_classes=2,
                                             config=config)
    if head == "multiclass":
        return v1.estimator.DNNClassifier([10, 10], [numeric(c) for c in IRIS], n_classes=3,
                                          config=config)
    return v1.estimator.Estimator(plain_model_fn, config=config,
                                  params={"learning_rate": LEARNING_RATE})


LOGGED = re.compile(r"^loss = ([^,]+), step = ")


def plain_logged_run(head, model_dir, seed=SEED, steps=STEPS):
    """Plain tf.estimator's ``loss = ...`` lines (one per step under log_step_count_steps=1,
    in step order: the step they print is a read of the global step that TensorFlow does not
    order before the step's increment), as the float32 that NumPy's text reads back to."""
    est = _plain_estimator(head, model_dir, seed)
    with captured_log("loss = ") as lines, seeded(seed):
        est.train(_input(head), steps=steps)
    return {"logged": [float(np.float32(m.group(1))) for m in map(LOGGED.match, lines) if m]}


# --------------------------------------------------------------------------------------------
# The runs (each made once)


def _runs(head, r, tmp_path_factory):
    if head not in _cache:
        d = tmp_path_factory.mktemp(f"history_{head}")
        seed, steps, note = mutated("history", SEED, STEPS)
        r_run = Run("R", f'hist_run("{head}") (tests/parity/r/history.R), seed {seed}, '
                         f"{steps} steps, hook_history_saver(every_n_step = 1){note}",
                    r_value(r, f'hist_run("{head}", "{d / "r"}", seed = {seed}L, '
                               f"steps = {steps}L)"))
        py_run = Run("Python", f'py_history_run("{head}") (test_history.py), seed {seed}, '
                               f"{steps} steps, hook_history_saver(every_n_step=1){note}",
                     py_history_run(head, str(d / "py"), seed, steps))
        plain = Run("plain", f"{head}: tf.compat.v1.estimator's class (custom: "
                             f"tf.estimator.Estimator), its own train(), seed {SEED}, "
                             f"{STEPS} steps, RunConfig(log_step_count_steps=1): the "
                             "'loss = ...' lines",
                    plain_logged_run(head, str(d / "plain")))
        _cache[head] = (r_run, py_run, plain)
    return _cache[head]


def _f32(values):
    return [np.float32(v) for v in values]


def _as_list(value):
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("head", HEADS)
def test_history_against_plain_logged_loss(head, r, report, tmp_path_factory):
    r_run, py_run, plain = _runs(head, r, tmp_path_factory)
    logged = plain.value["logged"]
    assert len(logged) == STEPS, plain.value
    per_example = head != "custom"
    expected_mean = [np.float32(v) / np.float32(BATCH) for v in logged] if per_example \
        else _f32(logged)
    mean_how = f"logged loss / {BATCH}" if per_example else "logged loss (one scalar)"
    case = {"regression": "linear_regressor (regression head)",
            "binary": "linear_classifier, 2 classes (binary head)",
            "multiclass": "dnn_classifier, 3 classes (multi-class head)",
            "custom": "custom model function (behaviour model)"}[head]
    failed = []
    for run in (r_run, py_run):
        h = run.value
        steps = [int(s) for s in _as_list(h["step"])]
        total, mean = _as_list(h["total_losses"]), _as_list(h["mean_losses"])
        checks = [
            (f"{run.side} history total_losses vs plain's logged loss, every step",
             steps == list(range(1, STEPS + 1)) and _f32(total) == _f32(logged),
             f"{STEPS} steps, loss {logged[0]:.6g} .. {logged[-1]:.6g}"),
            (f"{run.side} history mean_losses vs plain's {mean_how}",
             _f32(mean) == expected_mean,
             f"mean_losses {float(expected_mean[0]):.6g} .. {float(expected_mean[-1]):.6g}"),
        ]
        for what, ok, detail in checks:
            if not report.check(case, what, ok, md(detail), runs=(run, plain)):
                failed.append(f"{run.side}: {what}")
    assert not failed, failed


@pytest.mark.parametrize("head", HEADS)
def test_history_fields_r_and_python(head, r, report, tmp_path_factory):
    r_run, py_run, _ = _runs(head, r, tmp_path_factory)
    a, b = r_run.value, py_run.value
    fields = ["params", "losses", "step", "evaluation_metrics"]
    ok = (all(f in _as_list(a["names"]) for f in fields)
          and [int(s) for s in _as_list(a["step"])] == b["step"]
          and _as_list(a["total_losses"]) == b["total_losses"]
          and _as_list(a["mean_losses"]) == b["mean_losses"]
          and int(_as_list(a["params_steps"])[0]) == b["params_steps"]
          and _as_list(a["params_metrics"]) == b["params_metrics"])
    assert report.check(f"history of {head}", "tfestimators' fields (losses, step, params, "
                        "evaluation_metrics) and their numbers, R vs Python", ok,
                        md(", ".join(fields)), runs=(r_run, py_run))
