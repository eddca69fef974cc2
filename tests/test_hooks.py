"""hooks.py: the hooks train() attaches. The progress bar (ProgressBarHook): quiet when stdout
is not a terminal, counting to steps / max_steps, a user's hook_progress_bar() in its place,
showing the loss TensorFlow logs. The history saver (HistorySaverHook): the recorded steps and
losses (checked against the loss fetched by a plain TensorFlow hook, against the estimator's
"Loss for final step" log line, against the ``loss = ...`` lines TensorFlow logs for canned
heads and custom model functions, and against a NumPy re-computation of the model). (The
History object is in test_history.py; the hook_* constructors in test_hook_constructors.py.)
SharedFetchHooks, which gives TensorFlow train()'s default hooks as one: its members'
callbacks and values checked against a counter the runs increment, and train()'s hook list."""

import io
import re
import sys

import numpy as np
import pytest
import tensorflow as tf

import pyestim
from pyestim.guards.calls import GlobalStepGuard
from pyestim.guards.training import NanLossHook
from pyestim.hooks import HistorySaverHook, ProgressBarHook, SharedFetchHooks

from support.models import in_order_batches, toy_input

tf1 = tf.compat.v1


# --------------------------------------------------------------------------------------------
# The progress bar


def test_progress_bar_is_quiet_when_stdout_is_not_a_terminal(tmp_path, linear_model_fn,
                                                             toy_data, capsys):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), steps=20)
    out = capsys.readouterr().out
    assert "20/20" not in out and "loss:" not in out
    assert out == ""


def test_progress_bar_enabled_shows_steps_and_loss(tmp_path, linear_model_fn, toy_data,
                                                   capsys):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), steps=20,
                  hooks=pyestim.hook_progress_bar(enabled=True))
    out = capsys.readouterr().out
    assert "20/20" in out
    assert "loss:" in out
    final = out.rstrip("\n").split("\r")[-1]
    assert final.startswith("20/20 [" + "=" * 30 + "]")
    loss = float(re.search(r"loss: ([0-9.]+)", final).group(1))
    assert 0 < loss < np.log(10)


class _FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_shows_on_a_terminal_and_counts_to_max_steps(
        tmp_path, linear_model_fn, toy_data, monkeypatch):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), steps=3)
    terminal = _FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    pyestim.train(est, toy_input(toy_data), max_steps=5)
    shown = terminal.getvalue()
    assert "2/2 [" in shown and "loss:" in shown

    mine = _FakeTerminal()
    monkeypatch.setattr(sys, "stdout", mine)
    pyestim.train(est, toy_input(toy_data), steps=2,
                  hooks=pyestim.hook_progress_bar(enabled=True))
    assert mine.getvalue().count("\r1/2 [") == 1  # the user's bar only, no default one

    quiet = _FakeTerminal()
    monkeypatch.setattr(sys, "stdout", quiet)
    pyestim.train(est, toy_input(toy_data), steps=2,
                  hooks=pyestim.hook_progress_bar(enabled=False))
    assert quiet.getvalue() == ""


def test_a_reused_progress_bar_counts_each_call(tmp_path, linear_model_fn, toy_data, capsys):
    bar = pyestim.hook_progress_bar(enabled=True)
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), steps=4, hooks=bar)
    assert "4/4 [" in capsys.readouterr().out
    pyestim.train(est, toy_input(toy_data), steps=2, hooks=bar)
    out = capsys.readouterr().out
    assert "2/2 [" in out and "/4 [" not in out


# --------------------------------------------------------------------------------------------
# The history saver: the losses train() returns as a History


class LossFetcher(tf.compat.v1.train.SessionRunHook):
    """A plain TensorFlow hook: fetches a tensor the model function stored and the global
    step after each step."""

    def __init__(self, tensors):
        self.tensors = tensors
        self.values = []

    def before_run(self, run_context):
        return tf.compat.v1.train.SessionRunArgs(self.tensors["loss"])

    def after_run(self, run_context, run_values):
        step = run_context.session.run(tf.compat.v1.train.get_global_step())
        self.values.append((int(step), run_values.results))


