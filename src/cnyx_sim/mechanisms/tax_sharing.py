"""Cross-region tax sharing (项目异地流转财税分成) as double-entry accounting (ODD 7.7, equations S1-S8).

Sharing applies only to the **city-level part** of each tax, i.e. what is left after the central share
(F5) and the province's / municipality's take (F6) of ``mechanisms.fiscal``; the central and provincial
parts are never touched (mechanisms-research.md §1.1, §6.5).

Objects
-------
- An *activity* is a row that pays taxes in one host unit. In the model the activities are the projects of
  the project book (book row = activity row); the rest of a unit's economy (its city-sector totals minus the
  project parts) has no park, origin or referral, so no selector below can pick it and it needs no row.
- An *agreement row* ``a`` (one per agreement and partner, see :class:`AgreementSet`) names which
  activities it covers (a park, or a rule), which taxes, the split, the 存量/增量 rule, a window, a cap and
  an enforcement probability.

For activity ``j`` hosted by unit ``h_j``, tax ``x`` and year ``t``:

    (S1)  City_jx                 city-level tax of j (F1-F6), 亿元
    (S2)  Share_ajx = City_jx                          if stock rule of a is ``all``
                      max(0, City_jx - Base_jx)        if ``increment_only`` (存量各自、增量分成)
    (S3)  Cov_aj(t) = Sel_aj * 1[start_a <= t <= end_a] * 1[partner_aj != h_j]
                      * ( 1[W_aj <= t < W_aj + L_a]
                          + 1[W_aj + L_a <= t < W_aj + L_a + E_a] * 1[Cum_aj < Cap_aj] )
          W_aj = (达产 year of j  or  start_a) + offset_a
          Rule agreements do not cover an activity that a park agreement covers in t (park terms first).
    (S4)  Z_a(t) ~ Bernoulli(pi_a), one draw per agreement and year (enforcement)
    (S5)  T*_ajx = sigma_a * mask_ax * Cov_aj * Z_a * Share_ajx
    (S6)  T'_ajx = T*_ajx * min(1, max(0, Cap_aj - Cum_aj) / sum_x T*_ajx)        cap on the partner's total
    (S7)  T_ajx  = T'_ajx * min(1, City_jx / sum_a T'_ajx)                       never more than 100 %
    (S8)  Collected_ux = sum_{j: h_j=u} City_jx;   Paid_ux = sum_{a,j: h_j=u} T_ajx;
          Received_ux = sum_{a,j: partner_aj=u} T_ajx;   External_ex = sum_{a,j: partner_aj=e} T_ajx
          After_ux = Collected_ux - Paid_ux + Received_ux;   Cum_aj <- Cum_aj + sum_x T_ajx

So Σ_u After_u + Σ_e External_e = Σ_u Collected_u exactly (up to floating point), and every transfer is
one ledger row paid by its host and received by its partner. (S7) only binds when agreements with
different selectors (a park agreement and a rule) cover the same revenue; ``scenario.schema_sharing.
check_agreements`` rejects same-selector overlaps above 100 % before a run starts.

Selectors (``Sel_aj`` and ``partner_aj``):

- ``park``: activities in park ``k``; partner fixed by the agreement (a region unit or an external partner
  such as 昆山 / 广州). Template: 川渝高竹 "存量各自、增量五五".
- ``government_led_relocation``: activities relocated by their origin government from another region unit,
  with mean pre-move 三税 of at least ``min_pre_move_tax``; partner = origin. Template: 财预〔2015〕92号.
- ``all_cross_unit``: every activity whose origin, or else whose referral unit (首谈地), is another region
  unit; partner = that unit.
- ``referral``: activities first negotiated by another region unit (首谈地); partner = the referral unit.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from cnyx_sim.mechanisms import fiscal

FloatArray = np.ndarray
IntArray = np.ndarray
BoolArray = np.ndarray

#: Agreement kinds, in code order of ``AgreementSet.kind``.
KINDS: tuple[str, ...] = ("park", "government_led_relocation", "all_cross_unit", "referral")
KIND_PARK, KIND_GOVERNMENT_LED, KIND_ALL_CROSS_UNIT, KIND_REFERRAL = range(4)
#: Window bases, in code order of ``AgreementSet.window_basis``.
WINDOW_BASES: tuple[str, ...] = ("agreement_start", "full_production")
BASIS_AGREEMENT_START, BASIS_FULL_PRODUCTION = range(2)
#: Statistics split quantities, in column order of ``AgreementSet.stat_split``.
STAT_QUANTITIES: tuple[str, ...] = ("gdp", "industry_va", "fai")

NO_INDEX = -1


# ------------------------------------------------------------------------------------------ inputs
@dataclass(frozen=True)
class ActivityTable:
    """Tax-paying activities of one year, one row each. Amounts are nominal 亿元.

    Attributes
    ----------
    host : [row] int, region unit that hosts (and officially counts) the activity.
    park : [row] int, park index or -1.
    origin : [row] int, region unit the activity came from, -1 if external or none.
    referral : [row] int, region unit that first negotiated it (首谈地), -1 if none.
    sector : [row] int, sector index.
    full_production_year : [row] int, year the activity reaches design output (达产).
    is_government_led : [row] bool, relocation led by the origin government (92号 eligibility).
    value_added_nominal : [row] 亿元.
    investment_nominal : [row] fixed-asset investment this year, 亿元.
    city_taxes : [row, tax] city-level taxes (after F5-F6), order of ``core.params.TAXES``.
    base_city_taxes : [row, tax] 存量: city-level taxes before the agreement (0 for new projects).
    pre_move_taxes : [row] sum of the city-level taxes the agreement covers in the 3 years before the move,
        the basis of the ``pre_move_3yr`` cap (0 if not a relocation).
    pre_move_gross_annual : [row] mean yearly gross 三税 before the move, for 92号 eligibility, 亿元/yr.
    """

    host: IntArray
    park: IntArray
    origin: IntArray
    referral: IntArray
    sector: IntArray
    full_production_year: IntArray
    is_government_led: BoolArray
    value_added_nominal: FloatArray
    investment_nominal: FloatArray
    city_taxes: FloatArray
    base_city_taxes: FloatArray
    pre_move_taxes: FloatArray
    pre_move_gross_annual: FloatArray

    def __post_init__(self) -> None:
        n = len(self.host)
        for f in fields(self):
            value = getattr(self, f.name)
            if len(value) != n:
                raise ValueError(f"ActivityTable.{f.name} has {len(value)} rows, host has {n}")
        if self.city_taxes.ndim != 2 or self.base_city_taxes.shape != self.city_taxes.shape:
            raise ValueError("city_taxes and base_city_taxes must both be [row, tax]")

    @property
    def n_rows(self) -> int:
        return len(self.host)

    @classmethod
    def empty(cls, n_taxes: int) -> "ActivityTable":
        ints, floats = np.zeros(0, dtype=int), np.zeros(0)
        return cls(ints, ints, ints, ints, ints, ints, np.zeros(0, dtype=bool), floats, floats,
                   np.zeros((0, n_taxes)), np.zeros((0, n_taxes)), floats, floats)

    def take(self, rows: IntArray) -> "ActivityTable":
        """The table restricted to ``rows`` (positions), in that order."""
        return ActivityTable(*(getattr(self, f.name)[rows] for f in fields(ActivityTable)))

    @classmethod
    def build(cls, city_taxes: FloatArray, **columns) -> "ActivityTable":
        """A table from ``city_taxes [row, tax]`` and any other columns; the rest take neutral defaults
        (no park, origin or referral; 达产 in year 0; not government-led; zero VA, FAI, 存量 and pre-move taxes)."""
        city_taxes = np.asarray(city_taxes, dtype=float)
        n = city_taxes.shape[0]
        defaults = dict(
            host=np.zeros(n, dtype=int), park=np.full(n, NO_INDEX), origin=np.full(n, NO_INDEX),
            referral=np.full(n, NO_INDEX), sector=np.zeros(n, dtype=int), full_production_year=np.zeros(n, dtype=int),
            is_government_led=np.zeros(n, dtype=bool), value_added_nominal=np.zeros(n), investment_nominal=np.zeros(n),
            base_city_taxes=np.zeros_like(city_taxes), pre_move_taxes=np.zeros(n), pre_move_gross_annual=np.zeros(n),
        )
        unknown = set(columns) - set(defaults)
        if unknown:
            raise TypeError(f"unknown ActivityTable columns: {sorted(unknown)}")
        defaults.update({k: np.asarray(v, dtype=np.asarray(defaults[k]).dtype) for k, v in columns.items()})
        return cls(city_taxes=city_taxes, **defaults)


def city_level_taxes(
    gross_taxes: FloatArray, local_share: FloatArray, province_take: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Split gross taxes ``[row, tax]`` into (central, provincial, city) parts by (F5)-(F6).

    ``province_take`` is ``[row]`` (the province's take of each row's host). Only the city part is shared.
    """
    local, city = fiscal.city_revenue(gross_taxes, local_share, province_take)
    return gross_taxes - local, local - city, city


