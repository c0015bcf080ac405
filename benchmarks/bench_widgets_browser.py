"""Key press to changed picture: how immediate each course widget feels in JupyterLab.

Starts JupyterLab (as ``tests/browser/conftest.py`` does) with a scratch notebook holding one
cell per main widget of the course, opens it in headless Chromium, runs it, and then, for each
widget: focuses its first slider, presses ArrowRight (ArrowLeft once the slider is at its
maximum) ``--presses`` times and measures, in the page, the time from the ``keydown`` event to
the first animation frame in which the widget's plot (the element with class ``dlbasics-plot``)
shows a different picture: another ``<img>`` source or other canvas pixels. It prints the median
and the 90th percentile per widget, the BLAS in use and the machine's load; for a widget with a
Play button (the playground) also the pictures per second it shows while playing.

This is a benchmark, not a test: it prints figures and never fails on them.

Usage::

    python benchmarks/bench_widgets_browser.py [--presses 10] [--only 01 04]

Environment: ``DLBASICS_CHROMIUM`` (default ``/usr/bin/chromium``). The kernel imports
``dlbasics`` as the server's Python does (``PYTHONPATH`` is passed on, so an older copy of the
package can be measured against the current one).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
sys.path.insert(0, str(HERE))  # the shared report helpers, from any cwd

from _report import cpu_model, import_threadpoolctl, load_str, n_cores  # noqa: E402


def _browser_conftest() -> Any:
    """The browser tests' helpers (server settings, Chromium flags), loaded by path."""
    path = REPO_ROOT / "tests" / "browser" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_browser_conftest", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


#: (label, setup code, widget call): the main widget of each notebook
WIDGETS: list[tuple[str, str, str]] = [
    ("01 weight_slider", "", "weight_slider(weight=5.0)"),
    ("02 neuron_explorer", "",
     'neuron_explorer(w1=0.5, w2=0.7, b=-0.5, activation="step", points=[[0.5, 0.6]], lim=1.5)'),
    ("03 perceptron_explorer", "", 'perceptron_explorer("blobs")'),
    ("04 mlp_playground", "", 'mlp_playground("xor", hidden=(4,), activation="tanh")'),
    ("05 backprop_stepper", "", 'backprop_stepper(dataset="xor", sizes=(2, 4, 3, 2), batch_size=6, lr=0.5)'),
    ("06 optimizer_race", "", 'optimizer_race("valley", optimizers=("SGD", "Momentum", "Adam"))'),
    ("07 mnist_browser",
     "from dlbasics.mnist import load_mnist\n"
     "import warnings\n"
     "with warnings.catch_warnings():\n"
     "    warnings.simplefilter('ignore')\n"
     "    X_tr, y_tr, X_te, y_te = load_mnist().flat()\n"
     "net = dl.mlp([784, 64, 10], rng=0)\n"
     "W0 = net.dense_layers[0].W.copy()\n"
     "_ = dl.fit(net, X_tr[:2000], y_tr[:2000], optimizer=dl.Adam(net.parameters(), lr=1e-3),\n"
     "           epochs=2, batch_size=64, rng=0)",
     "mnist_browser(net, X_te, y_te, W_start=W0)"),
]


def scratch_notebook(widgets: list[tuple[str, str, str]]) -> dict[str, Any]:
    def code(src: str) -> dict[str, Any]:
        return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": src}

    cells = [code("%matplotlib inline\nimport dlbasics as dl\nimport dlbasics.widgets as w\n"
                  "from dlbasics.widgets import *")]
    for _, setup, call in widgets:
        cells.append(code(f"{setup}\n{call}" if setup else call))
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                        "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


OPEN_JS = """
async (path) => {
  const app = window.jupyterapp;
  await app.restored;
  const widget = await app.commands.execute('docmanager:open', {
    path, factory: 'Notebook', kernel: {name: 'python3'},
  });
  await widget.context.ready;
  await widget.sessionContext.ready;
  app.shell.activateById(widget.id);
  window.__bench = {widget, done: false};
  const kernelIdle = () => widget.sessionContext.session?.kernel?.status === 'idle';
  while (!kernelIdle()) await new Promise((r) => setTimeout(r, 100));
  app.commands.execute('notebook:run-all-cells').then(() => { window.__bench.done = true; });
}
"""

