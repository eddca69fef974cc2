"""Tests of pyestim.datasets: the MNIST reader, file resolution, checksums, download.

The real MNIST files are read once per module (from ../shared/datasets/mnist, named by
PYESTIM_DATA_DIR) and checked against an independent decode of their bytes. Everything
else uses tiny synthetic IDX files written here, and downloads come from an http.server
on 127.0.0.1 started inside the test: nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import http.server
import inspect
import os
import shutil
import socket
import struct
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pyestim.datasets as ds
from pyestim.datasets import _files
from pyestim.datasets import mnist as mnist_mod
from pyestim.errors import ChecksumError, DatasetError
from support.ci import unavailable
from support.idx import decode_idx
from support.paths import MNIST_FILES as FILES, data_dir

MNIST_DIR = data_dir()  # conftest sets PYESTIM_DATA_DIR (../shared/datasets/mnist)
TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS = FILES


# ----------------------------------------------------------------------- helpers


def _free_port() -> int:
    """A loopback port nobody listens on (bound, then released): connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dead_url() -> str:
    return f"http://127.0.0.1:{_free_port()}/mnist/"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No test sees the caller's data dir, cache, mirror or proxy settings.

    Any download a test does not aim at its own server goes to a dead loopback port.
    """
    monkeypatch.delenv("PYESTIM_DATA_DIR", raising=False)
    monkeypatch.setenv("PYESTIM_MNIST_MIRROR", dead_url())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    return tmp_path


def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "xdg-cache" / "pyestim" / "mnist"


def idx_bytes(magic: int, array: np.ndarray, dims=None) -> bytes:
    dims = array.shape if dims is None else dims
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def make_mnist(folder: Path, n_train=12, n_test=4, rows=2, cols=3, marker=0, seed=0) -> dict:
    """Write four small valid IDX gzip files; train label i is (i + marker) % 10."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    arrays = {
        TRAIN_IMAGES: rng.integers(0, 256, (n_train, rows, cols), dtype=np.uint8),
        TRAIN_LABELS: ((np.arange(n_train) + marker) % 10).astype(np.uint8),
        TEST_IMAGES: rng.integers(0, 256, (n_test, rows, cols), dtype=np.uint8),
        TEST_LABELS: ((np.arange(n_test) + marker) % 10).astype(np.uint8),
    }
    for name, array in arrays.items():
        magic = 2051 if "images" in name else 2049
        (folder / name).write_bytes(gzip.compress(idx_bytes(magic, array)))
    return arrays


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files; records request paths; optionally cuts one file short."""

    truncate = None  # file name whose body is cut in half, connection then closed

    def log_message(self, *args):  # keep the test output clean
        pass

    def do_GET(self):
        self.server.requests.append(self.path)
        name = self.path.rsplit("/", 1)[-1]
        if name == self.truncate:
            body = (Path(self.directory) / name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()


@contextlib.contextmanager
def serve(directory: Path, truncate=None):
    """An HTTP server on 127.0.0.1 (loopback only) serving ``directory`` under /mnist/."""
    handler = type("Handler", (_Handler,), {"truncate": truncate})
    root = directory.parent
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root))
    )
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{directory.name}/", server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def leftovers(folder: Path) -> list:
    """Temporary download files left in a folder."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".part")


# ----------------------------------------------------------- real MNIST fixtures


@pytest.fixture(scope="module")
def real_dir() -> Path:
    if not all((MNIST_DIR / f).is_file() for f in FILES):
        reason = f"the MNIST files are not in {MNIST_DIR}"
        unavailable(reason, f"{reason}, and CI=true: the data must be present in CI")
    return MNIST_DIR


@pytest.fixture(scope="module")
def raw(real_dir) -> dict:
    """The decompressed bytes of each real file, decoded by hand below (not by pyestim)."""
    return {name: gzip.open(real_dir / name).read() for name in FILES}


@pytest.fixture(scope="module")
def real(real_dir) -> ds.Datasets:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYESTIM_DATA_DIR", str(real_dir))
        return ds.read_data_sets(download=False, seed=1)


# ----------------------------------------------------------------- real MNIST


def test_real_shapes_and_dtypes(real):
    for part, n in (("train", 55000), ("validation", 5000), ("test", 10000)):
        d = getattr(real, part)
        assert d.num_examples == n
        assert d.images.shape == (n, 784)
        assert d.images.dtype == np.float32
        assert d.labels.shape == (n,)
        assert d.labels.dtype == np.uint8
        assert d.epochs_completed == 0


