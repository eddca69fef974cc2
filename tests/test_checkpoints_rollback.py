"""checkpoints/rollback.py: a train() killed at any point leaves a complete latest
checkpoint, and the next call resumes from it (the snapshot and rollback of a call that fails
before its first step; see docs/reliability.md).

The test runs tests/_crash_child.py (support.model_dirs.Child), which trains the suite's
softmax regression and reports what it is doing line by line (and can pause at a chosen point
of a save); the parent SIGKILLs it there. Model directories live under tmp_path.
"""

import os

import numpy as np

import pyestim
from pyestim.checkpoints import finding, lock as locking, rollback
from support.model_dirs import (Child, assert_complete, fixed_model, make_estimator,
                                raw_latest, sample_data as data,
                                sample_eval_input as eval_input,
                                sample_train_input as train_input, step_of, tree)
from support.models import global_step_of


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
