"""Error parity: the same bad input gives an error of the same class with the same message in
R and in Python, for every error case of the core (pyestim.errors).

In R a Python exception arrives as an R condition of class
c("pyestim_error", <the Python class and its bases>, "error", "condition") whose message is
"<PythonClass>: <message>". Each case runs once in R (captured there with tryCatch, see
parity_capture() in r/behaviour.R) and once in Python; the test compares R's class() with the
classes the Python exception implies, and R's conditionMessage() with
f"{type(e).__name__}: {e}", exactly.

pyestim's messages speak the caller's language (pyestim._lang): the R package makes R the
language of every call it makes, so the Python side of a case runs in R's language too (the
same code path, so the same message bit for bit). test_error_from_python_differs_in_idioms_only
then runs each case as a Python caller: the same class, and a message that differs from R's in
idioms only (tf.cast / tf$cast, True / TRUE, steps=10 / steps = 10, ...), checked bit for bit
through pyestim's "marked" language, which writes every idiom in both spellings.

The inputs are the same values: where R hands Python a converted value (R's 1 is the float
1.0, R's 2.5 stays 2.5, a whole R number becomes an int), the Python side passes that value.
Errors that the R package legitimately raises itself, before calling Python, are listed in
differences.csv as "error: <case>" with the reason; the test fails for a difference that is not
listed, and for a listed one that no longer exists.
"""

import dataclasses
import types
from typing import Callable

import numpy as np
import pytest

from .helpers import (Recorder, Run, from_r, make_model_fn, md, mutation, py_input_fn, r_collect,
                      read_differences, synthetic)

SECTION = "Error parity (R / Python)"


@dataclasses.dataclass
class Case:
    """One bad input. ``r``: R code, evaluated inside parity_capture() (err_env holds the
    estimator `est` trained one step, `train_fn`, `eval_fn` and `d8`, beh_data(8)); ``py``:
    the same call in Python on ``ctx``; ``error``: the class Python raises (a check that the case
    tests what it says)."""

    id: str
    function: str
    r: str
    py: Callable
    error: type
    marks: tuple = ()


#: The mutation check's tag for the Python side of the cases compared with R: with
#: PYESTIM_PARITY_MUTATE=language:errors-python that side runs as a Python caller (Python's
#: idioms), so the exact comparisons with R must fail (tests/parity/mutation-check.sh).
MUTATION_TAG = "errors-python"


def _errors():
    from pyestim import errors

    return errors


def _lang():
    """pyestim._lang: the caller's language."""
    from pyestim import _lang as lang

    return lang


