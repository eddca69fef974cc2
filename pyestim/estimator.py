"""``estimator()``, ``estimator_spec()`` and what you do with an estimator: ``train()``,
``evaluate()``, ``predict()``, ``export_savedmodel()`` and the accessors.

pyestim asks four things of tf.estimator (build the graph for a mode through the model
function, and run train / evaluate / predict with hooks and checkpoints); they all go through
``Estimator.estimator``, the wrapped ``tf.estimator.Estimator``.
"""

import contextlib
import inspect
import os
import random

import numpy as np
import tensorflow as tf
from tensorflow.python.eager import context as _tf_context
from tensorflow.python.framework import config as _tf_config
from tensorflow.python.framework import ops as _tf_ops

from . import hooks as _hooks
from . import recovery as _recovery
from ._utils import as_count, as_list, as_steps
from .errors import (EstimatorSpecError, InputDataError, InputDataTypeError, ModelFnError,
                     PyestimError, PyestimTypeError, PyestimValueError, StepsError)
from .inputs import check_labels, resolve_input_fn

ModeKeys = tf.estimator.ModeKeys
_MODES = (ModeKeys.TRAIN, ModeKeys.EVAL, ModeKeys.PREDICT)
_MODEL_FN_ARGS = ("features", "labels", "mode", "params", "config")


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
    """

    def __init__(self, estimator, model_fn=None):
        if not isinstance(estimator, tf.estimator.Estimator):
            raise PyestimTypeError(
                f"Expected a tf.estimator.Estimator, got {type(estimator).__name__}.")
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

    def train(self, input_fn, steps=None, hooks=None, max_steps=None, saving_listeners=None):
        """See :func:`pyestim.train`."""
        return train(self, input_fn, steps=steps, hooks=hooks, max_steps=max_steps,
                     saving_listeners=saving_listeners)

    def evaluate(self, input_fn, steps=None, checkpoint_path=None, name=None, hooks=None,
                 simplify=True):
        """See :func:`pyestim.evaluate`."""
        return evaluate(self, input_fn, steps=steps, checkpoint_path=checkpoint_path,
                        name=name, hooks=hooks, simplify=simplify)

    def predict(self, input_fn, checkpoint_path=None, predict_keys=None, hooks=None,
                as_iterable=False, simplify=True, yield_single_examples=True):
        """See :func:`pyestim.predict`."""
        return predict(self, input_fn, checkpoint_path=checkpoint_path,
                       predict_keys=predict_keys, hooks=hooks, as_iterable=as_iterable,
                       simplify=simplify, yield_single_examples=yield_single_examples)

    def __repr__(self):
        kind = "custom " if self.model_fn is not None else ""
        return f"<pyestim {kind}estimator, model_dir={self.model_dir!r}>"


def _as_estimator(obj):
    if isinstance(obj, Estimator):
        return obj
    if isinstance(obj, tf.estimator.Estimator):
        return Estimator(obj)
    raise PyestimTypeError(
        f"Expected an estimator created by estimator() (or a tf.estimator.Estimator), got "
        f"{type(obj).__name__}.")


# --------------------------------------------------------------------------------------------
# estimator() and estimator_spec()


def _model_fn_signature(model_fn):
    try:
        sig = inspect.signature(model_fn)
    except (TypeError, ValueError):
        return list(_MODEL_FN_ARGS)
    named, var_kw = [], False
    for p in sig.parameters.values():
        if p.kind == p.VAR_KEYWORD:
            var_kw = True
        elif p.kind == p.VAR_POSITIONAL:
            continue
        elif p.kind == p.POSITIONAL_ONLY:
            raise ModelFnError(
                f"model_fn's argument {p.name!r} is positional-only; pyestim passes arguments "
                "by name (features, labels, mode, params, config).")
        else:
            named.append(p.name)
    unknown = [n for n in named if n not in _MODEL_FN_ARGS]
    if unknown:
        raise ModelFnError(
            f"model_fn has argument(s) {unknown} that the estimator cannot supply; a model "
            f"function may take any of {list(_MODEL_FN_ARGS)}, matched by name.")
    if var_kw:
        return list(_MODEL_FN_ARGS)
    if "features" not in named:
        raise ModelFnError(
            f"model_fn must take a 'features' argument; it takes {named or 'no arguments'}.")
    return named


def _wrap_model_fn(model_fn, wanted, has_params):
    def run(features, labels, mode, params, config):
        given = {"features": features, "labels": labels, "mode": mode, "params": params,
                 "config": config}
        try:
            spec = model_fn(**{k: given[k] for k in wanted})
        except (ValueError, TypeError) as err:
            if isinstance(err, PyestimError) or not _raised_by_tensorflow(err):
                raise
            raise _input_mismatch(err, features, labels, mode) from err
        if not isinstance(spec, tf.estimator.EstimatorSpec):
            raise ModelFnError(
                f"model_fn must return estimator_spec(...), but in mode {mode!r} it returned "
                f"{type(spec).__name__}. End every branch of the model function with "
                "return(estimator_spec(mode = mode, ...)).")
        return spec

    # tf.estimator warns when the model function takes params but none were given; the
    # user's function still receives params (None) from the wrapper without that argument.
    if "params" in wanted and has_params:
        def pyestim_model_fn(features, labels, mode, params, config):
            return run(features, labels, mode, params, config)
    else:
        def pyestim_model_fn(features, labels, mode, config):
            return run(features, labels, mode, None, config)
    pyestim_model_fn.__doc__ = getattr(model_fn, "__doc__", None)
    return pyestim_model_fn


def _raised_by_tensorflow(err):
    """True if the innermost frame of ``err``'s traceback is TensorFlow's (a shape or dtype
    check of an op), not the model function's own ``raise``."""
    tb = err.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    name = tb.tb_frame.f_code.co_filename.replace(os.sep, "/")
    return any(part in name for part in ("/tensorflow/", "/keras/", "/tf_keras/",
                                         "/tensorflow_estimator/"))


