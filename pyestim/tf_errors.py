"""TensorFlow's errors turned into pyestim's: the one module that does it.

Three kinds, each raised with the original as its cause:

* a TensorFlow ``OpError`` while restoring a checkpoint (damaged, or not fitting the model),
  or about data that does not fit the model (labels out of range, shapes): :func:`translate_error`;
* an ``OpError`` while writing in ``model_dir`` (permissions, read-only, no space):
  :func:`translate_model_dir_error` (train() only);
* a ``ValueError`` / ``TypeError`` raised by TensorFlow's shape or dtype checks while the
  model function builds its graph: :func:`input_mismatch` (the model function's own errors
  pass unchanged).

:func:`translated` applies the first two around a call.
"""

import contextlib
import os
import re

import tensorflow as tf

from .checkpoints import finding
from ._lang import class_codes, code, idiom, r_name, shown
from .errors import (CheckpointError, FeatureKeyError, InputDataError, InputDataTypeError,
                     ModelDirError, PyestimValueError)

__all__ = ["translated", "translate_error", "translate_model_dir_error", "op_message",
           "raised_by_tensorflow", "input_mismatch", "missing_feature", "unknown_predict_keys"]


class _Call:
    """What :func:`translated` yields: set ``checkpoint`` once the call knows which
    checkpoint it restores."""

    def __init__(self, checkpoint):
        self.checkpoint = checkpoint


@contextlib.contextmanager
def translated(model_dir, checkpoint=None, writing=False):
    """Turn TensorFlow's errors about a damaged or ill-fitting checkpoint, about data that
    does not fit the model and (``writing``) about ``model_dir`` into pyestim's."""
    call = _Call(checkpoint)
    try:
        yield call
    except tf.errors.OpError as err:
        new = translate_error(err, model_dir, call.checkpoint)
        if new is None and writing:
            new = translate_model_dir_error(err, model_dir)
        if new is None:
            raise
        raise new from err



_RESTORE_OPS = {"RestoreV2", "Restore", "RestoreSlice", "MergeV2Checkpoints"}
_LABEL_PATTERNS = (
    re.compile(r"Received a label value of (-?\d+) which is outside the valid range of "
               r"\[0, (\d+)\)"),
    re.compile(r"Labels must be <= n_classes - 1"),
    re.compile(r"Labels must be >= 0"),
    re.compile(r"Labels must be <= n_classes"),
)
_INDEX_PATTERN = re.compile(r"indices\[[\d,\s]*\] = (-?\d+) is not in \[0, (\d+)\)")
_SHAPE_PATTERNS = re.compile(
    r"Matrix size-incompatible|Incompatible shapes|Input to reshape is a tensor with|"
    r"ConcatOp : Dimensions|Dimensions must be equal|logits and labels must (be broadcastable|"
    r"have the same)|Cannot feed value of shape|Shapes .* are incompatible|"
    r"input must be (\d+)-dimensional")


def op_message(err):
    """The lines of an OpError's message that say what went wrong (without the traceback
    TensorFlow puts in front and the node list behind)."""
    text = getattr(err, "message", None) or str(err)
    lines = text.splitlines()
    node = max((i for i, ln in enumerate(lines) if ln.startswith("Node: ")), default=-1)
    body = lines[node + 1:] if node >= 0 else lines
    body = [ln.strip() for ln in body if ln.strip() and not ln.strip().startswith("[[")]
    out = " ".join(body) or text.strip()
    return out if len(out) <= 600 else out[:600] + " ..."


def _restoring(err):
    node_def = getattr(err, "node_def", None)
    op = getattr(node_def, "op", "") if node_def is not None else ""
    text = getattr(err, "message", "") or ""
    return op in _RESTORE_OPS or "Restoring from checkpoint failed" in text


