"""Errors speak the caller's language (issue 11, point 6): a Python caller reads Python idioms
(``tf.cast``, ``steps=10``, ``True``, ``None``), an R caller (the R package sets pyestim's
language to "r" around each call) reads R's (``tf$cast``, ``steps = 10``, ``TRUE``, ``NULL``),
with the same error class. The R side of the same errors is r/tests/testthat/test-language.R;
the parity suite (tests/parity/test_errors.py) compares R's messages with these bit for bit.
"""

import ast
import os
import re
import subprocess
import threading

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

import pyestim
from pyestim import _lang, errors, tf_errors
from pyestim.guards import calls as guards, data as data_guards
from pyestim._args import as_bool
from pyestim.canned.optimizers import resolve_activation_fn, resolve_optimizer, tf_version
from pyestim.guards.data import check_labels
from pyestim.inputs import NumpyInput
from pyestim.live_predict import _feature_arrays
from support.models import toy_input
from support.paths import PACKAGE
from support.process import time_limit
from support.r import r_program


#: R idioms that must not reach a Python caller.
R_IDIOMS = re.compile(r"tf\$|\w\$\w|\bTRUE\b|\bFALSE\b|\bNULL\b|as\.integer\(|return\(|"
                      r"\blist\(|\bc\(\d|\bNA\b|\w = \w")
#: Python idioms that must not reach an R caller.
PY_IDIOMS = re.compile(r"\btf\.\w|\bTrue\b|\bFalse\b|\bNone\b|\w=[\w'\"\[{.]|\{'|\.minimize|"
                       r"pd\.Categorical|\breturn estimator_spec\(mode=")


# --------------------------------------------------------------------------------------------
# The language itself

def test_default_is_python_and_using_nests():
    assert _lang.language() == "python"
    with _lang.using("r"):
        assert _lang.language() == "r"
        with _lang.using("python"):  # R calls back into a Python function that calls pyestim
            assert _lang.language() == "python"
        assert _lang.language() == "r"
    assert _lang.language() == "python"


def test_enter_and_leave_restore_after_an_error():
    token = _lang.enter("r")
    try:
        with pytest.raises(errors.EstimatorSpecError, match=r"optimizer\$minimize"):
            pyestim.estimator_spec(mode="train", loss=1.0)
    finally:
        _lang.leave(token)
    assert _lang.language() == "python"
    with pytest.raises(errors.PyestimValueError, match="language must be one of"):
        _lang.enter("julia")


def test_call_from_r():
    with pytest.raises(errors.EstimatorSpecError) as info:
        _lang.call_from_r(pyestim.estimator_spec, mode="eval")
    assert str(info.value) == ('estimator_spec(mode = "eval") needs loss: compute the loss in '
                               "the model function and pass loss = loss.")
    assert _lang.language() == "python"


@pytest.mark.parametrize("python, r", [
    ("optimizer.minimize(loss, global_step=tf.train.get_global_step())",
     "optimizer$minimize(loss, global_step = tf$train$get_global_step())"),
    ("as_iterable=True", "as_iterable = TRUE"),
    ("num_epochs=None", "num_epochs = NULL"),
    ("True/False", "TRUE/FALSE"),
    ("tf.metrics.*()", "tf$metrics$*()"),
    ("learning_rate=0.05", "learning_rate = 0.05"),
    ("session_config(device_count=)", "session_config(device_count=)"),
    ("a == b", "a == b"),
])
def test_code_spells_python_code_in_r(python, r):
    assert _lang.code(python) == python
    with _lang.using("r"):
        assert _lang.code(python) == r
    with _lang.using("marked"):
        assert _lang.spellings(_lang.code(python)) == (python, r)


def test_a_thread_started_by_an_r_call_gets_python_unless_told():
    """A ContextVar does not flow into a new thread: pyestim runs none of its checks in threads
    of its own (the checks below run in the caller's thread, TensorFlow's hooks too: see the
    GlobalStepGuard case, raised from a hook while R drives train())."""
    seen = {}

    def worker():
        seen["lang"] = _lang.language()

    with _lang.using("r"):
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert _lang.language() == "r"
    assert seen["lang"] == "python"


def test_predictions_resumed_later_keep_the_language_of_the_call(toy_data, tmp_path):
    """predict(as_iterable=True) from R returns a generator that R resumes outside the call
    (reticulate's iterate()): its errors still speak R; from Python, Python."""
    from support.models import linear_model
    est = pyestim.estimator(linear_model, model_dir=str(tmp_path / "m"))
    pyestim.train(est, toy_input(toy_data), steps=1)
    fn = toy_input(toy_data, num_epochs=1, labels=False)
    with _lang.using("r"):
        from_r = pyestim.predict(est, fn, predict_keys=["nope"], as_iterable=True)
    from_py = pyestim.predict(est, fn, predict_keys=["nope"], as_iterable=True)
    with pytest.raises(errors.PyestimValueError, match="or predict_keys = NULL for all"):
        next(from_r)
    with pytest.raises(errors.PyestimValueError, match="or predict_keys=None for all"):
        next(from_py)
    assert _lang.language() == "python"


# --------------------------------------------------------------------------------------------
# No R idiom outside the language table