def _describe(value):
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_describe(v)}" for k, v in value.items()) + "}"
    if value is None:
        return "none"
    dtype = getattr(value, "dtype", None)
    shape = getattr(value, "shape", None)
    if dtype is not None and shape is not None:
        dims = "?" if shape.rank is None else \
            "[" + ", ".join("?" if d is None else str(d) for d in shape.as_list()) + "]"
        return f"{getattr(dtype, 'name', dtype)} {dims}"
    return type(value).__name__


def _input_mismatch(err, features, labels, mode):
    cls = InputDataTypeError if isinstance(err, TypeError) else InputDataError
    return cls(
        f"The model function could not be built on this input (mode {mode!r}): "
        f"{str(err).rstrip('. ')}. The "
        f"features arrive as {_describe(features)} and the labels as {_describe(labels)}; "
        "check that their shapes and dtypes are what the model function expects (e.g. the "
        "number of columns of x, or cast them with tf$cast).")


def _n_classes_of(est):
    """The number of classes the estimator's labels must index, if it says: a canned
    classifier's ``n_classes`` (without ``label_vocabulary``) or ``params$n_classes`` of a
    custom estimator. None otherwise."""
    args = getattr(est, "args", None)
    if isinstance(args, dict) and args.get("n_classes") is not None and \
            args.get("label_vocabulary") is None and getattr(est, "kind", None) == "classifier":
        n = args["n_classes"]
    else:
        params = est.params if isinstance(est.params, dict) else {}
        n = params.get("n_classes")
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer, float)):
        return None
    return int(n) if float(n) == int(n) and n >= 1 else None


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
            f"model_fn must be a function, got {type(model_fn).__name__} ({model_fn!r:.60}).")
    wanted = _model_fn_signature(model_fn)
    if params is not None:
        if not isinstance(params, dict):
            raise PyestimTypeError(
                f"params must be a named list (a dict), got {type(params).__name__}.")
        if "params" not in wanted:
            raise ModelFnError(
                "params were given to estimator() but model_fn has no 'params' argument; add "
                "params to the model function's arguments or drop params=.")
    if model_dir is not None:
        try:
            model_dir = os.fspath(model_dir)
        except TypeError:
            raise PyestimTypeError(
                f"model_dir must be a path (a string), got {type(model_dir).__name__}.") from None
    if config is not None and not isinstance(config, tf.estimator.RunConfig):
        raise PyestimTypeError(
            f"config must come from run_config(), got {type(config).__name__}.")
    wrapped = _wrap_model_fn(model_fn, wanted, params is not None)
    est = tf.estimator.Estimator(model_fn=wrapped, model_dir=model_dir, config=config,
                                 params=params)
    return Estimator(est, model_fn=model_fn)


