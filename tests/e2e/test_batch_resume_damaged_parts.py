"""``cnyx-sim batch --resume`` after a part file was lost or cut short: the folder must end up as if the batch had
never been interrupted (same bytes), whatever the store does inside to find the damage.

Written against the CLI only, so it holds for any store (the store finds a truncated part by its checksum).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cnyx_sim
from cnyx_sim.cli import main


@pytest.fixture
def scenario(tmp_path: Path, baseline_path: Path) -> Path:
    path = tmp_path / "short.yaml"
    path.write_text(f"extends: {baseline_path}\nname: short\nyears: {{start: 2021, end: 2023}}\n", encoding="utf-8")
    return path


def batch(scenario: Path, out: Path, *extra: str) -> int:
    return main(["batch", str(scenario), "--runs", "4", "--chunk-size", "2", "--quiet", "--out", str(out), *extra])


def parts(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.glob("*/part-*.parquet"))}


@pytest.fixture
def whole(scenario: Path, tmp_path: Path) -> dict[str, bytes]:
    assert batch(scenario, tmp_path / "whole") == 0
    found = parts(tmp_path / "whole")
    assert len(found) >= 4  # two chunks x (trajectories, targets, ...)
    return found


def test_resume_rewrites_a_deleted_part(scenario, tmp_path, whole):
    out = tmp_path / "damaged"
    assert batch(scenario, out) == 0
    victim = sorted(out.glob("trajectories/part-*.parquet"))[-1]
    victim.unlink()
    assert batch(scenario, out, "--resume") == 0
    assert parts(out) == whole
    assert len(cnyx_sim.load(out)["trajectories"]) == len(cnyx_sim.load(tmp_path / "whole")["trajectories"])


def test_resume_rewrites_a_truncated_part(scenario, tmp_path, whole):
    out = tmp_path / "damaged"
    assert batch(scenario, out) == 0
    victim = sorted(out.glob("trajectories/part-*.parquet"))[0]
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    assert batch(scenario, out, "--resume") == 0
    assert parts(out) == whole
