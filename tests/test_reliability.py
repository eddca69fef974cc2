"""Reliability: crash and resume, NaN loss, bad data, one writer per model_dir, damaged
checkpoints (see docs/reliability.md for what is guaranteed).

Subprocess tests run tests/_crash_child.py, which trains the suite's softmax regression and
reports what it is doing line by line (and can pause at a chosen point of a save); the parent
SIGKILLs it there. Model directories live under tmp_path.
"""

import hashlib
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

import pyestim
from pyestim import errors
from pyestim.checkpoints import finding, lock as locking, rollback
from support.models import global_step_of
from support.paths import TESTS

CHILD = TESTS / "_crash_child.py"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# --------------------------------------------------------------------------------------------
# Helpers


def tree(path):
    """{relative path: sha256} of every file under ``path`` ({} if it does not exist)."""
    path = Path(path)
    out = {}
    if not path.exists():
        return out
    for p in sorted(path.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(path))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def step_of(prefix):
    return int(str(prefix).rsplit("-", 1)[1])


def assert_complete(prefix):
    """The checkpoint's .index opens, its .data is there, and every tensor reads back (which
    checks TensorFlow's per-tensor CRC)."""
    prefix = str(prefix)
    assert os.path.isfile(prefix + ".index"), prefix
    assert os.path.isfile(prefix + ".data-00000-of-00001"), prefix
    assert finding.checkpoint_status(prefix) == ("ok", None)
    reader = tf.compat.v1.train.NewCheckpointReader(prefix)
    for name in reader.get_variable_to_shape_map():
        value = reader.get_tensor(name)
        if np.issubdtype(np.asarray(value).dtype, np.floating):
            assert np.all(np.isfinite(value)), name


def data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype(np.float32)
    y = np.argmax(x @ rng.normal(size=(6, 10)), axis=1).astype(np.int32)
    return x, y


def train_input(x, y, **kw):
    kw.setdefault("batch_size", 50)
    kw.setdefault("num_epochs", None)
    kw.setdefault("shuffle", False)
    return pyestim.numpy_input_fn({"x": x}, y, **kw)


def eval_input(x, y):
    return pyestim.numpy_input_fn({"x": x}, y, batch_size=100, num_epochs=1, shuffle=False)


def make_estimator(model_fn, model_dir, save_steps=2, params=None):
    config = pyestim.run_config(save_checkpoints_steps=save_steps, log_step_count_steps=1000,
                                tf_random_seed=3)
    return pyestim.estimator(model_fn, model_dir=str(model_dir), config=config,
                             params=params)


def fixed_model(features, labels, mode, params):
    """Softmax regression over exactly 6 float32 features (fixed weight shapes, no cast), so
    other shapes or dtypes fail when the graph is built."""
    from pyestim import tf as tf1

    x = features["x"]
    w = tf1.get_variable("w", [6, 10], initializer=tf1.zeros_initializer())
    b = tf1.get_variable("b", [10], initializer=tf1.zeros_initializer())
    logits = tf1.matmul(x, w) + b
    if mode == "infer":
        return pyestim.estimator_spec(mode=mode, predictions={"classes": tf1.argmax(logits, 1)})
    loss = tf1.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    train_op = tf1.train.GradientDescentOptimizer(0.5).minimize(
        loss, global_step=tf1.train.get_global_step())
    return pyestim.estimator_spec(mode=mode, loss=loss, train_op=train_op)


def one_hot_model(features, labels, mode, params):
    """A model that turns labels into one-hot rows (out-of-range labels become zero rows,
    silently): only params$n_classes lets pyestim check them."""
    from pyestim import tf as tf1

    w = tf1.get_variable("w", [6, 10], initializer=tf1.zeros_initializer())
    logits = tf1.matmul(features["x"], w)
    loss = tf1.losses.softmax_cross_entropy(tf1.one_hot(labels, 10), logits)
    train_op = tf1.train.GradientDescentOptimizer(0.5).minimize(
        loss, global_step=tf1.train.get_global_step())
    return pyestim.estimator_spec(mode=mode, loss=loss, train_op=train_op)


@pytest.fixture(scope="module")
def trained_dir(tmp_path_factory):
    """A model_dir of fixed_model trained 6 steps (checkpoints at 0, 2, 4, 6)."""
    md = tmp_path_factory.mktemp("trained") / "m"
    x, y = data()
    pyestim.train(make_estimator(fixed_model, md), train_input(x, y), steps=6)
    return md