def test_default_history_records_the_first_every_10th_and_the_last_step_of_a_call(
        tmp_path, linear_model_fn, toy_data):
    # tfestimators' saver records the call's step 1 and every 10th step of the call
    # (R/session_run_hooks_custom.R: should_execute()); pyestim adds the call's last step.
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    first = pyestim.train(est, toy_input(toy_data), steps=25)
    assert isinstance(first, pyestim.History)
    assert first.steps == [1, 10, 20, 25]
    second = pyestim.train(est, toy_input(toy_data), steps=10)
    # the call's 1st and 10th steps, at the global steps continuing from the checkpoint
    assert second.steps == [26, 35]
    assert first.steps == [1, 10, 20, 25]  # each call has its own history
    single = pyestim.train(est, toy_input(toy_data), steps=1)
    assert single.steps == [36]  # the first step is the last: recorded once
    assert len(single.to_dataframe(long=True)) == 2


def test_history_saver_every_step_is_returned(tmp_path, linear_model_fn, toy_data,
                                              numpy_reference):
    saver = pyestim.hook_history_saver(every_n_step=1)
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    history = pyestim.train(est, toy_input(toy_data), steps=12, hooks=saver)
    assert history is saver.history
    assert history.steps == list(range(1, 13))
    expected, _, _ = numpy_reference.gd_losses(toy_data.x, toy_data.y,
                                               in_order_batches(200, 50, 12))
    assert history.mean_losses[0] == pytest.approx(np.log(10), rel=1e-6)
    np.testing.assert_allclose(history.mean_losses, expected, rtol=1e-5)
    assert history.total_losses == history.mean_losses  # a single loss


def test_a_reused_history_saver_gives_each_call_its_own_history(tmp_path, linear_model_fn,
                                                                toy_data):
    saver = pyestim.hook_history_saver(every_n_step=1)
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    first = pyestim.train(est, toy_input(toy_data), steps=3, hooks=saver)
    second = pyestim.train(est, toy_input(toy_data), steps=2, hooks=saver)
    assert second.steps == [4, 5]
    assert first.steps == [1, 2, 3]


def test_history_saver_every_3_steps(tmp_path, linear_model_fn, toy_data):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    history = pyestim.train(est, toy_input(toy_data), steps=10,
                            hooks=pyestim.hook_history_saver(every_n_step=3.0))
    assert history.steps == [1, 3, 6, 9, 10]


def test_history_saver_every_2_steps_gives_tfestimators_12_long_rows(tmp_path, linear_model_fn,
                                                                    toy_data):
    # tfestimators: steps 1 and each 2nd step of the call, 2 metrics each.
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    history = pyestim.train(est, toy_input(toy_data), steps=10,
                            hooks=pyestim.hook_history_saver(every_n_step=2))
    assert history.steps == [1, 2, 4, 6, 8, 10]
    long = history.to_dataframe(long=True)
    assert len(long) == 12
    assert list(long["step"]) == [1, 2, 4, 6, 8, 10] * 2


def test_history_losses_equal_the_loss_tensor_and_the_final_log_line(
        tmp_path, linear_model_fn, toy_data, tf_log):
    tensors = {}

    def model_fn(features, labels, mode, params):
        spec = linear_model_fn(features, labels, mode, params)
        tensors["loss"] = spec.loss
        return spec

    fetcher = LossFetcher(tensors)
    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m")
    history = pyestim.train(est, toy_input(toy_data, batch_size=30), steps=15,
                            hooks=[fetcher, pyestim.hook_history_saver(every_n_step=1)])
    assert [step for step, _ in fetcher.values] == history.steps
    assert history.mean_losses == [float(loss) for _, loss in fetcher.values]

    final = [line for line in tf_log if line.startswith("INFO:tensorflow:Loss for final step:")]
    assert len(final) == 1
    logged = float(re.search(r"final step: ([0-9.eE+-]+)\.$", final[0]).group(1))
    assert history.mean_losses[-1] == pytest.approx(logged, rel=1e-6)


