"""The figures of ``cnyx_sim.plots`` (this package is the only place matplotlib is imported).

Every function takes tables in the output contract (``cnyx_sim.load(DIR)`` or ``cnyx_sim.run(...)``), labels in
Chinese (``lang="zh"``, default) or English, draws on a new :class:`matplotlib.figure.Figure` (or on ``ax``)
and returns the figure. Figures are made without pyplot, so nothing is shown twice in a notebook and
nothing accumulates in a loop; a notebook displays the returned figure inline.

Bands are 5-95 % (light) and 25-75 % (dark) of runs; with one run only the line is drawn. Differences
are paired by run index (common random numbers, docs/outputs.md) and get a band only with at least
``min_pairs`` pairs (as ``cnyx-sim compare``); with fewer, each run's difference is drawn as a thin line.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cnyx_sim.analysis.fonts import use_cjk_font
from cnyx_sim.labels import REGION_NAME, REGION_TOTAL, TARGETS, target_label, unit_label, variable_label

DEFAULT_MIN_PAIRS = 20
ORIGIN_LABELS = {"chengdu": ("成都", "Chengdu"), "chongqing_core": ("重庆主城", "central Chongqing"),
                 "east_coast": ("东部沿海", "east coast"), "abroad": ("境外", "abroad")}

#: variable -> the target drawn on its fan chart.
TARGET_OF_VARIABLE = {
    "gdp_nominal": "gdp_nominal_2025",
    "gdp_credited_nominal": "gdp_nominal_2025",
    "industry_va_real": "industry_va_real_growth_2021_2025",
    "industry_va_credited_real": "industry_va_real_growth_2021_2025",
    "gdp_real": "growth_pole_2035",
    "population": "population_attraction_2035",
}


def _t(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


def show_inline() -> None:
    """In a Jupyter/IPython session, display returned Figures as PNG (what ``%matplotlib inline`` registers;
    our figures are made without pyplot, so nothing else would). Outside IPython: nothing."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    if Figure not in formatter.type_printers:
        from IPython.core.pylabtools import print_figure

        formatter.for_type(Figure, lambda fig: print_figure(fig, "png", bbox_inches="tight"))


def _figure(ax, figsize=(8, 4.5)):
    use_cjk_font()
    show_inline()
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _colors(scenarios: Sequence[str]) -> dict[str, str]:
    palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
               "#bcbd22", "#17becf"]
    return {s: palette[i % len(palette)] for i, s in enumerate(scenarios)}


def _scenarios(frame: pd.DataFrame, scenarios: Sequence[str] | None) -> list[str]:
    present = list(dict.fromkeys(frame["scenario"]))
    return [s for s in scenarios if s in present] if scenarios is not None else present


def _wide(traj: pd.DataFrame, variable: str, region: str, scenario: str) -> pd.DataFrame:
    """``[run, year]`` values of a total variable."""
    rows = traj[(traj["scenario"] == scenario) & (traj["region"] == region) & (traj["sector"] == "total")
                & (traj["variable"] == variable)]
    return rows.pivot_table(index="run", columns="year", values="value")


def _unit_of(traj: pd.DataFrame, variable: str) -> str:
    units = traj.loc[traj["variable"] == variable, "unit"]
    return str(units.iloc[0]) if len(units) else ""


def _thousands(ax) -> None:
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}"))


def _band(ax, wide: pd.DataFrame, color: str, label: str) -> None:
    years = wide.columns.to_numpy()
    ax.plot(years, wide.median().to_numpy(), color=color, lw=2, label=label)
    if len(wide) > 1:
        q = wide.quantile([0.05, 0.25, 0.75, 0.95])
        ax.fill_between(years, q.loc[0.05], q.loc[0.95], color=color, alpha=0.12, lw=0)
        ax.fill_between(years, q.loc[0.25], q.loc[0.75], color=color, alpha=0.28, lw=0)


