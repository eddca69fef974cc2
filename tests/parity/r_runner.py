"""Runs the seed 000 R code (tests/parity/r/tutorial.R) through rpy2 in this process and
turns what R returns into a :class:`RunResult`."""

import numpy as np

from .runners import RunResult, captured_log, checkpoint_steps


def _named(r_list):
    return {name: r_list.rx2(name) for name in r_list.names}


def _scalar(vec):
    value = vec[0]
    return float(value) if isinstance(value, float) else int(value)


def run_r(r, settings, model_dir):
    r.call("tutorial_setup", settings.model, model_dir, settings.seed, settings.n_train,
           settings.n_eval, settings.n_predict, settings.log_every, settings.batch_size)
    with captured_log() as train_logged:
        trained = _named(r.call("tutorial_train", settings.steps))
    with captured_log() as eval_logged:
        metrics = _named(r.call("tutorial_evaluate", settings.eval_steps))
    predicted = _named(r.call("tutorial_predict"))
    variables = {}
    for name, entry in _named(r.call("tutorial_variables")).items():
        entry = _named(entry)
        dims = [int(d) for d in entry["dim"]]
        values = np.asarray(list(entry["values"]), dtype=np.float64)
        variables[name] = values.reshape(dims, order="F") if dims else values.reshape(())
    n = int(predicted["n"][0])
    return RunResult(
        steps=[int(s) for s in trained["steps"]],
        losses=[float(v) for v in trained["losses"]],
        train_logged=list(train_logged),
        eval_metrics={k: _scalar(v) for k, v in metrics.items()},
        eval_logged=list(eval_logged),
        checkpoint_steps=checkpoint_steps(model_dir),
        variables=variables,
        classes=np.asarray(list(predicted["classes"]), dtype=np.int64),
        probabilities=np.asarray(list(predicted["probabilities"]),
                                 dtype=np.float64).reshape(n, -1),
    )
