"""The three implementations the parity suite compares, each returning a :class:`RunResult`:

* ``run_python``: seed 000's tutorial code written in Python on pyestim (its "Python twin");
* ``run_plain``: seed 001's code on plain tf.estimator, with no pyestim in the model, hooks
  or estimator. With ``reader="tf"`` it is fed by TensorFlow's own
  ``tf.compat.v1.estimator.inputs.numpy_input_fn`` and reads MNIST from the IDX files itself
  (:func:`read_idx_mnist`): no pyestim at all. TensorFlow's reader fills its queue from a
  thread; unshuffled with one thread (``shuffle=False, num_threads=1``) it reads the rows in
  order and is reproducible, shuffled it is not (the order then depends on how far the
  thread got), so ``reader="tf"`` needs ``Settings(shuffle=False)``. The tutorial as written
  (shuffle = TRUE) is therefore compared with ``reader="pyestim"``: pyestim's
  ``numpy_input_fn`` (a plain TensorFlow input function, the input both sides can share)
  and pyestim's MNIST reader;
* ``run_r`` (in ``r_runner.py``): the seed 000 R code through rpy2, the R package and
  reticulate, in this same process.
"""

import contextlib
import dataclasses
import os
import pathlib
import random
from typing import Dict, List

import numpy as np
import tensorflow as tf_root

from support.idx import read_mnist
from support.tflog import capture_tf_log

PREDICTED = "predicted_classes = "


@dataclasses.dataclass
class Settings:
    """One tutorial run: the MNIST subset, the seed and the step counts."""

    model: str = "cnn"
    seed: int = 42
    n_train: int = 1000
    n_eval: int = 500
    n_predict: int = 100
    steps: int = 30
    eval_steps: int = 5
    log_every: int = 10
    batch_size: int = 100
    shuffle: bool = True  # train and evaluate input, as the tutorial writes it
    reader: str = "pyestim"  # or "tf": TensorFlow's own numpy_input_fn (needs shuffle False)


@dataclasses.dataclass
class RunResult:
    steps: List[int]
    losses: List[float]
    train_logged: List[str]
    eval_metrics: Dict[str, float]
    eval_logged: List[str]
    checkpoint_steps: List[int]
    variables: Dict[str, np.ndarray]
    classes: np.ndarray
    probabilities: np.ndarray


def captured_log(prefix=PREDICTED):
    """The messages TensorFlow logs in the block that start with ``prefix`` (by default the
    ``predicted_classes = [...]`` lines): :func:`support.tflog.capture_tf_log`."""
    return capture_tf_log(prefix)


def mnist_arrays(settings):
    """The tutorial's arrays (seed 000: np$asmatrix(..., float32), np$asarray(..., int32)),
    cut to the subset."""
    from pyestim.datasets import read_data_sets

    mnist = read_data_sets()
    return {
        "train_data": np.asarray(mnist.train.images, dtype=np.float32)[:settings.n_train],
        "train_labels": np.asarray(mnist.train.labels, dtype=np.int32)[:settings.n_train],
        "eval_data": np.asarray(mnist.test.images, dtype=np.float32)[:settings.n_eval],
        "eval_labels": np.asarray(mnist.test.labels, dtype=np.int32)[:settings.n_eval],
    }


def checkpoint_steps(model_dir):
    state = tf_root.train.get_checkpoint_state(model_dir)
    return [int(p.rsplit("-", 1)[1]) for p in state.all_model_checkpoint_paths]


def _stack_predictions(rows):
    classes = np.array([int(r["classes"]) for r in rows])
    probabilities = np.stack([np.asarray(r["probabilities"]) for r in rows])
    return classes, probabilities


# --------------------------------------------------------------------------------------------
# Python on pyestim: seed 000's code, line for line


