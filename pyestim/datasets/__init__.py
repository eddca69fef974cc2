"""Data sets for the tutorials: MNIST, as ``tf.contrib.learn.datasets`` provided it.

``read_data_sets()`` / ``load_dataset("mnist")`` return ``Datasets(train, validation,
test)`` of ``DataSet`` objects with TF1's ``next_batch``; ``locate()`` returns the folder
holding a data set's files. Files are looked for in the ``data_dir`` argument, then
``$PYESTIM_DATA_DIR``, then the per-user cache (``$XDG_CACHE_HOME/pyestim/<name>``), and
downloaded into that cache only when no folder has them.

``iris()`` and ``mtcars()`` return R's data sets of those names (shipped with pyestim as CSV
files), for the tfestimators examples.
"""

from pyestim.datasets._files import (
    DATA_DIR_ENV,
    RemoteFiles,
    known_datasets,
    load_dataset,
    locate,
    user_cache_dir,
)
from pyestim.datasets.mnist import (
    DEFAULT_SOURCE_URLS,
    MNIST_FILES,
    DataSet,
    Datasets,
    clear_cache,
    load_mnist,
    read_data_sets,
)
from pyestim.datasets.rdata import iris, mtcars

__all__ = [
    "DATA_DIR_ENV",
    "DEFAULT_SOURCE_URLS",
    "MNIST_FILES",
    "DataSet",
    "Datasets",
    "RemoteFiles",
    "clear_cache",
    "known_datasets",
    "load_dataset",
    "load_mnist",
    "locate",
    "read_data_sets",
    "iris",
    "mtcars",
    "user_cache_dir",
]
