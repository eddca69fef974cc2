"""Child processes started by tests: the environment they get, and a time limit for calls
that could hang."""

import contextlib
import os
import signal
import sys

__all__ = ["child_env", "time_limit"]


def child_env(**extra):
    """The environment for a Python subprocess. With R embedded in this process (the parity
    suite), R has put its library folders in LD_LIBRARY_PATH, where a Python built with a
    shared libpython would pick up the system's libpython instead of its own."""
    env = dict(os.environ, **extra)
    if "rpy2.rinterface" in sys.modules:
        env.pop("LD_LIBRARY_PATH", None)
    return env


@contextlib.contextmanager
def time_limit(seconds=30):
    """Fail (rather than hang) if the body runs longer than ``seconds`` (main thread only)."""

    def on_alarm(signum, frame):
        raise TimeoutError(f"the call did not return within {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