def cases():
    import pyestim as p
    from pyestim import errors as e

    est = "err_env$est"
    out = [
        # input_fn
        Case("input_fn is not a function", "train",
             f'train({est}, input_fn = "not a function", steps = 1)',
             lambda c: p.train(c.est, input_fn="not a function", steps=1), e.InputFnError),
        Case("input_fn takes 2 arguments", "train",
             f"train({est}, function(a, b) NULL, steps = 1)",
             lambda c: p.train(c.est, lambda a, b: None, steps=1), e.InputFnError),
        Case("input_fn takes 3 arguments (evaluate)", "evaluate",
             f"evaluate({est}, function(x, y, z) NULL)",
             lambda c: p.evaluate(c.est, lambda x, y, z: None), e.InputFnError),
        Case("input_fn(estimator) returns no function", "train",
             f"train({est}, function(estimator) 42, steps = 1)",
             lambda c: p.train(c.est, lambda estimator: 42.0, steps=1), e.InputFnError),
        Case("input_fn is a number (predict)", "predict",
             f"predict({est}, 42)",
             lambda c: p.predict(c.est, 42.0), e.InputFnError),
        # model_fn
        Case("model_fn is not a function", "estimator",
             'estimator(model_fn = "not a function")',
             lambda c: p.estimator(model_fn="not a function"), e.ModelFnError),
        Case("model_fn has an unknown argument", "estimator",
             "estimator(function(features, labels, foo) NULL)",
             lambda c: p.estimator(lambda features, labels, foo: None), e.ModelFnError),
        Case("model_fn without params given params", "estimator",
             "estimator(function(features, labels, mode) NULL, params = list(lr = 1))",
             lambda c: p.estimator(lambda features, labels, mode: None, params={"lr": 1.0}),
             e.ModelFnError),
        Case("model_fn returns no estimator_spec", "train",
             'train(err_estimator(tempfile(), function(mode, loss) "oops"), err_env$train_fn, '
             "steps = 1)",
             lambda c: p.train(c.err_estimator(lambda mode, loss: "oops"), c.train_fn,
                               steps=1), e.ModelFnError),
        Case("model_fn returns NULL (evaluate)", "evaluate",
             "evaluate(err_estimator(tempfile(), function(mode, loss) NULL), err_env$eval_fn)",
             lambda c: p.evaluate(c.err_estimator(lambda mode, loss: None), c.eval_fn),
             e.ModelFnError),
        # estimator_spec
        Case("unknown mode", "estimator_spec", 'estimator_spec(mode = "training")',
             lambda c: p.estimator_spec(mode="training"), e.EstimatorSpecError),
        Case("mode is a number", "estimator_spec", "estimator_spec(mode = 1)",
             lambda c: p.estimator_spec(mode=1.0), e.EstimatorSpecError),
        Case("no loss in train mode", "estimator_spec", 'estimator_spec(mode = "train")',
             lambda c: p.estimator_spec(mode="train"), e.EstimatorSpecError),
        Case("no loss in train mode (in model_fn)", "train",
             "train(err_estimator(tempfile(), function(mode, loss) estimator_spec(mode = mode)),"
             " err_env$train_fn, steps = 1)",
             lambda c: p.train(c.err_estimator(lambda mode, loss: p.estimator_spec(mode=mode)),
                               c.train_fn, steps=1), e.EstimatorSpecError),
        Case("no train_op in train mode", "estimator_spec",
             'estimator_spec(mode = "train", loss = 1)',
             lambda c: p.estimator_spec(mode="train", loss=1.0), e.EstimatorSpecError),
        Case("no loss in eval mode", "estimator_spec", 'estimator_spec(mode = "eval")',
             lambda c: p.estimator_spec(mode="eval"), e.EstimatorSpecError),
        Case("no predictions in infer mode", "estimator_spec", 'estimator_spec(mode = "infer")',
             lambda c: p.estimator_spec(mode="infer"), e.EstimatorSpecError),
        Case("unknown extra argument", "estimator_spec",
             'estimator_spec(mode = "infer", predictions = 1, bogus = 2)',
             lambda c: p.estimator_spec(mode="infer", predictions=1.0, bogus=2.0),
             e.EstimatorSpecError),
        Case("unnamed extra argument", "estimator_spec",
             'estimator_spec("infer", 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 2)',
             lambda c: p.estimator_spec("infer", 1.0, None, None, None, None, None, None, None,
                                        2.0), TypeError),
        Case("eval_metric_ops is a string", "estimator_spec",
             'estimator_spec(mode = "eval", loss = 1, eval_metric_ops = "accuracy")',
             lambda c: p.estimator_spec(mode="eval", loss=1.0, eval_metric_ops="accuracy"),
             e.EstimatorSpecError),
        Case("eval_metric_ops without names", "estimator_spec",
             'estimator_spec(mode = "eval", loss = 1, eval_metric_ops = list(1, 2))',
             lambda c: p.estimator_spec(mode="eval", loss=1.0, eval_metric_ops=[1.0, 2.0]),
             e.EstimatorSpecError),
        Case("eval_metric_ops value is a number", "estimator_spec",
             'estimator_spec(mode = "eval", loss = 1, eval_metric_ops = list(accuracy = 1))',
             lambda c: p.estimator_spec(mode="eval", loss=1.0, eval_metric_ops={"accuracy": 1.0}),
             e.EstimatorSpecError),
        Case("eval_metric_ops value is not a pair", "estimator_spec",
             'estimator_spec(mode = "eval", loss = 1, '
             "eval_metric_ops = list(accuracy = list(1, 2, 3)))",
             lambda c: p.estimator_spec(mode="eval", loss=1.0,
                                        eval_metric_ops={"accuracy": [1.0, 2.0, 3.0]}),
             e.EstimatorSpecError),
        Case("eval_metric_ops value is a tensor (in model_fn)", "evaluate",
             "evaluate(err_estimator(tempfile(), function(mode, loss) estimator_spec("
             "mode = mode, loss = loss, eval_metric_ops = list(loss = loss))), err_env$eval_fn)",
             lambda c: p.evaluate(c.err_estimator(lambda mode, loss: p.estimator_spec(
                 mode=mode, loss=loss, eval_metric_ops={"loss": loss})), c.eval_fn),
             e.EstimatorSpecError),
        Case("training_hooks is not a hook", "estimator_spec",
             'estimator_spec(mode = "infer", predictions = 1, training_hooks = "x")',
             lambda c: p.estimator_spec(mode="infer", predictions=1.0, training_hooks="x"),
             e.HookError),
        # steps
        Case("steps negative", "train", f"train({est}, err_env$train_fn, steps = -1)",
             lambda c: p.train(c.est, c.train_fn, steps=-1), e.StepsError),
        Case("steps zero", "train", f"train({est}, err_env$train_fn, steps = 0)",
             lambda c: p.train(c.est, c.train_fn, steps=0), e.StepsError),
        Case("steps not whole", "train", f"train({est}, err_env$train_fn, steps = 2.5)",
             lambda c: p.train(c.est, c.train_fn, steps=2.5), e.StepsError),
        Case("steps a string", "train", f'train({est}, err_env$train_fn, steps = "10")',
             lambda c: p.train(c.est, c.train_fn, steps="10"), e.StepsError),
        Case("steps a vector", "train", f"train({est}, err_env$train_fn, steps = c(1, 2))",
             lambda c: p.train(c.est, c.train_fn, steps=[1.0, 2.0]), e.StepsError),
        Case("steps NA_real_ (NaN)", "train",
             f"train({est}, err_env$train_fn, steps = NA_real_)",
             lambda c: p.train(c.est, c.train_fn, steps=float("nan")), e.StepsError),
        Case("steps with max_steps", "train",
             f"train({est}, err_env$train_fn, steps = 10, max_steps = 20)",
             lambda c: p.train(c.est, c.train_fn, steps=10, max_steps=20), e.StepsError),
        Case("max_steps not whole", "train",
             f"train({est}, err_env$train_fn, max_steps = 20.5)",
             lambda c: p.train(c.est, c.train_fn, max_steps=20.5), e.StepsError),
        Case("evaluate steps negative", "evaluate",
             f"evaluate({est}, err_env$eval_fn, steps = -2)",
             lambda c: p.evaluate(c.est, c.eval_fn, steps=-2), e.StepsError),
        Case("train unknown argument", "train",
             f"train({est}, err_env$train_fn, steps = 1, bogus = 2)",
             lambda c: p.train(c.est, c.train_fn, steps=1, bogus=2.0), TypeError),
        # hooks
        Case("hooks is a string", "train",
             f'train({est}, err_env$train_fn, steps = 1, hooks = "not a hook")',
             lambda c: p.train(c.est, c.train_fn, steps=1, hooks="not a hook"), e.HookError),
        Case("hooks is a number", "train",
             f"train({est}, err_env$train_fn, steps = 1, hooks = 42)",
             lambda c: p.train(c.est, c.train_fn, steps=1, hooks=42.0), e.HookError),
        Case("hooks list with a non-hook", "train",
             f'train({est}, err_env$train_fn, steps = 1, '
             'hooks = list(hook_stop_at_step(last_step = 5), "x"))',
             lambda c: p.train(c.est, c.train_fn, steps=1,
                               hooks=[p.hook_stop_at_step(last_step=5), "x"]), e.HookError),
        Case("evaluate hooks not hooks", "evaluate",
             f"evaluate({est}, err_env$eval_fn, hooks = list(1, 2))",
             lambda c: p.evaluate(c.est, c.eval_fn, hooks=[1.0, 2.0]), e.HookError),
        Case("predict hooks not hooks", "predict",
             f'predict({est}, err_env$eval_fn, hooks = "x")',
             lambda c: p.predict(c.est, c.eval_fn, hooks="x"), e.HookError),
        Case("session_run_hook callback not a function", "session_run_hook",
             "session_run_hook(begin = 1)",
             lambda c: p.session_run_hook(begin=1.0), e.HookError),
        Case("before_run returns a number", "train",
             f"train({est}, err_env$train_fn, steps = 1, "
             "hooks = session_run_hook(before_run = function(context) 42))",
             lambda c: p.train(c.est, c.train_fn, steps=1,
                               hooks=p.session_run_hook(before_run=lambda context: 42.0)),
             e.HookError),
        Case("hook_logging_tensor tensors a number", "hook_logging_tensor",
             "hook_logging_tensor(tensors = 1, every_n_iter = 1)",
             lambda c: p.hook_logging_tensor(tensors=1.0, every_n_iter=1), e.HookError),
        Case("hook_logging_tensor without every_n", "hook_logging_tensor",
             'hook_logging_tensor(tensors = list(loss = "loss"))',
             lambda c: p.hook_logging_tensor(tensors={"loss": "loss"}), e.PyestimValueError),
        Case("hook_history_saver every_n_step 0", "hook_history_saver",
             "hook_history_saver(every_n_step = 0)",
             lambda c: p.hook_history_saver(every_n_step=0), e.PyestimValueError),
        # numpy_input_fn
        Case("numpy_input_fn shuffle missing", "numpy_input_fn",
             "numpy_input_fn(x = list(x = err_env$d8$x), y = err_env$d8$y)",
             lambda c: p.numpy_input_fn(x={"x": c.x8}, y=c.y8), e.PyestimValueError),
        Case("numpy_input_fn shuffle a string", "numpy_input_fn",
             'numpy_input_fn(x = list(x = err_env$d8$x), y = err_env$d8$y, shuffle = "yes")',
             lambda c: p.numpy_input_fn(x={"x": c.x8}, y=c.y8, shuffle="yes"),
             e.PyestimValueError),
        Case("numpy_input_fn x and y of different lengths", "numpy_input_fn",
             "numpy_input_fn(x = list(x = err_env$d8$x), y = err_env$d8$y[1:6], shuffle = TRUE)",
             lambda c: p.numpy_input_fn(x={"x": c.x8}, y=c.y8[:6], shuffle=True),
             e.PyestimValueError),
        Case("numpy_input_fn features of different lengths", "numpy_input_fn",
             "numpy_input_fn(x = list(a = 1:3, b = 1:4), shuffle = FALSE)",
             lambda c: p.numpy_input_fn(x={"a": np.arange(1, 4, dtype=np.int32),
                                           "b": np.arange(1, 5, dtype=np.int32)},
                                        shuffle=False), e.PyestimValueError),
        Case("numpy_input_fn batch_size 0", "numpy_input_fn",
             "numpy_input_fn(x = list(x = err_env$d8$x), shuffle = FALSE, batch_size = 0)",
             lambda c: p.numpy_input_fn(x={"x": c.x8}, shuffle=False, batch_size=0),
             e.PyestimValueError),
        Case("numpy_input_fn num_epochs not whole", "numpy_input_fn",
             "numpy_input_fn(x = list(x = err_env$d8$x), shuffle = FALSE, num_epochs = 1.5)",
             lambda c: p.numpy_input_fn(x={"x": c.x8}, shuffle=False, num_epochs=1.5),
             e.PyestimValueError),
        # input_fn
        Case("input_fn unknown feature column", "input_fn",
             'input_fn(list(a = 1:3, b = 4:6), features = "c", response = "b")',
             lambda c: p.input_fn({"a": np.arange(1, 4, dtype=np.int32),
                                   "b": np.arange(4, 7, dtype=np.int32)},
                                  features="c", response="b"), e.PyestimValueError),
        Case("input_fn matrix without column names", "input_fn",
             'input_fn(matrix(1:4, 2), features = "a")',
             lambda c: p.input_fn(np.array([[1, 3], [2, 4]], dtype=np.int32), features="a"),
             e.PyestimTypeError),
        # run_config, session_config
        Case("run_config count not whole", "run_config", "run_config(save_summary_steps = 2.5)",
             lambda c: p.run_config(save_summary_steps=2.5), e.PyestimValueError),
        Case("run_config count negative", "run_config", "run_config(keep_checkpoint_max = -1)",
             lambda c: p.run_config(keep_checkpoint_max=-1), e.PyestimValueError),
        Case("run_config seed a string", "run_config", 'run_config(tf_random_seed = "a")',
             lambda c: p.run_config(tf_random_seed="a"), e.PyestimValueError),
        Case("run_config checkpoint steps and secs", "run_config",
             "run_config(save_checkpoints_steps = 10, save_checkpoints_secs = 10)",
             lambda c: p.run_config(save_checkpoints_steps=10, save_checkpoints_secs=10),
             e.PyestimValueError),
        Case("run_config session_config not a ConfigProto", "run_config",
             'run_config(session_config = "x")',
             lambda c: p.run_config(session_config="x"), e.PyestimTypeError),
        Case("session_config unknown option", "session_config",
             "session_config(bogus_option = 1)",
             lambda c: p.session_config(bogus_option=1), e.PyestimValueError),
        Case("session_config thread count not whole", "session_config",
             "session_config(intra_op_parallelism_threads = 1.5)",
             lambda c: p.session_config(intra_op_parallelism_threads=1.5), e.PyestimValueError),
        Case("session_config unnamed option", "session_config", "session_config(2)",
             lambda c: p.session_config(2), TypeError),
        # estimator, predict, accessors
        Case("estimator config not a RunConfig", "estimator",
             'estimator(beh_model_fn, config = "x")',
             lambda c: p.estimator(make_model_fn(Recorder()), config="x"), e.PyestimTypeError),
        Case("estimator params not a named list", "estimator",
             "estimator(beh_model_fn, params = 1)",
             lambda c: p.estimator(make_model_fn(Recorder()), params=1.0), e.PyestimTypeError),
        Case("predict_keys a number", "predict",
             f"predict({est}, err_env$eval_fn, predict_keys = 1)",
             lambda c: p.predict(c.est, c.eval_fn, predict_keys=1.0), e.PyestimValueError),
        Case("variable_value unknown variable", "variable_value",
             f'variable_value({est}, "nope")',
             lambda c: p.variable_value(c.est, "nope"), e.PyestimValueError),
        Case("train on something not an estimator", "train",
             'train("not an estimator", err_env$train_fn, steps = 1)',
             lambda c: p.train("not an estimator", c.train_fn, steps=1), e.PyestimTypeError),
        # R's logical NA: None for a switch, NaN for a count
        Case("numpy_input_fn shuffle = NA (Python: None)", "numpy_input_fn",
             "numpy_input_fn(x = list(x = err_env$d8$x), y = err_env$d8$y, shuffle = NA)",
             lambda c: p.numpy_input_fn(x={"x": c.x8}, y=c.y8, shuffle=None),
             e.PyestimValueError),
        Case("steps = NA (Python: NaN)", "train",
             f"train({est}, err_env$train_fn, steps = NA)",
             lambda c: p.train(c.est, c.train_fn, steps=float("nan")), e.StepsError),
    ]
    return out


