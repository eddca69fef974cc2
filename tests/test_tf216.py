"""pyestim.engine.tf216: the version check, the stack's log line, and the tutorials' TF1
namespace working on whichever stack runs (reference: TensorFlow 2.15; current: 2.21 with
tf-keras and tensorflow-estimator 2.15.0 beside it)."""

import importlib.metadata
import os
import subprocess
import sys
import types

import numpy as np
import pytest
from support.process import child_env

import pyestim
from pyestim.engine import tf216
from pyestim import tf
from pyestim.errors import PyestimError, UnsupportedTensorFlowError


def tensorflow_dist_version():
    """TensorFlow's version from the installed distribution, not from pyestim."""
    for name in ("tensorflow", "tensorflow-cpu"):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    raise AssertionError("neither tensorflow nor tensorflow-cpu is installed")


def expected_stack():
    major, minor = (int(p) for p in tensorflow_dist_version().split(".")[:2])
    return "reference" if (major, minor) == (2, 15) else "current"


def run_python(code, **env):
    full_env = child_env(TF_CPP_MIN_LOG_LEVEL="2", **env)
    full_env.pop("PYESTIM_TF_VERBOSITY", None)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, env=full_env)


# --------------------------------------------------------------------------------------------
# The version check


@pytest.mark.parametrize("version", [(2, 14, 1), (2, 22, 0), (3, 0, 0)])
def test_untested_tensorflow_is_refused_naming_the_supported_versions(version, monkeypatch):
    monkeypatch.delenv("PYESTIM_ALLOW_UNTESTED_TF", raising=False)
    with pytest.raises(UnsupportedTensorFlowError) as caught:
        tf216.check_version(version)
    message = str(caught.value)
    assert "TensorFlow {}.{}.{}".format(*version) in message
    assert "TensorFlow 2.15" in message and "2.21" in message
    assert "PYESTIM_ALLOW_UNTESTED_TF=1" in message
    assert isinstance(caught.value, PyestimError) and isinstance(caught.value, RuntimeError)


@pytest.mark.parametrize("version", [(2, 15, 1), (2, 16, 0), (2, 21, 0), (2, 21, 7)])
def test_supported_tensorflow_passes(version, monkeypatch):
    monkeypatch.delenv("PYESTIM_ALLOW_UNTESTED_TF", raising=False)
    assert tf216.check_version(version) is None


def test_untested_newer_tensorflow_can_be_allowed_but_not_an_older_one(monkeypatch):
    monkeypatch.setenv("PYESTIM_ALLOW_UNTESTED_TF", "1")
    assert tf216.check_version((2, 22, 0)) is None
    with pytest.raises(UnsupportedTensorFlowError):
        tf216.check_version((2, 14, 0))


def test_release_candidate_versions_are_read():
    assert tf216._parse("2.22.0rc1") == (2, 22, 0)
    assert tf216._parse("2.21") == (2, 21, 0)


def test_first_use_on_an_untested_tensorflow_fails_with_pyestims_error():
    # TensorFlow imported first and made to say it is 2.22: pyestim must stop at its own
    # check, before tensorflow_estimator is imported at all. `import pyestim` does not
    # import TensorFlow (it loads names on first use): the check runs at the first use.
    code = ("import sys, tensorflow\n"
            "tensorflow.__version__ = '2.22.0'\n"
            "import pyestim\n"
            "try:\n"
            "    pyestim.estimator\n"
            "except Exception as e:\n"
            "    print(type(e).__name__, '|', e)\n"
            "    print('estimator imported:', 'tensorflow_estimator' in sys.modules)\n")
    out = run_python(code, PYESTIM_ALLOW_UNTESTED_TF="0")
    assert out.returncode == 0, out.stderr[-2000:]
    assert "UnsupportedTensorFlowError | pyestim does not support TensorFlow 2.22.0" in out.stdout
    assert "estimator imported: False" in out.stdout


# --------------------------------------------------------------------------------------------
# Which stack runs