def _metric_ops(eval_metric_ops):
    if eval_metric_ops is None:
        return None
    if not isinstance(eval_metric_ops, dict):
        raise EstimatorSpecError(
            "eval_metric_ops must map metric names to (value, update_op) pairs, e.g. "
            "list(accuracy = tf$metrics$accuracy(labels, predictions)); got "
            f"{type(eval_metric_ops).__name__}.")
    out = {}
    for name, op in eval_metric_ops.items():
        if not isinstance(name, str) or not name:
            raise EstimatorSpecError(f"eval_metric_ops names must be non-empty strings, got {name!r}.")
        if isinstance(op, tf.keras.metrics.Metric):
            out[name] = op
        elif isinstance(op, (list, tuple)) and len(op) == 2:
            out[name] = tuple(op)
        else:
            raise EstimatorSpecError(
                f"eval_metric_ops[{name!r}] must be a (value, update_op) pair as returned by "
                f"tf$metrics$*(), got {type(op).__name__}"
                + (f" of length {len(op)}" if isinstance(op, (list, tuple)) else "") + ".")
    return out


def estimator_spec(mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                   training_hooks=None, evaluation_hooks=None, prediction_hooks=None,
                   training_chief_hooks=None, **kwargs):
    """Ops and objects returned from a model function and passed to the estimator.

    Parameters
    ----------
    mode : str
        ``"train"``, ``"eval"`` or ``"infer"`` (see :func:`mode_keys`): pass on the
        ``mode`` the model function received.
    predictions : Tensor or dict of Tensor, optional
        Predictions; required in ``"infer"`` mode.
    loss : Tensor, optional
        Training loss, a scalar; required in ``"train"`` and ``"eval"`` modes.
    train_op : Operation, optional
        Op for the training step; required in ``"train"`` mode.
    eval_metric_ops : dict, optional
        Metric results keyed by name, each a ``(metric_tensor, update_op)`` pair as returned
        by ``tf.metrics.*`` (a list of two, as R passes it, is accepted).
    training_hooks, evaluation_hooks, prediction_hooks, training_chief_hooks : optional
        Session run hooks (one hook or a list) for the respective modes.
    **kwargs
        Passed on to ``tf.estimator.EstimatorSpec``: ``export_outputs``, ``scaffold``.

    Returns
    -------
    tf.estimator.EstimatorSpec
    """
    if not isinstance(mode, str) or mode not in _MODES:
        raise EstimatorSpecError(
            f"Unknown mode {mode!r}: expected one of 'train', 'eval', 'infer' "
            "(pass on the mode the model function received).")
    unknown = sorted(set(kwargs) - {"export_outputs", "scaffold"})
    if unknown:
        raise EstimatorSpecError(
            f"estimator_spec() got unexpected argument(s) {unknown}; it takes mode, "
            "predictions, loss, train_op, eval_metric_ops, the *_hooks, export_outputs and "
            "scaffold.")
    if mode == ModeKeys.TRAIN:
        if loss is None:
            raise EstimatorSpecError(
                "estimator_spec(mode = 'train') needs loss: compute the loss in the model "
                "function and pass loss = loss.")
        if train_op is None:
            raise EstimatorSpecError(
                "estimator_spec(mode = 'train') needs train_op, e.g. "
                "optimizer$minimize(loss, global_step = tf$train$get_global_step()).")
    elif mode == ModeKeys.EVAL and loss is None:
        raise EstimatorSpecError(
            "estimator_spec(mode = 'eval') needs loss: compute the loss in the model function "
            "and pass loss = loss.")
    elif mode == ModeKeys.PREDICT and predictions is None:
        raise EstimatorSpecError(
            "estimator_spec(mode = 'infer') needs predictions, e.g. "
            "list(classes = ..., probabilities = ...).")
    return tf.estimator.EstimatorSpec(
        mode=mode, predictions=predictions, loss=loss, train_op=train_op,
        eval_metric_ops=_metric_ops(eval_metric_ops),
        training_hooks=_hooks.normalize_hooks(training_hooks, "training_hooks"),
        evaluation_hooks=_hooks.normalize_hooks(evaluation_hooks, "evaluation_hooks"),
        prediction_hooks=_hooks.normalize_hooks(prediction_hooks, "prediction_hooks"),
        training_chief_hooks=_hooks.normalize_hooks(training_chief_hooks,
                                                    "training_chief_hooks"),
        **kwargs)


