"""predictor(): the predict graph built once, in a live session, answering like predict().

The expectations come from predict() itself (a fresh graph and session per call, through
tf.estimator), fed the same batches: TensorFlow's CPU kernels may round an example's result
differently in batches of different sizes, so "bit for bit" is per batch, as predict()'s own
results depend on its input function's batch size.
"""

import numpy as np
import pytest

from pyestim import (CheckpointError, PyestimTypeError, PyestimValueError, estimator,
                     numpy_input_fn, predict, predictor, run_config, tf, train)
from pyestim.models import cnn_model_fn

from support.models import trained_cnn


def _predict_batches(est, x, batch_size):
    rows = predict(est, numpy_input_fn({"x": x}, batch_size=batch_size, shuffle=False),
                   simplify=False)
    return {"classes": np.array([r["classes"] for r in rows]),
            "probabilities": np.stack([r["probabilities"] for r in rows])}


def _in_batches(p, x, batch_size):
    parts = [p({"x": x[i:i + batch_size]}) for i in range(0, len(x), batch_size)]
    return {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}


@pytest.fixture(scope="module")
def cnn(tmp_path_factory, mnist_subset):
    return trained_cnn(tmp_path_factory.mktemp("cnn"), mnist_subset, seed=11, steps=3)


@pytest.mark.parametrize("batch_size", [128, 1])
def test_predictor_equals_predict_bit_for_bit(cnn, mnist_subset, batch_size):
    x = mnist_subset.test_x[:200] if batch_size > 1 else mnist_subset.test_x[:25]
    expected = _predict_batches(cnn, x, batch_size)
    with predictor(cnn) as p:
        got = _in_batches(p, x, batch_size)
    assert got.keys() == expected.keys()
    assert got["probabilities"].dtype == np.float32
    np.testing.assert_array_equal(got["classes"], expected["classes"])
    assert got["probabilities"].tobytes() == expected["probabilities"].tobytes()


def test_predictor_builds_once_and_restores_a_newer_checkpoint(tmp_path, mnist_subset):
    est = estimator(cnn_model_fn, model_dir=str(tmp_path), config=run_config(tf_random_seed=5))
    fn = numpy_input_fn({"x": mnist_subset.train_x}, mnist_subset.train_y, batch_size=50,
                        num_epochs=None, shuffle=True)
    train(est, fn, steps=2)
    x = mnist_subset.test_x[:64]
    p = predictor(est)
    first = p({"x": x})
    graph, session = p.graph, p._session
    restored = p.checkpoint_path
    assert restored.endswith("model.ckpt-2")
    again = p({"x": x})
    assert p.graph is graph and p._session is session and p.checkpoint_path == restored
    assert again["probabilities"].tobytes() == first["probabilities"].tobytes()

    train(est, fn, steps=3)  # a newer checkpoint appears
    after = p({"x": x})
    assert p.graph is graph and p._session is session  # same graph and session
    assert p.checkpoint_path.endswith("model.ckpt-5")
    expected = _predict_batches(est, x, 64)
    assert after["probabilities"].tobytes() == expected["probabilities"].tobytes()
    assert after["probabilities"].tobytes() != first["probabilities"].tobytes()
    p.close()
    assert p.closed
    with pytest.raises(PyestimValueError, match="closed"):
        p({"x": x})


def test_later_calls_leave_numpys_generator_alone(cnn, mnist_subset):
    """Only the call that builds the graph seeds NumPy and Python (as predict() does): a loop
    that draws random images between calls still gets different ones."""
    with predictor(cnn) as p:
        p({"x": mnist_subset.test_x[:1]})
        np.random.seed(123)
        expected = np.random.randint(500, size=5)
        np.random.seed(123)
        drawn = []
        for _ in range(5):
            i = np.random.randint(500)
            drawn.append(i)
            p({"x": mnist_subset.test_x[i:i + 1]})
        np.testing.assert_array_equal(drawn, expected)


def test_predictor_is_a_context_manager_and_tf_contrib_from_estimator(cnn, mnist_subset):
    x = mnist_subset.test_x[:10]
    with tf.contrib.predictor.from_estimator(cnn, output_key="classes") as p:
        out = p({"x": x})
        assert set(out) == {"classes"}
        np.testing.assert_array_equal(out["classes"], _predict_batches(cnn, x, 10)["classes"])
    assert p.closed


def test_predictor_predict_keys_and_bad_input(cnn, mnist_subset):
    with predictor(cnn, predict_keys="probabilities") as p:
        out = p({"x": mnist_subset.test_x[:3]})
        assert set(out) == {"probabilities"} and out["probabilities"].shape == (3, 10)
        with pytest.raises(PyestimValueError, match="single value"):
            p({"x": 3.0})
        with pytest.raises(PyestimTypeError, match="None"):
            p(None)
    with predictor(cnn, predict_keys="logits") as p:
        with pytest.raises(PyestimValueError, match="not among the model's predictions"):
            p({"x": mnist_subset.test_x[:3]})
    with pytest.raises(PyestimTypeError, match="estimator"):
        predictor("not an estimator")


def test_predictor_without_a_checkpoint_says_to_train_first(tmp_path):
    est = estimator(cnn_model_fn, model_dir=str(tmp_path / "empty"))
    with predictor(est) as p:
        with pytest.raises(CheckpointError, match="train\\(\\) it first"):
            p({"x": np.zeros((1, 784), np.float32)})
