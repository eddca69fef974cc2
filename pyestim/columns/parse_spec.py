"""The parse-example specs: ``classifier_parse_example_spec()`` and
``regressor_parse_example_spec()``, the ``tf.train.Example`` parsing spec of the feature
columns plus the label's (and the weight's)."""

import tensorflow as tf

from .. import engine
from .._args import as_count
from .._lang import shown
from ..errors import PyestimValueError
from .kinds import as_dtype, as_weight_column
from .selection import as_column_list

__all__ = ["classifier_parse_example_spec", "regressor_parse_example_spec"]


def _label_key(label_key):
    if not isinstance(label_key, str) or not label_key:
        raise PyestimValueError(
            f"label_key must name the label feature (a string), got {shown(label_key)}.")
    return label_key


def classifier_parse_example_spec(feature_columns, label_key, label_dtype=tf.int64,
                                  label_default=None, weight_column=None):
    """Generate the parsing spec for ``tf.train.Example`` protos read by classifiers: the
    features' specs plus the label's (and the weight's).

    Parameters
    ----------
    feature_columns : list
        All the feature columns.
    label_key : str
        The key under which examples store the label.
    label_dtype : tf.DType or str
        The type of labels: ``tf.int64`` by default; ``tf.string`` with a label vocabulary;
        ``tf.float32`` only for binary classification.
    label_default : optional
        The label of examples without one (e.g. 0 when only positive examples carry it);
        None makes parsing fail on a missing label.
    weight_column : str or numeric column, optional
        The feature holding example weights.

    Returns
    -------
    dict
        Feature key -> ``FixedLenFeature`` or ``VarLenFeature``.
    """
    return engine.classifier_parse_example_spec(
        as_column_list(feature_columns), _label_key(label_key),
        label_dtype=as_dtype(label_dtype, "label_dtype"), label_default=label_default,
        weight_column=as_weight_column(weight_column))


def regressor_parse_example_spec(feature_columns, label_key, label_dtype=tf.float32,
                                 label_default=None, label_dimension=1, weight_column=None):
    """Generate the parsing spec for ``tf.train.Example`` protos read by regressors: the
    features' specs plus the label's (and the weight's).

    Parameters
    ----------
    feature_columns : list
        All the feature columns.
    label_key : str
        The key under which examples store the label.
    label_dtype : tf.DType or str
        The type of labels, ``tf.float32`` by default.
    label_default : optional
        The label of examples without one; None makes parsing fail on a missing label.
    label_dimension : int
        Number of regression targets per example.
    weight_column : str or numeric column, optional
        The feature holding example weights.

    Returns
    -------
    dict
        Feature key -> ``FixedLenFeature`` or ``VarLenFeature``.
    """
    return engine.regressor_parse_example_spec(
        as_column_list(feature_columns), _label_key(label_key),
        label_dtype=as_dtype(label_dtype, "label_dtype"), label_default=label_default,
        label_dimension=as_count(label_dimension, "label_dimension", allow_none=False,
                                 minimum=1),
        weight_column=as_weight_column(weight_column))
