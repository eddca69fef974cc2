"""Reading checkpoints (see :mod:`pyestim.checkpoints`): the latest one (skipping a latest
whose files are gone), the one evaluate() / predict() should restore, and the variables a
checkpoint holds (by name, or by an object-based checkpoint's object graph).

The functions here take directories and paths; :mod:`pyestim.estimators` gives them the
estimator-taking forms of tfestimators (``variable_names(estimator)``, ...)."""

import os

from .. import engine
from .._args import as_list
from .._lang import shown
from ..errors import NotTrainedError, PyestimTypeError, PyestimValueError
from . import finding
from .lock import is_local
from .rollback import recover_for_reader

__all__ = ["latest_checkpoint", "reader_checkpoint", "variable_names_in", "variable_value_in"]


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The path of the latest checkpoint in ``checkpoint_dir``, or None if there is none.

    If the checkpoint the ``checkpoint`` state file names has lost its files, this is the
    newest complete one (with a warning); if it is damaged, CheckpointError names it.
    ``latest_filename`` names another state file (TensorFlow's ``latest_checkpoint()``
    argument, which tfestimators passes on through ``...``); that file is read as
    TensorFlow reads it."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    if latest_filename is not None:
        if not isinstance(latest_filename, str) or not latest_filename:
            raise PyestimTypeError(
                "latest_filename must be the name of a checkpoint state file (a string), got "
                f"{shown(latest_filename)}.")
        return engine.latest_checkpoint(checkpoint_dir, latest_filename)
    if not is_local(checkpoint_dir):
        return engine.latest_checkpoint(checkpoint_dir)
    recover_for_reader(checkpoint_dir)
    return finding.resolve_latest(checkpoint_dir)


def reader_checkpoint(model_dir, checkpoint_path):
    """The checkpoint evaluate() / predict() should read: ``checkpoint_path`` if given (it
    must be a complete checkpoint); else None (TensorFlow takes the latest) when the latest
    is complete, or the newest complete one when the latest's files are gone. A damaged
    latest checkpoint raises CheckpointError naming it."""
    if checkpoint_path is not None:
        path = os.fspath(checkpoint_path)
        finding.check_checkpoint_path(path)
        return path
    recover_for_reader(model_dir)
    state = finding.read_state(model_dir) if os.path.isdir(model_dir) else None
    resolved = finding.resolve_latest(model_dir)
    if resolved is None or state is None or \
            finding.absolute(model_dir, state.model_checkpoint_path) == resolved:
        return None
    return resolved


def _trained_checkpoint(model_dir, caller):
    path = latest_checkpoint(model_dir)
    if path is None:
        raise NotTrainedError(
            f"'{caller}()' must be called on a trained model: model_dir {shown(model_dir)} holds "
            "no checkpoint yet; train() the model first (or point model_dir at a trained one).")
    return path


def _object_graph_keys(checkpoint, names):
    """{variable name: checkpoint key} of an object-based checkpoint (empty for a name-based
    one, whose ``names`` hold no object graph), from the object graph it stores."""
    if engine.OBJECT_GRAPH_KEY not in names:
        return {}
    graph = engine.read_object_graph(checkpoint)
    return {attr.full_name: attr.checkpoint_key for node in graph.nodes
            for attr in node.attributes if attr.full_name and attr.checkpoint_key in names}


def variable_names_in(model_dir, caller="variable_names"):
    """The names of the variables in the latest checkpoint of ``model_dir`` (``caller``: the
    public function an error names)."""
    return engine.list_variables(_trained_checkpoint(model_dir, caller))


def variable_value_in(model_dir, variable=None, caller="variable_value"):
    """See :func:`pyestim.variable_value`."""
    path = _trained_checkpoint(model_dir, caller)
    names = engine.list_variables(path)
    if variable is None:
        return {name: engine.load_variable(path, name) for name in names}
    wanted = [variable] if isinstance(variable, str) else as_list(variable)
    bad = [v for v in wanted if not isinstance(v, str)]
    if bad or not wanted:
        raise PyestimTypeError(
            "variable must be a variable's name (a string) or a list of names, got "
            f"{type(bad[0] if bad else variable).__name__}{'' if wanted else ' (empty)'}.")
    keys = {}
    missing = [v for v in wanted if v not in names]
    if missing:
        keys = _object_graph_keys(path, names)
        missing = [v for v in missing if keys.get(v) is None]
    if missing:
        raise PyestimValueError(
            f"Variable not found: {', '.join(missing)}. variable_names() lists "
            f"{len(names)}: {', '.join(names[:10])}{' ...' if len(names) > 10 else ''}.")
    return {v: engine.load_variable(path, v if v in names else keys[v]) for v in wanted}
