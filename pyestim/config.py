"""Run configuration and the key sets: ``run_config()``, ``session_config()``, ``mode_keys()``..."""

import numpy as np
import tensorflow as tf

from . import engine
from ._args import as_count, as_path
from ._lang import code, idiom, shown
from .errors import PyestimTypeError, PyestimValueError

__all__ = ["run_config", "session_config", "mode_keys", "metric_keys", "prediction_keys",
           "graph_keys", "task_type"]

_COUNT_ARGS = (
    "tf_random_seed",
    "save_summary_steps",
    "save_checkpoints_steps",
    "keep_checkpoint_max",
    "log_step_count_steps",
    "session_creation_timeout_secs",
)


def run_config(model_dir=None, tf_random_seed=None, save_summary_steps=100,
               save_checkpoints_steps=None, save_checkpoints_secs=None, session_config=None,
               keep_checkpoint_max=5, keep_checkpoint_every_n_hours=10000,
               log_step_count_steps=100, train_distribute=None, device_fn=None,
               protocol=None, eval_distribute=None, experimental_distribute=None,
               experimental_max_worker_delay_secs=None, session_creation_timeout_secs=7200,
               checkpoint_save_graph_def=True, steps_per_run=1):
    """Run configuration: where and how an estimator runs.

    Builds a ``tf.estimator.RunConfig``. Counts may be given as R numbers (``100`` arrives
    as ``100.0``); a non-integral or negative count is an error.

    Parameters
    ----------
    model_dir : str, optional
        Directory for checkpoints and summaries.
    tf_random_seed : int, optional
        Random seed. When set, pyestim also seeds Python's and NumPy's generators and turns
        on TensorFlow's op determinism for every ``train()``, ``evaluate()`` and
        ``predict()``, so runs are bit-identical.
    save_summary_steps : int
        Save summaries every this many steps.
    save_checkpoints_steps, save_checkpoints_secs : int, optional
        Save checkpoints every this many steps or seconds (at most one of them). When both
        are ``None``, TensorFlow's default applies: every 600 seconds.
    session_config : ConfigProto, optional
        Session options, from :func:`session_config`.
    keep_checkpoint_max : int
        How many recent checkpoints to keep (0 or ``None`` keeps all).
    keep_checkpoint_every_n_hours : float
        Keep one checkpoint every this many hours in addition.
    log_step_count_steps : int
        Log the loss and the global step every this many steps.
    train_distribute, eval_distribute, experimental_distribute, device_fn, protocol,
    experimental_max_worker_delay_secs, session_creation_timeout_secs,
    checkpoint_save_graph_def
        As for ``tf.estimator.RunConfig``.
    steps_per_run : int
        Training steps per ``session.run`` (as TPUEstimator's ``iterations_per_loop`` and
        Keras' ``steps_per_execution``): more than 1 runs that many steps in an in-graph
        loop over the input, which saves the per-step cost of a run on small models. The
        variables after N steps are bit for bit those of ``steps_per_run = 1`` on the same
        data; the global step counts steps, and ``steps`` and ``max_steps`` stop exactly.
        Checkpoints, summaries, the history, the progress bar and logging hooks see the
        last step of each run; only the loss and the global step can be fetched by hooks
        (a hook asking for another tensor of the model function gets an error), and of the
        model function's own summaries only ``average_loss`` is written. The input function
        must give a ``tf.data.Dataset`` (as :func:`input_fn` and :func:`numpy_input_fn`
        do); random ops such as dropout draw different numbers than with 1.

    Returns
    -------
    tf.estimator.RunConfig
    """
    args = dict(model_dir=model_dir, tf_random_seed=tf_random_seed,
                save_summary_steps=save_summary_steps,
                save_checkpoints_steps=save_checkpoints_steps,
                save_checkpoints_secs=save_checkpoints_secs,
                session_config=session_config, keep_checkpoint_max=keep_checkpoint_max,
                keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
                log_step_count_steps=log_step_count_steps, train_distribute=train_distribute,
                device_fn=device_fn, protocol=protocol, eval_distribute=eval_distribute,
                experimental_distribute=experimental_distribute,
                experimental_max_worker_delay_secs=experimental_max_worker_delay_secs,
                session_creation_timeout_secs=session_creation_timeout_secs,
                checkpoint_save_graph_def=checkpoint_save_graph_def)
    for name in _COUNT_ARGS:
        args[name] = as_count(args[name], name)
    if args["save_checkpoints_secs"] is not None:
        args["save_checkpoints_secs"] = as_count(args["save_checkpoints_secs"],
                                                 "save_checkpoints_secs")
    if (args["save_checkpoints_steps"] is not None
            and args["save_checkpoints_secs"] is not None):
        raise PyestimValueError(
            "Give at most one of save_checkpoints_steps and save_checkpoints_secs "
            f"(got {shown(save_checkpoints_steps)} and {shown(save_checkpoints_secs)}).")
    if args["save_checkpoints_steps"] is None and args["save_checkpoints_secs"] is None:
        # Leave TensorFlow's default (a checkpoint every 600 s) in place.
        del args["save_checkpoints_steps"], args["save_checkpoints_secs"]
    if model_dir is not None and not isinstance(model_dir, str):
        args["model_dir"] = as_path(model_dir, "model_dir")
    if session_config is not None and not isinstance(session_config,
                                                     tf.compat.v1.ConfigProto):
        raise PyestimTypeError(
            f"session_config must come from session_config(), got {type(session_config).__name__}.")
    steps_per_run = as_count(steps_per_run, "steps_per_run", minimum=1, allow_none=False)
    try:
        config = engine.RunConfig(**args)
    except (ValueError, TypeError, AttributeError) as err:
        # RunConfig checks some arguments itself (device_fn callable, protocol a string, ...)
        raise PyestimValueError(
            f"run_config() could not use these arguments: {err}. See help(run_config) for "
            "what each argument takes.") from err
    return engine.set_steps_per_run(config, steps_per_run)


