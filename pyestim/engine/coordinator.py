"""tf.estimator under TensorFlow's distribute coordinator, on the current stack.

A ``RunConfig`` with a distribution strategy (``train_distribute``) and a ``TF_CONFIG``
cluster makes tf.estimator run through TensorFlow's *distribute coordinator*
(``tensorflow.python.distribute.distribute_coordinator``, still shipped by TensorFlow 2.21).
The coordinator starts this task's gRPC server, configures a copy of the strategy for the task
(``strategy.configure``) and calls back into the estimator under a *worker context* that names
the task, its session target and whether it is the chief. TensorFlow 2.16 removed only the
glue between the two (``tensorflow.python.distribute.estimator_training``); this module is
pyestim's own version of that glue, written from TensorFlow 2.15's documented behaviour. The
compatibility layer (:mod:`pyestim.engine.tf216`) installs it in the stand-in module that
tensorflow-estimator imports; on the reference stack TensorFlow's own module runs and this one
is never used.

What tensorflow-estimator asks of the glue, and what happens here:

* when a ``RunConfig`` with a strategy is built: :func:`set_up_cluster` records the
  coordinator's mode. ``independent_worker``: the strategy is trained over a ``TF_CONFIG``
  cluster without a ``master`` job; every process (chief, workers, evaluator, and parameter
  servers for a parameter-server strategy) runs the same script. ``standalone_client``:
  ``experimental_distribute=DistributeConfig(remote_cluster=...)`` names servers that this
  process drives as a client. Otherwise (no cluster, a ``master`` job, or no training strategy)
  the config is set up as it is without the coordinator.
* ``train_and_evaluate()``: :func:`train_and_evaluate` hands the coordinator one function
  that trains (chief and workers) and one that evaluates continuously (evaluator); each runs a
  copy of the estimator whose config describes this task (:func:`configure_for_task`).
* ``Estimator.train()`` / ``evaluate()`` with a coordinator mode: :func:`estimator_train` and
  :func:`estimator_evaluate`, supported as in 2.15 only for a standalone client with an
  in-graph strategy (between-graph strategies need ``train_and_evaluate()``).

TensorFlow is imported when these functions run (this module is loaded before TensorFlow, see
:func:`pyestim.engine.tf216.apply`).
"""

import copy

from .. import _lazy


# tf216 loads this module before TensorFlow, NumPy or anything of pyestim that needs them
# (the stack check must run first): the caller's-language helpers are loaded when a message is
# written.
def code(text):
    return _lazy.load("pyestim._lang").code(text)


def shown(value):
    return _lazy.load("pyestim._lang").shown(value)

__all__ = ["STANDALONE_CLIENT", "INDEPENDENT_WORKER", "set_up_cluster", "global_id",
           "configure_for_task", "train_and_evaluate", "estimator_train", "estimator_evaluate"]

# The coordinator's modes (the values of tensorflow's CoordinatorMode, which RunConfig stores
# in _distribute_coordinator_mode).
STANDALONE_CLIENT = "standalone_client"
INDEPENDENT_WORKER = "independent_worker"

_CHIEF, _WORKER, _PS, _EVALUATOR = "chief", "worker", "ps", "evaluator"


def _coordinator():
    from tensorflow.python.distribute import distribute_coordinator

    return distribute_coordinator


def _worker_context():
    from tensorflow.python.distribute import distribute_coordinator_context

    return distribute_coordinator_context.get_current_worker_context()


def _log():
    from tensorflow.python.platform import tf_logging

    return tf_logging


def _cluster_spec(cluster):
    from tensorflow.python.training import server_lib

    return server_lib.ClusterSpec(cluster or {})


