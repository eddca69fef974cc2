"""Behaviour parity beyond the tutorial: the same small model, the same calls, in R (the R
package through reticulate, tests/parity/r/behaviour.R) and in Python (pyestim, below), with
exactly equal results.

The model is a softmax regression (6 features, 3 classes, weights initialised to zeros,
gradient descent with learning rate 0.5) on synthetic data that both languages compute from
the same formula, under run_config(tf_random_seed = 7): every number is compared bit for bit.

Cases: input functions given as numpy_input_fn's function, as a closure of no arguments and
as a closure of one argument (the estimator); steps as an R double, an R integer, a Python int
and a Python float; one hook, a list of one and a list of two; evaluate() and predict() with
simplify TRUE and FALSE, predict_keys and an older checkpoint_path; the default history and
progress-bar hooks (a history at the first step, every 10th and the last); the order of
session_run_hook() callbacks; the mode strings the model function receives.
"""

import contextlib
import io
import re

import numpy as np
import pytest

from .helpers import (LEARNING_RATE, SEED, Recorder, Run, expected, make_model_fn, md,
                      mutated, py_input_fn, r_collect, r_value, same_numbers, type_key, unwrap)

SECTION = "Behaviour parity (R / Python)"
TRAIN_STEPS = 25  # history records at 1 (tfestimators' first), 10, 20 and the last, 25

_cache = {}


# --------------------------------------------------------------------------------------------
# Reading R values back


# --------------------------------------------------------------------------------------------
# The Python twin of behaviour.R


def py_estimator(model_dir, rec, save_checkpoints_steps=None):
    from pyestim import estimator, run_config

    return estimator(make_model_fn(rec), model_dir=model_dir,
                     params={"learning_rate": LEARNING_RATE},
                     config=run_config(tf_random_seed=SEED,
                                       save_checkpoints_steps=save_checkpoints_steps,
                                       keep_checkpoint_max=0))


def py_history(history):
    return {"class": type(history).__name__, "steps": history.steps,
            "mean_losses": history.mean_losses, "total_losses": history.total_losses}


def py_train(model_dir, form, steps, n=40):
    from pyestim import train, variable_value

    est = py_estimator(model_dir, Recorder())
    history = train(est, input_fn=py_input_fn(form, n, shuffle=False), steps=steps)
    return {"history": py_history(history),
            "global_step": int(variable_value(est, "global_step")["global_step"]),
            "w": [float(v) for v in np.asarray(variable_value(est, "w")["w"]).reshape(-1)],
            "steps_type": type(steps).__name__}


def recording_hook(rec, fetch="loss:0"):
    from pyestim import session_run_args, session_run_hook

    def before_run(context):
        rec.events.append("before_run")
        return None if fetch is None else session_run_args(value=fetch)

    def after_run(context, values):
        rec.events.append("after_run")
        if fetch is not None:
            rec.fetched.append(float(np.asarray(values.results["value"])))

    return session_run_hook(
        begin=lambda: rec.events.append("begin"),
        after_create_session=lambda session, coord: rec.events.append("after_create_session"),
        before_run=before_run, after_run=after_run,
        end=lambda session: rec.events.append("end"))


def py_hook_order(model_dir):
    from pyestim import evaluate, predict, train

    rec = Recorder()
    est = py_estimator(model_dir, rec)
    train(est, py_input_fn("numpy", 40, shuffle=True), steps=3, hooks=recording_hook(rec))
    trained = rec.take_events()
    evaluate(est, py_input_fn("numpy", 40, shuffle=False, num_epochs=1), steps=2,
             hooks=recording_hook(rec))
    evaluated = rec.take_events()
    predict(est, py_input_fn("numpy", 10, shuffle=False, labels=False, num_epochs=1,
                             batch_size=4), hooks=recording_hook(rec, fetch=None))
    predicted = rec.take_events()
    return {"train": trained, "evaluate": evaluated, "predict": predicted, "modes": rec.modes}


def py_hook_forms(model_dir):
    from pyestim import train

    rec = Recorder()
    est = py_estimator(model_dir, rec)
    fn = py_input_fn("numpy", 40, shuffle=True)
    one = train(est, fn, steps=2, hooks=recording_hook(rec))
    single = dict(rec.take_events(), history=py_history(one))
    listed = train(est, fn, steps=2, hooks=[recording_hook(rec)])
    in_list = dict(rec.take_events(), history=py_history(listed))
    two = train(est, fn, steps=2, hooks=[recording_hook(rec), recording_hook(rec)])
    in_list2 = dict(rec.take_events(), history=py_history(two))
    return {"single": single, "in_list": in_list, "in_list2": in_list2}


