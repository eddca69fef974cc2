"""pyestim.engine, the one seam to TensorFlow, seen from outside: the interface builds, trains,
evaluates, predicts and reads checkpoints; TensorFlow's logger gets pyestim's default level at
pyestim's first use, not at import; canned predictions are tidied by predict(), not by
replacing TensorFlow's own ``predict``.

Expected values: the global step counts the steps asked for; the logger levels are the
standard library's (INFO = 20, ERROR = 40, NOTSET = 0); the tidied class ids are the
plain integers TensorFlow returns as one-element arrays."""

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from support.process import child_env

import pyestim
from pyestim import engine
from pyestim.model_fn import model_fn_signature, wrap_model_fn
from pyestim.models import softmax_model_fn


def _data(n=40):
    rng = np.random.default_rng(3)
    return rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n).astype(np.int32)


def test_the_interface_runs_a_model_function(tmp_path):
    x, y = _data()
    wrapped = wrap_model_fn(softmax_model_fn, model_fn_signature(softmax_model_fn), False)
    est = engine.build(wrapped, model_dir=str(tmp_path / "m"))
    assert engine.is_estimator(est)
    fn = pyestim.numpy_input_fn({"x": x}, y, batch_size=10, num_epochs=None, shuffle=False)
    engine.train(est, fn, 3, [], None, None)
    assert engine.latest_checkpoint(str(tmp_path / "m")).endswith("model.ckpt-3")
    assert int(engine.load_variable(str(tmp_path / "m"), "global_step")) == 3
    assert "global_step" in engine.list_variables(str(tmp_path / "m"))
    eval_fn = pyestim.numpy_input_fn({"x": x}, y, batch_size=10, num_epochs=1, shuffle=False)
    metrics = engine.evaluate(est, eval_fn, None, [], None, None)
    assert metrics["global_step"] == 3
    pred_fn = pyestim.numpy_input_fn({"x": x[:5]}, None, batch_size=5, num_epochs=1,
                                     shuffle=False)
    items = list(engine.predict(est, pred_fn, None, [], None, True))
    assert len(items) == 5


#: Child processes (a fresh process each: the logger's level is decided at pyestim's first use
#: in a process): name -> (PYESTIM_TF_VERBOSITY or None, code printing "LEVEL <n>" lines).
_CHILDREN = {
    "untouched": (None, """
        import logging
        import pyestim
        from pyestim.models import softmax_model_fn
        logger = logging.getLogger("tensorflow")
        print("LEVEL", logger.level)
        pyestim.estimator(softmax_model_fn)
        print("LEVEL", logger.level)
        """),
    "chosen by PYESTIM_TF_VERBOSITY": ("ERROR", """
        import logging
        import pyestim
        from pyestim.models import softmax_model_fn
        pyestim.estimator(softmax_model_fn)
        print("LEVEL", logging.getLogger("tensorflow").level)
        """),
    "set before import": (None, """
        import logging
        logging.getLogger("tensorflow").setLevel(logging.WARNING)
        import pyestim
        from pyestim.models import softmax_model_fn
        pyestim.estimator(softmax_model_fn)
        print("LEVEL", logging.getLogger("tensorflow").level)
        """),
}


@pytest.fixture(scope="module")
def child_levels():
    """The levels each child of _CHILDREN printed. The children run at once: each spends its
    time importing TensorFlow, which one after another took most of this file's time."""
    started = {}
    for name, (verbosity, code) in _CHILDREN.items():
        env = child_env()
        env.pop("PYESTIM_TF_VERBOSITY", None)
        if verbosity:
            env["PYESTIM_TF_VERBOSITY"] = verbosity
        started[name] = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         text=True)
    ended = {name: child.communicate(timeout=300) for name, child in started.items()}
    levels = {}
    for name, (out, err) in ended.items():
        assert started[name].returncode == 0, f"{name}: {err[-2000:]}"
        # Only the lines the code marks: TensorFlow may print warnings of its own on stdout.
        levels[name] = [line.split()[1] for line in out.splitlines() if line.startswith("LEVEL ")]
    return levels


def test_import_leaves_the_tensorflow_logger_alone_until_first_use(child_levels):
    assert child_levels["untouched"] == ["0", "20"]


def test_a_level_the_user_chose_is_kept(child_levels):
    assert child_levels["chosen by PYESTIM_TF_VERBOSITY"] == ["40"]
    assert child_levels["set before import"] == ["30"]


def test_canned_predictions_are_tidied_without_touching_tensorflows_estimator(tmp_path):
    frame = pd.DataFrame({"a": np.linspace(-1, 1, 20), "y": (np.arange(20) % 2)})
    est = pyestim.linear_classifier(pyestim.feature_columns("a"),
                                    model_dir=str(tmp_path / "m"))
    assert "predict" not in vars(est.estimator)  # TensorFlow's own method, not a replacement
    pyestim.train(est, pyestim.input_fn(frame, "a", "y", num_epochs=None), steps=2)
    rows = pyestim.predict(est, pyestim.input_fn(frame.head(3), "a"), simplify=False)
    assert all(isinstance(r["class_ids"], int) for r in rows)
    raw = list(est.estimator.predict(pyestim.numpy_input_fn(
        {"a": frame.a.to_numpy()[:3]}, shuffle=False)))
    assert all(r["class_ids"].shape == (1,) for r in raw)


def test_old_estimator_paths_name_tensorflow_estimators_modules():
    # The engine's answer for TensorFlow 2.15's tensorflow.python.estimator modules (issue 21,
    # point 4), on either stack: the tensorflow_estimator module of the same path (keras is
    # keras_lib there), already loaded; None for names 2.15 did not have there.
    from pyestim.engine import _stack

    real = "tensorflow_estimator.python.estimator"
    assert _stack.old_estimator_module("tensorflow.python.estimator") is sys.modules[real]
    assert _stack.old_estimator_module("tensorflow.python.estimator.canned.dnn") is \
        sys.modules[real + ".canned.dnn"]
    assert _stack.old_estimator_module("tensorflow.python.estimator.keras") is \
        sys.modules[real + ".keras_lib"]
    assert len(_stack.OLD_MODULES) == 31
    for short, target in _stack.OLD_MODULES.items():
        name = "tensorflow.python.estimator" + (f".{short}" if short else "")
        assert _stack.old_estimator_module(name).__name__ == real + (f".{target}" if target else "")
    for other in ("tensorflow.python.estimator.head", "tensorflow.python.estimators",
                  "tensorflow_estimator.python.estimator.gc", "tensorflow"):
        assert _stack.old_estimator_module(other) is None
