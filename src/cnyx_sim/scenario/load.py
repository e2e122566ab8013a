"""YAML scenario -> validated :class:`Scenario` -> core :class:`ModelParams`.

Three levels of validation, every error a one-line :class:`ScenarioError` naming file, key path and line:

1. YAML (``yaml_io``): safe loading, duplicate keys, ``extends`` chains and cycles.
2. Schema (``schema``): types, ranges, unknown keys, cross-field rules.
3. Data consistency (here): region, sector and province codes exist in the calibration data; the start year
   is the base-year data year; year paths cover the first simulated year.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from cnyx_sim.core.params import (
    TAXES,
    CapitalParams,
    FiscalParams,
    LabourParams,
    MacroParams,
    ModelParams,
    ParameterDraws,
    PopulationParams,
    ProductionParams,
    SharingParams,
)
from cnyx_sim.core.state import SECTOR_GROUPS
from cnyx_sim.io.calibration import Calibration, CalibrationError, load_calibration
from cnyx_sim.scenario.errors import ScenarioError
from cnyx_sim.scenario.schema import Scenario
from cnyx_sim.scenario.yaml_io import (
    ResolvedScenarioDoc,
    locate,
    resolve_extends,
    scenario_error_at,
    scenario_error_from_pydantic,
)


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from.

    Attributes
    ----------
    scenario : the validated pydantic model (defaults filled in).
    doc : the merged YAML document with line provenance.
    resolved : the scenario as plain JSON-able data (what the manifest records).
    content_hash : sha256 of the canonical JSON of ``resolved``.
    """

    scenario: Scenario
    doc: ResolvedScenarioDoc
    resolved: dict[str, Any]
    content_hash: str

    @property
    def path(self) -> Path:
        return Path(self.doc.path)

    @property
    def name(self) -> str:
        return self.scenario.name


def _canonical_hash(data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def validate_document(doc: ResolvedScenarioDoc, overrides: dict[str, Any] | None = None) -> LoadedScenario:
    """Schema-validate a resolved document (optionally with top-level overrides such as ``runs``)."""
    data = dict(doc.data)
    if overrides:
        data.update(overrides)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise scenario_error_from_pydantic(exc, doc) from None
    resolved = scenario.model_dump(mode="json")
    return LoadedScenario(scenario=scenario, doc=doc, resolved=resolved, content_hash=_canonical_hash(resolved))


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None) -> LoadedScenario:
    """Load, merge (``extends``) and schema-validate a scenario file. Raises :class:`ScenarioError`."""
    return validate_document(resolve_extends(path), overrides)


def calibration_for(loaded: LoadedScenario) -> Calibration:
    """The calibration data a scenario asks for (``data.calibration_dir``, relative to the scenario file)."""
    directory = loaded.scenario.data.calibration_dir
    if directory is not None:
        directory = (loaded.path.parent / directory).resolve()
    try:
        return load_calibration(directory)
    except CalibrationError as exc:
        raise scenario_error_at(loaded.doc, ("data", "calibration_dir"), str(exc)) from None


