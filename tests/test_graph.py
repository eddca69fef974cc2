"""What the hooks read of the graph (pyestim/_graph.py): the one fetch of a step's scalars
(the loss, its mean, the global step, the steps of a run) that train()'s default hooks all
share, its exactness, and the hooks reading it for a loss of unknown shape. (SharedFetchHooks,
which gives TensorFlow those hooks as one, is tested in test_hooks.py.)"""

import io

import numpy as np
import pytest
import tensorflow as tf

import pyestim
from pyestim import errors
from pyestim._graph import step_values
from pyestim.guards.calls import GlobalStepGuard
from pyestim.guards.training import NanLossHook
from pyestim.hooks import HistorySaverHook, ProgressBarHook

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


def test_the_default_hooks_fetch_one_and_the_same_tuple_of_the_graphs_tensors():
    graph = _graph_with_loss(0.25, 7)
    with graph.as_default():
        hooks = [HistorySaverHook(), NanLossHook(None), GlobalStepGuard(),
                 ProgressBarHook(enabled=True, stream=io.StringIO())]
        for hook in hooks:
            hook.begin()
        try:
            fetches = [hook.before_run(None).fetches for hook in hooks]
        finally:
            for hook in hooks:  # the bar's begin() put a filter on TensorFlow's logger
                hook.end(None)
        assert all(f is fetches[0] for f in fetches), fetches
        # the loss and the global step themselves: no op added to the step
        loss = graph.get_tensor_by_name("loss:0")
        step = tf1.train.get_global_step()
        assert len(fetches[0]) == 2
        assert fetches[0][0] is loss and fetches[0][1] is step
        with tf1.Session() as session:
            session.run(tf1.global_variables_initializer())
            assert [float(v) for v in session.run(fetches[0])] == [0.25, 7.0]


def test_the_values_are_float32_losses_and_large_steps_exactly():
    loss = np.float32(0.1)  # not a float64 number: a float64 computation would change it
    step = 2 ** 40 + 3  # beyond float32's integers
    graph = _graph_with_loss(loss, step)
    with graph.as_default():
        values = step_values()
        assert step_values() is values  # one per graph
        with tf1.Session() as session:
            session.run(tf1.global_variables_initializer())
            fetched = session.run(values.fetches)
    assert values.value(fetched, "loss") == float(loss) != 0.1
    assert int(values.value(fetched, "step")) == step
    assert not values.has("mean") and not values.has("steps")


def test_a_graph_without_loss_or_global_step_gives_nothing_to_fetch():
    with tf.Graph().as_default():
        values = step_values()
        assert values.fetches is None and not values.has("loss") and not values.has("step")
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
