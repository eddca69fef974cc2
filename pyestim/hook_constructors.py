"""The hook constructors: the ``hook_*()`` functions (TensorFlow's hooks with their
arguments checked, the NaN hook, the history saver and the progress bar) and
``session_run_hook()`` (a hook from functions), and ``normalize_hooks()``, the check of a
``hooks`` argument.

A hook sees the life cycle of one ``train()``, ``evaluate()`` or ``predict()`` call:
``begin()`` once the graph is built, ``after_create_session(session, coord)`` once,
``before_run(run_context)`` / ``after_run(run_context, run_values)`` around every step, and
``end(session)`` once at the end. Exceptions raised in a callback reach the caller unchanged.
"""

import os

import tensorflow as tf

from ._args import (as_bool, as_count, as_list, as_path, as_positive, at_most_one,
                    exactly_one)
from ._graph import is_graph_tensor
from ._lang import code, idiom, shown
from .errors import HookError, PyestimValueError
from .guards import calls as call_guards
from .guards.training import NanLossHook
from .hooks import HistorySaverHook, ProgressBarHook

__all__ = ["hook_logging_tensor", "hook_checkpoint_saver", "hook_step_counter",
           "hook_stop_at_step", "hook_summary_saver", "hook_nan_tensor", "hook_global_step_waiter",
           "hook_history_saver", "hook_progress_bar", "session_run_hook", "session_run_args",
           "CallbackHook", "normalize_hooks"]

SessionRunHook = tf.compat.v1.train.SessionRunHook
SessionRunArgs = tf.compat.v1.train.SessionRunArgs


# --------------------------------------------------------------------------------------------
# Wrappers of TensorFlow's hooks


def hook_logging_tensor(tensors, every_n_iter=None, every_n_secs=None, formatter=None,
                        at_end=False):
    """Prints given tensors every N local steps, every N seconds, or at the end.

    The tensors are printed to the log with INFO severity, as
    ``INFO:tensorflow:<tag> = <value>``.

    Parameters
    ----------
    tensors : dict or list
        A dict that maps string-valued tags to tensors / tensor names, or a list of tensor
        names (each then its own tag).
    every_n_iter : int, optional
        Print the values once every N local steps taken on the current worker.
    every_n_secs : int or float, optional
        Print the values once every N seconds. Exactly one of ``every_n_iter`` and
        ``every_n_secs`` should be provided (unless ``at_end`` is True).
    formatter : callable, optional
        Takes ``dict(tag -> value)`` and returns a string. ``None`` prints all tensors.
    at_end : bool
        Whether to print the values of ``tensors`` at the end of the run.
    """
    if isinstance(tensors, str):
        tensors = [tensors]
    if not isinstance(tensors, (dict, list, tuple)):
        raise HookError(
            "hook_logging_tensor(tensors=) must map tags to tensor names, e.g. "
            + idiom("{'predicted_classes': 'predicted_classes'}",
                    'list(predicted_classes = "predicted_classes")')
            + f"; got {type(tensors).__name__}.")
    if isinstance(tensors, tuple):
        tensors = list(tensors)
    if not tensors:
        raise PyestimValueError("hook_logging_tensor(tensors=) is empty; name a tensor to log.")
    items = tensors.items() if isinstance(tensors, dict) else [(t, t) for t in tensors]
    for tag, tensor in items:
        if not isinstance(tag, str) and isinstance(tensors, dict):
            raise HookError(
                f"hook_logging_tensor(tensors=) tags must be strings, got {shown(tag, 40)}.")
        if not (isinstance(tensor, str) and tensor) and not is_graph_tensor(tensor):
            raise HookError(
                "hook_logging_tensor(tensors=) must hold tensors or tensor names, got "
                f"{type(tensor).__name__} {shown(tensor, 40)}.")
    every_n_iter = as_count(every_n_iter, "every_n_iter", minimum=1)
    every_n_secs = as_positive(every_n_secs, "every_n_secs")
    at_end = as_bool(at_end, "at_end")
    if not at_end and (every_n_iter is None) == (every_n_secs is None):
        raise PyestimValueError(
            "hook_logging_tensor() needs exactly one of every_n_iter and every_n_secs "
            f"(got {code('every_n_iter={}, every_n_secs={}', every_n_iter, every_n_secs)}), "
            f"or {code('at_end=True')}.")
    if formatter is not None and not callable(formatter):
        raise HookError(f"formatter must be a function, got {type(formatter).__name__}.")
    return _LoggingTensorHook(
        tensors=tensors, every_n_iter=every_n_iter, every_n_secs=every_n_secs,
        formatter=formatter, at_end=at_end)


