"""The training history that ``train()`` returns."""

from ._lang import shown
from .errors import PyestimValueError
from .smoothing import smoothed, smoothing_weight

__all__ = ["History", "METRICS", "select_metrics", "pyplot"]

METRICS = ("mean_losses", "total_losses")


class History:
    """Losses recorded during one ``train()`` call.

    A plain list of records, one per recorded step, each a dict with the keys ``step``,
    ``mean_losses`` and ``total_losses``: the model's loss at that step as TensorFlow logs it
    (``loss = ...``) is ``total_losses``, and ``mean_losses`` is the mean of the per-example
    losses (for a canned estimator of TensorFlow 1's class, the loss over the batch size) or,
    for a model whose loss is one scalar, the loss itself (see :class:`HistorySaverHook`).
    Index it, iterate it, or turn it into a table with :meth:`to_dataframe`.

    Attributes
    ----------
    steps, mean_losses, total_losses : list
        The recorded columns, in step order.
    step, losses, params, evaluation_metrics
        tfestimators' fields: ``step`` is ``steps``; ``losses`` is ``{"mean_losses": [...],
        "total_losses": [...]}``; ``params`` is ``{"metrics": [...], "steps": last recorded
        step}``; ``evaluation_metrics`` is None (a training history holds no evaluation).
    """

    def __init__(self, records=None, settings=None):
        self._records = []
        #: What the loss plot's title says about the run (model, steps, batch_size,
        #: learning_rate), when known.
        self.settings = dict(settings or {})
        for record in records or ():
            self.append(**record)

    def append(self, step, mean_losses, total_losses):
        self._records.append({"step": int(step), "mean_losses": float(mean_losses),
                              "total_losses": float(total_losses)})

    def __len__(self):
        return len(self._records)

    def __iter__(self):
        return iter(list(self._records))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return History(self._records[index], settings=self.settings)
        return dict(self._records[index])

    def __eq__(self, other):
        return isinstance(other, History) and self._records == other._records

    @property
    def records(self):
        return [dict(r) for r in self._records]

    @property
    def steps(self):
        return [r["step"] for r in self._records]

    @property
    def mean_losses(self):
        return [r["mean_losses"] for r in self._records]

    @property
    def total_losses(self):
        return [r["total_losses"] for r in self._records]

    @property
    def step(self):
        """tfestimators' name of :attr:`steps`."""
        return self.steps

    @property
    def losses(self):
        """tfestimators' ``losses``: ``{"mean_losses": [...], "total_losses": [...]}``."""
        return {m: [r[m] for r in self._records] for m in METRICS}

    @property
    def evaluation_metrics(self):
        """tfestimators' ``evaluation_metrics`` field: None, as a training history holds no
        evaluation (``evaluate()`` returns the metrics)."""
        return None

    @property
    def params(self):
        return {"metrics": list(METRICS), "steps": self.steps[-1] if self._records else None}

    def to_dict(self, long=False):
        """The columns as a dict of lists: ``{"step": [...], "mean_losses": [...], ...}``.

        With ``long=True``, tfestimators' long shape instead: ``{"step": [...], "metric":
        [...], "value": [...]}``, one entry per recorded step and metric, metric by metric
        (every step of mean_losses, then every step of total_losses).
        """
        if long:
            return {"step": [r["step"] for _ in METRICS for r in self._records],
                    "metric": [m for m in METRICS for _ in self._records],
                    "value": [r[m] for m in METRICS for r in self._records]}
        return {"step": self.steps, "mean_losses": self.mean_losses,
                "total_losses": self.total_losses}

    def to_dataframe(self, long=False):
        """A pandas DataFrame with one row per recorded step (columns step, mean_losses,
        total_losses); with ``long=True`` one row per recorded step and metric (columns
        step, metric, value), as tfestimators' ``as.data.frame(history)``."""
        import pandas as pd

        columns = ["step", "metric", "value"] if long else ["step", *METRICS]
        return pd.DataFrame(self.to_dict(long=long), columns=columns)

    as_data_frame = to_dataframe

    def __repr__(self):
        if not self._records:
            return "<History: no steps recorded>"
        first, last = self._records[0], self._records[-1]
        return (f"<History: {len(self)} records, steps {first['step']}..{last['step']}, "
                f"mean_losses {first['mean_losses']:.4g} -> {last['mean_losses']:.4g}>")

    def __str__(self):
        if not self._records:
            return "Training history: no steps recorded"
        lines = [f"Training history: {len(self)} records, steps {self.steps[0]} to "
                 f"{self.steps[-1]}",
                 f"{'step':>8}  {'mean_losses':>12}  {'total_losses':>12}"]
        rows = self._records
        if len(rows) > 12:
            rows = rows[:6] + [None] + rows[-5:]
        for r in rows:
            if r is None:
                lines.append(f"{'...':>8}")
            else:
                lines.append(f"{r['step']:>8}  {r['mean_losses']:>12.6g}  "
                             f"{r['total_losses']:>12.6g}")
        return "\n".join(lines)

    def plot(self, metrics=None, path=None, ax=None, settings=None, evaluation=None,
             smoothing=None):
        """Plot the recorded losses against the step (needs matplotlib: ``pip install
        pyestim[plot]``).

        When the mean and the total losses are the same at every step (one loss tensor, as a
        custom model's batch-mean loss), one panel shows both; otherwise each metric gets its
        own labelled panel.

        Parameters
        ----------
        metrics : str or list of str, optional
            Which of "mean_losses", "total_losses" to plot; all by default.
        path : str, optional
            Save the figure to this file (PNG by its extension) and close it.
        ax : matplotlib Axes, optional
            Draw into these axes instead of a new figure (one metric per call then).
        settings : dict, optional
            What the title says about the run, e.g. ``{"model": "cnn", "steps": 2000,
            "batch_size": 100, "learning_rate": 0.001}``; ``self.settings`` by default.
        evaluation : dict or list of dict, optional
            Evaluation results (``evaluate(simplify=False)``: ``global_step``, ``loss``,
            ``accuracy``) drawn as points at their step: the loss on the loss panel, the
            accuracy on a right-hand axis.
        smoothing : float, optional
            TensorBoard's smoothing weight, from 0 (none) to below 1; by default none up to 50
            recorded steps, and beyond an average over about 1/40 of them (0.98 for 2,000
            steps; see :mod:`pyestim.smoothing`). When smoothing, the raw losses are drawn
            faint and the smoothed curve over them. The legend sits above the panel, where
            it hides no data.

        Returns
        -------
        matplotlib.figure.Figure
        """
        plt = pyplot(path if ax is None else None)
        same = self.mean_losses == self.total_losses
        if metrics is None and same:
            metrics = ["mean_losses"]
        metrics = select_metrics(metrics)
        if ax is not None:
            fig = ax.figure
            axes = [ax] * len(metrics)
        else:
            fig, axes = plt.subplots(len(metrics), 1, sharex=True, squeeze=False,
                                     figsize=(6.4, 2.6 * len(metrics) + 0.9))
            axes = list(axes[:, 0])
        points = _evaluation_points(evaluation)
        for metric, axis in zip(metrics, axes):
            label = "loss (mean = total)" if same and len(metrics) == 1 else metric
            _draw_losses(axis, self.steps, getattr(self, metric), f"training {label}",
                         smoothing)
            axis.set_ylabel(label)
            axis.grid(True, alpha=0.3)
            if metric == "mean_losses" and points:
                axis.plot([p[0] for p in points if p[1] is not None],
                          [p[1] for p in points if p[1] is not None], "s", color="C3",
                          markersize=7, label="evaluation loss")
                accuracy = [(p[0], p[2]) for p in points if p[2] is not None]
                if accuracy:
                    right = axis.twinx()
                    right.plot([a[0] for a in accuracy], [a[1] for a in accuracy], "D",
                               color="C2", markersize=7, label="evaluation accuracy")
                    right.set_ylabel("evaluation accuracy")
                    right.set_ylim(0, 1.05)
            _legend_above(axis)
        axes[-1].set_xlabel("step")
        title = _title(self.settings if settings is None else settings)
        if title and ax is None:
            fig.suptitle(title, fontsize=10)
        fig.tight_layout()
        if path is not None:
            fig.savefig(path)
            if ax is None:
                plt.close(fig)
        return fig


