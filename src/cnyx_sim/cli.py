"""``cnyx-sim`` command line. Thin: parse arguments, call the API, print a summary.

Exit codes: 0 ok, 2 bad input (one line on stderr, nothing written), 1 internal error,
3 ``batch`` finished but some runs failed (listed in DIR/failures.csv).

Bad input is every :class:`cnyx_sim.errors.InputError` (scenario, sweep and data files, batch folders,
output paths) and an operating-system refusal to write an output path (permissions, read-only file system,
full disk): one line naming the path. Warnings (dates with no effect inside the simulated years) are one
line per scenario file on stderr.
"""

from __future__ import annotations

import argparse
import errno
import sys
import traceback
from pathlib import Path

from cnyx_sim.labels import LANGUAGES

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


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


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text[:20]!r}") from None
    if not 0 < value < 1e6:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text[:20]!r}")
    return value


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def _add_limits_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lift-limits", action="store_true",
                        help="lift the resource limits (file sizes, arrival volume, runs, sweep size; "
                             "docs/validation.md); the parameters' plausibility bounds still apply")


def _limits(args: argparse.Namespace):
    from cnyx_sim.limits import DEFAULT_LIMITS, Limits

    return Limits.lifted() if getattr(args, "lift_limits", False) else DEFAULT_LIMITS


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(prog="cnyx-sim", description="川南渝西 regional simulation (cnyx_sim).")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    parser.add_argument("--version", action="version", version=_version_text())
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_ArgumentParser)

    run = sub.add_parser("run", help="run a scenario and write results/<name>/")
    run.add_argument("scenario", type=Path, help="scenario YAML file, or a bundled scenario's name (baseline)")
    run.add_argument("--out", type=Path, default=None, help="output folder (default: results/<scenario name>)")
    run.add_argument("--runs", type=_positive_int, default=None, help="number of runs (overrides the file)")
    run.add_argument("--seed", type=_non_negative_int, default=None, help="scenario seed (overrides the file)")
    _add_set_option(run)
    _add_limits_flag(run)

    validate = sub.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("files", type=Path, nargs="+", help="scenario YAML files (or bundled names)")
    _add_limits_flag(validate)
    _add_batch_parsers(sub)
    _add_calibrate_parser(sub)
    _add_workbench_parsers(sub)
    _add_decompose_parser(sub)
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
    batch.add_argument("scenarios", type=Path, nargs="+", help="scenario YAML files or bundled names (the variants)")
    batch.add_argument("--runs", type=_positive_int, default=None, help="runs per variant (default: each file's runs)")
    batch.add_argument("--out", type=Path, required=True, help="batch folder")
    batch.add_argument("--workers", type=_positive_int, default=1, help="worker processes (default 1: in process)")
    batch.add_argument("--executor", choices=("process", "dask"), default="process",
                       help="process pool (default) or Dask distributed (LocalCluster unless --scheduler)")
    batch.add_argument("--scheduler", default=None, help="Dask scheduler address tcp://HOST:PORT (--executor dask)")
    batch.add_argument("--connect-timeout", type=_positive_float, default=None, metavar="SECONDS",
                       help="give up on an unreachable --scheduler after this long (default 20; exit 2, nothing written)")
    batch.add_argument("--resume", action="store_true", help="finish an interrupted batch in --out (same inputs)")
    batch.add_argument("--force", action="store_true", help="write into a non-empty folder, replacing a batch there")
    batch.add_argument("--chunk-size", type=_positive_int, default=None,
                       help="runs per part file (default 25; fixed, independent of --workers)")
    batch.add_argument("--sweep", type=Path, default=None,
                       help="sweep YAML or bundled sweep name (grid, lhs, sobol, saltelli, morris samples)")
    batch.add_argument("--seed", type=_non_negative_int, default=None, help="seed for every variant (overrides files)")
    batch.add_argument("--quiet", action="store_true", help="no progress bar (the final line is still printed)")
    _add_limits_flag(batch)

    compare = sub.add_parser(
        "compare", help="paired differences of key outcomes: variants vs a baseline",
        description="Compare the variants of a batch folder (or two run/batch folders, the first being the "
                    "baseline): median and 5-95%% interval of paired differences by run index (only with at "
                    "least --min-pairs pairs), and P(target met). Warns when seeds or run sets differ and "
                    "reports failed runs. Writes DIR/compare.csv for a batch folder; never writes into a run "
                    "folder (two folders: compare-A-vs-B.csv beside the first).")
    compare.add_argument("dirs", type=Path, nargs="+", help="a batch folder, or two run/batch folders")
    compare.add_argument("--baseline", default=None, help="baseline variant name (default: the first)")
    compare.add_argument("--csv", type=Path, default=None,
                         help="CSV path (default: DIR/compare.csv of a batch folder; beside two folders)")
    compare.add_argument("--min-pairs", type=_positive_int, default=None,
                         help="fewest paired runs for a 5-95%% interval (default 20); fewer: median only")


