"""Finding checkpoints in a ``model_dir`` (see :mod:`pyestim.checkpoints`): which checkpoints
are complete, the state file that names the latest, the checkpoint a call should start from
(:func:`resolve_latest`: the latest, or the newest complete one when the latest's files are
gone), and an error naming a damaged one. TensorFlow's errors are turned into pyestim's in
:mod:`pyestim.tf_errors`.

TensorFlow (2.15, ``Saver`` V2, sharded as tf.estimator asks) saves a checkpoint as:
tensors into ``<prefix>_temp/part-*`` files, closed; the data file renamed to
``<prefix>.data-00000-of-00001``; the index written to ``<prefix>.index`` (in place,
truncating a file of that name); and only then the ``checkpoint`` state file replaced
atomically (temporary file + rename) to name the new prefix. So the state file only ever
names a checkpoint whose files were complete when it was written. One case breaks that
rule: at start-up a resumed run saves the step it restored, under the same prefix as the
latest checkpoint, and rewrites that checkpoint's ``.index`` in place while the state file
already names it. A kill in those microseconds leaves the state naming a truncated
index; that falls inside the rollback window (:mod:`pyestim.checkpoints.rollback`), whose
backup holds a copy of every
``.index``, so the next call restores it.

:func:`checkpoint_status` checks a checkpoint without reading its tensors: the index
opens (TensorFlow checks its footer and block checksums), every data shard exists, and
the shards hold at least the bytes the index's shapes and dtypes need. Damage inside the
data is found by TensorFlow's per-tensor CRC when the checkpoint is restored;
:func:`pyestim.tf_errors.translate_error` then names the checkpoint.
"""

import glob
import os
import re

import numpy as np
import tensorflow as tf

from google.protobuf import text_format

from .. import engine
from .._lang import code, shown
from ..errors import CheckpointError
from .lock import is_local

__all__ = ["STATE_FILE", "checkpoint_files", "checkpoint_status", "read_state", "absolute",
           "newest_complete", "resolve_latest", "check_checkpoint_path"]

#: The checkpoint state file's name inside model_dir (TensorFlow's).
STATE_FILE = "checkpoint"


def _log():
    return engine.tf_logger()


def _data_files(prefix):
    return sorted(glob.glob(glob.escape(prefix) + ".data-?????-of-?????"))


def checkpoint_files(prefix):
    """The files of checkpoint ``prefix`` that exist (index, data shards, meta graph)."""
    out = [p for p in (prefix + ".index",) if os.path.exists(p)]
    out += _data_files(prefix)
    out += [p for p in (prefix + ".meta",) if os.path.exists(p)]
    return out


def _first_line(err):
    text = getattr(err, "message", None) or str(err)
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else type(err).__name__


def checkpoint_status(prefix):
    """``("ok", None)``, ``("missing", why)`` (no file of it left) or ``("damaged", why)``."""
    prefix = os.fspath(prefix)
    if not is_local(prefix):
        return "ok", None
    index = prefix + ".index"
    data = _data_files(prefix)
    if not os.path.exists(index) and not data:
        return "missing", f"no files {prefix}.index / {prefix}.data-* exist"
    if not os.path.exists(index):
        return "damaged", f"its index file {index} is missing"
    try:
        reader = tf.compat.v1.train.NewCheckpointReader(prefix)
        shapes = reader.get_variable_to_shape_map()
        dtypes = reader.get_variable_to_dtype_map()
    except Exception as err:  # noqa: BLE001 - TensorFlow raises several kinds here
        return "damaged", f"its index file {index} is damaged or truncated ({_first_line(err)})"
    if not data:
        return "damaged", f"its data file {prefix}.data-00000-of-00001 is missing"
    total = int(data[0].rsplit("-of-", 1)[1])
    wanted = [f"{prefix}.data-{i:05d}-of-{total:05d}" for i in range(total)]
    absent = [w for w in wanted if not os.path.exists(w)]
    if absent:
        return "damaged", f"its data file(s) {', '.join(absent)} are missing"
    need = 0
    for name, shape in shapes.items():
        dtype = dtypes.get(name)
        if dtype is None or dtype in (tf.string, tf.variant, tf.resource):
            continue
        need += int(np.prod(shape, dtype=np.int64)) * dtype.size
    have = sum(os.path.getsize(w) for w in wanted)
    if have < need:
        return "damaged", (f"its data file {wanted[0] if total == 1 else wanted} is truncated "
                           f"({have} bytes; the index needs at least {need})")
    return "ok", None


def _step_of(prefix):
    m = re.search(r"-(\d+)$", prefix)
    return int(m.group(1)) if m else -1


