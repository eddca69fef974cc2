"""The seed networks as the tutorials write them for plain tf.estimator (TensorFlow 1 API
through tf.compat.v1, tf.estimator.EstimatorSpec), with no pyestim in the model function.

Seed 001 gives two versions of the loss; this is the one that matches seed 000 (one-hot labels
and softmax cross entropy), and the argmax is named "predicted_classes" and built before the
mode branch as seed 000 builds it. TensorFlow derives each random op's seed from the graph seed
and the number of ops built before it, so for bit-identical runs the three implementations
(R, Python on pyestim, plain tf.estimator) must build the same ops in the same order.
"""

import tensorflow as tf_root

tf = tf_root.compat.v1


def _head(mode, logits, labels, optimizer):
    predicted_classes = tf.argmax(input=logits, axis=1, name="predicted_classes")
    if mode == tf.estimator.ModeKeys.PREDICT:
        predictions = {
            "classes": predicted_classes,
            "probabilities": tf.nn.softmax(logits, name="softmax_tensor"),
        }
        return tf.estimator.EstimatorSpec(mode=mode, predictions=predictions)
    onehot_labels = tf.one_hot(indices=tf.cast(labels, tf.int32), depth=10)
    loss = tf.losses.softmax_cross_entropy(onehot_labels=onehot_labels, logits=logits)
    if mode == tf.estimator.ModeKeys.TRAIN:
        train_op = optimizer.minimize(loss=loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode=mode, loss=loss, train_op=train_op)
    eval_metric_ops = {
        "accuracy": tf.metrics.accuracy(labels=labels, predictions=predicted_classes)}
    return tf.estimator.EstimatorSpec(mode=mode, loss=loss, eval_metric_ops=eval_metric_ops)


def cnn_model_fn(features, labels, mode):
    """Seed 001's cnn_model_fn."""
    input_layer = tf.reshape(features["x"], [-1, 28, 28, 1])
    conv1 = tf.layers.conv2d(inputs=input_layer, filters=32, kernel_size=[5, 5],
                             padding="same", activation=tf.nn.relu)
    pool1 = tf.layers.max_pooling2d(inputs=conv1, pool_size=[2, 2], strides=2)
    conv2 = tf.layers.conv2d(inputs=pool1, filters=64, kernel_size=[5, 5], padding="same",
                             activation=tf.nn.relu)
    pool2 = tf.layers.max_pooling2d(inputs=conv2, pool_size=[2, 2], strides=2)
    pool2_flat = tf.reshape(pool2, [-1, 7 * 7 * 64])
    dense = tf.layers.dense(inputs=pool2_flat, units=1024, activation=tf.nn.relu)
    dropout = tf.layers.dropout(inputs=dense, rate=0.4,
                                training=mode == tf.estimator.ModeKeys.TRAIN)
    logits = tf.layers.dense(inputs=dropout, units=10)
    optimizer = (tf.train.GradientDescentOptimizer(learning_rate=0.001)
                 if mode == tf.estimator.ModeKeys.TRAIN else None)
    return _head(mode, logits, labels, optimizer)


def deep_mnist_model_fn(features, labels, mode):
    """Seed 002 ("Deep MNIST for experts") in a model function."""

    def weight_variable(shape):
        return tf.Variable(tf.truncated_normal(shape, stddev=0.1))

    def bias_variable(shape):
        return tf.Variable(tf.constant(0.1, shape=shape))

    def conv2d(x, w):
        return tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="SAME")

    def max_pool_2x2(x):
        return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")

    x_image = tf.reshape(features["x"], [-1, 28, 28, 1])
    h_conv1 = tf.nn.relu(conv2d(x_image, weight_variable([5, 5, 1, 32])) + bias_variable([32]))
    h_pool1 = max_pool_2x2(h_conv1)
    h_conv2 = tf.nn.relu(conv2d(h_pool1, weight_variable([5, 5, 32, 64])) + bias_variable([64]))
    h_pool2 = max_pool_2x2(h_conv2)
    h_pool2_flat = tf.reshape(h_pool2, [-1, 7 * 7 * 64])
    h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, weight_variable([7 * 7 * 64, 1024])) +
                       bias_variable([1024]))
    keep_prob = 0.5 if mode == tf.estimator.ModeKeys.TRAIN else 1.0
    h_fc1_drop = tf.nn.dropout(h_fc1, rate=1.0 - keep_prob)
    logits = tf.matmul(h_fc1_drop, weight_variable([1024, 10])) + bias_variable([10])
    optimizer = tf.train.AdamOptimizer(1e-4) if mode == tf.estimator.ModeKeys.TRAIN else None
    return _head(mode, logits, labels, optimizer)


def layers_cnn_model_fn(features, labels, mode):
    """Seed 003 (the Layers API tutorial) in a model function; tf.contrib.layers.flatten is
    tf.layers.flatten."""
    net = tf.reshape(features["x"], [-1, 28, 28, 1])
    net = tf.layers.conv2d(inputs=net, name="layer_conv1", padding="same", filters=16,
                           kernel_size=5, activation=tf.nn.relu)
    net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
    net = tf.layers.conv2d(inputs=net, name="layer_conv2", padding="same", filters=36,
                           kernel_size=5, activation=tf.nn.relu)
    net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
    net = tf.layers.flatten(net)
    net = tf.layers.dense(inputs=net, name="layer_fc1", units=128, activation=tf.nn.relu)
    logits = tf.layers.dense(inputs=net, name="layer_fc_out", units=10, activation=None)
    optimizer = (tf.train.AdamOptimizer(learning_rate=1e-4)
                 if mode == tf.estimator.ModeKeys.TRAIN else None)
    return _head(mode, logits, labels, optimizer)


MODELS = {"cnn": cnn_model_fn, "deep_mnist": deep_mnist_model_fn,
          "layers_cnn": layers_cnn_model_fn}
