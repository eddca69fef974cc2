"""The MNIST database of handwritten digits, read from its four IDX gzip files.

This replaces ``tf.contrib.learn.datasets.mnist`` (TensorFlow 1.x): the same
``read_data_sets()``, ``DataSet`` and ``Datasets`` names and behaviour, with these
differences:

- the files are found by :func:`pyestim.datasets.locate` (``data_dir`` / ``train_dir``
  argument, ``$PYESTIM_DATA_DIR``, the per-user cache, then a download into that cache);
  an explicit folder that lacks the files is an error rather than a download target;
- each file's SHA-256 is checked against the published digest before it is parsed
  (``verify=False`` turns this off for your own IDX files), and a damaged file raises
  :class:`~pyestim.errors.DatasetError` naming the file and the fix;
- the split is TF1's: the first ``validation_size`` (5,000) training images are
  ``validation``, the remaining 55,000 are ``train``, and the 10,000 test images are
  ``test`` (as ``tensorflow/contrib/learn/python/learn/datasets/mnist.py`` cut them);
- shuffling uses a random generator of each ``DataSet``'s own, seeded from ``seed``,
  instead of reseeding NumPy's global generator;
- one-hot labels are float32 (TF1 gave float64);
- the arrays are **read-only**. Parsed files are cached for the life of the process,
  keyed by the file's resolved path, modification time, size and inode and by the image
  dtype, so reading MNIST twice does not decompress it twice; every array handed out
  (``DataSet.images``, ``DataSet.labels``, the batches of ``next_batch``) is a read-only
  view, so a caller cannot corrupt the cache. Call ``.copy()`` for an array to modify.
  :func:`clear_cache` frees the cache.
"""

from __future__ import annotations

import collections
import gzip
import hashlib
import numbers
import operator
import os
import threading
import zlib
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np

from pyestim.datasets._files import (
    DATA_DIR_ENV,
    RemoteFiles,
    _find_or_download,
    check_sha256,
    register_dataset,
)
from pyestim import engine
from pyestim._lang import code, shown
from pyestim.errors import DatasetError

__all__ = [
    "DataSet",
    "Datasets",
    "MNIST_FILES",
    "DEFAULT_SOURCE_URLS",
    "read_data_sets",
    "load_mnist",
    "clear_cache",
]

# TensorFlow's logger (at pyestim's default level once pyestim uses it).
_log = engine.tf_logger

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"

#: Public mirrors of the canonical files, tried in order.
DEFAULT_SOURCE_URLS = (
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
)

#: The MNIST files, their published SHA-256 digests and mirrors.
MNIST_FILES = RemoteFiles(
    name="mnist",
    title="MNIST",
    files=(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS),
    sha256={
        TRAIN_IMAGES: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        TRAIN_LABELS: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        TEST_IMAGES: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        TEST_LABELS: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    },
    mirrors=DEFAULT_SOURCE_URLS,
    mirror_env="PYESTIM_MNIST_MIRROR",
)

NUM_CLASSES = 10
_IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions
_LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])
Datasets.__doc__ = """The three MNIST splits returned by :func:`read_data_sets`.

Attributes
----------
train : DataSet
    The training examples (55,000 with the default ``validation_size``).
validation : DataSet
    The held-out head of the training file: its first 5,000 images by default.
test : DataSet
    The 10,000 test examples.
"""


# ----------------------------------------------------------------- small helpers


def _image_dtype(dtype) -> np.dtype:
    """np.uint8 or np.float32 from a NumPy, string or TensorFlow dtype."""
    try:
        resolved = np.dtype(getattr(dtype, "as_numpy_dtype", dtype))
    except TypeError:
        resolved = None
    if resolved not in (np.dtype(np.uint8), np.dtype(np.float32)):
        raise DatasetError(
            f"Invalid image dtype {shown(dtype)}: expected uint8 (pixels 0..255) or float32 "
            f"(pixels scaled to [0, 1]). Pass {code('dtype=np.float32')} or "
            f"{code('dtype=np.uint8')}."
        )
    return resolved


def _readonly(array: np.ndarray) -> np.ndarray:
    """A read-only view of ``array`` (the array itself if already read-only)."""
    if array.flags.writeable:
        array = array.view()
        array.flags.writeable = False
    return array


