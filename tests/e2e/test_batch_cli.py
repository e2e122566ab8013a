"""``cnyx-sim batch`` end to end: same bytes whatever the executor, kill -9 + resume, exit codes, load().

The kill tests are deterministic: a small driver (below, test code) runs the CLI with the store's ``record``
(or its atomic part writer) wrapped so that the process announces the state it reached and then waits;
the test kills it with SIGKILL at that known state. No wall-clock race, and no hook in production code.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import cnyx_sim
from cnyx_sim.cli import main

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"


@pytest.fixture
def scenarios(tmp_path: Path) -> list[Path]:
    short = tmp_path / "short.yaml"
    short.write_text(f"extends: {BASELINE}\nname: short\nyears: {{start: 2021, end: 2026}}\n", encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"extends: {short}\nname: policy\nproduction: {{tfp_long_run_growth: 0.03}}\n",
                      encoding="utf-8")
    return [short, policy]


def part_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.glob("*/part-*.parquet"))}


def recorded_chunks(folder: Path) -> int:
    try:
        return len(json.loads((folder / "batch.json").read_text(encoding="utf-8"))["chunks"])
    except (OSError, ValueError):  # not there yet
        return 0


# Runs ``cnyx-sim`` with a pause at a known state: after the N-th chunk is recorded ("record") or after the
# N-th part file's temporary copy is half written ("write"). It prints "paused" and waits to be killed.
KILL_DRIVER = r"""
import os, signal, sys
from cnyx_sim.batch import store
from cnyx_sim.cli import main

mode, n = sys.argv[1], int(sys.argv[2])
count = 0

def pause():
    print("paused", flush=True)
    signal.pause()

if mode == "record":
    record = store.BatchStore.record
    def record_then_pause(self, outcome):
        global count
        record(self, outcome)
        count += 1
        if count == n:
            pause()
    store.BatchStore.record = record_then_pause
