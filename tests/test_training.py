"""training.py: train_and_evaluate() with train_spec() / eval_spec() (keras_model_to_estimator()
is in test_keras.py, export_savedmodel() of canned estimators in test_canned_base.py; the
``plane`` data in conftest.py)."""

import os

import pandas as pd
import pytest
import tensorflow as tf

import pyestim as pe
from pyestim.canned import parsing_serving_input_receiver_fn
from pyestim.hooks import HistorySaverHook, ProgressBarHook
from pyestim.training import view_metrics_on


# --------------------------------------------------------------------------------------------
# Specs


def test_specs_have_tfestimators_defaults_and_take_r_numbers():
    def fn():
        return {"a": tf.constant([1.0])}, tf.constant([1.0])

    ts = pe.train_spec(fn, verbose=False)
    assert isinstance(ts, tf.estimator.TrainSpec) and ts.max_steps is None and ts.hooks == ()
    es = pe.eval_spec(fn, verbose=False)
    assert isinstance(es, tf.estimator.EvalSpec)
    assert (es.steps, es.name, es.start_delay_secs, es.throttle_secs) == (100, None, 120, 600)
    assert es.exporters == () and es.hooks == ()
    ts = pe.train_spec(fn, max_steps=50.0, hooks=pe.hook_step_counter(), verbose=False)
    assert ts.max_steps == 50 and len(ts.hooks) == 1


def test_verbose_specs_attach_tfestimators_history_saver_and_progress_bar():
    # tfestimators' resolve_train_hooks(): verbose adds hook_history_saver() and a progress
    # bar over max_steps; resolve_eval_hooks(): a progress bar over the evaluation's steps.
    def fn():
        return {"a": tf.constant([1.0])}, tf.constant([1.0])

    counter = pe.hook_step_counter()
    ts = pe.train_spec(fn, max_steps=50, hooks=counter)
    assert ts.hooks[0] is counter
    assert [type(h) for h in ts.hooks[1:]] == [HistorySaverHook, ProgressBarHook]
    assert ts.hooks[1].every_n_step == 10
    assert ts.hooks[2].last_step == 50 and ts.hooks[2].enabled is None  # a terminal only
    saver, bar = pe.hook_history_saver(every_n_step=2), pe.hook_progress_bar(enabled=False)
    ts = pe.train_spec(fn, hooks=[saver, bar])  # the user's own are kept, not doubled
    assert list(ts.hooks) == [saver, bar]
    es = pe.eval_spec(fn, steps=7)
    assert [type(h) for h in es.hooks] == [ProgressBarHook] and es.hooks[0].steps == 7
    with pytest.raises(pe.PyestimTypeError, match="verbose must be True/False"):
        pe.train_spec(fn, verbose="yes")
    with pytest.raises(pe.PyestimTypeError, match="verbose must be True/False"):
        pe.eval_spec(fn, verbose=None)


def test_view_metrics_resolves_as_tfestimators(recwarn):
    def fn():
        return {"a": tf.constant([1.0])}, tf.constant([1.0])

    # outside RStudio never on; in RStudio "auto" follows verbose
    assert view_metrics_on("auto", True, environ={}) is False
    assert view_metrics_on(True, True, environ={}) is False
    assert view_metrics_on("auto", True, environ={"RSTUDIO": "1"}) is True
    assert view_metrics_on("auto", False, environ={"RSTUDIO": "1"}) is False
    assert view_metrics_on(False, True, environ={"RSTUDIO": "1"}) is False
    assert view_metrics_on(True, False, environ={"RSTUDIO": "1"}) is True
    with pytest.raises(pe.PyestimValueError, match="view_metrics must be \"auto\""):
        pe.train_spec(fn, view_metrics="always")
    with pytest.raises(pe.PyestimTypeError, match="view_metrics must be True/False"):
        pe.train_spec(fn, view_metrics=1)
    pe.train_spec(fn, view_metrics=True)
    assert not [w for w in recwarn if "metrics viewer" in str(w.message)]


