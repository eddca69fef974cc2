"""guards/calls.py, fail fast and lose nothing (issue 11): endless input, a train_op that never
increments global_step, and Ctrl-C / SIGTERM during train() (the data guards are in
test_guards_data.py and test_columns_data_checks.py; a NaN row given to predict() stays here,
with this file's ``trained`` estimator).

Each call that used to hang runs under an alarm, so a regression fails instead of hanging.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest

import pyestim
from pyestim import errors
from pyestim.guards import calls as guards
from support.models import global_step_of, toy_input
from support.process import time_limit


@pytest.fixture
def trained(tmp_path, linear_model_fn, toy_data):
    est = pyestim.estimator(linear_model_fn, model_dir=str(tmp_path / "m"))
    pyestim.train(est, toy_input(toy_data), steps=2)
    return est


# 1. Endless input -----------------------------------------------------------------------------

def test_predict_refuses_numpy_input_that_repeats_forever(trained, toy_data):
    endless = pyestim.numpy_input_fn({"x": toy_data.x}, shuffle=False, num_epochs=None)
    with time_limit(), pytest.raises(errors.EndlessInputError, match="as_iterable"):
        pyestim.predict(trained, endless)


def test_predict_as_iterable_over_endless_input_still_works(trained, toy_data):
    endless = pyestim.numpy_input_fn({"x": toy_data.x}, shuffle=False, num_epochs=None)
    with time_limit():
        it = pyestim.predict(trained, endless, as_iterable=True)
        first = [next(it) for _ in range(250)]  # more rows than the data: it repeats
    assert len(first) == 250


def test_evaluate_refuses_endless_input_without_steps(trained, toy_data):
    with time_limit(), pytest.raises(errors.EndlessInputError, match="steps"):
        pyestim.evaluate(trained, toy_input(toy_data, num_epochs=None))
    with time_limit():  # with steps it runs
        out = pyestim.evaluate(trained, toy_input(toy_data, num_epochs=None), steps=2)
    assert len(out) == 1


def test_input_fn_with_num_epochs_none_is_refused_too(trained, toy_data):
    df = pd.DataFrame(toy_data.x, columns=[f"f{i}" for i in range(6)])
    df["y"] = toy_data.y
    fn = pyestim.input_fn(df, [f"f{i}" for i in range(6)], "y", num_epochs=None)
    with time_limit(), pytest.raises(errors.EndlessInputError):
        pyestim.predict(trained, fn)
    with time_limit(), pytest.raises(errors.EndlessInputError):
        pyestim.evaluate(trained, fn)


def test_predict_bounds_an_opaque_endless_input(trained, toy_data, monkeypatch):
    from pyestim import tf

    def opaque():  # a tf.data input pyestim cannot see into, repeating forever
        return tf.data.Dataset.from_tensor_slices({"x": toy_data.x}).repeat().batch(50)

    monkeypatch.setenv("PYESTIM_PREDICT_ROW_LIMIT", "500")
    with time_limit(), pytest.raises(errors.EndlessInputError, match="more than 500 rows"):
        pyestim.predict(trained, opaque)


def test_predict_row_limit_counts_batches_by_rows():
    batches = [{"p": np.zeros((40, 2))} for _ in range(3)]
    assert len(list(guards.bounded_rows(iter(batches), single=False, limit=120))) == 3
    with pytest.raises(errors.EndlessInputError, match="more than 100 rows"):
        list(guards.bounded_rows(iter(batches), single=False, limit=100))


# 2. A train_op that never increments global_step ---------------------------------------------

def _no_step_model(features, labels, mode):
    from pyestim import estimator_spec, tf
    w = tf.get_variable("w", [6, 10], initializer=tf.zeros_initializer())
    logits = tf.matmul(features["x"], w)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    # The common slip: no global_step = tf.train.get_global_step().
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    return estimator_spec(mode=mode, loss=loss, train_op=train_op)


def test_train_op_without_global_step_stops_with_the_fix(tmp_path, toy_data):
    est = pyestim.estimator(_no_step_model, model_dir=str(tmp_path / "m"))
    with time_limit(), pytest.raises(errors.GlobalStepError) as info:
        pyestim.train(est, toy_input(toy_data), steps=5)
    message = str(info.value)
    assert "global_step stayed at 0" in message
    assert "global_step=tf.train.get_global_step()" in message
    assert f"ran {guards.STALLED_STEPS + 1} steps" in message


# 3. A non-finite row given to predict() (the other data guards: test_guards_data.py; this test
# stays with this file's ``trained`` estimator) ----------------------------------------------


def test_predict_with_a_nan_row_is_refused_not_answered(trained, toy_data):
    x = toy_data.x[:10].copy()
    x[3, 1] = np.nan
    with pytest.raises(errors.NonFiniteInputError, match="row 4 "):
        pyestim.predict(trained, pyestim.numpy_input_fn({"x": x}, shuffle=False))


# 5. Ctrl-C and SIGTERM write a checkpoint -----------------------------------------------------

_CHILD = textwrap.dedent("""
    import os, sys, time
    import numpy as np
    sys.path.insert(0, {tests!r})
    from support import models
    import pyestim
    from pyestim import hook_progress_bar, session_run_hook
    x = np.random.default_rng(1).normal(size=(200, 6)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int32)
    est = pyestim.estimator(models.linear_model, model_dir={model_dir!r},
                            config=pyestim.run_config(save_checkpoints_steps=100000,
                                                      save_checkpoints_secs=None,
                                                      steps_per_run={steps_per_run!r}))
    fn = pyestim.numpy_input_fn({{"x": x}}, y, batch_size=20, num_epochs=None, shuffle=True)
    runs = []
    def after_run(context, values):
        time.sleep(0.01)
        runs.append(1)
        if len(runs) == 30:
            open({ready!r}, "w").close()
    import signal
    def embedding_handler(signum, frame):  # like reticulate's, with no R interrupt pending
        print("EMBEDDING-HANDLER", flush=True)
    if {embedding!r}:
        signal.signal(signal.SIGINT, embedding_handler)
    try:
        pyestim.train(est, fn, steps=100000, hooks=session_run_hook(after_run=after_run))
    except KeyboardInterrupt:
        print("KEYBOARD-INTERRUPT", flush=True)
        if {embedding!r}:
            print("RESTORED", signal.getsignal(signal.SIGINT) is embedding_handler, flush=True)
        sys.exit(3)
    print("RETURNED", flush=True)
