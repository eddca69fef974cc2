"""Session run hooks: the ``hook_*`` constructors, ``session_run_hook()``, and the
history-saver and progress-bar hooks that ``train()`` attaches by default.

A hook sees the life cycle of one ``train()``, ``evaluate()`` or ``predict()`` call:
``begin()`` once the graph is built, ``after_create_session(session, coord)`` once,
``before_run(run_context)`` / ``after_run(run_context, run_values)`` around every step, and
``end(session)`` once at the end. Exceptions raised in a callback reach the caller unchanged.
"""

import logging
import os
import sys
import time

import numpy as np
import tensorflow as tf

from . import engine, guards
from ._args import (as_bool, as_count, as_list, as_path, as_positive, at_most_one,
                    exactly_one)
from ._lang import code, idiom, shown
from .errors import HookError, NanLossError, PyestimValueError
from .history import History

__all__ = ["hook_logging_tensor", "hook_checkpoint_saver", "hook_step_counter",
           "hook_stop_at_step", "hook_summary_saver", "hook_nan_tensor", "hook_global_step_waiter",
           "hook_history_saver", "hook_progress_bar", "session_run_hook", "session_run_args",
           "CallbackHook", "HistorySaverHook", "ProgressBarHook", "FiniteCheckpointListener",
           "divergence_guards", "normalize_hooks"]

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
        if not (isinstance(tensor, str) and tensor) and not _is_graph_tensor(tensor):
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
    its caller takes in it can be deferred: :func:`pyestim.guards.defer_interrupt`)."""

    def after_run(self, run_context, run_values):
        with guards.hook_callback(self._formatter):
            super().after_run(run_context, run_values)

    def end(self, session):
        with guards.hook_callback(self._formatter):
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
    if scaffold is None and (not ops or not all(_is_graph_tensor(op) for op in ops)):
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
    if not isinstance(loss_tensor, str) and not _is_graph_tensor(loss_tensor):
        raise HookError(
            "hook_nan_tensor(loss_tensor=) must be a tensor or the name of one (e.g. "
            f"\"loss\"), got {type(loss_tensor).__name__}.")
    if isinstance(loss_tensor, str) and not loss_tensor:
        raise HookError("hook_nan_tensor(loss_tensor=) is an empty name; give a tensor name.")
    return _NanLossHook(loss_tensor, as_bool(fail_on_nan_loss, "fail_on_nan_loss"))


def _is_graph_tensor(value):
    return isinstance(value, (tf.Tensor, tf.Operation, tf.Variable)) or \
        type(value).__name__ in ("Tensor", "SymbolicTensor", "RefVariable",
                                 "ResourceVariable")


class _NanLossHook(tf.compat.v1.train.NanTensorHook):
    """TensorFlow's NanTensorHook, taking the loss by name too and naming the step.

    ``loss_tensor=None`` watches the model's loss: the tensor tf.estimator adds last to the
    LOSSES collection before training starts (``train()`` attaches one such hook by default,
    ahead of tf.estimator's own, so that a NaN error names its step).
    """

    def __init__(self, loss_tensor, fail_on_nan_loss=True):
        super().__init__(loss_tensor, fail_on_nan_loss)
        self._global_step = None
        self._watched = loss_tensor

    def begin(self):
        self._loss_tensor = self._watched
        if self._loss_tensor is None:
            self._loss_tensor = _model_loss()
        elif isinstance(self._loss_tensor, str):
            self._loss_tensor = _graph_element(self._loss_tensor)
        self._global_step = tf.compat.v1.train.get_global_step()

    def before_run(self, run_context):
        if self._loss_tensor is None:
            return None
        return SessionRunArgs(self._loss_tensor)

    def after_run(self, run_context, run_values):
        if self._loss_tensor is None:
            return
        if not np.any(np.isnan(run_values.results)):
            return
        # The step is read after the run (the step's own increment has happened), so it is
        # exact whatever order TensorFlow ran the ops of the step in.
        step = None
        if self._global_step is not None:
            try:
                step = int(run_context.session.run(self._global_step))
            except Exception:  # noqa: BLE001 - naming the step is a courtesy
                step = None
        where = f" at step {step}" if step is not None else ""
        message = f"Model diverged with loss = NaN{where}."
        if self._fail_on_nan_loss:
            tf.compat.v1.logging.error(message)
            raise NanLossError(
                message + " Training stopped; the latest checkpoint is the last one saved "
                "before the divergence. Lower the learning rate, check the input for NaN / "
                "infinite values, or clip the gradients.", step=step)
        tf.compat.v1.logging.warning(message + " Requesting a stop.")
        run_context.request_stop()


class FiniteCheckpointListener(tf.compat.v1.train.CheckpointSaverListener):
    """Refuses to save a checkpoint whose variables hold NaN or infinite values.

    tf.estimator's checkpoint saver runs before the NaN hooks after each step, so on a step
    that both diverges and is due for a checkpoint it would save the diverged variables as the
    latest checkpoint. This listener checks the floating-point variables just before every
    save and raises NanLossError instead, naming the step and the variables, so the latest
    checkpoint stays the last finite one. ``train()`` attaches it whenever checkpoints are
    saved.
    """

    def __init__(self):
        self._names = []
        self._finite = None

    def begin(self):
        variables = [v for v in tf.compat.v1.global_variables()
                     if v.dtype.base_dtype.is_floating]
        self._names = [v.op.name for v in variables]
        if not variables:
            self._finite = None
            return
        with tf.compat.v1.name_scope("pyestim_finite_check"):
            self._finite = tf.stack(
                [tf.reduce_all(tf.math.is_finite(tf.convert_to_tensor(v))) for v in variables])

    def before_save(self, session, global_step_value):
        if self._finite is None:
            return
        finite = session.run(self._finite)
        if np.all(finite):
            return
        bad = [n for n, ok in zip(self._names, finite) if not ok]
        shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        step = int(global_step_value)
        message = (f"Model diverged at step {step}: variable(s) {shown} hold NaN or infinite "
                   "values, so this checkpoint was not saved; the latest checkpoint is the "
                   "last one saved before the divergence. Lower the learning rate, check the "
                   "input for NaN / infinite values, or clip the gradients.")
        tf.compat.v1.logging.error(message)
        raise NanLossError(message, step=step)


def divergence_guards(hooks, saving_listeners, config):
    """The hooks and saving listeners ``train()`` passes on: a NaN hook on the model's loss
    (ahead of tf.estimator's own, so the error names the step) unless one on the loss that
    fails is already there, and :class:`FiniteCheckpointListener` first among the listeners
    when checkpoints are saved."""
    hooks = list(hooks)
    listeners = list(saving_listeners)
    if not any(isinstance(h, _NanLossHook) and h._watched is None for h in hooks):
        hooks.append(_NanLossHook(None, True))
    saves = bool(getattr(config, "save_checkpoints_steps", None)
                 or getattr(config, "save_checkpoints_secs", None)) or any(
        isinstance(h, tf.compat.v1.train.CheckpointSaverHook) for h in hooks)
    if saves and not any(isinstance(x, FiniteCheckpointListener) for x in listeners):
        listeners.insert(0, FiniteCheckpointListener())
    return hooks, listeners


def hook_global_step_waiter(wait_until_step):
    """Delays execution until the global step reaches ``wait_until_step``.

    Parameters
    ----------
    wait_until_step : int
        The global step to wait for.
    """
    return tf.compat.v1.train.GlobalStepWaiterHook(
        wait_until_step=as_count(wait_until_step, "wait_until_step", allow_none=False))


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
        with guards.hook_callback(fn):
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
        self._interrupted = result is guards.INTERRUPTED
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


def _graph_element(name):
    graph = tf.compat.v1.get_default_graph()
    try:
        return graph.as_graph_element(name if ":" in name else name + ":0")
    except (KeyError, ValueError) as err:
        raise PyestimValueError(
            f"No tensor named {shown(name)} in the model's graph ({err}).") from None


def _model_loss():
    """The model's loss (its EstimatorSpec's ``loss``: the one TensorFlow logs as ``loss =``):
    tf.estimator adds it last to the LOSSES collection before training starts."""
    losses = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.LOSSES)
    return losses[-1] if losses else None


def _mean_loss(loss):
    """The model's loss per example, when the graph holds it apart from the loss (else None):
    the ``average_loss`` a canned head of TensorFlow 1's class writes as a summary (its loss
    over the sum of the example weights: the batch size when the examples are not weighted),
    or else the per-example losses a model put first in the LOSSES collection (a tensor of
    one row per example, as ``tf$losses`` functions with ``reduction = "none"`` add; their mean
    is taken)."""
    for summary in tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.SUMMARIES):
        op = getattr(summary, "op", None)
        if op is not None and op.name == "average_loss" and op.type == "ScalarSummary":
            return op.inputs[1]
    losses = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.LOSSES)
    first = losses[0] if losses else None
    if first is None or first is loss or first.shape.rank == 0:
        return None
    return first


def _steps_done():
    """The tensor holding the steps a run took when training runs several per
    ``session.run`` (``run_config(steps_per_run=)``), else None (one step per run)."""
    done = tf.compat.v1.get_collection(engine.STEPS_DONE)
    return done[-1] if done else None


def _steps_of(results):
    return int(results["steps"]) if "steps" in results else 1


class HistorySaverHook(SessionRunHook):
    """Records the losses into a :class:`History`: at the first step of each call and at
    every ``every_n_step``-th step of the call, as tfestimators' history saver does (it
    counts the steps of the call, not the global step), plus the call's last step.

    ``total_losses`` is the model's loss at that step: its EstimatorSpec's ``loss``, the
    value TensorFlow logs as ``loss = ...`` (for a canned estimator of TensorFlow 1's class,
    the sum over the batch's examples). ``mean_losses`` is that loss per example: for those
    canned estimators (every head: regression, binary, multi-class), the ``average_loss``
    their head computes, the loss over the sum of the example weights (the batch size when
    the examples are not weighted); for a model that puts per-example losses first in the
    LOSSES collection, their mean (tfestimators' rule: the mean of the collection's first
    tensor); otherwise (custom model functions, whose loss is one scalar) the loss itself:
    the mean of a scalar. TensorFlow 2's canned classes (a Keras optimizer) average over the
    batch already: their ``mean_losses`` is the mean of their per-example losses or the loss,
    the same number as ``total_losses`` up to rounding. Other losses in the collection count
    only as far as the model adds them into its loss.

    The last step of a call is always recorded, however the call ends (its steps done, the
    input exhausted, a hook's stop request), so that the history ends where training did
    (tfestimators records only the first and every n-th step); the losses are therefore
    fetched at every step. Each call (``begin()``) starts a new History. With several steps
    per ``session.run`` (``run_config(steps_per_run=)``) a record is the last step of a run:
    a run's last step is recorded when the run reached or passed an ``every_n_step``-th
    step. Thus 10 steps with
    ``every_n_step=2`` record steps 1, 2, 4, 6, 8 and 10, and a 1-step call records step 1.

    The step of a record is the global step after that training step: the global step read
    once when the session starts, plus the steps run since. (Fetching the global step with
    the step's own fetches would not do: TensorFlow does not order that read before the
    step's increment.) Under distributed training, where other workers advance the global
    step too, the steps are this worker's count from the step it started at.
    """

    def __init__(self, every_n_step=10):
        self.every_n_step = as_count(every_n_step, "every_n_step", minimum=1, allow_none=False)
        self.history = History()
        self._fetches = None
        self._last = None
        self._step = None
        self._count = 0

    def begin(self):
        self.history = History()
        self._last = None
        self._step = None
        self._count = 0  # the steps of this call
        loss = _model_loss()
        self._global_step = tf.compat.v1.train.get_global_step()
        if loss is None or self._global_step is None:
            self._fetches = None
            return
        self._fetches = {"loss": loss}
        if _steps_done() is not None:
            self._fetches["steps"] = _steps_done()
        mean = _mean_loss(loss)
        if mean is not None:
            self._fetches["mean"] = mean

    def after_create_session(self, session, coord):
        if self._fetches is not None:
            self._step = int(session.run(self._global_step))

    def before_run(self, run_context):
        if self._fetches is None:
            return None
        return SessionRunArgs(self._fetches)

    def after_run(self, run_context, run_values):
        if self._fetches is None:
            return
        results = run_values.results
        before = self._count
        self._step += _steps_of(results)
        self._count += _steps_of(results)
        total = float(np.asarray(results["loss"], dtype=np.float64).mean())
        mean = total
        if "mean" in results:
            mean = float(np.asarray(results["mean"], dtype=np.float64).mean())
        self._last = (self._step, mean, total)
        if before == 0 or self._count // self.every_n_step > before // self.every_n_step:
            self.history.append(*self._last)
            self._last = None

    def end(self, session):
        if self._last is not None:
            self.history.append(*self._last)
            self._last = None


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


class ProgressBarHook(SessionRunHook):
    """A text progress bar: ``step/total [=====.....] - ETA: 12s - loss: 0.53``.

    Quiet unless the stream is a terminal (or ``enabled=True``).
    """

    def __init__(self, steps=None, enabled=None, stream=None, width=30, min_interval=0.1):
        self.steps = as_count(steps, "steps")  # fixed by the user, or None
        self.enabled = enabled if enabled is None else as_bool(enabled, "enabled")
        self.stream = stream
        # set by train() before each call: the call's steps, or its max_steps (the bar then
        # counts up to it from the global step the call starts at)
        self.call_steps = None
        self.last_step = None
        self._total = None
        self.width = width
        self.min_interval = min_interval
        self._fetches = None

    def _out(self):
        return self.stream if self.stream is not None else sys.stdout

    def _active(self):
        if self.enabled is not None:
            return self.enabled
        out = self._out()
        try:
            return bool(out.isatty())
        except (AttributeError, ValueError):
            return False

    def begin(self):
        self._on = self._active()
        self._drawn = False  # the bar is on the terminal's current line
        self._clearer = _ClearBarLine(self) if self._on else None
        if self._clearer is not None:
            tf.get_logger().addFilter(self._clearer)
        loss = _model_loss()  # the loss TensorFlow logs, as tfestimators' bar showed it
        self._fetches = {"loss": loss} if (self._on and loss is not None) else None
        if self._fetches and _steps_done() is not None:
            self._fetches["steps"] = _steps_done()
        self._n = 0
        self._start = None
        self._last_draw = 0.0
        self._loss = None
        self._total = self.steps if self.steps is not None else self.call_steps

    def after_create_session(self, session, coord):
        if self._on and self._total is None and self.last_step is not None:
            step = tf.compat.v1.train.get_global_step()
            if step is not None:
                self._total = max(0, self.last_step - int(session.run(step)))

    def before_run(self, run_context):
        if self._start is None:
            self._start = time.monotonic()
        return SessionRunArgs(self._fetches) if self._fetches else None

    def after_run(self, run_context, run_values):
        if not self._on:
            return
        self._n += _steps_of(run_values.results) if self._fetches else 1
        if self._fetches:
            self._loss = float(np.mean(run_values.results["loss"]))
        now = time.monotonic()
        if now - self._last_draw >= self.min_interval or self._n == self._total:
            self._draw(now)
            self._last_draw = now

    def _draw(self, now):
        elapsed = now - (self._start or now)
        loss = "" if self._loss is None else f" - loss: {self._loss:.4f}"
        if self._total:
            done = min(self._n, self._total)
            filled = int(self.width * done / self._total)
            bar = "=" * filled + "." * (self.width - filled)
            rate = elapsed / self._n if self._n else 0.0
            eta = rate * (self._total - done)
            text = f"{done}/{self._total} [{bar}] - ETA: {_fmt_secs(eta)}{loss}"
        else:
            text = f"step {self._n} - {_fmt_secs(elapsed)}{loss}"
        out = self._out()
        out.write("\r" + text)
        out.flush()
        self._drawn = True

    def clear_line(self):
        """Take the bar off its line (a log line is about to be written); the next draw
        puts it back."""
        if self._drawn:
            out = self._out()
            out.write("\r\033[K")
            out.flush()
            self._drawn = False

    def end(self, session):
        if self._clearer is not None:
            tf.get_logger().removeFilter(self._clearer)
            self._clearer = None
        if self._on and self._n:
            self._draw(time.monotonic())
            out = self._out()
            out.write("\n")
            out.flush()
            self._drawn = False


class _ClearBarLine(logging.Filter):
    """On TensorFlow's logger while a progress bar is shown: clears the bar's line before
    each log record is written, so log lines are not glued onto the bar."""

    def __init__(self, bar):
        super().__init__()
        self.bar = bar

    def filter(self, record):
        self.bar.clear_line()
        return True


def _fmt_secs(secs):
    secs = int(round(secs))
    if secs < 60:
        return f"{secs}s"
    if secs < 3600:
        return f"{secs // 60}m{secs % 60:02d}s"
    return f"{secs // 3600}h{(secs % 3600) // 60:02d}m"


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
