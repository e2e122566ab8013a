"""``cnyx-sim`` command line. Thin: parse arguments, call the API, print a summary.

Exit codes: 0 ok, 2 bad input (one line on stderr, nothing written), 1 internal error,
3 ``batch`` finished but some runs failed (listed in DIR/failures.csv).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

import numpy as np
import pandas as pd

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2
SUMMARY_YEARS = (2021, 2025, 2030, 2035)


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that exits 2 with one line (its default is 2 as well, with usage; keep it to one line)."""

    def error(self, message: str) -> None:  # pragma: no cover - exercised through the CLI tests
        # self.prog is "cnyx-sim" for the top level and "cnyx-sim run" etc. for subcommands.
        self.exit(EXIT_BAD_INPUT, f"cnyx-sim: error: {message} (see {self.prog} --help)\n")


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative number, got {value}")
    return value


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(prog="cnyx-sim", description="川南渝西 regional simulation (cnyx_sim).")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_ArgumentParser)

    run = sub.add_parser("run", help="run a scenario and write results/<name>/")
    run.add_argument("scenario", type=Path, help="scenario YAML file")
    run.add_argument("--out", type=Path, default=None, help="output folder (default: results/<scenario name>)")
    run.add_argument("--runs", type=_positive_int, default=None, help="number of runs (overrides the file)")
    run.add_argument("--seed", type=_non_negative_int, default=None, help="scenario seed (overrides the file)")

    validate = sub.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("files", type=Path, nargs="+", help="scenario YAML files")
    _add_batch_parsers(sub)
    _add_calibrate_parser(sub)
    return parser


def _add_calibrate_parser(sub) -> None:
    calibrate = sub.add_parser(
        "calibrate", help="fit the growth parameters to data up to a cutoff; write calibration/fitted_<cutoff>.*",
        description="Fit TFP growth, capital and shock parameters by simulation to the observations up to "
                    "--cutoff (docs/model.md 5.6), write fitted_<cutoff>.yaml (which scenarios/baseline.yaml "
                    "extends), its posterior draws and fit table, then validate (backcast, pseudo "
                    "out-of-sample forecast against naive benchmarks) and write report.md.")
    calibrate.add_argument("--cutoff", type=_positive_int, default=2021,
                           help="last year of observations the fit may see (default 2021)")
    calibrate.add_argument("--calibration-dir", type=Path, default=None,
                           help="calibration folder (default: the project's calibration/)")
    calibrate.add_argument("--baseline", type=Path, default=None,
                           help="scenario run in the report's forward section (default: scenarios/baseline.yaml "
                                "next to the calibration folder, if present)")
    calibrate.add_argument("--no-validation", action="store_true", help="fit and write parameters only (no report)")
    calibrate.add_argument("--quiet", action="store_true", help="no progress lines")


BATCH_EPILOG = """exit codes: 0 all runs ok; 2 bad input (scenario, sweep, or a --resume on another batch's folder:
one line on stderr, nothing written); 3 the batch finished but some runs failed (see DIR/failures.csv and
DIR/batch.json; --resume re-runs them); 1 internal error."""