# A fingerprint of what a plot shows: its images' sources and a sample of its canvases' pixels.
# ``arm(k)`` waits for the next keydown and resolves with the ms until the picture changed.
WATCH_JS = """
() => {
  const fingerprint = (el) => {
    const parts = [];
    el.querySelectorAll('img').forEach((img) => parts.push(img.src.length, img.src.slice(-64)));
    el.querySelectorAll('canvas').forEach((c) => {
      if (!c.width || !c.height) return;
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const words = new Uint32Array(data.buffer);
      let h = 0x811c9dc5;
      for (let i = 0; i < words.length; i += 7) { h ^= words[i]; h = Math.imul(h, 0x01000193); }
      parts.push(c.width, c.height, h >>> 0);
    });
    return parts.join('|');
  };
  window.__benchArm = (k) => new Promise((resolve) => {
    const box = document.querySelectorAll('.jp-Notebook .dlbasics-widget')[k];
    const plot = box.querySelector('.dlbasics-plot');
    const before = fingerprint(plot);
    const onKey = (event) => {
      window.removeEventListener('keydown', onKey, true);
      const t0 = performance.now();
      const deadline = t0 + 5000;
      const poll = () => {
        const now = performance.now();
        if (fingerprint(plot) !== before) resolve(now - t0);
        else if (now > deadline) resolve(null);
        else requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
    };
    window.addEventListener('keydown', onKey, true);
  });
}
"""


def measure_widget(page: Any, k: int, presses: int) -> tuple[str, list[float], int]:
    """Times (ms) of ``presses`` key presses on the first slider of widget ``k``, and misses."""
    widget = page.locator(".jp-Notebook .dlbasics-widget").nth(k)
    handles = widget.locator(".noUi-handle:visible")
    if not handles.count():
        return "(no slider)", [], 0
    handle = handles.first
    handle.scroll_into_view_if_needed()
    slider = widget.locator(".widget-slider:visible").first
    label = slider.locator(".widget-label").first.inner_text().strip() if slider.count() else "?"
    times, misses = [], 0
    for _ in range(presses):
        now, top = (float(handle.get_attribute(a) or 0) for a in ("aria-valuenow", "aria-valuemax"))
        key = "ArrowLeft" if now >= top else "ArrowRight"
        handle.focus()
        page.evaluate(f"() => {{ window.__benchResult = window.__benchArm({k}); }}")
        page.keyboard.press(key)
        ms = page.evaluate("async () => await window.__benchResult")
        if ms is None:
            misses += 1
        else:
            times.append(float(ms))
        time.sleep(0.4)  # let the widget settle (a rebuild may redraw more than once)
    return label, times, misses


# frames per second a playing widget shows: distinct pictures per second, counted every animation frame
FPS_JS = """
async ([k, seconds]) => {
  const box = document.querySelectorAll('.jp-Notebook .dlbasics-widget')[k];
  const canvas = box.querySelector('canvas.dlbasics-canvas');
  if (!canvas) return null;
  const ctx = canvas.getContext('2d');
  const digest = () => {
    const words = new Uint32Array(ctx.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
    let h = 0x811c9dc5;
    for (let i = 0; i < words.length; i += 7) { h ^= words[i]; h = Math.imul(h, 0x01000193); }
    return h >>> 0;
  };
  let last = digest(), changes = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await new Promise((r) => requestAnimationFrame(r));
    const now = digest();
    if (now !== last) { changes += 1; last = now; }
  }
  return changes / seconds;
}
"""


