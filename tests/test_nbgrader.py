"""Grading with nbgrader: the raising form of the exercise checks, the tool that turns the course
into nbgrader assignments (tools/make_nbgrader.py), and the whole round trip through nbgrader's
own commands (generate the student version, autograde three submissions, read the gradebook)."""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from dlbasics.exercises import CheckFailed, assert_passes, ch01, ch02, ch03, ch04, ch05, ch06, ch07

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "make_nbgrader.py"
CHAPTERS = [ch01, ch02, ch03, ch04, ch05, ch06, ch07]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_nbgrader", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mk = _tool()


def printed(capsys: pytest.CaptureFixture[str], check: Any, *args: Any) -> str:
    """What the printing form of ``check`` prints for ``args``."""
    capsys.readouterr()
    check(*args)
    return capsys.readouterr().out.rstrip("\n")


# -- the raising form ---------------------------------------------------------------------------


def test_raising_form_returns_and_prints_the_same_line_for_a_right_answer(capsys):
    line = printed(capsys, ch01.check_walk_kcal, 210.0)
    assert line.startswith("✅")
    assert assert_passes(ch01.check_walk_kcal, 210.0) is None
    assert capsys.readouterr().out.rstrip("\n") == line


def test_raising_form_raises_the_diagnosis_for_a_wrong_answer(capsys):
    line = printed(capsys, ch01.check_walk_kcal, 4.2 / 50)
    assert line.startswith("❌") and "not a division" in line
    with pytest.raises(CheckFailed) as info:
        assert_passes(ch01.check_walk_kcal, 4.2 / 50)
    assert isinstance(info.value, AssertionError)
    assert str(info.value) == line and info.value.lines == [line]
    assert info.value.not_done is False
    assert capsys.readouterr().out == ""  # the feedback is in the exception, shown once


def test_raising_form_raises_for_an_answer_not_done_yet(capsys):
    line = printed(capsys, ch01.check_walk_kcal, ...)
    with pytest.raises(AssertionError) as info:
        assert_passes(ch01.check_walk_kcal, ...)
    assert str(info.value) == line and line.startswith("⏳")
    assert info.value.not_done is True


def test_raising_form_of_a_check_in_parts_fails_on_one_wrong_part_and_lists_every_part(capsys):
    X, W, dZ = ch05.dense_backward_data()
    parts = (X.T @ dZ, dZ.mean(axis=0), dZ @ W.T)  # db is the mean, not the sum
    lines = printed(capsys, ch05.check_dense_backward, *parts).split("\n")
    assert [ln[0] for ln in lines] == ["✅", "❌", "✅"]
    with pytest.raises(CheckFailed) as info:
        assert_passes(ch05.check_dense_backward, *parts)
    assert info.value.lines == lines and "mean" in str(info.value)
    assert_passes(ch05.check_dense_backward, X.T @ dZ, dZ.sum(axis=0), dZ @ W.T)


def test_printing_form_is_unchanged_after_the_raising_form_failed(capsys):
    with pytest.raises(CheckFailed):
        assert_passes(ch01.check_walk_kcal, 1.0)
    assert printed(capsys, ch01.check_walk_kcal, 1.0).startswith("❌")


def _required(check: Any) -> int:
    return sum(1 for p in inspect.signature(check).parameters.values()
               if p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD)


CHECKS = [getattr(m, n) for m in CHAPTERS for n in m.__all__ if n.startswith("check_")]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: f"{c.__module__.rsplit('.', 1)[-1]}.{c.__name__}")
def test_every_check_has_a_raising_form_that_agrees_with_its_printing_form(capsys, check):
    args: list[Any] = [...] * _required(check)
    if check is ch07.check_recall:
        args[1] = np.eye(10, dtype=int) * 5  # the confusion matrix is data, not an answer
    line = printed(capsys, check, *args)
    assert line.startswith("⏳")
    with pytest.raises(CheckFailed) as info:
        assert_passes(check, *args)
    assert str(info.value) == line and info.value.not_done


def test_raising_form_lets_the_checks_own_errors_through_and_needs_a_verdict():
    def broken(answer: Any) -> None:
        raise ZeroDivisionError("inside the check")

    with pytest.raises(ZeroDivisionError):
        assert_passes(broken, 1)
    with pytest.raises(CheckFailed, match="silent: gave no verdict"):
        assert_passes(_silent, 1)
    with pytest.raises(TypeError, match="expected a check function.*got int"):
        assert_passes(3, 1)  # type: ignore[arg-type]