@pytest.fixture
def trained(trained_dir, tmp_path):
    """A fresh copy of ``trained_dir``."""
    md = tmp_path / "m"
    shutil.copytree(trained_dir, md)
    return md


# --------------------------------------------------------------------------------------------
# 1. Crash and resume


class Child:
    """tests/_crash_child.py in a subprocess, read line by line."""

    def __init__(self, model_dir, steps, *args, log=None):
        self.log = open(log or os.devnull, "wb")
        env = dict(os.environ, PYTHONUNBUFFERED="1", TF_CPP_MIN_LOG_LEVEL="2")
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(model_dir), str(steps), *args],
            stdout=subprocess.PIPE, stderr=self.log, env=env, cwd=str(TESTS))
        self.lines = []
        self._buf = b""

    def wait_for(self, *words, timeout=120):
        """Read lines until one starts with ``words``; return it (split)."""
        want = [str(w) for w in words]
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self._buf:
                line, self._buf = self._buf.split(b"\n", 1)
                parts = line.decode().split()
                self.lines.append(parts)
                if parts[:len(want)] == want:
                    return parts
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise AssertionError(f"child never said {want}; it said {self.lines}")
            ready, _, _ = select.select([self.proc.stdout], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    self.proc.wait()
                    raise AssertionError(
                        f"child exited ({self.proc.returncode}) before saying {want}; it said "
                        f"{self.lines}")
                self._buf += chunk

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=60)
        self.proc.stdout.close()
        self.log.close()


def raw_latest(model_dir):
    return tf.train.latest_checkpoint(str(model_dir))


def test_killed_training_always_leaves_a_complete_latest_checkpoint_and_resumes(tmp_path):
    """Five runs of 12 steps (a checkpoint every 3 steps) on one model_dir, each SIGKILLed at
    another point: while a save is under way, between a save's index and its state file,
    between the state file and the meta graph, while the graph is built, and inside the
    start-up re-save of the latest checkpoint (emulated: see _crash_child.py). (A kill
    between saves is in test_second_train_in_another_process_fails_and_a_killed_holder...)

    Why TensorFlow alone never names an incomplete checkpoint, except in one window: its
    Saver writes the data file (renamed into place), then the index, and only then replaces
    the ``checkpoint`` state file atomically, so the state names a checkpoint whose files
    were complete. The exception is the start-up save of a resumed run, which rewrites the
    latest checkpoint's .index in place (O_TRUNC) while the state already names it; that
    happens before the first step, inside pyestim's rollback window, and the next call puts
    the index back from the rollback backup. After every kill, the checkpoint the state file
    names (as TensorFlow reads it) is complete, once pyestim has run on the directory.
    """
    md = tmp_path / "m"
    log = tmp_path / "child.log"

    # (a) Killed as soon as the save of step 6 starts: the kill lands inside the save.
    child = Child(md, 12, log=log)
    child.wait_for("SAVING", 6)
    child.kill()
    latest = raw_latest(md)
    assert step_of(latest) in (3, 6)
    assert_complete(latest)  # TensorFlow's own view, before pyestim touched the directory
    last = step_of(latest)

    # (b) Paused after step n's data and index are written, before the state names it.
    nxt = last + 3
    child = Child(md, 12, "--pause", f"STATE:{nxt}", log=log)
    child.wait_for("PAUSED", "STATE", nxt)
    child.kill()
    assert os.path.exists(f"{md}/model.ckpt-{nxt}.index")
    assert step_of(raw_latest(md)) == last  # not named: the state was not updated
    assert_complete(raw_latest(md))

    # (c) Paused after the state names step n, before its meta graph is written.
    child = Child(md, 12, "--pause", f"META:{nxt}", log=log)
    child.wait_for("PAUSED", "META", nxt)
    child.kill()
    assert step_of(raw_latest(md)) == nxt
    assert not os.path.exists(f"{md}/model.ckpt-{nxt}.meta")  # not needed to restore
    assert_complete(raw_latest(md))
    last = nxt

    # (d) Killed while the graph is built: inside the first-step window.
    before = {k: v for k, v in tree(md).items() if k != locking.LOCK_NAME}
    child = Child(md, 12, "--pause", "BEGIN", log=log)
    child.wait_for("PAUSED", "BEGIN")
    child.kill()
    assert os.path.exists(md / rollback.ROLLBACK_DIR / rollback.MANIFEST)
    assert os.path.exists(md / locking.LOCK_NAME)  # a stale lock file: it must not block
    assert step_of(pyestim.latest_checkpoint(md)) == last  # finishes the rollback
    assert not os.path.exists(md / rollback.ROLLBACK_DIR)
    assert {k: v for k, v in tree(md).items() if k != locking.LOCK_NAME} == before

    # (e) The start-up save of step `last` cut the index it rewrites in place.
    child = Child(md, 12, "--truncate-index-at-start", log=log)
    child.wait_for("PAUSED", "TRUNCATED", last)
    child.kill()
    assert finding.checkpoint_status(f"{md}/model.ckpt-{last}")[0] == "damaged"
    assert os.path.exists(md / rollback.ROLLBACK_DIR / rollback.MANIFEST)
    est = make_estimator(fixed_model, md)
    assert sorted(pyestim.variable_names(est)) == ["b", "global_step", "w"]  # rolls back
    assert_complete(raw_latest(md))
    assert step_of(raw_latest(md)) == last

    # The directory loads, resumes from the last checkpoint, and evaluates.
    x, y = data()
    from support.models import linear_model

    est = pyestim.estimator(linear_model, model_dir=str(md), config=pyestim.run_config(
        save_checkpoints_steps=3, log_step_count_steps=1000), params={"learning_rate": 0.1})
    assert sorted(pyestim.variable_names(est)) == ["b", "global_step", "w"]
    pyestim.train(est, train_input(x, y), steps=4)
    assert global_step_of(md) == last + 4
    result = pyestim.evaluate(est, eval_input(x, y))
    assert int(result["global_step"][0]) == last + 4
    assert np.isfinite(result["loss"][0])
    assert not os.path.exists(md / rollback.ROLLBACK_DIR)
    assert not os.path.exists(md / locking.LOCK_NAME)


