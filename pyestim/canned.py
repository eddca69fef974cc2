"""Canned estimators: ``linear_regressor()``, ``linear_classifier()``, ``dnn_regressor()``,
``dnn_classifier()``, ``dnn_linear_combined_regressor()``, ``dnn_linear_combined_classifier()``,
``boosted_trees_regressor()`` and ``boosted_trees_classifier()``.

Each returns a :class:`CannedEstimator`, a :class:`pyestim.Estimator` whose ``.estimator`` is
TensorFlow's estimator, so ``train()``, ``evaluate()``, ``predict()`` and
``export_savedmodel()`` work on it as on a custom estimator.

Which TensorFlow classes
------------------------
tfestimators ran on TensorFlow 1, whose ``tf.estimator.LinearClassifier`` ... are the classes
TensorFlow 2 keeps as ``tf.compat.v1.estimator.*``: the training loss is the SUM over the batch
and optimizers are ``tf.compat.v1.train`` optimizers (``tf$train$AdamOptimizer()`` with the
package's ``tf``). pyestim uses these classes, so a model learns as it did with tfestimators
(the same learning rate takes the same steps).

When a Keras optimizer is given (``tf.keras.optimizers.legacy.Adam()``, or a function
returning one), TensorFlow 2's class of the same name is used instead (``tf.estimator.*``, the
"V2" estimators), which takes Keras optimizers and averages the loss over the batch. The two
kinds cannot be mixed in one combined estimator, and ``partitioner`` /
``input_layer_partitioner`` (TF1 only) cannot go with a Keras optimizer. ``est.tf_version``
says which was used (``"v1"`` or ``"v2"``).

tensorflow-estimator 2.15 no longer ships ``BoostedTreesRegressor`` / ``Classifier``; the
boosted-trees estimators are pyestim's own model function (see ``pyestim._boosted_trees``)
behind tfestimators' interface.

Arguments
---------
* Counts may be R numbers (``n_classes = 3`` arrives as ``3.0``); ``hidden_units = c(10, 20,
  10)`` arrives as a list of floats.
* Activation functions may be given by name (``"relu"``, ``"tanh"``, ... any activation in
  ``tf.nn``) or as a function.
* Optimizers may be given by name (``"Adagrad"``, ``"Adam"``, ``"Ftrl"``, ``"RMSProp"``,
  ``"SGD"``; case does not matter), as an optimizer object, or as a function returning one.
  A Keras optimizer object is copied (same class and configuration) for every graph
  TensorFlow builds, since one object cannot serve two graphs: train() may be called again.

Predictions
-----------
Canned estimators' predictions are tidied for ``predict()``: ``classes`` (and
``all_classes``) are decoded to ``str``, and the per-example ``classes``, ``class_ids``,
``logistic`` and (for one target) ``predictions``, each a one-element array in TensorFlow,
become plain values. Each row of ``predict()``'s data frame so holds e.g. ``"setosa"`` in
``classes`` and ``0`` in ``class_ids``.
"""

import numbers
import os

import numpy as np
import tensorflow as tf

from ._utils import as_count
from .errors import PyestimTypeError, PyestimValueError
from .estimator import Estimator
from .feature_columns import as_column_list

# --------------------------------------------------------------------------------------------
# The estimator object


