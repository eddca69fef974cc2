"""The Estimator class, ``estimator()``, what you do with an estimator (``train()``,
``evaluate()``, ``predict()``, ``export_savedmodel()``: one function per verb, which takes any
estimator-like object and does the work) and the accessors.

:class:`Estimator` is a model function plus the directory its checkpoints live in, over
TensorFlow's estimator (built by the engine). What kinds of estimator differ in is declared
here as methods that :class:`pyestim.canned.CannedEstimator` overrides: the number of classes
labels must index (``n_classes()``), how :func:`input_fn` hands over features
(``feature_layout``), the serving input of an export (``default_serving_input_fn()``) and the
tidying of predictions (``tidy_prediction()``). Its ``train()`` / ``evaluate()`` /
``predict()`` methods are one-line calls of the functions of the same name.

Each verb normalises its arguments, resolves the input function against the estimator, asks
the engine to run (:mod:`pyestim.engine`'s function of the same name, the seam to
TensorFlow), and shapes the result (:mod:`pyestim.results`).
"""

import os
import shutil
import tempfile

import numpy as np

from . import engine, hook_constructors as _hooks, response_levels as levels, results
from ._args import as_bool, as_count, as_list, as_path, as_run_config, as_steps
from ._lang import carried, code, idiom, shown
from .checkpoints.reading import (latest_checkpoint, reader_checkpoint, variable_names_in,
                                  variable_value_in)
from .checkpoints.rollback import training_call
from .errors import ModelFnError, PyestimTypeError, PyestimValueError, StepsError
from .guards import calls as call_guards
from .guards.data import check_labels, checked_input_fn
from .guards.training import divergence_guards
from .hooks import HistorySaverHook, ProgressBarHook, SharedFetchHooks
from .inputs import NumpyInput, resolve_input_fn
from .model_fn import estimator_spec, model_fn_signature, wrap_model_fn
from .tf_errors import translated, unknown_predict_keys

__all__ = ["Estimator", "as_estimator", "class_count", "estimator", "estimator_spec", "train",
           "evaluate", "predict", "export_savedmodel", "latest_checkpoint", "model_dir",
           "variable_names", "variable_value", "get_variable_names", "get_variable_value"]

ModeKeys = engine.ModeKeys


def class_count(n):
    """``n`` as the number of classes (a whole number >= 1), or None if it is not one."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer, float)):
        return None
    return int(n) if float(n) == int(n) and n >= 1 else None


class Estimator:
    """An estimator: a model function plus the directory its checkpoints live in.

    Created by :func:`estimator` (or by wrapping an existing ``tf.estimator.Estimator``).
    The R package gives it the classes ``tf_estimator`` and ``tf_custom_estimator``.

    Attributes
    ----------
    estimator : tf.estimator.Estimator
        The wrapped TensorFlow estimator.
    model_fn : callable or None
        The user's model function, as given.
    feature_layout : str
        How :func:`input_fn` hands features over: ``"matrix"`` (one tensor ``[batch,
        n_features]``, for a custom model function) or ``"dict"`` (one tensor per feature).
    """

    feature_layout = "matrix"
    #: True for canned estimators (:class:`pyestim.canned.CannedEstimator`).
    canned = False
    #: Whether TensorFlow 1's estimator classes are accepted too (canned estimators use them).
    _any_tf_version = False

    def __init__(self, estimator, model_fn=None):
        if not engine.is_estimator(estimator, any_version=self._any_tf_version):
            raise PyestimTypeError(
                f"Expected a {code('tf.estimator.Estimator')}, got {type(estimator).__name__}.")
        self.estimator = estimator
        self.model_fn = model_fn

    @property
    def model_dir(self):
        return self.estimator.model_dir

    @property
    def config(self):
        return self.estimator.config

    @property
    def params(self):
        return self.estimator.params

    # What kinds of estimator differ in ----------------------------------------------------

    def n_classes(self):
        """The number of classes the labels must index, if the estimator says (a custom
        estimator through ``params$n_classes``); None otherwise."""
        params = self.params if isinstance(self.params, dict) else {}
        return class_count(params.get("n_classes"))

    def default_serving_input_fn(self):
        """The serving input function export_savedmodel() uses when none is given; a custom
        estimator has none (None)."""
        return None

    def check_data(self, data):
        """Check the data an input function feeds (names -> arrays) before TensorFlow sees
        it; a custom estimator checks nothing here (its model function reads what it
        wants)."""

    def label_vocabulary(self):
        """The classifier's ``label_vocabulary`` (it takes string labels as they are), or
        None; a custom estimator has none."""
        return None

    def tidy_prediction(self, item, single):
        """One item of TensorFlow's predictions (an example, or a batch unless ``single``)
        as predict() returns it; a custom estimator's are left as they are."""
        return item

    # The verbs as methods: each is the module's function of the same name --------------------

    def train(self, input_fn, steps=None, hooks=None, max_steps=None, saving_listeners=None):
        """See :func:`pyestim.train`."""
        return train(self, input_fn, steps, hooks, max_steps, saving_listeners)

    def evaluate(self, input_fn, steps=None, checkpoint_path=None, name=None, hooks=None,
                 simplify=True):
        """See :func:`pyestim.evaluate`."""
        return evaluate(self, input_fn, steps, checkpoint_path, name, hooks, simplify)

    def predict(self, input_fn, checkpoint_path=None, predict_keys=None, hooks=None,
                as_iterable=False, simplify=True, yield_single_examples=True):
        """See :func:`pyestim.predict`."""
        return predict(self, input_fn, checkpoint_path, predict_keys, hooks, as_iterable,
                       simplify, yield_single_examples)

    def __repr__(self):
        kind = "custom " if self.model_fn is not None else ""
        return f"<pyestim {kind}estimator, model_dir={self.model_dir!r}>"


