"""IAMC-format export: ``model, scenario, run, region, variable, unit, year, value`` (what pyam reads).

Runs are kept by default, as an extra ``run`` column (pyam's ``extra_cols``): the accounting identities below
hold run by run, and summarising first would break them (a median of sums is not the sum of medians).
``statistic="mean"`` or ``"median"`` collapses the runs instead (no ``run`` column); identities still hold for
the mean (it is linear), not for the median.

Variable hierarchy (``|``-separated, IAMC style). A variable that is reported together with variables one
level below it is their sum, for every scenario, run, region and year:

- ``Value Added|Real``, ``Value Added|Nominal`` and ``Employment`` are trees over the sectors, grouped by the
  ``parent`` column of the calibration's sectors.csv (``Primary``, ``Secondary``, ``Tertiary``) and, inside a
  group, the industry sectors (``is_industry``) under ``Industry``:
  ``Value Added|Real = Value Added|Real|Primary + ...|Secondary + ...|Tertiary``,
  ``...|Secondary = ...|Secondary|Industry + ...|Secondary|construction``,
  ``...|Secondary|Industry = the six industry sectors``. ``industry_va_real`` and ``employment`` are these
  tree nodes (``Value Added|Real|Secondary|Industry``, ``Employment``), so they are not written twice.
- ``Revenue|Tax|Gross = Revenue|Tax|Gross|VAT + |CIT + |PIT + |Property``.
- Every other variable is named so that it is not taken for a parent or a part of another reported variable:
  credited GDP is ``GDP Credited|Nominal`` (not under ``GDP|Nominal``, which it does not sum into), project
  variables sit under ``Projects|`` (not under ``Value Added|``), private and public capital are siblings
  under ``Capital Stock|`` with no reported parent, and so on (:data:`IAMC_VARIABLES`).

Regions: the ``cnyx`` row of every additive variable equals the sum of the units (:data:`NON_ADDITIVE`
lists the ratios and prices, whose region value is a ratio of totals or a weighted mean).

Units are pint-parseable with the definitions in :data:`PINT_DEFINITIONS` (``unit_registry()`` returns a
registry that has them): ``billion CNY/yr`` (current prices), ``billion CNY_2021/yr`` (2021 prices), ``EJ/yr`` (energy), ``Mt CO2/yr``,
``million`` (persons), ``count/yr``, ``dimensionless``. Values are converted from the output contract's units
(亿元 = 0.1 billion yuan, 万人 = 0.01 million persons, 万元 = 10,000 yuan).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

MODEL = "cnyx_sim"
IAMC_COLUMNS = ["model", "scenario", "region", "variable", "unit", "year", "value"]
IAMC_RUN_COLUMNS = ["model", "scenario", "run", "region", "variable", "unit", "year", "value"]
REGION_TOTAL = "cnyx"

#: pint definitions that make every unit of the export parseable (``unit_registry()`` loads them).
PINT_DEFINITIONS = (
    "CNY = [currency_CNY]",              # yuan at current prices (nominal)
    "CNY_2021 = [currency_CNY_2021]",    # yuan at 2021 prices (real); kept a separate dimension from CNY
    "person = [person] = cap",
    "million = 1e6",
    "billion = 1e9",
    "CO2 = [carbon_dioxide]",            # Mt CO2/yr of the emissions variable
)


@dataclass(frozen=True)
class IamcUnit:
    unit: str
    factor: float  # contract value x factor = IAMC value


_NOMINAL_FLOW = IamcUnit("billion CNY/yr", 0.1)
_NOMINAL_STOCK = IamcUnit("billion CNY", 0.1)
_REAL_FLOW = IamcUnit("billion CNY_2021/yr", 0.1)
_REAL_STOCK = IamcUnit("billion CNY_2021", 0.1)
_PERSONS = IamcUnit("million", 0.01)
_PERSONS_FLOW = IamcUnit("million/yr", 0.01)
_COUNT_FLOW = IamcUnit("count/yr", 1.0)
_RATIO = IamcUnit("dimensionless", 1.0)

#: our variable -> (IAMC variable, unit); ``None`` = written as a node of a sector tree instead.
IAMC_VARIABLES: dict[str, tuple[str, IamcUnit] | None] = {
    "gdp_nominal": ("GDP|Nominal", _NOMINAL_FLOW),
    "gdp_real": ("GDP|Real", _REAL_FLOW),
    "industry_va_real": None,  # = Value Added|Real|Secondary|Industry (the sector tree)
    "employment": None,        # = Employment (the sector tree's root)
    "population": ("Population", _PERSONS),
    "net_migration": ("Migration|Net", _PERSONS_FLOW),
    "capital_stock": ("Capital Stock|Private|Real", _REAL_STOCK),
    "public_capital": ("Capital Stock|Public|Real", _REAL_STOCK),
    "wage_nominal": ("Wage|Nominal", IamcUnit("CNY/person/yr", 1e4)),
    "gdp_per_capita_real": ("GDP per Capita|Real", IamcUnit("CNY_2021/person/yr", 1.0)),
    "price_index": ("Price|GDP Deflator (2021=1)", _RATIO),
    "tax_revenue_gross": ("Revenue|Tax|Gross", _NOMINAL_FLOW),
    "tax_gross_vat": ("Revenue|Tax|Gross|VAT", _NOMINAL_FLOW),
    "tax_gross_cit": ("Revenue|Tax|Gross|CIT", _NOMINAL_FLOW),
    "tax_gross_pit": ("Revenue|Tax|Gross|PIT", _NOMINAL_FLOW),
    "tax_gross_property": ("Revenue|Tax|Gross|Property", _NOMINAL_FLOW),
    "tax_local_collected": ("Revenue|Tax|City|Collected", _NOMINAL_FLOW),
    "tax_local_after_sharing": ("Revenue|Tax|City|After Sharing", _NOMINAL_FLOW),
    "sharing_paid": ("Revenue|Tax|City|Sharing|Paid", _NOMINAL_FLOW),
    "sharing_received": ("Revenue|Tax|City|Sharing|Received", _NOMINAL_FLOW),
    "sharing_to_external": ("Revenue|Tax|City|Sharing|Paid Outside the Region", _NOMINAL_FLOW),
    "public_investment": ("Investment|Public|Nominal", _NOMINAL_FLOW),
    "public_investment_share": ("Investment|Public|Share of City Revenue", _RATIO),
    "fai_nominal": ("Investment|Fixed Assets|Nominal", _NOMINAL_FLOW),
    "fai_credited_nominal": ("Investment|Fixed Assets Credited|Nominal", _NOMINAL_FLOW),
    "gdp_credited_nominal": ("GDP Credited|Nominal", _NOMINAL_FLOW),
    "gdp_credited_to_external": ("GDP Credited to Outside the Region|Nominal", _NOMINAL_FLOW),
    "industry_va_credited_nominal": ("Value Added Credited|Industry|Nominal", _NOMINAL_FLOW),
    "industry_va_credited_real": ("Value Added Credited|Industry|Real", _REAL_FLOW),
    "projects_arrived": ("Projects|Arrived", _COUNT_FLOW),
    "projects_relocated_in": ("Projects|Relocated In", _COUNT_FLOW),
    "project_investment": ("Projects|Investment|Nominal", _NOMINAL_FLOW),
    "project_va_nominal": ("Projects|Value Added|Nominal", _NOMINAL_FLOW),
    "project_jobs": ("Projects|Jobs", _PERSONS),
    "project_tax_gross": ("Projects|Tax|Gross|Nominal", _NOMINAL_FLOW),
    "incentive_cost": ("Expenditure|Incentives|Nominal", _NOMINAL_FLOW),
    "government_led_relocations_out": ("Projects|Government-Led Relocations Out", _COUNT_FLOW),
    "government_led_relocations_in": ("Projects|Government-Led Relocations In", _COUNT_FLOW),
    "origin_consent": ("Projects|Origin Consent Probability", _RATIO),
    "referral_weight": ("Projects|Referral Weight", _RATIO),
    "package_land_discount": ("Incentives|Land Discount", _RATIO),
    "package_tax_rebate": ("Incentives|Tax Rebate", _RATIO),
    "budget_balance": ("Budget Balance|Nominal", _NOMINAL_FLOW),
    "debt": ("Debt|Nominal", _NOMINAL_STOCK),
    "market_access_index": ("Market Access|Index (2021=1)", _RATIO),
    "energy_use": ("Primary Energy|Production", IamcUnit("EJ/yr", 2.93076e-4)),  # 1万 tce = 2.93076e-4 EJ
    "co2_emissions": ("Emissions|CO2|Production", IamcUnit("Mt CO2/yr", 0.01)),
    "eco_compensation_paid": ("Transfers|Ecological Compensation|Paid", _NOMINAL_FLOW),
    "eco_compensation_received": ("Transfers|Ecological Compensation|Received", _NOMINAL_FLOW),
    "migration_in": ("Migration|Gross In", _PERSONS_FLOW),
    "migration_out": ("Migration|Gross Out", _PERSONS_FLOW),
    "migration_in_external": ("Migration|Gross In from Outside the Region", _PERSONS_FLOW),
    "migration_out_external": ("Migration|Gross Out to Outside the Region", _PERSONS_FLOW),
    "park_development_spending": ("Investment|Park Land Development|Nominal", _NOMINAL_FLOW),
    "park_development_contribution": ("Expenditure|Park Land Development|Nominal", _NOMINAL_FLOW),
    "park_development_external": ("Investment|Park Land Development|From Outside the Region|Nominal",
                                  _NOMINAL_FLOW),
    "park_land_developed": ("Land Cover|Industrial Parks|Developed", IamcUnit("ha", 1.0 / 15.0)),  # 1 亩 = 1/15 ha
}

#: sector variable -> (tree root, unit).
SECTOR_TREES: dict[str, tuple[str, IamcUnit]] = {
    "va_real": ("Value Added|Real", _REAL_FLOW),
    "va_nominal": ("Value Added|Nominal", _NOMINAL_FLOW),
    "sector_employment": ("Employment", _PERSONS),
}

#: Our variables whose region (``cnyx``) value is not the sum of the units (ratios, prices, shares).
NON_ADDITIVE = frozenset({"wage_nominal", "gdp_per_capita_real", "price_index", "public_investment_share",
                          "market_access_index", "origin_consent", "referral_weight", "package_land_discount",
                          "package_tax_rebate"})

#: Contract unit -> IAMC unit for variables added later and not listed above (flows assumed).
_FALLBACK_UNITS = {
    "亿元 (current prices)": _NOMINAL_FLOW,
    "亿元 (2021 prices)": _REAL_FLOW,
    "万人": _PERSONS,
    "count": _COUNT_FLOW,
    "1": _RATIO,
    "index (2021=1)": _RATIO,
}


def unit_registry():
    """A pint ``UnitRegistry`` with :data:`PINT_DEFINITIONS` (pint must be installed)."""
    import pint

    registry = pint.UnitRegistry()
    for line in PINT_DEFINITIONS:
        registry.define(line)
    return registry


def sector_paths(sectors: pd.DataFrame | None) -> dict[str, tuple[str, ...]]:
    """Sector code -> path below a tree root: ``("Secondary", "Industry", "auto_moto")``.

    ``sectors`` is the calibration's sectors.csv (columns code, parent, is_industry); None reads the shipped one.
    """
    if sectors is None:
        from cnyx_sim.resources import calibration_dir

        sectors = pd.read_csv(Path(calibration_dir()) / "sectors.csv", dtype=str)
    paths = {}
    for row in sectors.itertuples(index=False):
        parent = str(getattr(row, "parent", "") or "").strip()
        industry = str(getattr(row, "is_industry", "")).strip().lower() in ("true", "1", "yes")
        path = ((parent.title(),) if parent else ()) + (("Industry",) if industry else ()) + (str(row.code),)
        paths[str(row.code)] = path
    return paths


def _summarise(frame: pd.DataFrame, statistic: str | None) -> pd.DataFrame:
    if statistic is None:
        return frame
    if statistic not in ("median", "mean"):
        raise ValueError(f"statistic must be None (keep runs), 'median' or 'mean', got {statistic!r}")
    keys = ["scenario", "region", "sector", "variable", "unit", "year"]
    return frame.groupby(keys, sort=False, observed=True)["value"].agg(statistic).reset_index()


def _tree_rows(rows: pd.DataFrame, root: str, unit: IamcUnit, paths: dict[str, tuple[str, ...]],
               keys: list[str]) -> pd.DataFrame:
    """Leaves and every aggregate node of one sector tree (sums over the sectors below each node)."""
    frames = []
    leaf = {s: paths.get(s, (s,)) for s in rows["sector"].unique()}
    depth = max(len(p) for p in leaf.values())
    for level in range(depth + 1):
        # Node of each sector at this level (sectors whose path is shorter stop at their leaf).
        node = {s: "|".join((root,) + p[:level]) for s, p in leaf.items() if level <= len(p)}
        picked = rows[rows["sector"].isin(node)]
        summed = (picked.assign(variable=picked["sector"].map(node))
                  .groupby(keys + ["variable"], sort=False, observed=True)["value"].sum().reset_index())
        frames.append(summed)
    out = pd.concat(frames, ignore_index=True).drop_duplicates(keys + ["variable"])
    out["value"] = out["value"] * unit.factor
    out["unit"] = unit.unit
    return out


def to_iamc(trajectories: pd.DataFrame, statistic: str | None = None,
            sectors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Trajectories (output contract) -> IAMC long format.

    Parameters
    ----------
    trajectories : the ``trajectories`` table of a run or batch folder.
    statistic : None (default) keeps every run in a ``run`` column; ``"mean"`` / ``"median"`` summarise runs.
    sectors : the calibration's sectors.csv as a DataFrame (default: the shipped one), for the sector trees.
    """
    frame = _summarise(trajectories, statistic)
    keys = ["scenario", "region", "year"] + (["run"] if statistic is None else [])
    paths = sector_paths(sectors)
    parts = []
    totals = frame[frame["sector"] == "total"]
    for variable, rows in totals.groupby("variable", sort=False, observed=True):
        spec = IAMC_VARIABLES.get(variable, "absent")
        if spec is None:
            continue  # written as a node of a sector tree
        if spec == "absent":
            unit = _FALLBACK_UNITS.get(str(rows["unit"].iloc[0]), IamcUnit(str(rows["unit"].iloc[0]), 1.0))
            spec = (f"{MODEL}|{variable}", unit)
        name, unit = spec
        parts.append(rows[keys].assign(variable=name, unit=unit.unit, value=rows["value"].to_numpy() * unit.factor))
    for variable, (root, unit) in SECTOR_TREES.items():
        rows = frame[(frame["variable"] == variable) & (frame["sector"] != "total")]
        if not rows.empty:
            parts.append(_tree_rows(rows, root, unit, paths, keys))
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "model", MODEL)
    out["scenario"] = out["scenario"].astype(str)
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype(float)
    if statistic is None:
        out["run"] = out["run"].astype("int64")
        return out[IAMC_RUN_COLUMNS].reset_index(drop=True)
    return out[IAMC_COLUMNS].reset_index(drop=True)


