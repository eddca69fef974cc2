"""Reading checkpoints (pyestim/checkpoints/reading.py): latest_checkpoint(), and
variable_names() / variable_value() of an estimator. Expected values come from plain
TensorFlow (tf.train.load_variable / list_variables) on conftest.py's ``trained`` softmax
regression.
"""

import os

import numpy as np
import pytest
import tensorflow as tf

import pyestim
from pyestim import errors


# --------------------------------------------------------------------------------------------
# latest_checkpoint(), variable_names(), variable_value()


def test_latest_checkpoint_and_model_dir(trained, tmp_path):
    est, model_dir, _ = trained
    assert pyestim.model_dir(est) == model_dir
    assert pyestim.latest_checkpoint(model_dir) == os.path.join(model_dir, "model.ckpt-10")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert pyestim.latest_checkpoint(empty) is None


def test_latest_checkpoint_reads_another_state_file_by_latest_filename(trained, tmp_path):
    # TensorFlow's latest_checkpoint(checkpoint_dir, latest_filename), which tfestimators'
    # latest_checkpoint(checkpoint_dir, ...) passes `...` on to.
    _, model_dir, _ = trained
    prefix = os.path.join(model_dir, "model.ckpt-10")
    other = tmp_path / "other"
    other.mkdir()
    (other / "my_state").write_text(f'model_checkpoint_path: "{prefix}"\n')
    assert pyestim.latest_checkpoint(other, latest_filename="my_state") == prefix
    assert pyestim.latest_checkpoint(other) is None  # no "checkpoint" file there
    assert pyestim.latest_checkpoint(other, latest_filename="missing") is None
    with pytest.raises(errors.PyestimTypeError, match="latest_filename must be"):
        pyestim.latest_checkpoint(other, latest_filename=3)


def test_variable_names_are_the_checkpoints_variables(trained):
    est, model_dir, _ = trained
    names = pyestim.variable_names(est)
    assert isinstance(names, list)
    assert set(names) == {name for name, _ in tf.train.list_variables(model_dir)}
    assert {"global_step", "w", "b"} <= set(names)


def test_variable_value(trained):
    est, model_dir, _ = trained
    w = pyestim.variable_value(est, "w")
    assert list(w) == ["w"]  # a dict also for one variable (tfestimators: a named list)
    np.testing.assert_array_equal(w["w"], tf.train.load_variable(model_dir, "w"))
    assert w["w"].shape == (6, 10) and np.any(w["w"] != 0)
    assert pyestim.variable_value(est, "global_step") == {"global_step": 10}
    two = pyestim.variable_value(est, ["global_step", "b"])
    assert list(two) == ["global_step", "b"]
    np.testing.assert_array_equal(two["b"], tf.train.load_variable(model_dir, "b"))
    everything = pyestim.variable_value(est)
    assert set(everything) == {name for name, _ in tf.train.list_variables(model_dir)}
    for name, value in everything.items():
        np.testing.assert_array_equal(value, tf.train.load_variable(model_dir, name))


def test_variable_value_of_an_unknown_variable(trained):
    est, _, _ = trained
    with pytest.raises(errors.PyestimValueError) as info:
        pyestim.variable_value(est, "dense/kernel")
    assert str(info.value).startswith("Variable not found: dense/kernel")
    assert "global_step" in str(info.value)
    with pytest.raises(errors.PyestimValueError, match="^Variable not found: foo, bar"):
        pyestim.variable_value(est, ["w", "foo", "bar"])
    with pytest.raises(errors.PyestimTypeError, match="variable must be"):
        pyestim.variable_value(est, 3)


def test_variables_of_an_untrained_model(tmp_path, linear_model_fn):
    """tfestimators: "'variable_names()' must be called on a trained model", not TensorFlow's
    "Couldn't find 'checkpoint' file"; the model_dir may exist (empty) or not."""
    for model_dir in (tmp_path / "missing", tmp_path):
        est = pyestim.estimator(linear_model_fn, model_dir=model_dir)
        with pytest.raises(errors.NotTrainedError,
                           match=r"^'variable_names\(\)' must be called on a trained model"):
            pyestim.variable_names(est)
        with pytest.raises(errors.NotTrainedError,
                           match=r"^'variable_value\(\)' must be called on a trained model"):
            pyestim.variable_value(est, "global_step")
    assert issubclass(errors.NotTrainedError, ValueError)
