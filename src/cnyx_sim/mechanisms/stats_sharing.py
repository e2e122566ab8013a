"""Statistics splitting (统计指标合理分算): official (在地) and credited ledgers (ODD 7.8, equations D1-D5).

Official statistics count value added and fixed-asset investment where the establishment sits (属地/在地,
mechanisms-research.md §1.3). Splitting agreements are an administrative overlay: they change which unit is
*credited*, never the regional total. For quantity ``q`` in (GDP, industrial VA, FAI), activity ``j`` in host
``h_j``, agreement row ``a`` with split ``phi_aq``:

    (D1)  X_jq         = VA_j (gdp),  VA_j * 1[sector of j is industry] (industry_va),  FAI_j (fai)
    (D2)  H_a(t) ~ Bernoulli(p_a), one draw per agreement and year: the split is honoured this year
    (D3)  S*_ajq = phi_aq * Cov_aj(t) * H_a(t) * X_jq              Cov from (S3) of ``tax_sharing``
    (D4)  S_ajq  = S*_ajq * min(1, X_jq / sum_a S*_ajq)            never more than 100 % of X_jq
    (D5)  Credited_uq = Official_uq - sum_{a,j: h_j=u} S_ajq + sum_{a,j: partner_aj=u} S_ajq

Inside the region the splits are zero-sum: Σ_u Credited_u = Σ_u Official_u − Σ_e External_e, where
``External_e`` are the splits credited to partners outside the region (昆山, 广州). Coverage (selector,
window, extension while the tax cap is not reached) is the same as for taxes; the cap itself applies to
taxes only. Statistics splits apply to the whole activity (no 存量/增量 distinction): the activities that
agreements select are projects, which have no 存量 (assumption).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnyx_sim.mechanisms.tax_sharing import (
    STAT_QUANTITIES,
    ActivityTable,
    AgreementSet,
    Coverage,
    TransferLedger,
    aggregate_ledger,
    coverage,
    limit_to_whole,
    pad_cumulative,
    unit_flows,
)

FloatArray = np.ndarray
BoolArray = np.ndarray


def quantities(activities: ActivityTable, is_industry_sector: BoolArray) -> FloatArray:
    """Equation (D1): ``[row, quantity]`` in the order of ``STAT_QUANTITIES``, nominal 亿元."""
    va = activities.value_added_nominal
    industry = va * is_industry_sector[activities.sector].astype(float)
    return np.stack([va, industry, activities.investment_nominal], axis=1)


@dataclass(frozen=True)
class StatisticsResult:
    """Official and credited ledgers of one year, ``[unit, quantity]`` in nominal 亿元.

    Attributes
    ----------
    ledger : TransferLedger with ``item`` = quantity index (``STAT_QUANTITIES``).
    official : counted where production sits (在地).
    split_out, split_in : credited away from / to each unit.
    credited : official - split_out + split_in (D5).
    external_out : ``[external, quantity]`` credited to partners outside the region.
    """

    ledger: TransferLedger
    official: FloatArray
    split_out: FloatArray
    split_in: FloatArray
    credited: FloatArray
    external_out: FloatArray


def split_statistics(
    activities: ActivityTable,
    agreements: AgreementSet,
    year: int,
    cumulative_paid: FloatArray | None,
    is_honoured: BoolArray,
    is_industry_sector: BoolArray,
    n_units: int,
    n_external: int,
    official: FloatArray | None = None,
    year_coverage: Coverage | None = None,
) -> StatisticsResult:
    """Equations (D1)-(D5) for one year.

    Parameters
    ----------
    activities, agreements, year : as for ``tax_sharing.share_taxes``.
    cumulative_paid : the tax cap state at the *start* of the year (the same array passed to ``share_taxes``),
        which decides whether a window is extended.
    is_honoured : ``[agreement]`` bool, this year's draws of (D2) (``tax_sharing.enforcement_draws`` with
        ``AgreementSet.stat_honour_probability``).
    is_industry_sector : ``[sector]`` bool.
    n_units, n_external : index sizes.
    official : ``[unit, quantity]`` official totals if the activity table does not cover the whole economy;
        default = the activities summed by host.
    year_coverage : ``tax_sharing.coverage(activities, agreements, year, cumulative_paid)`` when the caller already
        has it (the tax sharing of the same year uses the same one).
    """
    act, a = activities, agreements
    x = quantities(act, is_industry_sector)
    n_q = len(STAT_QUANTITIES)
    if official is None:
        official = np.zeros((n_units, n_q))
        np.add.at(official, act.host, x)
    cumulative = pad_cumulative(cumulative_paid, a.n_agreements, act.n_rows)
    splits = np.zeros((a.n_agreements, act.n_rows, n_q))
    to_unit = to_external = np.full((a.n_agreements, act.n_rows), -1)
    if a.n_agreements and act.n_rows:
        cov = year_coverage if year_coverage is not None else coverage(act, a, year, cumulative)
        active = cov.covered & is_honoured[:, None]
        wanted = a.stat_split[:, None, :] * active[:, :, None] * np.maximum(x, 0.0)[None]          # (D3)
        splits = limit_to_whole(wanted, x)                                                          # (D4)
        to_unit, to_external = cov.to_unit, cov.to_external
    ledger = aggregate_ledger(splits, act.host, to_unit, to_external)
    split_out, split_in, external = unit_flows(ledger, n_units, n_external, n_q)
    return StatisticsResult(
        ledger=ledger,
        official=official,
        split_out=split_out,
        split_in=split_in,
        credited=official - split_out + split_in,                                                   # (D5)
        external_out=external,
    )