def test_first_use_logs_one_line_naming_the_stack():
    # Nothing at import (pyestim leaves TensorFlow's logger alone until it uses it); at the
    # first use, one line naming the stack. The child reports its own versions, which the line
    # must name.
    out = run_python("import sys, importlib.metadata as m, numpy, pyestim\n"
                     "print('-- imported', file=sys.stderr, flush=True)\n"
                     "pyestim.estimator(lambda features, labels, mode: None)\n"
                     "pyestim.estimator(lambda features, labels, mode: None)\n"
                     "tf = [d for d in ('tensorflow', 'tensorflow-cpu')\n"
                     "      if m.packages_distributions().get('tensorflow', []).count(d)][0]\n"
                     "print('|'.join([m.version(tf), numpy.__version__,\n"
                     "                '%d.%d.%d' % sys.version_info[:3]]))")
    assert out.returncode == 0, out.stderr[-2000:]
    tf_version, numpy_version, python = out.stdout.strip().splitlines()[-1].split("|")
    before, _, after = out.stderr.partition("-- imported")
    assert "stack:" not in before, before[-2000:]
    lines = [line for line in after.splitlines() if "pyestim:" in line and "stack" in line]
    assert len(lines) == 1, out.stderr[-2000:]
    stack = "reference" if tf_version.startswith("2.15.") else "current"
    keras = "keras 2.15." if stack == "reference" else "tf-keras 2."
    assert lines[0].startswith(f"INFO:tensorflow:pyestim: {stack} stack: TensorFlow {tf_version}, "
                               f"{keras}")
    assert lines[0].endswith(f", tensorflow-estimator 2.15.0, numpy {numpy_version}, "
                             f"Python {python}")


def test_the_running_stack_is_the_one_asked_for():
    assert tf216.stack_name() == expected_stack()
    asked = os.environ.get("PYESTIM_STACK")  # dev.sh exports the stack it built
    if asked:
        assert expected_stack() == asked
    numpy_major = int(np.__version__.split(".")[0])
    assert numpy_major == (1 if expected_stack() == "reference" else 2)


def test_tf_keras_is_keras_2():
    import tensorflow

    package = "tf_keras" if expected_stack() == "current" else "keras"
    assert tensorflow.keras.__name__.split(".")[0] == package
    assert tensorflow.compat.v1.layers.Dense.__module__.split(".")[0] == package
    assert importlib.metadata.version(package.replace("_", "-")).startswith("2.")
    if expected_stack() == "current":
        assert os.environ.get("TF_USE_LEGACY_KERAS") == "1"


def test_removed_tpu_pieces_fail_with_pyestims_error_when_used():
    from tensorflow.python.tpu import tpu_embedding

    if expected_stack() == "reference":  # TensorFlow 2.15's own module, untouched
        assert not isinstance(tpu_embedding, tf216._TpuPlaceholder)
        assert tpu_embedding.__file__.endswith("tpu_embedding.py")
        return

    with pytest.raises(UnsupportedTensorFlowError, match="removed it in 2.16"):
        tpu_embedding.AdagradParameters(0.1)
    with pytest.raises(UnsupportedTensorFlowError, match="TPU embedding"):
        tpu_embedding.TPUEmbedding


def test_a_strategy_over_a_cluster_uses_the_distribute_coordinator(monkeypatch):
    """2.15 records the coordinator's independent-worker mode (it runs at train time);
    pyestim.engine.coordinator does the same on the current stack (tests/test_coordinator.py,
    and real clusters in tests/test_distributed.py)."""
    import tensorflow

    monkeypatch.setenv("TF_CONFIG", '{"cluster": {"chief": ["127.0.0.1:1"], "worker": '
                                    '["127.0.0.1:2"]}, "task": {"type": "chief", "index": 0}}')
    strategy = tensorflow.distribute.OneDeviceStrategy("/cpu:0")
    config = tf.estimator.RunConfig(train_distribute=strategy)
    assert config._distribute_coordinator_mode == "independent_worker"
    assert config.cluster_spec.as_dict() == {"chief": ["127.0.0.1:1"],
                                             "worker": ["127.0.0.1:2"]}


