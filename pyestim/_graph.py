"""What pyestim's hooks read of the graph being run: the model's loss, its loss per example,
a tensor by name, the tensor counting the steps of a run, whether a value is a graph tensor at
all, and :class:`StepValues`, the one small tensor that ``train()``'s default hooks all fetch.
Shared by the hook constructors (:mod:`pyestim.hook_constructors`), the history-saver and
progress-bar hooks (:mod:`pyestim.hooks`), the NaN guard (:mod:`pyestim.guards.training`) and
the global-step guard (:mod:`pyestim.guards.calls`).

Why one tensor. Every ``session.run`` of training makes TensorFlow walk the structure of all
the hooks' fetches (``_FetchHandler``) and copy each distinct fetched tensor out; on a small
model, where a step takes about a millisecond, each default hook fetching its own tensors
cost 8-15% of the step (benchmarks/README.md). The default hooks read a handful of scalars of
the same step (the loss, the loss per example, the global step, the steps a run took), so
:func:`step_values` packs them, each cast to float64 (exact for float16/32/64 values and for
steps below 2**53), into one vector built once per graph, and each hook reads its numbers
from the same fetched array."""

import weakref

import tensorflow as tf

from . import engine
from ._lang import shown
from .errors import PyestimValueError

__all__ = ["is_graph_tensor", "graph_element", "model_loss", "mean_loss", "steps_done",
           "StepValues", "step_values"]

# graph -> its StepValues (not a graph collection: the meta graph a checkpoint writes would
# warn that it cannot serialise one)
_STEP_VALUES = weakref.WeakKeyDictionary()


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


def mean_loss(loss):
    """The model's loss per example, when the graph holds it apart from the loss (else None):
    the ``average_loss`` a canned head of TensorFlow 1's class writes as a summary (its loss
    over the sum of the example weights: the batch size when the examples are not weighted),
    or else the per-example losses a model put first in the LOSSES collection (a tensor of
    one row per example, as ``tf$losses`` functions with ``reduction = "none"`` add; their mean
    is taken)."""
    for summary in tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.SUMMARIES):
        op = getattr(summary, "op", None)
        if op is not None and op.name == "average_loss" and op.type == "ScalarSummary":
            return op.inputs[1]
    losses = tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.LOSSES)
    first = losses[0] if losses else None
    if first is None or first is loss or first.shape.rank == 0:
        return None
    return first


class StepValues:
    """The scalars of a training step that ``train()``'s default hooks read, in one float64
    vector: ``tensor`` (to fetch) and, by name, their positions in it:

    - ``"loss"``: the model's loss (:func:`model_loss`; one value, or the mean of a loss of
      unknown shape);
    - ``"mean"``: its loss per example (:func:`mean_loss`) when that is a scalar;
    - ``"step"``: the global step, read with the step's other fetches (TensorFlow does not
      order that read before or after the step's increment);
    - ``"steps"``: the steps the run took (:func:`steps_done`), with ``steps_per_run`` > 1.

    A name the graph does not have (no loss, no global step, ...) is absent: ``has(name)``.
    ``per_example`` is the loss per example when it is a tensor of several values (losses a
    model put first in the LOSSES collection), to be fetched apart: their mean is taken in
    NumPy, as before, not in the graph.
    """

    def __init__(self, parts, per_example=None):
        self.index = {name: i for i, (name, _) in enumerate(parts)}
        self.per_example = per_example
        self.tensor = None
        if parts:
            with tf.compat.v1.name_scope("pyestim_step_values"):
                self.tensor = tf.stack([_as_float64_scalar(t) for _, t in parts])

    def has(self, name):
        return name in self.index

    def value(self, fetched, name):
        """The number ``name`` of a fetched vector, as a Python float."""
        return float(fetched[self.index[name]])


def _as_float64_scalar(tensor):
    """``tensor`` as one float64 value: itself when it is a scalar, its one value when its
    shape holds one, else its mean (a loss of unknown shape, which tf.estimator allows, is
    averaged as the hooks did in NumPy; the mean of one value is that value)."""
    value = tf.cast(tensor, tf.float64)
    if tensor.shape.rank == 0:
        return value
    if tensor.shape.num_elements() == 1:
        return tf.reshape(value, [])
    return tf.reduce_mean(value)


def step_values():
    """The default graph's :class:`StepValues`, made on the first call (in a hook's
    ``begin()``, before the graph is finalised) and the same object after."""
    graph = tf.compat.v1.get_default_graph()
    made = _STEP_VALUES.get(graph)
    if made is not None:
        return made
    parts = []
    loss = model_loss()
    per_example = None
    if loss is not None:
        parts.append(("loss", loss))
        mean = mean_loss(loss)
        if mean is not None and mean.shape.num_elements() == 1:
            parts.append(("mean", mean))
        elif mean is not None:
            per_example = mean
    step = tf.compat.v1.train.get_global_step()
    if step is not None:
        parts.append(("step", step))
    if steps_done() is not None:
        parts.append(("steps", steps_done()))
    values = StepValues(parts, per_example)
    _STEP_VALUES[graph] = values
    return values