def test_other_losses_in_the_collection_are_not_the_models_loss(tmp_path, linear_model_fn,
                                                                toy_data, numpy_reference):
    # A loss the model adds to the LOSSES collection without adding it into its
    # estimator_spec()'s loss is not the loss TensorFlow logs and trains: the history records
    # the model's loss (mean = total: one scalar).
    def model_fn(features, labels, mode, params):
        from pyestim import tf as tf1
        spec = linear_model_fn(features, labels, mode, params)
        tf1.losses.add_loss(tf1.constant(2.0))  # a second loss in the LOSSES collection
        return spec

    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m")
    history = pyestim.train(est, toy_input(toy_data), steps=4,
                            hooks=pyestim.hook_history_saver(every_n_step=1))
    expected, _, _ = numpy_reference.gd_losses(toy_data.x, toy_data.y,
                                               in_order_batches(200, 50, 4))
    np.testing.assert_allclose(history.total_losses, expected, rtol=1e-5)
    assert history.mean_losses == history.total_losses


# --------------------------------------------------------------------------------------------
# mean_losses and total_losses against the loss TensorFlow logs (issue 22, point 1)


LOGGED = re.compile(r"^INFO:tensorflow:loss = ([^,]+), step = ")


def logged_losses(lines):
    """{step of the call (1, 2, ...): the loss TensorFlow logged}, from the lines of its
    LoggingTensorHook (``loss = 2864.7, step = 0``) under ``log_step_count_steps=1``: one line
    per step, in order. (The step it prints is a read of the global step that TensorFlow
    does not order before the step's increment, so the order of the lines is used.) The
    values are NumPy's float32 text, which reads back to the same float32."""
    values = [np.float32(m.group(1)) for m in map(LOGGED.match, lines) if m]
    return {i + 1: v for i, v in enumerate(values)}


def train_logging_every_step(make, data, features, response, tmp_path, tf_log, steps=6,
                             batch_size=8):
    est = make(model_dir=str(tmp_path / "m"),
               config=pyestim.run_config(tf_random_seed=1, log_step_count_steps=1))
    history = pyestim.train(est, pyestim.input_fn(data, features, response,
                                                  batch_size=batch_size, num_epochs=None,
                                                  shuffle=False),
                            steps=steps, hooks=pyestim.hook_history_saver(every_n_step=1))
    return history, logged_losses(tf_log)


def mtcars_regressor(**kw):
    return pyestim.linear_regressor(pyestim.column_numeric("drat", "cyl"), **kw)


def mtcars_binary(**kw):
    return pyestim.linear_classifier(pyestim.column_numeric("drat", "cyl"), n_classes=2, **kw)


def iris_multiclass(**kw):
    return pyestim.dnn_classifier([5], pyestim.column_numeric(*IRIS_FEATURES), n_classes=3,
                                  **kw)


IRIS_FEATURES = ["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"]


HEADS = {
    "regression": (mtcars_regressor, "mtcars", ["drat", "cyl"], "mpg"),
    "binary": (mtcars_binary, "mtcars", ["drat", "cyl"], "am"),
    "multi-class": (iris_multiclass, "iris", IRIS_FEATURES, "Species"),
}


@pytest.mark.parametrize("head", sorted(HEADS))
def test_canned_total_losses_is_the_logged_loss_and_mean_losses_its_mean(head, tmp_path,
                                                                         tf_log):
    # TensorFlow 1's canned heads put the per-example losses (batch, 1) first in the LOSSES
    # collection and log their sum; tfestimators recorded their mean and their sum.
    from pyestim import datasets

    make, data, features, response = HEADS[head]
    history, logged = train_logging_every_step(make, getattr(datasets, data)(), features,
                                               response, tmp_path, tf_log)
    assert history.steps == [1, 2, 3, 4, 5, 6]
    assert sorted(logged) == history.steps
    # the same float32, bit for bit
    assert [np.float32(v) for v in history.total_losses] == [logged[s] for s in history.steps]
    # batches of 8 examples, not weighted: the mean is the logged sum over 8
    np.testing.assert_allclose(history.mean_losses,
                               [float(logged[s]) / 8 for s in history.steps], rtol=1e-5)


