"""How tf.estimator sets up a RunConfig for TensorFlow's distribute coordinator: the same on
both stacks (TensorFlow 2.15's own glue on the reference stack, pyestim.engine.coordinator on
the current one). In-process and without servers; the clusters that really train are in
tests/test_distributed.py.

Expectations come from TensorFlow 2.15's documentation: a strategy over a TF_CONFIG cluster
without a "master" job runs each task as an independent worker; a "master" job, no cluster or
no training strategy leave the coordinator out; RunConfig.global_id_in_cluster numbers the
chief first, then the other jobs alphabetically, the parameter servers last.
"""

import json
import types

import pytest

import pyestim as pe
from pyestim.engine import coordinator

CLUSTER = {"chief": ["127.0.0.1:1"], "worker": ["127.0.0.1:2", "127.0.0.1:3"],
           "ps": ["127.0.0.1:4", "127.0.0.1:5"]}


def config_for(monkeypatch, cluster, task_type, strategy=True, index=0):
    monkeypatch.setenv("TF_CONFIG", json.dumps(
        {"cluster": cluster, "task": {"type": task_type, "index": index}}))
    distribute = pe.tf.distribute.MirroredStrategy(["/cpu:0"]) if strategy else None
    return pe.run_config(train_distribute=distribute)


def test_strategy_over_a_cluster_runs_independent_workers(monkeypatch):
    config = config_for(monkeypatch, CLUSTER, "worker", index=1)
    assert config._distribute_coordinator_mode == "independent_worker"
    assert config.cluster_spec.as_dict() == CLUSTER
    # The task's own settings come from the coordinator when it runs, not from TF_CONFIG.
    assert config.task_type is None or config.task_type == "worker"


@pytest.mark.parametrize("cluster, strategy", [
    ({"master": ["127.0.0.1:1"], "worker": ["127.0.0.1:2"]}, True),  # a master job
    (CLUSTER, False),                                                  # no strategy
])
def test_no_coordinator_without_its_conditions(monkeypatch, cluster, strategy):
    task = "master" if "master" in cluster else "chief"
    config = config_for(monkeypatch, cluster, task, strategy=strategy)
    assert not getattr(config, "_distribute_coordinator_mode", None)
    assert config.task_type == task and config.is_chief


def test_no_coordinator_without_a_cluster(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    config = pe.run_config(train_distribute=pe.tf.distribute.MirroredStrategy(["/cpu:0"]))
    assert config._distribute_coordinator_mode is None
    assert not config.cluster_spec


def test_global_id_in_cluster_order():
    spec = pe.tf.train.ClusterSpec({**CLUSTER, "evaluator": ["127.0.0.1:6"]})
    expected = {("chief", 0): 0, ("evaluator", 0): 1, ("worker", 0): 2, ("worker", 1): 3,
                ("ps", 0): 4, ("ps", 1): 5}
    for (task_type, task_id), number in expected.items():
        assert coordinator.global_id(spec, task_type, task_id) == number
    assert coordinator.global_id(spec, None, None) == 0
    with pytest.raises(ValueError, match="not a job of the cluster"):
        coordinator.global_id(spec, "master", 0)


def test_global_id_agrees_with_run_config(monkeypatch):
    """Without a strategy, RunConfig numbers the task itself: the glue must agree."""
    spec = pe.tf.train.ClusterSpec(CLUSTER)
    for task_type, addresses in CLUSTER.items():
        for index in range(len(addresses)):
            config = config_for(monkeypatch, CLUSTER, task_type, strategy=False, index=index)
            assert coordinator.global_id(spec, task_type, index) == \
                config.global_id_in_cluster


def _context(cluster, task_type, task_id, chief):
    spec = pe.tf.train.ClusterSpec(cluster)
    master = f"grpc://{cluster[task_type][task_id]}" if task_type != "evaluator" else ""
    return types.SimpleNamespace(cluster_spec=spec, task_type=task_type, task_id=task_id,
                                 master_target=master, is_chief=chief)


def test_configure_for_task(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    config = pe.run_config()
    coordinator.configure_for_task(config, _context(CLUSTER, "worker", 1, False))
    assert (config.task_type, config.task_id, config.is_chief) == ("worker", 1, False)
    assert config.master == config.evaluation_master == "grpc://127.0.0.1:3"
    assert (config.num_worker_replicas, config.num_ps_replicas) == (3, 2)
    assert config.global_id_in_cluster == 2  # chief 0, worker 0 is 1

    evaluator = pe.run_config()
    cluster = {**CLUSTER, "evaluator": ["127.0.0.1:6"]}
    coordinator.configure_for_task(evaluator, _context(cluster, "evaluator", 0, True))
    assert not evaluator.cluster_spec and evaluator.master == ""
    assert (evaluator.num_worker_replicas, evaluator.num_ps_replicas) == (0, 0)
    assert evaluator.global_id_in_cluster is None


def test_train_and_evaluate_needs_a_mode(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    est = pe.estimator(lambda features, labels, mode: None, config=pe.run_config())
    with pytest.raises(ValueError, match="no coordinator mode"):
        coordinator.train_and_evaluate(est.estimator, None, None, None)


def _fake_estimator(mode, cluster):
    strategy = pe.tf.distribute.MirroredStrategy(["/cpu:0"])
    config = types.SimpleNamespace(
        _distribute_coordinator_mode=mode, cluster_spec=pe.tf.train.ClusterSpec(cluster),
        _train_distribute=strategy, train_distribute=strategy, _eval_distribute=strategy,
        eval_distribute=strategy, session_config=None)
    return types.SimpleNamespace(_config=config, config=config)


@pytest.mark.parametrize("method", ["estimator_train", "estimator_evaluate"])
@pytest.mark.parametrize("mode, cluster", [
    ("independent_worker", CLUSTER),  # Estimator.train() over TF_CONFIG: train_and_evaluate()
    ("standalone_client", {**CLUSTER, "evaluator": ["127.0.0.1:6"]}),  # evaluator job
])
def test_estimator_methods_refuse_what_2_15_refuses(method, mode, cluster):
    """TensorFlow's glue (reference) and pyestim's (current) refuse the same configurations
    of Estimator.train() / evaluate() under the coordinator, before starting anything."""
    from tensorflow.python.distribute import estimator_training

    with pytest.raises(ValueError):
        getattr(estimator_training, method)(_fake_estimator(mode, cluster),
                                            lambda *args: None, [])