class CannedEstimator(Estimator):
    """A canned estimator: one of TensorFlow's ready-made models (or pyestim's boosted trees).

    Attributes
    ----------
    estimator : tf.estimator.Estimator
        The wrapped TensorFlow estimator.
    canned : bool
        Always True (custom estimators from :func:`estimator` have no such attribute, or
        False): ``getattr(x, "canned", False)`` tells them apart.
    kind : str
        ``"regressor"``, ``"classifier"`` or ``"keras"``.
    model_type : str
        The constructor's name, e.g. ``"dnn_classifier"`` (``"keras_model"`` for
        :func:`keras_model_to_estimator`).
    args : dict
        The arguments the constructor was called with (after normalisation), as tfestimators
        keeps them.
    tf_version : str or None
        ``"v1"`` when TensorFlow 1's class is used (as tfestimators did), ``"v2"`` for
        TensorFlow 2's (a Keras optimizer was given), None for the estimators that are a model
        function of pyestim's (boosted trees) or of Keras'.
    feature_layout : str
        How :func:`input_fn` hands features over: ``"dict"`` (one tensor per feature, matched
        by the feature columns) or ``"matrix"`` (one tensor).
    """

    canned = True
    tf_version = None

    def __init__(self, estimator, kind, model_type, args, feature_layout="dict"):
        # The TF1 classes (the default, see the module notes) derive from TF1's Estimator, not
        # from tf.estimator.Estimator (TF2's), which Estimator.__init__ insists on.
        if not isinstance(estimator, tf.compat.v1.estimator.Estimator):
            raise PyestimTypeError(
                f"Expected a TensorFlow estimator, got {type(estimator).__name__}.")
        self.estimator = estimator
        self.model_fn = None
        self.kind = kind
        self.model_type = model_type
        self.args = dict(args)
        self.feature_layout = feature_layout

    @property
    def feature_columns(self):
        """All feature columns of the model (linear and DNN parts together)."""
        out = []
        for key in ("feature_columns", "linear_feature_columns", "dnn_feature_columns"):
            for column in self.args.get(key) or []:
                if column not in out:
                    out.append(column)
        return out

    def __repr__(self):
        return f"<pyestim canned {self.model_type}, model_dir={self.model_dir!r}>"


# --------------------------------------------------------------------------------------------
# Argument normalisation


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
                f"{activation_fn!r} is not a known activation function in the 'tf$nn' module; "
                f"give one of {', '.join(known_activations())}, or a function.")
        return getattr(tf.nn, activation_fn)
    if callable(activation_fn):
        return activation_fn
    raise PyestimTypeError(
        f"{name} must be the name of an activation function (e.g. \"relu\") or a function, got "
        f"{type(activation_fn).__name__} {activation_fn!r:.60}.")


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
            f"Unknown optimizer name {optimizer!r} for {name}; give one of "
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
        "tf$train$AdagradOptimizer(learning_rate = 0.1)), or a function returning one; got "
        f"{type(optimizer).__name__} {optimizer!r:.60}.")


def _tf_version(args):
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
            "(tf$train$...Optimizer); one estimator takes one kind: give both as Keras "
            "optimizers, both as tf$train optimizers, or names.")
    partitioner = _PARTITIONER_ARGS.intersection(args).pop()
    if args[partitioner] is not None:
        raise PyestimTypeError(
            f"{partitioner} works only with TensorFlow 1's estimator, which takes no Keras "
            f"optimizer: give {keras[0]} as a name or a tf$train optimizer (e.g. "
            "tf$train$AdagradOptimizer(learning_rate = 0.05)), or drop the partitioner.")
    return "v2"


#: The TF1-only argument each linear / DNN / combined constructor has (one of these).
_PARTITIONER_ARGS = {"partitioner", "input_layer_partitioner"}


def _fresh_copies(optimizer):
    """A function making a fresh copy of a Keras optimizer for each graph: a Keras optimizer
    object belongs to the first graph it is used in, and TensorFlow's estimators build a new
    graph for every train() call."""
    cls, config = type(optimizer), optimizer.get_config()

    def make_optimizer():
        return cls.from_config(dict(config))

    make_optimizer.optimizer = optimizer
    return make_optimizer


def _hidden_units(hidden_units, name="hidden_units", allow_none=False):
    if hidden_units is None:
        if allow_none:
            return None
        raise PyestimValueError(
            f"{name} is required: the number of units per hidden layer, e.g. c(10, 20, 10).")
    if isinstance(hidden_units, np.ndarray):
        hidden_units = hidden_units.tolist()
    if isinstance(hidden_units, numbers.Number):
        hidden_units = [hidden_units]
    if not isinstance(hidden_units, (list, tuple)) or not hidden_units:
        raise PyestimValueError(
            f"{name} must be a non-empty list of layer sizes, e.g. c(10, 20, 10); got "
            f"{hidden_units!r}.")
    return [as_count(u, name, allow_none=False, minimum=1) for u in hidden_units]


def _dropout(dropout, name="dropout"):
    if dropout is None:
        return None
    if isinstance(dropout, (bool, np.bool_)) or not isinstance(dropout, numbers.Real):
        raise PyestimTypeError(f"{name} must be a probability or NULL/None, got {dropout!r}.")
    dropout = float(dropout)
    if not 0.0 <= dropout < 1.0:
        raise PyestimValueError(
            f"{name} is the probability of dropping a unit and must be in [0, 1), got "
            f"{dropout}.")
    return dropout