def translate_error(err, model_dir, checkpoint=None):
    """A pyestim error for a TensorFlow OpError raised by train / evaluate / predict, or None
    to let the original through. ``checkpoint`` is the checkpoint being restored, if known."""
    if not isinstance(err, tf.errors.OpError):
        return None
    msg = op_message(err)
    if _restoring(err):
        ckpt = checkpoint
        if ckpt is None:
            try:
                ckpt = tf.train.latest_checkpoint(os.fspath(model_dir))
            except Exception:  # noqa: BLE001
                ckpt = None
        ckpt = ckpt or f"the latest checkpoint in {model_dir}"
        if isinstance(err, (tf.errors.DataLossError, tf.errors.OutOfRangeError)) or \
                "Checksum does not match" in msg or "Read less bytes" in msg:
            files = (", ".join(finding.checkpoint_files(ckpt)) if os.path.isabs(str(ckpt))
                     else ckpt)
            older = None
            with contextlib.suppress(Exception):
                older = finding.newest_complete(model_dir, finding.read_state(model_dir),
                                                 skip={ckpt})
            return CheckpointError(
                f"Checkpoint {ckpt} is damaged: {msg}. Its files: {files}. Delete them and "
                "pyestim falls back to the newest complete checkpoint"
                + (f" ({older})" if older else "")
                + "; or pass an older checkpoint as checkpoint_path to evaluate() / predict().",
                path=ckpt)
        return CheckpointError(
            f"Checkpoint {ckpt} does not fit the model being built: {msg}. The model, or the "
            "shape of its input, has changed since the checkpoint was written. Feed features "
            "of the shape the model was trained on, or train the changed model in a new "
            "model_dir.", path=ckpt)
    if isinstance(err, tf.errors.InvalidArgumentError):
        for pat in _LABEL_PATTERNS:
            m = pat.search(msg)
            if m:
                msg = msg.split("  Label values:")[0].split(" Label values:")[0]
                rng = (f"0..{int(m.group(2)) - 1}" if m.groups() and m.lastindex == 2 else
                       "0..n_classes-1")
                return InputDataError(
                    f"The labels do not fit the model: {msg}. Labels of a classifier must be "
                    f"integers in {rng} (class indices). Recode them (e.g. {class_codes()}) or "
                    "raise n_classes.")
        m = _INDEX_PATTERN.search(msg)
        if m:
            node = getattr(getattr(err, "node_def", None), "name", "") or "?"
            hi = int(m.group(2))
            kind = "labels" if "entropy" in node or "label" in node.lower() else "values"
            return InputDataError(
                f"The input holds {kind} out of range for the model: {msg} (in {node}). "
                f"Labels of a classifier must be class indices 0..{hi - 1}, ids of a "
                f"categorical feature must be below its number of buckets ({hi}). Recode "
                f"them (e.g. {class_codes()}) or raise n_classes / the number of buckets.")
        if _SHAPE_PATTERNS.search(msg):
            return InputDataError(
                f"The input does not fit the model: {msg}. Check that the features (and "
                "labels) have the shapes the model function expects, e.g. the number of "
                "columns of x.")
    return None


def translate_model_dir_error(err, model_dir):
    """A ModelDirError for a permission / read-only / no-space error TensorFlow raised while
    writing in ``model_dir``, or None."""
    if not isinstance(err, tf.errors.OpError):
        return None
    msg = op_message(err)
    writing = os.fspath(model_dir) in msg or "No space left" in msg or \
        "Read-only file system" in msg
    if writing and isinstance(err, (tf.errors.PermissionDeniedError,
                                    tf.errors.ResourceExhaustedError,
                                    tf.errors.FailedPreconditionError,
                                    tf.errors.UnknownError)):
        return ModelDirError(
            f"Could not write to model_dir {shown(os.fspath(model_dir))}: {msg}. Fix its "
            "permissions or free space, or pass another model_dir.")
    return None


def raised_by_tensorflow(err):
    """True if the innermost frame of ``err``'s traceback is TensorFlow's (a shape or dtype
    check of an op), not the model function's own ``raise``."""
    tb = err.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    name = tb.tb_frame.f_code.co_filename.replace(os.sep, "/")
    return any(part in name for part in ("/tensorflow/", "/keras/", "/tf_keras/",
                                         "/tensorflow_estimator/"))


def _describe(value):
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_describe(v)}" for k, v in value.items()) + "}"
    if value is None:
        return "none"
    dtype = getattr(value, "dtype", None)
    shape = getattr(value, "shape", None)
    if dtype is not None and shape is not None:
        dims = "?" if shape.rank is None else \
            "[" + ", ".join("?" if d is None else str(d) for d in shape.as_list()) + "]"
        return f"{getattr(dtype, 'name', dtype)} {dims}"
    return type(value).__name__


def input_mismatch(err, features, labels, mode):
    """The pyestim error for TensorFlow's ``err`` raised while the model function built its
    graph on ``features`` and ``labels``."""
    cls = InputDataTypeError if isinstance(err, TypeError) else InputDataError
    return cls(
        f"The model function could not be built on this input (mode {shown(mode)}): "
        f"{str(err).rstrip('. ')}. The "
        f"features arrive as {_describe(features)} and the labels as {_describe(labels)}; "
        "check that their shapes and dtypes are what the model function expects (e.g. the "
        f"number of columns of x, or cast them with {code('tf.cast')}).")


def missing_feature(err, features):
    """A FeatureKeyError for a ``KeyError`` raised when the model function read a feature the
    input does not have, or None."""
    key = err.args[0] if isinstance(err, KeyError) and len(err.args) == 1 else None
    if not isinstance(features, dict) or not isinstance(key, str) or key in features:
        return None
    return FeatureKeyError(
        f"The model function reads feature {shown(key)}, but the input function gives the "
        f"features {shown(sorted(features))}. Name the feature {shown(key)} in the input (e.g. "
        + idiom(f"numpy_input_fn(x={{{repr(key)}: ...}})",
                f"numpy_input_fn(x = list({r_name(key)} = ...))")
        + ") or read one of the features given.")


_PREDICT_KEYS = re.compile(r"Expected to run at least one output from dict_keys\((.*)\), "
                           r"provided (.*)\.")


def unknown_predict_keys(err):
    """A PyestimValueError for TensorFlow's ValueError about ``predict_keys`` naming no
    prediction of the model, or None."""
    m = _PREDICT_KEYS.search(str(err)) if isinstance(err, ValueError) else None
    if m is None:
        return None
    return PyestimValueError(
        f"predict_keys {m.group(2)} name no prediction of the model; its predictions are "
        f"{m.group(1)}. Give some of those names, or {code('predict_keys=None')} for all.")
