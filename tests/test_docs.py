"""The documentation site: every public name is in the API reference, the build is
warning-free, and the built site works without internet.

The offline test serves the built site from 127.0.0.1 to headless Chromium with every other
request blocked, and checks on each course page and every page with formulas that MathJax
rendered every formula and that each widget output shows the pictures its saved state holds.
Screenshots go to ``artifacts/docs/``. It needs the JavaScript packages of docs/package.json
(``npm ci --prefix docs``) and Chromium (``DLBASICS_CHROMIUM``, default ``/usr/bin/chromium``).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import dlbasics

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PUBLIC = [name for name in dlbasics.__all__ if name != "__version__"]
CHROMIUM = os.environ.get("DLBASICS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "artifacts" / "docs"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# the widget modules the HTML manager's bundle holds; any other it would fetch from a CDN
BUNDLED_WIDGET_MODULES = {"@jupyter-widgets/base", "@jupyter-widgets/controls", "@jupyter-widgets/output"}
RAW_TEX = re.compile(r"\\\(|\\\[|\$\$|\\begin\{|\$[^$\n]+\$")
PAGE_TIMEOUT_MS = 60_000


def test_api_page_lists_every_public_name():
    """A name added to ``dlbasics.__all__`` must be added to docs/api.md too."""
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^   (\w+)$", text, flags=re.M))
    missing = [name for name in PUBLIC if name not in listed]
    assert not missing, f"add these to an autosummary block of docs/api.md: {missing}"
    assert "__version__" in text


def test_js_packages_are_pinned_and_locked():
    """docs/package.json pins exact versions and docs/package-lock.json installs those."""
    pinned = json.loads((DOCS / "package.json").read_text(encoding="utf-8"))["dependencies"]
    lock = json.loads((DOCS / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    assert {"mathjax", "@jupyter-widgets/html-manager", "requirejs"} <= set(pinned)
    for name, version in pinned.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name}: pin an exact version, not {version!r}"
        locked = lock.get(f"node_modules/{name}", {}).get("version")
        assert locked == version, f"{name}: package.json pins {version}, package-lock.json has {locked}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The site built once for this module: its folder, and the sphinx-build process."""
    for module in ("sphinx", "myst_nb", "furo"):
        pytest.importorskip(module, reason='the docs extra is not installed: pip install -e ".[docs]"')
    tmp = tmp_path_factory.mktemp("docs")
    out = tmp / "html"
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
           "-d", str(tmp / "doctrees"), str(DOCS), str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    return out, proc


@pytest.mark.slow
def test_sphinx_build_has_no_warnings(site):
    out, proc = site
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


# -- the site without internet ---------------------------------------------------------------

def _pictures(state: dict, model_id: str) -> int:
    """How many PNGs the saved widget ``model_id`` and its descendants display."""
    model = state[model_id]["state"]
    count = sum("image/png" in out.get("data", {}) for out in model.get("outputs", []))
    children = [c for key in ("children", "outputs") for c in model.get(key, []) if isinstance(c, str)]
    return count + sum(_pictures(state, c.removeprefix("IPY_MODEL_")) for c in children
                       if c.startswith("IPY_MODEL_"))


