"""Where R is for the tests that start it as a program (R CMD check, Rscript): the R library
dev.sh installs the R package's dependencies in, and the ``Rscript`` executable. (The parity
suite embeds R through rpy2 instead: tests/parity/conftest.py.)"""

import os
import shutil
import sys
from pathlib import Path

from .ci import unavailable

__all__ = ["r_library", "r_program"]


def r_library():
    """The R library holding the pyestim R package's dependencies: $R_LIBS, else dev.sh's
    ``R-library`` folder inside this Python's venv."""
    return os.environ.get("R_LIBS") or str(Path(sys.prefix) / "R-library")


def r_program(name, reason, ci_message=None):
    """The path of the R program ``name`` ("R" or "Rscript"); when it is missing, the test
    is skipped because ``reason`` (failed in CI with ``ci_message``: see :mod:`support.ci`)."""
    path = shutil.which(name)
    if path is None:
        unavailable(reason, ci_message)
    return path
