"""The calls into tf.estimator: build an estimator, train / evaluate / predict / export it,
train_and_evaluate, and the calls that read a checkpoint (its variables, and the object graph
an object-based checkpoint stores, whose proto is TensorFlow's private). Each is a thin call;
pyestim's checks, defaults and result shaping happen before and after, outside the engine
(for checkpoints: :mod:`pyestim.checkpoints`)."""

import tensorflow as tf

from . import internals, loop
from ._stack import STACK
from .log import tf_logger

__all__ = ["build", "build_canned", "from_keras", "is_estimator", "train", "evaluate",
           "predict", "export", "train_and_evaluate", "latest_checkpoint", "list_variables",
           "load_variable", "OBJECT_GRAPH_KEY", "read_object_graph"]


def build(model_fn, model_dir=None, config=None, params=None):
    """A TensorFlow estimator over ``model_fn(features, labels, mode, [params,] config)``."""
    tf_logger()
    return STACK.v2.Estimator(model_fn=model_fn, model_dir=model_dir, config=config,
                              params=params)


def build_canned(name, version, args):
    """TensorFlow's canned estimator class ``name`` (e.g. ``"DNNClassifier"``) of TensorFlow
    1 (``version = "v1"``) or 2 (``"v2"``), built with the keyword arguments ``args``."""
    tf_logger()
    api = STACK.v1 if version == "v1" else STACK.v2
    return getattr(api, name)(**args)


def from_keras(keras_model, custom_objects=None, model_dir=None, config=None):
    """A TensorFlow estimator over a compiled Keras model."""
    tf_logger()
    return tf.keras.estimator.model_to_estimator(
        keras_model=keras_model, custom_objects=custom_objects, model_dir=model_dir,
        config=config)


def is_estimator(obj, any_version=False):
    """True for TensorFlow 2's estimator (with ``any_version``: TensorFlow 1's as well)."""
    return isinstance(obj, STACK.v1.Estimator if any_version else STACK.v2.Estimator)


def train(tf_estimator, input_fn, steps, hooks, max_steps, saving_listeners):
    tf_logger()
    with loop.stepping(tf_estimator, hooks, steps, max_steps) as hooks:
        return tf_estimator.train(input_fn=input_fn, steps=steps, hooks=hooks,
                                  max_steps=max_steps, saving_listeners=saving_listeners)


def evaluate(tf_estimator, input_fn, steps, hooks, checkpoint_path, name):
    tf_logger()
    return tf_estimator.evaluate(input_fn=input_fn, steps=steps, hooks=hooks,
                                 checkpoint_path=checkpoint_path, name=name)


def predict(tf_estimator, input_fn, predict_keys, hooks, checkpoint_path,
            yield_single_examples):
    """A generator of TensorFlow's predictions (one per example, or per batch)."""
    tf_logger()
    return tf_estimator.predict(input_fn=input_fn, predict_keys=predict_keys, hooks=hooks,
                                checkpoint_path=checkpoint_path,
                                yield_single_examples=yield_single_examples)


def export(tf_estimator, export_dir_base, serving_input_receiver_fn, assets_extra, as_text,
           checkpoint_path):
    """Export a SavedModel; its path as a string."""
    tf_logger()
    path = tf_estimator.export_saved_model(
        export_dir_base, serving_input_receiver_fn, assets_extra=assets_extra,
        as_text=as_text, checkpoint_path=checkpoint_path)
    return path.decode() if isinstance(path, bytes) else path


def train_and_evaluate(tf_estimator, train_spec, eval_spec):
    tf_logger()
    with loop.stepping(tf_estimator, train_spec.hooks, max_steps=train_spec.max_steps) as hooks:
        return STACK.v2.train_and_evaluate(tf_estimator, train_spec._replace(hooks=hooks),
                                           eval_spec)


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    return tf.train.latest_checkpoint(checkpoint_dir, latest_filename)


def list_variables(checkpoint):
    """The names of the variables in a checkpoint (a prefix, or a directory: its latest)."""
    return [name for name, _ in tf.train.list_variables(checkpoint)]


def load_variable(checkpoint, name):
    return tf.train.load_variable(checkpoint, name)


#: The variable under which an object-based checkpoint stores its object graph.
OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"


def read_object_graph(checkpoint):
    """The object graph (TensorFlow's ``TrackableObjectGraph`` proto) an object-based
    checkpoint stores under :data:`OBJECT_GRAPH_KEY`."""
    graph = internals.TrackableObjectGraph()
    graph.ParseFromString(tf.train.load_variable(checkpoint, OBJECT_GRAPH_KEY))
    return graph
