"""What pyestim's hooks read of the graph being run: the model's loss, a tensor by name, the
tensor counting the steps of a run, and whether a value is a graph tensor at all. Shared by
the hook constructors (:mod:`pyestim.hook_constructors`), the history-saver and progress-bar
hooks (:mod:`pyestim.hooks`) and the NaN guard (:mod:`pyestim.guards.training`)."""

import tensorflow as tf

from . import engine
from ._lang import shown
from .errors import PyestimValueError

__all__ = ["is_graph_tensor", "graph_element", "model_loss", "steps_done"]


def is_graph_tensor(value):
    return isinstance(value, (tf.Tensor, tf.Operation, tf.Variable)) or \
        type(value).__name__ in ("Tensor", "SymbolicTensor", "RefVariable",
                                 "ResourceVariable")


def graph_element(name):
    graph = tf.compat.v1.get_default_graph()
    try:
        return graph.as_graph_element(name if ":" in name else name + ":0")
    except (KeyError, ValueError) as err:
        raise PyestimValueError(
            f"No tensor named {shown(name)} in the model's graph ({err}).") from None


def model_loss():
    """The model's loss (its EstimatorSpec's ``loss``: the one TensorFlow logs as ``loss =``):
    tf.estimator adds it last to the LOSSES collection before training starts."""
    losses = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.LOSSES)
    return losses[-1] if losses else None


def steps_done():
    """The tensor holding the steps a run took when training runs several per
    ``session.run`` (``run_config(steps_per_run=)``), else None (one step per run)."""
    done = tf.compat.v1.get_collection(engine.STEPS_DONE)
    return done[-1] if done else None
