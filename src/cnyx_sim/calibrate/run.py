"""``cnyx-sim calibrate``: the whole fit for one cutoff (docs/model.md 5.6).

:func:`calibrate` returns a :class:`Calibrated` (no I/O besides reading the calibration folder);
:mod:`cnyx_sim.calibrate.output` writes it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cnyx_sim.calibrate import fit as fitting
from cnyx_sim.calibrate.backcast import History, tfp_growth_at
from cnyx_sim.calibrate.macro import MacroPaths, macro_paths
from cnyx_sim.calibrate.observations import PROVINCE_AGGREGATE, Information, information_set
from cnyx_sim.calibrate.settings import CalibrationSettings, load_settings
from cnyx_sim.calibrate.shocks import ShockEstimate, estimate_shocks
from cnyx_sim.core.state import SECTOR_GROUPS

HISTORY_FILE = "history.yaml"


@dataclass(frozen=True)
class Premium:
    """The 规上 premium (docs/model.md 8, equation G6) and the pairs it rests on."""

    value: float
    published_gap: float
    model_gap: float
    pairs: pd.DataFrame


@dataclass(frozen=True)
class Calibrated:
    """Everything one calibration produced.

    ``tfp_cutoff`` ``[city, group]`` is the TFP growth at the cutoff on the fitted (P4) path;
    ``capital_output`` ``[city, sector]`` the cutoff's capital-output ratio of the fitted backcast;
    ``investment_rate`` ``[sector]``; ``deviations`` one row per posterior draw (io/draws.py columns).
    """

    cutoff: int
    end_year: int
    settings: CalibrationSettings
    info: Information
    problem: fitting.Problem
    result: fitting.FitResult
    history: History
    shocks: ShockEstimate
    macro: MacroPaths
    premium: Premium
    tfp_cutoff: np.ndarray
    capital_output: np.ndarray
    investment_rate: np.ndarray
    half_life: float
    draws: np.ndarray
    deviations: pd.DataFrame
    file_hashes: dict[str, str]

    @property
    def geography(self):
        return self.problem.geography


def load_template(directory: Path):
    """The history configuration's parameters and the calibration data (``calibration/history.yaml``)."""
    from cnyx_sim.scenario.load import prepare

    _, calibration, template = prepare(Path(directory) / HISTORY_FILE)
    return template, calibration


def above_scale_premium(info: Information, problem: fitting.Problem, history: History,
                        settings: CalibrationSettings) -> Premium:
    """(G6): quality-weighted mean of (published 规上 growth - real GDP growth) minus the fitted model's
    (industry - GDP) real growth over the same region-years; a province is the sum of its units."""
    geo = problem.geography
    is_industry = np.asarray(geo.is_industry, dtype=bool)
    provinces = {PROVINCE_AGGREGATE[p]: p for p in set(PROVINCE_AGGREGATE)}
    rows = []
    for pair in info.above_scale.itertuples(index=False):
        if pair.year <= info.start_year:
            continue
        if pair.region in geo.cities.codes:
            members = np.array([c == pair.region for c in geo.cities.codes])
        elif pair.region in provinces:
            members = geo.city_province == geo.provinces.position(provinces[pair.region])
        else:
            continue
        t, a = history.at(pair.year), history.at(pair.year - 1)
        va = history.va_real[:, members, :]
        industry = va[:, :, is_industry].sum(axis=(1, 2))
        total = va.sum(axis=(1, 2))
        rows.append(dict(region=pair.region, year=pair.year, published_gap=pair.above_scale - pair.gdp_growth,
                         model_gap=(industry[t] / industry[a]) - (total[t] / total[a]), quality=pair.quality,
                         weight=1.0 / settings.quality_factor[pair.quality] ** 2, source=pair.source))
    pairs = pd.DataFrame(rows, columns=["region", "year", "published_gap", "model_gap", "quality", "weight", "source"])
    if pairs.empty:
        return Premium(0.0, 0.0, 0.0, pairs)
    w = pairs["weight"] / pairs["weight"].sum()
    published, model = float((w * pairs["published_gap"]).sum()), float((w * pairs["model_gap"]).sum())
    return Premium(published - model, published, model, pairs)


