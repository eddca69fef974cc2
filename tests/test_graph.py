"""What the hooks read of the graph (pyestim/_graph.py): the one vector of a step's scalars
(the loss, its mean, the global step, the steps of a run) that train()'s default hooks all
fetch, its exactness, the hooks reading it for a loss of unknown shape, and SharedFetchHooks,
which gives TensorFlow those hooks as one (checked against a counter the runs increment)."""

import io

import numpy as np
import pytest
import tensorflow as tf

import pyestim
from pyestim import errors
from pyestim._graph import step_values
from pyestim.guards.calls import GlobalStepGuard
from pyestim.guards.training import NanLossHook
from pyestim.hooks import HistorySaverHook, ProgressBarHook, SharedFetchHooks

tf1 = tf.compat.v1


def _graph_with_loss(loss_value, step_value):
    """A graph holding a model's loss (the LOSSES collection's last tensor, as tf.estimator
    leaves it) of ``loss_value`` and a global step starting at ``step_value``."""
    graph = tf.Graph()
    with graph.as_default():
        tf1.Variable(step_value, dtype=tf.int64, trainable=False, name="global_step",
                     collections=[tf1.GraphKeys.GLOBAL_VARIABLES,
                                  tf1.GraphKeys.GLOBAL_STEP])
        w = tf1.get_variable("w", initializer=np.float32(loss_value))
        tf1.add_to_collection(tf1.GraphKeys.LOSSES, tf.identity(w, name="loss"))
    return graph


def test_the_default_hooks_fetch_one_and_the_same_tensor():
    graph = _graph_with_loss(0.25, 7)
    with graph.as_default():
        hooks = [HistorySaverHook(), NanLossHook(None), GlobalStepGuard(),
                 ProgressBarHook(enabled=True, stream=io.StringIO())]
        for hook in hooks:
            hook.begin()
        fetches = [hook.before_run(None).fetches for hook in hooks]
        assert all(f is fetches[0] for f in fetches), fetches
        assert isinstance(fetches[0], tf.Tensor) and fetches[0].shape == [2]
        with tf1.Session() as session:
            session.run(tf1.global_variables_initializer())
            assert session.run(fetches[0]).tolist() == [0.25, 7.0]


def test_the_vector_holds_float32_losses_and_large_steps_exactly():
    loss = np.float32(0.1)  # not a float64 number: a float64 computation would change it
    step = 2 ** 40 + 3  # beyond float32's integers
    graph = _graph_with_loss(loss, step)
    with graph.as_default():
        values = step_values()
        assert step_values() is values  # one per graph
        with tf1.Session() as session:
            session.run(tf1.global_variables_initializer())
            fetched = session.run(values.tensor)
    assert fetched.dtype == np.float64
    assert values.value(fetched, "loss") == float(loss) != 0.1
    assert int(values.value(fetched, "step")) == step
    assert not values.has("mean") and not values.has("steps")


def test_a_graph_without_loss_or_global_step_gives_an_empty_vector():
    with tf.Graph().as_default():
        values = step_values()
        assert values.tensor is None and not values.has("loss") and not values.has("step")
        hooks = [HistorySaverHook(), NanLossHook(None), GlobalStepGuard()]
        for hook in hooks:
            hook.begin()
            assert hook.before_run(None) is None


def _unknown_shape_model(features, labels, mode):
    # the squared error of a model w * x starting at w = 0, its loss of unknown rank
    # (tf.estimator takes a loss whose shape it cannot see as it is)
    x = tf.cast(features["x"], tf.float32)
    w = tf1.get_variable("w", [], initializer=tf1.zeros_initializer())
    loss = tf.reduce_mean(tf.square(w * x - tf.cast(labels, tf.float32)))
    loss = tf1.placeholder_with_default(loss, shape=None)
    train_op = tf1.train.GradientDescentOptimizer(0.01).minimize(
        loss, global_step=tf1.train.get_global_step())
    return pyestim.estimator_spec(mode=mode, loss=loss, train_op=train_op)


def test_history_and_nan_guard_read_a_loss_of_unknown_shape(tmp_path):
    x = np.arange(1, 21, dtype=np.float32)
    y = 3.0 * x
    est = pyestim.estimator(_unknown_shape_model, model_dir=tmp_path / "m")
    fn = pyestim.numpy_input_fn({"x": x}, y, batch_size=20, num_epochs=None, shuffle=False)
    history = pyestim.train(est, fn, steps=1)
    # at w = 0 the loss is the mean of y^2, in float32
    expected = float(np.mean(np.square(y.astype(np.float32)), dtype=np.float32))
    assert history.steps == [1]
    assert history.total_losses[0] == pytest.approx(expected, rel=1e-6)
    assert history.mean_losses == history.total_losses
    bad = y.copy()
    bad[3] = np.nan
    fn = pyestim.numpy_input_fn({"x": x}, bad, batch_size=20, num_epochs=None, shuffle=False)
    with pytest.raises(errors.NanLossError, match="at step 2"):
        pyestim.train(est, fn, steps=5)


