"""Feature columns: constructors, feature_columns() with names and patterns, input_layer(),
the parse-spec helpers.

Column outputs are computed by running input_layer() in a TF1 graph and compared with values
worked out by hand (bucket boundaries, vocabulary positions) or with independent TensorFlow
ops (the string hash of hash buckets).
"""

import re

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

import pyestim as pe
from pyestim.columns import ColumnSelection

IRIS_NAMES = ["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width", "Species"]


def dense(columns, features):
    """input_layer(features, columns) evaluated in a fresh graph."""
    with tf.Graph().as_default():
        tensors = {k: tf.constant(v) for k, v in features.items()}
        out = pe.input_layer(tensors, columns)
        with tf.compat.v1.Session() as sess:
            sess.run([tf.compat.v1.global_variables_initializer(),
                      tf.compat.v1.tables_initializer()])
            return sess.run(out)


def ids(categorical, values, key="x"):
    """The category id of each value: argmax of the one-hot indicator (-1 for an all-zero
    row, i.e. an ignored value)."""
    onehot = dense([pe.column_indicator(categorical)], {key: values})
    return np.where(onehot.sum(axis=1) == 0, -1, onehot.argmax(axis=1))


# --------------------------------------------------------------------------------------------
# column_numeric and feature_columns()


def test_column_numeric_one_name_gives_a_column_several_give_a_list():
    one = pe.column_numeric("a")
    assert one.key == "a" and one.shape == (1,) and one.dtype == tf.float32
    several = pe.column_numeric("a", "b")
    assert [c.key for c in several] == ["a", "b"]
    # R's character vector arrives as a list
    assert [c.key for c in pe.column_numeric(["a", "b", "c"])] == ["a", "b", "c"]


def test_column_numeric_accepts_r_numbers_and_dtype_names():
    col = pe.column_numeric("v", shape=3.0, dtype="float64", default_value=0)
    assert col.shape == (3,) and col.dtype == tf.float64
    assert pe.column_numeric("m", shape=[2.0, 2.0]).shape == (2, 2)
    with pytest.raises(pe.PyestimValueError, match="whole number"):
        pe.column_numeric("v", shape=1.5)
    with pytest.raises(pe.PyestimTypeError, match="TensorFlow type"):
        pe.column_numeric("v", dtype="no-such-type")
    with pytest.raises(pe.PyestimValueError, match="at least one feature name"):
        pe.column_numeric()


def test_column_numeric_takes_a_shape_a_tensorshape_a_vector_or_a_list():
    # tfestimators' mnist example: column_numeric("x", shape = shape(784L))
    assert pe.column_numeric("x", shape=pe.shape(784)).shape == (784,)
    assert pe.column_numeric("x", shape=pe.shape(28, 28)).shape == (28, 28)
    assert pe.column_numeric("x", shape=tf.TensorShape([28, 28])).shape == (28, 28)
    assert pe.column_numeric("x", shape=np.array([28, 28])).shape == (28, 28)
    assert pe.column_numeric("x", shape=(4,)).shape == (4,)
    assert pe.column_numeric("x", shape=[3.0]).shape == (3,)


@pytest.mark.parametrize("shape", [1.5, [28, 0], [], "784", tf.TensorShape([None, 3]),
                                   tf.TensorShape(None)])
def test_a_bad_shape_is_refused_saying_what_is_accepted(shape):
    with pytest.raises(pe.PyestimValueError) as info:
        pe.column_numeric("x", shape=shape)
    message = str(info.value)
    assert "whole number, a vector of whole numbers ([28, 28]) or a shape(28, 28)" in message
    assert "TensorShape" in message


def test_numeric_values_and_normalizer_through_input_layer():
    col = pe.column_numeric("x", normalizer_fn=lambda t: (t - 3.0) / 2.0)
    out = dense([col], {"x": np.array([[1.0], [3.0], [7.0]])})
    np.testing.assert_allclose(out[:, 0], [-1.0, 0.0, 2.0])


def test_feature_columns_globs_and_regexes_over_names():
    iris = pd.DataFrame({n: [] for n in IRIS_NAMES})
    cols = pe.feature_columns("Sepal*", names=iris)
    assert [c.key for c in cols] == ["Sepal.Length", "Sepal.Width"]
    cols = pe.feature_columns(re.compile(r"\.Width$"), names=IRIS_NAMES)
    assert [c.key for c in cols] == ["Sepal.Width", "Petal.Width"]
    # patterns inside a constructor wait for feature_columns() to resolve them
    selection = pe.column_numeric("Petal.?????")
    assert isinstance(selection, ColumnSelection)
    cols = pe.feature_columns(selection, pe.column_numeric("Sepal.Width"), names=IRIS_NAMES)
    assert [c.key for c in cols] == ["Petal.Width", "Sepal.Width"]
    # bracket globs and duplicates: each name once, in the order of names
    cols = pe.feature_columns("[SP]*.Length", "Sepal.Length", names=IRIS_NAMES)
    assert [c.key for c in cols] == ["Sepal.Length", "Petal.Length"]


