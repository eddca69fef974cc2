"""The toy problem the tests share and what they compute about it by hand.

* :func:`make_toy_data`: 200 rows of 6 float32 features, labels from a fixed linear rule
  (conftest.py's ``toy_data`` fixture);
* :func:`linear_model`: a softmax regression with zero-initialised weights (conftest.py's
  ``linear_model_fn`` fixture), and :func:`numpy_softmax` / :func:`numpy_gd_losses`, the
  same model trained by plain gradient descent in NumPy (``numpy_reference``);
* :func:`toy_input`: that data through pyestim's numpy_input_fn; :func:`global_step_of`, a
  checkpoint's global step read back by TensorFlow;
* :func:`trained_cnn`: the tutorial CNN trained a few steps (picture and predictor tests);
* :func:`nan_at_step_3`: a model function whose loss is NaN from the third step on (the NaN
  hook's and the divergence guard's tests).

pyestim and TensorFlow are imported inside the functions, so that importing this module
(a child process, a test's collection) loads neither.
"""

import types

import numpy as np

__all__ = ["N_FEATURES", "N_CLASSES", "make_toy_data", "linear_model", "numpy_softmax",
           "numpy_gd_losses", "in_order_batches", "toy_input", "global_step_of", "trained_cnn",
           "nan_at_step_3"]

N_FEATURES = 6
N_CLASSES = 10


def make_toy_data():
    """200 rows of 6 float32 features; labels from a fixed linear rule, so a softmax
    regression learns something within a few steps."""
    rng = np.random.default_rng(20240611)
    x = rng.normal(size=(200, N_FEATURES)).astype(np.float32)
    w_true = rng.normal(size=(N_FEATURES, N_CLASSES))
    y = np.argmax(x @ w_true, axis=1).astype(np.int32)
    return types.SimpleNamespace(x=x, y=y)


def linear_model(features, labels, mode, params):
    """Softmax regression, weights "w" [n, 10] and bias "b" [10] starting at zero,
    gradient descent with params["learning_rate"] (0.5 by default)."""
    from pyestim import estimator_spec
    from pyestim import tf

    x = features["x"] if isinstance(features, dict) else features
    x = tf.cast(x, tf.float32)
    w = tf.get_variable("w", [int(x.shape[-1]), N_CLASSES], initializer=tf.zeros_initializer())
    b = tf.get_variable("b", [N_CLASSES], initializer=tf.zeros_initializer())
    logits = tf.matmul(x, w) + b
    classes = tf.argmax(logits, axis=1, name="predicted_classes")
    if mode == "infer":
        return estimator_spec(mode=mode, predictions={
            "classes": classes, "probabilities": tf.nn.softmax(logits)})
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    if mode == "train":
        rate = (params or {}).get("learning_rate", 0.5)
        # pyestim's history-saver and NaN hooks fetch the graph's global-step read and take
        # it for the value before the step's increment, which TensorFlow does not guarantee
        # (see the xfail test_history.py::test_history_steps_do_not_depend_on_the_op_schedule).
        # Ordering this model's increment after that read keeps the other tests deterministic.
        with tf.control_dependencies(tf.get_collection("global_step_read_op_cache")):
            train_op = tf.train.GradientDescentOptimizer(rate).minimize(
                loss, global_step=tf.train.get_global_step())
        return estimator_spec(mode=mode, loss=loss, train_op=train_op)
    return estimator_spec(mode=mode, loss=loss, eval_metric_ops={
        "accuracy": tf.metrics.accuracy(labels=labels, predictions=classes)})


def numpy_softmax(logits):
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def numpy_gd_losses(x, y, batches, learning_rate=0.5):
    """Losses of softmax regression trained by plain gradient descent from zero weights,
    computed in float64 NumPy: one loss per batch (before that batch's update)."""
    w = np.zeros((x.shape[1], N_CLASSES))
    b = np.zeros(N_CLASSES)
    losses = []
    for idx in batches:
        xb, yb = x[idx].astype(np.float64), y[idx]
        p = numpy_softmax(xb @ w + b)
        losses.append(float(np.mean(-np.log(p[np.arange(len(yb)), yb]))))
        grad = p.copy()
        grad[np.arange(len(yb)), yb] -= 1.0
        grad /= len(yb)
        w -= learning_rate * (xb.T @ grad)
        b -= learning_rate * grad.sum(axis=0)
    return losses, w, b


def in_order_batches(n_rows, batch_size, steps, start=0):
    """The row indices of ``steps`` batches read in order from row ``start * batch_size``,
    wrapping around ``n_rows`` (what an unshuffled numpy_input_fn feeds)."""
    return [np.arange(i * batch_size, (i + 1) * batch_size) % n_rows
            for i in range(start, start + steps)]


def toy_input(data, rows=None, batch_size=50, num_epochs=None, shuffle=False, labels=True):
    """An input function over ``data.x`` / ``data.y`` (the rows ``rows``, all by default)."""
    import pyestim

    x = data.x if rows is None else data.x[rows]
    y = data.y if rows is None else data.y[rows]
    return pyestim.numpy_input_fn({"x": x}, y if labels else None, batch_size=batch_size,
                                  num_epochs=num_epochs, shuffle=shuffle)


def global_step_of(model_dir):
    """The global step of the latest checkpoint in ``model_dir`` (or of the checkpoint whose
    prefix ``model_dir`` is)."""
    import tensorflow as tf

    return int(tf.train.load_variable(str(model_dir), "global_step"))


def trained_cnn(model_dir, data, seed, steps):
    """The tutorial CNN trained ``steps`` steps on ``data`` (the mnist_subset fixture's), batch
    50, shuffled, with ``seed``: the estimator the picture and predictor tests read."""
    import pyestim
    from pyestim.models import cnn_model_fn

    est = pyestim.estimator(cnn_model_fn, model_dir=str(model_dir),
                            config=pyestim.run_config(tf_random_seed=seed))
    pyestim.train(est, pyestim.numpy_input_fn({"x": data.train_x}, data.train_y, batch_size=50,
                                              num_epochs=None, shuffle=True), steps=steps)
    return est


def nan_at_step_3(linear_model_fn):
    """The spec's loss is NaN in the third step (global step 2 before the step)."""

    def model_fn(features, labels, mode, params):
        import pyestim
        from pyestim import tf as tf1
        spec = linear_model_fn(features, labels, mode, params)
        step = tf1.train.get_global_step()
        loss = tf1.where(step >= 2, tf1.constant(float("nan")), spec.loss)
        loss = tf1.identity(loss, name="watched_loss")
        return pyestim.estimator_spec(mode=mode, loss=loss, train_op=spec.train_op)

    return model_fn
