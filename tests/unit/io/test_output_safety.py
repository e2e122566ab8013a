"""Run folders are written whole or not at all, never over a file or a folder that is not a run's results,
and what a killed writer left behind is cleaned up (io/results.py)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cnyx_sim.io import results
from cnyx_sim.io.results import OutputError, check_output_dir, remove_stale_staging, write_run_directory


def files(text: str = "new") -> dict:
    return {"manifest.json": lambda p: p.write_text(json.dumps({"scenario_hash": "h", "package_version": "0"})),
            "data.txt": lambda p: p.write_text(text)}


def dead_pid() -> int:
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout)


def test_a_new_path_and_an_empty_folder_are_accepted(tmp_path):
    check_output_dir(tmp_path / "new")
    (tmp_path / "empty").mkdir()
    check_output_dir(tmp_path / "empty")
    write_run_directory(tmp_path / "empty", files())
    assert (tmp_path / "empty" / "data.txt").read_text() == "new"


def test_a_previous_run_folder_is_replaced_whole(tmp_path):
    out = tmp_path / "out"
    write_run_directory(out, files("first"))
    (out / "extra.txt").write_text("from the first run")
    write_run_directory(out, files("second"))
    assert sorted(p.name for p in out.iterdir()) == ["data.txt", "manifest.json"]
    assert (out / "data.txt").read_text() == "second"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging or swap folder left


@pytest.mark.parametrize("kind", ["file", "foreign folder", "batch folder", "symlink"])
def test_a_file_or_a_folder_that_is_not_a_run_result_is_refused_untouched(tmp_path, kind):
    target = tmp_path / "target"
    if kind == "file":
        target.write_text("mine")
    elif kind == "symlink":
        (tmp_path / "elsewhere").mkdir()
        target.symlink_to(tmp_path / "elsewhere")
    else:
        target.mkdir()
        (target / ("batch.json" if kind == "batch folder" else "notes.md")).write_text("{}")
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    with pytest.raises(OutputError, match="target"):
        write_run_directory(target, files())
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def test_a_manifest_without_a_run_signature_does_not_make_a_folder_a_result(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    (target / "manifest.json").write_text('{"something": "else"}')
    with pytest.raises(OutputError):
        check_output_dir(target)


def test_staging_folders_of_dead_writers_are_removed_and_those_of_live_ones_kept(tmp_path):
    out = tmp_path / "out"
    stale = tmp_path / f".out.stage-{dead_pid()}.x1.tmp"
    old = tmp_path / f".out.old-{dead_pid()}"
    live = tmp_path / f".out.stage-{os.getppid()}.x2.tmp"  # our parent is alive
    other = tmp_path / ".other.stage-1.x3.tmp"  # another output's staging: not ours to judge
    for folder in (stale, old, live, other):
        folder.mkdir()
    assert remove_stale_staging(out) == 2
    assert not stale.exists() and not old.exists() and live.exists() and other.exists()


def test_a_failing_writer_leaves_the_previous_results_and_no_staging(tmp_path):
    out = tmp_path / "out"
    write_run_directory(out, files("first"))

    def broken(path):
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_run_directory(out, {**files("second"), "broken.txt": broken})
    assert (out / "data.txt").read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS, errno.ENOSPC])
def test_an_output_path_the_system_refuses_is_an_output_error_naming_it(tmp_path, monkeypatch, code):
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(tmp_path / "locked"))

    monkeypatch.setattr(results.tempfile, "mkdtemp", refuse)
    with pytest.raises(OutputError, match="locked: cannot write results") as info:
        write_run_directory(tmp_path / "locked" / "out", files())
    if code == errno.EACCES:
        assert "permission denied" in str(info.value)


def test_json_with_nan_is_refused_rather_than_written_invalid(tmp_path):
    with pytest.raises(ValueError):
        results.write_json({"value": float("nan")}, tmp_path / "x.json")
    assert list(tmp_path.iterdir()) == []
