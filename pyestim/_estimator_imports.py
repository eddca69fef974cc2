"""Plain ``tf.estimator`` code after ``import pyestim``, on the current stack (TensorFlow >= 2.16,
where TensorFlow no longer ships ``tf.estimator``).

``import pyestim`` does not import TensorFlow (:mod:`pyestim._lazy`). On the current stack it
puts one finder at the front of ``sys.meta_path`` (:func:`install`), which answers for the
names code written for TensorFlow <= 2.15 imports:

* ``tensorflow``: imported as usual; once TensorFlow has run its ``__init__``, pyestim's engine
  is loaded (the compatibility layer, then tensorflow-estimator), which attaches
  ``tf.estimator``, ``tf.compat.v1.estimator`` and ``tf.compat.v2.estimator`` as TensorFlow
  2.15 did. If the engine cannot load (an untested TensorFlow version), TensorFlow's import
  still succeeds and ``tf.estimator`` raises the engine's error.
* ``tensorflow.python.estimator`` and its submodules (removed in 2.16; on 2.15 thin aliases of
  tensorflow-estimator's modules): the tensorflow-estimator module of the same path under
  ``tensorflow_estimator.python.estimator`` (:func:`pyestim.engine._stack.old_estimator_module`);
  a name 2.15 did not have there is not found, as on 2.15.
* ``tensorflow_estimator`` imported directly: after the engine has made it importable.

On the reference stack (TensorFlow 2.15) nothing is installed: TensorFlow does all of this.
"""

import importlib.abc
import importlib.util
import sys
import threading

from . import _before_tf, _lazy

__all__ = ["install", "OLD_PACKAGE"]

OLD_PACKAGE = "tensorflow.python.estimator"


class _Existing(importlib.abc.Loader):
    """A loader that hands the import system a module that is already loaded, under another
    name (or under its own, when it got loaded while the import system was looking for it)."""

    def __init__(self, module):
        self.module = module
        self.spec = getattr(module, "__spec__", None)

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        if self.spec is not None:  # the import system set our spec on it: give its own back
            module.__spec__ = self.spec


class _ThenEngine(importlib.abc.Loader):
    """TensorFlow's own loader, then pyestim's engine (which attaches ``tf.estimator``)."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = self.loader
        if getattr(module, "__spec__", None) is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        try:
            _lazy.load("pyestim.engine")
        except Exception as error:  # noqa: BLE001 - raised again where tf.estimator is used
            module.__getattr__ = _raise_on_estimator(module.__name__, error)


def _raise_on_estimator(name, error):
    def __getattr__(attr):
        if attr == "estimator":
            raise error
        raise AttributeError(f"module {name!r} has no attribute {attr!r}")
    return __getattr__


class _Finder(importlib.abc.MetaPathFinder):
    """See the module's docstring. Inactive (in its thread) while it loads the engine itself."""

    def __init__(self):
        self.state = threading.local()

    def find_spec(self, name, path=None, target=None):
        if getattr(self.state, "busy", False) or not (
                name in ("tensorflow", "tensorflow_estimator") or
                name == OLD_PACKAGE or name.startswith(OLD_PACKAGE + ".")):
            return None
        self.state.busy = True
        try:
            return self._spec(name)
        finally:
            self.state.busy = False

    @staticmethod
    def _spec(name):
        if name == "tensorflow":
            spec = importlib.util.find_spec(name)
            if spec is not None and spec.loader is not None:
                spec.loader = _ThenEngine(spec.loader)
            return spec
        if name == "tensorflow_estimator":
            _lazy.load("pyestim.engine")
            module = sys.modules.get(name)
        else:
            module = _lazy.load("pyestim.engine._stack").old_estimator_module(name)
            if module is None:  # not one of 2.15's: not a second copy of a module found there
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        if module is None:
            return None
        return importlib.util.spec_from_loader(name, _Existing(module),
                                               is_package=hasattr(module, "__path__"))


def install():
    """Put the finder first in ``sys.meta_path`` on the current stack (once); on the reference
    stack, or when TensorFlow's version cannot be read without importing it, do nothing."""
    version = _before_tf.metadata_version()
    if version is None or version < _before_tf.FIRST_CURRENT:
        return
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
