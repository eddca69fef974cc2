"""Model directories for the tests of what pyestim guarantees of a ``model_dir``
(docs/reliability.md): a fixed-shape softmax regression and its data, a trained directory
and fresh copies of it, file trees to compare byte for byte, checkpoints checked complete,
and tests/_crash_child.py run in a subprocess and read line by line.

``trained_dir`` and ``trained_copy`` are fixtures: a test module imports both
(``from support.model_dirs import trained_copy, trained_dir``), and its tests ask for
``trained`` (a fresh copy of the 6-step directory, in place of conftest.py's ``trained``).
``sample_data``, ``sample_train_input`` and ``sample_eval_input`` are imported as ``data``,
``train_input`` and ``eval_input`` (other test modules define those names for themselves).
"""

import hashlib
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

import pyestim
from pyestim.checkpoints import finding

from .paths import TESTS

__all__ = ["CHILD", "IS_ROOT", "tree", "step_of", "assert_complete", "sample_data",
           "sample_train_input", "sample_eval_input", "make_estimator", "fixed_model",
           "one_hot_model", "trained_dir", "trained_copy", "Child", "raw_latest",
           "absent_or_empty"]


CHILD = TESTS / "_crash_child.py"


IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def tree(path):
    """{relative path: sha256} of every file under ``path`` ({} if it does not exist)."""
    path = Path(path)
    out = {}
    if not path.exists():
        return out
    for p in sorted(path.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(path))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def step_of(prefix):
    return int(str(prefix).rsplit("-", 1)[1])


def assert_complete(prefix):
    """The checkpoint's .index opens, its .data is there, and every tensor reads back (which
    checks TensorFlow's per-tensor CRC)."""
    prefix = str(prefix)
    assert os.path.isfile(prefix + ".index"), prefix
    assert os.path.isfile(prefix + ".data-00000-of-00001"), prefix
    assert finding.checkpoint_status(prefix) == ("ok", None)
    reader = tf.compat.v1.train.NewCheckpointReader(prefix)
    for name in reader.get_variable_to_shape_map():
        value = reader.get_tensor(name)
        if np.issubdtype(np.asarray(value).dtype, np.floating):
            assert np.all(np.isfinite(value)), name


def sample_data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype(np.float32)
    y = np.argmax(x @ rng.normal(size=(6, 10)), axis=1).astype(np.int32)
    return x, y


def sample_train_input(x, y, **kw):
    kw.setdefault("batch_size", 50)
    kw.setdefault("num_epochs", None)
    kw.setdefault("shuffle", False)
    return pyestim.numpy_input_fn({"x": x}, y, **kw)


def sample_eval_input(x, y):
    return pyestim.numpy_input_fn({"x": x}, y, batch_size=100, num_epochs=1, shuffle=False)


def make_estimator(model_fn, model_dir, save_steps=2, params=None):
    config = pyestim.run_config(save_checkpoints_steps=save_steps, log_step_count_steps=1000,
                                tf_random_seed=3)
    return pyestim.estimator(model_fn, model_dir=str(model_dir), config=config,
                             params=params)


def fixed_model(features, labels, mode, params):
    """Softmax regression over exactly 6 float32 features (fixed weight shapes, no cast), so
    other shapes or dtypes fail when the graph is built."""
    from pyestim import tf as tf1

    x = features["x"]
    w = tf1.get_variable("w", [6, 10], initializer=tf1.zeros_initializer())
    b = tf1.get_variable("b", [10], initializer=tf1.zeros_initializer())
    logits = tf1.matmul(x, w) + b
    if mode == "infer":
        return pyestim.estimator_spec(mode=mode, predictions={"classes": tf1.argmax(logits, 1)})
    loss = tf1.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    train_op = tf1.train.GradientDescentOptimizer(0.5).minimize(
        loss, global_step=tf1.train.get_global_step())
    return pyestim.estimator_spec(mode=mode, loss=loss, train_op=train_op)


def one_hot_model(features, labels, mode, params):
    """A model that turns labels into one-hot rows (out-of-range labels become zero rows,
    silently): only params$n_classes lets pyestim check them."""
    from pyestim import tf as tf1

    w = tf1.get_variable("w", [6, 10], initializer=tf1.zeros_initializer())
    logits = tf1.matmul(features["x"], w)
    loss = tf1.losses.softmax_cross_entropy(tf1.one_hot(labels, 10), logits)
    train_op = tf1.train.GradientDescentOptimizer(0.5).minimize(
        loss, global_step=tf1.train.get_global_step())
    return pyestim.estimator_spec(mode=mode, loss=loss, train_op=train_op)


@pytest.fixture(scope="module")
def trained_dir(tmp_path_factory):
    """A model_dir of fixed_model trained 6 steps (checkpoints at 0, 2, 4, 6)."""
    md = tmp_path_factory.mktemp("trained") / "m"
    x, y = sample_data()
    pyestim.train(make_estimator(fixed_model, md), sample_train_input(x, y), steps=6)
    return md


@pytest.fixture(name="trained")
def trained_copy(trained_dir, tmp_path):
    """A fresh copy of ``trained_dir``."""
    md = tmp_path / "m"
    shutil.copytree(trained_dir, md)
    return md


class Child:
    """tests/_crash_child.py in a subprocess, read line by line."""

    def __init__(self, model_dir, steps, *args, log=None):
        self.log = open(log or os.devnull, "wb")
        env = dict(os.environ, PYTHONUNBUFFERED="1", TF_CPP_MIN_LOG_LEVEL="2")
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(model_dir), str(steps), *args],
            stdout=subprocess.PIPE, stderr=self.log, env=env, cwd=str(TESTS))
        self.lines = []
        self._buf = b""

    def wait_for(self, *words, timeout=120):
        """Read lines until one starts with ``words``; return it (split)."""
        want = [str(w) for w in words]
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self._buf:
                line, self._buf = self._buf.split(b"\n", 1)
                parts = line.decode().split()
                self.lines.append(parts)
                if parts[:len(want)] == want:
                    return parts
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise AssertionError(f"child never said {want}; it said {self.lines}")
            ready, _, _ = select.select([self.proc.stdout], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    self.proc.wait()
                    raise AssertionError(
                        f"child exited ({self.proc.returncode}) before saying {want}; it said "
                        f"{self.lines}")
                self._buf += chunk

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=60)
        self.proc.stdout.close()
        self.log.close()


def raw_latest(model_dir):
    return tf.train.latest_checkpoint(str(model_dir))


def absent_or_empty(path):
    return not os.path.exists(path) or not os.listdir(path)
