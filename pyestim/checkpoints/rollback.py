"""The rollback of a ``train()`` that fails before its first step (see
:mod:`pyestim.checkpoints`), and :func:`training_call`, which guards one ``train()`` on
``model_dir``: the writer lock (:mod:`pyestim.checkpoints.lock`), the checkpoint to resume
from (:mod:`pyestim.checkpoints.finding`), the snapshot and its rollback.

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
import json
import os
import shutil

import tensorflow as tf

from .. import engine
from .._lang import shown
from ..errors import ModelDirError
from . import lock as locking
from .finding import STATE_FILE, resolve_latest

__all__ = ["ROLLBACK_DIR", "MANIFEST", "Snapshot", "finish_interrupted", "recover_for_reader",
           "TrainingCall", "training_call"]

ROLLBACK_DIR = ".pyestim-rollback"
MANIFEST = "manifest.json"
_COPY_LIMIT = 64 << 20  # when hard links fail, copy files up to this size
_INTERNAL = {locking.LOCK_NAME, ROLLBACK_DIR}


def _log():
    return engine.tf_logger()


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
            elif (rel.endswith(".index") or rel == STATE_FILE
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
    """Wrap one ``train()`` on ``model_dir``: create it if needed, take the writer lock,
    finish a rollback a killed call left, check the checkpoint to resume from, snapshot the
    directory, and on a failure before the first step completes put it back as it was.
    (:func:`pyestim.tf_errors.translated` turns TensorFlow's errors into pyestim's around
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
