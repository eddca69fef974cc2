"""estimator(), train(), evaluate(), predict() and export_savedmodel() (pyestim/estimators.py).

Expected values come from plain TensorFlow (tf.train.load_variable / list_variables on the
checkpoints) and from NumPy computations on the weights read back from the checkpoints; the
model is the softmax regression of support/models.py (zero-initialised, so its first loss is
ln 10). The model function's arguments and estimator_spec() are in test_model_fn.py, the
checkpoint accessors in test_checkpoints.py.
"""

import inspect
import math
import os

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

import pyestim
import pyestim.models
from pyestim import errors
from support.checks import is_pyestim_error, recording_hook
from support.models import global_step_of, toy_input

ModeKeys = tf.estimator.ModeKeys


class Boom(Exception):
    """An exception type nothing but these tests raises."""


# --------------------------------------------------------------------------------------------
# estimator()


def test_estimator_rejects_a_model_fn_that_is_not_callable(tmp_path):
    with pytest.raises(errors.ModelFnError) as info:
        pyestim.estimator(42, model_dir=tmp_path / "m")
    assert is_pyestim_error(info.value, TypeError)
    assert "model_fn must be a function" in str(info.value)
    assert "int" in str(info.value)


def test_estimator_rejects_params_when_model_fn_has_no_params_argument(tmp_path):
    def model_fn(features, labels, mode):
        raise AssertionError("never called")

    with pytest.raises(errors.ModelFnError) as info:
        pyestim.estimator(model_fn, model_dir=tmp_path / "m", params={"learning_rate": 0.1})
    assert is_pyestim_error(info.value, TypeError)
    assert "params" in str(info.value)


def test_estimator_rejects_params_that_are_not_a_dict(tmp_path, linear_model_fn):
    with pytest.raises(errors.PyestimTypeError) as info:
        pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m", params=[0.1])
    assert is_pyestim_error(info.value, TypeError)
    assert "params" in str(info.value) and "list" in str(info.value)


@pytest.mark.parametrize("config", [{"tf_random_seed": 1}, "run_config", 5])
def test_estimator_rejects_a_config_not_from_run_config(tmp_path, linear_model_fn, config):
    with pytest.raises(errors.PyestimTypeError) as info:
        pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m", config=config)
    assert is_pyestim_error(info.value, TypeError)
    assert "run_config()" in str(info.value)
    assert type(config).__name__ in str(info.value)


def test_estimator_rejects_a_model_dir_that_is_not_a_path(linear_model_fn):
    with pytest.raises(errors.PyestimTypeError) as info:
        pyestim.estimator(linear_model_fn, model_dir=42)
    assert "model_dir" in str(info.value)


def test_estimator_takes_model_dir_from_run_config(tmp_path, linear_model_fn, toy_data):
    where = str(tmp_path / "from_config")
    est = pyestim.estimator(linear_model_fn, config=pyestim.run_config(model_dir=where))
    assert pyestim.model_dir(est) == where
    pyestim.train(est, toy_input(toy_data), steps=2)
    assert global_step_of(where) == 2


def test_estimator_without_model_dir_uses_a_temporary_directory(linear_model_fn, toy_data):
    import tempfile

    est = pyestim.estimator(linear_model_fn)
    where = pyestim.model_dir(est)
    assert isinstance(where, str) and os.path.isabs(where)
    # a directory under the system's temporary folder, new for each estimator
    assert os.path.commonpath([where, tempfile.gettempdir()]) == tempfile.gettempdir()
    assert pyestim.model_dir(pyestim.estimator(linear_model_fn)) != where
    assert isinstance(est, pyestim.Estimator)
    assert est.model_fn is linear_model_fn
    assert "custom" in repr(est) and where in repr(est)
    # and training writes its checkpoints there
    pyestim.train(est, toy_input(toy_data), steps=2)
    assert global_step_of(where) == 2


# --------------------------------------------------------------------------------------------
# train()


def test_train_with_an_r_number_of_steps(tmp_path, linear_model_fn, toy_data):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    history = pyestim.train(est, toy_input(toy_data), steps=20.0)
    assert isinstance(history, pyestim.History)
    assert global_step_of(tmp_path / "m") == 20
    latest = pyestim.latest_checkpoint(tmp_path / "m")
    assert latest.endswith("-20")
    assert latest == os.path.join(str(tmp_path / "m"), "model.ckpt-20")


