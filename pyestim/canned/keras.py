"""``keras_model_to_estimator()``: an estimator over a compiled Keras model."""

import os

import tensorflow as tf

from .. import engine
from .._args import as_path, as_run_config
from .._lang import code, shown
from ..errors import PyestimTypeError, PyestimValueError
from .base import CannedEstimator

__all__ = ["keras_model_to_estimator"]


def keras_model_to_estimator(keras_model=None, keras_model_path=None, custom_objects=None,
                             model_dir=None, config=None):
    """Create an estimator from a compiled Keras model.

    Parameters
    ----------
    keras_model : tf.keras.Model, optional
        A compiled Keras model.
    keras_model_path : str, optional
        Path to a compiled Keras model saved on disk (give this or ``keras_model``).
    custom_objects : dict, optional
        Custom objects needed to load or clone the model.
    model_dir : str, optional
        Directory to save the estimator's model parameters, graph, etc.
    config : RunConfig, optional
        A run configuration.

    Returns
    -------
    CannedEstimator
        With ``kind = "keras"``. :func:`input_fn` feeds a model with one input the features
        as one matrix, a model with several inputs a dict keyed by the inputs' names.
    """
    if keras_model is None and keras_model_path is None:
        raise PyestimValueError("Either keras_model or keras_model_path needs to be provided.")
    if keras_model is not None and keras_model_path is not None:
        raise PyestimValueError(
            "Please specify either keras_model or keras_model_path but not both.")
    if keras_model_path is not None:
        keras_model_path = as_path(keras_model_path, "keras_model_path")
        if keras_model_path.startswith(("gs://", "storage.googleapis.com")):
            raise PyestimValueError(
                f"keras_model_path {shown(keras_model_path)} is not a local path. Please copy the "
                "model locally first.")
        if not os.path.exists(keras_model_path):
            raise PyestimValueError(f"keras_model_path {shown(keras_model_path)} does not exist.")
        keras_model = tf.keras.models.load_model(keras_model_path, custom_objects=custom_objects)
    if not isinstance(keras_model, tf.keras.Model):
        raise PyestimTypeError(
            f"keras_model must be a Keras model, got {type(keras_model).__name__}.")
    if getattr(keras_model, "optimizer", None) is None:
        raise PyestimValueError(
            "Given keras model has not been compiled yet. Please compile it (e.g. "
            f"{code('model.compile(optimizer=..., loss=...)')}) before creating the estimator.")
    model_dir = as_path(model_dir, "model_dir")
    config = as_run_config(config)
    est = engine.from_keras(keras_model, custom_objects=custom_objects, model_dir=model_dir,
                            config=config)
    args = dict(keras_model=keras_model, keras_model_path=keras_model_path,
                custom_objects=custom_objects, model_dir=model_dir, config=config)
    layout = "matrix" if len(keras_model.inputs or []) <= 1 else "dict"
    return CannedEstimator(est, "keras", "keras_model", args, feature_layout=layout)
