"""Tests for dlbasics.mnist: IDX parsing, verified downloads, caching, offline mode, sample.

No internet: downloads come from a local HTTP server on 127.0.0.1 that serves small
synthetic IDX files, whose checksums replace the real ones for the duration of a test.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import os
import re
import stat
import threading
import time
import tracemalloc
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from dlbasics import mnist
from dlbasics.mnist import (
    MNIST,
    MNISTUnavailableError,
    fetch_mnist,
    flatten_images,
    load_mnist,
    load_mnist_sample,
    mnist_data_dir,
    parse_idx,
)

FILE_NAMES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
SLOW_SECONDS = 2.0  # how long the slow mirror waits before answering
SHORT_TIMEOUT = 0.3  # client timeout used against the slow mirror


# --------------------------------------------------------------------------------------
# Helpers and fixtures
# --------------------------------------------------------------------------------------


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode a uint8 array as an uncompressed IDX file."""
    magic = bytes([0, 0, 0x08, array.ndim])
    dims = b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return magic + dims + array.astype(np.uint8).tobytes()


@dataclass
class Synthetic:
    """A tiny MNIST look-alike: arrays and their gzipped IDX files."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    files: dict[str, bytes] = field(default_factory=dict)

    def write_to(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in self.files.items():
            (folder / name).write_bytes(content)


@pytest.fixture
def synthetic(monkeypatch: pytest.MonkeyPatch) -> Synthetic:
    """Synthetic files (20 train, 10 test images) whose SHA-256 the loader now expects.

    Also clears the environment variables that would change where the loader looks.
    """
    rng = np.random.default_rng(7)
    data = Synthetic(
        X_train=rng.integers(0, 256, size=(20, 28, 28), dtype=np.uint8),
        y_train=(np.arange(20) % 10).astype(np.uint8),
        X_test=rng.integers(0, 256, size=(10, 28, 28), dtype=np.uint8),
        y_test=rng.permutation(10).astype(np.uint8),
    )
    arrays = (data.X_train, data.y_train, data.X_test, data.y_test)
    data.files = {
        name: gzip.compress(idx_bytes(a), mtime=0)
        for name, a in zip(FILE_NAMES, arrays, strict=True)
    }
    checksums = {name: hashlib.sha256(b).hexdigest() for name, b in data.files.items()}
    monkeypatch.setattr(mnist, "MNIST_SHA256", checksums)
    monkeypatch.setattr(mnist, "MNIST_MIRRORS", ())  # never the real internet by default
    monkeypatch.delenv("DLBASICS_OFFLINE", raising=False)
    monkeypatch.delenv("DLBASICS_MNIST_DIR", raising=False)
    return data


class MirrorHandler(http.server.BaseHTTPRequestHandler):
    """Serves ``/<kind>/<file name>``; the kind says how to misbehave."""

    server: MirrorServer

    def do_GET(self) -> None:  # noqa: N802 - name fixed by http.server
        self.server.hits.append(self.path)
        kind, _, name = self.path.strip("/").partition("/")
        body = self.server.files.get(name)
        try:
            if kind == "forbidden":
                self.send_error(403)
            elif body is None or kind == "missing":
                self.send_error(404)
            elif kind == "good":
                self._send(body)
            elif kind == "corrupt":  # same length, a few bytes flipped
                damaged = bytearray(body)
                damaged[len(damaged) // 2 : len(damaged) // 2 + 8] = bytes(
                    b ^ 0xFF for b in damaged[len(damaged) // 2 : len(damaged) // 2 + 8]
                )
                self._send(bytes(damaged))
            elif kind == "truncated":  # the file itself is cut; honest Content-Length
                self._send(body[: len(body) // 2])
            elif kind == "short":  # announces the full length, closes half-way
                self._send(body[: len(body) // 2], length=len(body))
            elif kind == "slow":
                time.sleep(SLOW_SECONDS)
                self._send(body)
            else:
                self.send_error(500)
        except OSError:  # the client gave up (timeout): nothing to do
            pass

    def _send(self, body: bytes, length: int | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # keep the test output clean


class MirrorServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    files: dict[str, bytes]
    hits: list[str]

    def url(self, kind: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{kind}/"


@pytest.fixture
def server(synthetic: Synthetic) -> Iterator[MirrorServer]:
    """A local mirror on 127.0.0.1 serving the synthetic files; records every request."""
    httpd = MirrorServer(("127.0.0.1", 0), MirrorHandler)
    httpd.files = synthetic.files
    httpd.hits = []
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to open a URL."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was used")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def assert_same_as(digits: MNIST, data: Synthetic) -> None:
    np.testing.assert_array_equal(digits.X_train, data.X_train)
    np.testing.assert_array_equal(digits.y_train, data.y_train)
    np.testing.assert_array_equal(digits.X_test, data.X_test)
    np.testing.assert_array_equal(digits.y_test, data.y_test)


def listing(folder: Path) -> list[str]:
    """Every entry in the folder, hidden temporary files included."""
    return sorted(os.listdir(folder)) if folder.exists() else []


# --------------------------------------------------------------------------------------
# IDX parser
# --------------------------------------------------------------------------------------


def test_parse_idx_reads_bytes_gzip_and_paths(tmp_path: Path) -> None:
    images = np.arange(2 * 28 * 28, dtype=np.int64).reshape(2, 28, 28).astype(np.uint8)
    labels = np.array([3, 9, 0], dtype=np.uint8)
    np.testing.assert_array_equal(parse_idx(idx_bytes(labels)), labels)
    np.testing.assert_array_equal(parse_idx(gzip.compress(idx_bytes(images))), images)
    path = tmp_path / "images.gz"
    path.write_bytes(gzip.compress(idx_bytes(images)))
    parsed = parse_idx(path)
    assert parsed.dtype == np.uint8 and parsed.shape == (2, 28, 28)
    np.testing.assert_array_equal(parsed, images)


@pytest.mark.parametrize(
    "header",
    [
        bytes([0, 0, 8, 2]),  # 2050: two dimensions, not MNIST
        bytes([0, 0, 0x0D, 3]),  # float data
        b"<htm",  # an HTML error page saved as the file
    ],
)
def test_parse_idx_rejects_bad_magic(header: bytes) -> None:
    data = header + (1).to_bytes(4, "big") * 3 + bytes(4)
    with pytest.raises(ValueError, match=r"forged\.idx.*2049.*2051"):
        parse_idx(data, name="forged.idx")


def test_parse_idx_rejects_truncated_header() -> None:
    with pytest.raises(ValueError, match="4-byte header, got 2"):
        parse_idx(bytes([0, 0]))
    with pytest.raises(ValueError, match="expected 12 bytes of dimensions, got 8"):
        parse_idx(bytes([0, 0, 8, 3]) + bytes(8))


def test_parse_idx_rejects_truncated_payload(tmp_path: Path) -> None:
    images = np.zeros((5, 28, 28), dtype=np.uint8)
    path = tmp_path / "cut-images.gz"
    path.write_bytes(gzip.compress(idx_bytes(images)[:-100]))
    with pytest.raises(ValueError) as info:
        parse_idx(path)
    message = str(info.value)
    assert "cut-images.gz" in message  # names the file
    assert "3,920" in message and "3,820" in message  # expected and received sizes


def test_parse_idx_rejects_extra_bytes() -> None:
    with pytest.raises(ValueError, match="more than 3 bytes"):
        parse_idx(idx_bytes(np.array([1, 2, 3], dtype=np.uint8)) + b"\x00")


@pytest.mark.parametrize("compress", [False, True])
def test_parse_idx_forged_huge_dims_fail_without_allocating(compress: bool) -> None:
    # Header claims 4e9 x 4e9 x 4e9 images (about 7e28 bytes) but holds 1 KB.
    header = bytes([0, 0, 8, 3]) + (4_000_000_000).to_bytes(4, "big") * 3
    data = header + bytes(1000)
    if compress:
        data = gzip.compress(data)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="holds 1,000 bytes"):
            parse_idx(data, name="huge")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20, f"parse_idx allocated {peak:,} bytes for a 1 KB file"


def test_parse_idx_rejects_corrupt_gzip() -> None:
    good = gzip.compress(idx_bytes(np.arange(200, dtype=np.uint8)))
    with pytest.raises(ValueError, match="gzip"):
        parse_idx(good[: len(good) // 2], name="labels.gz")  # cut short
    damaged = bytearray(good)
    damaged[20:40] = bytes(20)  # zeroed deflate data
    with pytest.raises(ValueError, match="labels.gz"):
        parse_idx(bytes(damaged), name="labels.gz")


# --------------------------------------------------------------------------------------
# Forged files: refused from the header, before anything large is allocated
# --------------------------------------------------------------------------------------

MiB = 2**20
LOW_PEAK = 8 * MiB  # what parsing a refused file may allocate, whatever its size


def idx_header(*dims: int) -> bytes:
    """The header of an IDX file of unsigned bytes with these dimensions."""
    return bytes([0, 0, 0x08, len(dims)]) + b"".join(d.to_bytes(4, "big") for d in dims)


def write_gzip_bomb(path: Path, header: bytes, n_zeros: int) -> Path:
    """Gzip ``header`` followed by ``n_zeros`` zero bytes into ``path``, 1 MiB at a time,
    so that writing a file that inflates to hundreds of MB takes only a few MB of memory."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)  # wbits 31: gzip container
    zeros = bytes(MiB)
    with open(path, "wb") as out:
        out.write(compressor.compress(header))
        for start in range(0, n_zeros, MiB):
            out.write(compressor.compress(zeros[: min(MiB, n_zeros - start)]))
        out.write(compressor.flush())
    return path