""")


def _interrupted_run(tmp_path, signum, embedding=False, steps_per_run=1):
    model_dir, ready = str(tmp_path / "m"), str(tmp_path / "ready")
    script = _CHILD.format(tests=os.path.dirname(__file__), model_dir=model_dir, ready=ready,
                           embedding=embedding, steps_per_run=steps_per_run)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        with time_limit(240):
            while not os.path.exists(ready):
                assert child.poll() is None, child.communicate()[1][-3000:]
                time.sleep(0.1)
            child.send_signal(signum)
            out, err = child.communicate()
    finally:
        if child.poll() is None:
            child.kill()
    return model_dir, child.returncode, out, err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_writes_a_checkpoint_and_the_next_train_resumes(tmp_path, signum, toy_data,
                                                                   linear_model_fn, tf_log):
    model_dir, code, out, err = _interrupted_run(tmp_path, signum)
    if signum == signal.SIGINT:
        assert code == 3 and "KEYBOARD-INTERRUPT" in out, err[-3000:]
    else:
        assert code == -signal.SIGTERM, err[-3000:]
    # save_checkpoints_steps is out of reach: the checkpoint is the interrupt's, past step 30
    step = global_step_of(model_dir)
    assert step >= 30
    assert "stopping after this step and writing a checkpoint" in err
    est = pyestim.estimator(linear_model_fn, model_dir=model_dir)
    pyestim.train(est, toy_input(toy_data), steps=1)
    assert any(f"Resuming training from step {step} " in line for line in tf_log)
    assert global_step_of(model_dir) == step + 1


def test_sigterm_with_several_steps_per_run_writes_the_checkpoint_of_a_run_end(tmp_path):
    # run_config(steps_per_run=4): the 30th run ends at step 120; the stop comes after a run
    model_dir, code, out, err = _interrupted_run(tmp_path, signal.SIGTERM, steps_per_run=4)
    assert code == -signal.SIGTERM, err[-3000:]
    step = global_step_of(model_dir)
    assert step >= 120 and step % 4 == 0, step
    assert "stopping after this step and writing a checkpoint" in err


def test_interrupt_under_an_embeddings_sigint_handler_writes_a_checkpoint_too(tmp_path):
    # Under R, reticulate has its own SIGINT handler, which raises KeyboardInterrupt only when
    # R has an interrupt pending. train() defers SIGINT there too, then raises
    # KeyboardInterrupt itself (R sees an interrupt) and puts the embedding's handler back.
    model_dir, code, out, err = _interrupted_run(tmp_path, signal.SIGINT, embedding=True)
    assert code == 3 and "KEYBOARD-INTERRUPT" in out, err[-3000:]
    assert "RESTORED True" in out
    assert "stopping after this step and writing a checkpoint" in err
    step = global_step_of(model_dir)
    assert step >= 30
    assert f"Training stopped by SIGINT after {step} step(s)" in err


# 6. An interrupt taken in a hook callback -----------------------------------------------------


def test_an_interrupt_its_caller_took_in_a_hook_callback_is_deferred_as_sigint(
        tmp_path, toy_data, linear_model_fn, tf_log):
    # What the R package's bridge does when R raises its interrupt inside an R hook callback
    # (Ctrl-C landed in R's Sys.sleep()): hand it to the guard, which decides.
    answers, calls = [], []

    def after_run(context, values):
        calls.append(len(calls) + 1)
        if len(calls) == 1:  # during the first step: acts at once (nothing to keep yet)
            answers.append(guards.defer_interrupt(after_run, "an interrupt in a test"))
        if len(calls) == 3:  # a function that is not the hook callback being called
            answers.append(guards.defer_interrupt(lambda: None, "an interrupt in a test"))
        if len(calls) == 5:
            answers.append(guards.defer_interrupt(after_run, "an interrupt in a test"))
            answers.append(guards.defer_interrupt(after_run, "a second one"))  # acts at once
            return guards.INTERRUPTED
        return None

    model_dir = str(tmp_path / "m")
    est = pyestim.estimator(linear_model_fn, model_dir=model_dir)
    with time_limit(240), pytest.raises(KeyboardInterrupt):
        pyestim.train(est, toy_input(toy_data), steps=100000,
                      hooks=pyestim.session_run_hook(after_run=after_run))
    assert answers == [False, False, True, False]
    assert len(calls) == 5  # the fifth step completed, then training stopped
    assert global_step_of(model_dir) == 5
    assert any("Received SIGINT (an interrupt in a test): stopping after this step" in line
               for line in tf_log)
    assert not guards.defer_interrupt(after_run, "outside train()")
    pyestim.train(est, toy_input(toy_data), steps=1)
    assert any("Resuming training from step 5 " in line for line in tf_log)
    assert global_step_of(model_dir) == 6

