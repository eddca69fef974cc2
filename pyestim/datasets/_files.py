"""Finding, checking and downloading the files of a data set.

Nothing here knows about MNIST in particular: a data set describes its files with a
:class:`RemoteFiles` record (file names, published SHA-256 digests, mirrors) and registers
a loader with :func:`register_dataset`. This module then answers "which folder holds
these files?" (:func:`locate`), downloading them into the per-user cache when no folder
has them, and dispatches :func:`load_dataset` by name.

Where a data set's files are looked for, in order:

1. the ``data_dir`` argument (if given, nowhere else is tried);
2. the folder named by ``$PYESTIM_DATA_DIR``;
3. the per-user cache, ``$XDG_CACHE_HOME/pyestim/<name>`` (``~/.cache/pyestim/<name>``
   when ``XDG_CACHE_HOME`` is unset);

and, for a folder from 1 or 2, also its subfolder ``<name>``. Only when none of them
holds every file are the missing files downloaded into the cache. A download goes to a
temporary name in the cache folder and is renamed to its real name only once complete and
verified, so an interrupted download never leaves a partial file under the real name.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from pyestim import engine
from pyestim._lang import code, shown
from pyestim.errors import ChecksumError, DatasetError

__all__ = [
    "DATA_DIR_ENV",
    "RemoteFiles",
    "register_dataset",
    "known_datasets",
    "user_cache_dir",
    "sha256_of",
    "check_sha256",
    "mirror_urls",
    "locate",
    "load_dataset",
]

#: Environment variable naming a folder that holds a data set's files.
DATA_DIR_ENV = "PYESTIM_DATA_DIR"

#: Seconds to wait for a mirror to answer before trying the next one.
DOWNLOAD_TIMEOUT = 60.0

_CHUNK = 1 << 20
_USER_AGENT = "pyestim-datasets (python urllib)"

# TensorFlow's logger (at pyestim's default level once pyestim uses it), so pyestim's
# messages look like the tutorials' log lines.
_log = engine.tf_logger

PathLike = Union[str, os.PathLike]


@dataclasses.dataclass(frozen=True)
class RemoteFiles:
    """The files of a data set, their published digests and where to download them.

    Parameters
    ----------
    name : str
        Short name of the data set (``"mnist"``); also the name of its cache folder and
        of the subfolder looked for inside ``data_dir`` / ``$PYESTIM_DATA_DIR``.
    files : tuple of str
        File names that must all be present in one folder.
    sha256 : mapping of str to str
        Published SHA-256 hex digest of each file, by file name.
    mirrors : tuple of str
        Base URLs tried in order; a file's URL is the base URL followed by its name.
    mirror_env : str
        Environment variable that, when set, replaces ``mirrors`` (one or more base URLs
        separated by spaces or commas).
    title : str
        Human-readable name used in messages (``"MNIST"``).
    """

    name: str
    files: Tuple[str, ...]
    sha256: Mapping[str, str]
    mirrors: Tuple[str, ...]
    mirror_env: str
    title: str = ""

    @property
    def label(self) -> str:
        """The name used in messages."""
        return self.title or self.name


# --------------------------------------------------------------------------- registry

_REGISTRY: Dict[str, Tuple[RemoteFiles, Callable]] = {}
_REGISTRY_LOCK = threading.Lock()


def register_dataset(spec: RemoteFiles, loader: Callable) -> None:
    """Make a data set known to :func:`locate` and :func:`load_dataset`.

    Parameters
    ----------
    spec : RemoteFiles
        Description of the data set's files.
    loader : callable
        Called as ``loader(data_dir=..., **kwargs)`` by :func:`load_dataset`.
    """
    with _REGISTRY_LOCK:
        _REGISTRY[spec.name.lower()] = (spec, loader)


def known_datasets() -> List[str]:
    """Names accepted by :func:`load_dataset` and :func:`locate`.

    Returns
    -------
    list of str
        The registered names, sorted.
    """
    return sorted(_REGISTRY)


def _lookup(name: str) -> Tuple[RemoteFiles, Callable]:
    key = name.lower() if isinstance(name, str) else name
    try:
        return _REGISTRY[key]
    except (KeyError, TypeError):
        known = ", ".join(repr(n) for n in known_datasets()) or "(none)"
        raise DatasetError(
            f"Unknown data set name {shown(name)}. Known names: {known}. "
            "Pass one of these names."
        ) from None


# -------------------------------------------------------------------------- helpers


def user_cache_dir(name: str) -> Path:
    """The per-user cache folder of a data set.

    Parameters
    ----------
    name : str
        Short name of the data set (``"mnist"``).

    Returns
    -------
    pathlib.Path
        ``$XDG_CACHE_HOME/pyestim/<name>``, or ``~/.cache/pyestim/<name>`` when
        ``XDG_CACHE_HOME`` is unset, empty or not an absolute path (as the XDG base
        directory specification asks). The folder is not created.
    """
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "pyestim" / name


def _cache_label(name: str) -> str:
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return f"the per-user cache $XDG_CACHE_HOME/pyestim/{name}"
    return f"the per-user cache ~/.cache/pyestim/{name} (XDG_CACHE_HOME is not set)"


def sha256_of(path: PathLike) -> str:
    """SHA-256 hex digest of a file, read in chunks.

    Parameters
    ----------
    path : str or path-like
        The file to hash.

    Returns
    -------
    str
        The lower-case hex digest.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fix_hint(spec: RemoteFiles) -> str:
    return (
        f"set {DATA_DIR_ENV} to a folder holding good copies of the {len(spec.files)} "
        f"files ({', '.join(spec.files)}), or pass data_dir="
    )


