"""Small checks and probes the test modules share."""

from __future__ import annotations

__all__ = ["is_pyestim_error", "recording_hook"]


def is_pyestim_error(err, builtin):
    """``err`` is one of pyestim's errors and also an instance of the built-in ``builtin``
    (pyestim's errors subclass both, so ``except ValueError`` still catches them)."""
    from pyestim import errors

    return isinstance(err, errors.PyestimError) and isinstance(err, builtin)


def recording_hook(calls):
    """A session_run_hook that appends 1 to ``calls`` after each run."""
    import pyestim

    return pyestim.session_run_hook(after_run=lambda ctx, values: calls.append(1))
