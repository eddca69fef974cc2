"""canned/base.py: export_savedmodel() of canned estimators without a receiver (their default
serving input parses tf.Example protos), served by TensorFlow's own SavedModel loader; custom
and Keras estimators still need a receiver (the ``plane`` data in conftest.py)."""

import numpy as np
import pytest
import tensorflow as tf

import pyestim as pe


def example(row, names):
    feature = {n: tf.train.Feature(float_list=tf.train.FloatList(value=[float(row[n])]))
               for n in names}
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def test_export_regressor_serves_tf_examples_like_predict(plane, tmp_path):
    est = pe.dnn_regressor([4], pe.feature_columns("a", "b"),
                           config=pe.run_config(model_dir=str(tmp_path / "m"), tf_random_seed=2))
    pe.train(est, pe.input_fn(plane, ["a", "b"], "y", batch_size=40), steps=3)
    path = pe.export_savedmodel(est, str(tmp_path / "export"))
    loaded = tf.saved_model.load(path)
    rows = plane.head(6)
    serialized = tf.constant([example(r, ["a", "b"]) for _, r in rows.iterrows()])
    served = loaded.signatures["predict"](examples=serialized)
    expected = pe.predict(est, pe.input_fn(rows, ["a", "b"])).predictions.to_numpy()
    np.testing.assert_allclose(served["predictions"].numpy()[:, 0], expected, rtol=1e-5)
    regression = loaded.signatures["serving_default"](inputs=serialized)
    np.testing.assert_allclose(regression["outputs"].numpy()[:, 0], expected, rtol=1e-5)


def test_export_classifier_with_vocabulary_serves_class_names(plane, tmp_path):
    est = pe.linear_classifier(pe.feature_columns("a", "b"), label_vocabulary=["left", "right"],
                               weight_column="w",
                               config=pe.run_config(model_dir=str(tmp_path / "m")))
    weighted = plane.assign(w=1.0)
    pe.train(est, pe.input_fn(weighted, ["a", "b", "w"], "side", batch_size=40), steps=3)
    path = pe.export_savedmodel(est, str(tmp_path / "export"))
    loaded = tf.saved_model.load(path)
    rows = plane.head(5)
    # served examples carry the features only: neither the label nor the weight
    served = loaded.signatures["predict"](
        examples=tf.constant([example(r, ["a", "b"]) for _, r in rows.iterrows()]))
    expected = pe.predict(est, pe.input_fn(weighted.head(5), ["a", "b", "w"]))
    assert [c[0].decode() for c in served["classes"].numpy()] == list(expected.classes)
    np.testing.assert_allclose(served["probabilities"].numpy(),
                               np.stack(expected.probabilities.to_list()), rtol=1e-5)
    scores = loaded.signatures["serving_default"](
        inputs=tf.constant([example(r, ["a", "b"]) for _, r in rows.iterrows()]))
    assert [c.decode() for c in scores["classes"].numpy()[0]] == ["left", "right"]


def test_export_boosted_trees_parses_the_bucketized_source_feature(plane, tmp_path):
    est = pe.boosted_trees_regressor(
        [pe.column_bucketized(pe.column_numeric("a"), [-1, 0, 1])], n_batches_per_layer=1,
        n_trees=2, max_depth=2, learning_rate=1.0,
        config=pe.run_config(model_dir=str(tmp_path / "m")))
    pe.train(est, pe.input_fn(plane, "a", "y", batch_size=120, num_epochs=None), steps=6)
    loaded = tf.saved_model.load(pe.export_savedmodel(est, str(tmp_path / "export")))
    rows = plane.head(8)
    served = loaded.signatures["predict"](
        examples=tf.constant([example(r, ["a"]) for _, r in rows.iterrows()]))
    expected = pe.predict(est, pe.input_fn(rows, "a")).predictions.to_numpy()
    np.testing.assert_allclose(served["predictions"].numpy()[:, 0], expected, rtol=1e-6)
    assert len(np.unique(expected)) > 1


def test_export_still_needs_a_receiver_for_custom_and_keras(linear_model_fn, tmp_path):
    with pytest.raises(pe.PyestimValueError, match="serving_input_receiver_fn"):
        pe.export_savedmodel(pe.estimator(linear_model_fn), str(tmp_path))
