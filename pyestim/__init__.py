"""pyestim: the tfestimators API over tf.estimator from TensorFlow 2.15.

    from pyestim import estimator, estimator_spec, hook_logging_tensor, train, evaluate
    from pyestim import tf   # the TensorFlow 1 namespace the tutorials are written in

``import pyestim`` does not import TensorFlow: each public name is imported from the module
that defines it on first use (PEP 562, :mod:`pyestim._lazy`), and so are submodules
(``pyestim.datasets``, ``pyestim.tf``). The first such use prepares the TensorFlow stack
(:mod:`pyestim.engine`) and applies :mod:`pyestim._compat`'s patches before anything else
touches TensorFlow; ``import pyestim`` itself only sets what must precede TensorFlow's import
(:mod:`pyestim._before_tf`). So ``pyestim --help`` and the CLI's argument errors answer at once.
"""

import sys

from . import _before_tf, _lazy

__version__ = "0.1.0"

_before_tf.prepare()

#: Public name -> the module that defines it.
_LAZY = {
    # pyestim.config
    "graph_keys": "pyestim.config", "metric_keys": "pyestim.config",
    "mode_keys": "pyestim.config", "prediction_keys": "pyestim.config",
    "run_config": "pyestim.config", "session_config": "pyestim.config",
    "task_type": "pyestim.config",
    # pyestim.tensor_shape
    "shape": "pyestim.tensor_shape",
    # pyestim.errors
    "CheckpointError": "pyestim.errors", "ChecksumError": "pyestim.errors",
    "DatasetError": "pyestim.errors", "EstimatorSpecError": "pyestim.errors",
    "HookError": "pyestim.errors", "InputDataError": "pyestim.errors",
    "InputDataTypeError": "pyestim.errors", "InputFnError": "pyestim.errors",
    "ModelDirError": "pyestim.errors", "ModelDirLockedError": "pyestim.errors",
    "ModelFnError": "pyestim.errors", "NanLossError": "pyestim.errors",
    "NotTrainedError": "pyestim.errors", "PyestimError": "pyestim.errors",
    "PyestimTypeError": "pyestim.errors", "PyestimValueError": "pyestim.errors",
    "StepsError": "pyestim.errors",
    # pyestim.estimator
    "Estimator": "pyestim.estimator", "estimator": "pyestim.estimator",
    "estimator_spec": "pyestim.estimator", "evaluate": "pyestim.estimator",
    "export_savedmodel": "pyestim.estimator", "latest_checkpoint": "pyestim.estimator",
    "model_dir": "pyestim.estimator", "predict": "pyestim.estimator",
    "train": "pyestim.estimator", "variable_names": "pyestim.estimator",
    "variable_value": "pyestim.estimator",
    # pyestim.history
    "History": "pyestim.history",
    # pyestim.plots
    "plot_confusion_matrix": "pyestim.plots", "plot_conv_layer": "pyestim.plots",
    "plot_conv_weights": "pyestim.plots", "plot_example_errors": "pyestim.plots",
    "plot_images": "pyestim.plots",
    # pyestim.predictor
    "Predictor": "pyestim.predictor", "predictor": "pyestim.predictor",
    # pyestim.hooks
    "hook_checkpoint_saver": "pyestim.hooks", "hook_global_step_waiter": "pyestim.hooks",
    "hook_history_saver": "pyestim.hooks", "hook_logging_tensor": "pyestim.hooks",
    "hook_nan_tensor": "pyestim.hooks", "hook_progress_bar": "pyestim.hooks",
    "hook_step_counter": "pyestim.hooks", "hook_stop_at_step": "pyestim.hooks",
    "hook_summary_saver": "pyestim.hooks", "session_run_args": "pyestim.hooks",
    "session_run_hook": "pyestim.hooks",
    # pyestim.inputs
    "input_fn": "pyestim.inputs", "numpy_input_fn": "pyestim.inputs",
    # pyestim.canned
    "CannedEstimator": "pyestim.canned", "boosted_trees_classifier": "pyestim.canned",
    "boosted_trees_regressor": "pyestim.canned", "dnn_classifier": "pyestim.canned",
    "dnn_linear_combined_classifier": "pyestim.canned",
    "dnn_linear_combined_regressor": "pyestim.canned", "dnn_regressor": "pyestim.canned",
    "keras_model_to_estimator": "pyestim.canned", "linear_classifier": "pyestim.canned",
    "linear_regressor": "pyestim.canned",
    # pyestim.feature_columns
    "classifier_parse_example_spec": "pyestim.feature_columns",
    "column_bucketized": "pyestim.feature_columns",
    "column_categorical_weighted": "pyestim.feature_columns",
    "column_categorical_with_hash_bucket": "pyestim.feature_columns",
    "column_categorical_with_identity": "pyestim.feature_columns",
    "column_categorical_with_vocabulary_file": "pyestim.feature_columns",
    "column_categorical_with_vocabulary_list": "pyestim.feature_columns",
    "column_crossed": "pyestim.feature_columns", "column_embedding": "pyestim.feature_columns",
    "column_indicator": "pyestim.feature_columns", "column_numeric": "pyestim.feature_columns",
    "feature_columns": "pyestim.feature_columns", "input_layer": "pyestim.feature_columns",
    "regressor_parse_example_spec": "pyestim.feature_columns",
    # pyestim.training
    "eval_spec": "pyestim.training", "train_and_evaluate": "pyestim.training",
    "train_spec": "pyestim.training",
}