def test_real_value_ranges(real):
    for d in real:
        assert d.images.min() == 0.0
        assert d.images.max() == 1.0
        assert set(np.unique(d.labels)) <= set(range(10))


def test_real_first_labels_match_an_independent_decode(real, raw):
    train_buf, test_buf = raw[TRAIN_LABELS], raw[TEST_LABELS]
    assert int.from_bytes(train_buf[:4], "big") == 2049
    assert int.from_bytes(train_buf[4:8], "big") == 60000
    assert real.validation.labels[0] == train_buf[8] == 5  # TF1: validation is the head
    assert real.train.labels[0] == train_buf[8 + 5000]
    assert real.test.labels[0] == test_buf[8] == 7


def test_real_label_counts(real, raw):
    counts = sum(np.bincount(d.labels, minlength=10) for d in (real.train, real.validation))
    assert counts.sum() == 60000
    assert np.array_equal(counts, np.bincount(decode_idx(raw[TRAIN_LABELS]), minlength=10))
    test_counts = np.bincount(real.test.labels, minlength=10)
    assert test_counts.sum() == 10000
    assert np.array_equal(test_counts, np.bincount(decode_idx(raw[TEST_LABELS]), minlength=10))


def test_real_pixel_values_match_raw_bytes(real, raw):
    buf = raw[TRAIN_IMAGES]
    # first non-zero pixel of image 0, and a fixed position in image 123
    first = next(i for i in range(784) if buf[16 + i])
    for image, row, col in ((0, first // 28, first % 28), (123, 14, 14), (59999, 20, 9)):
        byte = buf[16 + image * 784 + row * 28 + col]
        part, index = (real.validation, image) if image < 5000 else (real.train, image - 5000)
        # TF 1's DataSet: images.astype(float32) multiplied by 1.0 / 255.0 (not divided)
        assert part.images[index, row * 28 + col] == np.float32(byte) * np.float32(1.0 / 255.0)
    assert real.validation.images[0, first] > 0
    tbuf = raw[TEST_IMAGES]
    byte = tbuf[16 + 9999 * 784 + 13 * 28 + 15]
    assert real.test.images[9999, 13 * 28 + 15] == np.float32(byte) * np.float32(1.0 / 255.0)


def test_real_split_is_tf1s_validation_is_head_train_is_tail(real, raw):
    # TF1's mnist.read_data_sets: validation = train_images[:5000], train = the rest.
    images = decode_idx(raw[TRAIN_IMAGES]).reshape(-1, 784)
    labels = decode_idx(raw[TRAIN_LABELS])
    expected = np.multiply(images.astype(np.float32), 1.0 / 255.0)  # as TF 1 scaled them
    assert np.array_equal(real.train.images, expected[5000:])
    assert np.array_equal(real.validation.images, expected[:5000])
    assert np.array_equal(real.train.labels, labels[5000:])
    assert np.array_equal(real.validation.labels, labels[:5000])
    assert np.array_equal(real.test.labels, decode_idx(raw[TEST_LABELS]))


def test_embedded_checksums_are_the_published_ones(real_dir):
    published = dict(
        reversed(line.split()) for line in (real_dir / "SHA256SUMS").read_text().splitlines() if line.strip()
    )
    assert dict(ds.MNIST_FILES.sha256) == published


def test_real_uint8_not_reshaped(real, raw, real_dir):
    d = ds.read_data_sets(data_dir=real_dir, dtype=np.uint8, reshape=False, download=False)
    assert d.train.images.dtype == np.uint8
    assert d.train.images.shape == (55000, 28, 28, 1)
    assert d.test.images.shape == (10000, 28, 28, 1)
    assert np.array_equal(d.validation.images.reshape(5000, 784), decode_idx(raw[TRAIN_IMAGES]).reshape(-1, 784)[:5000])
    d2 = ds.read_data_sets(data_dir=real_dir, reshape=False, download=False)
    assert d2.train.images.shape == (55000, 28, 28, 1) and d2.train.images.dtype == np.float32


def test_real_one_hot(real, real_dir):
    d = ds.read_data_sets(data_dir=real_dir, one_hot=True, download=False)
    assert d.train.labels.shape == (55000, 10)
    assert d.train.labels.dtype == np.float32
    assert np.array_equal(d.train.labels.sum(axis=1), np.ones(55000))
    assert np.array_equal(d.train.labels.argmax(axis=1), real.train.labels)
    assert np.array_equal(d.test.labels.argmax(axis=1), real.test.labels)


def test_second_read_uses_the_process_cache(real, real_dir, monkeypatch):
    calls = []
    original = mnist_mod.gzip.decompress
    monkeypatch.setattr(mnist_mod.gzip, "decompress", lambda b: calls.append(1) or original(b))
    again = ds.read_data_sets(data_dir=real_dir, download=False)
    assert calls == []
    assert np.shares_memory(again.train.images, real.train.images)


def test_arrays_are_read_only_and_the_cache_cannot_be_corrupted(real, real_dir):
    before = float(real.train.images[0, 300])
    with pytest.raises(ValueError, match="read-only"):
        real.train.images[0, 300] = 0.5
    with pytest.raises(ValueError, match="read-only"):
        real.train.labels[0] = 3
    copy = real.train.images[:2].copy()
    copy[0, 300] = 0.5  # a copy is writeable and independent
    again = ds.read_data_sets(data_dir=real_dir, download=False, seed=2)
    assert float(again.train.images[0, 300]) == before
    x, y = again.train.next_batch(10)
    assert not x.flags.writeable and not y.flags.writeable
    assert not again.train.images.flags.writeable  # also after the first shuffle


# --------------------------------------------------------------- the cache, synthetic


def test_cache_is_invalidated_when_the_file_changes(tmp_path):
    folder = tmp_path / "data"
    make_mnist(folder, marker=1)
    assert ds.read_data_sets(data_dir=folder, verify=False, validation_size=0).train.labels[0] == 1
    make_mnist(folder, marker=4)
    st_ = (folder / TRAIN_LABELS).stat()
    os.utime(folder / TRAIN_LABELS, ns=(st_.st_atime_ns, st_.st_mtime_ns + 2_000_000_000))
    assert ds.read_data_sets(data_dir=folder, verify=False, validation_size=0).train.labels[0] == 4


def test_verify_still_applies_to_a_file_cached_without_verification(tmp_path):
    folder = tmp_path / "data"
    make_mnist(folder)
    ds.read_data_sets(data_dir=folder, verify=False, validation_size=2)
    with pytest.raises(ChecksumError, match=TRAIN_IMAGES):
        ds.read_data_sets(data_dir=folder, validation_size=2)


# ------------------------------------------------------------------- search order


@pytest.fixture
def three_places(tmp_path, monkeypatch):
    """data_dir argument (marker 1), $PYESTIM_DATA_DIR (marker 2), cache (marker 3)."""
    arg, env = tmp_path / "arg", tmp_path / "env"
    make_mnist(arg, marker=1)
    make_mnist(env, marker=2)
    make_mnist(cache_dir(tmp_path), marker=3)
    monkeypatch.setenv("PYESTIM_DATA_DIR", str(env))
    return arg, env


def first_label(**kwargs) -> int:
    d = ds.read_data_sets(verify=False, download=False, validation_size=0, **kwargs)
    return int(d.train.labels[0])


def test_argument_beats_env_beats_cache(three_places, tmp_path, monkeypatch):
    arg, env = three_places
    assert first_label(data_dir=arg) == 1
    assert first_label(train_dir=str(arg)) == 1  # TF1's name, as a string
    assert ds.read_data_sets(arg, verify=False, download=False, validation_size=0).train.labels[0] == 1
    assert first_label() == 2
    assert ds.locate() == str(env)
    monkeypatch.setenv("PYESTIM_DATA_DIR", str(tmp_path / "empty"))
    assert first_label() == 3
    monkeypatch.delenv("PYESTIM_DATA_DIR")
    assert first_label() == 3
    assert ds.locate(download=False) == str(cache_dir(tmp_path))


def test_env_may_name_a_parent_with_an_mnist_subfolder(tmp_path, monkeypatch):
    make_mnist(tmp_path / "datasets" / "mnist", marker=6)
    monkeypatch.setenv("PYESTIM_DATA_DIR", str(tmp_path / "datasets"))
    assert first_label() == 6


def test_explicit_data_dir_without_files_raises_and_does_not_fall_back(three_places, tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(DatasetError) as err:
        first_label(data_dir=missing)
    message = str(err.value)
    assert str(missing) in message and "no such folder" in message
    assert "data_dir" in message
    partial = tmp_path / "partial"
    make_mnist(partial)
    (partial / TEST_LABELS).unlink()
    with pytest.raises(DatasetError, match=TEST_LABELS) as err:
        ds.read_data_sets(data_dir=partial, verify=False)  # download allowed, still no fallback
    assert str(partial) in str(err.value)
    assert isinstance(err.value, ValueError)


def test_train_dir_and_data_dir_must_agree(tmp_path):
    folder = tmp_path / "data"
    make_mnist(folder)
    d = ds.read_data_sets(train_dir=folder, data_dir=str(folder), verify=False, validation_size=2)
    assert d.train.num_examples == 10
    with pytest.raises(DatasetError, match="pass only one"):
        ds.read_data_sets(train_dir=folder, data_dir=tmp_path, verify=False)


def test_nothing_found_without_download_lists_every_place(tmp_path, monkeypatch):
    monkeypatch.setenv("PYESTIM_DATA_DIR", str(tmp_path / "env-dir"))
    with pytest.raises(DatasetError) as err:
        ds.read_data_sets(download=False)
    message = str(err.value)
    for needle in ("PYESTIM_DATA_DIR", str(tmp_path / "env-dir"), "XDG_CACHE_HOME",
                   str(cache_dir(tmp_path)), "download=False", "data_dir=", *FILES):
        assert needle in message, needle


def test_nothing_found_and_download_failing_says_why(tmp_path, monkeypatch):
    url = dead_url()
    with pytest.raises(DatasetError) as err:
        ds.locate(source_url=url)
    message = str(err.value)
    for needle in ("PYESTIM_DATA_DIR: not set", str(cache_dir(tmp_path)), url + TRAIN_IMAGES,
                   "cannot connect", "PYESTIM_MNIST_MIRROR", "data_dir=", TEST_LABELS):
        assert needle in message, needle


def test_default_cache_location(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert ds.user_cache_dir("mnist") == tmp_path / "home" / ".cache" / "pyestim" / "mnist"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as XDG asks
    assert ds.user_cache_dir("mnist") == tmp_path / "home" / ".cache" / "pyestim" / "mnist"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert ds.user_cache_dir("mnist") == tmp_path / "x" / "pyestim" / "mnist"


# ------------------------------------------------------------------------ download


@pytest.fixture(scope="module")
def served_real(real_dir, tmp_path_factory) -> Path:
    """A copy of the real files in a temporary folder named mnist, for the server."""
    folder = tmp_path_factory.mktemp("mirror") / "mnist"
    folder.mkdir()
    for name in FILES:
        shutil.copyfile(real_dir / name, folder / name)
    return folder


def test_download_from_a_loopback_mirror_into_the_cache(served_real, tmp_path):
    with serve(served_real) as (url, server):
        # a dead mirror first: the next one is tried
        where = ds.locate(source_url=[dead_url(), url])
    cache = cache_dir(tmp_path)
    assert where == str(cache)
    for name in FILES:
        assert _files.sha256_of(cache / name) == ds.MNIST_FILES.sha256[name]
    assert sorted(p.rsplit("/", 1)[-1] for p in server.requests) == sorted(FILES)
    assert leftovers(cache) == []
    # now in the cache: found there, no second download
    assert ds.locate(download=False) == str(cache)


def test_download_fetches_only_missing_files_and_honours_the_mirror_env(served_real, tmp_path, monkeypatch):
    cache = cache_dir(tmp_path)
    cache.mkdir(parents=True)
    for name in (TRAIN_IMAGES, TEST_IMAGES, TEST_LABELS):
        shutil.copyfile(served_real / name, cache / name)
    with serve(served_real) as (url, server):
        monkeypatch.setenv("PYESTIM_MNIST_MIRROR", f"{dead_url()} {url}")
        assert ds.locate() == str(cache)
    assert [p.rsplit("/", 1)[-1] for p in server.requests] == [TRAIN_LABELS]


def test_read_data_sets_downloads_when_needed(tmp_path):
    mirror = tmp_path / "mirror" / "mnist"
    arrays = make_mnist(mirror, marker=5)
    with serve(mirror) as (url, _):
        d = ds.read_data_sets(source_url=url, verify=False, validation_size=3)
    assert d.validation.labels[0] == 5
    assert d.train.labels[0] == (3 + 5) % 10
    assert np.array_equal(d.validation.labels, arrays[TRAIN_LABELS][:3])
    assert sorted(p.name for p in cache_dir(tmp_path).iterdir()) == sorted(FILES)


def test_corrupted_download_leaves_no_file_under_the_real_name(served_real, tmp_path):
    bad = tmp_path / "bad" / "mnist"
    bad.mkdir(parents=True)
    for name in FILES:
        shutil.copyfile(served_real / name, bad / name)
    data = bytearray((bad / TRAIN_LABELS).read_bytes())
    data[100] ^= 0xFF
    (bad / TRAIN_LABELS).write_bytes(bytes(data))
    with serve(bad) as (url, _):
        with pytest.raises(DatasetError) as err:
            ds.locate(source_url=url)
    message = str(err.value)
    assert url + TRAIN_LABELS in message
    assert "SHA-256" in message and ds.MNIST_FILES.sha256[TRAIN_LABELS] in message
    cache = cache_dir(tmp_path)
    assert not (cache / TRAIN_LABELS).exists()
    assert (cache / TRAIN_IMAGES).exists()  # the good file before it was kept
    assert leftovers(cache) == []


def test_interrupted_download_leaves_no_file_under_the_real_name(served_real, tmp_path):
    with serve(served_real, truncate=TRAIN_IMAGES) as (url, _):
        with pytest.raises(DatasetError) as err:
            ds.locate(source_url=url)
    assert url + TRAIN_IMAGES in str(err.value)
    cache = cache_dir(tmp_path)
    assert not (cache / TRAIN_IMAGES).exists()
    assert leftovers(cache) == []


def test_download_stopped_by_ctrl_c_leaves_nothing(served_real, tmp_path, monkeypatch):
    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(_files.os, "fsync", interrupt)
    with serve(served_real) as (url, _):
        with pytest.raises(KeyboardInterrupt):
            ds.locate(source_url=url)
    cache = cache_dir(tmp_path)
    assert not (cache / TRAIN_IMAGES).exists()
    assert leftovers(cache) == []


# ------------------------------------------------------------- damaged files


def test_checksum_mismatch_names_the_file_and_both_digests(tmp_path):
    folder = tmp_path / "data"
    make_mnist(folder)
    path = folder / TRAIN_IMAGES
    with pytest.raises(ChecksumError) as err:
        ds.read_data_sets(data_dir=folder)
    message = str(err.value)
    assert str(path) in message
    assert ds.MNIST_FILES.sha256[TRAIN_IMAGES] in message
    assert hashlib.sha256(path.read_bytes()).hexdigest() in message
    assert "verify=False" in message and "PYESTIM_DATA_DIR" in message
    assert isinstance(err.value, DatasetError)


def _damage(path: Path, how: str) -> None:
    magic = 2051 if "images" in path.name else 2049
    if how == "truncated gzip":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) - 12])
    elif how == "not gzip":
        path.write_bytes(b"this is not a gzip file at all")
    elif how == "bad magic":
        array = np.zeros((12, 2, 3) if magic == 2051 else (12,), np.uint8)
        path.write_bytes(gzip.compress(idx_bytes(999, array)))
    elif how == "short payload":
        dims = (12, 2, 3) if magic == 2051 else (12,)
        array = np.zeros(int(np.prod(dims)) - 1, np.uint8)
        path.write_bytes(gzip.compress(idx_bytes(magic, array, dims=dims)))
    elif how == "long payload":
        dims = (12, 2, 3) if magic == 2051 else (12,)
        array = np.zeros(int(np.prod(dims)) + 5, np.uint8)
        path.write_bytes(gzip.compress(idx_bytes(magic, array, dims=dims)))
    elif how == "short header":
        path.write_bytes(gzip.compress(struct.pack(">I", magic) + b"\x00\x00"))


@pytest.mark.parametrize("name", [TRAIN_IMAGES, TEST_LABELS])
@pytest.mark.parametrize(
    "how, words",
    [
        ("truncated gzip", "truncated"),
        ("not gzip", "gzip"),
        ("bad magic", "magic number"),
        ("short payload", "too short"),
        ("long payload", "too long"),
        ("short header", "header is truncated"),
    ],
)
def test_damaged_file_is_named_with_the_fix(tmp_path, name, how, words):
    folder = tmp_path / "data"
    make_mnist(folder)
    _damage(folder / name, how)
    with pytest.raises(DatasetError) as err:
        ds.read_data_sets(data_dir=folder, verify=False, validation_size=2)
    message = str(err.value)
    assert str(folder / name) in message
    assert words in message
    assert "Delete" in message and "PYESTIM_DATA_DIR" in message


def test_bad_magic_says_which_kind_it_found(tmp_path):
    folder = tmp_path / "data"
    make_mnist(folder)
    shutil.copyfile(folder / TRAIN_LABELS, folder / TRAIN_IMAGES)
    with pytest.raises(DatasetError, match="2049 \\(that of a label file\\), expected 2051"):
        ds.read_data_sets(data_dir=folder, verify=False)


def test_image_and_label_counts_must_agree(tmp_path):
    folder = tmp_path / "data"
    make_mnist(folder)
    labels = np.zeros(11, np.uint8)
    (folder / TRAIN_LABELS).write_bytes(gzip.compress(idx_bytes(2049, labels)))
    with pytest.raises(DatasetError) as err:
        ds.read_data_sets(data_dir=folder, verify=False)
    assert str(folder / TRAIN_IMAGES) in str(err.value)
    assert str(folder / TRAIN_LABELS) in str(err.value)


# ------------------------------------------------------------ read_data_sets options


@pytest.fixture
def small(tmp_path):
    folder = tmp_path / "small"
    return folder, make_mnist(folder, n_train=12, n_test=4, marker=0)


@pytest.mark.parametrize("bad", [-1, 13, 2.5, "5", True, None])
def test_validation_size_out_of_range(small, bad):
    folder, _ = small
    with pytest.raises(DatasetError, match="validation_size") as err:
        ds.read_data_sets(data_dir=folder, verify=False, validation_size=bad)
    assert isinstance(err.value, ValueError)


def test_validation_size_edges(small):
    folder, arrays = small
    d = ds.read_data_sets(data_dir=folder, verify=False, validation_size=0)
    assert d.train.num_examples == 12 and d.validation.num_examples == 0
    d = ds.read_data_sets(data_dir=folder, verify=False, validation_size=12)
    assert d.train.num_examples == 0 and d.validation.num_examples == 12
    d = ds.read_data_sets(data_dir=folder, verify=False, validation_size=np.int64(4), dtype="uint8")
    assert np.array_equal(d.validation.images, arrays[TRAIN_IMAGES][:4].reshape(4, 6))
    assert np.array_equal(d.train.images, arrays[TRAIN_IMAGES][4:].reshape(8, 6))
    with pytest.raises(DatasetError, match="empty"):
        ds.read_data_sets(data_dir=folder, verify=False, validation_size=0).validation.next_batch(1)


def test_invalid_dtype(small):
    folder, _ = small
    with pytest.raises(DatasetError, match="uint8 .* or float32"):
        ds.read_data_sets(data_dir=folder, verify=False, dtype=np.float64)


def test_dtype_accepts_a_tensorflow_like_dtype(small):
    folder, arrays = small

    class FakeTFDType:  # what tf.uint8 offers: as_numpy_dtype
        as_numpy_dtype = np.uint8

    d = ds.read_data_sets(data_dir=folder, verify=False, dtype=FakeTFDType(), validation_size=2)
    assert d.test.images.dtype == np.uint8
    assert np.array_equal(d.test.images, arrays[TEST_IMAGES].reshape(4, 6))


def test_one_hot_synthetic(small):
    folder, arrays = small
    d = ds.read_data_sets(data_dir=folder, verify=False, one_hot=True, validation_size=2)
    assert d.test.labels.dtype == np.float32
    assert np.array_equal(d.test.labels, np.eye(10, dtype=np.float32)[arrays[TEST_LABELS]])


def test_fake_data():
    d = ds.read_data_sets(fake_data=True, seed=0)
    assert d.train.num_examples == d.validation.num_examples == d.test.num_examples == 10000
    x, y = d.train.next_batch(5)
    assert x.shape == (5, 784) and x.dtype == np.float32 and np.all(x == 1)
    assert y.shape == (5,) and np.all(y == 0)
    x, y = ds.read_data_sets(fake_data=True, one_hot=True).test.next_batch(3)
    assert np.array_equal(y, np.tile(np.eye(10, dtype=np.float32)[0], (3, 1)))
    x, _ = ds.read_data_sets(fake_data=True, reshape=False, dtype=np.uint8).train.next_batch(2)
    assert x.shape == (2, 28, 28, 1) and x.dtype == np.uint8


# ----------------------------------------------------------------------- next_batch


def numbered(n: int, seed=None) -> ds.DataSet:
    """A DataSet whose label i identifies example i (image i holds i as a pixel)."""
    images = np.arange(n, dtype=np.uint8).reshape(n, 1, 1, 1)
    return ds.DataSet(images, np.arange(n), dtype=np.uint8, seed=seed)


def test_next_batch_without_shuffle_joins_epochs_like_tf1():
    d = numbered(10)
    batches = [d.next_batch(4, shuffle=False)[1].tolist() for _ in range(4)]
    assert batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 0, 1], [2, 3, 4, 5]]
    assert d.epochs_completed == 1
    x, y = d.next_batch(4, shuffle=False)
    assert np.array_equal(x[:, 0], y)  # images and labels stay paired
    assert d.epochs_completed == 1


