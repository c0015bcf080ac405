"""Regenerate ``dlbasics/data/mnist_sample.npz``, the MNIST sample shipped with dlbasics.

Draws, with a fixed seed, 500 training and 100 test images of each digit from the four
original MNIST files (LeCun, Cortes, Burges; CC BY-SA 3.0), shuffles them and stores them
as uint8 in a compressed ``.npz`` (no pickles), together with the indices of the chosen
images in the original files.

Usage::

    python tools/make_mnist_sample.py [MNIST_DIR] [--out PATH] [--seed 0]

``MNIST_DIR`` defaults to ``$DLBASICS_MNIST_DIR`` or the loader's cache folder; the files
there must pass their SHA-256 check. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from dlbasics.mnist import fetch_mnist, parse_idx

TRAIN_PER_CLASS = 500
TEST_PER_CLASS = 100
SEED = 0
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "dlbasics" / "data" / "mnist_sample.npz"


def balanced_indices(y: np.ndarray, per_class: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``per_class`` examples of each class 0-9, without replacement, shuffled."""
    chosen = [
        rng.choice(np.flatnonzero(y == digit), size=per_class, replace=False) for digit in range(10)
    ]
    return rng.permutation(np.concatenate(chosen))


def make_sample(mnist_dir: Path | None, out: Path, seed: int) -> None:
    """Write the sample drawn from the verified files in ``mnist_dir`` to ``out``."""
    folder = fetch_mnist(mnist_dir, download=False)
    rng = np.random.default_rng(seed)
    X_train = parse_idx(folder / "train-images-idx3-ubyte.gz")
    y_train = parse_idx(folder / "train-labels-idx1-ubyte.gz")
    X_test = parse_idx(folder / "t10k-images-idx3-ubyte.gz")
    y_test = parse_idx(folder / "t10k-labels-idx1-ubyte.gz")
    train_index = balanced_indices(y_train, TRAIN_PER_CLASS, rng)
    test_index = balanced_indices(y_test, TEST_PER_CLASS, rng)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out,
        X_train=X_train[train_index],
        y_train=y_train[train_index],
        X_test=X_test[test_index],
        y_test=y_test[test_index],
        train_index=train_index.astype(np.int32),
        test_index=test_index.astype(np.int32),
        seed=np.int64(seed),
    )
    print(
        f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB): "
        f"{len(train_index)} train + {len(test_index)} test images"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "mnist_dir",
        nargs="?",
        type=Path,
        default=None,
        help="folder with the four original .gz files",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    make_sample(args.mnist_dir, args.out, args.seed)


if __name__ == "__main__":
    main()
