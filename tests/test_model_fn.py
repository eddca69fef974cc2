"""The model function (pyestim/model_fn.py): its arguments, matched by name, and
estimator_spec(), what it returns, with the errors of each. The model is the softmax regression
of support/models.py.
"""

import numpy as np
import pytest
import tensorflow as tf

import pyestim
from pyestim import errors
from support.checks import is_pyestim_error, recording_hook
from support.models import global_step_of, toy_input


# --------------------------------------------------------------------------------------------
# estimator(): the model function's arguments


def test_model_fn_receives_mode_strings_params_and_config(tmp_path, toy_data, linear_model_fn):
    seen = []
    params = {"learning_rate": 0.5, "tag": "hello"}

    def model_fn(features, labels, mode, params, config):
        seen.append({"mode": mode, "params": dict(params), "config": config,
                     "labels_is_none": labels is None, "features": features})
        return linear_model_fn(features, labels, mode, params)

    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m", params=params)
    pyestim.train(est, toy_input(toy_data), steps=1)
    pyestim.evaluate(est, toy_input(toy_data, num_epochs=1), steps=1)
    pyestim.predict(est, toy_input(toy_data, rows=slice(0, 5), num_epochs=1, labels=False))

    assert [s["mode"] for s in seen] == ["train", "eval", "infer"]
    assert all(type(s["mode"]) is str for s in seen)
    assert all(s["params"] == params for s in seen)
    assert all(isinstance(s["config"], tf.estimator.RunConfig) for s in seen)
    assert all(s["config"].model_dir == str(tmp_path / "m") for s in seen)
    assert [s["labels_is_none"] for s in seen] == [False, False, True]
    assert all(set(s["features"]) == {"x"} for s in seen)


def _spec_for(features, labels):
    """A train-mode spec for model functions that do not declare mode."""
    from pyestim import tf as tf1

    w = tf1.get_variable("w", [], initializer=tf1.zeros_initializer())
    loss = tf1.reduce_mean(tf1.square(features["x"][:, 0] - w)) + 0.0 * tf1.reduce_sum(
        tf1.cast(labels, tf1.float32))
    train_op = tf1.train.GradientDescentOptimizer(0.1).minimize(
        loss, global_step=tf1.train.get_global_step())
    return pyestim.estimator_spec(mode="train", loss=loss, train_op=train_op)


def _make_signature_variants(record):
    def features_labels(features, labels):
        record.append({"features": features, "labels": labels})
        return _spec_for(features, labels)

    def labels_first(labels, features):
        record.append({"features": features, "labels": labels})
        return _spec_for(features, labels)

    def with_config(features, labels, config):
        record.append({"features": features, "labels": labels, "config": config})
        return _spec_for(features, labels)

    def with_params(features, labels, params):
        record.append({"features": features, "labels": labels, "params": params})
        return _spec_for(features, labels)

    def with_mode(config, mode, labels, features):
        record.append({"features": features, "labels": labels, "mode": mode, "config": config})
        return _spec_for(features, labels)

    def with_kwargs(features, **kwargs):
        record.append({"features": features, **kwargs})
        return _spec_for(features, kwargs["labels"])

    return {
        "features_labels": (features_labels, {"features", "labels"}),
        "labels_first": (labels_first, {"features", "labels"}),
        "with_config": (with_config, {"features", "labels", "config"}),
        "with_params": (with_params, {"features", "labels", "params"}),
        "with_mode": (with_mode, {"features", "labels", "mode", "config"}),
        "with_kwargs": (with_kwargs, {"features", "labels", "mode", "params", "config"}),
    }


@pytest.mark.parametrize("variant", ["features_labels", "labels_first", "with_config",
                                     "with_params", "with_mode", "with_kwargs"])
def test_model_fn_arguments_are_matched_by_name(tmp_path, toy_data, variant):
    record = []
    model_fn, expected_args = _make_signature_variants(record)[variant]
    params = {"a": 1} if "params" in expected_args else None
    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m", params=params)
    pyestim.train(est, toy_input(toy_data), steps=1)

    assert len(record) == 1
    got = record[0]
    assert set(got) == expected_args
    assert isinstance(got["features"], dict) and set(got["features"]) == {"x"}
    assert got["labels"] is not None and got["labels"].dtype == tf.int32
    if "mode" in got:
        assert got["mode"] == "train"
    if "config" in got:
        assert isinstance(got["config"], tf.estimator.RunConfig)
    if "params" in got:
        assert got["params"] == {"a": 1}
    assert global_step_of(tmp_path / "m") == 1


