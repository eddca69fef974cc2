"""Drop-in parity (issue 15, points 4, 5, 10): tfestimators user code (tests/parity/r/dropin.R)
and its Python twin give the same results: variable_names() / variable_value() before
training (the error class and message), variable_value()'s named list / dict, evaluate() on
reordered factor levels, predict()'s level names, an unseen level, and export_savedmodel()'s
overwrite / versioned."""

import os

import pandas as pd

from .helpers import Run, md, mutated, r_value, same_numbers

SECTION = "Drop-in parity (R / Python): export, variables, factor levels"
FEATURES = ["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"]
SEED, STEPS = 7, 20

_cache = {}


def _error(fn):
    """The class and message of ``fn()``'s error, called in R's language as the R package calls
    pyestim (pyestim._lang): messages naming code must then be R's, bit for bit."""
    from pyestim import _lang

    try:
        with _lang.using("r"):
            fn()
    except Exception as err:  # noqa: BLE001 - the class and message are what is compared
        return {"class": type(err).__name__, "message": f"{type(err).__name__}: {err}"}
    return {"class": "", "message": ""}


def _input(data, **kw):
    import pyestim as pe
    return pe.input_fn(data, features=FEATURES, response="Species", shuffle=False, **kw)


def py_dropin(model_dir, export_base):
    import pyestim as pe
    from pyestim.datasets import iris

    data = iris()
    est = pe.linear_classifier(
        feature_columns=pe.feature_columns(pe.column_numeric(*FEATURES)), n_classes=3,
        model_dir=model_dir, config=pe.run_config(tf_random_seed=SEED))
    untrained = _error(lambda: pe.variable_names(est))
    untrained_value = _error(lambda: pe.variable_value(est, "global_step"))
    pe.train(est, _input(data, batch_size=30, num_epochs=None), steps=STEPS)
    reordered = data.copy()
    reordered["Species"] = reordered["Species"].cat.reorder_categories(
        list(data["Species"].cat.categories)[::-1])
    base, again = pe.evaluate(est, _input(data)), pe.evaluate(est, _input(reordered))
    odd = data.copy()
    odd["Species"] = pd.Categorical(
        ["tulip" if i == 0 else str(s) for i, s in enumerate(data["Species"])])
    pred = pe.predict(est, pe.input_fn(data, features=FEATURES))
    step = pe.variable_value(est, "global_step")
    exported = pe.export_savedmodel(est, export_base)
    versioned = pe.export_savedmodel(est, export_base, versioned=True)
    with open(os.path.join(model_dir, "pyestim_response_levels.json")) as f:
        levels_file = f.read().splitlines()
    return {
        "untrained": untrained, "untrained_value": untrained_value,
        "global_step_names": list(step), "global_step": float(step["global_step"]),
        "unknown": _error(lambda: pe.variable_value(est, "nope")),
        "accuracy": [float(base["accuracy"].iloc[0]), float(again["accuracy"].iloc[0])],
        "loss": [float(base["loss"].iloc[0]), float(again["loss"].iloc[0])],
        "unseen": _error(lambda: pe.evaluate(est, _input(odd))),
        "classes": [str(c) for c in pred["classes"]],
        "levels_file": levels_file,
        "export_is_base": os.path.realpath(exported) == os.path.realpath(export_base),
        "export_files": sorted(os.listdir(export_base)),
        "versioned_parent": os.path.realpath(os.path.dirname(versioned)) ==
        os.path.realpath(export_base),
        "refused": _error(lambda: pe.export_savedmodel(est, export_base, overwrite=False,
                                                       versioned=False)),
    }


def _runs(r, tmp_path_factory):
    """The R run and the Python run, each with its own model_dir and export directory. The
    mutation check (tests/parity/README.md, steps:dropin-r) trains the R side one step more,
    so that its rows must differ."""
    if not _cache:
        d = tmp_path_factory.mktemp("dropin")
        seed, steps, note = mutated("dropin-r", SEED, STEPS)
        for side in ("r", "py"):
            model_dir, export = str(d / f"{side}_model"), str(d / f"{side}_export")
            if side == "r":
                run = Run("R", f"drop_results() (tests/parity/r/dropin.R){note}",
                          r_value(r, f'drop_results("{model_dir}", "{export}", '
                                     f'seed = {seed}L, steps = {steps}L)'))
            else:
                run = Run("Python", "py_dropin() (test_dropin.py)", py_dropin(model_dir, export))
            _cache[side] = (run, (model_dir, export))
    return _cache["r"], _cache["py"]


def _scalar(v):
    return v[0] if isinstance(v, list) and len(v) == 1 else v


def _error_of(e, dirs):
    message = _scalar(e["message"])
    for d, name in zip(dirs, ("<model_dir>", "<export_dir_base>")):
        message = message.replace(os.path.realpath(d), name).replace(d, name)
    return _scalar(e["class"]), message


def test_dropin_parity(r, report, tmp_path_factory):
    (r_run, r_dirs), (py_run, py_dirs) = _runs(r, tmp_path_factory)
    a, b = r_run.value, py_run.value

    def same_error(key):
        return _error_of(a[key], r_dirs) == _error_of(b[key], py_dirs)

    checks = [
        ("variable_names() before train(): error class and message", same_error("untrained"),
         md(b["untrained"]["message"])),
        ("variable_value() before train(): error class and message",
         same_error("untrained_value"), md(b["untrained_value"]["message"])),
        ('variable_value(, "global_step"): a named list / dict of one',
         _scalar(a["global_step_names"]) == "global_step"
         and b["global_step_names"] == ["global_step"]
         and _scalar(a["global_step"]) == b["global_step"] == float(STEPS),
         f"global_step = {STEPS}"),
        ('variable_value(, "nope"): "Variable not found: nope" first',
         same_error("unknown") and "Error: Variable not found: nope." in b["unknown"]["message"],
         md(b["unknown"]["message"])),
        ("evaluate() on iris and on iris with reordered levels (accuracy, loss)",
         same_numbers(a["accuracy"], b["accuracy"]) and same_numbers(a["loss"], b["loss"])
         and b["accuracy"][0] == b["accuracy"][1] and b["loss"][0] == b["loss"][1],
         f"accuracy {b['accuracy'][0]:.4g} in both orders"),
        ("evaluate() with an unseen level: error class and message", same_error("unseen"),
         md(b["unseen"]["message"])),
        ("predict() classes: the level names", a["classes"] == b["classes"]
         and set(b["classes"]) <= {"setosa", "versicolor", "virginica"},
         f"{len(b['classes'])} names"),
        ("levels stored in model_dir", a["levels_file"] == b["levels_file"],
         md(" ".join(b["levels_file"]))),
        ("export_savedmodel() defaults: export_dir_base itself, then versioned = TRUE",
         _scalar(a["export_is_base"]) is True and b["export_is_base"] is True
         and len(a["export_files"]) == len(b["export_files"]) == 3
         and _scalar(a["versioned_parent"]) is True and b["versioned_parent"] is True,
         "saved_model.pb, variables, one timestamped folder"),
        ("export_savedmodel(overwrite = FALSE, versioned = FALSE) on an existing directory",
         same_error("refused") and b["refused"]["class"] == "PyestimValueError",
         md(b["refused"]["message"])),
    ]
    failed = [what for what, ok, detail in checks
              if not report.check("iris linear_classifier, factor response", what, ok, detail,
                                  runs=(r_run, py_run))]
    assert not failed, f"R and Python differ: {failed}"
