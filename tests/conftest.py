"""Shared fixtures and hooks of pyestim's test suite (what they are made of lives in
tests/support/, the one support package of tests/ and tests/parity/).

* ``PYESTIM_DATA_DIR`` is set to ``<repo>/../shared/datasets/mnist`` (``support.paths.DATA``)
  when the variable is unset and that folder exists, so the tests (and the code under test)
  read the copy of MNIST that sits beside the checkout.
* ``mnist_dir`` / ``mnist_subset`` give the MNIST folder and small subsets of it, decoded
  from the IDX files by ``support.idx`` (not by pyestim's reader). When the files are
  missing the tests that need them FAIL if ``CI=true`` (a CI run must not pass by skipping)
  and are skipped with a reason otherwise.
* ``toy_data`` and ``linear_model_fn``: a small synthetic classification problem and a
  softmax regression with zero-initialised weights, whose behaviour the tests compute by
  hand with NumPy (``numpy_reference``); ``trained``: that regression trained 10 steps;
  ``plane``: a data frame whose response is a plane (canned and Keras estimators).
* ``tf_log``: the records TensorFlow's logger writes during a test.

Model directories always live under pytest's ``tmp_path``.
"""

import os
import types

import numpy as np
import pandas as pd
import pytest

from support import idx, models
from support.ci import unavailable
from support.models import toy_input
from support.paths import DATA, MNIST_FILES, data_dir
from support.tflog import capture_tf_log

_MNIST_DIR_AT_START = []  # pytest_configure's data_dir()


def pytest_configure(config):
    """$PYESTIM_DATA_DIR defaults to the MNIST beside the checkout; the folder is fixed here,
    before any test runs (test_datasets.py monkeypatches PYESTIM_DATA_DIR inside its tests)."""
    if not os.environ.get("PYESTIM_DATA_DIR") and DATA.is_dir():
        os.environ["PYESTIM_DATA_DIR"] = str(DATA)
    _MNIST_DIR_AT_START[:] = [data_dir()]


@pytest.fixture(scope="session")
def mnist_dir():
    """The folder holding the four MNIST files."""
    folder = _MNIST_DIR_AT_START[0]
    missing = [name for name in MNIST_FILES if not (folder / name).is_file()]
    if missing:
        message = f"{folder} lacks {', '.join(missing)}"
        unavailable(f"MNIST data not available ({message}); set PYESTIM_DATA_DIR",
                    f"CI=true but the MNIST data is missing: {message}. Put the four MNIST "
                    f"files in {DATA} or set PYESTIM_DATA_DIR to their folder.")
    return folder


@pytest.fixture(scope="session")
def mnist_raw(mnist_dir):
    """All of MNIST decoded independently: uint8 images [n, 784], uint8 labels [n]."""
    raw = idx.read_mnist(mnist_dir)
    assert raw.train_x.shape == (60000, 784) and raw.test_x.shape == (10000, 784)
    return raw


@pytest.fixture(scope="session")
def mnist_subset(mnist_raw):
    """1000 training and 500 test images as the tutorial feeds them: float32 pixels in
    [0, 1] and int32 labels."""
    return types.SimpleNamespace(
        train_x=(mnist_raw.train_x[:1000].astype(np.float32) / 255.0),
        train_y=mnist_raw.train_y[:1000].astype(np.int32),
        test_x=(mnist_raw.test_x[:500].astype(np.float32) / 255.0),
        test_y=mnist_raw.test_y[:500].astype(np.int32),
    )


@pytest.fixture(scope="session")
def toy_data():
    """support.models.make_toy_data(): 200 rows of 6 features, labels of a linear rule."""
    return models.make_toy_data()


@pytest.fixture(scope="session")
def linear_model_fn():
    return models.linear_model


@pytest.fixture(scope="session")
def numpy_reference():
    return types.SimpleNamespace(softmax=models.numpy_softmax, gd_losses=models.numpy_gd_losses)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, toy_data, linear_model_fn):
    """Softmax regression trained 10 steps (batches of 50, in order), checkpoints at 0, 5, 10:
    (estimator, model_dir, {step: checkpoint path}). Test modules with a ``trained`` fixture
    of their own use theirs."""
    import pyestim
    import tensorflow as tf

    model_dir = tmp_path_factory.mktemp("trained") / "model"
    est = pyestim.estimator(linear_model_fn, model_dir=model_dir,
                            config=pyestim.run_config(save_checkpoints_steps=5))
    pyestim.train(est, toy_input(toy_data), steps=10)
    state = tf.train.get_checkpoint_state(str(model_dir))
    paths = {int(p.rsplit("-", 1)[1]): p for p in state.all_model_checkpoint_paths}
    return est, str(model_dir), paths


@pytest.fixture(scope="module")
def plane():
    """120 rows: features a, b (normal), y = 2a - 3b + 1 without noise, and a class "side"
    ("left" where a > b, else "right"). (test_canned.py has a ``plane`` of its own.)"""
    rng = np.random.default_rng(11)
    df = pd.DataFrame({"a": rng.normal(size=120), "b": rng.normal(size=120)})
    df["y"] = 2 * df.a - 3 * df.b + 1
    df["side"] = np.where(df.a - df.b > 0, "left", "right")
    return df


@pytest.fixture
def tf_log():
    """The formatted records (``INFO:tensorflow:...``) TensorFlow logs during the test."""
    with capture_tf_log(formatted=True) as lines:
        yield lines