def test_estimator_rejects_an_unknown_model_fn_argument(tmp_path):
    def model_fn(features, labels, mode, hyperparams):
        raise AssertionError("never called")

    with pytest.raises(errors.ModelFnError) as info:
        pyestim.estimator(model_fn, model_dir=tmp_path / "m")
    assert is_pyestim_error(info.value, TypeError)
    assert "hyperparams" in str(info.value)


def test_estimator_rejects_a_model_fn_without_features(tmp_path):
    def model_fn(labels, mode):
        raise AssertionError("never called")

    with pytest.raises(errors.ModelFnError) as info:
        pyestim.estimator(model_fn, model_dir=tmp_path / "m")
    assert is_pyestim_error(info.value, TypeError)
    assert "'features'" in str(info.value)


def test_estimator_rejects_positional_only_arguments(tmp_path):
    def model_fn(features, /, labels, mode):
        raise AssertionError("never called")

    with pytest.raises(errors.ModelFnError) as info:
        pyestim.estimator(model_fn, model_dir=tmp_path / "m")
    assert "'features'" in str(info.value) and "positional-only" in str(info.value)


# --------------------------------------------------------------------------------------------
# estimator_spec()


@pytest.fixture
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _tensors():
    loss = tf.compat.v1.constant(1.0)
    step = tf.compat.v1.train.get_or_create_global_step()
    train_op = tf.compat.v1.assign_add(step, 1)
    return loss, train_op


@pytest.mark.parametrize("mode", ["training", "TRAIN", "predict", None, 1])
def test_estimator_spec_rejects_an_unknown_mode(graph, mode):
    loss, train_op = _tensors()
    with pytest.raises(errors.EstimatorSpecError) as info:
        pyestim.estimator_spec(mode=mode, loss=loss, train_op=train_op)
    assert is_pyestim_error(info.value, ValueError)
    assert repr(mode) in str(info.value)
    assert "'train', 'eval', 'infer'" in str(info.value)


def test_estimator_spec_train_needs_loss(graph):
    _, train_op = _tensors()
    with pytest.raises(errors.EstimatorSpecError, match="needs loss"):
        pyestim.estimator_spec(mode="train", train_op=train_op)


def test_estimator_spec_train_needs_train_op(graph):
    loss, _ = _tensors()
    with pytest.raises(errors.EstimatorSpecError, match="needs train_op"):
        pyestim.estimator_spec(mode="train", loss=loss)


def test_estimator_spec_eval_needs_loss(graph):
    with pytest.raises(errors.EstimatorSpecError, match="needs loss"):
        pyestim.estimator_spec(mode="eval", predictions=tf.compat.v1.constant([1.0]))


def test_estimator_spec_infer_needs_predictions(graph):
    loss, _ = _tensors()
    with pytest.raises(errors.EstimatorSpecError, match="needs predictions"):
        pyestim.estimator_spec(mode="infer", loss=loss)


def test_estimator_spec_returns_a_tf_estimator_spec_for_each_mode(graph):
    loss, train_op = _tensors()
    preds = {"p": tf.compat.v1.constant([1.0, 2.0])}
    train = pyestim.estimator_spec(mode="train", loss=loss, train_op=train_op)
    evaluate = pyestim.estimator_spec(mode="eval", loss=loss)
    infer = pyestim.estimator_spec(mode="infer", predictions=preds)
    for spec, mode in ((train, "train"), (evaluate, "eval"), (infer, "infer")):
        assert isinstance(spec, tf.estimator.EstimatorSpec)
        assert spec.mode == mode
    assert train.loss is loss and train.train_op is not None
    assert infer.predictions["p"] is preds["p"]


@pytest.mark.parametrize("container", [tuple, list])
def test_estimator_spec_takes_metric_pairs_as_tuples_or_lists(graph, container):
    loss, _ = _tensors()
    labels = tf.compat.v1.constant([1.0, 2.0, 6.0])
    value, update = tf.compat.v1.metrics.mean(labels)
    spec = pyestim.estimator_spec(mode="eval", loss=loss,
                                  eval_metric_ops={"m": container([value, update])})
    assert set(spec.eval_metric_ops) == {"m"}
    got_value, got_update = spec.eval_metric_ops["m"]
    assert got_value is value
    assert got_update is update


@pytest.mark.parametrize("metric_ops", [
    [("v", "u")], "accuracy", 3.0,
])
def test_estimator_spec_rejects_metric_ops_that_are_not_a_mapping(graph, metric_ops):
    loss, _ = _tensors()
    with pytest.raises(errors.EstimatorSpecError) as info:
        pyestim.estimator_spec(mode="eval", loss=loss, eval_metric_ops=metric_ops)
    assert "eval_metric_ops" in str(info.value)
    assert type(metric_ops).__name__ in str(info.value)


