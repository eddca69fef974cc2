"""Call guards (see :mod:`pyestim.guards`): the checks ``train()``, ``evaluate()`` and
``predict()`` run around the engine so that a call ends, and a stopped one loses nothing.

* **Endless input.** An input function pyestim built with ``num_epochs`` None / NULL repeats
  forever: ``evaluate()`` without ``steps`` and ``predict()`` collecting every prediction
  would never return, so they are refused up front (:func:`refuse_endless`). An input
  function pyestim cannot see into is bounded instead: ``predict()`` stops with an error once
  it has collected :data:`PREDICT_ROW_LIMIT` rows (:func:`bounded_rows`).
* **A train_op that never increments global_step** would make ``train(steps=)`` loop forever
  (TensorFlow only warns): :class:`GlobalStepGuard` stops after :data:`STALLED_STEPS` steps
  with ``global_step`` unchanged.
* **Ctrl-C and preemption.** :func:`interruptible` turns SIGINT (Ctrl-C; in Python, and
  in R, where it replaces reticulate's handler during ``train()``) and SIGTERM (how schedulers and cloud preemption stop a job) received after the first step
  into a request to stop after the current step: tf.estimator then ends the session as after
  its last step, which writes a checkpoint of the steps done, and the signal is raised again
  (KeyboardInterrupt; SIGTERM with its previous handler). A signal before the first step acts
  at once (the failed start is rolled back); a second signal acts at once too. The next
  ``train()`` logs the step it resumes from (:func:`log_resume`). Anchor: Keras'
  ``BackupAndRestore``. A caller that takes Ctrl-C itself while one of the hook callbacks it
  gave runs (R's interrupt condition, when the signal lands in R code that checks for
  interrupts, such as ``Sys.sleep()``) hands it over with :func:`defer_interrupt`: it is then
  treated as that SIGINT, by the same rules.
* **R code in a thread R cannot run in.** The R package's bridge marks the Python function
  behind each R function (:data:`R_FUNCTION`). Under a distribution strategy that calls the
  model function from replica threads of its own (``MirroredStrategy``,
  ``MultiWorkerMirroredStrategy``, ``CentralStorageStrategy``, TensorFlow 1's
  ``ParameterServerStrategy``), TensorFlow's calling thread waits for those threads while R
  can run only in its main thread: an R model function there would hang the process.
  ``train()``, ``evaluate()`` and ``train_and_evaluate()`` refuse such an estimator before
  anything is built (:func:`refuse_r_model_fn`), and any R function called from a thread
  other than the main one raises at once instead of calling R (:func:`refuse_r_thread`), so
  that no other path (an R optimizer function of a canned estimator, a feature column's R
  normalizer) can hang either; :func:`r_thread_errors` hands that error to the caller as it
  was raised (TensorFlow's autograph wraps errors of a canned model function in its own).
  ``OneDeviceStrategy`` and ``predict()`` call the model function in the calling thread: R
  model functions run there.
"""

import contextlib
import json
import os
import signal
import threading

import tensorflow as tf

from .. import engine
from .._graph import step_values
from .._lang import code, idiom, shown
from ..errors import EndlessInputError, GlobalStepError, RThreadError
from ..inputs import NumpyInput

__all__ = ["PREDICT_ROW_LIMIT", "STALLED_STEPS", "INTERRUPTED", "refuse_endless", "bounded_rows",
           "GlobalStepGuard", "InterruptHook", "interruptible", "hook_callback", "defer_interrupt",
           "log_resume", "R_FUNCTION", "is_r_function", "r_thread_error", "refuse_r_model_fn",
           "refuse_r_thread", "r_thread_errors", "in_chain"]

#: ``predict()`` without ``as_iterable`` refuses to collect more rows than this from an input
#: function it cannot see into (``PYESTIM_PREDICT_ROW_LIMIT`` overrides it).
PREDICT_ROW_LIMIT = 10_000_000

#: ``train()`` stops after this many steps in a row with ``global_step`` unchanged.
STALLED_STEPS = 10

# Per thread: the state of the train() call running in it (set by interruptible()) and the
# hook callback being called (set by hook_callback()).
_local = threading.local()


