"""The pieces of TensorFlow 1's ``tf.contrib`` that tfestimators' examples and tests call,
written on ``tf.compat.v1`` with TensorFlow 1's documented semantics:

* ``layers.fully_connected``: ``relu`` by default, variables ``<scope>/weights`` and
  ``<scope>/biases`` (scope ``fully_connected``, then ``fully_connected_1``, ...; no biases
  when a ``normalizer_fn`` is given, which runs before the activation), model variables;
* ``layers.stack``: the layer applied once per element of ``stack_args``, in scopes
  ``<scope>/<name>_1``, ``<name>_2``, ... (scope ``Stack`` and the layer's name by default;
  given ``scope = "fc"``: ``fc/fc_1``, ...);
* ``layers.dropout``: ``keep_prob`` (not a rate), dropping also when not training unless
  ``is_training = FALSE``;
* ``layers.optimize_loss``: the optimizer by name ("Adagrad", "Adam", "Ftrl", "Momentum",
  "RMSProp", "SGD"), class, instance or function of the learning rate; a learning-rate
  variable, its decay, gradient clipping and multipliers, and the summaries;
* ``framework.get_global_step``, ``framework.local_variable``, ``framework.model_variable``.

Only public ``tf.compat.v1`` is used (no TensorFlow internals), so this runs on any stack.
"""

import functools

import tensorflow as tf

from ._args import as_count, as_float
from ._lang import code, shown
from .errors import PyestimTypeError, PyestimValueError

__all__ = ["fully_connected", "stack", "dropout", "optimize_loss", "get_global_step",
           "local_variable", "model_variable", "OPTIMIZER_CLS_NAMES", "OPTIMIZER_SUMMARIES"]

_v1 = tf.compat.v1

#: The optimizers optimize_loss() knows by name.
OPTIMIZER_CLS_NAMES = {
    "Adagrad": _v1.train.AdagradOptimizer,
    "Adam": _v1.train.AdamOptimizer,
    "Ftrl": _v1.train.FtrlOptimizer,
    # TensorFlow 1 gave MomentumOptimizer no momentum here (and failed); 0.9 is the usual one.
    "Momentum": functools.partial(_v1.train.MomentumOptimizer, momentum=0.9),
    "RMSProp": _v1.train.RMSPropOptimizer,
    "SGD": _v1.train.GradientDescentOptimizer,
}

#: What optimize_loss(summaries = ...) can report.
OPTIMIZER_SUMMARIES = ["learning_rate", "loss", "gradients", "gradient_norm",
                       "global_gradient_norm"]
_DEFAULT_SUMMARIES = ["loss", "learning_rate", "global_gradient_norm"]


# --------------------------------------------------------------------------------------------
# framework


def get_global_step(graph=None):
    """The global step variable of ``graph`` (the default graph), or None."""
    return _v1.train.get_global_step(graph)


def model_variable(name, shape=None, dtype=tf.float32, initializer=None, regularizer=None,
                   trainable=True, collections=None, caching_device=None, device=None,
                   partitioner=None, custom_getter=None, use_resource=None):
    """A variable (got or created by ``tf.get_variable``) that is also in the
    ``MODEL_VARIABLES`` collection (and in ``collections``, if given)."""
    collections = list(collections or []) + [_v1.GraphKeys.GLOBAL_VARIABLES,
                                             _v1.GraphKeys.MODEL_VARIABLES]
    with tf.device(device or ""):
        return _v1.get_variable(
            name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
            trainable=trainable, collections=collections, caching_device=caching_device,
            partitioner=partitioner, custom_getter=custom_getter, use_resource=use_resource)


def local_variable(initial_value, validate_shape=True, name=None, use_resource=None):
    """A variable in the ``LOCAL_VARIABLES`` collection (not saved, not trained) holding
    ``initial_value``."""
    return _v1.Variable(initial_value, trainable=False,
                        collections=[_v1.GraphKeys.LOCAL_VARIABLES],
                        validate_shape=validate_shape, name=name, use_resource=use_resource)


# --------------------------------------------------------------------------------------------
# layers


def _collect(outputs, collections):
    for collection in collections or []:
        _v1.add_to_collection(collection, outputs)
    return outputs