def _frame_out(frame):
    out = {"class": type(frame).__name__, "names": [str(c) for c in frame.columns],
           "classes": [int(c) for c in frame["classes"]], "probabilities": []}
    if "probabilities" in frame.columns:
        out["probabilities"] = [float(v) for p in frame["probabilities"]
                                for v in np.asarray(p).reshape(-1)]
    return out


def _rows_out(rows):
    names = []
    for row in rows:
        names += [k for k in row if k not in names]
    return {"class": type(rows).__name__, "n": len(rows), "names": names,
            "classes": [int(row["classes"]) for row in rows],
            "probabilities": [float(v) for row in rows
                              for v in np.asarray(row["probabilities"]).reshape(-1)]}


def _plain_values(mapping):
    return {str(k): [float(v) for v in np.asarray(vals).reshape(-1)]
            for k, vals in mapping.items()}


def py_results(model_dir):
    import os

    from pyestim import (evaluate, latest_checkpoint, model_dir as model_dir_of, predict,
                         train, variable_names, variable_value)

    rec = Recorder()
    est = py_estimator(model_dir, rec, save_checkpoints_steps=10)
    train(est, py_input_fn("numpy", 40, shuffle=True), steps=20)
    eval_fn = py_input_fn("numpy", 40, shuffle=False, num_epochs=1)
    simplified = evaluate(est, eval_fn)
    listed = evaluate(est, eval_fn, simplify=False)
    pred_fn = py_input_fn("numpy", 12, shuffle=False, labels=False, num_epochs=1, batch_size=5)
    older_path = os.path.join(model_dir_of(est), "model.ckpt-10")
    return {
        "evaluate_simplified": {
            "class": type(simplified).__name__, "names": [str(c) for c in simplified.columns],
            "values": _plain_values({c: simplified[c].to_numpy() for c in simplified.columns})},
        "evaluate_list": {"class": type(listed).__name__, "names": list(listed),
                          "values": _plain_values(listed)},
        "predict_frame": _frame_out(predict(est, pred_fn)),
        "predict_rows": _rows_out(predict(est, pred_fn, simplify=False)),
        "predict_classes_only": _frame_out(predict(est, pred_fn, predict_keys="classes")),
        "predict_older": _frame_out(predict(est, pred_fn, checkpoint_path=older_path)),
        "predict_older_rows": _rows_out(predict(est, pred_fn, simplify=False,
                                                checkpoint_path=older_path)),
        "latest_checkpoint": os.path.basename(latest_checkpoint(model_dir_of(est))),
        "variable_names": list(variable_names(est)),
        "w": [float(v) for v in np.asarray(variable_value(est, "w")["w"]).reshape(-1)],
        "modes": rec.modes,
    }


# --------------------------------------------------------------------------------------------
# Running both sides (each run once per test session)


@pytest.fixture(scope="module", autouse=True)
def _no_r_garbage_left(r):
    """Leave R without garbage that holds Python references (see :func:`r_collect`)."""
    yield
    r_collect(r, 'beh$events <- character(0); beh$fetched <- numeric(0); '
                 'beh$modes <- character(0); rm(list = intersect(".parity_value", ls()), '
                 'envir = globalenv())')


def _dir(tmp_path_factory, key):
    name = "_".join(str(v) for k in key for v in (k if isinstance(k, tuple) else (k,)))
    return str(tmp_path_factory.mktemp(re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:60]))


class _Terminal(io.StringIO):
    """Standard output as a terminal, so that the default progress bar draws (it is quiet
    when the output is not a terminal)."""

    def isatty(self):
        return True


@contextlib.contextmanager
def _progress_output(capture):
    if not capture:
        yield None
        return
    out = _Terminal()
    with contextlib.redirect_stdout(out):
        yield out


def _steps_in(lang, steps):
    if lang == "R":
        return f"{steps}L (integer)" if isinstance(steps, int) else f"{steps!r} (double)"
    return repr(steps)


