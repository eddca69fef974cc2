"""The levels of a factor response, kept with the model.

``input_fn()`` feeds a factor response (a pandas ``Categorical``, what an R factor becomes, or
a column of strings) as 0-based integer codes. Codes mean nothing without their levels: the
same iris with its species in another order would be evaluated against the wrong classes. So
the first ``train()`` through such an input function writes the levels (in code order) to
``model_dir/pyestim_response_levels.json``; later calls, in this process or another, encode
their labels by name against those levels (an unseen level is an error), and ``predict()``
returns the level (the original label) in ``classes`` / ``all_classes`` instead of its code.

Estimators given ``label_vocabulary`` take string labels as they are and store nothing.
"""

import json
import os

import numpy as np

from .checkpoints.lock import is_local
from ._lang import shown
from .errors import InputDataError

__all__ = ["FILE", "stored_levels", "model_codes", "name_classes"]

FILE = "pyestim_response_levels.json"


def _native(value):
    """A level as a JSON value: NumPy scalars as Python ones, anything else not JSON as str."""
    if isinstance(value, np.generic):
        value = value.item()
    return value if isinstance(value, (str, int, float, bool)) else str(value)


def _path(model_dir):
    if model_dir is None or not is_local(os.fspath(model_dir)):
        return None
    return os.path.join(os.fspath(model_dir), FILE)


def stored_levels(model_dir):
    """``{"response": name, "levels": [...]}`` stored with the model, or None."""
    path = _path(model_dir)
    if path is None or not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _store(model_dir, response, levels):
    path = _path(model_dir)
    if path is None:
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"response": response, "levels": levels}, f)
    os.replace(tmp, path)


def model_codes(model_dir, response, data_levels, codes, training):
    """The labels of this data (``codes`` into ``data_levels``, -1 for a missing value) as
    codes into the model's levels: those stored in ``model_dir``, or, if none are stored yet,
    this data's own (stored now when ``training``)."""
    data_levels = [_native(v) for v in data_levels]
    stored = stored_levels(model_dir)
    if stored is None:
        if training:
            _store(model_dir, response, data_levels)
        return codes
    model_levels = [_native(v) for v in stored["levels"]]
    index = {level: i for i, level in enumerate(model_levels)}
    present = sorted({int(c) for c in np.unique(codes) if c >= 0})
    unseen = [data_levels[c] for c in present if data_levels[c] not in index]
    if unseen:
        raise InputDataError(
            f"The response {shown(response)} has level(s) the model was not trained on: "
            f"{', '.join(map(str, unseen))}. The model's levels (stored in its model_dir, "
            f"{FILE}) are: {', '.join(map(str, model_levels))}. Drop those rows or train a new "
            "model (another model_dir) on data with these levels.")
    table = np.array([index.get(level, -1) for level in data_levels] + [-1], dtype=np.int64)
    codes = np.asarray(codes, dtype=np.int64)
    return table[np.where(codes >= 0, codes, len(data_levels))]


def _level_of(value, levels):
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(levels):
        return levels[value]
    return value


def _named(value, levels):
    if isinstance(value, np.ndarray):
        out = np.empty(value.shape, dtype=object)
        out.reshape(-1)[:] = [_level_of(v, levels) for v in value.reshape(-1)]
        return out
    return _level_of(value, levels)


def name_classes(item, stored):
    """A prediction with its ``classes`` / ``all_classes`` (class codes) as the model's
    levels; unchanged when no levels are stored or the prediction has no such key."""
    if stored is None or not isinstance(item, dict):
        return item
    levels = stored["levels"]
    out = dict(item)
    for key in ("classes", "all_classes"):
        if key in out:
            out[key] = _named(out[key], levels)
    return out
