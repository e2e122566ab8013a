"""Batch benchmark: single-run time, batch throughput at 1 and 2 workers, mesa.batch_run side by side,
peak memory of a 10,000-run batch, and run time as the region grows. All measured in one invocation.

    python benchmarks/bench_batch.py            # full (several minutes on 2 cores)
    python benchmarks/bench_batch.py --quick    # smoke test (~1 minute)

Prints a table and writes benchmarks/results/bench_batch.json (``--json`` to change). Targets from issue 5:
2-worker efficiency >= 0.85; ours >= 3x mesa.batch_run throughput; 10,000-run peak RSS <= 1 GB; run time
at most linear in units x sectors.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import mesa

from cnyx_sim.core.model import CnyxModel

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "scenarios" / "baseline.yaml"
CALIBRATION = REPO / "calibration"


class CollectingCnyxModel(CnyxModel):
    """The same CnyxModel; mesa.batch_run requires a DataCollector, so region nominal GDP is collected yearly."""

    def __init__(self, base, params, seed=0, run=0):
        super().__init__(base, params, seed=seed, run=run)
        self.datacollector = mesa.DataCollector(
            model_reporters={"gdp_nominal": lambda m: float(m.state.va_real.sum() * m.state.price_index)})
        self.datacollector.collect(self)

    def step(self):
        super().step()
        self.datacollector.collect(self)


class SameOutputsCnyxModel(CnyxModel):
    """The same CnyxModel, with a DataCollector that gathers what cnyx-sim's trajectories hold per unit and
    year: every per-unit variable of the recorder and every per-sector one, through agent reporters (the Mesa
    way of collecting city-level data). This is the like-for-like comparison: both engines produce the same
    information per run (Mesa keeps it in memory as dicts; cnyx-sim writes Parquet)."""

    def __init__(self, base, params, seed=0, run=0):
        super().__init__(base, params, seed=seed, run=run)
        city_vars = sorted(self.recorder.by_city)
        sector_vars = sorted(self.recorder.by_sector)
        sectors = list(self.geography.sectors.codes)
        reporters = {}
        for name in city_vars:
            reporters[name] = (lambda n: lambda a: float(a.model.recorder.by_city[n][a.model._t, a.idx]))(name)
        for name in sector_vars:
            for k, sector in enumerate(sectors):
                reporters[f"{name}.{sector}"] = (lambda n, k: lambda a: float(
                    a.model.recorder.by_sector[n][a.model._t, a.idx, k]))(name, k)
        self._t = 0
        self.datacollector = mesa.DataCollector(
            model_reporters={"gdp_nominal": lambda m: float(m.state.va_real.sum() * m.state.price_index)},
            agent_reporters=reporters)
        self.datacollector.collect(self)

    def step(self):
        super().step()
        self._t = self.state.year - self.params.start_year
        self.datacollector.collect(self)


def single_run_seconds(repeats: int) -> float:
    from cnyx_sim.pipeline import prepare_scenario, run_tables

    prepared = prepare_scenario(BASELINE)
    run_tables(prepared, 0)  # warm-up (imports, caches)
    times = []
    for r in range(repeats):
        started = time.perf_counter()
        run_tables(prepared, r)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def batch_throughput(runs: int, workers: int, out: Path) -> float:
    from cnyx_sim.batch.engine import run_batch

    started = time.perf_counter()
    summary = run_batch([BASELINE], runs=runs, out=out, workers=workers, force=True)
    assert summary.ok, summary.failures[:1]
    return runs / (time.perf_counter() - started)



def mesa_throughput(runs: int, processes: int, model_class=CollectingCnyxModel) -> float:
    from cnyx_sim.pipeline import prepare_scenario

    prepared = prepare_scenario(BASELINE)
    params = prepared.params
    started = time.perf_counter()
    mesa.batch_run(
        model_class,
        parameters={"base": prepared.calibration.base, "params": params, "seed": prepared.seed,
                    "run": range(runs)},
        iterations=1,
        max_steps=params.end_year - params.start_year,
        number_processes=processes,
        data_collection_period=-1,
        display_progress=False,
    )
    return runs / (time.perf_counter() - started)


def peak_memory_batch(runs: int, workers: int, out: Path) -> dict[str, float]:
    """Run a big batch in a child process; sample the resident memory of it and its workers.

    ``ru_maxrss`` is not used: Linux carries it over ``fork``+``exec``, so a child started from a large
    parent reports the parent's size. The child samples ``VmRSS`` of itself and every descendant from
    ``/proc`` every 0.2 s and reports the peaks (parent alone, and parent + workers together).
    """
    import subprocess

    code = (
        "import os, threading, time\n"
        "from cnyx_sim.batch.engine import run_batch\n"
        "def rss(pid):\n"
        "    try:\n"
        "        for line in open(f'/proc/{pid}/status'):\n"
        "            if line.startswith('VmRSS:'): return int(line.split()[1])\n"
        "    except OSError: return 0\n"
        "    return 0\n"
        "def descendants(pid):\n"
        "    out = []\n"
        "    try: kids = open(f'/proc/{pid}/task/{pid}/children').read().split()\n"
        "    except OSError: return out\n"
        "    for k in map(int, kids): out += [k] + descendants(k)\n"
        "    return out\n"
        "peak = {'parent': 0, 'total': 0}\n"
        "stop = False\n"
        "def sample():\n"
        "    me = os.getpid()\n"
        "    while not stop:\n"
        "        p = rss(me); t = p + sum(rss(k) for k in descendants(me))\n"
        "        peak['parent'] = max(peak['parent'], p); peak['total'] = max(peak['total'], t)\n"
        "        time.sleep(0.2)\n"
        "if __name__ == '__main__':\n"
        "    threading.Thread(target=sample, daemon=True).start()\n"
        f"    s = run_batch([{str(BASELINE)!r}], runs={runs}, out={str(out)!r}, workers={workers}, force=True)\n"
        "    assert s.ok\n"
        "    stop = True; time.sleep(0.3)\n"
        "    print(peak['parent'], peak['total'])\n"
    )
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    parent_kb, total_kb = map(int, result.stdout.split()[-2:])
    size_mb = sum(p.stat().st_size for p in out.rglob("*.parquet")) / 2**20
    return {"runs": runs, "workers": workers, "seconds": seconds, "parent_peak_mb": parent_kb / 1024,
            "total_peak_mb": total_kb / 1024, "parquet_on_disk_mb": size_mb}


def synthetic_calibration(folder: Path, units: int, sectors: int) -> Path:
    """A calibration folder in the format of ``calibration/``: units x sectors, values from the real data.

    Units and sectors cycle through the real ones (the first copy keeps the real codes, later copies get a
    suffix), with each unit's population, growth and sector structure spread over the synthetic sectors, so
    magnitudes stay realistic.
    """
    regions = pd.read_csv(CALIBRATION / "regions.csv")
    base = pd.read_csv(CALIBRATION / "base_year_2021.csv")
    real_sectors = pd.read_csv(CALIBRATION / "sectors.csv")
    folder.mkdir(parents=True, exist_ok=True)
    parents = list(real_sectors["parent"])
    sector_rows = []
    for s in range(sectors):
        template = real_sectors.iloc[s % len(real_sectors)]
        copy = s // len(real_sectors)  # the first copy keeps the real codes (scenario lists name them)
        sector_rows.append({"code": template["code"] if copy == 0 else f"{template['code']}_{copy}", "name_en": template["name_en"],
                            "name_zh": template["name_zh"], "parent": parents[s % len(parents)],
                            "is_industry": template["is_industry"], "plan_basis": "synthetic benchmark"})
    sector_frame = pd.DataFrame(sector_rows)
    sector_frame.to_csv(folder / "sectors.csv", index=False)
    region_rows, table_rows = [], []
    year = int(base["year"].iloc[0])
    for u in range(units):
        real = regions.iloc[u % len(regions)]
        copy = u // len(regions)
        code = real["code"] if copy == 0 else f"{real['code']}_{copy}"
        region_rows.append({"code": code, "name_zh": real["name_zh"], "name_en": real["name_en"],
                            "province": real["province"], "note": "synthetic benchmark"})
        rows = base[base["region"] == real["code"]]
        value = lambda variable, sector="total": float(rows[(rows["variable"] == variable) & (rows["sector"] == sector)]["value"].iloc[0])  # noqa: E731
        real_va = [value("va_nominal", c) for c in real_sectors["code"]]
        va = [real_va[s % len(real_va)] * len(real_va) / sectors for s in range(sectors)]
        for s, sector in enumerate(sector_frame["code"]):
            table_rows.append({"region": code, "variable": "va_nominal", "sector": sector, "value": va[s],
                               "unit": "亿元", "year": year})
        table_rows.append({"region": code, "variable": "gdp_nominal", "sector": "total", "value": sum(va),
                           "unit": "亿元", "year": year})
        for variable in ("population", "real_growth_mean_2015_2021"):
            table_rows.append({"region": code, "variable": variable, "sector": "total", "value": value(variable),
                               "unit": "", "year": year})
    inflation = base[base["variable"] == "cpi_inflation_mean_2015_2021"].iloc[0]
    table_rows.append({"region": inflation["region"], "variable": "cpi_inflation_mean_2015_2021", "sector": "total",
                       "value": inflation["value"], "unit": inflation["unit"], "year": year})
    copies: dict[str, list[str]] = {}
    for row in region_rows:
        copies.setdefault(row["code"].rsplit("_", 1)[0] if row["code"] not in set(regions["code"]) else row["code"],
                          []).append(row["code"])
    travel = CALIBRATION / "travel_times_2021.csv"
    if travel.is_file():  # other tables of the calibration folder: expand unit rows to every copy
        table = pd.read_csv(travel)
        ends = [c for c in table.columns[:2]]
        expanded = []
        for row in table.to_dict("records"):
            for a in copies.get(row[ends[0]], [row[ends[0]]] if row[ends[0]] not in set(regions["code"]) else []):
                for b in copies.get(row[ends[1]], [row[ends[1]]] if row[ends[1]] not in set(regions["code"]) else []):
                    expanded.append({**row, ends[0]: a, ends[1]: b})
        shortest = table.iloc[:, 3].min() if table.shape[1] > 3 else None
        for group in copies.values():  # copies of one unit: as close as the closest real pair
            for a in group:
                for b in group:
                    if a != b and shortest is not None:
                        expanded.append({**table.iloc[0].to_dict(), ends[0]: a, ends[1]: b,
                                         table.columns[3]: shortest})
        pd.DataFrame(expanded, columns=table.columns).to_csv(folder / travel.name, index=False)
    pd.DataFrame(region_rows).to_csv(folder / "regions.csv", index=False)
    pd.DataFrame(table_rows).to_csv(folder / "base_year_2021.csv", index=False)
    return folder


def per_sector_scalars() -> str:
    """YAML giving every per-sector parameter whose default is keyed by the real sector codes one value
    (the mean of its default), so a synthetic region with other sector codes validates."""
    import yaml
    from pydantic import BaseModel

    from cnyx_sim.scenario.schema import Scenario

    doc: dict = {}
    for section, field in Scenario.model_fields.items():
        model = field.annotation
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        for name, sub in model.model_fields.items():
            default = sub.default
            if isinstance(default, dict) and default and all(isinstance(v, (int, float)) for v in default.values()) \
                    and "agriculture" in default:
                doc.setdefault(section, {})[name] = float(np.mean(list(default.values())))
    return yaml.safe_dump(doc, sort_keys=True)


def scaling(tmp: Path, sizes: list[tuple[int, int]], repeats: int) -> list[dict]:
    """Median run time of a bare scenario on synthetic calibrations of several sizes."""
    from cnyx_sim.pipeline import prepare_scenario, run_tables

    out = []
    for units, sectors in sizes:
        folder = synthetic_calibration(tmp / f"cal_{units}x{sectors}", units, sectors)
        scenario = tmp / f"scale_{units}x{sectors}.yaml"
        # A self-contained scenario (no extends): the baseline's per-unit/per-sector settings name the real
        # codes, so the synthetic region takes the documented defaults for everything else.
        scenario.write_text(
            f"name: scale_{units}x{sectors}\nseed: 1\nruns: 1\nyears: {{start: 2021, end: 2035}}\n"
            f"data: {{calibration_dir: {folder}}}\n" + per_sector_scalars(), encoding="utf-8")
        try:
            prepared = prepare_scenario(scenario)
        except Exception as exc:  # noqa: BLE001 - report, do not hide, why a size could not run
            out.append({"units": units, "sectors": sectors, "error": f"{type(exc).__name__}: {exc}"})
            continue
        run_tables(prepared, 0)
        times = []
        for r in range(repeats):
            started = time.perf_counter()
            run_tables(prepared, r)
            times.append(time.perf_counter() - started)
        out.append({"units": units, "sectors": sectors, "cells": units * sectors,
                    "seconds_median": statistics.median(times)})
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test, not the figures")
    parser.add_argument("--json", type=Path, default=REPO / "benchmarks" / "results" / "bench_batch.json")
    args = parser.parse_args()
    quick = args.quick
    n_single = 5 if quick else 25
    n_batch = 60 if quick else 1000
    n_memory = 200 if quick else 10000

    results: dict = {"mode": "quick" if quick else "full", "python": platform.python_version(),
                     "machine": platform.platform(), "cpus": __import__("os").cpu_count()}
    with tempfile.TemporaryDirectory(prefix="cnyx-bench-") as tmp_name:
        tmp = Path(tmp_name)
        results["memory"] = peak_memory_batch(n_memory, 2, tmp / "memory")
        results["single_run_median_seconds"] = single_run_seconds(n_single)
        results["single_run_repeats"] = n_single
        ours = {w: batch_throughput(n_batch, w, tmp / f"batch_w{w}") for w in (1, 2)}
        results["batch_runs"] = n_batch
        results["ours_runs_per_second"] = ours
        results["two_worker_efficiency"] = ours[2] / (2 * ours[1])
        theirs = {p: mesa_throughput(n_batch, p) for p in (1, 2)}
        results["mesa_batch_run_runs_per_second"] = theirs
        results["speedup_vs_mesa"] = {p: ours[p] / theirs[p] for p in (1, 2)}
        same = {p: mesa_throughput(n_batch, p, SameOutputsCnyxModel) for p in (1, 2)}
        results["mesa_batch_run_same_outputs_runs_per_second"] = same
        results["speedup_vs_mesa_same_outputs"] = {p: ours[p] / same[p] for p in (1, 2)}
        sizes = [(10, 10), (10, 20), (50, 20), (100, 20)] if not quick else [(10, 10), (20, 20)]
        results["scaling"] = scaling(tmp, sizes, 3 if quick else 7)
    ok = [s for s in results["scaling"] if "seconds_median" in s]
    if len(ok) >= 2:
        first, last = ok[0], ok[-1]
        results["scaling_time_ratio"] = last["seconds_median"] / first["seconds_median"]
        results["scaling_cells_ratio"] = last["cells"] / first["cells"]

    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(format_report(results))
    print(f"\nwrote {args.json}")
    return 0


def format_report(r: dict) -> str:
    lines = [f"cnyx_sim batch benchmark ({r['mode']}; Python {r['python']}; {r['cpus']} CPUs)", ""]
    lines.append(f"single baseline run (median of {r['single_run_repeats']}, in process): "
                 f"{r['single_run_median_seconds'] * 1000:.1f} ms")
    lines.append(f"{'':28s}{'1 worker':>14s}{'2 workers':>14s}")
    ours, theirs = r["ours_runs_per_second"], r["mesa_batch_run_runs_per_second"]
    lines.append(f"{'cnyx-sim batch, runs/s':28s}{ours[1]:>14.1f}{ours[2]:>14.1f}")
    lines.append(f"{'mesa.batch_run, runs/s':28s}{theirs[1]:>14.1f}{theirs[2]:>14.1f}")
    speed = r["speedup_vs_mesa"]
    lines.append(f"{'ours / mesa':28s}{speed[1]:>13.2f}x{speed[2]:>13.2f}x   (target >= 3x)")
    if "mesa_batch_run_same_outputs_runs_per_second" in r:
        same, ratio = r["mesa_batch_run_same_outputs_runs_per_second"], r["speedup_vs_mesa_same_outputs"]
        lines.append(f"{'mesa.batch_run, same outputs':28s}{same[1]:>14.1f}{same[2]:>14.1f}")
        lines.append(f"{'ours / mesa (same outputs)':28s}{ratio[1]:>13.2f}x{ratio[2]:>13.2f}x   (target >= 3x)")
    lines.append(f"2-worker efficiency ({r['batch_runs']} runs): {r['two_worker_efficiency']:.2f} (target >= 0.85)")
    m = r["memory"]
    lines.append(f"peak memory, {m['runs']}-run batch, {m['workers']} workers ({m['seconds']:.0f} s): parent "
                 f"{m['parent_peak_mb']:.0f} MB, parent + workers {m['total_peak_mb']:.0f} MB (target <= 1024 MB); "
                 f"{m['parquet_on_disk_mb']:.0f} MB of Parquet written")
    lines.append("run time vs region size (median, in process):")
    for s in r["scaling"]:
        if "error" in s:
            lines.append(f"  {s['units']:>4d} units x {s['sectors']:>2d} sectors: could not run: {s['error']}")
        else:
            lines.append(f"  {s['units']:>4d} units x {s['sectors']:>2d} sectors ({s['cells']:>5d} cells): "
                         f"{s['seconds_median'] * 1000:8.1f} ms")
    if "scaling_time_ratio" in r:
        lines.append(f"  time ratio {r['scaling_time_ratio']:.2f} for {r['scaling_cells_ratio']:.0f}x the cells "
                     f"(target: at most linear)")
    return "\n".join(lines)

if __name__ == "__main__":
    sys.exit(main())