def test_estimator_spec_rejects_a_metric_that_is_not_a_pair(graph):
    loss, _ = _tensors()
    value, update = tf.compat.v1.metrics.mean(tf.compat.v1.constant([1.0]))
    with pytest.raises(errors.EstimatorSpecError) as info:
        pyestim.estimator_spec(mode="eval", loss=loss,
                               eval_metric_ops={"m": [value, update, update]})
    assert "eval_metric_ops['m']" in str(info.value)
    assert "length 3" in str(info.value)
    with pytest.raises(errors.EstimatorSpecError, match="eval_metric_ops\\['m'\\]"):
        pyestim.estimator_spec(mode="eval", loss=loss, eval_metric_ops={"m": value})


@pytest.mark.parametrize("argument", ["training_hooks", "evaluation_hooks",
                                      "prediction_hooks", "training_chief_hooks"])
def test_estimator_spec_rejects_hooks_that_are_not_hooks(graph, argument):
    loss, train_op = _tensors()
    good = pyestim.session_run_hook()
    with pytest.raises(errors.HookError) as info:
        pyestim.estimator_spec(mode="train", loss=loss, train_op=train_op,
                               **{argument: [good, "not a hook"]})
    assert is_pyestim_error(info.value, TypeError)
    assert f"{argument}[1]" in str(info.value)
    assert "str" in str(info.value)


def test_estimator_spec_takes_one_hook_or_a_list(graph):
    loss, train_op = _tensors()
    a, b = pyestim.session_run_hook(), pyestim.session_run_hook()
    one = pyestim.estimator_spec(mode="train", loss=loss, train_op=train_op, training_hooks=a)
    two = pyestim.estimator_spec(mode="train", loss=loss, train_op=train_op,
                                 training_hooks=[a, b], evaluation_hooks=b)
    assert list(one.training_hooks) == [a]
    assert list(two.training_hooks) == [a, b]
    assert list(two.evaluation_hooks) == [b]


def test_estimator_spec_rejects_unknown_arguments(graph):
    loss, train_op = _tensors()
    with pytest.raises(errors.EstimatorSpecError, match="lossy"):
        pyestim.estimator_spec(mode="train", loss=loss, train_op=train_op, lossy=loss)


def test_training_hooks_in_the_spec_run(tmp_path, toy_data, linear_model_fn):
    calls = []

    def model_fn(features, labels, mode, params):
        spec = linear_model_fn(features, labels, mode, params)
        return pyestim.estimator_spec(mode=mode, loss=spec.loss, train_op=spec.train_op,
                                      training_hooks=recording_hook(calls))

    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, toy_input(toy_data), steps=3)
    assert len(calls) == 3


def test_metric_given_as_a_list_of_two_is_evaluated(tmp_path, toy_data):
    """As R passes it: list(mean_label = tf$metrics$mean(labels)) arrives as a list."""

    def model_fn(features, labels, mode):
        from pyestim import tf as tf1
        w = tf1.get_variable("w", [], initializer=tf1.zeros_initializer())
        loss = tf1.reduce_mean(features["x"][:, 0]) * 0.0 + w
        value, update = tf1.metrics.mean(tf1.cast(labels, tf1.float32))
        return pyestim.estimator_spec(mode=mode, loss=loss,
                                      eval_metric_ops={"mean_label": [value, update]})

    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m")
    result = pyestim.evaluate(est, toy_input(toy_data, num_epochs=1), simplify=False)
    assert result["mean_label"] == pytest.approx(float(np.mean(toy_data.y)), rel=1e-6)


@pytest.mark.parametrize("bad_mode", ["train", "eval"])
def test_model_fn_returning_something_else_is_a_model_fn_error(tmp_path, toy_data,
                                                               linear_model_fn, bad_mode):
    def model_fn(features, labels, mode, params):
        spec = linear_model_fn(features, labels, mode, params)
        if mode == bad_mode:
            return {"loss": spec.loss}
        return spec

    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m")
    with pytest.raises(errors.ModelFnError) as info:
        pyestim.train(est, toy_input(toy_data), steps=1)
        pyestim.evaluate(est, toy_input(toy_data, num_epochs=1))
    assert is_pyestim_error(info.value, TypeError)
    assert f"mode {bad_mode!r}" in str(info.value)
    assert "dict" in str(info.value)
    assert "estimator_spec" in str(info.value)