# ------------------------------------------------------------------------------------------------ summary
# The run summary lives in cnyx_sim.summary (Chinese unit names, percentages, lines <= 100 columns).
from cnyx_sim.summary import format_summary  # noqa: E402  (re-exported: cnyx_sim.cli.format_summary)


# ------------------------------------------------------------------------------------------------ workbench
# Verbs and options of issue 11 (bundled scenarios, init, plot, --version, --set), kept in their own functions.
def _version_text() -> str:
    from cnyx_sim import __version__

    return f"cnyx-sim {__version__} (Python {sys.version.split()[0]})"


def _add_set_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a parameter, e.g. --set production.tfp_long_run_growth=0.015 (repeatable; "
                             "VALUE is read as YAML: 0.02, true, '{2022: 0.05, 2026: 0.04}')")


def _parse_sets(items: list[str]) -> dict:
    """``["a.b=0.1", ...]`` -> ``{"a.b": 0.1}`` (values parsed as YAML); a malformed item is bad input."""
    import yaml

    from cnyx_sim.scenario.errors import ScenarioError

    overrides = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise ScenarioError("--set", (), None, f"expected KEY=VALUE such as production.tfp_long_run_growth=0.015 "
                                                   f"(got {item!r})")
        try:
            overrides[key.strip()] = yaml.safe_load(text)
        except yaml.YAMLError:
            raise ScenarioError(f"--set {key.strip()}", (), None, f"cannot read the value {text!r} as YAML") from None
    return overrides


def _add_workbench_parsers(sub) -> None:
    sub.add_parser("scenarios", help="list the bundled scenarios (and sweeps) with their descriptions",
                   description="The scenarios shipped with the package; run one by name: cnyx-sim run baseline.")
    init = sub.add_parser("init", help="copy the bundled scenarios and calibration data into DIR for editing",
                          description="Writes DIR/scenarios/ (every bundled scenario and sweep) and DIR/calibration/ "
                                      "(the base-year data); the copied baseline.yaml reads ../calibration, so "
                                      "cnyx-sim run DIR/scenarios/baseline.yaml runs on the copies.")
    init.add_argument("dir", type=Path, help="folder to create (or an empty one)")
    init.add_argument("--force", action="store_true", help="replace DIR/scenarios and DIR/calibration if present")
    plot = sub.add_parser("plot", help="figures and a report (Markdown + HTML) from a run or batch folder",
                          description="Fan charts with targets, target dashboard, unit small multiples, differences "
                                      "vs a baseline, ledgers by unit, project flows and (when DIR/channels.csv "
                                      "exists) a channel waterfall, as PNG files plus report.md and report.html.")
    plot.add_argument("dir", type=Path, help="a run folder (cnyx-sim run) or batch folder (cnyx-sim batch)")
    plot.add_argument("--out", type=Path, default=None, help="figure folder (default: DIR/figures for a batch, "
                                                            "else DIR-figures beside a run folder)")
    plot.add_argument("--lang", choices=LANGUAGES, default="zh", help="label language (default zh)")
    plot.add_argument("--baseline", default=None, help="scenario the differences are taken against (default: "
                                                       "the first)")


def cmd_scenarios(args: argparse.Namespace) -> int:
    from cnyx_sim.resources import bundled_sweep_paths, list_scenarios, scenarios_dir
    from cnyx_sim.summary import wrap

    print(f"Bundled scenarios ({scenarios_dir()}); run one with: cnyx-sim run NAME")
    for item in list_scenarios():
        print(f"  {item.name}")
        print("\n".join(wrap(item.description, indent="      ")))
    sweeps = bundled_sweep_paths()
    if sweeps:
        print("Bundled sweeps (cnyx-sim batch baseline --sweep NAME --out DIR):")
        for name in sweeps:
            print(f"  {name}")
    print("Copy them for editing with: cnyx-sim init DIR")
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from cnyx_sim.resources import init_workspace

    try:
        folders = init_workspace(args.dir, force=args.force)
    except (FileExistsError, NotADirectoryError, PermissionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"Wrote {', '.join(f'{f}/' for f in folders)}")
    print(f"Run a copy with: cnyx-sim run {folders[0] / 'baseline.yaml'}")
    return EXIT_OK


