"""YAML scenario -> validated :class:`Scenario` -> core :class:`ModelParams`, in three steps.

1. **Parse** (``yaml_io.resolve_extends``): safe YAML, duplicate keys (a year written as ``2022`` and
   ``"2022"`` is one key), ``extends`` chains of regular ``.yaml`` files, size limits.
2. **Validate** (:func:`validate_document`): the schema (types, finite ranges, unknown keys), with every
   typed field resolved against the calibration data (``scenario.types``); then the cross-field and data
   checks (``scenario.checks``) and the data files the scenario reads (calibration folder, travel times,
   posterior draws), each validated like a scenario (``io.datafile``, ``io.draws``).
3. **Build** (``scenario.build.build_params``): copy the resolved values into the core's parameters.

Every problem is one line naming file, line and key path (:class:`ScenarioError`), or file and line of a
data file (:class:`cnyx_sim.io.datafile.DataFileError`); dates with no effect inside the simulated years
are warnings (``LoadedScenario.warnings``).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from cnyx_sim.core.params import ModelParams, ParameterDraws
from cnyx_sim.core.state import SECTOR_GROUPS
from cnyx_sim.io.calibration import (
    DEFAULT_TRAVEL_TIMES,
    Calibration,
    TravelTimes,
    load_calibration_cached,
    load_travel_times_cached,
)
from cnyx_sim.io.datafile import DataFileError
from cnyx_sim.io.draws import DrawsError, parameter_draws, read_draws
from cnyx_sim.io.files import read_regular_file
from cnyx_sim.limits import DEFAULT_LIMITS, LIFT_HINT, Limits
from cnyx_sim.scenario.build import build_params
from cnyx_sim.scenario.checks import EXTERNAL_NODES, CheckData, Problem, run_checks
from cnyx_sim.scenario.errors import ScenarioError
from cnyx_sim.scenario.schema import DataSection, Scenario, Years
from cnyx_sim.scenario.types import CONTEXT_KEY, ValidationContext
from cnyx_sim.scenario.yaml_io import (
    ResolvedScenarioDoc,
    locate,
    resolve_extends,
    scenario_error_at,
    scenario_error_from_pydantic,
)

__all__ = ["LoadedScenario", "build_params", "calibration_for", "check_runs_in_memory", "load_scenario", "prepare",
           "validate_document"]


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from and the data it reads.

    Attributes
    ----------
    scenario : the validated pydantic model (defaults filled in, typed fields resolved).
    doc : the merged YAML document with line provenance.
    resolved : the scenario as plain JSON-able data (what the manifest records).
    content_hash : sha256 of the canonical JSON of ``resolved``.
    calibration : the calibration data the scenario was validated against.
    travel_times : the base-year travel-time table (None without industrial transfer and market access).
    parameter_draws : posterior draws of the fitted parameters (None: point values only).
    warnings : one-line, located warnings (dates with no effect inside the simulated years).
    """

    scenario: Scenario
    doc: ResolvedScenarioDoc
    resolved: dict[str, Any]
    content_hash: str
    calibration: Calibration | None = None
    travel_times: TravelTimes | None = None
    parameter_draws: ParameterDraws | None = None
    warnings: tuple[str, ...] = ()
    draws_sha256: str | None = None

    @property
    def path(self) -> Path:
        return Path(self.doc.path)

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def input_files(self) -> dict[str, str]:
        """sha256 of every data file the scenario reads, by role (part of a batch's identity)."""
        files = {f"calibration/{name}": digest for name, digest in (self.calibration.files or {}).items()}
        if self.travel_times is not None:
            files["travel_times"] = self.travel_times.sha256
        if self.draws_sha256 is not None:
            files["posterior_draws"] = self.draws_sha256
        return files


