"""Small argument normalisers shared by the public modules (private)."""

import numbers

import numpy as np

from .errors import PyestimTypeError, PyestimValueError, StepsError


def as_count(value, name, *, allow_none=True, minimum=0, error=PyestimValueError):
    """Turn an R- or Python-style count into an ``int``.

    R users write ``steps = 20``, which arrives as the float ``20.0``; that is accepted.
    ``20.5``, ``-1``, ``True``, strings and arrays of more than one value are not.
    """
    if value is None:
        if allow_none:
            return None
        raise error(f"{name} must be a whole number, got None. Pass a number such as {name}=100.")
    if isinstance(value, np.ndarray):
        if value.size != 1:
            raise error(
                f"{name} must be a single whole number, got an array of shape {value.shape}.")
        value = value.reshape(()).item()
    elif isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise error(f"{name} must be a single whole number, got {value!r}.")
        value = value[0]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise error(
            f"{name} must be a whole number, got {type(value).__name__} {value!r}. "
            f"Pass a number such as {name}=100.")
    if isinstance(value, numbers.Integral):
        out = int(value)
    else:
        fvalue = float(value)
        if not np.isfinite(fvalue) or fvalue != int(fvalue):
            raise error(
                f"{name} must be a whole number, got {value!r}. "
                f"Round it, e.g. {name}={int(round(fvalue)) if np.isfinite(fvalue) else 100}.")
        out = int(fvalue)
    if out < minimum:
        raise error(f"{name} must be >= {minimum}, got {out}.")
    return out


def as_steps(steps, max_steps):
    """Validate the ``steps`` / ``max_steps`` pair of ``train()``."""
    if steps is not None and max_steps is not None:
        raise StepsError(
            f"Give either steps or max_steps, not both (got steps={steps!r}, "
            f"max_steps={max_steps!r}): steps counts from the current global step, "
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


def check_bool(value, name):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.ndarray) and value.shape in ((), (1,)) and value.dtype == bool:
        return bool(value.reshape(()))
    raise PyestimTypeError(f"{name} must be TRUE/FALSE (True/False), got {value!r}.")
