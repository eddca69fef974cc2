"""Canned estimators (linear, DNN, combined, boosted trees: canned/linear.py, dnn.py,
dnn_linear_combined.py, boosted_trees.py) and tfestimators' iris and mtcars examples
(input_fn() is in test_inputs.py, export_savedmodel() of canned estimators in
test_canned_base.py).

Expectations are derived independently of the code under test: the weights of a noiseless
linear model, least squares from NumPy for mtcars, a boosted tree whose leaves are worked out
by hand, class names chosen by the test.
"""


import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

import pyestim as pe
from pyestim.datasets import iris, mtcars


def config(tmp_path, seed=1):
    return pe.run_config(model_dir=str(tmp_path / "model"), tf_random_seed=seed)


@pytest.fixture(scope="module")
def plane():
    """y = 2a - 3b + 1 without noise, and a class label from the sign of a + b."""
    rng = np.random.default_rng(7)
    df = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    df["y"] = 2 * df.a - 3 * df.b + 1
    df["side"] = np.where(df.a + df.b > 0, "up", "down")
    return df


def weights(est, prefix="linear/linear_model/"):
    return {name[len(prefix):]: float(np.ravel(pe.variable_value(est, name)[name])[0])
            for name in pe.variable_names(est)
            if name.startswith(prefix) and name.endswith("weights")}


# --------------------------------------------------------------------------------------------
# Linear


def test_linear_regressor_recovers_a_noiseless_plane(plane, tmp_path):
    est = pe.linear_regressor(pe.feature_columns("a", "b"), config=config(tmp_path),
                              optimizer=tf.keras.optimizers.legacy.SGD(learning_rate=0.1))
    assert est.canned and est.kind == "regressor" and est.model_type == "linear_regressor"
    assert isinstance(est.estimator, tf.estimator.LinearRegressor)
    history = pe.train(est, pe.input_fn(plane, ["a", "b"], "y", batch_size=32, num_epochs=None),
                       steps=150)
    assert isinstance(history, pe.History) and history.steps[-1] == 150
    # the optimizer object is copied per graph, so training can go on
    pe.train(est, pe.input_fn(plane, ["a", "b"], "y", batch_size=32, num_epochs=None), steps=150)
    w = weights(est)
    assert w["a/weights"] == pytest.approx(2.0, abs=1e-3)
    assert w["b/weights"] == pytest.approx(-3.0, abs=1e-3)
    assert w["bias_weights"] == pytest.approx(1.0, abs=1e-3)
    result = pe.evaluate(est, pe.input_fn(plane, ["a", "b"], "y"))
    assert result.shape[0] == 1 and result.global_step[0] == 300
    assert result.average_loss[0] < 1e-5
    pred = pe.predict(est, pe.input_fn(plane.head(5), ["a", "b"]))
    assert list(pred.columns) == ["predictions"]
    np.testing.assert_allclose(pred.predictions, plane.y.head(5), atol=1e-2)


def test_linear_classifier_with_vocabulary_predicts_string_classes(plane, tmp_path):
    est = pe.linear_classifier(pe.feature_columns(pe.column_numeric("a", "b")),
                               label_vocabulary=["down", "up"], optimizer="adam",
                               config=config(tmp_path))
    pe.train(est, pe.input_fn(plane, ["a", "b"], "side", batch_size=50, num_epochs=None),
             steps=150)
    result = pe.evaluate(est, pe.input_fn(plane, ["a", "b"], "side"))
    assert result.accuracy[0] >= 0.97
    pred = pe.predict(est, pe.input_fn(plane.head(20), ["a", "b"]))
    assert all(isinstance(c, str) for c in pred.classes)
    assert (pred.classes == plane.side.head(20).values).mean() >= 0.9
    assert list(pred.all_classes[0]) == ["down", "up"]
    assert set(pred.class_ids) <= {0, 1}
    np.testing.assert_allclose([p.sum() for p in pred.probabilities], 1.0, rtol=1e-5)
    # raw predictions (simplify = FALSE) are tidied the same way
    raw = pe.predict(est, pe.input_fn(plane.head(2), ["a", "b"]), simplify=False)
    assert raw[0]["classes"] in ("down", "up")


def test_partitioner_selects_the_tf1_class(plane, tmp_path):
    est = pe.linear_regressor(pe.feature_columns("a", "b"), config=config(tmp_path),
                              partitioner=tf.compat.v1.fixed_size_partitioner(1))
    assert type(est.estimator) is tf.compat.v1.estimator.LinearRegressor
    pe.train(est, pe.input_fn(plane, ["a", "b"], "y", batch_size=50), steps=2)
    assert pe.evaluate(est, pe.input_fn(plane, ["a", "b"], "y")).global_step[0] == 2


