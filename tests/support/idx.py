"""The tests' own reader of the IDX format MNIST's files are in, written from the format's
description and independent of pyestim's reader (pyestim.datasets), so that tests can check
that reader and feed runs that must not depend on it.

The format: a big-endian header -- two zero bytes, a type byte (0x08: unsigned bytes), the
number of dimensions, then each dimension as a 4-byte integer -- followed by the values."""

import gzip
import types

import numpy as np

from .paths import MNIST_FILES

__all__ = ["decode_idx", "read_idx", "read_mnist"]


def decode_idx(raw):
    """The uint8 array an IDX file's (decompressed) bytes hold, shaped as its header says."""
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"not an IDX file of unsigned bytes: header {bytes(raw[:4])!r}")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def read_idx(path):
    """:func:`decode_idx` of a gzip-compressed IDX file."""
    with gzip.open(path, "rb") as f:
        return decode_idx(f.read())


def read_mnist(folder):
    """All of MNIST in ``folder``: uint8 images [n, 784] and uint8 labels [n] as
    ``train_x``, ``train_y``, ``test_x``, ``test_y`` (no validation split, no scaling)."""
    train_x, train_y, test_x, test_y = (read_idx(folder / name) for name in MNIST_FILES)
    return types.SimpleNamespace(train_x=train_x.reshape(-1, 784), train_y=train_y,
                                 test_x=test_x.reshape(-1, 784), test_y=test_y)
