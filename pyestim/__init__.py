"""pyestim: the tfestimators API over tf.estimator from TensorFlow 2.15.

    from pyestim import estimator, estimator_spec, hook_logging_tensor, train, evaluate
    from pyestim import tf   # the TensorFlow 1 namespace the tutorials are written in
"""

__version__ = "0.1.0"

from . import _compat  # noqa: E402

_compat.patch_deprecation_call_location()
_compat.quiet_tf_layers_warnings()

from . import tf  # noqa: E402
from .config import (graph_keys, metric_keys, mode_keys, prediction_keys,  # noqa: E402
                     run_config, session_config, task_type)
from .tensor_shape import shape  # noqa: E402
from .errors import (CheckpointError, ChecksumError, DatasetError,  # noqa: E402
                     EstimatorSpecError, HookError, InputDataError, InputDataTypeError,
                     InputFnError, ModelDirError, ModelDirLockedError, ModelFnError,
                     NanLossError, NotTrainedError, PyestimError, PyestimTypeError,
                     PyestimValueError, StepsError)
from .estimator import (Estimator, estimator, estimator_spec, evaluate,  # noqa: E402
                        export_savedmodel, latest_checkpoint, model_dir, predict, train,
                        variable_names, variable_value)
from .history import History  # noqa: E402
from .plots import (plot_confusion_matrix, plot_conv_layer, plot_conv_weights,  # noqa: E402
                    plot_example_errors, plot_images)
from .predictor import Predictor, predictor  # noqa: E402
from .hooks import (hook_checkpoint_saver, hook_global_step_waiter,  # noqa: E402
                    hook_history_saver, hook_logging_tensor, hook_nan_tensor,
                    hook_progress_bar, hook_step_counter, hook_stop_at_step,
                    hook_summary_saver, session_run_args, session_run_hook)
from .inputs import input_fn, numpy_input_fn  # noqa: E402
from .canned import (CannedEstimator, boosted_trees_classifier,  # noqa: E402
                     boosted_trees_regressor, dnn_classifier, dnn_linear_combined_classifier,
                     dnn_linear_combined_regressor, dnn_regressor, keras_model_to_estimator,
                     linear_classifier, linear_regressor)
from .feature_columns import (classifier_parse_example_spec, column_bucketized,  # noqa: E402
                              column_categorical_weighted, column_categorical_with_hash_bucket,
                              column_categorical_with_identity,
                              column_categorical_with_vocabulary_file,
                              column_categorical_with_vocabulary_list, column_crossed,
                              column_embedding, column_indicator, column_numeric,
                              feature_columns, input_layer, regressor_parse_example_spec)
from .training import eval_spec, train_and_evaluate, train_spec  # noqa: E402


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
