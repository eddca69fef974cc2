"""What a feature column is: TensorFlow's feature-column classes told apart (v2
``FeatureColumn`` and v1 ``_FeatureColumn`` alike), the plain numeric column a bare name stands
for, and the arguments that must be a type or a column of a kind (``as_dtype()``,
``as_weight_column()``)."""

import tensorflow as tf

from .. import engine
from .._lang import code, shown
from ..errors import PyestimTypeError

__all__ = ["is_feature_column", "is_categorical", "is_numeric", "is_dense", "is_hashed",
           "numeric_column", "as_dtype", "as_weight_column"]

# TensorFlow's feature-column classes (private modules, reached through the engine).
_fc_v1, _fc_v2, _fc_types = engine.fc_v1, engine.fc_v2, engine.fc_types


def is_feature_column(obj):
    """True for a TensorFlow feature column (v2 ``FeatureColumn`` or v1 ``_FeatureColumn``)."""
    return isinstance(obj, (_fc_types.FeatureColumn, _fc_v1._FeatureColumn))  # noqa: SLF001


def is_categorical(obj):
    """True for a categorical column (``column_categorical_*()``, ``column_crossed()``)."""
    return isinstance(obj, (_fc_v2.CategoricalColumn, _fc_v1._CategoricalColumn))  # noqa: SLF001


def is_numeric(obj):
    """True for a numeric column (``column_numeric()``)."""
    return isinstance(obj, (_fc_v2.NumericColumn, _fc_v1._NumericColumn))  # noqa: SLF001


def is_dense(obj):
    """True for a dense column (numeric, bucketized, indicator, embedding)."""
    return isinstance(obj, (_fc_v2.DenseColumn, _fc_v1._DenseColumn))  # noqa: SLF001


def is_hashed(obj):
    """True for a hashed categorical column (``column_categorical_with_hash_bucket()``)."""
    return isinstance(obj, (_fc_v2.HashedCategoricalColumn,
                            _fc_v1._HashedCategoricalColumn))  # noqa: SLF001


def numeric_column(key, shape=(1,), default_value=None, dtype=tf.float32, normalizer_fn=None):
    """TensorFlow's numeric column of ``key`` (what a bare name in ``feature_columns()`` and
    each name of ``column_numeric()`` become)."""
    return tf.feature_column.numeric_column(key, shape=shape, default_value=default_value,
                                            dtype=dtype, normalizer_fn=normalizer_fn)


def as_dtype(value, name, default=None):
    """A TensorFlow dtype from a ``tf.DType``, a NumPy dtype or a name such as ``"float32"``."""
    if value is None:
        return default
    try:
        return tf.as_dtype(value)
    except TypeError:
        raise PyestimTypeError(
            f"{name} must be a TensorFlow type such as {code('tf.float32')} or a name such as "
            f"\"float32\", \"int64\", \"string\"; got {shown(value)}.") from None


def as_weight_column(weight_column):
    """``weight_column`` of a canned estimator or a parse spec: a feature name, a numeric
    column (a list of one is taken as it), or None."""
    if weight_column is None or isinstance(weight_column, str):
        return weight_column
    if isinstance(weight_column, list) and len(weight_column) == 1:
        weight_column = weight_column[0]
    if is_numeric(weight_column):
        return weight_column
    raise PyestimTypeError(
        "weight_column must be a feature name or a numeric column from column_numeric(), got "
        f"{type(weight_column).__name__}.")
