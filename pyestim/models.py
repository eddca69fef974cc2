"""The seed tutorials' networks as model functions, written in :mod:`pyestim.tf` exactly as
the tutorials write them. The main job, the tests and the benchmarks use them; the R package
has the same functions in R (``r/inst/examples``).

* :func:`cnn_model_fn`: the tf.layers CNN of the estimator tutorial (seeds 000 / 001):
  conv 32@5x5, pool, conv 64@5x5, pool, dense 1024 with dropout 0.4, logits 10;
  gradient descent with ``params["learning_rate"]`` (0.001 by default).
* :func:`deep_mnist_model_fn`: "Deep MNIST for experts" (seed 002): the same shapes built from
  ``tf.Variable``s (truncated-normal weights, 0.1 biases), dropout keeping 0.5, Adam 1e-4.
* :func:`layers_cnn_model_fn`: the Layers API tutorial (seed 003): conv 16@5x5, pool,
  conv 36@5x5, pool, flatten, dense 128, logits 10, Adam 1e-4.
* :func:`softmax_model_fn`: seed 002's softmax regression (zeros, gradient descent 0.5).
"""

from . import tf
from .estimators import estimator_spec

__all__ = ["cnn_model_fn", "deep_mnist_model_fn", "layers_cnn_model_fn", "softmax_model_fn",
           "MODELS"]


def _finish(mode, logits, labels, optimizer, predicted_name="predicted_classes"):
    predicted_classes = tf.argmax(input=logits, axis=1, name=predicted_name)
    if mode == "infer":
        predictions = {
            "classes": predicted_classes,
            "probabilities": tf.nn.softmax(logits, name="softmax_tensor"),
        }
        return estimator_spec(mode=mode, predictions=predictions)
    onehot_labels = tf.one_hot(indices=tf.cast(labels, tf.int32), depth=10)
    loss = tf.losses.softmax_cross_entropy(onehot_labels=onehot_labels, logits=logits)
    if mode == "train":
        train_op = optimizer.minimize(loss=loss, global_step=tf.train.get_global_step())
        return estimator_spec(mode=mode, loss=loss, train_op=train_op)
    eval_metric_ops = {
        "accuracy": tf.metrics.accuracy(labels=labels, predictions=predicted_classes)}
    return estimator_spec(mode=mode, loss=loss, eval_metric_ops=eval_metric_ops)


def _rate(params, default):
    return float((params or {}).get("learning_rate", default))


def cnn_model_fn(features, labels, mode, params=None):
    """The estimator tutorial's CNN (seed 000 / 001)."""
    input_layer = tf.reshape(features["x"], [-1, 28, 28, 1])
    conv1 = tf.layers.conv2d(inputs=input_layer, filters=32, kernel_size=[5, 5],
                             padding="same", activation=tf.nn.relu)
    pool1 = tf.layers.max_pooling2d(inputs=conv1, pool_size=[2, 2], strides=2)
    conv2 = tf.layers.conv2d(inputs=pool1, filters=64, kernel_size=[5, 5], padding="same",
                             activation=tf.nn.relu)
    pool2 = tf.layers.max_pooling2d(inputs=conv2, pool_size=[2, 2], strides=2)
    pool2_flat = tf.reshape(pool2, [-1, 7 * 7 * 64])
    dense = tf.layers.dense(inputs=pool2_flat, units=1024, activation=tf.nn.relu)
    dropout = tf.layers.dropout(inputs=dense, rate=0.4, training=mode == "train")
    logits = tf.layers.dense(inputs=dropout, units=10)
    optimizer = None
    if mode == "train":
        optimizer = tf.train.GradientDescentOptimizer(learning_rate=_rate(params, 0.001))
    return _finish(mode, logits, labels, optimizer)


def _weight_variable(shape):
    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))


def _bias_variable(shape):
    return tf.Variable(tf.constant(0.1, shape=shape))


def _conv2d(x, w):
    return tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="SAME")


def _max_pool_2x2(x):
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


def deep_mnist_model_fn(features, labels, mode, params=None):
    """"Deep MNIST for experts" (seed 002) as a model function."""
    x_image = tf.reshape(features["x"], [-1, 28, 28, 1])
    h_conv1 = tf.nn.relu(_conv2d(x_image, _weight_variable([5, 5, 1, 32])) +
                         _bias_variable([32]))
    h_pool1 = _max_pool_2x2(h_conv1)
    h_conv2 = tf.nn.relu(_conv2d(h_pool1, _weight_variable([5, 5, 32, 64])) +
                         _bias_variable([64]))
    h_pool2 = _max_pool_2x2(h_conv2)
    h_pool2_flat = tf.reshape(h_pool2, [-1, 7 * 7 * 64])
    h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, _weight_variable([7 * 7 * 64, 1024])) +
                       _bias_variable([1024]))
    keep_prob = 0.5 if mode == "train" else 1.0
    h_fc1_drop = tf.nn.dropout(h_fc1, rate=1.0 - keep_prob)
    logits = tf.matmul(h_fc1_drop, _weight_variable([1024, 10])) + _bias_variable([10])
    optimizer = None
    if mode == "train":
        optimizer = tf.train.AdamOptimizer(_rate(params, 1e-4))
    return _finish(mode, logits, labels, optimizer)


def layers_cnn_model_fn(features, labels, mode, params=None):
    """The Layers API tutorial's network (seed 003) as a model function."""
    net = tf.reshape(features["x"], [-1, 28, 28, 1])
    net = tf.layers.conv2d(inputs=net, name="layer_conv1", padding="same", filters=16,
                           kernel_size=5, activation=tf.nn.relu)
    net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
    net = tf.layers.conv2d(inputs=net, name="layer_conv2", padding="same", filters=36,
                           kernel_size=5, activation=tf.nn.relu)
    net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
    net = tf.contrib.layers.flatten(net)
    net = tf.layers.dense(inputs=net, name="layer_fc1", units=128, activation=tf.nn.relu)
    logits = tf.layers.dense(inputs=net, name="layer_fc_out", units=10, activation=None)
    optimizer = None
    if mode == "train":
        optimizer = tf.train.AdamOptimizer(learning_rate=_rate(params, 1e-4))
    return _finish(mode, logits, labels, optimizer)


def softmax_model_fn(features, labels, mode, params=None):
    """Seed 002's softmax regression: y = xW + b with W, b zeros, gradient descent 0.5."""
    w = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    logits = tf.matmul(features["x"], w) + b
    optimizer = None
    if mode == "train":
        optimizer = tf.train.GradientDescentOptimizer(_rate(params, 0.5))
    return _finish(mode, logits, labels, optimizer)


MODELS = {
    "cnn": cnn_model_fn,
    "deep_mnist": deep_mnist_model_fn,
    "layers_cnn": layers_cnn_model_fn,
    "softmax": softmax_model_fn,
}
