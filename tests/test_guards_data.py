"""guards/data.py (with tf_errors.py and inputs.py): bad data is refused before training,
naming the problem, and a new model_dir stays absent while an existing one is left byte for
byte (see docs/reliability.md)."""

import os

import numpy as np
import pytest
import tensorflow as tf

import pyestim
from pyestim import errors
# (trained_dir and trained_copy make the fixture ``trained``: see support/model_dirs.py)
from support.model_dirs import (absent_or_empty, fixed_model, make_estimator, one_hot_model,
                                sample_data as data, sample_train_input as train_input, tree,
                                trained_copy, trained_dir)
from support.models import global_step_of


BAD_INPUTS = {
    # name: (model_fn, params, input builder, expected error, words in the message)
    "too few feature columns": (
        fixed_model, None, lambda x, y: train_input(x[:, :4], y),
        errors.InputDataError, ["could not be built", "float32 [50, 4]", "4 and 6"]),
    "float64 features for a float32 model": (
        fixed_model, None, lambda x, y: train_input(x.astype(np.float64), y),
        errors.InputDataError, ["float64", "cast"]),
    "string features": (
        fixed_model, None, lambda x, y: train_input(x.astype(str), y),
        errors.InputDataError, ["string"]),
    "labels out of range, found at run time": (
        fixed_model, None, lambda x, y: train_input(x, np.where(y == 3, 12, y)),
        errors.InputDataError, ["12", "0..9"]),
    "labels out of range, params n_classes": (
        one_hot_model, {"n_classes": 10}, lambda x, y: train_input(x, np.where(y == 3, -1, y)),
        errors.InputDataError, ["outside 0..9", "-1", "row"]),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_data_is_refused_and_a_new_model_dir_stays_absent(tmp_path, case):
    model_fn, params, build, error, words = BAD_INPUTS[case]
    md = tmp_path / "new" / "m"
    est = make_estimator(model_fn, md, params=params)
    x, y = data()
    with pytest.raises(error) as info:
        pyestim.train(est, build(x, y), steps=3)
    for word in words:
        assert word in str(info.value), (word, str(info.value))
    assert not os.path.exists(tmp_path / "new")


@pytest.mark.parametrize("case", ["too few feature columns", "labels out of range, found at "
                                  "run time", "float64 features for a float32 model"])
def test_bad_data_leaves_an_existing_model_dir_byte_for_byte(trained, case):
    model_fn, params, build, error, _ = BAD_INPUTS[case]
    before = tree(trained)
    est = make_estimator(model_fn, trained, params=params)
    with pytest.raises(error):
        pyestim.train(est, build(*data()), steps=3)
    assert tree(trained) == before
    pyestim.train(est, train_input(*data()), steps=1)  # and it still trains
    assert global_step_of(trained) == 7


def test_features_of_another_shape_than_the_checkpoint_are_refused(trained):
    """The conftest model sizes its weights from the input, so 4 columns build a graph
    whose variables do not fit the 6-column checkpoint."""
    from support.models import linear_model

    before = tree(trained)
    est = make_estimator(linear_model, trained)
    x, y = data()
    with pytest.raises(errors.InputDataError) as info:
        pyestim.train(est, train_input(x[:, :4], y), steps=2)
    message = str(info.value)
    # what was given (4 columns against the checkpoint's 6), and what to do
    assert message.startswith("The input does not fit the model: ")
    assert "[50,4]" in message and "[6," in message
    assert "the number of columns of x" in message
    assert tree(trained) == before


def test_canned_classifier_labels_out_of_range_are_refused(tmp_path):
    md = tmp_path / "m"
    canned = tf.estimator.LinearClassifier(
        feature_columns=[tf.feature_column.numeric_column("x", shape=(6,))], n_classes=3,
        model_dir=str(md))
    x, y = data()
    with pytest.raises(errors.InputDataError) as info:
        pyestim.train(canned, train_input(x, y), steps=2)  # labels 0..9 for 3 classes
    assert "n_classes" in str(info.value)
    assert absent_or_empty(md)


def test_empty_and_mismatched_input_is_refused_when_the_input_function_is_made(tmp_path):
    x, y = data()
    with pytest.raises(errors.PyestimValueError, match="same number of rows"):
        pyestim.numpy_input_fn({"x": x}, y[:-1], shuffle=True)
    with pytest.raises(errors.PyestimValueError, match="no rows"):
        pyestim.numpy_input_fn({"x": x[:0]}, y[:0], shuffle=True)
    import pandas as pd

    with pytest.raises(errors.PyestimValueError, match="no rows"):
        pyestim.input_fn(pd.DataFrame({"a": [], "y": []}), features="a", response="y")
    with pytest.raises(errors.PyestimValueError, match="same number of rows"):
        pyestim.input_fn({"a": [1.0, 2.0, 3.0], "y": [0, 1]}, features="a", response="y")


def test_non_numeric_data_frame_columns_as_features_of_a_custom_model(tmp_path):
    import pandas as pd

    x, y = data(50)
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(6)])
    frame["name"] = [f"row{i}" for i in range(50)]
    frame["y"] = y
    md = tmp_path / "m"
    est = make_estimator(fixed_model, md)
    fn = pyestim.input_fn(frame, features=["f0", "f1", "f2", "f3", "f4", "name"], response="y")
    with pytest.raises(errors.InputDataError) as info:
        pyestim.train(est, fn, steps=2)
    assert "'name'" in str(info.value) and "numeric" in str(info.value)
    assert not os.path.exists(md)


# --------------------------------------------------------------------------------------------
# 4. One writer per model_dir


# --------------------------------------------------------------------------------------------
# 5. Damaged checkpoints

