"""pyestim.tf: tf.compat.v1 plus the tutorials' estimator.inputs and contrib shims, and the
deprecation-notice patch that lets TensorFlow functions be called from R (no Python frame)."""

import _thread
import threading

import numpy as np
import pytest
import tensorflow as tf
from tensorflow.python.util import deprecation

import pyestim
import pyestim._first_tf_use
from pyestim import tf as ptf

v1 = tf.compat.v1
OVERRIDDEN = {"estimator", "contrib"}  # documented in pyestim/tf.py
# Names that pyestim.tf gets wrong; excluded from the sweep so it checks all the others.
KNOWN_WRONG = set()


def public_v1_names():
    return [name for name in dir(v1) if not name.startswith("_")]


def test_every_public_name_of_tf_compat_v1_is_the_same_object():
    names = public_v1_names()
    assert len(names) > 300
    different = [name for name in names if name not in OVERRIDDEN | KNOWN_WRONG
                 and getattr(ptf, name) is not getattr(v1, name)]
    assert different == []


def test_tf_types_is_tensorflows():
    assert ptf.types is v1.types


def test_dir_lists_tf_compat_v1_and_the_shims():
    listed = set(dir(ptf))
    assert set(public_v1_names()) <= listed
    assert {"contrib", "estimator"} <= listed


def test_the_tutorials_names():
    assert ptf.layers.conv2d is v1.layers.conv2d
    assert ptf.losses.softmax_cross_entropy is v1.losses.softmax_cross_entropy
    assert ptf.train.GradientDescentOptimizer is v1.train.GradientDescentOptimizer
    assert ptf.metrics.accuracy is v1.metrics.accuracy
    assert ptf.logging.set_verbosity is v1.logging.set_verbosity
    assert ptf.reshape is v1.reshape


def test_unknown_names_are_attribute_errors():
    with pytest.raises(AttributeError, match="no_such_function"):
        ptf.no_such_function
    assert not hasattr(ptf, "no_such_function")


def test_estimator_namespace():
    assert ptf.estimator.Estimator is v1.estimator.Estimator
    assert ptf.estimator.ModeKeys is v1.estimator.ModeKeys
    assert ptf.estimator.EstimatorSpec is v1.estimator.EstimatorSpec
    assert ptf.estimator.RunConfig is v1.estimator.RunConfig
    assert ptf.estimator.inputs.numpy_input_fn is pyestim.numpy_input_fn
    assert ptf.estimator.inputs.pandas_input_fn is v1.estimator.inputs.pandas_input_fn
    with pytest.raises(AttributeError):
        ptf.estimator.no_such_class


def test_tf_python_is_tensorflows_python_package():
    """tfestimators' parsing_spec vignette: tf$python$ops$parsing_ops$FixedLenFeature."""
    import tensorflow.python as tensorflow_python

    assert ptf.python is tensorflow_python
    assert "python" in dir(ptf)
    fixed = ptf.python.ops.parsing_ops.FixedLenFeature
    spec = pyestim.classifier_parse_example_spec(pyestim.column_numeric("a"), label_key="b",
                                                 weight_column="c")
    assert spec == {"a": fixed((1,), dtype=tf.float32), "b": fixed((1,), dtype=tf.int64),
                    "c": fixed((1,), dtype=tf.float32)}


