"""The batch folder: streaming Parquet parts, the ``batch.json`` manifest, resume and failures.

Layout of ``DIR``::

    batch.json                      manifest: identity (variants, content hashes, seeds, runs, chunk size,
                                    sweep), finished chunks, failures, status, timings (atomically rewritten)
    <table>/part-vVVVV-rRRRRRRR.parquet
                                    one part per finished chunk and table (trajectories, targets, and any
                                    table the model adds, e.g. projects, sharing); each folder reads as one
                                    dataset: ``pandas.read_parquet(DIR/"trajectories")``
    failures.csv                    scenario, run, error of every failed run (only if some run failed)
    samples.csv                     variant -> swept parameter values (sweeps only)

A part is written (atomically: temporary file + ``os.replace``) BEFORE the manifest records its chunk with
the part's sha256, so a ``kill -9`` at any moment leaves at worst a part that the manifest does not list, or
a temporary file. ``--resume`` removes temporary files left by an interrupted writer, verifies every
recorded part against its checksum (a part cut in half or changed is redone) and redoes the chunks that
are not complete; a chunk with a failed run is re-run. A manifest that is not valid JSON is a clear error
(exit 2), never a traceback.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cnyx_sim.batch.errors import BatchError
from cnyx_sim.errors import shorten

if TYPE_CHECKING:
    from cnyx_sim.batch.plan import BatchPlan, Chunk
    from cnyx_sim.batch.worker import ChunkOutcome

__all__ = ["BatchError", "BatchStore", "MANIFEST", "is_batch_dir", "read_batch_directory", "read_manifest",
           "read_table", "write_bytes_atomic"]

MANIFEST = "batch.json"
FAILURES = "failures.csv"
SAMPLES = "samples.csv"
FORMAT = "cnyx_sim.batch/2"
#: Suffix of the temporary files of atomic writes (``.<name>.<random>.tmp``).
TEMP_SUFFIX = ".tmp"


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def is_batch_dir(path: str | Path) -> bool:
    return (Path(path) / MANIFEST).is_file()


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The manifest of a batch folder; a manifest that cannot be read or parsed is a :class:`BatchError`."""
    file = Path(path) / MANIFEST
    try:
        manifest = json.loads(file.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise BatchError(f"{file}: cannot read the batch manifest ({exc.strerror or type(exc).__name__})") from None
    except (UnicodeDecodeError, ValueError) as exc:
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise BatchError(f"{file}: not a valid batch manifest (corrupt JSON{where}); use --force to start the batch "
                         "again") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("chunks", {}), dict):
        raise BatchError(f"{file}: not a valid batch manifest (expected a JSON object with chunks); use --force to "
                         "start the batch again")
    return manifest


def remove_temporary_files(folder: Path) -> int:
    """Remove what interrupted atomic writes left in ``folder`` and its table folders (``.*.tmp``); the store
    is the folder's only writer, so these belong to a writer that died. Returns how many were removed."""
    removed = 0
    for directory in [folder, *(p for p in folder.iterdir() if p.is_dir())]:
        for leftover in directory.glob(".*" + TEMP_SUFFIX):
            if leftover.is_file():
                leftover.unlink(missing_ok=True)
                removed += 1
    return removed


def sha256_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _identity_difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    return shorten(_identity_difference_text(old, new), 120)


def _identity_difference_text(old: dict[str, Any], new: dict[str, Any]) -> str:
    old_v, new_v = old.get("variants", []), new.get("variants", [])
    if not isinstance(old_v, list) or not all(isinstance(v, dict) and {"name", "content_hash", "runs", "seed"} <= set(v)
                                              for v in old_v):
        return "its manifest does not describe the variants"
    if [v["name"] for v in old_v] != [v["name"] for v in new_v]:
        return (f"scenarios differ (folder: {', '.join(v['name'] for v in old_v) or 'none'}; "
                f"now: {', '.join(v['name'] for v in new_v)})")
    for a, b in zip(old_v, new_v):
        if a["content_hash"] != b["content_hash"]:
            return f"scenario {a['name']!r} has different contents (hash {a['content_hash'][:12]} vs {b['content_hash'][:12]})"
        if a["runs"] != b["runs"]:
            return f"scenario {a['name']!r} has {a['runs']} runs in the folder but {b['runs']} now"
        if a["seed"] != b["seed"]:
            return f"scenario {a['name']!r} has seed {a['seed']} in the folder but {b['seed']} now"
        if a.get("input_files") != b.get("input_files"):
            changed = sorted(k for k in set(a.get("input_files") or {}) | set(b.get("input_files") or {})
                             if (a.get("input_files") or {}).get(k) != (b.get("input_files") or {}).get(k))
            return f"data file(s) of scenario {a['name']!r} changed since the batch started: {', '.join(changed[:3])}"
    if old.get("sweep_hash") != new.get("sweep_hash"):
        return "the sweep differs"
    if old.get("chunk_size") != new.get("chunk_size"):
        return f"chunk size {old.get('chunk_size')} in the folder but {new.get('chunk_size')} now"
    return "the batch differs"


