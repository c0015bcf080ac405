"""The documentation site: every public name is in the API reference, and the build is warning-free."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import dlbasics

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PUBLIC = [name for name in dlbasics.__all__ if name != "__version__"]


def test_api_page_lists_every_public_name():
    """A name added to ``dlbasics.__all__`` must be added to docs/api.md too."""
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^   (\w+)$", text, flags=re.M))
    missing = [name for name in PUBLIC if name not in listed]
    assert not missing, f"add these to an autosummary block of docs/api.md: {missing}"
    assert "__version__" in text


@pytest.mark.slow
def test_sphinx_build_has_no_warnings(tmp_path):
    for module in ("sphinx", "myst_nb", "furo"):
        pytest.importorskip(module, reason='the docs extra is not installed: pip install -e ".[docs]"')
    out = tmp_path / "html"
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
           "-d", str(tmp_path / "doctrees"), str(DOCS), str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    assert proc.returncode == 0, f"sphinx-build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    for page in ("index.html", "api.html", "course.html", "changelog.html"):
        assert (out / page).is_file(), page
    generated = out / "generated"
    missing = [name for name in PUBLIC if not (generated / f"dlbasics.{name}.html").is_file()]
    assert not missing, f"no API page for {missing}"
    for module in ("sklearn", "student", "training"):
        assert (generated / f"dlbasics.{module}.html").is_file()
    fit_page = (generated / "dlbasics.fit.html").read_text(encoding="utf-8")
    assert "Examples" in fit_page and "batch_size" in fit_page
    for nb in sorted((ROOT / "course").glob("*.ipynb")):
        page = out / "notebooks" / f"{nb.stem}.html"
        assert page.is_file(), f"{nb.name} is not on the site"
        assert "NBVAL_" not in page.read_text(encoding="utf-8")
