"""Reproducibility of the tutorial's CNN (pyestim.models.cnn_model_fn) on 1,000 MNIST images.

(a) Two pyestim runs with run_config(tf_random_seed=42) and a shuffling numpy_input_fn give
    bit-identical per-step losses, identical logged predicted classes, identical final
    weights and identical evaluation metrics.
(b) The same model function run through plain tf.estimator (tf.estimator.Estimator with
    tf.estimator.RunConfig(tf_random_seed=42)), fed by the same input function, gives the
    same per-step losses and the same evaluation metrics as pyestim.

TensorFlow derives the seed of each random op that has no seed of its own from the graph
seed and a per-graph counter (TensorFlow 2.15 counts the seeded random ops built so far; TF1
counted all ops), so (b) holds only if pyestim builds the same ops as plain tf.estimator, in
the same order, before and inside the model function (an extra random op in pyestim's
model-function wrapper makes it fail): that is part of what it proves.

For (b) the plain run repeats what pyestim does at the start of every train() / evaluate()
call when a seed is set (pyestim.estimator.reproducible):
* random.seed(seed) and np.random.seed(seed): Keras' legacy initializers behind tf.layers
  (glorot_uniform for the kernels) draw their op seeds from Python's `random` module, so
  without this the initial weights depend on what ran before in the process;
* tensorflow.python.framework.config.enable_op_determinism() for the duration of the call
  (and disabled afterwards): otherwise reductions (e.g. the gradient sums) may add in a
  different order from run to run and the losses differ in the last bits.
"""

import contextlib
import random
import types

import numpy as np
import pytest
import tensorflow as tf
from tensorflow.python.framework import config as tf_config

import pyestim
import pyestim.models
from support.tflog import capture_tf_log

SEED = 42
STEPS = 15
BATCH = 50
LOG_EVERY = 5


def logged_classes(messages):
    out = []
    for message in messages:
        if message.startswith("predicted_classes = ["):
            body = message[message.index("[") + 1:message.index("]")]
            out.append([int(t) for t in body.split()])
    return out


def train_input(data):
    return pyestim.numpy_input_fn({"x": data.train_x}, data.train_y, batch_size=BATCH,
                                  num_epochs=None, shuffle=True)


def eval_input(data):
    return pyestim.numpy_input_fn({"x": data.test_x}, data.test_y, batch_size=100,
                                  num_epochs=1, shuffle=False)


def logging_hook():
    return pyestim.hook_logging_tensor({"predicted_classes": "predicted_classes"},
                                       every_n_iter=LOG_EVERY)


def pyestim_run(model_dir, data, seed=SEED):
    est = pyestim.estimator(pyestim.models.cnn_model_fn, model_dir=str(model_dir),
                            config=pyestim.run_config(tf_random_seed=seed))
    with capture_tf_log() as messages:
        history = pyestim.train(est, train_input(data), steps=STEPS,
                                hooks=[pyestim.hook_history_saver(every_n_step=1),
                                       logging_hook()])
    determinism_after_train = tf_config.is_op_determinism_enabled()
    metrics = pyestim.evaluate(est, eval_input(data), simplify=False)
    return types.SimpleNamespace(
        losses=history.mean_losses, logged=logged_classes(messages), metrics=metrics,
        weights=pyestim.variable_value(est), global_step=metrics["global_step"],
        determinism_after_train=determinism_after_train)


class LossRecorder(tf.compat.v1.train.SessionRunHook):
    """Plain TensorFlow: fetch the loss of the EstimatorSpec the model function returned at
    every step."""

    def __init__(self, specs):
        self.specs = specs
        self.losses = []

    def before_run(self, run_context):
        return tf.compat.v1.train.SessionRunArgs(self.specs[-1].loss)

    def after_run(self, run_context, run_values):
        self.losses.append(float(run_values.results))


@contextlib.contextmanager
def seeded_like_pyestim(seed):
    random.seed(seed)
    np.random.seed(seed)
    tf_config.enable_op_determinism()
    try:
        yield
    finally:
        tf_config.disable_op_determinism()


def plain_run(model_dir, data):
    specs = []

    def model_fn(features, labels, mode):
        specs.append(pyestim.models.cnn_model_fn(features, labels, mode))
        return specs[-1]

    est = tf.estimator.Estimator(model_fn=model_fn, model_dir=str(model_dir),
                                 config=tf.estimator.RunConfig(tf_random_seed=SEED))
    recorder = LossRecorder(specs)
    with seeded_like_pyestim(SEED):
        est.train(train_input(data), steps=STEPS, hooks=[recorder])
    with seeded_like_pyestim(SEED):
        metrics = est.evaluate(eval_input(data))
    weights = {name: est.get_variable_value(name) for name in est.get_variable_names()}
    return types.SimpleNamespace(losses=recorder.losses, metrics=metrics, weights=weights)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, mnist_subset):
    assert not tf_config.is_op_determinism_enabled()
    return pyestim_run(tmp_path_factory.mktemp("first") / "model", mnist_subset)


def test_two_seeded_pyestim_runs_are_identical(first_run, tmp_path, mnist_subset):
    second = pyestim_run(tmp_path / "model", mnist_subset)

    assert len(first_run.losses) == STEPS
    assert len(set(first_run.losses)) > 1  # the model trains on shuffled batches
    assert first_run.losses == second.losses  # bit-identical floats

    assert len(first_run.logged) == 3  # steps 1, 6 and 11
    assert all(len(classes) == BATCH for classes in first_run.logged)
    assert first_run.logged == second.logged

    assert first_run.global_step == second.global_step == STEPS
    assert set(first_run.weights) == set(second.weights)
    assert {"conv2d/kernel", "conv2d_1/kernel", "dense/kernel", "dense_1/kernel"} <= set(
        first_run.weights)
    for name in first_run.weights:
        assert np.array_equal(first_run.weights[name], second.weights[name]), name
    assert first_run.metrics == second.metrics

    # pyestim turns op determinism on only for the duration of a call.
    assert first_run.determinism_after_train is False
    assert not tf_config.is_op_determinism_enabled()


def test_without_a_seed_runs_differ(first_run, tmp_path, mnist_subset):
    """The control for the test above: the equality does not come for free."""
    est = pyestim.estimator(pyestim.models.cnn_model_fn, model_dir=str(tmp_path / "model"))
    history = pyestim.train(est, train_input(mnist_subset), steps=3,
                            hooks=pyestim.hook_history_saver(every_n_step=1))
    assert history.mean_losses != first_run.losses[:3]


def test_pyestim_and_plain_tf_estimator_agree(first_run, tmp_path, mnist_subset):
    plain = plain_run(tmp_path / "plain", mnist_subset)

    assert len(plain.losses) == STEPS
    assert plain.losses == first_run.losses  # bit-identical per-step losses

    assert plain.metrics["global_step"] == STEPS
    assert set(plain.metrics) == set(first_run.metrics)
    for key, value in plain.metrics.items():
        assert value == first_run.metrics[key], key

    assert set(plain.weights) == set(first_run.weights)
    for name in plain.weights:
        assert np.array_equal(plain.weights[name], first_run.weights[name]), name
