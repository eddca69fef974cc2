"""R functions and the threads TensorFlow calls them from (pyestim.guards.calls, the R bridge).

R code runs only in R's main thread (Python's main thread in a process where reticulate or
rpy2 run both). Under ``MirroredStrategy`` and its relatives TensorFlow calls the model function
from a replica thread of the strategy while the calling thread waits for it, so an R model
function there would hang the process. These tests check, without R (the bridge module is
loaded from ``r/inst/python``; an R function is stood in for by its ``call_r``):

* the bridge marks the Python function behind an R function, and such a function called from a
  thread other than the main one raises RThreadError at once, without calling R;
* the model-function wrapper does the same for a marked model function, and leaves an
  unmarked (Python) one alone in any thread;
* which strategies call the model function from threads of their own (found by running
  them: ``MirroredStrategy`` does, ``OneDeviceStrategy`` calls it in the calling thread, as
  does ``predict()``), and that ``train()`` / ``evaluate()`` / ``train_and_evaluate()`` refuse a
  marked model function under the former before anything is written to ``model_dir``, and
  run it under the latter.

The same from R, with a real R model function: ``r/tests/testthat/test-r-threads.R``.
"""

import importlib.util
import threading
from pathlib import Path

import pytest
import tensorflow as tf

import pyestim as pe
from pyestim import _lang, engine
from pyestim.guards import calls as guards
from pyestim.errors import RThreadError
from pyestim.model_fn import wrap_model_fn

from support.models import toy_input
from support.paths import R_PACKAGE
from support.process import time_limit

BRIDGE = R_PACKAGE / "inst" / "python" / "pyestim_rbridge.py"


