"""Scenario sections of the sharing issue: ``sharing``, ``statistics`` and ``budget`` (ODD 7.7-7.9).

``sharing.agreements`` lists tax-sharing (项目异地流转财税分成) and statistics-splitting (统计指标合理分算)
agreements. Each applies to a park (its id in the ``parks`` section) or to a rule:

- ``government_led_relocation``: relocations led by the origin government (财预〔2015〕92号, 京津冀);
- ``all_cross_unit``: every project whose origin or, failing that, referral unit is another region unit;
- ``referral``: projects first negotiated by another unit (首谈地), which is credited.

An agreement may start from a template (``template: jingjinji_92`` or ``gaozhu``, or a name defined under
``sharing.templates``); keys written in the agreement override the template's. Checks that need the
calibration or the parks (unknown codes, a partner that is the park's host, more than 100 % of the same
revenue given away, checked after each agreement's default start year is resolved) are in
:func:`check_agreements`; the resolution to the mechanism's arrays is :func:`build_agreement_set`.

A user template may start from another user template or a built-in one (``template:`` inside the
template); a parent that does not exist, or templates that name each other in a cycle, are errors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated, Any, Literal, NamedTuple

import numpy as np
from pydantic import Field, field_validator, model_validator

from cnyx_sim.core.params import TAXES
from cnyx_sim.mechanisms.tax_sharing import (
    KIND_PARK,
    KINDS,
    STAT_QUANTITIES,
    WINDOW_BASES,
    AgreementSet,
)
from cnyx_sim.scenario.types import Fraction, Section, located_error, param

#: Rule selectors; any other ``applies_to`` value names a park.
RULES: tuple[str, ...] = KINDS[1:]
TaxName = Literal["vat", "cit", "pit", "property"]
Year = Annotated[int, Field(ge=1900, le=2200)]
#: Plausibility bounds (docs/model.md parameter table).
WindowYears = Annotated[int, Field(ge=1, le=200)]
CapAmount = Annotated[float, Field(ge=0.0, le=10_000.0)]  # 亿元 per project
Code = Annotated[str, Field(min_length=1, max_length=60)]

#: Built-in templates (mechanisms-research.md §1.2). Keys as in an agreement.
TEMPLATES: dict[str, dict[str, Any]] = {
    # 财预〔2015〕92号: local part of the 三税 (VAT, CIT; business tax abolished 2016) split 50:50 for 3 years
    # after 达产, 2 more if the origin's cumulative share has not reached the 3 pre-move years' 三税; only
    # government-led relocations with >= 2000万元/yr of pre-move 三税.
    "jingjinji_92": {
        "applies_to": "government_led_relocation",
        "taxes": ["vat", "cit"],
        "split": 0.5,
        "stock_rule": "all",
        "window": {"basis": "full_production", "start": 0, "length": 3, "extension": 2},
        "cap": "pre_move_3yr",
        "min_pre_move_tax": 0.2,
    },
    # 川渝高竹新区: 存量收益由原行政辖区各自分享、增量收益五五分成; indicators 按比例分算 (ratio not published:
    # 0.5 is an assumption); enforcement 0.7 as proposed in mechanisms-research.md §6.4 (assumption).
    "gaozhu": {
        "taxes": ["vat", "cit", "pit", "property"],
        "split": 0.5,
        "stock_rule": "increment_only",
        "window": {"basis": "agreement_start", "start": 0, "length": None, "extension": 0},
        "enforcement_probability": 0.7,
        "stat_split": {"gdp": 0.5, "industry_va": 0.5, "fai": 0.5},
    },
}


def _check_fraction(value: Any, what: str) -> Any:
    """The custom message for a share outside [0, 1] (runs before the schema's own bound, which stays as
    the documented range); values that are not numbers are left for the schema to refuse."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) \
            and not 0.0 <= value <= 1.0:
        raise ValueError(f"{what} must lie between 0 and 1 (got {value})")
    return value


