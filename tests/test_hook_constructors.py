"""hook_constructors.py: the hook_* constructors, session_run_hook() / session_run_args(), the
NaN hook on a tensor the user names, and the logging hook as the tutorial uses it. (The
progress bar train() attaches is in test_hooks.py; the divergence guard every train() adds is
in test_guards_training.py.)

The losses and classes the hooks see are checked against a NumPy re-computation of the
softmax regression in conftest.py (zero weights, plain gradient descent), and against the
weights read back from the checkpoints with tf.train.load_variable.
"""

import numpy as np
import pytest
import tensorflow as tf

import pyestim
from pyestim import errors

from support.models import (global_step_of, in_order_batches, nan_at_step_3 as _nan_at_step_3,
                            toy_input)

v1 = tf.compat.v1


# --------------------------------------------------------------------------------------------
# Constructors: type and arguments


def test_hook_logging_tensor_takes_an_r_number():
    hook = pyestim.hook_logging_tensor({"predicted_classes": "predicted_classes"},
                                       every_n_iter=50.0)
    assert isinstance(hook, v1.train.LoggingTensorHook)
    assert hook._tensors == {"predicted_classes": "predicted_classes"}
    assert hook._timer._every_steps == 50 and type(hook._timer._every_steps) is int
    assert hook._timer._every_secs is None


def test_hook_logging_tensor_other_forms():
    by_secs = pyestim.hook_logging_tensor(["a", "b"], every_n_secs=2.5)
    assert by_secs._tag_order == ["a", "b"]
    assert by_secs._timer._every_secs == 2.5 and by_secs._timer._every_steps is None
    at_end = pyestim.hook_logging_tensor("loss", at_end=True)
    assert at_end._tag_order == ["loss"] and at_end._log_at_end is True

    def formatter(values):
        return "x"

    formatted = pyestim.hook_logging_tensor({"a": "a"}, every_n_iter=1, formatter=formatter)
    assert formatted._formatter is formatter


def test_hook_logging_tensor_needs_exactly_one_trigger():
    with pytest.raises(errors.PyestimValueError) as both:
        pyestim.hook_logging_tensor({"a": "a"}, every_n_iter=5, every_n_secs=10)
    assert "every_n_iter" in str(both.value) and "every_n_secs" in str(both.value)
    with pytest.raises(errors.PyestimValueError) as neither:
        pyestim.hook_logging_tensor({"a": "a"})
    assert "exactly one" in str(neither.value)
    with pytest.raises(errors.PyestimValueError):
        pyestim.hook_logging_tensor({"a": "a"}, at_end=False)


@pytest.mark.parametrize("kwargs, error", [
    ({"tensors": 5, "every_n_iter": 1}, errors.HookError),
    ({"tensors": {"a": "a"}, "every_n_iter": 2.5}, errors.PyestimValueError),
    ({"tensors": {"a": "a"}, "every_n_iter": 0}, errors.PyestimValueError),
    ({"tensors": {"a": "a"}, "every_n_secs": -1}, errors.PyestimValueError),
    ({"tensors": {"a": "a"}, "every_n_secs": "10"}, errors.PyestimValueError),
    ({"tensors": {"a": "a"}, "every_n_iter": 1, "formatter": "%s"}, errors.HookError),
    ({"tensors": {"a": "a"}, "at_end": "yes"}, errors.PyestimTypeError),
])
def test_hook_logging_tensor_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error):
        pyestim.hook_logging_tensor(**kwargs)


def test_hook_checkpoint_saver(tmp_path):
    hook = pyestim.hook_checkpoint_saver(tmp_path, save_steps=100.0)
    assert isinstance(hook, v1.train.CheckpointSaverHook)
    assert hook._checkpoint_dir == str(tmp_path)
    assert hook._save_path == str(tmp_path / "model.ckpt")
    assert hook._timer._every_steps == 100
    by_secs = pyestim.hook_checkpoint_saver(str(tmp_path), save_secs=30,
                                            checkpoint_basename="other.ckpt")
    assert by_secs._timer._every_secs == 30
    assert by_secs._save_path == str(tmp_path / "other.ckpt")


def test_hook_checkpoint_saver_takes_one_trigger(tmp_path):
    with pytest.raises(errors.PyestimValueError) as info:
        pyestim.hook_checkpoint_saver(tmp_path, save_secs=10, save_steps=10)
    assert "save_secs" in str(info.value) and "save_steps" in str(info.value)
    with pytest.raises(errors.PyestimValueError):
        pyestim.hook_checkpoint_saver(tmp_path, save_steps=-3)


