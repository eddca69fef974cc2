"""The root of pyestim's exception types, and the one error the engine raises while it loads.

They live apart from :mod:`pyestim.errors` (which re-exports both) because that module imports
the engine (``NanLossError`` subclasses TensorFlow's own error), while the engine's stack
check (:mod:`pyestim.engine.tf_compat`) must be able to raise a pyestim error before anything
else of the engine is loaded.
"""

__all__ = ["PyestimError", "UnsupportedTensorFlowError"]


class PyestimError(Exception):
    """Base class of every exception pyestim raises on its own account."""


class UnsupportedTensorFlowError(PyestimError, RuntimeError):
    """The installed TensorFlow is not one pyestim supports (the message names the supported
    versions), or the running stack lacks what was asked for (e.g. TPU or distribute-coordinator
    support, which TensorFlow removed in 2.16). See :mod:`pyestim.engine.tf_compat`."""