def set_up_cluster(config, tf_config):
    """Set up ``config`` (a RunConfig being built with a distribution strategy) for the
    cluster in ``tf_config`` (the parsed ``TF_CONFIG``, ``{}`` when unset): record the
    coordinator's mode in ``config._distribute_coordinator_mode`` (None when the coordinator
    is not needed) and the cluster. Runs after ``experimental_distribute``'s strategies were
    copied into ``train_distribute`` / ``eval_distribute``."""
    tf_config = tf_config or {}
    cluster = _cluster_spec(tf_config.get("cluster"))
    remote = getattr(config._experimental_distribute, "remote_cluster", None)
    # Start from a local setting; the coordinator (or the branch below) fills in the rest.
    config._init_distributed_setting_from_environment_var({})
    if config._train_distribute and remote:
        if cluster:
            raise ValueError(
                "RunConfig got both a cluster in the TF_CONFIG environment variable and "
                "experimental_distribute's remote_cluster: give the cluster in one place "
                "(unset TF_CONFIG to drive the remote cluster as a client).")
        config._distribute_coordinator_mode = STANDALONE_CLIENT
        config._cluster_spec = remote
        _log().info("RunConfig set up for the distribute coordinator as a standalone client")
        return
    if not tf_config or "master" in cluster.jobs or not config._train_distribute:
        config._distribute_coordinator_mode = None
        config._init_distributed_setting_from_environment_var(tf_config)
        config._maybe_overwrite_session_config_for_distributed_training()
        return
    # The task's own settings (type, index, chief, session target) come from the
    # coordinator's worker context when it runs (configure_for_task).
    config._cluster_spec = cluster
    config._distribute_coordinator_mode = INDEPENDENT_WORKER
    _log().info("RunConfig set up for the distribute coordinator: each task of the "
                "TF_CONFIG cluster runs on its own (independent worker)")


def global_id(cluster_spec, task_type, task_id):
    """The task's number across the cluster, as ``RunConfig.global_id_in_cluster`` documents
    it: the chief first, then the other jobs in alphabetical order, the parameter servers
    last, counting every task of each job. 0 without a task type."""
    if not task_type:
        return 0
    jobs = set(cluster_spec.jobs)
    order = ([_CHIEF] if _CHIEF in jobs else []) + sorted(jobs - {_CHIEF, _PS})
    order += [_PS] if _PS in jobs else []
    first = 0
    for job in order:
        if job == task_type:
            return first + task_id
        first += len(cluster_spec.job_tasks(job))
    raise ValueError(f"The task type {shown(task_type)} is not a job of the cluster "
                     f"{shown(cluster_spec.as_dict())}: TF_CONFIG's task must name one of its "
                     "jobs.")


def configure_for_task(config, context):
    """Make ``config`` (a task's copy of the RunConfig) describe the task that the
    coordinator's worker ``context`` runs: its cluster, type, index, session target, whether
    it is the chief, the number of workers and parameter servers, and its global id. The
    evaluator sees no cluster (it evaluates on its own)."""
    config._service = None
    config._cluster_spec = context.cluster_spec
    config._task_type, config._task_id = context.task_type, context.task_id
    config._master = config._evaluation_master = context.master_target
    config._is_chief = context.is_chief
    if not config._cluster_spec:
        config._num_ps_replicas, config._num_worker_replicas = 0, 1
        config._global_id_in_cluster = 0
    elif config._task_type == _EVALUATOR:
        config._cluster_spec = _cluster_spec({})
        config._num_ps_replicas = config._num_worker_replicas = 0
        config._global_id_in_cluster = None
    else:
        jobs = config._cluster_spec.as_dict()
        config._num_ps_replicas = len(jobs.get(_PS, ()))
        config._num_worker_replicas = len(jobs.get(_WORKER, ())) + len(jobs.get(_CHIEF, ()))
        config._global_id_in_cluster = global_id(config._cluster_spec, config._task_type,
                                                 config._task_id)


def _task_estimator(estimator, strategy, purpose, keep_mode=False):
    """A copy of ``estimator`` for the task the coordinator runs now, using ``strategy``
    (already configured for the task) for ``purpose`` ("train" or "eval"). Unless
    ``keep_mode``, its config no longer names a coordinator mode, so that its train() /
    evaluate() run the task's own loop instead of starting the coordinator again."""
    task = copy.deepcopy(estimator)
    setattr(task._config, f"_{purpose}_distribute", strategy)
    configure_for_task(task._config, _worker_context())
    setattr(task, f"_{purpose}_distribution", strategy)
    if not keep_mode:
        task._config._distribute_coordinator_mode = None
    _log().info("Configuration of this task: %s", vars(task._config))
    return task


