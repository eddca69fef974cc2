"""TensorFlow's logger, at pyestim's default level from the first time pyestim uses it (not at
``import pyestim``).

The tutorials' log lines (``INFO:tensorflow:loss = ..., step = ...``,
``INFO:tensorflow:predicted_classes = [...]``) are written at INFO level, which TensorFlow 2
hides by default. The first call that builds, runs or reads something through the engine (or
logs on pyestim's behalf) shows INFO, unless the user already chose a level for the
``tensorflow`` logger or set ``PYESTIM_TF_VERBOSITY`` (DEBUG, INFO, WARNING, ERROR). That first
call also logs one line naming the TensorFlow stack that runs (``pyestim: current stack:
TensorFlow 2.21.0, tf-keras 2.21.0, ...``).

TensorFlow's deprecation warnings about calls pyestim, tf.estimator or TensorFlow make
themselves ("From .../tensorflow_estimator/...: Estimator.__init__ ... is deprecated ... Use
tf.keras instead.") are dropped from pyestim's first use of TensorFlow on, a ``column_*()``
included (:class:`OwnDeprecations`, a filter on the logger, put there by
:func:`hide_own_deprecations`, which does not change the logger's level): the user never made
those calls and cannot act on them. Warnings about the
user's own calls (a ``From`` location in their code) are kept. ``PYESTIM_SHOW_DEPRECATIONS=1``
keeps them all.
"""

import logging
import os
import re

import tensorflow as tf

from .._lang import shown
from . import tf216

__all__ = ["tf_logger", "OwnDeprecations", "hide_own_deprecations"]

_chosen = False

_FROM = re.compile(r"^From (.+?):\d+: .* is deprecated and will be removed", re.S)
_LIBRARY_PARTS = ("/tensorflow/", "/tensorflow_estimator/", "/keras/", "/tf_keras/")
_PYESTIM_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))).replace(os.sep, "/")


class OwnDeprecations(logging.Filter):
    """Drops TensorFlow's deprecation warnings whose call location is pyestim's, TensorFlow's
    or tf.estimator's own code (see the module notes)."""

    def filter(self, record):
        try:
            m = _FROM.match(record.getMessage())
        except Exception:  # noqa: BLE001 - a record that cannot be formatted is not ours
            return True
        if m is None:
            return True
        where = m.group(1).replace(os.sep, "/")
        own = where.startswith(_PYESTIM_DIR + "/") or any(p in where for p in _LIBRARY_PARTS)
        return not own


def _show_deprecations():
    return os.environ.get("PYESTIM_SHOW_DEPRECATIONS", "").strip().lower() in ("1", "true",
                                                                                "yes")


def hide_own_deprecations(logger=None):
    """Put :class:`OwnDeprecations` on TensorFlow's logger (once), unless
    ``PYESTIM_SHOW_DEPRECATIONS=1``."""
    logger = logger or tf.get_logger()
    if not _show_deprecations() and \
            not any(isinstance(f, OwnDeprecations) for f in logger.filters):
        logger.addFilter(OwnDeprecations())


def tf_logger():
    """TensorFlow's logger; the first call sets pyestim's default level (see above)."""
    global _chosen
    logger = tf.get_logger()
    if _chosen:
        return logger
    wanted = os.environ.get("PYESTIM_TF_VERBOSITY")
    if wanted:
        level = logging.getLevelName(wanted.upper())
        if not isinstance(level, int):
            raise ValueError(
                f"PYESTIM_TF_VERBOSITY={shown(wanted)} is not a logging level: use DEBUG, INFO, "
                "WARNING or ERROR.")
        logger.setLevel(level)
    elif logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    hide_own_deprecations(logger)
    _chosen = True
    logger.info("pyestim: %s", tf216.stack_summary())  # once: which stack runs
    return logger
