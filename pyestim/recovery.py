"""Keeping ``model_dir`` consistent: complete checkpoints and the rollback of a ``train()``
that fails before its first step (TensorFlow's errors are turned into pyestim's in
:mod:`pyestim.translate`).

Checkpoints
    TensorFlow (2.15, ``Saver`` V2, sharded as tf.estimator asks) saves a checkpoint as:
    tensors into ``<prefix>_temp/part-*`` files, closed; the data file renamed to
    ``<prefix>.data-00000-of-00001``; the index written to ``<prefix>.index`` (in place,
    truncating a file of that name); and only then the ``checkpoint`` state file replaced
    atomically (temporary file + rename) to name the new prefix. So the state file only ever
    names a checkpoint whose files were complete when it was written. One case breaks that
    rule: at start-up a resumed run saves the step it restored, under the same prefix as the
    latest checkpoint, and rewrites that checkpoint's ``.index`` in place while the state file
    already names it. A kill in those microseconds leaves the state naming a truncated
    index; that falls inside the rollback window below, whose backup holds a copy of every
    ``.index``, so the next call restores it.

    :func:`checkpoint_status` checks a checkpoint without reading its tensors: the index
    opens (TensorFlow checks its footer and block checksums), every data shard exists, and
    the shards hold at least the bytes the index's shapes and dtypes need. Damage inside the
    data is found by TensorFlow's per-tensor CRC when the checkpoint is restored;
    :func:`pyestim.translate.translate_error` then names the checkpoint.

Rollback of a failed start
    Before ``train()`` lets TensorFlow write, :class:`Snapshot` records every file of
    ``model_dir`` (inode, size, mtime), hard-links each into ``.pyestim-rollback/`` (cheap;
    TensorFlow replaces files by rename, so the link keeps the old content) and copies the
    files TensorFlow may rewrite in place: the ``.index`` files, and event files (a writer
    started within the same second on the same host reopens the same name, truncating it). A ``manifest.json`` written
    last (atomically) makes the backup valid. When the first training step has completed, the
    manifest is removed and the backup deleted. If the call fails before that, :meth:`rollback`
    removes what the call created, puts back what it replaced, cuts back what it appended to
    (event files), and removes a ``model_dir`` the call created. A backup whose manifest
    survives its process (``kill -9`` in the window) is rolled back by the next call.
"""

import contextlib
import glob
import json
import os
import re
import shutil

import numpy as np
import tensorflow as tf

from google.protobuf import text_format

from . import engine, locking
from ._lang import code, shown
from .errors import CheckpointError, ModelDirError

__all__ = ["ROLLBACK_DIR", "MANIFEST", "checkpoint_files", "checkpoint_status", "read_state",
           "newest_complete", "resolve_latest", "check_checkpoint_path", "Snapshot",
           "finish_interrupted", "recover_for_reader", "TrainingCall", "training_call"]

ROLLBACK_DIR = ".pyestim-rollback"
MANIFEST = "manifest.json"
_STATE = "checkpoint"
_COPY_LIMIT = 64 << 20  # when hard links fail, copy files up to this size
_INTERNAL = {locking.LOCK_NAME, ROLLBACK_DIR}


def _log():
    return engine.tf_logger()


# --------------------------------------------------------------------------------------------
# Checkpoints


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
    if not locking.is_local(prefix):
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
    path = os.path.join(os.fspath(model_dir), _STATE)
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


def _abs(model_dir, prefix):
    return prefix if os.path.isabs(prefix) or not locking.is_local(prefix) else \
        os.path.join(os.fspath(model_dir), prefix)