def run_r(r, tmp_path_factory, what, *args, tag=None, progress=False):
    """The R run of ``beh_<what>(model_dir, args...)`` as a :class:`Run`, made once per
    key: the arguments *with their types* (``25L`` and ``25`` are two runs), the mutation
    asked for the side ``tag`` (see helpers.mutated) and whether the progress bar is read."""
    if what == "train":
        form, steps = args
        _, steps, note = mutated(tag, SEED, steps)
        args = (form, steps)
    key = ("r", what) + type_key(*args) + (tag, progress)
    if key not in _cache:
        model_dir = _dir(tmp_path_factory, key)
        with _progress_output(progress) as out:
            if what == "train":
                form, steps = args
                steps_code = f"{steps}L" if isinstance(steps, int) else repr(float(steps))
                value = unwrap(r_value(
                    r, f'beh_train("{model_dir}", "{form}", {steps_code})'))
                how = f"beh_train(form = {form}, steps = {_steps_in('R', steps)}){note}"
            else:
                value = unwrap(r_value(r, f'beh_{what}("{model_dir}")'))
                how = f"beh_{what}()"
        if out is not None:
            value["progress"] = out.getvalue()
            how += ", progress bar read"
        _cache[key] = Run("R", how, value)
    return _cache[key]


def run_py(tmp_path_factory, what, *args, tag=None, progress=False):
    """The Python twin of :func:`run_r`."""
    if what == "train":
        form, steps = args
        _, steps, note = mutated(tag, SEED, steps)
        args = (form, steps)
    key = ("py", what) + type_key(*args) + (tag, progress)
    if key not in _cache:
        model_dir = _dir(tmp_path_factory, key)
        fn = {"train": py_train, "hook_order": py_hook_order, "hook_forms": py_hook_forms,
              "results": py_results}[what]
        with _progress_output(progress) as out:
            value = fn(model_dir, *args)
        how = f"py_{what}()"
        if what == "train":
            how = f"py_train(form = {args[0]}, steps = {_steps_in('Python', args[1])}){note}"
        if out is not None:
            value["progress"] = out.getvalue()
            how += ", progress bar read"
        _cache[key] = Run("Python", how, value)
    return _cache[key]


def _history_same(a, b):
    return (a["steps"] == b["steps"] and same_numbers(a["mean_losses"], b["mean_losses"])
            and same_numbers(a["total_losses"], b["total_losses"]))


def _history_detail(h):
    return (f"steps {h['steps']}, mean_losses {h['mean_losses'][0]:.6g} .. "
            f"{h['mean_losses'][-1]:.6g}")


def _compare_training(report, case, run_a, run_b):
    a, b = run_a.value, run_b.value
    checks = [
        ("history (steps, mean and total losses)", _history_same(a["history"], b["history"]),
         _history_detail(a["history"])),
        ("global step", a["global_step"] == b["global_step"], str(a["global_step"])),
        ("trained weights w", same_numbers(a["w"], b["w"]), f"{len(a['w'])} values"),
    ]
    return [what for what, ok, detail in checks
            if not report.check(case, what, ok, detail, runs=(run_a, run_b))]


# --------------------------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize("form", ["numpy", "closure0", "closure1"])
def test_input_fn_forms(form, r, report, tmp_path_factory):
    """numpy_input_fn's function, function() returning the data set, and
    function(features_as_named_list) returning the input function: R and Python train alike,
    and every form trains exactly as numpy_input_fn's function does."""
    r_run = run_r(r, tmp_path_factory, "train", form, TRAIN_STEPS)
    py_run = run_py(tmp_path_factory, "train", form, TRAIN_STEPS)
    failed = _compare_training(report, f"input_fn {form}: R vs Python", r_run, py_run)
    assert not failed, f"R and Python differ for input_fn form {form}: {failed}"
    if form != "numpy":
        reference = run_py(tmp_path_factory, "train", "numpy", TRAIN_STEPS)
        failed = _compare_training(report, f"Python: input_fn {form} vs numpy_input_fn",
                                   py_run, reference)
        assert not failed, f"input_fn form {form} trains differently: {failed}"


#: The sides of test_steps_as_r_numbers, each its own run: (label, language, steps, tag).
STEPS_SIDES = (("R steps = 25 (double)", "R", float(TRAIN_STEPS), "steps-r-double"),
               ("R steps = 25L (integer)", "R", TRAIN_STEPS, "steps-r-integer"),
               ("Python steps=25.0", "Python", float(TRAIN_STEPS), "steps-py-float"))