def _run(config, train_fn, strategy, eval_fn=None, eval_strategy=None):
    cluster = config.cluster_spec if config._distribute_coordinator_mode == STANDALONE_CLIENT \
        else None  # independent workers read the cluster from TF_CONFIG
    return _coordinator().run_distribute_coordinator(
        train_fn, strategy, eval_fn, eval_strategy, mode=config._distribute_coordinator_mode,
        cluster_spec=cluster, session_config=config.session_config)


def train_and_evaluate(estimator, train_spec, eval_spec, executor_cls):
    """``tf.estimator.train_and_evaluate`` under the coordinator: chief and workers train
    (with ``train_spec``'s hooks; a standalone client runs them on the chief's thread only),
    the evaluator evaluates each new checkpoint as ``executor_cls`` (tf.estimator's training
    executor) does, parameter servers serve. Returns None, as TensorFlow 2.15 does."""
    config = estimator.config
    mode = getattr(config, "_distribute_coordinator_mode", None)
    if not mode:
        raise ValueError("train_and_evaluate() was asked to run the distribute coordinator, "
                         "but the RunConfig names no coordinator mode: build the RunConfig "
                         "with a train_distribute strategy and a TF_CONFIG cluster.")

    def train(strategy):
        task = _task_estimator(estimator, strategy, "train")
        every_thread = mode == INDEPENDENT_WORKER or _worker_context().is_chief
        hooks = list(train_spec.hooks) if every_thread else []
        task.train(input_fn=train_spec.input_fn, max_steps=train_spec.max_steps, hooks=hooks)

    def evaluate(strategy):
        task = _task_estimator(estimator, strategy, "eval")
        executor_cls(task, train_spec, eval_spec)._start_continuous_evaluation()

    _run(config, train, config.train_distribute, evaluate, config.eval_distribute)


def _check_standalone(estimator, strategy, method):
    config = estimator._config
    if not (config._distribute_coordinator_mode and config.cluster_spec and strategy):
        raise ValueError(f"Estimator.{method}() was asked to run the distribute coordinator "
                         "without a coordinator mode, a cluster and a strategy in its "
                         "RunConfig.")
    if _EVALUATOR in config.cluster_spec.jobs:
        raise ValueError(f"An 'evaluator' job in the cluster needs train_and_evaluate(); "
                         f"Estimator.{method}() cannot use it. Remove the evaluator from "
                         "the cluster or call train_and_evaluate().")
    if config._distribute_coordinator_mode != STANDALONE_CLIENT:
        raise ValueError(f"Estimator.{method}() over a TF_CONFIG cluster needs "
                         "train_and_evaluate(); on its own it runs only as a standalone "
                         "client ("
                         f"{code('experimental_distribute=DistributeConfig(remote_cluster=...)')}"
                         ").")
    if strategy.extended.experimental_between_graph:
        raise ValueError(f"Estimator.{method}() as a standalone client does not support "
                         f"{type(strategy).__name__} (a between-graph strategy): use "
                         "train_and_evaluate() on every task instead.")


def _chief_only(hooks):
    return hooks if _worker_context().is_chief else []


def estimator_train(estimator, train_distributed_fn, hooks):
    """``Estimator.train()`` as a standalone client: ``train_distributed_fn(task_estimator,
    strategy, hooks)`` runs under the coordinator, with ``hooks`` on the chief only."""
    _check_standalone(estimator, estimator._config._train_distribute, "train")

    def train(strategy):
        task = _task_estimator(estimator, strategy, "train", keep_mode=True)
        train_distributed_fn(task, strategy, _chief_only(hooks))
        return task

    return _run(estimator._config, train, estimator._config.train_distribute)


def estimator_evaluate(estimator, evaluate_distributed_fn, hooks):
    """``Estimator.evaluate()`` as a standalone client, as :func:`estimator_train`."""
    _check_standalone(estimator, estimator._config._eval_distribute, "evaluate")

    def evaluate(strategy):
        task = _task_estimator(estimator, strategy, "eval", keep_mode=True)
        return evaluate_distributed_fn(task, strategy, _chief_only(hooks))

    return _run(estimator._config, evaluate, estimator._config.eval_distribute)