# ----------------------------------------------------------------------------------------------- resolution
class _Resolver:
    """Turns schema values into arrays for one scenario + calibration, raising located errors."""

    def __init__(self, loaded: LoadedScenario, calibration: Calibration) -> None:
        self.loaded, self.geo = loaded, calibration.base.geography
        self.start, self.end = loaded.scenario.years.start, loaded.scenario.years.end

    def error(self, key_path: tuple, expected: str) -> ScenarioError:
        return scenario_error_at(self.loaded.doc, key_path, expected)

    def year_path(self, value: float | dict[int, float], key_path: tuple) -> np.ndarray:
        """A step function over ``start..end``; the first key must be ``start + 1``."""
        years = np.arange(self.start, self.end + 1)
        if not isinstance(value, dict):
            return np.full(len(years), float(value))
        keys = sorted(value)
        first = self.start + 1
        if keys[0] > first:
            raise self.error(key_path, f"year path must give a value for the first simulated year {first} "
                                       f"(first key is {keys[0]})")
        if keys[0] <= self.start and keys[0] != first:
            bad = [k for k in keys if k <= self.start]
            raise self.error(key_path + (bad[0],), f"year keys must be after the start year {self.start}")
        path = np.empty(len(years))
        path[0] = float(value[keys[0]])  # the base year is never stepped into; keep it defined
        for i, year in enumerate(years[1:], start=1):
            current = [k for k in keys if k <= year]
            path[i] = float(value[current[-1]])
        return path

    def _sector_values(self, value: dict[str, float], key_path: tuple) -> dict[str, float]:
        """``{sector or group: value}`` -> ``{sector: value}``; a sector's own key beats its group's."""
        sectors, groups = self.geo.sectors.codes, self.geo.sector_group
        known = set(sectors) | set(SECTOR_GROUPS)
        unknown = [k for k in value if k not in known]
        if unknown:
            raise self.error(key_path + (unknown[0],), "unknown sector or group code; expected one of "
                                                        f"{', '.join(sectors)} or a group ({', '.join(SECTOR_GROUPS)})")
        out = {s: float(value[g]) for s, g in zip(sectors, groups) if g in value and g not in sectors}
        out.update({s: float(value[s]) for s in sectors if s in value})
        return out

    def by_sector(self, value: float | dict[str, float], defaults: dict[str, float] | float, key_path: tuple) -> np.ndarray:
        sectors = self.geo.sectors.codes
        if isinstance(value, dict):
            merged = dict(defaults) if isinstance(defaults, dict) else {s: defaults for s in sectors}
            merged.update(self._sector_values(value, key_path))
            missing = [s for s in sectors if s not in merged]
            if missing:
                raise self.error(key_path, f"no value for sector(s) {', '.join(missing)}")
            return np.array([float(merged[s]) for s in sectors])
        return np.full(len(sectors), float(value))

    def by_city_sector(self, value: dict[str, Any], key_path: tuple) -> np.ndarray:
        """``{unit: number or {sector or group: number}}`` naming every unit -> ``[city, sector]``."""
        cities, sectors = self.geo.cities.codes, self.geo.sectors.codes
        self._by_code({k: 0.0 for k in value}, cities, "region", key_path)  # every unit, no unknown one
        rows = []
        for city in cities:
            entry = value[city]
            if not isinstance(entry, dict):
                rows.append(np.full(len(sectors), float(entry)))
                continue
            values = self._sector_values(entry, key_path + (city,))
            missing = [s for s in sectors if s not in values]
            if missing:
                raise self.error(key_path + (city,), f"no value for sector(s) {', '.join(missing)}")
            rows.append(np.array([values[s] for s in sectors]))
        return np.array(rows)

    def capital_output_ratio(self, value: Any, defaults: dict[str, float], key_path: tuple) -> np.ndarray:
        """Per sector (``[sector]``) or, when every key is a unit code, per unit (``[city, sector]``)."""
        cities = set(self.geo.cities.codes)
        if isinstance(value, dict) and value and all(k in cities for k in value):
            rows = [self.by_sector(value[c], defaults, key_path + (c,)) for c in self.geo.cities.codes
                    if c in value]
            if len(rows) != len(cities):
                missing = [c for c in self.geo.cities.codes if c not in value]
                raise self.error(key_path, f"no value for region(s) {', '.join(missing)}")
            return np.array(rows)
        return self.by_sector(value, defaults, key_path)

    def _by_code(self, value: dict[str, float], codes: tuple[str, ...], kind: str, key_path: tuple) -> np.ndarray:
        """A mapping that must name every code of one index (regions, provinces) exactly, as a vector."""
        unknown = [k for k in value if k not in codes]
        if unknown:
            raise self.error(key_path + (unknown[0],), f"unknown {kind} code; expected one of {', '.join(codes)}")
        missing = [c for c in codes if c not in value]
        if missing:
            raise self.error(key_path, f"no value for {kind}(s) {', '.join(missing)}")
        return np.array([float(value[c]) for c in codes])

    def by_city(self, value: dict[str, float], key_path: tuple) -> np.ndarray:
        return self._by_code(value, self.geo.cities.codes, "region", key_path)

    def by_province(self, value: dict[str, float], key_path: tuple) -> np.ndarray:
        return self._by_code(value, self.geo.provinces.codes, "province", key_path)


