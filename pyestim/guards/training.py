"""Training guards (see :mod:`pyestim.guards`): a model that diverges stops with an error
naming the step, and leaves no checkpoint of NaN / infinite variables behind.
:func:`divergence_guards` adds both to every ``train()``: :class:`NanLossHook` on the
model's loss (which :func:`pyestim.hook_nan_tensor` also makes, on any tensor) and
:class:`FiniteCheckpointListener` among the saving listeners."""

import numpy as np
import tensorflow as tf

from .._graph import graph_element, model_loss, step_values
from ..errors import NanLossError

__all__ = ["NanLossHook", "FiniteCheckpointListener", "divergence_guards"]

SessionRunArgs = tf.compat.v1.train.SessionRunArgs


class NanLossHook(tf.compat.v1.train.NanTensorHook):
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
        self._values = None
        if self._loss_tensor is None:
            # the model's loss: read from the fetch every default hook shares
            self._loss_tensor = model_loss()
            if self._loss_tensor is not None:
                self._values = step_values()
        elif isinstance(self._loss_tensor, str):
            self._loss_tensor = graph_element(self._loss_tensor)
        self._global_step = tf.compat.v1.train.get_global_step()
        self._fetch = None if self._loss_tensor is None else SessionRunArgs(
            self._loss_tensor if self._values is None else self._values.fetches)

    def before_run(self, run_context):
        return self._fetch

    def _nan(self, fetched):
        if self._values is not None:
            loss = self._values.value(fetched, "loss")
            return loss != loss
        return bool(np.any(np.isnan(fetched)))

    def after_run(self, run_context, run_values):
        if self._fetch is None or not self._nan(run_values.results):
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
    if not any(isinstance(h, NanLossHook) and h._watched is None for h in hooks):
        hooks.append(NanLossHook(None, True))
    saves = bool(getattr(config, "save_checkpoints_steps", None)
                 or getattr(config, "save_checkpoints_secs", None)) or any(
        isinstance(h, tf.compat.v1.train.CheckpointSaverHook) for h in hooks)
    if saves and not any(isinstance(x, FiniteCheckpointListener) for x in listeners):
        listeners.insert(0, FiniteCheckpointListener())
    return hooks, listeners
