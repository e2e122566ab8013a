"""Accounting identities checked on every run's output (single runs and every batch part).

``pipeline.tables_from_result`` calls :func:`check_run` for each run on the arrays its tables are built
from, so every executor (in process, process pool, Dask) checks what it writes; :func:`check_accounting`
checks the same identities on output tables (e.g. a results folder read back). The identities
(docs/model.md 7.10-7.11):

1. credited GDP: over the units, Σ credited = Σ official − Σ splits credited to external partners (D5);
2. revenue: over the units, Σ after-sharing + Σ paid to external partners = Σ collected (S8);
3. per unit: after-sharing = collected − paid + received (S8);
4. ledger: Σ sharing.parquet amounts by payer = the unit's ``sharing_paid``, by region receiver =
   ``sharing_received``, to external partners by payer = ``sharing_to_external``;
5. region ``cnyx`` = Σ units for the fiscal-block, investment and ecology variables;
6. investment (K6): per unit, official FAI = incumbents' investment (with their supplier capacity) + projects'
   construction spending + public investment;
7. capital (K3, T7, on a run's arrays, :func:`check_run`): per unit, capital_t = (1 - delta) capital_{t-1} +
   (incumbent + project investment)_{t-1} / P_{t-1} - capital written off_t: every yuan invested enters the
   capital stock once, and only closures and relocations take capital out;
8. ecological compensation (E6): over the units, Σ paid = Σ received (the flows stay inside the region);
9. park land development (PD4): over the units, Σ contributions + Σ paid by external partners = Σ spending on
   the parks' land (every yuan of a park's development is paid by its host or a partner, once);
10. government-led relocations (R3): over the units, Σ moved out = Σ moved in (a move leaves one unit of the
    region for another), and per unit the government-led moves in are part of all relocations in (T7).

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
            "public_investment", "incumbent_investment", "supplier_investment", "crowded_out_investment",
            "project_investment", "project_capital", "capital_written_off", "project_va_nominal",
            "eco_compensation_paid", "eco_compensation_received", "energy_use", "co2_emissions",
            "park_development_spending", "park_development_contribution", "park_development_external",
            "government_led_relocations_out", "government_led_relocations_in", "projects_relocated_in")
#: Relative tolerance (to the size of the totals involved) and absolute floor, 亿元.
RTOL, ATOL = 1e-9, 1e-9


class AccountingError(ValueError):
    """An accounting identity does not hold in a run's output."""


def _wide(trajectories: pd.DataFrame, variables: tuple[str, ...]) -> tuple[dict[str, np.ndarray], pd.Index, list]:
    """``variable -> [(scenario, run, year), region]`` arrays of the sector-total rows, with the shared row
    index and region columns (one unstack)."""
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


def _compare(identity: str, left: np.ndarray, right: np.ndarray, scale: np.ndarray, keys, regions: list) -> None:
    difference = left - right
    bad = ~(np.abs(difference) <= ATOL + RTOL * np.abs(scale))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise _fail(identity, str(regions[j]), tuple(keys[i]), float(difference[i, j]))


def check_identities(
    wide: dict[str, np.ndarray],
    keys,
    regions: list[str],
    ledger_sums: dict[str, np.ndarray] | None,
) -> None:
    """The identities of the module docstring on ``[key, region]`` arrays (one implementation for both
    front-ends: :func:`check_accounting` on tables and :func:`check_run` on a run's arrays).

    Parameters
    ----------
    wide : variable -> ``[key, region]`` values of the sector totals (regions include ``cnyx``).
    keys : ``[key]`` (scenario, run, year) tuples, for the error message.
    regions : region codes of the columns.
    ledger_sums : ``paid`` / ``received`` / ``to_external`` -> ``[key, unit]`` sums of the ledger rows by payer,
        by region receiver and by payer to external partners; None when there is no ledger table.
    """
    if "gdp_credited_nominal" not in wide or "tax_local_after_sharing" not in wide or REGION_TOTAL not in regions:
        return
    total = regions.index(REGION_TOTAL)
    units = [r for r in regions if r != REGION_TOTAL]
    unit_cols = [regions.index(u) for u in units]
    u = {name: frame[:, unit_cols] for name, frame in wide.items()}
    s = {name: frame.sum(axis=1, keepdims=True) for name, frame in u.items()}
    region_only = [REGION_TOTAL]

    def compare(identity, left, right, scale, columns):
        _compare(identity, left, right, scale, keys, columns)

    # 5. region = sum of units
    for name, frame in wide.items():
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
    # 6. FAI = incumbents + projects + public (K6)
    if "incumbent_investment" in u:
        project = u.get("project_investment", np.zeros_like(collected))
        compare("official FAI = incumbents' + projects' + public investment", u["fai_nominal"],
                u["incumbent_investment"] + project + u["public_investment"], u["fai_nominal"], units)
    # 8. ecological compensation conserved inside the region
    if "eco_compensation_paid" in s and "eco_compensation_received" in s:
        compare("Σ ecological compensation paid = Σ received", s["eco_compensation_paid"],
                s["eco_compensation_received"], s["eco_compensation_paid"] + s["tax_local_collected"], region_only)
    # 9. park land development funded once (PD4)
    if "park_development_spending" in s and "park_development_contribution" in s:
        compare("Σ park development contributions + external partners' = Σ park development spending",
                s["park_development_contribution"] + s["park_development_external"], s["park_development_spending"],
                s["park_development_spending"] + s["tax_local_collected"], region_only)
    # 10. government-led relocations conserved inside the region and part of all relocations
    if "government_led_relocations_out" in s and "government_led_relocations_in" in s:
        compare("Σ government-led relocations out = Σ in", s["government_led_relocations_out"],
                s["government_led_relocations_in"], s["government_led_relocations_in"], region_only)
        if "projects_relocated_in" in u:
            excess = np.maximum(u["government_led_relocations_in"] - u["projects_relocated_in"], 0.0)
            compare("government-led relocations in <= all relocations in", excess, np.zeros_like(excess),
                    u["projects_relocated_in"], units)
    # 4. ledger rows matched by their counterparts
    if ledger_sums is None:
        return
    for identity, name, key in (
        ("Σ sharing.parquet amounts paid by the region = sharing_paid", "sharing_paid", "paid"),
        ("Σ sharing.parquet amounts received by the region = sharing_received", "sharing_received", "received"),
        ("Σ sharing.parquet amounts paid to external partners = sharing_to_external", "sharing_to_external",
         "to_external"),
    ):
        compare(identity, u[name], ledger_sums[key], collected, units)