#: Modules whose import does not import TensorFlow.
_LIGHT = ("pyestim.errors", "pyestim.cli", "pyestim._root_errors", "pyestim._before_tf",
          "pyestim._lazy")


def _prepare_tensorflow():
    """Load the engine (stack check, the stack-compat hook, TensorFlow) and patch TensorFlow's
    deprecation notice, before the first module that uses TensorFlow is imported."""
    _lazy.load("pyestim._compat").patch_deprecation_call_location()


__getattr__, __dir__ = _lazy.attach(__name__, _LAZY, before=_prepare_tensorflow,
                                    light=_LIGHT, submodules=True)
sys.modules[__name__].__class__ = _lazy.LazyPackage


__all__ = [
    "tf",
    "estimator", "estimator_spec", "Estimator",
    "train", "evaluate", "predict", "export_savedmodel",
    "input_fn", "numpy_input_fn",
    "hook_logging_tensor", "hook_checkpoint_saver", "hook_step_counter", "hook_stop_at_step",
    "hook_summary_saver", "hook_nan_tensor", "hook_global_step_waiter", "hook_history_saver",
    "hook_progress_bar", "session_run_hook", "session_run_args",
    "run_config", "session_config", "mode_keys", "metric_keys", "prediction_keys",
    "graph_keys", "latest_checkpoint", "model_dir", "variable_names", "variable_value",
    "History",
    "predictor", "Predictor",
    "plot_images", "plot_confusion_matrix", "plot_example_errors", "plot_conv_weights",
    "plot_conv_layer",
    "linear_regressor", "linear_classifier", "dnn_regressor", "dnn_classifier",
    "dnn_linear_combined_regressor", "dnn_linear_combined_classifier",
    "boosted_trees_regressor", "boosted_trees_classifier", "CannedEstimator",
    "feature_columns", "column_numeric", "column_bucketized", "column_categorical_with_identity",
    "column_categorical_with_vocabulary_list", "column_categorical_with_vocabulary_file",
    "column_categorical_with_hash_bucket", "column_categorical_weighted", "column_indicator",
    "column_embedding", "column_crossed", "input_layer", "classifier_parse_example_spec",
    "regressor_parse_example_spec",
    "train_and_evaluate", "train_spec", "eval_spec", "keras_model_to_estimator",
    "PyestimError", "PyestimValueError", "PyestimTypeError", "InputFnError", "ModelFnError",
    "EstimatorSpecError", "HookError", "StepsError", "DatasetError", "ChecksumError",
    "InputDataError", "InputDataTypeError", "ModelDirError", "ModelDirLockedError",
    "CheckpointError", "NanLossError",
    "NotTrainedError", "task_type", "shape",
]
