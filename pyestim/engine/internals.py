"""TensorFlow's private modules pyestim needs, imported here and nowhere else.

Each has no public equivalent: the feature-column classes (to tell column kinds apart and to
transform features for the boosted trees), the NaN-loss error class (pyestim's NanLossError
subclasses it, so code catching TensorFlow's keeps working), the deprecation module (whose
caller lookup fails when R calls without a Python frame), the checkpoint state proto, the
event-writer cache, the object-graph proto of object-based checkpoints, the distribution
strategies' classes (which of them run the model function in threads of their own); and TensorFlow's
``tensorflow.python`` package itself, which tfestimators' documents reach as ``tf$python``
(``tf$python$ops$parsing_ops$FixedLenFeature``) and ``pyestim.tf.python`` gives them.
"""

import os

import tensorflow.python as tf_python
from tensorflow.core.protobuf import trackable_object_graph_pb2
from tensorflow.python.distribute import mirrored_strategy, parameter_server_strategy
from tensorflow.python.feature_column import feature_column as fc_v1
from tensorflow.python.feature_column import feature_column_v2 as fc_v2
from tensorflow.python.feature_column import feature_column_v2_types as fc_types
from tensorflow.python.summary.writer.writer_cache import FileWriterCache
from tensorflow.python.training.basic_session_run_hooks import NanLossDuringTrainingError
from tensorflow.python.training.checkpoint_state_pb2 import CheckpointState
from tensorflow.python.util import deprecation

__all__ = ["tf_python", "fc_v1", "fc_v2", "fc_types", "NanLossDuringTrainingError", "CheckpointState",
           "deprecation", "pop_cached_writers", "TrackableObjectGraph", "replica_threads"]

TrackableObjectGraph = trackable_object_graph_pb2.TrackableObjectGraph


def pop_cached_writers(model_dir):
    """Take the event-file writers TensorFlow caches for ``model_dir`` in this process out of
    its cache and return them (the caller closes them)."""
    target = os.path.realpath(model_dir)
    with FileWriterCache._lock:  # noqa: SLF001 - no public way to drop one entry
        keys = [k for k in FileWriterCache._cache  # noqa: SLF001
                if os.path.realpath(os.fspath(k)) == target]
        return [FileWriterCache._cache.pop(k) for k in keys]  # noqa: SLF001


def replica_threads(strategy):
    """Whether ``strategy`` (a ``tf.distribute`` strategy, or None) calls the model function
    from threads of its own: ``MirroredStrategy``, ``MultiWorkerMirroredStrategy``,
    ``CentralStorageStrategy`` and TensorFlow 1's ``ParameterServerStrategy`` run each
    replica's call in a thread (``tensorflow/python/distribute/mirrored_run.py``) while the
    calling thread waits; ``OneDeviceStrategy`` calls it in the calling thread."""
    extended = getattr(strategy, "extended", None)
    return isinstance(extended, (mirrored_strategy.MirroredExtended,
                                 parameter_server_strategy.ParameterServerStrategyExtended))
