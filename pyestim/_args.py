"""The argument normalisers the whole package shares, in one naming style:
``as_<what>(value, name, ...)`` returns the value in the form pyestim uses, or raises a pyestim
error that says what was given, what was expected and what to do.

The normalisers of one family's own arguments live with that family, in the same style:
:mod:`pyestim.canned.base` (``as_hidden_units``, ``as_dropout``, ``as_n_classes``,
``as_label_vocabulary``), :mod:`pyestim.columns` (``kinds.as_dtype``, ``kinds.as_weight_column``,
``selection.as_column_list``) and :mod:`pyestim.inputs` (the data an input function feeds).

R values arrive through reticulate: a count as a float (``steps = 20`` is ``20.0``), a vector
of one as a scalar or a one-element list / array, ``NULL`` as None. Each normaliser takes
both R's and Python's spellings.
"""

import numbers
import os

import numpy as np

from . import engine
from ._lang import code, idiom, shown
from .errors import PyestimTypeError, PyestimValueError, StepsError

__all__ = ["as_scalar", "as_count", "as_steps", "as_float", "as_positive", "as_bool", "as_list",
           "as_shape", "as_path", "as_run_config", "at_most_one", "exactly_one"]


def as_scalar(value):
    """A one-element NumPy array or list / tuple as its element; anything else as it is."""
    if isinstance(value, np.ndarray) and value.size == 1:
        return value.reshape(()).item()
    if isinstance(value, (list, tuple)) and len(value) == 1:
        return value[0]
    return value


def as_count(value, name, *, allow_none=True, minimum=0, error=PyestimValueError):
    """Turn an R- or Python-style count into an ``int``.

    R users write ``steps = 20``, which arrives as the float ``20.0``; that is accepted.
    ``20.5``, ``-1``, ``True``, strings and arrays of more than one value are not.
    """
    if value is None:
        if allow_none:
            return None
        raise error(f"{name} must be a whole number, got {shown(None)}. Pass a number such as "
                    f"{code(f'{name}=100')}.")
    if isinstance(value, np.ndarray):
        if value.size != 1:
            raise error(
                f"{name} must be a single whole number, got an array of shape {value.shape}.")
        value = value.reshape(()).item()
    elif isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise error(f"{name} must be a single whole number, got {shown(value)}.")
        value = value[0]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise error(
            f"{name} must be a whole number, got {type(value).__name__} {shown(value)}. "
            f"Pass a number such as {code(f'{name}=100')}.")
    if isinstance(value, numbers.Integral):
        out = int(value)
    else:
        fvalue = float(value)
        if not np.isfinite(fvalue) or fvalue != int(fvalue):
            raise error(
                f"{name} must be a whole number, got {shown(value)}. "
                f"Round it, e.g. "
                f"{code(f'{name}={int(round(fvalue)) if np.isfinite(fvalue) else 100}')}.")
        out = int(fvalue)
    if out < minimum:
        raise error(f"{name} must be >= {minimum}, got {out}.")
    return out


def as_steps(steps, max_steps):
    """Validate the ``steps`` / ``max_steps`` pair of ``train()``."""
    if steps is not None and max_steps is not None:
        raise StepsError(
            f"Give either steps or max_steps, not both (got {code('steps={}', steps)}, "
            f"{code('max_steps={}', max_steps)}): steps counts from the current global step, "
            "max_steps is the total to reach.")
    steps = as_count(steps, "steps", minimum=1, error=StepsError)
    max_steps = as_count(max_steps, "max_steps", minimum=1, error=StepsError)
    return steps, max_steps


def as_list(value):
    """``None`` -> ``[]``; a list or tuple -> list; anything else -> ``[value]``."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def as_bool(value, name):
    """TRUE / FALSE (a Python or NumPy bool, or a one-element boolean array) as a bool."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.ndarray) and value.shape in ((), (1,)) and value.dtype == bool:
        return bool(value.reshape(()))
    raise PyestimTypeError(f"{name} must be {code('True/False')}, got {shown(value)}.")


