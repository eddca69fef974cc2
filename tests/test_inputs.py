"""numpy_input_fn() and input_fn().

The input functions are consumed directly: ``fn()`` returns a tf.data.Dataset, iterated
eagerly, or inside a graph with a seed and a session (as the estimator does). Row contents
are checked against the arrays fed in, so every expectation comes from the inputs.
"""

import hashlib

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

import pyestim
import pyestim as pe
from pyestim import errors

v1 = tf.compat.v1


def eager_batches(fn):
    """All elements of fn()'s dataset, as NumPy (nested like the dataset)."""
    return [tf.nest.map_structure(lambda t: t.numpy(), item) for item in fn()]


def graph_batches(fn, seed=None, limit=None):
    """Elements of fn()'s dataset read in a fresh graph (graph seed ``seed``), as the
    estimator reads them."""
    out = []
    with tf.Graph().as_default():
        if seed is not None:
            v1.set_random_seed(seed)
        element = v1.data.make_one_shot_iterator(fn()).get_next()
        with v1.Session() as session:
            while limit is None or len(out) < limit:
                try:
                    out.append(session.run(element))
                except tf.errors.OutOfRangeError:
                    break
    return out


def ids(n):
    """Features whose single column is the row number, and the row number as label."""
    return {"id": np.arange(n, dtype=np.int64)}, np.arange(n, dtype=np.int32)


def stream_of_ids(batches):
    return np.concatenate([features["id"] for features, _ in batches])


# --------------------------------------------------------------------------------------------
# numpy_input_fn: argument errors


@pytest.mark.parametrize("shuffle", [None, "TRUE", 1, 0])
def test_shuffle_must_be_given_as_a_bool(shuffle):
    x, y = ids(10)
    with pytest.raises(errors.PyestimValueError) as info:
        pyestim.numpy_input_fn(x, y, shuffle=shuffle)
    assert isinstance(info.value, ValueError)
    assert "shuffle" in str(info.value)
    assert repr(shuffle) in str(info.value)


def test_shuffle_accepts_numpy_bools():
    x, y = ids(4)
    batches = eager_batches(pyestim.numpy_input_fn(x, y, shuffle=np.bool_(False)))
    np.testing.assert_array_equal(stream_of_ids(batches), np.arange(4))


def test_x_and_y_of_different_lengths():
    with pytest.raises(errors.PyestimValueError) as info:
        pyestim.numpy_input_fn({"a": np.zeros(17)}, np.zeros(13), shuffle=False)
    message = str(info.value)
    assert "a: 17" in message and "y: 13" in message


def test_features_of_different_lengths():
    with pytest.raises(errors.PyestimValueError) as info:
        pyestim.numpy_input_fn({"a": np.zeros(5), "b": np.zeros(6)}, shuffle=False)
    assert "a: 5" in str(info.value) and "b: 6" in str(info.value)


def test_single_array_x_and_y_of_different_lengths():
    with pytest.raises(errors.PyestimValueError) as info:
        pyestim.numpy_input_fn(np.zeros((8, 2)), np.zeros(9), shuffle=False)
    assert "x: 8" in str(info.value) and "y: 9" in str(info.value)


@pytest.mark.parametrize("x", [{"a": np.zeros((0, 3))}, np.zeros((0, 3)), {"a": []}])
def test_empty_x_is_an_error(x):
    with pytest.raises(errors.PyestimValueError) as info:
        pyestim.numpy_input_fn(x, shuffle=False)
    assert "no rows" in str(info.value)


def test_empty_dicts_are_errors():
    with pytest.raises(errors.PyestimValueError, match="x is an empty dict"):
        pyestim.numpy_input_fn({}, shuffle=False)
    with pytest.raises(errors.PyestimValueError, match="y is an empty dict"):
        pyestim.numpy_input_fn({"a": np.zeros(3)}, {}, shuffle=False)


def test_x_none_is_an_error():
    with pytest.raises(errors.PyestimTypeError):
        pyestim.numpy_input_fn(None, shuffle=False)


def test_keys_in_both_x_and_y():
    with pytest.raises(errors.PyestimValueError) as info:
        pyestim.numpy_input_fn({"a": np.zeros(3), "b": np.zeros(3)},
                               {"b": np.zeros(3), "c": np.zeros(3)}, shuffle=False)
    assert "['b']" in str(info.value)