def test_load_dataset_mnist(mnist_raw):
    mnist = ptf.contrib.learn.datasets.load_dataset("mnist")
    parts = {"train": (mnist.train, 55000), "validation": (mnist.validation, 5000),
             "test": (mnist.test, 10000)}
    for name, (part, size) in parts.items():
        assert part.num_examples == size, name
        assert part.images.shape == (size, 784), name
        assert part.images.dtype == np.float32, name
        assert part.images.min() == 0.0 and part.images.max() == 1.0, name
        assert part.labels.shape == (size,), name
    # TF1's split: validation is the first 5,000 images of the training file, train the rest.
    np.testing.assert_array_equal(mnist.train.labels, mnist_raw.train_y[5000:])
    np.testing.assert_array_equal(mnist.validation.labels, mnist_raw.train_y[:5000])
    np.testing.assert_array_equal(mnist.test.labels, mnist_raw.test_y)
    np.testing.assert_allclose(mnist.train.images[:200], mnist_raw.train_x[5000:5200] / 255.0,
                               rtol=1e-6)
    np.testing.assert_allclose(mnist.train.images[-200:], mnist_raw.train_x[-200:] / 255.0,
                               rtol=1e-6)
    np.testing.assert_allclose(mnist.validation.images[:200], mnist_raw.train_x[:200] / 255.0,
                               rtol=1e-6)
    np.testing.assert_allclose(mnist.test.images[-200:], mnist_raw.test_x[-200:] / 255.0,
                               rtol=1e-6)


def test_mnist_read_data_sets_is_reachable(mnist_dir):
    assert callable(ptf.contrib.learn.datasets.mnist.read_data_sets)


def test_pyestim_parts_of_tf_are_namespaces():
    """Everything of pyestim's own in pyestim.tf is reached through Namespace objects (the R
    package converts errors from their functions); the MNIST module keeps all its names."""
    from pyestim.datasets import mnist as mnist_module

    ns = ptf.contrib.learn.datasets.mnist
    assert isinstance(ns, ptf.Namespace)
    assert ns.read_data_sets is mnist_module.read_data_sets
    public = [n for n in dir(mnist_module) if not n.startswith("_")]
    assert public and all(getattr(ns, n) is getattr(mnist_module, n) for n in public)
    assert ns.__doc__ == mnist_module.__doc__
    for path in ("contrib", "contrib.learn", "contrib.learn.datasets", "contrib.layers",
                 "estimator", "estimator.inputs"):
        obj = ptf
        for part in path.split("."):
            obj = getattr(obj, part)
        assert isinstance(obj, ptf.Namespace), path
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        ns.nope


def test_contrib_layers_flatten():
    assert ptf.contrib.layers.flatten is v1.layers.flatten
    with tf.Graph().as_default():
        x = v1.constant(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
        flat = ptf.contrib.layers.flatten(x)
        assert flat.shape.as_list() == [2, 12]
        with v1.Session() as session:
            np.testing.assert_array_equal(session.run(flat),
                                          np.arange(24, dtype=np.float32).reshape(2, 12))


@pytest.mark.parametrize("path", ["foo", "learn.foo", "layers.conv2d", "learn.datasets.foo"])
def test_unknown_contrib_names_say_contrib_was_removed(path):
    obj = ptf.contrib
    parts = path.split(".")
    for part in parts[:-1]:
        obj = getattr(obj, part)
    with pytest.raises(AttributeError) as info:
        getattr(obj, parts[-1])
    assert "tf.contrib was removed" in str(info.value)
    assert repr(parts[-1]) in str(info.value)


def test_deprecation_call_location_is_patched():
    assert deprecation._call_location is pyestim._first_tf_use._robust_call_location
    namespace = {"deprecation": deprecation}
    exec("location = deprecation._call_location()", namespace)
    assert isinstance(namespace["location"], str)
    exec("location = deprecation._call_location(outer=True)", namespace)
    assert isinstance(namespace["location"], str)


def test_a_deprecated_function_runs_when_no_python_frame_calls_it(tf_log):
    """As from R through reticulate: the deprecated function's wrapper is the bottom frame.
    _thread.start_new_thread calls it straight from C, with no Python frame above it."""
    done = threading.Event()
    result = {}

    def work(value):
        result["value"] = value * 2
        done.set()

    wrapper = deprecation.deprecated(None, "Use something else.")(work)
    _thread.start_new_thread(wrapper, (21,))
    assert done.wait(timeout=30), "the deprecated function never ran"
    assert result["value"] == 42
    notices = [line for line in tf_log if "is deprecated" in line and "work" in line]
    assert len(notices) == 1
    assert "From <unknown>:0:" in notices[0]
