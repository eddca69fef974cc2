"""One process of the test cluster of ``tests/test_distributed.py``.

    TF_CONFIG='{"cluster": {...}, "task": {"type": "chief", "index": 0}}' \\
        python tests/_cluster_worker.py MODEL MODEL_DIR MAX_STEPS SYNC_DIR [STRATEGY]

``MODEL`` is ``canned`` (pyestim.linear_regressor) or ``custom`` (pyestim.estimator with a
hand-written linear model); both learn y = 2a - 3b + 1 from noiseless synthetic data, so the
optimum is known. The process plays the role TF_CONFIG gives it through
``pyestim.train_and_evaluate`` (a parameter server serves until it is killed).

``STRATEGY`` is ``ps`` (the default: no distribution strategy; parameter servers hold the
variables and the trainers update them asynchronously), ``parameter_server`` (the same
training with ``run_config(train_distribute = ParameterServerStrategy())``, through
TensorFlow's distribute coordinator) or ``multi_worker_mirrored``
(``run_config(train_distribute = MultiWorkerMirroredStrategy())``: no parameter servers; chief
and worker each hold a copy of the variables and all-reduce their gradients every step, through
TensorFlow's distribute coordinator).

SYNC_DIR receives small files that let the test see what happened and keep the run short:

* ``chief_ready`` once the chief has initialized the variables; with parameter servers, the worker,
  started at the same time, waits for it before it starts training, so that its session never
  finds an uninitialized model (TensorFlow would then retry only after 30 seconds);
* ``worker_ready`` once the worker has its session; with parameter servers, the chief waits for it before
  its first step, so that both really train together (with ``multi_worker_mirrored`` every
  step is a collective of both, so neither can run ahead);
* ``<role>_steps``: the number of training steps this process ran;
* ``evaluated``: the global steps of the checkpoints the evaluator evaluated, one per line.

The test imports this module too, to train the same models in a single process.
"""

import json
import os
import sys
import time

import numpy as np
import pandas as pd

import pyestim as pe
from pyestim import tf

FEATURES = ["a", "b"]
TRUE_WEIGHTS = {"a": 2.0, "b": -3.0, "bias": 1.0}
LEARNING_RATE = 0.1
BATCH_SIZE = 32


def make_data(n=256, seed=2024):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    df["y"] = (TRUE_WEIGHTS["a"] * df.a + TRUE_WEIGHTS["b"] * df.b + TRUE_WEIGHTS["bias"])
    return df.astype("float32")


def linear_model(features, labels, mode):
    """y = x w + b, squared loss, plain gradient descent (the custom estimator)."""
    x = tf.cast(features, tf.float32)
    w = tf.get_variable("w", [2, 1], initializer=tf.zeros_initializer())
    b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
    prediction = tf.squeeze(tf.matmul(x, w) + b, axis=1)
    if mode == "infer":
        return pe.estimator_spec(mode=mode, predictions={"y": prediction})
    loss = tf.losses.mean_squared_error(tf.cast(labels, tf.float32), prediction)
    if mode == "train":
        train_op = tf.train.GradientDescentOptimizer(LEARNING_RATE).minimize(
            loss, global_step=tf.train.get_global_step())
        return pe.estimator_spec(mode=mode, loss=loss, train_op=train_op)
    return pe.estimator_spec(mode=mode, loss=loss, eval_metric_ops={
        "rmse": tf.metrics.root_mean_squared_error(tf.cast(labels, tf.float32), prediction)})


STRATEGIES = ("ps", "parameter_server", "multi_worker_mirrored")


def make_strategy(strategy):
    """The train_distribute of a strategy name (None for ``ps``). Built after TF_CONFIG is
    set: MultiWorkerMirroredStrategy reads the cluster from it. Built with eager execution
    off, as TensorFlow 2.15 asks of estimators with this strategy: built eagerly, it starts
    its own server and health checks, and the evaluator's estimator cannot copy it."""
    if strategy == "multi_worker_mirrored":
        tf.disable_eager_execution()
        return tf.distribute.experimental.MultiWorkerMirroredStrategy()
    if strategy == "parameter_server":
        tf.disable_eager_execution()
        return tf.distribute.experimental.ParameterServerStrategy()
    return None