@dataclass(frozen=True)
class AgreementSet:
    """Sharing agreements resolved to arrays, one row per (agreement, partner).

    A park agreement whose park has several partners becomes one row per partner with the split divided
    equally (assumption). Rule agreements have no fixed partner (it comes from each activity).

    Attributes
    ----------
    ids : [agreement] agreement id (repeated over the rows of one agreement).
    group : [agreement] int, index of the agreement in ``unique ids`` order of appearance; rows of one
        agreement share one enforcement draw.
    kind : [agreement] int, code in ``KINDS``.
    park : [agreement] int, park index (park kind) or -1.
    partner_unit, partner_external : [agreement] int, fixed partner (park kind) or -1.
    tax_mask : [agreement, tax] bool.
    split : [agreement] sigma in [0, 1], share of the shareable city-level revenue given to the partner.
    is_increment_only : [agreement] bool, 存量各自、增量分成 (True) or all revenue (False).
    start_year, end_year : [agreement] int, years the agreement is in force (inclusive).
    window_basis : [agreement] int, code in ``WINDOW_BASES``.
    window_offset : [agreement] int, years from the basis to the window's first year.
    window_length : [agreement] float, years (``inf`` = open-ended).
    window_extension : [agreement] int, years added while the cap is not reached.
    cap : [agreement] float, cap on the cumulative amount paid per activity, 亿元 (``inf`` = none).
    is_cap_pre_move : [agreement] bool, cap = the activity's ``pre_move_taxes`` (92号 rule).
    min_pre_move_tax : [agreement] float, 亿元/yr eligibility floor of the 92号 rule (0 = none).
    enforcement_probability : [agreement] float, pi of (S4).
    stat_split : [agreement, quantity] phi for ``STAT_QUANTITIES``.
    stat_honour_probability : [agreement] float, probability the statistics split is honoured in a year.
    """

    ids: tuple[str, ...]
    group: IntArray
    kind: IntArray
    park: IntArray
    partner_unit: IntArray
    partner_external: IntArray
    tax_mask: BoolArray
    split: FloatArray
    is_increment_only: BoolArray
    start_year: IntArray
    end_year: IntArray
    window_basis: IntArray
    window_offset: IntArray
    window_length: FloatArray
    window_extension: IntArray
    cap: FloatArray
    is_cap_pre_move: BoolArray
    min_pre_move_tax: FloatArray
    enforcement_probability: FloatArray
    stat_split: FloatArray
    stat_honour_probability: FloatArray

    def __post_init__(self) -> None:
        n = len(self.ids)
        for f in fields(self):
            if len(getattr(self, f.name)) != n:
                raise ValueError(f"AgreementSet.{f.name} has {len(getattr(self, f.name))} rows, ids has {n}")
        if np.any((self.split < 0.0) | (self.split > 1.0)):
            raise ValueError("AgreementSet.split must lie in [0, 1]")

    @property
    def n_agreements(self) -> int:
        return len(self.ids)

    @classmethod
    def empty(cls, n_taxes: int) -> "AgreementSet":
        return cls.from_records([], n_taxes)

    @classmethod
    def from_records(cls, records: list[dict], n_taxes: int) -> "AgreementSet":
        """One row per record (a mapping of attribute names); missing keys take ``AGREEMENT_DEFAULTS``.

        ``id`` defaults to ``a<i>`` and ``group`` to the record's position.
        """
        rows = []
        for i, record in enumerate(records):
            unknown = set(record) - set(AGREEMENT_DEFAULTS) - {"id", "group", "tax_mask", "stat_split"}
            if unknown:
                raise TypeError(f"unknown agreement attributes: {sorted(unknown)}")
            row = {"id": f"a{i}", "group": i, "tax_mask": [True] * n_taxes, "stat_split": [0.0] * len(STAT_QUANTITIES),
                   **AGREEMENT_DEFAULTS, **record}
            rows.append(row)

        def column(name: str, dtype) -> np.ndarray:
            return np.array([r[name] for r in rows], dtype=dtype)

        n = len(rows)
        return cls(
            ids=tuple(str(r["id"]) for r in rows), group=column("group", int), kind=column("kind", int),
            park=column("park", int), partner_unit=column("partner_unit", int),
            partner_external=column("partner_external", int),
            tax_mask=column("tax_mask", bool).reshape(n, n_taxes), split=column("split", float),
            is_increment_only=column("is_increment_only", bool), start_year=column("start_year", int),
            end_year=column("end_year", int), window_basis=column("window_basis", int),
            window_offset=column("window_offset", int), window_length=column("window_length", float),
            window_extension=column("window_extension", int), cap=column("cap", float),
            is_cap_pre_move=column("is_cap_pre_move", bool), min_pre_move_tax=column("min_pre_move_tax", float),
            enforcement_probability=column("enforcement_probability", float),
            stat_split=column("stat_split", float).reshape(n, len(STAT_QUANTITIES)),
            stat_honour_probability=column("stat_honour_probability", float),
        )


