"""Linear models: ``linear_regressor()`` and ``linear_classifier()``."""

from .._args import as_count, as_path, as_run_config
from ..feature_columns import as_column_list, as_weight_column
from .base import as_label_vocabulary, as_n_classes, make
from .optimizers import resolve_optimizer

__all__ = ["linear_regressor", "linear_classifier"]


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
    args = dict(feature_columns=columns, model_dir=as_path(model_dir, "model_dir"),
                label_dimension=as_count(label_dimension, "label_dimension", allow_none=False,
                                         minimum=1),
                weight_column=as_weight_column(weight_column),
                optimizer=resolve_optimizer(optimizer), config=as_run_config(config),
                partitioner=partitioner)
    return make("LinearRegressor", "regressor", "linear_regressor", args)


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
    n = as_n_classes(n_classes)
    args = dict(feature_columns=columns, model_dir=as_path(model_dir, "model_dir"), n_classes=n,
                weight_column=as_weight_column(weight_column),
                label_vocabulary=as_label_vocabulary(label_vocabulary, n),
                optimizer=resolve_optimizer(optimizer), config=as_run_config(config),
                partitioner=partitioner)
    return make("LinearClassifier", "classifier", "linear_classifier", args)
