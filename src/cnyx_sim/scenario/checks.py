"""Cross-field and data-consistency checks of a validated scenario (step 2 of loading, after the schema).

Each check is a small named function ``check_*(scenario, data) -> list[Problem]`` (the PyPSA pattern of
style.md §4): it reads the scenario with every default and typed field already resolved, and the data the
scenario refers to (calibration codes, travel-time nodes), and returns problems located by key path.
:func:`run_checks` runs them all; ``scenario.load`` raises the first error as a one-line located
:class:`ScenarioError` and reports warnings (dates that have no effect inside the simulated years) as one
line.

Checks that belong to one field (codes of a per-sector mapping, year keys) live in the typed fields
(``scenario.types``); checks that need several sections or the data live here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from cnyx_sim.limits import LIFT_HINT, Limits
from cnyx_sim.mechanisms.infrastructure import effective_year
from cnyx_sim.scenario.schema import Scenario
from cnyx_sim.scenario.schema_sharing import ParkRef, check_agreements, resolved_start
from cnyx_sim.scenario.schema_transfer import EXTERNAL_PARTNERS
from cnyx_sim.scenario.types import list_codes

#: External origins in model order; the first three are also travel-time / wage nodes.
ORIGINS: tuple[str, ...] = ("chengdu", "chongqing_core", "east_coast", "abroad")
EXTERNAL_NODES: tuple[str, ...] = ("chengdu", "chongqing_core", "east_coast")


@dataclass(frozen=True)
class Problem:
    """One problem: where (key path from the document root), what was expected, and how bad."""

    key_path: tuple
    message: str
    is_warning: bool = False


@dataclass(frozen=True)
class CheckData:
    """What the checks compare the scenario with."""

    units: tuple[str, ...]
    sectors: tuple[str, ...]
    base_sector_value_added: np.ndarray  # [sector] regional nominal VA of the base year, 亿元
    limits: Limits
    written: frozenset | None = None  # key paths the scenario files write (None: treat every value as written)

    @property
    def nodes(self) -> tuple[str, ...]:
        """Travel-time nodes: the units, then the external nodes."""
        return self.units + EXTERNAL_NODES


Check = Callable[[Scenario, CheckData], list[Problem]]


def _unknown(kind: str, code: str, known: tuple[str, ...]) -> str:
    return f"unknown {kind} {code!r}; expected one of {list_codes(known)}"


# --------------------------------------------------------------------------------------------------- transfer
def check_transfer_sectors(s: Scenario, data: CheckData) -> list[Problem]:
    """Transfer sectors exist; sector weights name transfer sectors only and do not all vanish."""
    if not s.transfer.enabled:
        return []
    tr, problems = s.transfer, []
    for i, code in enumerate(tr.transfer_sectors):
        if code not in data.sectors:
            problems.append(Problem(("transfer", "transfer_sectors", i), _unknown("sector code", code, data.sectors)))
    if problems:
        return problems
    if tr.sector_weights is not None:
        outside = [code for code, w in tr.sector_weights.items() if w > 0 and code not in tr.transfer_sectors]
        if outside:
            return [Problem(("transfer", "sector_weights", outside[0]), "sector must be one of transfer.transfer_sectors")]
        total = sum(tr.sector_weights[c] for c in tr.transfer_sectors)
    else:
        total = float(sum(data.base_sector_value_added[data.sectors.index(c)] for c in tr.transfer_sectors))
    if not total > 0:
        return [Problem(("transfer", "sector_weights"), "sector weights must not all be zero")]
    return []


def origin_arrival_rates(s: Scenario, base_sector_value_added: np.ndarray, sectors: tuple[str, ...]) -> np.ndarray:
    """``[origin]`` projects per year considering the region at base-year push: the given ``arrival_rate`` or
    the calibrated rates of (T2), ``sum_s pi_o phi s_s Y_s / (p kappa m_s located_o)`` at the point values."""
    tr = s.transfer
    if tr.arrival_rate is not None:
        return np.array([tr.arrival_rate.get(origin, 0.0) for origin in ORIGINS])
    mask = np.array([c in set(tr.transfer_sectors) for c in sectors])
    flow = tr.project_investment_share * s.capital.investment_rate.array * base_sector_value_added * mask
    # a share of a few 1e-324 is no arrivals (underflow to 0), a located share of 1e-308 unbounded arrivals
    # (overflow to inf, which the project-volume limit then refuses with its one-line message)
    with np.errstate(under="ignore", over="ignore"):
        signed = flow / (tr.start_probability * tr.realised_share * tr.mean_size.array)
        share = tr.origin_share.array / max(tr.origin_share.array.sum(), 1e-300)
        return share * signed.sum() / tr.located_share.array


def expected_projects(s: Scenario, base_sector_value_added: np.ndarray, sectors: tuple[str, ...]) -> float:
    """Expected projects considering the region over the horizon, from (T1)-(T2): sum over years and origins of
    lambda_o x G_t x Lambda_t^phi_L x (W_o,t / G_t)^phi_w. An estimate for the resource limit, computed before
    anything is allocated."""
    tr, pop = s.transfer, s.population
    rates = origin_arrival_rates(s, base_sector_value_added, sectors)
    land = np.cumprod(1.0 + tr.origin_land_cost_growth.array[1:])
    national = np.cumprod(1.0 + s.macro.national_real_growth.array[1:])
    wage_growth = pop.external_real_wage_growth or s.macro.national_real_growth
    wage = np.cumprod(1.0 + wage_growth.array[1:])
    with np.errstate(over="ignore", under="ignore"):  # an estimate for a limit: inf and 0 are usable answers
        land_push = land ** tr.land_push_elasticity
        wage_push = (wage / national) ** tr.wage_push_elasticity
        total = 0.0
        for k, origin in enumerate(ORIGINS):
            push = national * land_push * (wage_push if origin in EXTERNAL_NODES else 1.0)
            total += float(rates[k] * (1.0 + push.sum()))  # the base-year cohort and the simulated years
    return total


def check_project_volume(s: Scenario, data: CheckData) -> list[Problem]:
    """The resource limit on the project book (``Limits.expected_projects``)."""
    limit = data.limits.expected_projects
    if not s.transfer.enabled or limit is None:
        return []
    expected = expected_projects(s, data.base_sector_value_added, data.sectors)
    if expected > limit:
        shown = f"{expected:.3g}" if np.isfinite(expected) else "more than 1e308"
        return [Problem(("transfer", "arrival_rate"),
                        f"about {shown} projects per run (limit {limit:,.0f}; {LIFT_HINT}): arrival rates x "
                        "land-cost and wage push over the horizon")]
    return []


# ------------------------------------------------------------------------------------------------------ parks
def check_parks(s: Scenario, data: CheckData) -> list[Problem]:
    """Park ids unique; host a unit; partners known units or external partners, never the host; target
    sectors exist; a park that opens after the last simulated year is a warning."""
    problems: list[Problem] = []
    partner_codes = data.units + tuple(EXTERNAL_PARTNERS)
    seen: set[str] = set()
    for k, park in enumerate(s.parks):
        base = ("parks", k)
        if park.id in seen:
            problems.append(Problem(base + ("id",), f"duplicate park id {park.id!r}"))
        seen.add(park.id)
        if park.host not in data.units:
            problems.append(Problem(base + ("host",), _unknown("region code", park.host, data.units)))
        if not park.partners:
            problems.append(Problem(base + ("partners",), "a co-built park needs at least one partner"))
        for i, code in enumerate(park.partners):
            if code not in partner_codes:
                problems.append(Problem(base + ("partners", i), _unknown("partner", code, partner_codes)))
            elif code == park.host:
                problems.append(Problem(base + ("partners", i), "a park's partner cannot be its host"))
        for i, code in enumerate(park.target_sectors):
            if code not in data.sectors:
                problems.append(Problem(base + ("target_sectors", i), _unknown("sector code", code, data.sectors)))
        if park.start_year > s.years.end:
            problems.append(Problem(base + ("start_year",), f"no effect: the park opens in {park.start_year}, after "
                                                            f"the last simulated year {s.years.end}", is_warning=True))
    return problems


# -------------------------------------------------------------------------------------------------- incentives
def check_programmes(s: Scenario, data: CheckData) -> list[Problem]:
    """Authorised programmes cover known units."""
    problems = []
    for i, programme in enumerate(s.incentives.authorised_programmes):
        for j, code in enumerate(programme.units):
            if code not in data.units:
                problems.append(Problem(("incentives", "authorised_programmes", i, "units", j),
                                        _unknown("region code", code, data.units)))
    return problems


# ---------------------------------------------------------------------------------------------- infrastructure
def check_events(s: Scenario, data: CheckData) -> list[Problem]:
    """Event pairs join two different known nodes."""
    problems = []
    for e, event in enumerate(s.infrastructure.events):
        for i, (a, b, _) in enumerate(event.pairs):
            where = ("infrastructure", "events", e, "pairs", i)
            for code in (a, b):
                if code not in data.nodes:
                    problems.append(Problem(where, _unknown("node", code, data.nodes)))
            if a == b:
                problems.append(Problem(where, "a pair needs two different nodes"))
    return problems


def _dated(s: Scenario) -> Iterator[tuple[tuple, dt.date, str]]:
    """Dated items that act from an annual step on (T8, T10, O1): key path, date, what it is."""
    for e, event in enumerate(s.infrastructure.events):
        yield ("infrastructure", "events", e, "date"), event.date, f"event {event.name!r}"
    yield ("incentives", "regime_date"), s.incentives.regime_date, "the fair-competition regime"
    for g, gateway in enumerate(s.opening.gateways):
        yield ("opening", "gateways", g, "date"), gateway.date, f"gateway {gateway.name!r}"


# ------------------------------------------------------------------------------------- ecology and opening-up
def check_levers(s: Scenario, data: CheckData) -> list[Problem]:
    """Compensation pairs join two different known units, ids unique, end not before start; gateways serve
    known units."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for k, pair in enumerate(s.ecology.compensation):
        base = ("ecology", "compensation", k)
        if pair.id in seen:
            problems.append(Problem(base + ("id",), f"duplicate compensation pair id {pair.id!r}"))
        seen.add(pair.id)
        for key in ("upstream", "downstream"):
            code = getattr(pair, key)
            if code not in data.units:
                problems.append(Problem(base + (key,), _unknown("region code", code, data.units)))
        if pair.upstream == pair.downstream:
            problems.append(Problem(base + ("downstream",), "a compensation pair needs two different units"))
        if pair.start_year is not None and pair.end_year is not None and pair.end_year < pair.start_year:
            problems.append(Problem(base + ("end_year",), f"end_year {pair.end_year} is before start_year "
                                                          f"{pair.start_year}"))
    for g, gateway in enumerate(s.opening.gateways):
        for i, code in enumerate(gateway.units):
            if code not in data.units:
                problems.append(Problem(("opening", "gateways", g, "units", i),
                                        _unknown("region code", code, data.units)))
    return problems


