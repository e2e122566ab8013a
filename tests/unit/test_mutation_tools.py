"""tools/mutation_report.py: docs/mutation.md is rendered from the committed data file (docs/mutation-results.json),
which a module's run folder in mutation-work/ brings up to date; without run folders the report regenerates
identically. Run on a tiny fake module, with mutmut's diff replaced (mutmut is not a dev dependency)."""

from __future__ import annotations

import importlib
import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml

TOOLS = Path(__file__).resolve().parents[2] / "tools"
MODULE = "fake.mod"


@pytest.fixture()
def report(tmp_path, monkeypatch):
    """mutation_report with every path under ``tmp_path`` and a plan of two fake modules (not in alphabetical
    order, as the data file's keys are)."""
    monkeypatch.syspath_prepend(str(TOOLS))
    tool = importlib.import_module("mutation_report")
    monkeypatch.chdir(tmp_path)  # main() changes directory to ROOT; restored after the test
    (tmp_path / "docs").mkdir()
    for name, value in {"ROOT": tmp_path, "WORK": tmp_path / "mutation-work",
                        "REPORT": tmp_path / "docs" / "mutation.md",
                        "RESULTS": tmp_path / "docs" / "mutation-results.json",
                        "VERDICTS": tmp_path / "docs" / "mutation-verdicts.yaml",
                        "BEFORE": tmp_path / "docs" / "mutation-before.json",
                        "PLAN": {"fake.other": ["tests/test_other.py"], MODULE: ["tests/test_mod.py"]}}.items():
        monkeypatch.setattr(tool, name, value)
    monkeypatch.setattr(tool, "diff_line", lambda name, module: f"- x = 1 / + x = {name.rsplit('_', 1)[1]}")
    (tmp_path / "docs" / "mutation-verdicts.yaml").write_text(yaml.safe_dump({
        f"{MODULE}.x_f__mutmut_2": "equivalent: the same for every input",
        f"{MODULE}.x_gone__mutmut_1": "equivalent: a function removed since",
    }), encoding="utf-8")
    (tmp_path / "docs" / "mutation-before.json").write_text(json.dumps({
        "modules": {MODULE: {"score": 0.25}},
        "survivors": {MODULE: [f"{MODULE}.x_f__mutmut_1", f"{MODULE}.x_f__mutmut_2", f"{MODULE}.x_gone__mutmut_1"]},
    }), encoding="utf-8")
    return tool


def make_run(tool, module: str, codes: dict[str, int], minutes: float = 1.0) -> None:
    """A run folder as tools/mutation_run.py leaves it: mutmut's .meta (exit code per mutant) and run.json."""
    sandbox = tool.WORK / module
    meta = sandbox / "mutants" / (tool.source_file(module) + ".meta")
    meta.parent.mkdir(parents=True, exist_ok=True)
    meta.write_text(json.dumps({"exit_code_by_key": {f"{module}.{k}": v for k, v in codes.items()}}), encoding="utf-8")
    (sandbox / "run.json").write_text(json.dumps({"module": module, "wall_seconds": 60.0 * minutes,
                                                  "finished": "2026-01-01 00:00:00"}), encoding="utf-8")


# killed (1), survived (0), no tests (33), timeout (36)
CODES = {"x_f__mutmut_1": 1, "x_f__mutmut_2": 0, "x_f__mutmut_3": 33, "x_f__mutmut_4": 36, "x_f__mutmut_5": 1}


def test_report_regenerates_identically_from_the_data_file_alone(report, monkeypatch):
    make_run(report, MODULE, CODES)
    assert report.main([]) == 0
    first = report.REPORT.read_text(encoding="utf-8")
    data = json.loads(report.RESULTS.read_text(encoding="utf-8"))
    entry = data["modules"][MODULE]
    assert entry["status"] == {"x_f__mutmut_1": "killed", "x_f__mutmut_2": "survived", "x_f__mutmut_3": "no tests",
                               "x_f__mutmut_4": "timeout", "x_f__mutmut_5": "killed"}
    assert entry["run"]["wall_seconds"] == 60.0
    # changes of the mutants the report can list: not killed (2, 3) or a 'before' survivor (1); not 4 or 5
    assert entry["change"] == {"x_f__mutmut_1": "- x = 1 / + x = 1", "x_f__mutmut_2": "- x = 1 / + x = 2",
                               "x_f__mutmut_3": "- x = 1 / + x = 3"}
    assert "| `fake.mod` | 5 | 2 | 1 | 1 | 1 | 25.0 % | 60.0 % | 75.0 % | 1.0 min | 2026-01-01 00:00:00 |" in first
    assert "| `x_f__mutmut_3` | `- x = 1 / + x = 3` | no tests | **NO VERDICT** |" in first
    assert "| `x_gone__mutmut_1` | `(gone: not a mutant of the last run)` | gone | equivalent:" in first

    shutil.rmtree(report.WORK)
    report.REPORT.unlink()

    def no_mutmut(name, module):
        raise AssertionError("the report must not need mutmut without run folders")

    monkeypatch.setattr(report, "diff_line", no_mutmut)
    assert report.main([]) == 0
    assert report.REPORT.read_text(encoding="utf-8") == first
    assert json.loads(report.RESULTS.read_text(encoding="utf-8")) == data


