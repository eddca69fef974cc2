"""TensorFlow's logger, at pyestim's default level from the first time pyestim uses it (not at
``import pyestim``).

The tutorials' log lines (``INFO:tensorflow:loss = ..., step = ...``,
``INFO:tensorflow:predicted_classes = [...]``) are written at INFO level, which TensorFlow 2
hides by default. The first call that builds, runs or reads something through the engine (or
logs on pyestim's behalf) shows INFO, unless the user already chose a level for the
``tensorflow`` logger or set ``PYESTIM_TF_VERBOSITY`` (DEBUG, INFO, WARNING, ERROR). That first
call also logs one line naming the TensorFlow stack that runs (``pyestim: current stack:
TensorFlow 2.21.0, tf-keras 2.21.0, ...``).
"""

import logging
import os

import tensorflow as tf

from . import tf_compat

__all__ = ["tf_logger"]

_chosen = False


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
                f"PYESTIM_TF_VERBOSITY={wanted!r} is not a logging level: use DEBUG, INFO, "
                "WARNING or ERROR.")
        logger.setLevel(level)
    elif logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    _chosen = True
    logger.info("pyestim: %s", tf_compat.stack_summary())  # once: which stack runs
    return logger
