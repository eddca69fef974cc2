"""The feature-column constructors (pyestim/columns/constructors.py): numeric, bucketized
and categorical columns, embedding and crossed columns.

Column outputs are computed by running input_layer() in a TF1 graph and compared with values
worked out by hand (bucket boundaries, vocabulary positions) or with independent TensorFlow
ops (the string hash of hash buckets).
"""

import numpy as np
import pytest
import tensorflow as tf
from test_columns_data_checks import dense

import pyestim as pe


def ids(categorical, values, key="x"):
    """The category id of each value: argmax of the one-hot indicator (-1 for an all-zero
    row, i.e. an ignored value)."""
    onehot = dense([pe.column_indicator(categorical)], {key: values})
    return np.where(onehot.sum(axis=1) == 0, -1, onehot.argmax(axis=1))


# --------------------------------------------------------------------------------------------
# column_numeric


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



# --------------------------------------------------------------------------------------------
# Bucketized


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

