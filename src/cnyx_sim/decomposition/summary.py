"""The printed summary of a decomposition: key region variables in 2025, 2030 and 2035 by channel, with the
mean, the 5-95 % interval over runs and each channel's share of the total mean (lines <= 100 columns)."""

from __future__ import annotations

import math

import pandas as pd

from cnyx_sim.decomposition.engine import TOTAL, Decomposition

__all__ = ["format_decomposition"]

#: Variables shown in the summary when attributed (all are in channels.csv).
SUMMARY_VARIABLES = ("gdp_nominal", "gdp_real", "population", "tax_local_after_sharing")
SUMMARY_YEARS = (2025, 2030, 2035)
LABELS = {"gdp_nominal": "Region GDP, nominal", "gdp_real": "Region GDP, real",
          "population": "Population", "tax_local_after_sharing": "Local tax revenue after sharing"}


def _decimals(scale: float) -> int:
    """Decimals that show the variable's largest figure with about three significant digits."""
    if scale <= 0 or not math.isfinite(scale):
        return 0
    return int(min(4, max(0, 2 - math.floor(math.log10(scale)))))


def _num(x: float, decimals: int) -> str:
    text = f"{x:+,.{decimals}f}"
    return "0" if float(text.replace(",", "")) == 0 else text


def _cell(row: pd.Series, total_mean: float, is_total: bool, decimals: int, scale: float) -> str:
    # A share is shown only when the total is not negligible next to the channels' figures (else it explodes).
    share = (f" {100 * row['mean'] / total_mean:.0f}%" if not is_total and abs(total_mean) >= 0.05 * scale > 0
             else "").replace("-0%", "0%")
    return f"{_num(row['mean'], decimals)} [{_num(row['p05'], decimals)}, {_num(row['p95'], decimals)}]{share}"


def format_decomposition(result: Decomposition) -> str:
    plan, table = result.plan, result.table
    k = len(plan.channels)
    lines = [f"Decomposition of {plan.variant} - {plan.base} into {k} channel(s):",
             f"  2^{k} = {plan.coalitions} coalitions x {plan.runs} runs (seed {plan.seed}, common random numbers)"]
    for channel in plan.channels:
        keys = ", ".join(channel.key_paths)
        lines.append(f"  {channel.name}: {keys if len(keys) <= 80 else keys[:77] + '...'}")
    if result.runs_dropped:
        lines.append(f"  {len(result.runs_dropped)} run index(es) left out (a run failed in some coalition): "
                     f"{', '.join(map(str, result.runs_dropped[:10]))}")
    if table.empty:
        return "\n".join(lines + ["No complete run: nothing attributed."])
    lines.append(f"Each cell: mean [5-95 %] over {len(result.runs_used)} runs of the channel's contribution to "
                 "variant - base,")
    lines.append("and its share of the total mean (shown where the total is not negligible).")
    years = [y for y in SUMMARY_YEARS if y in set(table["year"])] or [int(table["year"].max())]
    names = [c.name for c in plan.channels] + [TOTAL]
    width = max(len(n) for n in names) + 2
    for variable in [v for v in SUMMARY_VARIABLES if v in plan.variables] or list(plan.variables[:1]):
        rows = table[table["variable"] == variable]
        unit = rows["unit"].iloc[0]
        shown = rows[rows["year"].isin(years)]
        scale = float(shown[["mean", "p05", "p95"]].abs().to_numpy().max())
        decimals = _decimals(scale)
        grid = {(name, year): _cell(at.loc[name], float(at.loc[TOTAL, "mean"]), name == TOTAL, decimals,
                                    float(at[["mean", "p05", "p95"]].abs().to_numpy().max()))
                for year in years for at in [rows[rows["year"] == year].set_index("channel")] for name in names}
        column = max(len(c) for c in grid.values()) + 2
        lines += ["", f"{LABELS.get(variable, variable)}, {unit}"]
        lines.append(" " * width + "".join(f"{y:<{column}}" for y in years).rstrip())
        for name in names:
            lines.append(f"{name:<{width}}" + "".join(f"{grid[name, year]:<{column}}" for year in years).rstrip())
    lines += ["", "Channel means add up to the total mean (Shapley efficiency); an interaction between channels",
              "is shared equally among them. Full table:", f"  {result.out_dir / 'channels.csv'}"]
    return "\n".join(lines)