def _idiom_constants(tree):
    """ids of the string constants that are the R spelling given to idiom()."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "idiom":
            r_args = node.args[1:] + [k.value for k in node.keywords if k.arg == "r"]
            for arg in r_args:
                ids.update(id(n) for n in ast.walk(arg))
    return ids


def _docstrings(tree):
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


#: String literals allowed to look like R: TensorFlow's own wording, and prose that only
#: looks like an assignment.
ALLOWED = {"Model diverged with loss = NaN", "loss (mean = total)"}
LITERAL_R_IDIOMS = re.compile(r"tf\$|\w\$\w|\bTRUE\b|\bFALSE\b|\bNULL\b|as\.integer\(|"
                              r"return\(|\blist\(|\bc\(\d")


def test_no_r_idiom_in_pyestim_strings_outside_the_language_table():
    """Every string literal of pyestim/ (docstrings aside) with an R idiom is the R spelling of
    an idiom() call, or in _lang.py (the table): a new message cannot slip R back to Python
    callers."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "_lang.py":
            continue
        tree = ast.parse(path.read_text())
        skip = _idiom_constants(tree) | _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in skip and node.value not in ALLOWED
                    and LITERAL_R_IDIOMS.search(node.value)):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {node.value!r}")
    # the canned estimators' shared parameter documentation is documentation, not a message
    found = [f for f in found if not f.startswith("pyestim/canned/_docs.py")]
    assert not found, "R idioms in messages:\n" + "\n".join(found)


#: Python idioms in a message that must go through code() / idiom() / shown().
LITERAL_PY_IDIOMS = re.compile(r"\w=[\w'\"\[{(.\-]|\bTrue\b|\bFalse\b|\bNone\b|\{'|\btf\.\w|"
                               r"\blambda\b|\bnp\.|\bpd\.|pandas\.")
#: Messages about installing Python packages and the pyestim.tf module itself: Python's
#: wording for every caller.
PY_ALLOWED_FILES = ("pyestim/engine/tf216.py", "pyestim/tf.py")


def _in_language_calls(tree):
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("idiom", "code",
                                                                             "shown"):
            for arg in node.args:
                ids.update(id(n) for n in ast.walk(arg))
    return ids


def test_no_python_idiom_in_pyestim_errors_outside_the_language_table():
    """The other direction: a string in a raise statement (or an error's constructor) that
    names Python code, True / False / None or f(x=1) goes through code() / idiom() / shown(),
    so that an R caller reads R."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = str(path.relative_to(PACKAGE.parent))
        if path.name == "_lang.py" or rel in PY_ALLOWED_FILES:
            continue
        tree = ast.parse(path.read_text())
        skip = _in_language_calls(tree) | _docstrings(tree)
        for raising in ast.walk(tree):
            if not (isinstance(raising, ast.Raise) or (
                    isinstance(raising, ast.Call)
                    and getattr(raising.func, "id", "").endswith("Error"))):
                continue
            for node in ast.walk(raising):
                if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                        and id(node) not in skip and LITERAL_PY_IDIOMS.search(node.value)):
                    found.append(f"{rel}:{node.lineno}: {node.value!r}")
    assert not sorted(set(found)), "Python idioms in messages:\n" + "\n".join(sorted(set(found)))


def test_the_scan_finds_an_r_idiom():
    """The scan above can fail: it finds tf$cast in a message that is not an idiom()."""
    tree = ast.parse('raise ValueError("cast them with tf$cast")\nidiom("tf.cast", "tf$cast")')
    skip = _idiom_constants(tree)
    hits = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and id(n) not in skip and LITERAL_R_IDIOMS.search(n.value)]
    assert hits == ["cast them with tf$cast"]


#: Files whose messages keep Python's repr for every caller, and why: the command line is
#: a shell command (no R caller: its values are what the shell passed); the lazy package's
#: and pyestim.tf's AttributeErrors follow Python's module protocol word for word; the
#: TensorFlow version check runs at import, before any caller's language is set.
REPR_ALLOWED_FILES = {
    "pyestim/cli.py": "the command line: shell arguments, no R caller",
    "pyestim/_lazy.py": "Python's AttributeError wording for a module attribute",
    "pyestim/tf.py": "Python's AttributeError wording for the pyestim.tf module",
    "pyestim/engine/tf216.py": "raised at import, before a caller's language is set",
    "pyestim/_estimator_imports.py": "Python's import-system wording (a module attribute, "
                                     "ModuleNotFoundError) for TensorFlow's own modules",
}


def _repr_values_in_messages(tree):
    """Line numbers of ``{value!r}`` inside a raise statement, an error's constructor or a
    warnings.warn() call."""
    lines = []
    for raising in ast.walk(tree):
        func = getattr(raising, "func", None)
        name = getattr(func, "id", None) or getattr(func, "attr", None) or ""
        if not (isinstance(raising, ast.Raise) or (
                isinstance(raising, ast.Call) and (name.endswith("Error") or name == "warn"))):
            continue
        lines += [node.lineno for node in ast.walk(raising)
                  if isinstance(node, ast.FormattedValue) and node.conversion == ord("r")]
    return sorted(set(lines))


def test_no_python_repr_of_a_value_in_pyestim_errors():
    """A value repeated back in a message goes through shown() (R callers read c(1, 2),
    "yes", NULL), not ``{value!r}``, outside the few Python-only places above."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = str(path.relative_to(PACKAGE.parent))
        if rel in REPR_ALLOWED_FILES or path.name == "_lang.py":
            continue
        found += [f"{rel}:{line}" for line in _repr_values_in_messages(ast.parse(path.read_text()))]
    assert not found, "{value!r} in messages (use shown(value)):\n" + "\n".join(found)
    assert all((PACKAGE.parent / rel).exists() for rel in REPR_ALLOWED_FILES)