@pytest.mark.parametrize("values", [
    np.array([{"a": 1}, {"b": 2}], dtype=object),
    np.array([None, None], dtype=object),
    np.array([1 + 2j, 3j]),
    np.array(["2020-01-01", "2020-01-02"], dtype="datetime64[D]"),
])
def test_non_numeric_arrays_are_errors(values):
    with pytest.raises(errors.PyestimTypeError) as info:
        pyestim.numpy_input_fn({"a": values}, shuffle=False)
    assert isinstance(info.value, TypeError)
    assert "x['a']" in str(info.value)


def test_a_scalar_is_an_error():
    with pytest.raises(errors.PyestimValueError, match="single value"):
        pyestim.numpy_input_fn({"a": np.float32(3)}, shuffle=False)


@pytest.mark.parametrize("kwargs", [
    {"batch_size": 0}, {"batch_size": 2.5}, {"batch_size": None}, {"batch_size": "10"},
    {"num_epochs": 0}, {"num_epochs": 1.5}, {"queue_capacity": 0}, {"num_threads": 0},
])
def test_bad_counts_are_errors(kwargs):
    x, y = ids(10)
    with pytest.raises(errors.PyestimValueError) as info:
        pyestim.numpy_input_fn(x, y, shuffle=False, **kwargs)
    assert next(iter(kwargs)) in str(info.value)


# --------------------------------------------------------------------------------------------
# numpy_input_fn: batches and order


def test_one_epoch_ends_with_a_short_batch():
    x, y = ids(250)
    batches = eager_batches(pyestim.numpy_input_fn(x, y, batch_size=100, num_epochs=1,
                                                   shuffle=False))
    assert [len(labels) for _, labels in batches] == [100, 100, 50]
    np.testing.assert_array_equal(stream_of_ids(batches), np.arange(250))
    np.testing.assert_array_equal(np.concatenate([labels for _, labels in batches]),
                                  np.arange(250))


def test_one_epoch_in_a_graph_then_out_of_range():
    x, y = ids(250)
    batches = graph_batches(pyestim.numpy_input_fn(x, y, batch_size=100, num_epochs=1,
                                                   shuffle=False), limit=10)
    assert [len(labels) for _, labels in batches] == [100, 100, 50]


def test_endless_epochs_give_full_batches_across_epoch_boundaries():
    x, y = ids(250)
    batches = graph_batches(pyestim.numpy_input_fn(x, y, batch_size=100, num_epochs=None,
                                                   shuffle=False), limit=10)
    assert [len(labels) for _, labels in batches] == [100] * 10
    np.testing.assert_array_equal(stream_of_ids(batches), np.tile(np.arange(250), 4))
    # The third batch spans the end of epoch 1 and the start of epoch 2.
    np.testing.assert_array_equal(batches[2][0]["id"],
                                  np.concatenate([np.arange(200, 250), np.arange(0, 50)]))


def test_two_epochs_run_on_without_a_gap():
    x, y = ids(250)
    batches = eager_batches(pyestim.numpy_input_fn(x, y, batch_size=100, num_epochs=2.0,
                                                   shuffle=False))
    assert [len(labels) for _, labels in batches] == [100] * 5
    np.testing.assert_array_equal(stream_of_ids(batches), np.tile(np.arange(250), 2))


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 40), batch_size=st.integers(1, 16), num_epochs=st.integers(1, 3))
def test_unshuffled_batches_follow_the_rows(n, batch_size, num_epochs):
    x, y = ids(n)
    batches = eager_batches(pyestim.numpy_input_fn(x, y, batch_size=batch_size,
                                                   num_epochs=num_epochs, shuffle=False))
    total = n * num_epochs
    sizes = [len(labels) for _, labels in batches]
    expected = [batch_size] * (total // batch_size) + ([total % batch_size]
                                                       if total % batch_size else [])
    assert sizes == expected
    np.testing.assert_array_equal(stream_of_ids(batches), np.tile(np.arange(n), num_epochs))