# --------------------------------------------------------------------------------------------
# 2. NaN loss


def diverging_model(nan_from):
    """fixed_model whose loss is multiplied by NaN from global step ``nan_from - 1`` (before
    the step) on: the step numbered ``nan_from`` has a NaN loss, and its update makes the
    weights NaN."""

    def model_fn(features, labels, mode, params):
        from pyestim import tf as tf1

        spec = fixed_model(features, labels, mode, params)
        if mode != "train":
            return spec
        step = tf1.train.get_global_step()
        factor = tf1.where(step >= nan_from - 1, tf1.constant(float("nan")), 1.0)
        loss = spec.loss * factor
        train_op = tf1.train.GradientDescentOptimizer(0.5).minimize(loss, global_step=step)
        return pyestim.estimator_spec(mode=mode, loss=loss, train_op=train_op)

    return model_fn


@pytest.mark.parametrize("nan_step, hooks", [
    (5, None),                                      # between saves (2, 4, 6 ...)
    (6, None),                                      # on a save step
    (6, "hook"),                                    # with hook_nan_tensor
])
def test_nan_loss_stops_with_the_step_and_keeps_the_last_good_checkpoint(tmp_path, nan_step,
                                                                         hooks):
    md = tmp_path / "m"
    x, y = data()
    est = make_estimator(diverging_model(nan_step), md, save_steps=2)
    if hooks == "hook":
        hooks = pyestim.hook_nan_tensor("mul")  # the scaled loss tensor's name
    with pytest.raises(errors.NanLossError) as info:
        pyestim.train(est, train_input(x, y), steps=20, hooks=hooks)
    assert info.value.step == nan_step
    assert f"step {nan_step}" in str(info.value)
    assert isinstance(info.value, tf.compat.v1.train.NanLossDuringTrainingError)
    latest = pyestim.latest_checkpoint(md)
    assert step_of(latest) == 4  # the last save before the divergence
    assert_complete(latest)  # and its weights are finite
    assert global_step_of(md) == 4
    assert not os.path.exists(f"{md}/model.ckpt-6.index")


def test_a_resumed_run_that_diverges_at_once_leaves_the_directory_as_it_was(trained):
    before = tree(trained)
    est = make_estimator(diverging_model(1), trained)  # NaN from the first step on
    with pytest.raises(errors.NanLossError):
        pyestim.train(est, train_input(*data()), steps=5)
    assert tree(trained) == before