def test_the_scan_finds_a_repr_in_a_message():
    """The scan above can fail: it finds {x!r} in a raise, in an error's constructor and in a
    warning, and not in a __repr__ or in shown()."""
    tree = ast.parse('raise ValueError(f"got {x!r}")\n'
                     'err = PyestimTypeError(f"a {y!r:.40}")\n'
                     'warnings.warn(f"odd {z!r}")\n'
                     'def __repr__(self):\n    return f"<{self.x!r}>"\n'
                     'raise ValueError(f"got {shown(x)}")\n')
    assert _repr_values_in_messages(tree) == [1, 2, 3]


# --------------------------------------------------------------------------------------------
# Values as each language writes them: shown()

#: (Python value, its repr, R's spelling, an R expression that makes the same value as R
#: hands it to Python): R's spelling is R's own, deparse() of that value (checked by
#: test_r_spelling_is_what_r_deparse_gives), except where noted.
VALUES = [
    (None, "None", "NULL", "NULL"),
    (True, "True", "TRUE", "TRUE"),
    (False, "False", "FALSE", "1 > 2"),
    (1.0, "1.0", "1", "2 - 1"),
    (2.5, "2.5", "2.5", "5 / 2"),
    (-0.5, "-0.5", "-0.5", "-1 / 2"),
    (1 / 3, "0.3333333333333333", "0.333333333333333", "1 / 3"),
    (0.1, "0.1", "0.1", "1 / 10"),
    (1e6, "1000000.0", "1e+06", "10^6"),
    (1e5, "100000.0", "1e+05", "10^5"),
    (123456.0, "123456.0", "123456", "123456"),
    (100000.1, "100000.1", "100000.1", "1e5 + 0.1"),
    (0.000123, "0.000123", "0.000123", "1.23e-4"),
    (1e-20, "1e-20", "1e-20", "10^-20"),
    (1e100, "1e+100", "1e+100", "10^100"),
    (float("nan"), "nan", "NaN", "0 / 0"),
    (float("inf"), "inf", "Inf", "1 / 0"),
    (float("-inf"), "-inf", "-Inf", "-1 / 0"),
    ("yes", "'yes'", '"yes"', "'yes'"),
    ('say "hi"\\ \n\t\x01', "'say \"hi\"\\\\ \\n\\t\\x01'", '"say \\"hi\\"\\\\ \\n\\t\\001"',
     'paste0("say ", intToUtf8(34), "hi", intToUtf8(34), intToUtf8(92), " ", intToUtf8(10), '
     'intToUtf8(9), intToUtf8(1))'),
    ("é", "'é'", '"é"', 'intToUtf8(233)'),
    ([1.0, 2.0], "[1.0, 2.0]", "c(1, 2)", "c(2, 4) / 2"),
    ((2, 3), "(2, 3)", "c(2, 3)", "c(2, 3)"),
    (["a", "b"], "['a', 'b']", 'c("a", "b")', "letters[1:2]"),
    ([True, False], "[True, False]", "c(TRUE, FALSE)", "c(1, 0) > 0.5"),
    ([1.0, "a"], "[1.0, 'a']", 'list(1, "a")', "list(1, 'a')"),
    ([[1.0], None], "[[1.0], None]", "list(c(1), NULL)", None),  # deparse: list(1, NULL)
    ([], "[]", "list()", "list()"),
    ({"a": 1.0, "b": "x"}, "{'a': 1.0, 'b': 'x'}", 'list(a = 1, b = "x")',
     "list(a = 1, b = 'x')"),
    ({".a": 1.0, "a.b_c": 2.0}, "{'.a': 1.0, 'a.b_c': 2.0}", "list(.a = 1, a.b_c = 2)",
     "list(.a = 1, a.b_c = 2)"),
    # deparse() quotes these names ("my name" = 1); R code writes them in backticks
    ({"my name": 1.0, "if": 2.0, ".1a": 3.0}, "{'my name': 1.0, 'if': 2.0, '.1a': 3.0}",
     "list(`my name` = 1, `if` = 2, `.1a` = 3)", None),
    (np.array([1.0, 2.5]), "array([1. , 2.5])", "c(1, 2.5)", "c(1, 2.5)"),
    (np.array(["u", "v"]), "array(['u', 'v'], dtype='<U1')", 'c("u", "v")', "c('u', 'v')"),
    # (a numpy scalar's repr is numpy's: np.float32(0.5) in NumPy 2, 0.5 before)
    (np.float32(0.5), None, "0.5", "0.5"),
    (np.int64(3), None, "3", None),  # an R integer: deparse() writes 3L, print() 3
    # R's matrix(1:6, 2), as doubles: column-major, as R holds it
    (np.array([[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]), None,
     "array(c(1, 2, 3, 4, 5, 6), dim = c(2, 3))", None),
    (pd.Series([1.0, 2.0]), None, "c(1, 2)", "c(1, 2)"),
    (np.zeros(2000), None, "c(0, 0, 0, ..., 0, 0, 0)", None),  # summarised as numpy does
    (int, "<class 'int'>", "<class 'int'>", None),
]


@pytest.mark.parametrize("value, python, r, _", VALUES, ids=[str(i) for i in range(len(VALUES))])
def test_shown_writes_a_value_as_the_caller_writes_it(value, python, r, _):
    python = repr(value) if python is None else python
    assert _lang.shown(value) == python
    with _lang.using("r"):
        assert _lang.shown(value) == r
    with _lang.using("marked"):
        assert _lang.spellings(_lang.shown(value)) == (python, r)


def test_r_spelling_is_what_r_deparse_gives():
    """R's own printing of the same values (deparse() run by Rscript) is what shown() gives an
    R caller: the expectations above are R's, not ours."""
    rows = [(r, expr) for _, _, r, expr in VALUES if expr is not None]
    r_program("Rscript", "R is not installed",
              "CI=true but R is not installed: R's deparse() cannot be compared.")
    script = "\n".join(f"cat(deparse({expr}), '\\n', sep = '')" for _, expr in rows)
    out = subprocess.run(["Rscript", "--vanilla", "-e", script], capture_output=True,
                         text=True, timeout=120, env=dict(os.environ, LANG="C.UTF-8"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [r for r, _ in rows]


def test_shown_cuts_each_spelling():
    assert _lang.shown("abcdef", 4) == "'abc"
    with _lang.using("r"):
        assert _lang.shown("abcdef", 4) == '"abc'
    with _lang.using("marked"):
        assert _lang.spellings(_lang.shown("abcdef", 4)) == ("'abc", '"abc')


def test_code_fills_values_after_the_idiom_rules():
    """code("checkpoint_path={}", value): the value is written as the caller writes it, and
    the idiom rules do not touch it (a path "a.b/c" stays as it is, in quotes)."""
    assert _lang.code("checkpoint_path={}", "m.x/ckpt-5") == "checkpoint_path='m.x/ckpt-5'"
    with _lang.using("r"):
        assert (_lang.code("f(steps={}, max_steps={m})", 2.5, m=None)
                == 'f(steps = 2.5, max_steps = NULL)')
        assert _lang.code("checkpoint_path={}", "m.x/ckpt-5") == 'checkpoint_path = "m.x/ckpt-5"'


def test_r_name_quotes_names_r_cannot_write_bare():
    assert [_lang.r_name(n) for n in ["x", ".a", "a.b_1", "my name", "if", "1x", "_a", "a`b"]] == [
        "x", ".a", "a.b_1", "`my name`", "`if`", "`1x`", "`_a`", "`a\\`b`"]


# --------------------------------------------------------------------------------------------
# Every error path with an idiom, from Python and as from R

def _no_step_model(features, labels, mode):
    from pyestim import estimator_spec, tf as ptf
    w = ptf.get_variable("w", [6, 10], initializer=ptf.zeros_initializer())
    loss = ptf.losses.sparse_softmax_cross_entropy(labels=labels,
                                                   logits=ptf.matmul(features["x"], w))
    train_op = ptf.train.GradientDescentOptimizer(0.1).minimize(loss)  # no global_step
    return estimator_spec(mode=mode, loss=loss, train_op=train_op)


def _spec_model(spec_of):
    def model_fn(features, labels, mode):
        from pyestim import tf as ptf
        w = ptf.get_variable("w", [6, 10], initializer=ptf.zeros_initializer())
        loss = ptf.losses.sparse_softmax_cross_entropy(labels=labels,
                                                       logits=ptf.matmul(features["x"], w))
        return spec_of(mode, loss)
    return model_fn


class _Ctx:
    """What the cases need: toy data and a fresh folder per call."""

    def __init__(self, data, tmp_path):
        self.data, self.tmp, self.n = data, tmp_path, 0

    def dir(self):
        self.n += 1
        return str(self.tmp / f"m{self.n}")

    def train(self, model_fn, **kw):
        est = pyestim.estimator(model_fn, model_dir=self.dir())
        with time_limit(120):
            pyestim.train(est, toy_input(self.data), steps=5, **kw)

    def endless(self):
        return pyestim.numpy_input_fn({"x": self.data.x}, self.data.y, num_epochs=None,
                                      shuffle=False)


def _label_error():
    return tf.errors.InvalidArgumentError(
        None, None, "Received a label value of 12 which is outside the valid range of [0, 10).")


def _index_error():
    return tf.errors.InvalidArgumentError(
        None, None, "indices[3] = 12 is not in [0, 10)")


def _keras_uncompiled():
    model = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1)])
    return pyestim.keras_model_to_estimator(model)