def _make_rng(seed):
    if isinstance(seed, (np.random.Generator, np.random.RandomState)):
        return seed
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError) as exc:
        raise DatasetError(
            f"Invalid seed {shown(seed)}: expected {code('None')}, a non-negative integer, or a "
            f"NumPy Generator / RandomState ({exc})."
        ) from None


def _fix(path: Path) -> str:
    return (
        f"Delete {path} (a file in pyestim's per-user cache is then downloaded again) "
        f"or replace it with a fresh download, or set {DATA_DIR_ENV} (or pass data_dir=) "
        "to a folder with a good copy."
    )


def _corrupt(path: Path, what: str) -> DatasetError:
    return DatasetError(f"Cannot read {path}: {what}. {_fix(path)}")


# ------------------------------------------------------------------- IDX parsing


def _parse_idx(path: Path, expected_magic: int, verify: bool) -> np.ndarray:
    """Read, verify and parse one gzip IDX file into a read-only uint8 array.

    Images come back as ``[n, rows, cols, 1]`` (as TF1's ``extract_images``), labels as
    ``[n]``.
    """
    try:
        compressed = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"Cannot read {path}: {exc}. {_fix(path)}") from exc
    if verify:
        expected = MNIST_FILES.sha256.get(path.name)
        if expected is None:  # pragma: no cover - only the four known names are read
            raise DatasetError(
                f"No published checksum for {path}; pass {code('verify=False')} to read it anyway."
            )
        check_sha256(path, expected, hashlib.sha256(compressed).hexdigest(), MNIST_FILES)
    _log().info("Extracting %s", path)
    try:
        data = gzip.decompress(compressed)
    except EOFError:
        raise _corrupt(path, "the gzip stream is truncated (the file is incomplete)") from None
    except (OSError, zlib.error) as exc:
        raise _corrupt(path, f"not a valid gzip file ({exc})") from None
    del compressed

    kind = "image" if expected_magic == _IMAGES_MAGIC else "label"
    if len(data) < 4:
        raise _corrupt(path, f"only {len(data)} bytes after decompression, too short for an IDX header")
    magic = int.from_bytes(data[:4], "big")
    if magic != expected_magic:
        other = {_IMAGES_MAGIC: " (that of an image file)", _LABELS_MAGIC: " (that of a label file)"}
        raise _corrupt(
            path,
            f"bad magic number {magic}{other.get(magic, '')}, expected {expected_magic} "
            f"for an IDX {kind} file",
        )
    ndim = magic & 0xFF
    header_len = 4 + 4 * ndim
    if len(data) < header_len:
        raise _corrupt(path, f"the IDX header is truncated ({len(data)} of {header_len} bytes)")
    dims = [int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4)]
    if expected_magic == _IMAGES_MAGIC and (dims[1] == 0 or dims[2] == 0):
        raise _corrupt(path, f"the header gives an image size of {dims[1]}x{dims[2]}")
    payload = 1
    for d in dims:
        payload *= d
    actual = len(data) - header_len
    if actual != payload:
        shape = " x ".join(str(d) for d in dims)
        problem = "short" if actual < payload else "long"
        raise _corrupt(
            path,
            f"payload too {problem}: {actual} bytes after the header, but the header "
            f"({shape}) says {payload}",
        )
    array = np.frombuffer(data, dtype=np.uint8, count=payload, offset=header_len)
    if expected_magic == _IMAGES_MAGIC:
        array = array.reshape(dims[0], dims[1], dims[2], 1)
    return _readonly(array)


# ----------------------------------------------------------------- process cache

_cache_lock = threading.RLock()
# resolved path -> (stat key, parsed uint8 array, checksum verified?)
_raw_cache: Dict[str, Tuple[tuple, np.ndarray, bool]] = {}
# (resolved path, stat key, dtype str) -> converted read-only images, [n, rows, cols, 1]
_converted_cache: Dict[Tuple[str, tuple, str], np.ndarray] = {}


def clear_cache() -> None:
    """Forget every MNIST file parsed in this process, freeing its memory.

    Data sets already returned keep their arrays; the next ``read_data_sets`` reads the
    files again.
    """
    with _cache_lock:
        _raw_cache.clear()
        _converted_cache.clear()