def test_order_is_kept_exactly_with_many_features():
    rng = np.random.default_rng(3)
    x = {"a": rng.normal(size=(37, 3)).astype(np.float32),
         "b": rng.integers(0, 100, size=37)}
    y = rng.normal(size=37)
    batches = eager_batches(pyestim.numpy_input_fn(x, y, batch_size=10, shuffle=False))
    np.testing.assert_array_equal(np.concatenate([f["a"] for f, _ in batches]), x["a"])
    np.testing.assert_array_equal(np.concatenate([f["b"] for f, _ in batches]), x["b"])
    np.testing.assert_array_equal(np.concatenate([t for _, t in batches]), y)


def test_shuffle_with_a_graph_seed_permutes_each_epoch_the_same_way_every_time():
    x, y = ids(250)

    def make():
        return pyestim.numpy_input_fn(x, y, batch_size=100, num_epochs=None, shuffle=True)

    first = stream_of_ids(graph_batches(make(), seed=1, limit=10))
    assert len(first) == 1000
    epochs = [first[i * 250:(i + 1) * 250] for i in range(4)]
    for epoch in epochs:
        np.testing.assert_array_equal(np.sort(epoch), np.arange(250))  # each row once
        assert not np.array_equal(epoch, np.arange(250))
    assert not np.array_equal(epochs[0], epochs[1])  # a new order every epoch

    labels = np.concatenate([t for _, t in graph_batches(make(), seed=1, limit=10)])
    second = stream_of_ids(graph_batches(make(), seed=1, limit=10))
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(labels, first)  # features and labels stay paired

    other_seed = stream_of_ids(graph_batches(make(), seed=2, limit=10))
    assert not np.array_equal(first, other_seed)


def test_shuffle_with_one_epoch_gives_every_row_once():
    x, y = ids(250)
    batches = graph_batches(pyestim.numpy_input_fn(x, y, batch_size=100, num_epochs=1,
                                                   shuffle=True), seed=7)
    assert [len(t) for _, t in batches] == [100, 100, 50]
    np.testing.assert_array_equal(np.sort(stream_of_ids(batches)), np.arange(250))


def test_shuffle_without_a_seed_differs_between_builds():
    x, y = ids(1000)
    fn = pyestim.numpy_input_fn(x, y, batch_size=1000, num_epochs=1, shuffle=True)
    first = stream_of_ids(graph_batches(fn, seed=None))
    second = stream_of_ids(graph_batches(fn, seed=None))
    np.testing.assert_array_equal(np.sort(first), np.arange(1000))
    np.testing.assert_array_equal(np.sort(second), np.arange(1000))
    assert not np.array_equal(first, second)
    eager_first = stream_of_ids(eager_batches(fn))
    eager_second = stream_of_ids(eager_batches(fn))
    assert not np.array_equal(eager_first, eager_second)


# --------------------------------------------------------------------------------------------
# numpy_input_fn: no Python per batch, large arrays


def counting_generators(monkeypatch):
    """Count every value any ``from_generator`` generator yields from now on: each is one
    call into Python by the pipeline."""
    counts = []
    original = tf.data.Dataset.from_generator

    def from_generator(generator, *args, **kwargs):
        def counted(*gen_args):
            for value in generator(*gen_args):
                counts.append(1)
                yield value
        return original(counted, *args, **kwargs)

    monkeypatch.setattr(tf.data.Dataset, "from_generator", staticmethod(from_generator))
    return counts


@pytest.mark.parametrize("shuffle", [False, True])
def test_batches_are_gathered_without_python_per_batch(monkeypatch, shuffle):
    counts = counting_generators(monkeypatch)
    x, y = ids(1000)
    fn = pyestim.numpy_input_fn(x, y, batch_size=100, num_epochs=None, shuffle=shuffle)
    batches = graph_batches(fn, seed=5, limit=1000)  # 100 epochs
    assert len(batches) == 1000
    # One call for the arrays, one per 65,536 indices (655 batches of 100): 1 + 2.
    assert len(counts) <= 3
    stream = stream_of_ids(batches)
    for epoch in stream.reshape(100, 1000):
        np.testing.assert_array_equal(np.sort(epoch), np.arange(1000))