def refuse_endless(fn, call, steps=None, as_iterable=False):
    """Raise EndlessInputError if ``fn`` repeats forever and nothing else ends ``call``
    ("evaluate" without ``steps``, "predict" without ``as_iterable``)."""
    known = NumpyInput.of(fn)
    if known is None or not known.repeats_forever:
        return
    if call == "evaluate" and steps is None:
        raise EndlessInputError(
            f"evaluate() got an input function that repeats forever ({code('num_epochs=None')}) "
            "and no steps, so it would never return. Give steps (the number of batches to "
            f"evaluate), or build the input with {code('num_epochs=1')}.")
    if call == "predict" and not as_iterable:
        raise EndlessInputError(
            f"predict() got an input function that repeats forever ({code('num_epochs=None')}), "
            "so collecting every prediction would never end (and fill the memory). Build the "
            f"input with {code('num_epochs=1')}, or take predictions one at a time with "
            f"{code('as_iterable=True')} and stop when you have enough.")


def _row_limit():
    value = os.environ.get("PYESTIM_PREDICT_ROW_LIMIT", "")
    return int(value) if value.strip().isdigit() else PREDICT_ROW_LIMIT


def _rows_in(item, single):
    if single:
        return 1
    first = next(iter(item.values()), None) if isinstance(item, dict) else item
    shape = getattr(first, "shape", None)
    return int(shape[0]) if shape else 1


def bounded_rows(items, single, limit=None):
    """``items`` (predictions), stopping with EndlessInputError once more than ``limit`` rows
    (default :data:`PREDICT_ROW_LIMIT`) have come."""
    limit = _row_limit() if limit is None else limit
    rows = 0
    for item in items:
        rows += _rows_in(item, single)
        if rows > limit:
            raise EndlessInputError(
                f"predict() collected more than {limit:,} rows without an end in sight: the "
                f"input function may repeat forever. Build it to stop ({code('num_epochs=1')}), "
                f"take predictions one at a time with {code('as_iterable=True')}, or raise the "
                "bound "
                "with the environment variable PYESTIM_PREDICT_ROW_LIMIT.")
        yield item


class GlobalStepGuard(tf.compat.v1.train.SessionRunHook):
    """Stop training with GlobalStepError when ``global_step`` has not changed for
    ``patience`` steps in a row (a ``train_op`` that does not increment it)."""

    def __init__(self, patience=STALLED_STEPS):
        self.patience = patience

    def begin(self):
        # the global step, from the fetch every default hook of train() shares
        self._values = step_values()
        self._fetch = (tf.compat.v1.train.SessionRunArgs(self._values.fetches)
                       if self._values.has("step") else None)
        self._last, self._stalled = None, 0

    def before_run(self, run_context):
        return self._fetch

    def after_run(self, run_context, run_values):
        if self._fetch is None:
            return
        value = int(self._values.value(run_values.results, "step"))
        self._stalled = self._stalled + 1 if value == self._last else 0
        self._last = value
        if self._stalled >= self.patience:
            raise GlobalStepError(
                f"train() ran {self._stalled + 1} steps but global_step stayed at {value}: "
                "the train_op does not increment the global step, so steps / max_steps would "
                "never be reached. Pass the global step to the optimizer: "
                f"{code('optimizer.minimize(loss, global_step=tf.train.get_global_step())')}.")


class InterruptHook(tf.compat.v1.train.SessionRunHook):
    """Requests a stop after the current step once :func:`interruptible` has seen a signal;
    counts the steps done so that a signal before the first one acts at once."""

    def __init__(self, state):
        self.state = state

    def after_run(self, run_context, run_values):
        self.state["steps"] += 1
        if self.state["signal"] is not None:
            run_context.request_stop()


def _request_stop(state, signum, source):
    """Stop after the current step because of ``signum`` (received as ``source``); a second
    signal then acts at once."""
    state["signal"] = signum
    again = state["again"].get(signum)
    if again is not None:
        signal.signal(signum, again)
    engine.tf_logger().warning(
        "Received %s: stopping after this step and writing a checkpoint (send it again to "
        "stop at once).", source)


def _install(state, signum):
    previous = signal.getsignal(signum)
    if previous is None or previous == signal.SIG_IGN:
        return None  # a handler not installed from Python, or an ignored signal: leave it

    def again(received, frame):
        _deliver(received, previous)

    def handler(received, frame):
        if state["steps"] == 0:
            signal.signal(received, again)  # a second signal acts at once
            _deliver(received, previous)
            return
        _request_stop(state, received, signal.Signals(received).name)

    state["again"][signum] = again
    signal.signal(signum, handler)
    return previous


