"""The parity suite's harness: one embedded R per test run, and the parity report.

R is embedded once through rpy2 (3.5.x, with Debian's R 4.2). The R package pyestim, loaded in
that R, reaches *this* Python process through reticulate, so R code and Python code share one
TensorFlow, one pyestim and one tensorflow logger.

Two things keep that one process alive:

* The GIL. rpy2 calls R through cffi, which releases Python's GIL for the call; reticulate
  1.28 (Debian's) assumes the thread running R holds the GIL, as it does when R embeds
  Python, and some of its entry points (``import_builtins()``, the finalizers of Python
  objects that R's garbage collector runs) then touch Python without it: "Fatal Python
  error: PyThreadState_Get". :class:`RSession` therefore evaluates R code by calling R's
  ``R_tryEval`` through ``ctypes.PyDLL``, which keeps the GIL held for the whole call — the
  situation reticulate was written for. Python code that R calls (pyestim, TensorFlow) still
  releases the GIL where it always does (``session.run``), so TensorFlow's threads run.
  rpy2 is used for the embedded R itself, for parsing and for reading results back.
* The exit. rpy2 registers an ``atexit`` handler that shuts R down; with reticulate loaded,
  R's shutdown calls back into Python after the interpreter released its thread state, and
  the process dies with the same fatal error instead of exiting with pytest's status; with the
  handler unregistered, R's event callback can still fire into a half-finalized interpreter
  (seen: a segfault after every test had passed). So once R has been started, the harness
  ends the process itself as pytest's very last step: it removes R's session temp
  directory, flushes the output and calls ``os._exit`` with pytest's exit status.
"""

import atexit
import ctypes
import datetime
import os
import pathlib
import sys

import pytest

from support.ci import unavailable
from support.paths import REPO

from .helpers import distinct_sides

R_DIR = pathlib.Path(__file__).resolve().parent / "r"
_ROWS = []
_EXIT = {"session": None, "status": 0}  # the started RSession, pytest's exit status


def _unavailable(reason):
    unavailable(reason, f"parity suite cannot run in CI: {reason}. `bash dev.sh setup` installs "
                "R, rpy2 and the R package.")


class RError(Exception):
    """An R error raised by code the parity suite evaluated; the message is R's."""