def test_tensorflow_1_classes_by_default_as_tfestimators(plane, tmp_path):
    """tfestimators ran TensorFlow 1's canned classes: with a name or a tf.compat.v1.train
    optimizer (tf$train$... in R) pyestim uses them, and their training loss is the SUM over
    the batch; a Keras optimizer selects TensorFlow 2's class, whose loss is the mean."""
    cols = pe.feature_columns("a", "b")
    data = plane.assign(up=(plane.side == "up").astype(int))
    by_name = pe.dnn_classifier([4], cols, config=config(tmp_path / "name"))
    assert type(by_name.estimator) is tf.compat.v1.estimator.DNNClassifier
    assert by_name.tf_version == "v1"
    v1_object = pe.dnn_classifier([4], cols, optimizer=tf.compat.v1.train.AdamOptimizer(0.01),
                                  config=config(tmp_path / "v1"))
    assert type(v1_object.estimator) is tf.compat.v1.estimator.DNNClassifier
    v1_function = pe.linear_classifier(
        cols, optimizer=lambda: tf.compat.v1.train.GradientDescentOptimizer(0.1))
    assert type(v1_function.estimator) is tf.compat.v1.estimator.LinearClassifier
    keras = pe.dnn_classifier([4], cols, optimizer=tf.keras.optimizers.legacy.Adam(0.01),
                              config=config(tmp_path / "keras"))
    assert type(keras.estimator) is tf.estimator.DNNClassifier and keras.tf_version == "v2"
    keras_fn = pe.linear_regressor(cols, optimizer=lambda: tf.keras.optimizers.legacy.SGD(0.1))
    assert type(keras_fn.estimator) is tf.estimator.LinearRegressor

    # Loss semantics, on one evaluation batch of 40 examples: TF1 sums, TF2 averages.
    batch = data.head(40)
    for est, factor in ((v1_object, 40.0), (keras, 1.0)):
        pe.train(est, pe.input_fn(data, ["a", "b"], "up", batch_size=50, num_epochs=None),
                 steps=3)
        result = pe.evaluate(est, pe.input_fn(batch, ["a", "b"], "up", batch_size=40))
        assert result.loss[0] == pytest.approx(factor * result.average_loss[0], rel=1e-5)
    # The v1 optimizer object is used as given (TensorFlow 1's estimator takes it as is).
    assert v1_object.args["optimizer"].get_name() == "Adam"


def test_optimizer_kinds_that_cannot_go_together():
    cols = pe.feature_columns("a", "b")
    with pytest.raises(pe.PyestimTypeError, match="input_layer_partitioner works only with "
                                                  "TensorFlow 1.*tf\\.train"):
        pe.dnn_regressor([4], cols, optimizer=tf.keras.optimizers.legacy.Adam(),
                         input_layer_partitioner=tf.compat.v1.fixed_size_partitioner(1))
    with pytest.raises(pe.PyestimTypeError, match="dnn_optimizer is a Keras optimizer but "
                                                  "linear_optimizer a TensorFlow 1 one"):
        pe.dnn_linear_combined_classifier(
            linear_feature_columns=cols, dnn_feature_columns=cols, dnn_hidden_units=[3],
            linear_optimizer=tf.compat.v1.train.FtrlOptimizer(0.1),
            dnn_optimizer=tf.keras.optimizers.legacy.Adagrad())
    # An unused part's optimizer does not count: no DNN columns, so the Keras one is ignored.
    est = pe.dnn_linear_combined_regressor(
        linear_feature_columns=cols, linear_optimizer=tf.compat.v1.train.FtrlOptimizer(0.1),
        dnn_optimizer=tf.keras.optimizers.legacy.Adagrad())
    assert type(est.estimator) is tf.compat.v1.estimator.DNNLinearCombinedRegressor


# --------------------------------------------------------------------------------------------
# DNN and combined


