"""Linear and DNN joined ("wide and deep"): ``dnn_linear_combined_regressor()`` and
``dnn_linear_combined_classifier()``."""

from .._args import as_count, as_path, as_run_config
from ..errors import PyestimValueError
from ..columns.kinds import as_weight_column
from ..columns.selection import as_column_list
from ._docs import documented
from .base import (as_dropout, as_hidden_units, as_label_vocabulary, as_n_classes,
                   hidden_units_example, make)
from .optimizers import resolve_activation_fn, resolve_optimizer

__all__ = ["dnn_linear_combined_regressor", "dnn_linear_combined_classifier"]


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
            "dnn_hidden_units is required when dnn_feature_columns are given, e.g. "
            f"{hidden_units_example((10, 10))}.")
    return dict(model_dir=as_path(model_dir, "model_dir"), linear_feature_columns=linear,
                linear_optimizer=resolve_optimizer(linear_optimizer, "linear_optimizer"),
                dnn_feature_columns=dnn,
                dnn_optimizer=resolve_optimizer(dnn_optimizer, "dnn_optimizer"),
                dnn_hidden_units=as_hidden_units(dnn_hidden_units, "dnn_hidden_units",
                                               allow_none=True),
                dnn_activation_fn=resolve_activation_fn(dnn_activation_fn, "dnn_activation_fn"),
                dnn_dropout=as_dropout(dnn_dropout, "dnn_dropout"),
                weight_column=as_weight_column(weight_column),
                input_layer_partitioner=input_layer_partitioner, config=as_run_config(config))


@documented()
def dnn_linear_combined_regressor(model_dir=None, linear_feature_columns=None,
                                  linear_optimizer="Ftrl", dnn_feature_columns=None,
                                  dnn_optimizer="Adagrad", dnn_hidden_units=None,
                                  dnn_activation_fn="relu", dnn_dropout=None, label_dimension=1,
                                  weight_column=None, input_layer_partitioner=None, config=None):
    """Construct a linear and DNN joined ("wide and deep") model for regression."""
    args = _combined_args(model_dir, linear_feature_columns, linear_optimizer,
                          dnn_feature_columns, dnn_optimizer, dnn_hidden_units, dnn_activation_fn,
                          dnn_dropout, weight_column, input_layer_partitioner, config)
    args["label_dimension"] = as_count(label_dimension, "label_dimension", allow_none=False,
                                       minimum=1)
    return make("DNNLinearCombinedRegressor", "regressor", "dnn_linear_combined_regressor", args)


@documented()
def dnn_linear_combined_classifier(model_dir=None, linear_feature_columns=None,
                                   linear_optimizer="Ftrl", dnn_feature_columns=None,
                                   dnn_optimizer="Adagrad", dnn_hidden_units=None,
                                   dnn_activation_fn="relu", dnn_dropout=None, n_classes=2,
                                   weight_column=None, label_vocabulary=None,
                                   input_layer_partitioner=None, config=None):
    """Construct a linear and DNN joined ("wide and deep") model for classification."""
    args = _combined_args(model_dir, linear_feature_columns, linear_optimizer,
                          dnn_feature_columns, dnn_optimizer, dnn_hidden_units, dnn_activation_fn,
                          dnn_dropout, weight_column, input_layer_partitioner, config)
    n = as_n_classes(n_classes)
    args["n_classes"] = n
    args["label_vocabulary"] = as_label_vocabulary(label_vocabulary, n)
    return make("DNNLinearCombinedClassifier", "classifier", "dnn_linear_combined_classifier", args)