def cmd_plot(args: argparse.Namespace) -> int:
    from cnyx_sim.batch.store import BatchError

    try:
        import matplotlib  # noqa: F401  (the figures import it when drawing)

        from cnyx_sim.analysis.report import write_report
    except ImportError as exc:  # matplotlib missing: the plot extra
        print(f"error: cnyx-sim plot needs the plot extra (matplotlib): pip install 'cnyx-sim[plot]' ({exc})",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        report = write_report(args.dir, args.out, lang=args.lang, baseline=args.baseline)
    except BatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"Wrote {len(report.figures)} figures and {report.markdown.name}, {report.html.name} to "
          f"{report.out_dir}/")
    return EXIT_OK


WORKBENCH_COMMANDS = {"scenarios": cmd_scenarios, "init": cmd_init, "plot": cmd_plot}


# ------------------------------------------------------------------------------------------------ decompose
# Issue 10 item 8: exact Shapley decomposition of VARIANT - BASE into channels (cnyx_sim.decomposition).
def _variable_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected names separated by commas, e.g. gdp_nominal,gdp_real")
    return names


def _add_decompose_parser(sub) -> None:
    decompose = sub.add_parser(
        "decompose", help="attribute VARIANT - BASE to channels by exact Shapley values (DIR/channels.csv)",
        description="Group the scenario keys on which VARIANT and BASE differ into channels (cnyx_sim.channels; "
                    "keys of no channel: 'other'), run every combination of channels switched to the variant "
                    "(2^K coalitions x runs, common random numbers) through the batch engine and write "
                    "DIR/channels.csv (channel, variable, year, mean, median, p05, p95 of each channel's Shapley "
                    "value over runs, plus total = variant - base) and DIR/decompose.json. docs/decompose.md.",
        epilog="exit codes: 0 ok; 2 bad input (a scenario, no differing key, more channels than the limit, an "
               "invalid combination: one line, nothing written); 3 some runs failed (their run indices are left "
               "out of the attribution; DIR/failures.csv); 1 internal error.")
    decompose.add_argument("variant", type=Path, help="the scenario whose difference is decomposed (file or name)")
    decompose.add_argument("--against", type=Path, required=True, metavar="BASE",
                           help="the scenario it is compared with (file or bundled name)")
    decompose.add_argument("--runs", type=_positive_int, default=None, help="runs per coalition (default: BASE's runs)")
    decompose.add_argument("--out", type=Path, default=None,
                           help="output folder (default: results/decompose-VARIANT-vs-BASE)")
    decompose.add_argument("--workers", type=_positive_int, default=1, help="worker processes (default 1: in process)")
    decompose.add_argument("--seed", type=_non_negative_int, default=None, help="seed of every coalition "
                                                                               "(default: BASE's seed)")
    decompose.add_argument("--variables", type=_variable_list, default=None,
                           help="region variables to attribute, comma-separated (default: gdp_nominal, gdp_real, "
                                "population, tax_local_after_sharing, fai_nominal, projects_arrived, "
                                "incentive_cost, gdp_credited_nominal)")
    decompose.add_argument("--merge", type=_variable_list, action="append", default=[], metavar="A,B",
                           help="switch these channels together as one channel A+B (for levers valid only together, "
                                "e.g. parks,tax_sharing against no_parks; repeatable)")
    decompose.add_argument("--resume", action="store_true", help="finish an interrupted decomposition in --out")
    decompose.add_argument("--force", action="store_true",
                           help="write into a non-empty folder, replacing what is there")
    decompose.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_limits_flag(decompose)


def cmd_decompose(args: argparse.Namespace) -> int:
    from cnyx_sim.decomposition.engine import decompose
    from cnyx_sim.decomposition.summary import format_decomposition
    from cnyx_sim.resources import resolve_scenario

    result = decompose(resolve_scenario(args.variant), resolve_scenario(args.against), runs=args.runs,
                       out=args.out, workers=args.workers, seed=args.seed, variables=args.variables,
                       resume=args.resume, force=args.force, progress="final" if args.quiet else True,
                       merge=args.merge, limits=_limits(args))
    for warnings in result.plan.warnings.values():
        print_warnings(warnings)
    print(format_decomposition(result))
    if result.failures:
        first = result.failures[0]
        print(f"{len(result.failures)} run(s) failed, e.g. {first['scenario']} run {first['run']}: {first['error']} "
              f"(all in {result.out_dir}/failures.csv)", file=sys.stderr)
        return EXIT_RUNS_FAILED
    return EXIT_OK