def _deviation_frame(problem: fitting.Problem, draws: np.ndarray, mode_tfp: np.ndarray, mode_ky: np.ndarray,
                     mode_theta: np.ndarray, long_run: float, years: int) -> tuple[pd.DataFrame, list]:
    geo = problem.geography
    groups = [g for g in SECTOR_GROUPS if g in geo.sector_group]
    first_sector = [geo.sector_group.index(g) for g in groups]
    columns: dict[str, list[float]] = {"draw": []}
    for d, theta in enumerate(draws):
        x = fitting.unpack(problem, theta)
        tfp = tfp_growth_at(x.tfp_start, long_run, x.half_life, years)
        history = fitting.backcast(problem, theta)
        t = history.at(problem.end_year)
        ky = history.capital[t] / history.va_real[t]
        columns["draw"].append(d)
        for i, unit in enumerate(geo.cities.codes):
            for g, s in zip(groups, first_sector):
                columns.setdefault(f"tfp_initial_growth.{unit}.{g}", []).append(float(tfp[i, s] - mode_tfp[i, s]))
        for i, unit in enumerate(geo.cities.codes):
            for j, sector in enumerate(geo.sectors.codes):
                columns.setdefault(f"capital_output_ratio.{unit}.{sector}", []).append(
                    float(np.log(ky[i, j] / mode_ky[i, j])))
        columns.setdefault("tfp_convergence_half_life", []).append(float(theta[-3] - mode_theta[-3]))
        columns.setdefault("investment_rate", []).append(float(theta[-2] - mode_theta[-2]))
    return pd.DataFrame(columns), groups


def calibrate(directory: Path, cutoff: int, end_year: int = 2035, progress=None,
              settings: CalibrationSettings | None = None) -> Calibrated:
    """Fit the growth parameters with observations up to ``cutoff`` (docs/model.md 5.6)."""
    directory = Path(directory)
    settings = settings if settings is not None else load_settings(directory)
    template, calibration = load_template(directory)
    geo = calibration.base.geography
    say = progress or (lambda message: None)
    say(f"calibrate: information set up to {cutoff}")
    info = information_set(directory, cutoff, settings)
    problem = fitting.build_problem(info, settings, template, geo)
    say(f"calibrate: fitting {len(problem.names)} parameters to {len(info.observations)} observations")
    result = fitting.fit(problem, say)
    history = fitting.backcast(problem, result.theta)
    shocks = estimate_shocks(info.observations, result.fitted, info.inflation, info.start_year,
                             settings.pandemic_years)
    macro = macro_paths(directory, cutoff, end_year)
    premium = above_scale_premium(info, problem, history, settings)
    p = template.production
    years = cutoff - info.start_year
    x = fitting.unpack(problem, result.theta)
    tfp_cutoff = tfp_growth_at(x.tfp_start, p.tfp_long_run_growth, x.half_life, years)
    t = history.at(cutoff)
    capital_output = history.capital[t] / history.va_real[t]
    say(f"calibrate: {settings.n_draws} posterior draws")
    draws = fitting.posterior_draws(problem, result, settings.n_draws, settings.seed)
    deviations, _ = _deviation_frame(problem, draws, tfp_cutoff, capital_output, result.theta,
                                     p.tfp_long_run_growth, years)
    hashes = dict(info.file_hashes)
    for name in (settings.path.name, "macro_forecasts.csv", HISTORY_FILE):
        if (directory / name).is_file():
            hashes[name] = hashlib.sha256((directory / name).read_bytes()).hexdigest()
    return Calibrated(
        cutoff=cutoff, end_year=end_year, settings=settings, info=info, problem=problem, result=result,
        history=history, shocks=shocks, macro=macro, premium=premium, tfp_cutoff=tfp_cutoff,
        capital_output=capital_output, investment_rate=x.investment_rate, half_life=x.half_life, draws=draws,
        deviations=deviations,
        file_hashes=dict(sorted(hashes.items())),
    )
