"""The smoothed loss curve of the loss plot (``History.plot()`` in Python, ``plot(history)`` in
R), computed as TensorBoard smooths its scalar charts.

TensorBoard's smoothing is an exponential moving average with a debiased start: with weight
``w`` (0: none, towards 1: more), ``last = w * last + (1 - w) * y`` from ``last = 0``, and the
n-th finite value shown is ``last / (1 - w ** n)``, so the curve starts at the first value
instead of at 0. A value that is not finite (NaN, inf) is shown as it is and does not enter
the average.

A long run records many points (``pyestim mnist --steps 20000``: 2,000), and its raw losses
are a band of noise; the plot then draws them faint with the smoothed curve over them. A short
run keeps its raw points (:func:`smoothing_weight` is 0 up to :data:`RAW_POINTS` points).
"""

import math
import numbers

import numpy as np

from ._lang import shown
from .errors import PyestimValueError

__all__ = ["RAW_POINTS", "POINTS_PER_WINDOW", "smoothing_weight", "smoothed"]

#: Up to this many recorded steps, the loss plot shows the raw points only (with markers).
RAW_POINTS = 50
#: With more, the smoothing averages over about len(values) / POINTS_PER_WINDOW points.
POINTS_PER_WINDOW = 40


def smoothing_weight(n, smoothing=None):
    """The weight for ``n`` values: ``smoothing`` if given (a number in [0, 1)), else 0 up to
    :data:`RAW_POINTS` values and ``1 - POINTS_PER_WINDOW / n`` beyond (an average over about
    ``n / POINTS_PER_WINDOW`` values: 0.98 for 2,000)."""
    if smoothing is not None:
        if isinstance(smoothing, bool) or not isinstance(smoothing, numbers.Real) or \
                not 0 <= float(smoothing) < 1:
            raise PyestimValueError(
                f"smoothing must be a number from 0 (none) to below 1 (TensorBoard's slider), "
                f"got {shown(smoothing)}.")
        return float(smoothing)
    if n <= RAW_POINTS:
        return 0.0
    return 1.0 - POINTS_PER_WINDOW / float(n)


def smoothed(values, smoothing=None):
    """TensorBoard's debiased exponential moving average of ``values`` with the weight
    :func:`smoothing_weight` gives (see the module notes),
    as a list of floats."""
    weight = smoothing_weight(len(values), smoothing)
    out, last, count = [], 0.0, 0
    for y in np.asarray(values, dtype=float).reshape(-1).tolist():
        if not math.isfinite(y):
            out.append(y)
            continue
        last = last * weight + (1.0 - weight) * y
        count += 1
        out.append(last / (1.0 - weight ** count) if weight > 0 else last)
    return out
