"""MNIST handwritten digits: download, verify, parse and load.

The MNIST database was built by Yann LeCun, Corinna Cortes and Christopher J. C. Burges
(http://yann.lecun.com/exdb/mnist/) from NIST data. It holds 70,000 grayscale images of
handwritten digits, 28 x 28 pixels each: 60,000 for training and 10,000 for testing.
It is distributed under the Creative Commons Attribution-Share Alike 3.0 licence
(CC BY-SA 3.0); the small sample shipped in ``dlbasics/data/mnist_sample.npz`` is a subset
of it under the same licence. Taught in notebook 07 (MNIST: handwritten digits end to end).

How :func:`load_mnist` finds the data, in order:

1. The folder: the ``data_dir`` argument, else the environment variable
   ``DLBASICS_MNIST_DIR``, else the per-user cache ``$XDG_CACHE_HOME/dlbasics/mnist``
   (``~/.cache/dlbasics/mnist`` when ``XDG_CACHE_HOME`` is not set).
2. If the four original files are in that folder and their SHA-256 matches the published
   value, they are used as they are: no network, nothing written (the folder may be read-only).
3. Otherwise each missing file is downloaded from the first mirror in ``MNIST_MIRRORS`` that
   answers with the right bytes. A download goes to a temporary file in the same folder and
   is renamed into place only after its checksum is verified, so a half-downloaded or corrupt
   file never sits in the cache.
4. If that fails too (no internet, ``download=False`` or ``DLBASICS_OFFLINE=1``), a small
   class-balanced sample of real MNIST digits shipped with dlbasics is returned instead, with
   a ``UserWarning`` that says so.

Example
-------
>>> from dlbasics.mnist import load_mnist_sample
>>> digits = load_mnist_sample()          # the shipped sample: no network needed
>>> digits.X_train.shape, digits.X_train.dtype
((5000, 28, 28), dtype('uint8'))
>>> X_train, y_train, X_test, y_test = digits.flat()
>>> X_train.shape, X_train.dtype, float(X_train.max())
((5000, 784), dtype('float32'), 1.0)
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import http.client
import io
import math
import os
import tempfile
import urllib.request
import warnings
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import BinaryIO, Literal

import numpy as np
from numpy.typing import DTypeLike, NDArray

__all__ = [
    "MNIST",
    "MNIST_MIRRORS",
    "MNIST_SHA256",
    "MNISTUnavailableError",
    "fetch_mnist",
    "flatten_images",
    "load_mnist",
    "load_mnist_sample",
    "mnist_data_dir",
    "parse_idx",
]

#: SHA-256 of the four original gzipped IDX files, as published (torchvision pins the
#: same files by MD5). The keys are the file names the mirrors serve.
MNIST_SHA256: dict[str, str] = {
    "train-images-idx3-ubyte.gz": (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
    ),
    "train-labels-idx1-ubyte.gz": (
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
    ),
    "t10k-images-idx3-ubyte.gz": (
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
    ),
}

#: Public mirrors tried in order; a file's URL is the mirror followed by its name.
#: The original site often refuses scripted downloads (HTTP 403), so it comes last.
#: Plain ``http`` is safe here because every file is checked against ``MNIST_SHA256``.
MNIST_MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

_TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
_TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
_TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
_TEST_LABELS = "t10k-labels-idx1-ubyte.gz"

ENV_DATA_DIR = "DLBASICS_MNIST_DIR"
ENV_OFFLINE = "DLBASICS_OFFLINE"

_SAMPLE_RESOURCE = "data/mnist_sample.npz"
_IDX_MAGIC = {2049: "labels", 2051: "images"}  # 0x00000801 and 0x00000803: unsigned bytes
_CHUNK = 1 << 20  # bytes read at a time, from disk or the network
_MAX_DOWNLOAD_BYTES = 64 << 20  # the largest MNIST file is 9.5 MiB
_USER_AGENT = "dlbasics-mnist-loader (Python urllib)"


_ByteStream = BinaryIO | io.BufferedIOBase  # an open binary file, or a gzip.GzipFile


class MNISTUnavailableError(OSError):
    """The full MNIST files are not on disk and could not be downloaded."""


@dataclass(frozen=True, eq=False)
class MNIST:
    """The MNIST digits as NumPy arrays, as returned by :func:`load_mnist`.

    Attributes
    ----------
    X_train : ndarray of uint8, shape (N_train, 28, 28)
        Training images, pixel values 0 (background) to 255 (ink).
        N_train is 60,000 for the full set.
    y_train : ndarray of int64, shape (N_train,)
        Training labels, the digit 0-9 shown by each image.
    X_test : ndarray of uint8, shape (N_test, 28, 28)
        Test images (10,000 for the full set).
    y_test : ndarray of int64, shape (N_test,)
        Test labels.
    source : {"full", "sample"}
        ``"full"`` for the original 60,000 + 10,000 digits, ``"sample"`` for the small
        subset shipped with dlbasics (see :func:`load_mnist_sample`).
    data_dir : Path or None
        The folder the full files were read from; ``None`` for the sample.

    Example
    -------
    >>> digits = load_mnist_sample()
    >>> digits
    MNIST(source='sample', train=5,000 images, test=1,000 images)
    >>> int(digits.y_train[0]) in range(10)
    True
    """

    X_train: NDArray[np.uint8]
    y_train: NDArray[np.int64]
    X_test: NDArray[np.uint8]
    y_test: NDArray[np.int64]
    source: Literal["full", "sample"]
    data_dir: Path | None = None

    def __repr__(self) -> str:
        where = "" if self.data_dir is None else f", data_dir={str(self.data_dir)!r}"
        return (
            f"MNIST(source={self.source!r}, train={len(self.X_train):,} images, "
            f"test={len(self.X_test):,} images{where})"
        )

    def flat(
        self, dtype: DTypeLike = np.float32
    ) -> tuple[np.ndarray, NDArray[np.int64], np.ndarray, NDArray[np.int64]]:
        """Images as rows of 784 values in [0, 1], ready for a fully connected network.

        Parameters
        ----------
        dtype : floating dtype, default float32
            Type of the returned images (float32 for training, float64 for gradient checks).

        Returns
        -------
        X_train : ndarray, shape (N_train, 784)
        y_train : ndarray of int64, shape (N_train,)
        X_test : ndarray, shape (N_test, 784)
        y_test : ndarray of int64, shape (N_test,)
            See :func:`flatten_images` for the formula.

        Example
        -------
        >>> X_train, y_train, X_test, y_test = load_mnist_sample().flat()
        >>> X_train.shape, y_train.shape, X_test.shape, y_test.shape
        ((5000, 784), (5000,), (1000, 784), (1000,))
        """
        return (
            flatten_images(self.X_train, dtype),
            self.y_train,
            flatten_images(self.X_test, dtype),
            self.y_test,
        )


def flatten_images(images: NDArray[np.uint8], dtype: DTypeLike = np.float32) -> np.ndarray:
    """Flatten 8-bit images to rows and scale their pixels to [0, 1].

    ``x = pixel / 255``, and each 28 x 28 image becomes one row of 784 features
    (row by row: feature ``28 * r + c`` is the pixel in row r, column c), so a batch of
    images becomes the matrix ``X`` of shape (N, n_in) that a layer expects.

    Parameters
    ----------
    images : ndarray of uint8, shape (N, H, W)
        Pixel values 0-255, as stored in MNIST.
    dtype : floating dtype, default float32

    Returns
    -------
    X : ndarray of dtype, shape (N, H * W)
        Values in [0, 1]. A new array; ``images`` is left unchanged.

    Example
    -------
    >>> images = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)   # one 2 x 2 image
    >>> flatten_images(images)
    array([[0. , 1. , 0.2, 0.4]], dtype=float32)
    """
    images = np.asarray(images)
    dtype = np.dtype(dtype)
    if images.dtype != np.uint8:
        raise TypeError(
            f"flatten_images expects raw 8-bit pixels (dtype uint8, values 0-255), got dtype "
            f"{images.dtype}; if the images are already scaled, just reshape them with "
            f"images.reshape(len(images), -1)"
        )
    if images.ndim != 3:
        raise ValueError(
            f"flatten_images expects a batch of images of shape (N, height, width), got shape "
            f"{images.shape}; for a single image use image[None]"
        )
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(f"flatten_images needs a floating dtype such as float32, got {dtype}")
    X = images.reshape(len(images), -1).astype(dtype)  # (N, H*W), a copy
    X /= 255
    return X


# --------------------------------------------------------------------------------------
# The IDX file format
# --------------------------------------------------------------------------------------


def parse_idx(source: bytes | str | os.PathLike[str], *, name: str | None = None) -> np.ndarray:
    """Read an MNIST IDX file (gzipped or not) into a NumPy array of uint8.

    The IDX format is a tiny header followed by the raw values::

        magic number   4 bytes, big-endian: 0x00 0x00, type code 0x08 (unsigned byte),
                       number of dimensions (1 for labels -> 2049, 3 for images -> 2051)
        dims           4 bytes each, big-endian: e.g. 60000, 28, 28
        data           prod(dims) bytes, row by row

    The header is checked before the data is read, and the data is read in chunks of at
    most 1 MiB: a damaged or forged header gives a ``ValueError`` instead of a short
    array or a huge allocation.

    Parameters
    ----------
    source : bytes or path
        The file's content, or its path. Gzip compression is detected and undone.
    name : str, optional
        What to call the file in error messages (default: the path, or "<bytes>").

    Returns
    -------
    ndarray of uint8, shape dims
        ``(N,)`` for a labels file, ``(N, 28, 28)`` for an images file.

    Raises
    ------
    ValueError
        Wrong magic number, truncated header, data shorter or longer than the header
        promises, or corrupt gzip data.

    Example
    -------
    >>> header = bytes([0, 0, 8, 1]) + (3).to_bytes(4, "big")   # labels, 3 of them
    >>> parse_idx(header + bytes([7, 2, 1]))
    array([7, 2, 1], dtype=uint8)
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        label = name or "<bytes>"
        opened: BinaryIO = io.BytesIO(source)
    else:
        label = name or os.fspath(source)
        opened = open(source, "rb")  # closed by the with below
    with opened:
        try:
            stream = gzip.GzipFile(fileobj=opened) if _is_gzip(opened) else opened
            return _read_idx(stream, label)
        except (gzip.BadGzipFile, EOFError, zlib.error) as err:
            raise ValueError(f"{label}: the gzip data is corrupt or cut short ({err})") from err