def _stat_key(path: Path) -> Tuple[str, tuple]:
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except OSError as exc:
        raise DatasetError(f"Cannot read {path}: {exc}. {_fix(path)}") from exc
    return real, (st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev)


def _raw(path: Path, magic: int, verify: bool) -> Tuple[np.ndarray, str, tuple]:
    real, key = _stat_key(path)
    with _cache_lock:
        entry = _raw_cache.get(real)
        if entry is not None and entry[0] == key:
            _, array, verified = entry
            if verify and not verified:
                check_sha256(path, MNIST_FILES.sha256[path.name], spec=MNIST_FILES)
                _raw_cache[real] = (key, array, True)
            return array, real, key
        array = _parse_idx(path, magic, verify)
        _raw_cache[real] = (key, array, verify)
        for stale in [k for k in _converted_cache if k[0] == real and k[1] != key]:
            del _converted_cache[stale]
        return array, real, key


def _images(path: Path, verify: bool, dtype: np.dtype, reshape: bool) -> np.ndarray:
    raw, real, key = _raw(path, _IMAGES_MAGIC, verify)
    if dtype == np.uint8:
        images = raw
    else:
        ckey = (real, key, dtype.str)
        with _cache_lock:
            images = _converted_cache.get(ckey)
            if images is None:
                images = raw.astype(np.float32)
                np.multiply(images, np.float32(1.0 / 255.0), out=images)  # as TF 1's reader
                images = _readonly(images)
                _converted_cache[ckey] = images
    if reshape:
        images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
    return images


def _labels(path: Path, verify: bool) -> np.ndarray:
    return _raw(path, _LABELS_MAGIC, verify)[0]


def _one_hot(labels: np.ndarray, path: Path) -> np.ndarray:
    if labels.size and int(labels.max()) >= NUM_CLASSES:
        raise DatasetError(
            f"Cannot one-hot encode the labels of {path}: found label {int(labels.max())}, "
            f"but MNIST has {NUM_CLASSES} classes (0..{NUM_CLASSES - 1}). Pass "
            f"{code('one_hot=False')}, or check the file."
        )
    encoded = np.zeros((labels.shape[0], NUM_CLASSES), dtype=np.float32)
    encoded[np.arange(labels.shape[0]), labels] = 1.0
    return _readonly(encoded)


# ------------------------------------------------------------------------ DataSet


