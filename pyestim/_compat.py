"""Adjustments that let TensorFlow 2.15 be driven from R and keep the tutorials' logging.

1. TensorFlow's deprecation notice names the caller's file and line by walking two frames
   up from its own. A call that comes straight from R through reticulate has no Python frame
   there, and the notice fails with ``AttributeError: 'NoneType' object has no attribute
   'f_code'`` instead of calling the deprecated function. ``patch_deprecation_call_location``
   makes the notice fall back to "<unknown>" when there is no such frame; nothing else changes.
2. The tutorials' log lines (``INFO:tensorflow:loss = ..., step = ...``,
   ``INFO:tensorflow:predicted_classes = [...]``) are written at INFO level, which TensorFlow 2
   hides by default. ``default_logging_to_info`` shows them unless the user already chose a
   level for the ``tensorflow`` logger or set ``PYESTIM_TF_VERBOSITY``.
3. Keras warns at every ``tf.layers.*`` call that the function is deprecated; the
   tutorials are written in tf.layers on purpose (``pyestim.tf`` exists to run them), so
   ``quiet_tf_layers_warnings`` hides that one warning and no other.
"""

import logging
import os
import sys
import warnings

import tensorflow as tf

from . import engine

__all__ = ["patch_deprecation_call_location", "default_logging_to_info",
           "quiet_tf_layers_warnings"]

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


def default_logging_to_info():
    logger = tf.get_logger()
    wanted = os.environ.get("PYESTIM_TF_VERBOSITY")
    if wanted:
        level = logging.getLevelName(wanted.upper())
        if not isinstance(level, int):
            raise ValueError(
                f"PYESTIM_TF_VERBOSITY={wanted!r} is not a logging level: use DEBUG, INFO, "
                "WARNING or ERROR.")
        logger.setLevel(level)
    elif logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)


def quiet_tf_layers_warnings():
    warnings.filterwarnings(
        "ignore", category=UserWarning,
        message=r"`tf\.layers\.[A-Za-z0-9_]+` is deprecated and will be removed")
