"""pyestim.tf.contrib's TensorFlow 1 pieces that tfestimators' examples call (issue 15, point
12), checked against TensorFlow 1's documented behaviour: variable names and scopes, default
activation, shapes, optimizer names, learning-rate decay, summaries."""

import numpy as np
import pytest
import tensorflow as tf

import pyestim as pe
from pyestim import errors
from pyestim import tf as ptf

v1 = tf.compat.v1
layers, framework = ptf.contrib.layers, ptf.contrib.framework


def _graph():
    return tf.Graph().as_default()


def _names(collection=v1.GraphKeys.GLOBAL_VARIABLES):
    return [v.op.name for v in v1.get_collection(collection)]


def test_fully_connected_names_defaults_and_shape():
    with _graph():
        x = v1.placeholder(tf.float32, [None, 4])
        y = layers.fully_connected(x, 3)
        z = layers.fully_connected(y, 2, activation_fn=None)
        assert y.shape.as_list() == [None, 3] and z.shape.as_list() == [None, 2]
        assert y.op.type == "Relu"  # relu by default
        assert z.op.type == "BiasAdd"  # activation_fn = None: linear
        assert _names() == ["fully_connected/weights", "fully_connected/biases",
                            "fully_connected_1/weights", "fully_connected_1/biases"]
        assert _names(v1.GraphKeys.MODEL_VARIABLES) == _names()
        assert _names(v1.GraphKeys.TRAINABLE_VARIABLES) == _names()
        named = layers.fully_connected(x, 5, scope="dense")
        assert named.shape.as_list() == [None, 5]
        assert "dense/weights" in _names()
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            feed = {x: np.ones((2, 4), np.float32)}
            var = {v.op.name: v for v in v1.global_variables()}
            out, w, b = sess.run([y, var["fully_connected/weights"],
                                  var["fully_connected/biases"]], feed)
        # TensorFlow computes in float32 (a 4-term sum: a few ulps, ~1e-7 relative each), the
        # expectation in float64; the weights are random, so allow float32's rounding.
        np.testing.assert_allclose(out, np.maximum(np.ones((2, 4)) @ w + b, 0), rtol=1e-5)
        assert np.all(b == 0)  # zeros initializer
        assert np.all(np.abs(w) <= np.sqrt(6 / (4 + 3)))  # Glorot-uniform's limit


def test_fully_connected_over_rank_3_and_with_a_normalizer():
    with _graph():
        x = v1.placeholder(tf.float32, [None, 7, 4])
        y = layers.fully_connected(x, 6, normalizer_fn=tf.identity)
        assert y.shape.as_list() == [None, 7, 6]
        assert _names() == ["fully_connected/weights"]  # no biases beside a normalizer
        with pytest.raises(errors.PyestimValueError, match="known last dimension"):
            layers.fully_connected(v1.placeholder(tf.float32, [None]), 2)


def test_stack_scopes():
    with _graph():
        x = v1.placeholder(tf.float32, [None, 4])
        y = layers.stack(x, layers.fully_connected, [10, 20, 10],
                         normalizer_fn=layers.dropout, normalizer_params={"keep_prob": 0.9})
        assert y.shape.as_list() == [None, 10]
        assert _names() == ["Stack/fully_connected_1/weights",
                            "Stack/fully_connected_2/weights",
                            "Stack/fully_connected_3/weights"]
        layers.stack(x, layers.fully_connected, [3, [2]], scope="fc")
        assert [n for n in _names() if n.startswith("fc/")] == [
            "fc/fc_1/weights", "fc/fc_1/biases", "fc/fc_2/weights", "fc/fc_2/biases"]
        layers.stack(x, layers.fully_connected, [3])
        assert "Stack_1/fully_connected_1/weights" in _names()


def test_dropout_keeps_with_keep_prob_and_scales():
    with _graph():
        v1.set_random_seed(1)
        x = tf.ones([1000, 100])
        dropped = layers.dropout(x, keep_prob=0.8)
        kept = layers.dropout(x, keep_prob=0.8, is_training=False)
        with v1.Session() as sess:
            d, k = sess.run([dropped, kept])
        assert set(np.unique(d)) <= {0.0, 1.25}
        assert abs(np.mean(d > 0) - 0.8) < 0.01
        np.testing.assert_array_equal(k, np.ones((1000, 100)))
        with pytest.raises(errors.PyestimValueError, match="keep_prob"):
            layers.dropout(x, keep_prob=0)


def _regression_graph():
    x = tf.constant([[1.0], [2.0], [3.0]])
    y = tf.constant([[2.0], [4.0], [6.0]])
    w = v1.get_variable("w", [1, 1], initializer=v1.zeros_initializer())
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
    return loss, w, v1.train.get_or_create_global_step()