def test_dnn_classifier_names_r_numbers_and_callables(plane, tmp_path):
    est = pe.dnn_classifier(hidden_units=[8.0, 4.0], feature_columns=pe.feature_columns("a", "b"),
                            n_classes=2.0, activation_fn="tanh", optimizer="ADAGRAD",
                            dropout=0.1, config=config(tmp_path))
    assert est.args["hidden_units"] == [8, 4] and est.args["activation_fn"] is tf.nn.tanh
    assert est.args["optimizer"] == "Adagrad"
    labels = plane.assign(up=(plane.side == "up").astype(int))
    pe.train(est, pe.input_fn(labels, ["a", "b"], "up", batch_size=50, num_epochs=None), steps=5)
    assert pe.evaluate(est, pe.input_fn(labels, ["a", "b"], "up")).global_step[0] == 5
    custom = pe.dnn_classifier([3], pe.feature_columns("a"), activation_fn=tf.nn.elu)
    assert custom.args["activation_fn"] is tf.nn.elu


def test_canned_argument_errors():
    cols = pe.feature_columns("a", "b")
    with pytest.raises(pe.PyestimValueError, match="not a known activation.*relu.*tanh"):
        pe.dnn_regressor([4], cols, activation_fn="rleu")
    with pytest.raises(pe.PyestimValueError, match="Unknown optimizer name 'Adamw'.*'SGD'"):
        pe.dnn_regressor([4], cols, optimizer="Adamw")
    with pytest.raises(pe.PyestimTypeError, match="optimizer name"):
        pe.linear_regressor(cols, optimizer=3)
    with pytest.raises(pe.PyestimValueError, match="whole number"):
        pe.dnn_classifier([4.5], cols)
    with pytest.raises(pe.PyestimValueError, match="hidden_units"):
        pe.dnn_classifier([], cols)
    with pytest.raises(pe.PyestimValueError, match=r"\[0, 1\)"):
        pe.dnn_classifier([4], cols, dropout=1.5)
    with pytest.raises(pe.PyestimValueError, match="at least 2"):
        pe.linear_classifier(cols, n_classes=1)
    with pytest.raises(pe.PyestimValueError, match="3 entries but n_classes is 2"):
        pe.linear_classifier(cols, label_vocabulary=["a", "b", "c"])
    with pytest.raises(pe.PyestimTypeError, match="feature columns"):
        pe.linear_regressor(["a"])
    with pytest.raises(pe.PyestimValueError, match="both are empty"):
        pe.dnn_linear_combined_classifier()
    with pytest.raises(pe.PyestimValueError, match="dnn_hidden_units is required"):
        pe.dnn_linear_combined_regressor(dnn_feature_columns=cols)
    with pytest.raises(pe.PyestimTypeError, match="run_config"):
        pe.linear_regressor(cols, config={"model_dir": "x"})


def test_dnn_regressor_and_wide_and_deep_train(plane, tmp_path):
    dnn = pe.dnn_regressor([8], pe.feature_columns("a", "b"),
                           optimizer=tf.keras.optimizers.legacy.Adam(learning_rate=0.05),
                           config=config(tmp_path / "dnn"))
    history = pe.train(dnn, pe.input_fn(plane, ["a", "b"], "y", batch_size=50, num_epochs=None),
                       steps=60, hooks=pe.hook_history_saver(every_n_step=1))
    assert np.mean(history.mean_losses[-5:]) < 0.5 * np.mean(history.mean_losses[:5])
    wide = pe.dnn_linear_combined_classifier(
        linear_feature_columns=pe.feature_columns("a"), dnn_feature_columns=pe.feature_columns("b"),
        dnn_hidden_units=[4], n_classes=2, label_vocabulary=["down", "up"],
        config=config(tmp_path / "wide"))
    pe.train(wide, pe.input_fn(plane, ["a", "b"], "side", batch_size=50), steps=3)
    pred = pe.predict(wide, pe.input_fn(plane.head(3), ["a", "b"]))
    assert all(c in ("down", "up") for c in pred.classes)
    reg = pe.dnn_linear_combined_regressor(linear_feature_columns=pe.feature_columns("a", "b"),
                                           config=config(tmp_path / "reg"))
    pe.train(reg, pe.input_fn(plane, ["a", "b"], "y", batch_size=50), steps=2)
    assert pe.evaluate(reg, pe.input_fn(plane, ["a", "b"], "y")).global_step[0] == 2


# --------------------------------------------------------------------------------------------
# Boosted trees


