"""Noise (issue 11, point 8): TensorFlow's deprecation warnings about pyestim's, tf.estimator's
and TensorFlow's own calls are hidden by default (PYESTIM_SHOW_DEPRECATIONS=1 shows them),
the user's own are kept, TensorFlow's INFO lines stay; the progress bar clears its line
before a log line is written."""

import io
import logging
import os
import subprocess
import sys
import textwrap

import pyestim
from pyestim._before_tf import has_nvidia_device
from pyestim.engine.log import OwnDeprecations
from support.paths import TESTS

PYESTIM_DIR = os.path.dirname(os.path.abspath(pyestim.__file__))

_RUN = textwrap.dedent(f"""
    import sys, tempfile
    import numpy as np
    sys.path.insert(0, {str(TESTS)!r})
    import pyestim
    from support import models
    x = np.random.default_rng(1).normal(size=(200, 6)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int32)
    est = pyestim.estimator(models.linear_model, model_dir=tempfile.mkdtemp())
    pyestim.train(est, pyestim.numpy_input_fn({{"x": x}}, y, num_epochs=None, shuffle=True),
                  steps=20)
    pyestim.evaluate(est, pyestim.numpy_input_fn({{"x": x}}, y, shuffle=False))
    pyestim.predict(est, pyestim.numpy_input_fn({{"x": x}}, shuffle=False))
""")


def _start(show):
    env = dict(os.environ, PYESTIM_SHOW_DEPRECATIONS=show, TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("PYESTIM_TF_VERBOSITY", None)
    return subprocess.Popen([sys.executable, "-c", _RUN], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _stderr(started):
    """Each process's stderr, once all have ended."""
    errs = [proc.communicate(timeout=300)[1] for proc in started]
    for proc, err in zip(started, errs):
        assert proc.returncode == 0, err[-3000:]
    return errs


def test_own_deprecation_warnings_are_hidden_by_default_and_shown_on_request():
    started = _start("0"), _start("1")  # at once: each spends most of its time importing TF
    quiet, loud = _stderr(started)
    assert "is deprecated" not in quiet
    assert "INFO:tensorflow:loss = " in quiet  # the tutorial's INFO lines stay
    assert loud.count("is deprecated and will be removed") >= 5  # they exist, and show


def _record(message):
    return logging.LogRecord("tensorflow", logging.WARNING, __file__, 1, message, None, None)


def test_the_users_own_deprecated_calls_still_warn():
    keep = OwnDeprecations()
    user = _record("From /home/me/model.py:12: dense (from tensorflow.python.keras.legacy) is "
                   "deprecated and will be removed in a future version.\nUse Dense instead.")
    ours = _record(f"From {PYESTIM_DIR}/columns/kinds.py:48: numeric_column (from x) is "
                   "deprecated and will be removed in a future version.")
    estimator = _record("From /venv/site-packages/tensorflow_estimator/python/estimator/"
                        "estimator.py:385: StopAtStepHook.__init__ (from x) is deprecated and "
                        "will be removed in a future version.")
    info = _record("loss = 0.5, step = 1")
    assert keep.filter(user) and keep.filter(info)
    assert not keep.filter(ours) and not keep.filter(estimator)


def test_progress_bar_clears_its_line_before_a_log_line(tmp_path, linear_model_fn, toy_data):
    stream = io.StringIO()
    bar = pyestim.hook_progress_bar(enabled=True)
    bar.stream = stream
    est = pyestim.estimator(linear_model_fn, model_dir=str(tmp_path / "m"))
    logged = pyestim.hook_logging_tensor({"step": "global_step"}, every_n_iter=1)
    pyestim.train(est, pyestim.numpy_input_fn({"x": toy_data.x}, toy_data.y, num_epochs=None,
                                              shuffle=False),
                  steps=5, hooks=[bar, logged])
    text = stream.getvalue()
    assert "\r\033[K" in text  # the bar left its line for the log lines
    assert text.endswith("\n") and "5/5 [" in text
    # the line-clearing filter is taken off TensorFlow's logger when train() ends
    assert not [f for f in logging.getLogger("tensorflow").filters
                if type(f).__name__ == "_ClearBarLine"]


# Quiet by default (issue 22, point 8): a first use of pyestim on a fresh interpreter, without
# dev.sh's TF_CPP_MIN_LOG_LEVEL, prints no deprecation notice of pyestim's own calls and, on
# a machine with no NVIDIA device, none of TensorFlow's CUDA probe.

_FIRST_USE = textwrap.dedent("""
    import pyestim
    pyestim.column_numeric("x")
    pyestim.column_indicator(pyestim.column_categorical_with_identity("k", num_buckets=3))
    pyestim.column_categorical_with_vocabulary_list("w", vocabulary_list=["a", "b"])
    import tensorflow as tf
    print("sum", float(tf.constant(1.0) + 1.0))
""")

_CUDA_PROBE = ("All log messages before absl::InitializeLog()", "Could not find cuda drivers",
               "failed call to cuInit")


def _first_use(**env_vars):
    env = {k: v for k, v in os.environ.items()
           if k not in ("TF_CPP_MIN_LOG_LEVEL", "PYESTIM_SHOW_DEPRECATIONS",
                        "PYESTIM_TF_VERBOSITY")}
    env.update(env_vars)
    proc = subprocess.run([sys.executable, "-c", _FIRST_USE], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "sum 2.0" in proc.stdout
    return proc.stderr


def test_a_first_use_is_quiet():
    quiet = _first_use()
    assert "is deprecated" not in quiet
    if not has_nvidia_device():
        assert [line for line in quiet.splitlines()
                if any(noise in line for noise in _CUDA_PROBE)] == []
    # asked for: TensorFlow's messages all, and the deprecation notices
    loud = _first_use(TF_CPP_MIN_LOG_LEVEL="0", PYESTIM_SHOW_DEPRECATIONS="1")
    if pyestim.engine.tf216.stack_name() == "current":
        assert "numeric_column" in loud and "is deprecated" in loud
        if not has_nvidia_device():
            assert "Could not find cuda drivers" in loud and "failed call to cuInit" in loud


_HELD = textwrap.dedent("""
    import os, sys
    from pyestim._before_tf import _native_stderr_filtered
    print("before", file=sys.stderr, flush=True)
    with _native_stderr_filtered():
        os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are "
                    b"written to STDERR\\n")
        os.write(2, b"I0000 1 cudart_stub.cc:31] Could not find cuda drivers on your machine\\n")
        os.write(2, b"I0000 2 port.cc:153] oneDNN custom operations are on.\\n")
        print("a Python warning", file=sys.stderr)
        os.write(2, b"E0000 3 cuda_platform.cc:52] failed call to cuInit: UNKNOWN ERROR (303)\\n")
    print("after", file=sys.stderr, flush=True)
""")


def test_the_cuda_probe_lines_go_and_every_other_line_stays_in_order():
    proc = subprocess.run([sys.executable, "-c", _HELD], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "before", "I0000 2 port.cc:153] oneDNN custom operations are on.", "a Python warning",
        "after"]


def test_a_closed_standard_error_does_not_stop_the_import():
    code = textwrap.dedent("""
        import os
        os.close(2)
        from pyestim._before_tf import _native_stderr_filtered
        with _native_stderr_filtered():
            x = 1
        print("ran", x)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ran 1"