def _widget_views(notebook: Path) -> list[tuple[str, int]]:
    """``(model_id, number of pictures)`` of each widget output of ``notebook``, in order."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    state = nb["metadata"].get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    unbundled = {m["model_module"] for m in state.values()} - BUNDLED_WIDGET_MODULES
    assert not unbundled, (f"{notebook.name}: widget modules {sorted(unbundled)} are not in the site's "
                           "widget bundle: add them to docs/package.json and to VENDORED in docs/conf.py")
    views = [out["data"][WIDGET_VIEW]["model_id"] for cell in nb["cells"] for out in cell.get("outputs", [])
             if WIDGET_VIEW in out.get("data", {})]
    missing = [v for v in views if v not in state]
    assert not missing, f"{notebook.name}: widget outputs {missing} have no saved state (save widget state)"
    return [(view, _pictures(state, view)) for view in views]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def site_url(site) -> Iterator[str]:
    """The built site, served from 127.0.0.1."""
    out, _ = site
    if not (out / "index.html").is_file():
        pytest.fail(f"the site was not built:\n{site[1].stderr[-3000:]}")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_QuietHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


MATH_STATE_JS = """
async (timeout) => {
  if (typeof MathJax === "undefined" || !MathJax.startup) throw new Error("MathJax did not load");
  await Promise.race([MathJax.startup.promise, new Promise((_, reject) => setTimeout(
    () => reject(new Error(`MathJax did not finish typesetting in ${timeout} ms`)), timeout))]);
  const article = document.querySelector("article");
  const text = article.cloneNode(true);
  text.querySelectorAll("pre, code, script, style, textarea, mjx-container").forEach(e => e.remove());
  return {
    formulas: document.querySelectorAll(".math").length,
    unrendered: Array.from(document.querySelectorAll(".math:not(:has(mjx-container))"))
      .map(e => e.textContent.slice(0, 80)),
    errors: Array.from(document.querySelectorAll("mjx-merror")).map(e => e.textContent.slice(0, 80)),
    empty: Array.from(document.querySelectorAll("mjx-container"))
      .filter(e => e.getBoundingClientRect().width === 0 && e.closest("details:not([open])") === null)
      .length,
    text: text.textContent,
  };
}
"""

# Ready when every widget output has its view (the manager inserts a .widget-subarea before
# the output's script) and every image in the views is decoded.
WIDGETS_READY_JS = """
() => {
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
  return Array.from(views).every(s => {
    const area = s.previousElementSibling;
    return area && area.classList.contains("widget-subarea") && area.children.length > 0
      && Array.from(area.querySelectorAll("img")).every(img => img.complete);
  });
}
"""

WIDGETS_JS = """
() => Array.from(document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]'))
  .map(s => {
    const area = s.previousElementSibling;
    const pngs = Array.from(area.querySelectorAll('img[src^="data:image/png"]'));
    const box = area.getBoundingClientRect();
    return {
      model_id: JSON.parse(s.textContent).model_id,
      size: [box.width, box.height],
      pngs: pngs.length,
      decoded: pngs.filter(img => img.naturalWidth > 0).length,
      visible: pngs.filter(img => img.getBoundingClientRect().width > 50
                              && img.getBoundingClientRect().height > 50).length,
    };
  })
"""


def _pages_to_check(out: Path) -> dict[str, bool]:
    """Every course page and every page with formulas (path in the site -> has formulas)."""
    pages = {}
    for page in sorted(out.rglob("*.html")):
        rel = page.relative_to(out).as_posix()
        has_math = 'class="math' in page.read_text(encoding="utf-8")
        if not rel.startswith("_") and (has_math or rel.startswith("notebooks/")):
            pages[rel] = has_math
    return pages


@pytest.mark.slow
@pytest.mark.browser
def test_site_works_without_internet(site, site_url):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium, or set DLBASICS_CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    out, _ = site
    if not (out / "_static" / "vendor" / "mathjax" / "tex-mml-chtml.js").is_file():
        pytest.skip("the site's JavaScript packages are not installed (npm ci --prefix docs): "
                    "the site was built to load them from a CDN")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    blocked: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    closed: set[str] = set()  # pages whose requests may be cut short: they are being closed

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if url.startswith((site_url, "data:", "blob:")):
            r.continue_()  # type: ignore[attr-defined]
        else:
            blocked.append(url)
            r.abort()  # type: ignore[attr-defined]

    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(out.parent / "chromium-profile"), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1300, "height": 1000},
        )
        context.route("**/*", route)
        try:
            pages = _pages_to_check(out)
            course_pages = [f"notebooks/{nb.stem}.html" for nb in sorted((ROOT / "course").glob("*.ipynb"))]
            assert set(course_pages) <= set(pages), "a course page is missing from the site"
            widget_pages = 0
            for rel, has_math in pages.items():
                page = context.new_page()
                page.on("pageerror", lambda e, rel=rel: errors.append(f"{rel}: {e}"))
                page.on("console", lambda m, rel=rel: m.type == "error" and errors.append(f"{rel}: {m.text}"))
                page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
                page.on("requestfailed",
                        lambda r, rel=rel: rel in closed or failed.append(f"{r.failure} {r.url}"))
                page.goto(site_url + rel, wait_until="load", timeout=PAGE_TIMEOUT_MS)

                if has_math:
                    _check_formulas(page, rel)
                notebook = ROOT / "docs" / "notebooks" / f"{Path(rel).stem}.ipynb"  # as the site has it
                expected = _widget_views(notebook) if rel.startswith("notebooks/") else []
                if rel.startswith("notebooks/"):
                    widget_pages += _check_pictures(page, rel, notebook)
                if expected:
                    _check_widgets(page, rel, expected)
                closed.add(rel)
                page.close()
            assert widget_pages > 0 and any(pages.values()), "no widget's picture or formula was checked"
        finally:
            context.close()
    assert not blocked, f"the site asked for {len(blocked)} files from outside: {blocked[:10]}"
    assert not failed, f"files of the site that did not load: {failed[:10]}"
    assert not errors, f"JavaScript errors: {errors[:10]}"


def _check_formulas(page: object, rel: str) -> None:
    """Every formula of ``page`` rendered by MathJax, no TeX left as text; a screenshot."""
    math = page.evaluate(MATH_STATE_JS, PAGE_TIMEOUT_MS)  # type: ignore[attr-defined]
    assert math["formulas"] > 0, f"{rel}: the formulas are gone from the page"
    assert not math["unrendered"], f"{rel}: formulas MathJax did not render: {math['unrendered']}"
    assert not math["errors"], f"{rel}: TeX errors: {math['errors']}"
    assert math["empty"] == 0, f"{rel}: {math['empty']} formulas rendered with no width"
    raw = RAW_TEX.findall(math["text"])
    assert not raw, f"{rel}: raw TeX left in the text: {raw[:5]}"
    first = page.query_selector("div.math") or page.query_selector(".math")  # type: ignore[attr-defined]
    first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{Path(rel).stem}-math.png"))  # type: ignore[attr-defined]


PICTURES_JS = """
() => Array.from(document.querySelectorAll('.cell_output img'))
  .filter(img => !img.closest('.jupyter-widgets'))
  .map(img => [img.naturalWidth, img.getBoundingClientRect().width])