def run_python(settings, model_dir):
    from pyestim import (estimator, evaluate, hook_history_saver, hook_logging_tensor, predict,
                         run_config, tf, train, variable_value)
    from pyestim import models

    np_ = np
    mnist = tf.contrib.learn.datasets.load_dataset("mnist")
    train_data = np_.asmatrix(mnist.train.images, dtype=np_.float32)[:settings.n_train]
    train_labels = np_.asarray(mnist.train.labels, dtype=np_.int32)[:settings.n_train]
    eval_data = np_.asmatrix(mnist.test.images, dtype=np_.float32)[:settings.n_eval]
    eval_labels = np_.asarray(mnist.test.labels, dtype=np_.int32)[:settings.n_eval]

    mnist_classifier = estimator(
        model_fn=models.MODELS[settings.model], model_dir=model_dir,
        config=run_config(tf_random_seed=settings.seed))
    tensors_to_log = {"predicted_classes": "predicted_classes"}
    logging_hook = hook_logging_tensor(tensors=tensors_to_log, every_n_iter=settings.log_every)

    inputs = tf.estimator.inputs
    if settings.reader == "tf":
        # TensorFlow's own reader, as the plain side uses it: input functions build ops, and
        # TensorFlow seeds each random op from the number of ops built before it, so both
        # sides must build the same input ops for the same initial weights
        inputs = _tf_reader(settings)

    def train_input_fn(features_as_named_list):
        return inputs.numpy_input_fn(
            x={"x": train_data}, y=train_labels, batch_size=settings.batch_size,
            num_epochs=None, shuffle=settings.shuffle)

    with captured_log() as train_logged:
        history = train(mnist_classifier, input_fn=train_input_fn, steps=settings.steps,
                        hooks=[logging_hook, hook_history_saver(every_n_step=1)])

    def eval_input_fn(features_as_named_list):
        return inputs.numpy_input_fn(
            x={"x": eval_data}, y=eval_labels, batch_size=settings.batch_size,
            num_epochs=None, shuffle=settings.shuffle)

    with captured_log() as eval_logged:
        metrics = evaluate(mnist_classifier, input_fn=eval_input_fn,
                           steps=settings.eval_steps, hooks=logging_hook, simplify=False)

    predict_input_fn = inputs.numpy_input_fn(
        x={"x": eval_data[:settings.n_predict]}, batch_size=settings.n_predict, num_epochs=1,
        shuffle=False)
    rows = predict(mnist_classifier, input_fn=predict_input_fn, simplify=False)
    classes, probabilities = _stack_predictions(rows)
    return RunResult(
        steps=history.steps, losses=history.mean_losses, train_logged=list(train_logged),
        eval_metrics=metrics, eval_logged=list(eval_logged),
        checkpoint_steps=checkpoint_steps(model_dir),
        variables=variable_value(mnist_classifier), classes=classes,
        probabilities=probabilities)


# --------------------------------------------------------------------------------------------
# Plain tf.estimator: seed 001's code


@contextlib.contextmanager
def seeded(seed):
    """What a user of plain tf.estimator must do by hand for bit-identical runs (and what
    pyestim does for a seeded estimator): Keras' legacy layer initializers take their op
    seeds from Python's ``random``; NumPy for good measure; TensorFlow's op determinism for
    reductions whose order could otherwise vary between runs."""
    from tensorflow.python.framework import config as tf_config

    random.seed(seed)
    np.random.seed(seed)
    was = tf_config.is_op_determinism_enabled()
    tf_config.enable_op_determinism()
    try:
        yield
    finally:
        if not was:
            tf_config.disable_op_determinism()


class LossRecorder(tf_root.compat.v1.train.SessionRunHook):
    """Plain TensorFlow: fetch the model's loss at every step (the tensor tf.estimator adds
    last to the LOSSES collection; a canned head puts unreduced losses there before it)."""

    def __init__(self):
        self.losses = []

    def begin(self):
        self._loss = tf_root.compat.v1.get_collection(tf_root.compat.v1.GraphKeys.LOSSES)[-1]

    def before_run(self, run_context):
        return tf_root.compat.v1.train.SessionRunArgs(self._loss)

    def after_run(self, run_context, run_values):
        self.losses.append(float(run_values.results))


def read_idx_mnist(settings, data_dir=None):
    """The tutorial's arrays read straight from the four MNIST IDX files (gzip) by the tests'
    own reader (:mod:`support.idx`), with no pyestim. As TF 1's ``read_data_sets`` did: the
    first 5000 training images are the validation set, so ``train`` starts at image 5000;
    float32 images are the bytes times 1/255."""
    raw = read_mnist(pathlib.Path(data_dir or os.environ["PYESTIM_DATA_DIR"]))

    def images(pixels):
        return np.multiply(pixels.astype(np.float32), np.float32(1.0 / 255.0))

    return {
        "train_data": images(raw.train_x[5000:])[:settings.n_train],
        "train_labels": raw.train_y[5000:][:settings.n_train].astype(np.int32),
        "eval_data": images(raw.test_x)[:settings.n_eval],
        "eval_labels": raw.test_y[:settings.n_eval].astype(np.int32),
    }