def test_binary_classifier_columns_are_plain_tf_estimators(tmp_path):
    """evaluate() of a binary classifier gives 11 metrics and predict() 7 columns where
    tfestimators' test-tf-models.R expected 9 and 5 (TensorFlow 1.3/1.4's binary head):
    TensorFlow 2's own sets, which plain tf.estimator gives too (tests/parity/differences.csv,
    rows "tfestimators output")."""
    df = mtcars()
    x = {"drat": df.drat.to_numpy(np.float32), "cyl": df.cyl.to_numpy(np.float32)}
    y = df.vs.to_numpy(np.int64)
    columns = [tf.feature_column.numeric_column("drat"), tf.feature_column.numeric_column("cyl")]

    def data():
        return tf.data.Dataset.from_tensor_slices((x, y)).batch(32)

    plain = tf.estimator.DNNLinearCombinedClassifier(
        linear_feature_columns=columns[:1], dnn_feature_columns=columns, dnn_hidden_units=[3, 3],
        model_dir=str(tmp_path / "plain"))
    plain.train(data, steps=2)
    plain_metrics = set(plain.evaluate(data))
    plain_keys = set(next(iter(plain.predict(data))))
    est = pe.dnn_linear_combined_classifier(
        linear_feature_columns=pe.feature_columns("drat"),
        dnn_feature_columns=pe.feature_columns("drat", "cyl"), dnn_hidden_units=[3, 3],
        model_dir=str(tmp_path / "pyestim"))
    frame = pd.DataFrame({"drat": x["drat"], "cyl": x["cyl"], "vs": y})
    pe.train(est, pe.input_fn(frame, ["drat", "cyl"], "vs"), steps=2)
    metrics = pe.evaluate(est, pe.input_fn(frame, ["drat", "cyl"], "vs"))
    predictions = pe.predict(est, pe.input_fn(frame, ["drat", "cyl"]))
    tfestimators_metrics = {"accuracy", "accuracy_baseline", "auc", "auc_precision_recall",
                            "average_loss", "label/mean", "loss", "prediction/mean",
                            "global_step"}
    tfestimators_keys = {"logits", "logistic", "probabilities", "class_ids", "classes"}
    assert plain_metrics == tfestimators_metrics | {"precision", "recall"}
    assert plain_keys == tfestimators_keys | {"all_class_ids", "all_classes"}
    assert set(metrics.columns) == plain_metrics and len(metrics.columns) == 11
    assert set(predictions.columns) == plain_keys and predictions.shape == (32, 7)


def test_boosted_trees_regressor_one_split_by_hand(tmp_path):
    # One tree of depth 1, learning rate 1, squared loss: the root splits where the step is
    # (between the buckets of a < 0 and a >= 0), and each leaf is -sum(g) / sum(h) with
    # g = 2 (f - y), h = 2 at f = 0: the mean of y in the leaf, i.e. exactly -1 and 3.
    a = np.linspace(-2, 2, 40)
    df = pd.DataFrame({"a": a, "y": np.where(a >= 0, 3.0, -1.0)})
    est = pe.boosted_trees_regressor(
        [pe.column_bucketized(pe.column_numeric("a"), [-1, 0, 1])], n_batches_per_layer=1,
        n_trees=1, max_depth=1, learning_rate=1.0, config=config(tmp_path))
    assert est.canned and est.kind == "regressor"
    pe.train(est, pe.input_fn(df, "a", "y", batch_size=40, num_epochs=None), steps=10)
    # (max_depth + 1) * n_batches_per_layer * n_trees = 2 steps, then training stops itself
    assert pe.variable_value(est, "global_step")["global_step"] <= 3
    pred = pe.predict(est, pe.input_fn(df, "a"))
    np.testing.assert_allclose(pred.predictions, df.y, atol=1e-5)
    assert pe.variable_value(est, "boosted_trees/split_threshold")["boosted_trees/split_threshold"][0, 0] == 1  # bucket [-1, 0)
    np.testing.assert_allclose(pe.variable_value(est, "boosted_trees/leaf_values")["boosted_trees/leaf_values"][0, :, 0],
                               [-1.0, 3.0], atol=1e-5)


def test_boosted_trees_classifier_with_vocabulary(tmp_path):
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"a": rng.uniform(-3, 3, 120), "b": rng.uniform(-3, 3, 120)})
    df["label"] = np.where((df.a > 1) | (df.b < -1), "yes", "no")
    cols = [pe.column_bucketized(pe.column_numeric(c), [-2, -1, 0, 1, 2]) for c in ("a", "b")]
    est = pe.boosted_trees_classifier(cols, n_batches_per_layer=1, n_trees=10, max_depth=2,
                                      learning_rate=0.5, label_vocabulary=["no", "yes"],
                                      config=config(tmp_path))
    pe.train(est, pe.input_fn(df, ["a", "b"], "label", batch_size=120, num_epochs=None),
             steps=200)
    assert pe.variable_value(est, "boosted_trees/tree") == {"boosted_trees/tree": 10}
    assert pe.evaluate(est, pe.input_fn(df, ["a", "b"], "label")).accuracy[0] == 1.0
    pred = pe.predict(est, pe.input_fn(df.head(10), ["a", "b"]))
    assert list(pred.classes) == list(df.label.head(10))


