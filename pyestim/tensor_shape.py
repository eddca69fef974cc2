"""``shape()``: a ``TensorShape`` from dimensions, as the tensorflow R package's ``shape()``
(which tfestimators users write in placeholders and feature columns)."""

import math
import numbers

import tensorflow as tf

from ._args import as_count

__all__ = ["shape"]


def shape(*dims):
    """A ``tf.TensorShape`` of the dimensions given: whole numbers, or None (R: ``NULL`` or
    ``NA``) for an unknown size. ``shape(None, 784)`` is a batch of any size of vectors of
    length 784; ``shape()`` is the shape of a scalar.

    Parameters
    ----------
    *dims : int or None
        The dimensions, in order.

    Returns
    -------
    tf.TensorShape
    """
    return tf.TensorShape([None if _unknown(d) else
                           as_count(d, f"shape() dimension {i + 1}", allow_none=False)
                           for i, d in enumerate(dims)])


def _unknown(dim):
    return dim is None or (isinstance(dim, numbers.Real) and not isinstance(dim, bool)
                           and math.isnan(dim))
