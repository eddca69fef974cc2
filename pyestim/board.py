"""``tensorboard()``: TensorBoard on model directories, started and stopped from R or Python.

tfestimators re-exported the R tensorflow package's ``tensorboard(log_dir, action =
c("start", "stop"), host, port = "auto", launch_browser, reload_interval,
purge_orphaned_data)``; this is the same function, its behaviour in Python (the R package's
``tensorboard()`` converts its arguments and calls it):

* ``log_dir`` is one directory, several (each becomes a run named after its last path
  component) or named ones (a dict, R's named vector: the names become the runs' names).
  TensorBoard walks each directory for event files, so a ``model_dir`` shows its training run
  and its ``eval`` run.
* TensorBoard runs as ``python -m tensorboard.main`` in a child process of the Python that
  runs pyestim (``sys.executable``): the ``tensorboard`` package TensorFlow 2.15 installs, and
  that pyestim requires on TensorFlow 2.21, which no longer installs it.
* ``port = "auto"`` takes a port the system says is free (and tries again with another if
  TensorBoard finds it taken in the meantime). The call returns once TensorBoard answers HTTP
  at the URL, which it prints and returns; if TensorBoard exits first, or does not answer
  within :data:`START_TIMEOUT` seconds, :class:`~pyestim.errors.TensorBoardError` says so and
  quotes TensorBoard's last lines of output.
* Starting again on the same ``log_dir`` replaces that TensorBoard, on the same port (as the
  R tensorflow package did). ``action = "stop"`` stops the one of ``log_dir``, or all of them
  when ``log_dir`` is not given.
* Nothing is left running when the Python that started TensorBoard ends: an exit handler
  stops what is still running, and the child watches its standard input, a pipe from this
  process, and stops itself (TensorBoard's own SIGTERM exit) when the pipe closes, which
  happens however this process ends (a crash, R's exit without Python's exit handlers,
  ``kill -9``).
"""

import atexit
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import webbrowser
from importlib import util as importlib_util

from ._args import as_bool, as_count, as_float, as_path, as_scalar
from ._lang import code, idiom, shown
from .errors import PyestimTypeError, PyestimValueError, TensorBoardError

__all__ = ["tensorboard", "running", "START_TIMEOUT"]

#: Seconds to wait for a starting TensorBoard to answer HTTP before giving up.
START_TIMEOUT = 180.0

#: How many ports ``port = "auto"`` tries when TensorBoard finds the chosen one taken.
_PORT_TRIES = 5

#: The child's program: ``python -m tensorboard.main`` (runpy, with the arguments after it),
#: plus a thread that stops TensorBoard the way SIGTERM does (its handler runs its exit
#: handlers) once standard input, a pipe from the parent, reaches its end, and removes its
#: output file, which the parent (gone) can no longer remove.
_CHILD = (
    "import os, runpy, signal, sys, threading, time\n"
    "def _watch():\n"
    "    try:\n"
    "        sys.stdin.buffer.read()\n"
    "    finally:\n"
    "        try:\n"
    "            os.unlink(os.environ['PYESTIM_TENSORBOARD_OUTPUT'])\n"
    "        except (KeyError, OSError):\n"
    "            pass\n"
    "        os.kill(os.getpid(), signal.SIGTERM)\n"
    "        time.sleep(10)\n"
    "        os._exit(0)\n"
    "threading.Thread(target=_watch, daemon=True).start()\n"
    "runpy.run_module('tensorboard.main', run_name='__main__', alter_sys=True)\n"
)

_LOCK = threading.RLock()
_BOARDS = {}  # runs (a tuple of (name, path)) -> _Board


class _Board:
    """One TensorBoard child process: its runs, address and output file."""

    def __init__(self, runs, host, port, process, output):
        self.runs, self.host, self.port = runs, host, port
        self.process, self.output = process, output
        address = f"[{host}]" if ":" in host else host
        self.url = f"http://{address}:{port}"

    def last_lines(self, n=15):
        try:
            with open(self.output, encoding="utf-8", errors="replace") as f:
                lines = f.read().splitlines()
        except OSError:
            return "(no output)"
        lines = [line for line in lines if line.strip()][-n:]
        return "\n".join("  " + line for line in lines) if lines else "(no output)"

    def stop(self):
        p = self.process
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=15)
        if p.stdin is not None:
            p.stdin.close()
        try:
            os.unlink(self.output)
        except OSError:
            pass


def running():
    """The TensorBoards this process started and that still run: a list of dicts with
    ``log_dir`` (a directory, or run name -> directory), ``url``, ``pid`` and ``output`` (the
    file holding TensorBoard's output while it runs)."""
    with _LOCK:
        return [{"log_dir": _shown_runs(b.runs), "url": b.url, "pid": b.process.pid,
                 "output": b.output} for b in _BOARDS.values() if b.process.poll() is None]