def test_a_run_folder_replaces_its_module_entry_and_the_others_keep_theirs(report):
    make_run(report, MODULE, CODES)
    make_run(report, "fake.other", {"x_g__mutmut_1": 0, "x_g__mutmut_2": 1}, minutes=2.0)
    assert report.main([]) == 0
    kept = json.loads(report.RESULTS.read_text(encoding="utf-8"))["modules"]["fake.other"]

    shutil.rmtree(report.WORK / "fake.other")
    make_run(report, MODULE, {**CODES, "x_f__mutmut_3": 1}, minutes=3.0)  # a new test kills mutant 3
    assert report.main([]) == 0
    modules = json.loads(report.RESULTS.read_text(encoding="utf-8"))["modules"]
    assert modules["fake.other"] == kept
    assert modules[MODULE]["status"]["x_f__mutmut_3"] == "killed"
    assert "x_f__mutmut_3" not in modules[MODULE]["change"]
    text = report.REPORT.read_text(encoding="utf-8")
    assert text.index("| `fake.other` |") < text.index("| `fake.mod` |")  # the plan's order
    assert "5.0 min on this machine" in text  # 3 min + the kept module's 2 min


def test_a_change_mutmut_cannot_compute_stops_everything_and_names_the_module(report, monkeypatch, capsys):
    make_run(report, MODULE, CODES)

    def missing_sources(name, module):
        raise FileNotFoundError(f"No such file or directory: 'mutants/{report.source_file(module)}'")

    monkeypatch.setattr(report, "diff_line", missing_sources)
    assert report.main([]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "mutation-work/fake.mod" in error and "fake.mod.x_f__mutmut_1" in error and "No such file" in error
    assert not report.RESULTS.exists() and not report.REPORT.exists()


def test_a_listed_mutant_without_a_recorded_change_in_the_data_file_is_an_error(report, capsys):
    report.RESULTS.write_text(json.dumps({"modules": {MODULE: {
        "run": {"wall_seconds": 6.0, "finished": "2026-01-01 00:00:00"},
        "status": {"x_f__mutmut_1": "killed", "x_f__mutmut_2": "survived"},
        "change": {"x_f__mutmut_1": "- a / + b"}}}}), encoding="utf-8")
    before = report.RESULTS.read_text(encoding="utf-8")
    assert report.main([]) == 2
    error = capsys.readouterr().err
    assert "fake.mod" in error and "x_f__mutmut_2" in error
    assert report.RESULTS.read_text(encoding="utf-8") == before and not report.REPORT.exists()


def test_save_before_stores_the_current_survivors_with_the_report(report):
    make_run(report, MODULE, CODES)
    assert report.main(["--save-before", "mod"]) == 0
    before = json.loads(report.BEFORE.read_text(encoding="utf-8"))
    assert before["survivors"][MODULE] == [f"{MODULE}.x_f__mutmut_2", f"{MODULE}.x_f__mutmut_3"]
    assert before["modules"][MODULE]["score"] == pytest.approx(0.6)
    assert "| 60.0 % | 60.0 % |" in report.REPORT.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _forget_the_tool():
    """Each test imports the tool afresh (module attributes are patched per test)."""
    yield
    for name in ("mutation_report", "mutation_run"):
        sys.modules.pop(name, None)


def test_a_first_run_survivor_now_killed_needs_no_verdict_and_a_gone_ones_verdict_is_history(report):
    # x_f__mutmut_1 survived the first run (the before file) and is killed now, without a verdict line;
    # x_gone__mutmut_1's function was rewritten since, so its verdict describes the first run only
    make_run(report, MODULE, CODES)
    assert report.main([]) == 0
    text = report.REPORT.read_text(encoding="utf-8")
    assert ("| `x_f__mutmut_1` | `- x = 1 / + x = 1` | killed | killed by the tests added since the first run "
            "(not attributed to one test) |") in text
    assert ("| `x_gone__mutmut_1` | `(gone: not a mutant of the last run)` | gone | equivalent: a function removed "
            "since (in the first run; the function was rewritten since) |") in text
    # only mutmut_3 (no tests, no verdict) is missing a verdict
    assert "Survivors without a verdict: 1." in text