def _deliver(signum, previous):
    """Act on ``signum`` as its ``previous`` handler would; SIGINT always ends in
    KeyboardInterrupt. Under R, ``previous`` is reticulate's SIGINT handler, which raises
    KeyboardInterrupt only when R has an interrupt pending, and R has none here (pyestim's
    handler had the signal): the KeyboardInterrupt raised here is what returns control to R,
    as an interrupt (reticulate turns a KeyboardInterrupt into one; the R package then puts
    reticulate's own SIGINT handler back, see ``r/R/train.R``)."""
    if callable(previous):
        previous(signum, None)
    elif signum != signal.SIGINT:
        signal.signal(signum, previous)
        os.kill(os.getpid(), signum)
        return
    if signum == signal.SIGINT:
        raise KeyboardInterrupt


@contextlib.contextmanager
def interruptible():
    """During one ``train()``: SIGINT / SIGTERM after the first step stop training after the
    current step (tf.estimator writes its end-of-training checkpoint), then the signal is
    raised again. Yields the hook to add to the call's hooks. Outside the main thread the
    signals are left alone."""
    state = {"signal": None, "steps": 0, "again": {}}
    previous = {}
    outer, _local.training = getattr(_local, "training", None), state
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError, TypeError, OSError):
                old = _install(state, signum)
                if old is not None:
                    previous[signum] = old
    try:
        yield InterruptHook(state)
    finally:
        _local.training = outer
        for signum, old in previous.items():
            with contextlib.suppress(ValueError, TypeError, OSError):
                signal.signal(signum, old)
    if state["signal"] is not None:
        engine.tf_logger().warning(
            "Training stopped by %s after %d step(s) of this call; the checkpoint is written: "
            "train() again resumes from it.", signal.Signals(state["signal"]).name,
            state["steps"])
        _deliver(state["signal"], previous.get(state["signal"], signal.SIG_DFL))


class _Interrupted:
    """What a hook callback interrupted by its caller returns once the interrupt is deferred:
    the hook then does nothing more for this step (a logging formatter logs this text)."""

    def __repr__(self):
        return "(interrupted: stopping after this step)"

    __str__ = __repr__


#: Returned in place of a hook callback's value when :func:`defer_interrupt` deferred an
#: interrupt that arrived in it.
INTERRUPTED = _Interrupted()


@contextlib.contextmanager
def hook_callback(fn):
    """Marks ``fn`` as the hook callback being called (a ``session_run_hook()`` function, a
    logging formatter) while the block runs: an interrupt its caller takes in it may be
    deferred (:func:`defer_interrupt`)."""
    outer, _local.callback = getattr(_local, "callback", None), fn
    try:
        yield
    finally:
        _local.callback = outer


def defer_interrupt(fn, how):
    """An interrupt that the caller of pyestim took itself while ``fn`` ran (R's interrupt
    condition: Ctrl-C landed in R code that checks for interrupts); ``how`` says so in the log.

    True when it becomes a request to stop after the current step, as SIGINT during
    ``train()`` does: ``fn`` is the hook callback being called (:func:`hook_callback`) in a
    ``train()`` past its first step, and no signal came before. The caller then returns
    :data:`INTERRUPTED` from ``fn``. False otherwise (before the first step, a second
    interrupt, outside ``train()``, in a model or input function): the caller raises the
    interrupt at once."""
    state = getattr(_local, "training", None)
    if state is None or fn is None or getattr(_local, "callback", None) is not fn:
        return False
    if state["steps"] == 0 or state["signal"] is not None:
        return False
    _request_stop(state, signal.SIGINT, f"SIGINT ({how})")
    return True


def log_resume(checkpoint):
    """Log the step ``train()`` resumes from, when it starts from ``checkpoint``."""
    if checkpoint:
        step = str(checkpoint).rsplit("-", 1)[-1]
        engine.tf_logger().info("Resuming training from step %s (checkpoint %s).", step,
                                checkpoint)


#: The attribute, set to True, by which the R package's bridge marks the Python function
#: behind an R function (``pyestim_rbridge.r_function``).
R_FUNCTION = "pyestim_r_function"

# The threaded strategies by the settings that take them.
_SETTINGS = {"train": "train_distribute", "eval": "eval_distribute"}


def is_r_function(fn):
    """Whether ``fn`` is the Python function behind an R function (marked by the bridge)."""
    return getattr(fn, R_FUNCTION, False) is True


