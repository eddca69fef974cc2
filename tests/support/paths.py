"""The checkout's folders, defined once for every test (tests/ and tests/parity/)."""

import os
from pathlib import Path

__all__ = ["REPO", "TESTS", "PACKAGE", "R_PACKAGE", "DATA", "MNIST_FILES", "data_dir"]

#: The checkout (the folder holding pyestim/, r/ and tests/).
REPO = Path(__file__).resolve().parents[2]
#: tests/ (what a child process puts on sys.path to import conftest-free helpers from here).
TESTS = REPO / "tests"
#: The Python package's source folder.
PACKAGE = REPO / "pyestim"
#: The R package's source folder.
R_PACKAGE = REPO / "r"
#: Where MNIST's four files sit beside the checkout (../shared/datasets/mnist); conftest.py
#: makes it $PYESTIM_DATA_DIR when that is unset and the folder exists.
DATA = REPO.parent / "shared" / "datasets" / "mnist"
#: The four MNIST files, in the order train images, train labels, test images, test labels.
MNIST_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


def data_dir():
    """The MNIST folder the tests read: $PYESTIM_DATA_DIR, else :data:`DATA`."""
    return Path(os.environ.get("PYESTIM_DATA_DIR") or DATA)