# --------------------------------------------------------------------------------------------
# 3. Bad data before training


def absent_or_empty(path):
    return not os.path.exists(path) or not os.listdir(path)


BAD_INPUTS = {
    # name: (model_fn, params, input builder, expected error, words in the message)
    "too few feature columns": (
        fixed_model, None, lambda x, y: train_input(x[:, :4], y),
        errors.InputDataError, ["could not be built", "float32 [50, 4]", "4 and 6"]),
    "float64 features for a float32 model": (
        fixed_model, None, lambda x, y: train_input(x.astype(np.float64), y),
        errors.InputDataError, ["float64", "cast"]),
    "string features": (
        fixed_model, None, lambda x, y: train_input(x.astype(str), y),
        errors.InputDataError, ["string"]),
    "labels out of range, found at run time": (
        fixed_model, None, lambda x, y: train_input(x, np.where(y == 3, 12, y)),
        errors.InputDataError, ["12", "0..9"]),
    "labels out of range, params n_classes": (
        one_hot_model, {"n_classes": 10}, lambda x, y: train_input(x, np.where(y == 3, -1, y)),
        errors.InputDataError, ["outside 0..9", "-1", "row"]),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_data_is_refused_and_a_new_model_dir_stays_absent(tmp_path, case):
    model_fn, params, build, error, words = BAD_INPUTS[case]
    md = tmp_path / "new" / "m"
    est = make_estimator(model_fn, md, params=params)
    x, y = data()
    with pytest.raises(error) as info:
        pyestim.train(est, build(x, y), steps=3)
    for word in words:
        assert word in str(info.value), (word, str(info.value))
    assert not os.path.exists(tmp_path / "new")


@pytest.mark.parametrize("case", ["too few feature columns", "labels out of range, found at "
                                  "run time", "float64 features for a float32 model"])
def test_bad_data_leaves_an_existing_model_dir_byte_for_byte(trained, case):
    model_fn, params, build, error, _ = BAD_INPUTS[case]
    before = tree(trained)
    est = make_estimator(model_fn, trained, params=params)
    with pytest.raises(error):
        pyestim.train(est, build(*data()), steps=3)
    assert tree(trained) == before
    pyestim.train(est, train_input(*data()), steps=1)  # and it still trains
    assert global_step_of(trained) == 7


def test_features_of_another_shape_than_the_checkpoint_are_refused(trained):
    """The conftest model sizes its weights from the input, so 4 columns build a graph
    whose variables do not fit the 6-column checkpoint."""
    from support.models import linear_model

    before = tree(trained)
    est = make_estimator(linear_model, trained)
    x, y = data()
    with pytest.raises(errors.InputDataError) as info:
        pyestim.train(est, train_input(x[:, :4], y), steps=2)
    message = str(info.value)
    # what was given (4 columns against the checkpoint's 6), and what to do
    assert message.startswith("The input does not fit the model: ")
    assert "[50,4]" in message and "[6," in message
    assert "the number of columns of x" in message
    assert tree(trained) == before


def test_canned_classifier_labels_out_of_range_are_refused(tmp_path):
    md = tmp_path / "m"
    canned = tf.estimator.LinearClassifier(
        feature_columns=[tf.feature_column.numeric_column("x", shape=(6,))], n_classes=3,
        model_dir=str(md))
    x, y = data()
    with pytest.raises(errors.InputDataError) as info:
        pyestim.train(canned, train_input(x, y), steps=2)  # labels 0..9 for 3 classes
    assert "n_classes" in str(info.value)
    assert absent_or_empty(md)


def test_empty_and_mismatched_input_is_refused_when_the_input_function_is_made(tmp_path):
    x, y = data()
    with pytest.raises(errors.PyestimValueError, match="same number of rows"):
        pyestim.numpy_input_fn({"x": x}, y[:-1], shuffle=True)
    with pytest.raises(errors.PyestimValueError, match="no rows"):
        pyestim.numpy_input_fn({"x": x[:0]}, y[:0], shuffle=True)
    import pandas as pd

    with pytest.raises(errors.PyestimValueError, match="no rows"):
        pyestim.input_fn(pd.DataFrame({"a": [], "y": []}), features="a", response="y")
    with pytest.raises(errors.PyestimValueError, match="same number of rows"):
        pyestim.input_fn({"a": [1.0, 2.0, 3.0], "y": [0, 1]}, features="a", response="y")


def test_non_numeric_data_frame_columns_as_features_of_a_custom_model(tmp_path):
    import pandas as pd

    x, y = data(50)
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(6)])
    frame["name"] = [f"row{i}" for i in range(50)]
    frame["y"] = y
    md = tmp_path / "m"
    est = make_estimator(fixed_model, md)
    fn = pyestim.input_fn(frame, features=["f0", "f1", "f2", "f3", "f4", "name"], response="y")
    with pytest.raises(errors.InputDataError) as info:
        pyestim.train(est, fn, steps=2)
    assert "'name'" in str(info.value) and "numeric" in str(info.value)
    assert not os.path.exists(md)