def check_sha256(
    path: PathLike,
    expected: str,
    actual: Optional[str] = None,
    spec: Optional[RemoteFiles] = None,
) -> None:
    """Raise :class:`~pyestim.errors.ChecksumError` unless a file has the expected digest.

    Parameters
    ----------
    path : str or path-like
        The file checked; named in the error message.
    expected : str
        The published SHA-256 hex digest.
    actual : str, optional
        The file's digest if already computed (saves reading the file again).
    spec : RemoteFiles, optional
        The data set the file belongs to, to name the files in the message.

    Raises
    ------
    pyestim.errors.ChecksumError
        The digests differ. The message names the file, both digests and the fix.
    """
    if actual is None:
        actual = sha256_of(path)
    if actual.lower() == expected.lower():
        return
    files_hint = (
        _fix_hint(spec)
        if spec is not None
        else f"set {DATA_DIR_ENV} to a folder holding a good copy, or pass data_dir="
    )
    raise ChecksumError(
        f"Checksum mismatch for {os.fspath(path)}: expected SHA-256 {expected}, "
        f"got {actual}. The file is damaged or is not the published file. Delete it "
        "(a file in pyestim's per-user cache is then downloaded again) or replace it "
        f"with a fresh download, or {files_hint}. If these are your own files in the same format, pass "
        f"{code('verify=False')} to skip the check."
    )


def mirror_urls(
    spec: RemoteFiles, source_url: Union[None, str, Sequence[str]] = None
) -> List[str]:
    """The base URLs a data set is downloaded from, in the order they are tried.

    Parameters
    ----------
    spec : RemoteFiles
        The data set.
    source_url : str or sequence of str, optional
        Base URL(s) to use instead of the defaults. When not given (or empty), the
        environment variable ``spec.mirror_env`` is used if set (base URLs separated by
        spaces or commas), else ``spec.mirrors``.

    Returns
    -------
    list of str
        Base URLs, each ending with ``/``.
    """
    if isinstance(source_url, (str, bytes, os.PathLike)):
        urls = [os.fsdecode(source_url)] if source_url else []
    elif source_url is None:
        urls = []
    else:
        urls = [str(u) for u in source_url if u]
    if not urls:
        env = os.environ.get(spec.mirror_env, "")
        urls = [u for u in re.split(r"[\s,]+", env) if u]
    if not urls:
        urls = list(spec.mirrors)
    return [u if u.endswith("/") else u + "/" for u in urls]


def _missing(folder: Path, files: Sequence[str]) -> List[str]:
    return [f for f in files if not (folder / f).is_file()]


