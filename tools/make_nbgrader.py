"""Turn the course notebooks into an nbgrader course directory: one assignment per notebook.

Command line::

    python tools/make_nbgrader.py course grading

writes ``grading/source/<notebook>/<notebook>.ipynb`` for every notebook of ``course/`` (the
assignment is named after the notebook, e.g. ``01_single_neuron``) and, unless it exists
already, ``grading/nbgrader_config.py``. From ``grading/`` the usual nbgrader commands then
make and grade the assignments (see ``docs/grading.md``)::

    nbgrader generate_assignment 01_single_neuron
    nbgrader autograde 01_single_neuron

What each cell becomes is decided by its tags (``metadata.tags``), never by its position alone:

``solution`` (code)
    The exercise's solution. Together with the learner's cell just before it (the one that
    calls the same ``chNN.check_*``) it becomes one **autograded answer** cell: the lines both
    share stay as they are, the learner's placeholders (``answer = ...``) stay in front, and the
    solution's own lines go between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, so that
    ``nbgrader generate_assignment`` strips them to the learner's scaffold. Every check call
    becomes an **autograder test** cell (read-only, ``--points`` each) that calls the check's
    raising form, ``assert_passes(chNN.check_x, answer)``: the check's own ⏳/❌ feedback is the
    failure message a student sees. A code solution without any check call becomes a
    **manually graded** code answer.
``solution`` (markdown)
    A written answer, **manually graded**; the student version shows "YOUR ANSWER HERE".
``self-check``, ``quiz``
    A question. In markdown it becomes **read-only**, followed (unless a ``solution`` cell
    follows it already) by a **manually graded** written-answer cell; a ``<details>`` block in
    the question (a revealed answer) moves into that cell, so only graders see it. A code cell
    with such a tag (and no solution after it) is an exercise on its own: its check calls
    become test cells and an empty solution region marks where the answer goes.
``build-it-yourself``
    A larger exercise: handled as above, but each of its tests (or its manual grade) is worth
    ``--build-points``.
``points-N``
    On a learner, solution or question cell: the exercise's tests are worth N points each.

Every other cell is copied as it is. Outputs and execution counts are cleared (nbgrader
clears them from the student version anyway) and so is the saved widget state. Only notebooks
are written: a notebook that reads files beside it needs them copied into its assignment's
folder. Notebooks are read and written as plain JSON: this needs nothing beyond the standard
library.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import re
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SOLUTION_TAG = "solution"
QUESTION_TAGS = ("self-check", "quiz")
BUILD_TAGS = ("build-it-yourself",)
POINTS_TAG = re.compile(r"^points-(\d+(?:\.\d+)?)$")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
#: nbgrader's default code stub (ClearSolutions.code_stub), used to check the student version compiles
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"
SCHEMA_VERSION = 3
RAISING_IMPORT = "from dlbasics.exercises import assert_passes"

_NBVAL_LINE = re.compile(r"^\s*#\s*NBVAL_\w+\s*$")
_DETAILS = re.compile(r"<details\b", re.IGNORECASE)

CONFIG_TEMPLATE = '''\
"""nbgrader settings for the dlbasics course (written by tools/make_nbgrader.py; edit freely)."""

c = get_config()  # noqa: F821 (nbgrader provides get_config)

c.CourseDirectory.course_id = {course_id!r}
# Each assignment is one course notebook: nbgrader generate_assignment 01_single_neuron
# The exercise checks import dlbasics: install it (pip install -e .) where nbgrader runs.
# Longest time one cell may run when autograding (the MNIST notebook trains a network).
c.Execute.timeout = {timeout}
'''

Cell = dict[str, Any]
Notebook = dict[str, Any]


def _tags(cell: Cell | None) -> list[str]:
    tags = (cell or {}).get("metadata", {}).get("tags", [])
    return [str(t) for t in tags] if isinstance(tags, list) else []


def _source(cell: Cell | None) -> str:
    src = (cell or {}).get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _is_solution(cell: Cell | None) -> bool:
    return SOLUTION_TAG in _tags(cell)


def _is_question(cell: Cell | None) -> bool:
    return any(t in QUESTION_TAGS for t in _tags(cell))


def _parse(code: str) -> ast.Module | None:
    """The code's syntax tree (IPython magics and shell lines blanked, line numbers kept)."""
    lines = ["" if ln.lstrip().startswith(("%", "!")) else ln for ln in code.split("\n")]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def find_checks(code: str) -> list[tuple[int, int, str, str]]:
    """The top-level exercise-check calls in ``code``: ``chNN.check_x(...)`` or ``check_x(...)``.

    Returns
    -------
    list of (first, last, name, raising)
        0-based first and last line of each call, the check's name (``check_x``) and the
        statement that runs it in its raising form: ``assert_passes(chNN.check_x, ...)``.

    Examples
    --------
    >>> find_checks("answer = 3\\nch01.check_walk_kcal(answer)")
    [(1, 1, 'check_walk_kcal', 'assert_passes(ch01.check_walk_kcal, answer)')]
    """
    tree = _parse(code)
    if tree is None:
        return []
    found = []
    for node in tree.body:
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
            continue
        call, func = node.value, node.value.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if not name.startswith("check_"):
            continue
        parts = [ast.get_source_segment(code, func) or name]
        parts += [ast.get_source_segment(code, a) or ast.unparse(a) for a in call.args]
        parts += [ast.get_source_segment(code, k) or ast.unparse(k) for k in call.keywords]
        end = node.end_lineno if node.end_lineno is not None else node.lineno
        found.append((node.lineno - 1, end - 1, name, f"assert_passes({', '.join(parts)})"))
    return found