def _fixes(setting):
    python_fn = idiom(
        "write the model function in Python and pass it to estimator()",
        "write the model function in Python (e.g. define it with reticulate::py_run_string() "
        "and pass py$model_fn, or import it from a Python module with reticulate::import()) "
        "and pass it to estimator()")
    return (f"Fixes: use a canned estimator (canned estimators train under distribution "
            f"strategies from R); or {python_fn}; or drop {code(setting + '=...')} from "
            f"{code('run_config()')} (without a strategy an R model function trains in one "
            "process, and in a TF_CONFIG cluster with parameter servers).")


def r_thread_error(call=None, strategy=None, purpose=None, name=None):
    """The RThreadError for R code that TensorFlow would call from a thread R cannot run in:
    before ``call`` (e.g. "train()") under ``strategy`` given for ``purpose`` ("train" or
    "eval"), or (``name``: the R function's name) when it is called from such a thread."""
    setting = _SETTINGS.get(purpose, "train_distribute")
    why = ("TensorFlow calls the model function from a replica thread of the strategy while "
           "R's thread waits for it, and R code runs only in R's main thread")
    if name is None:
        return RThreadError(
            f"{call} would hang: the estimator's model function is an R function, and with "
            f"{type(strategy).__name__} in {code(f'run_config({setting}=...)')} {why}. "
            + _fixes(setting))
    thread = threading.current_thread().name
    return RThreadError(
        f"The R function {name}() was called from the thread {shown(thread)}, not R's main "
        "thread, where R cannot run: the call would hang. Under a distribution strategy that "
        "runs replicas in threads (MirroredStrategy, MultiWorkerMirroredStrategy, "
        f"ParameterServerStrategy, CentralStorageStrategy, given as {code('train_distribute')} "
        f"or {code('eval_distribute')} in {code('run_config()')}), {why}. " + _fixes(setting))


def refuse_r_thread(name):
    """Raise :func:`r_thread_error` if R function ``name`` is called outside the main thread
    (R's, where reticulate or rpy2 run it); called by the R package's bridge before it calls
    R."""
    if threading.current_thread() is not threading.main_thread():
        raise r_thread_error(name=name)


def _task_purposes():
    """What this process does with a model function in train_and_evaluate(): "train" and
    "eval" in one process; in a TF_CONFIG cluster the evaluator evaluates, the parameter
    servers only serve, the others train."""
    try:
        tf_config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    except ValueError:
        tf_config = {}
    tf_config = tf_config if isinstance(tf_config, dict) else {}
    if not tf_config.get("cluster"):
        return ("train", "eval")
    task = tf_config.get("task") if isinstance(tf_config.get("task"), dict) else {}
    return {"evaluator": ("eval",), "ps": ()}.get(task.get("type"), ("train",))


def refuse_r_model_fn(model_fn, config, call, purposes=None):
    """Raise :func:`r_thread_error` before ``call`` ("train()", "evaluate()",
    "train_and_evaluate()") if ``model_fn`` is an R function and ``config`` gives a strategy
    that would call it from replica threads for one of ``purposes`` ("train", "eval"; by
    default what this process does in train_and_evaluate())."""
    if not is_r_function(model_fn):
        return
    for purpose in _task_purposes() if purposes is None else purposes:
        strategy = getattr(config, _SETTINGS[purpose], None)
        if engine.replica_threads(strategy):
            raise r_thread_error(call, strategy, purpose)


def in_chain(exc, cls, limit=20):
    """The first exception of class ``cls`` in ``exc``'s chain of causes and contexts (``exc``
    itself first), or None; at most ``limit`` exceptions are looked at."""
    seen, todo = set(), [exc]
    while todo and len(seen) < limit:
        e = todo.pop(0)
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, cls):
            return e
        todo += [e.__cause__, e.__context__]
    return None


@contextlib.contextmanager
def r_thread_errors():
    """An RThreadError raised in a thread TensorFlow called the model function from reaches
    the caller as an RThreadError with its message, also when TensorFlow wrapped it in an
    error of its own (autograph's StagingError around a canned model function)."""
    try:
        yield
    except RThreadError:
        raise
    except Exception as err:  # noqa: BLE001 - anything that carries one; others go through
        found = in_chain(err, RThreadError)
        if found is None:
            raise
        raise RThreadError(str(found)) from err
