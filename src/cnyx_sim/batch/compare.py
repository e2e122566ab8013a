"""``cnyx-sim compare``: paired differences of key outcomes, each variant against a baseline.

For an outcome ``y`` (a variable of one region in one year), variant ``v`` and baseline ``b``, the runs
are paired by run index (common random numbers: run ``r`` of both draws the same random numbers when the
seeds are equal):

    (C1)  d_r = y_r(v) - y_r(b)           for every run index r present in both
    (C2)  report median(d), and the 5 % and 95 % percentiles of d (numpy linear interpolation)
    (C3)  P(target met) = share of runs whose ``met`` is true, per variant and target (targets table)

Key outcomes (those present are used, the absent ones are named in the notes): region GDP official
(``gdp_nominal``) and credited (``gdp_credited_nominal``) in 2025/2030/2035, each unit's GDP, local
revenue after sharing (``tax_local_after_sharing``, else ``tax_local_collected``), projects
(``projects_arrived``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cnyx_sim.batch.store import BatchError, is_batch_dir, read_table, write_bytes_atomic

COMPARE_YEARS = (2025, 2030, 2035)
REGION_TOTAL = "cnyx"
COLUMNS = ["variant", "baseline", "kind", "outcome", "region", "year", "unit", "n_pairs", "baseline_median",
           "variant_median", "diff_median", "diff_p05", "diff_p95"]


@dataclass(frozen=True)
class Outcome:
    label: str
    variable: str
    all_units: bool  # every unit as well as the region total


def key_outcomes(present: set[str]) -> tuple[list[Outcome], list[str]]:
    """The key outcomes available in ``present`` variables, and notes on those absent."""
    outcomes, notes = [], []
    outcomes.append(Outcome("GDP official", "gdp_nominal", True))
    if "gdp_credited_nominal" in present:
        outcomes.append(Outcome("GDP credited", "gdp_credited_nominal", True))
    else:
        notes.append("GDP credited: absent (no gdp_credited_nominal in the trajectories)")
    if "tax_local_after_sharing" in present:
        outcomes.append(Outcome("revenue after sharing", "tax_local_after_sharing", True))
    else:
        outcomes.append(Outcome("local revenue (no sharing ledger)", "tax_local_collected", True))
        notes.append("revenue after sharing: absent (no tax_local_after_sharing); tax_local_collected used")
    if "projects_arrived" in present:
        outcomes.append(Outcome("projects arrived", "projects_arrived", False))
    else:
        notes.append("projects: absent (no projects_arrived in the trajectories)")
    outcomes = [o for o in outcomes if o.variable in present]
    return outcomes, notes


def paired_summary(baseline: pd.Series, variant: pd.Series) -> dict[str, float]:
    """(C1)-(C2) for two series indexed by run."""
    joined = pd.concat([baseline.rename("b"), variant.rename("v")], axis=1, join="inner").dropna()
    if joined.empty:
        return {"n_pairs": 0, "baseline_median": np.nan, "variant_median": np.nan, "diff_median": np.nan,
                "diff_p05": np.nan, "diff_p95": np.nan}
    diff = (joined["v"] - joined["b"]).to_numpy()
    return {
        "n_pairs": len(diff),
        "baseline_median": float(np.median(joined["b"])),
        "variant_median": float(np.median(joined["v"])),
        "diff_median": float(np.median(diff)),
        "diff_p05": float(np.percentile(diff, 5)),
        "diff_p95": float(np.percentile(diff, 95)),
    }


def _read_source(path: Path, variables: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Total-sector rows of ``variables``, the targets table and the variant order of a run or batch folder."""
    columns = ["scenario", "run", "region", "sector", "variable", "unit", "year", "value"]
    filters = [("sector", "==", "total"), ("variable", "in", variables)]
    if is_batch_dir(path):
        traj = read_table(path, "trajectories", columns, filters)
        targets = read_table(path, "targets")
        from cnyx_sim.batch.store import read_manifest

        order = [v["name"] for v in read_manifest(path)["identity"]["variants"]]
    elif (path / "trajectories.parquet").is_file():
        traj = pd.read_parquet(path / "trajectories.parquet", columns=columns, filters=filters)
        targets = pd.read_csv(path / "targets.csv") if (path / "targets.csv").is_file() else pd.DataFrame()
        order = list(dict.fromkeys(traj["scenario"]))
    else:
        raise BatchError(f"{path}: neither a batch folder (batch.json) nor a run folder (trajectories.parquet)")
    return traj, targets, order


def _present_variables(path: Path) -> set[str]:
    if is_batch_dir(path):
        parts = sorted((path / "trajectories").glob("part-*.parquet"))
        sample = parts[:1]
    else:
        sample = [path / "trajectories.parquet"]
    present: set[str] = set()
    for part in sample:
        present |= set(pd.read_parquet(part, columns=["variable"])["variable"].unique())
    return present


