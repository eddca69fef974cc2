"""Which TensorFlow stack runs, and what makes tensorflow-estimator 2.15 run on TensorFlow 2.21.

pyestim supports two stacks (docs/stacks.md):

* ``reference``: TensorFlow 2.15, the last release that ships ``tf.estimator``; nothing here
  changes anything on it.
* ``current``: TensorFlow 2.16-2.21 (tested: 2.21) with ``tf-keras`` (Keras 2 as a package) and
  the pure-Python ``tensorflow-estimator==2.15.0`` installed beside it. TensorFlow 2.16 dropped
  the pieces that tensorflow-estimator imports from TensorFlow itself; :func:`apply` puts back
  only what tensorflow-estimator uses of them, written here (no TensorFlow source):

  1. ``TF_USE_LEGACY_KERAS=1`` so that ``tf.keras``, ``tf.compat.v1.layers`` and the estimator's
     Keras pieces are Keras 2 (tf-keras). TensorFlow reads it when ``tensorflow`` is imported and
     when ``tf.keras`` is first touched, so :func:`apply` sets it before importing TensorFlow.
     In a process that imported pyestim, ``tf.keras`` is Keras 2; ``import keras`` still gives
     Keras 3 for code that asks for it by that name.
  2. ``tensorflow.python.distribute.estimator_training``: tensorflow-estimator asks it whether to
     run the "distribute coordinator" and hands it a ``RunConfig`` that has a distribution
     strategy. Its answers are 2.15's: :func:`should_run_distribute_coordinator` (only for a
     coordinator mode and a cluster) and :func:`take_experimental_distribute`
     (``RunConfig(experimental_distribute=...)``'s strategies become the config's). TensorFlow
     2.21 still ships the distribute coordinator (a strategy *and* a ``TF_CONFIG`` cluster, e.g.
     ``MultiWorkerMirroredStrategy``); only this glue module was removed, and
     :mod:`pyestim.engine.coordinator` is pyestim's own.
  3. The ``estimator`` API name of ``tensorflow.python.util.tf_export`` (tensorflow-estimator's
     ``estimator_export`` decorator registers every public symbol under it).
  4. Three TPU modules (``session_support``, ``tpu_embedding``, ``tpu_embedding_gradient``) that
     ``TPUEstimator`` imports: placeholders that import, and raise
     :class:`~pyestim.errors.UnsupportedTensorFlowError` when TPU code uses them.
  5. ``tf.estimator``, ``tf.compat.v1.estimator`` and ``tf.compat.v2.estimator``, which TensorFlow
     used to attach from tensorflow-estimator (:func:`attach_estimator`).

:func:`apply` must run before anything imports ``tensorflow_estimator`` (or touches Keras); the
engine's stack-compat hook (:func:`pyestim.engine._stack.prepare_stack`) calls it, and the
engine is the first part of pyestim that imports TensorFlow. It refuses TensorFlow versions pyestim was
not tested on (older than 2.15, newer than 2.21) with a clear error, unless
``PYESTIM_ALLOW_UNTESTED_TF=1``, and logs one line naming the stack.
"""

import importlib.metadata
import importlib.util
import logging
import os
import re
import sys
import types

from .._before_tf import FIRST_CURRENT, use_legacy_keras
from .._root_errors import UnsupportedTensorFlowError
from . import coordinator

__all__ = ["apply", "attach_estimator", "check_version", "installed_tensorflow_version",
           "should_run_distribute_coordinator", "stack_name", "stack_summary",
           "take_experimental_distribute", "COORDINATOR_MODES", "REFERENCE", "NEWEST_TESTED"]

REFERENCE = (2, 15)       # tf.estimator built in
NEWEST_TESTED = (2, 21)

SUPPORTED = ("TensorFlow 2.15 (the reference stack: tensorflow-cpu==2.15.1, "
             "tensorflow-estimator==2.15.0, numpy<2) or TensorFlow 2.16 to 2.21 (the current "
             "stack, tested on 2.21: tensorflow==2.21.*, tf-keras==2.21.*, "
             "tensorflow-estimator==2.15.0, numpy 2)")

_applied = None  # the version apply() ran for


def _parse(version):
    """"2.21.0" or "2.22.0rc1" -> (2, 21, 0) / (2, 22, 0)."""
    found = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", str(version))
    if not found:
        raise _error(f"pyestim cannot read TensorFlow's version {version!r}; it needs {SUPPORTED}.")
    return tuple(int(g or 0) for g in found.groups())


