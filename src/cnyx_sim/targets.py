"""Scoring a trajectory against the plan's targets (推动川南渝西地区融合发展总体方案, section (四)).

Each target is computed from the region-total rows (``region == "cnyx"``) of one run's trajectories and
written as ``scenario, run, target, year, value, threshold, met``. A target whose year lies beyond the
scenario's end year is not scored (no row). Missed targets are reported as missed.

Targets and how they are made measurable (docs/model.md, "Targets"). ``targets.ledger: credited`` scores
the GDP target on ``gdp_credited_nominal`` and the industry targets on credited industrial value added in
real terms (``industry_va_credited_real``) instead of the official (在地) ledger:

- ``gdp_nominal_2025``: "地区生产总值达到2万亿元左右" - nominal GDP in 2025 (亿元) at least
  ``gdp_2025_nominal * (1 - gdp_2025_tolerance)``.
- ``above_scale_industry_va_growth_2021_2025``: "规模以上工业增加值年均增长10%以上", like for like - the
  model's industrial real VA growth mapped to the same-sample 规上 indicator (docs/model.md 8, G6):
  ``(prod_t (1 + g_t + Delta))^(1/4) - 1 >= 10%`` over 2022-2025, ``g_t`` the real growth of the six industry
  sectors' VA and ``Delta`` = ``targets.above_scale_premium`` (fitted by ``cnyx-sim calibrate``).
- ``industry_va_real_growth_2021_2025``: the unmapped proxy kept for comparison - average annual real
  growth of the six industry sectors' value added >= 10% (all industry, no size threshold, no same-sample
  restatement).
- ``growth_pole_2035``: "成为带动西部地区高质量发展的强劲活跃增长极" - real GDP growth 2021-2035 (average per
  year) at least the scenario's national reference growth over the same years.
- ``population_attraction_2035``: "城市吸引力...显著增强" - resident population in 2035 at least its 2021 level
  (value: the ratio).
- ``industry_share_2035``: "先进制造业基地 ... 现代产业体系基本形成" - industry's share of real GDP in 2035 not
  below its 2021 share (no de-industrialisation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cnyx_sim.io.results import REGION_TOTAL, SECTOR_TOTAL, TARGET_COLUMNS

GDP_VARIABLE = {"official": "gdp_nominal", "credited": "gdp_credited_nominal"}
#: Real industrial value added by ledger; the credited one is credited nominal / deflator (docs/model.md 7.11).
INDUSTRY_VARIABLE = {"official": "industry_va_real", "credited": "industry_va_credited_real"}


def _cagr(series: pd.Series, first: int, last: int) -> float:
    return float((series.loc[last] / series.loc[first]) ** (1.0 / (last - first)) - 1.0)


def above_scale_growth(industry_real: pd.Series, first: int, last: int, premium: float) -> float:
    """(G6) mapping: mean yearly 规上 growth ``(prod (1 + g_t + premium))^(1/n) - 1`` over ``first+1..last``."""
    growth = industry_real.loc[first:last].pct_change().dropna()
    return float(np.prod(1.0 + growth.to_numpy() + premium) ** (1.0 / (last - first)) - 1.0)


def score_run(
    traj: pd.DataFrame,
    targets,
    national_real_growth: np.ndarray,
    start_year: int,
    end_year: int,
) -> pd.DataFrame:
    """Targets of one run, from its trajectories table (output contract).

    Parameters
    ----------
    traj : trajectories of one scenario and run.
    targets : the scenario's ``Targets`` section (ledger, thresholds).
    national_real_growth : ``[year]`` path over ``start_year..end_year``.
    """
    scenario, run = traj["scenario"].iloc[0], int(traj["run"].iloc[0])
    region_rows = traj[(traj["region"] == REGION_TOTAL) & (traj["sector"] == SECTOR_TOTAL)]
    wide = region_rows.pivot(index="year", columns="variable", values="value")
    series = {name: wide[name].dropna() for name in wide.columns}
    return score_region_series(series, scenario, run, targets, national_real_growth, start_year, end_year)


def score_region_series(
    series: dict[str, pd.Series],
    scenario: str,
    run: int,
    targets,
    national_real_growth: np.ndarray,
    start_year: int,
    end_year: int,
) -> pd.DataFrame:
    """Targets of one run from the region-total series (``variable -> Series indexed by year``).

    The pipeline calls this with series taken straight from the run's arrays (cheap); :func:`score_run`
    with series read from a trajectories table. Both give the same table.
    """
    empty = pd.Series(dtype=float)
    rows: list[tuple] = []
    gdp_variable = GDP_VARIABLE[targets.ledger]
    gdp_nominal = series.get(gdp_variable, empty)
    if gdp_nominal.empty:
        raise ValueError(f"targets ledger {targets.ledger!r} needs variable {gdp_variable!r} in the trajectories")
    gdp_real = series.get("gdp_real", empty)
    industry = series.get(INDUSTRY_VARIABLE[targets.ledger], empty)
    if industry.empty:
        raise ValueError(f"targets ledger {targets.ledger!r} needs variable {INDUSTRY_VARIABLE[targets.ledger]!r} "
                         "in the trajectories")
    population = series.get("population", empty)

    def add(target: str, year: int, value: float, threshold: float) -> None:
        rows.append((scenario, run, target, year, value, threshold, bool(value >= threshold)))

    if end_year >= 2025 and start_year <= 2021:
        threshold = targets.gdp_2025_nominal * (1.0 - targets.gdp_2025_tolerance)
        add("gdp_nominal_2025", 2025, float(gdp_nominal.loc[2025]), threshold)
        add("above_scale_industry_va_growth_2021_2025", 2025,
            above_scale_growth(industry, 2021, 2025, targets.above_scale_premium), targets.industry_growth_2021_2025)
        add("industry_va_real_growth_2021_2025", 2025, _cagr(industry, 2021, 2025),
            targets.industry_growth_2021_2025)
    if end_year >= 2035 and start_year <= 2021:
        years = np.arange(start_year, end_year + 1)
        window = (years > 2021) & (years <= 2035)
        national = float(np.prod(1.0 + national_real_growth[window]) ** (1.0 / window.sum()) - 1.0)
        add("growth_pole_2035", 2035, _cagr(gdp_real, 2021, 2035), national)
        add("population_attraction_2035", 2035, float(population.loc[2035] / population.loc[2021]), 1.0)
        share = industry / gdp_real
        add("industry_share_2035", 2035, float(share.loc[2035]), float(share.loc[2021]))
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)