def _target_overlay(ax, traj: pd.DataFrame, targets: pd.DataFrame | None, variable: str, region: str,
                    lang: str) -> None:
    """The plan's target for ``variable`` as a threshold marker or a required path (region total only)."""
    target = TARGET_OF_VARIABLE.get(variable)
    if targets is None or targets.empty or target is None or region != REGION_TOTAL:
        return
    rows = targets[targets["target"] == target]
    if rows.empty:
        return
    threshold, year = float(rows["threshold"].median()), int(rows["year"].iloc[0])
    base_rows = traj[(traj["region"] == region) & (traj["sector"] == "total") & (traj["variable"] == variable)
                     & (traj["year"] == 2021)]
    kind = TARGETS[target].kind
    name = target_label(target, lang)
    if kind == "level":
        ax.axhline(threshold, color="black", lw=1, ls=":", alpha=0.7)
        ax.plot([year], [threshold], marker="*", ms=14, color="black", ls="none",
                label=_t(f"目标门槛 {year}: ≥ {threshold:,.0f}", f"target threshold {year}: ≥ {threshold:,.0f}", lang))
        return
    if base_rows.empty:
        return
    base = float(base_rows["value"].median())
    if kind == "rate":
        years = np.arange(2021, year + 1)
        ax.plot(years, base * (1 + threshold) ** (years - 2021), color="black", lw=1.2, ls="--",
                label=_t(f"{name}: {threshold:+.1%}/年", f"{name}: {threshold:+.1%}/yr", lang))
    elif kind == "ratio":
        ax.plot([2021, year], [base * threshold] * 2, color="black", lw=1.2, ls="--",
                label=_t(f"{name}", f"{name}", lang))


def fan_chart(traj: pd.DataFrame, variable: str = "gdp_nominal", targets: pd.DataFrame | None = None,
              region: str = REGION_TOTAL, lang: str = "zh", names: Mapping[str, str] | None = None,
              scenarios: Sequence[str] | None = None, ax=None):
    """Median path of ``variable`` per scenario with 25-75 % and 5-95 % bands over runs, and the plan's
    target (threshold or required path) when ``targets`` is given."""
    fig, ax = _figure(ax)
    chosen = _scenarios(traj, scenarios)
    colors = _colors(chosen)
    for scenario in chosen:
        wide = _wide(traj, variable, region, scenario)
        if not wide.empty:
            _band(ax, wide, colors[scenario], scenario)
    _target_overlay(ax, traj, targets, variable, region, lang)
    where = (names or {}).get(region, REGION_NAME[lang] if region == REGION_TOTAL else region)
    ax.set_title(f"{where}: {variable_label(variable, lang)}")
    ax.set_ylabel(unit_label(_unit_of(traj, variable), lang))
    ax.set_xlabel(_t("年份", "year", lang))
    ax.grid(alpha=0.3)
    _thousands(ax)
    ax.legend(fontsize=8, loc="upper left")
    return fig


