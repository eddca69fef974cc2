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
progress-bar hooks (a history every 10 steps plus the last); the order of session_run_hook()
callbacks; the mode strings the model function receives.
"""

import math

import numpy as np
import pytest

SECTION = "Behaviour parity (R / Python)"
N_FEATURES, N_CLASSES, SEED, LEARNING_RATE = 6, 3, 7, 0.5
TRAIN_STEPS = 25  # history records at 10, 20 and the last step, 25

_cache = {}


# --------------------------------------------------------------------------------------------
# Reading R values back


def from_r(x):
    """An rpy2 value as plain Python: NULL -> None, atomic vectors -> lists (NA -> None),
    lists -> dicts when every element is named, else lists."""
    import rpy2.rinterface as ri

    kind = getattr(x, "typeof", None)
    if x is ri.NULL or kind == ri.RTYPES.NILSXP:
        return None
    if kind == ri.RTYPES.VECSXP:
        items = [from_r(v) for v in x]
        names = x.names
        if names is ri.NULL or not len(items) or any(n in ("", ri.NA_Character)
                                                     for n in names):
            return items
        return dict(zip([str(n) for n in names], items))
    if kind in (ri.RTYPES.LGLSXP, ri.RTYPES.INTSXP, ri.RTYPES.REALSXP, ri.RTYPES.STRSXP):
        nas = (ri.NA_Logical, ri.NA_Integer, ri.NA_Real, ri.NA_Character)
        out = []
        for v in x:
            if any(v is na for na in nas):
                out.append(None)
            elif kind == ri.RTYPES.LGLSXP:
                out.append(bool(v))
            elif kind == ri.RTYPES.INTSXP:
                out.append(int(v))
            elif kind == ri.RTYPES.REALSXP:
                out.append(float(v))
            else:
                out.append(str(v))
        return out
    raise TypeError(f"cannot read an R value of type {kind}")


def r_collect(r, code):
    """Evaluate R code, then run R's garbage collector, both with the GIL held (through
    RSession.eval).

    R objects that stand for Python objects (reticulate's references) run Python code when R
    collects them. rpy2 calls into R with the GIL released (reading a value back allocates,
    ``.names`` calls R's names()), and a collection that runs there finalizes those
    references without the GIL: "Fatal Python error: PyThreadState_Get". So every R evaluation
    of these tests that may leave such garbage behind collects it at once, while the GIL is
    held, and the values read back through rpy2 are plain R values."""
    r.eval(f"tryCatch({{\n{code}\n}}, finally = invisible(gc()))")


def r_value(r, code):
    """The value of R code (plain R values only), read back with :func:`from_r`."""
    r_collect(r, f".parity_value <- {{\n{code}\n}}")
    return from_r(r.get(".parity_value"))


def md(text, limit=140):
    """Text for a cell of the Markdown report."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[:limit - 3] + "..."


def same_numbers(a, b):
    """Exact equality of two sequences of numbers (floats bit for bit, NaN equal to NaN)."""
    a, b = list(a), list(b)
    return len(a) == len(b) and all(
        (x == y) or (isinstance(x, float) and isinstance(y, float) and math.isnan(x)
                     and math.isnan(y))
        for x, y in zip(a, b))


# --------------------------------------------------------------------------------------------
# The Python twin of behaviour.R


def synthetic(n):
    """beh_data(n) of behaviour.R: x [n, 6] (float64), y [n] (int32, classes 0..2)."""
    i = np.arange(n)[:, None]
    j = np.arange(N_FEATURES)[None, :]
    y = (np.arange(n) % N_CLASSES).astype(np.int32)
    x = ((i * 7 + j * 3) % 11) / 10
    x = x + np.where(y[:, None] == j % N_CLASSES, 0.5, 0.0)
    return x, y


class Recorder:
    """What the Python model function and hooks record (beh$modes, beh$events, beh$fetched)."""

    def __init__(self):
        self.modes, self.events, self.fetched = [], [], []

    def take_events(self):
        out = {"events": self.events, "fetched": self.fetched}
        self.events, self.fetched = [], []
        return out


def make_model_fn(rec):
    from pyestim import estimator_spec, tf

    def model_fn(features, labels, mode, params):
        rec.modes.append(mode)
        x = tf.cast(features["x"], tf.float32)
        w = tf.get_variable("w", shape=[N_FEATURES, N_CLASSES],
                            initializer=tf.zeros_initializer())
        b = tf.get_variable("b", shape=[N_CLASSES], initializer=tf.zeros_initializer())
        logits = tf.add(tf.matmul(x, w), b)
        classes = tf.argmax(logits, axis=1, name="classes")
        if mode == "infer":
            return estimator_spec(mode=mode, predictions={
                "classes": classes, "probabilities": tf.nn.softmax(logits, name="probabilities")})
        loss = tf.identity(
            tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits), name="loss")
        if mode == "train":
            optimizer = tf.train.GradientDescentOptimizer(learning_rate=params["learning_rate"])
            train_op = optimizer.minimize(loss=loss, global_step=tf.train.get_global_step())
            return estimator_spec(mode=mode, loss=loss, train_op=train_op)
        return estimator_spec(mode=mode, loss=loss, eval_metric_ops={
            "accuracy": tf.metrics.accuracy(labels=labels, predictions=classes)})

    return model_fn


def py_estimator(model_dir, rec, save_checkpoints_steps=None):
    from pyestim import estimator, run_config

    return estimator(make_model_fn(rec), model_dir=model_dir,
                     params={"learning_rate": LEARNING_RATE},
                     config=run_config(tf_random_seed=SEED,
                                       save_checkpoints_steps=save_checkpoints_steps,
                                       keep_checkpoint_max=0))


def py_input_fn(form, n, shuffle, labels=True, num_epochs=None, batch_size=8):
    from pyestim import numpy_input_fn

    x, y = synthetic(n)

    def make():
        return numpy_input_fn(x={"x": x}, y=y if labels else None, batch_size=batch_size,
                              num_epochs=num_epochs, shuffle=shuffle)

    if form == "numpy":
        return make()
    if form == "closure0":
        from pyestim import tf

        return lambda: tf.data.Dataset.from_tensor_slices(({"x": x}, y)).repeat().batch(
            batch_size)
    if form == "closure1":
        return lambda features_as_named_list: make()
    raise ValueError(form)


def py_history(history):
    return {"class": type(history).__name__, "steps": history.steps,
            "mean_losses": history.mean_losses, "total_losses": history.total_losses}


def py_train(model_dir, form, steps, n=40):
    from pyestim import train, variable_value

    est = py_estimator(model_dir, Recorder())
    history = train(est, input_fn=py_input_fn(form, n, shuffle=False), steps=steps)
    return {"history": py_history(history),
            "global_step": int(variable_value(est, "global_step")),
            "w": [float(v) for v in np.asarray(variable_value(est, "w")).reshape(-1)]}


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
        "w": [float(v) for v in np.asarray(variable_value(est, "w")).reshape(-1)],
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
    return str(tmp_path_factory.mktemp("_".join(str(k) for k in key)))


_SCALARS = ("global_step", "latest_checkpoint", "n")


def unwrap(value, scalars=_SCALARS):
    """R's length-one vectors under the keys of scalars (``scalars``) as Python scalars
    (metric values stay lists, as the Python side gives them)."""
    if isinstance(value, dict):
        return {k: (v[0] if k in scalars and isinstance(v, list) and len(v) == 1
                    else v if k == "values" else unwrap(v, scalars)) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v, scalars) for v in value]
    return value


