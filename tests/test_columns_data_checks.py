"""The data checked against the feature columns (pyestim/columns/data_checks.py):
input_layer() lays the dense columns out by name and refuses missing features and categorical
columns."""

import numpy as np
import pytest
import tensorflow as tf

import pyestim as pe

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