def test_train_continues_from_the_last_checkpoint(tmp_path, linear_model_fn, toy_data):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), steps=3)
    history = pyestim.train(est, toy_input(toy_data), steps=4)
    assert global_step_of(tmp_path / "m") == 7
    assert history.steps[-1] == 7


@pytest.mark.parametrize("kwargs", [
    {"steps": 2.5}, {"steps": -1}, {"steps": 0}, {"steps": "3"}, {"steps": True},
    {"steps": [1, 2]}, {"steps": float("nan")}, {"max_steps": 0}, {"max_steps": 1.5},
    {"steps": 3, "max_steps": 5},
])
def test_bad_steps_fail_before_anything_is_built(tmp_path, toy_data, kwargs):
    calls = []

    def model_fn(features, labels, mode):
        calls.append("model_fn")
        raise AssertionError("model_fn must not be called")

    def input_fn():
        calls.append("input_fn")
        return toy_input(toy_data)()

    model_dir = tmp_path / "m"
    est = pyestim.estimator(model_fn, model_dir=model_dir)
    with pytest.raises(errors.StepsError) as info:
        pyestim.train(est, input_fn, **kwargs)
    assert is_pyestim_error(info.value, ValueError)
    name = "max_steps" if "max_steps" in kwargs and "steps" not in kwargs else "steps"
    assert name in str(info.value)
    assert calls == []
    assert not model_dir.exists() or not any(model_dir.iterdir())


def test_steps_and_max_steps_together_names_both(tmp_path, linear_model_fn, toy_data):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    with pytest.raises(errors.StepsError) as info:
        pyestim.train(est, toy_input(toy_data), steps=3, max_steps=5)
    assert "steps=3" in str(info.value) and "max_steps=5" in str(info.value)


def test_max_steps_stops_at_the_total(tmp_path, linear_model_fn, toy_data):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), steps=3)
    history = pyestim.train(est, toy_input(toy_data), max_steps=5.0)
    assert global_step_of(tmp_path / "m") == 5
    assert history.steps == [4, 5]  # the call's first step and its last
    again = pyestim.train(est, toy_input(toy_data), max_steps=5)
    assert global_step_of(tmp_path / "m") == 5
    assert len(again) == 0


def test_train_without_steps_runs_until_the_input_ends(tmp_path, linear_model_fn, toy_data):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    # 200 rows, batch 50, 2 epochs: 8 steps.
    history = pyestim.train(est, toy_input(toy_data, num_epochs=2))
    assert global_step_of(tmp_path / "m") == 8
    assert history.steps == [1, 8]


@pytest.mark.parametrize("as_list", [False, True])
def test_train_takes_one_hook_or_a_list(tmp_path, linear_model_fn, toy_data, as_list):
    calls, other = [], []
    hook = recording_hook(calls)
    hooks = [hook, recording_hook(other)] if as_list else hook
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), steps=4, hooks=hooks)
    assert len(calls) == 4
    assert len(other) == (4 if as_list else 0)


@pytest.mark.parametrize("hooks", [["not a hook"], "not a hook", 3,
                                   [pyestim.hook_history_saver(), None]])
def test_train_rejects_hooks_that_are_not_hooks(tmp_path, toy_data, hooks):
    calls = []

    def model_fn(features, labels, mode):
        calls.append("model_fn")
        raise AssertionError("model_fn must not be called")

    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m")
    with pytest.raises(errors.HookError) as info:
        pyestim.train(est, toy_input(toy_data), steps=1, hooks=hooks)
    assert is_pyestim_error(info.value, TypeError)
    assert "not a session run hook" in str(info.value)
    assert calls == []


@pytest.mark.parametrize("input_fn", [None, 5, "train_input_fn", {"x": 1}])
def test_train_rejects_an_input_fn_that_is_not_callable(tmp_path, linear_model_fn, input_fn):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    with pytest.raises(errors.InputFnError) as info:
        pyestim.train(est, input_fn, steps=1)
    assert is_pyestim_error(info.value, TypeError)
    assert "input_fn must be a function" in str(info.value)
    assert type(input_fn).__name__ in str(info.value)