# --------------------------------------------------------------------------------------------
# Reproducibility


@contextlib.contextmanager
def reproducible(config):
    """With ``config.tf_random_seed`` set: seed Python's and NumPy's generators (Keras'
    layer initializers draw their op seeds from Python's ``random``) and turn on TensorFlow's
    op determinism for the duration of the call. Without a seed: nothing."""
    seed = getattr(config, "tf_random_seed", None)
    if seed is None:
        yield
        return
    random.seed(seed)
    np.random.seed(seed % (2 ** 32))
    was_on = _tf_config.is_op_determinism_enabled()
    if not was_on:
        _tf_config.enable_op_determinism()
    try:
        yield
    finally:
        if not was_on:
            _tf_config.disable_op_determinism()


# --------------------------------------------------------------------------------------------
# train / evaluate / predict


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
    :mod:`pyestim.locking` for what is guaranteed.
    """
    est = _as_estimator(object)
    steps, max_steps = as_steps(steps, max_steps)
    hooks, history = _train_hooks(hooks, steps, max_steps)
    fn = resolve_input_fn(input_fn, est, ModeKeys.TRAIN)
    check_labels(fn, _n_classes_of(est))
    hooks, listeners = _hooks.divergence_guards(hooks, as_list(saving_listeners), est.config)
    with _recovery.training_call(est.model_dir) as call:
        with reproducible(est.config):
            est.estimator.train(input_fn=fn, steps=steps, hooks=hooks + call.hooks,
                                max_steps=max_steps, saving_listeners=listeners or None)
    return history.history


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


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
    est = _as_estimator(object)
    steps = as_count(steps, "steps", minimum=1, error=StepsError)
    hooks = _hooks.normalize_hooks(hooks)
    fn = resolve_input_fn(input_fn, est, ModeKeys.EVAL)
    check_labels(fn, _n_classes_of(est))
    path = _reader_checkpoint(est, checkpoint_path)
    with reproducible(est.config), _translated(est, path):
        results = est.estimator.evaluate(input_fn=fn, steps=steps, hooks=hooks,
                                         checkpoint_path=path, name=name)
    results = {str(k): _plain(v) for k, v in results.items()}
    if not simplify:
        return results
    import pandas as pd

    return pd.DataFrame([results])


def _opt_path(path):
    return None if path is None else os.fspath(path)


def _reader_checkpoint(est, checkpoint_path):
    """The checkpoint evaluate() / predict() should read: ``checkpoint_path`` if given (it
    must be a complete checkpoint); else None (TensorFlow takes the latest) when the latest
    is complete, or the newest complete one when the latest's files are gone. A damaged
    latest checkpoint raises CheckpointError naming it."""
    if checkpoint_path is not None:
        path = os.fspath(checkpoint_path)
        _recovery.check_checkpoint_path(path)
        return path
    _recovery.recover_for_reader(est.model_dir)
    state = _recovery.read_state(est.model_dir) if os.path.isdir(est.model_dir) else None
    resolved = _recovery.resolve_latest(est.model_dir)
    if resolved is None or state is None or \
            _recovery._abs(est.model_dir, state.model_checkpoint_path) == resolved:
        return None
    return resolved


@contextlib.contextmanager
def _translated(est, checkpoint_path):
    """Turn TensorFlow's errors about a damaged or ill-fitting checkpoint, or about data
    that does not fit the model, into pyestim's."""
    try:
        yield
    except tf.errors.OpError as err:
        new = _recovery.translate_error(err, est.model_dir, checkpoint_path)
        if new is None:
            raise
        raise new from err


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
            f"predict_keys must be a name or a list of names of predictions, got {predict_keys!r}.")
    return keys