class BatchStore:
    """Writes one batch folder; the single writer of its manifest (the parent process)."""

    def __init__(self, out_dir: str | Path, plan: "BatchPlan", manifest: dict[str, Any]) -> None:
        self.out_dir = Path(out_dir)
        self.plan = plan
        self.manifest = manifest

    # ------------------------------------------------------------------------------------------ opening
    @classmethod
    def open(cls, out_dir: str | Path, plan: "BatchPlan", *, resume: bool = False, force: bool = False,
             extra: dict[str, Any] | None = None) -> "BatchStore":
        """Check the folder and return a store; raises :class:`BatchError` (nothing written) if refused or if
        the folder cannot be written (permissions: the message names the path)."""
        out_dir = Path(out_dir)
        try:
            return cls._open(out_dir, plan, resume=resume, force=force, extra=extra)
        except PermissionError as exc:
            raise BatchError(f"{exc.filename or out_dir}: permission denied; choose another --out") from None
        except OSError as exc:
            if isinstance(exc, (FileNotFoundError, NotADirectoryError, FileExistsError)) or exc.errno is not None:
                reason = exc.strerror or type(exc).__name__
                raise BatchError(f"{exc.filename or out_dir}: cannot write the batch folder ({reason})") from None
            raise

    @classmethod
    def _open(cls, out_dir: Path, plan: "BatchPlan", *, resume: bool, force: bool,
              extra: dict[str, Any] | None) -> "BatchStore":
        identity = plan.identity()
        if out_dir.exists() and not out_dir.is_dir():
            raise BatchError(f"{out_dir}: exists and is not a folder")
        non_empty = out_dir.is_dir() and any(out_dir.iterdir())
        if resume and is_batch_dir(out_dir):
            manifest = read_manifest(out_dir)
            if manifest.get("format") != FORMAT:
                raise BatchError(f"{out_dir}: --resume refused, the folder holds a batch of another format "
                                 f"({str(manifest.get('format'))[:30]!r}, now {FORMAT!r}); use --force to start "
                                 "it again; nothing was changed")
            if manifest.get("identity") != identity:
                reason = _identity_difference(manifest.get("identity", {}), identity)
                raise BatchError(f"{out_dir}: --resume refused, the folder holds a different batch: {reason}; "
                                 f"nothing was changed")
            manifest["status"] = "running"
            manifest.setdefault("resumed_utc", []).append(_now())
            remove_temporary_files(out_dir)
            return cls(out_dir, plan, manifest)
        if non_empty and not force:
            if resume:
                raise BatchError(f"{out_dir}: --resume refused, the folder is not empty and holds no batch "
                                 f"({MANIFEST} missing); nothing was changed")
            if is_batch_dir(out_dir):
                raise BatchError(f"{out_dir}: already holds a batch; use --resume to finish it or --force to "
                                 f"replace it")
            raise BatchError(f"{out_dir}: folder is not empty and is not a batch folder; choose another "
                             f"--out or use --force")
        if non_empty and force:
            cls._clear(out_dir)
            remove_temporary_files(out_dir)
        manifest = {
            "format": FORMAT,
            "identity": identity,
            "created_utc": _now(),
            "status": "running",
            "chunks": {},
            "failures": {},
            "seed_rule": "run r of a variant uses numpy.random.SeedSequence(variant seed, spawn_key=(r,)); "
                         "the same run index gives the same streams in every variant with the same seed",
        }
        if extra:
            manifest.update(extra)
        store = cls(out_dir, plan, manifest)
        out_dir.mkdir(parents=True, exist_ok=True)
        store._write_manifest()
        return store

    @staticmethod
    def _clear(out_dir: Path) -> None:
        """``--force``: remove what a previous batch wrote (part folders, manifest, batch CSVs)."""
        for child in out_dir.iterdir():
            if child.is_dir() and any(child.glob("part-*.parquet")):
                shutil.rmtree(child)
        for name in (MANIFEST, FAILURES, SAMPLES, "compare.csv", "sensitivity.csv", "salib_problem.json"):
            (out_dir / name).unlink(missing_ok=True)

    # ----------------------------------------------------------------------------------------- progress
    def is_done(self, chunk: "Chunk") -> bool:
        """Whether the chunk is recorded without failures and every part matches its recorded checksum."""
        verified = self.__dict__.setdefault("_verified", {})
        if chunk.key not in verified:
            verified[chunk.key] = self._verify(chunk)
        return verified[chunk.key]

    def _verify(self, chunk: "Chunk") -> bool:
        record = self.manifest["chunks"].get(chunk.key)
        if not isinstance(record, dict) or record.get("failed_runs") or not isinstance(record.get("sha256"), dict):
            return False
        checksums = record["sha256"]
        return set(checksums) == set(record.get("parts", ())) and all(
            sha256_of(self.out_dir / table / f"{chunk.key}.parquet") == digest for table, digest in checksums.items())

    def pending(self) -> list["Chunk"]:
        return [c for c in self.plan.chunks if not self.is_done(c)]

    def runs_done(self) -> int:
        return sum(len(c.runs) for c in self.plan.chunks if self.is_done(c))

    def record(self, outcome: "ChunkOutcome") -> None:
        """Write the chunk's parts, then record it in the manifest (in that order; see module doc)."""
        chunk = outcome.chunk
        for table, data in outcome.parts.items():
            write_bytes_atomic(self.out_dir / table / f"{chunk.key}.parquet", data)
        variant = self.plan.variants[chunk.variant].name
        self.manifest["chunks"][chunk.key] = {
            "variant": variant,
            "runs": [chunk.first, chunk.last],
            "parts": sorted(outcome.parts),
            "sha256": outcome.checksums(),
            "rows": outcome.rows,
            "failed_runs": [run for run, _ in outcome.failures],
            "seconds": round(outcome.seconds, 3),
        }
        failures = self.manifest["failures"]
        stale = [k for k, v in failures.items() if v["chunk"] == chunk.key]
        for key in stale:
            del failures[key]
        for run, error in outcome.failures:
            failures[f"{variant}/{run}"] = {"scenario": variant, "run": run, "chunk": chunk.key, "error": error}
        self.__dict__.get("_verified", {}).pop(chunk.key, None)
        self._write_manifest()
        if outcome.failures or stale:
            self._write_failures()

    def finish(self, timings: dict[str, float], extra: dict[str, Any] | None = None) -> dict[str, Any]:
        failed = len(self.manifest["failures"])
        self.manifest["status"] = "complete" if not failed else "complete_with_failures"
        self.manifest["finished_utc"] = _now()
        self.manifest["timings_seconds"] = timings
        self.manifest["runs_failed"] = failed
        self.manifest["runs_total"] = self.plan.total_runs
        if extra:
            self.manifest.update(extra)
        self._write_manifest()
        self._write_failures()
        return self.manifest

    def _write_manifest(self) -> None:
        text = json.dumps(self.manifest, indent=1, ensure_ascii=False, sort_keys=True, default=str) + "\n"
        write_bytes_atomic(self.out_dir / MANIFEST, text.encode("utf-8"))

    def _write_failures(self) -> None:
        path = self.out_dir / FAILURES
        rows = sorted(self.manifest["failures"].values(), key=lambda f: (f["chunk"], f["run"]))
        if not rows:
            path.unlink(missing_ok=True)
            return
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["scenario", "run", "error"])
        for row in rows:
            writer.writerow([row["scenario"], row["run"], row["error"]])
        write_bytes_atomic(path, buffer.getvalue().encode("utf-8"))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ------------------------------------------------------------------------------------------------ reading