#: Defaults of ``AgreementSet.from_records``: a park agreement in force from year 0 for ever, open-ended
#: window, no cap, always enforced and honoured, 50 % of the increment.
AGREEMENT_DEFAULTS: dict = dict(
    kind=KIND_PARK, park=NO_INDEX, partner_unit=NO_INDEX, partner_external=NO_INDEX, split=0.5,
    is_increment_only=True, start_year=0, end_year=10_000, window_basis=BASIS_AGREEMENT_START, window_offset=0,
    window_length=np.inf, window_extension=0, cap=np.inf, is_cap_pre_move=False, min_pre_move_tax=0.0,
    enforcement_probability=1.0, stat_honour_probability=1.0,
)


# ------------------------------------------------------------------------------------------ coverage
def enforcement_draws(probability: FloatArray, group: IntArray, rng: np.random.Generator) -> BoolArray:
    """(S4): one uniform per agreement (group) and year; rows of one agreement share it.

    Always draws ``n_groups`` numbers, whatever the probabilities, so the stream advances the same way in
    scenario variants that change only probabilities (common random numbers).
    """
    n_groups = int(group.max()) + 1 if len(group) else 0
    uniforms = rng.random(n_groups)
    return uniforms[group] < probability


def pad_cumulative(cumulative: FloatArray | None, n_agreements: int, n_rows: int) -> FloatArray:
    """The cumulative-paid state ``[agreement, row]`` extended with zero columns for new activity rows.

    Rows of the activity table must keep their position from year to year (append-only project book). Without
    new rows the state itself is returned (not a copy).
    """
    if cumulative is None:
        return np.zeros((n_agreements, n_rows))
    if cumulative.shape[0] != n_agreements or cumulative.shape[1] > n_rows:
        raise ValueError(f"cumulative state {cumulative.shape} does not fit {n_agreements} agreements x {n_rows} rows")
    if cumulative.shape[1] == n_rows:
        return cumulative
    out = np.zeros((n_agreements, n_rows))
    out[:, : cumulative.shape[1]] = cumulative
    return out


