"""What a feature column is (pyestim/columns/kinds.py): TensorFlow's own columns, built with
``tf.feature_column`` here (not with pyestim's constructors), told apart by kind; the arguments
that must be a type or a column of a kind."""

import pytest
import tensorflow as tf

import pyestim as pe
from pyestim.columns import kinds

NUMERIC = tf.feature_column.numeric_column("x")
HASHED = tf.feature_column.categorical_column_with_hash_bucket("s", 5)
IDENTITY = tf.feature_column.categorical_column_with_identity("i", 3)
INDICATOR = tf.feature_column.indicator_column(IDENTITY)
BUCKETS = tf.feature_column.bucketized_column(NUMERIC, [0.0, 1.0])

#: column -> (feature column, categorical, numeric, dense, hashed), from TensorFlow's docs
KINDS = {"numeric": (NUMERIC, (True, False, True, True, False)),
         "hashed": (HASHED, (True, True, False, False, True)),
         "identity": (IDENTITY, (True, True, False, False, False)),
         "indicator": (INDICATOR, (True, False, False, True, False)),
         "bucketized": (BUCKETS, (True, True, False, True, False)),
         "a name": ("x", (False, False, False, False, False))}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_kinds_of_tensorflow_s_columns(name):
    column, expected = KINDS[name]
    found = (kinds.is_feature_column(column), kinds.is_categorical(column),
             kinds.is_numeric(column), kinds.is_dense(column), kinds.is_hashed(column))
    assert found == expected


def test_numeric_column_is_tensorflow_s():
    assert kinds.numeric_column("x") == NUMERIC
    assert kinds.numeric_column("x", shape=(2,), dtype=tf.int64) == \
        tf.feature_column.numeric_column("x", shape=(2,), dtype=tf.int64)


def test_as_weight_column_and_as_dtype():
    assert kinds.as_weight_column(None) is None
    assert kinds.as_weight_column("w") == "w"
    assert kinds.as_weight_column([NUMERIC]) is NUMERIC
    with pytest.raises(pe.PyestimTypeError, match="weight_column must be a feature name"):
        kinds.as_weight_column(HASHED)
    assert kinds.as_dtype("int64", "dtype") == tf.int64
    assert kinds.as_dtype(None, "dtype", default=tf.float32) == tf.float32
    with pytest.raises(pe.PyestimTypeError, match="dtype must be a TensorFlow type"):
        kinds.as_dtype("no such type", "dtype")
