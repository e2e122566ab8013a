"""The report ``cnyx-sim run`` prints: region path, why it grows, targets, transfer, ledgers by unit.

Written for an economist at a terminal: unit names in Chinese (from the calibration's regions.csv), rates
and shares as percentages, every number with its unit, and no line wider than :data:`MAX_WIDTH` terminal
columns (a Chinese character takes two).
"""

from __future__ import annotations

import textwrap
import unicodedata

import numpy as np
import pandas as pd

from cnyx_sim.labels import REGION_NAME, TARGETS, format_target_value, target_label

MAX_WIDTH = 100
SUMMARY_YEARS = (2021, 2025, 2030, 2035)
#: Origins of projects (model order of ``transfer``), shown in Chinese.
ORIGIN_NAMES = {"chengdu": "成都", "chongqing_core": "重庆主城", "east_coast": "东部沿海", "abroad": "境外"}
ORIGIN_HEADS = {"chengdu": "CD", "chongqing_core": "CQ", "east_coast": "coast", "abroad": "abrd"}


# ------------------------------------------------------------------------------------------ text helpers
def display_width(text: str) -> int:
    """Terminal columns of ``text``: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (left-aligned, or right-aligned)."""
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def wrap(text: str, indent: str = "  ") -> list[str]:
    """``text`` wrapped to :data:`MAX_WIDTH` columns (continuation lines indented)."""
    # textwrap counts characters; leave room for wide ones by wrapping at a width that fits in columns.
    width = MAX_WIDTH
    while True:
        lines = textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent + "  ")
        if all(display_width(line) <= MAX_WIDTH for line in lines) or width < 40:
            return lines
        width -= 4


def _region_series(traj: pd.DataFrame, variable: str) -> pd.DataFrame:
    rows = traj[(traj["region"] == "cnyx") & (traj["sector"] == "total") & (traj["variable"] == variable)]
    return rows.pivot_table(index="run", columns="year", values="value")


# ---------------------------------------------------------------------------------------------- sections
LABEL_WIDTH, YEAR_WIDTH = 30, 17


def _paths(traj: pd.DataFrame, years: list[int], n_runs: int) -> list[str]:
    lines = ["  " + pad("", LABEL_WIDTH - 2) + "".join(f"{y:>{YEAR_WIDTH}d}" for y in years)]
    for variable, label, digits in (
        ("gdp_nominal", "GDP, 亿元 current prices", 0),
        ("gdp_real", "GDP, 亿元 2021 prices", 0),
        ("industry_va_real", "industry VA, 亿元 2021 prices", 0),
        ("population", "population, 万人", 1),
    ):
        table = _region_series(traj, variable)
        medians = [f"{float(table[y].median()):,.{digits}f}" for y in years]
        lines.append("  " + pad(label, LABEL_WIDTH - 2) + "".join(f"{m:>{YEAR_WIDTH}s}" for m in medians))
        if n_runs > 1:
            spans = []
            for y in years:
                low, high = np.percentile(table[y], [5, 95])
                spans.append(f"{low:,.{digits}f}-{high:,.{digits}f}")
            lines.append("  " + pad("  5-95 % of runs", LABEL_WIDTH - 2)
                         + "".join(f"{s:>{YEAR_WIDTH}s}" for s in spans))
    return lines


def _why(traj: pd.DataFrame, years: list[int], scenario) -> list[str]:
    gdp_real, gdp_nominal = _region_series(traj, "gdp_real"), _region_series(traj, "gdp_nominal")
    price, industry = _region_series(traj, "price_index"), _region_series(traj, "industry_va_real")
    lines = ["Why (median growth per year):"]
    for first, last in zip(years[:-1], years[1:]):
        span = last - first

        def rate(table: pd.DataFrame) -> float:
            return float(((table[last] / table[first]) ** (1 / span) - 1).median())

        lines.append(f"  {first}-{last}: real GDP {rate(gdp_real):+.1%}/yr (industry {rate(industry):+.1%}/yr) "
                     f"x deflator {rate(price):+.1%}/yr = nominal {rate(gdp_nominal):+.1%}/yr")
    if 2025 in years and 2021 in years:
        needed = (scenario.targets.gdp_2025_nominal / float(gdp_nominal[2021].median())) ** 0.25 - 1
        lines.extend(wrap(f"The plan's 2万亿 by 2025 needs nominal growth of {needed:+.1%}/yr from the 2021 "
                          "level. Growth comes from TFP (converging from its 2015-2021 pace to the long-run "
                          "rate), capital deepening and labour moving out of agriculture."))
    return lines


def _targets(targets: pd.DataFrame, scenario, n_runs: int) -> list[str]:
    lines = [f"Targets, {scenario.targets.ledger} ledger (MET / MISSED / MIXED: met in all / no / some runs):"]
    if targets.empty:
        lines.append("  (no target year inside the simulated years)")
    for name, group in targets.groupby("target", sort=False):
        met = int(group["met"].sum())
        verdict = "MET" if met == len(group) else ("MISSED" if met == 0 else "MIXED")
        value, threshold = float(group["value"].median()), float(group["threshold"].median())
        shown = (f"{format_target_value(name, value)} vs at least {format_target_value(name, threshold)}"
                 if name in TARGETS else f"{value:.4g} vs at least {threshold:.4g}")
        lines.append(f"  {verdict:6s} {met}/{len(group)}  {name} ({int(group['year'].iloc[0])}): {shown}")
        if name in TARGETS:
            lines.append(f"  {'':6s} {'':{len(str(len(group))) * 2 + 1}s}  {target_label(name, 'zh')}")
    if n_runs > 1:
        lines.append("  (values are medians over runs)")
    return lines