def _model_dir(model_dir):
    if model_dir is None:
        return None
    try:
        return os.fspath(model_dir)
    except TypeError:
        raise PyestimTypeError(
            f"model_dir must be a path (a string), got {type(model_dir).__name__}.") from None


def _config(config):
    if config is not None and not isinstance(config, tf.estimator.RunConfig):
        raise PyestimTypeError(f"config must come from run_config(), got {type(config).__name__}.")
    return config


def _n_classes(n_classes):
    n = as_count(n_classes, "n_classes", allow_none=False)
    if n < 2:
        raise PyestimValueError(f"n_classes must be at least 2, got {n}.")
    return n


def _label_vocabulary(label_vocabulary, n_classes):
    if label_vocabulary is None:
        return None
    if isinstance(label_vocabulary, np.ndarray):
        label_vocabulary = label_vocabulary.tolist()
    if isinstance(label_vocabulary, str):
        label_vocabulary = [label_vocabulary]
    if not isinstance(label_vocabulary, (list, tuple)) or not all(
            isinstance(v, str) for v in label_vocabulary):
        raise PyestimTypeError(
            "label_vocabulary must be a list of strings (the class names), got "
            f"{label_vocabulary!r:.80}.")
    vocab = list(label_vocabulary)
    if len(set(vocab)) != len(vocab):
        raise PyestimValueError(f"label_vocabulary has duplicate entries: {vocab}.")
    if len(vocab) != n_classes:
        raise PyestimValueError(
            f"label_vocabulary has {len(vocab)} entries but n_classes is {n_classes}; give one "
            "name per class (and n_classes = length(label_vocabulary)).")
    return vocab


def _weight_column(weight_column):
    from .feature_columns import _weight_column as check

    return check(weight_column)


def _float(value, name, minimum=None):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise PyestimTypeError(f"{name} must be a number, got {type(value).__name__} {value!r}.")
    value = float(value)
    if not np.isfinite(value) or (minimum is not None and value < minimum):
        raise PyestimValueError(f"{name} must be a finite number >= {minimum}, got {value}.")
    return value


# --------------------------------------------------------------------------------------------
# Tidy predictions


_SCALAR_KEYS = ("classes", "class_ids", "logistic", "predictions")
_STRING_KEYS = ("classes", "all_classes")


def _decode(arr):
    if isinstance(arr, np.ndarray) and arr.dtype == object:
        out = np.empty(arr.shape, dtype=object)
        out.reshape(-1)[:] = [v.decode("utf-8", errors="replace") if isinstance(v, bytes) else v
                              for v in arr.reshape(-1)]
        return out
    return arr


def _tidy_prediction(item, single):
    if not isinstance(item, dict):
        return item
    out = dict(item)
    for key in _STRING_KEYS:
        if key in out:
            out[key] = _decode(out[key])
    for key in _SCALAR_KEYS:
        value = out.get(key)
        if isinstance(value, np.ndarray):
            if single and value.shape == (1,):
                out[key] = value[0].item() if isinstance(value[0], np.generic) else value[0]
            elif not single and value.ndim == 2 and value.shape[1] == 1:
                out[key] = value[:, 0]
    return out


def _tidy_predict(tf_estimator):
    """Make the TensorFlow estimator's predict() yield tidied predictions (see the module
    notes). Only this instance changes; TensorFlow forbids overriding Estimator members in a
    subclass."""
    original = tf_estimator.predict

    def predict(input_fn, predict_keys=None, hooks=None, checkpoint_path=None,
                yield_single_examples=True):
        for item in original(input_fn, predict_keys=predict_keys, hooks=hooks,
                             checkpoint_path=checkpoint_path,
                             yield_single_examples=yield_single_examples):
            yield _tidy_prediction(item, yield_single_examples)

    predict.__doc__ = original.__doc__
    tf_estimator.predict = predict
    return tf_estimator


def _make(cls_v2, cls_v1, kind, model_type, args):
    """The canned estimator of TensorFlow 1's class ``cls_v1`` or, when a Keras optimizer asks
    for it, TensorFlow 2's ``cls_v2`` (which takes no partitioner), from the normalised
    ``args``."""
    version = _tf_version(args)
    tf_args = dict(args)
    if version == "v2":
        for name in _PARTITIONER_ARGS.intersection(tf_args):
            del tf_args[name]
    cls = cls_v1 if version == "v1" else cls_v2
    try:
        est = cls(**tf_args)
    except ValueError as err:
        raise PyestimValueError(f"{model_type}(): {err}") from None
    out = CannedEstimator(_tidy_predict(est), kind, model_type, args)
    out.tf_version = version
    return out


