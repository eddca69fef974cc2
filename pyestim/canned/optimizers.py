"""Optimizers and activation functions given by name, object or function, and the choice
between TensorFlow 1's and 2's canned classes that the optimizers imply (see
:mod:`pyestim.canned`)."""

import numpy as np
import tensorflow as tf

from .._lang import code, idiom, shown
from ..errors import PyestimTypeError, PyestimValueError

__all__ = ["known_activations", "resolve_activation_fn", "resolve_optimizer", "tf_version",
           "PARTITIONER_ARGS"]


_ACTIVATIONS = ("relu", "relu6", "elu", "selu", "gelu", "leaky_relu", "crelu", "sigmoid", "tanh",
                "softplus", "softsign", "swish", "silu", "softmax", "log_softmax")


def known_activations():
    """The activation functions that can be given by name."""
    return [name for name in _ACTIVATIONS if callable(getattr(tf.nn, name, None))]


def resolve_activation_fn(activation_fn, name="activation_fn"):
    """An activation function from its name in ``tf.nn`` (``"relu"``) or a function."""
    if isinstance(activation_fn, np.ndarray) and activation_fn.size == 1:
        activation_fn = activation_fn.reshape(()).item()
    if isinstance(activation_fn, (list, tuple)) and len(activation_fn) == 1:
        activation_fn = activation_fn[0]
    if isinstance(activation_fn, str):
        if activation_fn not in known_activations():
            raise PyestimValueError(
                f"{shown(activation_fn)} is not a known activation function in the "
                f"'{code('tf.nn')}' module; "
                f"give one of {', '.join(known_activations())}, or a function.")
        return getattr(tf.nn, activation_fn)
    if callable(activation_fn):
        return activation_fn
    raise PyestimTypeError(
        f"{name} must be the name of an activation function (e.g. \"relu\") or a function, got "
        f"{type(activation_fn).__name__} {shown(activation_fn, 60)}.")


_OPTIMIZERS = ("Adagrad", "Adam", "Ftrl", "RMSProp", "SGD")
_KERAS_OPTIMIZERS = (tf.keras.optimizers.Optimizer, tf.keras.optimizers.legacy.Optimizer)


def _optimizer_kind(optimizer):
    """"v1" (a tf.compat.v1.train optimizer, or a function returning one), "v2" (Keras), or
    None (a name, which both kinds of estimator take)."""
    if isinstance(optimizer, str):
        return None
    if isinstance(optimizer, tf.compat.v1.train.Optimizer):
        return "v1"
    if isinstance(optimizer, _KERAS_OPTIMIZERS):
        return "v2"
    # A function returning an optimizer: call it once, in a graph of its own, to see which
    # kind it makes (TensorFlow calls it again in each graph it builds).
    try:
        with tf.Graph().as_default():
            made = optimizer()
    except Exception:  # noqa: BLE001 - TensorFlow reports the function's error when it trains
        return None
    if isinstance(made, _KERAS_OPTIMIZERS):
        return "v2"
    return "v1" if isinstance(made, tf.compat.v1.train.Optimizer) else None


def resolve_optimizer(optimizer, name="optimizer"):
    """An optimizer name in tf.estimator's spelling (case-insensitive input), or the object /
    function as given (a Keras object as a function making a fresh copy per graph)."""
    if isinstance(optimizer, np.ndarray) and optimizer.size == 1:
        optimizer = optimizer.reshape(()).item()
    if isinstance(optimizer, (list, tuple)) and len(optimizer) == 1:
        optimizer = optimizer[0]
    if isinstance(optimizer, str):
        for known in _OPTIMIZERS:
            if optimizer.lower() == known.lower():
                return known
        raise PyestimValueError(
            f"Unknown optimizer name {shown(optimizer)} for {name}; give one of "
            f"{', '.join(repr(o) for o in _OPTIMIZERS)}, an optimizer object or a function "
            "returning one.")
    if isinstance(optimizer, tf.compat.v1.train.Optimizer):
        return optimizer
    if isinstance(optimizer, tf.keras.optimizers.Optimizer) and not isinstance(
            optimizer, tf.keras.optimizers.legacy.Optimizer):
        # tf.estimator's graph mode takes only the legacy Keras optimizers.
        optimizer = tf.keras.__internal__.optimizers.convert_to_legacy_optimizer(optimizer)
    if isinstance(optimizer, tf.keras.optimizers.legacy.Optimizer):
        return _fresh_copies(optimizer)
    if callable(optimizer):
        return optimizer
    raise PyestimTypeError(
        f"{name} must be an optimizer name ({', '.join(_OPTIMIZERS)}), an optimizer object (e.g. "
        f"{code('tf.train.AdagradOptimizer(learning_rate=0.1)')}), or a function returning "
        "one; got "
        f"{type(optimizer).__name__} {shown(optimizer, 60)}.")


def tf_version(args):
    """"v1" (TensorFlow 1's class, as tfestimators used) unless a Keras optimizer asks for
    TensorFlow 2's; ``args`` are a constructor's normalised arguments. The optimizer of an
    unused part of a combined model (no feature columns for it) does not count."""
    optimizers = {arg: args[arg] for arg in ("optimizer", "linear_optimizer", "dnn_optimizer")
                  if arg in args}
    for part in ("linear", "dnn"):
        if f"{part}_optimizer" in optimizers and not args[f"{part}_feature_columns"]:
            del optimizers[f"{part}_optimizer"]
    kinds = {arg: _optimizer_kind(opt) for arg, opt in optimizers.items()}
    keras = [arg for arg, kind in kinds.items() if kind == "v2"]
    if not keras:
        return "v1"
    tf1 = [arg for arg, kind in kinds.items() if kind == "v1"]
    if tf1:
        raise PyestimTypeError(
            f"{keras[0]} is a Keras optimizer but {tf1[0]} a TensorFlow 1 one "
            f"({idiom('tf.train.*Optimizer', 'tf$train$*Optimizer')}); one estimator takes one "
            f"kind: give both as Keras optimizers, both as {code('tf.train')} optimizers, or "
            "names.")
    partitioner = PARTITIONER_ARGS.intersection(args).pop()
    if args[partitioner] is not None:
        raise PyestimTypeError(
            f"{partitioner} works only with TensorFlow 1's estimator, which takes no Keras "
            f"optimizer: give {keras[0]} as a name or a {code('tf.train')} optimizer (e.g. "
            f"{code('tf.train.AdagradOptimizer(learning_rate=0.05)')}), or drop the partitioner.")
    return "v2"


#: The TF1-only argument each linear / DNN / combined constructor has (one of these).
PARTITIONER_ARGS = {"partitioner", "input_layer_partitioner"}


def _fresh_copies(optimizer):
    """A function making a fresh copy of a Keras optimizer for each graph: a Keras optimizer
    object belongs to the first graph it is used in, and TensorFlow's estimators build a new
    graph for every train() call."""
    cls, config = type(optimizer), optimizer.get_config()

    def make_optimizer():
        return cls.from_config(dict(config))

    make_optimizer.optimizer = optimizer
    return make_optimizer
