"""run_config(), session_config() and the key sets (mode_keys() ...)."""

import pathlib

import pytest
import tensorflow as tf

import pyestim
from pyestim import errors


def test_run_config_takes_r_numbers():
    config = pyestim.run_config(tf_random_seed=1.0, save_checkpoints_steps=5.0,
                                keep_checkpoint_max=3.0, log_step_count_steps=10.0,
                                save_summary_steps=20.0)
    assert isinstance(config, tf.estimator.RunConfig)
    assert config.tf_random_seed == 1 and type(config.tf_random_seed) is int
    assert config.save_checkpoints_steps == 5 and type(config.save_checkpoints_steps) is int
    assert config.save_checkpoints_secs is None
    assert config.keep_checkpoint_max == 3
    assert config.log_step_count_steps == 10
    assert config.save_summary_steps == 20


def test_run_config_defaults_to_a_checkpoint_every_600_seconds():
    config = pyestim.run_config()
    assert config.save_checkpoints_secs == 600
    assert config.save_checkpoints_steps is None
    assert config.tf_random_seed is None
    assert config.model_dir is None


def test_run_config_checkpoints_by_seconds():
    config = pyestim.run_config(save_checkpoints_secs=30.0)
    assert config.save_checkpoints_secs == 30
    assert config.save_checkpoints_steps is None


def test_run_config_takes_one_checkpoint_trigger():
    with pytest.raises(errors.PyestimValueError) as info:
        pyestim.run_config(save_checkpoints_steps=10, save_checkpoints_secs=60)
    assert isinstance(info.value, ValueError)
    assert "save_checkpoints_steps" in str(info.value)
    assert "save_checkpoints_secs" in str(info.value)


@pytest.mark.parametrize("name", ["tf_random_seed", "save_summary_steps",
                                  "save_checkpoints_steps", "save_checkpoints_secs",
                                  "keep_checkpoint_max", "log_step_count_steps",
                                  "session_creation_timeout_secs"])
@pytest.mark.parametrize("value", [-1, -5.0, 2.5, "10"])
def test_run_config_rejects_bad_counts(name, value):
    with pytest.raises(errors.PyestimValueError) as info:
        pyestim.run_config(**{name: value})
    assert name in str(info.value)


def test_run_config_model_dir_passes_through(tmp_path, linear_model_fn):
    where = tmp_path / "model"
    assert pyestim.run_config(model_dir=str(where)).model_dir == str(where)
    from_path = pyestim.run_config(model_dir=where)
    assert from_path.model_dir == str(where)
    est = pyestim.estimator(linear_model_fn, config=from_path)
    assert pyestim.model_dir(est) == str(where)
    with pytest.raises(errors.PyestimTypeError, match="model_dir"):
        pyestim.run_config(model_dir=42)


def test_run_config_rejects_a_session_config_from_elsewhere():
    with pytest.raises(errors.PyestimTypeError, match="session_config"):
        pyestim.run_config(session_config={"intra_op_parallelism_threads": 2})


def test_keep_checkpoint_max_keeps_the_latest(tmp_path, linear_model_fn, toy_data):
    config = pyestim.run_config(save_checkpoints_steps=2, keep_checkpoint_max=2)
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m", config=config)
    pyestim.train(est, pyestim.numpy_input_fn({"x": toy_data.x}, toy_data.y, batch_size=50,
                                              num_epochs=None, shuffle=False), steps=6)
    state = tf.train.get_checkpoint_state(str(tmp_path / "m"))
    kept = sorted(int(p.rsplit("-", 1)[1]) for p in state.all_model_checkpoint_paths)
    assert kept == [4, 6]


def test_session_config_takes_r_numbers():
    proto = pyestim.session_config(intra_op_parallelism_threads=2.0,
                                   inter_op_parallelism_threads=1,
                                   allow_soft_placement=True, device_count={"CPU": 1.0})
    assert isinstance(proto, tf.compat.v1.ConfigProto)
    assert proto.intra_op_parallelism_threads == 2
    assert proto.inter_op_parallelism_threads == 1
    assert proto.allow_soft_placement is True
    assert dict(proto.device_count) == {"CPU": 1}
    config = pyestim.run_config(session_config=proto)
    assert config.session_config.intra_op_parallelism_threads == 2


def test_session_config_rejects_unknown_options():
    with pytest.raises(errors.PyestimValueError) as info:
        pyestim.session_config(intra_op_threads=2)
    message = str(info.value)
    assert "'intra_op_threads'" in message
    for option in ("intra_op_parallelism_threads", "inter_op_parallelism_threads",
                   "allow_soft_placement", "device_count", "log_device_placement"):
        assert option in message


def test_session_config_rejects_bad_counts():
    with pytest.raises(errors.PyestimValueError, match="intra_op_parallelism_threads"):
        pyestim.session_config(intra_op_parallelism_threads=2.5)
    with pytest.raises(errors.PyestimValueError, match="device_count"):
        pyestim.session_config(device_count={"CPU": -1})


def test_training_with_a_session_config(tmp_path, linear_model_fn, toy_data):
    config = pyestim.run_config(session_config=pyestim.session_config(
        intra_op_parallelism_threads=1, inter_op_parallelism_threads=1))
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m", config=config)
    pyestim.train(est, pyestim.numpy_input_fn({"x": toy_data.x}, toy_data.y, batch_size=50,
                                              num_epochs=None, shuffle=False), steps=2)
    assert int(tf.train.load_variable(str(tmp_path / "m"), "global_step")) == 2


def test_mode_keys():
    keys = pyestim.mode_keys()
    assert keys.TRAIN == "train"
    assert keys.EVAL == "eval"
    assert keys.PREDICT == "infer"


def test_metric_keys():
    keys = pyestim.metric_keys()
    assert keys.ACCURACY == "accuracy"
    assert keys.LOSS == "loss"
    assert keys.LOSS_MEAN == "average_loss"
    assert keys.AUC == "auc"


def test_prediction_keys():
    keys = pyestim.prediction_keys()
    assert keys.CLASSES == "classes"
    assert keys.PROBABILITIES == "probabilities"
    assert keys.LOGITS == "logits"
    assert keys.CLASS_IDS == "class_ids"


def test_graph_keys():
    keys = pyestim.graph_keys()
    assert keys.LOSSES == "losses"
    assert keys.GLOBAL_STEP == "global_step"
    assert keys.TRAINABLE_VARIABLES == "trainable_variables"
    assert keys.UPDATE_OPS == "update_ops"


def test_model_dir_accepts_a_pathlib_path(tmp_path, linear_model_fn):
    est = pyestim.estimator(linear_model_fn, model_dir=pathlib.Path(tmp_path) / "m")
    assert pyestim.model_dir(est) == str(tmp_path / "m")
