"""Validation of the growth calibration (docs/model.md 5.6; calibration/report.md).

- **Backcast** (in sample): each member of an ensemble takes one posterior draw and the estimated shocks,
  and is stepped from the start year to the cutoff; the observed annual growth rows are scored against the
  ensemble (error of the median, bias, coverage of the 5-95 % band).
- **Pseudo out-of-sample**: the whole calibration is repeated with cutoff ``C - h`` (``holdout_years``),
  and the model forecasts ``C - h + 1 .. C`` from the fitted state at ``C - h`` (re-based there, with the
  macro forecasts of that vintage and shocks from that information set). The forecast is scored on the
  observed annual growth of those years, next to two naive forecasts made with the same information:
  ``trend`` (each unit's mean observed growth up to ``C - h``, or the region's where a unit has none) and
  ``last`` (each unit's last observed growth, or the region's).

Both run the model in its history configuration (no projects, no migration): they test the growth core,
which produces nearly all of the baseline's growth; the transfer block adds project investment on top.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cnyx_sim.calibrate import fit as fitting
from cnyx_sim.calibrate.backcast import history_params, simulate, tfp_growth_at
from cnyx_sim.calibrate.run import Calibrated
from cnyx_sim.core.model import BaseYearData

BAND = (5.0, 95.0)


@dataclass(frozen=True)
class Ensemble:
    """Real GDP growth of every member: ``growth [member, year, city]`` for ``years``."""

    years: np.ndarray
    growth: np.ndarray


def _member_params(c: Calibrated, theta: np.ndarray, start: int, end: int, deflator: np.ndarray,
                   shocks: bool):
    x = fitting.unpack(c.problem, theta)
    s = c.shocks
    sd = (s.common_sd, s.unit_sd, s.deflator_sd) if shocks else (0.0, 0.0, 0.0)
    return x, history_params(c.problem.template, start, end, deflator, x.tfp_start, x.investment_rate,
                             x.capital_output, *sd, half_life=x.half_life)


def backcast_ensemble(c: Calibrated, runs: int, seed: int) -> Ensemble:
    """In-sample ensemble: draw ``r % n_draws`` and shocks, start year -> cutoff."""
    start, end = c.info.start_year, c.cutoff
    out = []
    for r in range(runs):
        _, params = _member_params(c, c.draws[r % len(c.draws)], start, end, c.info.inflation, shocks=True)
        history = simulate(c.problem.base, params, seed=seed, run=r)
        total = history.va_real.sum(axis=2)
        out.append(total[1:] / total[:-1] - 1.0)
    return Ensemble(years=np.arange(start + 1, end + 1), growth=np.array(out))


def forecast_ensemble(c: Calibrated, last_year: int, runs: int, seed: int) -> Ensemble:
    """Forecast ``cutoff + 1 .. last_year`` from the fitted state at the cutoff, one draw and shocks per member."""
    p = c.problem.template.production
    deflator = np.array([c.macro.deflator_growth[y] for y in range(c.cutoff + 1, last_year + 1)])
    deflator = np.concatenate([[0.0], deflator])  # the base year is never stepped into
    years = c.cutoff - c.info.start_year
    out = []
    for r in range(runs):
        theta = c.draws[r % len(c.draws)]
        history = fitting.backcast(c.problem, theta)
        t = history.at(c.cutoff)
        x = fitting.unpack(c.problem, theta)
        tfp = tfp_growth_at(x.tfp_start, p.tfp_long_run_growth, x.half_life, years)
        base = BaseYearData(geography=c.geography, year=c.cutoff, value_added_nominal=history.va_real[t],
                            population=c.problem.base.population, historical_real_growth=np.zeros(c.geography.n_cities))
        params = history_params(c.problem.template, c.cutoff, last_year, deflator, tfp, x.investment_rate,
                                history.capital[t] / history.va_real[t], c.shocks.common_sd, c.shocks.unit_sd,
                                c.shocks.deflator_sd, half_life=x.half_life)
        forecast = simulate(base, params, seed=seed, run=r)
        total = forecast.va_real.sum(axis=2)
        out.append(total[1:] / total[:-1] - 1.0)
    return Ensemble(years=np.arange(c.cutoff + 1, last_year + 1), growth=np.array(out))


def score(ensemble: Ensemble, outcomes: pd.DataFrame, units: tuple[str, ...]) -> pd.DataFrame:
    """One row per observed unit-year: median and band of the ensemble, outcome, error, covered."""
    rows = []
    for row in outcomes.itertuples(index=False):
        if row.year not in ensemble.years or row.region not in units:
            continue
        values = ensemble.growth[:, int(row.year - ensemble.years[0]), units.index(row.region)]
        low, median, high = np.percentile(values, [BAND[0], 50.0, BAND[1]])
        rows.append(dict(region=row.region, year=int(row.year), observed=row.value, quality=row.quality,
                         derived=bool(row.derived), median=float(median), p05=float(low), p95=float(high),
                         error=float(median - row.value), covered=bool(low <= row.value <= high)))
    return pd.DataFrame(rows, columns=["region", "year", "observed", "quality", "derived", "median", "p05", "p95",
                                       "error", "covered"])


def naive_forecasts(history_rows: pd.DataFrame, targets: pd.DataFrame, pandemic: tuple[int, ...]) -> pd.DataFrame:
    """``trend`` and ``last`` forecasts for each scored unit-year, from annual rows up to the cutoff only."""
    usable = history_rows[~history_rows["year"].isin(pandemic)]
    region_trend = float(usable["value"].mean()) if len(usable) else np.nan
    last_year = usable["year"].max() if len(usable) else None
    region_last = float(usable[usable["year"] == last_year]["value"].mean()) if last_year is not None else np.nan
    out = targets[["region", "year", "observed"]].copy()
    trend, last, own = [], [], []
    for row in out.itertuples(index=False):
        mine = usable[usable["region"] == row.region]
        own.append(len(mine) > 0)
        trend.append(float(mine["value"].mean()) if len(mine) else region_trend)
        last.append(float(mine.sort_values("year")["value"].iloc[-1]) if len(mine) else region_last)
    out["trend"], out["last"], out["own_history"] = trend, last, own
    return out


def summarise(scored: pd.DataFrame, naive: pd.DataFrame | None = None) -> dict[str, float]:
    """RMSE and bias of the model median (and of the naive forecasts), and band coverage."""
    out = {"n": float(len(scored))}
    if scored.empty:
        return out
    err = scored["error"].to_numpy()
    out.update(model_rmse=float(np.sqrt(np.mean(err**2))), model_bias=float(np.mean(err)),
               coverage=float(scored["covered"].mean()))
    if naive is not None and len(naive):
        for name in ("trend", "last"):
            e = naive[name].to_numpy() - naive["observed"].to_numpy()
            out[f"{name}_rmse"], out[f"{name}_bias"] = float(np.sqrt(np.mean(e**2))), float(np.mean(e))
    return out
