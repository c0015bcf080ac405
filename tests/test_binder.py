"""Binder readiness: the pins in ``binder/`` serve the course and run every notebook.

Binder (repo2docker) ignores ``pyproject.toml`` once a ``binder/`` folder exists, so
``binder/requirements.txt`` must carry exact pins of everything the course needs, followed
by a ``.`` line that installs dlbasics itself. ``tools/compile_pins.sh`` regenerates it.

* ``test_pins_*``: the pins agree with ``pyproject.toml`` (fast, always run).
* ``test_repo2docker_dockerfile``: the Dockerfile repo2docker would build installs the pins
  on the Python of ``binder/runtime.txt`` (skipped when repo2docker is not installed).
* ``test_notebooks_run_in_fresh_binder_env``: a fresh venv built from the pins alone runs
  every notebook in ``course/`` under 1 GB of kernel memory (marked ``slow`` and ``binder``);
  the table it prints is written to ``artifacts/binder_report.txt``.

Environment: ``DLBASICS_COURSE_DIR`` (default ``course/``) picks the notebooks;
``DLBASICS_BINDER_PYTHON`` the interpreter of the fresh venv (default: the Python of
``binder/runtime.txt`` if found, else the one running the tests); ``DLBASICS_MNIST_DIR`` is
passed through to the notebooks, which run with ``DLBASICS_OFFLINE=1``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli", reason="reading pyproject.toml needs tomli on 3.10")

REPO_ROOT = Path(__file__).resolve().parents[1]
BINDER = REPO_ROOT / "binder"
REQUIREMENTS_TXT = BINDER / "requirements.txt"
REQUIREMENTS_IN = BINDER / "requirements.in"
RUNTIME_TXT = BINDER / "runtime.txt"

KERNEL_RAM_LIMIT_MB = 1024.0
CELL_TIMEOUT_S = 300
NOTEBOOK_TIMEOUT_S = 1800


def course_dir() -> Path:
    """Folder of the course notebooks: ``DLBASICS_COURSE_DIR``, default ``course/``."""
    return Path(os.environ.get("DLBASICS_COURSE_DIR", REPO_ROOT / "course")).resolve()


def course_notebooks() -> list[Path]:
    return sorted(course_dir().glob("*.ipynb"))


def pyproject_requirements() -> list[Requirement]:
    """Runtime dependencies plus the ``course`` extra of ``pyproject.toml``."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    return [Requirement(r) for r in project["dependencies"] + extras.get("course", [])]


def requirements_in() -> list[Requirement]:
    lines = REQUIREMENTS_IN.read_text().splitlines() if REQUIREMENTS_IN.exists() else []
    stripped = (line.split("#", 1)[0].strip() for line in lines)
    return [Requirement(line) for line in stripped if line]


def pinned_lines() -> list[str]:
    """Non-comment, non-blank lines of ``binder/requirements.txt``."""
    lines = (line.split("#", 1)[0].strip() for line in REQUIREMENTS_TXT.read_text().splitlines())
    return [line for line in lines if line]


def pins() -> dict[str, Version]:
    """``{canonical name: pinned version}`` from ``binder/requirements.txt``."""
    out: dict[str, Version] = {}
    for line in pinned_lines():
        if line == ".":
            continue
        req = Requirement(line)
        (spec,) = req.specifier  # exactly one specifier: checked in test_pins_are_exact
        out[canonicalize_name(req.name)] = Version(spec.version)
    return out


def runtime_python() -> str:
    """``"3.12"`` from ``binder/runtime.txt``'s ``python-3.12``."""
    match = re.fullmatch(r"python-(3\.\d+)", RUNTIME_TXT.read_text().strip())
    got = RUNTIME_TXT.read_text()
    assert match, f"binder/runtime.txt should read like 'python-3.12', got {got!r}"
    return match.group(1)


# --------------------------------------------------------------------------- fast checks


def test_runtime_txt_names_a_python3_minor_version() -> None:
    assert re.fullmatch(r"3\.1\d", runtime_python())


def test_pins_are_exact_and_end_with_the_package_itself() -> None:
    lines = pinned_lines()
    assert lines[-1] == ".", "binder/requirements.txt must end with a '.' line installing dlbasics"
    assert lines.count(".") == 1
    for line in lines[:-1]:
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"not an exact pin: {line!r}"
        assert req.url is None, f"pins must come from the package index, got {line!r}"


def test_pins_satisfy_pyproject_and_requirements_in() -> None:
    pinned = pins()
    wanted = pyproject_requirements() + requirements_in()
    assert {"numpy", "matplotlib", "ipywidgets", "jupyterlab", "tqdm"} <= {
        canonicalize_name(r.name) for r in wanted
    }
    for req in wanted:
        name = canonicalize_name(req.name)
        assert name in pinned, f"{req} is required but not pinned in binder/requirements.txt"
        assert req.specifier.contains(pinned[name], prereleases=True), (
            f"binder/requirements.txt pins {name}=={pinned[name]}, which does not satisfy "
            f"'{req}'; run tools/compile_pins.sh"
        )


def test_pins_include_what_the_kernel_needs() -> None:
    # ipykernel runs the notebooks; pyproject does not name it, the pins must still carry it.
    assert {"ipykernel", "ipywidgets", "jupyterlab-widgets"} <= set(pins())


# --------------------------------------------------------------------------- repo2docker


