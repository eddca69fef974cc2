"""What must be set before TensorFlow is first imported, done at ``import pyestim`` without
importing TensorFlow (``import pyestim`` stays light: see :mod:`pyestim._lazy`).

* ``TF_USE_LEGACY_KERAS=1`` on the current stack (TensorFlow >= 2.16), which TensorFlow reads
  when it is imported: a pyestim module imported directly (``import pyestim.tf``, as the R
  package does) may import TensorFlow before the engine's stack-compat hook
  (:func:`pyestim.engine.tf216.apply`, which sets it too and checks the rest) has run.
* The warnings filter that hides Keras' "``tf.layers.*`` is deprecated" warning (the
  tutorials are written in tf.layers on purpose; see :mod:`pyestim._first_tf_use`).
* On a machine with no NVIDIA device, TensorFlow's CUDA probe stays quiet
  (:func:`quiet_cuda_probe`): a TensorFlow built with CUDA (the current stack's) writes, from
  C++ at its import and at its first look for devices, "All log messages before
  absl::InitializeLog() is called are written to STDERR" (twice), "cudart_stub.cc ... Could
  not find cuda drivers on your machine, GPU will not be used" and "failed call to cuInit:
  ... UNKNOWN ERROR (303)". ``TF_CPP_MIN_LOG_LEVEL`` cannot hide the first ones (they are
  written before TensorFlow's logging starts) and would hide every error to hide the last. So
  the import of TensorFlow, and its listing of GPUs right after, run with the process's
  standard error (file descriptor 2) held in a temporary file; afterwards every line but
  those is written to standard error, in order. A machine with an NVIDIA device (``/dev/nvidia*``,
  or WSL's ``/dev/dxg``) keeps every line, and so does ``TF_CPP_MIN_LOG_LEVEL=0`` (asking for
  all of TensorFlow's messages). Nothing is set in the environment: no GPU is hidden.
"""

import contextlib
import glob
import importlib.metadata
import importlib.util
import os
import re
import sys
import tempfile
import warnings

__all__ = ["FIRST_CURRENT", "TENSORFLOW_DISTRIBUTIONS", "CUDA_PROBE_LINES", "metadata_version",
           "prepare", "quiet_tf_layers_warnings", "use_legacy_keras", "has_nvidia_device",
           "quiet_cuda_probe", "without_lines"]

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


#: The lines of TensorFlow's CUDA probe that a machine without a GPU does not show.
CUDA_PROBE_LINES = re.compile(
    r"All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|cudart_stub\.cc:\d+\] Could not find cuda drivers"
    r"|failed call to cuInit")


def has_nvidia_device():
    """Whether this machine shows an NVIDIA device to programs (Linux's ``/dev/nvidia0``...,
    ``/dev/nvidiactl``; WSL's ``/dev/dxg``). TensorFlow uses CUDA on Linux only."""
    if not sys.platform.startswith("linux"):
        return False
    return bool(glob.glob("/dev/nvidia[0-9]*")) or any(
        os.path.exists(p) for p in ("/dev/nvidiactl", "/dev/dxg"))


def without_lines(text, pattern=CUDA_PROBE_LINES):
    """``text`` without the lines ``pattern`` finds in."""
    return "".join(line for line in text.splitlines(keepends=True)
                   if not pattern.search(line))


@contextlib.contextmanager
def _native_stderr_filtered():
    """Hold file descriptor 2 (C++'s and Python's standard error) in a temporary file while
    the block runs; then write what it got, without the CUDA probe's lines, to the real one."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no standard error to hold (closed): nothing to filter
        yield
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            kept = without_lines(held.read().decode("utf-8", "replace"))
            if kept:
                os.write(2, kept.encode("utf-8"))


class _QuietLoader:
    """TensorFlow's own loader, run with standard error filtered; the GPUs are listed then
    too (TensorFlow's first look for devices calls cuInit)."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        with _native_stderr_filtered():
            self._loader.exec_module(module)
            module.__loader__ = module.__spec__.loader = self._loader
            with contextlib.suppress(Exception):
                module.config.list_physical_devices("GPU")


class _QuietCudaProbe:
    """A meta path finder that answers for ``tensorflow`` once, with :class:`_QuietLoader`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "tensorflow":
            return None
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


def quiet_cuda_probe():
    """Make TensorFlow's coming import quiet about CUDA on a machine with no NVIDIA device
    (see the module notes); nothing when TensorFlow is imported already, when the machine has
    a device, or when ``TF_CPP_MIN_LOG_LEVEL=0`` asks for all of TensorFlow's messages."""
    if "tensorflow" in sys.modules or has_nvidia_device() or \
            os.environ.get("TF_CPP_MIN_LOG_LEVEL", "").strip() == "0":
        return
    if not any(isinstance(f, _QuietCudaProbe) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietCudaProbe())


def prepare():
    """Run at ``import pyestim``: the settings above, without importing TensorFlow."""
    quiet_tf_layers_warnings()
    if "tensorflow" not in sys.modules:
        version = metadata_version()
        if version is not None and version >= FIRST_CURRENT:
            use_legacy_keras()
    quiet_cuda_probe()