def _is_gzip(stream: BinaryIO) -> bool:
    """True if the stream starts with the gzip signature 1f 8b (the position is kept)."""
    start = stream.tell()
    signature = stream.read(2)
    stream.seek(start)
    return signature == b"\x1f\x8b"


def _read_idx(stream: _ByteStream, label: str) -> np.ndarray:
    """Parse an uncompressed IDX stream; see :func:`parse_idx`."""
    magic_bytes = _read_at_most(stream, 4)
    if len(magic_bytes) < 4:
        raise ValueError(
            f"{label}: too short to be an IDX file: expected a 4-byte header, "
            f"got {len(magic_bytes)} bytes"
        )
    magic = int.from_bytes(magic_bytes, "big")
    if magic not in _IDX_MAGIC:
        raise ValueError(
            f"{label}: not an MNIST IDX file: expected magic number 2049 (labels) or 2051 "
            f"(images), got {magic} (bytes {magic_bytes.hex(' ')})"
        )
    ndim = magic_bytes[3]
    dims_bytes = _read_at_most(stream, 4 * ndim)
    if len(dims_bytes) < 4 * ndim:
        raise ValueError(
            f"{label}: header cut short: expected {4 * ndim} bytes of dimensions, "
            f"got {len(dims_bytes)}"
        )
    dims = tuple(int.from_bytes(dims_bytes[i : i + 4], "big") for i in range(0, 4 * ndim, 4))
    expected = math.prod(dims)
    data = _read_at_most(stream, expected + 1)  # one extra byte reveals trailing garbage
    if len(data) != expected:
        received = f"{len(data):,}" if len(data) <= expected else f"more than {expected:,}"
        raise ValueError(
            f"{label}: the header promises {_IDX_MAGIC[magic]} of shape {dims}, i.e. "
            f"{expected:,} bytes of data, but the file holds {received} bytes; "
            f"the file is truncated or damaged"
        )
    return np.frombuffer(data, dtype=np.uint8).reshape(dims)


