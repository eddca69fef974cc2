"""The training history that ``train()`` returns."""

from .errors import PyestimValueError

__all__ = ["History", "METRICS", "select_metrics"]

METRICS = ("mean_losses", "total_losses")


class History:
    """Losses recorded during one ``train()`` call.

    A plain list of records, one per recorded step, each a dict with the keys ``step``,
    ``mean_losses`` and ``total_losses`` (the mean and the sum of the distinct loss tensors
    in the graph's LOSSES collection at that step). Index it, iterate it, or turn it into a
    table with :meth:`to_dataframe`.

    Attributes
    ----------
    steps, mean_losses, total_losses : list
        The recorded columns, in step order.
    params : dict
        ``{"metrics": [...], "steps": last recorded step}``, as tfestimators has it.
    """

    def __init__(self, records=None):
        self._records = []
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
            return History(self._records[index])
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
    def params(self):
        return {"metrics": list(METRICS), "steps": self.steps[-1] if self._records else None}

    def to_dict(self):
        """The columns as a dict of lists: ``{"step": [...], "mean_losses": [...], ...}``."""
        return {"step": self.steps, "mean_losses": self.mean_losses,
                "total_losses": self.total_losses}

    def to_dataframe(self):
        """A pandas DataFrame with one row per recorded step (columns step, mean_losses,
        total_losses)."""
        import pandas as pd

        return pd.DataFrame(self.to_dict(), columns=["step", *METRICS])

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

    def plot(self, metrics=None, path=None, ax=None):
        """Plot the recorded losses against the step (needs matplotlib: ``pip install
        pyestim[plot]``).

        Parameters
        ----------
        metrics : str or list of str, optional
            Which of "mean_losses", "total_losses" to plot; all by default.
        path : str, optional
            Save the figure to this file (PNG by its extension) and close it.
        ax : matplotlib Axes, optional
            Draw into these axes instead of a new figure (one metric per call then).

        Returns
        -------
        matplotlib.figure.Figure
        """
        try:
            import matplotlib

            if path is not None and ax is None:
                matplotlib.use("Agg", force=False)
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError(
                "History.plot() needs matplotlib: pip install 'pyestim[plot]' "
                "(or pip install matplotlib).") from None
        metrics = select_metrics(metrics)
        if ax is not None:
            fig = ax.figure
            axes = [ax] * len(metrics)
        else:
            fig, axes = plt.subplots(len(metrics), 1, sharex=True, squeeze=False,
                                     figsize=(6.4, 2.4 * len(metrics) + 0.6))
            axes = list(axes[:, 0])
        for metric, axis in zip(metrics, axes):
            axis.plot(self.steps, getattr(self, metric), marker="o", markersize=3, linewidth=1)
            axis.set_ylabel(metric)
            axis.grid(True, alpha=0.3)
        axes[-1].set_xlabel("step")
        fig.tight_layout()
        if path is not None:
            fig.savefig(path)
            if ax is None:
                plt.close(fig)
        return fig


def select_metrics(metrics=None):
    """The metrics to plot: all (None), one name or a list of names of :data:`METRICS`.
    PyestimValueError names an unknown one. (The R package's ``plot()`` asks this too.)"""
    if metrics is None:
        return list(METRICS)
    if isinstance(metrics, str):
        metrics = [metrics]
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise PyestimValueError(f"Unknown metric(s) {unknown}: a History has {list(METRICS)}.")
    return list(metrics)