def check_accounting(tables: dict[str, pd.DataFrame]) -> None:
    """Check the identities of the module docstring on one or more runs' output tables (e.g. loaded from a
    results folder); raise :class:`AccountingError`. Tables without the fiscal-block variables are not checked.
    """
    trajectories = tables.get("trajectories")
    if trajectories is None or trajectories.empty:
        return
    wide, index, regions = _wide(trajectories, ADDITIVE)
    units = [r for r in regions if r != REGION_TOTAL]
    ledger = tables.get("sharing")
    ledger_sums = None
    if ledger is not None:
        external = ~ledger["to_region"].isin(units)

        def by(frame: pd.DataFrame, column: str) -> np.ndarray:
            if frame.empty:
                return np.zeros((len(index), len(units)))
            table = frame.groupby(["scenario", "run", "year", column])["amount"].sum().unstack(column)
            return table.reindex(index=index, columns=units).fillna(0.0).to_numpy(dtype=float)

        ledger_sums = {"paid": by(ledger, "from_region"), "received": by(ledger[~external], "to_region"),
                       "to_external": by(ledger[external], "from_region")}
    check_identities(wide, list(index), regions, ledger_sums)


def check_run(result, totals: dict[str, np.ndarray]) -> None:
    """Check the identities on one run's arrays (what its tables are built from): ``totals`` are the
    ``[year, region]`` arrays of :func:`cnyx_sim.io.results.unit_level_arrays`. Cheap enough for every run
    of every batch; raise :class:`AccountingError`."""
    geo = result.geography
    regions = list(geo.cities.codes) + [REGION_TOTAL]
    years = np.asarray(result.years)
    keys = [(result.scenario, result.run, int(y)) for y in years]
    wide = {name: np.asarray(totals[name], dtype=float) for name in ADDITIVE if name in totals}
    record = getattr(result, "sharing", None)
    ledger_sums = None
    if record is not None:
        n_years, n_units = len(years), geo.n_cities
        row = np.asarray(record.year, dtype=int) - int(years[0])
        amount = np.asarray(record.amount, dtype=float)
        to_unit = np.asarray(record.to_unit)
        external = to_unit < 0
        sums = {name: np.zeros((n_years, n_units)) for name in ("paid", "received", "to_external")}
        np.add.at(sums["paid"], (row, record.from_unit), amount)
        np.add.at(sums["received"], (row[~external], to_unit[~external]), amount[~external])
        np.add.at(sums["to_external"], (row[external], np.asarray(record.from_unit)[external]), amount[external])
        ledger_sums = sums
    check_identities(wide, keys, regions, ledger_sums)
    check_capital(totals, np.asarray(result.recorder.price_index, dtype=float), result.params.capital.depreciation_rate,
                  keys, regions)


def check_capital(totals: dict[str, np.ndarray], price_index: np.ndarray, depreciation: float, keys,
                  regions: list[str]) -> None:
    """Identity 7 on ``[year, region]`` arrays: capital_t = (1 - delta) capital_{t-1} + investment_{t-1} / P_{t-1}
    - written off_t, investment = incumbents' + projects' (K6, T7)."""
    if "incumbent_investment" not in totals:
        return
    capital = np.asarray(totals["capital_stock"], dtype=float)
    investment = np.asarray(totals["incumbent_investment"], dtype=float)
    if "project_investment" in totals:
        investment = investment + np.asarray(totals["project_investment"], dtype=float)
    written_off = np.asarray(totals.get("capital_written_off", np.zeros_like(capital)), dtype=float)
    expected = (1.0 - depreciation) * capital[:-1] + investment[:-1] / price_index[:-1, None] - written_off[1:]
    _compare("capital = (1 − δ) capital last year + incumbents' and projects' investment − written off",
             capital[1:], expected, capital[1:], list(keys)[1:], regions)
