"""pyestim's exception types.

Every error pyestim raises on bad input is one of these. Each subclasses the built-in
exception a Python user would expect (``ValueError`` or ``TypeError``), so ``except
ValueError`` keeps working, and each message says what was given, what was expected and
what to do about it.
"""


class PyestimError(Exception):
    """Base class of every exception pyestim raises on its own account."""


class PyestimValueError(PyestimError, ValueError):
    """An argument has the right type but a value pyestim cannot use."""


class PyestimTypeError(PyestimError, TypeError):
    """An argument is of a type pyestim cannot use."""


class InputFnError(PyestimTypeError):
    """An ``input_fn`` is not callable or takes more arguments than pyestim can supply."""


class ModelFnError(PyestimTypeError):
    """A ``model_fn`` has an unusable signature or did not return ``estimator_spec()``."""


class EstimatorSpecError(PyestimValueError):
    """``estimator_spec()`` got a mode or a combination of arguments it cannot accept."""


class HookError(PyestimTypeError):
    """Something passed as a hook is not a ``SessionRunHook``."""


class StepsError(PyestimValueError):
    """``steps`` or ``max_steps`` is negative, not a whole number, or both are given."""


class DatasetError(PyestimValueError):
    """A data set could not be found or read (the message says where pyestim looked)."""


class ChecksumError(DatasetError):
    """A data file's checksum does not match the published one (the message names the file)."""


__all__ = [
    "PyestimError",
    "PyestimValueError",
    "PyestimTypeError",
    "InputFnError",
    "ModelFnError",
    "EstimatorSpecError",
    "HookError",
    "StepsError",
    "DatasetError",
    "ChecksumError",
]