def as_estimator(obj):
    """``obj`` as a pyestim Estimator (a TensorFlow estimator is wrapped); PyestimTypeError
    for anything else."""
    if isinstance(obj, Estimator):
        return obj
    if engine.is_estimator(obj):
        return Estimator(obj)
    raise PyestimTypeError(
        "Expected an estimator created by estimator() (or a "
        f"{code('tf.estimator.Estimator')}), got {type(obj).__name__}.")


def estimator(model_fn, model_dir=None, config=None, params=None):
    """Creates a custom estimator from a model function.

    Parameters
    ----------
    model_fn : callable
        Model function. It may declare any of ``features``, ``labels``, ``mode``,
        ``params`` and ``config``, matched by name; ``mode`` arrives as ``"train"``,
        ``"eval"`` or ``"infer"``. It returns :func:`estimator_spec`.
    model_dir : str, optional
        Directory to save model parameters, graph, etc. It can also be used to load
        checkpoints from the directory into an estimator to continue training a previously
        saved model. If None, the model_dir in ``config`` is used if set; if both are set
        they must be the same; if both are None a temporary directory is used.
    config : RunConfig, optional
        Configuration object, from :func:`run_config`.
    params : dict, optional
        Hyperparameters passed to ``model_fn`` (if it takes ``params``).

    Returns
    -------
    Estimator
    """
    if not callable(model_fn):
        raise ModelFnError(
            f"model_fn must be a function, got {type(model_fn).__name__} ({shown(model_fn, 60)}).")
    wanted = model_fn_signature(model_fn)
    if params is not None:
        if not isinstance(params, dict):
            raise PyestimTypeError(
                f"params must be a named list (a dict), got {type(params).__name__}.")
        if "params" not in wanted:
            raise ModelFnError(
                "params were given to estimator() but model_fn has no 'params' argument; add "
                "params to the model function's arguments or drop params.")
    wrapped = wrap_model_fn(model_fn, wanted, params is not None)
    est = engine.build(wrapped, model_dir=as_path(model_dir, "model_dir"),
                       config=as_run_config(config), params=params)
    return Estimator(est, model_fn=model_fn)


def _train_hooks(hooks, steps, max_steps):
    """The caller's hooks plus a history saver and a progress bar unless given; the history
    saver; and how many of the hooks the caller gave (they come first)."""
    hooks = _hooks.normalize_hooks(hooks)
    given = len(hooks)
    history = next((h for h in hooks if isinstance(h, HistorySaverHook)), None)
    if history is None:
        history = _hooks.hook_history_saver()
        hooks.append(history)
    bar = next((h for h in hooks if isinstance(h, ProgressBarHook)), None)
    if bar is None:
        bar = _hooks.hook_progress_bar()
        hooks.append(bar)
    bar.call_steps, bar.last_step = steps, max_steps
    return hooks, history, given


def _checked_input(input_fn, est, mode):
    """The input function tf.estimator calls, with what pyestim can check checked: the data
    of a pyestim input function against the estimator (canned: its feature columns)."""
    fn = resolve_input_fn(input_fn, est, mode)
    known = NumpyInput.of(fn)
    if known is None:
        return checked_input_fn(fn)
    if known.features:
        est.check_data(known.features)
    return fn  # pyestim's own: always a Dataset