def test_train_rejects_an_input_fn_of_two_arguments(tmp_path, linear_model_fn, toy_data):
    def input_fn(x, y):
        raise AssertionError("never called")

    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    with pytest.raises(errors.InputFnError) as info:
        pyestim.train(est, input_fn, steps=1)
    assert is_pyestim_error(info.value, TypeError)
    assert "takes 2 (x, y)" in str(info.value)


def test_one_argument_input_fn_gets_the_estimator(tmp_path, linear_model_fn, toy_data):
    received = []

    def train_input_fn(features_as_named_list):
        received.append(features_as_named_list)
        return toy_input(toy_data)

    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, train_input_fn, steps=2)
    pyestim.evaluate(est, train_input_fn, steps=1)
    assert len(received) == 2
    assert all(r is est for r in received)
    assert global_step_of(tmp_path / "m") == 2


def test_one_argument_input_fn_must_return_a_function(tmp_path, linear_model_fn, toy_data):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    with pytest.raises(errors.InputFnError) as info:
        pyestim.train(est, lambda estimator: toy_data.x, steps=1)
    assert "ndarray" in str(info.value)


def test_input_fn_with_tf_arguments_is_passed_to_tf_estimator(tmp_path, linear_model_fn,
                                                              toy_data):
    received = []

    def input_fn(params, mode, config):
        received.append({"params": params, "mode": mode, "config": config})
        return toy_input(toy_data)()

    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m",
                            params={"learning_rate": 0.25})
    pyestim.train(est, input_fn, steps=2)
    assert len(received) == 1
    assert received[0]["mode"] == "train"
    assert received[0]["params"] == {"learning_rate": 0.25}
    assert isinstance(received[0]["config"], tf.estimator.RunConfig)
    assert global_step_of(tmp_path / "m") == 2


def test_exception_in_model_fn_reaches_the_caller(tmp_path, toy_data):
    def model_fn(features, labels, mode):
        raise Boom("the model function broke (code 17)")

    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m")
    with pytest.raises(Boom) as info:
        pyestim.train(est, toy_input(toy_data), steps=1)
    assert info.type is Boom
    assert str(info.value) == "the model function broke (code 17)"


@pytest.mark.parametrize("kind", ["zero_args", "one_arg", "inner"])
def test_exception_in_input_fn_reaches_the_caller(tmp_path, linear_model_fn, kind):
    def broken():
        raise Boom(f"no data ({kind})")

    input_fn = {"zero_args": broken,
                "one_arg": lambda est: broken(),
                "inner": lambda est: broken}[kind]
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    with pytest.raises(Boom) as info:
        pyestim.train(est, input_fn, steps=1)
    assert info.type is Boom
    assert str(info.value) == f"no data ({kind})"


@pytest.mark.parametrize("callback", ["begin", "after_create_session", "before_run",
                                      "after_run", "end"])
def test_exception_in_a_hook_callback_reaches_the_caller(tmp_path, linear_model_fn, toy_data,
                                                         callback):
    def broken(*args):
        raise Boom(f"hook {callback} broke")

    hook = pyestim.session_run_hook(**{callback: broken})
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    with pytest.raises(Boom) as info:
        pyestim.train(est, toy_input(toy_data), steps=2, hooks=hook)
    assert info.type is Boom
    assert str(info.value) == f"hook {callback} broke"


def test_exception_in_a_hook_reaches_the_caller_of_evaluate_and_predict(
        tmp_path, linear_model_fn, toy_data):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), steps=1)

    def broken(ctx, values):
        raise Boom("after_run broke")

    with pytest.raises(Boom, match="^after_run broke$"):
        pyestim.evaluate(est, toy_input(toy_data, num_epochs=1),
                         hooks=pyestim.session_run_hook(after_run=broken))
    with pytest.raises(Boom, match="^after_run broke$"):
        pyestim.predict(est, toy_input(toy_data, num_epochs=1, labels=False),
                        hooks=pyestim.session_run_hook(after_run=broken))


