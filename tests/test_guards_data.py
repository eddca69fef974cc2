"""guards/data.py (with tf_errors.py and inputs.py): bad data is refused before training,
naming the problem, and a new model_dir stays absent while an existing one is left byte for
byte (see docs/reliability.md); non-finite features (check_finite()); what an input function
returns and the feature keys and predict_keys a model reads, as pyestim's errors."""

import os
import re

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

import pyestim
from pyestim import errors
# (trained_dir and trained_copy make the fixture ``trained``: see support/model_dirs.py)
from support.model_dirs import (absent_or_empty, fixed_model, make_estimator, one_hot_model,
                                sample_data as data, sample_train_input as train_input, tree,
                                trained_copy, trained_dir)
from support.models import global_step_of


# --------------------------------------------------------------------------------------------
# Bad data before training

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



# --------------------------------------------------------------------------------------------
# Non-finite features (check_finite())


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_numpy_input_fn_refuses_non_finite_features(toy_data, bad):
    x = toy_data.x.copy()
    x[7, 2] = bad
    x[9, 0] = bad
    for kwargs in ({"x": {"x": x}}, {"x": x}):
        with pytest.raises(errors.NonFiniteInputError) as info:
            pyestim.numpy_input_fn(**kwargs, y=toy_data.y, shuffle=False)
        message = str(info.value)
        assert "'x'" in message and "2 non-finite" in message and "row 8 " in message
        assert "allow_nonfinite" in message


def test_input_fn_refuses_non_finite_naming_the_column(toy_data):
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [0.5, np.nan, np.nan, 1.0],
                       "y": [0, 1, 0, 1]})
    with pytest.raises(errors.NonFiniteInputError, match=r"'b' holds 2 .* row 2 "):
        pyestim.input_fn(df, ["a", "b"], "y")
    # labels are not features; other columns are not checked
    pyestim.input_fn(df, ["a"], "y")
    # a list of columns and a structured array (R's matrix with column names) too
    with pytest.raises(errors.NonFiniteInputError, match="'b'"):
        pyestim.input_fn({"a": [1.0, 2.0], "b": [np.inf, 1.0]}, ["a", "b"])


def test_allow_nonfinite_lets_them_through(toy_data):
    x = toy_data.x.copy()
    x[0, 0] = np.nan
    fn = pyestim.numpy_input_fn({"x": x}, shuffle=False, allow_nonfinite=True)
    assert callable(fn)
    df = pd.DataFrame({"a": [np.nan, 1.0]})
    assert callable(pyestim.input_fn(df, "a", allow_nonfinite=True))
    with pytest.raises(errors.PyestimTypeError, match="allow_nonfinite"):
        pyestim.numpy_input_fn({"x": x}, shuffle=False, allow_nonfinite="yes")


def test_large_finite_values_whose_sum_overflows_are_accepted():
    x = np.full((4, 3), np.finfo(np.float64).max / 2)
    assert callable(pyestim.numpy_input_fn({"x": x}, shuffle=False))


# --------------------------------------------------------------------------------------------
# What an input function returns, and the feature keys the model reads


def _model_reading_x(features, labels, mode):
    from pyestim import estimator_spec, tf
    w = tf.get_variable("w", [6, 2])
    logits = tf.matmul(features["x"], w)
    if mode == "infer":
        return estimator_spec(mode=mode, predictions={"classes": tf.argmax(logits, 1)})
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    return estimator_spec(mode=mode, loss=loss, train_op=tf.train.GradientDescentOptimizer(
        0.1).minimize(loss, global_step=tf.train.get_global_step()))


@pytest.fixture
def reading_x(tmp_path):
    return pyestim.estimator(_model_reading_x, model_dir=str(tmp_path / "x"))


@pytest.mark.parametrize("returned,shown", [(None, "returned None"),
                                            (np.zeros((4, 6)), "returned ndarray (a bare")])
def test_input_fn_returning_none_or_an_array(reading_x, returned, shown):
    with pytest.raises(errors.InputFnError, match=re.escape(shown)):
        pyestim.train(reading_x, lambda: returned, steps=1)


def test_features_missing_a_key_the_model_reads(reading_x, toy_data):
    fn = pyestim.numpy_input_fn({"z": toy_data.x}, toy_data.y % 2, shuffle=False)
    with pytest.raises(errors.FeatureKeyError, match=r"reads feature 'x'.*\['z'\]") as info:
        pyestim.train(reading_x, fn, steps=1)
    assert isinstance(info.value, KeyError)


def test_unknown_predict_keys(reading_x, toy_data):
    pyestim.train(reading_x, pyestim.numpy_input_fn({"x": toy_data.x}, toy_data.y % 2,
                                                    shuffle=False), steps=1)
    fn = pyestim.numpy_input_fn({"x": toy_data.x}, shuffle=False)
    with pytest.raises(errors.PyestimValueError, match=r"\['nope'\].*\['classes'\]"):
        pyestim.predict(reading_x, fn, predict_keys="nope")