# --------------------------------------------------------------------------------------------
# 4. One writer per model_dir


def test_second_train_in_another_process_fails_and_a_killed_holder_does_not_block(tmp_path):
    md = tmp_path / "m"
    child = Child(md, 50, "--pause", "STEP:4", log=tmp_path / "child.log")
    try:
        child.wait_for("PAUSED", "STEP", 4)
        est = make_estimator(fixed_model, md)
        x, y = data()
        with pytest.raises(errors.ModelDirLockedError) as info:
            pyestim.train(est, train_input(x, y), steps=2)
        err = info.value
        assert err.pid == child.proc.pid and err.host == socket.gethostname()
        assert str(child.proc.pid) in str(err) and str(md) in str(err)
        assert err.since
        # Readers do not need the lock.
        result = pyestim.evaluate(est, eval_input(x, y))
        assert int(result["global_step"][0]) == 3
    finally:
        child.kill()
    assert os.path.exists(md / locking.LOCK_NAME)  # left behind by the killed holder
    t0 = time.monotonic()
    pyestim.train(est, train_input(x, y), steps=2)
    assert time.monotonic() - t0 < 60
    assert global_step_of(md) == 3 + 2
    assert not os.path.exists(md / locking.LOCK_NAME)


def test_second_train_in_another_thread_fails(tmp_path):
    md = tmp_path / "m"
    est = make_estimator(fixed_model, md)
    x, y = data()
    inside, release = threading.Event(), threading.Event()

    def hold(run_context, run_values):
        inside.set()
        release.wait(60)

    outcome = {}

    def first():
        try:
            pyestim.train(est, train_input(x, y), steps=2,
                          hooks=pyestim.session_run_hook(after_run=hold))
            outcome["ok"] = True
        except Exception as err:  # noqa: BLE001 - reported below
            outcome["err"] = err

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(60)
        with pytest.raises(errors.ModelDirLockedError, match="this process"):
            pyestim.train(make_estimator(fixed_model, md), train_input(x, y), steps=1)
    finally:
        release.set()
        thread.join(60)
    assert outcome == {"ok": True}
    assert global_step_of(md) == 2


def test_lock_file_is_not_a_checkpoint_name(trained):
    with locking.ModelDirLock(trained):
        assert (trained / locking.LOCK_NAME).exists()
        assert step_of(tf.train.latest_checkpoint(str(trained))) == 6
        est = make_estimator(fixed_model, trained)
        assert "w" in pyestim.variable_names(est)
    assert not (trained / locking.LOCK_NAME).exists()