def test_train_accepts_a_plain_tf_estimator(tmp_path, toy_data, linear_model_fn):
    def model_fn(features, labels, mode, params):
        return linear_model_fn(features, labels, mode, params)

    plain = tf.estimator.Estimator(model_fn=model_fn, model_dir=str(tmp_path / "m"))
    history = pyestim.train(plain, toy_input(toy_data), steps=2)
    assert history.steps == [1, 2]
    assert global_step_of(tmp_path / "m") == 2
    with pytest.raises(errors.PyestimTypeError, match="str"):
        pyestim.train("my estimator", toy_input(toy_data), steps=1)


def test_estimator_methods_delegate(tmp_path, linear_model_fn, toy_data):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    history = est.train(toy_input(toy_data), steps=2)
    assert history.steps == [1, 2]
    metrics = est.evaluate(toy_input(toy_data, num_epochs=1), simplify=False)
    assert metrics["global_step"] == 2
    preds = est.predict(toy_input(toy_data, rows=slice(0, 7), num_epochs=1, labels=False))
    assert len(preds) == 7


def test_saving_listeners_are_called(tmp_path, linear_model_fn, toy_data):
    saved = []

    class Listener(tf.compat.v1.train.CheckpointSaverListener):
        def after_save(self, session, global_step_value):
            saved.append(int(global_step_value))

    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), steps=3, saving_listeners=Listener())
    assert saved[0] == 0 and saved[-1] == 3


# --------------------------------------------------------------------------------------------
# evaluate() and predict() on a trained softmax regression (conftest.py's ``trained``)


def numpy_logits(checkpoint, x):
    w = tf.train.load_variable(checkpoint, "w")
    b = tf.train.load_variable(checkpoint, "b")
    return x.astype(np.float64) @ w + b


def test_trained_fixture_has_the_expected_checkpoints(trained):
    _, model_dir, paths = trained
    assert sorted(paths) == [0, 5, 10]


def test_evaluate_returns_a_one_row_data_frame(trained, toy_data, numpy_reference):
    est, model_dir, _ = trained
    result = pyestim.evaluate(est, toy_input(toy_data, num_epochs=1))
    assert isinstance(result, pd.DataFrame)
    assert len(result) == 1
    assert set(result.columns) == {"accuracy", "loss", "global_step"}

    logits = numpy_logits(model_dir, toy_data.x)
    accuracy = np.mean(np.argmax(logits, axis=1) == toy_data.y)
    p = numpy_reference.softmax(logits)
    loss = np.mean(-np.log(p[np.arange(len(toy_data.y)), toy_data.y]))
    assert 0.2 < accuracy < 1.0  # the model learned something, but not everything
    assert result["accuracy"][0] == pytest.approx(accuracy, abs=1e-6)
    assert result["loss"][0] == pytest.approx(loss, rel=1e-5)
    assert result["global_step"][0] == 10


def test_evaluate_simplify_false_gives_a_dict(trained, toy_data):
    est, model_dir, _ = trained
    result = pyestim.evaluate(est, toy_input(toy_data, num_epochs=1), simplify=False)
    assert isinstance(result, dict)
    assert set(result) == {"accuracy", "loss", "global_step"}
    assert type(result["global_step"]) is int and result["global_step"] == 10
    assert type(result["accuracy"]) is float


def test_evaluate_steps_limits_the_batches(trained, toy_data):
    est, model_dir, _ = trained
    calls = []
    result = pyestim.evaluate(est, toy_input(toy_data, num_epochs=1), steps=2.0,
                              hooks=recording_hook(calls), simplify=False)
    assert len(calls) == 2
    logits = numpy_logits(model_dir, toy_data.x[:100])
    expected = np.mean(np.argmax(logits, axis=1) == toy_data.y[:100])
    assert result["accuracy"] == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("steps", [0, -2, 1.5, "2"])
def test_evaluate_rejects_bad_steps(trained, toy_data, steps):
    est, _, _ = trained
    with pytest.raises(errors.StepsError):
        pyestim.evaluate(est, toy_input(toy_data, num_epochs=1), steps=steps)