@pytest.mark.parametrize("make", ["dnn_regressor", "dnn_classifier"])
def test_tensorflow_2_classes_average_already(make, tmp_path, tf_log):
    # A Keras optimizer selects TensorFlow 2's class, whose loss is the mean over the batch:
    # total_losses is still the logged loss, and mean_losses the same number (to rounding).
    from pyestim.datasets import mtcars

    def build(**kw):
        extra = {"n_classes": 2} if make == "dnn_classifier" else {}
        return getattr(pyestim, make)([3], pyestim.column_numeric("drat", "cyl"),
                                      optimizer=tf.keras.optimizers.legacy.SGD(0.001),
                                      **extra, **kw)

    response = "am" if make == "dnn_classifier" else "mpg"
    history, logged = train_logging_every_step(build, mtcars(), ["drat", "cyl"], response,
                                               tmp_path, tf_log, steps=3)
    assert [np.float32(v) for v in history.total_losses] == [logged[s] for s in history.steps]
    np.testing.assert_allclose(history.mean_losses, history.total_losses, rtol=1e-6)


def test_linear_regressor_on_mtcars_first_step_as_in_the_issue(tmp_path, tf_log):
    # issue 22's example: linear_regressor on mtcars (drat, cyl), batch 8, zero-initialised
    # weights: the first step's prediction is 0, so the logged loss is the sum of the squared
    # mpg of the batch (the first 8 rows here, unshuffled: 3336.95; the issue's 2864.7 was a
    # shuffled batch), and mean_losses is that over 8. (pyestim recorded the mean and the sum
    # of the per-example losses and their sum: 3336.95 * 9 / 16 and 3336.95 * 9 / 8.)
    from pyestim.datasets import mtcars

    cars = mtcars()
    history, logged = train_logging_every_step(mtcars_regressor, cars, ["drat", "cyl"], "mpg",
                                               tmp_path, tf_log, steps=1)
    expected = float(np.sum(cars["mpg"].to_numpy()[:8] ** 2))
    assert expected == pytest.approx(3336.95, abs=1e-6)
    assert history.total_losses == [pytest.approx(expected, rel=1e-6)]
    assert history.mean_losses == [pytest.approx(expected / 8, rel=1e-6)]
    assert np.float32(history.total_losses[0]) == logged[1]


def test_custom_model_mean_and_total_are_its_logged_loss(tmp_path, linear_model_fn, toy_data,
                                                         tf_log):
    # A custom model function's loss is one scalar: total_losses is it (what TensorFlow
    # logs), and mean_losses too (the mean of one number).
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m",
                            config=pyestim.run_config(log_step_count_steps=1))
    history = pyestim.train(est, toy_input(toy_data), steps=5,
                            hooks=pyestim.hook_history_saver(every_n_step=1))
    logged = logged_losses(tf_log)
    assert sorted(logged) == history.steps == [1, 2, 3, 4, 5]
    assert [np.float32(v) for v in history.total_losses] == [logged[s] for s in history.steps]
    assert history.mean_losses == history.total_losses


def test_custom_model_with_per_example_losses_first(tmp_path, toy_data, tf_log):
    # A custom model function that, as a canned head, puts its per-example losses first in
    # the LOSSES collection and returns their sum: total_losses is the sum it logs,
    # mean_losses their mean.
    from pyestim import tf as tf1

    def model_fn(features, labels, mode):
        w = tf1.get_variable("w", [6, 10], initializer=tf1.zeros_initializer())
        logits = tf1.matmul(features["x"], w)
        per_example = tf1.losses.sparse_softmax_cross_entropy(
            labels=labels, logits=logits, reduction=tf1.losses.Reduction.NONE)
        loss = tf1.reduce_sum(per_example)
        train_op = tf1.train.GradientDescentOptimizer(0.01).minimize(
            loss, global_step=tf1.train.get_global_step())
        return pyestim.estimator_spec(mode=mode, loss=loss, train_op=train_op)

    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m",
                            config=pyestim.run_config(log_step_count_steps=1))
    history = pyestim.train(est, toy_input(toy_data), steps=3,
                            hooks=pyestim.hook_history_saver(every_n_step=1))
    logged = logged_losses(tf_log)
    assert [np.float32(v) for v in history.total_losses] == [logged[s] for s in history.steps]
    # zero weights: the first step's 50 examples each lose log(10)
    assert history.total_losses[0] == pytest.approx(50 * np.log(10), rel=1e-6)
    assert history.mean_losses[0] == pytest.approx(np.log(10), rel=1e-6)
    np.testing.assert_allclose(history.mean_losses,
                               [float(logged[s]) / 50 for s in history.steps], rtol=1e-5)