def compare(paths: list[str | Path], baseline: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Compare the variants of one batch folder, or of two run/batch folders (the first is the baseline).

    Returns the comparison table (columns :data:`COLUMNS`) and notes (absent outcomes, seeds).
    """
    paths = [Path(p) for p in paths]
    if not 1 <= len(paths) <= 2:
        raise BatchError("compare takes one batch folder or two run folders")
    for p in paths:
        if not p.is_dir():
            raise BatchError(f"{p}: no such folder")
    present = set.intersection(*(_present_variables(p) for p in paths))
    outcomes, notes = key_outcomes(present)
    variables = [o.variable for o in outcomes]
    trajs, targets_list, order = [], [], []
    for i, p in enumerate(paths):
        traj, targets, names = _read_source(p, variables)
        if len(paths) == 2 and i == 1 and set(names) & set(order):
            # Two run folders of the same scenario name: label the variant by its folder.
            rename = {n: f"{n}@{p.name}" for n in names}
            traj = traj.assign(scenario=traj["scenario"].map(rename))
            if not targets.empty:
                targets = targets.assign(scenario=targets["scenario"].map(rename))
            names = [rename[n] for n in names]
        trajs.append(traj)
        targets_list.append(targets)
        order.extend(names)
    traj = pd.concat(trajs, ignore_index=True)
    targets = pd.concat([t for t in targets_list if not t.empty], ignore_index=True) if any(
        not t.empty for t in targets_list) else pd.DataFrame()
    if baseline is None:
        baseline = order[0]
    elif baseline not in order:
        raise BatchError(f"--baseline {baseline!r} is not a variant here; variants: {', '.join(order)}")

    traj = traj[traj["year"].isin(COMPARE_YEARS)]
    rows = []
    # Index once: (variable, region, year, scenario) -> Series over run.
    groups = {key: g.set_index("run")["value"] for key, g in traj.groupby(["variable", "region", "year", "scenario"])}
    units = traj.drop_duplicates("variable").set_index("variable")["unit"].to_dict()
    regions_all = list(dict.fromkeys(traj["region"]))
    regions_all = [REGION_TOTAL] + [r for r in regions_all if r != REGION_TOTAL]
    years = sorted(traj["year"].unique())
    empty = pd.Series(dtype=float)
    for variant in order:
        if variant == baseline:
            continue
        for outcome in outcomes:
            regions = regions_all if outcome.all_units else [REGION_TOTAL]
            for region in regions:
                for year in years:
                    base = groups.get((outcome.variable, region, year, baseline), empty)
                    var = groups.get((outcome.variable, region, year, variant), empty)
                    if base.empty and var.empty:
                        continue
                    rows.append({"variant": variant, "baseline": baseline, "kind": "paired_difference",
                                 "outcome": outcome.variable, "region": region, "year": int(year),
                                 "unit": units.get(outcome.variable, ""), **paired_summary(base, var)})
    if not targets.empty:
        probability = targets.groupby(["scenario", "target", "year"], sort=False)["met"].mean()
        base_p = {(t, y): p for (s, t, y), p in probability.items() if s == baseline}
        for variant in order:
            for (s, target, year), p in probability.items():
                if s != variant:
                    continue
                b = base_p.get((target, year), np.nan)
                n = int(((targets["scenario"] == variant) & (targets["target"] == target)).sum())
                rows.append({"variant": variant, "baseline": baseline, "kind": "p_target_met", "outcome": target,
                             "region": REGION_TOTAL, "year": int(year), "unit": "probability", "n_pairs": n,
                             "baseline_median": b, "variant_median": float(p), "diff_median": float(p) - b,
                             "diff_p05": np.nan, "diff_p95": np.nan})
    seeds_note = _seed_note(paths)
    if seeds_note:
        notes.append(seeds_note)
    return pd.DataFrame(rows, columns=COLUMNS), notes


def _seed_note(paths: list[Path]) -> str | None:
    seeds = set()
    for p in paths:
        if is_batch_dir(p):
            from cnyx_sim.batch.store import read_manifest

            seeds |= {v["seed"] for v in read_manifest(p)["identity"]["variants"]}
        elif (p / "manifest.json").is_file():
            import json

            seeds.add(json.loads((p / "manifest.json").read_text(encoding="utf-8")).get("seed"))
    if len(seeds) > 1:
        return ("variants have different seeds, so run r of each does not share random numbers; the paired "
                "differences then include noise")
    return None


def format_table(table: pd.DataFrame, notes: list[str], max_rows: int = 60) -> str:
    """The printed report: region totals first; per-unit rows are in the CSV."""
    lines = []
    if table.empty:
        lines.append("nothing to compare (one variant only?)")
    shown = table[(table["region"] == REGION_TOTAL)]
    for variant, group in shown.groupby("variant", sort=False):
        base = group["baseline"].iloc[0]
        lines.append(f"{variant} (baseline):" if variant == base else
                     f"{variant} vs {base} (paired by run; median [5%, 95%] of differences):")
        for row in group.itertuples():
            if row.kind == "paired_difference":
                lines.append(f"  {row.outcome:28s} {row.year}  base {row.baseline_median:>12,.1f}  variant "
                             f"{row.variant_median:>12,.1f}  diff {row.diff_median:>+10,.2f} "
                             f"[{row.diff_p05:+,.2f}, {row.diff_p95:+,.2f}]  (n={row.n_pairs})")
            else:
                lines.append(f"  P(met) {row.outcome:36s} {row.year}  base {row.baseline_median:.2f}  "
                             f"variant {row.variant_median:.2f}  ({row.n_pairs} runs)")
        if len(lines) > max_rows:
            lines.append("  ... (see the CSV for all rows)")
            break
    lines.extend(f"note: {n}" for n in notes)
    return "\n".join(lines)


def write_compare_csv(table: pd.DataFrame, path: Path) -> None:
    buffer = io.StringIO()
    table.to_csv(buffer, index=False)
    write_bytes_atomic(Path(path), buffer.getvalue().encode("utf-8"))