def _optimize_loss_without_step():
    with tf.Graph().as_default():
        loss = tf.constant(1.0)
        pyestim.tf.contrib.layers.optimize_loss(loss, None, 0.1, "SGD")


def _raise(make):
    def run(ctx):
        raise make(ctx)
    return run


#: (id, error class, call on a _Ctx, Python spelling, R spelling): the spellings are written
#: here by hand, as each language's users write that code.
CASES = [
    ("model_fn returns no estimator_spec", errors.ModelFnError,
     lambda c: c.train(_spec_model(lambda mode, loss: "oops")),
     "return estimator_spec(mode=mode, ...)", "return(estimator_spec(mode = mode, ...))"),
    ("eval_metric_ops not a dict", errors.EstimatorSpecError,
     lambda c: pyestim.estimator_spec(mode="eval", loss=1.0, eval_metric_ops="accuracy"),
     "{'accuracy': tf.metrics.accuracy(labels, predictions)}",
     "list(accuracy = tf$metrics$accuracy(labels, predictions))"),
    ("eval_metric_ops value not a pair", errors.EstimatorSpecError,
     lambda c: pyestim.estimator_spec(mode="eval", loss=1.0, eval_metric_ops={"a": 1.0}),
     "returned by tf.metrics.*()", "returned by tf$metrics$*()"),
    ("train without loss", errors.EstimatorSpecError,
     lambda c: pyestim.estimator_spec(mode="train"),
     "estimator_spec(mode='train') needs loss", 'estimator_spec(mode = "train") needs loss'),
    ("train without train_op", errors.EstimatorSpecError,
     lambda c: pyestim.estimator_spec(mode="train", loss=1.0),
     "optimizer.minimize(loss, global_step=tf.train.get_global_step())",
     "optimizer$minimize(loss, global_step = tf$train$get_global_step())"),
    ("eval without loss", errors.EstimatorSpecError,
     lambda c: pyestim.estimator_spec(mode="eval"), "pass loss=loss", "pass loss = loss"),
    ("infer without predictions", errors.EstimatorSpecError,
     lambda c: pyestim.estimator_spec(mode="infer"),
     "e.g. {'classes': ..., 'probabilities': ...}",
     "e.g. list(classes = ..., probabilities = ...)"),
    ("train_op without global_step (a hook, while training)", errors.GlobalStepError,
     lambda c: c.train(_no_step_model),
     "Pass the global step to the optimizer: optimizer.minimize(loss, "
     "global_step=tf.train.get_global_step()).",
     "Pass the global step to the optimizer: optimizer$minimize(loss, "
     "global_step = tf$train$get_global_step())."),
    ("evaluate an endless input", errors.EndlessInputError,
     lambda c: guards.refuse_endless(c.endless(), "evaluate"),
     "(num_epochs=None)", "(num_epochs = NULL)"),
    ("predict an endless input", errors.EndlessInputError,
     lambda c: guards.refuse_endless(c.endless(), "predict"),
     "with as_iterable=True and stop", "with as_iterable = TRUE and stop"),
    ("predict more rows than the bound", errors.EndlessInputError,
     lambda c: list(guards.bounded_rows(iter([{"a": np.zeros(3)}] * 3), False, limit=5)),
     "Build it to stop (num_epochs=1)", "Build it to stop (num_epochs = 1)"),
    ("non-finite feature", errors.NonFiniteInputError,
     lambda c: pyestim.numpy_input_fn({"x": np.array([1.0, np.nan])}, shuffle=False),
     "(NaN or infinite)", "(NA / NaN or infinite)"),
    ("non-finite feature: the switch", errors.NonFiniteInputError,
     lambda c: pyestim.numpy_input_fn({"x": np.array([1.0, np.nan])}, shuffle=False),
     "pass allow_nonfinite=True", "pass allow_nonfinite = TRUE"),
    ("numpy_input_fn shuffle missing", errors.PyestimValueError,
     lambda c: pyestim.numpy_input_fn({"x": np.zeros(3)}),
     "explicitly as True/False", "explicitly as TRUE/FALSE"),
    ("input_fn shuffle not a switch", errors.PyestimValueError,
     lambda c: pyestim.input_fn({"a": [1.0, 2.0]}, "a", shuffle="yes"),
     'shuffle must be True, False or "auto"', 'shuffle must be TRUE, FALSE or "auto"'),
    ("string labels", errors.InputDataError,
     lambda c: check_labels(NumpyInput.of(pyestim.numpy_input_fn({"x": np.zeros(2)}, np.array(["a", "b"],
                                                   dtype=object), shuffle=False)).labels, 2),
     "(n_classes=2). Recode them as integers (e.g. pd.Categorical(y).codes)",
     "(n_classes = 2). Recode them as integers (e.g. as.integer(factor(y)) - 1)"),
    ("labels out of range", errors.InputDataError,
     lambda c: check_labels(NumpyInput.of(pyestim.numpy_input_fn({"x": np.zeros(2)}, np.array([0, 5]),
                                                   shuffle=False)).labels, 2),
     "recode them (e.g. pd.Categorical(y).codes)",
     "recode them (e.g. as.integer(factor(y)) - 1)"),
    ("labels out of range (TensorFlow's error)", errors.InputDataError,
     _raise(lambda c: tf_errors.translate_error(_label_error(), c.dir())),
     "Recode them (e.g. pd.Categorical(y).codes)", "Recode them (e.g. as.integer(factor(y)) - 1)"),
    ("ids out of range (TensorFlow's error)", errors.InputDataError,
     _raise(lambda c: tf_errors.translate_error(_index_error(), c.dir())),
     "Recode them (e.g. pd.Categorical(y).codes)", "Recode them (e.g. as.integer(factor(y)) - 1)"),
    ("model function cannot be built", errors.InputDataTypeError,
     _raise(lambda c: tf_errors.input_mismatch(TypeError("bad dtype"), {"x": 1}, None, "train")),
     "cast them with tf.cast", "cast them with tf$cast"),
    ("model function reads a missing feature", errors.FeatureKeyError,
     _raise(lambda c: tf_errors.missing_feature(KeyError("z"), {"x": 1})),
     "numpy_input_fn(x={'z': ...})", "numpy_input_fn(x = list(z = ...))"),
    ("unknown predict_keys", errors.PyestimValueError,
     _raise(lambda c: tf_errors.unknown_predict_keys(ValueError(
         "Expected to run at least one output from dict_keys(['a']), provided ['b']."))),
     "or predict_keys=None for all", "or predict_keys = NULL for all"),
    ("session_config device_count", errors.PyestimTypeError,
     lambda c: pyestim.session_config(device_count=3), "e.g. {'CPU': 2}", "e.g. list(CPU = 2)"),
    ("session_config switch", errors.PyestimTypeError,
     lambda c: pyestim.session_config(allow_soft_placement="yes"),
     "session_config(allow_soft_placement=) must be True/False",
     "session_config(allow_soft_placement=) must be TRUE/FALSE"),
    ("a switch", errors.PyestimTypeError, lambda c: as_bool("yes", "overwrite"),
     "overwrite must be True/False", "overwrite must be TRUE/FALSE"),
    ("eval_spec name", errors.PyestimTypeError,
     lambda c: pyestim.eval_spec(toy_input(c.data), name=1),
     "a string or None", "a string or NULL"),
    ("export over an existing folder", errors.PyestimValueError,
     lambda c: pyestim.export_savedmodel(pyestim.estimator(_no_step_model, model_dir=c.dir()),
                                         str(c.tmp), lambda: None, overwrite=False,
                                         versioned=False),
     "already exists and overwrite=False: pass overwrite=True to replace it, versioned=True",
     "already exists and overwrite = FALSE: pass overwrite = TRUE to replace it, "
     "versioned = TRUE"),
    ("export without a serving input", errors.PyestimValueError,
     lambda c: pyestim.export_savedmodel(pyestim.estimator(_no_step_model, model_dir=c.dir()),
                                         str(c.tmp)),
     "tf.estimator.export.build_raw_serving_input_receiver_fn({'x': placeholder})",
     "tf$estimator$export$build_raw_serving_input_receiver_fn(list(x = placeholder))"),
    ("hidden_units missing", errors.PyestimValueError,
     lambda c: pyestim.dnn_regressor(None, [pyestim.column_numeric("a")]),
     "e.g. [10, 20, 10]", "e.g. c(10, 20, 10)"),
    ("hidden_units empty", errors.PyestimValueError,
     lambda c: pyestim.dnn_regressor([], [pyestim.column_numeric("a")]),
     "e.g. [10, 20, 10]; got", "e.g. c(10, 20, 10); got"),
    ("dnn_hidden_units missing", errors.PyestimValueError,
     lambda c: pyestim.dnn_linear_combined_regressor(
         dnn_feature_columns=[pyestim.column_numeric("a")]),
     "given, e.g. [10, 10].", "given, e.g. c(10, 10)."),
    ("dropout", errors.PyestimTypeError,
     lambda c: pyestim.dnn_regressor([3], [pyestim.column_numeric("a")], dropout="x"),
     "a probability or None", "a probability or NULL"),
    ("label_vocabulary length", errors.PyestimValueError,
     lambda c: pyestim.dnn_classifier([3], [pyestim.column_numeric("a")], n_classes=3,
                                      label_vocabulary=["x", "y"]),
     "(and n_classes=len(label_vocabulary))", "(and n_classes = length(label_vocabulary))"),
    ("Keras model not compiled", errors.PyestimValueError, lambda c: _keras_uncompiled(),
     "(e.g. model.compile(optimizer=..., loss=...))",
     "(e.g. model$compile(optimizer = ..., loss = ...))"),
    ("unknown activation", errors.PyestimValueError,
     lambda c: resolve_activation_fn("wiggle"), "in the 'tf.nn' module", "in the 'tf$nn' module"),
    ("optimizer of the wrong type", errors.PyestimTypeError, lambda c: resolve_optimizer(3),
     "(e.g. tf.train.AdagradOptimizer(learning_rate=0.1))",
     "(e.g. tf$train$AdagradOptimizer(learning_rate = 0.1))"),
    ("Keras and TensorFlow 1 optimizers mixed", errors.PyestimTypeError,
     lambda c: tf_version({"linear_optimizer": tf.compat.v1.train.AdagradOptimizer(0.1),
                           "dnn_optimizer": tf.keras.optimizers.Adagrad(),
                           "linear_feature_columns": [1], "dnn_feature_columns": [1]}),
     "(tf.train.*Optimizer); one estimator takes one kind: give both as Keras optimizers, both "
     "as tf.train optimizers",
     "(tf$train$*Optimizer); one estimator takes one kind: give both as Keras optimizers, both "
     "as tf$train optimizers"),
    ("Keras optimizer with a partitioner", errors.PyestimTypeError,
     lambda c: tf_version({"optimizer": tf.keras.optimizers.Adagrad(), "partitioner": 1}),
     "or a tf.train optimizer (e.g. tf.train.AdagradOptimizer(learning_rate=0.05))",
     "or a tf$train optimizer (e.g. tf$train$AdagradOptimizer(learning_rate = 0.05))"),
    ("checkpoint saver's saver", errors.HookError,
     lambda c: pyestim.hook_checkpoint_saver(c.dir(), save_steps=1, saver=3),
     "saver must be a tf.train.Saver", "saver must be a tf$train$Saver"),
    ("summary saver without summary_op", errors.PyestimValueError,
     lambda c: pyestim.hook_summary_saver(save_steps=1, output_dir=c.dir()),
     "(e.g. tf.summary.merge_all())", "(e.g. tf$summary$merge_all())"),
    ("summary saver with a bad summary_op", errors.HookError,
     lambda c: pyestim.hook_summary_saver(save_steps=1, output_dir=c.dir(), summary_op=3),
     "e.g. tf.summary.merge_all(); got", "e.g. tf$summary$merge_all(); got"),
    ("optimize_loss gradient noise", errors.PyestimValueError,
     lambda c: pyestim.tf.contrib.layers.optimize_loss(1.0, None, 0.1, "SGD",
                                                       gradient_noise_scale=1.0),
     "leave it None.", "leave it NULL."),
    ("optimize_loss without a global step", errors.PyestimValueError,
     lambda c: _optimize_loss_without_step(),
     "pass global_step=tf.train.get_global_step()",
     "pass global_step = tf$train$get_global_step()"),
    ("feature column dtype", errors.PyestimTypeError,
     lambda c: pyestim.column_numeric("a", dtype="wiggle"), "such as tf.float32 or",
     "such as tf$float32 or"),
    ("steps not whole", errors.StepsError, lambda c: pyestim.train(
        pyestim.estimator(_no_step_model, model_dir=c.dir()), toy_input(c.data), steps=2.5),
     "Round it, e.g. steps=2.", "Round it, e.g. steps = 2."),
    ("steps and max_steps", errors.StepsError, lambda c: pyestim.train(
        pyestim.estimator(_no_step_model, model_dir=c.dir()), toy_input(c.data), steps=10,
        max_steps=20),
     "(got steps=10, max_steps=20)", "(got steps = 10, max_steps = 20)"),
    ("a count given None", errors.PyestimValueError,
     lambda c: pyestim.numpy_input_fn({"x": np.zeros(3)}, shuffle=False, batch_size=None),
     "got None. Pass a number such as batch_size=100.",
     "got NULL. Pass a number such as batch_size = 100."),
    ("hook_logging_tensor without a period", errors.PyestimValueError,
     lambda c: pyestim.hook_logging_tensor({"loss": "loss"}),
     "(got every_n_iter=None, every_n_secs=None), or at_end=True.",
     "(got every_n_iter = NULL, every_n_secs = NULL), or at_end = TRUE."),
    ("hook_logging_tensor tensors a number", errors.HookError,
     lambda c: pyestim.hook_logging_tensor(1.0, every_n_iter=1),
     "e.g. {'predicted_classes': 'predicted_classes'}",
     'e.g. list(predicted_classes = "predicted_classes")'),
    ("input_fn not a function", errors.InputFnError,
     lambda c: pyestim.train(pyestim.estimator(_no_step_model, model_dir=c.dir()), 42, steps=1),
     "such as numpy_input_fn(x, y, shuffle=True).",
     "such as numpy_input_fn(x, y, shuffle = TRUE)."),
    ("input_fn of two arguments", errors.InputFnError,
     lambda c: pyestim.train(pyestim.estimator(_no_step_model, model_dir=c.dir()),
                             lambda a, b: None, steps=1),
     "Write a function of no arguments returning the input",
     "Write function() returning the input, or function(estimator)"),
    ("numpy_input_fn x None", errors.PyestimTypeError,
     lambda c: pyestim.numpy_input_fn(None, shuffle=False),
     "x is None; numpy_input_fn needs a dict", "x is NULL; numpy_input_fn needs a named list"),
    ("matrix without column names", errors.PyestimTypeError,
     lambda c: pyestim.input_fn(np.zeros((2, 2)), features="a"),
     "pandas.DataFrame(matrix, columns=[...])", "colnames(matrix) <- c(...)"),
    ("input function returns None", errors.InputFnError,
     lambda c: data_guards.checked_input_fn(lambda: None)(),
     "The input function returned None; it must return a tf.data.Dataset",
     "The input function returned NULL; it must return a tf$data$Dataset"),
    ("input function returns a bare array", errors.InputFnError,
     lambda c: data_guards.checked_input_fn(lambda: np.zeros(3))(),
     "wrap it as features, e.g. {'x': array}", "wrap it as features, e.g. list(x = array)"),
    ("not an estimator", errors.PyestimTypeError, lambda c: pyestim.train("x", None, steps=1),
     "(or a tf.estimator.Estimator)", "(or a tf$estimator$Estimator)"),
    ("eval_spec exporters", errors.PyestimTypeError,
     lambda c: pyestim.eval_spec(toy_input(c.data), exporters=[3]),
     "must be tf.estimator.Exporter objects (e.g. tf.estimator.LatestExporter)",
     "must be tf$estimator$Exporter objects (e.g. tf$estimator$LatestExporter)"),
    ("optimize_loss with a name and no learning rate", errors.PyestimValueError,
     lambda c: pyestim.contrib._optimizer("SGD", None),
     "learning_rate is None, but optimizer", "learning_rate is NULL, but optimizer"),
    ("predictor called with None", errors.PyestimTypeError,
     lambda c: _feature_arrays(None),
     "called with None; give the features as {name: array}, e.g. p({'x': images})",
     "called with NULL; give the features as list(name = array), e.g. p(list(x = images))"),
    ("predictor given one value", errors.PyestimValueError,
     lambda c: _feature_arrays({"x": 1.0}),
     "e.g. images[None] or images[0:1] for one image",
     "e.g. images[1, , , drop = FALSE] for one image"),
    ("plots given an empty dict", errors.PyestimValueError,
     lambda c: pyestim.plots._features({}),
     "images is an empty dict; give {'x': images}.",
     "images is an empty list; give list(x = images)."),
    ("MNIST image dtype", errors.DatasetError,
     lambda c: pyestim.datasets.mnist._image_dtype("int64"),
     "Pass dtype=np.float32 or dtype=np.uint8.", "Pass dtype = np$float32 or dtype = np$uint8."),
    ("feature column shape", errors.PyestimValueError,
     lambda c: pyestim.column_numeric("a", shape=[]), "E.g. shape=784 for",
     "E.g. shape = 784 for"),
    # values repeated back: shown() (R's spellings as R's deparse() writes those values)
    ("value: a string", errors.PyestimValueError,
     lambda c: pyestim.input_fn({"a": [1.0, 2.0]}, "a", shuffle="yes"), "got 'yes'.",
     'got "yes".'),
    ("value: an empty list", errors.PyestimValueError,
     lambda c: pyestim.dnn_regressor([], [pyestim.column_numeric("a")]), "got [].",
     "got list()."),
    ("value: a dict", errors.PyestimTypeError,
     lambda c: pyestim.dnn_regressor([3], [pyestim.column_numeric("a")], dropout={"p": 0.5}),
     "got {'p': 0.5}.", "got list(p = 0.5)."),
    ("value: NaN", errors.PyestimValueError,
     lambda c: pyestim.run_config(save_checkpoints_steps=float("nan")), "got nan.", "got NaN."),
    ("value: numbers in a code template", errors.StepsError, lambda c: pyestim.train(
        pyestim.estimator(_no_step_model, model_dir=c.dir()), toy_input(c.data), steps=2.5,
        max_steps=1e6),
     "(got steps=2.5, max_steps=1000000.0)", "(got steps = 2.5, max_steps = 1e+06)"),
    ("value: a list of numbers", errors.PyestimValueError,
     lambda c: pyestim.column_bucketized(pyestim.column_numeric("a"), [1.0, 3.0, 2.0]),
     "got 3.0 before 2.0 (position 2 and 3) in [1.0, 3.0, 2.0]. Sort them and drop duplicates, "
     "e.g. sorted(set(boundaries)).",
     "got 3 before 2 (position 2 and 3) in c(1, 3, 2). Sort them and drop duplicates, "
     "e.g. sort(unique(boundaries))."),
    ("value: a feature name", errors.NonFiniteInputError,
     lambda c: pyestim.numpy_input_fn({"x": np.array([1.0, np.inf])}, shuffle=False),
     "Feature 'x' holds 1 non-finite", 'Feature "x" holds 1 non-finite'),
]

