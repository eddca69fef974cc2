"""tfestimators' contract of ``input_fn()`` (issue 22): ``input_fn(...)`` is a function of the
estimator (or of True / False, tfestimators' ``features_as_named_list``) returning the input
function, which, called, returns ``(features, labels)`` as tensors; ``epochs`` (tfestimators'
vignettes) is ``num_epochs``; the factor note in tfestimators' words for R callers.

Expectations come from the data fed in (rows, column order, counts), not from pyestim's code.
"""

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

import pyestim
from pyestim import _lang, errors

v1 = tf.compat.v1


@pytest.fixture
def frame():
    n = 12
    return pd.DataFrame({"a": np.arange(n) * 1.5, "b": -np.arange(n, dtype=np.float64),
                         "id": np.arange(n, dtype=np.int64)})


def test_the_input_function_returns_features_and_labels_as_tensors(frame):
    make = pyestim.input_fn(frame, features=["b", "a"], response="id", batch_size=5,
                            shuffle=False)
    batch = make(True)()
    assert isinstance(batch, tuple) and len(batch) == 2
    features, labels = batch
    assert sorted(features) == ["a", "b"]
    assert all(tf.is_tensor(t) for t in features.values()) and tf.is_tensor(labels)
    # Called outside a graph: the first batch (rows 0-4, in order as shuffle = False).
    np.testing.assert_array_equal(features["a"].numpy(), frame["a"][:5])
    np.testing.assert_array_equal(features["b"].numpy(), frame["b"][:5])
    np.testing.assert_array_equal(labels.numpy(), np.arange(5))


def test_false_gives_the_features_as_one_matrix_in_the_given_order(frame):
    make = pyestim.input_fn(frame, features=["b", "a"], response="id", batch_size=4,
                            shuffle=False)
    features, labels = make(False)()
    assert tf.is_tensor(features) and features.shape == (4, 2)
    np.testing.assert_array_equal(features.numpy(), frame[["b", "a"]].to_numpy()[:4])
    np.testing.assert_array_equal(labels.numpy(), [0, 1, 2, 3])


def test_a_custom_estimator_gets_the_matrix_a_canned_one_the_columns(frame, tmp_path):
    def model_fn(features, labels, mode):
        raise AssertionError("not built here")

    make = pyestim.input_fn(frame, features=["a", "b"], response="id", batch_size=3,
                            shuffle=False)
    custom = pyestim.estimator(model_fn, model_dir=str(tmp_path / "custom"))
    canned = pyestim.linear_regressor(pyestim.feature_columns("a", "b"),
                                      model_dir=str(tmp_path / "canned"))
    matrix, _ = make(custom)()
    columns, _ = make(canned)()
    assert matrix.shape == (3, 2)
    assert sorted(columns) == ["a", "b"]


def test_inside_a_graph_the_tensors_yield_the_batches_in_turn(frame):
    make = pyestim.input_fn(frame, features="a", response="id", batch_size=5, shuffle=False)
    with tf.Graph().as_default():
        features, labels = make(True)()
        with v1.Session() as session:
            seen = [session.run(labels) for _ in range(3)]
            with pytest.raises(tf.errors.OutOfRangeError):  # 12 rows, one epoch
                session.run(labels)
    np.testing.assert_array_equal(np.concatenate(seen), np.arange(12))
    assert [len(s) for s in seen] == [5, 5, 2]


def test_without_a_response_the_features_alone(frame):
    features = pyestim.input_fn(frame, features=["a", "b"], batch_size=4, shuffle=False)(True)()
    assert isinstance(features, dict) and sorted(features) == ["a", "b"]


def test_lists_of_sequences_as_tfestimators_list_example():
    data = {"features": [[[1], [2], [3]], [[4], [5], [6]]], "response": [[1, 2, 3], [4, 5, 6]]}
    features, labels = pyestim.input_fn(data, "features", "response", shuffle=False)(True)()
    assert features["features"].shape == (2, 3, 1) and features["features"].dtype == tf.int64
    np.testing.assert_array_equal(labels.numpy(), [[1, 2, 3], [4, 5, 6]])


def test_train_evaluate_and_predict_take_the_input_function_too(frame, tmp_path):
    est = pyestim.linear_regressor(pyestim.feature_columns("a"), model_dir=str(tmp_path))
    make = pyestim.input_fn(frame, features="a", response="id", batch_size=4, shuffle=False)
    history = pyestim.train(est, make(est))
    assert history.steps[-1] == 3  # one epoch of 12 rows in batches of 4: read as a dataset
    metrics = pyestim.evaluate(est, make(True))
    assert metrics["global_step"][0] == 3
    assert len(pyestim.predict(est, pyestim.input_fn(frame, "a", shuffle=False)(True))) == 12


def test_pyestim_checks_the_data_of_the_input_function(frame, tmp_path):
    # Labels 0..11 against a binary classifier: refused before anything is built, which needs
    # the data behind the input function (its dataset function).
    est = pyestim.linear_classifier(pyestim.feature_columns("a"), model_dir=str(tmp_path))
    make = pyestim.input_fn(frame, features="a", response="id", shuffle=False)
    with pytest.raises(errors.InputDataError, match="outside 0..1"):
        pyestim.train(est, make(est), steps=1)


# --------------------------------------------------------------------------------------------
# epochs


def test_epochs_is_num_epochs(frame):
    def batches(**kwargs):
        make = pyestim.input_fn(frame, features="a", response="id", batch_size=4, shuffle=False,
                                **kwargs)
        return [labels.numpy() for _, labels in make(True).dataset_fn()]

    three = batches(epochs=3)
    assert len(three) == 9  # 12 rows, batches of 4, three passes
    np.testing.assert_array_equal(np.concatenate(three), np.tile(np.arange(12), 3))
    assert len(batches(num_epochs=3)) == 9
    assert len(batches()) == 3


def test_epochs_and_num_epochs_together_are_refused(frame):
    with pytest.raises(errors.PyestimValueError, match="num_epochs or epochs"):
        pyestim.input_fn(frame, features="a", num_epochs=2, epochs=3)
    with pytest.raises(errors.PyestimValueError, match="epochs must be >= 1"):
        pyestim.input_fn(frame, features="a", epochs=0)


# --------------------------------------------------------------------------------------------
# The factor note


def _iris_like():
    return pd.DataFrame({"x": [1.0, 2.0, 3.0],
                         "Species": pd.Categorical(["virginica", "setosa", "versicolor"],
                                                   categories=["setosa", "versicolor",
                                                               "virginica"])})


TFESTIMATORS_NOTE = ("The following factor levels of 'Species' have been encoded:\n"
                     "- 'setosa' => 0\n- 'versicolor' => 1\n- 'virginica' => 2")


def test_python_logs_the_factor_encoding_and_leaves_no_message(tf_log):
    make = pyestim.input_fn(_iris_like(), "x", "Species")
    assert any("factor column 'Species' is fed as 0-based integer codes: setosa = 0, "
               "versicolor = 1, virginica = 2" in line for line in tf_log)
    assert make.pyestim_messages == []


def test_for_r_the_factor_note_is_tfestimators_message_not_a_log_line(tf_log):
    with _lang.using("r"):
        make = pyestim.input_fn(_iris_like(), "x", "Species")
    assert make.pyestim_messages == [TFESTIMATORS_NOTE]
    assert not any("Species" in line for line in tf_log)