def test_evaluate_an_older_checkpoint(trained, toy_data):
    est, _, paths = trained
    result = pyestim.evaluate(est, toy_input(toy_data, num_epochs=1),
                              checkpoint_path=paths[5], simplify=False)
    assert result["global_step"] == 5
    logits = numpy_logits(paths[5], toy_data.x)
    expected = np.mean(np.argmax(logits, axis=1) == toy_data.y)
    assert result["accuracy"] == pytest.approx(expected, abs=1e-6)
    latest = numpy_logits(paths[10], toy_data.x)
    assert not np.array_equal(np.argmax(latest, axis=1), np.argmax(logits, axis=1))


def test_evaluate_with_a_name_writes_its_own_directory(trained, toy_data):
    est, model_dir, _ = trained
    pyestim.evaluate(est, toy_input(toy_data, num_epochs=1), name="holdout")
    assert os.path.isdir(os.path.join(model_dir, "eval_holdout"))
    assert any(f.startswith("events.out") for f in
               os.listdir(os.path.join(model_dir, "eval_holdout")))


def test_evaluate_rejects_hooks_that_are_not_hooks(trained, toy_data):
    est, _, _ = trained
    with pytest.raises(errors.HookError):
        pyestim.evaluate(est, toy_input(toy_data, num_epochs=1), hooks=[print])


def _predict_rows():
    return slice(0, 120)  # 2 full batches of 50 and a short one of 20