class Window(Section):
    """When an agreement pays: ``length`` years from ``start`` years after its basis, plus ``extension``."""

    basis: Literal["agreement_start", "full_production"] = param(
        "agreement_start", unit="-", source="财预〔2015〕92号 counts from 达产 (full_production); 高竹 from its start",
        description="What the window counts from: the agreement's start year or each project's 达产 year.")
    start: int = param(
        0, unit="yr", ge=-50, le=200, source="财预〔2015〕92号: from 达产 (0)",
        description="Years from the basis to the first year of the window.")
    length: WindowYears | None = param(
        None, unit="yr", source="财预〔2015〕92号: 3; 高竹: open-ended (None)",
        description="Years the window lasts; None = open-ended.")
    extension: int = param(
        0, unit="yr", ge=0, le=200, source="财预〔2015〕92号: 2 more years if the cap is not reached",
        description="Years added after the window while the cap is not reached (needs a cap).")

    @field_validator("length", mode="before")
    @classmethod
    def _ends_after_start(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value < 1:
            raise ValueError(f"window ends before it starts: length must be at least 1 year (got {value})")
        return value


class StatSplit(Section):
    """Shares of the covered projects' statistics credited to the partner (统计指标合理分算)."""

    gdp: Fraction = param(0.0, unit="1", symbol=r"\phi^{GDP}", source="agreement; 高竹: 按比例分算 (ratio not published)",
                       description="Share of the project's value added credited to the partner.")
    industry_va: Fraction = param(0.0, unit="1", symbol=r"\phi^{IVA}", source="agreement (assumption)",
                               description="Share of the project's industrial value added credited to the partner.")
    fai: Fraction = param(0.0, unit="1", symbol=r"\phi^{FAI}", source="agreement; 高竹: FAI 按比例分算",
                       description="Share of the project's fixed-asset investment credited to the partner.")

    @field_validator("gdp", "industry_va", "fai", mode="before")
    @classmethod
    def _fraction(cls, value: Any, info) -> Any:
        return _check_fraction(value, f"stat_split.{info.field_name}")


class Agreement(Section):
    """One sharing agreement (a park's terms or a rule)."""

    id: str = param(..., unit="-", source="scenario", pattern=r"^[A-Za-z0-9_.-]+$", min_length=1, max_length=80,
                    description="Agreement id; the `agreement` column of sharing.parquet.")
    template: str | None = param(
        None, unit="-", source="mechanisms-research.md §1.2 (jingjinji_92, gaozhu) or sharing.templates",
        description="Template whose keys fill in the keys this agreement does not write.")
    applies_to: Code = param(
        ..., unit="-", source="scenario",
        description="A park id of the parks section, or a rule: government_led_relocation, all_cross_unit, referral.")
    partner: Code | list[Code] | None = param(
        None, unit="region or external partner code", source="plan §(十), §(十四) (parks and partners)",
        description="Who receives the shares of a park agreement (default: the park's partners, split equally); "
                    "rules take the partner from each project and must not set it.")
    taxes: list[TaxName] = param(
        ["vat", "cit"], unit="-", source="财预〔2015〕92号 shares the 三税 (VAT, CIT)",
        description="Taxes whose city-level part is shared.", min_length=1)
    split: Fraction = param(
        0.5, unit="1", symbol=r"\sigma", source="财预〔2015〕92号 and 高竹: 50:50",
        description="Share of the shareable city-level revenue given to the partner(s) (S5).")
    stock_rule: Literal["increment_only", "all"] = param(
        "increment_only", unit="-", source="高竹: 存量各自、增量分成 (increment_only); 92号: all of the relocated firm",
        description="Share only revenue above the pre-agreement level (存量 stays), or all of it.")
    start_year: Year | None = param(
        None, unit="year", source="scenario (default: the park's start year, else the first simulated year)",
        description="First year the agreement is in force.")
    end_year: Year | None = param(
        None, unit="year", source="scenario (default: open-ended)", description="Last year the agreement is in force.")
    window: Window = param(Window(), unit="-", source="see fields", description="When the agreement pays.")
    cap: CapAmount | Literal["pre_move_3yr"] | None = param(
        None, unit="亿元 per project", source="财预〔2015〕92号: the 3 pre-move years' 三税 (pre_move_3yr)",
        description="Cap on the cumulative amount paid per project under this agreement; None = no cap.")
    min_pre_move_tax: float = param(
        0.0, unit="亿元/yr", ge=0.0, le=1000.0, source="财预〔2015〕92号: 三税 >= 2000万元/yr over the 3 pre-move years",
        description="Eligibility floor of government_led_relocation (mean yearly pre-move 三税).")
    enforcement_probability: Fraction = param(
        1.0, unit="1", symbol=r"\pi", source="assumption; 刘祥 2024: agreed splits are hard to honour "
                                            "(mechanisms-research.md §1.2(c))",
        description="Probability that the tax split is paid in a given year (S4).")
    stat_split: StatSplit = param(StatSplit(), unit="1", source="see fields",
                                  description="Statistics splits (D3).")

    @model_validator(mode="before")
    @classmethod
    def _builtin_template(cls, data: Any) -> Any:
        # User templates are merged by the Sharing section before this runs; what is left is a built-in.
        if isinstance(data, dict) and data.get("template") is not None:
            name = data["template"]
            if name not in TEMPLATES:
                raise ValueError(f"unknown template {name!r}; expected one of "
                                 f"{', '.join(TEMPLATES)} or a name under sharing.templates")
            return _merge(TEMPLATES[name], data)
        return data

    @field_validator("split", mode="before")
    @classmethod
    def _split_fraction(cls, value: Any) -> Any:
        return _check_fraction(value, "split (the share of the local revenue given away)")

    @field_validator("taxes")
    @classmethod
    def _unique_taxes(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("taxes must not repeat")
        return value

    @field_validator("cap", mode="before")
    @classmethod
    def _cap_positive(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0.0:
            raise ValueError(f"cap must be >= 0 亿元 (got {value})")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "Agreement":
        if self.start_year is not None and self.end_year is not None and self.end_year < self.start_year:
            raise ValueError(f"agreement ends (end_year {self.end_year}) before it starts (start_year {self.start_year})")
        if self.applies_to in RULES and self.partner is not None:
            raise ValueError(f"partner is set by the rule {self.applies_to!r} (from each project); remove partner")
        if self.window.extension > 0 and self.cap is None:
            raise ValueError("window.extension runs only while a cap is not reached; set a cap or extension: 0")
        if self.cap == "pre_move_3yr" and self.applies_to != "government_led_relocation":
            raise ValueError("cap pre_move_3yr needs relocated projects; use it with government_led_relocation")
        if self.min_pre_move_tax > 0.0 and self.applies_to != "government_led_relocation":
            raise ValueError("min_pre_move_tax applies only to government_led_relocation")
        return self

    @property
    def partners(self) -> tuple[str, ...] | None:
        if self.partner is None:
            return None
        return (self.partner,) if isinstance(self.partner, str) else tuple(self.partner)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` on top of ``base``; nested mappings (window, stat_split) merge key by key."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve_template(name: str, user: dict[str, dict[str, Any]], chain: tuple[str, ...] = ()) -> dict[str, Any]:
    """User template ``name`` merged onto its parents (user templates, then built-ins), keys checked.

    A template whose ``template`` names itself starts from the built-in of that name (it shadows it).
    """
    body = user[name]
    where = ("templates", name)
    unknown = [key for key in body if key not in Agreement.model_fields]
    if unknown:
        raise located_error("unknown key (not allowed in an agreement template)", where + (unknown[0],))
    parent = body.get("template")
    own = {k: v for k, v in body.items() if k != "template"}
    if parent is None:
        return own
    if parent in user and parent != name:
        if parent in chain or parent == name:
            cycle = " -> ".join((*chain, name, parent))
            raise located_error(f"templates name each other in a cycle: {cycle}", where + ("template",))
        return _merge(_resolve_template(parent, user, chain + (name,)), own)
    if isinstance(parent, str) and parent in TEMPLATES:
        return _merge(TEMPLATES[parent], own)
    shown = repr(parent) if len(repr(parent)) <= 40 else "this name"
    raise located_error(f"unknown parent template {shown}; expected one of {', '.join(TEMPLATES)} or another "
                        "name under sharing.templates", where + ("template",))


class Sharing(Section):
    enabled: bool = param(
        True, unit="-", source="scenario", description="Apply the agreements (false = no sharing, no splitting).")
    templates: dict[Code, dict[str, Any]] = param(
        {}, unit="-", source="scenario",
        description="Named partial agreements that agreements can start from (template: name); a template may "
                    "itself start from another (template: name).", max_length=1000)
    agreements: list[Agreement] = param(
        [], unit="-", source="plan §(十): 项目异地流转财税分成、统计指标合理分算",
        description="Tax-sharing and statistics-splitting agreements.", max_length=10_000)

    @model_validator(mode="before")
    @classmethod
    def _user_templates(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        user = data.get("templates") or {}
        if not isinstance(user, dict):
            return data
        user = {name: body for name, body in user.items() if isinstance(body, dict)}
        resolved = {name: _resolve_template(name, user) for name in user}  # checks every template, used or not
        agreements = data.get("agreements")
        if not isinstance(agreements, list):
            return data
        merged = []
        for item in agreements:
            if isinstance(item, dict) and item.get("template") in resolved:
                item = _merge(resolved[item["template"]], {k: v for k, v in item.items() if k != "template"})
            merged.append(item)
        return {**data, "agreements": merged}

    @model_validator(mode="after")
    def _unique_ids(self) -> "Sharing":
        seen: set[str] = set()
        for agreement in self.agreements:
            if agreement.id in seen:
                raise ValueError(f"duplicate agreement id {agreement.id!r}")
            seen.add(agreement.id)
        return self


class Statistics(Section):
    honour_probability: Fraction = param(
        0.7, unit="1", symbol="p",
        source="mechanisms-research.md §6.4 split_enforcement_prob 0.7 (assumption); 刘祥 2024 [S]: 受制于在地"
               "统计管理办法，协议承诺的产值、税收等经济指标分成难以兑现",
        description="Probability that an agreement's statistics split is honoured in a given year (D2).")
    city_agents_ledger: Literal["official", "credited"] = param(
        "credited", unit="-",
        source="mechanisms-research.md §1.3: officials' incentives run on the credited ledger (assumption)",
        description="GDP ledger whose growth the city agents chase in (F8) and in their incentive decisions.")


class Budget(Section):
    transfer_rate: float = param(
        0.0, unit="1", symbol=r"\tau_T", ge=0.0, le=5.0,
        source="assumption: transfers by unit not in the calibration data, so left out (0) by default",
        description="Transfers from upper levels / own revenue after sharing (B1).")
    interest_rate: float = param(
        0.03, unit="1/yr", symbol="r", ge=0.0, le=0.5,
        source="assumption (local government bond yields around 3% in 2021-2023 [K])",
        description="Interest on city debt (B5).")
    debt_limit_to_revenue: float = param(
        1.2, unit="1", symbol="l", ge=0.0, le=20.0,
        source="mechanisms-research.md §6.4 (assumption); the 100-120% debt-ratio warning line [K]",
        description="Borrowing limit: debt / revenue (B7).")
    initial_debt_to_revenue: float = param(
        0.0, unit="1", ge=0.0, le=20.0, source="assumption: no debt data by unit; debt is counted from the base year",
        description="Base-year debt / base-year revenue.")
    park_land_share: float = param(
        0.0, unit="1", symbol=r"\psi", ge=0.0, le=0.9,
        source="assumption: 0 keeps all public investment in public capital (F7) until park land is funded "
               "from budgets; mechanisms-research.md §6.4 proposes 0.4",
        description="Share of public investment spent on developing park land (B9); at most 0.9, so that some "
                    "public capital is built (F7: with none, public capital per resident is undefined).")
    park_land_cost: float = param(
        0.003, unit="亿元 (2021 prices) per 亩", ge=1e-5, le=1.0,
        source="assumption (30万元/亩 for serviced park land, 七通一平; order of magnitude [K], unverified)",
        description="Cost of developing one 亩 of park land; park-land investment / cost = 亩 added to the "
                    "host's parks (B9).")
    land_price: float = param(
        0.002, unit="亿元 (2021 prices) per 亩", ge=0.0, le=1.0,
        source="assumption (20万元/亩, order of magnitude of industrial land transfer prices in the region [K], "
               "unverified)",
        description="Industrial land price; a land discount costs discount x price x land need at arrival.")
    rebate_years: int = param(
        5, unit="yr", ge=0, le=50,
        source="assumption (先征后返 packages typically run a few years, mechanisms-research.md §1.4)",
        description="Years after arrival that a project's tax rebate (share of its city-level taxes) is paid.")


# ------------------------------------------------------------------------------------- data-level checks
class ParkRef(NamedTuple):
    """What the resolution needs to know about a park (from the parks section of the transfer issue)."""

    id: str
    host: str
    partners: tuple[str, ...]
    start_year: int


def resolved_start(agreement: Agreement, parks: dict[str, ParkRef], first_year: int) -> int:
    """The first year ``agreement`` is in force: its own, else its park's start, else the first simulated year."""
    if agreement.start_year is not None:
        return agreement.start_year
    park = parks.get(agreement.applies_to)
    return park.start_year if park is not None else first_year


def _in_force(agreement: Agreement, start: int) -> tuple[float, float]:
    return start, (np.inf if agreement.end_year is None else agreement.end_year)


def _window(agreement: Agreement, start: int) -> tuple[float, float]:
    """First and last window year relative to the basis (the resolved agreement start, or 0 = the project's
    达产 year for windows counted from full production)."""
    w = agreement.window
    base = 0 if w.basis == "full_production" else start
    length = np.inf if w.length is None else w.length + w.extension
    return base + w.start, base + w.start + length - 1


def check_agreements(
    agreements: Sequence[Agreement],
    unit_codes: Sequence[str],
    parks: Sequence[ParkRef],
    external_partners: Sequence[str],
    first_year: int,
    prefix: tuple = ("sharing", "agreements"),
) -> list[tuple[tuple, str]]:
    """Data-level problems of ``agreements`` as ``(key_path, expected)`` pairs, for ``scenario_error_at``.

    Unknown parks/rules and partners; a park agreement naming the park's host as its partner; and groups of
    agreements on the same selector whose windows overlap and whose splits of the same tax (or statistic)
    add up to more than 1. Overlaps are judged after each agreement's start year is resolved
    (:func:`resolved_start`), so an agreement that relies on its default start is checked like any other.
    """
    problems: list[tuple[tuple, str]] = []
    park_by_id = {p.id: p for p in parks}
    park_ids = list(park_by_id)
    known_partners = tuple(unit_codes) + tuple(external_partners)
    for i, agreement in enumerate(agreements):
        if agreement.applies_to not in RULES and agreement.applies_to not in park_by_id:
            problems.append((prefix + (i, "applies_to"),
                             f"unknown park or rule {agreement.applies_to!r}; expected a park id "
                             f"({', '.join(park_ids[:5]) or 'none defined'}) or one of {', '.join(RULES)}"))
        if agreement.applies_to in RULES and agreement.applies_to in park_by_id:
            problems.append((prefix + (i, "applies_to"), f"{agreement.applies_to!r} is both a park id and a rule; "
                                                         "rename the park"))
        park = park_by_id.get(agreement.applies_to)
        for j, partner in enumerate(agreement.partners or ()):
            key = prefix + (i, "partner") + ((j,) if isinstance(agreement.partner, list) else ())
            if partner not in known_partners:
                problems.append((key, f"unknown region unit or partner {partner!r}; expected one of "
                                      f"{', '.join(known_partners[:6])}, ..."))
            elif park is not None and partner == park.host:
                problems.append((key, f"{partner!r} hosts the park {park.id!r}, so it cannot be its partner"))

    starts = [resolved_start(a, park_by_id, first_year) for a in agreements]
    for i, (agreement, start) in enumerate(zip(agreements, starts)):
        if agreement.start_year is None and agreement.end_year is not None and agreement.end_year < start:
            problems.append((prefix + (i, "end_year"), f"agreement ends ({agreement.end_year}) before its default "
                                                       f"start year {start}; set start_year or a later end_year"))

    def overlap(a: int, b: int) -> bool:
        (a_low, a_high), (b_low, b_high) = _in_force(agreements[a], starts[a]), _in_force(agreements[b], starts[b])
        if a_high < b_low or b_high < a_low:
            return False
        if agreements[a].window.basis != agreements[b].window.basis:
            return True  # windows on different bases may coincide for some project
        (aw_low, aw_high), (bw_low, bw_high) = _window(agreements[a], starts[a]), _window(agreements[b], starts[b])
        return not (aw_high < bw_low or bw_high < aw_low)

    items = [(f"city-level {tax}", lambda ag, tax=tax: ag.split if tax in ag.taxes else 0.0, "split") for tax in TAXES]
    items += [(f"{q} statistics", lambda ag, q=q: getattr(ag.stat_split, q), "stat_split") for q in STAT_QUANTITIES]
    reported: set[int] = set()
    for i, agreement in enumerate(agreements):
        for what, share_of, key in items:
            if i in reported or share_of(agreement) == 0.0:
                continue
            # The most any year can give away is reached at the start of some agreement's window: sum the
            # agreements on the same selector that are active there.
            first_window_year = _window(agreement, starts[i])[0]
            together = [j for j, other in enumerate(agreements)
                        if other.applies_to == agreement.applies_to and share_of(other) > 0.0
                        and (j == i or (overlap(i, j) and (
                            other.window.basis != agreement.window.basis
                            or _window(other, starts[j])[0] <= first_window_year <= _window(other, starts[j])[1])))]
            total = sum(share_of(agreements[j]) for j in together)
            if total > 1.0 + 1e-12 and len(together) > 1:
                last = max(together)
                if last in reported:
                    continue
                reported.add(last)
                names = ", ".join(repr(agreements[j].id) for j in together[:3])
                more = f" and {len(together) - 3} more" if len(together) > 3 else ""
                problems.append((prefix + (last, key),
                                 f"{total:.0%} of the same {what} given away in overlapping years (at most 100%) "
                                 f"by agreements {names}{more} on {agreement.applies_to!r}"))
    return problems


# ------------------------------------------------------------------------------------------ resolution
def build_agreement_set(
    sharing: Sharing,
    statistics: Statistics,
    unit_codes: Sequence[str],
    parks: Sequence[ParkRef],
    external_partners: Sequence[str],
    first_year: int,
) -> AgreementSet:
    """Resolve a checked ``sharing`` section into the mechanism's :class:`AgreementSet`.

    A park agreement without ``partner`` takes the park's partners other than its host; with several
    partners its split and statistics splits are divided equally between them (assumption).
    ``first_year`` is the default start of rule agreements (the first simulated year).
    """
    n_taxes = len(TAXES)
    if not sharing.enabled or not sharing.agreements:
        return AgreementSet.empty(n_taxes)
    units, externals = list(unit_codes), list(external_partners)
    park_index = {p.id: k for k, p in enumerate(parks)}
    rows: list[dict[str, Any]] = []
    for group, ag in enumerate(sharing.agreements):
        kind = KINDS.index(ag.applies_to) if ag.applies_to in RULES else KIND_PARK
        park = parks[park_index[ag.applies_to]] if kind == KIND_PARK else None
        partners = (ag.partners or tuple(p for p in park.partners if p != park.host)) if park else (None,)
        start = resolved_start(ag, {park.id: park} if park else {}, first_year)
        n_partners = max(len(partners), 1)
        for partner in partners:
            rows.append(dict(
                id=ag.id, group=group, kind=kind, park=park_index[park.id] if park else -1,
                partner_unit=units.index(partner) if partner in units else -1,
                partner_external=externals.index(partner) if partner in externals else -1,
                tax_mask=[t in ag.taxes for t in TAXES], split=ag.split / n_partners,
                is_increment_only=ag.stock_rule == "increment_only",
                start_year=start, end_year=ag.end_year if ag.end_year is not None else 10_000,
                window_basis=WINDOW_BASES.index(ag.window.basis), window_offset=ag.window.start,
                window_length=np.inf if ag.window.length is None else float(ag.window.length),
                window_extension=ag.window.extension,
                cap=np.inf if ag.cap is None or ag.cap == "pre_move_3yr" else float(ag.cap),
                is_cap_pre_move=ag.cap == "pre_move_3yr", min_pre_move_tax=ag.min_pre_move_tax,
                enforcement_probability=ag.enforcement_probability,
                stat_split=[getattr(ag.stat_split, q) / n_partners for q in STAT_QUANTITIES],
                stat_honour_probability=statistics.honour_probability,
            ))
    return AgreementSet.from_records(rows, n_taxes)


#: Sections of this module whose fields are model parameters (for the docs' parameter table).
SHARING_PARAMETER_SECTIONS: dict[str, type[Section]] = {"statistics": Statistics, "budget": Budget}