# --------------------------------------------------------------------------------------------
# Linear


def linear_regressor(feature_columns, model_dir=None, label_dimension=1, weight_column=None,
                     optimizer="Ftrl", config=None, partitioner=None):
    """Construct a linear model for regression.

    Parameters
    ----------
    feature_columns : list
        All the feature columns used by the model (typically from :func:`feature_columns`).
    model_dir : str, optional
        Directory to save the model parameters, graph, and so on; it can also be used to load
        checkpoints into the estimator to continue training a previously saved model.
    label_dimension : int
        Number of regression targets per example: the size of the last dimension of the
        labels and logits tensors.
    weight_column : str or numeric column, optional
        The feature holding example weights (multiplied by the loss of the example).
    optimizer : str, optimizer or function
        Either the name of the optimizer used to train the model, or an optimizer instance.
        Defaults to the FTRL optimizer.
    config : RunConfig, optional
        A run configuration from :func:`run_config`.
    partitioner : optional
        A partitioner for the linear model's variables (TensorFlow 1's class only: not with a
        Keras optimizer; see the module notes).

    Returns
    -------
    CannedEstimator
    """
    columns = as_column_list(feature_columns)
    args = dict(feature_columns=columns, model_dir=_model_dir(model_dir),
                label_dimension=as_count(label_dimension, "label_dimension", allow_none=False,
                                         minimum=1),
                weight_column=_weight_column(weight_column),
                optimizer=resolve_optimizer(optimizer), config=_config(config),
                partitioner=partitioner)
    return _make(tf.estimator.LinearRegressor, tf.compat.v1.estimator.LinearRegressor,
                 "regressor", "linear_regressor", args)


def linear_classifier(feature_columns, model_dir=None, n_classes=2, weight_column=None,
                      label_vocabulary=None, optimizer="Ftrl", config=None, partitioner=None):
    """Construct a linear model for classification.

    Parameters
    ----------
    feature_columns : list
        All the feature columns used by the model.
    model_dir : str, optional
        Directory to save the model parameters, graph, and so on.
    n_classes : int
        The number of label classes.
    weight_column : str or numeric column, optional
        The feature holding example weights.
    label_vocabulary : list of str, optional
        The class names. If given, labels must be strings from it, and predictions' ``classes``
        are these names; otherwise labels are integers in ``[0, n_classes)``.
    optimizer : str, optimizer or function
        The optimizer's name or an optimizer instance. Defaults to FTRL.
    config : RunConfig, optional
        A run configuration.
    partitioner : optional
        A partitioner for the variables (not with a Keras optimizer; see the module notes).

    Returns
    -------
    CannedEstimator
    """
    columns = as_column_list(feature_columns)
    n = _n_classes(n_classes)
    args = dict(feature_columns=columns, model_dir=_model_dir(model_dir), n_classes=n,
                weight_column=_weight_column(weight_column),
                label_vocabulary=_label_vocabulary(label_vocabulary, n),
                optimizer=resolve_optimizer(optimizer), config=_config(config),
                partitioner=partitioner)
    return _make(tf.estimator.LinearClassifier, tf.compat.v1.estimator.LinearClassifier,
                 "classifier", "linear_classifier", args)


# --------------------------------------------------------------------------------------------
# DNN