def test_hook_step_counter():
    hook = pyestim.hook_step_counter(every_n_steps=10.0)
    assert isinstance(hook, v1.train.StepCounterHook)
    assert hook._timer._every_steps == 10
    by_secs = pyestim.hook_step_counter(every_n_secs=5)
    assert by_secs._timer._every_secs == 5 and by_secs._timer._every_steps is None


def test_hook_stop_at_step():
    by_count = pyestim.hook_stop_at_step(num_steps=10.0)
    assert isinstance(by_count, v1.train.StopAtStepHook)
    assert by_count._num_steps == 10 and by_count._last_step is None
    by_last = pyestim.hook_stop_at_step(last_step=7)
    assert by_last._last_step == 7 and by_last._num_steps is None
    with pytest.raises(errors.PyestimValueError) as both:
        pyestim.hook_stop_at_step(num_steps=3, last_step=5)
    assert "num_steps" in str(both.value) and "last_step" in str(both.value)
    with pytest.raises(errors.PyestimValueError):
        pyestim.hook_stop_at_step()
    with pytest.raises(errors.PyestimValueError):
        pyestim.hook_stop_at_step(num_steps=2.5)


def test_hook_summary_saver(tmp_path):
    with tf.Graph().as_default():
        op = v1.summary.scalar("x", v1.constant(1.0))
        hook = pyestim.hook_summary_saver(save_steps=7.0, output_dir=str(tmp_path),
                                          summary_op=op)
    assert isinstance(hook, v1.train.SummarySaverHook)
    assert hook._timer._every_steps == 7
    assert hook._output_dir == str(tmp_path)
    assert hook._summary_op is op
    with pytest.raises(errors.PyestimValueError):
        pyestim.hook_summary_saver(save_steps=1, save_secs=1, output_dir=str(tmp_path))


def test_hook_nan_tensor_and_global_step_waiter():
    nan = pyestim.hook_nan_tensor("loss", fail_on_nan_loss=False)
    assert isinstance(nan, v1.train.NanTensorHook)
    assert nan._fail_on_nan_loss is False
    assert pyestim.hook_nan_tensor("loss")._fail_on_nan_loss is True
    with pytest.raises(errors.PyestimTypeError):
        pyestim.hook_nan_tensor("loss", fail_on_nan_loss="no")
    waiter = pyestim.hook_global_step_waiter(10.0)
    assert isinstance(waiter, v1.train.GlobalStepWaiterHook)
    assert waiter._wait_until_step == 10
    with pytest.raises(errors.PyestimValueError):
        pyestim.hook_global_step_waiter(None)


def test_history_saver_and_progress_bar_constructors():
    history = pyestim.hook_history_saver(every_n_step=5.0)
    assert isinstance(history, v1.train.SessionRunHook)
    assert history.every_n_step == 5
    assert isinstance(history.history, pyestim.History) and len(history.history) == 0
    for bad in (0, -1, 1.5, None):
        with pytest.raises(errors.PyestimValueError):
            pyestim.hook_history_saver(every_n_step=bad)
    bar = pyestim.hook_progress_bar(steps=20.0, enabled=True)
    assert isinstance(bar, v1.train.SessionRunHook)
    assert bar.steps == 20 and bar.enabled is True
    with pytest.raises(errors.PyestimTypeError):
        pyestim.hook_progress_bar(enabled="yes")


# Errors that TensorFlow raises on pyestim's behalf instead of pyestim (errors.py promises
# that every error pyestim raises on bad input is a pyestim error with a helpful message).
def test_hook_checkpoint_saver_without_a_trigger_is_a_pyestim_error(tmp_path):
    with pytest.raises(errors.PyestimValueError):
        pyestim.hook_checkpoint_saver(tmp_path)


def test_hook_checkpoint_saver_needs_a_directory():
    with pytest.raises(errors.PyestimTypeError):
        pyestim.hook_checkpoint_saver(None, save_steps=1)


def test_hook_summary_saver_without_summary_op_is_a_pyestim_error(tmp_path):
    with pytest.raises(errors.PyestimValueError):
        pyestim.hook_summary_saver(save_steps=1, output_dir=str(tmp_path))


# --------------------------------------------------------------------------------------------
# The built-in hooks in training


def test_hook_stop_at_step_stops_training(tmp_path, linear_model_fn, toy_data):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), hooks=pyestim.hook_stop_at_step(num_steps=3))
    assert global_step_of(tmp_path / "m") == 3
    pyestim.train(est, toy_input(toy_data), hooks=pyestim.hook_stop_at_step(last_step=5))
    assert global_step_of(tmp_path / "m") == 5


