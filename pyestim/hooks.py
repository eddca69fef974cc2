"""The hooks ``train()`` attaches by default to report its progress: the history saver
(:class:`HistorySaverHook`, the losses by step that ``train()`` returns as a
:class:`~pyestim.history.History`) and the progress bar (:class:`ProgressBarHook`). Their
constructors, ``hook_history_saver()`` and ``hook_progress_bar()``, are with the other hook
constructors in :mod:`pyestim.hook_constructors`; the NaN guards train() attaches as well are
in :mod:`pyestim.guards.training`.

A hook sees the life cycle of one ``train()``, ``evaluate()`` or ``predict()`` call:
``begin()`` once the graph is built, ``after_create_session(session, coord)`` once,
``before_run(run_context)`` / ``after_run(run_context, run_values)`` around every step, and
``end(session)`` once at the end. Exceptions raised in a callback reach the caller unchanged.
"""

import logging
import sys
import time

import numpy as np
import tensorflow as tf

from ._args import as_bool, as_count
from ._graph import model_loss, step_values
from .history import History

__all__ = ["HistorySaverHook", "ProgressBarHook", "SharedFetchHooks"]

SessionRunHook = tf.compat.v1.train.SessionRunHook
SessionRunArgs = tf.compat.v1.train.SessionRunArgs
SessionRunValues = tf.compat.v1.train.SessionRunValues


def _steps_of(values, fetched):
    """The steps a run took: the ``steps`` of its :class:`StepValues`, else 1."""
    return int(values.value(fetched, "steps")) if values.has("steps") else 1


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
        self._global_step = tf.compat.v1.train.get_global_step()
        if model_loss() is None or self._global_step is None:
            self._fetches = None
            return
        # the loss, its mean and the steps of a run: from the fetch every default hook shares
        self._values = step_values()
        per_example = self._values.per_example
        self._fetches = (self._values.fetches if per_example is None
                         else {"values": self._values.fetches, "mean": per_example})

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
        fetched, values = run_values.results, self._values
        mean = None
        if values.per_example is not None:
            mean = float(np.asarray(fetched["mean"], dtype=np.float64).mean())
            fetched = fetched["values"]
        before = self._count
        steps = _steps_of(values, fetched)
        self._step += steps
        self._count += steps
        total = values.value(fetched, "loss")
        if mean is None:
            mean = values.value(fetched, "mean") if values.has("mean") else total
        self._last = (self._step, mean, total)
        if before == 0 or self._count // self.every_n_step > before // self.every_n_step:
            self.history.append(*self._last)
            self._last = None

    def end(self, session):
        if self._last is not None:
            self.history.append(*self._last)
            self._last = None


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
        # the loss TensorFlow logs, as tfestimators' bar showed it, from the fetch every
        # default hook shares
        self._values = step_values() if self._on and model_loss() is not None else None
        self._fetches = self._values.fetches if self._values is not None else None
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
        return SessionRunArgs(self._fetches) if self._fetches is not None else None

    def after_run(self, run_context, run_values):
        if not self._on:
            return
        if self._fetches is None:
            self._n += 1
        else:
            self._n += _steps_of(self._values, run_values.results)
            self._loss = self._values.value(run_values.results, "loss")
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


class SharedFetchHooks(SessionRunHook):
    """pyestim's own hooks of one ``train()`` call run as one hook, so that TensorFlow sees a
    single fetch for all of them.

    ``train()``'s default hooks (the history saver, the progress bar, the NaN guard on the
    model's loss, the global-step guard) all fetch the same tuple of tensors, the graph's
    :class:`~pyestim._graph.StepValues`. Given to TensorFlow as separate hooks, each fetch is
    still a separate entry of the structure TensorFlow walks on every ``session.run``; as one
    hook, they are fetched once and handed to each member. A member fetching something
    else (a per-example loss) gets its own entry. The members see every callback in their
    order, as they would as separate hooks placed together: ``begin()``,
    ``after_create_session()``, ``before_run()`` and ``after_run()`` (with the values of their
    own fetches, and the run's ``run_context``: a stop request or an exception of a member
    acts as it would) and ``end()``. Members may not feed tensors or set run options (none of
    pyestim's hooks does): that raises ``ValueError`` naming the hook.
    """

    def __init__(self, members):
        self.members = list(members)
        self._requests = None

    def begin(self):
        for hook in self.members:
            hook.begin()

    def after_create_session(self, session, coord):
        for hook in self.members:
            hook.after_create_session(session, coord)

    def before_run(self, run_context):
        requests = [hook.before_run(run_context) for hook in self.members]
        fetches = [r.fetches for r in requests if r is not None and r.fetches is not None]
        for hook, request in zip(self.members, requests):
            if request is not None and (request.feed_dict or request.options):
                raise ValueError(f"{type(hook).__name__} feeds tensors or sets run options, "
                                 "which SharedFetchHooks does not pass on: give it to "
                                 "train() as a separate hook.")
        self._requests = requests
        if not fetches:
            return None
        if all(f is fetches[0] for f in fetches):
            self._shared = fetches[0]
            return SessionRunArgs(fetches[0])
        self._shared = None
        return SessionRunArgs({i: r.fetches for i, r in enumerate(requests)
                               if r is not None and r.fetches is not None})

    def after_run(self, run_context, run_values):
        for i, (hook, request) in enumerate(zip(self.members, self._requests)):
            results = None
            if request is not None and request.fetches is not None:
                results = (run_values.results if self._shared is not None
                           else run_values.results[i])
            hook.after_run(run_context, SessionRunValues(
                results=results, options=run_values.options,
                run_metadata=run_values.run_metadata))

    def end(self, session):
        for hook in self.members:
            hook.end(session)


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