def test_a_local_strategy_still_configures():
    import tensorflow

    config = tf.estimator.RunConfig(train_distribute=tensorflow.distribute.OneDeviceStrategy("/cpu:0"))
    assert config.train_distribute is not None
    assert config.cluster_spec.as_dict() == {}
    assert config.is_chief


# --------------------------------------------------------------------------------------------
# pyestim.tf works on this stack (values computed by hand)


def test_tf1_layers_losses_metrics_and_optimizers_compute_what_numpy_does():
    x_val = np.arange(12, dtype=np.float32).reshape(2, 2, 3) / 10.0
    y_val = np.array([1, 0], dtype=np.int32)
    w_val = np.linspace(-0.5, 0.5, 12, dtype=np.float32).reshape(6, 2)
    rate = 0.1
    with tf.Graph().as_default():
        x = tf.constant(x_val)
        flat = tf.contrib.layers.flatten(x)
        logits = tf.layers.dense(flat, 2, use_bias=False, name="dense",
                                 kernel_initializer=tf.constant_initializer(w_val))
        loss = tf.losses.sparse_softmax_cross_entropy(labels=y_val, logits=logits)
        accuracy, update = tf.metrics.accuracy(labels=y_val, predictions=tf.argmax(logits, 1))
        step = tf.train.GradientDescentOptimizer(rate).minimize(loss)
        kernel = [v for v in tf.global_variables() if v.name == "dense/kernel:0"]
        assert len(kernel) == 1
        with tf.Session() as sess:
            sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
            got_flat, got_logits, got_loss, _ = sess.run([flat, logits, loss, update])
            got_accuracy = sess.run(accuracy)
            sess.run(step)
            got_kernel = sess.run(kernel[0])

    want_flat = x_val.reshape(2, 6).astype(np.float64)
    want_logits = want_flat @ w_val
    z = want_logits - want_logits.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    want_loss = np.mean(-np.log(p[np.arange(2), y_val]))
    grad = p.copy()
    grad[np.arange(2), y_val] -= 1
    want_kernel = w_val - rate * (want_flat.T @ grad / 2)
    np.testing.assert_allclose(got_flat, want_flat, rtol=1e-6)
    np.testing.assert_allclose(got_logits, want_logits, rtol=1e-5)
    np.testing.assert_allclose(got_loss, want_loss, rtol=1e-5)
    assert got_accuracy == np.mean(np.argmax(want_logits, 1) == y_val)
    np.testing.assert_allclose(got_kernel, want_kernel, rtol=1e-5, atol=1e-7)


def test_the_other_tf_train_optimizers_are_there():
    for name in ("AdamOptimizer", "AdagradOptimizer", "MomentumOptimizer", "RMSPropOptimizer",
                 "FtrlOptimizer", "ProximalAdagradOptimizer"):
        assert isinstance(getattr(tf.train, name), type), name


def test_contrib_mnist_loader_reads_the_legacy_split(mnist_dir):
    data = tf.contrib.learn.datasets.load_dataset("mnist")
    assert [d.images.shape for d in (data.train, data.validation, data.test)] == [
        (55000, 784), (5000, 784), (10000, 784)]
    assert data.train.images.dtype == np.float32
    again = tf.contrib.learn.datasets.mnist.read_data_sets(str(mnist_dir))
    np.testing.assert_array_equal(again.test.labels, data.test.labels)