def test_hook_checkpoint_saver_writes_checkpoints(tmp_path, linear_model_fn, toy_data,
                                                  numpy_reference):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    extra = tmp_path / "extra"
    pyestim.train(est, toy_input(toy_data), steps=4,
                  hooks=pyestim.hook_checkpoint_saver(extra, save_steps=2))
    state = tf.train.get_checkpoint_state(str(extra))
    steps = sorted(int(p.rsplit("-", 1)[1]) for p in state.all_model_checkpoint_paths)
    assert steps == [0, 2, 4]
    _, w, b = numpy_reference.gd_losses(toy_data.x, toy_data.y, in_order_batches(200, 50, 4))
    np.testing.assert_allclose(tf.train.load_variable(str(extra), "w"), w, rtol=1e-4,
                               atol=1e-6)
    np.testing.assert_allclose(tf.train.load_variable(str(extra), "b"), b, rtol=1e-4,
                               atol=1e-6)


# --------------------------------------------------------------------------------------------
# NaN loss


def test_hook_nan_tensor_stops_with_an_error_at_the_nan_step(tmp_path, linear_model_fn,
                                                             toy_data, tf_log):
    calls = []
    est = pyestim.estimator(_nan_at_step_3(linear_model_fn), model_dir=tmp_path / "m")
    with pytest.raises(v1.train.NanLossDuringTrainingError) as info:
        pyestim.train(est, toy_input(toy_data), steps=10,
                      hooks=[pyestim.hook_nan_tensor("watched_loss"),
                             pyestim.session_run_hook(after_run=lambda c, v: calls.append(1))])
    assert "step 3" in info.value.args[0]
    assert "ERROR:tensorflow:Model diverged with loss = NaN at step 3." in tf_log
    assert len(calls) == 2  # the third step's after_run callbacks never ran past the NaN hook


def test_hook_nan_tensor_error_message_names_the_step(tmp_path, linear_model_fn, toy_data):
    est = pyestim.estimator(_nan_at_step_3(linear_model_fn), model_dir=tmp_path / "m")
    with pytest.raises(v1.train.NanLossDuringTrainingError) as info:
        pyestim.train(est, toy_input(toy_data), steps=10,
                      hooks=pyestim.hook_nan_tensor("watched_loss"))
    assert "step 3" in str(info.value)


def test_hook_nan_tensor_without_failing_stops_on_a_nan_tensor(tmp_path, linear_model_fn,
                                                               toy_data):
    """A monitored tensor other than the spec's loss goes NaN at step 3: training stops."""

    def model_fn(features, labels, mode, params):
        from pyestim import tf as tf1
        spec = linear_model_fn(features, labels, mode, params)
        step = tf1.train.get_global_step()
        tf1.where(step >= 2, tf1.constant(float("nan")), spec.loss, name="monitored")
        return spec

    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m")
    history = pyestim.train(est, toy_input(toy_data), steps=10,
                            hooks=pyestim.hook_nan_tensor("monitored", fail_on_nan_loss=False))
    assert global_step_of(tmp_path / "m") == 3
    assert history.steps == [1, 3]


# --------------------------------------------------------------------------------------------
# session_run_hook() and session_run_args()


def test_session_run_hook_callbacks_run_in_order(tmp_path, linear_model_fn, toy_data):
    calls = []
    step_var = []

    def begin():
        calls.append("begin")
        step_var.append(v1.train.get_global_step())

    def after_create_session(session, coord):
        calls.append("after_create_session")
        assert isinstance(coord, tf.train.Coordinator)
        step_var.append(int(session.run(step_var[0])))

    def end(session):
        calls.append("end")
        step_var.append(int(session.run(step_var[0])))

    hook = pyestim.session_run_hook(
        begin=begin, after_create_session=after_create_session,
        before_run=lambda ctx: calls.append("before_run"),
        after_run=lambda ctx, values: calls.append("after_run"), end=end)
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), steps=3, hooks=hook)
    assert calls == (["begin", "after_create_session"] + ["before_run", "after_run"] * 3
                     + ["end"])
    assert step_var[1:] == [0, 3]