def test_boosted_trees_multiclass_on_indicator_columns(tmp_path):
    df = pd.DataFrame({"c": np.tile([0, 1, 2], 20)})
    df["y"] = df.c
    est = pe.boosted_trees_classifier(
        [pe.column_indicator(pe.column_categorical_with_identity("c", num_buckets=3))],
        n_batches_per_layer=1, n_classes=3, n_trees=3, max_depth=2, learning_rate=1.0,
        config=config(tmp_path))
    pe.train(est, pe.input_fn(df, "c", "y", batch_size=60, num_epochs=None), steps=9)
    pred = pe.predict(est, pe.input_fn(df.head(3), "c"))
    assert list(pred.class_ids) == [0, 1, 2]


def test_boosted_trees_errors():
    with pytest.raises(pe.PyestimTypeError, match="column_bucketized"):
        pe.boosted_trees_regressor(pe.feature_columns("a"), n_batches_per_layer=1)
    with pytest.raises(pe.PyestimValueError, match="whole number"):
        pe.boosted_trees_classifier(
            [pe.column_bucketized(pe.column_numeric("a"), [0])], n_batches_per_layer=0.5)
    with pytest.raises(pe.PyestimValueError, match=">= 0"):
        pe.boosted_trees_regressor([pe.column_bucketized(pe.column_numeric("a"), [0])], 1,
                                   l2_regularization=-1)


# --------------------------------------------------------------------------------------------
# tfestimators' examples


def test_iris_dnn_classifier_example(tmp_path):
    data = iris()
    assert data.shape == (150, 5) and list(data.Species.cat.categories) == [
        "setosa", "versicolor", "virginica"]
    response = "Species"
    features = [c for c in data.columns if c != response]
    order = np.random.default_rng(123).permutation(len(data))
    iris_train, iris_test = data.iloc[order[:120]], data.iloc[order[120:]]
    classifier = pe.dnn_classifier(
        feature_columns=pe.feature_columns(pe.column_numeric(features)),
        hidden_units=[10, 20, 10], n_classes=3, optimizer="Adam", config=config(tmp_path))

    def iris_input_fn(frame, **kwargs):
        return pe.input_fn(frame, features=features, response=response, **kwargs)

    pe.train(classifier, iris_input_fn(iris_train, batch_size=32, num_epochs=None), steps=300)
    evaluation = pe.evaluate(classifier, iris_input_fn(iris_test))
    assert evaluation.accuracy[0] > 0.8
    predictions = pe.predict(classifier, iris_input_fn(iris_test))
    assert len(predictions) == 30
    truth = iris_test.Species.cat.codes.to_numpy()
    assert (predictions.class_ids.to_numpy() == truth).mean() == pytest.approx(
        evaluation.accuracy[0])


def test_mtcars_linear_regressor_example(tmp_path):
    cars = mtcars()
    assert cars.shape == (32, 11) and cars.index[0] == "Mazda RX4"
    # mpg ~ drat + cyl
    model = pe.linear_regressor(pe.feature_columns(pe.column_numeric("drat", "cyl")),
                                optimizer=tf.keras.optimizers.legacy.Adam(learning_rate=1.0),
                                config=config(tmp_path))
    pe.train(model, pe.input_fn(cars, features=["drat", "cyl"], response="mpg", batch_size=32,
                                num_epochs=None), steps=1000)
    pred = pe.predict(model, pe.input_fn(cars, features=["drat", "cyl"], response="mpg"))
    x = np.column_stack([np.ones(32), cars.drat, cars.cyl])
    beta = np.linalg.lstsq(x, cars.mpg, rcond=None)[0]
    rmse_ols = np.sqrt(np.mean((x @ beta - cars.mpg) ** 2))
    rmse = np.sqrt(np.mean((pred.predictions - cars.mpg.to_numpy()) ** 2))
    assert rmse == pytest.approx(rmse_ols, rel=0.01)
    assert weights(model)["cyl/weights"] == pytest.approx(beta[2], abs=0.1)
    result = pe.evaluate(model, pe.input_fn(cars, features=["drat", "cyl"], response="mpg"))
    assert result.average_loss[0] == pytest.approx(rmse ** 2, rel=1e-4)

