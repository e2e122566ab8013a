"""Run manifests: what produced a results folder (scenario, hash, seeds, versions, commit, timings)."""

from __future__ import annotations

import hashlib
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cnyx_sim import __version__
from cnyx_sim.core.rng import STREAMS

REPO_ROOT = Path(__file__).resolve().parents[3]


def git_commit(root: Path = REPO_ROOT) -> str | None:
    """The project's git commit (with ``-dirty`` if the work tree differs), or None outside a checkout."""
    if not (root / "src" / "cnyx_sim").is_dir():  # an installed wheel: not in a checkout (issue 11)
        return None
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("-dirty" if dirty else "")


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def environment() -> dict[str, str]:
    import mesa
    import numpy
    import pandas

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
        "mesa": mesa.__version__,
        "executable": sys.executable,
    }


def build_manifest(
    *,
    scenario_name: str,
    scenario_file: str,
    scenario_files: tuple[str, ...],
    resolved: dict[str, Any],
    content_hash: str,
    seed: int,
    runs: list[int],
    calibration_dir: Path,
    timings: dict[str, float],
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    calibration_files = {
        p.name: file_digest(p) for p in sorted(Path(calibration_dir).glob("*.csv"))
    }
    manifest = {
        "scenario": scenario_name,
        "scenario_file": scenario_file,
        "scenario_files": list(scenario_files),
        "scenario_hash": content_hash,
        "resolved_scenario": resolved,
        "seed": seed,
        "runs": runs,
        "seed_rule": "run r uses numpy.random.SeedSequence(seed, spawn_key=(r,)), spawned into streams",
        "streams": list(STREAMS),
        "package_version": __version__,
        "git_commit": git_commit(),
        "calibration_dir": str(calibration_dir),
        "calibration_files_sha256": calibration_files,
        "environment": environment(),
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "timings_seconds": timings,
    }
    if extra:
        manifest.update(extra)
    return manifest