def _field_default(section_model: type, field_name: str):
    return section_model.model_fields[field_name].default


def build_params(loaded: LoadedScenario, calibration: Calibration) -> ModelParams:
    """Resolve a validated scenario against the calibration data into the core's :class:`ModelParams`."""
    from cnyx_sim.scenario import schema as sc

    s, r = loaded.scenario, _Resolver(loaded, calibration)
    if s.years.start != calibration.base.year:
        raise r.error(("years", "start"), f"must equal the base-year data year {calibration.base.year}")

    national = r.year_path(s.macro.national_real_growth, ("macro", "national_real_growth"))
    deflator_value = s.macro.deflator_growth if s.macro.deflator_growth is not None else calibration.default_inflation
    macro = MacroParams(
        deflator_growth=r.year_path(deflator_value, ("macro", "deflator_growth")),
        national_real_growth=national,
        deflator_shock_sd=s.macro.deflator_shock_sd,
    )
    production = ProductionParams(
        capital_share=r.by_sector(s.production.capital_share, _field_default(sc.Production, "capital_share"),
                                  ("production", "capital_share")),
        tfp_long_run_growth=s.production.tfp_long_run_growth,
        tfp_initial_growth=(None if s.production.tfp_initial_growth is None
                            else r.by_city_sector(s.production.tfp_initial_growth,
                                                  ("production", "tfp_initial_growth"))),
        tfp_convergence_half_life=s.production.tfp_convergence_half_life,
        tfp_shock_sd=s.production.tfp_shock_sd,
        common_shock_sd=s.production.common_shock_sd,
        unit_shock_sd=s.production.unit_shock_sd,
        localisation_elasticity=s.production.localisation_elasticity,
        public_capital_elasticity=s.production.public_capital_elasticity,
    )
    if np.any(production.capital_share >= 1.0) or np.any(production.capital_share <= 0.0):
        raise r.error(("production", "capital_share"), "capital shares must lie strictly between 0 and 1")
    capital = CapitalParams(
        depreciation_rate=s.capital.depreciation_rate,
        investment_rate=r.by_sector(s.capital.investment_rate, _field_default(sc.Capital, "investment_rate"),
                                    ("capital", "investment_rate")),
        capital_output_ratio=r.capital_output_ratio(s.capital.capital_output_ratio,
                                                    _field_default(sc.Capital, "capital_output_ratio"),
                                                    ("capital", "capital_output_ratio")),
        return_sensitivity=s.capital.return_sensitivity,
    )
    labour = LabourParams(
        employment_rate=s.labour.employment_rate,
        relative_labour_intensity=r.by_sector(s.labour.relative_labour_intensity,
                                              _field_default(sc.Labour, "relative_labour_intensity"),
                                              ("labour", "relative_labour_intensity")),
        reallocation_speed=s.labour.reallocation_speed,
    )
    # Nodes left out of a partial mapping keep their default premium (schema default).
    premium = {**_field_default(sc.Population, "external_wage_premium"), **s.population.external_wage_premium}
    nodes = tuple(premium)
    wage_growth = s.population.external_real_wage_growth
    population = PopulationParams(
        natural_growth_rate=r.year_path(s.population.natural_growth_rate, ("population", "natural_growth_rate")),
        mobile_share=s.population.mobile_share,
        wage_elasticity=s.population.wage_elasticity,
        border_penalty=s.population.border_penalty,
        external_nodes=nodes,
        external_wage_premium=np.array([premium[n] for n in nodes]),
        external_real_wage_growth=(national if wage_growth is None
                                   else r.year_path(wage_growth, ("population", "external_real_wage_growth"))),
    )
    f = s.fiscal
    fiscal = FiscalParams(
        vat_rate_effective=r.by_sector(f.vat_rate_effective, _field_default(sc.Fiscal, "vat_rate_effective"),
                                       ("fiscal", "vat_rate_effective")),
        profit_share=r.by_sector(f.profit_share, _field_default(sc.Fiscal, "profit_share"), ("fiscal", "profit_share")),
        cit_standard_rate=f.cit_standard_rate,
        western_cit_rate=f.western_cit_rate,
        western_cit_last_year=f.western_cit_last_year,
        western_cit_qualifying_share=r.by_sector(f.western_cit_qualifying_share,
                                                 _field_default(sc.Fiscal, "western_cit_qualifying_share"),
                                                 ("fiscal", "western_cit_qualifying_share")),
        pit_rate_effective=f.pit_rate_effective,
        property_rate_effective=f.property_rate_effective,
        local_share=np.array([f.local_share.get(t, _field_default(sc.Fiscal, "local_share")[t]) for t in TAXES]),
        province_take=r.by_province(f.province_take, ("fiscal", "province_take")),
        public_investment_share_initial=f.public_investment_share_initial,
        public_investment_share_bounds=tuple(f.public_investment_share_bounds),
        public_investment_adjustment=f.public_investment_adjustment,
        growth_target=f.growth_target,
        public_capital_depreciation=f.public_capital_depreciation,
    )
    from cnyx_sim.scenario.load_transfer import build_transfer_params

    transfer = build_transfer_params(loaded, calibration, r, calibration.directory)
    return ModelParams(
        start_year=s.years.start, end_year=s.years.end, macro=macro, production=production, capital=capital,
        labour=labour, population=population, fiscal=fiscal, transfer=transfer,
        sharing=build_sharing_params(loaded, calibration),
        parameter_draws=build_parameter_draws(loaded, r),
    )