def run_r(r, tmp_path_factory, what, *args):
    key = ("r", what) + args
    if key not in _cache:
        model_dir = _dir(tmp_path_factory, key)
        if what == "train":
            form, steps = args
            steps_code = f"{steps}L" if isinstance(steps, int) else repr(float(steps))
            _cache[key] = unwrap(r_value(
                r, f'beh_train("{model_dir}", "{form}", {steps_code})'))
        else:
            _cache[key] = unwrap(r_value(r, f'beh_{what}("{model_dir}")'))
    return _cache[key]


def run_py(tmp_path_factory, what, *args):
    key = ("py", what) + args
    if key not in _cache:
        model_dir = _dir(tmp_path_factory, key)
        fn = {"train": py_train, "hook_order": py_hook_order, "hook_forms": py_hook_forms,
              "results": py_results}[what]
        _cache[key] = fn(model_dir, *args)
    return _cache[key]


def _history_same(a, b):
    return (a["steps"] == b["steps"] and same_numbers(a["mean_losses"], b["mean_losses"])
            and same_numbers(a["total_losses"], b["total_losses"]))


def _history_detail(h):
    return (f"steps {h['steps']}, mean_losses {h['mean_losses'][0]:.6g} .. "
            f"{h['mean_losses'][-1]:.6g}")