def _draw_losses(axis, steps, values, label, smoothing):
    """The raw losses with markers; for a long run (see :mod:`pyestim.smoothing`), faint,
    with the smoothed curve over them."""
    weight = smoothing_weight(len(values), smoothing)
    if weight == 0:
        axis.plot(steps, values, marker="o", markersize=3, linewidth=1, label=label)
        return
    axis.plot(steps, values, color="C0", alpha=0.25, linewidth=0.8, label=f"{label} (raw)")
    axis.plot(steps, smoothed(values, weight), color="C0", linewidth=1.8,
              label=f"{label} (smoothed {weight:.2f})")


def _legend_above(axis):
    """One legend for the panel and its evaluation-accuracy axis, above the panel (outside
    the data, so it hides none)."""
    handles, labels = [], []
    for ax in [axis] + [other for other in axis.figure.axes
                        if other is not axis and other.bbox.bounds == axis.bbox.bounds]:
        h, lab = ax.get_legend_handles_labels()
        handles += h
        labels += lab
    axis.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.0, 1.01, 1.0, 0.1),
                mode="expand", ncol=2, borderaxespad=0.0, fontsize=8, frameon=False)


def _title(settings):
    """'cnn, 2000 steps, batch 100, learning rate 0.001' from what is known."""
    if not settings:
        return ""
    parts = []
    names = (("model", "model {}"), ("steps", "{} steps"), ("batch_size", "batch size {}"),
             ("learning_rate", "learning rate {}"))
    for key, text in names:
        if settings.get(key) is not None:
            parts.append(text.format(settings[key]))
    parts += [f"{k} {v}" for k, v in settings.items()
              if k not in dict(names) and v is not None]
    return ", ".join(parts)


def _evaluation_points(evaluation):
    """[(step, loss or None, accuracy or None)] from evaluate() results."""
    if evaluation is None:
        return []
    if isinstance(evaluation, dict):
        evaluation = [evaluation]
    points = []
    for result in evaluation:
        step = result.get("global_step")
        if step is None:
            continue
        loss, accuracy = result.get("loss"), result.get("accuracy")
        points.append((int(step), None if loss is None else float(loss),
                       None if accuracy is None else float(accuracy)))
    return points


def pyplot(path):
    """matplotlib.pyplot, with the file-only Agg backend when the figure goes to a file;
    an ImportError that says how to install matplotlib when it is missing."""
    try:
        import matplotlib

        if path is not None:
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("pyestim's plots need matplotlib: pip install 'pyestim[plot]' "
                          "(or pip install matplotlib).") from None
    return plt


def select_metrics(metrics=None):
    """The metrics to plot: all (None), one name or a list of names of :data:`METRICS`.
    PyestimValueError names an unknown one. (The R package's ``plot()`` asks this too.)"""
    if metrics is None:
        return list(METRICS)
    if isinstance(metrics, str):
        metrics = [metrics]
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise PyestimValueError(f"Unknown metric(s) {shown(unknown)}: a History has "
                                f"{shown(list(METRICS))}.")
    return list(metrics)