WORKBENCH_COMMANDS["decompose"] = cmd_decompose


# ------------------------------------------------------------------------------------------------ commands
def print_warnings(warnings) -> None:
    """One stderr line for a scenario's warnings: the first, and how many more."""
    warnings = list(warnings)
    if warnings:
        more = f" (and {len(warnings) - 1} more like it)" if len(warnings) > 1 else ""
        print(f"warning: {warnings[0]}{more}", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    from cnyx_sim.api import run
    from cnyx_sim.io.results import check_output_dir

    if args.out is not None:
        check_output_dir(args.out)  # before minutes of runs, not after
    output = run(args.scenario, runs=args.runs, seed=args.seed, out=args.out, overrides=_parse_sets(args.set),
                 limits=_limits(args))
    print_warnings(output.loaded.warnings)
    print(format_summary(output))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from cnyx_sim.errors import InputError
    from cnyx_sim.resources import resolve_scenario
    from cnyx_sim.scenario.load import prepare

    status = EXIT_OK
    for path in args.files:
        try:
            loaded, _, _ = prepare(resolve_scenario(path), limits=_limits(args))
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = EXIT_BAD_INPUT
        else:
            print_warnings(loaded.warnings)
            print(f"ok: {path} (scenario {loaded.name!r}, hash {loaded.content_hash[:12]})")
    return status


EXIT_RUNS_FAILED = 3


def cmd_batch(args: argparse.Namespace) -> int:
    from cnyx_sim.batch.engine import run_batch

    if args.scheduler is not None and args.executor != "dask":
        print("error: --scheduler needs --executor dask", file=sys.stderr)
        return EXIT_BAD_INPUT
    from cnyx_sim.resources import resolve_scenario, resolve_sweep

    scenarios = [resolve_scenario(p) for p in args.scenarios]
    sweep = resolve_sweep(args.sweep) if args.sweep is not None else None
    summary = run_batch(scenarios, runs=args.runs, out=args.out, workers=args.workers,
                        executor=args.executor, scheduler=args.scheduler, resume=args.resume, force=args.force,
                        chunk_size=args.chunk_size, sweep=sweep, seed=args.seed,
                        progress="final" if args.quiet else True, limits=_limits(args),
                        **({"connect_timeout": args.connect_timeout} if args.connect_timeout else {}))
    for warnings in summary.warnings.values():
        print_warnings(warnings)
    if summary.runs_failed:
        first = summary.failures[0]
        print(f"{summary.runs_failed} run(s) failed, e.g. {first['scenario']} run {first['run']}: {first['error']} "
              f"(all in {summary.out_dir}/failures.csv)", file=sys.stderr)
        return EXIT_RUNS_FAILED
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from cnyx_sim.batch.compare import (DEFAULT_MIN_PAIRS, compare, default_csv_path, format_table,
                                        refuse_run_folder, write_compare_csv)

    min_pairs = args.min_pairs if args.min_pairs is not None else DEFAULT_MIN_PAIRS
    table, notes = compare(args.dirs, args.baseline, min_pairs=min_pairs)
    path = args.csv if args.csv is not None else default_csv_path(args.dirs)
    refuse_run_folder(path)
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

    directory = args.calibration_dir
    if directory is None:
        # A user's own copy (cnyx-sim init) before the package's: calibrate writes into the folder it reads.
        local = Path("calibration")
        directory = local if (local / "priors.yaml").is_file() else DEFAULT_CALIBRATION_DIR
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
COMMANDS.update(WORKBENCH_COMMANDS)


#: Operating-system errors that mean "this path cannot be used" (bad input, exit 2), not a crash.
PATH_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.ENOTDIR,
                         errno.EISDIR, errno.ENAMETOOLONG})


def _internal_error(exc: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exception(exc)
    print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", file=sys.stderr)
    return EXIT_INTERNAL


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from cnyx_sim.errors import InputError, shorten

    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, exit 1
        if isinstance(exc, OSError) and exc.errno in PATH_ERRNOS and exc.filename:
            reason = "permission denied" if exc.errno in (errno.EACCES, errno.EPERM) else exc.strerror
            print(shorten(f"error: {exc.filename}: {reason}", 200), file=sys.stderr)
            return EXIT_BAD_INPUT
        return _internal_error(exc, args.debug)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