def tensorboard(log_dir=None, action="start", host="127.0.0.1", port="auto",
                launch_browser=None, reload_interval=5, purge_orphaned_data=True):
    """Start TensorBoard on training logs (e.g. an estimator's ``model_dir``), or stop it.

    Parameters
    ----------
    log_dir : str, list of str or dict
        Directories to scan for training logs. If this is a named character vector then the
        specified names will be used as aliases within TensorBoard. (Python: a path, a list of
        paths, or a dict of run name -> path.) Not needed to stop every TensorBoard.
    action : {"start", "stop"}
        Specify whether to start or stop TensorBoard (TensorBoard will be stopped
        automatically when the session from which it is launched is terminated).
    host : str
        Host for serving TensorBoard.
    port : int or "auto"
        Port for serving TensorBoard. If "auto" is specified (the default) then an unused
        port will be chosen automatically.
    launch_browser : bool, callable or None
        Open a web browser for TensorBoard after launching (with :mod:`webbrowser`; a
        function is called with the URL instead). None (the default): True in an interactive
        session.
    reload_interval : float
        How often the backend should load more data (seconds).
    purge_orphaned_data : bool
        Whether to purge data that may have been orphaned due to TensorBoard restarts.
        Disabling purge_orphaned_data can be used to debug data disappearance.

    Returns
    -------
    str or None
        The URL for browsing TensorBoard (``action="start"``); None for ``action="stop"``.
    """
    action = _as_action(action)
    runs = _as_runs(log_dir, required=action == "start")
    if action == "stop":
        with _LOCK:
            stopped = [_BOARDS.pop(k) for k in list(_BOARDS) if runs is None or k == runs]
            for board in stopped:
                board.stop()
        print("TensorBoard stopped." if stopped else "No TensorBoard was running"
              + ("." if runs is None else f" for log_dir {shown(_shown_runs(runs))}."))
        return None
    host = _as_host(host)
    port = _as_port(port)
    options = ["--reload_interval", repr(as_float(reload_interval, "reload_interval",
                                                  minimum=0)),
               "--purge_orphaned_data", str(as_bool(purge_orphaned_data,
                                                    "purge_orphaned_data")).lower()]
    browse = _as_browser(launch_browser)
    with _LOCK:
        old = _BOARDS.pop(runs, None)
        if old is not None:
            old.stop()
            port = old.port if port is None else port
        board = _launch(runs, host, port, options)
        _BOARDS[runs] = board
    print(f"Started TensorBoard at {board.url}")
    if browse is not None:
        browse(board.url)
    return board.url


def _as_action(action):
    action = as_scalar(action)
    if action not in ("start", "stop"):
        example = code('tensorboard(log_dir, action="stop")')
        raise PyestimValueError(
            f"action must be \"start\" or \"stop\", got {shown(action, 60)}. E.g. {example}.")
    return action


def _as_runs(log_dir, required):
    """``log_dir`` as a tuple of (run name or None, absolute path), sorted; None when not
    given. Each directory must exist."""
    if log_dir is None:
        if required:
            raise PyestimValueError(
                f"log_dir is missing: give the directory of the training logs, e.g. "
                f"{code('tensorboard(log_dir=model_dir(model))')}.")
        return None
    if isinstance(log_dir, dict):
        pairs = [(str(name), path) for name, path in log_dir.items()]
    elif isinstance(log_dir, (list, tuple)):
        pairs = [(None, path) for path in log_dir]
    else:
        pairs = [(None, log_dir)]
    if not pairs:
        raise PyestimValueError(f"log_dir is empty: give at least one directory, e.g. "
                                f"{code('tensorboard(log_dir=model_dir(model))')}.")
    runs = []
    for name, path in pairs:
        path = os.path.abspath(os.path.expanduser(as_path(path, "log_dir", allow_none=False,
                                                          directory=True)))
        if not os.path.isdir(path):
            raise PyestimValueError(
                f"log_dir {shown(path)} " + ("is not a directory" if os.path.exists(path) else
                                             "does not exist")
                + ": give the directory of the training logs, such as an estimator's "
                f"{code('model_dir(model)')} after {code('train()')}.")
        if name is not None and (not name or ":" in name or "," in name):
            raise PyestimValueError(f"A run name in log_dir cannot be empty nor hold \":\" or "
                                    f"\",\" (TensorBoard's separators), got {shown(name)}.")
        if "," in path:
            raise PyestimValueError(f"log_dir {shown(path)} holds a comma, which TensorBoard "
                                    f"reads as a separator of several directories.")
        runs.append((name, path))
    return _named(runs)


