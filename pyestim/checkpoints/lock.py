"""One writer per ``model_dir``: the lock ``train()`` holds, and the checks that the
directory can be written at all.

``train()`` takes an exclusive ``flock`` on ``<model_dir>/.pyestim.lock`` for the length of
the call. The kernel drops the lock when the holding process exits, however it exits (a
crash, ``kill -9``), so a lock can never be left behind: the file that remains after a
crash is just a file, and the next ``train()`` takes the lock at once. A second ``train()``
on the same directory while the first runs (another process, or another thread of the same
process) fails at once with :class:`~pyestim.errors.ModelDirLockedError`, naming the
directory and the holder's pid, host and start time (written into the lock file). The file
is removed again when the lock is released; its name matches no TensorFlow file (checkpoints,
``checkpoint``, ``graph.pbtxt``, event files), so TensorFlow never reads or deletes it.

``evaluate()`` and ``predict()`` are readers and take no lock.

Limits: ``flock`` works on local file systems and, on Linux, on NFS (emulated with POSIX
locks); where the file system cannot lock (``ENOLCK``, ``EOPNOTSUPP``) pyestim trains
without the lock and logs a warning. Remote ``model_dir`` URLs (``gs://``, ``s3://``,
``hdfs://``...) are not locked. Without ``fcntl`` (Windows) there is no lock.

What pyestim guarantees for a local ``model_dir`` (one writer, crash safety, the rollback
of a failed start, named damaged checkpoints) and what it does not is in
docs/reliability.md; :mod:`pyestim.checkpoints` holds the rest of it.
"""

import datetime
import errno
import json
import os
import socket
import tempfile
import threading
import time

import tensorflow as tf

from .._lang import shown
from ..errors import ModelDirError, ModelDirLockedError

__all__ = ["LOCK_NAME", "ModelDirLock", "is_local", "ensure_dir", "remove_created_dirs",
           "check_writable"]

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

#: The lock file's name inside model_dir.
LOCK_NAME = ".pyestim.lock"

_NO_LOCKING = {errno.ENOLCK, errno.EOPNOTSUPP, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)}
_BUSY = {errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES}


def is_local(path):
    """True for a local path; False for URLs TensorFlow's file system layer handles."""
    return "://" not in os.fspath(path)


def _reason(err):
    return err.strerror or str(err)


def ensure_dir(model_dir):
    """Create ``model_dir`` (and missing parents) if needed.

    Returns the directories created, outermost first, so a failed call can remove them.
    Raises ModelDirError if the path is, or lies under, something that is not a directory,
    or cannot be created.
    """
    path = os.path.abspath(os.fspath(model_dir))
    missing = []
    probe = path
    while not os.path.lexists(probe):
        missing.append(probe)
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    if os.path.lexists(probe) and not os.path.isdir(probe):
        what = "is a file" if probe == path else f"lies under {shown(probe)}, which is a file"
        raise ModelDirError(
            f"model_dir {shown(os.fspath(model_dir))} cannot be used: it {what}, not a directory. "
            "Pass a directory path as model_dir (it is created if missing).")
    created = []
    for d in reversed(missing):
        try:
            os.mkdir(d)
        except FileExistsError:
            continue
        except OSError as err:
            _remove_dirs(created)
            raise ModelDirError(
                f"model_dir {shown(os.fspath(model_dir))} cannot be created: mkdir {shown(d)} "
                f"failed ({_reason(err)}). Pass a model_dir in a place you can write to.") from None
        created.append(d)
    return created


def _remove_dirs(created):
    for d in reversed(created):
        try:
            os.rmdir(d)
        except OSError:
            break


def remove_created_dirs(created):
    """Remove the directories :func:`ensure_dir` created, innermost first, while empty."""
    _remove_dirs(created)


