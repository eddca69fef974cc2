"""Input function contract parity (issue 22, point 3): tfestimators' ``input_fn(...)(TRUE)()``
in R (tests/parity/r/input_contract.R) and ``input_fn(...)(True)()`` in Python return the
same ``(features, labels)``: as many parts, the same feature names and the same first batch,
value for value, for a data frame, a formula (R) / the same columns (Python), a matrix with
an object that only carries tfestimators' class (canned: named columns; custom: one matrix),
False (one matrix) and tfestimators' list of sequences; ``epochs = 3`` trains as many steps
in both."""

import numpy as np

from .helpers import Run, md, r_value, same_numbers

SECTION = "Input function contract (R / Python): input_fn(...)(estimator)()"


def _values(t):
    """A tensor as R's contract_values() gives it: dimensions and column-major values."""
    a = np.asarray(t.numpy(), dtype=np.float64)
    return {"dim": list(a.shape), "values": a.flatten(order="F").tolist()}


def _batch(batch):
    features, labels = batch
    named = isinstance(features, dict)
    return {"length": len(batch), "names": list(features) if named else [],
            "features": [_values(v) for v in features.values()] if named
            else [_values(features)],
            "labels": _values(labels)}


class _Custom:
    """A custom estimator as the input function sees it: its features as one matrix."""
    feature_layout = "matrix"


def py_contract():
    import pyestim as pe
    from pyestim.datasets import mtcars

    cars = mtcars().iloc[:10]
    frame = pe.input_fn(cars, features=["drat", "cyl"], response="mpg", batch_size=4,
                        shuffle=False)
    records = cars.to_records(index=False)
    matrix = pe.input_fn(records, features=["drat", "cyl"], response="mpg", batch_size=4,
                         shuffle=False)
    sequences = {"features": [[[1], [2], [3]], [[4], [5], [6]]],
                 "response": [[1, 2, 3], [4, 5, 6]]}
    lin = pe.linear_regressor(pe.feature_columns("drat"))
    pe.train(lin, pe.input_fn(cars, features="drat", response="mpg", batch_size=4,
                              shuffle=False, epochs=3))
    return {
        "frame_true": _batch(frame(True)()),
        "formula_true": _batch(frame(True)()),
        "frame_false": _batch(frame(False)()),
        "matrix_canned": _batch(matrix(True)()),
        "matrix_custom": _batch(matrix(_Custom())()),
        "list_canned": _batch(pe.input_fn(sequences, "features", "response",
                                          shuffle=False)(True)()),
        "epochs": int(pe.variable_value(lin, "global_step")["global_step"]),
    }


def _as_list(v):
    return v if isinstance(v, list) else [v]


def _same_values(a, b):
    return _as_list(a["dim"]) == _as_list(b["dim"]) and \
        same_numbers(_as_list(a["values"]), _as_list(b["values"]))


def _same_batch(a, b):
    return (_as_list(a["length"]) == [b["length"]]
            and _as_list(a["names"] or []) == b["names"]
            and len(_as_list(a["features"])) == len(b["features"])
            and all(_same_values(x, y) for x, y in zip(_as_list(a["features"]), b["features"]))
            and _same_values(a["labels"], b["labels"]))


CASES = {
    "frame_true": "data frame, (TRUE)(): named columns",
    "formula_true": "R formula mpg ~ drat + cyl vs Python columns, (TRUE)()",
    "frame_false": "data frame, (FALSE)(): one matrix",
    "matrix_canned": "matrix, object of class tf_estimator: named columns",
    "matrix_custom": "matrix, object of class tf_custom_estimator: one matrix",
    "list_canned": "tfestimators' list of sequences, c(features) unquoted",
}


def test_input_function_contract_parity(r, report):
    r_run = Run("R", "contract_results() (tests/parity/r/input_contract.R)",
                r_value(r, "contract_results()"))
    py_run = Run("Python", "py_contract() (test_input_contract.py)", py_contract())
    a, b = r_run.value, py_run.value
    failed = []
    for key, label in CASES.items():
        ok = _same_batch(a[key], b[key])
        if key == "frame_true":  # independent of both: the data's own first rows
            ok = ok and b[key]["names"] == ["drat", "cyl"] and b[key]["length"] == 2
        detail = md(f"{b[key]['length']} parts, features {b[key]['names'] or 'one matrix'} "
                    f"{[f['dim'] for f in b[key]['features']]}, labels {b[key]['labels']['dim']}")
        if not report.check(f"input_fn(...)(...)(): {label}", "list(features, labels) values",
                            ok, detail, runs=(r_run.part(key, label), py_run.part(key, label))):
            failed.append(key)
    # 3 passes over 10 rows, epochs joined: 30 rows, 7 batches of 4 and one of 2.
    steps_ok = _as_list(a["epochs"]) == [b["epochs"]] == [8]
    if not report.check("input_fn(..., epochs = 3): 10 rows, batches of 4", "steps trained",
                        steps_ok, "8 steps (30 rows: 7 batches of 4, one of 2)",
                        runs=(r_run.part("epochs", "epochs = 3"),
                              py_run.part("epochs", "epochs=3"))):
        failed.append("epochs")
    assert not failed, f"R and Python differ: {failed}"