def test_tf_estimator_is_tensorflow_estimators_on_every_namespace():
    import tensorflow
    from tensorflow_estimator.python.estimator import estimator as estimator_module

    assert issubclass(tf.estimator.Estimator, estimator_module.Estimator)
    assert issubclass(tensorflow.estimator.Estimator, estimator_module.Estimator)
    assert tensorflow.compat.v1.estimator.Estimator is estimator_module.Estimator
    assert tf.estimator.ModeKeys.TRAIN == "train"
    assert tf.estimator.inputs.numpy_input_fn is pyestim.numpy_input_fn
    assert tensorflow.compat.v1.estimator.inputs.numpy_input_fn is not pyestim.numpy_input_fn


# --------------------------------------------------------------------------------------------
# TensorFlow 2.15's answers about the distribute coordinator and experimental_distribute
# (issue 21, points 1 and 2). Expected values: tf.estimator 2.15's documented behaviour
# (RunConfig's docstring: "train_distribute and eval_distribute can be passed as parameters to
# RunConfig or set in experimental_distribute but not both"; train_and_evaluate() runs through
# the distribute coordinator only in its standalone-client or independent-worker mode over a
# cluster), the same on both stacks.


def _coordinator_switch():
    from tensorflow.python.distribute import estimator_training

    return estimator_training.should_run_distribute_coordinator


@pytest.mark.parametrize("mode, cluster, expected", [
    (None, {"worker": ["127.0.0.1:1"]}, False),
    ("independent_worker", {}, False),           # no cluster: local, whatever the mode
    ("standalone_client", {}, False),
    ("independent_worker", {"worker": ["127.0.0.1:1", "127.0.0.1:2"]}, True),
    ("standalone_client", {"worker": ["127.0.0.1:1"]}, True),
    ("some_other_mode", {"worker": ["127.0.0.1:1"]}, False),
])
def test_the_coordinator_runs_only_in_its_modes_over_a_cluster(mode, cluster, expected):
    import tensorflow

    config = types.SimpleNamespace(_distribute_coordinator_mode=mode,
                                   cluster_spec=tensorflow.train.ClusterSpec(cluster))
    assert _coordinator_switch()(config) is expected


def test_a_mocked_config_does_not_start_the_coordinator():
    from unittest import mock

    config = mock.Mock()  # every attribute is a (truthy) Mock, the mode too
    assert _coordinator_switch()(config) is False
    assert _coordinator_switch()(object()) is False  # no mode at all


def test_train_and_evaluate_of_a_mocked_estimator_trains_locally():
    # A mocked estimator (as tf.estimator's own tests build them) whose config is a Mock with
    # no cluster: train_and_evaluate() trains it locally, once, to max_steps.
    import tensorflow
    from unittest import mock

    est = mock.Mock(spec=tensorflow.estimator.Estimator)
    est.config.cluster_spec = tensorflow.train.ClusterSpec({})
    est.config.task_type = "worker"
    est.config.task_id = 0
    train_spec = tensorflow.estimator.TrainSpec(input_fn=lambda: None, max_steps=7)
    eval_spec = tensorflow.estimator.EvalSpec(input_fn=lambda: None)
    metrics, exports = tensorflow.estimator.train_and_evaluate(est, train_spec, eval_spec)
    assert est.train.call_count == 1
    assert est.train.call_args.kwargs["max_steps"] == 7
    assert metrics is None and exports is None  # no checkpoint from a mock: nothing evaluated


def _distribute_config(**strategies):
    from tensorflow.python.distribute.distribute_config import DistributeConfig

    return DistributeConfig(**strategies)


def _one_device():
    import tensorflow

    return tensorflow.distribute.OneDeviceStrategy("/cpu:0")


def test_experimental_distribute_strategies_become_the_configs():
    import tensorflow

    train, evaluation = _one_device(), _one_device()
    config = tensorflow.estimator.RunConfig(experimental_distribute=_distribute_config(
        train_distribute=train, eval_distribute=evaluation))
    assert config.train_distribute is train
    assert config.eval_distribute is evaluation
    only_train = tensorflow.estimator.RunConfig(
        experimental_distribute=_distribute_config(train_distribute=train))
    assert only_train.train_distribute is train and only_train.eval_distribute is None


