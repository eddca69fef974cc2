"""What pyestim's hooks read of the graph being run: the model's loss, its loss per example,
a tensor by name, the tensor counting the steps of a run, whether a value is a graph tensor at
all, and :class:`StepValues`, the one fetch that ``train()``'s default hooks all share.
Shared by the hook constructors (:mod:`pyestim.hook_constructors`), the history-saver and
progress-bar hooks (:mod:`pyestim.hooks`), the NaN guard (:mod:`pyestim.guards.training`) and
the global-step guard (:mod:`pyestim.guards.calls`).

Why one fetch. Every ``session.run`` of training makes TensorFlow walk the structure of all
the hooks' fetches (``_FetchHandler``) and copy each distinct fetched tensor out; on a small
model, where a step takes under a millisecond, each default hook fetching its own tensors
cost 8-15% of the step (benchmarks/README.md). The default hooks read a handful of scalars of
the same step (the loss, the loss per example, the global step, the steps a run took), so
:func:`step_values` names them once per graph, as one tuple of the graph's own tensors, and
each hook reads its numbers from the same fetched values. They are the tensors tf.estimator's
own hooks fetch (its NaN hook the loss; its step counter and checkpoint saver the global
step's cached read), which TensorFlow fetches once however many hooks ask: no op is added to
the step, and no value is converted on the way."""

import weakref

import numpy as np
import tensorflow as tf

from . import engine
from ._lang import shown
from .errors import PyestimValueError

__all__ = ["is_graph_tensor", "graph_element", "model_loss", "mean_loss", "steps_done",
           "StepValues", "step_values"]

# graph -> its StepValues (not a graph collection: the meta graph a checkpoint writes would
# warn that it cannot serialise one)
_STEP_VALUES = weakref.WeakKeyDictionary()
# the graph collection of the global step's cached read, which tf.estimator makes before the
# model function runs and its step counter and checkpoint saver fetch
# (tensorflow.python.training.training_util's GLOBAL_STEP_READ_KEY)
_GLOBAL_STEP_READ = "global_step_read_op_cache"


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
    """The scalars of a training step that ``train()``'s default hooks read: ``fetches`` (a
    tuple of the graph's tensors, to fetch; None when there is none) and, by name, their
    places in it:

    - ``"loss"``: the model's loss (:func:`model_loss`; one value, or the mean of a loss of
      unknown shape, taken in NumPy);
    - ``"mean"``: its loss per example (:func:`mean_loss`) when that is one value;
    - ``"step"``: the global step, read with the step's other fetches (TensorFlow does not
      order that read before or after the step's increment);
    - ``"steps"``: the steps the run took (:func:`steps_done`), with ``steps_per_run`` > 1.

    A name the graph does not have (no loss, no global step, ...) is absent: ``has(name)``.
    ``per_example`` is the loss per example when it is a tensor of several values (losses a
    model put first in the LOSSES collection), fetched apart by the history saver, which
    averages them.
    """

    def __init__(self, parts, per_example=None):
        self.index = {name: i for i, (name, _) in enumerate(parts)}
        # a value is averaged unless its tensor holds one value (float() takes it exactly)
        self._averaged = {name: t.shape.rank != 0 for name, t in parts}
        self.per_example = per_example
        self.fetches = tuple(t for _, t in parts) or None

    def has(self, name):
        return name in self.index

    def value(self, fetched, name):
        """The number ``name`` of the fetched values, as a Python float (exact: a float16,
        float32 or float64 value, a step below 2**53)."""
        value = fetched[self.index[name]]
        if self._averaged[name]:
            return float(np.asarray(value, dtype=np.float64).mean())
        return float(value)


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
        cached = graph.get_collection(_GLOBAL_STEP_READ)
        parts.append(("step", cached[0] if cached else step))
    if steps_done() is not None:
        parts.append(("steps", steps_done()))
    values = StepValues(parts, per_example)
    _STEP_VALUES[graph] = values
    return values