def _body_lines(code: str) -> list[str]:
    """The cell's lines without its check calls and nbval markers."""
    drop = {i for first, last, _, _ in find_checks(code) for i in range(first, last + 1)}
    return [ln for i, ln in enumerate(code.split("\n")) if i not in drop and not _NBVAL_LINE.match(ln)]


def _is_blank_assignment(line: str) -> bool:
    """True for a placeholder the learner replaces that is harmless to run: ``name = ...``."""
    try:
        tree = ast.parse(textwrap.dedent(line))
    except SyntaxError:
        return False
    return (len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign | ast.AnnAssign)
            and isinstance(tree.body[0].value, ast.Constant) and tree.body[0].value.value is ...)


def _placeholder(line: str) -> str:
    """A learner's placeholder line kept in front of the solution: as is when running it is
    harmless (``answer = ...``), else commented out (``# return ...``)."""
    if _is_blank_assignment(line):
        return line
    indent = line[: len(line) - len(line.lstrip())]
    return f"{indent}# {line.lstrip()}"


def _region(lines: Sequence[str]) -> list[str]:
    indents = [len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()]
    pad = " " * (min(indents) if indents else 0)
    return [pad + BEGIN, *lines, pad + END]


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def merge_answer(learner: Sequence[str], solution: Sequence[str]) -> list[str]:
    """One answer cell from the learner's lines and the solution's, solution regions marked.

    Lines both cells share stay outside the regions; where they differ, the learner's lines
    come first (placeholders via :func:`_placeholder`) and the solution's lines follow in a
    ``### BEGIN SOLUTION`` / ``### END SOLUTION`` region.

    Examples
    --------
    >>> print("\\n".join(merge_answer(["x = load()", "answer = ...  # hint"],
    ...                               ["x = load()", "answer = x.sum()"])))
    x = load()
    answer = ...  # hint
    ### BEGIN SOLUTION
    answer = x.sum()
    ### END SOLUTION
    """
    matcher = difflib.SequenceMatcher(None, list(learner), list(solution), autojunk=False)
    out: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        mine, theirs = list(learner[i1:i2]), list(solution[j1:j2])
        if op == "equal":
            out += mine
            continue
        holes = [k for k, ln in enumerate(mine) if "..." in ln]
        cut = holes[-1] + 1 if holes else len(mine)
        out += [_placeholder(ln) if "..." in ln else ln for ln in mine[:cut]]
        if any(ln.strip() for ln in theirs):
            out += _region(theirs)
        else:
            out += theirs
        out += mine[cut:]
    if not any(ln.strip() == BEGIN for ln in out):  # nothing to hide: mark where the answer goes
        holes = [k for k, ln in enumerate(out) if "..." in ln]
        at = holes[-1] + 1 if holes else len(out)
        out[at:at] = _region([])
    return out


