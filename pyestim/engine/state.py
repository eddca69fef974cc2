"""TensorFlow's process and thread state around pyestim's calls: op determinism under a seed,
and the caller's state kept apart from a suspended ``predict(as_iterable = TRUE)``.

predict(as_iterable=True): tf.estimator's predict() is a generator that runs inside
``with tf.Graph().as_default()`` (and pyestim's with op determinism on, under a seed).
Suspended at a yield, it would leave those in force for the caller: TensorFlow stays in graph
mode with a finalized default graph, so the caller's next ``tf.constant()`` fails, until the
generator is exhausted or collected (which R may do much later). So the generator runs with
its own state, and the caller gets theirs back at every item. The state is thread-local (the
default-graph stack, the context-switch stack, eager mode) plus the process-wide
op-determinism flag.
"""

import contextlib
import random

import numpy as np
from tensorflow.python.eager import context as _tf_context
from tensorflow.python.framework import config as _tf_config
from tensorflow.python.framework import ops as _tf_ops

__all__ = ["reproducible", "between_items_as_before"]


@contextlib.contextmanager
def reproducible(config):
    """With ``config.tf_random_seed`` set: seed Python's and NumPy's generators (Keras'
    layer initializers draw their op seeds from Python's ``random``) and turn on TensorFlow's
    op determinism for the duration of the call. Without a seed: nothing."""
    seed = getattr(config, "tf_random_seed", None)
    if seed is None:
        yield
        return
    random.seed(seed)
    np.random.seed(seed % (2 ** 32))
    was_on = _tf_config.is_op_determinism_enabled()
    if not was_on:
        _tf_config.enable_op_determinism()
    try:
        yield
    finally:
        if not was_on:
            _tf_config.disable_op_determinism()


def _tf_state():
    ctx = _tf_context.context()
    return (list(_tf_ops._default_graph_stack.stack),  # noqa: SLF001 - see the module notes
            list(ctx.context_switches.stack), ctx._thread_local_data.is_eager,  # noqa: SLF001
            _tf_config.is_op_determinism_enabled())


def _set_tf_state(state):
    graphs, switches, eager, determinism = state
    ctx = _tf_context.context()
    _tf_ops._default_graph_stack.stack[:] = graphs  # noqa: SLF001
    ctx.context_switches.stack[:] = switches
    ctx._thread_local_data.is_eager = eager  # noqa: SLF001
    if determinism != _tf_config.is_op_determinism_enabled():
        (_tf_config.enable_op_determinism if determinism
         else _tf_config.disable_op_determinism)()


def between_items_as_before(gen):
    """Yield ``gen``'s items; between them the caller's TensorFlow state is as it was before
    (see the module notes), and ``gen`` resumes in its own."""
    inside = None
    while True:
        outside = _tf_state()
        if inside is not None:
            _set_tf_state(inside)
        try:
            item = next(gen)
        except StopIteration:
            _set_tf_state(outside)
            return
        except BaseException:
            _set_tf_state(outside)
            raise
        inside = _tf_state()
        _set_tf_state(outside)
        try:
            yield item
        except GeneratorExit:
            # Closed early (or collected): let the predictions' contexts end in their state.
            outside = _tf_state()
            _set_tf_state(inside)
            try:
                gen.close()
            finally:
                _set_tf_state(outside)
            raise