class DataSet:
    """Images and labels of one MNIST split, served in shuffled mini-batches.

    Parameters
    ----------
    images : array-like
        Images, ``[n, rows, cols, 1]`` (or ``[n, rows, cols]`` or already flat
        ``[n, features]``). Integer images are scaled to [0, 1] when ``dtype`` is
        float32; float images are taken as already scaled.
    labels : array-like
        Labels, ``[n]`` class ids or ``[n, classes]`` one-hot rows.
    fake_data : bool, default False
        Make a fake data set of 10,000 examples (``images`` and ``labels`` ignored)
        whose ``next_batch`` returns all-ones images with label 0, as in TF1.
    one_hot : bool, default False
        With ``fake_data``, whether the fake labels are one-hot rows. Ignored otherwise
        (pass one-hot ``labels`` instead).
    dtype : numpy or TensorFlow dtype, default np.float32
        ``float32`` scales pixels to [0, 1]; ``uint8`` keeps them 0..255.
    reshape : bool, default True
        Flatten each image to a vector (``[n, rows * cols]``, 784 for MNIST).
    seed : int, numpy.random.Generator or numpy.random.RandomState, optional
        Seed of the generator that shuffles the examples; the same seed gives the same
        batches. ``None`` seeds from the operating system.

    Notes
    -----
    ``images`` and ``labels`` are read-only views (see the module notes); copy them to
    modify them.
    """

    def __init__(
        self,
        images,
        labels,
        fake_data: bool = False,
        one_hot: bool = False,
        dtype=np.float32,
        reshape: bool = True,
        seed=None,
    ):
        self._dtype = _image_dtype(dtype)
        self._rng = _make_rng(seed)
        self._fake = bool(fake_data)
        self._one_hot = bool(one_hot)
        self._reshape = bool(reshape)
        if self._fake:
            self._num_examples = 10000
            images = np.zeros((0, 784) if reshape else (0, 28, 28, 1), dtype=self._dtype)
            labels = (
                np.zeros((0, NUM_CLASSES), dtype=np.float32)
                if one_hot
                else np.zeros((0,), dtype=np.uint8)
            )
        else:
            images = np.asarray(images)
            labels = np.asarray(labels)
            if images.ndim == 0 or labels.ndim == 0 or images.shape[0] != labels.shape[0]:
                raise DatasetError(
                    f"images and labels must have one row per example: got images of "
                    f"shape {images.shape} and labels of shape {labels.shape}."
                )
            if reshape and images.ndim > 2:
                if images.ndim == 4 and images.shape[3] != 1:
                    raise DatasetError(
                        f"Cannot flatten images of shape {images.shape}: {code('reshape=True')} "
                        f"expects one channel ([n, rows, cols, 1]). Pass {code('reshape=False')}."
                    )
                features = int(np.prod(images.shape[1:]))
                images = images.reshape(images.shape[0], features)
            if self._dtype == np.float32 and images.dtype != np.float32:
                if np.issubdtype(images.dtype, np.integer):
                    images = images.astype(np.float32)
                    np.multiply(images, np.float32(1.0 / 255.0), out=images)  # as TF 1's reader
                else:
                    images = images.astype(np.float32)
            self._num_examples = int(images.shape[0])
        self._images = _readonly(images)
        self._labels = _readonly(labels)
        self._epochs_completed = 0
        self._index_in_epoch = 0

    @property
    def images(self) -> np.ndarray:
        """The images (read-only), in their current shuffled order."""
        return self._images

    @property
    def labels(self) -> np.ndarray:
        """The labels (read-only): uint8 class ids, or float32 one-hot rows."""
        return self._labels

    @property
    def num_examples(self) -> int:
        """The number of examples."""
        return self._num_examples

    @property
    def epochs_completed(self) -> int:
        """How many times ``next_batch`` has gone past the end of the examples."""
        return self._epochs_completed

    def __len__(self) -> int:
        return self._num_examples

    def __repr__(self) -> str:
        if self._fake:
            return f"DataSet(fake_data=True, num_examples={self._num_examples})"
        return (
            f"DataSet(num_examples={self._num_examples}, "
            f"images={self._images.dtype}{list(self._images.shape)}, "
            f"labels={self._labels.dtype}{list(self._labels.shape)}, "
            f"epochs_completed={self._epochs_completed})"
        )

    def _shuffle(self) -> None:
        perm = self._rng.permutation(self._num_examples)
        self._images = _readonly(self._images[perm])
        self._labels = _readonly(self._labels[perm])

    def _fake_batch(self, batch_size: int):
        shape = (batch_size, 784) if self._reshape else (batch_size, 28, 28, 1)
        images = np.ones(shape, dtype=self._dtype)
        if self._one_hot:
            labels = np.zeros((batch_size, NUM_CLASSES), dtype=np.float32)
            labels[:, 0] = 1.0
        else:
            labels = np.zeros((batch_size,), dtype=np.uint8)
        return images, labels

    def next_batch(self, batch_size: int, shuffle: bool = True, *, fake_data: Optional[bool] = None):
        """The next ``batch_size`` examples, as TF1's ``DataSet.next_batch``.

        The examples are shuffled before the first batch and again each time an epoch
        ends. A batch that runs past the end of an epoch is the remaining examples of
        that epoch followed by the first examples of the next, and ``epochs_completed``
        goes up by one.

        Parameters
        ----------
        batch_size : int
            Number of examples, from 1 to ``num_examples``.
        shuffle : bool, default True
            Whether to shuffle (with the generator seeded by ``seed``); ``False`` serves
            the examples in order.
        fake_data : bool, optional
            Return a fake batch (all-ones images, label 0). Defaults to whether this is
            a fake data set. Keyword only (TF1 had it second).

        Returns
        -------
        images : numpy.ndarray
            ``[batch_size, ...]`` images.
        labels : numpy.ndarray
            ``[batch_size]`` labels or ``[batch_size, 10]`` one-hot rows.

        Raises
        ------
        pyestim.errors.DatasetError
            ``batch_size`` is not a whole number from 1 to ``num_examples``.
        """
        try:
            batch_size = operator.index(batch_size)
        except TypeError:
            raise DatasetError(
                f"batch_size must be a whole number, got {shown(batch_size)}."
            ) from None
        fake = self._fake if fake_data is None else bool(fake_data)
        if fake:
            if batch_size < 1:
                raise DatasetError(f"batch_size must be at least 1, got {batch_size}.")
            return self._fake_batch(batch_size)
        n = self._num_examples
        if not 1 <= batch_size <= n:
            raise DatasetError(
                f"batch_size must be between 1 and the number of examples ({n}), got "
                f"{batch_size}."
                + (f" This data set is empty ({code('validation_size=0')}?)." if n == 0 else "")
            )
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._shuffle()
        if start + batch_size > n:
            self._epochs_completed += 1
            rest_images = self._images[start:n]
            rest_labels = self._labels[start:n]
            if shuffle:
                self._shuffle()
            end = batch_size - (n - start)
            self._index_in_epoch = end
            return (
                np.concatenate((rest_images, self._images[:end]), axis=0),
                np.concatenate((rest_labels, self._labels[:end]), axis=0),
            )
        end = start + batch_size
        self._index_in_epoch = end
        return self._images[start:end], self._labels[start:end]


