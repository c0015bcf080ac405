"""Test-session settings shared by the unit tests, the doctests and the notebooks (nbval).

Notebook kernels inherit this process's environment, so setting it here reaches them too.
"""

import importlib.util
import os

# No test, doctest or notebook ever needs the internet: the MNIST loader uses the files in
# DLBASICS_MNIST_DIR when set, else the real-digit sample shipped with the package.
os.environ.setdefault("DLBASICS_OFFLINE", "1")
# Draw off-screen in the unit tests (the notebooks select the inline backend themselves).
os.environ.setdefault("MPLBACKEND", "Agg")

# The test folders' conftest.py files are fixtures, not modules with doctests (two files of one name
# cannot both be imported as modules).
collect_ignore = ["docs/conf.py", "tools", "benchmarks", "tests/conftest.py", "tests/browser/conftest.py"]
if importlib.util.find_spec("sklearn") is None:
    collect_ignore.append("dlbasics/sklearn.py")