def test_feature_columns_flattens_lists_of_columns():
    a, b = pe.column_numeric("a", "b")
    cols = pe.feature_columns([a, [b]], pe.column_indicator(
        pe.column_categorical_with_identity("c", num_buckets=3)))
    assert [c.name for c in cols] == ["a", "b", "c_indicator"]


def test_feature_columns_errors():
    with pytest.raises(pe.PyestimValueError, match="not among the available names"):
        pe.feature_columns("Sepal.Lenght", names=IRIS_NAMES)
    with pytest.raises(pe.PyestimValueError, match="matches none"):
        pe.feature_columns("Leaf*", names=IRIS_NAMES)
    with pytest.raises(pe.PyestimValueError, match="names = "):
        pe.feature_columns("Sepal*")
    with pytest.raises(pe.PyestimValueError, match="by pattern"):
        pe.feature_columns(pe.column_numeric("Sepal*"))
    with pytest.raises(pe.PyestimTypeError, match="feature columns, names and patterns"):
        pe.feature_columns(3)
    # a canned estimator given an unresolved pattern says how to resolve it
    with pytest.raises(pe.PyestimValueError, match="feature_columns"):
        pe.linear_regressor(pe.column_numeric("Sepal*"))


# --------------------------------------------------------------------------------------------
# Bucketized


def _keys(columns):
    return [c.key for c in ([columns] if not isinstance(columns, list) else columns)]


def test_with_columns_scopes_patterns_and_names():
    """tfestimators' column scope in Python's idiom (issue 22, point 11)."""
    iris = pd.DataFrame({name: [1.0] for name in IRIS_NAMES})
    assert isinstance(pe.column_numeric("Sepal*"), ColumnSelection)  # no scope: deferred
    with pe.with_columns(iris) as names:
        assert names == IRIS_NAMES
        assert _keys(pe.column_numeric("Sepal*")) == ["Sepal.Length", "Sepal.Width"]
        assert _keys(pe.column_numeric(re.compile("Width$"))) == ["Sepal.Width", "Petal.Width"]
        columns = pe.feature_columns(pe.column_numeric("Petal*"), "Sepal.Length")
        assert _keys(columns) == ["Petal.Length", "Petal.Width", "Sepal.Length"]
        with pytest.raises(ValueError, match="'Sepal.Lenght' is not among the available"):
            pe.column_numeric("Sepal.Lenght")
        with pe.with_columns(["a", "b"]):  # nested: the inner names, then the outer again
            assert _keys(pe.feature_columns("*")) == ["a", "b"]
        assert _keys(pe.feature_columns("Species")) == ["Species"]
    assert isinstance(pe.column_numeric("Sepal*"), ColumnSelection)  # the scope has ended


def test_scoped_columns_decorates_and_set_columns_sets_until_set_again():
    @pe.scoped_columns({"x1": [1], "x2": [2], "y": [0]})
    def build():
        return pe.feature_columns(pe.column_numeric("x*"))

    assert _keys(build()) == ["x1", "x2"]
    assert isinstance(pe.column_numeric("x*"), ColumnSelection)
    try:
        assert pe.set_columns(["u", "v"]) is None
        assert _keys(pe.column_numeric("?")) == ["u", "v"]
        assert pe.set_columns(["w"]) == ["u", "v"]
        assert _keys(pe.column_numeric("*")) == ["w"]
    finally:
        pe.set_columns(None)
    assert isinstance(pe.column_numeric("*"), ColumnSelection)


def test_bucketized_boundaries_by_hand():
    # boundaries 0, 10, 100: buckets (-inf, 0), [0, 10), [10, 100), [100, inf)
    col = pe.column_bucketized(pe.column_numeric("x"), [0, 10, 100.0])
    assert col.boundaries == (0.0, 10.0, 100.0)
    values = np.array([[-5.0], [0.0], [9.99], [10.0], [99.0], [100.0], [1e4]])
    out = dense([col], {"x": values})
    np.testing.assert_array_equal(out.argmax(axis=1), [0, 1, 1, 2, 2, 3, 3])
    np.testing.assert_array_equal(out.sum(axis=1), np.ones(7))


