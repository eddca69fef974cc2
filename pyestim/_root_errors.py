"""The root of pyestim's exception types, the one error the engine raises while it loads, and
the value error :mod:`pyestim._lang` raises.

They live apart from :mod:`pyestim.errors` (which re-exports them) because that module loads
the engine (``NanLossError`` subclasses TensorFlow's own error), while the engine's stack
check (:mod:`pyestim.engine.tf216`) must be able to raise a pyestim error before anything
else of the engine is loaded, and the engine's log (:mod:`pyestim.engine.log`) uses
:mod:`pyestim._lang`: with ``PyestimValueError`` in :mod:`pyestim.errors`, engine ->
engine.log -> _lang -> errors -> _nan_loss -> engine would be an import cycle
(tests/test_structure.py).
"""

__all__ = ["PyestimError", "PyestimValueError", "UnsupportedTensorFlowError"]


class PyestimError(Exception):
    """Base class of every exception pyestim raises on its own account."""


class UnsupportedTensorFlowError(PyestimError, RuntimeError):
    """The installed TensorFlow is not one pyestim supports (the message names the supported
    versions), or the running stack lacks what was asked for (e.g. TPU or distribute-coordinator
    support, which TensorFlow removed in 2.16). See :mod:`pyestim.engine.tf216`."""


class PyestimValueError(PyestimError, ValueError):
    """An argument has the right type but a value pyestim cannot use."""


PyestimValueError.__module__ = "pyestim.errors"  # where users find it, as before