"""


def _check_pictures(page: object, rel: str, notebook: Path) -> int:
    """Every PNG output of the notebook (figures, and widgets shown as the picture they carry)
    is on ``page``, decoded and visible; returns how many of them are widgets' pictures."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    course = json.loads((ROOT / "course" / notebook.name).read_text(encoding="utf-8"))
    pngs = [out for cell in nb["cells"] for out in cell.get("outputs", [])
            if "image/png" in out.get("data", {})]
    widget_pngs = sum(WIDGET_VIEW in out.get("data", {}) and "image/png" in out["data"]
                      for cell in course["cells"] for out in cell.get("outputs", []))
    shown = page.evaluate(PICTURES_JS)  # type: ignore[attr-defined]
    assert len(shown) == len(pngs), f"{rel}: {len(shown)} of the notebook's {len(pngs)} pictures on the page"
    assert all(natural > 0 and width > 50 for natural, width in shown), f"{rel}: a picture is not drawn"
    return widget_pngs


def _check_widgets(page: object, rel: str, expected: list[tuple[str, int]]) -> None:
    """Each widget output of ``page`` drawn with every picture of its saved state; a screenshot."""
    page.wait_for_function(WIDGETS_READY_JS, timeout=PAGE_TIMEOUT_MS)  # type: ignore[attr-defined]
    shown = page.evaluate(WIDGETS_JS)  # type: ignore[attr-defined]
    on_page = [w["model_id"] for w in shown]
    assert on_page == [m for m, _ in expected], f"{rel}: widget outputs on the page: {on_page}"
    for widget, (model_id, pictures) in zip(shown, expected, strict=True):
        where = f"{rel}, widget {model_id}"
        assert pictures > 0, f"{where}: its saved state holds no picture"
        assert widget["size"][0] > 0 and widget["size"][1] > 0, f"{where}: not drawn"
        assert widget["pngs"] == pictures, f"{where}: {widget['pngs']} of its {pictures} pictures shown"
        assert widget["decoded"] == pictures, f"{where}: a picture did not decode"
        assert widget["visible"] >= 1, f"{where}: no picture is visible"
    page.query_selector(".widget-subarea").scroll_into_view_if_needed()  # type: ignore[attr-defined]
    page.screenshot(path=str(ARTIFACTS / f"{Path(rel).stem}-widget.png"))  # type: ignore[attr-defined]
