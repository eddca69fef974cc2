"""Several training steps per session.run (``run_config(steps_per_run = K)``): the variables
after N steps are bit for bit those of K = 1 on the same data (a custom model function, a
linear and a DNN estimator), the global step counts steps, steps / max_steps stop exactly
(also when N is not a multiple of K), the input running out mid-run, the history and the NaN
guard see the last step of each run, and a hook fetching a tensor of the loop gets a clear
error."""

import numpy as np
import pytest
import tensorflow as tf

import pyestim as pe
from pyestim import engine, errors

ROWS = 200


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(ROWS, 6)).astype(np.float32)
    y = (x @ rng.normal(size=6) > 0).astype(np.int32)
    return x, y


def dense_model(features, labels, mode):
    """A two-layer network trained by Adam (slot variables), no dropout."""
    h = tf.compat.v1.layers.dense(features["x"], 8, activation=tf.nn.relu, name="hidden")
    logits = tf.compat.v1.layers.dense(h, 2, name="logits")
    loss = tf.compat.v1.losses.sparse_softmax_cross_entropy(labels, logits)
    train_op = tf.compat.v1.train.AdamOptimizer(0.05).minimize(
        loss, global_step=tf.compat.v1.train.get_global_step())
    return pe.estimator_spec(mode, loss=loss, train_op=train_op,
                             predictions={"logits": logits})


def cols():
    return pe.feature_columns(pe.column_numeric("x", shape=6))


MODELS = {
    "custom": lambda d, c: pe.estimator(dense_model, model_dir=d, config=c),
    "linear": lambda d, c: pe.linear_classifier(cols(), model_dir=d, config=c),
    "dnn": lambda d, c: pe.dnn_classifier([16, 8], cols(), model_dir=d, config=c),
}


def endless(data, batch_size=32):
    x, y = data
    return pe.numpy_input_fn({"x": x}, y, batch_size=batch_size, num_epochs=None,
                             shuffle=False)


def variables(model_dir):
    ckpt = tf.train.latest_checkpoint(str(model_dir))
    return {n: tf.train.load_variable(ckpt, n) for n, _ in tf.train.list_variables(ckpt)}


def trained(tmp_path, kind, k, data, name=None, **train_args):
    where = tmp_path / (name or f"{kind}-{k}")
    est = MODELS[kind](str(where), pe.run_config(tf_random_seed=3, steps_per_run=k))
    history = pe.train(est, train_args.pop("input_fn", None) or endless(data), **train_args)
    return est, history, variables(where)


def assert_same_variables(a, b):
    assert sorted(a) == sorted(b)
    for name in a:
        assert np.asarray(a[name]).tobytes() == np.asarray(b[name]).tobytes(), name


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_k_steps_per_run_give_the_variables_of_one_bit_for_bit(tmp_path, data, kind):
    # 11 steps with K = 4: runs of 4, 4 and 3 steps
    _, h1, one = trained(tmp_path, kind, 1, data, steps=11)
    _, h4, four = trained(tmp_path, kind, 4, data, steps=11)
    assert int(four["global_step"]) == 11
    assert_same_variables(one, four)
    # the history's last record is the same step with the same loss
    assert h4.steps[-1] == h1.steps[-1] == 11
    assert h4.total_losses[-1] == h1.total_losses[-1]
    assert h4.mean_losses[-1] == h1.mean_losses[-1]


def test_max_steps_and_steps_stop_exactly_and_continue(tmp_path, data):
    where = str(tmp_path / "m")
    est = pe.estimator(dense_model, model_dir=where,
                       config=pe.run_config(tf_random_seed=3, steps_per_run=8))
    pe.train(est, endless(data), steps=3)  # fewer steps than K
    assert int(variables(where)["global_step"]) == 3
    pe.train(est, endless(data), max_steps=21)
    assert int(variables(where)["global_step"]) == 21
    history = pe.train(est, endless(data), steps=10)
    assert int(variables(where)["global_step"]) == 31
    # the steps of the call's runs: 8 and 2; recorded: the first run and the last
    assert list(history.steps) == [29, 31]


def test_history_records_the_last_step_of_runs(tmp_path, data):
    _, h1, _ = trained(tmp_path, "custom", 1, data, steps=40)
    _, h8, _ = trained(tmp_path, "custom", 8, data, steps=40)
    # runs end at 8, 16, 24, 32, 40: the first, those reaching a 10th step, the last
    assert list(h8.steps) == [8, 16, 24, 32, 40]
    by_step = dict(zip(h1.steps, h1.total_losses))
    assert h8.total_losses[-1] == by_step[40]
    assert list(h1.steps) == [1, 10, 20, 30, 40]


