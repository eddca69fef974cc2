"""pyestim._args: every argument normaliser, on R's and Python's spellings of a value.

The expectations are the values an R user means (``20`` arriving as ``20.0`` is the count
20; ``c(0.1)`` is the number 0.1) and the pyestim error classes of pyestim.errors."""

import os
import pathlib

import numpy as np
import pytest

import pyestim
from pyestim import _args, errors


@pytest.mark.parametrize("given, expected", [
    (np.array([3.0]), 3.0), ([7], 7), (("a",), "a"), (np.array(2), 2), (5, 5), ("x", "x"),
    ([1, 2], [1, 2])])
def test_as_scalar_unwraps_vectors_of_one(given, expected):
    assert _args.as_scalar(given) == expected


@pytest.mark.parametrize("given, expected", [
    (20, 20), (20.0, 20), (np.int64(4), 4), (np.array([6.0]), 6), ([3], 3), (None, None)])
def test_as_count_takes_r_numbers(given, expected):
    assert _args.as_count(given, "steps") == expected


@pytest.mark.parametrize("given", [2.5, -1, True, "10", np.array([1, 2]), [1, 2], float("inf")])
def test_as_count_rejects_what_is_not_a_count(given):
    with pytest.raises(errors.PyestimValueError, match="steps"):
        _args.as_count(given, "steps")


def test_as_count_minimum_none_and_error_class():
    with pytest.raises(errors.StepsError, match=">= 1, got 0"):
        _args.as_count(0, "steps", minimum=1, error=errors.StepsError)
    with pytest.raises(errors.PyestimValueError, match="got None"):
        _args.as_count(None, "batch_size", allow_none=False)


def test_as_steps_takes_one_of_the_pair():
    assert _args.as_steps(10.0, None) == (10, None)
    assert _args.as_steps(None, 30) == (None, 30)
    with pytest.raises(errors.StepsError, match="either steps or max_steps"):
        _args.as_steps(1, 2)


@pytest.mark.parametrize("given, expected", [
    (0.5, 0.5), (1, 1.0), (np.float32(0.25), 0.25), (np.array([2.0]), 2.0), ([3], 3.0)])
def test_as_float_takes_numbers(given, expected):
    out = _args.as_float(given, "learning_rate")
    assert out == expected and type(out) is float


def test_as_float_rejects_non_numbers_and_out_of_range():
    with pytest.raises(errors.PyestimTypeError, match="learning_rate must be a number"):
        _args.as_float("0.1", "learning_rate")
    with pytest.raises(errors.PyestimTypeError):
        _args.as_float(True, "learning_rate")
    with pytest.raises(errors.PyestimValueError, match="finite"):
        _args.as_float(float("nan"), "max_norm")
    with pytest.raises(errors.PyestimValueError, match=">= 0.0, got -1.0"):
        _args.as_float(-1, "l1_regularization", minimum=0.0)
    with pytest.raises(errors.PyestimTypeError, match="got NoneType"):
        _args.as_float(None, "learning_rate")
    assert _args.as_float(None, "max_norm", allow_none=True) is None


def test_as_positive_keeps_the_type_given():
    assert _args.as_positive(2, "every_n_secs") == 2
    assert _args.as_positive(np.array([0.5]), "every_n_secs") == 0.5
    assert _args.as_positive(None, "every_n_secs") is None
    for bad in (0, -1.5, True, "1", float("inf")):
        with pytest.raises(errors.PyestimValueError, match="positive number"):
            _args.as_positive(bad, "every_n_secs")


def test_as_bool_takes_true_false_only():
    assert _args.as_bool(True, "trainable") is True
    assert _args.as_bool(np.bool_(False), "trainable") is False
    assert _args.as_bool(np.array([True]), "trainable") is True
    for bad in (1, "TRUE", None, np.array([True, False])):
        with pytest.raises(errors.PyestimTypeError, match="True/False"):
            _args.as_bool(bad, "trainable")


def test_as_list():
    assert _args.as_list(None) == []
    assert _args.as_list((1, 2)) == [1, 2]
    assert _args.as_list("a") == ["a"]


def test_as_path_takes_strings_and_path_objects(tmp_path):
    assert _args.as_path(tmp_path, "model_dir") == os.fspath(tmp_path)
    assert _args.as_path("m", "model_dir") == "m"
    assert _args.as_path(None, "model_dir") is None
    with pytest.raises(errors.PyestimTypeError, match="model_dir must be a path .* got int 42"):
        _args.as_path(42, "model_dir")
    with pytest.raises(errors.PyestimTypeError, match="got NoneType"):
        _args.as_path(None, "vocabulary_file", allow_none=False)


def test_as_path_for_directories_decodes_bytes_and_rejects_empty():
    assert _args.as_path(b"out", "output_dir", directory=True) == "out"
    assert _args.as_path(pathlib.Path("d"), "output_dir", directory=True) == "d"
    with pytest.raises(errors.PyestimTypeError, match="directory path"):
        _args.as_path("", "output_dir", directory=True)


def test_as_run_config():
    config = pyestim.run_config(tf_random_seed=1)
    assert _args.as_run_config(config) is config
    assert _args.as_run_config(None) is None
    with pytest.raises(errors.PyestimTypeError, match="config must come from run_config"):
        _args.as_run_config({"tf_random_seed": 1})


def test_at_most_one_and_exactly_one():
    _args.at_most_one("save_secs", None, "save_steps", None)
    _args.exactly_one("hook()", "save_secs", 1, "save_steps", None)
    with pytest.raises(errors.PyestimValueError, match="at most one of save_secs and save_steps"):
        _args.at_most_one("save_secs", 1, "save_steps", 2)
    with pytest.raises(errors.PyestimValueError, match="hook\\(\\) needs save_secs or save_steps"):
        _args.exactly_one("hook()", "save_secs", None, "save_steps", None)


@pytest.mark.parametrize("call", [
    lambda: pyestim.linear_regressor(pyestim.feature_columns("a"), model_dir=42),
    lambda: pyestim.run_config(model_dir=42),
    lambda: pyestim.keras_model_to_estimator(keras_model_path=42),
])
def test_every_model_dir_goes_through_as_path(call):
    with pytest.raises(errors.PyestimTypeError, match="must be a path"):
        call()
