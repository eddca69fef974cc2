"""keras_model_to_estimator() (pyestim/canned/keras.py): a compiled Keras model trained,
evaluated and predicted through the estimator verbs on conftest.py's ``plane`` data (y = 2a -
3b + 1, which the layer must learn), its object-based checkpoint read by variable name, and
the errors of its arguments."""

import numpy as np
import pytest
import tensorflow as tf

import pyestim as pe


# --------------------------------------------------------------------------------------------
# Keras


def _compiled_model(compile=True):
    inputs = tf.keras.Input(shape=(2,), name="x")
    outputs = tf.keras.layers.Dense(1, name="out")(inputs)
    model = tf.keras.Model(inputs, outputs)
    if compile:
        model.compile(optimizer=tf.keras.optimizers.legacy.SGD(learning_rate=0.1), loss="mse")
    return model


def test_keras_model_to_estimator_trains_on_input_fn(plane, tmp_path):
    est = pe.keras_model_to_estimator(_compiled_model(), model_dir=str(tmp_path / "k"))
    assert est.canned and est.kind == "keras" and est.feature_layout == "matrix"
    # a model with one input gets the features as one matrix (float64 here, cast by Keras)
    pe.train(est, pe.input_fn(plane, ["a", "b"], "y", batch_size=30, num_epochs=None), steps=200)
    result = pe.evaluate(est, pe.input_fn(plane, ["a", "b"], "y"))
    assert result.global_step[0] == 200 and result.loss[0] < 1e-3
    pred = pe.predict(est, pe.input_fn(plane.head(3), ["a", "b"]))
    np.testing.assert_allclose(np.concatenate(pred.out.to_list()), plane.y.head(3), atol=0.05)
    # The checkpoint is object-based (keys like "estimator_global_step/.ATTRIBUTES/..."):
    # variables are found by their own names too. y = 2a - 3b + 1: the layer learnt it.
    names = pe.variable_names(est)
    assert "global_step" not in names
    assert "estimator_global_step/.ATTRIBUTES/VARIABLE_VALUE" in names
    assert pe.variable_value(est, "global_step") == {"global_step": 200}
    kernel = [n for n in names if n.endswith("/kernel/.ATTRIBUTES/VARIABLE_VALUE")]
    assert len(kernel) == 1
    by_name = pe.variable_value(est, "out/kernel")["out/kernel"]  # the Dense layer "out" of _compiled_model
    np.testing.assert_array_equal(by_name, pe.variable_value(est, kernel[0])[kernel[0]])
    np.testing.assert_allclose(by_name.ravel(), [2.0, -3.0], atol=0.05)
    with pytest.raises(pe.PyestimValueError, match="^Variable not found: nope"):
        pe.variable_value(est, "nope")
    with pytest.raises(pe.PyestimTypeError, match="variable's name"):
        pe.variable_value(est, 3)


def test_keras_model_to_estimator_from_a_path_and_errors(tmp_path):
    model = _compiled_model()
    path = str(tmp_path / "model.h5")
    model.save(path)
    est = pe.keras_model_to_estimator(keras_model_path=path, model_dir=str(tmp_path / "k"))
    assert est.args["keras_model_path"] == path
    with pytest.raises(pe.PyestimValueError, match="Either keras_model or keras_model_path"):
        pe.keras_model_to_estimator()
    with pytest.raises(pe.PyestimValueError, match="not both"):
        pe.keras_model_to_estimator(model, keras_model_path=path)
    with pytest.raises(pe.PyestimValueError, match="not a local path"):
        pe.keras_model_to_estimator(keras_model_path="gs://bucket/model.h5")
    with pytest.raises(pe.PyestimValueError, match="not been compiled"):
        pe.keras_model_to_estimator(_compiled_model(compile=False))
    with pytest.raises(pe.PyestimTypeError, match="Keras model"):
        pe.keras_model_to_estimator(keras_model="model")