# --------------------------------------------------------------------------------------------
# SharedFetchHooks: pyestim's own hooks as one hook


class _Recorder(tf1.train.SessionRunHook):
    """Fetches ``fetch`` (or nothing), records what each callback saw, in a shared log."""

    def __init__(self, name, fetch, log, stop_at=None, feed=None):
        self.name, self.fetch, self.log, self.stop_at, self.feed = name, fetch, log, stop_at, feed

    def begin(self):
        self.log.append((self.name, "begin"))

    def after_create_session(self, session, coord):
        self.log.append((self.name, "session"))

    def before_run(self, run_context):
        if self.fetch is None:
            return None
        return tf1.train.SessionRunArgs(self.fetch, feed_dict=self.feed)

    def after_run(self, run_context, run_values):
        self.log.append((self.name, run_values.results))
        if self.stop_at is not None and run_values.results == self.stop_at:
            run_context.request_stop()

    def end(self, session):
        self.log.append((self.name, "end"))


def _counting_graph():
    # a counter incremented by each run's train op; "shared" and "other" read it after the
    # increment, so run n gives n and 10 * n
    graph = tf.Graph()
    with graph.as_default():
        counter = tf1.Variable(0, dtype=tf.int64, name="counter")
        step = tf1.assign_add(counter, 1)
        shared = tf.identity(step, name="shared")
        other = tf.multiply(step, 10, name="other")
    return graph, step, shared, other


def _run(graph, train_op, hooks, runs):
    with graph.as_default():
        with tf1.train.MonitoredSession(hooks=hooks) as session:
            done = 0
            while not session.should_stop() and done < runs:
                session.run(train_op)
                done += 1
    return done


def test_shared_fetch_hooks_fetch_a_shared_tensor_once_and_hand_it_to_each_member():
    graph, train_op, shared, other = _counting_graph()
    log = []
    members = [_Recorder("a", shared, log), _Recorder("b", None, log),
               _Recorder("c", shared, log)]
    with graph.as_default():
        fused = SharedFetchHooks(members)
        fused.begin()
        assert fused.before_run(None).fetches is shared  # the tensor itself, not a structure
    log.clear()
    assert _run(graph, train_op, [fused], 2) == 2
    assert log == [("a", "begin"), ("b", "begin"), ("c", "begin"),
                   ("a", "session"), ("b", "session"), ("c", "session"),
                   ("a", 1), ("b", None), ("c", 1), ("a", 2), ("b", None), ("c", 2),
                   ("a", "end"), ("b", "end"), ("c", "end")]


def test_shared_fetch_hooks_give_a_member_fetching_another_tensor_its_own_values():
    graph, train_op, shared, other = _counting_graph()
    log = []
    fused = SharedFetchHooks([_Recorder("a", shared, log), _Recorder("b", other, log)])
    _run(graph, train_op, [fused], 2)
    assert [entry for entry in log if not isinstance(entry[1], str)] == [
        ("a", 1), ("b", 10), ("a", 2), ("b", 20)]


def test_a_members_stop_request_stops_the_run_loop():
    graph, train_op, shared, _ = _counting_graph()
    log = []
    fused = SharedFetchHooks([_Recorder("a", shared, log, stop_at=3), _Recorder("b", shared, log)])
    assert _run(graph, train_op, [fused], 10) == 3
    assert ("b", 3) in log and ("b", 4) not in log  # the stop acts after the run, as usual


def test_a_member_feeding_tensors_is_refused_with_its_name():
    graph, train_op, shared, _ = _counting_graph()
    with graph.as_default():
        feeding = _Recorder("a", shared, [], feed={shared: 5})
        fused = SharedFetchHooks([feeding])
        with pytest.raises(ValueError, match="_Recorder feeds tensors"):
            fused.before_run(None)


def test_train_gives_tensorflow_its_default_hooks_as_one_hook_after_the_callers(
        tmp_path, monkeypatch, linear_model_fn, toy_data):
    from pyestim import engine
    from support.models import toy_input

    seen = []
    original = engine.train

    def recording_train(tf_estimator, input_fn, steps, hooks, *args):
        seen.append(list(hooks))
        return original(tf_estimator, input_fn, steps, hooks, *args)

    monkeypatch.setattr(engine, "train", recording_train)
    mine = _Recorder("mine", None, [])
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    history = pyestim.train(est, toy_input(toy_data), steps=3, hooks=mine)
    assert history.steps == [1, 3]
    hooks = seen[0]
    assert hooks[0] is mine
    fused = [h for h in hooks if isinstance(h, SharedFetchHooks)]
    assert len(fused) == 1 and hooks[1] is fused[0]
    assert [type(h) for h in fused[0].members] == [
        HistorySaverHook, ProgressBarHook, NanLossHook, GlobalStepGuard]
    # none of them is given to TensorFlow on its own
    assert not any(isinstance(h, (HistorySaverHook, ProgressBarHook, NanLossHook,
                                  GlobalStepGuard)) for h in hooks)