def test_steps_as_r_numbers(r, report, tmp_path_factory):
    """steps = 25 (an R double), 25L (an R integer), 25 and 25.0 in Python: the same
    training. Four runs: each side is its own run (R receives the storage mode it was given),
    compared with the Python steps=25 run."""
    reference = run_py(tmp_path_factory, "train", "numpy", TRAIN_STEPS)
    runs = {}
    for label, lang, steps, tag in STEPS_SIDES:
        runs[label] = (run_r(r, tmp_path_factory, "train", "numpy", steps, tag=tag)
                       if lang == "R" else
                       run_py(tmp_path_factory, "train", "numpy", steps, tag=tag))
    every = [reference] + list(runs.values())
    assert len({id(run) for run in every}) == len({run.id for run in every}) == 4, \
        f"the four steps values must be four runs: {every}"
    # each side got the number as its label says
    assert runs["R steps = 25 (double)"].value["steps_mode"] == "double"
    assert runs["R steps = 25L (integer)"].value["steps_mode"] == "integer"
    assert runs["Python steps=25.0"].value["steps_type"] == "float"
    assert reference.value["steps_type"] == "int"
    failed = []
    for name, run in runs.items():
        failed += [f"{name}: {what}" for what in
                   _compare_training(report, f"{name} vs Python steps=25", run, reference)]
    assert reference.value["global_step"] == TRAIN_STEPS
    assert not failed, f"steps given as R / Python numbers train differently: {failed}"


_ETA = re.compile(r" - ETA: \S+")


def _last_bar(output):
    """The progress bar's last frame (frames are redrawn after a carriage return), without
    the ETA, which depends on timing."""
    frames = [f.strip() for f in output.replace("\n", "\r").split("\r") if f.strip()]
    return _ETA.sub("", frames[-1]) if frames else ""


def test_default_history_and_progress_hooks(r, report, tmp_path_factory):
    """train() without hooks attaches the history saver (the first step, every 10th and the
    last: tfestimators' should_execute() records step 1 and each 10th step of the call) and the
    progress bar in both languages: the returned history is the same, and the progress bar
    (drawn when standard output is a terminal) ends at 25/25 with the last step's loss."""
    r_run = run_r(r, tmp_path_factory, "train", "numpy", float(TRAIN_STEPS), progress=True)
    py_run = run_py(tmp_path_factory, "train", "numpy", TRAIN_STEPS, progress=True)
    a, b = r_run.value, py_run.value
    expected_steps = [1, 10, 20, 25]
    bar = f"25/25 [{'=' * 30}] - loss: {b['history']['mean_losses'][-1]:.4f}"
    r_bar, py_bar = _last_bar(a["progress"]), _last_bar(b["progress"])
    steps_expected = expected("history steps 1, 10, 20 and the last, 25")
    checks = [
        ("history steps (first, every 10th, last)", a["history"]["steps"] == expected_steps,
         f"R {a['history']['steps']}", (r_run, steps_expected)),
        ("history steps (first, every 10th, last)", b["history"]["steps"] == expected_steps,
         f"Python {b['history']['steps']}", (py_run, steps_expected)),
        ("history values", _history_same(a["history"], b["history"]),
         _history_detail(b["history"]), (r_run, py_run)),
        ("history class", a["history"]["class"] == ["tf_estimator_history"]
         and b["history"]["class"] == "History",
         f"R {a['history']['class']}, Python {b['history']['class']}", (r_run, py_run)),
        ("progress bar's last frame", r_bar == py_bar, md(r_bar), (r_run, py_run)),
        ("progress bar's last frame", py_bar == bar, md(py_bar),
         (py_run, expected(f"'{md(bar)}' (25/25, the last mean loss)"))),
    ]
    failed = [w for w, ok, d, runs in checks
              if not report.check("train() without hooks", w, ok, d, runs=runs)]
    assert not failed, f"default hooks differ: {failed}"