@pytest.mark.parametrize("per_call", [1, 7, 64, 1 << 16])
@pytest.mark.parametrize("num_epochs", [1, 3, None])
def test_the_order_does_not_depend_on_how_many_indices_are_made_per_call(
        monkeypatch, per_call, num_epochs):
    x, y = ids(23)
    fn = pyestim.numpy_input_fn(x, y, batch_size=5, num_epochs=num_epochs, shuffle=False)
    monkeypatch.setattr(pyestim.inputs, "_INDICES_PER_CALL", per_call)
    batches = graph_batches(fn, limit=30)
    sizes = [len(t) for _, t in batches]
    if num_epochs is None:
        assert sizes == [5] * 30
    else:
        total = 23 * num_epochs
        assert sizes == [5] * (total // 5) + [total % 5]
    np.testing.assert_array_equal(stream_of_ids(batches),
                                  np.tile(np.arange(23), num_epochs or 7)[:sum(sizes)])
    shuffled = pyestim.numpy_input_fn(x, y, batch_size=5, num_epochs=num_epochs, shuffle=True)
    stream = stream_of_ids(graph_batches(shuffled, seed=3, limit=30))
    monkeypatch.setattr(pyestim.inputs, "_INDICES_PER_CALL", 1 << 16)
    np.testing.assert_array_equal(stream, stream_of_ids(graph_batches(shuffled, seed=3,
                                                                      limit=30)))


@pytest.mark.parametrize("num_epochs, sizes, digest", [
    (None, [32] * 40, "b8561116a42df517"), (3, [32] * 24 + [3], "cd49ca609be3570e")])
def test_the_seeded_order_is_the_one_pyestim_always_gave(num_epochs, sizes, digest):
    # Recorded from the reader before this one (a from_generator of batches, pyestim at
    # fbe3029): the order of examples, and so every parity row, must not move.
    x, y = ids(257)
    fn = pyestim.numpy_input_fn(x, y, batch_size=32, num_epochs=num_epochs, shuffle=True)
    batches = []
    with tf.Graph().as_default():
        v1.set_random_seed(42)
        v1.constant(0.0)  # an op before the input: the op seed counts the graph's ops
        element = v1.data.make_one_shot_iterator(fn()).get_next()
        with v1.Session() as session:
            while len(batches) < 40:
                try:
                    batches.append(session.run(element))
                except tf.errors.OutOfRangeError:
                    break
    assert [len(t) for _, t in batches] == sizes
    stream = stream_of_ids(batches)
    assert stream[:12].tolist() == [190, 81, 182, 30, 194, 208, 90, 184, 37, 238, 233, 132]
    assert hashlib.sha256(stream.tobytes()).hexdigest()[:16] == digest


def test_large_arrays_stay_out_of_the_graph():
    # 16 MB of features: as a graph constant they would be in the GraphDef (and so in
    # graph.pbtxt and every checkpoint's meta graph), with a 2 GB limit on it.
    x = {"big": np.arange(4_000_000, dtype=np.float32).reshape(40_000, 100)}
    y = np.arange(40_000, dtype=np.int64)
    fn = pyestim.numpy_input_fn(x, y, batch_size=1000, num_epochs=1, shuffle=True)
    with tf.Graph().as_default() as graph:
        v1.set_random_seed(11)
        element = v1.data.make_one_shot_iterator(fn()).get_next()
        assert graph.as_graph_def().ByteSize() < 200_000
        seen = []
        with v1.Session() as session:
            while True:
                try:
                    features, labels = session.run(element)
                except tf.errors.OutOfRangeError:
                    break
                np.testing.assert_array_equal(features["big"], x["big"][labels])
                seen.append(labels)
    np.testing.assert_array_equal(np.sort(np.concatenate(seen)), np.arange(40_000))


def test_single_arrays_and_no_labels():
    x = np.arange(12, dtype=np.float64).reshape(6, 2)
    features_only = eager_batches(pyestim.numpy_input_fn(x, batch_size=4, shuffle=False))
    assert all(isinstance(b, np.ndarray) for b in features_only)
    np.testing.assert_array_equal(np.concatenate(features_only), x)

    pairs = eager_batches(pyestim.numpy_input_fn(x, {"t": np.arange(6), "u": -np.arange(6)},
                                                 batch_size=4, shuffle=False))
    features, labels = pairs[0]
    np.testing.assert_array_equal(features, x[:4])
    assert set(labels) == {"t", "u"}
    np.testing.assert_array_equal(labels["u"], -np.arange(4))


def test_dtypes_and_shapes_are_kept():
    x = {"img": np.zeros((10, 28, 28), dtype=np.float32),
         "n": np.arange(10, dtype=np.int32),
         "word": np.array([f"w{i}" for i in range(10)])}
    y = np.arange(10, dtype=np.uint8)
    finite = pyestim.numpy_input_fn(x, y, batch_size=4, shuffle=False)()
    features, labels = finite.element_spec
    assert features["img"].dtype == tf.float32 and features["img"].shape.as_list() == [None, 28, 28]
    assert features["n"].dtype == tf.int32
    assert features["word"].dtype == tf.string
    assert labels.dtype == tf.uint8
    endless = pyestim.numpy_input_fn(x, y, batch_size=4, num_epochs=None, shuffle=False)()
    assert endless.element_spec[0]["img"].shape.as_list() == [4, 28, 28]
    first = next(iter(finite))
    assert first[0]["word"].numpy().tolist() == [b"w0", b"w1", b"w2", b"w3"]


def test_the_tutorials_matrix_is_fed_as_an_array():
    """The R tutorial passes np$asmatrix(images, dtype = np$float32)."""
    images = np.arange(30 * 4, dtype=np.float32).reshape(30, 4) / 120
    matrix = np.asmatrix(images, dtype=np.float32)
    batches = eager_batches(pyestim.numpy_input_fn({"x": matrix}, np.arange(30), batch_size=8,
                                                   shuffle=False))
    assert batches[0][0]["x"].shape == (8, 4)
    np.testing.assert_array_equal(np.concatenate([f["x"] for f, _ in batches]), images)


def test_numpy_input_fn_trains_an_estimator_on_the_expected_batches(tmp_path, toy_data,
                                                                    linear_model_fn,
                                                                    numpy_reference):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    history = pyestim.train(est, pyestim.numpy_input_fn({"x": toy_data.x}, toy_data.y,
                                                        batch_size=40, num_epochs=None,
                                                        shuffle=False),
                            steps=7, hooks=pyestim.hook_history_saver(every_n_step=1))
    batches = [np.arange(i * 40, (i + 1) * 40) % 200 for i in range(7)]
    expected, _, _ = numpy_reference.gd_losses(toy_data.x, toy_data.y, batches)
    np.testing.assert_allclose(history.mean_losses, expected, rtol=1e-5)


# --------------------------------------------------------------------------------------------
# input_fn(): data frames and dicts


@pytest.fixture
def frame():
    n = 200
    rng = np.random.default_rng(11)
    return pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n),
                         "c": np.arange(n) * 10.0, "id": np.arange(n, dtype=np.float32)})