def r_literal(value):
    """A Python value as R source: None -> NULL, bools, ints (as integers), floats, strings."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return f"{value}L"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise TypeError(f"no R literal for {type(value).__name__}")


class RSession:
    """The embedded R; evaluates R code with the GIL held (see the module docstring)."""

    def __init__(self):
        import rpy2.rinterface as ri
        import rpy2.robjects as ro
        from rpy2.rinterface_lib import openrlib

        self._ri, self._ro, self._ffi = ri, ro, openrlib.ffi
        ro.r("1")  # start R
        lib = pathlib.Path(str(ro.r("R.home('lib')")[0])) / "libR.so"
        self._libR = ctypes.PyDLL(str(lib))  # PyDLL: the GIL stays held during calls
        self._libR.R_tryEval.restype = ctypes.c_void_p
        self._libR.R_tryEval.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                         ctypes.POINTER(ctypes.c_int)]
        self._global_env = ctypes.c_void_p.in_dll(self._libR, "R_GlobalEnv").value

    def eval(self, code):
        """Evaluate R code in the global environment; an R error becomes :class:`RError`.

        R's garbage collector runs at the end, still with the GIL held: it finalizes the Python
        objects R dropped, which it must not do later inside a plain rpy2 call (reading
        results back), where the GIL is released."""
        wrapped = ("{ .parity_error <- NULL; tryCatch({\n" + code + "\n}, error = function(e) "
                   ".parity_error <<- conditionMessage(e)); invisible(gc()) }")
        expr = self._ri.parse(wrapped)[0]
        pointer = int(self._ffi.cast("uintptr_t", expr.__sexp__._cdata))
        failed = ctypes.c_int(0)
        self._libR.R_tryEval(pointer, self._global_env, ctypes.byref(failed))
        message = self._ro.globalenv[".parity_error"]
        if failed.value:
            raise RError("R failed outside tryCatch (see the log)")
        if message is not self._ri.NULL and message != self._ri.NULL:
            raise RError(str(message[0]))

    def call(self, function, *args, **kwargs):
        """``function(args...)`` in R; returns the value as an rpy2 object."""
        parts = [r_literal(a) for a in args] + [f"{k} = {r_literal(v)}" for k, v in
                                                 kwargs.items()]
        self.eval(f".parity_value <- {function}({', '.join(parts)})")
        return self._ro.globalenv[".parity_value"]

    def get(self, name):
        return self._ro.globalenv[name]


@pytest.fixture(scope="session")
def r():
    """The embedded R, with library(pyestim) attached and the parity suite's R files
    (tests/parity/r/*.R) sourced."""
    os.environ.setdefault("RETICULATE_PYTHON", sys.executable)
    try:
        from rpy2 import rinterface

        session = RSession()
    except Exception as err:  # noqa: BLE001 - ImportError, or R's shared library missing
        _unavailable(f"rpy2 / R not available ({err})")
    atexit.unregister(rinterface.endr)
    _EXIT["session"] = session
    try:
        session.eval("suppressPackageStartupMessages(library(pyestim))")
    except RError as err:
        _unavailable(f"the R package pyestim is not installed ({err})")
    for path in sorted(R_DIR.glob("*.R")):
        session.eval(f'source("{path.as_posix()}")')
    same = int(session.call('import("os")$getpid')[0]) == os.getpid()
    assert same, "R's reticulate is not attached to this Python process"
    return session


def _remove_r_tempdir(session):
    try:
        session.eval("unlink(tempdir(), recursive = TRUE)")
    except Exception:  # noqa: BLE001 - best effort at exit
        pass


class Report:
    """Rows of the parity report: what was compared, between which two runs, and the result.

    ``runs`` is the pair of :class:`helpers.Run` objects the row compares; a row whose two
    sides are one run raises :class:`helpers.SelfComparison` (it could not fail)."""

    def __init__(self, section):
        self.section = section

    def check(self, case, compared, condition, detail="", *, runs):
        a, b = distinct_sides(runs)
        _ROWS.append((self.section, case, compared, "same" if condition else "DIFFERENT",
                      detail, (a, b)))
        return condition

    def note(self, case, compared, detail, *, runs):
        a, b = distinct_sides(runs)
        _ROWS.append((self.section, case, compared, "n/a", detail, (a, b)))


@pytest.fixture
def report(request):
    module = request.module.__name__.rsplit(".", 1)[-1]
    return Report(getattr(request.module, "SECTION", module))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """With R embedded, leave through os._exit with pytest's status (module docstring)."""
    if _EXIT["session"] is None:
        return
    _remove_r_tempdir(_EXIT["session"])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(_EXIT["status"]))


#: What the plain side is fed with, as the report header states it (test_tutorial.py and
#: test_canned.py hold the runs).
PLAIN_INPUTS = (
    "What feeds plain: in the rows 'plain (TF reader)' (tutorial models, shuffle=False) "
    "TensorFlow's own tf.compat.v1.estimator.inputs.numpy_input_fn (num_threads=1; Python's "
    "random re-seeded after it builds its ops, see tests/parity/README.md) on MNIST read from "
    "the IDX files by the test (numpy + gzip): no pyestim on that side. TensorFlow's reader is "
    "not reproducible when it shuffles (its queue is filled by a thread), so in the rows "
    "'plain' with shuffle=True (the tutorial as written, the canned estimators) plain is fed "
    "by pyestim's numpy_input_fn (a plain TensorFlow input function) and reads MNIST with "
    "pyestim.datasets: there only the model, the hooks and the estimator are plain.")


def _git_commit():
    import subprocess

    try:
        out = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10, check=True)
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=10).stdout.strip()
        return f"commit {out.stdout.strip()}" + (" with uncommitted changes" if dirty else "")
    except Exception:  # noqa: BLE001 - no git: say so
        return "commit unknown"


def pytest_sessionfinish(session, exitstatus):
    _EXIT["status"] = exitstatus
    if not _ROWS:
        return
    path = pathlib.Path(os.environ.get("PYESTIM_PARITY_REPORT", REPO / "build" /
                                       "parity-report.md"))
    path.parent.mkdir(parents=True, exist_ok=True)
    import platform

    import tensorflow as tf

    r_version = "R not loaded"
    if "rpy2.robjects" in sys.modules:
        r_version = str(sys.modules["rpy2.robjects"].r("R.version.string")[0])
    lines = [
        "# pyestim parity report",
        "",
        f"{datetime.datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, "
        f"TensorFlow {tf.__version__}, {r_version}.",
        "",
        f"Written by this test run ({_git_commit()}); not edited by hand.",
        "",
        "R is the R package through reticulate; Python is pyestim; plain is tf.estimator "
        "(tf.compat.v1.estimator classes, TensorFlow's own hooks) with no pyestim in the model, "
        "the hooks or the estimator. " + PLAIN_INPUTS,
        "",
        "Each row names the two runs it compares (#numbers; each section ends with its runs: "
        "side and call). A run is made once and may back several rows; 'expected' is a value "
        "written in the test, 'table' the differences.csv file. The harness refuses a row "
        "whose two sides are one run. 'same' means exactly equal (bit for bit for floats) "
        "unless the detail column states a tolerance.",
        "",
    ]
    sections = {}
    for row in _ROWS:
        sections.setdefault(row[0], []).append(row)
    for sec, rows in sections.items():
        lines += ["", f"## {sec}", "", "| case | compared | runs | result | detail |",
                  "|---|---|---|---|---|"]
        runs = {}
        for _, case, compared, result, detail, (a, b) in rows:
            runs.update({a.id: a, b.id: b})
            lines.append(f"| {case} | {compared} | #{a.id} vs #{b.id} | {result} | {detail} |")
        lines += ["", "Runs compared in this section:", "", "| run | side | how |",
                  "|---|---|---|"]
        for i in sorted(runs):
            how = str(runs[i].how).replace("|", "\\|").replace("\n", " ")
            lines.append(f"| #{i} | {runs[i].side} | {how} |")
    different = sum(1 for row in _ROWS if row[3] == "DIFFERENT")
    n_runs = len({run.id for row in _ROWS for run in row[5]})
    lines += ["", f"{len(_ROWS)} comparisons, {different} different; every row compares two "
              f"distinct runs ({n_runs} runs in all)."]
    path.write_text("\n".join(lines) + "\n")
    session.config._parity_report = path


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    path = getattr(config, "_parity_report", None)
    if path is not None:
        terminalreporter.write_line(f"parity report: {path}")
