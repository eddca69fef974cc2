"""Tutorial parity: the seed 000 script in R, its Python twin on pyestim, and the seed 001
code on plain tf.estimator agree exactly on the per-step losses, the evaluation metrics, the
predicted_classes lines logged by hook_logging_tensor, the checkpoint steps, the final
variable values, and the predictions (classes and probabilities) — for the tutorial's CNN
(seeds 000/001), the Deep-MNIST CNN with Adam (seed 002) and the 16/36-filter Layers-API CNN
(seed 003).

All three run on the same MNIST subset with the same seed, shuffle = TRUE as written; there
plain tf.estimator is fed by pyestim's numpy_input_fn and MNIST reader (TensorFlow's own
numpy_input_fn shuffles from a thread and is not reproducible). And without shuffling,
Python on pyestim against plain tf.estimator, both fed by TensorFlow's own
tf.compat.v1.estimator.inputs.numpy_input_fn (shuffle=False, num_threads=1), the plain side on
MNIST read from the IDX files by the test: no pyestim at all on the plain side. Every comparison is
exact: floats are compared bit for bit.
"""

import dataclasses
import re

import numpy as np
import pytest

from .helpers import Run, mutated
from .runners import Settings, mnist_arrays, read_idx_mnist, run_plain, run_python

SECTION = "Tutorial parity (R / Python / plain tf.estimator)"
MODELS = ["cnn", "deep_mnist", "layers_cnn"]
_TIMING = re.compile(r" \(\d+\.\d+ sec\)$")
_cache = {}
_SIDES = {"python": "Python", "plain": "plain", "r": "R", "python_tf_reader": "Python",
          "plain_tf_reader": "plain (TF reader)"}


def _run(impl, model, tmp_path_factory, r=None):
    """The run of one implementation for one model, made once, as a :class:`Run`."""
    key = (impl, model)
    if key not in _cache:
        settings = Settings(model=model)
        note = ""
        if impl in ("python_tf_reader", "plain_tf_reader"):
            settings = dataclasses.replace(settings, shuffle=False, reader="tf")
        if impl == "plain_tf_reader":
            seed, steps, note = mutated("tutorial-plain-tf-reader", settings.seed,
                                        settings.steps)
            settings = dataclasses.replace(settings, seed=seed, steps=steps)
        model_dir = str(tmp_path_factory.mktemp(f"{impl}_{model}"))
        if impl in ("python", "python_tf_reader"):
            value = run_python(settings, model_dir)
            how = "seed 000's code on pyestim (runners.run_python)"
            if impl == "python_tf_reader":
                how += ", fed by tf.compat.v1.estimator.inputs.numpy_input_fn"
        elif impl == "plain":
            value = run_plain(settings, model_dir)
            how = "seed 001's code, pyestim's numpy_input_fn and MNIST reader"
        elif impl == "plain_tf_reader":
            value = run_plain(settings, model_dir)
            how = ("seed 001's code, tf.compat.v1.estimator.inputs.numpy_input_fn, MNIST "
                   "from the IDX files")
        else:
            from .r_runner import run_r

            value = run_r(r, settings, model_dir)
            how = "seed 000's R code (r/tutorial.R)"
        how += (f"; {model}, seed {settings.seed}, {settings.steps} steps, "
                f"shuffle={settings.shuffle}{note}")
        _cache[key] = Run(_SIDES[impl], how, value)
    return _cache[key]


def _untimed(lines):
    """LoggingTensorHook appends the time since its last line, "(0.204 sec)": not part of
    the comparison."""
    return [_TIMING.sub("", line) for line in lines]


def _compare(report, case, run_a, run_b):
    a, b = run_a.value, run_b.value
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
    failed = [what for what, ok, detail in checks
              if not report.check(case, what, ok, detail, runs=(run_a, run_b))]
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
    _sanity(python.value)
    failed = _compare(report, f"{model}: Python vs plain", python, plain)
    assert not failed, f"Python (pyestim) and plain tf.estimator differ in: {failed}"


@pytest.mark.parametrize("model", MODELS)
def test_r_matches_python(model, tmp_path_factory, report, r):
    r_result = _run("r", model, tmp_path_factory, r)
    python = _run("python", model, tmp_path_factory)
    _sanity(r_result.value)
    failed = _compare(report, f"{model}: R vs Python", r_result, python)
    assert not failed, f"R and Python differ in: {failed}"


@pytest.mark.parametrize("model", MODELS)
def test_r_matches_plain_tf_estimator(model, tmp_path_factory, report, r):
    r_result = _run("r", model, tmp_path_factory, r)
    plain = _run("plain", model, tmp_path_factory)
    failed = _compare(report, f"{model}: R vs plain", r_result, plain)
    assert not failed, f"R and plain tf.estimator differ in: {failed}"


@pytest.mark.parametrize("model", MODELS)
def test_python_matches_plain_tf_estimator_with_its_own_reader(model, tmp_path_factory,
                                                                report):
    """Unshuffled (the only way TensorFlow's own numpy_input_fn is reproducible): Python on
    pyestim against plain tf.estimator on MNIST read from the IDX files by the test, no
    pyestim on that side. Both are fed by tf.compat.v1.estimator.inputs.numpy_input_fn
    (num_threads=1): TensorFlow seeds each random op from the number of ops built before it,
    input ops included, so the two sides must build the same input ops."""
    python = _run("python_tf_reader", model, tmp_path_factory)
    plain = _run("plain_tf_reader", model, tmp_path_factory)
    _sanity(python.value)
    failed = _compare(report, f"{model}: Python vs plain (TF reader), shuffle=False", python,
                      plain)
    assert not failed, f"Python (pyestim) and plain tf.estimator differ in: {failed}"


def test_mnist_arrays_match_the_idx_files(report):
    """The MNIST subset pyestim's reader gives (what the shuffled runs read) and the one the
    test reads from the IDX files itself: the same arrays, bit for bit."""
    settings = Settings()
    ours = Run("Python", "pyestim.datasets.read_data_sets(), the tutorial's subset",
               mnist_arrays(settings))
    idx = Run("plain (TF reader)", "runners.read_idx_mnist(): the IDX files, numpy + gzip",
              read_idx_mnist(settings))
    failed = []
    for key in ("train_data", "train_labels", "eval_data", "eval_labels"):
        a, b = ours.value[key], idx.value[key]
        ok = a.dtype == b.dtype and np.array_equal(a, b)
        if not report.check("MNIST subset", key, ok, f"{a.dtype} {a.shape}", runs=(ours, idx)):
            failed.append(key)
    # what the tutorial reads: float32 pixels in [0, 1], ten classes
    assert idx.value["train_data"].shape == (settings.n_train, 784)
    assert 0.0 <= idx.value["train_data"].min() and idx.value["train_data"].max() <= 1.0
    assert set(np.unique(idx.value["train_labels"])) == set(range(10))
    assert not failed, f"pyestim's MNIST reader and the IDX files differ in {failed}"