def dnn_regressor(hidden_units, feature_columns, model_dir=None, label_dimension=1,
                  weight_column=None, optimizer="Adagrad", activation_fn="relu", dropout=None,
                  input_layer_partitioner=None, config=None):
    """Construct a deep neural network (DNN) for regression.

    Parameters
    ----------
    hidden_units : list of int
        The number of hidden units in each layer; all layers are fully connected. ``c(64,
        32)`` means a first layer of 64 nodes and a second of 32.
    feature_columns : list
        All the feature columns used by the model.
    model_dir : str, optional
        Directory to save the model parameters, graph, and so on.
    label_dimension : int
        Number of regression targets per example.
    weight_column : str or numeric column, optional
        The feature holding example weights.
    optimizer : str, optimizer or function
        The optimizer's name or an optimizer instance. Defaults to Adagrad.
    activation_fn : str or function
        The activation function of each layer, a function or the name of one in ``tf.nn``
        (default ``"relu"``).
    dropout : float, optional
        When not None, the probability of dropping out a given coordinate.
    input_layer_partitioner : optional
        A partitioner for the input layer (not with a Keras optimizer; see the module notes).
    config : RunConfig, optional
        A run configuration.

    Returns
    -------
    CannedEstimator
    """
    columns = as_column_list(feature_columns)
    args = dict(hidden_units=_hidden_units(hidden_units), feature_columns=columns,
                model_dir=_model_dir(model_dir),
                label_dimension=as_count(label_dimension, "label_dimension", allow_none=False,
                                         minimum=1),
                weight_column=_weight_column(weight_column),
                optimizer=resolve_optimizer(optimizer),
                activation_fn=resolve_activation_fn(activation_fn), dropout=_dropout(dropout),
                input_layer_partitioner=input_layer_partitioner, config=_config(config))
    return _make(tf.estimator.DNNRegressor, tf.compat.v1.estimator.DNNRegressor,
                 "regressor", "dnn_regressor", args)


def dnn_classifier(hidden_units, feature_columns, model_dir=None, n_classes=2,
                   weight_column=None, label_vocabulary=None, optimizer="Adagrad",
                   activation_fn="relu", dropout=None, input_layer_partitioner=None,
                   config=None):
    """Construct a deep neural network (DNN) for classification.

    Parameters
    ----------
    hidden_units : list of int
        The number of hidden units in each layer, e.g. ``c(10, 20, 10)``.
    feature_columns : list
        All the feature columns used by the model.
    model_dir : str, optional
        Directory to save the model parameters, graph, and so on.
    n_classes : int
        The number of label classes.
    weight_column : str or numeric column, optional
        The feature holding example weights.
    label_vocabulary : list of str, optional
        The class names (labels are then strings from it).
    optimizer : str, optimizer or function
        The optimizer's name or an optimizer instance. Defaults to Adagrad.
    activation_fn : str or function
        The activation function of each layer (default ``"relu"``).
    dropout : float, optional
        When not None, the probability of dropping out a given coordinate.
    input_layer_partitioner : optional
        A partitioner for the input layer (not with a Keras optimizer; see the module notes).
    config : RunConfig, optional
        A run configuration.

    Returns
    -------
    CannedEstimator
    """
    columns = as_column_list(feature_columns)
    n = _n_classes(n_classes)
    args = dict(hidden_units=_hidden_units(hidden_units), feature_columns=columns,
                model_dir=_model_dir(model_dir), n_classes=n,
                weight_column=_weight_column(weight_column),
                label_vocabulary=_label_vocabulary(label_vocabulary, n),
                optimizer=resolve_optimizer(optimizer),
                activation_fn=resolve_activation_fn(activation_fn), dropout=_dropout(dropout),
                input_layer_partitioner=input_layer_partitioner, config=_config(config))
    return _make(tf.estimator.DNNClassifier, tf.compat.v1.estimator.DNNClassifier,
                 "classifier", "dnn_classifier", args)


# --------------------------------------------------------------------------------------------
# Linear + DNN ("wide and deep")


def _combined_args(model_dir, linear_feature_columns, linear_optimizer, dnn_feature_columns,
                   dnn_optimizer, dnn_hidden_units, dnn_activation_fn, dnn_dropout,
                   weight_column, input_layer_partitioner, config):
    linear = as_column_list(linear_feature_columns, "linear_feature_columns", allow_none=True)
    dnn = as_column_list(dnn_feature_columns, "dnn_feature_columns", allow_none=True)
    if not linear and not dnn:
        raise PyestimValueError(
            "Give linear_feature_columns, dnn_feature_columns or both; both are empty.")
    if dnn and dnn_hidden_units is None:
        raise PyestimValueError(
            "dnn_hidden_units is required when dnn_feature_columns are given, e.g. c(10, 10).")
    return dict(model_dir=_model_dir(model_dir), linear_feature_columns=linear,
                linear_optimizer=resolve_optimizer(linear_optimizer, "linear_optimizer"),
                dnn_feature_columns=dnn,
                dnn_optimizer=resolve_optimizer(dnn_optimizer, "dnn_optimizer"),
                dnn_hidden_units=_hidden_units(dnn_hidden_units, "dnn_hidden_units",
                                               allow_none=True),
                dnn_activation_fn=resolve_activation_fn(dnn_activation_fn, "dnn_activation_fn"),
                dnn_dropout=_dropout(dnn_dropout, "dnn_dropout"),
                weight_column=_weight_column(weight_column),
                input_layer_partitioner=input_layer_partitioner, config=_config(config))


