"""guards/training.py: a diverging model stops with an error naming the step and leaves the
last good checkpoint as the latest (NanLossHook, FiniteCheckpointListener, divergence_guards()
added to every train(); see docs/reliability.md)."""

import os

import numpy as np
import pytest
import tensorflow as tf

import pyestim
from pyestim import errors
# (trained_dir and trained_copy make the fixture ``trained``: see support/model_dirs.py)
from support.model_dirs import (assert_complete, fixed_model, make_estimator,
                                sample_data as data, sample_train_input as train_input,
                                step_of, tree, trained_copy, trained_dir)
from support.models import global_step_of, nan_at_step_3 as _nan_at_step_3, toy_input

v1 = tf.compat.v1


def diverging_model(nan_from):
    """fixed_model whose loss is multiplied by NaN from global step ``nan_from - 1`` (before
    the step) on: the step numbered ``nan_from`` has a NaN loss, and its update makes the
    weights NaN."""

    def model_fn(features, labels, mode, params):
        from pyestim import tf as tf1

        spec = fixed_model(features, labels, mode, params)
        if mode != "train":
            return spec
        step = tf1.train.get_global_step()
        factor = tf1.where(step >= nan_from - 1, tf1.constant(float("nan")), 1.0)
        loss = spec.loss * factor
        train_op = tf1.train.GradientDescentOptimizer(0.5).minimize(loss, global_step=step)
        return pyestim.estimator_spec(mode=mode, loss=loss, train_op=train_op)

    return model_fn


@pytest.mark.parametrize("nan_step, hooks", [
    (5, None),                                      # between saves (2, 4, 6 ...)
    (6, None),                                      # on a save step
    (6, "hook"),                                    # with hook_nan_tensor
])
def test_nan_loss_stops_with_the_step_and_keeps_the_last_good_checkpoint(tmp_path, nan_step,
                                                                         hooks):
    md = tmp_path / "m"
    x, y = data()
    est = make_estimator(diverging_model(nan_step), md, save_steps=2)
    if hooks == "hook":
        hooks = pyestim.hook_nan_tensor("mul")  # the scaled loss tensor's name
    with pytest.raises(errors.NanLossError) as info:
        pyestim.train(est, train_input(x, y), steps=20, hooks=hooks)
    assert info.value.step == nan_step
    assert f"step {nan_step}" in str(info.value)
    assert isinstance(info.value, tf.compat.v1.train.NanLossDuringTrainingError)
    latest = pyestim.latest_checkpoint(md)
    assert step_of(latest) == 4  # the last save before the divergence
    assert_complete(latest)  # and its weights are finite
    assert global_step_of(md) == 4
    assert not os.path.exists(f"{md}/model.ckpt-6.index")


def test_a_resumed_run_that_diverges_at_once_leaves_the_directory_as_it_was(trained):
    before = tree(trained)
    est = make_estimator(diverging_model(1), trained)  # NaN from the first step on
    with pytest.raises(errors.NanLossError):
        pyestim.train(est, train_input(*data()), steps=5)
    assert tree(trained) == before


def test_hook_nan_tensor_without_failing_on_the_model_loss_fails_as_tf_estimator(
        tmp_path, linear_model_fn, toy_data):
    """fail_on_nan_loss=False on the model's own loss cannot turn divergence into a plain
    stop: tf.estimator always adds its own failing NaN hook on the loss (so did tfestimators,
    on TensorFlow 1). pyestim does what plain tf.estimator does, naming the step, and keeps
    the latest checkpoint finite (docs/reliability.md)."""
    model_fn = _nan_at_step_3(linear_model_fn)
    plain = tf.estimator.Estimator(model_fn, model_dir=str(tmp_path / "plain"))
    with pytest.raises(v1.train.NanLossDuringTrainingError):
        plain.train(toy_input(toy_data), steps=10,
                    hooks=[v1.train.NanTensorHook("watched_loss:0", fail_on_nan_loss=False)])
    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m",
                            config=pyestim.run_config(save_checkpoints_steps=1))
    with pytest.raises(pyestim.NanLossError, match="at step 3") as info:
        pyestim.train(est, toy_input(toy_data), steps=10,
                      hooks=pyestim.hook_nan_tensor("watched_loss", fail_on_nan_loss=False))
    assert isinstance(info.value, v1.train.NanLossDuringTrainingError)
    # (only the loss is NaN here: the weights, and so the checkpoints, stay finite)
    assert global_step_of(tmp_path / "m") <= 3
    assert np.all(np.isfinite(tf.train.load_variable(str(tmp_path / "m"), "w")))