CASES = cases()
assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"


def _error_rows():
    return {k: v for k, v in read_differences().items() if k[1].startswith("error:")}


def _row_key(case):
    return (case.function, f"error: {case.id}")


# --------------------------------------------------------------------------------------------
# Running a case on both sides


@pytest.fixture(scope="module")
def ctx(r, tmp_path_factory):
    """The R and Python estimators and inputs the cases use (err_setup() in behaviour.R)."""
    import pyestim as p

    r_dir = tmp_path_factory.mktemp("errors_r")
    py_dir = tmp_path_factory.mktemp("errors_py")
    r_collect(r, f'err_setup("{r_dir}")')
    x8, y8 = synthetic(8)
    est = p.estimator(make_model_fn(Recorder()), model_dir=str(py_dir),
                      params={"learning_rate": 0.5})
    train_fn = py_input_fn("numpy", 16, shuffle=True)
    p.train(est, train_fn, steps=1)

    def err_estimator(spec_of):
        from pyestim import tf

        def model_fn(features, labels, mode):
            x = tf.cast(features["x"], tf.float32)
            w = tf.get_variable("w", shape=[6, 3], initializer=tf.zeros_initializer())
            logits = tf.matmul(x, w)
            loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
            return spec_of(mode, loss)

        return p.estimator(model_fn, model_dir=str(tmp_path_factory.mktemp("errors_py_est")))

    yield types.SimpleNamespace(
        est=est, train_fn=train_fn,
        eval_fn=py_input_fn("numpy", 16, shuffle=False, num_epochs=1),
        x8=x8, y8=y8, err_estimator=err_estimator)
    # the R estimator and input functions are Python objects: release them with the GIL held
    r_collect(r, "rm(list = ls(err_env), envir = err_env)")


