"""pyestim: the tfestimators API over tf.estimator, on TensorFlow 2.15 (which ships
tf.estimator) or on TensorFlow 2.16-2.21 with tensorflow-estimator 2.15 beside it.

    from pyestim import estimator, estimator_spec, hook_logging_tensor, train, evaluate
    from pyestim import tf   # the TensorFlow 1 namespace the tutorials are written in

``import pyestim`` does not import TensorFlow: each public name is imported from the module
that defines it on first use (PEP 562, :mod:`pyestim._lazy`), and so are submodules
(``pyestim.datasets``, ``pyestim.tf``). The first such use prepares the TensorFlow stack
(:mod:`pyestim.engine`) and applies :mod:`pyestim._first_tf_use`'s patches before anything else
touches TensorFlow; ``import pyestim`` itself only sets what must precede TensorFlow's import
(:mod:`pyestim._before_tf`). So ``pyestim --help`` and the CLI's argument errors answer at once.
"""

from . import _before_tf, _estimator_imports, _lazy

__version__ = "0.1.0"

_before_tf.prepare()
_estimator_imports.install()  # current stack: tf.estimator's old import paths (see that module)

#: Each module -> the public names it defines (``__all__`` and the lazy table come from it).
_EXPORTS = {
    "pyestim.config": ("graph_keys", "metric_keys", "mode_keys", "prediction_keys",
        "run_config", "session_config", "task_type"),
    "pyestim.tensor_shape": ("shape",),
    "pyestim.errors": ("CheckpointError", "ChecksumError", "DatasetError", "EstimatorSpecError",
        "HookError", "InputDataError", "InputDataTypeError", "InputFnError", "ModelDirError",
        "ModelDirLockedError", "ModelFnError", "NanLossError", "NotTrainedError",
        "PyestimError", "PyestimTypeError", "PyestimValueError", "StepsError"),
    "pyestim.estimators": ("Estimator", "estimator", "estimator_spec", "evaluate",
        "export_savedmodel", "get_variable_names", "get_variable_value", "latest_checkpoint",
        "model_dir", "predict", "train", "variable_names", "variable_value"),
    "pyestim.history": ("History",),
    "pyestim.plots": ("plot_confusion_matrix", "plot_conv_layer", "plot_conv_weights",
        "plot_example_errors", "plot_images"),
    "pyestim.live_predict": ("Predictor", "predictor"),
    "pyestim.hook_constructors": ("hook_checkpoint_saver", "hook_global_step_waiter", "hook_history_saver",
        "hook_logging_tensor", "hook_nan_tensor", "hook_progress_bar", "hook_step_counter",
        "hook_stop_at_step", "hook_summary_saver", "session_run_args", "session_run_hook"),
    "pyestim.inputs": ("input_fn", "numpy_input_fn"),
    "pyestim.canned": ("CannedEstimator", "boosted_trees_classifier", "boosted_trees_regressor",
        "dnn_classifier", "dnn_linear_combined_classifier", "dnn_linear_combined_regressor",
        "dnn_regressor", "keras_model_to_estimator", "linear_classifier", "linear_regressor"),
    "pyestim.columns": ("classifier_parse_example_spec", "column_bucketized",
        "column_categorical_weighted", "column_categorical_with_hash_bucket",
        "column_categorical_with_identity", "column_categorical_with_vocabulary_file",
        "column_categorical_with_vocabulary_list", "column_crossed", "column_embedding",
        "column_indicator", "column_numeric", "feature_columns", "input_layer",
        "regressor_parse_example_spec", "scoped_columns", "set_columns", "with_columns"),
    "pyestim.training": ("eval_spec", "train_and_evaluate", "train_spec"),
    "pyestim.board": ("tensorboard",),
}

#: Public name -> the module that defines it.
_LAZY = {name: module for module, names in _EXPORTS.items() for name in names}

#: Modules whose import does not import TensorFlow.
_LIGHT = ("pyestim.errors", "pyestim.cli", "pyestim._root_errors", "pyestim._before_tf",
          "pyestim._lazy", "pyestim._estimator_imports")


def _prepare_tensorflow():
    """Load the engine (stack check, the stack-compat hook, TensorFlow), patch TensorFlow's
    deprecation notice and hide its notices about pyestim's own calls, before the first module
    that uses TensorFlow is imported."""
    _lazy.load("pyestim._first_tf_use").prepare()


__getattr__, __dir__ = _lazy.attach(__name__, _LAZY, before=_prepare_tensorflow,
                                    light=_LIGHT, submodules=True)


__all__ = ["tf", *_LAZY]
