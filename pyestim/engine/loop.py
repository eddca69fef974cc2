"""Several training steps per ``session.run`` (``run_config(steps_per_run = K)``): an in-graph
loop over the input, as TPUEstimator's ``iterations_per_loop`` did.

How it works. tf.estimator builds the training graph once: it calls the input function (a
``tf.data.Dataset``, made into an iterator whose ``get_next()`` gives the features and the
labels) and then the model function on those tensors. With ``K > 1`` the estimator's model
function is swapped, for the length of a ``train()`` call, for one that builds a
``tf.while_loop``: its body pulls the next batch from the same iterator and calls the model
function on it, and the next iteration starts once the body's ``train_op`` has run. The model
function is called once (inside the body: the variables it creates are lifted out of the loop,
as TensorFlow does for every variable), so its variables, the optimizer's slots and the global
step are those of ``K = 1``; the batches are consumed in the same order and each step runs the
same ops, so after N steps the variables are bit for bit those of ``K = 1``.

What a ``session.run`` gives back. The loop's outputs: the loss of its last step (as
``float32``), that step's ``average_loss`` when the model function writes that summary (a
canned head of TensorFlow 1's class), and the number of steps it ran. Checkpoints,
summaries, the history, the progress bar and logging hooks thus see the last step of each run;
other tensors of the model function (its summaries, its predictions) live inside the loop and
cannot be fetched: a hook that asks for one gets a :class:`HookError` naming the hook and the
fix. The global step counts steps. The loop stops early at a step whose loss is not finite
(so the NaN guard reports the step it happened at) and when the input runs out (the steps
done so far stay done, as with ``K = 1``). ``steps`` and ``max_steps`` stop exactly: a hook
feeds each run the number of steps it may take (``K``, or the steps left when fewer).

Dropout and other random ops in the model function draw from their own streams; with
``K > 1`` those streams are not promised to match ``K = 1``'s.
"""

import contextlib

import tensorflow as tf
from tensorflow.python.util.function_utils import fn_args

from .._lang import code, shown
from ..errors import HookError, InputFnError, PyestimValueError
from ._stack import STACK

__all__ = ["steps_per_run", "set_steps_per_run", "stepping", "STEPS_DONE", "STEPS_BOUND"]

STEPS_DONE = "pyestim_steps_done"  # graph collection: the steps the run's loop took
STEPS_BOUND = "pyestim_steps_bound"  # graph collection: the steps a run may take (fed)
_ATTR = "_pyestim_steps_per_run"
_PASSTHROUGH = ("Identity", "IdentityN")


def steps_per_run(config):
    """The training steps per ``session.run`` a RunConfig asks for (1 unless set)."""
    return int(getattr(config, _ATTR, 1) or 1)


def set_steps_per_run(config, k):
    """Record ``k`` on a RunConfig (it survives the copies tf.estimator makes of it)."""
    if k > 1 and getattr(config, "train_distribute", None) is not None:
        raise PyestimValueError(
            f"{code('steps_per_run')} > 1 cannot be combined with train_distribute: a "
            "distribution strategy runs its own step per replica. Use "
            f"{code('steps_per_run=1')} (the default) with train_distribute.")
    object.__setattr__(config, _ATTR, int(k))
    return config


def _source(tensor):
    """(IteratorGetNext op, output index) a tensor comes from, through identities."""
    while tensor.op.type in _PASSTHROUGH:
        tensor = tensor.op.inputs[tensor.value_index if tensor.op.type == "IdentityN" else 0]
    if tensor.op.type not in ("IteratorGetNext", "IteratorGetNextSync"):
        return None
    return tensor.op, tensor.value_index


