"""Canned estimators: ``linear_regressor()``, ``linear_classifier()``, ``dnn_regressor()``,
``dnn_classifier()``, ``dnn_linear_combined_regressor()``, ``dnn_linear_combined_classifier()``,
``boosted_trees_regressor()`` and ``boosted_trees_classifier()``.

Each returns a :class:`CannedEstimator`, a :class:`pyestim.Estimator` whose ``.estimator`` is
TensorFlow's estimator, so ``train()``, ``evaluate()``, ``predict()`` and
``export_savedmodel()`` work on it as on a custom estimator. One module per family
(``linear``, ``dnn``, ``dnn_linear_combined``, ``boosted_trees``, ``keras``), with ``base``
(the estimator class, shared arguments, the class choice) and ``optimizers``.

Which TensorFlow classes
------------------------
tfestimators ran on TensorFlow 1, whose ``tf.estimator.LinearClassifier`` ... are the classes
TensorFlow 2 keeps as ``tf.compat.v1.estimator.*``: the training loss is the SUM over the batch
and optimizers are ``tf.compat.v1.train`` optimizers (``tf$train$AdamOptimizer()`` with the
package's ``tf``). pyestim uses these classes, so a model learns as it did with tfestimators
(the same learning rate takes the same steps).

When a Keras optimizer is given (``tf.keras.optimizers.legacy.Adam()``, or a function
returning one), TensorFlow 2's class of the same name is used instead (``tf.estimator.*``, the
"V2" estimators), which takes Keras optimizers and averages the loss over the batch. The two
kinds cannot be mixed in one combined estimator, and ``partitioner`` /
``input_layer_partitioner`` (TF1 only) cannot go with a Keras optimizer. ``est.tf_version``
says which was used (``"v1"`` or ``"v2"``).

tensorflow-estimator 2.15 no longer ships ``BoostedTreesRegressor`` / ``Classifier``; the
boosted-trees estimators are pyestim's own model function (see
:mod:`pyestim.canned.boosted_trees`)
behind tfestimators' interface.

Arguments
---------
* Counts may be R numbers (``n_classes = 3`` arrives as ``3.0``); ``hidden_units = c(10, 20,
  10)`` arrives as a list of floats.
* Activation functions may be given by name (``"relu"``, ``"tanh"``, ... any activation in
  ``tf.nn``) or as a function.
* Optimizers may be given by name (``"Adagrad"``, ``"Adam"``, ``"Ftrl"``, ``"RMSProp"``,
  ``"SGD"``; case does not matter), as an optimizer object, or as a function returning one.
  A Keras optimizer object is copied (same class and configuration) for every graph
  TensorFlow builds, since one object cannot serve two graphs: train() may be called again.

Predictions
-----------
Canned estimators' predictions are tidied by ``predict()`` (``CannedEstimator.tidy_prediction``;
TensorFlow's own estimator object is left as it is): ``classes`` (and
``all_classes``) are decoded to ``str``, and the per-example ``classes``, ``class_ids``,
``logistic`` and (for one target) ``predictions``, each a one-element array in TensorFlow,
become plain values. Each row of ``predict()``'s data frame so holds e.g. ``"setosa"`` in
``classes`` and ``0`` in ``class_ids``.
"""

from .base import CannedEstimator, parsing_serving_input_receiver_fn
from .boosted_trees import boosted_trees_classifier, boosted_trees_regressor
from .dnn import dnn_classifier, dnn_regressor
from .dnn_linear_combined import dnn_linear_combined_classifier, dnn_linear_combined_regressor
from .keras import keras_model_to_estimator
from .linear import linear_classifier, linear_regressor
from .optimizers import known_activations, resolve_activation_fn, resolve_optimizer

__all__ = [
    "CannedEstimator",
    "linear_regressor",
    "linear_classifier",
    "dnn_regressor",
    "dnn_classifier",
    "dnn_linear_combined_regressor",
    "dnn_linear_combined_classifier",
    "boosted_trees_regressor",
    "boosted_trees_classifier",
    "keras_model_to_estimator",
    "parsing_serving_input_receiver_fn",
    "known_activations",
    "resolve_activation_fn",
    "resolve_optimizer",
]