def parse_peak(source: bytes | Path, **kwargs: int) -> tuple[str, int]:
    """The ValueError message of ``parse_idx(source)`` and the peak memory it allocated."""
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as info:
            parse_idx(source, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return str(info.value), peak


@pytest.fixture(scope="module")
def forged_400k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-consistent images file promising 400,000 images: header + 313.6 MB of zeros,
    about 1.4 MB gzipped (a gzip bomb)."""
    path = tmp_path_factory.mktemp("forged") / "train-images-idx3-ubyte.gz"
    return write_gzip_bomb(path, idx_header(400_000, 28, 28), 400_000 * 28 * 28)


@pytest.fixture(scope="module")
def trailing_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid header for 10 images, their data, then 300 MB more zeros."""
    path = tmp_path_factory.mktemp("bomb") / "t10k-images-idx3-ubyte.gz"
    return write_gzip_bomb(path, idx_header(10, 28, 28), 10 * 28 * 28 + 300 * 10**6)


def test_idx_caps_let_mnist_through_and_stop_the_forged_header() -> None:
    assert mnist.IDX_MAX_ITEMS >= 60_000 and mnist.IDX_MAX_BYTES >= 60_000 * 28 * 28
    assert 400_000 > mnist.IDX_MAX_ITEMS


def test_forged_400k_images_refused_with_low_peak_memory(forged_400k: Path) -> None:
    assert forged_400k.stat().st_size < 4 * MiB  # small on disk, 313.6 MB inflated
    message, peak = parse_peak(forged_400k)
    assert peak < LOW_PEAK, f"parse_idx allocated {peak:,} bytes before refusing"
    assert str(forged_400k) in message  # names the file
    assert "(400000, 28, 28)" in message and "313,600,000 bytes" in message  # found
    assert "max_items=100,000" in message and "max_bytes=67,108,864" in message  # expected
    assert "holds more than 67,108,864 bytes" in message  # counted up to the cap, no further


def test_gzip_bomb_after_valid_data_refused_with_low_peak_memory(trailing_bomb: Path) -> None:
    message, peak = parse_peak(trailing_bomb, max_bytes=16 * MiB)
    assert peak < LOW_PEAK, f"parse_idx allocated {peak:,} bytes before refusing"
    assert str(trailing_bomb) in message
    assert "7,840 bytes of data" in message and "holds more than 7,840 bytes" in message
    assert "bytes after the data: more than 16,777,216" in message


def test_gzip_bomb_after_full_size_header_allocates_only_the_promised_data(tmp_path: Path) -> None:
    payload = 60_000 * 28 * 28  # what the real training images file holds
    bomb = write_gzip_bomb(tmp_path / "bomb.gz", idx_header(60_000, 28, 28), payload + 64 * MiB)
    message, peak = parse_peak(bomb)
    # The array the header promises (45 MiB, within the cap) and read buffers, not 109 MiB.
    assert peak < payload + LOW_PEAK, f"parse_idx allocated {peak:,} bytes"
    assert "bytes after the data: 67,108,864" in message


@pytest.mark.parametrize("dims", [(0, 28, 28), (5, 0, 28), (0,)])
def test_parse_idx_rejects_zero_dimension(dims: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match=r"empty\.idx: .*at least 1, got 0"):
        parse_idx(idx_header(*dims), name="empty.idx")


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (bytes([0, 0, 0x0D, 3]), r"type code 0x0d \(float32\), but MNIST stores unsigned bytes"),
        (bytes([0, 0, 0x0C, 1]), r"type code 0x0c \(int32\)"),
        (bytes([0, 0, 8, 2]), "2 dimensions, but MNIST has 1 .* or 3"),
        (bytes([0, 0, 8, 0]), "0 dimensions"),
        (b"<htm", "starts with two zero bytes"),
    ],
)
def test_parse_idx_bad_magic_says_what_is_wrong(header: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=rf"f\.idx: .*got {int.from_bytes(header, 'big')} .*{reason}"):
        parse_idx(header + bytes(16), name="f.idx")


