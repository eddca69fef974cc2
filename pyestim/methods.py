"""What you do with an estimator: train / evaluate / predict / export, as functions over a
pyestim :class:`~pyestim.Estimator` (already checked: :mod:`pyestim.estimator` holds the public
functions, which take any estimator-like object, and the class's methods, which call these).

Each call normalises its arguments, resolves the input function against the estimator, asks
the engine to run, and shapes the result (:mod:`pyestim.results`). What kinds of estimator
differ in comes from the estimator's own methods (``n_classes()``,
``default_serving_input_fn()``, ``tidy_prediction()``).
"""

import os
import shutil
import tempfile

import numpy as np

from . import engine, guards, hooks as _hooks, levels, recovery, results
from ._args import as_bool, as_count, as_list, as_steps
from .checkpoints import reader_checkpoint
from ._lang import carried, code, idiom, shown
from .errors import PyestimValueError, StepsError
from .inputs import check_labels, resolve_input_fn
from .translate import checked_input_fn, translated, unknown_predict_keys

__all__ = ["train", "evaluate", "predict", "export_savedmodel"]

ModeKeys = engine.ModeKeys


def _train_hooks(hooks, steps, max_steps):
    hooks = _hooks.normalize_hooks(hooks)
    history = next((h for h in hooks if isinstance(h, _hooks.HistorySaverHook)), None)
    if history is None:
        history = _hooks.hook_history_saver()
        hooks.append(history)
    bar = next((h for h in hooks if isinstance(h, _hooks.ProgressBarHook)), None)
    if bar is None:
        bar = _hooks.hook_progress_bar()
        hooks.append(bar)
    bar.call_steps, bar.last_step = steps, max_steps
    return hooks, history


def _checked_input(input_fn, est, mode):
    """The input function tf.estimator calls, with what pyestim can check checked: the data
    of a pyestim input function against the estimator (canned: its feature columns)."""
    fn = resolve_input_fn(input_fn, est, mode)
    meta = getattr(fn, "pyestim_numpy_input", None)
    if isinstance(meta, dict) and meta.get("features"):
        est.check_data(meta["features"])
    return checked_input_fn(fn)


def train(est, input_fn, steps=None, hooks=None, max_steps=None, saving_listeners=None):
    """See :func:`pyestim.train`."""
    steps, max_steps = as_steps(steps, max_steps)
    hooks, history = _train_hooks(hooks, steps, max_steps)
    fn = _checked_input(input_fn, est, ModeKeys.TRAIN)
    check_labels(fn, est.n_classes())
    hooks, listeners = _hooks.divergence_guards(hooks, as_list(saving_listeners), est.config)
    hooks.append(guards.GlobalStepGuard())
    with guards.interruptible() as stop_hook, translated(est.model_dir, writing=True) as seen:
        with recovery.training_call(est.model_dir) as call:
            seen.checkpoint = call.checkpoint
            guards.log_resume(call.checkpoint)
            with engine.reproducible(est.config):
                engine.train(est.estimator, fn, steps, hooks + call.hooks + [stop_hook],
                             max_steps, listeners or None)
    return history.history


def evaluate(est, input_fn, steps=None, checkpoint_path=None, name=None, hooks=None,
             simplify=True):
    """See :func:`pyestim.evaluate`."""
    steps = as_count(steps, "steps", minimum=1, error=StepsError)
    hooks = _hooks.normalize_hooks(hooks)
    fn = _checked_input(input_fn, est, ModeKeys.EVAL)
    guards.refuse_endless(fn, "evaluate", steps=steps)
    check_labels(fn, est.n_classes())
    path = reader_checkpoint(est.model_dir, checkpoint_path)
    with engine.reproducible(est.config), translated(est.model_dir, path):
        metrics = engine.evaluate(est.estimator, fn, steps, hooks, path, name)
    return results.metrics(metrics, simplify)


def _predict_keys(predict_keys):
    if predict_keys is None:
        return None
    if isinstance(predict_keys, str):
        keys = [predict_keys]
    elif isinstance(predict_keys, (list, tuple, np.ndarray)):
        keys = list(predict_keys)
    else:
        keys = []
    if not keys or not all(isinstance(k, str) for k in keys):
        raise PyestimValueError(
            "predict_keys must be a name or a list of names of predictions, got "
            f"{shown(predict_keys)}.")
    return keys


def predict(est, input_fn, checkpoint_path=None, predict_keys=None, hooks=None,
            as_iterable=False, simplify=True, yield_single_examples=True):
    """See :func:`pyestim.predict`."""
    keys = _predict_keys(predict_keys)
    hooks = _hooks.normalize_hooks(hooks)
    fn = _checked_input(input_fn, est, ModeKeys.PREDICT)
    guards.refuse_endless(fn, "predict", as_iterable=as_iterable)
    single = bool(yield_single_examples)

    def generate():
        path = reader_checkpoint(est.model_dir, checkpoint_path)
        stored = levels.stored_levels(est.model_dir)  # a factor response's levels, if any
        with engine.reproducible(est.config), translated(est.model_dir, path):
            try:
                for item in engine.predict(est.estimator, fn, keys, hooks, path, single):
                    yield levels.name_classes(est.tidy_prediction(item, single), stored)
            except ValueError as err:
                new = unknown_predict_keys(err)
                if new is None:
                    raise
                raise new from err

    if as_iterable:
        return engine.between_items_as_before(carried(generate()))
    items = list(guards.bounded_rows(generate(), single))
    if not simplify:
        return [results.prediction_record(item) for item in items]
    return results.predictions_frame(items, yield_single_examples=single)


def export_savedmodel(est, export_dir_base, serving_input_receiver_fn=None, assets_extra=None,
                      as_text=False, checkpoint_path=None, overwrite=True, versioned=None):
    """See :func:`pyestim.export_savedmodel`."""
    overwrite = as_bool(overwrite, "overwrite")
    versioned = (not overwrite) if versioned is None else as_bool(versioned, "versioned")
    base = os.path.abspath(os.fspath(export_dir_base))
    if serving_input_receiver_fn is None:
        serving_input_receiver_fn = est.default_serving_input_fn()
    if serving_input_receiver_fn is None:
        raise PyestimValueError(
            "export_savedmodel() needs serving_input_receiver_fn for a custom estimator, e.g. "
            + idiom("tf.estimator.export.build_raw_serving_input_receiver_fn("
                    "{'x': placeholder})",
                    "tf$estimator$export$build_raw_serving_input_receiver_fn("
                    "list(x = placeholder))")
            + ".")
    if not versioned and not overwrite and os.path.lexists(base):
        raise PyestimValueError(
            f"export_dir_base {shown(base)} already exists and {code('overwrite=False')}: pass "
            f"{code('overwrite=True')} to replace it, {code('versioned=True')} to export into a "
            "new timestamped folder under it, or another export_dir_base.")

    def export(where):
        return engine.export(
            est.estimator, where, serving_input_receiver_fn, assets_extra, bool(as_text),
            None if checkpoint_path is None else os.fspath(checkpoint_path))

    if versioned:
        return export(base)
    return _export_in_place(export, base)


def _export_in_place(export, base):
    """Export into ``base`` itself (tfestimators' ``versioned = FALSE``): into a timestamped
    folder beside it first, which then replaces ``base``, so a failed export leaves ``base``
    as it was."""
    parent = os.path.dirname(base)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".export-", dir=parent)
    try:
        path = export(staging)
        if os.path.isdir(base) and not os.path.islink(base):
            shutil.rmtree(base)
        elif os.path.lexists(base):
            os.remove(base)
        os.replace(path, base)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return base