def test_predict_gives_one_row_per_example(trained, toy_data, numpy_reference):
    est, model_dir, _ = trained
    x = toy_data.x[_predict_rows()]
    result = pyestim.predict(est, toy_input(toy_data, rows=_predict_rows(), num_epochs=1,
                                            labels=False))
    assert isinstance(result, pd.DataFrame)
    assert len(result) == 120
    assert set(result.columns) == {"classes", "probabilities"}
    logits = numpy_logits(model_dir, x)
    np.testing.assert_array_equal(result["classes"].to_numpy().astype(int),
                                  np.argmax(logits, axis=1))
    probabilities = np.stack(result["probabilities"].to_list())
    assert probabilities.shape == (120, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(probabilities, numpy_reference.softmax(logits), atol=1e-5)


def test_predict_simplify_false_gives_a_list_of_dicts(trained, toy_data):
    est, model_dir, _ = trained
    result = pyestim.predict(est, toy_input(toy_data, rows=_predict_rows(), num_epochs=1,
                                            labels=False), simplify=False)
    assert isinstance(result, list) and len(result) == 120
    assert all(isinstance(r, dict) and set(r) == {"classes", "probabilities"} for r in result)
    expected = np.argmax(numpy_logits(model_dir, toy_data.x[_predict_rows()]), axis=1)
    assert [r["classes"] for r in result] == expected.tolist()
    assert all(type(r["classes"]) is int for r in result)
    assert all(r["probabilities"].shape == (10,) for r in result)


def test_predict_as_iterable_gives_a_generator(trained, toy_data):
    est, model_dir, _ = trained
    gen = pyestim.predict(est, toy_input(toy_data, rows=_predict_rows(), num_epochs=1,
                                         labels=False), as_iterable=True)
    assert inspect.isgenerator(gen)
    items = list(gen)
    assert len(items) == 120
    expected = np.argmax(numpy_logits(model_dir, toy_data.x[_predict_rows()]), axis=1)
    assert [int(item["classes"]) for item in items] == expected.tolist()


def _eager_and_usable():
    """TensorFlow is as a caller left it: eager, a usable (not finalized) default graph."""
    from tensorflow.python.framework import config as tf_config

    return (tf.executing_eagerly() and not tf.compat.v1.get_default_graph().finalized
            and float(tf.constant(2.0) * 3) == 6.0
            and not tf_config.is_op_determinism_enabled())


def test_predict_as_iterable_leaves_the_caller_state_between_items(tmp_path, trained,
                                                                   toy_data):
    """A partly consumed prediction generator does not leave TensorFlow in its graph: the
    caller stays eager (tf.estimator's generator runs inside `with Graph().as_default()`,
    and under a seed pyestim turns op determinism on for the call)."""
    est, model_dir, _ = trained
    seeded = pyestim.estimator(est.model_fn, model_dir=model_dir,
                               config=pyestim.run_config(tf_random_seed=5))
    expected = [int(c) for c in np.argmax(numpy_logits(model_dir, toy_data.x[_predict_rows()]),
                                          axis=1)]

    def predictions():
        return pyestim.predict(seeded, toy_input(toy_data, rows=_predict_rows(), num_epochs=1,
                                                 labels=False), as_iterable=True)

    assert _eager_and_usable()
    first, second = predictions(), predictions()
    got_first = [int(next(first)["classes"])]
    assert _eager_and_usable()
    got_second = [int(next(second)["classes"])]
    # the caller builds a graph of its own meanwhile, and interleaves the two generators
    with tf.Graph().as_default() as mine:
        tf.compat.v1.constant(1.0, name="callers")
        got_first.append(int(next(first)["classes"]))
        assert tf.compat.v1.get_default_graph() is mine and not tf.executing_eagerly()
    assert _eager_and_usable()
    for a, b in zip(first, second):
        got_first.append(int(a["classes"]))
        got_second.append(int(b["classes"]))
        assert _eager_and_usable()
    assert got_first == expected and got_second == expected[:len(got_second)]
    got_second += [int(item["classes"]) for item in second]
    assert got_second == expected
    # closed early: the generator's contexts end cleanly, the caller's state stays
    third = predictions()
    next(third)
    third.close()
    assert _eager_and_usable()


@pytest.mark.parametrize("keys", ["classes", ["classes"], ("probabilities",)])
def test_predict_keys_limits_the_columns(trained, toy_data, keys):
    est, _, _ = trained
    result = pyestim.predict(est, toy_input(toy_data, rows=slice(0, 10), num_epochs=1,
                                            labels=False), predict_keys=keys)
    expected = [keys] if isinstance(keys, str) else list(keys)
    assert list(result.columns) == expected
    assert len(result) == 10


@pytest.mark.parametrize("keys", [[], ["classes", 3]])
def test_predict_rejects_bad_predict_keys(trained, toy_data, keys):
    est, _, _ = trained
    with pytest.raises(errors.PyestimValueError, match="predict_keys"):
        pyestim.predict(est, toy_input(toy_data, rows=slice(0, 10), num_epochs=1,
                                       labels=False), predict_keys=keys)


def test_predict_rejects_a_number_as_predict_keys(trained, toy_data):
    est, _, _ = trained
    with pytest.raises(errors.PyestimValueError, match="predict_keys"):
        pyestim.predict(est, toy_input(toy_data, rows=slice(0, 10), num_epochs=1,
                                       labels=False), predict_keys=5)


def test_predict_whole_batches_still_gives_one_row_per_example(trained, toy_data):
    est, model_dir, _ = trained
    result = pyestim.predict(est, toy_input(toy_data, rows=_predict_rows(), num_epochs=1,
                                            labels=False), yield_single_examples=False)
    assert len(result) == 120
    expected = np.argmax(numpy_logits(model_dir, toy_data.x[_predict_rows()]), axis=1)
    np.testing.assert_array_equal(result["classes"].to_numpy().astype(int), expected)
    assert all(np.asarray(p).shape == (10,) for p in result["probabilities"])
    batches = pyestim.predict(est, toy_input(toy_data, rows=_predict_rows(), num_epochs=1,
                                             labels=False), yield_single_examples=False,
                              simplify=False)
    assert [len(b["classes"]) for b in batches] == [50, 50, 20]


def test_predict_with_an_older_checkpoint(trained, toy_data):
    est, _, paths = trained
    result = pyestim.predict(est, toy_input(toy_data, rows=_predict_rows(), num_epochs=1,
                                            labels=False), checkpoint_path=paths[5])
    expected = np.argmax(numpy_logits(paths[5], toy_data.x[_predict_rows()]), axis=1)
    np.testing.assert_array_equal(result["classes"].to_numpy().astype(int), expected)


def test_predict_a_single_tensor_gives_a_predictions_column(tmp_path):
    def model_fn(features, mode):
        from pyestim import tf as tf1
        offset = tf1.get_variable("offset", [], initializer=tf1.constant_initializer(1.5))
        return pyestim.estimator_spec(mode=mode, predictions=features["x"][:, 0] * 2.0 + offset)

    x = np.arange(14, dtype=np.float32).reshape(7, 2)
    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m")
    result = pyestim.predict(est, pyestim.numpy_input_fn({"x": x}, batch_size=3,
                                                         shuffle=False))
    assert list(result.columns) == ["predictions"]
    np.testing.assert_allclose(result["predictions"].to_numpy(dtype=float), x[:, 0] * 2 + 1.5)
    listed = pyestim.predict(est, pyestim.numpy_input_fn({"x": x}, batch_size=3,
                                                         shuffle=False), simplify=False)
    assert [r["predictions"] for r in listed] == (x[:, 0] * 2 + 1.5).tolist()
    batched = pyestim.predict(est, pyestim.numpy_input_fn({"x": x}, batch_size=3,
                                                          shuffle=False),
                              yield_single_examples=False)
    assert list(batched.columns) == ["predictions"]
    np.testing.assert_allclose(batched["predictions"].to_numpy(dtype=float), x[:, 0] * 2 + 1.5)


# --------------------------------------------------------------------------------------------
# export_savedmodel()


def test_older_names_get_variable_names_and_value(trained, tmp_path, linear_model_fn):
    """tfestimators' earlier names (its NAMESPACE before the rename to variable_names() /
    variable_value()): the checkpoint's variables, as TensorFlow lists them, and errors that
    name the function called."""
    est, model_dir, _ = trained
    assert set(pyestim.get_variable_names(est)) == {
        name for name, _ in tf.train.list_variables(model_dir)}
    w = pyestim.get_variable_value(est, "w")
    assert list(w) == ["w"]
    np.testing.assert_array_equal(w["w"], tf.train.load_variable(model_dir, "w"))
    assert pyestim.get_variable_value(est, "global_step") == {"global_step": 10}
    assert set(pyestim.get_variable_value(est)) == set(pyestim.get_variable_names(est))
    with pytest.raises(errors.PyestimValueError, match="^Variable not found: foo"):
        pyestim.get_variable_value(est, "foo")
    untrained = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "untrained")
    with pytest.raises(errors.NotTrainedError,
                       match=r"^'get_variable_names\(\)' must be called on a trained model"):
        pyestim.get_variable_names(untrained)
    with pytest.raises(errors.NotTrainedError,
                       match=r"^'get_variable_value\(\)' must be called on a trained model"):
        pyestim.get_variable_value(untrained)


