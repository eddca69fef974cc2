"""pyestim.errors.NanLossError, apart from :mod:`pyestim.errors` because its base is
TensorFlow's ``NanLossDuringTrainingError`` (importing it imports TensorFlow). The base is
taken from TensorFlow's public API (``tf.compat.v1.train``: the class tf.estimator's hooks
raise), not through the engine, so that the engine's own modules can raise pyestim's errors
without an import cycle (engine -> errors ~> _nan_loss -> engine).
"""

import tensorflow as tf

from ._root_errors import PyestimError

_NanLossBase = tf.compat.v1.train.NanLossDuringTrainingError

__all__ = ["NanLossError"]


class NanLossError(PyestimError, _NanLossBase):
    """Training diverged: the loss is NaN, or a variable about to be saved is NaN or
    infinite. ``step`` is the global step at which it was seen. A subclass of TensorFlow's
    ``NanLossDuringTrainingError`` (a ``RuntimeError``), so code catching that still works."""

    def __init__(self, message, step=None):
        super().__init__(message)
        self.message, self.step = message, step

    def __str__(self):  # TensorFlow's class prints a fixed text; keep the message
        return self.message


NanLossError.__module__ = "pyestim.errors"