@dataclass(frozen=True)
class Coverage:
    """Which agreement covers which activity this year, and to whom it pays (S3).

    Attributes
    ----------
    covered : [agreement, row] bool.
    to_unit, to_external : [agreement, row] int, partner of each pair (-1 where none).
    cap : [agreement, row] float, cap on the cumulative amount paid, 亿元 (inf = none).
    """

    covered: BoolArray
    to_unit: IntArray
    to_external: IntArray
    cap: FloatArray


def coverage(activities: ActivityTable, agreements: AgreementSet, year: int, cumulative_paid: FloatArray) -> Coverage:
    """Equation (S3) with the selectors of the module docstring, for all pairs (agreement, activity)."""
    a, act = agreements, activities
    kind = a.kind[:, None]
    host = act.host[None, :]
    origin, referral = act.origin[None, :], act.referral[None, :]
    is_cross_origin = (origin >= 0) & (origin != host)
    is_cross_referral = (referral >= 0) & (referral != host)

    # Partner of each pair, by kind.
    to_unit = np.full((a.n_agreements, act.n_rows), NO_INDEX)
    to_unit = np.where(kind == KIND_PARK, a.partner_unit[:, None], to_unit)
    to_unit = np.where(kind == KIND_GOVERNMENT_LED, origin, to_unit)
    to_unit = np.where(kind == KIND_ALL_CROSS_UNIT, np.where(is_cross_origin, origin, referral), to_unit)
    to_unit = np.where(kind == KIND_REFERRAL, referral, to_unit)
    to_external = np.broadcast_to(
        np.where(kind == KIND_PARK, a.partner_external[:, None], NO_INDEX), to_unit.shape
    ).copy()

    selected = np.zeros(to_unit.shape, dtype=bool)
    selected |= (kind == KIND_PARK) & (act.park[None, :] == a.park[:, None]) & (act.park[None, :] >= 0)
    mean_pre_move = act.pre_move_gross_annual[None, :]
    selected |= ((kind == KIND_GOVERNMENT_LED) & act.is_government_led[None, :] & is_cross_origin
                 & (mean_pre_move >= a.min_pre_move_tax[:, None]))
    selected |= (kind == KIND_ALL_CROSS_UNIT) & (is_cross_origin | is_cross_referral)
    selected |= (kind == KIND_REFERRAL) & is_cross_referral
    has_partner = (to_external >= 0) | ((to_unit >= 0) & (to_unit != host))

    in_force = (a.start_year <= year) & (year <= a.end_year)
    basis = np.where(a.window_basis[:, None] == BASIS_FULL_PRODUCTION, act.full_production_year[None, :],
                     a.start_year[:, None])
    first = basis + a.window_offset[:, None]
    base_end = first + a.window_length[:, None]  # float; inf for open-ended windows
    cap = np.where(a.is_cap_pre_move[:, None], act.pre_move_taxes[None, :], a.cap[:, None])
    in_base = (first <= year) & (year < base_end)
    in_extension = (base_end <= year) & (year < base_end + a.window_extension[:, None]) & (cumulative_paid < cap)
    covered = selected & has_partner & in_force[:, None] & (in_base | in_extension)
    # A park's own terms take precedence over the general rules for the activities in the park (assumption:
    # the specific agreement replaces the general one, so a park project is not shared twice).
    in_park_agreement = (covered & (kind == KIND_PARK)).any(axis=0)
    covered &= ~((kind != KIND_PARK) & in_park_agreement[None, :])
    return Coverage(
        covered=covered,
        to_unit=np.where(covered & (to_external < 0), to_unit, NO_INDEX),
        to_external=np.where(covered, to_external, NO_INDEX),
        cap=cap,
    )


