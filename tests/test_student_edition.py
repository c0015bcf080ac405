"""The student edition: solutions gone, everything else kept, and the notebooks still run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlbasics.student import build_student_edition, is_solution, main, strip_solutions, uses_of_solutions

COURSE = Path(__file__).resolve().parents[1] / "course"
COURSE_NOTEBOOKS = sorted(COURSE.glob("*.ipynb"))


def _code(source: str, count: int, outputs: list | None = None, tags: list | None = None) -> dict:
    meta: dict = {}
    if tags:
        meta = {"tags": tags, "jupyter": {"source_hidden": True}}
    return {"cell_type": "code", "execution_count": count, "id": f"c{count}", "metadata": meta,
            "outputs": outputs or [], "source": source}


def _stream(text: str) -> dict:
    return {"name": "stdout", "output_type": "stream", "text": text}


def _markdown(source: str, tags: list | None = None) -> dict:
    return {"cell_type": "markdown", "id": f"m{abs(hash(source)) % 10**6}",
            "metadata": {"tags": tags} if tags else {}, "source": source}


def synthetic_notebook() -> dict:
    """Two exercises laid out as in the course: prompt, learner cell, solution cell."""
    cells = [
        _code("from dlbasics.exercises._common import check_close, check_array\nimport numpy as np", 1),
        _markdown("**Exercise 1.** Calories burned in 30 minutes at 7.56 kcal per minute?"),
        _code('answer = ...\ncheck_close("kcal", answer, 226.8)', 2,
              [_stream("⏳ kcal: not done yet — replace the ... with your answer.\n")]),
        _code('answer = 30 * 7.56\ncheck_close("kcal", answer, 226.8)', 3,
              [_stream("✅ kcal: correct.\n")], tags=["solution"]),
        _markdown("**Exercise 2.** The weighted sum of inputs (0.5, 0.6) with weights (0.5, 0.7)."),
        _code('z = ...\ncheck_array("z", z, np.array(0.67))', 4,
              [_stream("⏳ z: not done yet — replace the ... with your answer.\n")]),
        _code('z = np.dot([0.5, 0.6], [0.5, 0.7])\ncheck_array("z", z, np.array(0.67))', 5,
              [_stream("✅ z: correct.\n")], tags=["solution", "other-tag"]),
        _markdown("Why it works: 0.25 + 0.42 = 0.67.", tags=["solution"]),
        _code('print("end of notebook")', 6,
              [{"data": {"text/plain": "'end'"}, "execution_count": 6, "metadata": {},
                "output_type": "execute_result"}]),
    ]
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _all_text(nb: dict) -> str:
    return json.dumps(nb, ensure_ascii=False)


def test_strip_solutions_removes_tagged_cells_and_renumbers():
    nb = synthetic_notebook()
    before = _all_text(nb)
    student, removed = strip_solutions(nb)
    assert removed == 3
    assert _all_text(nb) == before, "the source notebook must not be modified"
    assert not any(is_solution(c) for c in student["cells"])
    text = _all_text(student)
    for leaked in ("30 * 7.56", "np.dot", "0.25 + 0.42", "correct."):
        assert leaked not in text, f"solution text {leaked!r} leaked into the student edition"
    # the prompts and the learner cells (with their "not done yet" output) stay, in order
    sources = [c["source"] for c in student["cells"]]
    assert sources == [nb["cells"][i]["source"] for i in (0, 1, 2, 4, 5, 8)]
    code = [c for c in student["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == [1, 2, 3, 4]
    assert code[-1]["outputs"][0]["execution_count"] == 4
    assert "not done yet" in text


def test_uses_of_solutions_finds_names_only_a_solution_defines(tmp_path, capsys):
    nb = synthetic_notebook()
    assert uses_of_solutions(nb) == []  # `answer` and `z` are also bound by the learner cells
    nb["cells"][3]["source"] += "\ndef best_weight():\n    return 7.56\nimport math as m"
    nb["cells"].append(_code("%matplotlib inline\nprint(best_weight(), m.pi, answer)", 7))
    assert uses_of_solutions(nb) == [
        "code cell 7 uses 'best_weight', which only a solution cell defines",
        "code cell 7 uses 'm', which only a solution cell defines",
    ]
    src = tmp_path / "course"
    src.mkdir()
    (src / "01_ex.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    assert main([str(src), str(tmp_path / "student")]) == 0
    assert "01_ex.ipynb: code cell 7 uses 'best_weight'" in capsys.readouterr().err


def test_strip_solutions_rejects_non_notebooks():
    with pytest.raises(ValueError, match="expected a notebook"):
        strip_solutions({"metadata": {}})


def test_build_copies_other_files_and_skips_checkpoints(tmp_path):
    src = tmp_path / "course"
    (src / "data").mkdir(parents=True)
    (src / ".ipynb_checkpoints").mkdir()
    (src / "01_ex.ipynb").write_text(json.dumps(synthetic_notebook()), encoding="utf-8")
    (src / ".ipynb_checkpoints" / "01_ex-checkpoint.ipynb").write_text("{}", encoding="utf-8")
    (src / "data" / "points.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    out = tmp_path / "student"
    built = build_student_edition(src, out)
    assert [(str(p), n) for p, n in built] == [("01_ex.ipynb", 3)]
    assert (out / "data" / "points.csv").read_text(encoding="utf-8") == "x,y\n1,2\n"
    assert not (out / ".ipynb_checkpoints").exists()
    written = (out / "01_ex.ipynb").read_text(encoding="utf-8")
    assert written.endswith("}\n") and "⏳" in written  # nbformat layout, real UTF-8


def test_build_refuses_to_write_into_the_course(tmp_path):
    (tmp_path / "course").mkdir()
    with pytest.raises(ValueError, match="must not be the course folder"):
        build_student_edition(tmp_path / "course", tmp_path / "course" / "student")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        build_student_edition(tmp_path / "missing", tmp_path / "student")


def test_command_line(tmp_path, capsys):
    src = tmp_path / "course"
    src.mkdir()
    (src / "01_ex.ipynb").write_text(json.dumps(synthetic_notebook()), encoding="utf-8")
    assert main([str(src), str(tmp_path / "student")]) == 0
    captured = capsys.readouterr()
    assert "01_ex.ipynb: 3 solution cells removed" in captured.out and captured.err == ""
    assert main([str(src), str(src)]) == 1
    assert "must not be the course folder" in capsys.readouterr().err
    proc = subprocess.run([sys.executable, "-m", "dlbasics.student", "--help"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "SOLUTION" not in proc.stdout and "src" in proc.stdout


def _execute(path: Path, timeout: int = 120) -> dict:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    return nb  # a NotebookNode: a dict whose text fields are plain strings


def _stdout(cell: dict) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def test_synthetic_student_notebook_runs_and_reports_not_done(tmp_path):
    src = tmp_path / "course"
    src.mkdir()
    (src / "01_ex.ipynb").write_text(json.dumps(synthetic_notebook()), encoding="utf-8")
    build_student_edition(src, tmp_path / "student")
    ran = _execute(tmp_path / "student" / "01_ex.ipynb")
    outs = [_stdout(c) for c in ran["cells"] if c["cell_type"] == "code"]
    assert outs[1] == "⏳ kcal: not done yet — replace the ... with your answer.\n"
    assert outs[2] == "⏳ z: not done yet — replace the ... with your answer.\n"
    assert outs[3] == "end of notebook\n"
    assert "✅" not in "".join(outs)


@pytest.mark.skipif(not COURSE_NOTEBOOKS, reason="no course notebooks yet")
def test_course_student_edition_has_no_solutions(tmp_path):
    built = dict(build_student_edition(COURSE, tmp_path))
    assert sorted(str(p) for p in built) == [p.name for p in COURSE_NOTEBOOKS]
    for src in COURSE_NOTEBOOKS:
        original = json.loads(src.read_text(encoding="utf-8"))
        student = json.loads((tmp_path / src.name).read_text(encoding="utf-8"))
        solutions = [c for c in original["cells"] if is_solution(c)]
        assert built[Path(src.name)] == len(solutions)
        assert len(student["cells"]) == len(original["cells"]) - len(solutions)
        assert not any(is_solution(c) for c in student["cells"]), src.name
        kept = {json.dumps(c["source"]) for c in student["cells"]}
        for sol in solutions:
            assert json.dumps(sol["source"]) not in kept, f"{src.name}: a solution survived"
        assert uses_of_solutions(original) == [], f"{src.name}: a later cell needs a solution"


@pytest.mark.slow
@pytest.mark.skipif(not COURSE_NOTEBOOKS, reason="no course notebooks yet")
@pytest.mark.parametrize("name", [p.name for p in COURSE_NOTEBOOKS])
def test_course_student_edition_runs_top_to_bottom(tmp_path, monkeypatch, name):
    monkeypatch.setenv("DLBASICS_OFFLINE", "1")  # inherited by the kernel: no download attempts
    monkeypatch.setenv("MPLBACKEND", "Agg")
    build_student_edition(COURSE, tmp_path)
    original = json.loads((COURSE / name).read_text(encoding="utf-8"))
    ran = _execute(tmp_path / name, timeout=int(os.environ.get("DLBASICS_CELL_TIMEOUT", "300")))
    text = "".join(_stdout(c) for c in ran["cells"])
    if any(is_solution(c) for c in original["cells"]):
        assert "not done yet" in text, f"{name}: the exercise checks should report 'not done yet'"
