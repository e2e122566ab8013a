"""Batch folder: part files, manifest, resume, refusal of foreign folders, failure isolation."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cnyx_sim.batch import worker
from cnyx_sim.batch.engine import run_batch
from cnyx_sim.batch.plan import Chunk, plan_batch
from cnyx_sim.batch.store import BatchError, BatchStore, read_batch_directory
from cnyx_sim.batch.worker import ChunkOutcome, run_chunk

BASELINE = Path(__file__).resolve().parents[3] / "scenarios" / "baseline.yaml"


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "short.yaml"
    path.write_text(f"extends: {BASELINE}\nname: short\nyears: {{start: 2021, end: 2023}}\n", encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_chunks_have_a_fixed_size_and_cover_every_run_once(scenario):
    plan = plan_batch([scenario], runs=7, chunk_size=3)
    assert [(c.first, c.last) for c in plan.chunks] == [(0, 3), (3, 6), (6, 7)]
    assert [c.key for c in plan.chunks] == ["part-v0000-r0000000", "part-v0000-r0000003", "part-v0000-r0000006"]


def test_each_chunk_becomes_one_part_per_table_recorded_in_the_manifest(scenario, tmp_path):
    out = tmp_path / "b"
    summary = run_batch([scenario], runs=5, out=out, chunk_size=2)
    assert summary.ok and summary.runs_ran == 5
    assert sorted(p.name for p in (out / "trajectories").iterdir()) == [
        "part-v0000-r0000000.parquet", "part-v0000-r0000002.parquet", "part-v0000-r0000004.parquet"]
    manifest = json.loads((out / "batch.json").read_text())
    assert manifest["status"] == "complete"
    assert set(manifest["chunks"]) == {"part-v0000-r0000000", "part-v0000-r0000002", "part-v0000-r0000004"}
    traj = pd.read_parquet(out / "trajectories")  # each folder reads as one dataset
    assert sorted(traj["run"].unique()) == [0, 1, 2, 3, 4]


def fail_runs(monkeypatch, failing: set[tuple[str, int]]) -> None:
    """Make the listed (scenario, run) pairs raise inside the worker (in-process executor)."""
    real = worker.run_tables

    def run_tables(prepared, run):
        if (prepared.name, run) in failing:
            raise RuntimeError(f"deliberate failure of run {run}")
        return real(prepared, run)

    monkeypatch.setattr(worker, "run_tables", run_tables)


def test_a_failing_run_is_recorded_and_the_others_still_run(scenario, tmp_path, monkeypatch):
    fail_runs(monkeypatch, {("short", 1)})
    out = tmp_path / "b"
    summary = run_batch([scenario], runs=4, out=out, chunk_size=2)
    assert summary.runs_failed == 1
    failures = pd.read_csv(out / "failures.csv")
    assert failures[["scenario", "run"]].values.tolist() == [["short", 1]]
    assert "deliberate failure" in failures["error"].iloc[0]
    traj = pd.read_parquet(out / "trajectories")
    assert sorted(traj["run"].unique()) == [0, 2, 3]
    assert json.loads((out / "batch.json").read_text())["status"] == "complete_with_failures"
    # --resume re-runs the chunk with the failure; once the cause is gone the batch is complete.
    monkeypatch.undo()
    again = run_batch([scenario], runs=4, out=out, chunk_size=2, resume=True)
    assert again.runs_failed == 0 and again.runs_ran == 2
    assert not (out / "failures.csv").exists()
    assert sorted(pd.read_parquet(out / "trajectories")["run"].unique()) == [0, 1, 2, 3]


def test_resume_after_a_crash_equals_the_uninterrupted_batch(scenario, tmp_path):
    whole, broken = tmp_path / "whole", tmp_path / "broken"
    run_batch([scenario], runs=6, out=whole, chunk_size=2)
    plan = plan_batch([scenario], runs=6, chunk_size=2)
    store = BatchStore.open(broken, plan)
    store.record(run_chunk(plan.variants, plan.chunks[1]))  # one chunk finished, then the process "died"
    summary = run_batch([scenario], runs=6, out=broken, resume=True)
    assert summary.runs_done_before == 2 and summary.runs_ran == 4
    for table in ("trajectories", "targets"):
        assert snapshot(whole / table) == snapshot(broken / table)
    assert pd.read_parquet(whole / "trajectories").equals(pd.read_parquet(broken / "trajectories"))


def test_a_part_written_but_not_recorded_is_redone(scenario, tmp_path):
    out = tmp_path / "b"
    plan = plan_batch([scenario], runs=2, chunk_size=2)
    store = BatchStore.open(out, plan)
    (out / "trajectories").mkdir()
    (out / "trajectories" / "part-v0000-r0000000.parquet").write_bytes(b"half-written garbage")
    assert store.pending() == plan.chunks
    run_batch([scenario], runs=2, out=out, resume=True)
    assert len(pd.read_parquet(out / "trajectories")) > 0


@pytest.mark.parametrize("change", ["runs", "contents", "scenarios"])
def test_resume_on_another_batch_is_refused_and_nothing_changes(scenario, tmp_path, change):
    out = tmp_path / "b"
    run_batch([scenario], runs=2, out=out, chunk_size=2)
    before = snapshot(out)
    other = scenario
    runs = 2
    if change == "runs":
        runs = 3
    elif change == "contents":
        other = tmp_path / "changed.yaml"
        other.write_text(scenario.read_text() + "production: {tfp_long_run_growth: 0.02}\n")
    else:
        other = tmp_path / "other.yaml"
        other.write_text(scenario.read_text().replace("name: short", "name: other"))
    with pytest.raises(BatchError, match="--resume refused") as info:
        run_batch([other], runs=runs, out=out, resume=True)
    assert "\n" not in str(info.value)
    assert snapshot(out) == before


def test_fresh_batch_into_a_foreign_non_empty_folder_is_refused_unless_forced(scenario, tmp_path):
    out = tmp_path / "b"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(BatchError, match="not a batch folder"):
        run_batch([scenario], runs=1, out=out)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    run_batch([scenario], runs=1, out=out, force=True)
    assert (out / "batch.json").is_file() and (out / "notes.txt").is_file()
    with pytest.raises(BatchError, match="already holds a batch"):
        run_batch([scenario], runs=1, out=out)


def test_chunk_without_rows_writes_no_part(scenario, tmp_path):
    plan = plan_batch([scenario], runs=1, chunk_size=1)
    store = BatchStore.open(tmp_path / "b", plan)
    store.record(ChunkOutcome(Chunk(0, 0, 1), {}, {}, [(0, "boom")], 0.0))
    assert not (tmp_path / "b" / "trajectories").exists()
    assert read_batch_directory(tmp_path / "b")["failures"]["run"].tolist() == [0]


# ------------------------------------------------------------------------------------------- integrity
def test_each_part_is_recorded_with_its_sha256_and_verified(scenario, tmp_path):
    import hashlib

    out = tmp_path / "b"
    run_batch([scenario], runs=2, out=out, chunk_size=2)
    record = json.loads((out / "batch.json").read_text())["chunks"]["part-v0000-r0000000"]
    part = out / "trajectories" / "part-v0000-r0000000.parquet"
    assert record["sha256"]["trajectories"] == hashlib.sha256(part.read_bytes()).hexdigest()
    plan = plan_batch([scenario], runs=2, chunk_size=2)
    store = BatchStore.open(out, plan, resume=True)
    assert store.pending() == []


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete"])
def test_a_damaged_or_missing_part_makes_its_chunk_pending_again(scenario, tmp_path, damage):
    out = tmp_path / "b"
    run_batch([scenario], runs=4, out=out, chunk_size=2)
    part = out / "targets" / "part-v0000-r0000002.parquet"
    data = part.read_bytes()
    if damage == "truncate":
        part.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        part.write_bytes(data[:-9] + bytes([data[-9] ^ 1]) + data[-8:])
    else:
        part.unlink()
    store = BatchStore.open(out, plan_batch([scenario], runs=4, chunk_size=2), resume=True)
    assert [c.key for c in store.pending()] == ["part-v0000-r0000002"]
    run_batch([scenario], runs=4, out=out, resume=True)
    assert part.read_bytes() == data


def test_a_corrupt_or_foreign_manifest_is_a_batch_error_not_a_traceback(scenario, tmp_path):
    out = tmp_path / "b"
    run_batch([scenario], runs=1, out=out)
    for text, expected in (("{not json", "corrupt JSON at line 1"), ("[1, 2]", "expected a JSON object"),
                           ('{"format": "cnyx_sim.batch/1", "chunks": {}}', "another format")):
        (out / "batch.json").write_text(text)
        with pytest.raises(BatchError, match=expected) as info:
            run_batch([scenario], runs=1, out=out, resume=True)
        assert "\n" not in str(info.value) and str(out) in str(info.value)


def test_the_batch_identity_holds_the_hash_of_every_data_file(scenario):
    identity = plan_batch([scenario], runs=1).identity()
    files = identity["variants"][0]["input_files"]
    assert set(files) == {"calibration/regions.csv", "calibration/sectors.csv", "calibration/base_year_2021.csv",
                          "calibration/io_coefficients.csv",
                          "travel_times", "posterior_draws"}
    assert all(len(digest) == 64 for digest in files.values())


def test_temporary_files_of_an_interrupted_writer_are_removed_on_resume(scenario, tmp_path):
    out = tmp_path / "b"
    run_batch([scenario], runs=2, out=out, chunk_size=2)
    leftovers = [out / ".batch.json.abc.tmp", out / "trajectories" / ".part-v0000-r0000000.parquet.xyz.tmp"]
    for path in leftovers:
        path.write_bytes(b"half")
    (out / "keep.tmp").write_bytes(b"not ours: no leading dot")
    run_batch([scenario], runs=2, out=out, resume=True)
    assert not any(path.exists() for path in leftovers) and (out / "keep.tmp").exists()


def _variant(name="a", content_hash="0123456789abcdef", runs=2, seed=7, input_files=None):
    return {"name": name, "content_hash": content_hash, "runs": runs, "seed": seed, "input_files": input_files}


_SAME = {"variants": [_variant()], "sweep_hash": "s", "chunk_size": 4}


@pytest.mark.parametrize("old, new, reason", [
    ({"variants": [{"name": "a"}]}, _SAME, "its manifest does not describe the variants"),
    ({"variants": "a"}, _SAME, "its manifest does not describe the variants"),
    ({"variants": [_variant(), _variant("b")]}, _SAME, "scenarios differ (folder: a, b; now: a)"),
    ({"variants": []}, _SAME, "scenarios differ (folder: none; now: a)"),
    ({**_SAME, "variants": [_variant(content_hash="fedcba9876543210ff")]}, _SAME,
     "scenario 'a' has different contents (hash fedcba987654 vs 0123456789ab)"),
    ({**_SAME, "variants": [_variant(runs=3)]}, _SAME, "scenario 'a' has 3 runs in the folder but 2 now"),
    ({**_SAME, "variants": [_variant(seed=8)]}, _SAME, "scenario 'a' has seed 8 in the folder but 7 now"),
    ({}, _SAME, "scenarios differ (folder: none; now: a)"),
    (_SAME, {}, "scenarios differ (folder: a; now: )"),
    (_SAME, {"variants": [_variant(), _variant("b")]}, "scenarios differ (folder: a; now: a, b)"),
    ({"variants": [{k: v for k, v in _variant(seed=8).items() if k != "input_files"}]}, _SAME,
     "scenario 'a' has seed 8 in the folder but 7 now"),
    ({**_SAME, "variants": [_variant(input_files={"v.csv": "h", "x.csv": "h1", "y.csv": "h2", "z.csv": "h"})]},
     {**_SAME, "variants": [_variant(input_files={"y.csv": "h2", "z.csv": "other", "w.csv": "h"})]},
     "data file(s) of scenario 'a' changed since the batch started: v.csv, w.csv, x.csv"),
    ({**_SAME, "variants": [_variant(input_files={"x.csv": "h"})], "sweep_hash": "t"},
     {**_SAME, "variants": [_variant(input_files={"x.csv": "h"})]}, "the sweep differs"),
    ({**_SAME, "sweep_hash": "t"}, _SAME, "the sweep differs"),
    ({**_SAME, "chunk_size": 8}, _SAME, "chunk size 8 in the folder but 4 now"),
    (_SAME, dict(_SAME), "the batch differs"),
])
def test_resume_refusal_names_the_first_difference_between_the_folder_and_the_batch(old, new, reason):
    from cnyx_sim.batch.store import _identity_difference_text

    assert _identity_difference_text(old, new) == reason


def test_resume_refusal_reason_is_cut_to_one_short_line():
    from cnyx_sim.batch.store import _identity_difference

    old = {"variants": [_variant(f"scenario_{i}") for i in range(20)]}
    reason = _identity_difference(old, _SAME)
    assert len(reason) <= 120 and reason.startswith("scenarios differ (folder: scenario_0, scenario_1")
