"""``cnyx-sim compare``: paired differences of key outcomes, each variant against a baseline.

For an outcome ``y`` (a variable of one region in one year), variant ``v`` and baseline ``b``, the runs
are paired by run index (common random numbers: run ``r`` of both draws the same random numbers when the
seeds are equal):

    (C1)  d_r = y_r(v) - y_r(b)           for every run index r present in both
    (C2)  report median(d), and the 5 % and 95 % percentiles of d (numpy linear interpolation)
    (C3)  P(target met) = share of runs whose ``met`` is true, per variant and target (targets table)

The 5-95 % interval of (C2) is reported only with at least ``min_pairs`` pairs (:data:`DEFAULT_MIN_PAIRS`,
20: below that the 5th and 95th percentiles are little more than the extreme runs); fewer pairs give the
median alone (``diff_p05``/``diff_p95`` empty). The baseline is the one the user names (``--baseline``; by
default the first variant) and is never compared with itself. The report warns when a variant's seed
differs from the baseline's (run r then does not share random numbers, so the differences include noise),
when their run sets differ (only common runs are paired), and lists failed runs of a batch (they are left out).
``compare`` never writes into a run folder: a batch folder gets ``compare.csv``; otherwise the CSV goes beside
the first folder (:func:`default_csv_path`).

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
#: Fewest paired runs for which the 5-95 % interval of the differences is reported.
DEFAULT_MIN_PAIRS = 20
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


def _seeds(path: Path) -> dict[str, int | None]:
    if is_batch_dir(path):
        from cnyx_sim.batch.store import read_manifest

        return {v["name"]: v.get("seed") for v in read_manifest(path)["identity"]["variants"]}
    manifest = path / "manifest.json"
    if manifest.is_file():
        import json

        data = json.loads(manifest.read_text(encoding="utf-8"))
        return {data.get("scenario"): data.get("seed")}
    return {}


def _failures(path: Path) -> list[tuple[str, int]]:
    """(scenario, run) of the failed runs of a batch folder (none for a run folder)."""
    if not is_batch_dir(path):
        return []
    from cnyx_sim.batch.store import read_manifest

    failures = read_manifest(path).get("failures", {}) or {}
    return sorted((str(f["scenario"]), int(f["run"])) for f in failures.values())


def _run_list(runs: list[int]) -> str:
    runs = sorted(runs)
    shown = ", ".join(str(r) for r in runs[:8])
    return shown + (f", ... ({len(runs)} in all)" if len(runs) > 8 else "")


def compare(paths: list[str | Path], baseline: str | None = None,
            min_pairs: int = DEFAULT_MIN_PAIRS) -> tuple[pd.DataFrame, list[str]]:
    """Compare the variants of one batch folder, or of two run/batch folders (the first is the baseline).

    Returns the comparison table (columns :data:`COLUMNS`) and notes (absent outcomes, differing seeds or
    run sets, failed runs, intervals left out). Raises ``BatchError`` for bad input.
    """
    paths = [Path(p) for p in paths]
    if not 1 <= len(paths) <= 2:
        raise BatchError("compare takes one batch folder or two run folders")
    for p in paths:
        if not p.is_dir():
            raise BatchError(f"{p}: no such folder")
    if len(paths) == 2 and paths[0].resolve() == paths[1].resolve():
        raise BatchError(f"{paths[0]}: the same folder given twice; nothing to compare")
    if min_pairs < 1:
        raise BatchError(f"min_pairs must be at least 1 (got {min_pairs})")
    present = set.intersection(*(_present_variables(p) for p in paths))
    outcomes, notes = key_outcomes(present)
    variables = [o.variable for o in outcomes]
    trajs, targets_list, order = [], [], []
    seeds: dict[str, int | None] = {}
    failed: list[tuple[str, int]] = []
    for i, p in enumerate(paths):
        traj, targets, names = _read_source(p, variables)
        rename = {n: n for n in names}
        if len(paths) == 2 and i == 1 and set(names) & set(order):
            # Two run folders of the same scenario name: label the variant by its folder.
            rename = {n: f"{n}@{p.name}" for n in names}
            traj = traj.assign(scenario=traj["scenario"].map(rename))
            if not targets.empty:
                targets = targets.assign(scenario=targets["scenario"].map(rename))
            names = [rename[n] for n in names]
        seeds.update({rename.get(n, n): seed for n, seed in _seeds(p).items() if n in rename})
        failed.extend((rename.get(s, s), r) for s, r in _failures(p))
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
    variants = [v for v in order if v != baseline]
    if not variants:
        notes.append(f"only one variant ({baseline}): nothing to compare it with")

    # Warnings: seeds, run sets, failed runs.
    for variant in variants:
        if seeds.get(variant) != seeds.get(baseline):
            notes.append(f"warning: {variant} has seed {seeds.get(variant)} and {baseline} seed "
                         f"{seeds.get(baseline)}: run r of each does not share random numbers, so the paired "
                         "differences include noise")
    runs_of = {name: set(group["run"].unique()) for name, group in traj.groupby("scenario")}
    for variant in variants:
        mine, theirs = runs_of.get(variant, set()), runs_of.get(baseline, set())
        if mine != theirs:
            notes.append(f"warning: the run sets differ: {variant} has {len(mine)} run(s), {baseline} "
                         f"{len(theirs)}; only the {len(mine & theirs)} common run(s) are paired"
                         + (f" (not in {baseline}: {_run_list(mine - theirs)})" if mine - theirs else "")
                         + (f" (not in {variant}: {_run_list(theirs - mine)})" if theirs - mine else ""))
    for name in order:
        runs = [r for s, r in failed if s == name]
        if runs:
            notes.append(f"failed runs: {name} runs {_run_list(runs)} failed and are left out "
                         "(see failures.csv of the batch; cnyx-sim batch --resume re-runs them)")

    traj = traj[traj["year"].isin(COMPARE_YEARS)]
    rows = []
    # Index once: (variable, region, year, scenario) -> Series over run.
    groups = {key: g.set_index("run")["value"] for key, g in traj.groupby(["variable", "region", "year", "scenario"])}
    units = traj.drop_duplicates("variable").set_index("variable")["unit"].to_dict()
    regions_all = list(dict.fromkeys(traj["region"]))
    regions_all = [REGION_TOTAL] + [r for r in regions_all if r != REGION_TOTAL]
    years = sorted(traj["year"].unique())
    empty = pd.Series(dtype=float)
    for variant in variants:
        for outcome in outcomes:
            regions = regions_all if outcome.all_units else [REGION_TOTAL]
            for region in regions:
                for year in years:
                    base = groups.get((outcome.variable, region, year, baseline), empty)
                    var = groups.get((outcome.variable, region, year, variant), empty)
                    if base.empty and var.empty:
                        continue
                    summary = paired_summary(base, var)
                    if summary["n_pairs"] < min_pairs:
                        summary["diff_p05"] = summary["diff_p95"] = np.nan
                    rows.append({"variant": variant, "baseline": baseline, "kind": "paired_difference",
                                 "outcome": outcome.variable, "region": region, "year": int(year),
                                 "unit": units.get(outcome.variable, ""), **summary})
    if not targets.empty:
        probability = targets.groupby(["scenario", "target", "year"], sort=False)["met"].mean()
        base_p = {(t, y): p for (s, t, y), p in probability.items() if s == baseline}
        for variant in variants:
            for (s, target, year), p in probability.items():
                if s != variant:
                    continue
                b = base_p.get((target, year), np.nan)
                n = int(((targets["scenario"] == variant) & (targets["target"] == target)).sum())
                rows.append({"variant": variant, "baseline": baseline, "kind": "p_target_met", "outcome": target,
                             "region": REGION_TOTAL, "year": int(year), "unit": "probability", "n_pairs": n,
                             "baseline_median": b, "variant_median": float(p), "diff_median": float(p) - b,
                             "diff_p05": np.nan, "diff_p95": np.nan})
    table = pd.DataFrame(rows, columns=COLUMNS)
    paired = table[table["kind"] == "paired_difference"]
    if not paired.empty and (paired["n_pairs"] < min_pairs).any():
        notes.append(f"no 5-95 % intervals: they need at least {min_pairs} paired runs and there are "
                     f"{int(paired['n_pairs'].min())} (--min-pairs sets the minimum); medians only")
    return table, notes


def default_csv_path(paths: list[str | Path]) -> Path:
    """Where ``compare`` writes its CSV by default: ``DIR/compare.csv`` of a single batch folder, otherwise
    ``compare-<second>-vs-<first>.csv`` beside the first folder (never inside a run folder)."""
    paths = [Path(p) for p in paths]
    if len(paths) == 1 and is_batch_dir(paths[0]):
        return paths[0] / "compare.csv"
    first = paths[0].resolve()
    tail = f"-{paths[1].resolve().name}-vs-{first.name}" if len(paths) == 2 else f"-{first.name}"
    return first.parent / f"compare{tail}.csv"


def is_run_folder(path: Path) -> bool:
    """A folder written by ``cnyx-sim run`` (its tables and manifest, no batch.json)."""
    return (path / "trajectories.parquet").is_file() and not is_batch_dir(path)


def refuse_run_folder(csv_path: str | Path, verb: str = "compare", option: str = "--csv") -> None:
    """Raise ``BatchError`` when ``csv_path`` lies inside a run folder (run folders are written by ``run``
    alone, atomically; compare and plot must not change them)."""
    path = Path(csv_path).resolve()
    for folder in path.parents:
        if is_run_folder(folder):
            raise BatchError(f"{csv_path}: inside the run folder {folder}; {verb} never writes into a run "
                             f"folder (choose another {option})")


def _number(value: float) -> str:
    if not np.isfinite(value):
        return "-"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.3g}"


def format_table(table: pd.DataFrame, notes: list[str], max_rows: int = 60) -> str:
    """The printed report: region totals first, labelled with the scenario names; per-unit rows are in the CSV."""
    lines = []
    if table.empty:
        lines.append("nothing to compare")
    shown = table[(table["region"] == REGION_TOTAL)]
    for variant, group in shown.groupby("variant", sort=False):
        base = group["baseline"].iloc[0]
        width = max(10, len(base), len(variant))
        paired = group[group["kind"] == "paired_difference"]
        if not paired.empty:
            lines.append(f"{variant} vs {base} (baseline): region 川南渝西, medians over runs")
            lines.append(f"  difference = {variant} - {base}, run by run (paired by run index)")
            lines.append(f"  {'outcome':24s} {'year':>4s} {base:>{width}s} {variant:>{width}s} {'difference':>11s} "
                         f"{'5 %':>9s} {'95 %':>9s} {'pairs':>5s}")
            for row in paired.itertuples():
                lines.append(f"  {row.outcome:24s} {row.year:>4d} {_number(row.baseline_median):>{width}s} "
                             f"{_number(row.variant_median):>{width}s} {row.diff_median:>+11,.2f} "
                             f"{_signed(row.diff_p05):>9s} {_signed(row.diff_p95):>9s} {row.n_pairs:>5d}")
        p_met = group[group["kind"] == "p_target_met"]
        if not p_met.empty:
            lines.append(f"  P(target met), share of runs: {base} -> {variant}")
            for row in p_met.itertuples():
                lines.append(f"  {row.outcome:36s} {row.year:>4d} {_share(row.baseline_median):>6s} -> "
                             f"{_share(row.variant_median):>6s}  ({row.n_pairs} runs of {variant})")
        if len(lines) > max_rows:
            lines.append("  ... (see the CSV for all rows)")
            break
    from cnyx_sim.summary import wrap

    for note in notes:
        lines.extend(wrap(note if note.startswith("warning:") else f"note: {note}", indent=""))
    return "\n".join(lines)


def _signed(value: float) -> str:
    return "-" if not np.isfinite(value) else f"{value:+,.2f}"


def _share(value: float) -> str:
    return "-" if not np.isfinite(value) else f"{value:.0%}"


def write_compare_csv(table: pd.DataFrame, path: Path) -> None:
    buffer = io.StringIO()
    table.to_csv(buffer, index=False)
    write_bytes_atomic(Path(path), buffer.getvalue().encode("utf-8"))