def check_dates_in_horizon(s: Scenario, data: CheckData) -> list[Problem]:
    """Warnings for dates a scenario file writes that do not act inside the simulated years: after the last
    one (no effect), or before the first (in effect throughout; an event may already be in the base-year
    travel times). Defaults of the schema are not warned about (they serve every horizon)."""
    problems = []
    first, last = s.years.start + 1, s.years.end
    for key, date, what in _dated(s):
        if data.written is not None and key[:-1] not in data.written and key not in data.written:
            continue
        year = effective_year(date)
        if year > last:
            problems.append(Problem(key, f"no effect: {what} ({date}) takes effect in {year}, after the last "
                                         f"simulated year {last}", is_warning=True))
        elif year < first:
            problems.append(Problem(key, f"in effect throughout: {what} ({date}) takes effect before the first "
                                         f"simulated year {first}", is_warning=True))
    parks = {p.id: ParkRef(p.id, p.host, tuple(p.partners), p.start_year) for p in s.parks}
    for i, agreement in enumerate(s.sharing.agreements if s.sharing.enabled else ()):
        start = resolved_start(agreement, parks, first)
        if start > last:
            problems.append(Problem(("sharing", "agreements", i), f"no effect: agreement {agreement.id!r} starts in "
                                                                  f"{start}, after the last simulated year {last}",
                                    is_warning=True))
    return problems


# ----------------------------------------------------------------------------------------------------- sharing
def check_sharing(s: Scenario, data: CheckData) -> list[Problem]:
    """Agreements: known parks, rules and partners; partner not the park's host; at most 100 % of one
    revenue given away in any year, judged with resolved start years (``schema_sharing.check_agreements``)."""
    parks = [ParkRef(p.id, p.host, tuple(p.partners), p.start_year) for p in s.parks]
    found = check_agreements(s.sharing.agreements, data.units, parks, tuple(EXTERNAL_PARTNERS), s.years.start + 1)
    return [Problem(key, message) for key, message in found]


CHECKS: tuple[Check, ...] = (
    check_transfer_sectors,
    check_parks,
    check_programmes,
    check_events,
    check_sharing,
    check_levers,
    check_project_volume,
    check_dates_in_horizon,
)


def run_checks(scenario: Scenario, data: CheckData) -> list[Problem]:
    """Every problem of every check, in check order (errors and warnings)."""
    return [problem for check in CHECKS for problem in check(scenario, data)]