def dnn_linear_combined_regressor(model_dir=None, linear_feature_columns=None,
                                  linear_optimizer="Ftrl", dnn_feature_columns=None,
                                  dnn_optimizer="Adagrad", dnn_hidden_units=None,
                                  dnn_activation_fn="relu", dnn_dropout=None, label_dimension=1,
                                  weight_column=None, input_layer_partitioner=None, config=None):
    """Construct a linear and DNN joined ("wide and deep") model for regression.

    Parameters
    ----------
    model_dir : str, optional
        Directory to save the model parameters, graph, and so on.
    linear_feature_columns : list, optional
        The feature columns used by the linear (wide) part of the model.
    linear_optimizer : str, optimizer or function
        The linear part's optimizer. Defaults to FTRL.
    dnn_feature_columns : list, optional
        The feature columns used by the neural network (deep) part.
    dnn_optimizer : str, optimizer or function
        The DNN part's optimizer. Defaults to Adagrad.
    dnn_hidden_units : list of int
        The number of hidden units in each layer of the DNN part.
    dnn_activation_fn : str or function
        The DNN's activation function (default ``"relu"``).
    dnn_dropout : float, optional
        When not None, the probability of dropping out a given coordinate.
    label_dimension : int
        Number of regression targets per example.
    weight_column : str or numeric column, optional
        The feature holding example weights.
    input_layer_partitioner : optional
        A partitioner for the input layer (not with a Keras optimizer; see the module notes).
    config : RunConfig, optional
        A run configuration.

    Returns
    -------
    CannedEstimator
    """
    args = _combined_args(model_dir, linear_feature_columns, linear_optimizer,
                          dnn_feature_columns, dnn_optimizer, dnn_hidden_units, dnn_activation_fn,
                          dnn_dropout, weight_column, input_layer_partitioner, config)
    args["label_dimension"] = as_count(label_dimension, "label_dimension", allow_none=False,
                                       minimum=1)
    return _make(tf.estimator.DNNLinearCombinedRegressor,
                 tf.compat.v1.estimator.DNNLinearCombinedRegressor, "regressor",
                 "dnn_linear_combined_regressor", args)


def dnn_linear_combined_classifier(model_dir=None, linear_feature_columns=None,
                                   linear_optimizer="Ftrl", dnn_feature_columns=None,
                                   dnn_optimizer="Adagrad", dnn_hidden_units=None,
                                   dnn_activation_fn="relu", dnn_dropout=None, n_classes=2,
                                   weight_column=None, label_vocabulary=None,
                                   input_layer_partitioner=None, config=None):
    """Construct a linear and DNN joined ("wide and deep") model for classification.

    Parameters
    ----------
    model_dir : str, optional
        Directory to save the model parameters, graph, and so on.
    linear_feature_columns : list, optional
        The feature columns used by the linear (wide) part of the model.
    linear_optimizer : str, optimizer or function
        The linear part's optimizer. Defaults to FTRL.
    dnn_feature_columns : list, optional
        The feature columns used by the neural network (deep) part.
    dnn_optimizer : str, optimizer or function
        The DNN part's optimizer. Defaults to Adagrad.
    dnn_hidden_units : list of int
        The number of hidden units in each layer of the DNN part.
    dnn_activation_fn : str or function
        The DNN's activation function (default ``"relu"``).
    dnn_dropout : float, optional
        When not None, the probability of dropping out a given coordinate.
    n_classes : int
        The number of label classes.
    weight_column : str or numeric column, optional
        The feature holding example weights.
    label_vocabulary : list of str, optional
        The class names (labels are then strings from it).
    input_layer_partitioner : optional
        A partitioner for the input layer (not with a Keras optimizer; see the module notes).
    config : RunConfig, optional
        A run configuration.

    Returns
    -------
    CannedEstimator
    """
    args = _combined_args(model_dir, linear_feature_columns, linear_optimizer,
                          dnn_feature_columns, dnn_optimizer, dnn_hidden_units, dnn_activation_fn,
                          dnn_dropout, weight_column, input_layer_partitioner, config)
    n = _n_classes(n_classes)
    args["n_classes"] = n
    args["label_vocabulary"] = _label_vocabulary(label_vocabulary, n)
    return _make(tf.estimator.DNNLinearCombinedClassifier,
                 tf.compat.v1.estimator.DNNLinearCombinedClassifier, "classifier",
                 "dnn_linear_combined_classifier", args)