def installed_tensorflow_version():
    """The TensorFlow version as a tuple (major, minor, patch), read without importing
    TensorFlow when it is not imported yet (so TF_USE_LEGACY_KERAS can still be set)."""
    loaded = sys.modules.get("tensorflow")
    if loaded is not None and getattr(loaded, "__version__", None):
        return _parse(loaded.__version__)
    for dist in importlib.metadata.packages_distributions().get("tensorflow", []):
        try:
            return _parse(importlib.metadata.version(dist))
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover - broken install
            continue
    if importlib.util.find_spec("tensorflow") is None:
        raise _error(f"TensorFlow is not installed in this Python ({sys.executable}). pyestim "
                     f"needs {SUPPORTED}: reinstall pyestim (pip install pyestim) to get it.")
    import tensorflow  # no metadata (a source build): ask TensorFlow itself

    return _parse(tensorflow.__version__)


def _error(message):
    return UnsupportedTensorFlowError(message)


def check_version(version):
    """Raise UnsupportedTensorFlowError unless ``version`` (a tuple) is one pyestim supports."""
    if REFERENCE <= tuple(version[:2]) <= NEWEST_TESTED:
        return
    if os.environ.get("PYESTIM_ALLOW_UNTESTED_TF", "") == "1" and tuple(version[:2]) > REFERENCE:
        return
    shown = ".".join(str(v) for v in version)
    raise _error(
        f"pyestim does not support TensorFlow {shown}: it needs {SUPPORTED}. Install a "
        f"supported stack (pip install pyestim picks the current one; see the README's "
        f"support matrix), or set PYESTIM_ALLOW_UNTESTED_TF=1 to try TensorFlow {shown} "
        f"anyway (untested: tensorflow-estimator 2.15 may fail inside).")


def stack_name(version=None):
    """``"reference"`` (TensorFlow 2.15, tf.estimator built in) or ``"current"``."""
    version = version or installed_tensorflow_version()
    return "reference" if tuple(version[:2]) < FIRST_CURRENT else "current"


def _dist_version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def stack_summary():
    """One line naming the stack and its versions, e.g. ``current stack: TensorFlow 2.21.0,
    tf-keras 2.21.0, tensorflow-estimator 2.15.0, numpy 2.4.6, Python 3.11.2``."""
    import numpy
    import tensorflow as tf

    parts = [f"TensorFlow {tf.__version__}"]
    keras = _dist_version("tf-keras") if stack_name() == "current" else _dist_version("keras")
    parts.append(f"{'tf-keras' if stack_name() == 'current' else 'keras'} {keras}")
    parts.append(f"tensorflow-estimator {_dist_version('tensorflow-estimator')}")
    parts.append(f"numpy {numpy.__version__}")
    parts.append("Python {}.{}.{}".format(*sys.version_info[:3]))
    return f"{stack_name()} stack: " + ", ".join(parts)


# --------------------------------------------------------------------------------------------
# What TensorFlow 2.16 removed and tensorflow-estimator 2.15 imports


def _unsupported(what):
    return _error(
        f"{what} is not available on TensorFlow {'.'.join(map(str, (_applied or ())[:2]))} "
        f"(pyestim's current stack): TensorFlow removed it in 2.16. Use the reference stack (TensorFlow 2.15, "
        f"PYESTIM_STACK=reference bash dev.sh setup, or pip install -r "
        f"requirements-lock-reference.txt) for it.")


#: The coordinator modes of TensorFlow's distribute coordinator that run train_and_evaluate()
#: through it (``distribute_coordinator.CoordinatorMode``'s values).
COORDINATOR_MODES = ("standalone_client", "independent_worker")


def should_run_distribute_coordinator(config):
    """Whether ``train_and_evaluate()`` runs through the distribute coordinator, answered as
    TensorFlow 2.15 answers: only when RunConfig recorded one of :data:`COORDINATOR_MODES` (a
    string, so a mocked config's attribute does not count) and has a cluster."""
    mode = getattr(config, "_distribute_coordinator_mode", None)
    if mode is None:
        return False
    if not isinstance(mode, str) or mode not in COORDINATOR_MODES:
        logging.getLogger("tensorflow").warning(
            "Not running the distribute coordinator: its mode %r is none of %s.", mode,
            ", ".join(COORDINATOR_MODES))
        return False
    if not config.cluster_spec:
        logging.getLogger("tensorflow").warning(
            "Not running the distribute coordinator (mode %s): there is no cluster, so "
            "train_and_evaluate() runs locally.", mode)
        return False
    return True


def take_experimental_distribute(config):
    """RunConfig's ``experimental_distribute`` (a ``DistributeConfig``): its
    ``train_distribute`` / ``eval_distribute`` become the config's, as on TensorFlow 2.15;
    ValueError when a strategy is given both there and as ``RunConfig``'s own argument."""
    given = getattr(config, "_experimental_distribute", None)
    for name in ("train_distribute", "eval_distribute"):
        strategy = getattr(given, name, None)
        if not strategy:
            continue
        if getattr(config, f"_{name}", None):
            raise ValueError(f"RunConfig got a strategy both as `{name}` and as "
                             f"`experimental_distribute.{name}`: give it in one place only.")
        setattr(config, f"_{name}", strategy)


