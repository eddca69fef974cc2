"""The data checked against the feature columns (pyestim/columns/data_checks.py):
input_layer() lays the dense columns out by name and refuses missing features and categorical
columns; a canned estimator's input is refused, naming the column, where it does not fit the
feature columns (text for a numeric column, numbers for a vocabulary, a missing column)."""

import os

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

import pyestim
import pyestim as pe
from pyestim import errors

__all__ = ["dense"]


def dense(columns, features):
    """input_layer(features, columns) evaluated in a fresh graph."""
    with tf.Graph().as_default():
        tensors = {k: tf.constant(v) for k, v in features.items()}
        out = pe.input_layer(tensors, columns)
        with tf.compat.v1.Session() as sess:
            sess.run([tf.compat.v1.global_variables_initializer(),
                      tf.compat.v1.tables_initializer()])
            return sess.run(out)


def test_input_layer_orders_columns_by_name_and_checks_features():
    out = dense(pe.column_numeric("b", "a"), {"a": np.array([[1.0]]), "b": np.array([[2.0]])})
    np.testing.assert_allclose(out, [[1.0, 2.0]])  # TensorFlow sorts columns by name
    with pytest.raises(pe.PyestimValueError, match=r"\['c'\].*not in features"):
        dense(pe.column_numeric("a", "c"), {"a": np.array([[1.0]])})
    with pytest.raises(pe.PyestimTypeError, match="column_indicator"):
        dense([pe.column_categorical_with_identity("a", num_buckets=2)],
              {"a": np.array([[1]], dtype=np.int64)})



# --------------------------------------------------------------------------------------------
# Canned estimators and non-numeric data (check_data_columns())


def _canned(tmp_path, *columns):
    return pyestim.linear_classifier(feature_columns=pyestim.feature_columns(*columns),
                                     model_dir=str(tmp_path / "lin"))


def test_canned_refuses_text_for_a_numeric_column(tmp_path):
    est = _canned(tmp_path, pyestim.column_numeric("a"))
    df = pd.DataFrame({"a": ["u", "v"] * 5, "y": [0, 1] * 5})
    with pytest.raises(errors.InputDataError, match=r"'a' holds text .* expects numbers"):
        pyestim.train(est, pyestim.input_fn(df, "a", "y"), steps=1)
    with pytest.raises(errors.InputDataError, match=r"'a' holds text"):  # numpy_input_fn too
        pyestim.train(est, pyestim.numpy_input_fn({"a": df.a.values}, df.y.values,
                                                  shuffle=False), steps=1)
    assert not os.path.exists(tmp_path / "lin" / "checkpoint")


def test_canned_refuses_numbers_for_a_vocabulary_column_and_floats_for_ids(tmp_path):
    voc = pyestim.column_indicator(
        pyestim.column_categorical_with_vocabulary_list("c", vocabulary_list=["u", "v"]))
    est = _canned(tmp_path, voc)
    df = pd.DataFrame({"c": [1.0, 2.0] * 5, "y": [0, 1] * 5})
    with pytest.raises(errors.InputDataError, match=r"'c' holds numeric .* text"):
        pyestim.evaluate(est, pyestim.input_fn(df, "c", "y"))
    ids = pyestim.column_categorical_with_identity("k", num_buckets=3)
    est = pyestim.linear_classifier(feature_columns=[ids], model_dir=str(tmp_path / "ids"))
    df = pd.DataFrame({"k": [0.5, 1.0] * 5, "y": [0, 1] * 5})
    with pytest.raises(errors.InputDataError, match=r"'k' holds numeric .* whole numbers"):
        pyestim.train(est, pyestim.input_fn(df, "k", "y"), steps=1)


def test_canned_refuses_a_feature_column_without_a_data_column(tmp_path):
    est = _canned(tmp_path, pyestim.column_numeric("a"))
    df = pd.DataFrame({"b": [1.0, 2.0] * 5, "y": [0, 1] * 5})
    with pytest.raises(errors.InputDataError, match=r"\['a'\].*columns are \['b'\]"):
        pyestim.predict(est, pyestim.input_fn(df, "b"))


def test_canned_accepts_matching_data(tmp_path):
    est = _canned(tmp_path, pyestim.column_numeric("a"), pyestim.column_indicator(
        pyestim.column_categorical_with_vocabulary_list("c", vocabulary_list=["u", "v"])))
    df = pd.DataFrame({"a": np.arange(10.0), "c": ["u", "v"] * 5, "y": [0, 1] * 5})
    pyestim.train(est, pyestim.input_fn(df, ["a", "c"], "y"), steps=2)
    assert len(pyestim.predict(est, pyestim.input_fn(df, ["a", "c"]))) == 10