def build_parameter_draws(loaded: LoadedScenario, r: "_Resolver") -> ParameterDraws | None:
    """The posterior draws named by ``calibration.posterior_draws`` around this scenario's values (5.6).

    The CSV holds deviations from the fitted point values (additive for TFP growth, log for ratios), so
    a scenario that overrides a fitted value keeps the estimated uncertainty around its own value.
    ``calibration.parameter_uncertainty: false`` or no draws file -> ``None`` (point values only).
    """
    from cnyx_sim.io.draws import DrawsError, parameter_draws, read_draws

    c = loaded.scenario.calibration
    if not c.parameter_uncertainty or c.posterior_draws is None:
        return None
    key_path = ("calibration", "posterior_draws")
    file, _ = locate(loaded.doc, key_path)
    path = (Path(file).parent / c.posterior_draws).resolve()
    try:
        deviations = read_draws(path, r.geo)
    except DrawsError as exc:
        raise r.error(key_path, str(exc)) from None
    return parameter_draws(deviations)


def build_sharing_params(loaded: LoadedScenario, calibration: Calibration) -> SharingParams:
    """The ``sharing``, ``statistics`` and ``budget`` sections as :class:`SharingParams`, after the data-level
    checks of the agreements (unknown park or partner, more than 100 % of the same revenue given away)."""
    from cnyx_sim.scenario.schema_sharing import ParkRef, build_agreement_set, check_agreements
    from cnyx_sim.scenario.schema_transfer import EXTERNAL_PARTNERS

    s, units = loaded.scenario, calibration.base.geography.cities.codes
    externals = tuple(EXTERNAL_PARTNERS)
    problems = check_agreements(s.sharing.agreements, units, [p.id for p in s.parks], externals)
    if problems:
        raise scenario_error_at(loaded.doc, *problems[0])
    parks = [ParkRef(p.id, p.host, tuple(p.partners), p.start_year) for p in s.parks]
    agreements = build_agreement_set(s.sharing, s.statistics, units, parks, externals, s.years.start + 1)
    b = s.budget
    return SharingParams(
        agreements=agreements, external_partners=externals,
        agents_use_credited_gdp=s.statistics.city_agents_ledger == "credited",
        transfer_rate=b.transfer_rate, interest_rate=b.interest_rate, debt_limit_to_revenue=b.debt_limit_to_revenue,
        initial_debt_to_revenue=b.initial_debt_to_revenue, park_land_share=b.park_land_share,
        park_land_cost=b.park_land_cost, land_price=b.land_price, rebate_years=b.rebate_years,
    )


def prepare(path: str | Path, overrides: dict[str, Any] | None = None) -> tuple[LoadedScenario, Calibration, ModelParams]:
    """Everything a run needs from a scenario file, fully validated (raises :class:`ScenarioError`)."""
    loaded = load_scenario(path, overrides)
    calibration = calibration_for(loaded)
    return loaded, calibration, build_params(loaded, calibration)