# ------------------------------------------------------------------ read_data_sets


def _tf1_folder(train_dir, data_dir, download, source_url, verify):
    """TF1 tutorials pass a download folder of their own (``read_data_sets("MNIST_data/")``).

    TF1 downloaded into it when it was empty; these files may be elsewhere already. So when
    only ``train_dir`` is given and it lacks the files, the usual places
    (``$PYESTIM_DATA_DIR``, the per-user cache) are searched instead of failing; ``None``
    means "search as usual". ``data_dir``, pyestim's own argument, stays strict.
    """
    if train_dir is None or data_dir is not None:
        return None
    folder = Path(os.fspath(train_dir)).expanduser()
    candidates = [folder, folder / "mnist"]
    for candidate in candidates:
        if all((candidate / name).is_file() for name in MNIST_FILES.files):
            return candidate
    elsewhere = _find_or_download(MNIST_FILES, data_dir=None, download=download,
                                  source_url=source_url, verify=verify)
    _log().info("MNIST is not in %s (the folder this script names); using %s", folder,
                elsewhere)
    return Path(elsewhere)


def _folder_argument(train_dir, data_dir):
    if train_dir is None or data_dir is None:
        return data_dir if train_dir is None else train_dir

    def norm(p):
        return os.path.realpath(os.path.expanduser(os.fspath(p)))

    if norm(train_dir) != norm(data_dir):
        raise DatasetError(
            f"{code('train_dir={} and data_dir={}', os.fspath(train_dir), os.fspath(data_dir))} "
            "name different folders. They mean the same thing (train_dir is TF1's name for "
            "data_dir): pass only one."
        )
    return data_dir


