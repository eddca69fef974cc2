"""The loss plot: one panel when the mean and total losses coincide, labelled panels
otherwise, a title with the run's settings, and the evaluation points."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from pyestim import History  # noqa: E402
from pyestim.smoothing import smoothed, smoothing_weight  # noqa: E402


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


# A long run (issue 22, point 13): `pyestim mnist --steps 20000` records 2,000 points.

def _tensorboard_ema(values, weight):
    """TensorBoard's smoothing, written out here: an exponential moving average from 0,
    divided by 1 - weight ** (number of finite values so far); non-finite values pass."""
    out, last, n = [], 0.0, 0
    for y in values:
        if y != y or y in (float("inf"), float("-inf")):
            out.append(y)
            continue
        last = weight * last + (1 - weight) * y
        n += 1
        out.append(last / (1 - weight ** n))
    return out


def test_smoothing_is_tensorboards_debiased_moving_average():
    # by hand, weight 0.5: 0.5/0.5 = 1; (0.25 + 1)/0.75 = 5/3; (0.625 + 1.5)/0.875 = 17/7
    assert smoothed([1.0, 2.0, 3.0], 0.5) == pytest.approx([1.0, 5 / 3, 17 / 7])
    nan = float("nan")
    out = smoothed([1.0, nan, 3.0], 0.5)
    assert out[0] == 1.0 and out[1] != out[1] and out[2] == pytest.approx(1.75 / 0.75)
    assert smoothed([4.0, 2.0], 0.0) == [4.0, 2.0]
    assert smoothing_weight(50) == 0.0 and smoothing_weight(2000) == pytest.approx(0.98)
    assert smoothing_weight(3, 0.6) == 0.6
    for bad in (1.0, -0.1, "0.5", True):
        with pytest.raises(ValueError, match="smoothing must be a number from 0"):
            smoothing_weight(10, bad)


def _long_history(n=2000):
    rng = np.random.default_rng(0)
    steps = [10 * (i + 1) for i in range(n)]
    losses = [2.3 * np.exp(-s / 3000) + 0.1 + float(rng.gamma(2, 0.12)) for s in steps]
    return History([{"step": s, "mean_losses": v, "total_losses": v}
                    for s, v in zip(steps, losses)]), steps, losses


def test_a_long_run_is_drawn_faint_with_the_smoothed_curve_over_it(tmp_path):
    history, steps, losses = _long_history()
    fig = history.plot(evaluation={"global_step": steps[-1], "loss": 0.3, "accuracy": 0.97},
                       path=str(tmp_path / "loss.png"))
    axis = fig.axes[0]
    raw, smooth = axis.lines[:2]
    assert list(raw.get_ydata()) == losses and raw.get_marker() in ("None", None, "")
    assert raw.get_alpha() is not None and raw.get_alpha() <= 0.3
    assert smooth.get_alpha() in (None, 1.0) and smooth.get_linewidth() > raw.get_linewidth()
    np.testing.assert_allclose(smooth.get_ydata(), _tensorboard_ema(losses, 0.98), rtol=1e-12)
    assert list(smooth.get_xdata()) == steps


def _overlaps(a, b):
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


@pytest.mark.parametrize("same", [True, False])
def test_the_legend_hides_no_data(same):
    history, steps, losses = _long_history()
    if not same:
        history = History([dict(r, total_losses=100 * r["mean_losses"]) for r in history])
    fig = history.plot(evaluation={"global_step": steps[-1], "loss": 0.3, "accuracy": 0.97})
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    assert len(legends) == (1 if same else 2)
    labels = [t.get_text() for t in legends[0].get_texts()]
    assert "evaluation loss" in labels and "evaluation accuracy" in labels
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            # outside every panel's data area, so no point of any line can be under it
            assert not _overlaps(box, ax.get_window_extent(renderer))
            for line in ax.lines:
                xy = ax.transData.transform(np.column_stack([line.get_xdata(),
                                                             line.get_ydata()]))
                inside = ((xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) &
                          (xy[:, 1] > box.y0) & (xy[:, 1] < box.y1))
                assert not inside.any()