def _echo_model_fn(features, labels, mode):
    """Predicts the feature matrix itself; trains a least-squares fit to the labels."""
    from pyestim import tf as tf1

    x = tf1.cast(features, tf1.float32)
    w = tf1.get_variable("w", [int(x.shape[-1])], initializer=tf1.zeros_initializer())
    if mode == "infer":
        return pyestim.estimator_spec(mode=mode, predictions=x + 0.0 * w)
    loss = tf1.reduce_mean(tf1.square(tf1.reduce_sum(x * w, axis=1) - labels))
    train_op = tf1.train.GradientDescentOptimizer(1e-6).minimize(
        loss, global_step=tf1.train.get_global_step())
    return pyestim.estimator_spec(mode=mode, loss=loss, train_op=train_op)


@pytest.mark.parametrize("as_dict", [False, True])
def test_features_arrive_as_one_matrix_in_the_given_order(tmp_path, frame, as_dict):
    data = {k: frame[k].to_numpy() for k in frame.columns} if as_dict else frame
    est = pyestim.estimator(_echo_model_fn, model_dir=tmp_path / "m")
    result = pyestim.predict(est, pyestim.input_fn(data, features=["c", "a"], batch_size=64))
    rows = np.stack(result["predictions"].to_list())
    assert rows.shape == (200, 2)
    np.testing.assert_allclose(rows, frame[["c", "a"]].to_numpy(), rtol=1e-6)  # in row order