def test_parse_idx_caps_are_keyword_arguments() -> None:
    labels = np.array([4, 0, 9], dtype=np.uint8)
    data = idx_header(3) + labels.tobytes()
    np.testing.assert_array_equal(parse_idx(data, max_items=3, max_bytes=3), labels)  # at the caps
    with pytest.raises(ValueError, match=r"3 items .*max_items=2,.*holds 3 bytes"):
        parse_idx(data, max_items=2)
    with pytest.raises(ValueError, match=r"3 bytes of data.*max_bytes=2\b"):
        parse_idx(data, max_bytes=2)
    with pytest.raises(ValueError, match="must be >= 1, got 0"):
        parse_idx(data, max_items=0)


def test_parse_idx_end_of_file() -> None:
    labels = np.array([1, 2, 3], dtype=np.uint8)
    packed = gzip.compress(idx_bytes(labels), mtime=0)
    np.testing.assert_array_equal(parse_idx(packed + bytes(512)), labels)  # gzip zero padding
    with pytest.raises(ValueError, match=r"x\.gz: .*more than 3 bytes \(bytes after the data: 2\)"):
        parse_idx(packed + gzip.compress(b"\x05\x06"), name="x.gz")  # a second gzip member
    with pytest.raises(ValueError, match=r"x\.gz: the gzip data is corrupt"):
        parse_idx(packed + b"junk", name="x.gz")  # not gzip after the first member
    with pytest.raises(ValueError, match=r"bytes after the data: 1\)"):
        parse_idx(idx_bytes(labels) + b"\x00")  # uncompressed: even a zero byte is too much


