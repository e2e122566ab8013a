"""The batch store's folder handling without running the model: atomic writes, the manifest's keys and bytes,
failures.csv, ``--force`` clearing, refusals and their messages, the checksum cache, reading a batch folder back.

A stand-in plan (identity, chunks, variant names, run count) is enough for the store; parts are any bytes, or small
Parquet files where they are read back. Expected texts and values are written out by hand from the output contract
(docs/outputs.md) and the messages the CLI prints.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import pathlib
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from cnyx_sim.batch import store as store_module
from cnyx_sim.batch.plan import Chunk
from cnyx_sim.batch.store import (BatchError, BatchStore, read_batch_directory, read_manifest, read_table,
                                  remove_temporary_files, write_bytes_atomic)
from cnyx_sim.batch.worker import ChunkOutcome

IDENTITY = {"variants": [{"name": "a", "content_hash": "0123456789abcdef", "runs": 4, "seed": 7,
                          "input_files": {"x.csv": "h"}}], "sweep_hash": None, "chunk_size": 2}
SEED_RULE = ("run r of a variant uses numpy.random.SeedSequence(variant seed, spawn_key=(r,)); the same run index "
             "gives the same streams in every variant with the same seed")


def fake_plan(identity=None) -> SimpleNamespace:
    """What the store reads of a BatchPlan: identity(), chunks, variants[i].name, total_runs (4 runs of 'a')."""
    ident = IDENTITY if identity is None else identity
    return SimpleNamespace(identity=lambda: json.loads(json.dumps(ident)), chunks=[Chunk(0, 0, 2), Chunk(0, 2, 4)],
                           variants=(SimpleNamespace(name="a"),), total_runs=4)


def outcome(chunk: Chunk, failures=(), seconds=0.5, parts=None) -> ChunkOutcome:
    parts = {"trajectories": b"traj-" + chunk.key.encode(), "targets": b"targ"} if parts is None else parts
    return ChunkOutcome(chunk, parts, {t: 3 for t in parts}, list(failures), seconds)


def manifest_on_disk(folder: Path) -> dict:
    return json.loads((folder / "batch.json").read_text(encoding="utf-8"))


def assert_utc_timestamp(text: str) -> None:
    stamp = datetime.fromisoformat(text)
    assert text.endswith("+00:00") and stamp.utcoffset() == timedelta(0)
    assert abs(datetime.now(stamp.tzinfo) - stamp) < timedelta(minutes=5)


# ------------------------------------------------------------------------------------------- atomic writes
def test_atomic_write_creates_missing_parent_folders(tmp_path):
    target = tmp_path / "a" / "b" / "c" / "part.parquet"
    write_bytes_atomic(target, b"data")
    assert target.read_bytes() == b"data"


def test_atomic_write_goes_through_a_dot_tmp_file_beside_the_target(tmp_path, monkeypatch):
    seen = []
    real = os.replace

    def spy(src, dst):
        seen.append((Path(src), Path(dst)))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    target = tmp_path / "t" / "batch.json"
    write_bytes_atomic(target, b"{}")
    (src, dst), = seen
    assert dst == target and src.parent == target.parent
    assert src.name.startswith(".batch.json.") and src.name.endswith(".tmp")  # what resume cleans up


def test_a_failed_atomic_write_leaves_no_temporary_file_and_raises_the_writers_error(tmp_path, monkeypatch):
    def failing(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError, match="No space left"):
        write_bytes_atomic(tmp_path / "part.parquet", b"data")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_atomic_write_whose_temporary_file_is_already_gone_still_raises_the_writers_error(tmp_path,
                                                                                                  monkeypatch):
    # e.g. a concurrent cleanup removed the temporary file: the caller must see why the write failed
    def failing(src, dst):
        Path(src).unlink()
        raise OSError(errno.EIO, "Input/output error", dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError, match="Input/output error"):
        write_bytes_atomic(tmp_path / "part.parquet", b"data")


def test_removing_temporary_files_counts_every_file_removed(tmp_path):
    (tmp_path / "trajectories").mkdir()
    for path in (tmp_path / ".batch.json.1.tmp", tmp_path / ".failures.csv.2.tmp",
                 tmp_path / "trajectories" / ".part-v0000-r0000000.parquet.3.tmp"):
        path.write_bytes(b"half")
    (tmp_path / "keep.tmp").write_bytes(b"not ours")
    assert remove_temporary_files(tmp_path) == 3
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["keep.tmp", "trajectories"]
    assert remove_temporary_files(tmp_path) == 0


def test_a_temporary_file_that_vanishes_while_being_removed_is_not_an_error(tmp_path, monkeypatch):
    (tmp_path / ".batch.json.1.tmp").write_bytes(b"half")
    real = pathlib.Path.is_file

    def is_file_then_gone(self):
        found = real(self)
        if found and self.name.endswith(".tmp"):
            os.unlink(self)  # another process removes it between the check and the unlink
        return found

    monkeypatch.setattr(pathlib.Path, "is_file", is_file_then_gone)
    assert remove_temporary_files(tmp_path) == 1


# ------------------------------------------------------------------------------------------------ manifest
def test_a_new_batch_manifest_has_format_identity_status_seed_rule_and_creation_time(tmp_path):
    out = tmp_path / "b"
    BatchStore.open(out, fake_plan())
    manifest = manifest_on_disk(out)
    assert_utc_timestamp(manifest.pop("created_utc"))
    assert manifest == {"format": "cnyx_sim.batch/2", "identity": IDENTITY, "status": "running", "chunks": {},
                        "failures": {}, "seed_rule": SEED_RULE}


def test_extra_manifest_entries_passed_to_open_are_written(tmp_path):
    out = tmp_path / "b"
    BatchStore.open(out, fake_plan(), extra={"sweep": {"method": "grid"}})
    assert manifest_on_disk(out)["sweep"] == {"method": "grid"}


def test_a_batch_folder_is_created_with_its_missing_parent_folders(tmp_path):
    out = tmp_path / "x" / "y" / "b"
    BatchStore.open(out, fake_plan())
    assert (out / "batch.json").is_file()


def test_force_on_a_folder_that_does_not_exist_yet_starts_the_batch(tmp_path):
    out = tmp_path / "new"
    BatchStore.open(out, fake_plan(), force=True)
    assert manifest_on_disk(out)["status"] == "running"


def test_the_manifest_is_sorted_indented_utf8_json_with_non_json_values_as_text(tmp_path):
    store = BatchStore(tmp_path, fake_plan(), {"zeta": 1, "name": "川南渝西", "where": Path("/data/x"),
                                               "alpha": {"b": [1, 2], "a": None}})
    store._write_manifest()
    expected = ('{\n "alpha": {\n  "a": null,\n  "b": [\n   1,\n   2\n  ]\n },\n "name": "川南渝西",\n'
                ' "where": "/data/x",\n "zeta": 1\n}\n')
    assert (tmp_path / "batch.json").read_bytes() == expected.encode("utf-8")


def test_a_recorded_chunk_lists_variant_runs_parts_checksums_rows_failures_and_seconds(tmp_path):
    out = tmp_path / "b"
    store = BatchStore.open(out, fake_plan())
    chunk = Chunk(0, 2, 4)
    store.record(outcome(chunk, failures=[(3, "boom")], seconds=1.23456))
    assert manifest_on_disk(out)["chunks"] == {"part-v0000-r0000002": {
        "variant": "a", "runs": [2, 4], "parts": ["targets", "trajectories"],
        "sha256": {"trajectories": hashlib.sha256(b"traj-part-v0000-r0000002").hexdigest(),
                   "targets": hashlib.sha256(b"targ").hexdigest()},
        "rows": {"trajectories": 3, "targets": 3}, "failed_runs": [3], "seconds": 1.235}}
    assert (out / "trajectories" / "part-v0000-r0000002.parquet").read_bytes() == b"traj-part-v0000-r0000002"


def test_finishing_records_status_time_timings_and_run_counts(tmp_path):
    out = tmp_path / "b"
    store = BatchStore.open(out, fake_plan())
    store.record(outcome(Chunk(0, 0, 2), failures=[(1, "boom")]))
    returned = store.finish({"runs": 2.5}, extra={"workers": 1})
    manifest = manifest_on_disk(out)
    assert returned == manifest
    assert_utc_timestamp(manifest["finished_utc"])
    assert (manifest["status"], manifest["timings_seconds"], manifest["runs_failed"], manifest["runs_total"],
            manifest["workers"]) == ("complete_with_failures", {"runs": 2.5}, 1, 4, 1)


def test_failures_csv_lists_failed_runs_by_chunk_then_run_with_unix_line_ends(tmp_path):
    out = tmp_path / "b"
    store = BatchStore.open(out, fake_plan())
    store.record(outcome(Chunk(0, 2, 4), failures=[(3, "late"), (2, "early, with comma")]))
    store.record(outcome(Chunk(0, 0, 2), failures=[(1, "first")]))
    assert (out / "failures.csv").read_bytes() == (
        b'scenario,run,error\na,1,first\na,2,"early, with comma"\na,3,late\n')


# ------------------------------------------------------------------------------------------- resume / cache
def test_a_recorded_chunk_is_done_even_after_it_was_checked_as_pending(tmp_path):
    store = BatchStore.open(tmp_path / "b", fake_plan())
    chunk = Chunk(0, 0, 2)
    assert not store.is_done(chunk)  # checked (and cached) as pending
    store.record(outcome(chunk))
    assert store.is_done(chunk)
    assert store.pending() == [Chunk(0, 2, 4)] and store.runs_done() == 2


def test_a_chunk_record_without_a_parts_list_is_pending(tmp_path):
    out = tmp_path / "b"
    store = BatchStore.open(out, fake_plan())
    chunk = Chunk(0, 0, 2)
    store.record(outcome(chunk))
    del store.manifest["chunks"][chunk.key]["parts"]
    fresh = BatchStore(out, store.plan, store.manifest)
    assert not fresh.is_done(chunk)


def resumable(tmp_path: Path, **changes) -> Path:
    """A batch folder with one recorded chunk, its manifest edited by ``changes`` (a None value deletes a key)."""
    out = tmp_path / "b"
    store = BatchStore.open(out, fake_plan())
    store.record(outcome(Chunk(0, 0, 2)))
    store.finish({})
    manifest = manifest_on_disk(out)
    for key, value in changes.items():
        if value is None:
            manifest.pop(key)
        else:
            manifest[key] = value
    (out / "batch.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


def test_resume_marks_the_batch_running_and_records_each_resumption_time(tmp_path):
    out = resumable(tmp_path)
    store = BatchStore.open(out, fake_plan(), resume=True)
    assert store.manifest["status"] == "running"
    assert store.pending() == [Chunk(0, 2, 4)]
    store.record(outcome(Chunk(0, 2, 4)))
    first = manifest_on_disk(out)
    assert first["status"] == "running" and len(first["resumed_utc"]) == 1
    assert_utc_timestamp(first["resumed_utc"][0])
    again = BatchStore.open(out, fake_plan(), resume=True)
    assert len(again.manifest["resumed_utc"]) == 2


def test_resume_refusal_for_another_format_quotes_the_format_cut_to_30_characters(tmp_path):
    out = resumable(tmp_path, format="f" * 40)
    with pytest.raises(BatchError) as info:
        BatchStore.open(out, fake_plan(), resume=True)
    assert str(info.value) == (f"{out}: --resume refused, the folder holds a batch of another format ('{'f' * 30}', "
                               "now 'cnyx_sim.batch/2'); use --force to start it again; nothing was changed")
    out2 = resumable(tmp_path / "2", format=None)
    with pytest.raises(BatchError, match=r"another format \('None', now 'cnyx_sim.batch/2'\)"):
        BatchStore.open(out2, fake_plan(), resume=True)


def test_resume_refusal_for_another_batch_names_the_difference(tmp_path):
    out = resumable(tmp_path)
    other = {**IDENTITY, "variants": [{**IDENTITY["variants"][0], "seed": 8}]}
    with pytest.raises(BatchError) as info:
        BatchStore.open(out, fake_plan(other), resume=True)
    assert str(info.value) == (f"{out}: --resume refused, the folder holds a different batch: scenario 'a' has seed 7 "
                               "in the folder but 8 now; nothing was changed")


def test_resume_refusal_for_a_manifest_without_identity_says_the_scenarios_differ(tmp_path):
    out = resumable(tmp_path, identity=None)
    with pytest.raises(BatchError) as info:
        BatchStore.open(out, fake_plan(), resume=True)
    assert str(info.value) == (f"{out}: --resume refused, the folder holds a different batch: scenarios differ "
                               "(folder: none; now: a); nothing was changed")


def test_resume_of_a_non_empty_folder_without_a_manifest_is_refused_with_the_reason(tmp_path):
    out = tmp_path / "b"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(BatchError) as info:
        BatchStore.open(out, fake_plan(), resume=True)
    assert str(info.value) == (f"{out}: --resume refused, the folder is not empty and holds no batch (batch.json "
                               "missing); nothing was changed")


def test_open_without_flags_neither_resumes_nor_replaces_a_batch_or_a_foreign_folder(tmp_path):
    out = resumable(tmp_path)
    before = (out / "batch.json").read_bytes()
    with pytest.raises(BatchError, match="already holds a batch; use --resume to finish it or --force to replace it"):
        BatchStore.open(out, fake_plan())
    assert (out / "batch.json").read_bytes() == before
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(BatchError, match="folder is not empty and is not a batch folder"):
        BatchStore.open(foreign, fake_plan())


def test_a_batch_folder_path_that_is_a_file_is_refused(tmp_path):
    out = tmp_path / "b"
    out.write_text("a file")
    with pytest.raises(BatchError) as info:
        BatchStore.open(out, fake_plan())
    assert str(info.value) == f"{out}: exists and is not a folder"


def test_force_removes_the_previous_batchs_files_and_part_folders_and_keeps_the_rest(tmp_path):
    out = resumable(tmp_path)
    for name in ("failures.csv", "samples.csv", "compare.csv", "sensitivity.csv", "salib_problem.json",
                 "notes.txt"):
        (out / name).write_text("x")
    (out / "figures").mkdir()
    (out / "figures" / "report.md").write_text("mine")
    (out / "trajectories" / ".part-v0000-r0000002.parquet.1.tmp").write_bytes(b"half")
    BatchStore.open(out, fake_plan(), force=True)
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == [
        "batch.json", "figures", "figures/report.md", "notes.txt"]
    assert manifest_on_disk(out)["chunks"] == {}


# ------------------------------------------------------------------------------------- folder errors
def test_a_folder_that_cannot_be_created_is_named_with_the_reason(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = blocker / "b"
    with pytest.raises(BatchError) as info:
        BatchStore.open(out, fake_plan())
    assert str(info.value) == f"{out}: cannot write the batch folder (Not a directory)"


@pytest.mark.parametrize("error, message", [
    (PermissionError(errno.EACCES, "Permission denied", "/elsewhere/b"),
     "/elsewhere/b: permission denied; choose another --out"),
    (PermissionError(errno.EACCES, "Permission denied"), "{out}: permission denied; choose another --out"),
    (OSError(errno.EROFS, "Read-only file system", "/ro/b"), "/ro/b: cannot write the batch folder "
                                                              "(Read-only file system)"),
    (FileNotFoundError(), "{out}: cannot write the batch folder (FileNotFoundError)"),
], ids=["permission_denied_on_a_path", "permission_denied_without_a_path", "read_only_file_system",
        "not_found_without_errno"])
def test_an_unwritable_batch_folder_is_one_line_naming_the_path_and_the_reason(tmp_path, monkeypatch, error,
                                                                                message):
    def refuse(self, *args, **kwargs):
        raise error

    out = tmp_path / "b"
    monkeypatch.setattr(pathlib.Path, "mkdir", refuse)
    with pytest.raises(BatchError) as info:
        BatchStore.open(out, fake_plan())
    assert str(info.value) == message.format(out=out)


def test_an_os_error_without_an_errno_is_not_disguised_as_a_folder_problem(tmp_path, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OSError("not a file system error")

    monkeypatch.setattr(pathlib.Path, "mkdir", refuse)
    with pytest.raises(OSError, match="not a file system error") as info:
        BatchStore.open(tmp_path / "b", fake_plan())
    assert not isinstance(info.value, BatchError)


# ---------------------------------------------------------------------------------------------- reading
def test_an_unreadable_manifest_names_the_file_and_the_system_reason(tmp_path, monkeypatch):
    (tmp_path / "batch.json").mkdir()
    with pytest.raises(BatchError) as info:
        read_manifest(tmp_path)
    assert str(info.value) == f"{tmp_path / 'batch.json'}: cannot read the batch manifest (Is a directory)"

    def no_reason(self):
        raise OSError()

    monkeypatch.setattr(pathlib.Path, "read_bytes", no_reason)
    with pytest.raises(BatchError) as info:
        read_manifest(tmp_path)
    assert str(info.value) == f"{tmp_path / 'batch.json'}: cannot read the batch manifest (OSError)"


def test_a_manifest_that_is_not_utf8_or_not_an_object_is_one_line_telling_to_use_force(tmp_path):
    file = tmp_path / "batch.json"
    file.write_bytes(b'{"format": "\xff"}')
    with pytest.raises(BatchError) as info:
        read_manifest(tmp_path)
    assert str(info.value) == f"{file}: not a valid batch manifest (corrupt JSON); use --force to start the batch again"
    file.write_text('{"chunks": []}')
    with pytest.raises(BatchError) as info:
        read_manifest(tmp_path)
    assert str(info.value) == (f"{file}: not a valid batch manifest (expected a JSON object with chunks); use --force "
                               "to start the batch again")


@pytest.fixture
def written_batch(tmp_path) -> Path:
    """A folder with two trajectories parts (runs 0-1 and 2-3), a figures/ folder and no failures."""
    out = tmp_path / "b"
    store = BatchStore.open(out, fake_plan())
    for chunk in fake_plan().chunks:
        frame = pd.DataFrame({"run": [chunk.first, chunk.first + 1], "value": [10.0 * chunk.first, 1.5]})
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        store.record(outcome(chunk, parts={"trajectories": buffer.getvalue()}))
    (out / "figures").mkdir()
    (out / "figures" / "report.md").write_text("not a table")
    return out


def test_reading_a_table_concatenates_its_parts_in_order_with_a_fresh_index(written_batch):
    table = read_table(written_batch, "trajectories")
    assert table["run"].tolist() == [0, 1, 2, 3] and table["value"].tolist() == [0.0, 1.5, 20.0, 1.5]
    assert table.index.tolist() == [0, 1, 2, 3]


def test_reading_a_table_passes_columns_and_filters_to_every_part(written_batch):
    table = read_table(written_batch, "trajectories", columns=["value"], filters=[("run", ">=", 1)])
    assert list(table.columns) == ["value"] and table["value"].tolist() == [1.5, 20.0, 1.5]


def test_reading_a_table_without_parts_gives_an_empty_frame(written_batch):
    assert read_table(written_batch, "targets").empty
    assert read_table(written_batch, "figures").empty


def test_reading_a_batch_folder_gives_its_tables_manifest_and_an_empty_typed_failures_frame(written_batch):
    tables = read_batch_directory(written_batch, columns=["run"], filters=[("run", "<", 3)])
    assert sorted(tables) == ["failures", "manifest", "trajectories"]  # figures/ holds no parts: not a table
    assert tables["trajectories"]["run"].tolist() == [0, 1, 2]
    assert list(tables["trajectories"].columns) == ["run"]
    assert tables["manifest"] == manifest_on_disk(written_batch)
    failures = tables["failures"]
    assert failures.empty and list(failures.columns) == ["scenario", "run", "error"]
    assert failures.dtypes.astype(str).tolist() == ["object", "int64", "object"]
