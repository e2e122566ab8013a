"""``cnyx-sim`` command line. Thin: parse arguments, call the API, print a summary.

Exit codes: 0 ok, 2 bad input (one line on stderr, nothing written), 1 internal error.
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
        self.exit(EXIT_BAD_INPUT, f"cnyx-sim: error: {message} (see cnyx-sim {self.prog.split()[-1]} --help)\n")


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
    return parser


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
        f"Region 川南渝西 (10 units){spread_note}:",
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
        lines.append(f"  {name:36s} {int(group['year'].iloc[0])}: value {value:,.4g} vs threshold "
                     f"{threshold:,.4g} -> {verdict} ({met}/{len(group)})")
    if output.out_dir is not None:
        lines.append(f"Wrote {output.out_dir}/ (trajectories.parquet, targets.csv, manifest.json)")
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


COMMANDS = {"run": cmd_run, "validate": cmd_validate}


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