def _read_at_most(stream: _ByteStream, n: int) -> bytearray:
    """Read up to ``n`` bytes in chunks, so memory grows only with the bytes really there."""
    buffer = bytearray()
    while len(buffer) < n:
        chunk = stream.read(min(_CHUNK, n - len(buffer)))
        if not chunk:
            break
        buffer += chunk
    return buffer


# --------------------------------------------------------------------------------------
# Where the files live, and getting them there
# --------------------------------------------------------------------------------------


def mnist_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The folder that holds (or will hold) the four MNIST files.

    The first of: the ``data_dir`` argument; the environment variable
    ``DLBASICS_MNIST_DIR``; ``$XDG_CACHE_HOME/dlbasics/mnist``; ``~/.cache/dlbasics/mnist``.
    Nothing is created or checked here.

    Example
    -------
    >>> mnist_data_dir("digits").name
    'digits'
    """
    if data_dir is not None:
        return Path(data_dir).expanduser()
    from_env = os.environ.get(ENV_DATA_DIR)
    if from_env:
        return Path(from_env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME")
    cache_root = Path(cache) if cache and os.path.isabs(cache) else Path.home() / ".cache"
    return cache_root / "dlbasics" / "mnist"


def _offline_reason(download: bool) -> str | None:
    """Why the network must not be used, or None if downloading is allowed."""
    if not download:
        return "download=False"
    flag = os.environ.get(ENV_OFFLINE, "").strip().lower()
    if flag not in ("", "0", "false", "no", "off"):
        return f"{ENV_OFFLINE}={os.environ[ENV_OFFLINE]} is set"
    return None


def fetch_mnist(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    download: bool = True,
    mirrors: Sequence[str] | None = None,
    progress: bool = True,
    timeout: float = 10.0,
) -> Path:
    """Make sure the four original MNIST files are in a folder, verified; return the folder.

    Files already there whose SHA-256 matches ``MNIST_SHA256`` are used untouched (the folder
    may be read-only). Any other file is downloaded from the mirrors in order, verified and
    only then moved into place (see the module docstring).

    Parameters
    ----------
    data_dir : path, optional
        See :func:`mnist_data_dir`.
    download : bool, default True
        Allow network access. ``DLBASICS_OFFLINE=1`` in the environment forbids it too.
    mirrors : sequence of str, optional
        Base URLs to try in order (default ``MNIST_MIRRORS``); ``file://`` URLs work too.
    progress : bool, default True
        Show a download progress bar if ``tqdm`` is installed.
    timeout : float, default 10.0
        Seconds to wait for a mirror to connect or to send the next piece of data.

    Returns
    -------
    Path
        The folder holding the four verified files.

    Raises
    ------
    MNISTUnavailableError
        A file is missing or damaged and downloading is off, or no mirror delivered it.

    Example
    -------
    >>> folder = fetch_mnist()   # doctest: +SKIP
    >>> len(list(folder.glob("*-ubyte.gz")))   # doctest: +SKIP
    4
    """
    directory = mnist_data_dir(data_dir)
    offline = _offline_reason(download)
    if isinstance(mirrors, str):  # a single URL, not a sequence of its characters
        mirrors = [mirrors]
    mirror_list = list(MNIST_MIRRORS if mirrors is None else mirrors)
    for file_name, sha256 in MNIST_SHA256.items():
        path = directory / file_name
        if _file_is_verified(path, sha256):
            continue
        state = "fails its SHA-256 check" if path.exists() else "is missing"
        if offline is not None:
            raise MNISTUnavailableError(f"{path} {state} and downloading is off ({offline})")
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise MNISTUnavailableError(f"cannot create the folder {directory}: {err}") from err
        with contextlib.suppress(FileNotFoundError, PermissionError):
            path.unlink()  # a damaged file from an earlier run
        used = _download_from_mirrors(path, sha256, mirror_list, timeout=timeout, progress=progress)
        mirror_list = [used] + [m for m in mirror_list if m != used]  # try it first next time
    return directory


def _file_is_verified(path: Path, sha256: str) -> bool:
    """True if ``path`` is a file whose SHA-256 is ``sha256``."""
    if not path.is_file():
        return False
    hasher = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest() == sha256


def _download_from_mirrors(
    path: Path, sha256: str, mirrors: Sequence[str], *, timeout: float, progress: bool
) -> str:
    """Download ``path.name`` from the first mirror that delivers it intact; return that mirror.

    Any failure (HTTP error, timeout, connection closed early, wrong checksum) moves on to
    the next mirror; when all fail, the reasons are listed in the error.
    """
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + path.name
        try:
            _download_verified(url, path, sha256, timeout=timeout, progress=progress)
        except (OSError, ValueError, http.client.HTTPException) as err:
            failures.append(f"  {url}: {type(err).__name__}: {err}")
            continue
        return mirror
    reasons = "\n".join(failures) if failures else "  (no mirrors given)"
    raise MNISTUnavailableError(f"could not download {path.name} from any mirror:\n{reasons}")


def _download_verified(
    url: str, path: Path, sha256: str, *, timeout: float, progress: bool
) -> None:
    """Download ``url`` to ``path`` atomically: temporary file, check SHA-256, then rename.

    On any error the temporary file is deleted and ``path`` is left as it was.
    """
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            digest = _stream_to_file(url, out, timeout=timeout, progress=progress, desc=path.name)
        if digest != sha256:
            raise ValueError(f"SHA-256 mismatch: expected {sha256}, got {digest}")
        temp.chmod(0o644)  # mkstemp makes it private; a cache file may be shared
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _stream_to_file(url: str, out: BinaryIO, *, timeout: float, progress: bool, desc: str) -> str:
    """Copy the body of ``url`` into ``out``; return its SHA-256 (hex).

    Raises ``OSError`` if the server sends fewer bytes than its Content-Length announces,
    or more than any MNIST file could hold.
    """
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        hasher = hashlib.sha256()
        received = 0
        with _progress_bar(total, desc, enabled=progress) as advance:
            while chunk := response.read(_CHUNK):
                received += len(chunk)
                if received > _MAX_DOWNLOAD_BYTES:
                    raise OSError(f"more than {_MAX_DOWNLOAD_BYTES:,} bytes: not an MNIST file")
                out.write(chunk)
                hasher.update(chunk)
                advance(len(chunk))
    if total is not None and received != total:
        raise OSError(f"connection closed early: received {received:,} of {total:,} bytes")
    return hasher.hexdigest()


@contextlib.contextmanager
def _progress_bar(
    total: int | None, desc: str, *, enabled: bool
) -> Iterator[Callable[[int], object]]:
    """Yield a function ``advance(n_bytes)``: a tqdm bar if wanted and installed, else a no-op."""
    bar = None
    if enabled:
        try:
            from tqdm.auto import tqdm  # type: ignore[import-untyped]
        except ImportError:  # tqdm is optional
            tqdm = None
        if tqdm is not None:
            bar = tqdm(total=total, desc=desc, unit="B", unit_scale=True, unit_divisor=1024)
    try:
        yield bar.update if bar is not None else (lambda n: None)
    finally:
        if bar is not None:
            bar.close()


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------


def load_mnist(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    download: bool = True,
    mirrors: Sequence[str] | None = None,
    progress: bool = True,
    timeout: float = 10.0,
    fallback: bool = True,
) -> MNIST:
    """Load the MNIST digits, downloading them once if needed.

    Uses the four original files from the data folder (see :func:`mnist_data_dir`),
    downloading and verifying the missing ones first (see :func:`fetch_mnist`). If the full
    set cannot be had, returns the small sample shipped with dlbasics
    (:func:`load_mnist_sample`) and warns.

    Parameters
    ----------
    data_dir : path, optional
        Folder of the four ``.gz`` files. Default: ``$DLBASICS_MNIST_DIR``, else the
        per-user cache ``~/.cache/dlbasics/mnist``.
    download : bool, default True
        Allow network access. ``DLBASICS_OFFLINE=1`` in the environment forbids it too.
    mirrors : sequence of str, optional
        Base URLs tried in order (default ``MNIST_MIRRORS``).
    progress : bool, default True
        Show a download progress bar when ``tqdm`` is installed.
    timeout : float, default 10.0
        Seconds to wait for a mirror to connect or to send the next piece of data.
    fallback : bool, default True
        If the full set is unavailable, return the shipped sample with a ``UserWarning``.
        With ``fallback=False`` raise :class:`MNISTUnavailableError` instead.

    Returns
    -------
    MNIST
        ``X_train`` (60000, 28, 28) uint8, ``y_train`` (60000,) int64, ``X_test``
        (10000, 28, 28) uint8, ``y_test`` (10000,) int64, ``source == "full"``;
        or the sample's smaller arrays with ``source == "sample"``.

    Example
    -------
    >>> digits = load_mnist()   # doctest: +SKIP
    >>> digits   # doctest: +SKIP
    MNIST(source='full', train=60,000 images, test=10,000 images, data_dir='...')
    >>> X_train, y_train, X_test, y_test = digits.flat()   # (N, 784) float32 in [0, 1]
    ... # doctest: +SKIP
    """
    try:
        directory = fetch_mnist(
            data_dir, download=download, mirrors=mirrors, progress=progress, timeout=timeout
        )
    except MNISTUnavailableError as err:
        if not fallback:
            raise
        sample = load_mnist_sample()
        warnings.warn(_sample_warning(sample, err), UserWarning, stacklevel=2)
        return sample
    return _read_mnist_dir(directory)


def _sample_warning(sample: MNIST, reason: Exception) -> str:
    """The message that tells a learner they got the sample, why, and how to get the rest."""
    return (
        f"Using the MNIST sample shipped with dlbasics: {len(sample.X_train):,} training and "
        f"{len(sample.X_test):,} test digits (balanced over the 10 classes) instead of the "
        f"full 60,000 + 10,000, because {reason}\n"
        f"To get the full set, run load_mnist() once with internet access (it downloads "
        f"about 11 MB into the cache), or put the four files {', '.join(MNIST_SHA256)} into "
        f"a folder and pass data_dir=... or set the environment variable {ENV_DATA_DIR}."
    )


def _read_mnist_dir(directory: Path) -> MNIST:
    """Parse the four verified files in ``directory`` and check that they fit together."""
    X_train = parse_idx(directory / _TRAIN_IMAGES)
    y_train = parse_idx(directory / _TRAIN_LABELS)
    X_test = parse_idx(directory / _TEST_IMAGES)
    y_test = parse_idx(directory / _TEST_LABELS)
    for images, labels, split in ((X_train, y_train, "train"), (X_test, y_test, "test")):
        _check_split(images, labels, split)
    return MNIST(
        X_train=X_train,
        y_train=y_train.astype(np.int64),
        X_test=X_test,
        y_test=y_test.astype(np.int64),
        source="full",
        data_dir=directory,
    )


def _check_split(images: np.ndarray, labels: np.ndarray, split: str) -> None:
    """Images must be (N, 28, 28), labels (N,) with digits 0-9."""
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"MNIST {split} images: expected shape (N, 28, 28), got {images.shape}")
    if labels.shape != (len(images),):
        raise ValueError(
            f"MNIST {split}: {len(images):,} images but labels of shape {labels.shape}"
        )
    if labels.size and labels.max() > 9:
        raise ValueError(f"MNIST {split} labels: expected digits 0-9, found {labels.max()}")


def load_mnist_sample() -> MNIST:
    """The small MNIST sample shipped with dlbasics; works offline.

    500 training and 100 test images of each digit (5,000 + 1,000 in all), drawn with a
    fixed seed from the original files by ``tools/make_mnist_sample.py`` and shuffled.
    Enough to run every notebook quickly; accuracy on it is lower than on the full set.

    Returns
    -------
    MNIST
        With ``source == "sample"`` and ``data_dir is None``.

    Example
    -------
    >>> digits = load_mnist_sample()
    >>> np.bincount(digits.y_test)
    array([100, 100, 100, 100, 100, 100, 100, 100, 100, 100])
    """
    resource = resources.files(__package__).joinpath(_SAMPLE_RESOURCE)
    with resource.open("rb") as file, np.load(file, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in ("X_train", "y_train", "X_test", "y_test")}
    return MNIST(
        X_train=arrays["X_train"],
        y_train=arrays["y_train"].astype(np.int64),
        X_test=arrays["X_test"],
        y_test=arrays["y_test"].astype(np.int64),
        source="sample",
    )
