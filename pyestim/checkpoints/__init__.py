"""What pyestim does with the checkpoints in a ``model_dir``, one module per job (what is
guaranteed, and what is not, is in docs/reliability.md):

* :mod:`pyestim.checkpoints.lock`: the writer lock (one ``train()`` at a time per
  ``model_dir``) and the checks that the directory can be created and written;
* :mod:`pyestim.checkpoints.finding`: which checkpoints are complete, the state file naming
  the latest, the checkpoint a call starts from (the newest complete one when the latest's
  files are gone) and the error naming a damaged one;
* :mod:`pyestim.checkpoints.rollback`: the snapshot of ``model_dir`` a ``train()`` takes and
  puts back when it fails before its first step (``training_call()``: the lock, the
  checkpoint to resume from, the snapshot), and the pending rollback readers finish;
* :mod:`pyestim.checkpoints.reading`: what the accessors and ``evaluate()`` / ``predict()``
  read: ``latest_checkpoint()``, the checkpoint to restore, variable names and values.

The calls into TensorFlow they make that only the engine may make (the object graph of an
object-based checkpoint, the state file's proto, the cached event writers) are
:mod:`pyestim.engine`'s; TensorFlow's errors about a checkpoint become pyestim's in
:mod:`pyestim.tf_errors`.
"""

__all__ = []