CASE_IDS = [c[0] for c in CASES]
assert len(set(CASE_IDS)) == len(CASE_IDS)


@pytest.fixture
def ctx(toy_data, tmp_path):
    return _Ctx(toy_data, tmp_path)


def _message(case, ctx, lang):
    _, cls, call, _, _ = case
    with _lang.using(lang), pytest.raises(cls) as info:
        call(ctx)
    return str(info.value)


@pytest.mark.parametrize("index", range(len(CASES)), ids=CASE_IDS)
def test_error_from_python_speaks_python(index, ctx):
    case = CASES[index]
    message = _message(case, ctx, "python")
    assert case[3] in message
    message = message.replace("(first row = 1)", "")  # prose, in both languages
    assert not R_IDIOMS.search(message), f"R idiom {R_IDIOMS.search(message)[0]!r} in {message!r}"


@pytest.mark.parametrize("index", range(len(CASES)), ids=CASE_IDS)
def test_error_from_r_speaks_r(index, ctx):
    case = CASES[index]
    message = _message(case, ctx, "r")
    assert case[4] in message
    assert not PY_IDIOMS.search(message), (
        f"Python idiom {PY_IDIOMS.search(message)[0]!r} in {message!r}")


@pytest.mark.parametrize("index", [CASE_IDS.index("train without train_op"),
                                   CASE_IDS.index("string labels"),
                                   CASE_IDS.index("value: a list of numbers")],
                         ids=["train without train_op", "string labels", "value: a list"])
def test_the_two_messages_differ_in_idioms_only(index, ctx):
    """One error in the "marked" language gives both messages, idiom by idiom."""
    case = CASES[index]
    marked = _message(case, ctx, "marked")
    assert "⟦" in marked
    assert _lang.spellings(marked) == (_message(case, ctx, "python"), _message(case, ctx, "r"))


def test_pandas_codes_in_the_python_hint_are_class_indices():
    """The Python recoding the messages suggest gives class indices 0..n-1, as R's does."""
    y = pd.Series(["b", "a", "c", "a"])
    assert pd.Categorical(y).codes.tolist() == [1, 0, 2, 0]
