"""``train_and_evaluate()`` with ``train_spec()`` / ``eval_spec()``.

``train_and_evaluate()`` is TensorFlow's own (``tf.estimator.train_and_evaluate``): run
locally it trains and evaluates after each checkpoint; with a ``TF_CONFIG`` environment
variable naming a cluster (chief, workers, parameter servers, an evaluator) each process plays
its role in between-graph replicated, asynchronous training. See ``tests/docs_distributed.md``.
"""

import os
import warnings

from . import engine, results
from .guards import calls as guards
from ._args import as_bool, as_count, as_list
from ._lang import code, shown
from .errors import InputFnError, PyestimTypeError, PyestimValueError, StepsError
from .estimators import as_estimator
from .hook_constructors import normalize_hooks
from .hooks import HistorySaverHook, ProgressBarHook
from .inputs import resolve_input_fn

ModeKeys = engine.ModeKeys


def train_spec(input_fn, max_steps=None, hooks=None, verbose=True, view_metrics="auto"):
    """Configuration for the "train" part of :func:`train_and_evaluate`: the training data
    and how long to train.

    Parameters
    ----------
    input_fn : callable
        Training input function (as for :func:`train`: an input function, or a function of
        the estimator returning one, such as ``input_fn(data, ...)`` makes), returning
        features (a tensor or a dict of tensors) and labels.
    max_steps : int, optional
        Positive number of total steps for which to train the model. If None, train forever;
        the training input function is then not expected to run out of data.
    hooks : hook or list of hooks, optional
        Session run hooks to run on all workers (including the chief) during training.
    verbose : bool
        As tfestimators' ``verbose``: attach a history saver (:func:`hook_history_saver`,
        whose history :func:`train_and_evaluate` returns in ``.attrs["history"]``) and a
        progress bar counting up to ``max_steps`` (:func:`hook_progress_bar`: drawn on a
        terminal only), unless ``hooks`` has them already. False attaches neither.
    view_metrics : "auto" or bool
        tfestimators' switch for RStudio's live metrics viewer (tfruns): "auto" means
        ``verbose``, and outside RStudio it is always off, as in tfestimators. pyestim has
        no viewer: in RStudio, when on, a warning says so (plot the returned history
        instead).

    Returns
    -------
    engine.TrainSpec
        Its ``input_fn`` is resolved against the estimator by :func:`train_and_evaluate`.
    """
    _check_input_fn(input_fn, "train_spec")
    max_steps = as_count(max_steps, "max_steps", minimum=1, error=StepsError)
    verbose = as_bool(verbose, "verbose")
    hooks = normalize_hooks(hooks, "hooks")
    if verbose:
        hooks = _with_default_hooks(hooks, max_steps=max_steps)
    if view_metrics_on(view_metrics, verbose):
        warnings.warn(f"{code('train_spec(view_metrics=True)')}: pyestim has no metrics viewer "
                      "(tfestimators used tfruns'); plot() the history that "
                      "train_and_evaluate() returns instead.", stacklevel=2)
    return engine.TrainSpec(input_fn=input_fn, max_steps=max_steps, hooks=hooks)


def view_metrics_on(view_metrics, verbose, environ=None):
    """Whether tfestimators would open its metrics viewer: ``view_metrics`` ("auto" means
    ``verbose``), and never outside RStudio (the ``RSTUDIO`` environment variable unset)."""
    if isinstance(view_metrics, str):
        if view_metrics != "auto":
            raise PyestimValueError(f"view_metrics must be \"auto\", {code('True')} or "
                                    f"{code('False')}, got {shown(view_metrics)}.")
        view_metrics = verbose
    view_metrics = as_bool(view_metrics, "view_metrics")
    in_rstudio = (os.environ if environ is None else environ).get("RSTUDIO") is not None
    return view_metrics and in_rstudio


def _with_default_hooks(hooks, max_steps=None, steps=None, history=True):
    """``hooks`` plus what tfestimators' verbose attaches (a history saver for training, a
    progress bar), each unless one is there already."""
    if history and not any(isinstance(h, HistorySaverHook) for h in hooks):
        hooks = [*hooks, HistorySaverHook()]
    if not any(isinstance(h, ProgressBarHook) for h in hooks):
        bar = ProgressBarHook(steps=steps)
        bar.last_step = max_steps  # counts from the global step training starts at
        hooks = [*hooks, bar]
    return hooks