# --------------------------------------------------------------------------------------------
# Boosted trees


def _boosted_args(feature_columns, n_batches_per_layer, model_dir, weight_column, n_trees,
                  max_depth, learning_rate, l1_regularization, l2_regularization,
                  tree_complexity, min_node_weight, config):
    from ._boosted_trees import check_columns

    columns = as_column_list(feature_columns)
    check_columns(columns)
    return dict(
        feature_columns=columns,
        n_batches_per_layer=as_count(n_batches_per_layer, "n_batches_per_layer",
                                     allow_none=False, minimum=1),
        model_dir=_model_dir(model_dir), weight_column=_weight_column(weight_column),
        n_trees=as_count(n_trees, "n_trees", allow_none=False, minimum=1),
        max_depth=as_count(max_depth, "max_depth", allow_none=False, minimum=1),
        learning_rate=_float(learning_rate, "learning_rate", minimum=0.0),
        l1_regularization=_float(l1_regularization, "l1_regularization", minimum=0.0),
        l2_regularization=_float(l2_regularization, "l2_regularization", minimum=0.0),
        tree_complexity=_float(tree_complexity, "tree_complexity", minimum=0.0),
        min_node_weight=_float(min_node_weight, "min_node_weight", minimum=0.0),
        config=_config(config))


def _boosted(kind, model_type, args, head):
    from ._boosted_trees import boosted_trees_model_fn

    if args["max_depth"] > 12:
        raise PyestimValueError(
            f"max_depth = {args['max_depth']} is too deep for pyestim's boosted trees (at most "
            "12: each tree keeps 2^max_depth leaves).")
    params = {k: args[k] for k in ("feature_columns", "n_batches_per_layer", "n_trees",
                                   "max_depth", "learning_rate", "l1_regularization",
                                   "l2_regularization", "tree_complexity", "min_node_weight")}

    def model_fn(features, labels, mode, config):
        return boosted_trees_model_fn(features, labels, mode, head, params, config)

    est = tf.estimator.Estimator(model_fn=model_fn, model_dir=args["model_dir"],
                                 config=args["config"])
    return CannedEstimator(_tidy_predict(est), kind, model_type, args)


def boosted_trees_regressor(feature_columns, n_batches_per_layer, model_dir=None,
                            label_dimension=1, weight_column=None, n_trees=100, max_depth=6,
                            learning_rate=0.1, l1_regularization=0.0, l2_regularization=0.0,
                            tree_complexity=0.0, min_node_weight=0.0, config=None):
    """Construct a boosted trees estimator for regression.

    Trees are grown one layer at a time: the gradient statistics of ``n_batches_per_layer``
    batches decide the splits of a layer, and of the leaves, so a tree of depth ``max_depth``
    takes ``(max_depth + 1) * n_batches_per_layer`` training steps. Training stops by itself
    once ``n_trees`` trees are built.

    Parameters
    ----------
    feature_columns : list
        Bucketized columns (:func:`column_bucketized`) and indicator columns
        (:func:`column_indicator`); splits are made between buckets.
    n_batches_per_layer : int
        The number of batches to collect statistics per layer.
    model_dir : str, optional
        Directory to save the model parameters, graph, and so on.
    label_dimension : int
        Number of regression targets per example.
    weight_column : str or numeric column, optional
        The feature holding example weights.
    n_trees : int
        Number of trees to create.
    max_depth : int
        Maximum depth of the trees to grow.
    learning_rate : float
        Shrinkage parameter applied when a tree is added to the model.
    l1_regularization, l2_regularization : float
        Regularization multipliers applied to the absolute / squared weights of the leaves.
    tree_complexity : float
        Regularization factor to penalize trees with more leaves (subtracted from each
        split's gain).
    min_node_weight : float
        Minimum hessian a node must have for a split to be considered, compared with
        ``sum(leaf_hessian) / (batch_size * n_batches_per_layer)``.
    config : RunConfig, optional
        A run configuration.

    Returns
    -------
    CannedEstimator
    """
    from tensorflow_estimator.python.estimator.head import regression_head

    args = _boosted_args(feature_columns, n_batches_per_layer, model_dir, weight_column,
                         n_trees, max_depth, learning_rate, l1_regularization, l2_regularization,
                         tree_complexity, min_node_weight, config)
    args["label_dimension"] = as_count(label_dimension, "label_dimension", allow_none=False,
                                       minimum=1)
    head = regression_head.RegressionHead(label_dimension=args["label_dimension"],
                                          weight_column=args["weight_column"])
    return _boosted("regressor", "boosted_trees_regressor", args, head)