def read_state(model_dir):
    """The ``checkpoint`` state of ``model_dir`` (None if there is none); CheckpointError
    if the file cannot be parsed (TensorFlow would log a warning and start from scratch)."""
    path = os.path.join(os.fspath(model_dir), STATE_FILE)
    try:
        with open(path, encoding="utf-8", errors="strict") as f:
            text = f.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        why = err
    else:
        try:
            state = text_format.Parse(text, engine.CheckpointState())
        except text_format.ParseError as err:
            why = err
        else:
            if state.model_checkpoint_path or not text.strip():
                return state
            why = "it names no model_checkpoint_path"
    raise CheckpointError(
        f"The checkpoint state file {path} is damaged ({why}). Delete it and train() or "
        f"evaluate() fall back to the newest complete checkpoint in {model_dir}, or pass one "
        "of its model.ckpt-* prefixes as checkpoint_path.", path=path)


def absolute(model_dir, prefix):
    """``prefix`` (as the state file names it) as a path: joined to ``model_dir`` when it is
    relative and local."""
    return prefix if os.path.isabs(prefix) or not is_local(prefix) else \
        os.path.join(os.fspath(model_dir), prefix)


def _candidates(model_dir, state):
    seen, out = set(), []
    listed = list(state.all_model_checkpoint_paths) if state is not None else []
    found = [p[:-len(".index")] for p in glob.glob(
        os.path.join(glob.escape(os.fspath(model_dir)), "*.index"))]
    for p in sorted({absolute(model_dir, q) for q in listed} | set(found), key=_step_of,
                    reverse=True):
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def newest_complete(model_dir, state=None, skip=()):
    """The newest complete checkpoint in ``model_dir`` (by step, among those the state lists
    and the ``*.index`` files present), or None."""
    skip = set(skip)
    for prefix in _candidates(model_dir, state):
        if prefix not in skip and checkpoint_status(prefix)[0] == "ok":
            return prefix
    return None


def _damaged_error(prefix, why, model_dir, state, what="The latest checkpoint"):
    older = newest_complete(model_dir, state, skip={prefix})
    files = ", ".join(os.path.basename(p) for p in checkpoint_files(prefix)) or "none left"
    advice = (f"Delete its files ({files}) and pyestim falls back to {older}, the newest "
              f"complete checkpoint; or pass {code('checkpoint_path={}', older)} to evaluate() / "
              "predict()." if older else
              f"No older complete checkpoint is left in {model_dir}: delete its files to start "
              "again from scratch, or restore the directory from a backup.")
    return CheckpointError(f"{what} {prefix} cannot be used: {why}. {advice}", path=prefix)


def resolve_latest(model_dir, repair=False):
    """The checkpoint training or evaluation should start from: the one the state file names
    if it is complete; the newest complete one if the named one's files are gone (a warning;
    with ``repair`` the state file is rewritten to name it). Raises CheckpointError if the
    named checkpoint is present but incomplete or damaged. None when there is none."""
    model_dir = os.fspath(model_dir)
    if not is_local(model_dir) or not os.path.isdir(model_dir):
        return None
    state = read_state(model_dir)
    if state is None or not state.model_checkpoint_path:
        # No state file: TensorFlow would start from scratch (and later overwrite the
        # model.ckpt-* files there); use the newest complete checkpoint present instead.
        latest = None
        fallback = newest_complete(model_dir, None)
        if fallback is None:
            return None
        _log().warning("%s has checkpoints but no checkpoint state file; using %s, the newest "
                       "complete one.", model_dir, fallback)
    else:
        latest = absolute(model_dir, state.model_checkpoint_path)
        kind, why = checkpoint_status(latest)
        if kind == "ok":
            return latest
        if kind == "damaged":
            raise _damaged_error(latest, why, model_dir, state)
        fallback = newest_complete(model_dir, state, skip={latest})
        _log().warning(
            "The checkpoint state file names %s, but its files are gone; %s", latest,
            f"falling back to {fallback}, the newest complete checkpoint." if fallback else
            "no other complete checkpoint exists, so training starts from scratch.")
    if repair and fallback:
        listed = state.all_model_checkpoint_paths if state is not None else []
        keep = [p for p in (absolute(model_dir, q) for q in listed)
                if p != latest and _step_of(p) <= _step_of(fallback)
                and checkpoint_status(p)[0] == "ok"]
        if fallback not in keep:
            keep.append(fallback)
        tf.compat.v1.train.update_checkpoint_state(
            model_dir, os.path.basename(fallback),
            all_model_checkpoint_paths=[os.path.basename(p) for p in keep])
    return fallback


def check_checkpoint_path(path):
    """Raise CheckpointError unless ``path`` (a prefix given as ``checkpoint_path``) is a
    complete checkpoint."""
    path = os.fspath(path)
    kind, why = checkpoint_status(path)
    if kind == "ok":
        return
    model_dir = os.path.dirname(path) or "."
    if kind == "missing":
        try:
            latest = newest_complete(model_dir, read_state(model_dir))
        except CheckpointError:
            latest = None
        raise CheckpointError(
            f"checkpoint_path {shown(path)} is not a checkpoint: {why}. "
            + (f"The newest complete checkpoint there is {latest}." if latest else
               "latest_checkpoint(model_dir) gives the newest one."), path=path)
    raise _damaged_error(path, why, model_dir, None, what="Checkpoint")