# --------------------------------------------------------------------------------------
# Data directory and flattening
# --------------------------------------------------------------------------------------


def test_data_dir_resolution_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DLBASICS_MNIST_DIR", str(tmp_path / "from-env"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert mnist_data_dir(tmp_path / "explicit") == tmp_path / "explicit"
    assert mnist_data_dir() == tmp_path / "from-env"
    monkeypatch.delenv("DLBASICS_MNIST_DIR")
    assert mnist_data_dir() == tmp_path / "xdg" / "dlbasics" / "mnist"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert mnist_data_dir() == tmp_path / "home" / ".cache" / "dlbasics" / "mnist"


def test_flatten_images_scales_to_unit_interval() -> None:
    images = np.array([[[0, 255], [51, 102]], [[255, 0], [0, 0]]], dtype=np.uint8)
    X = flatten_images(images)
    assert X.dtype == np.float32 and X.shape == (2, 4)
    np.testing.assert_allclose(X, [[0, 1, 0.2, 0.4], [1, 0, 0, 0]], rtol=1e-7)
    assert flatten_images(images, np.float64).dtype == np.float64
    with pytest.raises(TypeError, match="uint8"):
        flatten_images(X.reshape(2, 2, 2))
    with pytest.raises(ValueError, match=r"\(N, height, width\)"):
        flatten_images(images[0])


