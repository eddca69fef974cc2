"""The TensorFlow stack pyestim runs on: the one place that imports tensorflow_estimator.

:func:`load` imports the ``tf.estimator`` API (TensorFlow 2's and TensorFlow 1's names) from
tensorflow_estimator, after :func:`prepare_stack`, the hook where a compatibility module for a
TensorFlow release without a built-in ``tf.estimator`` (2.16 and later) does its set-up. The
objects are the very ones ``tf.estimator`` / ``tf.compat.v1.estimator`` name on TensorFlow
2.15, so nothing changes there.
"""

import sys
import types

from . import tf216

__all__ = ["prepare_stack", "load", "old_estimator_module", "Stack", "STACK", "OLD_PACKAGE",
           "OLD_MODULES", "PACKAGE"]

#: The modules TensorFlow 2.15 offered under ``tensorflow.python.estimator`` (each an alias
#: of tensorflow-estimator's module of the same path under PACKAGE; ``keras`` of ``keras_lib``),
#: which TensorFlow 2.16 removed: :func:`old_estimator_module` hands them out on the current stack.
OLD_PACKAGE = "tensorflow.python.estimator"
PACKAGE = "tensorflow_estimator.python.estimator"
OLD_MODULES = {short: short for short in (
    "", "canned", "canned.baseline", "canned.dnn", "canned.dnn_linear_combined", "canned.head",
    "canned.linear", "canned.metric_keys", "canned.optimizers", "canned.parsing_utils",
    "canned.prediction_keys", "estimator", "estimator_lib", "export", "export.export",
    "export.export_lib", "export.export_output", "exporter", "gc", "inputs", "inputs.inputs",
    "inputs.numpy_io", "inputs.pandas_io", "inputs.queues", "inputs.queues.feeding_functions",
    "inputs.queues.feeding_queue_runner", "model_fn", "run_config", "training", "util")}
OLD_MODULES["keras"] = "keras_lib"


def prepare_stack():
    """STACK-COMPAT HOOK: runs once, before tensorflow_estimator is first imported.

    :func:`pyestim.engine.tf216.apply` checks the TensorFlow version (a clear error on one
    pyestim does not support) and, on TensorFlow >= 2.16, puts back what tensorflow-estimator
    imports from TensorFlow; on TensorFlow 2.15 (``tf.estimator`` built in) it changes nothing.
    """
    return tf216.apply()


class Stack(types.SimpleNamespace):
    """What :func:`load` returns: ``v2`` (``tf.estimator``), ``v1``
    (``tf.compat.v1.estimator``), the canned ``heads`` modules, ``metric_keys`` and
    ``prediction_keys``."""


def load():
    """Import tensorflow_estimator (the only import of it in pyestim) and return its parts."""
    prepare_stack()  # <- the stack-compat hook: must run before the imports below
    from tensorflow_estimator.python.estimator.api._v1 import estimator as v1
    from tensorflow_estimator.python.estimator.api._v2 import estimator as v2
    from tensorflow_estimator.python.estimator.canned import metric_keys, prediction_keys
    from tensorflow_estimator.python.estimator.head import (binary_class_head,
                                                             multi_class_head, regression_head)
    # With the API above, every module of OLD_MODULES (for old_estimator_module)
    from tensorflow_estimator.python.estimator import estimator_lib  # noqa: F401
    from tensorflow_estimator.python.estimator.inputs import inputs  # noqa: F401

    tf216.attach_estimator(v1, v2)  # tf.estimator, where TensorFlow no longer attaches it
    heads = types.SimpleNamespace(
        RegressionHead=regression_head.RegressionHead,
        BinaryClassHead=binary_class_head.BinaryClassHead,
        MultiClassHead=multi_class_head.MultiClassHead)
    return Stack(v1=v1, v2=v2, heads=heads, metric_keys=metric_keys.MetricKeys,
                 prediction_keys=prediction_keys.PredictionKeys)


def old_estimator_module(name):
    """The tensorflow-estimator module that ``name``, one of TensorFlow 2.15's
    ``tensorflow.python.estimator`` modules (:data:`OLD_MODULES`), stands for; None for any
    other name. :func:`load` has imported them all."""
    if name != OLD_PACKAGE and not name.startswith(OLD_PACKAGE + "."):
        return None
    short = OLD_MODULES.get(name[len(OLD_PACKAGE) + 1:])
    if short is None:
        return None
    return sys.modules[PACKAGE + (f".{short}" if short else "")]


#: The loaded stack (at the first import of the engine).
STACK = load()