# ------------------------------------------------------------------------------------------------ checks
def _index_keys(iamc: pd.DataFrame) -> list[str]:
    return [c for c in ("model", "scenario", "run", "region", "year") if c in iamc.columns]


def hierarchy_problems(iamc: pd.DataFrame, rtol: float = 1e-9) -> list[str]:
    """Variables reported with children one level below that are not the children's sum.

    Returns one sentence per failing parent (empty when the hierarchy is consistent).
    """
    keys = _index_keys(iamc)
    reported = set(iamc["variable"])
    wide = iamc.pivot_table(index=keys, columns="variable", values="value", aggfunc="first")
    problems = []
    for parent in sorted(reported):
        children = [v for v in reported if v.startswith(parent + "|") and "|" not in v[len(parent) + 1:]]
        if not children:
            continue
        total = wide[children].sum(axis=1, min_count=1)
        gap = (wide[parent] - total).abs() / np.maximum(wide[parent].abs(), 1e-12)
        worst = float(np.nanmax(gap.to_numpy())) if len(gap) else 0.0
        if worst > rtol:
            problems.append(f"{parent} is not the sum of {', '.join(sorted(children))} (max relative gap {worst:.3g})")
    return problems


def region_problems(iamc: pd.DataFrame, rtol: float = 1e-9) -> list[str]:
    """Additive variables whose ``cnyx`` value is not the sum of the units' values."""
    non_additive = {IAMC_VARIABLES[v][0] for v in NON_ADDITIVE if IAMC_VARIABLES.get(v)}
    keys = [k for k in _index_keys(iamc) if k != "region"] + ["variable"]
    rows = iamc[~iamc["variable"].isin(non_additive)]
    region = rows[rows["region"] == REGION_TOTAL].set_index(keys)["value"]
    units = rows[rows["region"] != REGION_TOTAL].groupby(keys, sort=False)["value"].sum()
    gap = ((region - units.reindex(region.index)).abs() / np.maximum(region.abs(), 1e-12)).groupby("variable").max()
    return [f"{v}: region {REGION_TOTAL} is not the sum of the units (max relative gap {g:.3g})"
            for v, g in gap.items() if not g <= rtol]