def test_a_single_feature_name(tmp_path, frame):
    est = pyestim.estimator(_echo_model_fn, model_dir=tmp_path / "m")
    result = pyestim.predict(est, pyestim.input_fn(frame, features="c", batch_size=64))
    rows = np.stack(result["predictions"].to_list())
    np.testing.assert_allclose(rows[:, 0], frame["c"].to_numpy())


def _labels_seen_in_training(tmp_path, frame, shuffle):
    tensors, seen = {}, []

    def model_fn(features, labels, mode):
        tensors["labels"] = labels
        return _echo_model_fn(features, labels, mode)

    hook = pyestim.session_run_hook(
        before_run=lambda ctx: pyestim.session_run_args(labels=tensors["labels"]),
        after_run=lambda ctx, values: seen.append(values.results["labels"]))
    est = pyestim.estimator(model_fn, model_dir=tmp_path / "m")
    pyestim.train(est, pyestim.input_fn(frame, features=["a", "b"], response="id",
                                        batch_size=50, shuffle=shuffle), hooks=hook)
    return np.concatenate(seen)


def test_shuffle_auto_shuffles_in_training(tmp_path, frame):
    labels = _labels_seen_in_training(tmp_path, frame, "auto")
    assert len(labels) == 200
    np.testing.assert_array_equal(np.sort(labels), np.arange(200))
    assert not np.array_equal(labels, np.arange(200))


def test_shuffle_false_keeps_the_order_in_training(tmp_path, frame):
    labels = _labels_seen_in_training(tmp_path, frame, False)
    np.testing.assert_array_equal(labels, np.arange(200))


def test_input_fn_for_other_estimators_gives_a_dict_of_columns(frame):
    make = pyestim.input_fn(frame, features=["b", "a"], response="id", batch_size=300,
                            shuffle=False)
    features, labels = eager_batches(make(None).dataset_fn)[0]
    assert set(features) == {"a", "b"}
    np.testing.assert_array_equal(features["b"], frame["b"].to_numpy())
    np.testing.assert_array_equal(labels, frame["id"].to_numpy())


def test_input_fn_turns_categories_and_bools_into_numbers():
    frame = pd.DataFrame({"colour": pd.Categorical(["red", "blue", "red"]),
                          "flag": [True, False, True], "y": [1, 2, 3]})
    make = pyestim.input_fn(frame, features=["colour", "flag"], response="y", shuffle=False)
    features, labels = eager_batches(make(None).dataset_fn)[0]
    np.testing.assert_array_equal(features["colour"], [1, 0, 1])  # categories blue, red
    np.testing.assert_array_equal(features["flag"], [1, 0, 1])
    np.testing.assert_array_equal(labels, [1, 2, 3])


def test_numpy_input_fn_feeds_factors_as_codes_and_logs_the_encoding(tf_log):
    # An R factor reaches Python as a pandas Categorical (levels b, a): codes b = 0, a = 1.
    size = pd.Categorical(["b", "a", "b"], categories=["b", "a"])
    fn = pyestim.numpy_input_fn({"size": size, "w": np.array([1.0, 2.0, 3.0])},
                                pd.Categorical(["no", "yes", "yes"]), shuffle=False)
    features, labels = eager_batches(fn)[0]
    np.testing.assert_array_equal(features["size"], [0, 1, 0])
    np.testing.assert_array_equal(labels, [0, 1, 1])
    assert "INFO:tensorflow:numpy_input_fn(): factor column 'size' is fed as 0-based integer " \
           "codes: b = 0, a = 1" in tf_log
    assert any("factor column 'y' is fed as 0-based integer codes: no = 0, yes = 1" in line
               for line in tf_log)


def test_unknown_feature_column_lists_the_columns(frame):
    with pytest.raises(errors.PyestimValueError) as info:
        pyestim.input_fn(frame, features=["a", "zzz"], response="id")
    message = str(info.value)
    assert "['zzz']" in message
    assert "['a', 'b', 'c', 'id']" in message


def test_unknown_response_column_lists_the_columns(frame):
    with pytest.raises(errors.PyestimValueError) as info:
        pyestim.input_fn(frame, features=["a"], response="label")
    assert "['label']" in str(info.value)
    assert "['a', 'b', 'c', 'id']" in str(info.value)