def _load_bridge():
    spec = importlib.util.spec_from_file_location("pyestim_rbridge", BRIDGE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bridge = _load_bridge()


def in_thread(fn, *args):
    """(value, exception, thread name) of ``fn(*args)`` run in a new thread (joined within
    30 s: a hang fails the test)."""
    out = {}

    def target():
        out["thread"] = threading.current_thread().name
        try:
            out["value"] = fn(*args)
        except BaseException as err:  # noqa: BLE001 - handed to the test
            out["error"] = err

    t = threading.Thread(target=target, name="replica-like")
    t.start()
    t.join(30)
    assert not t.is_alive(), "the call in the thread did not return"
    return out.get("value"), out.get("error"), out["thread"]


def fake_r(calls):
    """A stand-in for R's side of a bridged function: records its calls, returns 42."""
    def call_r(*args, **kwargs):
        calls.append(threading.current_thread().name)
        return 42
    return call_r


# --- the marker and the bridge's net ----------------------------------------------------------

def test_bridge_marks_r_functions_and_nothing_else():
    fn = bridge.r_function(fake_r([]), ["x"], [False], "f")
    assert guards.is_r_function(fn)
    assert getattr(fn, guards.R_FUNCTION) is True
    assert not guards.is_r_function(lambda x: x)
    assert not guards.is_r_function(pe.estimator_spec)


def test_r_function_called_from_another_thread_raises_without_calling_r():
    calls = []
    fn = bridge.r_function(fake_r(calls), ["x"], [False], "normalizer_fn")
    assert fn(1) == 42 and calls == ["MainThread"]  # the main thread calls R
    value, error, thread = in_thread(fn, 1)
    assert value is None and isinstance(error, RThreadError)
    assert isinstance(error, ValueError)  # every pyestim value error is one
    assert calls == ["MainThread"], "R must not be called from the other thread"
    message = str(error)
    assert "normalizer_fn()" in message and repr(thread) in message
    assert "not R's main thread" in message and "would hang" in message
    assert "canned estimator" in message and "in Python" in message


# --- the model-function wrapper ---------------------------------------------------------------

def _spec_fn(calls):
    def model_fn(features, mode):
        calls.append(threading.current_thread().name)
        with tf.Graph().as_default():
            return pe.estimator_spec(mode=mode, predictions=tf.constant([1.0]))
    return model_fn


def test_wrapper_refuses_a_marked_model_fn_in_a_thread_and_runs_an_unmarked_one():
    calls = []
    marked = _spec_fn(calls)
    setattr(marked, guards.R_FUNCTION, True)
    wrapped = wrap_model_fn(marked, ["features", "mode"], False)
    _, error, _ = in_thread(wrapped, {}, None, "infer", None)
    assert isinstance(error, RThreadError) and calls == []
    assert "model_fn()" in str(error)
    assert isinstance(wrapped({}, None, "infer", None), engine.EstimatorSpec)  # main thread
    assert calls == ["MainThread"]

    plain = wrap_model_fn(_spec_fn(calls), ["features", "mode"], False)
    value, error, thread = in_thread(plain, {}, None, "infer", None)
    assert error is None and isinstance(value, engine.EstimatorSpec)
    assert calls[-1] == thread


def test_messages_speak_the_callers_language():
    with _lang.using("r"):
        early = str(guards.r_thread_error("train()", tf.distribute.MirroredStrategy(), "train"))
        late = str(guards.r_thread_error(name="model_fn"))
    for message in (early, late):
        assert "run_config(train_distribute = ...)" in message or \
            "train_distribute = ..." in message
        assert "reticulate::py_run_string()" in message and "py$model_fn" in message
    assert "train() would hang" in early and "MirroredStrategy" in early
    python = str(guards.r_thread_error("evaluate()", tf.distribute.MirroredStrategy(), "eval"))
    assert "run_config(eval_distribute=...)" in python and "reticulate" not in python


# --- which strategies call the model function from threads ------------------------------------

def _recording_model(calls, linear_model_fn):
    def model_fn(features, labels, mode, params):
        calls.append(threading.current_thread() is threading.main_thread())
        return linear_model_fn(features, labels, mode, params)
    return model_fn


def test_strategies_found_by_running_them(tmp_path, toy_data, linear_model_fn):
    """MirroredStrategy, CentralStorageStrategy and TensorFlow 1's ParameterServerStrategy (here
    on this machine's CPU) call a (Python) model function from a thread of their own, which is
    why an R one cannot run there; OneDeviceStrategy and predict() call it in the main
    thread. (MultiWorkerMirroredStrategy's class is a MirroredStrategy's: tested from R.)"""
    expected = {"mirrored": (tf.distribute.MirroredStrategy(["/cpu:0"]), False),
                "central_storage": (tf.distribute.experimental.CentralStorageStrategy(), False),
                "parameter_server": (
                    tf.compat.v1.distribute.experimental.ParameterServerStrategy(), False),
                "one_device": (tf.distribute.OneDeviceStrategy("/cpu:0"), True)}
    for name, (strategy, in_main) in expected.items():
        calls = []
        est = pe.estimator(_recording_model(calls, linear_model_fn),
                           model_dir=str(tmp_path / name),
                           config=pe.run_config(train_distribute=strategy))
        with time_limit(120):
            pe.train(est, toy_input(toy_data), steps=2)
        assert calls == [in_main], name
        assert engine.replica_threads(strategy) is not in_main
        pe.predict(est, toy_input(toy_data, rows=slice(0, 5), num_epochs=1))
        assert calls[-1] is True  # predict() never uses the strategy
    assert not engine.replica_threads(None)


# --- refused before anything is built ---------------------------------------------------------

def _marked(linear_model_fn, calls):
    fn = _recording_model(calls, linear_model_fn)
    setattr(fn, guards.R_FUNCTION, True)
    return fn


def _files(path):
    return sorted(p.name for p in Path(path).rglob("*")) if Path(path).exists() else []


@pytest.mark.parametrize("setting, verb", [("train_distribute", "train"),
                                           ("eval_distribute", "evaluate"),
                                           ("train_distribute", "train_and_evaluate"),
                                           ("eval_distribute", "train_and_evaluate")])
def test_marked_model_fn_under_a_threaded_strategy_is_refused_up_front(
        setting, verb, tmp_path, toy_data, linear_model_fn, monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    calls = []
    model_dir = tmp_path / "model"
    est = pe.estimator(_marked(linear_model_fn, calls), model_dir=str(model_dir),
                       config=pe.run_config(**{setting: tf.distribute.MirroredStrategy(
                           ["/cpu:0"])}))
    data = toy_input(toy_data, num_epochs=1)
    run = {"train": lambda: pe.train(est, data, steps=2),
           "evaluate": lambda: pe.evaluate(est, data),
           "train_and_evaluate": lambda: pe.train_and_evaluate(
               est, pe.train_spec(data, max_steps=2), pe.eval_spec(data))}[verb]
    with time_limit(60), pytest.raises(RThreadError) as info:
        run()
    message = str(info.value)
    assert f"{verb}() would hang" in message and "MirroredStrategy" in message
    assert f"run_config({setting}=...)" in message and "replica thread" in message
    assert "canned estimator" in message and "in Python" in message
    assert calls == [] and _files(model_dir) == []


def test_only_what_would_hang_is_refused(tmp_path, toy_data, linear_model_fn, monkeypatch):
    """A marked model function trains under OneDeviceStrategy (called in the main thread), and
    evaluates when only train_distribute names a threaded strategy; the evaluator of a cluster
    checks only eval_distribute, the parameter servers nothing."""
    monkeypatch.delenv("TF_CONFIG", raising=False)
    calls = []
    one = pe.estimator(_marked(linear_model_fn, calls), model_dir=str(tmp_path / "one"),
                       config=pe.run_config(
                           train_distribute=tf.distribute.OneDeviceStrategy("/cpu:0")))
    with time_limit(120):
        pe.train(one, toy_input(toy_data), steps=2)
    assert calls == [True]
    mirrored = tf.distribute.MirroredStrategy(["/cpu:0"])
    config = pe.run_config(train_distribute=mirrored)
    guards.refuse_r_model_fn(_marked(linear_model_fn, []), config, "evaluate()", ("eval",))
    cluster = '{"cluster": {"chief": ["127.0.0.1:1"], "evaluator": ["127.0.0.1:2"]}, '
    monkeypatch.setenv("TF_CONFIG", cluster + '"task": {"type": "evaluator", "index": 0}}')
    guards.refuse_r_model_fn(_marked(linear_model_fn, []), config, "train_and_evaluate()")
    monkeypatch.setenv("TF_CONFIG", cluster + '"task": {"type": "chief", "index": 0}}')
    with pytest.raises(RThreadError, match="train_and_evaluate"):
        guards.refuse_r_model_fn(_marked(linear_model_fn, []), config, "train_and_evaluate()")


def test_an_r_function_in_a_replica_thread_raises_and_training_stops(tmp_path, toy_data):
    """The net, end to end: a canned estimator's optimizer function marked as R's is called by
    MirroredStrategy from a replica thread; the error reaches the caller as RThreadError (no
    hang; TensorFlow's autograph wraps it on its way), and R (here the stand-in) is never
    called from that thread."""
    calls = []
    optimizer = bridge.r_function(
        lambda: calls.append(threading.current_thread().name)
        or tf.compat.v1.train.GradientDescentOptimizer(0.1),
        [], [], "optimizer")
    est = pe.linear_classifier(pe.feature_columns(pe.column_numeric("x", shape=[6])),
                               n_classes=10, optimizer=optimizer,
                               model_dir=str(tmp_path / "canned"),
                               config=pe.run_config(
                                   train_distribute=tf.distribute.MirroredStrategy(["/cpu:0"])))
    with time_limit(120), pytest.raises(RThreadError, match=r"optimizer\(\) was called"):
        pe.train(est, toy_input(toy_data), steps=2)
    assert set(calls) <= {"MainThread"}  # pyestim may call it to check it; never elsewhere