def _compare_training(report, case, a, b):
    checks = [
        ("history (steps, mean and total losses)", _history_same(a["history"], b["history"]),
         _history_detail(a["history"])),
        ("global step", a["global_step"] == b["global_step"], str(a["global_step"])),
        ("trained weights w", same_numbers(a["w"], b["w"]), f"{len(a['w'])} values"),
    ]
    return [what for what, ok, detail in checks if not report.check(case, what, ok, detail)]


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


def test_steps_as_r_numbers(r, report, tmp_path_factory):
    """steps = 25 (an R double), 25L (an R integer), 25 and 25.0 in Python: the same
    training."""
    reference = run_py(tmp_path_factory, "train", "numpy", TRAIN_STEPS)
    runs = {
        "R steps = 25 (double)": run_r(r, tmp_path_factory, "train", "numpy",
                                       float(TRAIN_STEPS)),
        "R steps = 25L (integer)": run_r(r, tmp_path_factory, "train", "numpy", TRAIN_STEPS),
        "Python steps=25.0": run_py(tmp_path_factory, "train", "numpy", float(TRAIN_STEPS)),
    }
    failed = []
    for name, run in runs.items():
        failed += [f"{name}: {what}" for what in
                   _compare_training(report, f"{name} vs Python steps=25", run, reference)]
    assert reference["global_step"] == TRAIN_STEPS
    assert not failed, f"steps given as R / Python numbers train differently: {failed}"


def test_default_history_and_progress_hooks(r, report, tmp_path_factory):
    """train() without hooks attaches the history saver (every 10 steps plus the last) and the
    progress bar in both languages: the returned history is the same."""
    r_run = run_r(r, tmp_path_factory, "train", "numpy", float(TRAIN_STEPS))
    py_run = run_py(tmp_path_factory, "train", "numpy", TRAIN_STEPS)
    expected_steps = [10, 20, 25]
    checks = [
        ("history steps (every 10 plus the last)",
         r_run["history"]["steps"] == py_run["history"]["steps"] == expected_steps,
         f"R {r_run['history']['steps']}, Python {py_run['history']['steps']}"),
        ("history values", _history_same(r_run["history"], py_run["history"]),
         _history_detail(py_run["history"])),
        ("history class", r_run["history"]["class"] == ["tf_estimator_history"]
         and py_run["history"]["class"] == "History",
         f"R {r_run['history']['class']}, Python {py_run['history']['class']}"),
    ]
    failed = [w for w, ok, d in checks if not report.check("train() without hooks", w, ok, d)]
    assert not failed, f"default hooks differ: {failed}"