def test_model_dir_under_a_regular_file(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    for md in (blocker, blocker / "m"):
        est = make_estimator(fixed_model, md)
        with pytest.raises(errors.ModelDirError, match="not a directory") as info:
            pyestim.train(est, train_input(*data()), steps=1)
        assert str(blocker) in str(info.value)
    assert blocker.read_text() == "not a directory"


def test_model_dir_that_cannot_be_written_as_root(tmp_path):
    """Root may write anywhere chmod allows nothing; /proc refuses new files to root too."""
    if not IS_ROOT or not os.path.isdir("/proc/self"):
        pytest.skip("needs root and /proc (the chmod variant covers other users)")
    for md, words in (("/proc/self", "not writable"), ("/proc/self/pyestim-m", "cannot be")):
        est = make_estimator(fixed_model, md)
        with pytest.raises(errors.ModelDirError, match=words) as info:
            pyestim.train(est, train_input(*data()), steps=1)
        assert md in str(info.value)


def test_model_dir_without_write_permission(tmp_path):
    if IS_ROOT:
        pytest.skip("running as root: chmod does not stop root from writing (the /proc "
                    "variant covers root)")
    md = tmp_path / "ro"
    md.mkdir()
    md.chmod(0o500)
    try:
        est = make_estimator(fixed_model, md)
        with pytest.raises(errors.ModelDirError, match="not writable"):
            pyestim.train(est, train_input(*data()), steps=1)
        assert os.listdir(md) == []
    finally:
        md.chmod(0o700)


# --------------------------------------------------------------------------------------------
# 5. Damaged checkpoints


def _cut(path, keep):
    with open(path, "r+b") as f:
        f.truncate(keep)


def _flip(path, at):
    with open(path, "r+b") as f:
        f.seek(at)
        byte = f.read(1)
        f.seek(at)
        f.write(bytes([byte[0] ^ 0xFF]))


DAMAGE = {
    "truncated index": (".index", lambda p: _cut(p, os.path.getsize(p) // 2)),
    "empty index": (".index", lambda p: _cut(p, 0)),
    "truncated data": (".data-00000-of-00001", lambda p: _cut(p, 100)),
    "corrupted data": (".data-00000-of-00001", lambda p: _flip(p, 30)),
    "missing data": (".data-00000-of-00001", os.remove),
}


@pytest.mark.parametrize("how", sorted(DAMAGE))
def test_damaged_latest_checkpoint_is_named(trained, how):
    suffix, damage = DAMAGE[how]
    target = f"{trained}/model.ckpt-6{suffix}"
    damage(target)
    before = tree(trained)
    est = make_estimator(fixed_model, trained)
    x, y = data()
    for call in (lambda: pyestim.train(est, train_input(x, y), steps=1),
                 lambda: pyestim.evaluate(est, eval_input(x, y)),
                 lambda: pyestim.predict(est, pyestim.numpy_input_fn(
                     {"x": x[:5]}, shuffle=False))):
        with pytest.raises(errors.CheckpointError) as info:
            call()
        message = str(info.value)
        assert "model.ckpt-6" in message, message
        assert "model.ckpt-4" in message, message  # the fallback it offers
        assert info.value.path.endswith("model.ckpt-6")
    assert tree(trained) == before
    # The way out the message gives: delete that checkpoint's files.
    for p in finding.checkpoint_files(f"{trained}/model.ckpt-6"):
        os.remove(p)
    result = pyestim.evaluate(est, eval_input(x, y))
    assert int(result["global_step"][0]) == 4
    pyestim.train(est, train_input(x, y), steps=1)
    assert global_step_of(trained) == 5


def test_older_checkpoint_path_still_evaluates_when_the_latest_is_damaged(trained):
    _cut(f"{trained}/model.ckpt-6.index", 10)
    est = make_estimator(fixed_model, trained)
    result = pyestim.evaluate(est, eval_input(*data()),
                              checkpoint_path=f"{trained}/model.ckpt-2")
    assert int(result["global_step"][0]) == 2
    with pytest.raises(errors.CheckpointError, match="not a checkpoint"):
        pyestim.evaluate(est, eval_input(*data()), checkpoint_path=f"{trained}/model.ckpt-3")


def test_state_naming_a_deleted_checkpoint_falls_back_instead_of_starting_over(trained):
    """TensorFlow alone would find no checkpoint and silently train from step 0."""
    for p in finding.checkpoint_files(f"{trained}/model.ckpt-6"):
        os.remove(p)
    est = make_estimator(fixed_model, trained)
    assert step_of(pyestim.latest_checkpoint(trained)) == 4
    assert global_step_of(pyestim.latest_checkpoint(trained)) == 4
    pyestim.train(est, train_input(*data()), steps=3)
    assert global_step_of(trained) == 7


def test_damaged_state_file_is_named(trained):
    (trained / "checkpoint").write_text("model_checkpoint_path: \"model.ckpt-6\"\n{{{ junk")
    est = make_estimator(fixed_model, trained)
    with pytest.raises(errors.CheckpointError, match="state file") as info:
        pyestim.train(est, train_input(*data()), steps=1)
    assert str(trained / "checkpoint") in str(info.value)
