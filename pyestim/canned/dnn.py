"""Deep neural networks: ``dnn_regressor()`` and ``dnn_classifier()``."""

from .._args import as_count, as_path, as_run_config
from ..columns.kinds import as_weight_column
from ..columns.selection import as_column_list
from ._docs import documented
from .base import as_dropout, as_hidden_units, as_label_vocabulary, as_n_classes, make
from .optimizers import resolve_activation_fn, resolve_optimizer

__all__ = ["dnn_regressor", "dnn_classifier"]


@documented()
def dnn_regressor(hidden_units, feature_columns, model_dir=None, label_dimension=1,
                  weight_column=None, optimizer="Adagrad", activation_fn="relu", dropout=None,
                  input_layer_partitioner=None, config=None):
    """Construct a deep neural network (DNN) for regression."""
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


@documented()
def dnn_classifier(hidden_units, feature_columns, model_dir=None, n_classes=2,
                   weight_column=None, label_vocabulary=None, optimizer="Adagrad",
                   activation_fn="relu", dropout=None, input_layer_partitioner=None,
                   config=None):
    """Construct a deep neural network (DNN) for classification."""
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