def test_input_running_out_mid_run_keeps_the_steps_done(tmp_path, data):
    x, y = data
    once = pe.numpy_input_fn({"x": x}, y, batch_size=32, num_epochs=1, shuffle=False)
    _, _, one = trained(tmp_path, "custom", 1, data, input_fn=once)
    _, _, five = trained(tmp_path, "custom", 5, data, input_fn=once)
    assert int(one["global_step"]) == int(np.ceil(ROWS / 32)) == 7
    assert_same_variables(one, five)


def test_train_and_evaluate_stops_at_max_steps(tmp_path, data):
    where = str(tmp_path / "te")
    est = pe.estimator(dense_model, model_dir=where,
                       config=pe.run_config(tf_random_seed=3, steps_per_run=4))
    x, y = data
    pe.train_and_evaluate(
        est, pe.train_spec(endless(data), max_steps=10),
        pe.eval_spec(pe.numpy_input_fn({"x": x}, y, num_epochs=1, shuffle=False), steps=2))
    assert int(variables(where)["global_step"]) == 10


def diverging_model(features, labels, mode):
    w = tf.compat.v1.get_variable("w", [6, 1], initializer=tf.ones_initializer())
    loss = tf.reduce_mean(tf.exp(tf.matmul(features["x"], w)))
    train_op = tf.compat.v1.train.GradientDescentOptimizer(50.0).minimize(
        loss, global_step=tf.compat.v1.train.get_global_step())
    return pe.estimator_spec(mode, loss=loss, train_op=train_op)


def test_nan_guard_stops_at_the_step_the_loss_became_non_finite(tmp_path, data):
    steps = {}
    for k in (1, 8):
        where = str(tmp_path / f"nan{k}")
        est = pe.estimator(diverging_model, model_dir=where,
                           config=pe.run_config(tf_random_seed=3, steps_per_run=k))
        with pytest.raises(errors.NanLossError) as err:
            pe.train(est, endless((data[0] * 3, data[1])), steps=50)
        steps[k] = str(err.value)
    assert steps[8] == steps[1]


def test_a_hook_fetching_a_tensor_of_the_loop_gets_a_clear_error(tmp_path, data):
    def model(features, labels, mode):
        spec = dense_model(features, labels, mode)
        hook = pe.hook_logging_tensor({"logits": spec.predictions["logits"]}, every_n_iter=1)
        return pe.estimator_spec(mode, loss=spec.loss, train_op=spec.train_op,
                                 training_hooks=[hook])

    est = pe.estimator(model, model_dir=str(tmp_path / "h"),
                       config=pe.run_config(steps_per_run=4))
    with pytest.raises(errors.HookError, match=r"LoggingTensorHook.*steps_per_run=1"):
        pe.train(est, endless(data), steps=8)
    est = pe.estimator(dense_model, model_dir=str(tmp_path / "n"),
                       config=pe.run_config(steps_per_run=4))
    by_name = pe.hook_logging_tensor(["hidden/Relu"], every_n_iter=1)
    with pytest.raises(errors.HookError, match=r"LoggingTensorHook.*steps_per_run=1"):
        pe.train(est, endless(data), steps=8, hooks=by_name)


def test_input_not_from_a_dataset_is_refused(tmp_path, data):
    x, y = data

    def tensors():
        return {"x": tf.constant(x[:32])}, tf.constant(y[:32])

    est = pe.estimator(dense_model, model_dir=str(tmp_path / "t"),
                       config=pe.run_config(steps_per_run=4))
    with pytest.raises(errors.InputFnError, match="tf.data.Dataset"):
        pe.train(est, tensors, steps=4)


@pytest.mark.parametrize("bad", [0, -1, 2.5, "4", None])
def test_run_config_refuses_a_bad_steps_per_run(bad):
    with pytest.raises(errors.PyestimError, match="steps_per_run"):
        pe.run_config(steps_per_run=bad)


def test_steps_per_run_is_one_by_default_and_kept():
    assert engine.steps_per_run(pe.run_config()) == 1
    assert engine.steps_per_run(pe.run_config(steps_per_run=16.0)) == 16