def test_export_savedmodel(trained, tmp_path):
    est, _, _ = trained
    with pytest.raises(errors.PyestimValueError, match="serving_input_receiver_fn"):
        pyestim.export_savedmodel(est, tmp_path / "export")
    def receiver():
        x = tf.compat.v1.placeholder(tf.float32, [None, 6], name="x")
        return tf.estimator.export.ServingInputReceiver({"x": x}, {"x": x})

    path = pyestim.export_savedmodel(est, tmp_path / "export", receiver, versioned=True)
    assert isinstance(path, str)
    assert os.path.dirname(path) == str(tmp_path / "export")
    assert os.path.basename(path).isdigit()  # TensorFlow's timestamped folder
    assert os.path.isfile(os.path.join(path, "saved_model.pb"))


def _x_receiver():
    x = tf.compat.v1.placeholder(tf.float32, [None, 6], name="x")
    return tf.estimator.export.ServingInputReceiver({"x": x}, {"x": x})


def test_export_savedmodel_overwrites_export_dir_base_by_default(trained, tmp_path):
    """tfestimators' defaults (overwrite = TRUE, versioned = !overwrite): the SavedModel is
    export_dir_base itself, and what was there before is gone."""
    est, _, _ = trained
    base = tmp_path / "export"
    base.mkdir()
    (base / "stale.txt").write_text("old")
    path = pyestim.export_savedmodel(est, base, _x_receiver)
    assert path == str(base)
    assert sorted(os.listdir(base)) == ["saved_model.pb", "variables"]
    again = pyestim.export_savedmodel(est, str(base), _x_receiver)
    assert again == str(base) and os.path.isfile(base / "saved_model.pb")
    assert [p for p in os.listdir(tmp_path) if p.startswith(".export-")] == []
    loaded = tf.saved_model.load(path)
    assert "serving_default" in loaded.signatures