def fully_connected(inputs, num_outputs, activation_fn=tf.nn.relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=None, weights_regularizer=None,
                    biases_initializer=None, biases_regularizer=None, reuse=None,
                    variables_collections=None, outputs_collections=None, trainable=True,
                    scope=None):
    """A fully connected layer: ``activation_fn(normalizer_fn(x %*% weights) or
    x %*% weights + biases)`` over the last dimension of ``inputs``.

    The variables are ``<scope>/weights`` (Glorot-uniform by default) and ``<scope>/biases``
    (zeros; none when ``normalizer_fn`` is given); the scope is ``fully_connected`` (then
    ``fully_connected_1``, ...) unless ``scope`` names one. ``activation_fn = None`` leaves
    the layer linear."""
    num_outputs = as_count(num_outputs, "num_outputs", allow_none=False, minimum=1)
    with _v1.variable_scope(scope, "fully_connected", [inputs], reuse=reuse) as sc:
        x = tf.convert_to_tensor(inputs)
        in_dim = x.shape[-1] if x.shape.rank else None
        if in_dim is None or x.shape.rank < 2:
            raise PyestimValueError(
                f"fully_connected() needs inputs of rank 2 or more with a known last "
                f"dimension, got shape {x.shape}.")
        weights = model_variable(
            "weights", shape=[int(in_dim), num_outputs], dtype=x.dtype.base_dtype,
            initializer=weights_initializer or _v1.glorot_uniform_initializer(),
            regularizer=weights_regularizer, collections=variables_collections,
            trainable=trainable)
        if x.shape.rank == 2:
            outputs = tf.matmul(x, weights)
        else:
            outputs = tf.tensordot(x, weights, [[x.shape.rank - 1], [0]])
            outputs.set_shape(x.shape[:-1].concatenate([num_outputs]))
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **dict(normalizer_params or {}))
        else:
            biases = model_variable(
                "biases", shape=[num_outputs], dtype=x.dtype.base_dtype,
                initializer=biases_initializer or _v1.zeros_initializer(),
                regularizer=biases_regularizer, collections=variables_collections,
                trainable=trainable)
            outputs = tf.nn.bias_add(outputs, biases)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect(outputs, outputs_collections)


def _layer_name(layer):
    if isinstance(layer, functools.partial):
        layer = layer.func
    return getattr(layer, "__name__", None) or "stack"


def stack(inputs, layer, stack_args, **kwargs):
    """``layer`` applied repeatedly: ``stack(x, fully_connected, c(32, 64))`` is
    ``fully_connected(fully_connected(x, 32, scope = "Stack/fully_connected_1"), 64, scope =
    "Stack/fully_connected_2")``. An element of ``stack_args`` that is a list gives several
    positional arguments; ``kwargs`` (e.g. ``normalizer_fn``) go to every call. ``scope``
    names the stack and its layers: ``scope = "fc"`` makes ``fc/fc_1``, ``fc/fc_2``, ..."""
    scope = kwargs.pop("scope", None)
    if not isinstance(stack_args, (list, tuple)):
        stack_args = [stack_args] if isinstance(stack_args, (int, float)) else stack_args
    if not isinstance(stack_args, (list, tuple)) or not stack_args:
        raise PyestimTypeError(
            "stack_args must be a non-empty list (one element per layer), got "
            f"{shown(stack_args)}.")
    with _v1.variable_scope(scope, "Stack", [inputs]):
        name = scope.split("/")[-1] if isinstance(scope, str) and scope else _layer_name(layer)
        outputs = tf.convert_to_tensor(inputs)
        for i, arg in enumerate(stack_args):
            args = list(arg) if isinstance(arg, (list, tuple)) else [arg]
            outputs = layer(outputs, *args, scope=f"{name}_{i + 1}", **kwargs)
        return outputs


def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True, outputs_collections=None,
            scope=None, seed=None):
    """Each element kept with probability ``keep_prob`` (and scaled by ``1 / keep_prob``),
    else zero, while ``is_training``; the identity otherwise."""
    keep_prob = as_float(keep_prob, "keep_prob")
    if not 0 < keep_prob <= 1:
        raise PyestimValueError(f"keep_prob must be in (0, 1], got {keep_prob}.")
    with _v1.name_scope(scope, "Dropout", [inputs]):
        outputs = _v1.layers.dropout(tf.convert_to_tensor(inputs), rate=1 - keep_prob,
                                     noise_shape=noise_shape, seed=seed, training=is_training)
        return _collect(outputs, outputs_collections)


# --------------------------------------------------------------------------------------------
# optimize_loss


def _optimizer(optimizer, lr):
    if isinstance(optimizer, str):
        if optimizer not in OPTIMIZER_CLS_NAMES:
            raise PyestimValueError(
                f"Optimizer name {shown(optimizer)} is unknown; use one of "
                f"{', '.join(sorted(OPTIMIZER_CLS_NAMES))}, an optimizer class or instance.")
        if lr is None:
            raise PyestimValueError(
                f"learning_rate is {code('None')}, but optimizer {shown(optimizer)} is a name: "
                "give a learning_rate (a number or a tensor).")
        return OPTIMIZER_CLS_NAMES[optimizer](learning_rate=lr)
    if isinstance(optimizer, type) and issubclass(optimizer, _v1.train.Optimizer):
        return optimizer(learning_rate=lr)
    if isinstance(optimizer, _v1.train.Optimizer):
        return optimizer
    if callable(optimizer):
        made = optimizer(lr) if lr is not None else optimizer()
        if not isinstance(made, _v1.train.Optimizer):
            raise PyestimTypeError(
                f"The optimizer function returned {type(made).__name__}, not a "
                f"{code('tf.train')} Optimizer.")
        return made
    raise PyestimTypeError(
        f"optimizer must be a name, an Optimizer class, instance or function, got "
        f"{type(optimizer).__name__}.")


