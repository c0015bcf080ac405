"""Build the student edition of the course: the notebooks without the exercise solutions.

In the course notebooks every exercise has three parts: a markdown prompt, a code cell for
the learner (``answer = ...`` followed by a check such as ``ch01.check_weight(answer)``) and a
**solution cell** tagged ``solution`` (collapsed in JupyterLab). The student edition keeps the
prompt and the learner's cell and drops the solution cell, with its outputs. Nothing else is
touched: the committed outputs of every other cell stay, so the notebooks still read like the
course, and they still run top to bottom, the checks printing "⏳ ... not done yet" until the
learner fills in an answer.

Execution counts are renumbered 1, 2, 3, ... so that the gaps left by the removed cells do not
show. Files that are not notebooks (data, images) are copied unchanged; checkpoints and
caches are skipped. The command warns about any later cell that reads a name only a solution
defines (see :func:`uses_of_solutions`), since that cell would fail in the student edition.

Command line::

    python -m dlbasics.student course student

builds ``student/`` from ``course/``. Notebooks are read and written as plain JSON, so this
needs nothing beyond the standard library.

This module is a tool for instructors, not something the course's learners import. It ships
inside the package, as public and stable as the rest of the API, so that the command above works
from an installed ``dlbasics`` without a clone of the repository. The autograding tool
``tools/make_nbgrader.py`` (in the repository) reads the same ``solution`` tags.
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "SOLUTION_TAG",
    "is_solution",
    "strip_solutions",
    "uses_of_solutions",
    "build_student_edition",
    "main",
]

#: The cell tag that marks an exercise solution in the course notebooks.
SOLUTION_TAG = "solution"

_SKIP_DIRS = {".ipynb_checkpoints", "__pycache__", ".pytest_cache", "_build"}

Notebook = dict[str, Any]


def is_solution(cell: dict[str, Any]) -> bool:
    """True if ``cell`` carries the ``solution`` tag in its metadata.

    Examples
    --------
    >>> is_solution({"cell_type": "code", "metadata": {"tags": ["solution"]}, "source": ""})
    True
    >>> is_solution({"cell_type": "code", "metadata": {}, "source": "answer = ..."})
    False
    """
    tags = cell.get("metadata", {}).get("tags", [])
    return isinstance(tags, list) and SOLUTION_TAG in tags


def strip_solutions(nb: Notebook) -> tuple[Notebook, int]:
    """A copy of the notebook ``nb`` (its JSON as a dict) without solution cells.

    Code cells are renumbered ``1, 2, 3, ...`` in order (their ``execute_result`` outputs
    too), as if the student edition had been run once from a clean kernel; cells that were
    never executed keep ``None``.

    Returns
    -------
    notebook : dict
        The student notebook; ``nb`` itself is not modified.
    removed : int
        How many solution cells were dropped.

    Examples
    --------
    >>> nb = {"cells": [
    ...     {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
    ...      "source": "answer = ...\\ncheck(answer)"},
    ...     {"cell_type": "code", "execution_count": 2, "metadata": {"tags": ["solution"]},
    ...      "outputs": [], "source": "answer = 42\\ncheck(answer)"},
    ...     {"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [],
    ...      "source": "print('done')"}],
    ...     "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    >>> student, removed = strip_solutions(nb)
    >>> removed, [c["execution_count"] for c in student["cells"]]
    (1, [1, 2])
    """
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("strip_solutions: expected a notebook (a dict with a 'cells' list)")
    student = json.loads(json.dumps(nb))  # deep copy of plain JSON
    kept = [c for c in student["cells"] if not is_solution(c)]
    count = 0
    for cell in kept:
        if cell.get("cell_type") != "code" or cell.get("execution_count") is None:
            continue
        count += 1
        cell["execution_count"] = count
        for out in cell.get("outputs", []):
            if "execution_count" in out:
                out["execution_count"] = count
    removed = len(student["cells"]) - len(kept)
    student["cells"] = kept
    return student, removed


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _names(code: str) -> tuple[set[str], set[str]]:
    """Names a code cell binds and names it reads (IPython magics and shell lines skipped)."""
    lines = [ln for ln in code.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return set(), set()
    bound: set[str] = set()
    read: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store | ast.Del) else read).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    return bound, read


def uses_of_solutions(nb: Notebook) -> list[str]:
    """Cells that would break in the student edition: they read a name only a solution binds.

    A solution cell may define something (a function, a trained network) that a later cell
    goes on to use; without the solution that later cell raises ``NameError``. This finds
    such names statically, without running the notebook.

    Returns
    -------
    list of str
        One message per (cell, name); empty when the student edition is safe.

    Examples
    --------
    >>> nb = {"cells": [
    ...     {"cell_type": "code", "metadata": {"tags": ["solution"]}, "source": "w_best = 7.56"},
    ...     {"cell_type": "code", "metadata": {}, "source": "print(w_best * 30)"}]}
    >>> uses_of_solutions(nb)
    ["code cell 2 uses 'w_best', which only a solution cell defines"]
    """
    cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    names = [_names(_source(c)) for c in cells]
    bound_outside = set().union(*(b for c, (b, _) in zip(cells, names, strict=True)
                                  if not is_solution(c)))
    problems: list[str] = []
    solution_only: set[str] = set()
    for i, (cell, (bound, read)) in enumerate(zip(cells, names, strict=True), start=1):
        if is_solution(cell):
            solution_only |= bound - bound_outside
            continue
        for name in sorted(read & solution_only):
            problems.append(f"code cell {i} uses {name!r}, which only a solution cell defines")
    return problems


def build_student_edition(src: str | Path, out: str | Path) -> list[tuple[Path, int]]:
    """Write the student edition of the folder ``src`` into ``out``.

    Every ``*.ipynb`` under ``src`` goes through :func:`strip_solutions`; every other file is
    copied as it is. Existing files in ``out`` with the same names are overwritten; nothing
    else in ``out`` is deleted.

    Parameters
    ----------
    src : path
        The course folder (for example ``course``).
    out : path
        Where to write the student edition (for example ``student``); must not be ``src``
        or lie inside it.

    Returns
    -------
    list of (path, removed)
        Each notebook written (relative to ``out``) and how many solution cells it lost.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> (tmp / "course").mkdir()
    >>> cell = {"cell_type": "code", "execution_count": 1, "metadata": {"tags": ["solution"]},
    ...         "outputs": [], "source": "answer = 42"}
    >>> nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    >>> _ = (tmp / "course" / "01.ipynb").write_text(json.dumps(nb))
    >>> [(str(p), n) for p, n in build_student_edition(tmp / "course", tmp / "student")]
    [('01.ipynb', 1)]
    >>> json.loads((tmp / "student" / "01.ipynb").read_text())["cells"]
    []
    """
    src, out = Path(src).resolve(), Path(out).resolve()
    if not src.is_dir():
        raise FileNotFoundError(f"student edition: source folder {src} does not exist")
    if out == src or src in out.parents:
        raise ValueError(
            f"student edition: the output folder must not be the course folder or lie inside it "
            f"(got source {src}, output {out})"
        )
    built: list[tuple[Path, int]] = []
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if any(part in _SKIP_DIRS for part in rel.parts) or not path.is_file():
            continue
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".ipynb":
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise ValueError(f"student edition: {rel} is not valid notebook JSON: {exc}") from exc
            student, removed = strip_solutions(nb)
            # the layout nbformat writes: one-space indent, real UTF-8, final newline
            text = json.dumps(student, indent=1, ensure_ascii=False) + "\n"
            target.write_text(text, encoding="utf-8")
            built.append((rel, removed))
        else:
            shutil.copy2(path, target)
    return built


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m dlbasics.student SRC_DIR OUT_DIR``."""
    parser = argparse.ArgumentParser(
        prog="python -m dlbasics.student",
        description="Copy the course notebooks without their exercise solutions "
        f"(cells tagged '{SOLUTION_TAG}').",
    )
    parser.add_argument("src", type=Path, help="course folder, e.g. course")
    parser.add_argument("out", type=Path, help="output folder, e.g. student")
    args = parser.parse_args(argv)
    try:
        built = build_student_edition(args.src, args.out)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for rel, removed in built:
        print(f"{rel}: {removed} solution cell{'s' if removed != 1 else ''} removed")
        nb = json.loads((args.src / rel).read_text(encoding="utf-8"))
        for problem in uses_of_solutions(nb):
            print(f"warning: {rel}: {problem}; the student edition will raise NameError there",
                  file=sys.stderr)
    print(f"student edition: {len(built)} notebook(s) written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
