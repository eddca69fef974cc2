"""The parse-example specs (pyestim/columns/parse_spec.py): the feature columns' specs plus the
label's and the weight's, checked against TensorFlow's FixedLenFeature / VarLenFeature."""

import pytest
import tensorflow as tf

import pyestim as pe


def test_parse_example_specs():
    cols = [pe.column_numeric("a"), pe.column_categorical_with_hash_bucket("s",
                                                                          hash_bucket_size=5)]
    spec = pe.classifier_parse_example_spec(cols, label_key="y", label_dtype="string")
    assert spec["a"] == tf.io.FixedLenFeature((1,), tf.float32)
    assert spec["s"] == tf.io.VarLenFeature(tf.string)
    assert spec["y"] == tf.io.FixedLenFeature((1,), tf.string)
    spec = pe.regressor_parse_example_spec(cols, label_key="y", label_dimension=2.0,
                                           weight_column="w")
    assert spec["y"] == tf.io.FixedLenFeature((2,), tf.float32)
    assert spec["w"] == tf.io.FixedLenFeature((1,), tf.float32)
    with pytest.raises(pe.PyestimValueError, match="label_key"):
        pe.classifier_parse_example_spec(cols, label_key=None)
    with pytest.raises(pe.PyestimTypeError, match="feature columns"):
        pe.regressor_parse_example_spec([1], label_key="y")