def _learning_rate(learning_rate, learning_rate_decay_fn, global_step):
    lr = None
    if learning_rate is not None:
        if isinstance(learning_rate, (tf.Tensor, tf.Variable)):
            lr = learning_rate
        else:
            lr = _v1.get_variable(
                "learning_rate", [], trainable=False,
                initializer=_v1.constant_initializer(as_float(learning_rate, "learning_rate")))
    if learning_rate_decay_fn is not None:
        if lr is None:
            raise PyestimValueError("learning_rate_decay_fn needs a learning_rate.")
        lr = learning_rate_decay_fn(lr, global_step)
    return lr


def _gradients(opt, loss, variables, gradient_multipliers, clip_gradients, colocate):
    grads = opt.compute_gradients(loss, variables or None, colocate_gradients_with_ops=colocate)
    grads = [(g, v) for g, v in grads if g is not None]
    if not grads:
        raise PyestimValueError("optimize_loss(): no variable has a gradient of the loss.")
    if gradient_multipliers:
        wanted = {(v.op.name if hasattr(v, "op") else v): m
                  for v, m in gradient_multipliers.items()}
        grads = [(g * wanted[v.op.name] if v.op.name in wanted else g, v) for g, v in grads]
    if callable(clip_gradients):
        grads = clip_gradients(grads)
    elif clip_gradients is not None:
        clipped, _ = tf.clip_by_global_norm([g for g, _ in grads],
                                            as_float(clip_gradients, "clip_gradients"))
        grads = list(zip(clipped, [v for _, v in grads]))
    return grads


def _summaries(summaries, loss, lr, grads):
    summaries = _DEFAULT_SUMMARIES if summaries is None else list(summaries)
    unknown = [s for s in summaries if s not in OPTIMIZER_SUMMARIES]
    if unknown:
        raise PyestimValueError(
            f"Unknown summaries {unknown}; choose from {', '.join(OPTIMIZER_SUMMARIES)}.")
    if "loss" in summaries:
        _v1.summary.scalar("loss", loss)
    if "learning_rate" in summaries and lr is not None:
        _v1.summary.scalar("learning_rate", lr)
    for g, v in grads:
        values = g.values if isinstance(g, tf.IndexedSlices) else g
        if "gradients" in summaries:
            _v1.summary.histogram("gradients/%s" % v.op.name, values)
        if "gradient_norm" in summaries:
            _v1.summary.scalar("gradient_norm/%s" % v.op.name, tf.norm(values))
    if "global_gradient_norm" in summaries:
        _v1.summary.scalar("global_norm/gradient_norm", tf.linalg.global_norm(
            [g.values if isinstance(g, tf.IndexedSlices) else g for g, _ in grads]))


def optimize_loss(loss, global_step, learning_rate, optimizer, gradient_noise_scale=None,
                  gradient_multipliers=None, clip_gradients=None, learning_rate_decay_fn=None,
                  update_ops=None, variables=None, name=None, summaries=None,
                  colocate_gradients_with_ops=False, increment_global_step=True):
    """A training op minimizing ``loss``: a tensor equal to the loss that, when run, applies
    one step of ``optimizer`` (and increments ``global_step``).

    ``optimizer`` is a name ("Adagrad", "Adam", "Ftrl", "Momentum" (momentum 0.9), "RMSProp",
    "SGD"), an Optimizer class (built with ``learning_rate``), an Optimizer instance, or a
    function of the learning rate returning one. A number ``learning_rate`` becomes the
    variable ``<name or OptimizeLoss>/learning_rate``; ``learning_rate_decay_fn(lr,
    global_step)`` decays it. ``clip_gradients`` is a global-norm limit or a function of the
    (gradient, variable) pairs; ``gradient_multipliers`` maps variables to factors.
    ``summaries`` (default loss, learning_rate, global_gradient_norm) is a subset of
    ``OPTIMIZER_SUMMARIES``. ``update_ops`` default to the ``UPDATE_OPS`` collection."""
    if gradient_noise_scale is not None:
        raise PyestimValueError(
            "optimize_loss(): gradient_noise_scale is not supported by pyestim; leave it "
            f"{code('None')}.")
    if global_step is None:
        global_step = get_global_step()
    if global_step is None:
        raise PyestimValueError(
            "optimize_loss(): global step was not found; pass "
            f"{code('global_step=tf.train.get_global_step()')} inside a model function.")
    with _v1.variable_scope(name, "OptimizeLoss", [loss, global_step]):
        if update_ops is None:
            update_ops = _v1.get_collection(_v1.GraphKeys.UPDATE_OPS)
        if update_ops:
            with tf.control_dependencies(list(update_ops)):
                loss = tf.identity(loss)
        lr = _learning_rate(learning_rate, learning_rate_decay_fn, global_step)
        opt = _optimizer(optimizer, lr)
        grads = _gradients(opt, loss, variables, gradient_multipliers, clip_gradients,
                           bool(colocate_gradients_with_ops))
        _summaries(summaries, loss, lr, grads)
        apply = opt.apply_gradients(
            grads, global_step=global_step if increment_global_step else None, name="train")
        with tf.control_dependencies([apply]):
            return tf.identity(loss, name="train_op")