def test_history_steps_do_not_depend_on_the_op_schedule(tmp_path, toy_data):
    """Delays the global-step read by 0.3 s (TensorFlow may schedule it that late on its own
    under load); the step numbers must still be the global steps after each step."""
    import time

    from pyestim import tf as tf1

    def model_fn(features, labels, mode):
        w = tf1.get_variable("w", [6, 10], initializer=tf1.zeros_initializer())
        loss = tf1.losses.sparse_softmax_cross_entropy(
            labels=labels, logits=tf1.matmul(features["x"], w))
        train_op = tf1.train.GradientDescentOptimizer(0.5).minimize(
            loss, global_step=tf1.train.get_global_step())
        pause = tf1.py_func(lambda: time.sleep(0.3) or np.float32(0), [], tf1.float32,
                            stateful=True)
        for read in tf1.get_collection("global_step_read_op_cache"):
            seen, stack = set(), [read.op]
            while stack:
                op = stack.pop()
                if op in seen:
                    continue
                seen.add(op)
                stack.extend(t.op for t in op.inputs)
                if op.type not in ("VarHandleOp", "Const"):
                    op._add_control_input(pause.op)
        return pyestim.estimator_spec(mode=mode, loss=loss, train_op=train_op)

    config = pyestim.run_config(session_config=pyestim.session_config(
        inter_op_parallelism_threads=4))
    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m", config=config)
    history = pyestim.train(est, toy_input(toy_data), steps=3,
                            hooks=pyestim.hook_history_saver(every_n_step=1))
    assert int(tf.train.load_variable(str(tmp_path / "m"), "global_step")) == 3
    assert history.steps == [1, 2, 3]


@pytest.mark.parametrize("head", sorted(HEADS))
def test_the_progress_bar_shows_the_logged_loss(head, tmp_path, tf_log, capsys):
    # The bar's loss is the loss TensorFlow logs (for the binary head the first LOSSES tensor
    # is the batch sum, for the others the per-example losses: neither is what is logged).
    from pyestim import datasets

    from pyestim.hooks import ProgressBarHook

    make, data, features, response = HEADS[head]
    est = make(model_dir=str(tmp_path / "m"),
               config=pyestim.run_config(tf_random_seed=1, log_step_count_steps=1))
    pyestim.train(est, pyestim.input_fn(getattr(datasets, data)(), features, response,
                                        batch_size=8, num_epochs=None, shuffle=False),
                  steps=3, hooks=ProgressBarHook(enabled=True, min_interval=0))  # a draw each step
    # {step: the loss drawn at it} (the last step may be drawn twice, the same)
    shown = {int(m.group(1)): float(m.group(2)) for m in re.finditer(
        r"(\d+)/3 \[[=.]+\] - ETA: [^-]+ - loss: ([-0-9.]+)", capsys.readouterr().out)}
    logged = logged_losses(tf_log)
    assert sorted(shown) == sorted(logged) == [1, 2, 3]
    # the bar prints 4 decimals
    np.testing.assert_allclose([shown[s] for s in (1, 2, 3)],
                               [float(logged[s]) for s in (1, 2, 3)], atol=5e-5, rtol=0)


# --------------------------------------------------------------------------------------------
# SharedFetchHooks: pyestim's own hooks as one hook


class _Recorder(tf1.train.SessionRunHook):
    """Fetches ``fetch`` (or nothing), records what each callback saw, in a shared log."""

    def __init__(self, name, fetch, log, stop_at=None, feed=None):
        self.name, self.fetch, self.log, self.stop_at, self.feed = name, fetch, log, stop_at, feed

    def begin(self):
        self.log.append((self.name, "begin"))

    def after_create_session(self, session, coord):
        self.log.append((self.name, "session"))

    def before_run(self, run_context):
        if self.fetch is None:
            return None
        return tf1.train.SessionRunArgs(self.fetch, feed_dict=self.feed)

    def after_run(self, run_context, run_values):
        self.log.append((self.name, run_values.results))
        if self.stop_at is not None and run_values.results == self.stop_at:
            run_context.request_stop()

    def end(self, session):
        self.log.append((self.name, "end"))