def _silent(answer: Any) -> None:
    """A check that forgets to give a verdict."""


_silent.__name__ = "silent"


# -- the tool, on notebooks it builds in memory --------------------------------------------------


def code(src: str, tags: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"cell_type": "code", "execution_count": 3, "metadata": {"tags": list(tags)},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "✅ x"}], "source": src}


def md(src: str, tags: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {"tags": list(tags)}, "source": src}


def notebook(*cells: dict[str, Any]) -> dict[str, Any]:
    return {"cells": list(cells), "metadata": {"kernelspec": {"name": "python3", "language": "python"},
                                               "widgets": {"state": {}}},
            "nbformat": 4, "nbformat_minor": 5}


def graded(nb: dict[str, Any], **kwargs: Any) -> list[dict[str, Any]]:
    out, warnings = mk.convert_notebook(nb, **kwargs)
    assert warnings == []
    return out["cells"]


def nbg(cell: dict[str, Any]) -> dict[str, Any]:
    return cell["metadata"].get("nbgrader", {})


def test_an_exercise_becomes_an_autograded_answer_and_a_locked_test_worth_points():
    cells = graded(notebook(
        md("Exercise 1"),
        code("x = load()\nanswer = ...  # hint\nch09.check_total(answer, x)"),
        code("# NBVAL_CHECK_OUTPUT\nx = load()\nanswer = x.sum()\nch09.check_total(answer, x)",
             ("solution",)),
        code("print('after')"),
    ), points=2)
    assert [c["cell_type"] for c in cells] == ["markdown", "code", "code", "code"]
    answer, test = cells[1], cells[2]
    assert nbg(answer) == {"grade": False, "grade_id": "answer_total", "locked": False, "schema_version": 3,
                           "solution": True}
    assert answer["source"] == ("x = load()\nanswer = ...  # hint\n"
                                "### BEGIN SOLUTION\nanswer = x.sum()\n### END SOLUTION")
    assert mk.student_code(answer["source"]) == ("x = load()\nanswer = ...  # hint\n"
                                                 "# YOUR CODE HERE\nraise NotImplementedError()")
    assert nbg(test) == {"grade": True, "grade_id": "test_total", "locked": True, "points": 2,
                         "schema_version": 3, "solution": False}
    assert test["source"].endswith("\nassert_passes(ch09.check_total, answer, x)")
    assert "solution" not in answer["metadata"].get("tags", [])
    assert all(c.get("outputs", []) == [] for c in cells)
    assert len({c["id"] for c in cells if "id" in c}) == sum("id" in c for c in cells)


def test_a_placeholder_inside_a_function_is_commented_and_both_versions_compile():
    cells = graded(notebook(
        code("def f(x):\n    return ...  # double it\n\n\nanswer = ...\ncheck_f(answer)"),
        code("def f(x):\n    return 2 * x\n\n\nanswer = f\ncheck_f(answer)", ("solution",)),
    ))
    src = cells[0]["source"]
    assert "    # return ...  # double it\n    ### BEGIN SOLUTION\n    return 2 * x\n" in src
    student = mk.student_code(src)
    assert "2 * x" not in student and "answer = ..." in student
    compile(src, "instructor", "exec")
    compile(student, "student", "exec")


def test_tags_for_questions_build_exercises_and_points_are_handled_generically():
    cells = graded(notebook(
        md("**Self-check.** Why?\n\n<details><summary>Answer</summary>Because.</details>", ("self-check",)),
        md("**Quiz.** What?", ("quiz",)),
        md("Explain.", ("quiz",)),
        md("Because I said so.", ("solution",)),
        code("answer = ...\nch09.check_pick(answer)", ("quiz",)),
        code("class Dense:\n    ...\n\nch09.check_dense(Dense)", ("build-it-yourself",)),
        code("class Dense:\n    def forward(self, X):\n        return X\n\nch09.check_dense(Dense)",
             ("solution",)),
        code("net = ...", ("points-5",)),
        code("net = make()", ("solution",)),
    ), points=1, build_points=4)
    kinds = [(c["cell_type"], nbg(c).get("grade_id"), nbg(c).get("points")) for c in cells]
    assert kinds == [
        ("markdown", "question_1", None), ("markdown", "answer_question_1", 1),  # details moved out
        ("markdown", "question_2", None), ("markdown", "answer_question_2", 1),
        ("markdown", "question_3", None), ("markdown", "answer_4", 1),  # answered by its solution
        ("code", "answer_pick", None), ("code", "test_pick", 1),
        ("code", "answer_dense", None), ("code", "test_dense", 4),
        ("code", "answer_exercise_7", 5),  # no check call: graded by hand
    ]
    assert "<details>" not in cells[0]["source"] and "Because." in cells[1]["source"]
    assert all(nbg(c)["locked"] and not nbg(c)["grade"] for c in (cells[0], cells[2], cells[4]))
    assert cells[3]["source"] == mk.TEXT_STUB
    assert nbg(cells[5])["grade"] and nbg(cells[5])["solution"] and cells[5]["source"] == "Because I said so."
    # a quiz code cell with no solution: the learner's line stays, an empty region marks the answer
    assert cells[6]["source"] == "answer = ...\n### BEGIN SOLUTION\n### END SOLUTION"
    assert nbg(cells[10])["grade"] and nbg(cells[10])["solution"]


