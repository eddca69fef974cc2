"""Deep neural networks: ``dnn_regressor()`` and ``dnn_classifier()``."""

from .._args import as_count, as_path, as_run_config
from ..feature_columns import as_column_list, as_weight_column
from .base import as_dropout, as_hidden_units, as_label_vocabulary, as_n_classes, make
from .optimizers import resolve_activation_fn, resolve_optimizer

__all__ = ["dnn_regressor", "dnn_classifier"]


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
    args = dict(hidden_units=as_hidden_units(hidden_units), feature_columns=columns,
                model_dir=as_path(model_dir, "model_dir"),
                label_dimension=as_count(label_dimension, "label_dimension", allow_none=False,
                                         minimum=1),
                weight_column=as_weight_column(weight_column),
                optimizer=resolve_optimizer(optimizer),
                activation_fn=resolve_activation_fn(activation_fn), dropout=as_dropout(dropout),
                input_layer_partitioner=input_layer_partitioner, config=as_run_config(config))
    return make("DNNRegressor", "regressor", "dnn_regressor", args)


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
    n = as_n_classes(n_classes)
    args = dict(hidden_units=as_hidden_units(hidden_units), feature_columns=columns,
                model_dir=as_path(model_dir, "model_dir"), n_classes=n,
                weight_column=as_weight_column(weight_column),
                label_vocabulary=as_label_vocabulary(label_vocabulary, n),
                optimizer=resolve_optimizer(optimizer),
                activation_fn=resolve_activation_fn(activation_fn), dropout=as_dropout(dropout),
                input_layer_partitioner=input_layer_partitioner, config=as_run_config(config))
    return make("DNNClassifier", "classifier", "dnn_classifier", args)