def _labels_of(fn):
    """The labels of ``fn`` when pyestim knows them (a :func:`numpy_input_fn`'s), else None."""
    known = NumpyInput.of(fn)
    return known.labels if known is not None else None


def train(object, input_fn, steps=None, hooks=None, max_steps=None, saving_listeners=None):
    """Trains an estimator on the data an input function provides.

    Parameters
    ----------
    object : Estimator
        The estimator, from :func:`estimator`.
    input_fn : callable
        An input function (no arguments), or a function of one argument that, called with
        the estimator, returns the input function (``function(features_as_named_list)`` in R).
    steps : int, optional
        Number of steps to train for in this call (from the current global step). ``None``
        trains until the input function is exhausted (or forever).
    hooks : hook or list of hooks, optional
        Session run hooks. Unless given, ``hook_history_saver()`` and
        ``hook_progress_bar()`` are attached.
    max_steps : int, optional
        Total number of steps to train the model to; give ``steps`` or ``max_steps``, not
        both. Nothing happens if the model already reached it.
    saving_listeners : list, optional
        ``CheckpointSaverListener`` objects, called around checkpoint saves.

    Returns
    -------
    History
        The losses recorded by the history-saver hook.

    Notes
    -----
    Only one ``train()`` at a time may write a ``model_dir`` (a second raises
    ``ModelDirLockedError``). If the call fails before its first step has completed,
    ``model_dir`` is left as it was before the call. A NaN loss raises ``NanLossError``
    naming the step, and no checkpoint with NaN / infinite variables is saved. See
    docs/reliability.md for what is guaranteed.
    """
    est = as_estimator(object)
    call_guards.refuse_r_model_fn(est.model_fn, est.config, "train()", ("train",))
    steps, max_steps = as_steps(steps, max_steps)
    hooks, history, given = _train_hooks(hooks, steps, max_steps)
    fn = _checked_input(input_fn, est, ModeKeys.TRAIN)
    check_labels(_labels_of(fn), est.n_classes())
    hooks, listeners = divergence_guards(hooks, as_list(saving_listeners), est.config)
    hooks.append(call_guards.GlobalStepGuard())
    # pyestim's own hooks share one fetch between them: one hook to TensorFlow
    hooks = hooks[:given] + [SharedFetchHooks(hooks[given:])]
    with call_guards.r_thread_errors(), call_guards.interruptible() as stop_hook, \
            translated(est.model_dir, writing=True) as seen:
        with training_call(est.model_dir) as call:
            seen.checkpoint = call.checkpoint
            call_guards.log_resume(call.checkpoint)
            with engine.reproducible(est.config):
                engine.train(est.estimator, fn, steps, hooks + call.hooks + [stop_hook],
                             max_steps, listeners or None)
    return history.history


def evaluate(object, input_fn, steps=None, checkpoint_path=None, name=None, hooks=None,
             simplify=True):
    """Evaluates an estimator on the data an input function provides.

    Evaluation runs until ``steps`` batches are processed or the input function is exhausted.

    Parameters
    ----------
    object : Estimator
        The estimator.
    input_fn : callable
        As for :func:`train`.
    steps : int, optional
        Number of batches to evaluate; ``None`` evaluates until the input is exhausted.
    checkpoint_path : str, optional
        A specific checkpoint to evaluate; the latest in ``model_dir`` by default.
    name : str, optional
        Name of the evaluation, when several are run on different data sets.
    hooks : hook or list of hooks, optional
        Session run hooks.
    simplify : bool
        Return a one-row DataFrame (True) or a dict (False).

    Returns
    -------
    pandas.DataFrame or dict
        The metrics, the loss and the global step.
    """
    est = as_estimator(object)
    call_guards.refuse_r_model_fn(est.model_fn, est.config, "evaluate()", ("eval",))
    steps = as_count(steps, "steps", minimum=1, error=StepsError)
    hooks = _hooks.normalize_hooks(hooks)
    fn = _checked_input(input_fn, est, ModeKeys.EVAL)
    call_guards.refuse_endless(fn, "evaluate", steps=steps)
    check_labels(_labels_of(fn), est.n_classes())
    path = reader_checkpoint(est.model_dir, checkpoint_path)
    with call_guards.r_thread_errors(), engine.reproducible(est.config), \
            translated(est.model_dir, path):
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