class _LoggingTensorHook(tf.compat.v1.train.LoggingTensorHook):
    """TensorFlow's LoggingTensorHook, its formatter called as a hook callback (an interrupt
    its caller takes in it can be deferred: :func:`pyestim.guards.calls.defer_interrupt`)."""

    def after_run(self, run_context, run_values):
        with call_guards.hook_callback(self._formatter):
            super().after_run(run_context, run_values)

    def end(self, session):
        with call_guards.hook_callback(self._formatter):
            super().end(session)


def _of_type(value, cls, name, what):
    if value is not None and not isinstance(value, cls):
        raise HookError(f"{name} must be a {code(what)}, got {type(value).__name__}.")
    return value


def hook_checkpoint_saver(checkpoint_dir, save_secs=None, save_steps=None, saver=None,
                          checkpoint_basename="model.ckpt", scaffold=None, listeners=None):
    """Saves checkpoints every N steps or seconds.

    Parameters
    ----------
    checkpoint_dir : str
        The base directory for the checkpoint files.
    save_secs : int, optional
        Save a checkpoint every N seconds.
    save_steps : int, optional
        Save a checkpoint every N steps.
    saver : Saver, optional
        Saver object used for saving.
    checkpoint_basename : str
        The base name for the checkpoint files.
    scaffold : Scaffold, optional
        A scaffold, used to get the saver object.
    listeners : list, optional
        ``CheckpointSaverListener`` objects called around each save.
    """
    checkpoint_dir = as_path(checkpoint_dir, "checkpoint_dir", allow_none=False, directory=True)
    exactly_one("hook_checkpoint_saver()", "save_secs", save_secs, "save_steps", save_steps)
    save_secs = as_count(save_secs, "save_secs", minimum=1)
    save_steps = as_count(save_steps, "save_steps", minimum=1)
    if not isinstance(checkpoint_basename, str) or not checkpoint_basename or \
            os.sep in checkpoint_basename:
        raise PyestimValueError(
            "checkpoint_basename must be a file name such as \"model.ckpt\", got "
            f"{shown(checkpoint_basename, 40)}.")
    _of_type(saver, tf.compat.v1.train.Saver, "saver", "tf.train.Saver")
    _of_type(scaffold, tf.compat.v1.train.Scaffold, "scaffold", "tf.train.Scaffold")
    listeners = as_list(listeners)
    for i, listener in enumerate(listeners):
        _of_type(listener, tf.compat.v1.train.CheckpointSaverListener, f"listeners[{i}]",
                 "CheckpointSaverListener")
    return tf.compat.v1.train.CheckpointSaverHook(
        checkpoint_dir=checkpoint_dir, save_secs=save_secs, save_steps=save_steps,
        saver=saver, checkpoint_basename=checkpoint_basename, scaffold=scaffold,
        listeners=listeners or None)


def hook_step_counter(every_n_steps=100, every_n_secs=None, output_dir=None,
                      summary_writer=None):
    """Counts steps per second and logs / summarises them.

    Parameters
    ----------
    every_n_steps : int
        Run this counter every N steps.
    every_n_secs : int, optional
        Run this counter every N seconds (then ``every_n_steps`` is ignored).
    output_dir : str, optional
        The output directory for the summaries.
    summary_writer : SummaryWriter, optional
        The summary writer.
    """
    every_n_secs = as_count(every_n_secs, "every_n_secs", minimum=1)
    every_n_steps = None if every_n_secs is not None else as_count(
        every_n_steps, "every_n_steps", minimum=1)
    if every_n_steps is None and every_n_secs is None:
        raise PyestimValueError("hook_step_counter() needs every_n_steps or every_n_secs.")
    output_dir = as_path(output_dir, "output_dir", directory=True)
    return tf.compat.v1.train.StepCounterHook(
        every_n_steps=every_n_steps, every_n_secs=every_n_secs, output_dir=output_dir,
        summary_writer=summary_writer)


