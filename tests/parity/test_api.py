"""API parity: every function the R package exports has a pyestim function of the same name
with the same arguments — names, order and defaults — unless the difference is listed in
differences.csv.

Both sides are read from the packages themselves: R's formals() (through the embedded R, see
``parity_r_api()`` in r/behaviour.R), Python's inspect.signature(). The reticulate and magrittr
re-exports (import, dict, tuple, np_array, %>%, tidyselect's helpers) and the `tf` module object
are not the package's own functions and are left out; R's `predict` is the S3 method
predict.tf_estimator, R's `input_fn` the S3 method input_fn.data.frame.

Defaults are equal when they are the same value: NULL and None; TRUE / FALSE and True / False;
R integers and doubles and Python ints and floats as numbers (100L and 100, 0.5 and 0.5, but
not TRUE and 1); character and str; R vectors of several values and Python lists or tuples.

Functions that pyestim has and the R package lacks are reported ("Python only"); the test fails
only when one of them is one of tfestimators' core functions (CORE), which R must have.
"""

import inspect

import pytest

from .helpers import (Run, expected as fixed, is_error_row, is_tfestimators_row, md, mutation,
                      r_value, read_differences)

SECTION = "API parity (R exports vs pyestim)"

#: tfestimators' core functions: R and Python must both have them.
CORE = (
    "estimator", "estimator_spec", "train", "evaluate", "predict", "export_savedmodel",
    "input_fn", "numpy_input_fn",
    "hook_logging_tensor", "hook_checkpoint_saver", "hook_step_counter", "hook_stop_at_step",
    "hook_summary_saver", "hook_nan_tensor", "hook_global_step_waiter", "hook_history_saver",
    "hook_progress_bar",
    "session_run_hook", "session_run_args", "run_config", "session_config",
    "mode_keys", "metric_keys", "prediction_keys", "graph_keys",
    "latest_checkpoint", "model_dir", "variable_names", "variable_value",
)
R_ONLY_EXPORT = "R-only export: pyestim has no function of this name"
#: The mutation check's tag for the Python side: PYESTIM_PARITY_MUTATE=signature:api-python
#: drops each Python signature's last named argument, so the comparisons must fail.
MUTATION_TAG = "api-python"


# --------------------------------------------------------------------------------------------
# The table of intentional differences


# --------------------------------------------------------------------------------------------
# Comparing defaults


def _r_values(kind, values):
    if kind == "logical":
        return [v == "TRUE" if v is not None else None for v in values]
    if kind == "integer":
        return [int(v) if v is not None else None for v in values]
    if kind == "double":
        return [float(v) if v is not None else None for v in values]
    return list(values)  # character


def _same_scalar(kind, r, py):
    if r is None:  # NA
        return False
    if kind == "logical":
        return isinstance(py, bool) and py == r
    if kind in ("integer", "double"):
        return isinstance(py, (int, float)) and not isinstance(py, bool) and py == r
    return isinstance(py, str) and py == r


def same_default(kind, values, py):
    """Whether an R default (its kind and values, see parity_default() in behaviour.R) is the
    Python default ``py``."""
    if kind == "NULL":
        return py is None
    if kind not in ("logical", "integer", "double", "character"):
        return False  # an R expression: never the same as a Python value
    r = _r_values(kind, values)
    if isinstance(py, (list, tuple)):
        return len(r) != 1 and len(r) == len(py) and all(
            _same_scalar(kind, a, b) for a, b in zip(r, py))
    return len(r) == 1 and _same_scalar(kind, r[0], py)


# --------------------------------------------------------------------------------------------
# The differences between two signatures, worded as in differences.csv