def run_r_case(r, case):
    r_collect(r, f".parity_err <- parity_capture({{\n{case.r}\n}})")
    got = from_r(r.get(".parity_err"))
    return got["class"], got["message"][0] if got["message"] else ""


def compared_language():
    """The language the Python side of a comparison with R runs in: R's, as the R package
    calls pyestim (Python's under the mutation check's language mutation)."""
    return "python" if mutation(MUTATION_TAG) == "language" else "r"


def run_py_case(ctx, case, language=None):
    """(the R classes and message a Python exception implies, the exception), the Python call
    made by a caller of ``language`` (default: compared_language())."""
    try:
        with _lang().using(language or compared_language()):
            case.py(ctx)
    except Exception as err:  # noqa: BLE001 - any exception is the result
        names = [c.__name__ for c in type(err).__mro__ if c is not object]
        classes = list(dict.fromkeys(["pyestim_error"] + names + ["error", "condition"]))
        return classes, f"{type(err).__name__}: {err}", err
    return [], "", None


def _runs(case, r_classes, r_message, py_classes, py_message):
    """The two sides of an error case as runs: the R code and the Python call."""
    lang = compared_language()
    note = " [MUTATED: as a Python caller]" if lang == "python" else ""
    return (Run("R", md(f"parity_capture({{ {case.r} }})", 120), (r_classes, r_message)),
            Run("Python", f"case {case.id!r}, Python call in R's language{note}",
                (py_classes, py_message)))


