"""Data guards (see :mod:`pyestim.guards`): the data checked before anything is built or
written. Feature values must be finite (:func:`check_finite`, run when an input function is
made), a classifier's labels must be class indices (:func:`check_labels`), and a user's input
function must return something tf.estimator can read (:func:`checked_input_fn`)."""

import inspect

import numpy as np

from .._lang import class_codes, code, idiom, shown
from ..errors import InputDataError, InputFnError, NonFiniteInputError

__all__ = ["check_finite", "check_labels", "checked_input_fn"]


def check_finite(columns, allow=False):
    """Refuse features holding NaN, NA or infinite values: a NonFiniteInputError naming the
    feature, its first such row (first row = 1) and how many values are not finite. ``columns``
    maps feature names to arrays; ``allow`` (the input functions' ``allow_nonfinite``) skips
    the check. Costs one pass over the float features (a sum; the exact count only when the
    sum is not finite)."""
    if allow:
        return
    for name, arr in columns.items():
        if arr.dtype.kind not in "fc" or not arr.size:
            continue
        with np.errstate(all="ignore"):
            if np.isfinite(arr.sum()):
                continue
        bad = ~np.isfinite(arr)
        if not bad.any():  # the sum overflowed; every value is finite
            continue
        per_row = bad.reshape(bad.shape[0], -1).any(axis=1) if bad.ndim > 1 else bad
        row = int(np.argmax(per_row))
        raise NonFiniteInputError(
            f"Feature {shown(name)} holds {int(bad.sum())} non-finite value(s) "
            f"({idiom('NaN', 'NA / NaN')} or infinite), the first in row {row + 1} (first row = "
            "1): a model fed these learns NaN or predicts silently wrong values. Remove or "
            "impute those rows, or pass "
            f"{code('allow_nonfinite=True')} to the input function if the model handles missing "
            "values itself.")


def check_labels(y, n_classes):
    """Check labels ``y`` (an array: a :func:`~pyestim.numpy_input_fn`'s, see
    :class:`~pyestim.inputs.NumpyInput`; None when they are not known) against the number of
    classes of the model (when the model says, see ``Estimator.n_classes()``): they must be
    whole numbers in ``0 .. n_classes - 1``. Raises InputDataError naming the values and rows
    that are not, before anything is built or written. Unknown labels, one-hot (2-D) labels
    and an unknown ``n_classes`` are not checked."""
    if n_classes is None or y is None:
        return
    if y.ndim > 2 or (y.ndim == 2 and y.shape[1] != 1):
        return
    flat = y.reshape(-1)
    if flat.dtype == object:
        raise InputDataError(
            f"The labels are strings, but the model takes class indices 0..{n_classes - 1} "
            f"({code(f'n_classes={n_classes}')}). Recode them as integers (e.g. "
            f"{class_codes()}), or give a canned classifier the class names as "
            "label_vocabulary.")
    if flat.dtype.kind == "f":
        bad = ~np.isfinite(flat) | (flat != np.round(flat))
        if bad.any():
            rows = np.flatnonzero(bad)
            raise InputDataError(
                f"{rows.size} label(s) are not whole numbers, e.g. {shown(flat[rows[0]])} at row "
                f"{rows[0] + 1} (first row = 1); a classifier's labels are class indices "
                f"0..{n_classes - 1}. Recode them as integers.")
    bad = (flat < 0) | (flat >= n_classes)
    if bad.any():
        rows = np.flatnonzero(bad)
        values = np.unique(flat[bad])
        named = ", ".join(str(v) for v in values[:10].tolist()) + \
            (" ..." if values.size > 10 else "")
        where = ", ".join(str(r + 1) for r in rows[:10]) + (" ..." if rows.size > 10 else "")
        raise InputDataError(
            f"{rows.size} label(s) are outside 0..{n_classes - 1} (the model has "
            f"{code(f'n_classes={n_classes}')}): value(s) {named} at row(s) {where} (first row = "
            f"1). Labels must be class indices: recode them (e.g. {class_codes()}) or raise "
            "n_classes.")


def _check_returned(value):
    # TensorFlow takes tensors, dicts, pairs and datasets; None and arrays (NumPy, pandas)
    # end in a bare TypeError / IndexError deep inside tf.estimator.
    array = type(value).__module__.split(".")[0] in ("numpy", "pandas")
    if value is None or array:
        kind = code("None") if value is None else type(value).__name__
        hint = (" (a bare array: wrap it as features, e.g. "
                + idiom("{'x': array}", "list(x = array)") + ", or use numpy_input_fn())"
                if array else "")
        raise InputFnError(
            f"The input function returned {kind}{hint}; it must return a "
            f"{code('tf.data.Dataset')}, a (features, labels) pair or the features (a dict of "
            "tensors). Did it forget to "
            "return its result? numpy_input_fn() and input_fn() build one.")
    return value


def checked_input_fn(fn):
    """``fn`` (a user's zero-argument input function) wrapped so that what it returns is
    checked: None or a bare array becomes an InputFnError. Input functions taking
    tf.estimator's arguments are returned as they are (pyestim's own, always a Dataset, are
    not given to it: see ``estimators._checked_input``)."""
    try:
        if inspect.signature(fn).parameters:
            return fn
    except (TypeError, ValueError):
        return fn

    def input_fn():
        return _check_returned(fn())

    return input_fn