def _named(runs):
    """Several unnamed directories get their base names as run names (which must differ)."""
    if len(runs) > 1:
        runs = [(name or os.path.basename(path) or path, path) for name, path in runs]
        names = [name for name, _ in runs]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            example = idiom('tensorboard(log_dir={"a": dir_a, "b": dir_b})',
                            'tensorboard(log_dir = c(a = dir_a, b = dir_b))')
            raise PyestimValueError(
                f"Two directories of log_dir would both be the run {shown(twice[0])}: name "
                f"them, e.g. {example}.")
    return tuple(sorted(runs, key=lambda r: (r[0] or "", r[1])))


def _shown_runs(runs):
    if len(runs) == 1 and runs[0][0] is None:
        return runs[0][1]
    return {name: path for name, path in runs}


def _as_host(host):
    host = as_scalar(host)
    if not isinstance(host, str) or not host:
        example = code('host="127.0.0.1"')
        raise PyestimTypeError(f"host must be a host name or address (a string), got "
                               f"{shown(host, 60)}; e.g. {example}.")
    return host


def _as_port(port):
    """None for "auto", else a port number 1..65535."""
    port = as_scalar(port)
    if port == "auto":
        return None
    problem = PyestimValueError(
        f"port must be \"auto\" or a port number from 1 to 65535, got {shown(port, 60)}. "
        f"E.g. {code('port=6006')}.")
    if isinstance(port, str):
        raise problem
    try:
        number = as_count(port, "port", allow_none=False, minimum=1)
    except PyestimValueError:
        raise problem from None
    if number > 65535:
        raise problem
    return number


def _as_browser(launch_browser):
    """A function of the URL that opens it, or None."""
    if launch_browser is None:
        launch_browser = bool(getattr(sys, "ps1", None) or sys.flags.interactive)
    if callable(launch_browser):
        return launch_browser
    return webbrowser.open if as_bool(launch_browser, "launch_browser") else None


def _free_port(host):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _command(runs, host, port, options):
    if len(runs) == 1 and runs[0][0] is None:
        where = ["--logdir", runs[0][1]]
    else:
        where = ["--logdir_spec", ",".join(f"{name}:{path}" for name, path in runs)]
    return [sys.executable, "-c", _CHILD, *where, "--host", host, "--port", str(port),
            *options]


def _launch(runs, host, port, options):
    """Start TensorBoard and wait until it answers; a taken port chosen by "auto" is replaced
    by another."""
    if importlib_util.find_spec("tensorboard") is None:
        raise TensorBoardError(
            f"TensorBoard is not installed in this Python ({sys.executable}). Install it "
            f"there (pip install tensorboard), or reinstall pyestim, which requires it.")
    for attempt in range(_PORT_TRIES if port is None else 1):
        board = _spawn(runs, host, _free_port(host) if port is None else port, options)
        failure = _wait_until_answering(board)
        if failure is None:
            return board
        output = board.last_lines()
        board.stop()
        taken = "already in use" in output
        if not (port is None and taken and attempt + 1 < _PORT_TRIES):
            hint = " Choose another port, or " + code('port="auto"') + "." if taken else ""
            raise TensorBoardError(f"TensorBoard did not start at {board.url}: {failure}."
                                   f"{hint} Its last lines of output:\n{output}")
    raise AssertionError("unreachable")  # pragma: no cover


def _spawn(runs, host, port, options):
    fd, output = tempfile.mkstemp(prefix="pyestim-tensorboard-", suffix=".log")
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYESTIM_TENSORBOARD_OUTPUT"] = output
    env.pop("PYTHONSTARTUP", None)
    with os.fdopen(fd, "wb") as out:
        process = subprocess.Popen(_command(runs, host, port, options), stdin=subprocess.PIPE,
                                   stdout=out, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
    return _Board(runs, host, port, process, output)


def _wait_until_answering(board, timeout=None):
    """None once ``board`` answers HTTP; else why not (it exited, or the time ran out)."""
    deadline = time.monotonic() + (START_TIMEOUT if timeout is None else timeout)
    while time.monotonic() < deadline:
        code_ = board.process.poll()
        if code_ is not None:
            return f"it exited with status {code_}"
        try:
            with urllib.request.urlopen(board.url + "/data/environment", timeout=2):
                return None
        except urllib.error.HTTPError:
            return None  # it answers (with an HTTP error, but it answers)
        except (OSError, ValueError):
            time.sleep(0.25)
    return f"it did not answer within {START_TIMEOUT if timeout is None else timeout:g} seconds"


def _stop_all():
    with _LOCK:
        boards = list(_BOARDS.values())
        _BOARDS.clear()
    for board in boards:
        try:
            board.stop()
        except Exception:  # noqa: BLE001 - at exit, stop the others whatever one does
            pass


atexit.register(_stop_all)