def predict(object, input_fn, checkpoint_path=None, predict_keys=None, hooks=None,
            as_iterable=False, simplify=True, yield_single_examples=True):
    """Generates predictions for the data an input function provides.

    Parameters
    ----------
    object : Estimator
        The estimator.
    input_fn : callable
        As for :func:`train`; ``input_fn(shuffle="auto")`` does not shuffle here.
    checkpoint_path : str, optional
        A specific checkpoint to predict with; the latest in ``model_dir`` by default.
    predict_keys : str or list of str, optional
        Which predictions to return; all by default.
    hooks : hook or list of hooks, optional
        Session run hooks.
    as_iterable : bool
        Return the raw generator of predictions instead of consuming it.
    simplify : bool
        Return a DataFrame, one row per example (True), or a list of dicts (False).
    yield_single_examples : bool
        Yield one example at a time (True) or whole batches (False).

    Returns
    -------
    pandas.DataFrame, list of dict, or generator
    """
    est = as_estimator(object)
    keys = _predict_keys(predict_keys)
    hooks = _hooks.normalize_hooks(hooks)
    fn = _checked_input(input_fn, est, ModeKeys.PREDICT)
    call_guards.refuse_endless(fn, "predict", as_iterable=as_iterable)
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
    items = list(call_guards.bounded_rows(generate(), single))
    if not simplify:
        return [results.prediction_record(item) for item in items]
    return results.predictions_frame(items, yield_single_examples=single)


def export_savedmodel(object, export_dir_base, serving_input_receiver_fn=None,
                      assets_extra=None, as_text=False, checkpoint_path=None, overwrite=True,
                      versioned=None):
    """Exports the estimator as a SavedModel and returns its path: ``export_dir_base`` itself
    (replacing what was there) by default, or a new timestamped folder under it with
    ``versioned=True``, as tfestimators does.

    Parameters
    ----------
    object : Estimator
        The estimator.
    export_dir_base : str
        Directory in which to export the SavedModel.
    serving_input_receiver_fn : callable
        Function of no arguments returning a ``ServingInputReceiver``; required for custom
        estimators. For canned classifiers and regressors it defaults to parsing serialized
        ``tf.train.Example`` protos with the spec of the model's feature columns
        (``classifier_parse_example_spec()`` / ``regressor_parse_example_spec()``, without the
        label), as tfestimators does.
    assets_extra : dict, optional
        Extra assets to copy into ``assets.extra``.
    as_text : bool
        Write the SavedModel proto as text.
    checkpoint_path : str, optional
        The checkpoint to export; the latest by default.
    overwrite : bool
        Should the ``export_dir_base`` directory be overwritten? When False and not
        versioned, an existing ``export_dir_base`` is an error.
    versioned : bool, optional
        Should the model be exported under a versioned (timestamped) subdirectory? Defaults
        to ``not overwrite`` (R: ``versioned = !overwrite``).

    Returns
    -------
    str
    """
    est = as_estimator(object)
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


# --------------------------------------------------------------------------------------------
# Accessors


def model_dir(object):
    """The directory where the estimator keeps its checkpoints."""
    return as_estimator(object).model_dir


def variable_names(object):
    """The names of the variables in the estimator's latest checkpoint.

    Raises :class:`~pyestim.NotTrainedError` ("'variable_names()' must be called on a trained
    model") when there is no checkpoint yet."""
    return variable_names_in(as_estimator(object).model_dir)


def variable_value(object, variable=None):
    """The values of variables in the latest checkpoint, as a dict of name -> array: of the
    ``variable`` named (a name or a list of names), or of every variable when ``variable`` is
    None. Like tfestimators' named list, a dict also for one variable:
    ``variable_value(model, "global_step")`` is ``{"global_step": 10}``.

    ``variable`` names come from :func:`variable_names`; an unknown name raises
    "Variable not found: <name>". Object-based checkpoints (those of
    :func:`keras_model_to_estimator` estimators) store variables under keys such as
    ``layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE``; there the variable's own name
    (``"global_step"``, ``"dense/kernel"``) is accepted too, and is the dict's key.
    Raises :class:`~pyestim.NotTrainedError` when there is no checkpoint yet."""
    return variable_value_in(as_estimator(object).model_dir, variable)


def get_variable_names(object):
    """tfestimators' earlier name of :func:`variable_names` (its NAMESPACE exported
    ``get_variable_names()`` before the rename), so that code written for it runs: the same
    names, and the same error before ``train()``, naming ``get_variable_names()``."""
    return variable_names_in(as_estimator(object).model_dir, caller="get_variable_names")


def get_variable_value(object, variable=None):
    """tfestimators' earlier name of :func:`variable_value` (``get_variable_value(object,
    variable = NULL)`` before the rename), so that code written for it runs: the same dict of
    name -> array, and the same errors, naming ``get_variable_value()``."""
    return variable_value_in(as_estimator(object).model_dir, variable, caller="get_variable_value")
