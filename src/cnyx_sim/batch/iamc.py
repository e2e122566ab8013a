"""IAMC-format export: ``model, scenario, region, variable, unit, year, value`` (what pyam reads).

IAMC has no run dimension, so runs are summarised (``statistic="median"``, the default, or ``"mean"``), or
kept as separate IAMC scenarios ``<scenario>|run<r>`` (``statistic=None``). Variables we can name in IAMC
style are mapped explicitly (:data:`IAMC_VARIABLES`); every other variable is kept as
``cnyx_sim|<name>``. Sector rows append the sector: ``Value Added|Real|electronics``.
"""

from __future__ import annotations

import pandas as pd

MODEL = "cnyx_sim"
IAMC_COLUMNS = ["model", "scenario", "region", "variable", "unit", "year", "value"]

#: our variable -> IAMC-style variable name.
IAMC_VARIABLES: dict[str, str] = {
    "gdp_nominal": "GDP|Nominal",
    "gdp_real": "GDP|Real",
    "gdp_credited_nominal": "GDP|Nominal|Credited",
    "gdp_per_capita_real": "GDP per Capita|Real",
    "industry_va_real": "Value Added|Industry|Real",
    "va_real": "Value Added|Real",
    "va_nominal": "Value Added|Nominal",
    "population": "Population",
    "employment": "Employment",
    "sector_employment": "Employment",
    "net_migration": "Migration|Net",
    "capital_stock": "Capital Stock",
    "wage_nominal": "Wage|Nominal",
    "price_index": "Price|GDP Deflator",
    "tax_revenue_gross": "Revenue|Tax|Gross",
    "tax_local_collected": "Revenue|Tax|Local",
    "tax_local_after_sharing": "Revenue|Tax|Local|After Sharing",
    "public_investment": "Investment|Public",
    "public_capital": "Capital Stock|Public",
    "project_investment": "Investment|Projects",
    "project_va_nominal": "Value Added|Nominal|Projects",
    "projects_arrived": "Projects|Arrived",
}


def iamc_variable(variable: str, sector: str) -> str:
    name = IAMC_VARIABLES.get(variable, f"{MODEL}|{variable}")
    return name if sector == "total" else f"{name}|{sector}"


def to_iamc(trajectories: pd.DataFrame, statistic: str | None = "median") -> pd.DataFrame:
    """Trajectories (output contract) -> IAMC long format."""
    frame = trajectories
    if statistic is not None:
        if statistic not in ("median", "mean"):
            raise ValueError(f"statistic must be 'median', 'mean' or None, got {statistic!r}")
        keys = ["scenario", "region", "sector", "variable", "unit", "year"]
        frame = frame.groupby(keys, sort=False, observed=True)["value"].agg(statistic).reset_index()
        scenario = frame["scenario"].astype(str)
    else:
        scenario = frame["scenario"].astype(str) + "|run" + frame["run"].astype(str)
    mapping = {(v, s): iamc_variable(v, s) for v, s in frame[["variable", "sector"]].drop_duplicates().itertuples(
        index=False)}
    variable = [mapping[(v, s)] for v, s in zip(frame["variable"], frame["sector"])]
    out = pd.DataFrame({
        "model": MODEL,
        "scenario": scenario.to_numpy(),
        "region": frame["region"].to_numpy(),
        "variable": variable,
        "unit": frame["unit"].to_numpy(),
        "year": frame["year"].astype("int64").to_numpy(),
        "value": frame["value"].astype(float).to_numpy(),
    })
    return out[IAMC_COLUMNS]