def _transfer(projects: pd.DataFrame | None, n_runs: int, names: dict[str, str]) -> list[str]:
    """Each year's arrivals: by origin, located in the region vs outside, top hosts (mean per run)."""
    if projects is None or projects.empty:
        return []
    arrivals = projects[projects["relocated_from"].isna()] if "relocated_from" in projects else projects
    per_run = f", mean per run over {n_runs} runs" if n_runs > 1 else ""
    origins = [o for o in ORIGIN_NAMES if o in set(arrivals["origin"])]
    origins += sorted(set(arrivals["origin"]) - set(origins))
    heads = [ORIGIN_HEADS.get(o, o[:5]) for o in origins]
    legend = ", ".join(f"{ORIGIN_HEADS.get(o, o[:5])} {ORIGIN_NAMES.get(o, o)}" for o in origins)
    lines = [f"Industrial transfer: projects considering the region each year{per_run}"]
    lines += wrap(f"(by origin: {legend}; signed: located in a unit (签约), with the investment realised from "
                  "them in 亿元 at 2021 prices (开工 and 到位; a share of the signed value) and the number in parks; "
                  "outside: the outside option won)")
    lines.append("  year    all" + "".join(f"{h:>6s}" for h in heads) + "  signed    亿元 parks outside  top hosts")
    for year, group in arrivals.groupby("year_arrived"):
        by_origin = group["origin"].value_counts().reindex(origins, fill_value=0) / n_runs
        located = group[group["host_region"] != "outside"]
        hosts = located["host_region"].value_counts().head(2) / n_runs
        in_parks = int((located["park"] != "none").sum()) / n_runs
        row = (f"  {int(year)}: {len(group) / n_runs:5.0f}" + "".join(f"{v:6.0f}" for v in by_origin)
               + f"{len(located) / n_runs:8.0f}{located['investment'].sum() / n_runs:8,.0f}{in_parks:6.0f}"
               f"{(len(group) - len(located)) / n_runs:8.0f}  "
               + " ".join(f"{names.get(h, h)} {c:.0f}" for h, c in hosts.items()))
        lines.append(row)
    relocations = int(projects["relocated_from"].notna().sum()) if "relocated_from" in projects else 0
    lines.extend(wrap(f"Relocations between units: {relocations / n_runs:.0f}. The located share rises when the "
                      "region outgrows the nation (cluster size), with parks, incentive packages and shorter "
                      "travel times (T4-T6)."))
    return lines


def _ledgers(traj: pd.DataFrame, scenario, n_runs: int, names: dict[str, str]) -> list[str]:
    """Per unit, official (在地) vs credited (分算后) GDP and collected vs after-sharing city revenue."""
    years = [y for y in (2025, 2035) if scenario.years.start <= y <= scenario.years.end]
    needed = ["gdp_nominal", "gdp_credited_nominal", "tax_local_collected", "tax_local_after_sharing"]
    rows = traj[(traj["sector"] == "total") & traj["variable"].isin(needed) & traj["year"].isin(years)]
    if not years or not set(needed) <= set(rows["variable"]):
        return []
    medians = rows.groupby(["region", "variable", "year"], sort=False)["value"].median()
    note = ", medians over runs" if n_runs > 1 else ""
    lines = [f"Ledgers by unit, 亿元 current prices{note}:",
             "  GDP official (在地) and credited (分算后); city revenue collected and after sharing (分成后)",
             "  " + pad("", 14) + "".join(f"{y:>36d}    " for y in years).rstrip(),
             "  " + pad("unit", 14) + "".join(f"{'GDP':>9}{'credited':>9}{'revenue':>9}{'shared':>9}    "
                                               for _ in years).rstrip()]
    for region in dict.fromkeys(rows["region"]):
        cells = []
        for y in years:
            v = {name: float(medians.get((region, name, y), np.nan)) for name in needed}
            cells.append(f"{v['gdp_nominal']:>9,.0f}{v['gdp_credited_nominal']:>9,.0f}"
                         f"{v['tax_local_collected']:>9,.1f}{v['tax_local_after_sharing']:>9,.1f}    ")
        lines.append("  " + pad(names.get(region, region), 14) + "".join(cells).rstrip())
    return lines


def format_summary(output) -> str:
    """The short report ``cnyx-sim run`` prints for a :class:`cnyx_sim.api.ScenarioOutput`."""
    scenario = output.loaded.scenario
    traj, targets = output.trajectories, output.targets
    geography = output.prepared.calibration.base.geography
    names = dict(zip(geography.cities.codes, geography.city_names_zh))
    names["cnyx"] = f"{REGION_NAME['zh']}合计"
    years = [y for y in SUMMARY_YEARS if scenario.years.start <= y <= scenario.years.end]
    n_runs = scenario.runs
    spread = "; medians, with the 5-95 % range of runs below" if n_runs > 1 else ""
    lines = [f"cnyx-sim run: {scenario.name} - {n_runs} run(s), seed {scenario.seed}, "
             f"{scenario.years.start}-{scenario.years.end}",
             f"Region {REGION_NAME['zh']} ({len(geography.cities)} units){spread}:"]
    lines += _paths(traj, years, n_runs)
    lines += _why(traj, years, scenario)
    lines += _targets(targets, scenario, n_runs)
    lines += _transfer(output.tables.get("projects"), n_runs, names)
    lines += _ledgers(traj, scenario, n_runs, names)
    if output.out_dir is not None:
        files = ["trajectories.parquet", "targets.csv"] + [f"{t}.parquet" for t in ("projects", "sharing")
                                                            if t in output.tables] + ["manifest.json"]
        lines.append(f"Wrote {output.out_dir}/")
        lines.extend(wrap("files: " + ", ".join(files)))
    return "\n".join(lines)
