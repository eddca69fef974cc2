"""A factor response keeps its levels with the model (issue 15, point 10): input_fn() over a
data frame with a pandas Categorical (what an R factor becomes) or string response stores the
levels in model_dir at the first train(); evaluate() / predict() re-map labels by name, refuse
unseen levels, and predict() returns the original labels. Plus task_type() and shape()."""

import json
import os

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

import pyestim as pe
from pyestim import errors
from pyestim.datasets import iris

FEATURES = ["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"]
LEVELS = ["setosa", "versicolor", "virginica"]


def _classifier(model_dir):
    return pe.linear_classifier(
        feature_columns=pe.feature_columns(*[pe.column_numeric(f) for f in FEATURES]),
        n_classes=3, model_dir=str(model_dir), config=pe.run_config(tf_random_seed=1))


def _fn(data, **kw):
    return pe.input_fn(data, features=FEATURES, response="Species", shuffle=False, **kw)


@pytest.fixture(scope="module")
def trained_iris(tmp_path_factory):
    model_dir = tmp_path_factory.mktemp("levels") / "model"
    data = iris()
    assert list(data["Species"].cat.categories) == LEVELS
    est = _classifier(model_dir)
    pe.train(est, _fn(data, num_epochs=None, batch_size=30), steps=60)
    return model_dir, data


def test_the_first_train_stores_the_levels_in_model_dir(trained_iris):
    model_dir, _ = trained_iris
    with open(os.path.join(model_dir, "pyestim_response_levels.json")) as f:
        assert json.load(f) == {"response": "Species", "levels": LEVELS}


def test_evaluate_re_maps_reordered_levels_by_name(trained_iris):
    model_dir, data = trained_iris
    est = _classifier(model_dir)  # a new estimator object on the same model_dir: a restart
    base = pe.evaluate(est, _fn(data))
    reordered = data.copy()
    reordered["Species"] = reordered["Species"].cat.reorder_categories(LEVELS[::-1])
    assert (reordered["Species"].cat.codes != data["Species"].cat.codes).any()
    again = pe.evaluate(est, _fn(reordered))
    assert float(again["accuracy"].iloc[0]) == float(base["accuracy"].iloc[0])
    assert float(again["loss"].iloc[0]) == float(base["loss"].iloc[0])
    assert float(base["accuracy"].iloc[0]) > 0.5  # the model learned something
    # the same labels as strings: mapped by name too
    as_strings = data.copy()
    as_strings["Species"] = as_strings["Species"].astype(str)
    assert float(pe.evaluate(est, _fn(as_strings))["accuracy"].iloc[0]) == \
        float(base["accuracy"].iloc[0])


def test_predict_returns_the_levels(trained_iris):
    model_dir, data = trained_iris
    est = _classifier(model_dir)
    pred = pe.predict(est, pe.input_fn(data, features=FEATURES))
    assert set(pred["classes"]) <= set(LEVELS)
    expected = [LEVELS[i] for i in pred["class_ids"]]
    assert list(pred["classes"]) == expected
    assert list(pred["all_classes"].iloc[0]) == LEVELS


def test_unseen_levels_are_refused(trained_iris):
    model_dir, data = trained_iris
    est = _classifier(model_dir)
    odd = data.copy()
    odd["Species"] = pd.Categorical(
        ["tulip" if i == 0 else str(s) for i, s in enumerate(data["Species"])])
    with pytest.raises(errors.InputDataError, match="not trained on: tulip.*setosa, "
                       "versicolor, virginica"):
        pe.evaluate(est, _fn(odd))


def test_a_string_response_is_a_factor_of_its_sorted_values(tmp_path):
    data = iris().iloc[::5].copy()
    data["Species"] = data["Species"].astype(str).str.upper()
    est = _classifier(tmp_path / "model")
    pe.train(est, _fn(data, batch_size=10), steps=3)
    with open(tmp_path / "model" / "pyestim_response_levels.json") as f:
        assert json.load(f)["levels"] == ["SETOSA", "VERSICOLOR", "VIRGINICA"]
    pred = pe.predict(est, pe.input_fn(data, features=FEATURES))
    assert set(pred["classes"]) <= {"SETOSA", "VERSICOLOR", "VIRGINICA"}


def test_label_vocabulary_takes_the_strings_and_stores_nothing(tmp_path):
    data = iris().iloc[::5].copy()
    data["Species"] = data["Species"].astype(str)
    est = pe.linear_classifier(
        feature_columns=pe.feature_columns(*[pe.column_numeric(f) for f in FEATURES]),
        n_classes=3, label_vocabulary=LEVELS, model_dir=str(tmp_path / "model"))
    pe.train(est, _fn(data, batch_size=10), steps=2)
    assert not os.path.exists(tmp_path / "model" / "pyestim_response_levels.json")
    assert set(pe.predict(est, pe.input_fn(data, features=FEATURES))["classes"]) <= set(LEVELS)


def test_task_type_has_run_configs_task_types():
    t = pe.task_type()
    assert (t.MASTER, t.PS, t.WORKER, t.CHIEF, t.EVALUATOR) == \
        ("master", "ps", "worker", "chief", "evaluator")


def test_shape():
    assert pe.shape(None, 784) == tf.TensorShape([None, 784])
    assert pe.shape(None, 28.0, np.int64(28), float("nan")).as_list() == [None, 28, 28, None]
    assert pe.shape().rank == 0
    with pytest.raises(errors.PyestimValueError, match="shape\\(\\) dimension 2"):
        pe.shape(None, 2.5)
