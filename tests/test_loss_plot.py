"""The loss plot: one panel when the mean and total losses coincide, labelled panels
otherwise, a title with the run's settings, and the evaluation points."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from pyestim import History  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _history(same):
    return History([{"step": s, "mean_losses": 2.0 / s,
                     "total_losses": (2.0 if same else 6.0) / s} for s in (1, 2, 4)])


def test_one_panel_when_mean_and_total_losses_coincide():
    fig = _history(same=True).plot()
    assert len(fig.axes) == 1
    assert fig.axes[0].get_ylabel() == "loss (mean = total)"
    assert list(fig.axes[0].lines[0].get_data()[1]) == [2.0, 1.0, 0.5]
    assert fig._suptitle is None  # nothing known, no title


def test_labelled_panels_when_they_differ():
    fig = _history(same=False).plot()
    assert [ax.get_ylabel() for ax in fig.axes] == ["mean_losses", "total_losses"]
    assert list(fig.axes[1].lines[0].get_data()[1]) == [6.0, 3.0, 1.5]


def test_title_from_settings_and_evaluation_points(tmp_path):
    history = History(_history(same=True).records,
                      settings={"model": "cnn", "steps": 4, "batch_size": 100,
                                "learning_rate": 0.001})
    evaluation = {"global_step": 4, "loss": 0.75, "accuracy": 0.875}
    fig = history.plot(evaluation=evaluation, path=str(tmp_path / "loss.png"))
    assert fig._suptitle.get_text() == \
        "model cnn, 4 steps, batch size 100, learning rate 0.001"
    loss_axis, accuracy_axis = fig.axes
    points = [line for line in loss_axis.lines if line.get_label() == "evaluation loss"]
    assert [list(d) for d in points[0].get_data()] == [[4], [0.75]]
    assert accuracy_axis.get_ylabel() == "evaluation accuracy"
    assert [list(d) for d in accuracy_axis.lines[0].get_data()] == [[4], [0.875]]
    # explicit settings win over the history's own; a slice keeps them
    fig = history[:2].plot(settings={"model": "softmax"})
    assert fig._suptitle.get_text() == "model softmax"
    assert history[:2].settings["batch_size"] == 100