def student_code(code: str, stub: str = CODE_STUB) -> str:
    """``code`` with its solution regions replaced by ``stub``, as nbgrader's ClearSolutions does.

    Examples
    --------
    >>> print(student_code("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION"))
    def f():
        # YOUR CODE HERE
        raise NotImplementedError()
    """
    out: list[str] = []
    inside = False
    for line in code.split("\n"):
        if BEGIN in line:
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + s for s in stub.split("\n")]
            inside = True
        elif END in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def _compiles(code: str) -> bool:
    return _parse(code) is not None


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool,
          points: float | None = None) -> dict[str, Any]:
    """nbgrader's cell metadata (schema version 3)."""
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked,
                            "schema_version": SCHEMA_VERSION, "solution": solution}
    if grade:
        meta["points"] = points
    return meta


def _cell(cell_type: str, source: str, tags: Sequence[str] = (), nbgrader: dict[str, Any] | None = None,
          base: Cell | None = None) -> Cell:
    # a graded cell drops the solution's "collapsed"/"source_hidden" look; other cells keep theirs
    dropped = ("tags", "execution", "nbgrader") + (("jupyter", "collapsed") if nbgrader is not None else ())
    metadata = {k: v for k, v in (base or {}).get("metadata", {}).items() if k not in dropped}
    if tags:
        metadata["tags"] = list(tags)
    if nbgrader is not None:
        metadata["nbgrader"] = nbgrader
    new: Cell = {"cell_type": cell_type, "metadata": metadata, "source": source}
    if nbgrader is not None:  # a cell id nbformat accepts, unique like the grade id
        new["id"] = f"nbgrader-{nbgrader['grade_id']}"[:64]
    elif "id" in (base or {}):
        new["id"] = (base or {})["id"]
    if cell_type == "code":
        new["execution_count"] = None
        new["outputs"] = []
    return new


class _Ids:
    """Unique nbgrader grade ids within one notebook."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, stem: str) -> str:
        stem = re.sub(r"[^A-Za-z0-9_\-]+", "_", stem).strip("_") or "cell"
        grade_id, n = stem, 1
        while grade_id in self.used:
            n += 1
            grade_id = f"{stem}_{n}"
        self.used.add(grade_id)
        return grade_id


def _points(cells: Sequence[Cell | None], points: float, build_points: float) -> float:
    tags = [t for c in cells for t in _tags(c)]
    for tag in tags:
        match = POINTS_TAG.match(tag)
        if match:
            return float(match.group(1))
    return build_points if any(t in BUILD_TAGS for t in tags) else points


def _kept_tags(*cells: Cell | None) -> list[str]:
    seen: list[str] = []
    for t in (t for c in cells for t in _tags(c)):
        if t != SOLUTION_TAG and t not in seen:
            seen.append(t)
    return seen


def _label(name: str, raising: str) -> str:
    """What a check's cells are called: ``walk_kcal`` for ``check_walk_kcal``, and
    ``question_knowledge`` for ``check_question("knowledge", …)``."""
    asked = re.search(r"check_question,\s*[\"'](\w+)[\"']", raising)
    return f"question_{asked[1]}" if name == "check_question" and asked else name.removeprefix("check_")


def _exercise(learner: Cell | None, solution: Cell | None, ids: _Ids, n: int, points: float,
              build_points: float, warnings: list[str]) -> list[Cell]:
    """The answer cell and test cells of one exercise (either cell may be ``None``)."""
    l_code, s_code = _source(learner), _source(solution)
    checks = find_checks(s_code) or find_checks(l_code)
    worth = _points([learner, solution], points, build_points)
    base = learner or solution
    lines = _trim(merge_answer(_body_lines(l_code), _body_lines(s_code)))
    if not (_compiles("\n".join(lines)) and _compiles(student_code("\n".join(lines)))):
        warnings.append(f"exercise {n}: the learner's scaffold could not be kept around the solution; "
                        "the student version shows only the code stub")
        lines = _region(_trim(_body_lines(s_code)))
    body = "\n".join(lines)
    tags = _kept_tags(learner, solution)
    names = list(dict.fromkeys(_label(name, raising) for _, _, name, raising in checks))
    stem = names[0] if names else f"exercise_{n}"
    if not checks:
        meta = _meta(ids(f"answer_{stem}"), grade=True, solution=True, locked=False, points=worth)
        return [_cell("code", body, tags, meta, base)]
    cells = [_cell("code", body, tags, _meta(ids(f"answer_{stem}"), grade=False, solution=True,
                                             locked=False), base)]
    for _, _, name, raising in checks:
        test = f"{RAISING_IMPORT}\n\n{raising}"
        meta = _meta(ids(f"test_{_label(name, raising)}"), grade=True, solution=False, locked=True,
                     points=worth)
        cells.append(_cell("code", test, (), meta))
    return cells


def _question(cell: Cell, answered: bool, ids: _Ids, n: int, points: float,
              build_points: float) -> list[Cell]:
    """A question cell made read-only and, unless a solution follows, a written-answer cell."""
    text = _source(cell)
    answer = ""
    if not answered:
        match = _DETAILS.search(text)
        if match:
            text, answer = text[: match.start()].rstrip() + "\n", text[match.start():]
    out = [_cell("markdown", text, _kept_tags(cell),
                 _meta(ids(f"question_{n}"), grade=False, solution=False, locked=True), cell)]
    if not answered:
        worth = _points([cell], points, build_points)
        out.append(_cell("markdown", answer or TEXT_STUB, (),
                         _meta(ids(f"answer_question_{n}"), grade=True, solution=True, locked=False,
                               points=worth)))
    return out


def _pairs(learner: Cell, solution: Cell) -> bool:
    """True if ``learner`` is the learner's cell of the exercise that ``solution`` solves."""
    if learner.get("cell_type") != "code" or _is_solution(learner):
        return False
    mine = {name for _, _, name, _ in find_checks(_source(learner))}
    theirs = {name for _, _, name, _ in find_checks(_source(solution))}
    return bool(mine & theirs) if mine or theirs else "..." in _source(learner)


