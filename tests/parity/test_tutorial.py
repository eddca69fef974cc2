"""Tutorial parity: the seed 000 script in R, its Python twin on pyestim, and the seed 001
code on plain tf.estimator agree exactly on the per-step losses, the evaluation metrics, the
predicted_classes lines logged by hook_logging_tensor, the checkpoint steps, the final
variable values, and the predictions (classes and probabilities) — for the tutorial's CNN
(seeds 000/001), the Deep-MNIST CNN with Adam (seed 002) and the 16/36-filter Layers-API CNN
(seed 003).

All three run on the same MNIST subset with the same seed, shuffle = TRUE as written, fed by
pyestim's numpy_input_fn (plain tf.estimator's stock reader shuffles from threads and is not
reproducible). Every comparison is exact: floats are compared bit for bit.
"""

import re

import numpy as np
import pytest

from .runners import Settings, run_plain, run_python

SECTION = "Tutorial parity (R / Python / plain tf.estimator)"
MODELS = ["cnn", "deep_mnist", "layers_cnn"]
_TIMING = re.compile(r" \(\d+\.\d+ sec\)$")
_cache = {}


def _run(impl, model, tmp_path_factory, r=None):
    key = (impl, model)
    if key not in _cache:
        settings = Settings(model=model)
        model_dir = str(tmp_path_factory.mktemp(f"{impl}_{model}"))
        if impl == "python":
            _cache[key] = run_python(settings, model_dir)
        elif impl == "plain":
            _cache[key] = run_plain(settings, model_dir)
        else:
            from .r_runner import run_r

            _cache[key] = run_r(r, settings, model_dir)
    return _cache[key]


def _untimed(lines):
    """LoggingTensorHook appends the time since its last line, "(0.204 sec)": not part of
    the comparison."""
    return [_TIMING.sub("", line) for line in lines]


def _compare(report, case, a, b):
    checks = [
        ("per-step losses", a.steps == b.steps and a.losses == b.losses,
         f"{len(a.losses)} steps"),
        ("predicted_classes lines (train)",
         _untimed(a.train_logged) == _untimed(b.train_logged),
         f"{len(a.train_logged)} lines"),
        ("evaluation metrics", a.eval_metrics == b.eval_metrics,
         ", ".join(f"{k}={v}" for k, v in sorted(a.eval_metrics.items()))),
        ("predicted_classes lines (evaluate)",
         _untimed(a.eval_logged) == _untimed(b.eval_logged), f"{len(a.eval_logged)} lines"),
        ("checkpoint steps", a.checkpoint_steps == b.checkpoint_steps,
         str(a.checkpoint_steps)),
        ("final variable values",
         sorted(a.variables) == sorted(b.variables)
         and all(np.array_equal(np.asarray(a.variables[k], dtype=np.float64),
                                np.asarray(b.variables[k], dtype=np.float64))
                 for k in a.variables),
         f"{len(a.variables)} variables"),
        ("predicted classes", np.array_equal(a.classes, b.classes), f"{len(a.classes)} images"),
        ("predicted probabilities",
         np.array_equal(np.asarray(a.probabilities, dtype=np.float64),
                        np.asarray(b.probabilities, dtype=np.float64)),
         f"{a.probabilities.shape}"),
    ]
    failed = [what for what, ok, detail in checks if not report.check(case, what, ok, detail)]
    return failed


def _sanity(result, settings=Settings()):
    assert result.steps == list(range(1, settings.steps + 1))
    assert all(np.isfinite(result.losses))
    # LoggingTensorHook fires at local steps 0, 10, 20: three lines while training
    assert len(result.train_logged) == -(-settings.steps // settings.log_every)
    assert len(result.eval_logged) >= 1
    assert result.eval_metrics["global_step"] == settings.steps
    assert result.checkpoint_steps[-1] == settings.steps
    assert result.classes.shape == (settings.n_predict,)
    np.testing.assert_allclose(result.probabilities.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("model", MODELS)
def test_python_matches_plain_tf_estimator(model, tmp_path_factory, report):
    python = _run("python", model, tmp_path_factory)
    plain = _run("plain", model, tmp_path_factory)
    _sanity(python)
    failed = _compare(report, f"{model}: Python vs plain", python, plain)
    assert not failed, f"Python (pyestim) and plain tf.estimator differ in: {failed}"


@pytest.mark.parametrize("model", MODELS)
def test_r_matches_python(model, tmp_path_factory, report, r):
    r_result = _run("r", model, tmp_path_factory, r)
    python = _run("python", model, tmp_path_factory)
    _sanity(r_result)
    failed = _compare(report, f"{model}: R vs Python", r_result, python)
    assert not failed, f"R and Python differ in: {failed}"


@pytest.mark.parametrize("model", MODELS)
def test_r_matches_plain_tf_estimator(model, tmp_path_factory, report, r):
    r_result = _run("r", model, tmp_path_factory, r)
    plain = _run("plain", model, tmp_path_factory)
    failed = _compare(report, f"{model}: R vs plain", r_result, plain)
    assert not failed, f"R and plain tf.estimator differ in: {failed}"