def _candidates(model_dir, state):
    seen, out = set(), []
    listed = list(state.all_model_checkpoint_paths) if state is not None else []
    found = [p[:-len(".index")] for p in glob.glob(
        os.path.join(glob.escape(os.fspath(model_dir)), "*.index"))]
    for p in sorted({_abs(model_dir, q) for q in listed} | set(found), key=_step_of,
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
    if not locking.is_local(model_dir) or not os.path.isdir(model_dir):
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
        latest = _abs(model_dir, state.model_checkpoint_path)
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
        keep = [p for p in (_abs(model_dir, q) for q in listed)
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


# --------------------------------------------------------------------------------------------
# Rollback of a call that fails before its first step


def _walk(model_dir):
    """Relative paths of the files (and symlinks) and of the directories under model_dir,
    pyestim's own files left out."""
    files, dirs = [], []
    for root, subdirs, names in os.walk(model_dir):
        rel_root = os.path.relpath(root, model_dir)
        if rel_root == ".":
            subdirs[:] = [d for d in subdirs if d not in _INTERNAL]
            names = [n for n in names if n not in _INTERNAL]
        for d in subdirs:
            p = os.path.normpath(os.path.join(rel_root, d))
            if os.path.islink(os.path.join(root, d)):
                files.append(p)
            else:
                dirs.append(p)
        files.extend(os.path.normpath(os.path.join(rel_root, n)) for n in names)
    return files, dirs


def _close_cached_writers(model_dir):
    """Close the event-file writers TensorFlow caches for ``model_dir`` in this process, so
    they do not write into files a rollback puts back."""
    for w in engine.pop_cached_writers(model_dir):
        try:
            w.close()
        except Exception:  # noqa: BLE001 - best effort
            pass


class Snapshot:
    """The state of ``model_dir`` before a ``train()`` call (see the module docstring)."""

    def __init__(self, model_dir, manifest):
        self.model_dir = os.fspath(model_dir)
        self.backup = os.path.join(self.model_dir, ROLLBACK_DIR)
        self.manifest = manifest

    @classmethod
    def take(cls, model_dir, created_dirs=()):
        model_dir = os.fspath(model_dir)
        backup = os.path.join(model_dir, ROLLBACK_DIR)
        shutil.rmtree(backup, ignore_errors=True)
        os.mkdir(backup)
        files, dirs = _walk(model_dir)
        entries = {}
        for i, rel in enumerate(files):
            path = os.path.join(model_dir, rel)
            st = os.lstat(path)
            entry = {"ino": st.st_ino, "dev": st.st_dev, "size": st.st_size,
                     "mtime_ns": st.st_mtime_ns, "backup": None, "key": str(i)}
            dest = os.path.join(backup, str(i))
            if os.path.islink(path):
                entry["symlink"] = os.readlink(path)
            elif (rel.endswith(".index") or rel == _STATE
                  or (".tfevents." in rel and st.st_size <= _COPY_LIMIT)):
                # rewritten in place by TensorFlow: an index re-saved at start-up; an events
                # file whose name (second + host) a new writer picks again is truncated
                shutil.copy2(path, dest)
                entry["backup"] = "copy"
            else:
                try:
                    os.link(path, dest)
                    entry["backup"] = "link"
                except OSError:
                    if st.st_size <= _COPY_LIMIT:
                        shutil.copy2(path, dest)
                        entry["backup"] = "copy"
            entries[rel] = entry
        manifest = {"pid": os.getpid(), "files": entries, "dirs": dirs,
                    "created_dirs": list(created_dirs)}
        tmp = os.path.join(backup, MANIFEST + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(manifest, f)
        os.replace(tmp, os.path.join(backup, MANIFEST))
        return cls(model_dir, manifest)

    @classmethod
    def load(cls, model_dir):
        """The snapshot a killed call left in ``model_dir``, or None."""
        path = os.path.join(os.fspath(model_dir), ROLLBACK_DIR, MANIFEST)
        try:
            with open(path, encoding="utf-8") as f:
                return cls(model_dir, json.load(f))
        except (OSError, ValueError):
            return None

    def commit(self):
        """The call got past its first step: forget the backup."""
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(self.backup, MANIFEST))
        shutil.rmtree(self.backup, ignore_errors=True)

    def rollback(self):
        """Put ``model_dir`` back as it was when the snapshot was taken. Returns the paths it
        could not restore (each also logged)."""
        _close_cached_writers(self.model_dir)
        entries = self.manifest["files"]
        lost = []
        files, dirs = _walk(self.model_dir)
        for rel in files:
            if rel not in entries:
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(self.model_dir, rel))
        for rel, e in entries.items():
            path = os.path.join(self.model_dir, rel)
            saved = os.path.join(self.backup, e["key"])
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                st = None
            if "symlink" in e:
                if st is None or not os.path.islink(path) or os.readlink(path) != e["symlink"]:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(path)
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    os.symlink(e["symlink"], path)
                continue
            same_inode = st is not None and (st.st_ino, st.st_dev) == (e["ino"], e["dev"])
            unchanged = same_inode and st.st_size == e["size"] and \
                st.st_mtime_ns == e["mtime_ns"]
            if unchanged:
                continue
            if e["backup"] == "copy" or (e["backup"] == "link" and not same_inode):
                os.makedirs(os.path.dirname(path), exist_ok=True)
                os.replace(saved, path)
            elif same_inode and st.st_size > e["size"]:
                # Appended to in place (event files): cut back to the old length.
                with open(path, "r+b") as f:
                    f.truncate(e["size"])
                os.utime(path, ns=(st.st_atime_ns, e["mtime_ns"]))
            else:
                lost.append(path)
        for rel in sorted(set(dirs) - set(self.manifest["dirs"]), key=len, reverse=True):
            with contextlib.suppress(OSError):
                os.rmdir(os.path.join(self.model_dir, rel))
        if lost:
            _log().warning("Could not put back %s as it was before the failed train() call "
                           "(no backup: the file system refused hard links and the file is "
                           "large).", ", ".join(lost))
        self.commit()
        return lost


def finish_interrupted(model_dir):
    """If a ``train()`` killed before its first step left its backup, roll back to the state
    it found (the caller holds the lock). A backup without manifest (killed while taking
    it, before TensorFlow wrote anything) is only deleted. Returns True if it rolled back."""
    backup = os.path.join(os.fspath(model_dir), ROLLBACK_DIR)
    if not os.path.isdir(backup):
        return False
    snap = Snapshot.load(model_dir)
    if snap is None:
        shutil.rmtree(backup, ignore_errors=True)
        return False
    _log().warning(
        "A train() call on %s (pid %s) was interrupted before its first step completed; "
        "putting the directory back as that call found it.", model_dir,
        snap.manifest.get("pid", "?"))
    snap.rollback()
    return True


def recover_for_reader(model_dir):
    """For evaluate() / predict() / the accessors: finish an interrupted call's rollback if
    one is pending and no train() holds the directory. Never raises."""
    model_dir = os.fspath(model_dir)
    if not locking.is_local(model_dir) or \
            not os.path.exists(os.path.join(model_dir, ROLLBACK_DIR, MANIFEST)):
        return
    try:
        with locking.ModelDirLock(model_dir, role="recovery"):
            finish_interrupted(model_dir)
    except Exception as err:  # noqa: BLE001 - a reader goes on with what is there
        _log().warning("Could not finish the rollback pending in %s: %s", model_dir, err)


# --------------------------------------------------------------------------------------------
# One train() call


class _FirstStepHook(tf.compat.v1.train.SessionRunHook):
    """Commits the call's snapshot once the first step, and every hook's after_run for it,
    has completed (seen at the next before_run, or at end())."""

    def __init__(self, call):
        self._call = call
        self._ran = False

    def after_run(self, run_context, run_values):
        self._ran = True

    def before_run(self, run_context):
        if self._ran:
            self._call.commit()

    def end(self, session):
        self._call.commit()


class TrainingCall:
    """What :func:`training_call` yields: ``hooks`` to add to the call's hooks."""

    def __init__(self, model_dir, snapshot=None):
        self.model_dir = model_dir
        self.snapshot = snapshot
        self.committed = snapshot is None
        self.hooks = [_FirstStepHook(self)] if snapshot is not None else []
        self.checkpoint = None

    def commit(self):
        if not self.committed:
            self.committed = True
            self.snapshot.commit()


@contextlib.contextmanager
def training_call(model_dir):
    """Guard one ``train()`` on ``model_dir``: create it if needed, take the writer lock,
    finish a rollback a killed call left, check the checkpoint to resume from, snapshot the
    directory, and on a failure before the first step completes put it back as it was.
    (:func:`pyestim.translate.translated` turns TensorFlow's errors into pyestim's around
    it.)"""
    model_dir = os.fspath(model_dir)
    if not locking.is_local(model_dir):
        yield TrainingCall(model_dir)
        return
    created = locking.ensure_dir(model_dir)
    lock = locking.ModelDirLock(model_dir)
    try:
        lock.acquire()
    except BaseException:
        locking.remove_created_dirs(created)
        raise
    call = None
    rolled_back = False
    try:
        if not lock.created_file:
            locking.check_writable(model_dir)
        finish_interrupted(model_dir)
        try:
            snapshot = Snapshot.take(model_dir, created)
        except OSError as err:
            shutil.rmtree(os.path.join(model_dir, ROLLBACK_DIR), ignore_errors=True)
            raise ModelDirError(
                f"Could not prepare model_dir {shown(model_dir)} for training: {err}. Check its "
                "permissions and free space.") from None
        call = TrainingCall(model_dir, snapshot)
        try:
            call.checkpoint = resolve_latest(model_dir, repair=True)
            yield call
        except BaseException:
            if not call.committed:
                call.snapshot.rollback()
                call.committed = rolled_back = True
            raise
        else:
            call.commit()
    finally:
        lock.release()
        if rolled_back or call is None:
            locking.remove_created_dirs(created)
