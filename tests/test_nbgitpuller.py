"""nbgitpuller copies the course into a learner's home and later merges the instructor's updates.

On a JupyterHub, a git-pull link (``docs/teaching.md``) runs nbgitpuller: the first click
clones the course, later clicks merge new upstream commits while keeping what the learner
changed. These tests drive its Python API (``nbgitpuller.pull.GitPuller``) against a local
bare repository made from a copy of ``course/`` (so they do not depend on this checkout's git
state and never touch the network), and check the merge behaviour nbgitpuller documents:

* a file changed only upstream is updated; a file changed only by the learner keeps the
  learner's change; a notebook changed by both in different cells gets both changes;
* where both changed the same lines, the learner's version wins;
* a file the learner deleted comes back.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

pull = pytest.importorskip("nbgitpuller.pull", reason="nbgitpuller is not installed: pip install nbgitpuller")

COURSE = Path(__file__).resolve().parents[1] / "course"
NOTEBOOK = "course/01_single_neuron.ipynb"
OTHER_NOTEBOOK = "course/02_weighted_inputs.ipynb"
DELETED_NOTEBOOK = "course/03_perceptron_limits.ipynb"
LEARNER_ANSWER = "answer = 4.2 * 50  # my answer"


def git(*args: str, cwd: Path) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"git {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


class Upstream:
    """The instructor's side: a bare repository (what the hub pulls from) and a work tree."""

    def __init__(self, root: Path) -> None:
        self.bare = root / "dlbasics.git"
        self.work = root / "instructor"
        self.url = self.bare.as_uri()  # file://...: clones honour --depth like a remote would
        self.work.mkdir()
        shutil.copytree(COURSE, self.work / "course", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        git("init", "--quiet", "--initial-branch=main", cwd=self.work)
        self.commit("The course")
        git("init", "--quiet", "--bare", "--initial-branch=main", str(self.bare), cwd=root)
        git("push", "--quiet", self.url, "main", cwd=self.work)

    def commit(self, message: str) -> None:
        git("add", "--all", cwd=self.work)
        git("commit", "--quiet", "-m", message, cwd=self.work)

    def push(self) -> None:
        git("push", "--quiet", self.url, "main", cwd=self.work)


@pytest.fixture
def upstream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Upstream:
    # Keep git away from this machine's configuration; commit as a fixed instructor.
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Instructor")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "instructor@example.org")
    return Upstream(tmp_path)


def git_pull(upstream: Upstream, home: Path) -> str:
    """What a click on the git-pull link does; returns nbgitpuller's log."""
    puller = pull.GitPuller(upstream.url, str(home / "dlbasics"), branch="main", depth=1)
    return "".join(puller.pull())


EXERCISE_1 = "check_walk_kcal(answer)"  # the code cell of notebook 01's first exercise


def edit_cell(path: Path, contains: str, edit: Callable[[str], str]) -> None:
    """Rewrite the source of the first cell containing ``contains``, as JupyterLab saves it."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if contains in c.source)
    cell.source = edit(cell.source)
    nbformat.write(nb, path)


def cell_sources(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells]


def test_first_pull_clones_the_course(upstream: Upstream, tmp_path: Path) -> None:
    home = tmp_path / "home"
    log = git_pull(upstream, home)
    names = sorted(p.name for p in (home / "dlbasics" / "course").glob("*.ipynb"))
    assert names == sorted(p.name for p in COURSE.glob("*.ipynb")), log
    assert cell_sources(home / "dlbasics" / NOTEBOOK) == cell_sources(COURSE / NOTEBOOK.split("/")[1])


def test_pull_keeps_the_learners_edit_and_brings_the_update(upstream: Upstream, tmp_path: Path) -> None:
    home = tmp_path / "home"
    git_pull(upstream, home)
    learner = home / "dlbasics"

    # The learner answers exercise 1 of notebook 01 and deletes notebook 03 by mistake.
    edit_cell(learner / NOTEBOOK, EXERCISE_1, lambda s: s.replace("answer = ...", LEARNER_ANSWER, 1))
    (learner / DELETED_NOTEBOOK).unlink()

    # The instructor fixes the introduction of 01 (another cell), notebook 02, and adds a notebook.
    intro = cell_sources(upstream.work / NOTEBOOK)[0]
    edit_cell(upstream.work / NOTEBOOK, intro, lambda s: s + "\n\nUpdated for this term.")
    edit_cell(upstream.work / OTHER_NOTEBOOK, "import", lambda s: "# Updated upstream.\n" + s)
    shutil.copy(upstream.work / OTHER_NOTEBOOK, upstream.work / "course" / "extra_practice.ipynb")
    upstream.commit("Updates for this term")
    upstream.push()

    log = git_pull(upstream, home)

    sources = cell_sources(learner / NOTEBOOK)
    assert any(LEARNER_ANSWER in s for s in sources), f"the learner's answer was lost:\n{log}"
    assert sources[0].endswith("Updated for this term."), f"the upstream change to 01 did not arrive:\n{log}"
    assert any(s.startswith("# Updated upstream.") for s in cell_sources(learner / OTHER_NOTEBOOK)), log
    assert (learner / "course" / "extra_practice.ipynb").is_file(), log
    assert (learner / DELETED_NOTEBOOK).is_file(), f"the deleted notebook was not restored:\n{log}"
    # Everything is committed and merged: the next click starts from a clean tree.
    assert git("status", "--porcelain", cwd=learner) == ""
    pulled = git("rev-parse", "origin/main", cwd=learner)
    assert pulled == git("rev-parse", "main", cwd=upstream.work)
    assert git("merge-base", "--is-ancestor", "origin/main", "HEAD", cwd=learner) == ""


def test_learner_wins_where_both_changed_the_same_line(upstream: Upstream, tmp_path: Path) -> None:
    home = tmp_path / "home"
    git_pull(upstream, home)
    learner = home / "dlbasics"
    edit_cell(learner / NOTEBOOK, EXERCISE_1, lambda s: s.replace("answer = ...", LEARNER_ANSWER, 1))
    edit_cell(
        upstream.work / NOTEBOOK,
        EXERCISE_1,
        lambda s: s.replace("answer = ...", "answer = ...  # reworded upstream", 1),
    )
    upstream.commit("Reword exercise 1")
    upstream.push()

    log = git_pull(upstream, home)

    sources = cell_sources(learner / NOTEBOOK)
    assert any(LEARNER_ANSWER in s for s in sources), f"the learner's answer was overwritten:\n{log}"
    assert not any("reworded upstream" in s for s in sources), log
    nbformat.validate(nbformat.read(learner / NOTEBOOK, as_version=4))  # still a valid notebook