def test_bucketized_errors():
    x = pe.column_numeric("x")
    with pytest.raises(pe.PyestimValueError, match="strictly increasing.*10.0 before 5.0"):
        pe.column_bucketized(x, [0, 10, 5])
    with pytest.raises(pe.PyestimValueError, match="strictly increasing"):
        pe.column_bucketized(x, [1, 1])
    with pytest.raises(pe.PyestimValueError, match="non-empty"):
        pe.column_bucketized(x, [])
    with pytest.raises(pe.PyestimTypeError, match="numeric column"):
        pe.column_bucketized(pe.column_categorical_with_identity("x", num_buckets=2), [1])
    with pytest.raises(pe.PyestimValueError, match="one-dimensional"):
        pe.column_bucketized(pe.column_numeric("v", shape=[2, 2]), [1])


# --------------------------------------------------------------------------------------------
# Categorical columns


def test_identity_ids_and_default_value():
    col = pe.column_categorical_with_identity("x", num_buckets=4.0, default_value=0)
    np.testing.assert_array_equal(ids(col, np.array([[3], [1], [7]], dtype=np.int64)), [3, 1, 0])
    with pytest.raises(pe.PyestimValueError, match=r"\[0, 4\)"):
        pe.column_categorical_with_identity("x", num_buckets=4, default_value=4)
    with pytest.raises(pe.PyestimValueError, match=">= 1"):
        pe.column_categorical_with_identity("x", num_buckets=0)


def test_vocabulary_list_positions_and_out_of_vocabulary():
    col = pe.column_categorical_with_vocabulary_list("x", vocabulary_list=["b", "a", "c"])
    values = np.array([[b"a"], [b"c"], [b"b"], [b"zzz"]])
    np.testing.assert_array_equal(ids(col, values), [1, 2, 0, -1])
    oov = pe.column_categorical_with_vocabulary_list("x", vocabulary_list=["b", "a"],
                                                     num_oov_buckets=1)
    np.testing.assert_array_equal(ids(oov, values), [1, 2, 0, 2])
    # R numbers as an integer vocabulary
    ints = pe.column_categorical_with_vocabulary_list("x", vocabulary_list=[10.0, 20.0])
    np.testing.assert_array_equal(ids(ints, np.array([[20], [10], [5]], dtype=np.int64)),
                                  [1, 0, -1])


def test_vocabulary_list_errors():
    with pytest.raises(pe.PyestimValueError, match="duplicate"):
        pe.column_categorical_with_vocabulary_list("x", vocabulary_list=["a", "a"])
    with pytest.raises(pe.PyestimTypeError, match="only strings or only whole numbers"):
        pe.column_categorical_with_vocabulary_list("x", vocabulary_list=["a", 1])
    with pytest.raises(pe.PyestimValueError, match="not both"):
        pe.column_categorical_with_vocabulary_list("x", vocabulary_list=["a"], default_value=0,
                                                   num_oov_buckets=2)


def test_vocabulary_file(tmp_path):
    vocab = tmp_path / "states.txt"
    vocab.write_text("CA\nNY\nTX\n")
    col = pe.column_categorical_with_vocabulary_file("x", vocabulary_file=str(vocab),
                                                     vocabulary_size=3.0)
    np.testing.assert_array_equal(ids(col, np.array([[b"TX"], [b"CA"], [b"WA"]])), [2, 0, -1])
    short = pe.column_categorical_with_vocabulary_file("x", vocabulary_file=vocab,
                                                       vocabulary_size=2, num_oov_buckets=1)
    np.testing.assert_array_equal(ids(short, np.array([[b"NY"], [b"TX"]])), [1, 2])
    with pytest.raises(pe.PyestimValueError, match="does not exist"):
        pe.column_categorical_with_vocabulary_file("x", vocabulary_file=tmp_path / "none.txt",
                                                   vocabulary_size=3)


def test_hash_bucket_ids_stable_in_range_and_equal_to_tf_string_hash():
    col = pe.column_categorical_with_hash_bucket("x", hash_bucket_size=7)
    words = np.array([[w.encode()] for w in ["apple", "pear", "fig", "kiwi", "apple", "plum"]])
    first = ids(col, words)
    again = ids(pe.column_categorical_with_hash_bucket("x", hash_bucket_size=7.0), words)
    np.testing.assert_array_equal(first, again)
    assert first.min() >= 0 and first.max() < 7
    assert first[0] == first[4]
    expected = tf.strings.to_hash_bucket_fast(words[:, 0], 7).numpy()
    np.testing.assert_array_equal(first, expected)
    with pytest.raises(pe.PyestimValueError, match="larger than 1"):
        pe.column_categorical_with_hash_bucket("x", hash_bucket_size=1)