def test_one_hook_or_a_list(r, report, tmp_path_factory):
    """hooks = one hook, a list of one hook, a list of two hooks: each hook sees the same
    callbacks in R and Python, a single hook the same as a list of it."""
    r_run = run_r(r, tmp_path_factory, "hook_forms")
    py_run = run_py(tmp_path_factory, "hook_forms")
    failed = []
    for form, label in (("single", "one hook"), ("in_list", "list(hook)"),
                        ("in_list2", "list(hook, hook)")):
        a, b = r_run[form], py_run[form]
        for what, ok, detail in (
                ("callbacks seen", a["events"] == b["events"],
                 f"{len(a['events'])} callbacks"),
                ("losses fetched by the hook", same_numbers(a["fetched"], b["fetched"]),
                 f"{len(a['fetched'])} values"),
                ("history", _history_same(a["history"], b["history"]),
                 _history_detail(a["history"]))):
            if not report.check(f"hooks = {label}: R vs Python", what, ok, detail):
                failed.append(f"{label}: {what}")
    for run, lang in ((r_run, "R"), (py_run, "Python")):
        ok = run["single"]["events"] == run["in_list"]["events"]
        if not report.check(f"{lang}: one hook vs list(hook)", "callbacks seen", ok,
                            f"{len(run['single']['events'])} callbacks"):
            failed.append(f"{lang}: one hook vs list")
        doubled = [e for e in run["in_list"]["events"] for _ in range(2)]
        ok = run["in_list2"]["events"] == doubled and \
            same_numbers(run["in_list2"]["fetched"],
                         [v for v in run["in_list2"]["fetched"][::2] for _ in range(2)])
        if not report.check(f"{lang}: list(hook, hook)", "each hook called in turn", ok,
                            "every callback twice, in hook order"):
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
        a, b = r_run[call], py_run[call]
        if not report.check(f"{call}(): callback order", "R vs Python",
                            a["events"] == b["events"], md(_compress(a["events"]))):
            failed.append(f"{call}: order")
        if call != "predict" and not report.check(
                f"{call}(): loss fetched by session_run_args()", "R vs Python",
                same_numbers(a["fetched"], b["fetched"]) and len(a["fetched"]) > 0,
                f"{len(a['fetched'])} values"):
            failed.append(f"{call}: fetched")
    # The life cycle itself: train 3 steps, evaluate 2 steps.
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
    ok = r_run["modes"] == py_run["modes"] == ["train", "eval", "infer"]
    report.check("modes the model function receives", "train(), evaluate(), predict()", ok,
                 f"R {r_run['modes']}, Python {py_run['modes']}")
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
        a, b = r_run[key], py_run[key]
        detail = ", ".join(f"{k}={a['values'][k][0]:.6g}" for k in a["names"])
        if not report.check(f"evaluate({label})", "metric names and values",
                            _compare_values(a, b), md(detail)):
            failed.append(label)
        if not report.check(f"evaluate({label})", "result type", r_class in a["class"]
                            and b["class"] == py_class, f"R {a['class']}, Python {b['class']}"):
            failed.append(f"{label}: type")
    assert sorted(py_run["evaluate_list"]["names"]) == ["accuracy", "global_step", "loss"]
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
        a, b = r_run[key], py_run[key]
        if not report.check(label, "prediction names, classes and probabilities",
                            _predictions_same(a, b),
                            f"columns {a['names']}, {len(a['classes'])} examples"):
            failed.append(label)
    assert r_run["predict_classes_only"]["names"] == ["classes"]
    assert py_run["predict_frame"]["names"] == ["classes", "probabilities"]
    for run, lang in ((r_run, "R"), (py_run, "Python")):
        frame_is_rows = _predictions_same(run["predict_frame"], run["predict_rows"])
        if not report.check(f"{lang}: simplify = TRUE vs FALSE", "predictions", frame_is_rows,
                            "the same predictions, tabled or listed"):
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
    failed = [w for w, ok, d in checks if not report.check("after train(steps = 20)", w, ok, d)]
    assert not failed, f"checkpoint accessors differ: {failed}"