def build_estimator(model, model_dir, strategy="ps"):
    # No session_config: with TF_CONFIG set, RunConfig's default gives each worker device
    # filters, so that a worker's session does not wait for the other workers.
    config = pe.run_config(model_dir=model_dir, save_checkpoints_steps=50,
                           experimental_max_worker_delay_secs=0, log_step_count_steps=50,
                           train_distribute=make_strategy(strategy))
    if model == "canned":
        return pe.linear_regressor(
            pe.feature_columns(*FEATURES), config=config,
            optimizer=tf.keras.optimizers.legacy.SGD(learning_rate=LEARNING_RATE))
    return pe.estimator(linear_model, config=config)


def learned_weights(model, checkpoint):
    """The weights a, b and the bias in a checkpoint."""
    read = tf.train.load_variable
    if model == "canned":
        base = "linear/linear_model/"
        return {"a": float(read(checkpoint, base + "a/weights").ravel()[0]),
                "b": float(read(checkpoint, base + "b/weights").ravel()[0]),
                "bias": float(read(checkpoint, base + "bias_weights").ravel()[0])}
    w = read(checkpoint, "w").ravel()
    return {"a": float(w[0]), "b": float(w[1]), "bias": float(read(checkpoint, "b")[0])}


def specs(data, max_steps, train_hooks=None, eval_hooks=None):
    train = pe.train_spec(pe.input_fn(data, FEATURES, "y", batch_size=BATCH_SIZE,
                                      num_epochs=None), max_steps=max_steps, hooks=train_hooks)
    evaluation = pe.eval_spec(pe.input_fn(data, FEATURES, "y", batch_size=128), steps=None,
                              hooks=eval_hooks, start_delay_secs=0, throttle_secs=1)
    return train, evaluation


class Pace(tf.train.SessionRunHook):
    """Chief and worker meet before the first step; every step is paced a little so that
    neither finishes alone; the number of local steps is written at the end."""

    def __init__(self, role, sync_dir, pause=0.01, wait_secs=120, meet=True):
        self.role, self.sync_dir, self.pause, self.wait_secs = role, sync_dir, pause, wait_secs
        self.meet = meet
        self.steps = 0

    def _path(self, name):
        return os.path.join(self.sync_dir, name)

    def after_create_session(self, session, coord):
        if self.role == "chief":
            open(self._path("chief_ready"), "w").close()
            if not self.meet:
                return
            deadline = time.time() + self.wait_secs
            while not os.path.exists(self._path("worker_ready")):
                if time.time() > deadline:
                    raise RuntimeError("the worker did not join within "
                                       f"{self.wait_secs} s")
                time.sleep(0.05)
        else:
            open(self._path("worker_ready"), "w").close()

    def after_run(self, run_context, run_values):
        self.steps += 1
        time.sleep(self.pause)

    def end(self, session):
        with open(self._path(f"{self.role}_steps"), "w") as f:
            f.write(str(self.steps))


class RecordEvaluation(tf.train.SessionRunHook):
    """Appends the global step of each evaluated checkpoint to SYNC_DIR/evaluated."""

    def __init__(self, sync_dir):
        self.path = os.path.join(sync_dir, "evaluated")

    def begin(self):
        self.global_step = tf.train.get_global_step()

    def end(self, session):
        with open(self.path, "a") as f:
            f.write(f"{int(session.run(self.global_step))}\n")


def wait_for(path, seconds=180):
    deadline = time.time() + seconds
    while not os.path.exists(path):
        if time.time() > deadline:
            raise RuntimeError(f"{path} did not appear within {seconds} s")
        time.sleep(0.05)


def main(argv):
    model, model_dir, max_steps, sync_dir = argv[1], argv[2], int(argv[3]), argv[4]
    strategy = argv[5] if len(argv) > 5 else "ps"
    if strategy not in STRATEGIES:
        raise SystemExit(f"STRATEGY must be one of {STRATEGIES}, got {strategy!r}")
    role = json.loads(os.environ["TF_CONFIG"])["task"]["type"]
    # With a multi-worker strategy the chief initializes the variables together with the
    # worker (a collective), so the worker must not wait for it.
    meet = strategy != "multi_worker_mirrored"
    if role == "worker" and meet:
        wait_for(os.path.join(sync_dir, "chief_ready"))
    estimator = build_estimator(model, model_dir, strategy)
    hooks = [Pace(role, sync_dir, meet=meet)] if role in ("chief", "worker") else None
    train, evaluation = specs(make_data(), max_steps, train_hooks=hooks,
                              eval_hooks=[RecordEvaluation(sync_dir)])
    pe.train_and_evaluate(estimator, train, evaluation)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