# --------------------------------------------------------------------------------------
# Downloads
# --------------------------------------------------------------------------------------


def test_good_download_is_verified_and_cached(
    server: MirrorServer, synthetic: Synthetic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    digits = load_mnist(cache, mirrors=[server.url("good")], progress=False, timeout=5)
    assert digits.source == "full" and digits.data_dir == cache
    assert digits.y_train.dtype == np.int64
    assert_same_as(digits, synthetic)
    assert listing(cache) == sorted(FILE_NAMES)  # no temporary files left
    for name in FILE_NAMES:
        assert (cache / name).read_bytes() == synthetic.files[name]
    assert len(server.hits) == 4

    # Second call: everything comes from the cache, the network is not touched.
    server.hits.clear()
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("network used"))
    again = load_mnist(cache, mirrors=[server.url("good")], progress=False, timeout=5)
    assert again.source == "full" and server.hits == []
    assert_same_as(again, synthetic)


def test_progress_bar_with_and_without_tqdm(
    server: MirrorServer, synthetic: Synthetic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("tqdm")
    digits = load_mnist(tmp_path / "a", mirrors=[server.url("good")], progress=True, timeout=5)
    assert_same_as(digits, synthetic)
    monkeypatch.setitem(__import__("sys").modules, "tqdm.auto", None)  # import now fails
    digits = load_mnist(tmp_path / "b", mirrors=[server.url("good")], progress=True, timeout=5)
    assert_same_as(digits, synthetic)


def test_checksum_mismatch_is_rejected_and_leaves_nothing(
    server: MirrorServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    with pytest.raises(MNISTUnavailableError, match="SHA-256 mismatch"):
        fetch_mnist(cache, mirrors=[server.url("corrupt")], progress=False, timeout=5)
    assert len(server.hits) == 1  # the first file failed, the rest were not attempted
    assert listing(cache) == []


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("truncated", "SHA-256 mismatch"), ("short", "received .* of .* bytes")],
)
def test_truncated_download_is_rejected(
    server: MirrorServer, tmp_path: Path, kind: str, reason: str
) -> None:
    cache = tmp_path / "cache"
    with pytest.raises(MNISTUnavailableError, match=reason):
        fetch_mnist(cache, mirrors=[server.url(kind)], progress=False, timeout=5)
    assert listing(cache) == []


def test_mirrors_are_tried_in_order(
    server: MirrorServer, synthetic: Synthetic, tmp_path: Path
) -> None:
    kinds = ["missing", "forbidden", "corrupt", "good"]
    digits = load_mnist(tmp_path, mirrors=[server.url(k) for k in kinds], progress=False, timeout=5)
    assert digits.source == "full"
    assert_same_as(digits, synthetic)
    first = FILE_NAMES[0]
    assert server.hits[:4] == [f"/{k}/{first}" for k in kinds]
    # Once a mirror has worked, it is asked first for the remaining files.
    assert server.hits[4:] == [f"/good/{name}" for name in FILE_NAMES[1:]]
    assert listing(tmp_path) == sorted(FILE_NAMES)


def test_slow_mirror_times_out_and_falls_through(
    server: MirrorServer, synthetic: Synthetic, tmp_path: Path
) -> None:
    start = time.perf_counter()
    digits = load_mnist(
        tmp_path,
        mirrors=[server.url("slow"), server.url("good")],
        progress=False,
        timeout=SHORT_TIMEOUT,
    )
    elapsed = time.perf_counter() - start
    assert digits.source == "full"
    assert_same_as(digits, synthetic)
    # Had the timeout not worked, the slow mirror would have delivered the first file.
    assert server.hits[:2] == [f"/slow/{FILE_NAMES[0]}", f"/good/{FILE_NAMES[0]}"]
    assert elapsed < SLOW_SECONDS
    assert listing(tmp_path) == sorted(FILE_NAMES)