def _canonical_hash(data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Frame(BaseModel):
    """What the rest of the validation depends on: the simulated years and the data folder."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    years: Years = Years()
    data: DataSection = DataSection()


def _schema(model: type[BaseModel], data: dict[str, Any], doc: ResolvedScenarioDoc, context: Any = None) -> Any:
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise scenario_error_from_pydantic(exc, doc) from None


def _data_file_error(doc: ResolvedScenarioDoc, key_path: tuple, exc: DataFileError) -> Exception:
    """A data file that cannot be found or read is the scenario's problem (located at the key that names it);
    a problem inside the file is reported at the file's own line."""
    if exc.line is None:
        shown = os.path.relpath(exc.file, Path(doc.path).parent)
        if len(shown) > 60:
            shown = Path(exc.file).name
        return scenario_error_at(doc, key_path, f"{shown}: {exc.expected}")
    return exc


def _calibration(doc: ResolvedScenarioDoc, frame: _Frame, limits: Limits) -> Calibration:
    directory = frame.data.calibration_dir
    if directory is not None:
        directory = (Path(doc.path).parent / directory).resolve()
    try:
        return load_calibration_cached(directory, limits=limits)
    except DataFileError as exc:
        raise _data_file_error(doc, ("data", "calibration_dir"), exc) from None


def _travel_times(doc: ResolvedScenarioDoc, scenario: Scenario, calibration: Calibration,
                  limits: Limits) -> TravelTimes | None:
    if not (scenario.transfer.enabled or scenario.market_access.enabled):
        return None
    name = scenario.infrastructure.travel_times_file
    path = (Path(doc.path).parent / name).resolve() if name is not None else calibration.directory / DEFAULT_TRAVEL_TIMES
    nodes = tuple(calibration.base.geography.cities.codes) + EXTERNAL_NODES
    try:
        return load_travel_times_cached(path, nodes, limits=limits)
    except DataFileError as exc:
        raise _data_file_error(doc, ("infrastructure", "travel_times_file"), exc) from None


def _parameter_draws(doc: ResolvedScenarioDoc, scenario: Scenario, calibration: Calibration,
                     limits: Limits) -> tuple[ParameterDraws | None, str | None]:
    """The posterior draws named by ``calibration.posterior_draws`` (relative to the file that names it), and
    the file's sha256; ``calibration.parameter_uncertainty: false`` or no draws file -> no draws (5.6).

    The CSV holds deviations from the fitted point values (additive for TFP growth, log for ratios), so a
    scenario that overrides a fitted value keeps the estimated uncertainty around its own value.
    """
    c = scenario.calibration
    if not c.parameter_uncertainty or c.posterior_draws is None:
        return None, None
    key_path = ("calibration", "posterior_draws")
    file, _ = locate(doc, key_path)
    path = (Path(file).parent / c.posterior_draws).resolve()
    try:
        digest = hashlib.sha256(read_regular_file(path, limits.data_file_bytes, "posterior draws file")).hexdigest()
        return parameter_draws(read_draws(path, calibration.base.geography)), digest
    except OSError as exc:
        raise scenario_error_at(doc, key_path, f"{c.posterior_draws}: cannot read file "
                                               f"({exc.strerror or type(exc).__name__})") from None
    except DrawsError as exc:
        reason = str(exc).split(": ", 1)[-1] if str(exc).startswith(str(path)) else str(exc)
        raise scenario_error_at(doc, key_path, f"{c.posterior_draws}: {reason}") from None


def _warning_line(doc: ResolvedScenarioDoc, problem: Problem) -> str:
    return str(scenario_error_at(doc, problem.key_path, problem.message))


def validate_document(doc: ResolvedScenarioDoc, overrides: dict[str, Any] | None = None, *,
                      limits: Limits = DEFAULT_LIMITS) -> LoadedScenario:
    """Step 2: validate a parsed document (optionally with top-level overrides such as ``runs``) against the
    schema and the data it names. Raises :class:`ScenarioError` (or ``DataFileError``) for the first problem."""
    data = dict(doc.data)
    if overrides:
        data.update(overrides)
    frame = _schema(_Frame, {k: data[k] for k in ("years", "data") if k in data}, doc)
    calibration = _calibration(doc, frame, limits)
    if frame.years.start != calibration.base.year:
        raise scenario_error_at(doc, ("years", "start"), f"must equal the base-year data year {calibration.base.year}")
    geo = calibration.base.geography
    context = ValidationContext(units=tuple(geo.cities.codes), sectors=tuple(geo.sectors.codes),
                                provinces=tuple(geo.provinces.codes), start=frame.years.start, end=frame.years.end,
                                sector_groups=tuple(geo.sector_group), group_names=SECTOR_GROUPS)
    scenario = _schema(Scenario, data, doc, {CONTEXT_KEY: context})
    problems = run_checks(scenario, CheckData(context.units, context.sectors,
                                              calibration.base.value_added_nominal.sum(axis=0), limits,
                                              written=frozenset(doc.origin)))
    errors = [p for p in problems if not p.is_warning]
    if errors:
        raise scenario_error_at(doc, errors[0].key_path, errors[0].message)
    travel_times = _travel_times(doc, scenario, calibration, limits)
    draws, draws_sha256 = _parameter_draws(doc, scenario, calibration, limits)
    resolved = scenario.model_dump(mode="json")
    return LoadedScenario(scenario=scenario, doc=doc, resolved=resolved, content_hash=_canonical_hash(resolved),
                          calibration=calibration, travel_times=travel_times, parameter_draws=draws,
                          warnings=tuple(_warning_line(doc, p) for p in problems if p.is_warning),
                          draws_sha256=draws_sha256)


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None, *,
                  limits: Limits = DEFAULT_LIMITS) -> LoadedScenario:
    """Steps 1 and 2: parse (``extends``) and validate a scenario file. Raises :class:`ScenarioError`."""
    return validate_document(resolve_extends(path, limits=limits), overrides, limits=limits)


def calibration_for(loaded: LoadedScenario) -> Calibration:
    """The calibration data a validated scenario was checked against (``data.calibration_dir``)."""
    return loaded.calibration


def check_runs_in_memory(loaded: LoadedScenario, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a ``cnyx-sim run`` whose runs would keep more tables in memory than ``limits`` allow (a batch
    streams its runs to disk instead)."""
    runs = loaded.scenario.runs
    if limits.runs_in_memory is not None and runs > limits.runs_in_memory:
        raise scenario_error_at(loaded.doc, ("runs",), f"{runs:,} runs in one `cnyx-sim run` keep every table in "
                                                       f"memory; the limit is {limits.runs_in_memory:,} (use "
                                                       f"`cnyx-sim batch`, or {LIFT_HINT})")


def prepare(path: str | Path, overrides: dict[str, Any] | None = None, *,
            limits: Limits = DEFAULT_LIMITS) -> tuple[LoadedScenario, Calibration, ModelParams]:
    """All three steps: everything a run needs from a scenario file (raises :class:`ScenarioError`)."""
    loaded = load_scenario(path, overrides, limits=limits)
    return loaded, loaded.calibration, build_params(loaded)