def convert_notebook(nb: Notebook, points: float = 1, build_points: float = 3) -> tuple[Notebook, list[str]]:
    """The nbgrader source version of a course notebook (its JSON as a dict).

    Returns
    -------
    notebook : dict
        A new notebook; ``nb`` itself is not modified.
    warnings : list of str
        Exercises whose scaffold could not be kept.

    Examples
    --------
    >>> code = lambda src, tags=(): {"cell_type": "code", "metadata": {"tags": list(tags)},
    ...                              "source": src, "outputs": [], "execution_count": 1}
    >>> nb = {"cells": [code("answer = ...\\nch01.check_walk_kcal(answer)"),
    ...                 code("answer = 210\\nch01.check_walk_kcal(answer)", ["solution"])],
    ...       "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    >>> graded, _ = convert_notebook(nb)
    >>> [c["metadata"]["nbgrader"]["grade_id"] for c in graded["cells"]]
    ['answer_walk_kcal', 'test_walk_kcal']
    >>> print(graded["cells"][0]["source"])
    answer = ...
    ### BEGIN SOLUTION
    answer = 210
    ### END SOLUTION
    >>> print(graded["cells"][1]["source"])
    from dlbasics.exercises import assert_passes
    <BLANKLINE>
    assert_passes(ch01.check_walk_kcal, answer)
    """
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("convert_notebook: expected a notebook (a dict with a 'cells' list)")
    cells: list[Cell] = nb["cells"]
    ids, out, n = _Ids(), [], 0
    warnings: list[str] = []
    i = 0
    while i < len(cells):
        cell = cells[i]
        nxt = cells[i + 1] if i + 1 < len(cells) else None
        kind = cell.get("cell_type")
        if _is_solution(cell) and kind == "markdown":
            n += 1
            meta = _meta(ids(f"answer_{n}"), grade=True, solution=True, locked=False,
                         points=_points([cell], points, build_points))
            out.append(_cell("markdown", _source(cell), _kept_tags(cell), meta, cell))
        elif _is_solution(cell) and kind == "code":
            n += 1
            out += _exercise(None, cell, ids, n, points, build_points, warnings)
        elif (kind == "code" and nxt is not None and nxt.get("cell_type") == "code" and _is_solution(nxt)
              and _pairs(cell, nxt)):
            n += 1
            out += _exercise(cell, nxt, ids, n, points, build_points, warnings)
            i += 2
            continue
        elif _is_question(cell) and kind == "markdown":
            n += 1
            out += _question(cell, _is_solution(nxt), ids, n, points, build_points)
        elif _is_question(cell) and kind == "code" and not _is_solution(nxt):
            n += 1
            out += _exercise(cell, None, ids, n, points, build_points, warnings)
        else:
            out.append(_cell(str(kind), _source(cell), _tags(cell), None, cell)
                       if kind in ("code", "markdown", "raw") else dict(cell))
        i += 1
    graded = {k: v for k, v in nb.items() if k != "cells"}
    graded["metadata"] = {k: v for k, v in nb.get("metadata", {}).items() if k != "widgets"}
    graded["cells"] = out
    return graded, warnings


