"""pyestim.engine.tf_compat: the version check, the stack's log line, and the tutorials' TF1
namespace working on whichever stack runs (reference: TensorFlow 2.15; current: 2.21 with
tf-keras and tensorflow-estimator 2.15.0 beside it)."""

import importlib.metadata
import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import child_env

import pyestim
from pyestim.engine import tf_compat as _tf_compat
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
        _tf_compat.check_version(version)
    message = str(caught.value)
    assert "TensorFlow {}.{}.{}".format(*version) in message
    assert "TensorFlow 2.15" in message and "2.21" in message
    assert "PYESTIM_ALLOW_UNTESTED_TF=1" in message
    assert isinstance(caught.value, PyestimError) and isinstance(caught.value, RuntimeError)


@pytest.mark.parametrize("version", [(2, 15, 1), (2, 16, 0), (2, 21, 0), (2, 21, 7)])
def test_supported_tensorflow_passes(version, monkeypatch):
    monkeypatch.delenv("PYESTIM_ALLOW_UNTESTED_TF", raising=False)
    assert _tf_compat.check_version(version) is None


def test_untested_newer_tensorflow_can_be_allowed_but_not_an_older_one(monkeypatch):
    monkeypatch.setenv("PYESTIM_ALLOW_UNTESTED_TF", "1")
    assert _tf_compat.check_version((2, 22, 0)) is None
    with pytest.raises(UnsupportedTensorFlowError):
        _tf_compat.check_version((2, 14, 0))


def test_release_candidate_versions_are_read():
    assert _tf_compat._parse("2.22.0rc1") == (2, 22, 0)
    assert _tf_compat._parse("2.21") == (2, 21, 0)


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
    assert _tf_compat.stack_name() == expected_stack()
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
        assert not isinstance(tpu_embedding, _tf_compat._TpuPlaceholder)
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