# ------------------------------------------------------------------------------------------ ledger
@dataclass(frozen=True)
class TransferLedger:
    """Transfers of one year aggregated per (agreement row, quantity, from unit, partner).

    Attributes
    ----------
    agreement : [k] int, agreement row (``AgreementSet.ids[agreement]`` is its id).
    item : [k] int, tax index (tax ledger) or statistics quantity index (statistics ledger).
    from_unit : [k] int, paying (host) unit.
    to_unit : [k] int, receiving region unit, -1 if the partner is external.
    to_external : [k] int, receiving external partner, -1 if the partner is a region unit.
    amount : [k] 亿元, > 0.
    """

    agreement: IntArray
    item: IntArray
    from_unit: IntArray
    to_unit: IntArray
    to_external: IntArray
    amount: FloatArray

    def __len__(self) -> int:
        return len(self.amount)


def aggregate_ledger(
    amounts: FloatArray, host: IntArray, to_unit: IntArray, to_external: IntArray
) -> TransferLedger:
    """Ledger rows from ``amounts[agreement, row, item]`` and the pair partners ``[agreement, row]``."""
    a_idx, row_idx, item_idx = np.nonzero(amounts > 0.0)
    if len(a_idx) == 0:
        empty = np.zeros(0, dtype=int)
        return TransferLedger(empty, empty, empty, empty, empty, np.zeros(0))
    keys = np.stack([a_idx, item_idx, host[row_idx], to_unit[a_idx, row_idx] + 1, to_external[a_idx, row_idx] + 1],
                    axis=1).astype(np.int64)
    # One mixed-radix integer per key row: sorting it sorts the rows lexicographically (as np.unique(axis=0)
    # would) at a fraction of the cost.
    radix = keys.max(axis=0) + 1
    code = np.zeros(len(keys), dtype=np.int64)
    for column in range(keys.shape[1]):
        code = code * radix[column] + keys[:, column]
    unique_code, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    unique = keys[first]
    totals = np.bincount(inverse.ravel(), weights=amounts[a_idx, row_idx, item_idx], minlength=len(unique_code))
    return TransferLedger(unique[:, 0], unique[:, 1], unique[:, 2], unique[:, 3] - 1, unique[:, 4] - 1, totals)


