"""Adjustments that let TensorFlow (on either stack pyestim supports) be driven from R and keep
the tutorials' logging.

1. TensorFlow's deprecation notice names the caller's file and line by walking two frames
   up from its own. A call that comes straight from R through reticulate has no Python frame
   there, and the notice fails with ``AttributeError: 'NoneType' object has no attribute
   'f_code'`` instead of calling the deprecated function. ``patch_deprecation_call_location``
   makes the notice fall back to "<unknown>" when there is no such frame; nothing else changes.
2. The tutorials' log lines (``INFO:tensorflow:loss = ..., step = ...``) are written at INFO
   level, which TensorFlow 2 hides by default: :func:`pyestim.engine.tf_logger` shows them
   from pyestim's first use of TensorFlow on (not at ``import pyestim``).
3. Keras warns at every ``tf.layers.*`` call that the function is deprecated; the
   tutorials are written in tf.layers on purpose (``pyestim.tf`` exists to run them), so
   ``quiet_tf_layers_warnings`` hides that one warning and no other.
4. TensorFlow's deprecation warnings about calls pyestim makes itself (``numeric_column``
   in ``column_numeric()``, ...) are dropped from pyestim's first use of TensorFlow on, before
   any of its functions runs (:func:`pyestim.engine.hide_own_deprecations`); ``prepare``
   does this and 1.
"""

import sys

from . import engine
from ._before_tf import quiet_tf_layers_warnings

__all__ = ["prepare", "patch_deprecation_call_location", "quiet_tf_layers_warnings"]

_PATCHED = False


def _robust_call_location(outer=False):
    frame = sys._getframe(1)  # the deprecated function's wrapper
    f = frame.f_back if frame is not None else None
    parent = f.f_back if f is not None else None
    if outer and parent is not None:
        f = parent
    if f is None:
        return "<unknown>:0"
    return "{}:{}".format(f.f_code.co_filename, f.f_lineno)


def patch_deprecation_call_location():
    global _PATCHED
    if _PATCHED:
        return
    deprecation = engine.deprecation
    if hasattr(deprecation, "_call_location"):
        deprecation._call_location = _robust_call_location
    _PATCHED = True



def prepare():
    """What pyestim's first use of TensorFlow does before anything else: 1 and 4 above."""
    patch_deprecation_call_location()
    engine.hide_own_deprecations()