@pytest.mark.parametrize("name", ["Adagrad", "Adam", "Ftrl", "Momentum", "RMSProp", "SGD"])
def test_optimize_loss_by_optimizer_name(name):
    with _graph():
        loss, w, step = _regression_graph()
        train_op = layers.optimize_loss(loss, step, learning_rate=0.01, optimizer=name)
        assert "OptimizeLoss/learning_rate" in _names()
        assert "OptimizeLoss/learning_rate" not in _names(v1.GraphKeys.TRAINABLE_VARIABLES)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            first = sess.run(train_op)
            for _ in range(4):
                last = sess.run(train_op)
            assert sess.run(step) == 5
        assert last < first


def test_optimize_loss_sgd_step_decay_and_summaries():
    with _graph():
        loss, w, step = _regression_graph()
        decay = (lambda lr, gs: v1.train.exponential_decay(lr, gs, decay_steps=1,
                                                           decay_rate=0.5))
        train_op = layers.optimize_loss(loss, None, learning_rate=0.1, optimizer="SGD",
                                        learning_rate_decay_fn=decay)
        tags = sorted(s.op.name for s in v1.get_collection(v1.GraphKeys.SUMMARIES))
        assert any(t.endswith("loss") for t in tags)
        assert any(t.startswith("OptimizeLoss/learning_rate") for t in tags)
        assert any("gradient_norm" in t for t in tags)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            sess.run(train_op)  # lr 0.1 at step 0; d loss / d w at w = 0 is -56/3
            np.testing.assert_allclose(sess.run(w), [[0.1 * 56 / 3]], rtol=1e-5)
            w1 = sess.run(w)[0, 0]
            sess.run(train_op)  # lr 0.05 at step 1
            grad = 2 * np.mean(np.array([1, 2, 3.0]) * (np.array([1, 2, 3.0]) * w1 -
                                                          np.array([2, 4, 6.0])))
            np.testing.assert_allclose(sess.run(w)[0, 0], w1 - 0.05 * grad, rtol=1e-5)


def test_optimize_loss_errors():
    with _graph():
        loss, _, step = _regression_graph()
        with pytest.raises(errors.PyestimValueError, match="Optimizer name 'Adamax'.*Adagrad"):
            layers.optimize_loss(loss, step, 0.1, "Adamax")
        with pytest.raises(errors.PyestimValueError, match="Unknown summaries"):
            layers.optimize_loss(loss, step, 0.1, "SGD", summaries=["weights"], name="o2")
    with _graph():
        loss = tf.reduce_sum(v1.get_variable("v", [1]))
        with pytest.raises(errors.PyestimValueError, match="global step was not found"):
            layers.optimize_loss(loss, None, 0.1, "SGD")


def test_framework_variables():
    with _graph():
        assert framework.get_global_step() is None
        step = v1.train.get_or_create_global_step()
        assert framework.get_global_step() is step
        local = framework.local_variable([1.0, 2.0], name="counts")
        assert _names(v1.GraphKeys.LOCAL_VARIABLES) == ["counts"]
        assert "counts" not in _names() and "counts" not in _names(
            v1.GraphKeys.TRAINABLE_VARIABLES)
        assert local.shape.as_list() == [2]
        m = framework.model_variable("m", shape=[2, 3], initializer=v1.ones_initializer())
        assert m.shape.as_list() == [2, 3]
        assert "m" in _names(v1.GraphKeys.MODEL_VARIABLES) and "m" in _names()
        assert "m" in _names(v1.GraphKeys.TRAINABLE_VARIABLES)


def test_a_custom_estimator_with_the_contrib_pieces_trains(tmp_path):
    """tfestimators' iris_custom_decay_dnn example, in Python."""
    from pyestim.datasets import iris
    data = iris()
    features = ["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"]

    def model_fn(features, labels, mode, params, config):
        net = layers.stack(features, layers.fully_connected, [10, 20, 10],
                           normalizer_fn=layers.dropout, normalizer_params={"keep_prob": 0.9})
        logits = layers.fully_connected(net, 3, activation_fn=None)
        predicted = tf.argmax(logits, 1)
        if mode == pe.mode_keys().PREDICT:
            return pe.estimator_spec(mode, predictions={"class": predicted})
        loss = v1.losses.softmax_cross_entropy(tf.one_hot(labels, 3, 1, 0), logits)
        train_op = layers.optimize_loss(loss, framework.get_global_step(), learning_rate=0.1,
                                        optimizer="Adagrad")
        return pe.estimator_spec(mode, loss=loss, train_op=train_op)

    est = pe.estimator(model_fn, model_dir=str(tmp_path / "m"))
    inputs = pe.input_fn(data, features=features, response="Species", batch_size=10)
    pe.train(est, inputs, steps=20)
    assert "Stack/fully_connected_1/weights" in pe.variable_names(est)
    # one epoch of 150 rows in batches of 10 ends the training first
    assert pe.variable_value(est, "global_step") == {"global_step": 15}
    assert len(pe.predict(est, inputs)) == 150