def _prediction_record(item):
    if isinstance(item, dict):
        return {str(k): _plain_prediction(v) for k, v in item.items()}
    return {"predictions": _plain_prediction(item)}


def _plain_prediction(value):
    if isinstance(value, np.ndarray) and value.dtype == object:
        return np.array([_plain(v) for v in value.reshape(-1)], dtype=object).reshape(value.shape)
    return _plain(value)


def predictions_frame(items, yield_single_examples=True):
    """Predictions (one dict per example, or per batch) as a DataFrame: one row per example,
    one column per key; vector-valued predictions become columns of arrays."""
    import pandas as pd

    records = [_prediction_record(item) for item in items]
    if not yield_single_examples:
        rows = []
        for batch in records:
            size = len(next(iter(batch.values())))
            rows.extend({k: _plain(v[i]) if not isinstance(v[i], np.ndarray) else v[i]
                         for k, v in batch.items()} for i in range(size))
        records = rows
    if not records:
        return pd.DataFrame()
    columns = {}
    for key in records[0]:
        values = [r[key] for r in records]
        if any(isinstance(v, np.ndarray) for v in values):
            col = np.empty(len(values), dtype=object)
            col[:] = values
            columns[key] = col
        else:
            columns[key] = values
    return pd.DataFrame(columns)


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
    est = _as_estimator(object)
    keys = _predict_keys(predict_keys)
    hooks = _hooks.normalize_hooks(hooks)
    fn = resolve_input_fn(input_fn, est, ModeKeys.PREDICT)

    def generate():
        path = _reader_checkpoint(est, checkpoint_path)
        with reproducible(est.config), _translated(est, path):
            yield from est.estimator.predict(
                input_fn=fn, predict_keys=keys, hooks=hooks, checkpoint_path=path,
                yield_single_examples=bool(yield_single_examples))

    if as_iterable:
        return _between_items_as_before(generate())
    items = list(generate())
    if not simplify:
        return [_prediction_record(item) for item in items]
    return predictions_frame(items, yield_single_examples=bool(yield_single_examples))


# --------------------------------------------------------------------------------------------
# predict(as_iterable=True): the caller's TensorFlow state between items
#
# tf.estimator's predict() is a generator that runs inside `with tf.Graph().as_default()`
# (and pyestim's with op determinism on, under a seed). Suspended at a yield, it would leave
# those in force for the caller: TensorFlow stays in graph mode with a finalized default
# graph, so the caller's next `tf.constant()` fails, until the generator is exhausted or
# collected (which R may do much later). So the generator runs with its own state, and the
# caller gets theirs back at every item. The state is thread-local (the default-graph stack,
# the context-switch stack, eager mode) plus the process-wide op-determinism flag.


def _tf_state():
    ctx = _tf_context.context()
    return (list(_tf_ops._default_graph_stack.stack),  # noqa: SLF001 - see the note above
            list(ctx.context_switches.stack), ctx._thread_local_data.is_eager,  # noqa: SLF001
            _tf_config.is_op_determinism_enabled())


def _set_tf_state(state):
    graphs, switches, eager, determinism = state
    ctx = _tf_context.context()
    _tf_ops._default_graph_stack.stack[:] = graphs  # noqa: SLF001
    ctx.context_switches.stack[:] = switches
    ctx._thread_local_data.is_eager = eager  # noqa: SLF001
    if determinism != _tf_config.is_op_determinism_enabled():
        (_tf_config.enable_op_determinism if determinism
         else _tf_config.disable_op_determinism)()


def _between_items_as_before(gen):
    """Yield ``gen``'s items; between them the caller's TensorFlow state is as it was before
    (see the note above), and ``gen`` resumes in its own."""
    inside = None
    while True:
        outside = _tf_state()
        if inside is not None:
            _set_tf_state(inside)
        try:
            item = next(gen)
        except StopIteration:
            _set_tf_state(outside)
            return
        except BaseException:
            _set_tf_state(outside)
            raise
        inside = _tf_state()
        _set_tf_state(outside)
        try:
            yield item
        except GeneratorExit:
            # Closed early (or collected): let the predictions' contexts end in their state.
            outside = _tf_state()
            _set_tf_state(inside)
            try:
                gen.close()
            finally:
                _set_tf_state(outside)
            raise