def make_course(src: str | Path, out: str | Path, only: Sequence[str] = (), points: float = 1,
                build_points: float = 3, course_id: str = "dlbasics",
                timeout: int = 600) -> list[tuple[str, int, float, list[str]]]:
    """Write the nbgrader course directory ``out`` from the course notebooks in ``src``.

    Returns
    -------
    list of (assignment, tests, total points, warnings)
        One entry per notebook written to ``out/source/<assignment>/<assignment>.ipynb``.
    """
    src, out = Path(src).resolve(), Path(out).resolve()
    if not src.is_dir():
        raise FileNotFoundError(f"make_nbgrader: course folder {src} does not exist")
    if out == src or src in out.parents:
        raise ValueError(f"make_nbgrader: the output folder must not be the course folder or lie inside it "
                         f"(got course {src}, output {out})")
    notebooks = sorted(p for p in src.glob("*.ipynb") if not only or any(p.stem.startswith(o) for o in only))
    if not notebooks:
        raise FileNotFoundError(f"make_nbgrader: no notebook in {src}"
                                + (f" whose name starts with {' or '.join(only)}" if only else ""))
    written = []
    for path in notebooks:
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"make_nbgrader: {path.name} is not valid notebook JSON: {exc}") from exc
        graded, warnings = convert_notebook(nb, points=points, build_points=build_points)
        target = out / "source" / path.stem / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(graded, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        graded_cells = [c["metadata"]["nbgrader"] for c in graded["cells"]
                        if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
        tests = sum(1 for m in graded_cells if not m["solution"])
        written.append((path.stem, tests, float(sum(m["points"] for m in graded_cells)), warnings))
    config = out / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG_TEMPLATE.format(course_id=course_id, timeout=timeout), encoding="utf-8")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python tools/make_nbgrader.py COURSE_DIR OUT_DIR``."""
    parser = argparse.ArgumentParser(
        prog="python tools/make_nbgrader.py",
        description="Write an nbgrader course directory from the course notebooks: one assignment per "
                    "notebook in OUT_DIR/source/, exercise solutions (cells tagged 'solution') as "
                    "autograded answers, each exercise check as a read-only autograder test worth points, "
                    "and OUT_DIR/nbgrader_config.py (kept if it exists).",
    )
    parser.add_argument("course", type=Path, help="folder of the course notebooks, e.g. course")
    parser.add_argument("out", type=Path, help="the nbgrader course directory to write, e.g. grading")
    parser.add_argument("--notebook", action="append", default=[], metavar="PREFIX",
                        help="only the notebooks whose name starts with PREFIX, e.g. 01 (repeatable)")
    parser.add_argument("--points", type=float, default=1.0,
                        help="points of each autograder test or manually graded answer (default 1)")
    parser.add_argument("--build-points", type=float, default=3.0,
                        help="the same for exercises tagged build-it-yourself (default 3)")
    parser.add_argument("--course-id", default="dlbasics",
                        help="CourseDirectory.course_id in a new nbgrader_config.py (default dlbasics)")
    parser.add_argument("--timeout", type=int, default=600,
                        help="seconds one cell may run when autograding, in a new nbgrader_config.py "
                             "(default 600)")
    args = parser.parse_args(argv)
    try:
        written = make_course(args.course, args.out, only=args.notebook, points=args.points,
                              build_points=args.build_points, course_id=args.course_id,
                              timeout=args.timeout)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, tests, total, warnings in written:
        print(f"source/{name}/{name}.ipynb: {tests} autograder test{'s' if tests != 1 else ''}, "
              f"{total:g} point{'s' if total != 1 else ''}")
        for warning in warnings:
            print(f"warning: {name}: {warning}", file=sys.stderr)
    print(f"nbgrader course directory: {args.out} ({len(written)} assignment(s)); "
          f"next: cd {args.out} && nbgrader generate_assignment {written[0][0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