def _estimator_training_module():
    """tensorflow-estimator calls five functions of this module; TensorFlow's distribute
    coordinator is still there, pyestim.engine.coordinator is the glue to it."""
    mod = types.ModuleType("tensorflow.python.distribute.estimator_training",
                           "pyestim's stand-in: the estimator's glue to the distribute "
                           "coordinator (pyestim.engine.coordinator).")

    def init_run_config(config, tf_config):
        # Reached when RunConfig gets a distribution strategy: its experimental_distribute
        # strategies are taken first (2.15), then coordinator.py records whether (and how) the
        # distribute coordinator runs it.
        take_experimental_distribute(config)
        coordinator.set_up_cluster(config, tf_config)

    mod.init_run_config = init_run_config
    mod.should_run_distribute_coordinator = should_run_distribute_coordinator
    mod.train_and_evaluate = coordinator.train_and_evaluate
    mod.estimator_train = coordinator.estimator_train
    mod.estimator_evaluate = coordinator.estimator_evaluate
    return mod


class _TpuPlaceholder(types.ModuleType):
    """A removed TPU module: importable, but any use raises UnsupportedTensorFlowError."""

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise _unsupported(f"{self.__name__}.{attr} (TPUEstimator's TPU embedding support)")


def _tpu_modules():
    modules = {}
    for short in ("session_support", "tpu_embedding", "tpu_embedding_gradient"):
        name = f"tensorflow.python.tpu.{short}"
        modules[name] = _TpuPlaceholder(name, "pyestim's placeholder: removed in TensorFlow 2.16.")
    # TPUEstimator's module lists these optimizer classes at import (isinstance checks later).
    embedding = modules["tensorflow.python.tpu.tpu_embedding"]
    for cls in ("AdagradParameters", "AdamParameters", "FtrlParameters", "MomentumParameters",
                "ProximalAdagradParameters", "RMSPropParameters",
                "StochasticGradientDescentParameters"):
        def init(self, *args, _cls=cls, **kwargs):
            raise _unsupported(f"tpu_embedding.{_cls}")
        setattr(embedding, cls, type(cls, (), {"__init__": init, "__module__": embedding.__name__}))
    return modules


def _add_estimator_api_name():
    from tensorflow.python.util import tf_export

    if hasattr(tf_export, "ESTIMATOR_API_NAME"):
        return
    attrs = type(tf_export.API_ATTRS[tf_export.TENSORFLOW_API_NAME])
    tf_export.ESTIMATOR_API_NAME = "estimator"
    tf_export.API_ATTRS["estimator"] = attrs("_estimator_api_names",
                                            "_estimator_api_constants")
    tf_export.API_ATTRS_V1["estimator"] = attrs("_estimator_api_names_v1",
                                               "_estimator_api_constants_v1")


def _install_missing_modules():
    for name, module in [("tensorflow.python.distribute.estimator_training",
                          _estimator_training_module()), *_tpu_modules().items()]:
        if name in sys.modules or importlib.util.find_spec(name) is not None:
            continue
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        setattr(sys.modules[parent], child, module)


def attach_estimator(v1, v2):
    """On the current stack, ``tf.estimator``, ``tf.compat.v2.estimator`` (``v2``) and
    ``tf.compat.v1.estimator`` (``v1``), which TensorFlow 2.15 attached itself. Called by
    :func:`pyestim.engine._stack.load` with the modules it imported."""
    if _applied is None or stack_name(_applied) != "current":
        return
    import tensorflow as tf

    for namespace, api in ((tf, v2), (tf.compat.v2, v2), (tf.compat.v1, v1)):
        if getattr(namespace, "estimator", None) is None:
            setattr(namespace, "estimator", api)


def _use_legacy_keras():
    use_legacy_keras()
    if importlib.util.find_spec("tf_keras") is None:
        raise _error(
            "TensorFlow {}.{} needs the tf-keras package (Keras 2) for tf.estimator and "
            "tf.layers, and it is not installed: pip install 'tf-keras~={}.{}.0' (or reinstall "
            "pyestim, which depends on it).".format(*_applied[:2], *_applied[:2]))


def apply():
    """Check the TensorFlow version and, on TensorFlow >= 2.16, make tensorflow-estimator 2.15
    importable over it (everything but :func:`attach_estimator`, which needs the imported
    API). Runs before TensorFlow is imported (``TF_USE_LEGACY_KERAS``); idempotent; returns
    the stack's name. The log line naming the stack is written at pyestim's first use of
    TensorFlow's logger (:func:`pyestim.engine.tf_logger`), not at import."""
    global _applied
    if _applied is not None:
        return stack_name(_applied)
    version = installed_tensorflow_version()
    check_version(version)
    _applied = version
    try:
        if stack_name(version) == "current":
            _use_legacy_keras()
            import tensorflow  # noqa: F401  (after TF_USE_LEGACY_KERAS)

            _install_missing_modules()
            _add_estimator_api_name()
    except BaseException:
        _applied = None
        raise
    return stack_name(version)
