"""pyestim's one seam to TensorFlow: the only code that imports tensorflow_estimator or touches
TensorFlow's private modules and state.

Everything else in pyestim asks the engine, through this interface, and never
``tensorflow_estimator`` or ``tensorflow.python`` (``tests/test_structure.py`` checks it). There
is one engine, for both stacks: TensorFlow 2.15 (``tf.estimator`` built in) and TensorFlow
2.16-2.21 with tensorflow-estimator 2.15 beside it, which :mod:`pyestim.engine.tf216`
makes run. Another engine (one of pyestim's own) would have to offer the same names.

Interface
---------
Types and constants (TensorFlow's own objects)
    ``Estimator`` (``tf.estimator.Estimator``), ``EstimatorV1`` (``tf.compat.v1``'s, the base
    of every estimator), ``EstimatorSpec``, ``ModeKeys``, ``RunConfig``, ``TaskType``, ``TrainSpec``,
    ``EvalSpec``, ``Exporter``, ``export_api`` (``tf.estimator.export``), ``estimator_api``
    / ``estimator_api_v1`` (the whole ``tf.estimator`` / ``tf.compat.v1.estimator``),
    ``heads`` (``RegressionHead``, ``BinaryClassHead``, ``MultiClassHead``), ``MetricKeys``,
    ``PredictionKeys``, ``classifier_parse_example_spec``, ``regressor_parse_example_spec``.
build
    ``build(model_fn, model_dir, config, params)`` a TensorFlow estimator over a model
    function ``(features, labels, mode, [params,] config)``; ``build_canned(name, version,
    args)`` one of TensorFlow's canned classes (TensorFlow 1's or 2's); ``from_keras(...)``.
train / evaluate / predict / export
    ``train(est, input_fn, steps, hooks, max_steps, saving_listeners)``,
    ``evaluate(est, input_fn, steps, hooks, checkpoint_path, name)`` (a dict of metrics),
    ``predict(est, input_fn, predict_keys, hooks, checkpoint_path, yield_single_examples)`` (a
    generator), ``export(est, export_dir_base, serving_input_receiver_fn, assets_extra,
    as_text, checkpoint_path)`` (the SavedModel's path), ``train_and_evaluate(est,
    train_spec, eval_spec)``.
logging
    ``tf_logger()``: TensorFlow's logger, set to pyestim's default level (INFO, unless the
    user chose one) the first time pyestim uses it, not at import.
steps per run
    ``steps_per_run(config)``, ``set_steps_per_run(config, k)``: the training steps per
    ``session.run`` (an in-graph loop, :mod:`pyestim.engine.loop`); ``STEPS_DONE``: the graph
    collection holding the steps a run's loop took (hooks count steps with it).
state
    ``reproducible(config)``: a context seeding Python, NumPy and TensorFlow's op
    determinism for one call; ``between_items_as_before(generator)``: predictions one at a
    time with the caller's TensorFlow state restored between them.
checkpoint reading
    ``latest_checkpoint(dir)``, ``list_variables(checkpoint)``, ``load_variable(checkpoint,
    name)``, ``read_object_graph(checkpoint)`` (the object graph stored under
    ``OBJECT_GRAPH_KEY``), ``CheckpointState`` (the state file's proto),
    ``pop_cached_writers(model_dir)``; what pyestim does with them is
    :mod:`pyestim.checkpoints`.
internals
    ``fc_v1``, ``fc_v2``, ``fc_types`` (feature-column classes), ``NanLossDuringTrainingError``,
    ``deprecation`` (TensorFlow's deprecation module), ``tf_python`` (the package
    ``tensorflow.python``, for ``pyestim.tf.python``); ``replica_threads(strategy)``: whether a
    distribution strategy calls the model function from threads of its own.

The stack: :mod:`pyestim.engine._stack` holds the one import of tensorflow_estimator, with the
stack-compat hook (``prepare_stack``) that runs before it.
"""

import sys

from ._stack import STACK
from .log import hide_own_deprecations, tf_logger
from .internals import (CheckpointState, NanLossDuringTrainingError, deprecation, fc_types,
                        fc_v1, fc_v2, pop_cached_writers, replica_threads,
                        tf_python)
from .runs import (OBJECT_GRAPH_KEY, build, build_canned, evaluate, export, from_keras,
                   is_estimator, latest_checkpoint, list_variables, load_variable, predict,
                   read_object_graph, train, train_and_evaluate)
from .state import between_items_as_before, reproducible
from .loop import STEPS_DONE, set_steps_per_run, steps_per_run

estimator_api = STACK.v2
estimator_api_v1 = STACK.v1
Estimator = STACK.v2.Estimator
EstimatorV1 = STACK.v1.Estimator
EstimatorSpec = STACK.v2.EstimatorSpec
ModeKeys = STACK.v2.ModeKeys
RunConfig = STACK.v2.RunConfig
# tfestimators' task_type(): the constants of RunConfig's module (not in the public API)
TaskType = sys.modules[RunConfig.__module__].TaskType
TrainSpec = STACK.v2.TrainSpec
EvalSpec = STACK.v2.EvalSpec
Exporter = STACK.v2.Exporter
export_api = STACK.v2.export
heads = STACK.heads
MetricKeys = STACK.metric_keys
PredictionKeys = STACK.prediction_keys
classifier_parse_example_spec = STACK.v2.classifier_parse_example_spec
regressor_parse_example_spec = STACK.v2.regressor_parse_example_spec

__all__ = [
    "estimator_api", "estimator_api_v1", "Estimator", "EstimatorV1", "EstimatorSpec",
    "ModeKeys", "RunConfig", "TaskType", "TrainSpec", "EvalSpec", "Exporter", "export_api", "heads",
    "MetricKeys", "PredictionKeys", "classifier_parse_example_spec",
    "regressor_parse_example_spec",
    "build", "build_canned", "from_keras", "is_estimator", "train", "evaluate", "predict",
    "export", "train_and_evaluate",
    "reproducible", "between_items_as_before", "tf_logger", "hide_own_deprecations",
    "steps_per_run", "set_steps_per_run", "STEPS_DONE",
    "latest_checkpoint", "list_variables", "load_variable", "OBJECT_GRAPH_KEY", "read_object_graph",
    "CheckpointState", "pop_cached_writers",
    "fc_v1", "fc_v2", "fc_types", "NanLossDuringTrainingError", "deprecation", "tf_python",
    "replica_threads",
]