def _py_params(fn):
    params = list(inspect.signature(fn).parameters.values())
    named = [p for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if named and mutation(MUTATION_TAG) == "signature":  # the mutation check (helpers.py)
        params.remove(named[-1])
    return params


def signature_differences(r_sig, py_fn):
    """The differences between an R function's formals (``r_sig``, from parity_signature())
    and a Python function's signature, each worded as differences.csv words it."""
    out = []
    params = _py_params(py_fn)
    var = [p for p in params if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    py_var = ", ".join(("*" if p.kind == p.VAR_POSITIONAL else "**") + p.name for p in var)
    r_args = list(r_sig["args"])
    if "..." in r_args and var:
        out.append(f"R `...` stands for Python `{py_var}`")
    elif "..." in r_args:
        out.append("R-only argument `...`")
    elif var:
        out.append(f"Python-only `{py_var}`")
    r_named = [a for a in r_args if a != "..."]
    py_named = {p.name: p for p in params if p not in var}
    out += [f"R-only argument `{a}`" for a in r_named if a not in py_named]
    out += [f"Python-only argument `{a}`" for a in py_named if a not in r_named]
    common_r = [a for a in r_named if a in py_named]
    common_py = [a for a in py_named if a in r_named]
    if common_r != common_py:
        out.append(f"argument order: R ({', '.join(common_r)}) vs Python "
                   f"({', '.join(common_py)})")
    for a in common_r:
        i = r_args.index(a)
        kind, src, values = r_sig["kinds"][i], r_sig["srcs"][i], r_sig["values"][i]
        p = py_named[a]
        r_has, py_has = kind != "missing", p.default is not p.empty
        if not r_has and not py_has:
            continue
        if r_has and py_has and same_default(kind, values, p.default):
            continue
        r_text = src if r_has else "none"
        py_text = repr(p.default) if py_has else "none"
        out.append(f"default of `{a}`: R {r_text} vs Python {py_text}")
    return out


def _r_signature_text(sig):
    parts = []
    for a, kind, src in zip(sig["args"], sig["kinds"], sig["srcs"]):
        parts.append(a if kind == "missing" else f"{a} = {src}")
    return ", ".join(parts)


# --------------------------------------------------------------------------------------------
# Reading both packages once


@pytest.fixture(scope="module")
def api(r):
    import pyestim

    r_api = r_value(r, "parity_r_api()")
    python_functions = {name: getattr(pyestim, name) for name in pyestim.__all__
                        if inspect.isfunction(getattr(pyestim, name, None))}
    python_classes = sorted(name for name in pyestim.__all__
                            if inspect.isclass(getattr(pyestim, name, None)))
    found = {}  # (function, difference) -> detail
    for name, sig in sorted(r_api.items()):
        py_fn = getattr(pyestim, name, None)
        if not inspect.isfunction(py_fn):
            found[(name, R_ONLY_EXPORT)] = _r_signature_text(sig)
            continue
        for difference in signature_differences(sig, py_fn):
            found[(name, difference)] = ""
    return {"r": r_api, "python": python_functions, "python_classes": python_classes,
            "found": found, "table": {k: v for k, v in read_differences().items()
                                      if not is_error_row(k) and not is_tfestimators_row(k)}}


# --------------------------------------------------------------------------------------------
# Tests


def test_difference_table_format():
    rows = read_differences()
    assert rows, "differences.csv is empty"


def test_core_functions_in_both(api, report):
    """tfestimators' core functions are exported by R and exist in pyestim."""
    missing_r = [n for n in CORE if n not in api["r"]]
    missing_py = [n for n in CORE if n not in api["python"]]
    core = fixed(f"tfestimators' {len(CORE)} core function names (CORE)")
    report.check("tfestimators core functions", f"{len(CORE)} names in R's exports",
                 not missing_r, "all there" if not missing_r else f"R lacks {missing_r}",
                 runs=(Run("R", "getNamespaceExports('pyestim')", api["r"]), core))
    report.check("tfestimators core functions", f"{len(CORE)} names in pyestim",
                 not missing_py, "all there" if not missing_py else f"pyestim lacks {missing_py}",
                 runs=(Run("Python", "pyestim.__all__", api["python"]), core))
    assert not missing_r, f"the R package does not export core function(s) {missing_r}"
    assert not missing_py, f"pyestim lacks core function(s) {missing_py}"


def test_arguments_match(api, report):
    """Each R export against its pyestim twin: argument names, order and defaults; every
    difference must be listed in differences.csv."""
    unlisted = []
    for name, sig in sorted(api["r"].items()):
        differences = [d for (fn, d) in api["found"] if fn == name]
        listed = [d for d in differences if (name, d) in api["table"]]
        new = [d for d in differences if (name, d) not in api["table"]]
        unlisted += [(name, d) for d in new]
        args = _r_signature_text(sig) or "no arguments"
        runs = (Run("R", f"formals({name})", sig),
                Run("Python", f"inspect.signature(pyestim.{name})", api["python"].get(name)))
        if new:
            report.check(name, "arguments: names, order, defaults", False,
                         md("not in differences.csv: " + "; ".join(new), 300), runs=runs)
        elif listed:
            report.note(name, "arguments: names, order, defaults",
                        md("intentional (differences.csv): " + "; ".join(listed), 300),
                        runs=runs)
        else:
            report.check(name, "arguments: names, order, defaults", True, md(f"({args})", 300),
                         runs=runs)
    assert not unlisted, (
        "R and Python signatures differ where differences.csv says nothing:\n"
        + "\n".join(f"  {fn}: {d}" for fn, d in unlisted)
        + "\nFix the package, or add the row (function,difference,reason) with the reason.")


def test_difference_table_is_current(api, report):
    """Every signature row of differences.csv is a difference that still exists."""
    stale = [key for key in api["table"] if key not in api["found"]]
    report.check("differences.csv", "every listed signature difference still exists",
                 not stale, f"{len(api['table'])} rows" if not stale else md(f"stale: {stale}"),
                 runs=(Run("R and Python", "signature differences found now", api["found"]),
                       Run("table", "differences.csv signature rows", api["table"])))
    assert not stale, (
        "differences.csv lists differences that no longer exist (remove the rows):\n"
        + "\n".join(f"  {fn}: {d}" for fn, d in stale))


def test_generics_and_methods(r, report):
    """The S3 generics train, evaluate, export_savedmodel have their tf_estimator method's
    formals (what users see in ?train is what the method takes)."""
    same = r_value(r, "as.list(parity_generic_methods())")
    for generic, ok in same.items():
        report.check(f"{generic} / {generic}.tf_estimator", "formals of generic and method",
                     ok[0], "R only: S3",
                     runs=(Run("R", f"formals({generic})"),
                           Run("R", f"formals(getS3method('{generic}', 'tf_estimator'))")))
    assert all(v[0] for v in same.values()), f"generic and method differ: {same}"


def test_python_only_functions(api, report):
    """Functions pyestim has and the R package does not export yet: reported, not failed,
    unless one is a core function."""
    only = sorted(set(api["python"]) - set(api["r"]))
    runs = (Run("Python", "pyestim.__all__ (functions, classes)"),
            Run("R", "getNamespaceExports('pyestim')"))
    report.note(f"Python only: {len(only)} functions", "pyestim functions without an R export",
                md(", ".join(only) or "none", 2000), runs=runs)
    report.note("Python only: classes", "pyestim classes (R has S3 classes instead)",
                md(", ".join(api["python_classes"]), 2000), runs=runs)
    core = [n for n in only if n in CORE]
    assert not core, f"core function(s) {core} are in pyestim but not exported by R"


def test_comparison_rules(r, report):
    """The checker itself: R formals read through parity_signature() against Python
    signatures with known differences find exactly those."""
    r_sig = r_value(r, """parity_signature(function(a, b = 1L, c = 2, d = c("x", "y"),
        e = NULL, f = TRUE, g = "s", h = foo(1), i = 1L, j = TRUE, k, l = 0.1, ...) NULL)""")

    def py_fn(a, b=1, c=2.0, d=("x", "y"), e=None, f=True, g="s", h=None, i=True, j=1, k=3,
              l=0.1, **kw):
        pass

    expected = ["R `...` stands for Python `**kw`",
                "default of `h`: R foo(1) vs Python None",
                "default of `i`: R 1L vs Python True",
                "default of `j`: R TRUE vs Python 1",
                "default of `k`: R none vs Python 3"]
    r_order = r_value(r, "parity_signature(function(a, b, z) NULL)")

    def py_order(b, a, y, *args):
        pass

    expected_order = ["Python-only `*args`", "R-only argument `z`",
                      "Python-only argument `y`", "argument order: R (a, b) vs Python (b, a)"]
    found = signature_differences(r_sig, py_fn)
    found_order = signature_differences(r_order, py_order)
    ok = found == expected and found_order == expected_order
    report.check("signature checker", "finds exactly the planted differences", ok,
                 f"{len(expected) + len(expected_order)} planted, "
                 f"{len(found) + len(found_order)} found",
                 runs=(Run("Python", "signature_differences() of the planted R and Python "
                                     "functions", found + found_order),
                       fixed("the planted differences", expected + expected_order)))
    assert found == expected
    assert found_order == expected_order