def test_one_hook_or_a_list(r, report, tmp_path_factory):
    """hooks = one hook, a list of one hook, a list of two hooks: each hook sees the same
    callbacks in R and Python, a single hook the same as a list of it."""
    r_run = run_r(r, tmp_path_factory, "hook_forms")
    py_run = run_py(tmp_path_factory, "hook_forms")
    failed = []
    forms = (("single", "one hook"), ("in_list", "list(hook)"), ("in_list2", "list(hook, hook)"))
    for form, label in forms:
        runs = (r_run.part(form, f"train(hooks = {label})"),
                py_run.part(form, f"train(hooks = {label})"))
        a, b = runs[0].value, runs[1].value
        for what, ok, detail in (
                ("callbacks seen", a["events"] == b["events"],
                 f"{len(a['events'])} callbacks"),
                ("losses fetched by the hook", same_numbers(a["fetched"], b["fetched"]),
                 f"{len(a['fetched'])} values"),
                ("history", _history_same(a["history"], b["history"]),
                 _history_detail(a["history"]))):
            if not report.check(f"hooks = {label}: R vs Python", what, ok, detail, runs=runs):
                failed.append(f"{label}: {what}")
    for whole, lang in ((r_run, "R"), (py_run, "Python")):
        single, in_list, in_list2 = (whole.part(form, f"train(hooks = {label})")
                                     for form, label in forms)
        ok = single.value["events"] == in_list.value["events"]
        if not report.check(f"{lang}: one hook vs list(hook)", "callbacks seen", ok,
                            f"{len(single.value['events'])} callbacks", runs=(single, in_list)):
            failed.append(f"{lang}: one hook vs list")
        doubled = [e for e in in_list.value["events"] for _ in range(2)]
        two = in_list2.value
        ok = two["events"] == doubled and \
            same_numbers(two["fetched"], [v for v in two["fetched"][::2] for _ in range(2)])
        if not report.check(f"{lang}: list(hook, hook)", "each hook called in turn", ok,
                            "every callback twice, in hook order",
                            runs=(in_list2, in_list)):
            failed.append(f"{lang}: two hooks")
    assert not failed, f"hooks given as one hook or a list differ: {failed}"


def test_session_run_hook_callback_order(r, report, tmp_path_factory):
    """session_run_hook() callbacks run in the same order in R and Python: begin,
    after_create_session, before_run / after_run per step, end; the values fetched through
    session_run_args() are the same."""
    r_run = run_r(r, tmp_path_factory, "hook_order")
    py_run = run_py(tmp_path_factory, "hook_order")
    failed = []
    for call in ("train", "evaluate", "predict"):
        runs = (r_run.part(call, f"{call}()"), py_run.part(call, f"{call}()"))
        a, b = runs[0].value, runs[1].value
        if not report.check(f"{call}(): callback order", "R vs Python",
                            a["events"] == b["events"], md(_compress(a["events"])), runs=runs):
            failed.append(f"{call}: order")
        if call != "predict" and not report.check(
                f"{call}(): loss fetched by session_run_args()", "R vs Python",
                same_numbers(a["fetched"], b["fetched"]) and len(a["fetched"]) > 0,
                f"{len(a['fetched'])} values", runs=runs):
            failed.append(f"{call}: fetched")
    # The life cycle itself: train 3 steps, evaluate 2 steps.
    py_run = py_run.value
    assert py_run["train"]["events"] == (["begin", "after_create_session"]
                                         + ["before_run", "after_run"] * 3 + ["end"])
    assert py_run["evaluate"]["events"] == (["begin", "after_create_session"]
                                            + ["before_run", "after_run"] * 2 + ["end"])
    assert py_run["predict"]["events"][:2] == ["begin", "after_create_session"]
    assert py_run["predict"]["events"][-1] == "end"
    assert not failed, f"session_run_hook callbacks differ: {failed}"


def _compress(events):
    """["before_run", "after_run", "before_run", "after_run"] -> "(before_run, after_run) x2"."""
    out, i = [], 0
    while i < len(events):
        if events[i:i + 2] == ["before_run", "after_run"]:
            k = 0
            while events[i:i + 2] == ["before_run", "after_run"]:
                k, i = k + 1, i + 2
            out.append(f"(before_run, after_run) x{k}")
        else:
            out.append(events[i])
            i += 1
    return ", ".join(out)


def test_mode_strings(r, report, tmp_path_factory):
    """The model function receives mode "train", "eval" and "infer" in both languages."""
    r_run = run_r(r, tmp_path_factory, "hook_order")
    py_run = run_py(tmp_path_factory, "hook_order")
    a, b = r_run.value["modes"], py_run.value["modes"]
    ok = a == b == ["train", "eval", "infer"]
    report.check("modes the model function receives", "train(), evaluate(), predict()", ok,
                 f"R {a}, Python {b}", runs=(r_run, py_run))
    assert ok


def _compare_values(a, b):
    return a["names"] == b["names"] and set(a["values"]) == set(b["values"]) and all(
        same_numbers(a["values"][k], b["values"][k]) for k in a["values"])