def test_next_batch_exact_epoch_boundary_counts_lazily_as_tf1():
    d = numbered(8)
    d.next_batch(4, shuffle=False)
    d.next_batch(4, shuffle=False)
    assert d.epochs_completed == 0  # TF1 counts the epoch on the next call
    assert d.next_batch(2, shuffle=False)[1].tolist() == [0, 1]
    assert d.epochs_completed == 1


def test_next_batch_shuffles_first_and_at_each_epoch_end():
    d = numbered(10, seed=3)
    first = d.next_batch(4)[1]
    assert not np.array_equal(d.labels, np.arange(10))  # shuffled before the first batch
    assert sorted(d.labels.tolist()) == list(range(10))
    order1 = d.labels.copy()
    assert np.array_equal(first, order1[:4])
    d.next_batch(4)
    crossing = d.next_batch(4)[1]
    order2 = d.labels.copy()
    assert np.array_equal(crossing, np.concatenate([order1[8:], order2[:2]]))
    assert not np.array_equal(order1, order2)
    assert np.array_equal(d.images[:, 0], d.labels)


@settings(max_examples=60, deadline=None, database=None)
@given(
    n=st.integers(1, 30),
    sizes=st.lists(st.integers(1, 30), min_size=1, max_size=25),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_epoch_serves_each_example_once(n, sizes, seed):
    d = numbered(n, seed=seed)
    stream = []
    for size in sizes:
        x, y = d.next_batch(min(size, n))
        assert np.array_equal(x.reshape(-1), y)
        stream.extend(y.tolist())
    for k in range(len(stream) // n):
        assert sorted(stream[k * n:(k + 1) * n]) == list(range(n))
    assert d.epochs_completed == max(0, (len(stream) - 1) // n)


def test_next_batch_is_deterministic_under_a_seed():
    def run(seed):
        d = numbered(50, seed=seed)
        return [d.next_batch(7)[1].tolist() for _ in range(20)]

    assert run(42) == run(42)
    assert run(42) != run(43)
    assert run(np.random.default_rng(5)) == run(np.random.default_rng(5))
    assert run(np.random.RandomState(5)) == run(np.random.RandomState(5))
    assert len(run(None)) == 20


def test_read_data_sets_seed_gives_the_same_batches(small):
    folder, _ = small

    def batches(seed):
        d = ds.read_data_sets(data_dir=folder, verify=False, validation_size=2, seed=seed)
        return [d.train.next_batch(3)[1].tolist() for _ in range(8)]

    assert batches(7) == batches(7)


@pytest.mark.parametrize("bad", [0, -1, 11, 2.0, "3"])
def test_next_batch_rejects_bad_sizes(bad):
    with pytest.raises(DatasetError, match="batch_size"):
        numbered(10).next_batch(bad)


def test_dataset_constructor_checks_and_converts():
    with pytest.raises(DatasetError, match="one row per example"):
        ds.DataSet(np.zeros((3, 2, 2, 1), np.uint8), np.zeros(4))
    with pytest.raises(DatasetError, match="one channel"):
        ds.DataSet(np.zeros((3, 2, 2, 3), np.uint8), np.zeros(3))
    d = ds.DataSet(np.full((3, 2, 2, 1), 255, np.uint8), np.zeros(3, np.uint8))
    assert d.images.shape == (3, 4) and d.images.dtype == np.float32 and np.all(d.images == 1)
    mine = np.zeros((3, 4), np.float32)
    d = ds.DataSet(mine, np.zeros(3))
    assert not d.images.flags.writeable and mine.flags.writeable  # the caller's array untouched
    assert "num_examples=3" in repr(d)
    with pytest.raises(DatasetError, match="seed"):
        ds.DataSet(mine, np.zeros(3), seed="abc")


# ---------------------------------------------------------- load_dataset / locate


def test_load_dataset_unknown_name_lists_the_known_ones():
    with pytest.raises(DatasetError, match="'mnist'") as err:
        ds.load_dataset("cifar10")
    assert "cifar10" in str(err.value)
    assert ds.known_datasets() == ["mnist"]
    with pytest.raises(DatasetError, match="Known names"):
        ds.locate("iris")


def test_load_dataset_mnist(small):
    folder, arrays = small
    d = ds.load_dataset("mnist", data_dir=folder, verify=False, validation_size=2)
    assert isinstance(d, ds.Datasets)
    assert np.array_equal(d.test.labels, arrays[TEST_LABELS])
    d = ds.load_dataset("MNIST", size="small", test_with_fake_data=True)
    assert d.train.num_examples == 10000


def test_load_dataset_mnist_real(real, real_dir, monkeypatch):
    monkeypatch.setenv("PYESTIM_DATA_DIR", str(real_dir))
    d = ds.load_dataset("mnist")
    assert (d.train.num_examples, d.validation.num_examples, d.test.num_examples) == (55000, 5000, 10000)
    assert np.shares_memory(d.test.images, real.test.images)


def test_locate_returns_the_folder(small):
    folder, _ = small
    assert ds.locate("mnist", data_dir=folder) == str(folder)
    root = folder.parent / "root"
    make_mnist(root / "mnist")
    assert ds.locate(data_dir=root) == str(root / "mnist")  # or its subfolder mnist


# ------------------------------------------------------------------------- docs


def test_public_constants_are_what_they_say():
    """The public names that are not callables (the docstring test below takes only the
    callables): the data folder's variable, the four MNIST files, the download mirrors."""
    constants = sorted(n for n in ds.__all__ if not callable(getattr(ds, n)))
    assert constants == ["DATA_DIR_ENV", "DEFAULT_SOURCE_URLS", "MNIST_FILES"]
    assert ds.DATA_DIR_ENV == "PYESTIM_DATA_DIR"
    assert ds.MNIST_FILES.files == ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
    assert sorted(ds.MNIST_FILES.sha256) == sorted(ds.MNIST_FILES.files)
    assert all(len(h) == 64 and set(h) <= set("0123456789abcdef")
               for h in ds.MNIST_FILES.sha256.values())
    assert ds.DEFAULT_SOURCE_URLS and all(u.startswith("https://") and u.endswith("/")
                                          for u in ds.DEFAULT_SOURCE_URLS)


@pytest.mark.parametrize("name", sorted(n for n in ds.__all__ if callable(getattr(ds, n))))
def test_public_callables_have_numpy_docstrings(name):
    obj = getattr(ds, name)
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{name} has no docstring"
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        params = [p for p in inspect.signature(target).parameters if p not in ("self",)]
    except (TypeError, ValueError):
        params = []
    if inspect.isclass(obj) and target is object.__init__:
        params = []
    if params and name != "Datasets":
        assert "Parameters\n----------" in doc, f"{name} lacks a Parameters section"
        for p in params:
            if p not in ("args", "kwargs"):
                assert p in doc, f"{name} does not describe {p}"


def test_tf1_train_dir_without_the_files_falls_back_to_the_usual_places(three_places, tmp_path):
    # TF1 tutorials call read_data_sets("MNIST_data/"): TF1 downloaded into that folder.
    # Here the files are found where pyestim looks ($PYESTIM_DATA_DIR, marker 2) instead.
    missing = tmp_path / "MNIST_data"
    assert first_label(train_dir=str(missing)) == 2
    assert ds.read_data_sets(str(missing), verify=False, download=False,
                             validation_size=0).train.labels[0] == 2
    # pyestim's own data_dir stays strict: a folder without the files is an error
    with pytest.raises(DatasetError, match="MNIST_data"):
        first_label(data_dir=missing)