else:
    write = store.write_bytes_atomic
    def write_half_then_pause(path, data):
        global count
        if path.suffix == ".parquet":
            count += 1
            if count == n:
                path.parent.mkdir(parents=True, exist_ok=True)
                (path.parent / f".{path.name}.killed.tmp").write_bytes(data[: len(data) // 2])
                pause()
        write(path, data)
    store.write_bytes_atomic = write_half_then_pause
sys.exit(main(sys.argv[3:]))
"""


def kill_when_paused(tmp_path: Path, mode: str, n: int, *args: str) -> None:
    """Run the batch CLI under the driver, wait until it paused at the N-th event, then SIGKILL it."""
    driver = tmp_path / "kill_driver.py"
    driver.write_text(KILL_DRIVER, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(driver), mode, str(n), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # blocks until the driver reached the state (or ended)
        assert line.strip() == "paused", proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cnyx_sim.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_workers_1_workers_2_and_dask_write_identical_bytes(scenarios, tmp_path):
    common = [str(s) for s in scenarios] + ["--runs", "6", "--chunk-size", "4", "--quiet"]
    assert main(["batch", *common, "--out", str(tmp_path / "w1")]) == 0
    assert main(["batch", *common, "--out", str(tmp_path / "w2"), "--workers", "2"]) == 0
    assert main(["batch", *common, "--out", str(tmp_path / "dask"), "--workers", "2", "--executor", "dask"]) == 0
    one = part_bytes(tmp_path / "w1")
    tables = {name.split("/")[0] for name in one}
    assert {"trajectories", "targets"} <= tables  # plus any table the model adds (projects, sharing)
    assert len(one) == 2 * 2 * len(tables)  # variants x chunks x tables
    assert part_bytes(tmp_path / "w2") == one
    assert part_bytes(tmp_path / "dask") == one


def test_batch_killed_after_two_chunks_then_resumed_runs_only_the_rest_and_equals_the_whole(scenarios, tmp_path):
    args = [str(scenarios[0]), "--runs", "8", "--chunk-size", "2", "--quiet"]
    kill_when_paused(tmp_path, "record", 2, "batch", *args, "--out", str(tmp_path / "b"))
    assert recorded_chunks(tmp_path / "b") == 2  # exactly the state the kill landed in

    resumed = cli("batch", *args[:-1], "--out", str(tmp_path / "b"), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "8/8 runs done (4 done before resume)" in resumed.stderr
    assert main(["batch", *args, "--out", str(tmp_path / "whole")]) == 0
    assert part_bytes(tmp_path / "b") == part_bytes(tmp_path / "whole")


def test_batch_killed_while_writing_a_part_leaves_no_leftover_after_resume(scenarios, tmp_path):
    args = [str(scenarios[0]), "--runs", "6", "--chunk-size", "2", "--quiet"]
    # A chunk writes one part per table (trajectories, targets, projects, sharing): part 6 is the second
    # chunk's second table, half written to its temporary file when the process is killed.
    kill_when_paused(tmp_path, "write", 6, "batch", *args, "--out", str(tmp_path / "b"))
    leftovers = list((tmp_path / "b").rglob(".*.tmp"))
    assert leftovers and recorded_chunks(tmp_path / "b") == 1

    assert main(["batch", *args, "--out", str(tmp_path / "b"), "--resume"]) == 0
    assert list((tmp_path / "b").rglob(".*.tmp")) == []
    assert main(["batch", *args, "--out", str(tmp_path / "whole")]) == 0
    assert part_bytes(tmp_path / "b") == part_bytes(tmp_path / "whole")


def test_failing_run_gives_exit_3_and_is_listed(scenarios, tmp_path, monkeypatch, capsys):
    from cnyx_sim.batch import worker

    real = worker.run_tables

    def run_tables(prepared, run):
        if (prepared.name, run) == ("policy", 2):
            raise RuntimeError("deliberate failure")
        return real(prepared, run)

    monkeypatch.setattr(worker, "run_tables", run_tables)  # in-process executor (workers 1)
    code = main(["batch", *map(str, scenarios), "--runs", "3", "--out", str(tmp_path / "b")])
    err = capsys.readouterr().err
    assert code == 3
    assert "1 run(s) failed" in err and "policy run 2" in err and "deliberate failure" in err
    traj = cnyx_sim.load(tmp_path / "b")["trajectories"]
    assert traj.groupby("scenario")["run"].nunique().to_dict() == {"policy": 2, "short": 3}


def test_resume_on_another_batch_folder_exits_2_and_changes_nothing(scenarios, tmp_path):
    out = tmp_path / "b"
    assert main(["batch", str(scenarios[0]), "--runs", "2", "--out", str(out), "--quiet"]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = cli("batch", str(scenarios[1]), "--runs", "2", "--out", str(out), "--resume")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "different batch" in result.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_bad_scenario_exits_2_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {BASELINE}\nname: bad\nruns: -1\n", encoding="utf-8")
    result = cli("batch", str(bad), "--out", str(tmp_path / "b"))
    assert result.returncode == 2 and "bad.yaml" in result.stderr
    assert not (tmp_path / "b").exists()


def test_load_of_a_batch_equals_concatenated_single_runs(scenarios, tmp_path):
    assert main(["batch", *map(str, scenarios), "--runs", "3", "--chunk-size", "2", "--out", str(tmp_path / "b"),
                 "--quiet"]) == 0
    loaded = cnyx_sim.load(tmp_path / "b")
    singles = [cnyx_sim.run(s, runs=3, write=False) for s in scenarios]
    for table in ("trajectories", "targets"):
        expected = pd.concat([s.tables[table] for s in singles], ignore_index=True)
        pd.testing.assert_frame_equal(loaded[table], expected)
    assert loaded["manifest"]["status"] == "complete"
    assert loaded["failures"].empty


def test_iamc_export_of_a_batch_keeps_runs_and_maps_gdp(scenarios, tmp_path):
    out = cnyx_sim.run(scenarios[0], runs=3, write=False)
    iamc = cnyx_sim.to_iamc(out.trajectories)   # runs kept (issue 11); tests/unit/batch/test_iamc.py has the rest
    assert list(iamc.columns) == ["model", "scenario", "run", "region", "variable", "unit", "year", "value"]
    gdp = out.trajectories.query("variable == 'gdp_nominal' and region == 'cnyx' and year == 2026")["value"]
    median = cnyx_sim.to_iamc(out.trajectories, statistic="median")
    row = median.query("variable == 'GDP|Nominal' and region == 'cnyx' and year == 2026")
    assert row["value"].tolist() == pytest.approx([gdp.median() * 0.1])
    assert "Value Added|Real|Secondary|Industry|electronics" in set(iamc["variable"])
    assert set(iamc["scenario"]) == {"short"} and sorted(iamc["run"].unique()) == [0, 1, 2]
    assert not iamc.duplicated(["model", "scenario", "run", "region", "variable", "year"]).any()


def test_morris_sweep_batch_writes_elementary_effect_indices_per_parameter(tmp_path):
    scenario = tmp_path / "short.yaml"
    scenario.write_text(f"extends: {BASELINE}\nname: short\nyears: {{start: 2021, end: 2023}}\n", encoding="utf-8")
    sweep = tmp_path / "morris.yaml"
    sweep.write_text("""
sweep:
  method: morris
  samples: 2
  seed: 4
  parameters:
    production.tfp_long_run_growth: {low: 0.01, high: 0.03}
    fiscal.growth_target: {low: 0.07, high: 0.09}
  sensitivity: {outcomes: [gdp_real@2023]}
""", encoding="utf-8")
    out = tmp_path / "b"
    assert main(["batch", str(scenario), "--sweep", str(sweep), "--runs", "1", "--out", str(out), "--quiet"]) == 0
    assert len(pd.read_csv(out / "samples.csv")) == 2 * (2 + 1)
    table = pd.read_csv(out / "sensitivity.csv")
    assert list(table.columns)[:7] == ["outcome", "parameter", "method", "mu_star", "mu", "sigma", "trajectories"]
    assert table["parameter"].tolist() == ["production.tfp_long_run_growth", "fiscal.growth_target"]
    assert (table["method"] == "morris").all() and (table["outcome"] == "gdp_real@2023").all()
    assert table["mu_star"].notna().all() and (table["mu_star"] >= table["mu"].abs() - 1e-12).all()
    assert (table["scenario_file"] == str(scenario)).all()