def test_weighted_categorical_sums_weights_per_id():
    col = pe.column_categorical_weighted(
        pe.column_categorical_with_identity("terms", num_buckets=3), "freq")
    out = dense([pe.column_indicator(col)], {
        "terms": np.array([[0, 2], [1, 1]], dtype=np.int64),
        "freq": np.array([[0.5, 2.0], [1.0, 3.0]], dtype=np.float32)})
    np.testing.assert_allclose(out, [[0.5, 0.0, 2.0], [0.0, 4.0, 0.0]])
    with pytest.raises(pe.PyestimTypeError, match="categorical column"):
        pe.column_categorical_weighted(pe.column_numeric("terms"), "freq")


def test_embedding_dimension_and_combiner():
    col = pe.column_embedding(pe.column_categorical_with_identity("x", num_buckets=5),
                              dimension=3.0, initializer=tf.compat.v1.ones_initializer())
    out = dense([col], {"x": np.array([[1], [4]], dtype=np.int64)})
    np.testing.assert_allclose(out, np.ones((2, 3)))
    with pytest.raises(pe.PyestimValueError, match="combiner"):
        pe.column_embedding(pe.column_categorical_with_identity("x", num_buckets=5), 2,
                            combiner="max")
    with pytest.raises(pe.PyestimValueError, match="both"):
        pe.column_embedding(pe.column_categorical_with_identity("x", num_buckets=5), 2,
                            ckpt_to_load_from="ckpt")


def test_crossed_ids_in_range_and_deterministic():
    cross = pe.column_crossed(["a", "b"], hash_bucket_size=11)
    feats = {"a": np.array([[b"x"], [b"y"], [b"x"]]), "b": np.array([[b"p"], [b"q"], [b"p"]])}
    onehot = dense([pe.column_indicator(cross)], feats)
    got = onehot.argmax(axis=1)
    assert got.min() >= 0 and got.max() < 11 and got[0] == got[2]
    np.testing.assert_array_equal(got, dense([pe.column_indicator(cross)], feats).argmax(axis=1))
    with pytest.raises(pe.PyestimValueError, match="at least two"):
        pe.column_crossed(["a"], hash_bucket_size=11)
    with pytest.raises(pe.PyestimValueError, match="hashed column"):
        pe.column_crossed([pe.column_categorical_with_hash_bucket("a", hash_bucket_size=3), "b"],
                          hash_bucket_size=11)


# --------------------------------------------------------------------------------------------
# input_layer and parse specs


def test_input_layer_orders_columns_by_name_and_checks_features():
    out = dense(pe.column_numeric("b", "a"), {"a": np.array([[1.0]]), "b": np.array([[2.0]])})
    np.testing.assert_allclose(out, [[1.0, 2.0]])  # TensorFlow sorts columns by name
    with pytest.raises(pe.PyestimValueError, match=r"\['c'\].*not in features"):
        dense(pe.column_numeric("a", "c"), {"a": np.array([[1.0]])})
    with pytest.raises(pe.PyestimTypeError, match="column_indicator"):
        dense([pe.column_categorical_with_identity("a", num_buckets=2)],
              {"a": np.array([[1]], dtype=np.int64)})


def test_parse_example_specs():
    cols = [pe.column_numeric("a"), pe.column_categorical_with_hash_bucket("s",
                                                                          hash_bucket_size=5)]
    spec = pe.classifier_parse_example_spec(cols, label_key="y", label_dtype="string")
    assert spec["a"] == tf.io.FixedLenFeature((1,), tf.float32)
    assert spec["s"] == tf.io.VarLenFeature(tf.string)
    assert spec["y"] == tf.io.FixedLenFeature((1,), tf.string)
    spec = pe.regressor_parse_example_spec(cols, label_key="y", label_dimension=2.0,
                                           weight_column="w")
    assert spec["y"] == tf.io.FixedLenFeature((2,), tf.float32)
    assert spec["w"] == tf.io.FixedLenFeature((1,), tf.float32)
    with pytest.raises(pe.PyestimValueError, match="label_key"):
        pe.classifier_parse_example_spec(cols, label_key=None)
    with pytest.raises(pe.PyestimTypeError, match="feature columns"):
        pe.regressor_parse_example_spec([1], label_key="y")
