"""Accounting identities checked on every run's output tables (single runs and every batch part).

``pipeline.tables_from_result`` calls :func:`check_accounting` for each run, so every executor (in
process, process pool, Dask) checks what it writes. The identities (docs/model.md 7.10-7.11):

1. credited GDP: over the units, Σ credited = Σ official − Σ splits credited to external partners (D5);
2. revenue: over the units, Σ after-sharing + Σ paid to external partners = Σ collected (S8);
3. per unit: after-sharing = collected − paid + received (S8);
4. ledger: Σ sharing.parquet amounts by payer = the unit's ``sharing_paid``, by region receiver =
   ``sharing_received``, to external partners by payer = ``sharing_to_external``;
5. region ``cnyx`` = Σ units for the fiscal-block variables.

A failure raises :class:`AccountingError` with one line naming the identity, region, year and difference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

REGION_TOTAL = "cnyx"
#: Variables whose region row must be the sum of the units.
ADDITIVE = ("gdp_nominal", "gdp_credited_nominal", "gdp_credited_to_external", "industry_va_credited_nominal",
            "fai_nominal", "fai_credited_nominal", "tax_local_collected", "tax_local_after_sharing",
            "sharing_paid", "sharing_received", "sharing_to_external", "incentive_cost", "budget_balance", "debt",
            "public_investment")
#: Relative tolerance (to the size of the totals involved) and absolute floor, 亿元.
RTOL, ATOL = 1e-9, 1e-9


class AccountingError(ValueError):
    """An accounting identity does not hold in a run's output."""


def _wide(trajectories: pd.DataFrame, variables: tuple[str, ...]) -> tuple[dict[str, np.ndarray], pd.Index, list]:
    """``variable -> [(scenario, run, year), region]`` arrays of the sector-total rows, with the shared row
    index and region columns (one unstack: this runs on every run of every batch, so it stays cheap)."""
    rows = trajectories[(trajectories["sector"] == "total") & trajectories["variable"].isin(variables)]
    table = rows.set_index(["variable", "scenario", "run", "year", "region"])["value"].unstack("region")
    keys = table.index.droplevel("variable")
    variable = table.index.get_level_values("variable").to_numpy()
    values = table.to_numpy(dtype=float)
    out = {name: values[variable == name] for name in pd.unique(variable)}
    index = keys[variable == next(iter(out))] if out else keys
    return out, index, list(table.columns)


def _fail(identity: str, region: str, key: tuple, difference: float) -> AccountingError:
    scenario, run, year = key
    return AccountingError(f"accounting identity failed: {identity} for region {region}, year {year} "
                           f"(scenario {scenario}, run {run}): difference {difference:.6g} 亿元")


def _compare(identity: str, left: np.ndarray, right: np.ndarray, scale: np.ndarray, index: pd.Index,
             regions: list) -> None:
    difference = left - right
    bad = ~(np.abs(difference) <= ATOL + RTOL * np.abs(scale))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise _fail(identity, str(regions[j]), index[i], float(difference[i, j]))


def check_accounting(tables: dict[str, pd.DataFrame]) -> None:
    """Check the identities of the module docstring on one or more runs' tables; raise :class:`AccountingError`.

    Tables without the fiscal-block variables (older outputs) are not checked.
    """
    trajectories = tables.get("trajectories")
    if trajectories is None or trajectories.empty:
        return
    w, index, regions = _wide(trajectories, ADDITIVE)
    if "gdp_credited_nominal" not in w or "tax_local_after_sharing" not in w or REGION_TOTAL not in regions:
        return
    total = regions.index(REGION_TOTAL)
    units = [r for r in regions if r != REGION_TOTAL]
    unit_cols = [regions.index(u) for u in units]
    u = {name: frame[:, unit_cols] for name, frame in w.items()}
    s = {name: frame.sum(axis=1, keepdims=True) for name, frame in u.items()}
    region_only = [REGION_TOTAL]

    def compare(identity, left, right, scale, columns):
        _compare(identity, left, right, scale, index, columns)

    # 5. region = sum of units
    for name, frame in w.items():
        region = frame[:, [total]]
        compare(f"region {name} = Σ units' {name}", region, s[name], region, region_only)
    # 1. Σ credited = Σ official - Σ external splits
    compare("Σ credited GDP = Σ official GDP − splits credited to external partners", s["gdp_credited_nominal"],
            s["gdp_nominal"] - s["gdp_credited_to_external"], s["gdp_nominal"], region_only)
    # 2. Σ after + Σ external = Σ collected
    compare("Σ after-sharing revenue + external outflows = Σ collected",
            s["tax_local_after_sharing"] + s["sharing_to_external"], s["tax_local_collected"],
            s["tax_local_collected"], region_only)
    # 3. per unit: after = collected - paid + received
    collected = u["tax_local_collected"]
    compare("after-sharing revenue = collected − paid + received", u["tax_local_after_sharing"],
            collected - u["sharing_paid"] + u["sharing_received"], collected, units)

    # 4. ledger rows matched by their counterparts
    ledger = tables.get("sharing")
    if ledger is None:
        return
    external = ~ledger["to_region"].isin(units)

    def by(frame: pd.DataFrame, column: str) -> np.ndarray:
        if frame.empty:
            return np.zeros((len(index), len(units)))
        table = frame.groupby(["scenario", "run", "year", column])["amount"].sum().unstack(column)
        return table.reindex(index=index, columns=units).fillna(0.0).to_numpy(dtype=float)

    for identity, left_name, frame, column in (
        ("Σ sharing.parquet amounts paid by the region = sharing_paid", "sharing_paid", ledger, "from_region"),
        ("Σ sharing.parquet amounts received by the region = sharing_received", "sharing_received",
         ledger[~external], "to_region"),
        ("Σ sharing.parquet amounts paid to external partners = sharing_to_external", "sharing_to_external",
         ledger[external], "from_region"),
    ):
        compare(identity, u[left_name], by(frame, column), collected, units)
