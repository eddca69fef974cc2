"""What must be set before TensorFlow is first imported, done at ``import pyestim`` without
importing TensorFlow (``import pyestim`` stays light: see :mod:`pyestim._lazy`).

* ``TF_USE_LEGACY_KERAS=1`` on the current stack (TensorFlow >= 2.16), which TensorFlow reads
  when it is imported: a pyestim module imported directly (``import pyestim.tf``, as the R
  package does) may import TensorFlow before the engine's stack-compat hook
  (:func:`pyestim.engine.tf_compat.apply`, which sets it too and checks the rest) has run.
* The warnings filter that hides Keras' "``tf.layers.*`` is deprecated" warning (the
  tutorials are written in tf.layers on purpose; see :mod:`pyestim._compat`).
"""

import importlib.metadata
import os
import re
import sys
import warnings

__all__ = ["FIRST_CURRENT", "TENSORFLOW_DISTRIBUTIONS", "metadata_version", "prepare",
           "quiet_tf_layers_warnings", "use_legacy_keras"]

FIRST_CURRENT = (2, 16)   # tf.estimator removed: tensorflow-estimator + tf-keras
#: The distributions that install the ``tensorflow`` module, looked up by name (fast:
#: ``importlib.metadata.packages_distributions()`` takes a quarter of a second).
TENSORFLOW_DISTRIBUTIONS = ("tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-intel",
                            "tensorflow-macos", "tensorflow-aarch64")


def metadata_version():
    """(major, minor) of the installed TensorFlow from its package metadata, or None."""
    for dist in TENSORFLOW_DISTRIBUTIONS:
        try:
            found = re.match(r"(\d+)\.(\d+)", importlib.metadata.version(dist))
        except importlib.metadata.PackageNotFoundError:
            continue
        if found:
            return int(found.group(1)), int(found.group(2))
    return None


def use_legacy_keras():
    """``TF_USE_LEGACY_KERAS=1`` unless the user already set it to a true value."""
    if os.environ.get("TF_USE_LEGACY_KERAS") not in ("1", "true", "True"):
        os.environ["TF_USE_LEGACY_KERAS"] = "1"


def quiet_tf_layers_warnings():
    warnings.filterwarnings(
        "ignore", category=UserWarning,
        message=r"`tf\.layers\.[A-Za-z0-9_]+` is deprecated and will be removed")


def prepare():
    """Run at ``import pyestim``: both settings above, without importing TensorFlow."""
    quiet_tf_layers_warnings()
    if "tensorflow" not in sys.modules:
        version = metadata_version()
        if version is not None and version >= FIRST_CURRENT:
            use_legacy_keras()
