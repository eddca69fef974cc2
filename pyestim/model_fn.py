"""The model function: ``estimator_spec()``, what a model function returns, and the
adaptation of the user's model function to what tf.estimator calls.

A model function may declare any of ``features``, ``labels``, ``mode``, ``params`` and
``config``; they are passed by name. Its errors reach the user unchanged, except TensorFlow's
own shape and dtype errors while building the graph, which name the input
(:func:`pyestim.tf_errors.input_mismatch`). An R model function (marked by the R package's
bridge) called from a thread other than R's raises RThreadError at once instead of calling R,
which would hang (:func:`pyestim.guards.calls.refuse_r_thread`).
"""

import inspect

import tensorflow as tf

from . import engine
from .hook_constructors import normalize_hooks
from .guards import calls as guards
from ._lang import code, idiom, shown
from .errors import EstimatorSpecError, ModelFnError, PyestimError
from .tf_errors import input_mismatch, missing_feature, raised_by_tensorflow

__all__ = ["estimator_spec", "model_fn_signature", "wrap_model_fn", "MODEL_FN_ARGS"]

ModeKeys = engine.ModeKeys
_MODES = (ModeKeys.TRAIN, ModeKeys.EVAL, ModeKeys.PREDICT)
MODEL_FN_ARGS = ("features", "labels", "mode", "params", "config")


def model_fn_signature(model_fn):
    try:
        sig = inspect.signature(model_fn)
    except (TypeError, ValueError):
        return list(MODEL_FN_ARGS)
    named, var_kw = [], False
    for p in sig.parameters.values():
        if p.kind == p.VAR_KEYWORD:
            var_kw = True
        elif p.kind == p.VAR_POSITIONAL:
            continue
        elif p.kind == p.POSITIONAL_ONLY:
            raise ModelFnError(
                f"model_fn's argument {shown(p.name)} is positional-only; pyestim passes arguments "
                "by name (features, labels, mode, params, config).")
        else:
            named.append(p.name)
    unknown = [n for n in named if n not in MODEL_FN_ARGS]
    if unknown:
        raise ModelFnError(
            f"model_fn has argument(s) {shown(unknown)} that the estimator cannot supply; a "
            f"model function may take any of {shown(list(MODEL_FN_ARGS))}, matched by name.")
    if var_kw:
        return list(MODEL_FN_ARGS)
    if "features" not in named:
        raise ModelFnError(
            f"model_fn must take a 'features' argument; it takes {named or 'no arguments'}.")
    return named


def wrap_model_fn(model_fn, wanted, has_params):
    in_r = guards.is_r_function(model_fn)

    def run(features, labels, mode, params, config):
        if in_r:  # R runs in its main thread only: raise rather than hang (see guards)
            guards.refuse_r_thread(getattr(model_fn, "__name__", "model_fn"))
        given = {"features": features, "labels": labels, "mode": mode, "params": params,
                 "config": config}
        try:
            spec = model_fn(**{k: given[k] for k in wanted})
        except (ValueError, TypeError) as err:
            if isinstance(err, PyestimError) or not raised_by_tensorflow(err):
                raise
            raise input_mismatch(err, features, labels, mode) from err
        except KeyError as err:
            new = missing_feature(err, features)
            if new is None:
                raise
            raise new from err
        if not isinstance(spec, engine.EstimatorSpec):
            raise ModelFnError(
                f"model_fn must return estimator_spec(...), but in mode {shown(mode)} it returned "
                f"{type(spec).__name__}. End every branch of the model function with "
                + idiom("return estimator_spec(mode=mode, ...)",
                        "return(estimator_spec(mode = mode, ...))") + ".")
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


def _spec_call(mode):
    """estimator_spec(mode='train') in the caller's language."""
    return code("estimator_spec(mode={})", mode)


def _metric_ops(eval_metric_ops):
    if eval_metric_ops is None:
        return None
    if not isinstance(eval_metric_ops, dict):
        raise EstimatorSpecError(
            "eval_metric_ops must map metric names to (value, update_op) pairs, e.g. "
            + idiom("{'accuracy': tf.metrics.accuracy(labels, predictions)}",
                    "list(accuracy = tf$metrics$accuracy(labels, predictions))")
            + f"; got {type(eval_metric_ops).__name__}.")
    out = {}
    for name, op in eval_metric_ops.items():
        if not isinstance(name, str) or not name:
            raise EstimatorSpecError(f"eval_metric_ops names must be non-empty strings, got "
                                     f"{shown(name)}.")
        if isinstance(op, tf.keras.metrics.Metric):
            out[name] = op
        elif isinstance(op, (list, tuple)) and len(op) == 2:
            out[name] = tuple(op)
        else:
            raise EstimatorSpecError(
                f"eval_metric_ops[{shown(name)}] must be a (value, update_op) pair as returned by "
                f"{code('tf.metrics.*()')}, got {type(op).__name__}"
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
            f"Unknown mode {shown(mode)}: expected one of 'train', 'eval', 'infer' "
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
                f"{_spec_call('train')} needs loss: compute the "
                f"loss in the model function and pass {code('loss=loss')}.")
        if train_op is None:
            raise EstimatorSpecError(
                f"{_spec_call('train')} needs train_op, e.g. "
                f"{code('optimizer.minimize(loss, global_step=tf.train.get_global_step())')}.")
    elif mode == ModeKeys.EVAL and loss is None:
        raise EstimatorSpecError(
            f"{_spec_call('eval')} needs loss: compute the loss "
            f"in the model function and pass {code('loss=loss')}.")
    elif mode == ModeKeys.PREDICT and predictions is None:
        raise EstimatorSpecError(
            f"{_spec_call('infer')} needs predictions, e.g. "
            + idiom("{'classes': ..., 'probabilities': ...}",
                    "list(classes = ..., probabilities = ...)") + ".")
    return engine.EstimatorSpec(
        mode=mode, predictions=predictions, loss=loss, train_op=train_op,
        eval_metric_ops=_metric_ops(eval_metric_ops),
        training_hooks=normalize_hooks(training_hooks, "training_hooks"),
        evaluation_hooks=normalize_hooks(evaluation_hooks, "evaluation_hooks"),
        prediction_hooks=normalize_hooks(prediction_hooks, "prediction_hooks"),
        training_chief_hooks=normalize_hooks(training_chief_hooks,
                                                    "training_chief_hooks"),
        **kwargs)