def hook_stop_at_step(num_steps=None, last_step=None):
    """Requests a stop at a given step.

    Parameters
    ----------
    num_steps : int, optional
        Number of steps to execute.
    last_step : int, optional
        Step after which to stop.
    """
    at_most_one("num_steps", num_steps, "last_step", last_step)
    if num_steps is None and last_step is None:
        raise PyestimValueError("hook_stop_at_step() needs num_steps or last_step.")
    return tf.compat.v1.train.StopAtStepHook(
        num_steps=as_count(num_steps, "num_steps"), last_step=as_count(last_step, "last_step"))


def hook_summary_saver(save_steps=None, save_secs=None, output_dir=None, summary_writer=None,
                       scaffold=None, summary_op=None):
    """Saves summaries every N steps or seconds.

    Parameters
    ----------
    save_steps : int, optional
        Save summaries every N steps. Exactly one of ``save_secs`` and ``save_steps``.
    save_secs : int, optional
        Save summaries every N seconds.
    output_dir : str, optional
        The directory to save the summaries to (when no ``summary_writer`` is given).
    summary_writer : SummaryWriter, optional
        The summary writer.
    scaffold : Scaffold, optional
        A scaffold to get ``summary_op`` from when it is not given.
    summary_op : Tensor or list of Tensor, optional
        Serialized summary protocol buffers, e.g. from ``tf.summary.merge_all()``.
    """
    exactly_one("hook_summary_saver()", "save_secs", save_secs, "save_steps", save_steps)
    save_steps = as_count(save_steps, "save_steps", minimum=1)
    save_secs = as_count(save_secs, "save_secs", minimum=1)
    output_dir = as_path(output_dir, "output_dir", directory=True)
    _of_type(scaffold, tf.compat.v1.train.Scaffold, "scaffold", "tf.train.Scaffold")
    if (scaffold is None) == (summary_op is None):
        raise PyestimValueError(
            "hook_summary_saver() needs exactly one of summary_op (e.g. "
            f"{code('tf.summary.merge_all()')}) and scaffold"
            + (" (got both)." if scaffold is not None else "."))
    ops = summary_op if isinstance(summary_op, (list, tuple)) else [summary_op]
    if scaffold is None and (not ops or not all(is_graph_tensor(op) for op in ops)):
        raise HookError(
            "summary_op must be a summary tensor (or a list of them), e.g. "
            f"{code('tf.summary.merge_all()')}; got {type(summary_op).__name__}.")
    return tf.compat.v1.train.SummarySaverHook(
        save_steps=save_steps, save_secs=save_secs, output_dir=output_dir,
        summary_writer=summary_writer, scaffold=scaffold, summary_op=summary_op)


def hook_nan_tensor(loss_tensor, fail_on_nan_loss=True):
    """Monitors the loss and stops training if it is NaN.

    ``train()`` watches the model's loss this way by default; the error names the step.

    Parameters
    ----------
    loss_tensor : Tensor or str
        The loss tensor (or its name).
    fail_on_nan_loss : bool
        Raise an error when the loss is NaN (True), or only request a stop (False). When the
        watched tensor is the model's own loss, training fails anyway, naming the step:
        tf.estimator always checks that loss itself.

    Raises (during training)
    ------------------------
    NanLossError
        Also a ``NanLossDuringTrainingError``; its message and ``step`` name the step.
    """
    if not isinstance(loss_tensor, str) and not is_graph_tensor(loss_tensor):
        raise HookError(
            "hook_nan_tensor(loss_tensor=) must be a tensor or the name of one (e.g. "
            f"\"loss\"), got {type(loss_tensor).__name__}.")
    if isinstance(loss_tensor, str) and not loss_tensor:
        raise HookError("hook_nan_tensor(loss_tensor=) is an empty name; give a tensor name.")
    return NanLossHook(loss_tensor, as_bool(fail_on_nan_loss, "fail_on_nan_loss"))


def hook_global_step_waiter(wait_until_step):
    """Delays execution until the global step reaches ``wait_until_step``.

    Parameters
    ----------
    wait_until_step : int
        The global step to wait for.
    """
    return tf.compat.v1.train.GlobalStepWaiterHook(
        wait_until_step=as_count(wait_until_step, "wait_until_step", allow_none=False))


def hook_history_saver(every_n_step=10):
    """Saves the training history (losses by step): the first step of each ``train()``
    call, every ``every_n_step``-th step of the call (as tfestimators) and its last step.

    ``train()`` attaches one by default and returns its :class:`History`.

    Parameters
    ----------
    every_n_step : int
        Record the losses every this many steps of the call.
    """
    return HistorySaverHook(every_n_step=every_n_step)