def test_evaluate_simplify(r, report, tmp_path_factory):
    """evaluate(simplify = TRUE) gives a one-row tibble / DataFrame, simplify = FALSE a named
    list / dict: the same metric names, in the same order, with the same values."""
    r_run = run_r(r, tmp_path_factory, "results")
    py_run = run_py(tmp_path_factory, "results")
    failed = []
    for key, label, r_class, py_class in (
            ("evaluate_simplified", "simplify = TRUE", "tbl_df", "DataFrame"),
            ("evaluate_list", "simplify = FALSE", "list", "dict")):
        runs = (r_run.part(key, f"evaluate({label})"), py_run.part(key, f"evaluate({label})"))
        a, b = runs[0].value, runs[1].value
        detail = ", ".join(f"{k}={a['values'][k][0]:.6g}" for k in a["names"])
        if not report.check(f"evaluate({label})", "metric names and values",
                            _compare_values(a, b), md(detail), runs=runs):
            failed.append(label)
        if not report.check(f"evaluate({label})", "result type", r_class in a["class"]
                            and b["class"] == py_class, f"R {a['class']}, Python {b['class']}",
                            runs=runs):
            failed.append(f"{label}: type")
    assert sorted(py_run.value["evaluate_list"]["names"]) == ["accuracy", "global_step", "loss"]
    assert not failed, f"evaluate() results differ: {failed}"


def _predictions_same(a, b):
    return (a["names"] == b["names"] and a["classes"] == b["classes"]
            and same_numbers(a["probabilities"], b["probabilities"]))


def test_predict_simplify_keys_and_checkpoint(r, report, tmp_path_factory):
    """predict() with simplify TRUE (a tibble / DataFrame) and FALSE (one named list / dict per
    example), with predict_keys = "classes", and with the step-10 checkpoint: the same
    predictions in R and Python; the older checkpoint gives other (the older) predictions."""
    r_run = run_r(r, tmp_path_factory, "results")
    py_run = run_py(tmp_path_factory, "results")
    failed = []
    cases = (("predict_frame", "predict(simplify = TRUE)"),
             ("predict_rows", "predict(simplify = FALSE)"),
             ("predict_classes_only", 'predict(predict_keys = "classes")'),
             ("predict_older", "predict(checkpoint_path = model.ckpt-10)"),
             ("predict_older_rows", "predict(checkpoint_path = model.ckpt-10, simplify = FALSE)"))
    for key, label in cases:
        runs = (r_run.part(key, label), py_run.part(key, label))
        a, b = runs[0].value, runs[1].value
        if not report.check(label, "prediction names, classes and probabilities",
                            _predictions_same(a, b),
                            f"columns {a['names']}, {len(a['classes'])} examples", runs=runs):
            failed.append(label)
    assert r_run.value["predict_classes_only"]["names"] == ["classes"]
    assert py_run.value["predict_frame"]["names"] == ["classes", "probabilities"]
    labels = dict(cases)
    for whole, lang in ((r_run, "R"), (py_run, "Python")):
        runs = (whole.part("predict_frame", labels["predict_frame"]),
                whole.part("predict_rows", labels["predict_rows"]))
        run = whole.value
        frame_is_rows = _predictions_same(run["predict_frame"], run["predict_rows"])
        if not report.check(f"{lang}: simplify = TRUE vs FALSE", "predictions", frame_is_rows,
                            "the same predictions, tabled or listed", runs=runs):
            failed.append(f"{lang}: simplify")
        # the step-10 checkpoint is not the latest one: its predictions are its own
        assert run["predict_older"]["probabilities"] != run["predict_frame"]["probabilities"], \
            f"{lang}: checkpoint_path made no difference"
        assert _predictions_same(run["predict_older"], run["predict_older_rows"])
    assert not failed, f"predict() results differ: {failed}"


def test_checkpoints_and_variables(r, report, tmp_path_factory):
    """latest_checkpoint(), variable_names() and variable_value() after the same training."""
    r_run = run_r(r, tmp_path_factory, "results")
    py_run = run_py(tmp_path_factory, "results")
    runs = (r_run, py_run)
    r_run, py_run = r_run.value, py_run.value
    checks = [
        ("latest_checkpoint() file", r_run["latest_checkpoint"] == py_run["latest_checkpoint"],
         str(py_run["latest_checkpoint"])),
        ("variable_names()", r_run["variable_names"] == py_run["variable_names"],
         ", ".join(py_run["variable_names"])),
        ('variable_value(, "w")', same_numbers(r_run["w"], py_run["w"]),
         f"{len(py_run['w'])} values"),
        ("modes the model function received", r_run["modes"] == py_run["modes"],
         md(", ".join(py_run["modes"]))),
    ]
    failed = [w for w, ok, d in checks
              if not report.check("after train(steps = 20)", w, ok, d, runs=runs)]
    assert not failed, f"checkpoint accessors differ: {failed}"