def test_input_fn_rejects_other_data_and_shuffle_values(frame):
    with pytest.raises(errors.PyestimTypeError, match="DataFrame"):
        pyestim.input_fn(frame.to_numpy(), features=["a"])
    with pytest.raises(errors.PyestimValueError, match="shuffle"):
        pyestim.input_fn(frame, features=["a"], shuffle="sometimes")
    with pytest.raises(errors.PyestimValueError, match="response"):
        pyestim.input_fn(frame, features=["a"], response=["id", "c"])


# --------------------------------------------------------------------------------------------
# input_fn(): factors, the layout for custom and canned estimators, structured arrays, lists of
# sequences


def _first_batch(fn):
    """The first batch of an input function: input_fn()'s returns tensors in a graph."""
    with tf.Graph().as_default():
        it = fn()
        with tf.compat.v1.Session() as sess:
            return sess.run(it)


def test_input_fn_feeds_factor_codes_and_logs_the_encoding(tf_log):
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0],
                       "f": pd.Categorical(["b", "a", "b"], categories=["b", "a"]),
                       "y": pd.Categorical(["no", "yes", "no"])})
    make = pe.input_fn(df, ["x", "f"], "y", shuffle=False)
    assert any("factor column 'f' is fed as 0-based integer codes: b = 0, a = 1" in line
               and line.startswith("INFO:tensorflow:") for line in tf_log)
    assert any("'y'" in line and "no = 0, yes = 1" in line for line in tf_log)
    canned = pe.linear_classifier(pe.feature_columns("x"))
    features, labels = _first_batch(make(canned))
    np.testing.assert_array_equal(features["f"], [0, 1, 0])
    np.testing.assert_array_equal(labels, [0, 1, 0])


def test_input_fn_layout_matrix_for_custom_dict_for_canned(linear_model_fn):
    df = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0], "y": [0, 1]})
    make = pe.input_fn(df, ["a", "b"], "y", shuffle=False)
    custom = pe.estimator(linear_model_fn)
    assert not getattr(custom, "canned", False)
    features, _ = _first_batch(make(custom))
    np.testing.assert_array_equal(features, [[1.0, 3.0], [2.0, 4.0]])
    features, _ = _first_batch(make(pe.linear_regressor(pe.feature_columns("a", "b"))))
    assert sorted(features) == ["a", "b"]


def test_input_fn_structured_array_and_plain_matrix():
    rec = np.array([(1.0, 2.0, 0), (3.0, 4.0, 1)],
                   dtype=[("x1", "f8"), ("x2", "f8"), ("y", "i8")])
    features, labels = _first_batch(pe.input_fn(rec, ["x1", "x2"], "y", shuffle=False)(
        pe.linear_regressor(pe.feature_columns("x1", "x2"))))
    np.testing.assert_array_equal(features["x2"], [2.0, 4.0])
    np.testing.assert_array_equal(labels, [0, 1])
    with pytest.raises(pe.PyestimTypeError, match="without column names"):
        pe.input_fn(np.ones((3, 2)), ["a"])
    with pytest.raises(pe.PyestimValueError, match=r"\['z'\] not found"):
        pe.input_fn(rec, ["z"])


def test_input_fn_lists_of_sequences():
    # tfestimators' input_fn.list example: two examples of three time steps each
    data = {"feature1": [[[1], [2], [3]], [[4], [5], [6]]],
            "feature2": [[[7], [8], [9]], [[10], [11], [12]]],
            "response": [[1, 2, 3], [4, 5, 6]]}
    make = pe.input_fn(data, ["feature1", "feature2"], "response", batch_size=10, shuffle=False)
    features, labels = _first_batch(make(pe.linear_regressor(pe.feature_columns("feature1"))))
    assert features["feature1"].shape == (2, 3, 1) and features["feature1"].dtype == np.int64
    np.testing.assert_array_equal(labels, [[1, 2, 3], [4, 5, 6]])
    with pytest.raises(pe.PyestimValueError, match="different lengths"):
        pe.input_fn({"s": [[1, 2], [3]]}, ["s"])
