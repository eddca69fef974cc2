"""The data checked against the feature columns: ``check_data_columns()`` (a canned
estimator's input, before TensorFlow sees it: every column's feature present, of the kind the
column parses) and ``input_layer()`` (a model function's dense input from its features, the
columns' features present and the columns dense)."""

import numpy as np
import tensorflow as tf

from .._args import as_bool
from .._lang import shown
from ..errors import InputDataError, PyestimTypeError, PyestimValueError
from .kinds import is_dense
from .selection import as_column_list

__all__ = ["input_layer", "check_data_columns"]


def input_layer(features, feature_columns, weight_collections=None, trainable=True):
    """Construct an input layer: a dense tensor ``[batch_size, first_layer_dimension]`` of
    float32 built from ``features`` by dense feature columns.

    Call it inside a model function (it builds graph ops). Columns are laid out in the order
    of their names, as TensorFlow does.

    Parameters
    ----------
    features : dict
        A mapping from feature name to tensor; columns look up their key in it.
    feature_columns : list
        Dense columns: numeric, bucketized, indicator, embedding. Wrap categorical columns in
        :func:`column_indicator` or :func:`column_embedding`.
    weight_collections : list of str, optional
        Collections to which created variables are added.
    trainable : bool
        Whether created variables are trainable.

    Returns
    -------
    Tensor
    """
    if not isinstance(features, dict):
        raise PyestimTypeError(
            f"features must be a named list (dict) of tensors, got {type(features).__name__}. "
            "Canned estimators and input_fn() give features as a dict.")
    columns = as_column_list(feature_columns)
    missing = sorted({k for c in columns for k in _fc_keys(c)} - set(features))
    if missing:
        raise PyestimValueError(
            f"The feature columns use feature(s) {shown(missing)} that are not in features "
            f"(which has {shown(sorted(features))}).")
    for c in columns:
        if not is_dense(c):
            raise PyestimTypeError(
                f"input_layer() takes dense columns; {shown(c.name)} is categorical. Wrap it in "
                "column_indicator() or column_embedding().")
    return tf.compat.v1.feature_column.input_layer(
        features, columns, weight_collections=weight_collections,
        trainable=as_bool(trainable, "trainable"))


def _fc_keys(column):
    """Raw feature names a column reads."""
    spec = tf.feature_column.make_parse_example_spec([column])
    return list(spec)


def _kind_of(arr):
    kind = np.asarray(arr).dtype.kind
    return "text" if kind in "OUS" else "integer" if kind in "biu" else \
        "numeric" if kind in "fc" else str(np.asarray(arr).dtype)


def check_data_columns(columns, data):
    """Check the data against the feature columns of a canned estimator before TensorFlow
    sees it: every raw feature a column reads must be a data column (``data``: names ->
    arrays), numbers where the column parses numbers (``column_numeric``, the ids of
    ``column_categorical_with_identity``), text where it parses strings. Raises
    InputDataError naming the column, what it holds and what it should hold."""
    try:
        spec = tf.feature_column.make_parse_example_spec(list(columns))
    except (TypeError, ValueError):
        return  # feature columns pyestim does not know: TensorFlow will say
    missing = sorted(key for key in spec if key not in data)
    if missing:
        raise InputDataError(
            f"The feature column(s) read data column(s) {shown(missing)}, which the input does "
            f"not have; its columns are {shown(sorted(data))}. Add them to the input's features (input_fn(data, "
            "features = ...)) or rename the feature columns to match.")
    for key, feature in spec.items():
        want = feature.dtype
        have = _kind_of(data[key])
        if want == tf.string and have != "text":
            expected = "text (strings)"
        elif want.is_integer and have not in ("integer",):
            expected = "whole numbers (integer ids)"
        elif want.is_floating and have not in ("integer", "numeric"):
            expected = "numbers"
        else:
            continue
        raise InputDataError(
            f"Data column {shown(key)} holds {have} values, but its feature column expects "
            f"{expected}. Convert the column (e.g. as.numeric() / as.character() in R, "
            "astype() in pandas), or use a feature column of its kind (column_numeric for "
            "numbers, column_categorical_with_vocabulary_list / _hash_bucket for text, "
            "column_categorical_with_identity for integer ids).")