def test_export_savedmodel_without_overwrite(trained, tmp_path):
    est, _, _ = trained
    base = tmp_path / "export"
    # overwrite = FALSE means versioned = TRUE: a new timestamped folder under an existing base
    base.mkdir()
    (base / "keep.txt").write_text("kept")
    path = pyestim.export_savedmodel(est, base, _x_receiver, overwrite=False)
    assert os.path.dirname(path) == str(base) and os.path.basename(path).isdigit()
    assert (base / "keep.txt").read_text() == "kept"
    # neither overwriting nor versioned: an existing base is refused and left alone
    with pytest.raises(errors.PyestimValueError, match="already exists.*overwrite=True"):
        pyestim.export_savedmodel(est, base, _x_receiver, overwrite=False, versioned=False)
    assert (base / "keep.txt").read_text() == "kept"
    fresh = tmp_path / "fresh"
    assert pyestim.export_savedmodel(est, fresh, _x_receiver, overwrite=False,
                                     versioned=False) == str(fresh)
    assert os.path.isfile(fresh / "saved_model.pb")
    with pytest.raises(errors.PyestimTypeError, match="overwrite"):
        pyestim.export_savedmodel(est, base, _x_receiver, overwrite="yes")


# --------------------------------------------------------------------------------------------
# The tutorial (seeds 000 / 001), unchanged


def test_tutorial_cnn_runs_unchanged(tmp_path, mnist_dir, tf_log):
    from pyestim import estimator, evaluate, hook_logging_tensor, train
    from pyestim import tf as tf1

    mnist = tf1.contrib.learn.datasets.load_dataset("mnist")
    train_data = np.asarray(mnist.train.images[:500], dtype=np.float32)
    train_labels = np.asarray(mnist.train.labels[:500], dtype=np.int32)
    eval_data = np.asarray(mnist.test.images[:500], dtype=np.float32)
    eval_labels = np.asarray(mnist.test.labels[:500], dtype=np.int32)

    mnist_classifier = estimator(model_fn=pyestim.models.cnn_model_fn,
                                 model_dir=str(tmp_path / "mnist_convnet_model"))
    tensors_to_log = {"predicted_classes": "predicted_classes"}
    logging_hook = hook_logging_tensor(tensors=tensors_to_log, every_n_iter=50)

    def train_input_fn(features_as_named_list):
        return tf1.estimator.inputs.numpy_input_fn(
            x={"x": train_data}, y=train_labels, batch_size=100, num_epochs=None,
            shuffle=True)

    history = train(mnist_classifier, input_fn=train_input_fn, steps=20, hooks=logging_hook)
    assert isinstance(history, pyestim.History) and len(history) >= 1
    assert all(math.isfinite(v) and 0 < v < 5 for v in history.mean_losses)
    assert int(tf.train.load_variable(str(tmp_path / "mnist_convnet_model"), "global_step")) == 20

    def eval_input_fn(features_as_named_list):
        return tf1.estimator.inputs.numpy_input_fn(
            x={"x": eval_data}, y=eval_labels, batch_size=100, num_epochs=1, shuffle=False)

    result = evaluate(mnist_classifier, input_fn=eval_input_fn, hooks=logging_hook)
    assert int(result["global_step"][0]) == 20
    predictions = pyestim.predict(mnist_classifier, input_fn=eval_input_fn)
    assert len(predictions) == 500
    classes = predictions["classes"].to_numpy().astype(int)
    assert result["accuracy"][0] == pytest.approx(np.mean(classes == eval_labels), abs=1e-6)

    names = set(pyestim.variable_names(mnist_classifier))
    for kernel in ("conv2d/kernel", "conv2d_1/kernel", "dense/kernel", "dense_1/kernel"):
        assert kernel in names
    kernels = pyestim.variable_value(mnist_classifier, ["conv2d/kernel", "dense/kernel"])
    assert kernels["conv2d/kernel"].shape == (5, 5, 1, 32)
    assert kernels["dense/kernel"].shape == (3136, 1024)
    logged = [line for line in tf_log if line.startswith("INFO:tensorflow:predicted_classes = [")]
    assert len(logged) == 2  # once in training (step 1 of 20), once in evaluation (batch 1)