def hook_progress_bar(steps=None, enabled=None):
    """A progress bar with step count, ETA and current loss for ``train()``.

    ``train()`` attaches one by default. It is quiet when standard output is not a terminal.

    Parameters
    ----------
    steps : int, optional
        The number of steps expected (``train()`` fills it in from its own arguments).
    enabled : bool, optional
        Force the bar on (True) or off (False); ``None`` shows it only on a terminal.
    """
    return ProgressBarHook(steps=steps, enabled=enabled)


# --------------------------------------------------------------------------------------------
# Custom hooks


def session_run_args(*args, **kwargs):
    """Fetches for a ``before_run`` callback: ``session_run_args(loss=loss_tensor)`` makes
    ``run_values.results`` a dict ``{"loss": value}``; positional tensors make it a list.
    """
    if args and kwargs:
        raise PyestimValueError(
            "session_run_args() takes either named tensors (a dict of results) or unnamed "
            "ones (a list of results), not both.")
    return SessionRunArgs(dict(kwargs) if kwargs else list(args))


class CallbackHook(SessionRunHook):
    """A SessionRunHook built from functions (see :func:`session_run_hook`)."""

    def __init__(self, begin=None, after_create_session=None, before_run=None,
                 after_run=None, end=None):
        given = dict(begin=begin, after_create_session=after_create_session,
                     before_run=before_run, after_run=after_run, end=end)
        for name, fn in given.items():
            if fn is not None and not callable(fn):
                raise HookError(
                    f"session_run_hook({name}=) must be a function, got {type(fn).__name__}.")
        self.callbacks = given
        self._interrupted = False

    def _call(self, name, *args):
        fn = self.callbacks[name]
        if fn is None:
            return None
        with call_guards.hook_callback(fn):
            return fn(*args)

    def begin(self):
        self._interrupted = False
        self._call("begin")

    def after_create_session(self, session, coord):
        self._call("after_create_session", session, coord)

    def before_run(self, run_context):
        result = self._call("before_run", run_context)
        # An interrupt deferred in before_run: the step runs without its fetches, and its
        # after_run is not called (it would get no values).
        self._interrupted = result is call_guards.INTERRUPTED
        if result is None or self._interrupted:
            return None
        if isinstance(result, SessionRunArgs):
            return result
        if isinstance(result, (dict, list, tuple)) or hasattr(result, "graph"):
            return SessionRunArgs(result)
        raise HookError(
            "A before_run callback must return session_run_args(...) or nothing; got "
            f"{type(result).__name__}.")

    def after_run(self, run_context, run_values):
        if not self._interrupted:
            self._call("after_run", run_context, run_values)

    def end(self, session):
        self._call("end", session)


def session_run_hook(begin=None, after_create_session=None, before_run=None, after_run=None,
                     end=None):
    """Creates a custom session run hook from functions.

    Parameters
    ----------
    begin : callable, optional
        ``begin()``: called once before using the session.
    after_create_session : callable, optional
        ``after_create_session(session, coord)``: called once the session is created.
    before_run : callable, optional
        ``before_run(run_context)``: called before each step; may return
        :func:`session_run_args` to request tensor values.
    after_run : callable, optional
        ``after_run(run_context, run_values)``: called after each step;
        ``run_values.results`` holds the requested values.
    end : callable, optional
        ``end(session)``: called at the end of the session.

    Exceptions raised by these functions reach the caller of ``train()`` / ``evaluate()``
    / ``predict()`` unchanged.
    """
    return CallbackHook(begin=begin, after_create_session=after_create_session,
                        before_run=before_run, after_run=after_run, end=end)


def normalize_hooks(hooks, name="hooks"):
    """One hook, a list of hooks or None -> a list of SessionRunHook, checked."""
    out = []
    for i, hook in enumerate(as_list(hooks)):
        if not isinstance(hook, SessionRunHook):
            where = f"{name}[{i}]" if isinstance(hooks, (list, tuple)) else name
            raise HookError(
                f"{where} is a {type(hook).__name__} ({shown(hook, 60)}), not a session run hook. "
                "Create hooks with hook_logging_tensor(), the other hook_*() functions or "
                "session_run_hook().")
        out.append(hook)
    return out
