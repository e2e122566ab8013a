"""Plots of trajectories (the only module that imports matplotlib; install the ``plot`` extra).

All functions take DataFrames in the output contract (``cnyx_sim.load(...)['trajectories']``) and return
the matplotlib ``Axes`` they drew on, so notebooks can style them further.
"""

from __future__ import annotations

import pandas as pd


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 4))
    return ax


def region_band(traj: pd.DataFrame, variable: str, region: str = "cnyx") -> pd.DataFrame:
    """Median and 5-95 % band over runs of a total variable, per scenario and year."""
    rows = traj[(traj["region"] == region) & (traj["sector"] == "total") & (traj["variable"] == variable)]
    grouped = rows.groupby(["scenario", "year"])["value"]
    return pd.DataFrame({
        "median": grouped.median(),
        "low": grouped.quantile(0.05),
        "high": grouped.quantile(0.95),
    }).reset_index()


def plot_region_path(traj: pd.DataFrame, variable: str = "gdp_nominal", region: str = "cnyx",
                     target: tuple[int, float] | None = None, ax=None):
    """One line per scenario (median over runs) with its 5-95 % band; optional target marker (year, value)."""
    ax = _axes(ax)
    band = region_band(traj, variable, region)
    for scenario, rows in band.groupby("scenario", sort=False):
        line, = ax.plot(rows["year"], rows["median"], label=scenario)
        ax.fill_between(rows["year"], rows["low"], rows["high"], color=line.get_color(), alpha=0.2)
    if target is not None:
        ax.plot([target[0]], [target[1]], marker="*", markersize=12, color="black", linestyle="none",
                label=f"target {target[0]}")
    unit = traj.loc[traj["variable"] == variable, "unit"].iloc[0]
    ax.set_xlabel("year")
    ax.set_ylabel(f"{variable} ({unit})")
    ax.set_title(f"{region}: {variable}")
    ax.legend()
    return ax


def plot_units(traj: pd.DataFrame, variable: str = "gdp_real", scenario: str | None = None, ax=None):
    """Median path over runs of each unit (not the region total) for one scenario."""
    ax = _axes(ax)
    rows = traj[(traj["region"] != "cnyx") & (traj["sector"] == "total") & (traj["variable"] == variable)]
    if scenario is not None:
        rows = rows[rows["scenario"] == scenario]
    table = rows.groupby(["year", "region"])["value"].median().unstack("region")
    table.plot(ax=ax)
    ax.set_ylabel(variable)
    ax.set_title(f"{variable} by unit" + (f" ({scenario})" if scenario else ""))
    return ax
