"""checkpoints/lock.py: one train() at a time per model_dir (another process or thread fails
with ModelDirLockedError, a killed holder does not block), and a model_dir that cannot be
created or written is named before training (see docs/reliability.md)."""

import os
import socket
import threading
import time

import pytest
import tensorflow as tf

import pyestim
from pyestim import errors
from pyestim.checkpoints import lock as locking
# (trained_dir and trained_copy make the fixture ``trained``: see support/model_dirs.py)
from support.model_dirs import (IS_ROOT, Child, fixed_model, make_estimator,
                                sample_data as data, sample_eval_input as eval_input,
                                sample_train_input as train_input, step_of, trained_copy,
                                trained_dir)
from support.models import global_step_of


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