def check_writable(model_dir):
    """Raise ModelDirError unless a file can be created in ``model_dir`` (a real attempt, so
    it also holds for root, read-only mounts and ACLs)."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".pyestim-write-test-", dir=os.fspath(model_dir))
    except OSError as err:
        raise ModelDirError(
            f"model_dir {shown(os.fspath(model_dir))} is not writable ({_reason(err)}): training "
            "writes checkpoints there. Fix its permissions or pass another model_dir.") from None
    os.close(fd)
    os.unlink(probe)


def _holder_info(role):
    return {
        "role": role,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "thread": threading.current_thread().name,
    }


def _read_holder(fd):
    try:
        raw = os.pread(fd, 4096, 0)
        info = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        return info if isinstance(info, dict) else {}
    except (OSError, ValueError):
        return {}


class ModelDirLock:
    """The exclusive writer lock of one ``model_dir`` (see the module docstring).

    Use as a context manager, or :meth:`acquire` / :meth:`release`. ``created_file`` tells
    whether acquiring created the lock file (then the directory was writable).
    """

    def __init__(self, model_dir, role="train"):
        self.model_dir = os.fspath(model_dir)
        self.role = role
        self.path = os.path.join(self.model_dir, LOCK_NAME)
        self._fd = None
        self.created_file = False
        self.locked = False

    def acquire(self):
        if self._fd is not None:
            raise RuntimeError("ModelDirLock is not reentrant")
        deadline = time.monotonic() + 10.0
        for _ in range(1000):
            existed = os.path.lexists(self.path)
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0),
                             0o644)
            except OSError as err:
                raise ModelDirError(
                    f"model_dir {shown(self.model_dir)} is not writable: cannot create "
                    f"{shown(self.path)} ({_reason(err)}). Training writes checkpoints there; fix "
                    "its permissions or pass another model_dir.") from None
            if fcntl is None:  # pragma: no cover - Windows
                self._fd, self.created_file = fd, not existed
                return self
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                if err.errno in _BUSY:
                    info = _read_holder(fd)
                    os.close(fd)
                    if info.get("role") == "recovery" and time.monotonic() < deadline:
                        # A reader finishing an interrupted call's rollback: a moment's work.
                        time.sleep(0.05)
                        continue
                    raise self._locked_error(info) from None
                if err.errno in _NO_LOCKING:
                    tf.compat.v1.logging.warning(
                        "Cannot lock %s (%s): training without the one-writer lock.",
                        self.path, _reason(err))
                    self._fd, self.created_file = fd, not existed
                    return self
                os.close(fd)
                raise ModelDirError(
                    f"Cannot lock model_dir {shown(self.model_dir)}: flock on {shown(self.path)} "
                    f"failed ({_reason(err)}).") from None
            # The holder before us may have removed the file between our open and our lock:
            # then we locked an orphan and must start again with the file now at the path.
            try:
                at_path = os.stat(self.path)
            except FileNotFoundError:
                os.close(fd)
                continue
            mine = os.fstat(fd)
            if (at_path.st_dev, at_path.st_ino) != (mine.st_dev, mine.st_ino):
                os.close(fd)
                continue
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, json.dumps(_holder_info(self.role)).encode("utf-8"), 0)
            except OSError as err:
                os.close(fd)
                raise ModelDirError(
                    f"model_dir {shown(self.model_dir)} is not writable: cannot write "
                    f"{shown(self.path)} ({_reason(err)}).") from None
            self._fd, self.created_file, self.locked = fd, not existed, True
            return self
        raise ModelDirError(  # pragma: no cover - needs a storm of concurrent trainers
            f"Could not lock model_dir {shown(self.model_dir)}: the lock file kept being replaced "
            "by other processes.")

    def _locked_error(self, info):
        pid, host, since = info.get("pid"), info.get("host"), info.get("since")
        if pid is not None:
            holder = f"process {pid} on host {host or '?'}"
            if pid == os.getpid() and host == socket.gethostname():
                holder = f"this process (pid {pid}, thread {info.get('thread', '?')})"
            holder += f", training since {since}" if since else ""
        else:
            holder = "another process (it has not written its details yet)"
        return ModelDirLockedError(
            f"model_dir {shown(self.model_dir)} is being trained by {holder}. Only one train() "
            "may write a model_dir at a time (two would interleave their checkpoints): wait "
            "for it to finish, stop it, or train in another model_dir. evaluate() and "
            "predict() may run meanwhile.",
            model_dir=self.model_dir, pid=pid, host=host, since=since)

    def release(self):
        fd, self._fd = self._fd, None
        if fd is None:
            return
        # Unlink while still holding the lock: a process that opened the file meanwhile
        # finds, once it gets the lock, that it holds an orphan, and starts again.
        try:
            if self.locked:
                os.unlink(self.path)
        except OSError:
            pass
        finally:
            self.locked = False
            os.close(fd)

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()
        return False