def unit_flows(
    ledger: TransferLedger, n_units: int, n_external: int, n_items: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(paid ``[unit, item]``, received ``[unit, item]``, external ``[external, item]``) from a ledger (S8)."""
    paid, received = np.zeros((n_units, n_items)), np.zeros((n_units, n_items))
    external = np.zeros((n_external, n_items))
    np.add.at(paid, (ledger.from_unit, ledger.item), ledger.amount)
    internal = ledger.to_unit >= 0
    np.add.at(received, (ledger.to_unit[internal], ledger.item[internal]), ledger.amount[internal])
    np.add.at(external, (ledger.to_external[~internal], ledger.item[~internal]), ledger.amount[~internal])
    return paid, received, external


def limit_to_whole(amounts: FloatArray, whole: FloatArray) -> FloatArray:
    """Scale ``amounts[agreement, row, item]`` so that, for every (row, item), Σ_agreement <= ``whole``."""
    total = amounts.sum(axis=0)
    limit = np.maximum(whole, 0.0)
    scale = np.ones_like(total)
    over = total > limit
    scale[over] = limit[over] / total[over]
    return amounts * scale[None, :, :]


# ------------------------------------------------------------------------------------------ taxes
@dataclass(frozen=True)
class TaxSharingResult:
    """Outcome of (S1)-(S8) for one year. Amounts in nominal 亿元, ``[unit, tax]`` unless stated.

    Attributes
    ----------
    ledger : TransferLedger, ``item`` = tax index.
    collected : city-level revenue where the taxes are collected.
    paid, received : transfers out of / into each unit.
    after_sharing : collected - paid + received.
    external_outflow : ``[external, tax]`` paid to partners outside the region.
    cumulative_paid : ``[agreement, row]`` new cap state.
    transfers : ``[agreement, row, tax]`` the transfers before aggregation (for tests and diagnostics).
    """

    ledger: TransferLedger
    collected: FloatArray
    paid: FloatArray
    received: FloatArray
    after_sharing: FloatArray
    external_outflow: FloatArray
    cumulative_paid: FloatArray
    transfers: FloatArray


def share_taxes(
    activities: ActivityTable,
    agreements: AgreementSet,
    year: int,
    cumulative_paid: FloatArray | None,
    is_enforced: BoolArray,
    n_units: int,
    n_external: int,
    year_coverage: Coverage | None = None,
) -> TaxSharingResult:
    """Equations (S1)-(S8): the year's transfers of city-level tax revenue under the agreements.

    Parameters
    ----------
    activities : ActivityTable of the year (rows keep their position across years).
    agreements : AgreementSet of the run.
    year : the simulated year.
    cumulative_paid : ``[agreement, row']`` state from the previous year (``row' <= row``), or None.
    is_enforced : ``[agreement]`` bool, this year's draws of (S4) (``enforcement_draws``).
    n_units, n_external : sizes of the region-unit and external-partner indices.
    year_coverage : ``coverage(activities, agreements, year, cumulative_paid)`` when the caller already has it
        (the statistics split of the same year uses the same one).

    Returns
    -------
    TaxSharingResult
    """
    act, a = activities, agreements
    n_taxes = act.city_taxes.shape[1]
    cumulative = pad_cumulative(cumulative_paid, a.n_agreements, act.n_rows)
    collected = np.zeros((n_units, n_taxes))
    np.add.at(collected, act.host, act.city_taxes)
    transfers = np.zeros((a.n_agreements, act.n_rows, n_taxes))
    to_unit = to_external = np.full((a.n_agreements, act.n_rows), NO_INDEX)
    if a.n_agreements and act.n_rows:
        cov = year_coverage if year_coverage is not None else coverage(act, a, year, cumulative)
        city = np.maximum(act.city_taxes, 0.0)
        increment = np.maximum(city - act.base_city_taxes, 0.0)
        shareable = np.where(a.is_increment_only[:, None, None], increment[None], city[None])      # (S2)
        active = cov.covered & is_enforced[:, None]
        wanted = a.split[:, None, None] * a.tax_mask[:, None, :] * active[:, :, None] * shareable  # (S5)
        remaining = np.maximum(cov.cap - cumulative, 0.0)
        wanted_total = wanted.sum(axis=2)
        cap_scale = np.ones_like(wanted_total)
        over_cap = wanted_total > remaining
        cap_scale[over_cap] = remaining[over_cap] / wanted_total[over_cap]
        transfers = limit_to_whole(wanted * cap_scale[:, :, None], city)                             # (S6)-(S7)
        to_unit, to_external = cov.to_unit, cov.to_external

    ledger = aggregate_ledger(transfers, act.host, to_unit, to_external)
    paid, received, external = unit_flows(ledger, n_units, n_external, n_taxes)
    return TaxSharingResult(
        ledger=ledger,
        collected=collected,
        paid=paid,
        received=received,
        after_sharing=collected - paid + received,                                                     # (S8)
        external_outflow=external,
        cumulative_paid=cumulative + transfers.sum(axis=2),
        transfers=transfers,
    )
