"""Linear models: ``linear_regressor()`` and ``linear_classifier()``."""

from .._args import as_count, as_path, as_run_config
from ..columns.kinds import as_weight_column
from ..columns.selection import as_column_list
from ._docs import documented
from .base import as_label_vocabulary, as_n_classes, make
from .optimizers import resolve_optimizer

__all__ = ["linear_regressor", "linear_classifier"]


@documented()
def linear_regressor(feature_columns, model_dir=None, label_dimension=1, weight_column=None,
                     optimizer="Ftrl", config=None, partitioner=None):
    """Construct a linear model for regression."""
    columns = as_column_list(feature_columns)
    args = dict(feature_columns=columns, model_dir=as_path(model_dir, "model_dir"),
                label_dimension=as_count(label_dimension, "label_dimension", allow_none=False,
                                         minimum=1),
                weight_column=as_weight_column(weight_column),
                optimizer=resolve_optimizer(optimizer), config=as_run_config(config),
                partitioner=partitioner)
    return make("LinearRegressor", "regressor", "linear_regressor", args)


@documented()
def linear_classifier(feature_columns, model_dir=None, n_classes=2, weight_column=None,
                      label_vocabulary=None, optimizer="Ftrl", config=None, partitioner=None):
    """Construct a linear model for classification."""
    columns = as_column_list(feature_columns)
    n = as_n_classes(n_classes)
    args = dict(feature_columns=columns, model_dir=as_path(model_dir, "model_dir"), n_classes=n,
                weight_column=as_weight_column(weight_column),
                label_vocabulary=as_label_vocabulary(label_vocabulary, n),
                optimizer=resolve_optimizer(optimizer), config=as_run_config(config),
                partitioner=partitioner)
    return make("LinearClassifier", "classifier", "linear_classifier", args)