def read_batch_directory(path: str | Path, columns: list[str] | None = None,
                         filters: list | None = None) -> dict[str, Any]:
    """Read a batch folder: one DataFrame per table folder (output contract), plus ``manifest`` and
    ``failures`` (a DataFrame, empty if no run failed)."""
    import pandas as pd

    path = Path(path)
    out: dict[str, Any] = {}
    for folder in sorted(p for p in path.iterdir() if p.is_dir() and any(p.glob("part-*.parquet"))):
        out[folder.name] = read_table(path, folder.name, columns, filters)
    out["manifest"] = read_manifest(path)
    failures = path / FAILURES
    out["failures"] = (pd.read_csv(failures) if failures.is_file()
                       else pd.DataFrame({"scenario": pd.Series(dtype=object), "run": pd.Series(dtype="int64"),
                                          "error": pd.Series(dtype=object)}))
    return out


def read_table(path: str | Path, table: str, columns: list[str] | None = None, filters: list | None = None):
    """One table of a batch folder, parts concatenated in name order (variant, then run)."""
    import pandas as pd

    parts = sorted((Path(path) / table).glob("part-*.parquet"))
    if not parts:
        return pd.DataFrame()
    frames = [pd.read_parquet(p, columns=columns, filters=filters) for p in parts]
    return pd.concat(frames, ignore_index=True)