def _batch_reader(features, labels):
    """A function giving the next (features, labels) from the iterator the estimator's input
    tensors come from, in their structure."""
    flat = tf.nest.flatten((features, labels))
    sources = [_source(t) if isinstance(t, tf.Tensor) else None for t in flat]
    ops = {id(s[0]): s[0] for s in sources if s is not None}
    if None in sources or len(ops) != 1:
        raise InputFnError(
            f"{code('steps_per_run')} > 1 needs an input function whose features and labels "
            f"come straight from one {code('tf.data.Dataset')} (a dataset, as input_fn() and "
            "numpy_input_fn() return, or its iterator's get_next()); this one's are computed "
            f"after it. Build them inside the dataset ({code('dataset.map(...)')}), or use "
            f"{code('steps_per_run=1')}.")
    op = next(iter(ops.values()))
    types, shapes = op.get_attr("output_types"), op.get_attr("output_shapes")
    handle = op.inputs[0]

    def read():
        out = tf.raw_ops.IteratorGetNext(iterator=handle, output_types=types,
                                         output_shapes=shapes)
        picked = []
        for t, (_, index) in zip(flat, sources):
            value = out[index]
            value.set_shape(t.shape)
            picked.append(value)
        return tf.nest.pack_sequence_as((features, labels), picked)

    return read


def _average_loss(graph):
    for summary in graph.get_collection(tf.compat.v1.GraphKeys.SUMMARIES):
        op = getattr(summary, "op", None)
        if op is not None and op.name.endswith("average_loss") and op.type == "ScalarSummary":
            return op.inputs[1]
    return None


def _drop_loop_tensors(graph):
    """Take the tensors and ops of the loop's body (summaries, losses, update ops the model
    function added to the graph's collections) out of the graph's collections: they cannot
    be fetched from outside the loop."""
    for key in graph.get_all_collection_keys():
        items = graph.get_collection_ref(key)
        items[:] = [item for item in items if getattr(item, "graph", graph) is graph]


def _loop_spec(call, features, labels, k):
    """The EstimatorSpec of the in-graph loop over ``call(features, labels)``."""
    read = _batch_reader(features, labels)
    bound = tf.compat.v1.placeholder_with_default(tf.constant(k, tf.int32), [],
                                                  name="pyestim_steps_this_run")
    built = {}

    def body(i, _loss, _mean):
        batch_features, batch_labels = read()
        spec = call(batch_features, batch_labels)
        built["spec"] = spec
        mean = _average_loss(tf.compat.v1.get_default_graph())
        built["mean"] = mean is not None
        loss = tf.cast(spec.loss, tf.float32)
        mean = loss if mean is None else tf.cast(mean, tf.float32)
        with tf.control_dependencies([spec.train_op]):
            return i + 1, tf.identity(loss), tf.identity(mean)

    def cond(i, loss, _mean):
        return tf.logical_and(i < bound, tf.math.is_finite(loss))

    zero = tf.constant(0.0, tf.float32)
    done, loss, mean = tf.compat.v1.while_loop(
        cond, body, [tf.constant(0, tf.int32), zero, zero], name="pyestim_steps_loop")
    spec = built["spec"]
    graph = tf.compat.v1.get_default_graph()
    _drop_loop_tensors(graph)
    if built["mean"]:
        tf.compat.v1.summary.scalar("average_loss", mean)
    graph.add_to_collection(STEPS_DONE, done)
    graph.add_to_collection(STEPS_BOUND, bound)
    return STACK.v2.EstimatorSpec(
        mode=spec.mode, loss=loss, train_op=done.op, scaffold=spec.scaffold,
        training_hooks=checked_hooks(spec.training_hooks, k),
        training_chief_hooks=checked_hooks(spec.training_chief_hooks, k))


def _looped_model_fn(model_fn, k):
    wanted = fn_args(model_fn)

    def pyestim_steps_model_fn(features, labels, mode, params, config):
        given = {"labels": labels, "mode": mode, "params": params, "config": config}
        kwargs = {n: v for n, v in given.items() if n in wanted}

        def call(batch_features, batch_labels):
            if "labels" in kwargs:
                kwargs["labels"] = batch_labels
            return model_fn(features=batch_features, **kwargs)

        if mode != STACK.v2.ModeKeys.TRAIN:
            return call(features, labels)
        return _loop_spec(call, features, labels, k)

    return pyestim_steps_model_fn