def target_dashboard(targets: pd.DataFrame, lang: str = "zh", scenarios: Sequence[str] | None = None, ax=None):
    """P(target met) by scenario (columns) and target (rows): share of runs, with k/n in each cell."""
    chosen = _scenarios(targets, scenarios)
    order = list(dict.fromkeys(targets["target"]))
    share = targets.pivot_table(index="target", columns="scenario", values="met", aggfunc="mean")
    count = targets.pivot_table(index="target", columns="scenario", values="met", aggfunc="count")
    met = targets.pivot_table(index="target", columns="scenario", values="met", aggfunc="sum")
    share, count, met = (t.reindex(index=order, columns=chosen) for t in (share, count, met))
    fig, ax = _figure(ax, figsize=(1.6 * len(chosen) + 5, 0.7 * len(order) + 1.8))
    image = ax.imshow(share.to_numpy(dtype=float), cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    for i in range(len(order)):
        for j in range(len(chosen)):
            p, n, k = share.iat[i, j], count.iat[i, j], met.iat[i, j]
            text = "-" if not np.isfinite(p) else f"{p:.0%}\n({int(k)}/{int(n)})"
            ax.text(j, i, text, ha="center", va="center", fontsize=9)
    ax.set_xticks(range(len(chosen)), chosen, rotation=20, ha="right")
    ax.set_yticks(range(len(order)), [target_label(t, lang) for t in order], fontsize=9)
    ax.set_title(_t("规划目标达成概率(达成的运行占比)", "P(target met): share of runs meeting each target", lang))
    fig.colorbar(image, ax=ax, shrink=0.8, label=_t("达成概率", "P(met)", lang))
    return fig


def unit_small_multiples(traj: pd.DataFrame, variable: str = "gdp_real", names: Mapping[str, str] | None = None,
                         lang: str = "zh", scenarios: Sequence[str] | None = None, ncols: int = 5):
    """One panel per unit (Chinese names from regions.csv via ``names``): median and bands per scenario."""
    use_cjk_font()
    show_inline()
    from matplotlib.figure import Figure

    units = [r for r in dict.fromkeys(traj["region"]) if r != REGION_TOTAL]
    chosen = _scenarios(traj, scenarios)
    colors = _colors(chosen)
    nrows = math.ceil(len(units) / ncols)
    fig = Figure(figsize=(3.2 * ncols, 2.5 * nrows + 0.8), layout="constrained")
    axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False)
    for ax, unit in zip(axes.flat, units):
        for scenario in chosen:
            wide = _wide(traj, variable, unit, scenario)
            if not wide.empty:
                _band(ax, wide, colors[scenario], scenario)
        ax.set_title((names or {}).get(unit, unit), fontsize=11)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(units):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if len(chosen) > 1:
        fig.legend(handles, labels, loc="outside lower center", ncols=len(chosen), fontsize=9)
    fig.suptitle(f"{variable_label(variable, lang)} ({unit_label(_unit_of(traj, variable), lang)})")
    return fig


def difference_vs_baseline(traj: pd.DataFrame, baseline: str, variable: str = "gdp_nominal",
                           region: str = REGION_TOTAL, lang: str = "zh", names: Mapping[str, str] | None = None,
                           scenarios: Sequence[str] | None = None, min_pairs: int = DEFAULT_MIN_PAIRS, ax=None):
    """Paired differences (scenario - baseline, run by run) by year: median and 5-95 % band (>= min_pairs
    pairs; fewer: each run's difference as a thin line)."""
    fig, ax = _figure(ax)
    others = [s for s in _scenarios(traj, scenarios) if s != baseline]
    colors = _colors(_scenarios(traj, None))
    base = _wide(traj, variable, region, baseline)
    for scenario in others:
        wide = _wide(traj, variable, region, scenario)
        runs = wide.index.intersection(base.index)
        if len(runs) == 0:
            continue
        diff = wide.loc[runs] - base.loc[runs]
        years = diff.columns.to_numpy()
        color = colors[scenario]
        ax.plot(years, diff.median().to_numpy(), color=color, lw=2,
                label=f"{scenario} − {baseline} ({len(runs)} {_t('对', 'pairs', lang)})")
        if len(runs) >= min_pairs:
            ax.fill_between(years, diff.quantile(0.05), diff.quantile(0.95), color=color, alpha=0.2, lw=0)
        else:
            for _, row in diff.iterrows():
                ax.plot(years, row.to_numpy(), color=color, lw=0.6, alpha=0.35)
    ax.axhline(0, color="black", lw=0.8)
    where = (names or {}).get(region, REGION_NAME[lang] if region == REGION_TOTAL else region)
    ax.set_title(_t(f"{where}: {variable_label(variable, lang)}, 相对于 {baseline} 的差异",
                    f"{where}: {variable_label(variable, lang)}, difference from {baseline}", lang))
    ax.set_ylabel(unit_label(_unit_of(traj, variable), lang))
    ax.set_xlabel(_t("年份", "year", lang))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return fig


def _median_by_unit(traj: pd.DataFrame, variable: str, year: int, scenario: str) -> pd.Series:
    rows = traj[(traj["scenario"] == scenario) & (traj["variable"] == variable) & (traj["sector"] == "total")
                & (traj["year"] == year) & (traj["region"] != REGION_TOTAL)]
    return rows.groupby("region", sort=False)["value"].median()