def _counting_graph():
    # a counter incremented by each run's train op; "shared" and "other" read it after the
    # increment, so run n gives n and 10 * n
    graph = tf.Graph()
    with graph.as_default():
        counter = tf1.Variable(0, dtype=tf.int64, name="counter")
        step = tf1.assign_add(counter, 1)
        shared = tf.identity(step, name="shared")
        other = tf.multiply(step, 10, name="other")
    return graph, step, shared, other


def _run(graph, train_op, hooks, runs):
    with graph.as_default():
        with tf1.train.MonitoredSession(hooks=hooks) as session:
            done = 0
            while not session.should_stop() and done < runs:
                session.run(train_op)
                done += 1
    return done


def test_shared_fetch_hooks_fetch_a_shared_tensor_once_and_hand_it_to_each_member():
    graph, train_op, shared, other = _counting_graph()
    log = []
    members = [_Recorder("a", shared, log), _Recorder("b", None, log),
               _Recorder("c", shared, log)]
    with graph.as_default():
        fused = SharedFetchHooks(members)
        fused.begin()
        assert fused.before_run(None).fetches is shared  # the tensor itself, not a structure
    log.clear()
    assert _run(graph, train_op, [fused], 2) == 2
    assert log == [("a", "begin"), ("b", "begin"), ("c", "begin"),
                   ("a", "session"), ("b", "session"), ("c", "session"),
                   ("a", 1), ("b", None), ("c", 1), ("a", 2), ("b", None), ("c", 2),
                   ("a", "end"), ("b", "end"), ("c", "end")]


def test_shared_fetch_hooks_give_a_member_fetching_another_tensor_its_own_values():
    graph, train_op, shared, other = _counting_graph()
    log = []
    fused = SharedFetchHooks([_Recorder("a", shared, log), _Recorder("b", other, log)])
    _run(graph, train_op, [fused], 2)
    assert [entry for entry in log if not isinstance(entry[1], str)] == [
        ("a", 1), ("b", 10), ("a", 2), ("b", 20)]


def test_a_members_stop_request_stops_the_run_loop():
    graph, train_op, shared, _ = _counting_graph()
    log = []
    fused = SharedFetchHooks([_Recorder("a", shared, log, stop_at=3), _Recorder("b", shared, log)])
    assert _run(graph, train_op, [fused], 10) == 3
    assert ("b", 3) in log and ("b", 4) not in log  # the stop acts after the run, as usual


def test_a_member_feeding_tensors_is_refused_with_its_name():
    graph, train_op, shared, _ = _counting_graph()
    with graph.as_default():
        feeding = _Recorder("a", shared, [], feed={shared: 5})
        fused = SharedFetchHooks([feeding])
        with pytest.raises(ValueError, match="_Recorder feeds tensors"):
            fused.before_run(None)


def test_train_gives_tensorflow_its_default_hooks_as_one_hook_after_the_callers(
        tmp_path, monkeypatch, linear_model_fn, toy_data):
    from pyestim import engine

    seen = []
    original = engine.train

    def recording_train(tf_estimator, input_fn, steps, hooks, *args):
        seen.append(list(hooks))
        return original(tf_estimator, input_fn, steps, hooks, *args)

    monkeypatch.setattr(engine, "train", recording_train)
    mine = _Recorder("mine", None, [])
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    history = pyestim.train(est, toy_input(toy_data), steps=3, hooks=mine)
    assert history.steps == [1, 3]
    hooks = seen[0]
    assert hooks[0] is mine
    fused = [h for h in hooks if isinstance(h, SharedFetchHooks)]
    assert len(fused) == 1 and hooks[1] is fused[0]
    assert [type(h) for h in fused[0].members] == [
        HistorySaverHook, ProgressBarHook, NanLossHook, GlobalStepGuard]
    # none of them is given to TensorFlow on its own
    assert not any(isinstance(h, (HistorySaverHook, ProgressBarHook, NanLossHook,
                                  GlobalStepGuard)) for h in hooks)