def session_config(**kwargs):
    """Session options (a ``tf.compat.v1.ConfigProto``).

    Parameters
    ----------
    **kwargs
        Fields of ``ConfigProto``, e.g. ``intra_op_parallelism_threads=2``,
        ``inter_op_parallelism_threads=2``, ``allow_soft_placement=True``,
        ``log_device_placement=False``, ``device_count={"CPU": 1}``. Counts may be R numbers.

    Returns
    -------
    tf.compat.v1.ConfigProto
    """
    fields = tf.compat.v1.ConfigProto.DESCRIPTOR.fields_by_name
    for key, value in list(kwargs.items()):
        if key not in fields:
            raise PyestimValueError(
                f"session_config() has no option {shown(key)}; known options: "
                + ", ".join(sorted(fields)) + ".")
        if key.endswith("_threads") or key.endswith("_in_ms"):
            kwargs[key] = as_count(value, key)
        elif key == "device_count":
            if not isinstance(value, dict):
                raise PyestimTypeError(
                    "session_config(device_count=) must map device types to counts, "
                    f"e.g. {idiom(repr({'CPU': 2}), 'list(CPU = 2)')}; got {type(value).__name__}.")
            kwargs[key] = {str(k): as_count(v, f"device_count[{shown(k)}]")
                           for k, v in value.items()}
        elif fields[key].type == fields[key].TYPE_BOOL:
            if not isinstance(value, (bool, np.bool_)):
                raise PyestimTypeError(
                    f"{code(f'session_config({key}=)')} must be {code('True/False')}, got "
                    f"{shown(value)}.")
            kwargs[key] = bool(value)
    try:
        return tf.compat.v1.ConfigProto(**kwargs)
    except (ValueError, TypeError, AttributeError) as err:
        raise PyestimTypeError(
            f"session_config() could not use these options: {err}. Give numbers for counts, "
            f"{code('True/False')} for switches.") from err


def mode_keys():
    """The model modes: ``TRAIN`` ("train"), ``EVAL`` ("eval"), ``PREDICT`` ("infer")."""
    return engine.ModeKeys


def metric_keys():
    """Keys of the metrics canned estimators report (``ACCURACY``, ``LOSS_MEAN``, ...)."""
    return engine.MetricKeys


def prediction_keys():
    """Keys of canned estimators' predictions (``CLASSES``, ``PROBABILITIES``, ...)."""
    return engine.PredictionKeys


def graph_keys():
    """Standard names of graph collections (``GLOBAL_STEP``, ``LOSSES``, ...)."""
    return tf.compat.v1.GraphKeys


def task_type():
    """The task types of a run configuration's cluster: ``MASTER`` ("master"), ``PS``
    ("ps"), ``WORKER`` ("worker"), ``CHIEF`` ("chief"), ``EVALUATOR`` ("evaluator")."""
    return engine.TaskType
