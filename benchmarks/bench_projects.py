"""Cost of a run as the number of projects grows x3 and x10 (issues 3, 9).

Scales every origin's arrival rate by 1, 3 and 10 (park land scaled alike so parks keep their role) and
times ``runner.simulate`` of the baseline (median of repeats). Also times creating the same number of
``mesa.Agent`` objects, the alternative design (one Mesa agent per project), against appending array rows.
Since issue 9 the baseline's ~30,000 potential projects per run are calibrated to the published flows (issue 3's
had ~3,000), so the largest scale here is x10 (x100 would be 3 million rows per run).

Run:  /tmp/venv311/bin/python benchmarks/bench_projects.py
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from pathlib import Path

import mesa
import numpy as np

from cnyx_sim.pipeline import prepare_scenario
from cnyx_sim.runner import simulate

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"


def scaled(params, rates, factor: float):
    """``params`` with the calibrated arrival rates ``rates`` (T2) times ``factor`` given explicitly."""
    t = params.transfer
    parks = dataclasses.replace(t.parks, land_capacity=t.parks.land_capacity * factor)
    return dataclasses.replace(params, transfer=dataclasses.replace(t, arrival_rate=rates * factor, parks=parks))


def time_runs(base, params, seed, repeats: int) -> tuple[float, int]:
    simulate(base, params, seed, 0)  # warm-up
    seconds, projects = [], 0
    for run in range(repeats):
        started = time.perf_counter()
        model = simulate(base, params, seed, run)
        seconds.append(time.perf_counter() - started)
        projects = len(model.transfer.book) if model.transfer is not None else 0
    return statistics.median(seconds), projects


def time_mesa_agents(n: int) -> float:
    model = mesa.Model(rng=0)
    started = time.perf_counter()
    for _ in range(n):
        mesa.Agent(model)
    return time.perf_counter() - started


def main() -> None:
    prepared = prepare_scenario(BASELINE)
    base, params, seed = prepared.calibration.base, prepared.params, prepared.seed
    no_transfer, _ = time_runs(base, dataclasses.replace(params, transfer=None), seed, 10)
    print(f"run without industrial transfer: {no_transfer * 1e3:.1f} ms")
    rates = simulate(base, params, seed, 0).transfer.arrival_rate  # the calibrated rates of the baseline
    print(f"{'scale':>6s} {'projects':>9s} {'ms/run':>8s} {'ms/1000 projects':>17s} {'x time':>7s} "
          f"{'mesa.Agent creation ms':>23s}")
    first = None
    for factor, repeats in ((1, 10), (3, 5), (10, 3)):
        seconds, projects = time_runs(base, scaled(params, rates, factor), seed, repeats)
        first = first or seconds
        agents = time_mesa_agents(projects)
        print(f"{factor:>5d}x {projects:>9d} {seconds * 1e3:>8.1f} {seconds * 1e6 / projects:>17.2f} "
              f"{seconds / first:>7.1f} {agents * 1e3:>23.1f}")
    print("cost grows at most linearly when 'x time' stays at or below the scale factor")


if __name__ == "__main__":
    main()