def test_every_course_notebook_converts_to_valid_notebooks_with_one_test_per_check():
    nbformat = pytest.importorskip("nbformat")
    for path in sorted((ROOT / "course").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        out, warnings = mk.convert_notebook(nb)
        assert warnings == [], path.name
        cells = out["cells"]
        nbformat.validate(nbformat.from_dict(out))
        solutions = [c for c in nb["cells"] if "solution" in c.get("metadata", {}).get("tags", [])]
        checks = [call for c in solutions for call in mk.find_checks("".join(c["source"]))]
        answers = [c for c in cells if nbg(c).get("solution")]
        tests = [c for c in cells if nbg(c).get("grade") and not nbg(c).get("solution")]
        assert len(answers) == len(solutions) and len(tests) == len(checks) > 0, path.name
        assert [t["source"].rsplit("\n", 1)[-1] for t in tests] == [raising for *_, raising in checks]
        assert len(cells) == len(nb["cells"]) - len(solutions) + len(tests)
        for answer, solution in zip(answers, solutions, strict=True):
            compile(answer["source"], path.name, "exec")
            student = mk.student_code(answer["source"])
            compile(student, path.name, "exec")
            own = [ln for ln in mk._body_lines("".join(solution["source"]))
                   if ln.strip() and ln not in answer["source"].split(mk.BEGIN)[0]]
            assert own and not any(ln in student for ln in own), (path.name, own)
        assert "widgets" not in out["metadata"]


def test_command_line(tmp_path, capsys):
    assert subprocess.run([sys.executable, str(TOOL), "--help"], capture_output=True, text=True,
                          check=True).stdout.count("--points") >= 1
    out = tmp_path / "grading"
    assert mk.main([str(ROOT / "course"), str(out), "--notebook", "01", "--course-id", "nn101"]) == 0
    course = json.loads((ROOT / "course" / "01_single_neuron.ipynb").read_text(encoding="utf-8"))
    # one check in each solution cell
    graded = sum("solution" in c.get("metadata", {}).get("tags", []) for c in course["cells"])
    assert graded >= 6 and f"{graded} autograder tests, {graded} points" in capsys.readouterr().out
    assert [p.relative_to(out).as_posix() for p in sorted(out.rglob("*.ipynb"))] == [
        "source/01_single_neuron/01_single_neuron.ipynb"]
    config = (out / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "course_id = 'nn101'" in config
    (out / "nbgrader_config.py").write_text("c = get_config()\n", encoding="utf-8")
    assert mk.main([str(ROOT / "course"), str(out), "--notebook", "01"]) == 0
    assert (out / "nbgrader_config.py").read_text(encoding="utf-8") == "c = get_config()\n"  # kept
    assert mk.main([str(tmp_path / "nowhere"), str(out)]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert mk.main([str(ROOT / "course"), str(out), "--notebook", "99"]) == 1
    assert "no notebook" in capsys.readouterr().err


# -- end to end, with nbgrader itself -------------------------------------------------------------

ASSIGNMENT = "01_single_neuron"


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, f"{' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    return proc.stdout + proc.stderr


def _cells_by_id(nb: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {nbg(c)["grade_id"]: c for c in nb["cells"] if nbg(c).get("grade_id")}


def _regions(src: str) -> list[str]:
    """The non-blank lines between the solution markers."""
    inside, lines = False, []
    for ln in src.split("\n"):
        if ln.strip() in (mk.BEGIN, mk.END):
            inside = ln.strip() == mk.BEGIN
        elif inside and ln.strip():
            lines.append(json.dumps(ln, ensure_ascii=False)[1:-1])  # as written in the notebook's JSON
    return lines


def _without_markers(src: str) -> str:
    return "\n".join(ln for ln in src.split("\n") if ln.strip() not in (mk.BEGIN, mk.END))


@pytest.mark.slow
def test_nbgrader_round_trip_scores_full_zero_and_partial(tmp_path, monkeypatch):
    pytest.importorskip("nbgrader", reason='nbgrader is not installed: pip install -e ".[grading]"')
    import nbformat
    from nbgrader.api import Gradebook
    from nbgrader.nbgraderformat import MetadataValidator

    # nbgrader runs `alembic` as a program: this interpreter's scripts must come first on PATH
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    monkeypatch.setenv("PATH", path)
    env = {**os.environ, "PATH": path, "DLBASICS_OFFLINE": "1", "MPLBACKEND": "Agg"}
    course = tmp_path / "grading"
    _run([sys.executable, str(TOOL), str(ROOT / "course"), str(course)], tmp_path, env)
    _run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT], course, env)

    name = f"{ASSIGNMENT}.ipynb"
    source = json.loads((course / "source" / ASSIGNMENT / name).read_text(encoding="utf-8"))
    MetadataValidator().validate_nb(nbformat.from_dict(source))  # nbgrader's own schema check
    release_text = (course / "release" / ASSIGNMENT / name).read_text(encoding="utf-8")
    release = json.loads(release_text)
    solutions = {gid: _without_markers(mk._source(c)) for gid, c in _cells_by_id(source).items()
                 if nbg(c)["solution"]}
    questions = {f"answer_question_{q}" for q in ch01.QUESTIONS}
    assert set(solutions) == {"answer_walk_kcal", "answer_cycling_weight", "answer_sse_function"} | questions
    student_cells = _cells_by_id(release)
    for gid in solutions:  # the student version is the scaffold, not the solution
        scaffold = mk._source(student_cells[gid])
        assert "raise NotImplementedError()" in scaffold and "answer = ..." in scaffold
        hidden = _regions(mk._source(_cells_by_id(source)[gid]))
        assert hidden and not any(ln in release_text for ln in hidden), hidden

    def submit(student: str, answers: dict[str, str]) -> None:
        nb = json.loads(release_text)
        for gid, cell in _cells_by_id(nb).items():
            if gid in answers:
                cell["source"] = answers[gid]
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / name).write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")

    wrong_weight = ("minutes_bike, kcal_bike = ch01.cycling_data()\n"
                    "answer = kcal_bike.sum() / minutes_bike.sum()")  # an average of ratios: diagnosed
    submit("ada", solutions)
    submit("ben", {})
    submit("cy", {"answer_walk_kcal": solutions["answer_walk_kcal"], "answer_cycling_weight": wrong_weight})
    _run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT], course, env)

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s: gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, s) for s in ("ada", "ben", "cy")}
        assert scores["ada"].max_score == 3 + len(questions)  # three exercises and the questions
        assert scores["ada"].score == scores["ada"].max_score
        assert scores["ben"].score == 0
        assert 0 < scores["cy"].score < scores["cy"].max_score
        assert scores["cy"].score == 1  # one of the exercises right

    x, y = ch01.cycling_data()
    with pytest.raises(CheckFailed) as info:
        assert_passes(ch01.check_cycling_weight, y.sum() / x.sum())
    diagnosis = str(info.value)
    assert diagnosis.startswith("❌ cycling weight: not yet")
    graded_nb = json.loads((course / "autograded" / "cy" / ASSIGNMENT / name).read_text(encoding="utf-8"))
    errors = {gid: [o for o in c.get("outputs", []) if o["output_type"] == "error"]
              for gid, c in _cells_by_id(graded_nb).items() if gid.startswith("test_")}
    assert errors["test_walk_kcal"] == []
    assert [(e["ename"], e["evalue"]) for e in errors["test_cycling_weight"]] == [("CheckFailed", diagnosis)]
    assert errors["test_sse_function"][0]["evalue"].startswith("⏳ sse function: not done yet")
    untouched = json.loads((course / "autograded" / "ben" / ASSIGNMENT / name).read_text(encoding="utf-8"))
    for gid, cell in _cells_by_id(untouched).items():
        if gid.startswith("test_"):
            assert cell["outputs"][-1]["evalue"].startswith("⏳"), gid
