"""Fixtures for the real-browser tests: a JupyterLab server and headless Chromium.

``jupyter_lab`` starts ``python -m jupyterlab`` on 127.0.0.1 (random free port, random token,
``window.jupyterapp`` exposed, autosave off so course notebooks on disk are never rewritten)
with ``DLBASICS_OFFLINE=1`` and ``MPLBACKEND`` unset, and stops it with its kernels at the end.
``DLBASICS_MNIST_DIR`` is unset too: the browser tests check what a learner sees, on the MNIST
sample shipped with the package (the full data set would make notebook 07 train for minutes).
``chromium_context`` is a Playwright persistent context on Debian's Chromium; ``lab_page`` a
fresh page with JupyterLab loaded.

Environment: ``DLBASICS_COURSE_DIR`` (default ``course/``), ``DLBASICS_CHROMIUM`` (default
``/usr/bin/chromium``).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DLBASICS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT_S = 90.0

# JupyterLab user settings for the test server: never autosave (the notebooks under test are
# the course's own files), attach every cell to the DOM, no network calls, no toasts.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {
        "checkForUpdates": False,
        "fetchNews": "false",
        "doNotDisturbMode": True,
    },
    "@jupyterlab/extensionmanager-extension/plugin": {"enabled": False},
}


def course_dir() -> Path:
    """Folder of the course notebooks: ``DLBASICS_COURSE_DIR``, default ``course/``."""
    return Path(os.environ.get("DLBASICS_COURSE_DIR", REPO_ROOT / "course")).resolve()


def server_root() -> Path:
    """JupyterLab's root: the repository, or the course folder itself if it lies outside."""
    course = course_dir()
    return REPO_ROOT if course.is_relative_to(REPO_ROOT) else course


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class JupyterLab:
    """A running JupyterLab server."""

    base_url: str
    token: str
    root: Path
    log: Path

    def api(self, path: str, method: str = "GET") -> object:
        req = urllib.request.Request(
            f"{self.base_url}{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def relpath(self, notebook: Path) -> str:
        """Path of ``notebook`` as JupyterLab's contents API names it."""
        return notebook.resolve().relative_to(self.root).as_posix()


def _write_settings(settings_dir: Path) -> None:
    for plugin, values in LAB_SETTINGS.items():
        target = settings_dir / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))


def _stop(proc: subprocess.Popen[bytes], lab: JupyterLab) -> None:
    """Shut the server down with its kernels; kill its process group if it lingers."""
    if proc.poll() is None:
        try:
            lab.api("/api/shutdown", method="POST")  # also shuts every kernel down
            proc.wait(timeout=15)
        except (OSError, urllib.error.URLError, subprocess.TimeoutExpired):
            pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    tmp = tmp_path_factory.mktemp("jupyterlab")
    _write_settings(tmp / "settings")
    port = free_port()
    token = secrets.token_hex(16)
    root = server_root()
    dropped = {"MPLBACKEND", "JUPYTER_PATH", "DLBASICS_MNIST_DIR"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DLBASICS_OFFLINE="1",
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        MPLCONFIGDIR=str(tmp / "mpl"),
    )
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={tmp / 'settings'}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
    ]
    log = tmp / "jupyterlab.log"
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, killed as one at the end
        )
    lab = JupyterLab(f"http://127.0.0.1:{port}", token, root, log)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                lab.api("/api/status")
                break
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
        yield lab
    finally:
        _stop(proc, lab)


@pytest.fixture(scope="module")  # closed with its module: a Playwright left open would block others
def chromium_context(tmp_path_factory: pytest.TempPathFactory, jupyter_lab: JupyterLab) -> Iterator[object]:
    """A Playwright ``BrowserContext`` on headless Chromium.

    It depends on ``jupyter_lab`` so that it closes first: a server still holding the
    browser's connections takes long to shut down.
    """
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def lab_page(chromium_context: object, jupyter_lab: JupyterLab) -> Iterator[object]:
    """A new page with JupyterLab loaded and ``window.jupyterapp`` restored."""
    page = chromium_context.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(f"{jupyter_lab.base_url}/lab?reset&token={jupyter_lab.token}")
        page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
        page.evaluate("async () => { await window.jupyterapp.restored; }")
        yield page
    finally:
        page.close()