class _StepsBound(tf.compat.v1.train.SessionRunHook):
    """Feeds each run the steps it may take: K, or the steps left to ``steps`` /
    ``max_steps`` when fewer; counts the steps each run took."""

    def __init__(self, k, steps, max_steps):
        self.k, self.steps, self.max_steps = k, steps, max_steps
        self._last = self._at = None

    def begin(self):
        graph = tf.compat.v1.get_default_graph()
        bounds, done = graph.get_collection(STEPS_BOUND), graph.get_collection(STEPS_DONE)
        self._bound = bounds[-1] if bounds else None
        self._done = done[-1] if done else None

    def after_create_session(self, session, coord):
        if self._bound is None:
            return
        self._at = int(session.run(tf.compat.v1.train.get_global_step()))
        if self.steps is not None:
            self._last = self._at + self.steps
        elif self.max_steps is not None:
            self._last = self.max_steps

    def before_run(self, run_context):
        if self._bound is None:
            return None
        feed = {}
        if self._last is not None:
            feed[self._bound] = max(1, min(self.k, self._last - self._at))
        return tf.compat.v1.train.SessionRunArgs(self._done, feed_dict=feed)

    def after_run(self, run_context, run_values):
        if self._bound is None:
            return
        self._at += int(run_values.results)
        # StopAtStepHook may read the global step before the run's loop: stop here, exactly
        if self._last is not None and self._at >= self._last:
            run_context.request_stop()


class _CheckedHook(tf.compat.v1.train.SessionRunHook):
    """A hook whose fetches are checked against what the loop can give."""

    def __init__(self, hook, k):
        self.hook, self.k = hook, k

    def _refuse(self, what):
        return HookError(
            f"The hook {type(self.hook).__name__} asks for {what}, which the training loop of "
            f"{code(f'steps_per_run={self.k}')} cannot give: the model function runs inside "
            "an in-graph loop, and only the loss and the global step of the loop's last step "
            "(and tensors built outside the model function) can be fetched. Fetch the loss "
            f"or the global step, or train with {code('steps_per_run=1')} (the default) to "
            "use this hook.")

    def begin(self):
        try:
            return self.hook.begin()
        except (KeyError, ValueError) as err:
            if isinstance(err, HookError):
                raise
            raise self._refuse(f"a tensor it could not find ({err})") from err

    def after_create_session(self, session, coord):
        return self.hook.after_create_session(session, coord)

    def before_run(self, run_context):
        args = self.hook.before_run(run_context)
        if args is not None:
            graph = run_context.session.graph
            for item in tf.nest.flatten(args.fetches):
                if isinstance(item, str):
                    try:
                        graph.as_graph_element(item)
                    except (KeyError, ValueError):
                        raise self._refuse(shown(item)) from None
                elif getattr(item, "graph", graph) is not graph:
                    raise self._refuse(shown(getattr(item, "name", item)))
        return args

    def after_run(self, run_context, run_values):
        return self.hook.after_run(run_context, run_values)

    def end(self, session):
        return self.hook.end(session)


def checked_hooks(hooks, k):
    """``hooks``, each checked for fetches the loop cannot give when ``k > 1``."""
    if k <= 1 or not hooks:
        return hooks
    return [h if isinstance(h, (_CheckedHook, _StepsBound)) else _CheckedHook(h, k)
            for h in hooks]


@contextlib.contextmanager
def stepping(tf_estimator, hooks, steps=None, max_steps=None):
    """For one training call: the estimator's model function looped as its config's
    ``steps_per_run`` asks, and the hooks to pass (checked, plus the step bound). With
    ``steps_per_run = 1`` nothing changes."""
    k = steps_per_run(tf_estimator.config)
    if k <= 1:
        yield list(hooks or [])
        return
    original = tf_estimator._model_fn
    tf_estimator._model_fn = _looped_model_fn(original, k)
    try:
        yield checked_hooks(list(hooks or []), k) + [_StepsBound(k, steps, max_steps)]
    finally:
        tf_estimator._model_fn = original
