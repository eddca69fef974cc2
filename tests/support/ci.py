"""Whether this is a CI run, and the rule that follows from it: a test that cannot run here
(no MNIST, no R, ...) is skipped with its reason on a developer's machine and FAILS when
``CI=true``, because a CI run must not pass by skipping (the developers' guide). R's twin is
``in_ci()`` in r/tests/testthat/helper-pyestim.R; .ci/run and dev.sh read $CI the same way."""

import os
from pathlib import Path

import pytest

__all__ = ["in_ci", "unavailable", "needs_mnist"]


def in_ci():
    """True when $CI is true, 1 or yes (any case, surrounding blanks ignored)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def unavailable(reason, ci_message=None):
    """Skip the running test because ``reason`` -- or, in CI, fail it with ``ci_message``
    (by default "CI=true but <reason>"). Never returns."""
    if in_ci():
        pytest.fail(ci_message or f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def needs_mnist():
    """$PYESTIM_DATA_DIR, for code that reads MNIST from it (a child process, a README
    block); when it does not hold the MNIST files the test is skipped, or fails in CI."""
    data = os.environ.get("PYESTIM_DATA_DIR")
    if data and (Path(data) / "train-images-idx3-ubyte.gz").exists():
        return data
    unavailable("MNIST files not found (set PYESTIM_DATA_DIR)",
                "MNIST is missing: set PYESTIM_DATA_DIR to ../shared/datasets/mnist")
