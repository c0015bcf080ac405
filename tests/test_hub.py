"""A class on a JupyterHub: three learners log in, get a server each and run notebook 01 there.

A real JupyterHub runs on 127.0.0.1 with its real proxy (configurable-http-proxy, from npm),
the ``dummy`` authenticator and ``SimpleLocalProcessSpawner`` (servers as local processes,
no system users), its database and cookie secret in a temporary folder. Each learner

1. logs in through the hub's login form,
2. gets a server started (the hub's REST API, with an admin service token) running this
   environment's ``jupyterhub-singleuser``, and a token of their own,
3. uploads ``course/01_single_neuron.ipynb`` with the server's contents API, opens a kernel
   session on it and executes its code cells over the kernel's websocket,

and every cell must run without error and print what the notebook's checked outputs
(``# NBVAL_CHECK_OUTPUT``) say, e.g. ``226.79999999999998``. The three learners work at the
same time; one learner's token must not open another learner's server. The hub stops every
server it started, and no process of the run may outlive it.

Marked ``slow`` and ``hub``; skipped when configurable-http-proxy is not on PATH
(``npm install -g configurable-http-proxy``).
"""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import nbformat
import pytest
import requests

pytest.importorskip("jupyterhub", reason="jupyterhub is not installed (pip install jupyterhub)")
psutil = pytest.importorskip("psutil", reason="psutil is needed to check that no process is left over")
websocket = pytest.importorskip("websocket", reason="websocket-client is not installed")

pytestmark = [pytest.mark.slow, pytest.mark.hub]

NOTEBOOK = Path(__file__).resolve().parents[1] / "course" / "01_single_neuron.ipynb"
USERS = ("ada", "grace", "alan")
SINGLEUSER = Path(sys.executable).parent / "jupyterhub-singleuser"
HUB_START_S = 60  # the hub and its proxy answering
SERVER_START_S = 60  # one learner's server ready
CELL_S = 60  # one cell executed
STOP_S = 30  # the hub shutting down with its servers
HTTP_S = 15  # one HTTP request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Hub:
    url: str  # http://127.0.0.1:PORT, the proxy every request goes through
    token: str  # the admin service's API token
    process: subprocess.Popen[bytes]
    home: Path  # learners' homes are home/NAME
    log: Path

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"token {self.token}"}
        url = f"{self.url}/hub/api{path}"
        return requests.request(method, url, headers=headers, timeout=HTTP_S, **kwargs)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]


CONFIG = """
c = get_config()  # noqa
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///{tmp}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{tmp}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{tmp}/jupyterhub.pid"
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{tmp}/home/{{username}}"
c.Spawner.ip = "127.0.0.1"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = ["--allow-root"]  # CI runs as root; without system users there is no one else
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = {server_start}
c.Spawner.http_timeout = {server_start}
c.Spawner.environment = {{"DLBASICS_OFFLINE": "1", "PYTHONNOUSERSITE": "1"}}
c.Spawner.env_keep = [
    "PATH", "PYTHONPATH", "VIRTUAL_ENV", "LANG", "LC_ALL", "LD_LIBRARY_PATH",
    "JUPYTERHUB_SINGLEUSER_APP", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
]
c.JupyterHub.services = [{{"name": "course-admin", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "course-admin",
    "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users", "read:servers"],
    "services": ["course-admin"],
}}]
c.JupyterHub.cleanup_servers = True
"""


