"""history.py: the History object (table, text, tfestimators' fields, plot). (The history
saver that records the losses train() returns is in test_hooks.py.)"""

import pandas as pd
import pytest

import pyestim
from pyestim import errors
from support.models import toy_input

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------------------------
# The History object


@pytest.fixture
def history():
    return pyestim.History([
        {"step": 10, "mean_losses": 2.0, "total_losses": 4.0},
        {"step": 20, "mean_losses": 1.5, "total_losses": 3.0},
        {"step": 25, "mean_losses": 1.25, "total_losses": 2.5},
    ])


def test_history_columns_and_indexing(history):
    assert len(history) == 3
    assert history.steps == [10, 20, 25]
    assert history.mean_losses == [2.0, 1.5, 1.25]
    assert history.total_losses == [4.0, 3.0, 2.5]
    assert history[0] == {"step": 10, "mean_losses": 2.0, "total_losses": 4.0}
    assert history[-1]["step"] == 25
    history[0]["step"] = 99  # a copy: the history does not change
    assert history.steps[0] == 10
    part = history[1:]
    assert isinstance(part, pyestim.History) and part.steps == [20, 25]
    assert [r["step"] for r in history] == [10, 20, 25]
    assert history.params == {"metrics": ["mean_losses", "total_losses"], "steps": 25}
    assert history.to_dict() == {"step": [10, 20, 25], "mean_losses": [2.0, 1.5, 1.25],
                                 "total_losses": [4.0, 3.0, 2.5]}
    with pytest.raises(IndexError):
        history[3]


def test_history_has_tfestimators_fields(history):
    # tfestimators' R/history.R: losses (mean_losses, total_losses), step, params
    # (metrics, steps), evaluation_metrics
    assert history.step == [10, 20, 25]
    assert history.losses == {"mean_losses": [2.0, 1.5, 1.25],
                              "total_losses": [4.0, 3.0, 2.5]}
    assert history.params == {"metrics": ["mean_losses", "total_losses"], "steps": 25}
    assert history.evaluation_metrics is None
    empty = pyestim.History()
    assert empty.step == [] and empty.losses == {"mean_losses": [], "total_losses": []}
    assert empty.params["steps"] is None


def test_history_equality(history):
    same = pyestim.History(history.records)
    assert same == history
    same.append(30, 1.0, 2.0)
    assert same != history
    assert history != history.to_dict()


def test_history_to_dataframe(history):
    frame = history.to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["step", "mean_losses", "total_losses"]
    assert frame["step"].tolist() == [10, 20, 25]
    assert frame["mean_losses"].tolist() == [2.0, 1.5, 1.25]
    assert frame["total_losses"].tolist() == [4.0, 3.0, 2.5]
    assert history.as_data_frame().equals(frame)
    empty = pyestim.History().to_dataframe()
    assert list(empty.columns) == ["step", "mean_losses", "total_losses"] and len(empty) == 0


def test_history_long_form(history):
    # tfestimators' as.data.frame(history): one row per recorded step and metric, metric by
    # metric (as tidyr::gather(losses, "metric", "value", -step) lays them out).
    frame = history.to_dataframe(long=True)
    assert list(frame.columns) == ["step", "metric", "value"]
    assert frame["step"].tolist() == [10, 20, 25, 10, 20, 25]
    assert frame["metric"].tolist() == ["mean_losses"] * 3 + ["total_losses"] * 3
    assert frame["value"].tolist() == [2.0, 1.5, 1.25, 4.0, 3.0, 2.5]
    assert history.to_dict(long=True) == {"step": [10, 20, 25, 10, 20, 25],
                                          "metric": frame["metric"].tolist(),
                                          "value": [2.0, 1.5, 1.25, 4.0, 3.0, 2.5]}
    empty = pyestim.History().to_dataframe(long=True)
    assert list(empty.columns) == ["step", "metric", "value"] and len(empty) == 0


def test_history_text(history):
    text = str(history)
    assert text.splitlines()[0] == "Training history: 3 records, steps 10 to 25"
    assert "mean_losses" in text and "total_losses" in text
    assert len(text.splitlines()) == 2 + 3
    assert text.splitlines()[-1].split() == ["25", "1.25", "2.5"]
    assert repr(history) == "<History: 3 records, steps 10..25, mean_losses 2 -> 1.25>"
    empty = pyestim.History()
    assert "no steps recorded" in str(empty) and "no steps recorded" in repr(empty)
    assert empty.params["steps"] is None


def test_long_history_text_is_shortened():
    long = pyestim.History([{"step": i, "mean_losses": 1.0 / i, "total_losses": 2.0 / i}
                            for i in range(1, 31)])
    lines = str(long).splitlines()
    assert lines[0] == "Training history: 30 records, steps 1 to 30"
    assert "..." in str(long)
    assert lines[-1].split()[0] == "30"
    assert len(lines) < 30


def test_history_plot_writes_a_png(history, tmp_path):
    path = tmp_path / "history.png"
    fig = history.plot(path=str(path))
    assert path.read_bytes()[:8] == PNG_MAGIC
    assert len(fig.axes) == 2
    one = tmp_path / "mean.png"
    fig = history.plot(metrics="mean_losses", path=str(one))
    assert one.read_bytes()[:8] == PNG_MAGIC
    assert len(fig.axes) == 1
    assert fig.axes[0].get_ylabel() == "mean_losses"
    xs, ys = fig.axes[0].lines[0].get_data()
    assert list(xs) == [10, 20, 25] and list(ys) == [2.0, 1.5, 1.25]


def test_history_plot_into_given_axes(history):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        assert history.plot(metrics="total_losses", ax=ax) is fig
        assert list(ax.lines[0].get_data()[1]) == [4.0, 3.0, 2.5]
    finally:
        plt.close(fig)


def test_history_plot_rejects_an_unknown_metric(history, tmp_path):
    with pytest.raises(errors.PyestimValueError) as info:
        history.plot(metrics="accuracy", path=str(tmp_path / "x.png"))
    assert "'accuracy'" in str(info.value)
    assert not (tmp_path / "x.png").exists()


def test_plot_of_a_trained_history(tmp_path, linear_model_fn, toy_data):
    est = pyestim.estimator(linear_model_fn, model_dir=tmp_path / "m")
    history = pyestim.train(est, toy_input(toy_data), steps=5,
                            hooks=pyestim.hook_history_saver(every_n_step=1))
    history.plot(path=str(tmp_path / "loss.png"))
    assert (tmp_path / "loss.png").read_bytes()[:8] == PNG_MAGIC

