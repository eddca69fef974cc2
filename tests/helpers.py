"""Helpers the test modules share (the softmax-regression data of conftest.py, fed through
pyestim's numpy_input_fn; the global step read back from a checkpoint)."""

import contextlib
import signal

import tensorflow as tf

import pyestim
from pyestim.models import cnn_model_fn

__all__ = ["toy_input", "global_step_of", "time_limit"]


def toy_input(data, rows=None, batch_size=50, num_epochs=None, shuffle=False, labels=True):
    """An input function over ``data.x`` / ``data.y`` (the rows ``rows``, all by default)."""
    x = data.x if rows is None else data.x[rows]
    y = data.y if rows is None else data.y[rows]
    return pyestim.numpy_input_fn({"x": x}, y if labels else None, batch_size=batch_size,
                                  num_epochs=num_epochs, shuffle=shuffle)


def global_step_of(model_dir):
    """The global step of the latest checkpoint in ``model_dir``."""
    return int(tf.train.load_variable(str(model_dir), "global_step"))


@contextlib.contextmanager
def time_limit(seconds=30):
    """Fail (rather than hang) if the body runs longer than ``seconds`` (main thread only)."""

    def on_alarm(signum, frame):
        raise TimeoutError(f"the call did not return within {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def trained_cnn(model_dir, data, seed, steps):
    """The tutorial CNN trained ``steps`` steps on ``data`` (the mnist_subset fixture's), batch
    50, shuffled, with ``seed``: the estimator the picture and predictor tests read."""
    est = pyestim.estimator(cnn_model_fn, model_dir=str(model_dir),
                            config=pyestim.run_config(tf_random_seed=seed))
    pyestim.train(est, pyestim.numpy_input_fn({"x": data.train_x}, data.train_y, batch_size=50,
                                              num_epochs=None, shuffle=True), steps=steps)
    return est