def eval_spec(input_fn, steps=100, name=None, hooks=None, exporters=None, start_delay_secs=120,
              throttle_secs=600, verbose=True):
    """Configuration for the "eval" part of :func:`train_and_evaluate`: evaluation of the
    trained model and its export.

    Parameters
    ----------
    input_fn : callable
        Evaluation input function (as for :func:`evaluate`).
    steps : int, optional
        Positive number of steps for which to evaluate the model. If None, evaluates until
        the input function raises an end-of-input exception.
    name : str, optional
        Name of the evaluation if user needs to run multiple evaluations on different data
        sets. Metrics for different evaluations are saved in separate folders, and appear
        separately in tensorboard.
    hooks : hook or list of hooks, optional
        Session run hooks to run during evaluation.
    exporters : Exporter or list of them, optional
        ``tf.estimator.Exporter`` objects (e.g. ``tf.estimator.LatestExporter``), invoked
        after each evaluation.
    start_delay_secs : int
        Start evaluating after waiting for this many seconds (in a distributed evaluator).
    throttle_secs : int
        Do not re-evaluate unless the last evaluation was started at least this many seconds
        ago. Evaluation does not occur if no new checkpoint is available, hence this is the
        minimum.
    verbose : bool
        As tfestimators' ``verbose``: attach a progress bar over the evaluation's ``steps``
        (:func:`hook_progress_bar`: drawn on a terminal only), unless ``hooks`` has one.
        False attaches none.

    Returns
    -------
    engine.EvalSpec
    """
    _check_input_fn(input_fn, "eval_spec")
    if name is not None and not isinstance(name, str):
        raise PyestimTypeError(f"name must be a string or {code('None')}, got {shown(name)}.")
    exporters = as_list(exporters)
    for e in exporters:
        if not isinstance(e, engine.Exporter):
            raise PyestimTypeError(
                f"exporters must be {code('tf.estimator.Exporter')} objects (e.g. "
                f"{code('tf.estimator.LatestExporter')}), got {type(e).__name__}.")
    steps = as_count(steps, "steps", minimum=1, error=StepsError)
    hooks = normalize_hooks(hooks, "hooks")
    if as_bool(verbose, "verbose"):
        hooks = _with_default_hooks(hooks, steps=steps, history=False)
    return engine.EvalSpec(
        input_fn=input_fn,
        steps=steps,
        name=name,
        hooks=hooks,
        exporters=exporters or None,
        start_delay_secs=as_count(start_delay_secs, "start_delay_secs", allow_none=False),
        throttle_secs=as_count(throttle_secs, "throttle_secs", allow_none=False))


def _check_input_fn(input_fn, where):
    if not callable(input_fn):
        raise InputFnError(
            f"{where}(): input_fn must be a function, got {type(input_fn).__name__}. Pass an "
            "input function such as input_fn(data, features, response).")


def train_and_evaluate(object, train_spec, eval_spec):
    """Train and evaluate the estimator (and export it, if the evaluation spec has
    exporters).

    This gives the same behaviour locally (non-distributed) and in distributed
    configurations (between-graph replication with parameter servers, set up by the
    ``TF_CONFIG`` environment variable of each process). The only supported stop condition
    is ``train_spec``'s ``max_steps``; with ``max_steps = NULL`` the model trains forever.
    In a cluster, every worker reads the training input on its own: an input function that
    stops after one epoch gives one epoch per worker.

    Parameters
    ----------
    object : Estimator
        An estimator to train and evaluate (canned, custom or from Keras).
    train_spec : TrainSpec
        From :func:`train_spec`.
    eval_spec : EvalSpec
        From :func:`eval_spec`.

    Returns
    -------
    pandas.DataFrame or None
        Run locally: the last evaluation's metrics as a one-row data frame (as
        :func:`evaluate` returns them), with the exporters' results, if any, in
        ``.attrs["export_results"]`` and the training :class:`History` (when ``train_spec``
        has a history saver, as ``verbose`` gives it) in ``.attrs["history"]``. In a cluster (``TF_CONFIG`` set), None: the chief,
        the workers and the parameter servers do not evaluate; the evaluator writes its
        metrics to ``model_dir``.
    """
    est = as_estimator(object)
    guards.refuse_r_model_fn(est.model_fn, est.config, "train_and_evaluate()")
    if not isinstance(train_spec, engine.TrainSpec):
        raise PyestimTypeError(
            f"train_spec must come from train_spec(), got {type(train_spec).__name__}.")
    if not isinstance(eval_spec, engine.EvalSpec):
        raise PyestimTypeError(
            f"eval_spec must come from eval_spec(), got {type(eval_spec).__name__}.")
    train = train_spec._replace(input_fn=resolve_input_fn(
        train_spec.input_fn, est, ModeKeys.TRAIN, "train_spec's input_fn"))
    evaluation = eval_spec._replace(input_fn=resolve_input_fn(
        eval_spec.input_fn, est, ModeKeys.EVAL, "eval_spec's input_fn"))
    with guards.r_thread_errors(), engine.reproducible(est.config):
        result = engine.train_and_evaluate(est.estimator, train, evaluation)
    if result is None:
        return None
    metrics, exports = result
    frame = results.metrics(metrics)
    frame.attrs["export_results"] = [results.plain(p) for p in (exports or [])]
    saver = next((h for h in train.hooks or () if isinstance(h, HistorySaverHook)), None)
    if saver is not None:
        frame.attrs["history"] = saver.history
    return frame


__all__ = ["train_spec", "eval_spec", "train_and_evaluate", "view_metrics_on"]
