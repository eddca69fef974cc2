"""Standard output belongs to the user (issue 15, point 9): train(), evaluate() and predict()
write nothing on sys.stdout (nor on file descriptor 1) but what the user's own code prints;
logs go to standard error."""

import pyestim as pe


def _printing_hook():
    return pe.session_run_hook(end=lambda session: print("done", end=""))


def test_train_evaluate_predict_leave_stdout_to_the_user(tmp_path, toy_data, linear_model_fn,
                                                          capfd):
    est = pe.estimator(linear_model_fn, model_dir=str(tmp_path))
    train_fn = pe.numpy_input_fn({"x": toy_data.x}, toy_data.y, batch_size=20, num_epochs=None,
                                 shuffle=True)
    eval_fn = pe.numpy_input_fn({"x": toy_data.x}, toy_data.y, batch_size=50, shuffle=False)
    capfd.readouterr()

    history = pe.train(est, train_fn, steps=10, hooks=_printing_hook())
    assert capfd.readouterr().out == "done"
    assert history.steps[-1] == 10

    metrics = pe.evaluate(est, eval_fn, hooks=_printing_hook())
    assert capfd.readouterr().out == "done"
    assert list(metrics["global_step"]) == [10]

    predictions = pe.predict(est, pe.numpy_input_fn({"x": toy_data.x}, batch_size=50,
                                                    shuffle=False), hooks=_printing_hook())
    assert capfd.readouterr().out == "done"
    assert len(predictions) == 200

    # and without hooks, nothing at all
    pe.train(est, train_fn, steps=2)
    pe.evaluate(est, eval_fn)
    assert capfd.readouterr().out == ""