def export_savedmodel(object, export_dir_base, serving_input_receiver_fn=None,
                      assets_extra=None, as_text=False, checkpoint_path=None):
    """Exports the estimator as a SavedModel under ``export_dir_base`` (a timestamped
    folder) and returns its path.

    Parameters
    ----------
    object : Estimator
        The estimator.
    export_dir_base : str
        Directory in which to create the timestamped SavedModel folder.
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

    Returns
    -------
    str
    """
    est = _as_estimator(object)
    if serving_input_receiver_fn is None and getattr(est, "kind", None) in ("classifier",
                                                                           "regressor"):
        from .canned import parsing_serving_input_receiver_fn

        serving_input_receiver_fn = parsing_serving_input_receiver_fn(est)
    if serving_input_receiver_fn is None:
        raise PyestimValueError(
            "export_savedmodel() needs serving_input_receiver_fn for a custom estimator, e.g. "
            "tf.estimator.export.build_raw_serving_input_receiver_fn({'x': placeholder}).")
    path = est.estimator.export_saved_model(
        os.fspath(export_dir_base), serving_input_receiver_fn, assets_extra=assets_extra,
        as_text=bool(as_text), checkpoint_path=_opt_path(checkpoint_path))
    return path.decode() if isinstance(path, bytes) else path


# --------------------------------------------------------------------------------------------
# Accessors


def latest_checkpoint(checkpoint_dir):
    """The path of the latest checkpoint in ``checkpoint_dir``, or None if there is none.

    If the checkpoint the ``checkpoint`` state file names has lost its files, this is the
    newest complete one (with a warning); if it is damaged, CheckpointError names it."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    if not _recovery.locking.is_local(checkpoint_dir):
        return tf.train.latest_checkpoint(checkpoint_dir)
    _recovery.recover_for_reader(checkpoint_dir)
    return _recovery.resolve_latest(checkpoint_dir)


def _checkpoint_of(est):
    path = latest_checkpoint(est.model_dir)
    if path is None:
        # What TensorFlow says when there is none.
        return est.model_dir
    return path


def model_dir(object):
    """The directory where the estimator keeps its checkpoints."""
    return _as_estimator(object).model_dir


def variable_names(object):
    """The names of the variables in the estimator's latest checkpoint."""
    est = _as_estimator(object)
    return [name for name, _ in tf.train.list_variables(_checkpoint_of(est))]


def variable_value(object, variable=None):
    """The value of a variable in the latest checkpoint, or a dict of all values when
    ``variable`` is None.

    ``variable`` is a name from :func:`variable_names`. Object-based checkpoints (those of
    :func:`keras_model_to_estimator` estimators) store variables under keys such as
    ``layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE``; there the variable's own name
    (``"global_step"``, ``"dense/kernel"``) is accepted too."""
    path = _checkpoint_of(_as_estimator(object))
    names = [name for name, _ in tf.train.list_variables(path)]
    if variable is None:
        return {name: tf.train.load_variable(path, name) for name in names}
    if not isinstance(variable, str):
        raise PyestimTypeError(
            f"variable must be a variable's name (a string), got {type(variable).__name__}.")
    if variable not in names:
        key = _object_graph_keys(path, names).get(variable)
        if key is None:
            raise PyestimValueError(
                f"No variable {variable!r} in the checkpoint; variable_names() lists "
                f"{len(names)}: {', '.join(names[:10])}{' ...' if len(names) > 10 else ''}.")
        variable = key
    return tf.train.load_variable(path, variable)


_OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"


def _object_graph_keys(path, names):
    """{variable name: checkpoint key} of an object-based checkpoint (empty for a name-based
    one), from the object graph the checkpoint stores."""
    if _OBJECT_GRAPH_KEY not in names:
        return {}
    from tensorflow.core.protobuf import trackable_object_graph_pb2

    graph = trackable_object_graph_pb2.TrackableObjectGraph()
    graph.ParseFromString(tf.train.load_variable(path, _OBJECT_GRAPH_KEY))
    return {attr.full_name: attr.checkpoint_key for node in graph.nodes
            for attr in node.attributes if attr.full_name and attr.checkpoint_key in names}