class _tf_reader:
    """TensorFlow's own numpy_input_fn with one thread (``settings.reader == "tf"``).

    Measured (tests/parity/README.md): even unshuffled with one thread it is not reproducible
    as it stands, because building its input ops draws from Python's ``random`` a varying
    number of times, and the Keras legacy initializers of the models then take their op
    seeds from that state (the initial weights differed from run to run). So each input
    function returned here re-seeds Python's ``random`` with the run's seed after TensorFlow's
    input function has built its ops: what a user of plain tf.estimator must do by hand for
    a reproducible run, done the same way on both sides."""

    def __init__(self, settings):
        if settings.shuffle:
            raise ValueError("TensorFlow's numpy_input_fn shuffles from a thread and is not "
                             "reproducible: use Settings(shuffle=False) with reader='tf'")
        self.seed = settings.seed

    def numpy_input_fn(self, x, y=None, batch_size=128, num_epochs=1, shuffle=None):
        tf_input_fn = tf_root.compat.v1.estimator.inputs.numpy_input_fn(
            x=x, y=y, batch_size=batch_size, num_epochs=num_epochs, shuffle=shuffle,
            num_threads=1)

        def input_fn():
            out = tf_input_fn()
            random.seed(self.seed)
            return out

        return input_fn


def run_plain(settings, model_dir):
    """Seed 001's code on plain tf.estimator. ``settings.reader``: "tf" for TensorFlow's own
    numpy_input_fn and the IDX files read here (needs ``settings.shuffle`` False, see the
    module docstring), "pyestim" for pyestim's numpy_input_fn and MNIST reader."""
    from .plain_models import MODELS

    tf = tf_root
    if settings.reader == "tf":
        numpy_input_fn = _tf_reader(settings).numpy_input_fn
        data = read_idx_mnist(settings)
    else:
        from pyestim import numpy_input_fn  # a plain TensorFlow input function

        data = mnist_arrays(settings)
    mnist_classifier = tf.estimator.Estimator(
        model_fn=MODELS[settings.model], model_dir=model_dir,
        config=tf.estimator.RunConfig(tf_random_seed=settings.seed))
    tensors_to_log = {"predicted_classes": "predicted_classes"}
    logging_hook = tf.compat.v1.train.LoggingTensorHook(tensors=tensors_to_log,
                                                        every_n_iter=settings.log_every)
    recorder = LossRecorder()
    train_input_fn = numpy_input_fn(x={"x": data["train_data"]}, y=data["train_labels"],
                                    batch_size=settings.batch_size, num_epochs=None,
                                    shuffle=settings.shuffle)
    with captured_log() as train_logged, seeded(settings.seed):
        mnist_classifier.train(input_fn=train_input_fn, steps=settings.steps,
                               hooks=[logging_hook, recorder])
    eval_input_fn = numpy_input_fn(x={"x": data["eval_data"]}, y=data["eval_labels"],
                                   batch_size=settings.batch_size, num_epochs=None,
                                   shuffle=settings.shuffle)
    with captured_log() as eval_logged, seeded(settings.seed):
        metrics = mnist_classifier.evaluate(input_fn=eval_input_fn, steps=settings.eval_steps,
                                            hooks=[logging_hook])
    predict_input_fn = numpy_input_fn(x={"x": data["eval_data"][:settings.n_predict]},
                                      batch_size=settings.n_predict, num_epochs=1,
                                      shuffle=False)
    with seeded(settings.seed):
        rows = list(mnist_classifier.predict(input_fn=predict_input_fn))
    classes, probabilities = _stack_predictions(rows)
    names = mnist_classifier.get_variable_names()
    return RunResult(
        steps=list(range(1, len(recorder.losses) + 1)), losses=recorder.losses,
        train_logged=list(train_logged),
        eval_metrics={k: v.item() if hasattr(v, "item") else v for k, v in metrics.items()},
        eval_logged=list(eval_logged), checkpoint_steps=checkpoint_steps(model_dir),
        variables={n: mnist_classifier.get_variable_value(n) for n in names},
        classes=classes, probabilities=probabilities)
