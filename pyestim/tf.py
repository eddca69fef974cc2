"""``pyestim.tf``: the TensorFlow 1 namespace the tutorials' model functions are written in.

Every name of ``tf.compat.v1`` (``tf.layers``, ``tf.losses``, ``tf.train``, ``tf.metrics``,
``tf.logging``, ``tf.reshape`` ...) is here, plus what TensorFlow 2 dropped and the tutorials
use:

* ``tf.estimator.inputs.numpy_input_fn`` is pyestim's :func:`pyestim.numpy_input_fn`
  (same signature, reproducible under a seed);
* ``tf.contrib.learn.datasets.load_dataset("mnist")`` and
  ``tf.contrib.learn.datasets.mnist.read_data_sets()`` read MNIST with the legacy
  55,000 / 5,000 / 10,000 split (see :mod:`pyestim.datasets`);
* ``tf.contrib.layers.flatten`` (the Layers API tutorial's), which is ``tf.layers.flatten``;
* ``tf.contrib.layers.fully_connected`` / ``stack`` / ``dropout`` / ``optimize_loss`` and
  ``tf.contrib.framework.get_global_step`` / ``local_variable`` / ``model_variable``
  (tfestimators' examples'), see :mod:`pyestim.contrib`;
* ``tf.contrib.predictor.from_estimator``: :func:`pyestim.predictor` (a live session);
* ``tf.python`` (TensorFlow's ``tensorflow.python``, which tfestimators' parsing_spec
  vignette reaches: ``tf.python.ops.parsing_ops.FixedLenFeature``);
* ``from pyestim.tf.examples.tutorials.mnist import input_data`` (seed 002's
  ``tensorflow.examples.tutorials.mnist``): ``input_data.read_data_sets(dir, one_hot=True)``.

Use it as ``from pyestim import tf`` (Python) or ``tf`` (the R package exports it).
TensorFlow 2 keeps eager execution on; the estimator builds graphs of its own, so model
functions need nothing more. Scripts written for TensorFlow 1 sessions and placeholders call
``tf.disable_v2_behavior()`` first, as they would with ``tf.compat.v1``.
"""

import sys as _sys
import types as _types

import tensorflow as _tf

from . import _first_tf_use, contrib as _contrib_fns, datasets as _datasets, engine as _engine
from .datasets import input_data as _input_data, mnist as _mnist
from .inputs import numpy_input_fn
from .live_predict import from_estimator

__all__ = ["Namespace", "examples"]

_v1 = _tf.compat.v1
_first_tf_use.prepare()


class Namespace(_types.ModuleType):
    """A module that answers with its own names first, then with ``base``'s."""

    def __init__(self, name, base=None, doc=None, missing=None, **names):
        super().__init__(name, doc)
        self.__dict__.update(names)
        self.__dict__["_pyestim_base"] = base
        self.__dict__["_pyestim_missing"] = missing

    def __getattr__(self, attr):
        base = self.__dict__.get("_pyestim_base")
        if base is not None and not attr.startswith("__"):
            try:
                return getattr(base, attr)
            except AttributeError:
                pass
        hint = self.__dict__.get("_pyestim_missing")
        raise AttributeError(
            f"module {self.__name__!r} has no attribute {attr!r}" + (f". {hint}" if hint else ""))

    def __dir__(self):
        names = {k for k in self.__dict__ if not k.startswith("_pyestim")}
        base = self.__dict__.get("_pyestim_base")
        if base is not None:
            names.update(dir(base))
        return sorted(names)


def _contrib():
    gone = ("tf.contrib was removed in TensorFlow 2. pyestim.tf.contrib keeps only what the "
            "tutorials and tfestimators' examples use: learn.datasets.load_dataset(), "
            "learn.datasets.mnist, layers (flatten, fully_connected, stack, dropout, "
            "optimize_loss), framework (get_global_step, local_variable, model_variable) and "
            "predictor.from_estimator. Most of "
            "the rest lives on in tf.compat.v1 (e.g. tf.layers, tf.losses, tf.metrics).")
    # Everything of pyestim's own here is reached through Namespace objects (the module
    # pyestim.datasets.mnist too): the R package converts errors from their functions into
    # classed R conditions (see `$.pyestim.tf.Namespace` in r/R/package.R).
    mnist = Namespace("pyestim.tf.contrib.learn.datasets.mnist", base=_mnist, doc=_mnist.__doc__)
    datasets = Namespace("pyestim.tf.contrib.learn.datasets", missing=gone,
                         load_dataset=_datasets.load_dataset, mnist=mnist,
                         base=_datasets)
    learn = Namespace("pyestim.tf.contrib.learn", missing=gone, datasets=datasets)
    # tf.contrib.layers.flatten (used by the Layers API tutorial) became tf.layers.flatten.
    layers = Namespace("pyestim.tf.contrib.layers", missing=gone, flatten=_v1.layers.flatten,
                       fully_connected=_contrib_fns.fully_connected, stack=_contrib_fns.stack,
                       dropout=_contrib_fns.dropout, optimize_loss=_contrib_fns.optimize_loss,
                       OPTIMIZER_CLS_NAMES=_contrib_fns.OPTIMIZER_CLS_NAMES,
                       OPTIMIZER_SUMMARIES=_contrib_fns.OPTIMIZER_SUMMARIES)
    # tf.contrib.framework: the global step and TensorFlow 1's variable helpers.
    framework = Namespace("pyestim.tf.contrib.framework", missing=gone,
                          get_global_step=_contrib_fns.get_global_step,
                          local_variable=_contrib_fns.local_variable,
                          model_variable=_contrib_fns.model_variable)
    # tf.contrib.predictor.from_estimator: pyestim's predictor (a live session).
    predictor = Namespace("pyestim.tf.contrib.predictor", missing=gone,
                          from_estimator=from_estimator)
    return Namespace("pyestim.tf.contrib", missing=gone, learn=learn, layers=layers,
                     framework=framework, predictor=predictor)


def _estimator():
    inputs = Namespace("pyestim.tf.estimator.inputs", base=_engine.estimator_api_v1.inputs,
                       numpy_input_fn=numpy_input_fn)
    return Namespace("pyestim.tf.estimator", base=_engine.estimator_api_v1, inputs=inputs)


def _examples():
    """``pyestim.tf.examples.tutorials.mnist.input_data``, importable with ``from ... import``
    (each level is registered in ``sys.modules``, as a package of one module)."""
    names = ["pyestim.tf.examples", "pyestim.tf.examples.tutorials",
             "pyestim.tf.examples.tutorials.mnist"]
    child = _input_data
    for name, attr in zip(reversed(names), ["input_data", "mnist", "tutorials"]):
        module = Namespace(name, **{attr: child})
        module.__path__ = []
        _sys.modules.setdefault(name, module)
        child = _sys.modules[name]
    _sys.modules.setdefault("pyestim.tf.examples.tutorials.mnist.input_data", _input_data)
    return child


examples = _examples()

def _python():
    return _engine.tf_python


_LAZY = {"contrib": _contrib, "estimator": _estimator, "python": _python}
_built = {}


def __getattr__(name):
    if name in _LAZY:
        if name not in _built:
            _built[name] = _LAZY[name]()
        return _built[name]
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        return getattr(_v1, name)
    except AttributeError:
        raise AttributeError(
            f"pyestim.tf (tf.compat.v1) has no attribute {name!r}.") from None


def __dir__():
    return sorted(set(dir(_v1)) | set(_LAZY) | {"Namespace"})