def _describe_missing(folder: Path, missing: Sequence[str], n_files: int) -> str:
    if not folder.exists():
        return f"{folder}: no such folder"
    if not folder.is_dir():
        return f"{folder}: not a folder"
    if len(missing) == n_files:
        return f"{folder}: none of the files"
    return f"{folder}: missing {', '.join(missing)}"


def _find_in(folder: Path, spec: RemoteFiles) -> Tuple[Optional[Path], List[str]]:
    """Look in ``folder`` then ``folder/<name>``; return (hit, descriptions of misses)."""
    notes = []
    for candidate in (folder, folder / spec.name):
        missing = _missing(candidate, spec.files)
        if not missing:
            return candidate, []
        notes.append(_describe_missing(candidate, missing, len(spec.files)))
        if candidate is folder and not folder.is_dir():
            break  # no subfolder inside a folder that is not there
    return None, notes


# ------------------------------------------------------------------------- download


class _DownloadFailed(Exception):
    """Every mirror failed for some file; ``reasons`` says why for each URL."""

    def __init__(self, reasons: List[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _fetch(url: str, dest: Path, expected_sha: Optional[str]) -> None:
    """Download ``url`` to ``dest`` via a temporary file in the same folder.

    The temporary file is removed on any failure (including KeyboardInterrupt), and
    renamed over ``dest`` only once complete and (when ``expected_sha`` is given)
    verified.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        received = 0
        request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
        with os.fdopen(fd, "wb") as out:
            with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT) as response:
                length = response.headers.get("Content-Length")
                while True:
                    chunk = response.read(_CHUNK)
                    if not chunk:
                        break
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
            if length is not None and length.isdigit() and int(length) != received:
                raise OSError(
                    f"incomplete download: got {received} of {int(length)} bytes"
                )
            out.flush()
            os.fsync(out.fileno())
        if expected_sha is not None:
            actual = digest.hexdigest()
            if actual != expected_sha.lower():
                raise OSError(
                    f"downloaded file has SHA-256 {actual}, expected {expected_sha} "
                    "(damaged in transit or not the published file); it was discarded"
                )
        os.replace(tmp, dest)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


def _download(
    spec: RemoteFiles, dest: Path, names: Sequence[str], mirrors: Sequence[str], verify: bool
) -> None:
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _DownloadFailed([f"cannot create the folder {dest}: {exc}"]) from exc
    for name in names:
        reasons = []
        for base in mirrors:
            url = base + name
            _log().info("Downloading %s to %s", url, dest)
            try:
                _fetch(url, dest / name, spec.sha256.get(name) if verify else None)
            except Exception as exc:
                # HTTP errors, refused connections, timeouts, a connection closed early
                # (http.client.IncompleteRead), a bad URL, a checksum mismatch: try the
                # next mirror. KeyboardInterrupt and the like propagate (after _fetch
                # has removed its temporary file).
                reasons.append(f"{url}: {_reason(exc)}")
                continue
            _log().info("Successfully downloaded %s (%d bytes)", name, (dest / name).stat().st_size)
            break
        else:
            raise _DownloadFailed(reasons)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"cannot connect ({exc.reason})"
    text = str(exc) or type(exc).__name__
    kind = type(exc).__name__
    if isinstance(exc, OSError) or text.startswith(kind):
        return text
    return f"{kind}: {text}"


# ---------------------------------------------------------------------------- locate


def _find_or_download(
    spec: RemoteFiles,
    data_dir: Optional[PathLike] = None,
    download: bool = True,
    source_url: Union[None, str, Sequence[str]] = None,
    verify: bool = True,
) -> Path:
    """Implementation of :func:`locate` for a :class:`RemoteFiles` record."""
    files_list = ", ".join(spec.files)

    if data_dir is not None:
        folder = Path(os.fspath(data_dir)).expanduser().absolute()
        hit, notes = _find_in(folder, spec)
        if hit is not None:
            return hit
        raise DatasetError(
            f"{spec.label} files not found in the folder given as data_dir (or train_dir): "
            + "; ".join(notes)
            + f". Needed: {files_list}. When data_dir is given pyestim looks nowhere "
            f"else and downloads nothing. Put the {len(spec.files)} files in that folder, "
            f"or pass {code('data_dir=None')} to use ${DATA_DIR_ENV}, the per-user cache or a "
            "download."
        )

    looked = []
    env = os.environ.get(DATA_DIR_ENV, "")
    if env:
        hit, notes = _find_in(Path(env).expanduser().absolute(), spec)
        if hit is not None:
            return hit
        looked.append(f"${DATA_DIR_ENV}: " + "; ".join(notes))
    else:
        looked.append(f"${DATA_DIR_ENV}: not set")

    cache = user_cache_dir(spec.name)
    missing = _missing(cache, spec.files)
    if not missing:
        return cache
    looked.append(f"{_cache_label(spec.name)}: " + _describe_missing(cache, missing, len(spec.files)))

    if not download:
        why = "Downloading was turned off (download=False)."
    else:
        mirrors = mirror_urls(spec, source_url)
        try:
            _download(spec, cache, missing, mirrors, verify)
            return cache
        except _DownloadFailed as exc:
            why = (
                f"Downloading the missing files into {cache} failed:\n"
                + "\n".join(f"  - {r}" for r in exc.reasons)
            )
    raise DatasetError(
        f"{spec.label} files not found, and no copy could be obtained.\nLooked in:\n"
        + "\n".join(f"  - {line}" for line in looked)
        + f"\n{why}\nFix: set {DATA_DIR_ENV} to a folder holding the {len(spec.files)} "
        f"files ({files_list}), or pass data_dir=; or, with internet access, point "
        f"${spec.mirror_env} (or source_url=) at a reachable mirror."
    )


def locate(
    name: str = "mnist",
    data_dir: Optional[PathLike] = None,
    download: bool = True,
    source_url: Union[None, str, Sequence[str]] = None,
    verify: bool = True,
) -> str:
    """The folder that holds a data set's files, downloading them if need be.

    Parameters
    ----------
    name : str, default "mnist"
        The data set (see :func:`known_datasets`).
    data_dir : str or path-like, optional
        Folder holding the files (or holding a subfolder ``<name>`` with them). When
        given, no other place is tried and nothing is downloaded.
    download : bool, default True
        Whether to download the files into the per-user cache when no folder has them.
    source_url : str or sequence of str, optional
        Base URL(s) of mirrors to download from instead of the defaults (or of
        ``$PYESTIM_<NAME>_MIRROR``).
    verify : bool, default True
        Whether to check the SHA-256 of downloaded files (files already on disk are
        checked when they are read, not here).

    Returns
    -------
    str
        Path of the folder holding every file.

    Raises
    ------
    pyestim.errors.DatasetError
        The name is unknown, the given ``data_dir`` lacks files, or no place has the
        files and downloading failed (the message lists every place looked, the missing
        files, why the download failed, and what to do).
    """
    spec, _ = _lookup(name)
    return os.fspath(
        _find_or_download(spec, data_dir=data_dir, download=download, source_url=source_url, verify=verify)
    )


def load_dataset(name: str, data_dir: Optional[PathLike] = None, **kwargs):
    """Load a data set by name, as ``tf.contrib.learn.datasets.load_dataset`` did.

    Parameters
    ----------
    name : str
        The data set (see :func:`known_datasets`); ``"mnist"`` returns the same as
        :func:`pyestim.datasets.read_data_sets`.
    data_dir : str or path-like, optional
        Folder holding the files; see :func:`locate` for where pyestim looks otherwise.
    **kwargs
        Passed on to the data set's loader (for MNIST, the arguments of
        ``read_data_sets``). TF1's ``size`` is accepted and ignored, and
        ``test_with_fake_data=True`` means ``fake_data=True``, as in TF1.

    Returns
    -------
    object
        What the loader returns; for MNIST a ``Datasets(train, validation, test)``.

    Raises
    ------
    pyestim.errors.DatasetError
        The name is unknown (the message lists the known names) or the data cannot be
        read.
    """
    _, loader = _lookup(name)
    kwargs.pop("size", None)
    if kwargs.pop("test_with_fake_data", False):
        kwargs["fake_data"] = True
    return loader(data_dir=data_dir, **kwargs)