def playing_fps(page: Any, k: int, seconds: float = 3.0) -> float | None:
    """Pictures per second while widget ``k`` plays (its "Play" button), or None without one."""
    box = page.locator(".jp-Notebook .dlbasics-widget").nth(k)
    play = box.get_by_role("button", name="Play")
    if not play.count():
        return None
    play.first.click()
    time.sleep(0.5)
    fps = page.evaluate(FPS_JS, [k, seconds])
    box.get_by_role("button", name="Pause").first.click()
    time.sleep(0.5)
    return fps


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def blas_line() -> str:
    tpc = import_threadpoolctl()
    if tpc is None:
        return "BLAS: unknown (threadpoolctl not installed)"
    import numpy  # noqa: F401  (loads the BLAS threadpoolctl reports)

    infos = [i for i in tpc.threadpool_info() if i.get("user_api") == "blas"]
    return "BLAS: " + "; ".join(f"{i.get('internal_api')} {i.get('version')} "
                                f"({i.get('architecture', '?')}, {i.get('num_threads')} threads)"
                                for i in infos)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=10)
    parser.add_argument("--only", nargs="*", default=None, help="notebook numbers, e.g. 01 04")
    parser.add_argument("--screenshots", type=Path, default=None,
                        help="folder to save a screenshot of each widget after its key presses")
    args = parser.parse_args()
    chosen = [w for w in WIDGETS if not args.only or w[0][:2] in args.only]
    conf = _browser_conftest()

    print(f"{cpu_model()}, {n_cores()} cores, {load_str()}")
    print(blas_line())
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "root").mkdir()
        (tmp / "root" / "bench.ipynb").write_text(json.dumps(scratch_notebook(chosen)))
        conf._write_settings(tmp / "settings")
        port, token = conf.free_port(), os.urandom(16).hex()
        env = {k: v for k, v in os.environ.items() if k not in {"MPLBACKEND", "DLBASICS_MNIST_DIR"}}
        env.update(DLBASICS_OFFLINE="1", JUPYTER_CONFIG_DIR=str(tmp / "config"),
                   JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), MPLCONFIGDIR=str(tmp / "mpl"))
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
               f"--port={port}", "--port-retries=0", f"--ServerApp.token={token}",
               f"--ServerApp.root_dir={tmp / 'root'}", "--LabApp.expose_app_in_browser=True",
               f"--LabApp.user_settings_dir={tmp / 'settings'}",
               f"--LabApp.workspaces_dir={tmp / 'workspaces'}"]
        with (tmp / "lab.log").open("wb") as log:
            proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        lab = conf.JupyterLab(f"http://127.0.0.1:{port}", token, tmp / "root", tmp / "lab.log")
        try:
            rows = run(lab, conf, chosen, args.presses, proc, args.screenshots)
        finally:
            conf._stop(proc, lab)
    print(f"\n{'widget':<24} {'slider':<16} {'median ms':>9} {'p90 ms':>7} {'n':>3} {'missed':>6}")
    for name, label, times, misses in rows:
        med = f"{statistics.median(times):.0f}" if times else "-"
        hi = f"{p90(times):.0f}" if times else "-"
        print(f"{name:<24} {label[:16]:<16} {med:>9} {hi:>7} {len(times):>3} {misses:>6}")
    print(load_str())


def run(lab: Any, conf: Any, chosen: list[tuple[str, str, str]], presses: int,
        proc: subprocess.Popen[bytes], shots: Path | None = None) -> list[tuple[str, str, list[float], int]]:
    from playwright.sync_api import sync_playwright

    deadline = time.monotonic() + conf.SERVER_START_TIMEOUT_S
    while True:
        try:
            lab.api("/api/status")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"JupyterLab did not start:\n{lab.log.read_text()[-2000:]}") from None
            time.sleep(0.5)
    rows = []
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=conf.CHROMIUM, headless=True, args=conf.CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{lab.base_url}/lab?reset&token={lab.token}")
        page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
        page.evaluate(OPEN_JS, "bench.ipynb")
        page.wait_for_function("() => window.__bench && window.__bench.done", timeout=300_000, polling=500)
        page.wait_for_function(f"() => document.querySelectorAll('.jp-Notebook .dlbasics-widget').length"
                               f" >= {len(chosen)}", timeout=60_000)
        time.sleep(2.0)
        page.evaluate(WATCH_JS)
        for k, (name, _, _) in enumerate(chosen):
            label, times, misses = measure_widget(page, k, presses)
            rows.append((name, label, times, misses))
            fps = playing_fps(page, k)
            if fps is not None:
                print(f"{name}: {fps:.1f} pictures per second while playing", flush=True)
            if shots is not None:
                shots.mkdir(parents=True, exist_ok=True)
                page.locator(".jp-Notebook .dlbasics-widget").nth(k).screenshot(
                    path=str(shots / f"{name.split()[0]}.png"))
            print(f"{name}: {', '.join(f'{t:.0f}' for t in times)}", flush=True)
        context.close()
    return rows


if __name__ == "__main__":
    main()