def test_before_run_with_named_args_gives_a_dict(tmp_path, linear_model_fn, toy_data,
                                                 numpy_reference):
    tensors = {}
    results = []

    def model_fn(features, labels, mode, params):
        spec = linear_model_fn(features, labels, mode, params)
        tensors["loss"] = spec.loss
        tensors["labels"] = labels
        return spec

    hook = pyestim.session_run_hook(
        before_run=lambda ctx: pyestim.session_run_args(loss=tensors["loss"],
                                                        labels=tensors["labels"]),
        after_run=lambda ctx, values: results.append(values.results))
    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), steps=5, hooks=hook)

    assert len(results) == 5
    assert all(isinstance(r, dict) and set(r) == {"loss", "labels"} for r in results)
    batches = in_order_batches(200, 50, 5)
    for r, idx in zip(results, batches):
        np.testing.assert_array_equal(r["labels"], toy_data.y[idx])
    expected, _, _ = numpy_reference.gd_losses(toy_data.x, toy_data.y, batches)
    assert results[0]["loss"] == pytest.approx(np.log(10), rel=1e-6)
    np.testing.assert_allclose([r["loss"] for r in results], expected, rtol=1e-5)


def test_before_run_with_unnamed_args_gives_a_list(tmp_path, linear_model_fn, toy_data):
    tensors = {}
    results = []

    def model_fn(features, labels, mode, params):
        spec = linear_model_fn(features, labels, mode, params)
        tensors["loss"], tensors["labels"] = spec.loss, labels
        return spec

    hook = pyestim.session_run_hook(
        before_run=lambda ctx: pyestim.session_run_args(tensors["loss"], tensors["labels"]),
        after_run=lambda ctx, values: results.append(values.results))
    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), steps=1, hooks=hook)
    assert isinstance(results[0], list) and len(results[0]) == 2
    assert results[0][0] == pytest.approx(np.log(10), rel=1e-6)
    np.testing.assert_array_equal(results[0][1], toy_data.y[:50])


def test_session_run_args_named_and_unnamed_is_an_error():
    with tf.Graph().as_default():
        a, b = v1.constant(1.0), v1.constant(2.0)
        with pytest.raises(errors.PyestimValueError) as info:
            pyestim.session_run_args(a, loss=b)
        assert "not both" in str(info.value)
        assert pyestim.session_run_args(loss=a).fetches == {"loss": a}
        assert pyestim.session_run_args(a, b).fetches == [a, b]


def test_after_run_can_request_a_stop(tmp_path, linear_model_fn, toy_data):
    def after_run(ctx, values):
        ctx.request_stop()

    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), steps=10,
                  hooks=pyestim.session_run_hook(after_run=after_run))
    assert global_step_of(tmp_path / "m") == 1


def test_before_run_returning_something_else_is_a_hook_error(tmp_path, linear_model_fn,
                                                             toy_data):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    with pytest.raises(errors.HookError) as info:
        pyestim.train(est, toy_input(toy_data), steps=2,
                      hooks=pyestim.session_run_hook(before_run=lambda ctx: 42))
    assert "session_run_args" in str(info.value) and "int" in str(info.value)


@pytest.mark.parametrize("callback", ["begin", "after_create_session", "before_run",
                                      "after_run", "end"])
def test_session_run_hook_rejects_callbacks_that_are_not_functions(callback):
    with pytest.raises(errors.HookError) as info:
        pyestim.session_run_hook(**{callback: "print"})
    assert callback in str(info.value)


# --------------------------------------------------------------------------------------------
# Logging as in the tutorial


def _logged_classes(lines, tag="predicted_classes"):
    prefix = f"INFO:tensorflow:{tag} = ["
    found = []
    for line in lines:
        if line.startswith(prefix):
            body = line[len(prefix):line.index("]")]
            found.append(np.array([int(t) for t in body.split()]))
    return found


def test_logging_hook_prints_predicted_classes_in_train_and_evaluate(
        tmp_path, linear_model_fn, toy_data, tf_log):
    hook = pyestim.hook_logging_tensor({"predicted_classes": "predicted_classes"},
                                       every_n_iter=5)
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), steps=10, hooks=hook)
    in_train = _logged_classes(tf_log)
    assert len(in_train) == 2
    assert all(len(c) == 50 and c.min() >= 0 and c.max() <= 9 for c in in_train)
    np.testing.assert_array_equal(in_train[0], np.zeros(50, dtype=int))  # zero weights

    del tf_log[:]
    pyestim.evaluate(est, toy_input(toy_data, batch_size=20, num_epochs=1), hooks=hook)
    in_eval = _logged_classes(tf_log)
    assert len(in_eval) == 2  # batches 1 and 6 of 10
    model_dir = str(tmp_path / "m")
    logits = (toy_data.x.astype(np.float64) @ tf.train.load_variable(model_dir, "w")
              + tf.train.load_variable(model_dir, "b"))
    expected = np.argmax(logits, axis=1)
    np.testing.assert_array_equal(in_eval[0], expected[0:20])
    np.testing.assert_array_equal(in_eval[1], expected[100:120])