def read_data_sets(
    train_dir=None,
    fake_data: bool = False,
    one_hot: bool = False,
    dtype=np.float32,
    reshape: bool = True,
    validation_size: int = 5000,
    seed=None,
    source_url: Union[None, str, Sequence[str]] = None,
    data_dir=None,
    verify: bool = True,
    download: bool = True,
) -> Datasets:
    """Read MNIST into train, validation and test data sets, as TF1's ``read_data_sets``.

    Parameters
    ----------
    train_dir : str or path-like, optional
        TF1's name for ``data_dir``; give one or the other (or both naming the same
        folder).
    fake_data : bool, default False
        Return three fake data sets (TF1's ``fake_data``) without reading any file.
    one_hot : bool, default False
        Labels as float32 one-hot rows ``[n, 10]`` instead of uint8 class ids ``[n]``.
    dtype : numpy or TensorFlow dtype, default np.float32
        ``float32`` scales pixels to [0, 1]; ``uint8`` keeps them 0..255.
    reshape : bool, default True
        Flatten images to ``[n, 784]``; ``False`` keeps ``[n, 28, 28, 1]``.
    validation_size : int, default 5000
        Number of examples, taken from the start of the training file (as TF1 takes them),
        that form the validation set; from 0 to the number of training images (60,000).
    seed : int, optional
        Seed of the shuffling in ``next_batch`` (each data set gets a generator seeded
        with it); ``None`` seeds from the operating system.
    source_url : str or sequence of str, optional
        Base URL(s) of mirrors to download from instead of the defaults (or of
        ``$PYESTIM_MNIST_MIRROR``).
    data_dir : str or path-like, optional
        Folder holding the four files (``train-images-idx3-ubyte.gz``,
        ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz``,
        ``t10k-labels-idx1-ubyte.gz``), or holding a subfolder ``mnist`` with them.
        When given, no other place is tried. When not given, pyestim looks in
        ``$PYESTIM_DATA_DIR``, then in ``$XDG_CACHE_HOME/pyestim/mnist``
        (``~/.cache/pyestim/mnist``), then downloads into the latter.
    verify : bool, default True
        Check each file's SHA-256 against the published digest before parsing it. Pass
        ``False`` for your own IDX files.
    download : bool, default True
        Whether to download the files when no folder has them.

    Returns
    -------
    Datasets
        Named tuple ``(train, validation, test)`` of :class:`DataSet`.

    Raises
    ------
    pyestim.errors.DatasetError
        The files cannot be found or downloaded, a file is truncated or corrupted (the
        message names it), ``validation_size`` is out of range, or ``dtype`` is not
        uint8 / float32.
    pyestim.errors.ChecksumError
        A file's SHA-256 differs from the published one (the message names the file).
    """
    dtype = _image_dtype(dtype)
    if fake_data:
        return Datasets(
            *(
                DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype, reshape=reshape, seed=seed)
                for _ in range(3)
            )
        )
    if isinstance(validation_size, bool) or not isinstance(validation_size, numbers.Integral):
        raise DatasetError(
            f"validation_size must be a whole number, got {shown(validation_size)}."
        )
    validation_size = int(validation_size)
    folder = _tf1_folder(train_dir, data_dir, download, source_url, verify)
    if folder is None:
        folder = Path(
            _find_or_download(
                MNIST_FILES,
                data_dir=_folder_argument(train_dir, data_dir),
                download=download,
                source_url=source_url,
                verify=verify,
            )
        )
    paths = {name: folder / name for name in MNIST_FILES.files}

    splits = {}
    for part, images_name, labels_name in (
        ("train", TRAIN_IMAGES, TRAIN_LABELS),
        ("test", TEST_IMAGES, TEST_LABELS),
    ):
        images = _images(paths[images_name], verify, dtype, reshape)
        labels = _labels(paths[labels_name], verify)
        if images.shape[0] != labels.shape[0]:
            raise DatasetError(
                f"{paths[images_name]} holds {images.shape[0]} images but "
                f"{paths[labels_name]} holds {labels.shape[0]} labels: one of them is "
                "not the matching file. Replace them with a matching pair (or delete them "
                f"if they are in pyestim's per-user cache, to download them again), or set "
                f"{DATA_DIR_ENV} (or pass data_dir=) to a folder with good copies."
            )
        if one_hot:
            labels = _one_hot(labels, paths[labels_name])
        splits[part] = (images, labels)

    train_images, train_labels = splits["train"]
    n_train = train_images.shape[0]
    if not 0 <= validation_size <= n_train:
        raise DatasetError(
            f"validation_size must be between 0 and {n_train} (the number of training "
            f"images), got {validation_size}."
        )
    cut = validation_size  # TF1: validation is the head of the training file
    options = dict(dtype=dtype, reshape=reshape, seed=seed)
    return Datasets(
        train=DataSet(train_images[cut:], train_labels[cut:], **options),
        validation=DataSet(train_images[:cut], train_labels[:cut], **options),
        test=DataSet(*splits["test"], **options),
    )


def load_mnist(train_dir=None, **kwargs) -> Datasets:
    """MNIST with the default options, as TF1's ``load_mnist``.

    Parameters
    ----------
    train_dir : str or path-like, optional
        Folder holding the files; see :func:`read_data_sets`.
    **kwargs
        Other arguments of :func:`read_data_sets`.

    Returns
    -------
    Datasets
        Named tuple ``(train, validation, test)``.
    """
    return read_data_sets(train_dir, **kwargs)


register_dataset(MNIST_FILES, read_data_sets)