def test_pyestims_run_config_passes_experimental_distribute_on():
    strategy = _one_device()
    config = pyestim.run_config(
        experimental_distribute=_distribute_config(eval_distribute=strategy))
    assert config.eval_distribute is strategy and config.train_distribute is None


@pytest.mark.parametrize("name", ["train_distribute", "eval_distribute"])
def test_a_strategy_in_both_places_is_refused(name):
    import tensorflow

    with pytest.raises(ValueError, match=rf"`{name}`.*`experimental_distribute\.{name}`"):
        tensorflow.estimator.RunConfig(**{name: _one_device()},
                               experimental_distribute=_distribute_config(**{name: _one_device()}))


def test_training_runs_under_the_experimental_distribute_strategy(tmp_path):
    import tensorflow

    strategy = _one_device()
    seen = []

    def model_fn(features, labels, mode):
        seen.append(type(tensorflow.distribute.get_strategy()).__name__
                    if tensorflow.distribute.has_strategy() else None)
        logits = tf.layers.dense(features["x"], 2)
        loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(
            loss, global_step=tf.train.get_global_step())
        return tensorflow.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)

    def input_fn():
        x = np.arange(16, dtype=np.float32).reshape(8, 2)
        return tensorflow.data.Dataset.from_tensor_slices(
            ({"x": x}, np.arange(8) % 2)).repeat().batch(4)

    config = tensorflow.estimator.RunConfig(
        experimental_distribute=_distribute_config(train_distribute=strategy))
    est = tensorflow.estimator.Estimator(model_fn, model_dir=str(tmp_path / "m"), config=config)
    est.train(input_fn, steps=2)
    assert seen == ["OneDeviceStrategy"]  # (the estimator's copy of the strategy)
    assert est.get_variable_value("global_step") == 2


# --------------------------------------------------------------------------------------------
# Old import paths after `import pyestim` (issue 21, point 4), each run in a fresh Python
# because the order of the imports is what is tested.

#: Every module TensorFlow 2.15.1 offered under tensorflow.python.estimator: the .py files of
#: the installed tensorflow-cpu 2.15.1's tensorflow/python/estimator/ tree (each a thin alias of
#: the tensorflow_estimator module of the same path; keras -> keras_lib).
#: test_the_old_paths_are_tensorflow_2_15s checks the list against that tree on the reference
#: stack.
OLD_MODULES = [
    "", "canned", "canned.baseline", "canned.dnn", "canned.dnn_linear_combined",
    "canned.head", "canned.linear", "canned.metric_keys", "canned.optimizers",
    "canned.parsing_utils", "canned.prediction_keys", "estimator", "estimator_lib", "export",
    "export.export", "export.export_lib", "export.export_output", "exporter", "gc", "inputs",
    "inputs.inputs", "inputs.numpy_io", "inputs.pandas_io", "inputs.queues",
    "inputs.queues.feeding_functions", "inputs.queues.feeding_queue_runner", "keras",
    "model_fn", "run_config", "training", "util"]


def _old_name(short):
    return "tensorflow.python.estimator" + (f".{short}" if short else "")


def test_the_old_paths_are_tensorflow_2_15s():
    # Reference: the list is the installed TensorFlow 2.15's tree. Current: each entry has its
    # tensorflow-estimator module (same path; keras -> keras_lib), which the alias hands out.
    import importlib.util
    from pathlib import Path

    import tensorflow_estimator

    if expected_stack() == "reference":
        import tensorflow

        root = Path(tensorflow.__file__).parent / "python" / "estimator"
        found = sorted(".".join(p.relative_to(root).with_suffix("").parts)
                       .replace("__init__", "").rstrip(".") for p in root.rglob("*.py"))
        assert found == sorted(OLD_MODULES)
    root = Path(tensorflow_estimator.__file__).parent / "python" / "estimator"
    for short in OLD_MODULES:
        path = root.joinpath(*(short.replace("keras", "keras_lib").split(".") if short else []))
        assert path.with_suffix(".py").is_file() or (path / "__init__.py").is_file(), short


