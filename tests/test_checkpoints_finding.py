"""checkpoints/finding.py: a damaged latest checkpoint or state file is named, and a call
falls back to the newest complete checkpoint (see docs/reliability.md)."""

import os

import pytest

import pyestim
from pyestim import errors
from pyestim.checkpoints import finding
# (trained_dir and trained_copy make the fixture ``trained``: see support/model_dirs.py)
from support.model_dirs import (fixed_model, make_estimator, sample_data as data,
                                sample_eval_input as eval_input,
                                sample_train_input as train_input, step_of, tree, trained_copy,
                                trained_dir)
from support.models import global_step_of


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
