"""Several training steps per session.run (issue 20, point 1): ``run_config(steps_per_run =
4)`` against the default 1, for a custom model function (the behaviour model), a linear and
a DNN classifier (dropout None), trained 11 steps (runs of 4, 4 and 3) on beh_data(40) in
batches of 8, in R (tests/parity/r/steps.R) and in Python (below). Compared bit for bit: every
variable of the checkpoints (weights, the optimizer's slots, the global step), and the loss of
the last step in the history."""

import numpy as np
import pytest
import tensorflow as tf

from .helpers import LEARNING_RATE, Recorder, Run, make_model_fn, md, py_input_fn, r_value

SECTION = "Several steps per session.run: steps_per_run = 4 against 1 (R / Python)"
SEED, STEPS, K = 3, 11, 4
KINDS = ["custom", "linear", "dnn"]
_cache = {}


def _py_estimator(kind, model_dir, k, seed):
    import pyestim as pe

    config = pe.run_config(tf_random_seed=seed, steps_per_run=k, keep_checkpoint_max=0)
    columns = pe.feature_columns(pe.column_numeric("x", shape=6))
    if kind == "custom":
        return pe.estimator(make_model_fn(Recorder()), model_dir=model_dir,
                            params={"learning_rate": LEARNING_RATE}, config=config)
    if kind == "linear":
        return pe.linear_classifier(columns, n_classes=3, model_dir=model_dir, config=config)
    return pe.dnn_classifier([16, 8], columns, n_classes=3, model_dir=model_dir,
                             config=config)


def py_steps_run(kind, model_dir, k, seed=SEED, steps=STEPS):
    import pyestim as pe

    h = pe.train(_py_estimator(kind, model_dir, k, seed),
                 py_input_fn("numpy", 40, shuffle=False), steps=steps)
    return {"model_dir": model_dir, "step": h.step, "total_losses": h.losses["total_losses"]}


def _variables(model_dir):
    ckpt = tf.train.latest_checkpoint(model_dir)
    return {n: np.asarray(tf.train.load_variable(ckpt, n))
            for n, _ in tf.train.list_variables(ckpt)}


def _runs(kind, r, tmp_path_factory):
    if kind not in _cache:
        d = tmp_path_factory.mktemp(f"steps_{kind}")
        runs = {}
        for k in (1, K):
            runs["R", k] = Run("R", f'steps_run("{kind}", k = {k}L) (tests/parity/r/steps.R), '
                                    f"seed {SEED}, {STEPS} steps",
                               r_value(r, f'steps_run("{kind}", "{d / f"r{k}"}", {k}L, '
                                          f"seed = {SEED}L, steps = {STEPS}L)"))
            runs["Python", k] = Run("Python", f'py_steps_run("{kind}", k={k}) '
                                              f"(test_steps_per_run.py), seed {SEED}, "
                                              f"{STEPS} steps",
                                    py_steps_run(kind, str(d / f"py{k}"), k))
        _cache[kind] = runs
    return _cache[kind]


def _dir(run):
    where = run.value["model_dir"]
    return where[0] if isinstance(where, list) else where


def _same_variables(a, b):
    va, vb = _variables(_dir(a)), _variables(_dir(b))
    same = sorted(va) == sorted(vb) and all(
        va[n].dtype == vb[n].dtype and va[n].tobytes() == vb[n].tobytes() for n in va)
    return same, f"{len(va)} variables, global_step {int(va.get('global_step', -1))}"


def _last_loss(run):
    losses = run.value["total_losses"]
    return np.float32(losses[-1] if isinstance(losses, list) else losses)


@pytest.mark.parametrize("kind", KINDS)
def test_k_steps_per_run_against_one(kind, r, report, tmp_path_factory):
    runs = _runs(kind, r, tmp_path_factory)
    case = {"custom": "custom model function (behaviour model)",
            "linear": "linear_classifier, 3 classes",
            "dnn": "dnn_classifier [16, 8], 3 classes"}[kind]
    failed = []
    pairs = [(runs["R", K], runs["R", 1]), (runs["Python", K], runs["Python", 1]),
             (runs["R", K], runs["Python", 1])]
    for a, b in pairs:
        same, detail = _same_variables(a, b)
        checks = [
            (f"{a.side} steps_per_run={K} vs {b.side} 1: every checkpoint variable, bit for "
             "bit", same, detail),
            (f"{a.side} steps_per_run={K} vs {b.side} 1: the history's last loss",
             _last_loss(a) == _last_loss(b), f"loss {float(_last_loss(b)):.6g}"),
        ]
        for what, ok, text in checks:
            if not report.check(case, what, ok, md(text), runs=(a, b)):
                failed.append(what)
    assert int(_variables(_dir(runs["Python", K]))["global_step"]) == STEPS
    assert not failed, failed
