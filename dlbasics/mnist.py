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
import stat
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
from numpy.typing import ArrayLike, DTypeLike, NDArray

from dlbasics._util import progress_bar

__all__ = [
    "IDX_MAX_BYTES",
    "IDX_MAX_ITEMS",
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
    "prepare_digit",
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

#: Largest number of items (``dims[0]``: images or labels) :func:`parse_idx` accepts by
#: default. MNIST and Fashion-MNIST have 60,000 per file; a damaged or forged header that
#: promises more is refused before anything is allocated.
IDX_MAX_ITEMS = 100_000

#: Largest data size in bytes (``prod(dims)``) :func:`parse_idx` accepts by default: 64 MiB.
#: The largest MNIST file holds 60,000 x 28 x 28 = 47,040,000 bytes (45 MiB).
IDX_MAX_BYTES = 64 << 20

ENV_DATA_DIR = "DLBASICS_MNIST_DIR"
ENV_OFFLINE = "DLBASICS_OFFLINE"

_SAMPLE_RESOURCE = "data/mnist_sample.npz"
_IDX_MAGIC = {2049: "labels", 2051: "images"}  # 0x00000801 and 0x00000803: unsigned bytes
_IDX_TYPE_CODES = {  # the other element types the IDX format defines
    0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "int16", 0x0C: "int32",
    0x0D: "float32", 0x0E: "float64",
}
_CHUNK = 1 << 20  # bytes read at a time, from disk or the network
_MAX_DOWNLOAD_BYTES = 64 << 20  # the largest MNIST file is 9.5 MiB
_USER_AGENT = "dlbasics-mnist-loader (Python urllib)"


_ByteStream = io.BufferedIOBase  # an open binary file, io.BytesIO or gzip.GzipFile


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

        Each call converts anew: in float32 the full set takes 188 MB (training) and 31 MB
        (test), beside the 55 MB of 8-bit images. To split off a validation set, split the
        8-bit images first (``train_val_test_split`` takes them as they are) and flatten
        each part: a split of the float rows would copy another 188 MB.

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
    X = np.empty((len(images), math.prod(images.shape[1:])), dtype=dtype)  # (N, H*W)
    np.divide(images.reshape(X.shape), 255, out=X, dtype=dtype)  # one pass, no float64 temporary
    return X


# --------------------------------------------------------------------------------------
# The IDX file format
# --------------------------------------------------------------------------------------


def parse_idx(
    source: bytes | str | os.PathLike[str],
    *,
    name: str | None = None,
    max_items: int = IDX_MAX_ITEMS,
    max_bytes: int = IDX_MAX_BYTES,
) -> np.ndarray:
    """Read an MNIST IDX file (gzipped or not) into a NumPy array of uint8.

    The IDX format is a tiny header followed by the raw values::

        magic number   4 bytes, big-endian: 0x00 0x00, type code 0x08 (unsigned byte),
                       number of dimensions (1 for labels -> 2049, 3 for images -> 2051)
        dims           4 bytes each, big-endian: e.g. 60000, 28, 28
        data           prod(dims) bytes, row by row

    The header is read and checked first: the magic number, no dimension 0, and at most
    ``max_items`` items (``dims[0]``) and ``max_bytes`` bytes of data. Only then is the
    array allocated, and the data, decompressed 1 MiB at a time, is written straight into it;
    the file must end right after the ``prod(dims)`` bytes the header promises. So a damaged
    or forged file (a header promising 400,000 images, or a small gzip file that inflates to
    hundreds of MB) gives a ``ValueError`` without a large allocation.

    Parameters
    ----------
    source : bytes or path
        The file's content, or its path. Gzip compression is detected and undone.
    name : str, optional
        What to call the file in error messages (default: the path, or "<bytes>").
    max_items : int, default IDX_MAX_ITEMS (100,000)
        Largest first dimension (number of images or labels) accepted.
    max_bytes : int, default IDX_MAX_BYTES (64 MiB)
        Largest data size accepted, ``prod(dims)`` bytes. Raise both to read a bigger IDX
        file (EMNIST, say).

    Returns
    -------
    ndarray of uint8, shape dims
        ``(N,)`` for a labels file, ``(N, 28, 28)`` for an images file.

    Raises
    ------
    ValueError
        Wrong magic number (not unsigned bytes, or not 1 or 3 dimensions), truncated
        header, a dimension 0, more than ``max_items`` items or ``max_bytes`` bytes, data
        shorter or longer than the header promises, or corrupt gzip data.

    Example
    -------
    >>> header = bytes([0, 0, 8, 1]) + (3).to_bytes(4, "big")   # labels, 3 of them
    >>> parse_idx(header + bytes([7, 2, 1]))
    array([7, 2, 1], dtype=uint8)
    >>> forged = bytes([0, 0, 8, 3]) + b"".join(d.to_bytes(4, "big") for d in (400_000, 28, 28))
    >>> parse_idx(forged + bytes(100), name="forged.gz")   # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: forged.gz: the header promises images of shape (400000, 28, 28), ... holds 100 bytes ...
    """
    if max_items < 1 or max_bytes < 1:
        raise ValueError(
            f"parse_idx: max_items and max_bytes must be >= 1, got {max_items} and {max_bytes}"
        )
    if isinstance(source, (bytes, bytearray, memoryview)):
        label = name or "<bytes>"
    else:
        label = name or os.fspath(source)
    with _open_idx(source, label) as stream:
        return _read_idx(stream, label, max_items=max_items, max_bytes=max_bytes)


@contextlib.contextmanager
def _open_idx(source: bytes | str | os.PathLike[str], label: str) -> Iterator[_ByteStream]:
    """The IDX bytes of ``source``, decompressed on the fly if gzipped.

    Corrupt or cut-short gzip data becomes a ``ValueError`` that names the file.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        opened: _ByteStream = io.BytesIO(source)
    else:
        opened = open(source, "rb")  # closed by the with below
    with opened:
        try:
            if _is_gzip(opened):
                with gzip.GzipFile(fileobj=opened) as unzipped:
                    yield unzipped
            else:
                yield opened
        except (gzip.BadGzipFile, EOFError, zlib.error) as err:
            raise ValueError(f"{label}: the gzip data is corrupt or cut short ({err})") from err


def _is_gzip(stream: _ByteStream) -> bool:
    """True if the stream starts with the gzip signature 1f 8b (the position is kept)."""
    start = stream.tell()
    signature = stream.read(2)
    stream.seek(start)
    return signature == b"\x1f\x8b"


def _read_idx(stream: _ByteStream, label: str, *, max_items: int, max_bytes: int) -> np.ndarray:
    """Parse an uncompressed IDX stream; see :func:`parse_idx`."""
    kind, dims = _read_idx_header(stream, label, max_items=max_items, max_bytes=max_bytes)
    data = np.empty(math.prod(dims), dtype=np.uint8)  # at most max_bytes: checked above
    received = _read_into(stream, data.data)
    _check_idx_size(stream, label, kind, dims, received, max_bytes=max_bytes)
    return data.reshape(dims)


def _check_idx_file(path: Path, label: str) -> None:
    """Check an IDX file's header and size as :func:`parse_idx` does, keeping no data.

    Raises ``ValueError`` as :func:`parse_idx` would.
    """
    with _open_idx(path, label) as stream:
        kind, dims = _read_idx_header(stream, label, max_items=IDX_MAX_ITEMS, max_bytes=IDX_MAX_BYTES)
        received = _count_rest(stream, at_most=math.prod(dims))
        _check_idx_size(stream, label, kind, dims, received, max_bytes=IDX_MAX_BYTES)


def _check_idx_size(
    stream: _ByteStream, label: str, kind: str, dims: tuple[int, ...], received: int, *, max_bytes: int
) -> None:
    """After ``received`` bytes of data, the stream must be at its end (gzip padding aside)."""
    expected = math.prod(dims)
    if received < expected:
        raise ValueError(
            f"{label}: the header promises {kind} of shape {dims}, i.e. "
            f"{expected:,} bytes of data, but the file holds {received:,} bytes; "
            f"the file is truncated or damaged"
        )
    extra = _count_rest(stream, at_most=max_bytes + 1)
    if extra:
        more = f"{extra:,}" if extra <= max_bytes else f"more than {max_bytes:,}"
        raise ValueError(
            f"{label}: the header promises {kind} of shape {dims}, i.e. "
            f"{expected:,} bytes of data, but the file holds more than {expected:,} bytes "
            f"(bytes after the data: {more}); the file is damaged or not an MNIST file"
        )


def _read_idx_header(
    stream: _ByteStream, label: str, *, max_items: int, max_bytes: int
) -> tuple[str, tuple[int, ...]]:
    """Read and check an IDX header; return the kind ("images" or "labels") and the dims."""
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
            f"(images), got {magic} (bytes {magic_bytes.hex(' ')}): {_bad_magic_reason(magic_bytes)}"
        )
    kind = _IDX_MAGIC[magic]
    ndim = magic_bytes[3]
    dims_bytes = _read_at_most(stream, 4 * ndim)
    if len(dims_bytes) < 4 * ndim:
        raise ValueError(
            f"{label}: header cut short: expected {4 * ndim} bytes of dimensions, "
            f"got {len(dims_bytes)}"
        )
    dims = tuple(int.from_bytes(dims_bytes[i : i + 4], "big") for i in range(0, 4 * ndim, 4))
    if 0 in dims:
        raise ValueError(
            f"{label}: the header promises {kind} of shape {dims}: expected every dimension "
            f"to be at least 1, got 0; the file is damaged or not an MNIST file"
        )
    expected = math.prod(dims)
    if dims[0] > max_items or expected > max_bytes:
        # Count (without keeping) what the file really holds, up to the cap, so the message
        # tells a damaged header (a few bytes) from a genuinely bigger data set.
        held = _count_rest(stream, at_most=max_bytes + 1)
        found = f"{held:,}" if held <= max_bytes else f"more than {max_bytes:,}"
        raise ValueError(
            f"{label}: the header promises {kind} of shape {dims}, i.e. {dims[0]:,} items and "
            f"{expected:,} bytes of data, more than an MNIST file holds (max_items={max_items:,}, "
            f"max_bytes={max_bytes:,}); the file holds {found} bytes of data: it is damaged "
            f"or not an MNIST file"
        )
    return kind, dims


def _bad_magic_reason(magic_bytes: bytes | bytearray) -> str:
    """Which part of a 4-byte IDX magic number is wrong, in words."""
    if magic_bytes[:2] != b"\x00\x00":
        return "an IDX file starts with two zero bytes"
    code, ndim = magic_bytes[2], magic_bytes[3]
    if code != 0x08:
        what = _IDX_TYPE_CODES.get(code, "not an IDX type")
        return f"type code 0x{code:02x} ({what}), but MNIST stores unsigned bytes (0x08)"
    return f"{ndim} dimensions, but MNIST has 1 (labels) or 3 (images)"


def _read_at_most(stream: _ByteStream, n: int) -> bytearray:
    """Read up to ``n`` bytes (a header: a few bytes)."""
    buffer = bytearray()
    while len(buffer) < n:
        chunk = stream.read(n - len(buffer))
        if not chunk:
            break
        buffer += chunk
    return buffer


def _read_into(stream: _ByteStream, out: memoryview) -> int:
    """Fill ``out`` from the stream, at most 1 MiB per read; return the number of bytes read."""
    filled = 0
    while filled < len(out):
        n = stream.readinto(out[filled : filled + _CHUNK])
        if not n:
            break
        filled += n
    return filled


def _count_rest(stream: _ByteStream, *, at_most: int) -> int:
    """Read on into one reused 1 MiB buffer, keeping nothing; return how many bytes there
    were, stopping after ``at_most`` (so time and memory stay bounded for a gzip bomb)."""
    buffer = memoryview(bytearray(min(_CHUNK, at_most)))
    count = 0
    while count < at_most:
        n = stream.readinto(buffer[: min(len(buffer), at_most - count)])
        if not n:
            break
        count += n
    return count


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
        if not isinstance(data_dir, str | os.PathLike):
            raise TypeError(f"mnist: data_dir must be a folder path (str or Path), got "
                            f"{type(data_dir).__name__} {data_dir!r}")
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
    may be read-only). Any other file is downloaded from the mirrors in order, verified (its
    SHA-256, then its IDX header and size, see :func:`parse_idx`) and only then moved into
    place (see the module docstring). Something that is not a readable regular file where a
    file should be (a directory, a broken symbolic link, a file without read permission) is
    left alone, never deleted or replaced: the error says what it is and what to do.

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
        A file is missing or damaged and downloading is off, or no mirror delivered it, or
        the cache holds something unusable in its place.

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
    # Look at all four first: an unusable cache entry stops everything before any download.
    states = {name: _cached_file_state(directory / name, sha256) for name, sha256 in MNIST_SHA256.items()}
    for file_name, sha256 in MNIST_SHA256.items():
        path = directory / file_name
        state = states[file_name]
        if state == "verified":
            continue
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


def _cached_file_state(
    path: Path, sha256: str
) -> Literal["verified", "is missing", "fails its SHA-256 check"]:
    """Whether the cached ``path`` can be used as it is, or downloaded (again).

    Raises :class:`MNISTUnavailableError` (which :func:`load_mnist` turns into the sample
    and a warning) for what must not be replaced: a directory, a symbolic link that is
    broken or points to a damaged file, a file that cannot be read.
    """
    advice = f"or use another folder with data_dir=... or {ENV_DATA_DIR}"
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return "is missing"
    except OSError as err:
        raise MNISTUnavailableError(
            f"cannot look at {path} ({err.strerror}): check the permissions of {path.parent}, "
            f"{advice}"
        ) from err
    link = stat.S_ISLNK(info.st_mode)
    if link:
        target = os.readlink(path)
        try:
            info = path.stat()
        except OSError as err:
            raise MNISTUnavailableError(
                f"{path} is a symbolic link to {target}, which cannot be opened "
                f"({err.strerror}): fix or remove the link, {advice}"
            ) from err
    if stat.S_ISDIR(info.st_mode):
        raise MNISTUnavailableError(
            f"{path} is a directory where the MNIST file {path.name} should be: move or "
            f"rename that directory (it is left as it is), {advice}"
        )
    if not stat.S_ISREG(info.st_mode):
        raise MNISTUnavailableError(
            f"{path} is not a regular file where the MNIST file {path.name} should be: "
            f"move it away, {advice}"
        )
    hasher = hashlib.sha256()
    try:
        with open(path, "rb") as file:
            while chunk := file.read(_CHUNK):
                hasher.update(chunk)
    except OSError as err:
        raise MNISTUnavailableError(
            f"cannot read {path} ({err.strerror}): make it readable (chmod u+r), remove it "
            f"so it is downloaded again, {advice}"
        ) from err
    if hasher.hexdigest() == sha256:
        return "verified"
    if link:
        raise MNISTUnavailableError(
            f"{path} is a symbolic link to {target}, which fails its SHA-256 check: replace "
            f"the file it points to with the original {path.name}, or remove the link so it "
            f"is downloaded again, {advice}"
        )
    return "fails its SHA-256 check"


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
        _check_idx_file(temp, path.name)
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
    bar = progress_bar(total, desc=desc, unit="B", unit_scale=True, unit_divisor=1024) if enabled else None
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
        If the full set is unavailable (not on disk and not downloadable, or the folder holds
        something unusable where a file should be: a directory, a broken symbolic link, a
        file that cannot be read), return the shipped sample with a ``UserWarning`` that
        names the cause and what to do. With ``fallback=False`` raise
        :class:`MNISTUnavailableError` instead.

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
        return _read_mnist_dir(directory)
    except MNISTUnavailableError as err:
        if not fallback:
            raise
        sample = load_mnist_sample()
        warnings.warn(_sample_warning(sample, err), UserWarning, stacklevel=2)
        return sample


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
    """Parse the four verified files in ``directory`` and check that they fit together.

    A file that cannot be read (after it was verified) gives :class:`MNISTUnavailableError`.
    """
    X_train = _parse_cached(directory / _TRAIN_IMAGES)
    y_train = _parse_cached(directory / _TRAIN_LABELS)
    X_test = _parse_cached(directory / _TEST_IMAGES)
    y_test = _parse_cached(directory / _TEST_LABELS)
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


def _parse_cached(path: Path) -> np.ndarray:
    """:func:`parse_idx` of a cached file; an ``OSError`` becomes :class:`MNISTUnavailableError`."""
    try:
        return parse_idx(path)
    except OSError as err:
        raise MNISTUnavailableError(f"cannot read {path}: {err}") from err


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


# --------------------------------------------------------------------------------------
# Preparing a new digit the way MNIST's were prepared

#: MNIST's digits were fitted into a box of this many pixels ...
DIGIT_BOX = 20
#: ... then placed, centre of mass at the centre, in an image of this many pixels a side.
DIGIT_SIDE = 28


def prepare_digit(image: ArrayLike, dtype: DTypeLike = np.float32) -> np.ndarray:
    """Turn a picture of one handwritten digit into a 28 x 28 image prepared like MNIST's.

    LeCun, Cortes and Burges made each MNIST digit from a black-and-white scan in three steps,
    repeated here:

    1. **fit into a 20 x 20 box, aspect ratio kept**: the digit's bounding box (the rows and
       columns holding ink, ``image > 0``) is resized so that its longer side is 20 pixels;
    2. **anti-aliasing**: the resizing averages the area each new pixel covers (bilinear
       interpolation when the drawing is smaller than the box), which makes the grey edges;
       the result is scaled so that its strongest pixel is full ink (almost every MNIST digit
       reaches 255, the others 254);
    3. **centred by centre of mass**: the box goes into a blank 28 x 28 image, shifted by whole
       pixels so that its centre of mass ``(Σ r·x, Σ c·x) / Σ x`` lies as close as possible to
       row 14, column 14, where MNIST's lie (within half a pixel, for all 60,000 training
       digits), without cutting the box.

    Parameters
    ----------
    image : array, shape (height, width)
        One grey image, ink bright on a dark background (0 = background, like MNIST):
        ``uint8`` pixels 0..255, floats in [0, 1] or booleans. Any size, e.g. a drawing
        canvas. An MNIST digit, enlarged and put anywhere, comes back as it was (scaled so that
        its strongest pixel is full ink).
    dtype : dtype, default float32
        ``float32``/``float64``: values in [0, 1], what ``MNIST.flat()`` gives a network;
        ``uint8``: pixels 0..255 like the MNIST files (for ``input_scale=1/255`` networks).

    Returns
    -------
    ndarray, shape (28, 28)
        Flatten it with ``.reshape(1, 784)`` for ``model.predict_proba``.

    Raises
    ------
    ValueError
        ``image`` not 2-D, blank (nothing drawn), or floats outside [0, 1] or not finite.
    TypeError
        ``image`` of another integer type than uint8, or ``dtype`` neither float nor uint8.

    Example
    -------
    >>> canvas = np.zeros((100, 100))
    >>> canvas[10:70, 60:90] = 1.0                      # a 60 x 30 block in a corner
    >>> digit = prepare_digit(canvas)
    >>> digit.shape, digit.dtype, float(digit.max())
    ((28, 28), dtype('float32'), 1.0)
    >>> rows, cols = np.nonzero(digit)
    >>> int(np.ptp(rows)) + 1, int(np.ptp(cols)) + 1    # fitted: 20 high, aspect 2:1 kept
    (20, 10)
    >>> float(rows.mean()), float(cols.mean())          # centre of mass within 1/2 pixel of 14
    (14.5, 14.5)
    """
    img = _grey_image(image)  # (H, W) float64 in [0, 1]
    ink_rows = np.flatnonzero(img.max(axis=1) > 0)
    ink_cols = np.flatnonzero(img.max(axis=0) > 0)
    if ink_rows.size == 0:
        raise ValueError("prepare_digit: the image is blank (no pixel above 0): there is no digit "
                         "to prepare; draw one first")
    crop = img[ink_rows[0]:ink_rows[-1] + 1, ink_cols[0]:ink_cols[-1] + 1]  # (h, w) the ink only
    h, w = crop.shape
    side = max(h, w)
    out_h, out_w = (max(1, math.floor(DIGIT_BOX * n / side + 0.5)) for n in (h, w))
    box = _resample(crop, out_h, out_w)  # (out_h, out_w), longer side 20
    box /= box.max()  # full ink at the strongest pixel, as in MNIST
    digit = np.zeros((DIGIT_SIDE, DIGIT_SIDE))
    mass = box.sum()
    centre = DIGIT_SIDE / 2  # 14: MNIST's centres of mass, measured on the training set
    r0 = _shift(centre - (box.sum(axis=1) @ np.arange(out_h)) / mass, DIGIT_SIDE - out_h)
    c0 = _shift(centre - (box.sum(axis=0) @ np.arange(out_w)) / mass, DIGIT_SIDE - out_w)
    digit[r0:r0 + out_h, c0:c0 + out_w] = box
    return _as_pixels(digit, dtype)


def _grey_image(image: ArrayLike) -> np.ndarray:
    """(H, W) float64 in [0, 1] from uint8, bool or float pixels; clear errors otherwise."""
    img = np.asarray(image)
    if img.ndim != 2:
        hint = " (for an RGB(A) picture pass one channel, e.g. image[..., 0])" if img.ndim == 3 else ""
        raise ValueError(f"prepare_digit expects one grey image of shape (height, width), got shape "
                         f"{img.shape}{hint}")
    if img.dtype == np.uint8:
        return img / 255.0
    if img.dtype == np.bool_:
        return img.astype(np.float64)
    if not np.issubdtype(img.dtype, np.floating):
        raise TypeError(f"prepare_digit expects uint8 pixels 0..255 or floats in [0, 1], got dtype "
                        f"{img.dtype}")
    if img.size and not (np.isfinite(img).all() and img.min() >= 0 and img.max() <= 1):
        raise ValueError(f"prepare_digit expects floats in [0, 1] (0 = background), got values from "
                         f"{img.min()} to {img.max()}; divide 8-bit pixels by 255")
    return img.astype(np.float64)


def _resample(img: np.ndarray, out_h: int, out_w: int) -> np.ndarray:
    """Resize (h, w) -> (out_h, out_w) as one matrix product per axis: ``R_rows @ img @ R_cols.T``."""
    return _resample_matrix(img.shape[0], out_h) @ img @ _resample_matrix(img.shape[1], out_w).T


def _resample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights: area averaging when shrinking, bilinear when enlarging.

    Shrinking, output pixel k covers the input interval ``[k s, (k + 1) s)`` with
    ``s = n_in / n_out`` and averages what it covers (weights = overlap / s, rows sum to 1).
    Enlarging, output pixel k samples the input at ``(k + 0.5) / n_out * n_in - 0.5`` (pixel
    centres aligned) between its two nearest input pixels.
    """
    if n_out <= n_in:
        edges = np.arange(n_out + 1) * (n_in / n_out)  # (n_out + 1,) output pixel borders
        lo = np.maximum(edges[:-1, None], np.arange(n_in)[None, :])  # (n_out, n_in)
        hi = np.minimum(edges[1:, None], np.arange(1, n_in + 1)[None, :])  # (n_out, n_in)
        return np.clip(hi - lo, 0.0, None) * (n_out / n_in)
    u = np.clip((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0, n_in - 1)  # (n_out,) source
    left = np.minimum(np.floor(u).astype(int), n_in - 2) if n_in > 1 else np.zeros(n_out, int)
    frac = u - left  # (n_out,) weight of the right neighbour
    M = np.zeros((n_out, n_in))
    M[np.arange(n_out), left] = 1 - frac
    if n_in > 1:
        M[np.arange(n_out), left + 1] += frac
    return M


def _shift(offset: float, room: int) -> int:
    """The whole-pixel offset nearest ``offset`` (halves round up) that keeps the box inside."""
    return int(min(max(math.floor(offset + 0.5), 0), room))


def _as_pixels(digit: np.ndarray, dtype: DTypeLike) -> np.ndarray:
    dt = np.dtype(dtype)
    if dt == np.uint8:
        return np.round(digit * 255).astype(np.uint8)
    if not np.issubdtype(dt, np.floating):
        raise TypeError(f"prepare_digit: dtype must be a float type (values in [0, 1]) or uint8 "
                        f"(0..255), got {dt}")
    return digit.astype(dt)
