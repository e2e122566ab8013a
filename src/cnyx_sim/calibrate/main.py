"""``cnyx-sim calibrate``: fit, write the parameter files, validate and write the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cnyx_sim.calibrate.output import calibration_texts, write_files
from cnyx_sim.calibrate.report import Forward, build_report, forward_baseline, forward_core
from cnyx_sim.calibrate.run import calibrate
from cnyx_sim.calibrate.settings import load_settings

REPORT_FILE = "report.md"
FORWARD_LAST_YEAR = 2025


@dataclass(frozen=True)
class CalibrationRun:
    written: list[Path]
    cutoff: int
    status: int
    message: str


def run_calibration(directory: Path, cutoff: int, baseline: Path | None, validate: bool = True,
                    progress: Callable[[str], None] | None = None) -> CalibrationRun:
    """Fit with data up to ``cutoff``; write ``fitted_<cutoff>.*`` and (``validate``) ``report.md``.

    ``baseline`` is the scenario the report's forward section runs (it should extend the fitted file).
    """
    from cnyx_sim import __version__

    directory = Path(directory)
    say = progress or (lambda message: None)
    settings = load_settings(directory)
    calibrated = calibrate(directory, cutoff, progress=say, settings=settings)
    written = write_files(directory, calibration_texts(calibrated, __version__))
    if validate:
        say(f"calibrate: pseudo out-of-sample fit with cutoff {cutoff - settings.holdout_years}")
        oos = calibrate(directory, cutoff - settings.holdout_years, end_year=cutoff, settings=settings)
        say("calibrate: forward ensembles")
        last = max(FORWARD_LAST_YEAR, cutoff + 1)
        core = forward_core(calibrated, last, settings.validation_runs, settings.seed)
        base = None
        runs = settings.forward_baseline_runs
        if baseline is not None:
            base = forward_baseline(str(baseline), runs, cutoff + 1, last)
        forward = Forward(years=(cutoff + 1, last), core=core, baseline=base, baseline_runs=runs)
        report = build_report(calibrated, oos, directory, forward, say)
        written += write_files(directory, {REPORT_FILE: report})
    return CalibrationRun(written=written, cutoff=cutoff, status=calibrated.result.status,
                          message=calibrated.result.message)