def _describe(classes, message):
    """'<message> [<first classes>]', e.g. "StepsError: ... [pyestim_error, StepsError]"."""
    if not classes:
        return "no error"
    return f"{message} [{', '.join(classes[:2])}]"


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_error(case, r, ctx, report):
    py_classes, py_message, py_err = run_py_case(ctx, case)
    assert isinstance(py_err, case.error), (
        f"the Python side of case {case.id!r} raised {type(py_err).__name__}: {py_err}, not "
        f"{case.error.__name__}: the case does not test what it says")
    r_classes, r_message = run_r_case(r, case)
    assert _lang().language() == "python", "the R call left R's language set for Python"
    same_class, same_message = r_classes == py_classes, r_message == py_message
    key = _row_key(case)
    listed = key in _error_rows()
    label = f"{case.function}: {case.id}"
    runs = _runs(case, r_classes, r_message, py_classes, py_message)
    if same_class and same_message:
        report.check(label, "error class and message", True,
                     md(f"{py_classes[1]}: {str(py_err)}", 160), runs=runs)
        assert not listed, (f"differences.csv lists {key}, but R and Python give the same error "
                            "now: remove the row")
        return
    detail = (f"R {_describe(r_classes, r_message)} / Python "
              f"{_describe(py_classes, py_message)}")
    if listed:
        assert r_classes, f"case {case.id!r}: R gave no error at all"
        report.note(label, "error class and message",
                    md(f"intentional (differences.csv): {detail}", 400), runs=runs)
        return
    report.check(label, "error class and message", False, md(detail, 400), runs=runs)
    problems = []
    if not same_class:
        problems.append(f"class: R {r_classes} vs Python {py_classes}")
    if not same_message:
        problems.append(f"message:\n    R      {r_message!r}\n    Python {py_message!r}")
    pytest.fail(f"R and Python errors differ for {case.id!r}:\n  " + "\n  ".join(problems)
                + f"\nIf the R package checks this itself on purpose, add the row "
                  f"{key[0]},{key[1]},<reason> to differences.csv.")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_error_from_python_differs_in_idioms_only(case, ctx, report):
    """The case called from Python: the same class as in R's language, and the message R gets
    with each idiom in its Python spelling. In pyestim's "marked" language the message carries
    both spellings of each idiom (⟦python|r⟧); read with one spelling it must be the Python
    message, with the other the message in R's language (which test_error compares with R's
    own, bit for bit)."""
    in_r = run_py_case(ctx, case, "r")
    in_py = run_py_case(ctx, case, "python")
    marked = run_py_case(ctx, case, "marked")
    name = type(marked[2]).__name__
    py_message, r_message = (f"{name}: {text}" for text in _lang().spellings(str(marked[2])))
    idioms = str(marked[2]).count("⟦")
    ok = (in_py[0] == in_r[0] == marked[0] and py_message == in_py[1]
          and r_message == in_r[1])
    detail = (f"{idioms} idiom(s); Python caller: {in_py[1]}" if ok else
              f"Python caller {_describe(in_py[0], in_py[1])} / in R's language "
              f"{_describe(in_r[0], in_r[1])} / marked {marked[1]}")
    report.check(f"{case.function}: {case.id}", "Python caller: same class, idioms only differ",
                 ok, md(detail, 300),
                 runs=(Run("Python", f"case {case.id!r}, as a Python caller", in_py[:2]),
                       Run("Python", f"case {case.id!r}, in R's language", in_r[:2])))
    assert in_py[0] == in_r[0], f"class: Python caller {in_py[0]} vs R's language {in_r[0]}"
    assert (py_message, r_message) == (in_py[1], in_r[1]), (
        f"the messages differ in more than idioms:\n  marked {marked[1]!r}\n  Python "
        f"{in_py[1]!r}\n  R's language {in_r[1]!r}")