def descendants(pid: int) -> list[Any]:
    """The ``psutil.Process`` of every process ``pid`` started, at any depth."""
    try:
        return list(psutil.Process(pid).children(recursive=True))
    except psutil.NoSuchProcess:
        return []


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    proxy = shutil.which("configurable-http-proxy")
    if proxy is None:
        pytest.skip("configurable-http-proxy is not on PATH (npm install -g configurable-http-proxy)")
    assert SINGLEUSER.is_file(), f"{SINGLEUSER} is missing: jupyterhub is not installed in this environment"
    tmp = tmp_path_factory.mktemp("hub")
    token = secrets.token_hex(32)
    port = free_port()
    config = tmp / "jupyterhub_config.py"
    config.write_text(
        CONFIG.format(
            port=port,
            hub_port=free_port(),
            proxy_api_port=free_port(),
            proxy=proxy,
            tmp=tmp,
            singleuser=str(SINGLEUSER),
            server_start=SERVER_START_S,
            token=token,
        )
    )
    log = tmp / "jupyterhub.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=tmp,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    hub = Hub(url=f"http://127.0.0.1:{port}", token=token, process=process, home=tmp / "home", log=log)
    try:
        deadline = time.monotonic() + HUB_START_S
        while True:
            assert process.poll() is None, f"the hub exited with {process.returncode}:\n{hub.log_tail()}"
            late = time.monotonic() > deadline
            assert not late, f"the hub did not answer within {HUB_START_S} s:\n{hub.log_tail()}"
            try:
                if requests.get(f"{hub.url}/hub/api/", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.25)
        yield hub
    finally:
        started = descendants(process.pid)  # the proxy, the servers and their kernels
        process.terminate()  # the hub stops all its servers at once, then its proxy
        try:
            process.wait(STOP_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_S)
        _, alive = psutil.wait_procs(started, timeout=10)
        for leftover in alive:
            leftover.kill()
    assert not alive, f"processes outlived the hub: {alive}\n{hub.log_tail()}"


def log_in(hub: Hub, name: str) -> None:
    """Log ``name`` in through the hub's login form (the dummy authenticator takes any password)."""
    with requests.Session() as browser:
        form = browser.get(f"{hub.url}/hub/login", timeout=HTTP_S)
        assert form.status_code == 200, form.text[-2000:]
        reply = browser.post(
            f"{hub.url}/hub/login",
            data={"username": name, "password": "any password", "_xsrf": browser.cookies.get("_xsrf", "")},
            allow_redirects=False,
            timeout=HTTP_S,
        )
        assert reply.status_code == 302, f"login of {name} answered {reply.status_code}: {reply.text[-2000:]}"
        assert "jupyterhub-hub-login" in browser.cookies, f"no login cookie for {name}: {browser.cookies}"


def start_server(hub: Hub, name: str) -> str:
    """Start ``name``'s server, wait until it is ready; return a token of ``name``'s own."""
    reply = hub.api("POST", f"/users/{name}/server")
    assert reply.status_code in (201, 202), f"starting {name}'s server: {reply.status_code} {reply.text}"
    deadline = time.monotonic() + SERVER_START_S
    while True:
        user = hub.api("GET", f"/users/{name}").json()
        server = user.get("servers", {}).get("", {})
        if server.get("ready"):
            break
        assert time.monotonic() < deadline, f"{name}'s server not ready after {SERVER_START_S} s: {user}"
        time.sleep(0.25)
    reply = hub.api("POST", f"/users/{name}/tokens", json={"note": "course test", "expires_in": 600})
    assert reply.status_code == 201, f"token for {name}: {reply.status_code} {reply.text}"
    token: str = reply.json()["token"]
    return token