def repo2docker_command() -> list[str] | None:
    if importlib.util.find_spec("repo2docker") is not None:
        return [sys.executable, "-m", "repo2docker"]
    exe = shutil.which("jupyter-repo2docker")
    return [exe] if exe else None


def test_repo2docker_dockerfile() -> None:
    command = repo2docker_command()
    if command is None:
        pytest.skip("repo2docker is not installed (pip install jupyter-repo2docker)")
    proc = subprocess.run(
        [*command, "--no-build", "--user-id", "1000", "--user-name", "jovyan", "."],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    version = runtime_python()
    assert f"python={version}" in out, f"repo2docker does not build Python {version}:\n{out}"
    assert re.search(r'pip install --no-cache-dir -r "binder/requirements\.txt"', out), out
    # The only configuration file repo2docker reads from the repository is the pins file
    # (then it copies the whole repository): no environment.yml, Pipfile, postBuild, ...
    copied = set(re.findall(r"^COPY --chown=\S+ src/(\S*)", out, flags=re.MULTILINE))
    assert copied == {"binder/requirements.txt", ""}, f"repo2docker reads {copied}"


# --------------------------------------------------------------------------- fresh venv

def binder_python() -> str:
    """Interpreter for the fresh venv: ``DLBASICS_BINDER_PYTHON``, else runtime.txt's, else ours."""
    if os.environ.get("DLBASICS_BINDER_PYTHON"):
        return os.environ["DLBASICS_BINDER_PYTHON"]
    version = runtime_python()
    candidates = [shutil.which(f"python{version}")]
    pyenv = shutil.which("pyenv")
    if pyenv:
        root = subprocess.run([pyenv, "root"], capture_output=True, text=True).stdout.strip()
        candidates += sorted(Path(root, "versions").glob(f"{version}.*/bin/python{version}"))
    for candidate in filter(None, candidates):
        ok = subprocess.run([str(candidate), "-c", "pass"], capture_output=True).returncode == 0
        if ok:
            return str(candidate)
    return sys.executable


def clean_env(**extra: str) -> dict[str, str]:
    """Our environment without anything that would leak the outer venv into the fresh one."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "MPLBACKEND", "JUPYTER_PATH"}
        and not k.startswith("PYENV_")
    }
    env.update(extra)
    return env


@pytest.mark.slow
@pytest.mark.binder
def test_notebooks_run_in_fresh_binder_env(tmp_path: Path) -> None:
    notebooks = course_notebooks()
    if not notebooks:
        pytest.skip(f"no notebooks in {course_dir()} yet")

    venv = tmp_path / "venv"
    python = binder_python()
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
    vpy = venv / "bin" / "python"
    install = subprocess.run(
        [str(vpy), "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt"],
        cwd=REPO_ROOT,  # the '.' line is resolved against the repository root
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]

    runner = REPO_ROOT / "tools" / "measure_notebooks.py"  # the same runner instructors use
    env = clean_env(
        DLBASICS_OFFLINE="1",
        PYTHONNOUSERSITE="1",
        JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
        JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
        MPLCONFIGDIR=str(tmp_path / "mpl"),
    )
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    rows = []
    failures = []
    for nb in notebooks:
        try:
            proc = subprocess.run(
                [str(vpy), str(runner), "--one", str(nb), "--timeout", str(CELL_TIMEOUT_S)],
                cwd=nb.parent,
                env=env,
                capture_output=True,
                text=True,
                timeout=NOTEBOOK_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            failures.append(f"{nb.name}: still running after {NOTEBOOK_TIMEOUT_S} s")
            rows.append((nb.name, float("nan"), float("nan"), "timed out"))
            continue
        if proc.returncode != 0:
            failures.append(f"{nb.name}: runner failed\n{proc.stderr[-3000:]}")
            rows.append((nb.name, float("nan"), float("nan"), "runner failed"))
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        assert Path(result["kernel_argv0"]).absolute().is_relative_to(venv.absolute()), (
            f"{nb.name} ran on a kernel outside the fresh venv: {result}"
        )
        status = "ok"
        if result["error"]:
            status = "error"
            failures.append(f"{nb.name}: a cell raised\n{result['error']}")
        elif result["peak_mb"] >= KERNEL_RAM_LIMIT_MB:
            status = "too much RAM"
            failures.append(f"{nb.name}: kernel peaked at {result['peak_mb']:.0f} MB")
        # A Python kernel that imported numpy uses tens of MB: zero means we measured nothing.
        assert result["peak_mb"] > 20, f"{nb.name}: implausible kernel RSS {result['peak_mb']}"
        rows.append((nb.name, result["seconds"], result["peak_mb"], status))

    version = subprocess.run(
        [str(vpy), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    width = max(len("notebook"), *(len(r[0]) for r in rows))
    lines = [
        f"Fresh venv from binder/requirements.txt, Python {version}, DLBASICS_OFFLINE=1",
        f"{'notebook':<{width}}  {'seconds':>8}  {'peak MB':>8}  status",
        *(f"{n:<{width}}  {s:>8.1f}  {m:>8.0f}  {st}" for n, s, m, st in rows),
        f"{'total':<{width}}  {sum(r[1] for r in rows):>8.1f}",
    ]
    report = "\n".join(lines) + "\n"
    print("\n" + report)
    artifacts = REPO_ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "binder_report.txt").write_text(report)

    assert not failures, "\n\n".join(failures)