def ledgers_by_unit(traj: pd.DataFrame, year: int | None = None, names: Mapping[str, str] | None = None,
                    lang: str = "zh", scenarios: Sequence[str] | None = None):
    """By unit: credited minus official (在地) GDP, and city revenue after sharing minus collected, 亿元 at
    current prices (median over runs): who gains and who gives under statistics splitting and tax sharing."""
    use_cjk_font()
    show_inline()
    from matplotlib.figure import Figure

    year = int(traj["year"].max()) if year is None else year
    chosen = _scenarios(traj, scenarios)
    colors = _colors(_scenarios(traj, None))
    units = [r for r in dict.fromkeys(traj["region"]) if r != REGION_TOTAL]
    fig = Figure(figsize=(11, 0.45 * len(units) + 2), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    panels = (("gdp_credited_nominal", "gdp_nominal",
               _t("分算后GDP − 在地GDP", "GDP credited − official", lang)),
              ("tax_local_after_sharing", "tax_local_collected",
               _t("分成后市级税收 − 征收的市级税收", "city revenue after sharing − collected", lang)))
    height = 0.8 / max(len(chosen), 1)
    positions = np.arange(len(units))
    for ax, (after, before, title) in zip(axes, panels):
        for k, scenario in enumerate(chosen):
            gap = (_median_by_unit(traj, after, year, scenario) - _median_by_unit(traj, before, year, scenario))
            gap = gap.reindex(units)
            ax.barh(positions + (k - (len(chosen) - 1) / 2) * height, gap.to_numpy(), height=height,
                    color=colors[scenario], label=scenario)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_title(f"{title}, {year}", fontsize=11)
        ax.set_xlabel(_t("亿元(现价)", "100 million yuan, current prices", lang))
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(positions, [(names or {}).get(u, u) for u in units])
    axes[0].invert_yaxis()
    axes[1].legend(fontsize=8)
    fig.suptitle(_t("谁得谁失: 统计分算与财税分成(中位数)", "Who gains, who gives: statistics splits and tax "
                    "sharing (medians over runs)", lang))
    return fig


def project_flows(projects: pd.DataFrame, names: Mapping[str, str] | None = None, lang: str = "zh",
                  scenario: str | None = None, ax=None):
    """Projects from origin (rows: the external origins, then units a project relocated from) to host
    (columns: units, and the outside option), mean number per run over the simulated years."""
    chosen = _scenarios(projects, None)
    scenario = chosen[0] if scenario is None else scenario
    rows = projects[projects["scenario"] == scenario]
    n_runs = max(rows["run"].nunique(), 1)
    relocated = rows["relocated_from"].notna()

    def counts(source: str, picked) -> pd.DataFrame:  # vectorised crosstab (pd.crosstab iterates Arrow strings)
        sub = rows.loc[picked, [source, "host_region"]]
        return sub.groupby([source, "host_region"], observed=True).size().unstack(fill_value=0) / n_runs

    arrivals = counts("origin", ~relocated)
    moves = counts("relocated_from", relocated)
    units = [u for u in (names or {}) if u != REGION_TOTAL] or sorted(set(rows["host_region"]) - {"outside"})
    hosts = [u for u in units if u in set(rows["host_region"])] + ["outside"]
    origins = [o for o in ORIGIN_LABELS if o in arrivals.index] + sorted(set(arrivals.index) - set(ORIGIN_LABELS))
    movers = [u for u in units if u in moves.index]
    matrix = pd.concat([arrivals.reindex(index=origins, columns=hosts), moves.reindex(index=movers, columns=hosts)])
    matrix = matrix.fillna(0.0)
    fig, ax = _figure(ax, figsize=(0.75 * len(hosts) + 3, 0.42 * len(matrix) + 2))
    from matplotlib.colors import PowerNorm

    image = ax.imshow(matrix.to_numpy(), cmap="Blues", norm=PowerNorm(0.5, vmin=0), aspect="auto")
    peak = float(matrix.to_numpy().max()) if matrix.size else 0.0
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            value = matrix.iat[i, j]
            if value >= 0.05:
                ax.text(j, i, f"{value:.0f}" if value >= 9.5 else f"{value:.1f}", ha="center", va="center", fontsize=7,
                        color="white" if value > 0.5 * peak else "black")
    row_labels = [ORIGIN_LABELS.get(o, (o, o))[0 if lang == "zh" else 1] for o in origins]
    row_labels += [_t(f"迁自{(names or {}).get(u, u)}", f"moved from {(names or {}).get(u, u)}", lang) for u in movers]
    col_labels = [(names or {}).get(h, h) if h != "outside" else _t("区外(未落地)", "outside", lang) for h in hosts]
    ax.set_yticks(range(len(row_labels)), row_labels, fontsize=9)
    ax.set_xticks(range(len(col_labels)), col_labels, rotation=45, ha="right", fontsize=9)
    ax.set_title(_t(f"项目流向: 来源 → 落地({scenario}, 每次运行平均个数)",
                    f"Project flows: origin → host ({scenario}, mean count per run)", lang))
    fig.colorbar(image, ax=ax, shrink=0.8, label=_t("项目数", "projects", lang))
    return fig


def channel_waterfall(channels: pd.DataFrame, variable: str | None = None, year: int | None = None,
                      lang: str = "zh", ax=None):
    """Waterfall of the contribution of each channel to ``variable`` in ``year`` (``channels.csv`` of a
    ``decompose`` run: channel, variable, year, mean, median, p05, p95, with ``total`` rows).

    Bars are the channels' mean contributions (means add up; medians do not), with 5-95 % whiskers; the
    last bar is the total. When the channels' means do not add up to the total, the gap is drawn as an
    ``interaction`` bar before the total, so the chart never hides a residual.
    """
    variable = str(channels["variable"].iloc[0]) if variable is None else variable
    rows = channels[channels["variable"] == variable]
    year = int(rows["year"].max()) if year is None else year
    rows = rows[rows["year"] == year]
    parts = rows[rows["channel"] != "total"]
    total_rows = rows[rows["channel"] == "total"]
    names = parts["channel"].astype(str).tolist()
    means = parts["mean"].to_numpy(dtype=float)
    lows, highs = parts["p05"].to_numpy(dtype=float), parts["p95"].to_numpy(dtype=float)
    total = float(total_rows["mean"].iloc[0]) if not total_rows.empty else float(means.sum())
    gap = total - float(means.sum())
    if abs(gap) > 1e-9 * max(1.0, abs(total)):
        names.append(_t("交互/残差", "interaction", lang))
        means = np.append(means, gap)
        lows, highs = np.append(lows, np.nan), np.append(highs, np.nan)
    fig, ax = _figure(ax, figsize=(1.0 * len(names) + 3, 4.5))
    starts = np.concatenate([[0.0], np.cumsum(means)[:-1]])
    colors = ["#2ca02c" if m >= 0 else "#d62728" for m in means]
    ax.bar(range(len(names)), means, bottom=starts, color=colors)
    ends = starts + means
    finite = np.isfinite(lows) & np.isfinite(highs)
    if finite.any():
        idx = np.flatnonzero(finite)
        err = np.vstack([means[idx] - lows[idx], highs[idx] - means[idx]])
        ax.errorbar(idx, ends[idx], yerr=np.abs(err), fmt="none", ecolor="black", capsize=3, lw=1)
    ax.bar([len(names)], [total], color="#1f77b4")
    if not total_rows.empty:
        t_low, t_high = float(total_rows["p05"].iloc[0]), float(total_rows["p95"].iloc[0])
        ax.errorbar([len(names)], [total], yerr=[[total - t_low], [t_high - total]], fmt="none", ecolor="black",
                    capsize=3, lw=1)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(range(len(names) + 1), names + [_t("合计", "total", lang)], rotation=30, ha="right")
    ax.set_title(_t(f"{variable_label(variable, lang)}的渠道分解, {year}(均值, 5-95%)",
                    f"Channels of {variable_label(variable, lang)}, {year} (means, 5-95 %)", lang))
    ax.grid(axis="y", alpha=0.3)
    return fig