class Kernel:
    """A kernel of a learner's server, driven over its websocket (the JSON protocol)."""

    def __init__(self, ws_url: str, token: str) -> None:
        self.session = uuid.uuid4().hex
        self.ws = websocket.create_connection(
            f"{ws_url}?session_id={self.session}", header=[f"Authorization: token {token}"], timeout=CELL_S
        )

    def execute(self, code: str) -> dict[str, Any]:
        """Run ``code``; return its ``stdout``, ``stderr``, ``errors`` and reply ``status``."""
        msg_id = uuid.uuid4().hex
        self.ws.send(
            json.dumps({
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "session": self.session,
                    "username": "learner",
                    "version": "5.3",
                    "date": datetime.now(timezone.utc).isoformat(),
                },
                "parent_header": {},
                "metadata": {},
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True},
                "channel": "shell",
                "buffers": [],
            })
        )
        out: dict[str, Any] = {"stdout": "", "stderr": "", "errors": [], "status": None}
        idle = False
        deadline = time.monotonic() + CELL_S
        while not (idle and out["status"]):
            assert time.monotonic() < deadline, f"no answer within {CELL_S} s to:\n{code}"
            frame = self.ws.recv()
            if isinstance(frame, bytes):
                continue  # messages with binary buffers: widget comms, no outputs of a cell
            msg = json.loads(frame)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out[content["name"]] += content["text"]
            elif kind == "error":
                out["errors"].append("\n".join(content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
            elif kind == "execute_reply":
                out["status"] = content["status"]
        return out

    def close(self) -> None:
        self.ws.close()


def checked_stdout(cell: nbformat.NotebookNode) -> str | None:
    """The stdout the notebook stores for a cell whose output nbval checks, else None."""
    if "NBVAL_CHECK_OUTPUT" not in cell.source:
        return None
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def learner_runs_notebook(hub: Hub, name: str) -> dict[str, Any]:
    log_in(hub, name)
    token = start_server(hub, name)
    server = f"{hub.url}/user/{name}/api"
    headers = {"Authorization": f"token {token}"}
    nb = nbformat.read(NOTEBOOK, as_version=4)

    def call(method: str, path: str, **kwargs: Any) -> Any:
        reply = requests.request(method, f"{server}{path}", headers=headers, timeout=HTTP_S, **kwargs)
        assert reply.ok, f"{name}: {method} {path} answered {reply.status_code}: {reply.text[-2000:]}"
        return reply.json() if reply.content else None

    call("PUT", "/contents/course", json={"type": "directory"})
    path = f"course/{NOTEBOOK.name}"
    call("PUT", f"/contents/{path}", json={"type": "notebook", "format": "json", "content": nb})
    stored = call("GET", f"/contents/{path}")
    assert [c["source"] for c in stored["content"]["cells"]] == [c.source for c in nb.cells]

    session = call(
        "POST", "/sessions", json={"path": path, "name": NOTEBOOK.name, "type": "notebook",
                                   "kernel": {"name": "python3"}}
    )
    ws_url = f"{server.replace('http', 'ws', 1)}/kernels/{session['kernel']['id']}/channels"
    kernel = Kernel(ws_url, token)
    try:
        cells = [(cell, kernel.execute(cell.source)) for cell in nb.cells if cell.cell_type == "code"]
        where = kernel.execute("import os, sys; print(sys.prefix); print(os.getcwd())")["stdout"].split("\n")
    finally:
        kernel.close()
    call("DELETE", f"/sessions/{session['id']}")
    return {"cells": cells, "prefix": where[0], "cwd": where[1], "token": token}


def test_three_learners_run_notebook_01_on_the_hub(hub: Hub) -> None:
    with ThreadPoolExecutor(len(USERS)) as pool:
        runs = dict(zip(USERS, pool.map(lambda name: learner_runs_notebook(hub, name), USERS), strict=True))

    for name, run in runs.items():
        # The servers (and so their kernels) run this environment's jupyterhub-singleuser.
        assert Path(run["prefix"]).resolve() == Path(sys.prefix).resolve(), f"{name}: {run['prefix']}"
        assert Path(run["cwd"]).resolve() == (hub.home / name / "course").resolve(), f"{name}: {run['cwd']}"
        assert len(run["cells"]) >= 10
        for cell, out in run["cells"]:
            assert out["status"] == "ok" and not out["errors"], (
                f"{name}: a cell failed on the hub:\n{cell.source}\n" + "\n".join(out["errors"])
            )
            expected = checked_stdout(cell)
            if expected is not None:
                assert out["stdout"] == expected, f"{name}:\n{cell.source}\nprinted {out['stdout']!r}"
        neuron_out = next(o for c, o in run["cells"] if "jogging(30)" in c.source)
        assert neuron_out["stdout"] == "226.79999999999998\n", f"{name}: {neuron_out}"

    # A learner's token opens their own server only.
    ada, grace = USERS[0], USERS[1]
    foreign = requests.get(
        f"{hub.url}/user/{grace}/api/contents",
        headers={"Authorization": f"token {runs[ada]['token']}"},
        timeout=HTTP_S,
        allow_redirects=False,
    )
    assert foreign.status_code == 403, f"{ada}'s token on {grace}'s server: {foreign.status_code}"
    users = {u["name"]: u for u in hub.api("GET", "/users").json()}
    assert set(USERS) <= set(users)
    assert all(users[name]["servers"][""]["ready"] for name in USERS)