def test_error_rows_name_cases(report):
    """Every "error:" row of differences.csv names a case of this module and its function."""
    known = {_row_key(c) for c in CASES}
    stale = [k for k in _error_rows() if k not in known]
    report.check("differences.csv", "every error row names a case",
                 not stale, f"{len(_error_rows())} rows" if not stale else md(f"unknown: {stale}"),
                 runs=(Run("table", "differences.csv error rows", _error_rows()),
                       Run("Python", "the cases of test_errors.py", known)))
    assert not stale, f"differences.csv has error rows for no case: {stale}"


def tf_cases(folder):
    """Bad calls to pyestim's functions reached through R's `tf` object (pyestim.tf): the
    MNIST readers and tf$estimator$inputs$numpy_input_fn. ``folder`` is an empty folder."""
    from pyestim import tf as ptf

    e = _errors()
    datasets = ptf.contrib.learn.datasets
    return [
        Case("MNIST data dir without the files", "tf$contrib$learn$datasets$mnist",
             f'tf$contrib$learn$datasets$mnist$read_data_sets(data_dir = "{folder}")',
             lambda c: datasets.mnist.read_data_sets(data_dir=str(folder)), e.DatasetError),
        Case("load_dataset of an unknown data set", "tf$contrib$learn$datasets",
             'tf$contrib$learn$datasets$load_dataset("cifar")',
             lambda c: datasets.load_dataset("cifar"), e.PyestimError),
        Case("numpy_input_fn without shuffle", "tf$estimator$inputs",
             "tf$estimator$inputs$numpy_input_fn(x = list(a = c(1, 2, 3)), y = c(1, 2, 3))",
             lambda c: ptf.estimator.inputs.numpy_input_fn(x={"a": np.array([1.0, 2.0, 3.0])},
                                                           y=np.array([1.0, 2.0, 3.0])),
             e.PyestimValueError),
        Case("numpy_input_fn with x and y of different lengths", "tf$estimator$inputs",
             "tf$estimator$inputs$numpy_input_fn(x = list(a = c(1, 2, 3)), y = c(1, 2), "
             "shuffle = FALSE)",
             lambda c: ptf.estimator.inputs.numpy_input_fn(x={"a": np.array([1.0, 2.0, 3.0])},
                                                           y=np.array([1.0, 2.0]),
                                                           shuffle=False),
             e.PyestimError),
    ]