def test_all_mirrors_failing_falls_back_to_the_sample(server: MirrorServer, tmp_path: Path) -> None:
    mirrors = [server.url("forbidden"), server.url("missing"), server.url("corrupt")]
    with pytest.warns(UserWarning, match=r"sample.*5,000 training and 1,000 test") as record:
        digits = load_mnist(tmp_path / "cache", mirrors=mirrors, progress=False, timeout=5)
    assert digits.source == "sample" and digits.data_dir is None
    assert digits.X_train.shape == (5000, 28, 28)
    message = str(record[0].message)
    assert "403" in message and "404" in message and "SHA-256" in message  # why
    assert "DLBASICS_MNIST_DIR" in message  # how to get the full set
    assert listing(tmp_path / "cache") == []
    with pytest.raises(MNISTUnavailableError):
        load_mnist(tmp_path / "cache", mirrors=mirrors, progress=False, fallback=False)


@pytest.mark.usefixtures("no_network")
def test_offline_switch_never_opens_a_connection(
    server: MirrorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DLBASICS_OFFLINE", "1")
    cache = tmp_path / "cache"
    with pytest.warns(UserWarning, match="DLBASICS_OFFLINE=1"):
        digits = load_mnist(cache, mirrors=[server.url("good")], progress=False)
    assert digits.source == "sample"
    monkeypatch.delenv("DLBASICS_OFFLINE")
    with pytest.warns(UserWarning, match="download=False"):
        digits = load_mnist(cache, download=False, mirrors=[server.url("good")])
    assert digits.source == "sample"
    assert server.hits == []
    assert not cache.exists()  # offline means nothing is written either


@pytest.mark.usefixtures("no_network")
def test_offline_uses_cached_files(
    synthetic: Synthetic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synthetic.write_to(tmp_path)
    monkeypatch.setenv("DLBASICS_OFFLINE", "1")
    monkeypatch.setenv("DLBASICS_MNIST_DIR", str(tmp_path))  # found through the variable
    digits = load_mnist()
    assert digits.source == "full" and digits.data_dir == tmp_path
    assert_same_as(digits, synthetic)


def test_damaged_cached_file_is_downloaded_again(
    server: MirrorServer, synthetic: Synthetic, tmp_path: Path
) -> None:
    synthetic.write_to(tmp_path)
    damaged = tmp_path / FILE_NAMES[2]
    damaged.write_bytes(synthetic.files[FILE_NAMES[2]][:-10])
    digits = load_mnist(tmp_path, mirrors=[server.url("good")], progress=False, timeout=5)
    assert digits.source == "full"
    assert_same_as(digits, synthetic)
    assert server.hits == [f"/good/{FILE_NAMES[2]}"]  # only the damaged file
    assert damaged.read_bytes() == synthetic.files[FILE_NAMES[2]]


@pytest.mark.usefixtures("no_network")
def test_damaged_cached_file_offline_falls_back(synthetic: Synthetic, tmp_path: Path) -> None:
    synthetic.write_to(tmp_path)
    (tmp_path / FILE_NAMES[1]).write_bytes(b"not mnist")
    with pytest.warns(UserWarning, match="fails its SHA-256 check"):
        digits = load_mnist(tmp_path, download=False)
    assert digits.source == "sample"
    assert (tmp_path / FILE_NAMES[1]).read_bytes() == b"not mnist"  # offline: untouched


@pytest.mark.usefixtures("no_network")
def test_read_only_data_dir_with_good_files(
    synthetic: Synthetic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "readonly"
    synthetic.write_to(folder)
    for name in FILE_NAMES:
        (folder / name).chmod(stat.S_IRUSR | stat.S_IRGRP)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to write to the data folder")

    # chmod does not stop root, so also make any write attempt fail loudly.
    monkeypatch.setattr(mnist.tempfile, "mkstemp", refuse)
    monkeypatch.setattr(mnist.os, "replace", refuse)
    monkeypatch.setattr(Path, "unlink", refuse)
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    try:
        digits = load_mnist(folder)
    finally:
        folder.chmod(stat.S_IRWXU)
    assert digits.source == "full"
    assert_same_as(digits, synthetic)
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_mismatched_files_give_a_clear_error(
    synthetic: Synthetic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Files that pass their checksum but do not fit together (9 labels for 10 images).
    synthetic.files[FILE_NAMES[3]] = gzip.compress(idx_bytes(synthetic.y_test[:9]))
    checksums = {n: hashlib.sha256(b).hexdigest() for n, b in synthetic.files.items()}
    monkeypatch.setattr(mnist, "MNIST_SHA256", checksums)
    synthetic.write_to(tmp_path)
    with pytest.raises(ValueError, match=r"test: 10 images but labels of shape \(9,\)"):
        load_mnist(tmp_path, download=False)


# --------------------------------------------------------------------------------------
# Forged files from a mirror, and unusable cache entries
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("bomb", ["forged_400k", "trailing_bomb"])
def test_forged_file_from_a_mirror_is_refused_and_not_cached(
    bomb: str,
    request: pytest.FixtureRequest,
    server: MirrorServer,
    synthetic: Synthetic,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forged_path: Path = request.getfixturevalue(bomb)
    # The mirror serves the forged file under its name, and its checksum is the expected one:
    # only the IDX check stands between it and the cache.
    synthetic.files[forged_path.name] = forged_path.read_bytes()
    checksums = {n: hashlib.sha256(b).hexdigest() for n, b in synthetic.files.items()}
    monkeypatch.setattr(mnist, "MNIST_SHA256", checksums)
    cache = tmp_path / "cache"
    tracemalloc.start()
    try:
        with pytest.raises(MNISTUnavailableError) as info:
            fetch_mnist(cache, mirrors=[server.url("good")], progress=False, timeout=5)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < LOW_PEAK, f"fetching the forged file allocated {peak:,} bytes"
    message = str(info.value)
    assert forged_path.name in message and "ValueError" in message
    assert ("max_items=100,000" if bomb == "forged_400k" else "bytes after the data") in message
    assert f"/good/{forged_path.name}" in server.hits
    assert [n for n in listing(cache) if n.startswith(".")] == []  # no temporary file left
    assert forged_path.name not in listing(cache)
    with pytest.warns(UserWarning, match=forged_path.name):
        digits = load_mnist(cache, mirrors=[server.url("good")], progress=False, timeout=5)
    assert digits.source == "sample" and forged_path.name not in listing(cache)


def make_directory(path: Path) -> None:
    path.mkdir()
    (path / "notes.txt").write_text("mine")


def make_broken_link(path: Path) -> None:
    path.symlink_to(path.parent / "moved-away.gz")


def make_link_to_damaged(path: Path) -> None:
    (path.parent / "elsewhere.gz").write_bytes(b"not mnist")
    path.symlink_to(path.parent / "elsewhere.gz")


UNUSABLE = {
    "directory": (make_directory, "is a directory where the MNIST file"),
    "broken link": (make_broken_link, "symbolic link to .*moved-away.gz, which cannot be opened"),
    "link to damaged": (make_link_to_damaged, "symbolic link to .*elsewhere.gz, which fails its"),
}


@pytest.mark.parametrize("online", [True, False], ids=["online", "offline"])
@pytest.mark.parametrize("case", list(UNUSABLE))
def test_unusable_cache_entry_falls_back_and_is_left_alone(
    case: str, online: bool, server: MirrorServer, synthetic: Synthetic, tmp_path: Path
) -> None:
    make, reason = UNUSABLE[case]
    synthetic.write_to(tmp_path)
    path = tmp_path / FILE_NAMES[2]
    path.unlink()
    make(path)
    before = sorted(os.listdir(tmp_path))
    with pytest.warns(UserWarning) as record:
        digits = load_mnist(tmp_path, download=online, mirrors=[server.url("good")], progress=False)
    assert digits.source == "sample"
    message = str(record[0].message)
    assert str(path) in message and re.search(reason, message), message
    assert "data_dir=" in message  # what to do
    assert server.hits == []  # nothing is downloaded when the cache is unusable
    assert sorted(os.listdir(tmp_path)) == before  # nothing deleted, nothing added
    if case == "directory":
        assert (path / "notes.txt").read_text() == "mine"
    else:
        assert path.is_symlink()


def test_cached_link_to_good_file_is_used(synthetic: Synthetic, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    synthetic.write_to(shared)
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in FILE_NAMES:
        (cache / name).symlink_to(shared / name)
    digits = load_mnist(cache, download=False)
    assert digits.source == "full"
    assert_same_as(digits, synthetic)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_cached_file_falls_back(synthetic: Synthetic, tmp_path: Path) -> None:
    synthetic.write_to(tmp_path)
    path = tmp_path / FILE_NAMES[1]
    path.chmod(0)
    try:
        with pytest.warns(UserWarning, match=rf"cannot read {re.escape(str(path))}.*chmod u\+r"):
            digits = load_mnist(tmp_path, download=False)
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert digits.source == "sample"
    assert path.read_bytes() == synthetic.files[FILE_NAMES[1]]


def test_unreadable_cached_file_falls_back_even_as_root(
    server: MirrorServer, synthetic: Synthetic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod does not stop root, so a PermissionError is raised where the file is opened.
    synthetic.write_to(tmp_path)
    path = tmp_path / FILE_NAMES[1]

    def guarded_open(file: str | os.PathLike[str], *args: object, **kwargs: object) -> object:
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return open(file, *args, **kwargs)  # the caller closes it

    monkeypatch.setattr(mnist, "open", guarded_open, raising=False)
    with pytest.warns(UserWarning, match=rf"cannot read {re.escape(str(path))} \(Permission denied\)"):
        digits = load_mnist(tmp_path, mirrors=[server.url("good")], progress=False)
    assert digits.source == "sample"
    assert server.hits == []  # not replaced by a download either
    assert path.read_bytes() == synthetic.files[FILE_NAMES[1]]


def test_file_unreadable_after_verification_falls_back(
    synthetic: Synthetic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synthetic.write_to(tmp_path)

    def fail(source: object, **kwargs: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(mnist, "parse_idx", fail)
    with pytest.warns(UserWarning, match=r"cannot read .*train-images.*Input/output error"):
        digits = load_mnist(tmp_path, download=False)
    assert digits.source == "sample"
    with pytest.raises(MNISTUnavailableError, match="Input/output error"):
        load_mnist(tmp_path, download=False, fallback=False)


# --------------------------------------------------------------------------------------
# The shipped sample and the real data set
# --------------------------------------------------------------------------------------


def test_shipped_sample_is_balanced_real_digits() -> None:
    digits = load_mnist_sample()
    assert digits.source == "sample"
    assert digits.X_train.shape == (5000, 28, 28) and digits.X_test.shape == (1000, 28, 28)
    assert digits.X_train.dtype == np.uint8 and digits.y_train.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(digits.y_train, minlength=10), [500] * 10)
    np.testing.assert_array_equal(np.bincount(digits.y_test, minlength=10), [100] * 10)
    assert digits.X_train.max() == 255 and digits.X_train.min() == 0
    # Digits are mostly background with a stroke of ink in the middle.
    ink = digits.X_train.mean(axis=0)  # (28, 28)
    assert ink[10:18, 10:18].mean() > 5 * ink[:3, :].mean()
    # Shuffled: the first hundred training labels are not all one class.
    assert len(np.unique(digits.y_train[:100])) == 10
    sample_file = Path(mnist.__file__).parent / "data" / "mnist_sample.npz"
    assert sample_file.stat().st_size < 2_000_000


def real_mnist_dir() -> Path | None:
    folder = os.environ.get("DLBASICS_MNIST_DIR")
    if folder and all((Path(folder) / name).is_file() for name in FILE_NAMES):
        return Path(folder)
    return None


@pytest.mark.skipif(real_mnist_dir() is None, reason="DLBASICS_MNIST_DIR has no MNIST files")
def test_real_mnist_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLBASICS_OFFLINE", "1")
    digits = load_mnist(real_mnist_dir(), fallback=False)
    assert digits.source == "full"
    assert digits.X_train.shape == (60000, 28, 28) and digits.X_test.shape == (10000, 28, 28)
    assert digits.y_train.shape == (60000,) and digits.y_test.shape == (10000,)
    assert digits.y_train.min() == 0 and digits.y_train.max() == 9
    assert set(np.unique(digits.y_test)) == set(range(10))
    # The shipped sample really is drawn from these files.
    sample_file = Path(mnist.__file__).parent / "data" / "mnist_sample.npz"
    with np.load(sample_file, allow_pickle=False) as npz:
        np.testing.assert_array_equal(digits.X_train[npz["train_index"]], npz["X_train"])
        np.testing.assert_array_equal(digits.y_test[npz["test_index"]], npz["y_test"])
