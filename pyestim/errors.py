"""pyestim's exception types.

Every error pyestim raises on bad input is one of these. Each subclasses the built-in
exception a Python user would expect (``ValueError`` or ``TypeError``), so ``except
ValueError`` keeps working, and each message says what was given, what was expected and
what to do about it.
"""

from . import _lazy
from ._root_errors import PyestimError, PyestimValueError, UnsupportedTensorFlowError

# NanLossError subclasses TensorFlow's own error (code catching that keeps working), so it is
# defined apart and loaded on first use: importing this module does not import TensorFlow
# (the CLI raises these errors before it imports TensorFlow).
_LAZY = {"NanLossError": "pyestim._nan_loss"}
__getattr__, __dir__ = _lazy.attach(__name__, _LAZY)


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


class InputDataError(PyestimValueError):
    """The data does not fit the model: feature shapes or dtypes the model cannot take, labels
    outside ``0 .. n_classes - 1``, no rows, or columns of different lengths. Raised before
    training changes anything in ``model_dir``."""


class InputDataTypeError(InputDataError, TypeError):
    """An :class:`InputDataError` that TensorFlow reported as a ``TypeError`` (a dtype the
    model cannot take); also a ``TypeError``, so ``except TypeError`` keeps working."""


class NonFiniteInputError(InputDataError):
    """A feature holds NaN, NA or infinite values (the message names the feature, the first
    row and the count). Pass ``allow_nonfinite=True`` to the input function if the model
    handles missing values itself."""


class EndlessInputError(StepsError):
    """The input repeats forever (``num_epochs`` None / NULL) and nothing else stops the call:
    ``evaluate()`` without ``steps``, or ``predict()`` collecting every prediction; also
    ``predict()`` over an input function it cannot see into that yields more than the
    documented number of rows."""


class RThreadError(PyestimValueError):
    """An R function (an R model function, an optimizer or another function the R package
    hands to TensorFlow) would be called from a thread other than R's main thread, where R
    cannot run while that thread waits: under a distribution strategy that calls the model
    function from replica threads of its own (``MirroredStrategy`` and others). Raised before
    anything is built, or at once in that thread, instead of hanging."""


class GlobalStepError(PyestimValueError):
    """The ``train_op`` does not increment ``global_step``, so ``steps`` / ``max_steps`` would
    never be reached."""


class FeatureKeyError(InputDataError, KeyError):
    """The model function (or a feature column) reads a feature the input does not have. Also
    a ``KeyError``, so ``except KeyError`` keeps working."""

    def __str__(self):  # KeyError would print the message's repr
        return str(self.args[0]) if self.args else ""


class ModelDirError(PyestimValueError):
    """``model_dir`` cannot be used: it is not a directory or cannot be written (the message
    names the path and the reason)."""


class ModelDirLockedError(ModelDirError):
    """Another ``train()`` holds ``model_dir``. ``pid``, ``host`` and ``since`` describe the
    holder (each None when unknown)."""

    def __init__(self, message, model_dir=None, pid=None, host=None, since=None):
        super().__init__(message)
        self.model_dir, self.pid, self.host, self.since = model_dir, pid, host, since


class CheckpointError(PyestimValueError):
    """A checkpoint cannot be used: missing, incomplete, damaged, or built for another model.
    ``path`` is the checkpoint (prefix) concerned."""

    def __init__(self, message, path=None):
        super().__init__(message)
        self.path = path


class NotTrainedError(PyestimValueError):
    """The call needs a trained model (a checkpoint in ``model_dir``), and there is none yet:
    ``variable_names()`` / ``variable_value()`` before ``train()``."""


class TensorBoardError(PyestimError, RuntimeError):
    """``tensorboard()`` could not start TensorBoard: it is not installed, it exited, or it did
    not answer in time (the message quotes its last lines of output)."""


__all__ = [
    "PyestimError",
    "PyestimValueError",
    "PyestimTypeError",
    "RThreadError",
    "InputFnError",
    "ModelFnError",
    "EstimatorSpecError",
    "HookError",
    "StepsError",
    "DatasetError",
    "ChecksumError",
    "InputDataError",
    "InputDataTypeError",
    "NonFiniteInputError",
    "EndlessInputError",
    "GlobalStepError",
    "FeatureKeyError",
    "ModelDirError",
    "ModelDirLockedError",
    "CheckpointError",
    "NotTrainedError",
    "TensorBoardError",
    "NanLossError",
    "UnsupportedTensorFlowError",
]