def test_view_metrics_in_rstudio_warns_that_there_is_no_viewer(monkeypatch):
    monkeypatch.setenv("RSTUDIO", "1")

    def fn():
        return {"a": tf.constant([1.0])}, tf.constant([1.0])

    with pytest.warns(UserWarning, match="pyestim has no metrics viewer"):
        pe.train_spec(fn)
    es = pe.eval_spec(fn, steps=None, name="holdout", start_delay_secs=0.0, throttle_secs=1.0)
    assert (es.steps, es.name, es.start_delay_secs, es.throttle_secs) == (None, "holdout", 0, 1)


def test_spec_errors():
    def fn():
        return {}

    with pytest.raises(pe.StepsError, match=">= 1"):
        pe.train_spec(fn, max_steps=0)
    with pytest.raises(pe.StepsError, match="whole number"):
        pe.eval_spec(fn, steps=2.5)
    with pytest.raises(pe.InputFnError, match="must be a function"):
        pe.train_spec("data.csv")
    with pytest.raises(pe.HookError):
        pe.train_spec(fn, hooks=["not a hook"])
    with pytest.raises(pe.PyestimTypeError, match="Exporter"):
        pe.eval_spec(fn, exporters="latest")
    with pytest.raises(pe.PyestimValueError, match=">= 0"):
        pe.eval_spec(fn, throttle_secs=-1)


# --------------------------------------------------------------------------------------------
# train_and_evaluate, locally


def test_train_and_evaluate_canned_with_closures_and_an_exporter(plane, tmp_path):
    est = pe.linear_regressor(pe.feature_columns("a", "b"),
                              optimizer=tf.keras.optimizers.legacy.SGD(learning_rate=0.1),
                              config=pe.run_config(model_dir=str(tmp_path / "m"),
                                                   save_checkpoints_steps=60.0,
                                                   tf_random_seed=3))
    exporter = tf.estimator.LatestExporter("latest", parsing_serving_input_receiver_fn(est))
    result = pe.train_and_evaluate(
        est,
        pe.train_spec(pe.input_fn(plane, ["a", "b"], "y", batch_size=30, num_epochs=None),
                      max_steps=120),
        pe.eval_spec(pe.input_fn(plane, ["a", "b"], "y"), steps=None, exporters=exporter,
                     throttle_secs=0))
    assert isinstance(result, pd.DataFrame) and len(result) == 1
    assert result.global_step[0] == 120 and result.average_loss[0] < 1e-3
    [path] = result.attrs["export_results"]
    assert os.path.isfile(os.path.join(path, "saved_model.pb"))
    assert pe.latest_checkpoint(est.model_dir).endswith("model.ckpt-120")
    a = tf.train.load_variable(pe.latest_checkpoint(est.model_dir),
                               "linear/linear_model/a/weights")
    assert a[0, 0] == pytest.approx(2, abs=0.02)


def test_train_and_evaluate_custom_estimator(toy_data, linear_model_fn, tmp_path):
    est = pe.estimator(linear_model_fn, model_dir=str(tmp_path / "custom"),
                       params={"learning_rate": 0.5})
    train = pe.numpy_input_fn({"x": toy_data.x}, toy_data.y, batch_size=50, num_epochs=None,
                              shuffle=True)
    evaluation = pe.numpy_input_fn({"x": toy_data.x}, toy_data.y, shuffle=False)
    result = pe.train_and_evaluate(est, pe.train_spec(train, max_steps=40),
                                   pe.eval_spec(evaluation, throttle_secs=0))
    assert result.global_step[0] == 40 and result.accuracy[0] > 0.6
    assert result.attrs["export_results"] == []
    # verbose (the default) kept the training history: steps 1, 10, 20, 30, 40
    assert result.attrs["history"].steps == [1, 10, 20, 30, 40]
    quiet = pe.train_and_evaluate(est, pe.train_spec(train, max_steps=45, verbose=False),
                                  pe.eval_spec(evaluation, throttle_secs=0, verbose=False))
    assert quiet.global_step[0] == 45 and "history" not in quiet.attrs
    with pytest.raises(pe.PyestimTypeError, match="train_spec"):
        pe.train_and_evaluate(est, {"input_fn": train}, pe.eval_spec(evaluation))
    with pytest.raises(pe.PyestimTypeError, match="eval_spec"):
        pe.train_and_evaluate(est, pe.train_spec(train, max_steps=1), evaluation)