def as_float(value, name, *, allow_none=False, minimum=None):
    """A finite number (R's or Python's, or a vector of one) as a float, at least
    ``minimum`` if given."""
    if value is None and allow_none:
        return None
    value = as_scalar(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise PyestimTypeError(f"{name} must be a number, got {type(value).__name__} "
                               f"{shown(value)}.")
    value = float(value)
    if minimum is not None:
        if not np.isfinite(value) or value < minimum:
            raise PyestimValueError(f"{name} must be a finite number >= {minimum}, got {value}.")
    elif not np.isfinite(value):
        raise PyestimValueError(f"{name} must be finite, got {shown(value)}.")
    return value


def as_positive(value, name):
    """A positive finite number (int or float, as given), or None."""
    if value is None:
        return None
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)) \
            or not np.isfinite(float(value)) or value <= 0:
        raise PyestimValueError(f"{name} must be a positive number, got {shown(value, 40)}.")
    return value


def as_shape(value, name="shape"):
    """A shape of known dimensions (each at least 1) as a tuple of ints, from a whole number
    (one dimension of that width), a vector, list or tuple of them (R: ``c(28, 28)``,
    ``list(28, 28)``), or a ``TensorShape`` (pyestim's ``shape(28, 28)``, the tensorflow R
    package's ``shape(784L)``) whose dimensions are all known."""
    if hasattr(value, "as_list") and hasattr(value, "rank"):  # a TensorShape (no TF import)
        dims = None if value.rank is None else value.as_list()
    elif isinstance(value, (list, tuple, np.ndarray)):
        dims = list(np.ravel(np.asarray(value, dtype=object)))
    else:
        dims = [value]
    if dims:
        try:
            return tuple(as_count(d, name, allow_none=False, minimum=1) for d in dims)
        except PyestimValueError:
            pass
    raise PyestimValueError(
        f"{name} must be a whole number, a vector of whole numbers ("
        + idiom("[28, 28]", "c(28, 28)") + f") or a {code('shape(28, 28)')} (a TensorShape), "
        f"with at least one dimension, each known and at least 1; got {_described(value)}. "
        f"E.g. {code('shape=784')} for a vector of 784 values.")


def _described(value):
    """A value as a message repeats it: numbers, strings, lists and arrays as the caller
    writes them; other objects with their type."""
    if value is None or isinstance(value, (numbers.Number, str, list, tuple, np.ndarray)):
        return shown(value, 60)
    return f"{type(value).__name__} {shown(value, 60)}"


def as_path(value, name, *, allow_none=True, directory=False):
    """A path (a string, or anything ``os.fspath`` takes) as ``os.fspath`` gives it, or None.
    With ``directory``: a non-empty string (bytes are decoded)."""
    if value is None and allow_none:
        return None
    try:
        path = os.fspath(value)
    except TypeError:
        path = None
    if directory and isinstance(path, bytes):
        path = os.fsdecode(path)
    if path is None or (directory and (not isinstance(path, str) or not path)):
        what = "a directory path" if directory else "a path"
        raise PyestimTypeError(
            f"{name} must be {what} (a string), got {type(value).__name__} {shown(value, 40)}.")
    return path


def as_run_config(config, name="config"):
    """A RunConfig (from ``run_config()``) or None."""
    if config is not None and not isinstance(config, engine.RunConfig):
        raise PyestimTypeError(
            f"{name} must come from run_config(), got {type(config).__name__}.")
    return config


def at_most_one(a_name, a, b_name, b):
    """Raise unless at most one of two arguments is given (not None)."""
    if a is not None and b is not None:
        raise PyestimValueError(f"Give at most one of {a_name} and {b_name} (got both).")


def exactly_one(what, a_name, a, b_name, b):
    """Raise unless exactly one of two arguments of ``what`` is given."""
    at_most_one(a_name, a, b_name, b)
    if a is None and b is None:
        raise PyestimValueError(f"{what} needs {a_name} or {b_name} (one of them).")