def test_every_old_module_path_imports_after_import_pyestim():
    # pyestim imported first, nothing of it used; then the paths code written for TensorFlow
    # <= 2.15 imports, by every spelling: each must import and name the objects tf.estimator does.
    code = f"""
import importlib, sys
import pyestim
import tensorflow as tf
assert "pyestim.estimator" not in sys.modules  # pyestim itself not used
names = {[_old_name(s) for s in OLD_MODULES]!r}
for name in names:
    importlib.import_module(name)
from tensorflow.python.estimator import gc, estimator, run_config, training
from tensorflow.python.estimator.export import export, export_output
from tensorflow.python.estimator.canned import dnn, head, metric_keys
from tensorflow.python.estimator.inputs import numpy_io
import tensorflow.python.estimator.keras as keras_module
import tensorflow.python.estimator.canned.linear as linear
assert estimator.Estimator is tf.compat.v1.estimator.Estimator
assert run_config.RunConfig is tf.estimator.RunConfig
assert training.train_and_evaluate is tf.estimator.train_and_evaluate
assert dnn.DNNClassifierV2 is tf.estimator.DNNClassifier
assert linear.LinearRegressor is tf.compat.v1.estimator.LinearRegressor
assert export.build_raw_serving_input_receiver_fn is \\
    tf.estimator.export.build_raw_serving_input_receiver_fn
assert export_output.PredictOutput is tf.estimator.export.PredictOutput
assert metric_keys.MetricKeys.LOSS == "loss" and callable(gc._get_paths)
assert callable(keras_module.model_to_estimator) and callable(numpy_io.numpy_input_fn)
assert head._Head is not None
for missing in ("no_such_module", "head", "canned.v1"):  # never there; not there on 2.15
    try:
        importlib.import_module("tensorflow.python.estimator." + missing)
    except ModuleNotFoundError:
        pass
    else:
        raise AssertionError(missing + " imported")
print("OLD-PATHS-OK")
"""
    out = run_python(code)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "OLD-PATHS-OK" in out.stdout


def test_tf_estimator_by_every_namespace_after_import_pyestim():
    code = """
import pyestim
import tensorflow as tf
import tensorflow.compat.v1 as tf1
import tensorflow.compat.v2 as tf2
from tensorflow import estimator
from tensorflow.compat.v1 import estimator as estimator_v1
# (2.15 hands out lazy loaders and wrappers: the same API, not always the same object)
v2 = [estimator, tf.estimator, tf2.estimator, tf.compat.v2.estimator]
v1 = [estimator_v1, tf1.estimator, tf.compat.v1.estimator]
for apis in (v2, v1):
    assert len({(id(api.Estimator), id(api.DNNClassifier)) for api in apis}) == 1
assert len({id(api.RunConfig) for api in v2 + v1}) == 1
assert tf.estimator.DNNClassifier.__name__ == "DNNClassifierV2"
assert tf1.estimator.DNNClassifier.__name__ == "DNNClassifier"
assert tf1.estimator.inputs.numpy_input_fn.__module__.startswith("tensorflow_estimator.")
import tensorflow_estimator
assert tensorflow_estimator.estimator.Estimator is tf1.estimator.Estimator
print("NAMESPACES-OK")
"""
    out = run_python(code)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "NAMESPACES-OK" in out.stdout


def test_tensorflow_estimator_imported_directly_after_import_pyestim():
    # No `import tensorflow` of the user's before: tensorflow_estimator is their first import.
    out = run_python("import pyestim\n"
                     "from tensorflow_estimator import estimator\n"
                     "import tensorflow as tf\n"
                     "assert estimator.Estimator is tf.compat.v1.estimator.Estimator\n"
                     "print('DIRECT-OK')\n")
    assert out.returncode == 0, out.stderr[-3000:]
    assert "DIRECT-OK" in out.stdout
