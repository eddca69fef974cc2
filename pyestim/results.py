"""Results shaped for R and Python users: metrics as a one-row DataFrame (or a dict),
predictions as a DataFrame with one row per example (or a list of dicts), with NumPy scalars
and bytes turned into plain Python values."""

import numpy as np
import pandas as pd

__all__ = ["plain", "metrics", "prediction_record", "predictions_frame"]


def plain(value):
    """A NumPy scalar as a Python number, bytes as a string, anything else as it is."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def metrics(values, simplify=True):
    """Evaluation results (a dict) with string keys and plain values: a one-row DataFrame
    (``simplify``) or the dict."""
    values = {str(k): plain(v) for k, v in (values or {}).items()}
    if not simplify:
        return values
    return pd.DataFrame([values])


def prediction_record(item):
    """One prediction (a dict, or a single tensor's value) as a dict of plain values."""
    if isinstance(item, dict):
        return {str(k): _plain_prediction(v) for k, v in item.items()}
    return {"predictions": _plain_prediction(item)}


def _plain_prediction(value):
    if isinstance(value, np.ndarray) and value.dtype == object:
        return np.array([plain(v) for v in value.reshape(-1)], dtype=object).reshape(value.shape)
    return plain(value)


def predictions_frame(items, yield_single_examples=True):
    """Predictions (one dict per example, or per batch) as a DataFrame: one row per example,
    one column per key; vector-valued predictions become columns of arrays."""
    records = [prediction_record(item) for item in items]
    if not yield_single_examples:
        rows = []
        for batch in records:
            size = len(next(iter(batch.values())))
            rows.extend({k: plain(v[i]) if not isinstance(v[i], np.ndarray) else v[i]
                         for k, v in batch.items()} for i in range(size))
        records = rows
    if not records:
        return pd.DataFrame()
    columns = {}
    for key in records[0]:
        values = [r[key] for r in records]
        if any(isinstance(v, np.ndarray) for v in values):
            col = np.empty(len(values), dtype=object)
            col[:] = values
            columns[key] = col
        else:
            columns[key] = values
    return pd.DataFrame(columns)