def boosted_trees_classifier(feature_columns, n_batches_per_layer, model_dir=None, n_classes=2,
                             weight_column=None, label_vocabulary=None, n_trees=100, max_depth=6,
                             learning_rate=0.1, l1_regularization=0.0, l2_regularization=0.0,
                             tree_complexity=0.0, min_node_weight=0.0, config=None):
    """Construct a boosted trees estimator for classification.

    Parameters
    ----------
    feature_columns : list
        Bucketized and indicator columns.
    n_batches_per_layer : int
        The number of batches to collect statistics per layer.
    model_dir : str, optional
        Directory to save the model parameters, graph, and so on.
    n_classes : int
        The number of label classes.
    weight_column : str or numeric column, optional
        The feature holding example weights.
    label_vocabulary : list of str, optional
        The class names (labels are then strings from it).
    n_trees, max_depth, learning_rate, l1_regularization, l2_regularization, tree_complexity,
    min_node_weight, config
        As for :func:`boosted_trees_regressor`.

    Returns
    -------
    CannedEstimator
    """
    from tensorflow_estimator.python.estimator.head import binary_class_head, multi_class_head

    args = _boosted_args(feature_columns, n_batches_per_layer, model_dir, weight_column,
                         n_trees, max_depth, learning_rate, l1_regularization, l2_regularization,
                         tree_complexity, min_node_weight, config)
    n = _n_classes(n_classes)
    args["n_classes"] = n
    args["label_vocabulary"] = _label_vocabulary(label_vocabulary, n)
    if n == 2:
        head = binary_class_head.BinaryClassHead(weight_column=args["weight_column"],
                                                 label_vocabulary=args["label_vocabulary"])
    else:
        head = multi_class_head.MultiClassHead(n, weight_column=args["weight_column"],
                                               label_vocabulary=args["label_vocabulary"])
    return _boosted("classifier", "boosted_trees_classifier", args, head)


# --------------------------------------------------------------------------------------------
# Export


def parsing_serving_input_receiver_fn(object):
    """The serving input function tfestimators builds for a canned estimator: it parses
    serialized ``tf.train.Example`` protos with the spec of the model's feature columns
    (``classifier_parse_example_spec()`` / ``regressor_parse_example_spec()``).

    The label (and the example weight) are dropped from the spec: a served example carries
    the features only.
    """
    from .feature_columns import classifier_parse_example_spec, regressor_parse_example_spec

    if not isinstance(object, CannedEstimator) or object.kind not in ("classifier",
                                                                        "regressor"):
        raise PyestimValueError(
            "Only canned classifiers and regressors can build their serving input from their "
            "feature columns; give serving_input_receiver_fn.")
    label_key = "__pyestim_label__"
    weight = object.args.get("weight_column")
    if object.kind == "classifier":
        spec = classifier_parse_example_spec(object.feature_columns, label_key=label_key,
                                             weight_column=weight)
    else:
        spec = regressor_parse_example_spec(object.feature_columns, label_key=label_key,
                                            weight_column=weight)
    spec.pop(label_key, None)
    if weight is not None:
        spec.pop(weight if isinstance(weight, str) else weight.key, None)
    return tf.estimator.export.build_parsing_serving_input_receiver_fn(spec)


__all__ = [
    "CannedEstimator",
    "linear_regressor",
    "linear_classifier",
    "dnn_regressor",
    "dnn_classifier",
    "dnn_linear_combined_regressor",
    "dnn_linear_combined_classifier",
    "boosted_trees_regressor",
    "boosted_trees_classifier",
]