def _add_batch_parsers(sub) -> None:
    batch = sub.add_parser(
        "batch", help="run scenarios x runs (x sweep samples) into a resumable batch folder",
        description="Run every scenario x run (common random numbers: run r uses the same seed stream in every "
                    "variant) into DIR/<table>/part-*.parquet, recorded in DIR/batch.json.",
        epilog=BATCH_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    batch.add_argument("scenarios", type=Path, nargs="+", help="scenario YAML files (the variants)")
    batch.add_argument("--runs", type=_positive_int, default=None, help="runs per variant (default: each file's runs)")
    batch.add_argument("--out", type=Path, required=True, help="batch folder")
    batch.add_argument("--workers", type=_positive_int, default=1, help="worker processes (default 1: in process)")
    batch.add_argument("--executor", choices=("process", "dask"), default="process",
                       help="process pool (default) or Dask distributed (LocalCluster unless --scheduler)")
    batch.add_argument("--scheduler", default=None, help="Dask scheduler address tcp://HOST:PORT (--executor dask)")
    batch.add_argument("--resume", action="store_true", help="finish an interrupted batch in --out (same inputs)")
    batch.add_argument("--force", action="store_true", help="write into a non-empty folder, replacing a batch there")
    batch.add_argument("--chunk-size", type=_positive_int, default=None,
                       help="runs per part file (default 25; fixed, independent of --workers)")
    batch.add_argument("--sweep", type=Path, default=None, help="sweep YAML (grid, lhs, sobol, saltelli samples)")
    batch.add_argument("--seed", type=_non_negative_int, default=None, help="seed for every variant (overrides files)")
    batch.add_argument("--quiet", action="store_true", help="no progress bar (the final line is still printed)")

    compare = sub.add_parser(
        "compare", help="paired differences of key outcomes: variants vs a baseline",
        description="Compare the variants of a batch folder (or two run folders, the first being the baseline): "
                    "median and 5-95%% interval of paired differences by run index, and P(target met). "
                    "Writes DIR/compare.csv (the first folder).")
    compare.add_argument("dirs", type=Path, nargs="+", help="a batch folder, or two run/batch folders")
    compare.add_argument("--baseline", default=None, help="baseline variant name (default: the first)")
    compare.add_argument("--csv", type=Path, default=None, help="CSV path (default: DIR/compare.csv)")


# ------------------------------------------------------------------------------------------------ summary
def _region_series(traj: pd.DataFrame, variable: str) -> pd.DataFrame:
    rows = traj[(traj["region"] == "cnyx") & (traj["sector"] == "total") & (traj["variable"] == variable)]
    return rows.pivot_table(index="run", columns="year", values="value")


def _fmt_spread(values: pd.Series, digits: int = 0) -> str:
    median = float(values.median())
    if len(values) == 1:
        return f"{median:,.{digits}f}"
    low, high = np.percentile(values, [5, 95])
    return f"{median:,.{digits}f} [{low:,.{digits}f}-{high:,.{digits}f}]"


def _project_summary(projects: pd.DataFrame | None, n_runs: int) -> list[str]:
    """Each year's arrivals: counts by origin, located vs outside option, top hosts (mean per run)."""
    if projects is None or projects.empty:
        return []
    arrivals = projects[projects["relocated_from"].isna()] if "relocated_from" in projects else projects
    per_run = f" (mean per run over {n_runs} runs)" if n_runs > 1 else ""
    origins = sorted(arrivals["origin"].unique())
    lines = [f"Industrial transfer{per_run}: projects arriving by origin ({', '.join(origins)}), "
             "located in the region vs won by the outside option, top hosts:"]
    for year, group in arrivals.groupby("year_arrived"):
        by_origin = group["origin"].value_counts().reindex(origins, fill_value=0) / n_runs
        located = group[group["host_region"] != "outside"]
        hosts = located["host_region"].value_counts().head(3) / n_runs
        in_parks = int((located["park"] != "none").sum()) / n_runs
        lines.append(
            f"  {int(year)}: {len(group) / n_runs:5.0f} arrived (" + " ".join(f"{v:.0f}" for v in by_origin)
            + f"), located {len(located) / n_runs:4.0f} ({located['investment'].sum() / n_runs:,.0f}亿, "
            f"{in_parks:.0f} in parks), outside {(len(group) - len(located)) / n_runs:4.0f}; top hosts "
            + ", ".join(f"{h} {c:.0f}" for h, c in hosts.items())
        )
    relocations = int(projects["relocated_from"].notna().sum()) if "relocated_from" in projects else 0
    lines.append(f"  relocations between units: {relocations / n_runs:.0f}; located share rises when the region "
                 "outgrows the nation (cluster size), with parks, packages and shorter travel times (T4-T6).")
    return lines


def _fmt_target(value: float) -> str:
    """Levels (亿元) with thousands separators, rates and ratios with four significant digits."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"


def format_summary(output) -> str:
    """The short report ``cnyx-sim run`` prints: GDP path, targets, and why."""
    scenario = output.loaded.scenario
    traj, targets = output.trajectories, output.targets
    years = [y for y in SUMMARY_YEARS if scenario.years.start <= y <= scenario.years.end]
    n_runs = scenario.runs
    spread_note = " (median [5-95%] over runs)" if n_runs > 1 else ""
    lines = [
        f"cnyx-sim run: {scenario.name} - {n_runs} run(s), seed {scenario.seed}, "
        f"{scenario.years.start}-{scenario.years.end}",
        f"Region 川南渝西 ({len(output.prepared.calibration.base.geography.cities)} units){spread_note}:",
    ]
    header = f"  {'':30s}" + "".join(f"{y:>26d}" for y in years)
    lines.append(header)
    for variable, label, digits in (
        ("gdp_nominal", "GDP, 亿元 current prices", 0),
        ("gdp_real", "GDP, 亿元 2021 prices", 0),
        ("industry_va_real", "industry VA, 亿元 2021 prices", 0),
        ("population", "population, 万人", 1),
    ):
        table = _region_series(traj, variable)
        lines.append(f"  {label:30s}" + "".join(f"{_fmt_spread(table[y], digits):>26s}" for y in years))

    gdp_real, gdp_nominal = _region_series(traj, "gdp_real"), _region_series(traj, "gdp_nominal")
    price = _region_series(traj, "price_index")
    industry = _region_series(traj, "industry_va_real")
    lines.append("Why:")
    for first, last in zip(years[:-1], years[1:]):
        span = last - first
        real = float(((gdp_real[last] / gdp_real[first]) ** (1 / span) - 1).median())
        nominal = float(((gdp_nominal[last] / gdp_nominal[first]) ** (1 / span) - 1).median())
        deflator = float(((price[last] / price[first]) ** (1 / span) - 1).median())
        ind = float(((industry[last] / industry[first]) ** (1 / span) - 1).median())
        lines.append(f"  {first}-{last}: real GDP {real:+.1%}/yr (industry {ind:+.1%}/yr) x deflator "
                     f"{deflator:+.1%}/yr = nominal {nominal:+.1%}/yr")
    if 2025 in years and 2021 in years:
        needed = (scenario.targets.gdp_2025_nominal / float(gdp_nominal[2021].median())) ** 0.25 - 1
        lines.append(f"  the plan's 2万亿 by 2025 needs nominal {needed:+.1%}/yr from the 2021 level; growth comes "
                     "from TFP (converging from its 2015-2021 pace to the long-run rate), capital deepening and "
                     "labour moving out of agriculture.")

    lines.append(f"Targets ({scenario.targets.ledger} ledger; met in k of {n_runs} runs):")
    if targets.empty:
        lines.append("  (no target year inside the simulated years)")
    for name, group in targets.groupby("target", sort=False):
        met = int(group["met"].sum())
        verdict = "MET" if met == len(group) else ("MISSED" if met == 0 else "MIXED")
        value, threshold = float(group["value"].median()), float(group["threshold"].median())
        lines.append(f"  {name:36s} {int(group['year'].iloc[0])}: value {_fmt_target(value)} vs threshold "
                     f"{_fmt_target(threshold)} -> {verdict} ({met}/{len(group)})")
    lines.extend(_project_summary(output.tables.get("projects"), n_runs))

    # Who produces, who collects, who is credited (ODD 7.10-7.11): per unit, official (在地) vs credited GDP
    # and collected vs after-sharing city-level revenue, medians over runs.
    ledger_years = [y for y in (2025, 2035) if scenario.years.start <= y <= scenario.years.end]
    needed = ["gdp_nominal", "gdp_credited_nominal", "tax_local_collected", "tax_local_after_sharing"]
    unit_rows = traj[(traj["sector"] == "total") & traj["variable"].isin(needed) & traj["year"].isin(ledger_years)]
    if ledger_years and set(needed) <= set(unit_rows["variable"]):
        medians = unit_rows.groupby(["region", "variable", "year"], sort=False)["value"].median()
        lines.append("Ledgers by unit, 亿元 current prices (GDP official -> credited | city revenue collected -> "
                     f"after sharing){' (median over runs)' if n_runs > 1 else ''}:")
        lines.append(f"  {'':16s}" + "".join(f"{y:>44d}" for y in ledger_years))
        for region in dict.fromkeys(unit_rows["region"]):
            cells = []
            for y in ledger_years:
                v = {name: float(medians.get((region, name, y), np.nan)) for name in needed}
                cells.append(f"{v['gdp_nominal']:>9,.0f} -> {v['gdp_credited_nominal']:>9,.0f} | "
                             f"{v['tax_local_collected']:>7,.1f} -> {v['tax_local_after_sharing']:>7,.1f}")
            lines.append(f"  {region:16s}" + "".join(f"{c:>44s}" for c in cells))
    if output.out_dir is not None:
        written = ", ".join(sorted(output.tables.get("_files", [])) or ["trajectories.parquet", "targets.csv"]
                            + (["projects.parquet"] if "projects" in output.tables else [])
                            + (["sharing.parquet"] if "sharing" in output.tables else []) + ["manifest.json"])
        lines.append(f"Wrote {output.out_dir}/ ({written})")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ commands
def cmd_run(args: argparse.Namespace) -> int:
    from cnyx_sim.api import run

    output = run(args.scenario, runs=args.runs, seed=args.seed, out=args.out)
    print(format_summary(output))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from cnyx_sim.scenario.errors import ScenarioError
    from cnyx_sim.scenario.load import prepare

    status = EXIT_OK
    for path in args.files:
        try:
            loaded, _, _ = prepare(path)
        except ScenarioError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = EXIT_BAD_INPUT
        else:
            print(f"ok: {path} (scenario {loaded.name!r}, hash {loaded.content_hash[:12]})")
    return status


EXIT_RUNS_FAILED = 3


def cmd_batch(args: argparse.Namespace) -> int:
    from cnyx_sim.batch.engine import run_batch
    from cnyx_sim.batch.store import BatchError

    if args.scheduler is not None and args.executor != "dask":
        print("error: --scheduler needs --executor dask", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        summary = run_batch(args.scenarios, runs=args.runs, out=args.out, workers=args.workers,
                            executor=args.executor, scheduler=args.scheduler, resume=args.resume, force=args.force,
                            chunk_size=args.chunk_size, sweep=args.sweep, seed=args.seed,
                            progress="final" if args.quiet else True)
    except BatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if summary.runs_failed:
        first = summary.failures[0]
        print(f"{summary.runs_failed} run(s) failed, e.g. {first['scenario']} run {first['run']}: {first['error']} "
              f"(all in {summary.out_dir}/failures.csv)", file=sys.stderr)
        return EXIT_RUNS_FAILED
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from cnyx_sim.batch.compare import compare, format_table, write_compare_csv
    from cnyx_sim.batch.store import BatchError

    try:
        table, notes = compare(args.dirs, args.baseline)
    except BatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    path = args.csv if args.csv is not None else args.dirs[0] / "compare.csv"
    write_compare_csv(table, path)
    print(format_table(table, notes))
    print(f"Wrote {path} ({len(table)} rows)")
    return EXIT_OK


def cmd_calibrate(args: argparse.Namespace) -> int:
    import time

    from cnyx_sim.calibrate.macro import MacroError
    from cnyx_sim.calibrate.main import run_calibration
    from cnyx_sim.calibrate.settings import SettingsError
    from cnyx_sim.io.calibration import DEFAULT_CALIBRATION_DIR

    directory = args.calibration_dir if args.calibration_dir is not None else DEFAULT_CALIBRATION_DIR
    baseline = args.baseline
    if baseline is None and (directory.parent / "scenarios" / "baseline.yaml").is_file():
        baseline = directory.parent / "scenarios" / "baseline.yaml"
    started = time.perf_counter()

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    try:
        outcome = run_calibration(directory, args.cutoff, baseline, validate=not args.no_validation, progress=progress)
    except (SettingsError, MacroError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"calibrated to data up to {outcome.cutoff} in {time.perf_counter() - started:.1f} s "
          f"(optimiser: {outcome.message})")
    for path in outcome.written:
        print(f"wrote {path}")
    return EXIT_OK


COMMANDS = {"run": cmd_run, "validate": cmd_validate, "batch": cmd_batch, "compare": cmd_compare,
            "calibrate": cmd_calibrate}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from cnyx_sim.scenario.errors import ScenarioError

    try:
        return COMMANDS[args.command](args)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, exit 1
        if args.debug:
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