#: The cases' names (the folder is per test: tmp_path).
TF_CASE_IDS = [c.id for c in tf_cases("<an empty folder>")]


@pytest.mark.parametrize("index", range(len(TF_CASE_IDS)), ids=TF_CASE_IDS)
def test_error_through_tf(index, r, report, tmp_path):
    """pyestim's functions called through R's `tf` (e.g. tf$contrib$learn$datasets$mnist$
    read_data_sets) raise the same classed error, with the same message, as from Python."""
    empty = tmp_path / "no-mnist-here"
    empty.mkdir()
    case = tf_cases(empty)[index]
    assert case.id == TF_CASE_IDS[index]
    py_classes, py_message, py_err = run_py_case(None, case)
    assert isinstance(py_err, case.error), (
        f"the Python side of {case.id!r} raised {type(py_err).__name__}: {py_err}")
    r_classes, r_message = run_r_case(r, case)
    ok = r_classes == py_classes and r_message == py_message
    report.check(f"{case.function}: {case.id}", "error class and message", ok,
                 md(f"R {_describe(r_classes, r_message)} / Python "
                    f"{_describe(py_classes, py_message)}", 300),
                 runs=_runs(case, r_classes, r_message, py_classes, py_message))
    assert r_classes == py_classes, f"class: R {r_classes} vs Python {py_classes}"
    assert r_message == py_message, f"message: R {r_message!r} vs Python {py_message!r}"
