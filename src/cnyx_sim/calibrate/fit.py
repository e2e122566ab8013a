"""Penalised least-squares (MAP) fit of the growth parameters by simulation, with its Laplace posterior.

Free parameters (docs/model.md 5.6, equation G1):

    (G1)  g_uG = mu_G + d_u + e_uG          TFP growth of unit u, sector group G at the start year
          h    = exp(lambda_h)                            half-life of its convergence to g_LR (P4)
          s_s  = s_s^default * exp(lambda_s)              investment rate (K2), one common scale
          (K/Y)_s = (K/Y)_s^default * exp(lambda_K)       start-year capital-output ratio, one common scale
          p                                               common pandemic effect on 2020-2021 mean growth
                                                          (a nuisance parameter: not used by forecasts)

Objective (G2): the sum of squares of ``(model - observed) / sd`` over the observations of the information
set and of ``(parameter - prior mean) / prior sd`` over the priors (``calibration/priors.yaml``):
``mu_G ~ N(m_G, s_G)``, ``d_u ~ N(0, tau_u)``, ``e_uG ~ N(0, tau_e)``, ``lambda ~ N(m_lambda, s_lambda)``.
Minimised with ``scipy.optimize.least_squares`` (trust-region reflective, bounds from the priors file),
from the prior means, deterministic.

Posterior (G3): Laplace approximation ``theta ~ N(theta_hat, (J'J)^-1)`` with ``J`` the Jacobian of the
scaled residuals at the optimum; draws are clipped to the bounds. Parameters that end at a bound are
reported (the approximation is poor there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from cnyx_sim.calibrate.backcast import History, history_params, simulate
from cnyx_sim.calibrate.observations import THREE, Information
from cnyx_sim.calibrate.settings import CalibrationSettings
from cnyx_sim.core.model import BaseYearData
from cnyx_sim.core.params import ModelParams
from cnyx_sim.core.state import SECTOR_GROUPS, Geography

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Problem:
    """One calibration problem: data, priors and the model template."""

    info: Information
    settings: CalibrationSettings
    template: ModelParams
    geography: Geography
    base: BaseYearData
    names: tuple[str, ...]
    prior_mean: np.ndarray
    prior_sd: np.ndarray
    low: np.ndarray
    high: np.ndarray
    sector_group: np.ndarray  # [sector] index into SECTOR_GROUPS
    sector_parent: np.ndarray  # [sector] index into THREE

    @property
    def n_units(self) -> int:
        return self.geography.n_cities

    @property
    def end_year(self) -> int:
        return self.info.cutoff


def build_problem(info: Information, settings: CalibrationSettings, template: ModelParams,
                  geography: Geography) -> Problem:
    """Parameter names, priors and bounds (G1-G2) for ``info``."""
    units, groups = geography.cities.codes, SECTOR_GROUPS
    names, mean, sd, low, high = [], [], [], [], []
    tfp_low, tfp_high = settings.tfp_bounds
    for g in groups:
        prior = settings.tfp_group_mean[g]
        names.append(f"mu.{g}"), mean.append(prior.mean), sd.append(prior.sd)
        low.append(prior.low), high.append(prior.high)
    for u in units:
        names.append(f"d.{u}"), mean.append(0.0), sd.append(settings.unit_effect_sd)
        low.append(tfp_low), high.append(tfp_high)
    for u in units:
        for g in groups:
            names.append(f"e.{u}.{g}"), mean.append(0.0), sd.append(settings.unit_group_effect_sd)
            low.append(tfp_low), high.append(tfp_high)
    for name, prior in (("pandemic_effect", settings.pandemic_effect),
                        ("log_half_life", settings.log_half_life),
                        ("log_investment_scale", settings.investment_log_scale),
                        ("log_capital_output_scale", settings.capital_output_log_scale)):
        names.append(name), mean.append(prior.mean), sd.append(prior.sd), low.append(prior.low), high.append(prior.high)
    base = BaseYearData(geography=geography, year=info.start_year, value_added_nominal=info.start_va,
                        # Placeholder scale: with migration and natural growth off, growth does not depend on it.
                        population=info.start_va.sum(axis=1) / 10.0,
                        historical_real_growth=np.zeros(geography.n_cities))
    return Problem(
        info=info, settings=settings, template=template, geography=geography, base=base, names=tuple(names),
        prior_mean=np.array(mean), prior_sd=np.array(sd), low=np.array(low), high=np.array(high),
        sector_group=np.array([groups.index(g) for g in geography.sector_group]),
        sector_parent=np.array([THREE.index(p) for p in geography.sector_parent]),
    )


@dataclass(frozen=True)
class Unpacked:
    """The model parameters a parameter vector stands for."""

    tfp_start: np.ndarray  # [city, sector]
    half_life: float  # years (P4)
    pandemic_effect: float  # added to the model's 2020-2021 mean growth (fit only)
    investment_rate: np.ndarray  # [sector]
    capital_output: np.ndarray  # [sector] (or [city, sector] if the template has per-unit ratios)


def unpack(problem: Problem, theta: np.ndarray) -> Unpacked:
    """(G1): parameter vector -> start-year TFP growth, investment rate and capital-output ratio."""
    n_units, n_groups = problem.n_units, len(SECTOR_GROUPS)
    mu = theta[:n_groups]
    d = theta[n_groups:n_groups + n_units]
    e = theta[n_groups + n_units:n_groups + n_units + n_units * n_groups].reshape(n_units, n_groups)
    pandemic, log_h, log_s, log_k = theta[-4], theta[-3], theta[-2], theta[-1]
    group_rate = mu[None, :] + d[:, None] + e  # [city, group]
    t = problem.template
    return Unpacked(tfp_start=group_rate[:, problem.sector_group], half_life=float(np.exp(log_h)),
                    pandemic_effect=float(pandemic),
                    investment_rate=t.capital.investment_rate * np.exp(log_s),
                    capital_output=np.asarray(t.capital.capital_output_ratio, dtype=float) * np.exp(log_k))


def backcast(problem: Problem, theta: np.ndarray, end_year: int | None = None) -> History:
    """Simulate the history configuration from the start year to ``end_year`` (default: the cutoff)."""
    x = unpack(problem, theta)
    end = problem.end_year if end_year is None else end_year
    params = history_params(problem.template, problem.info.start_year, end, problem.info.inflation, x.tfp_start,
                            x.investment_rate, x.capital_output, half_life=x.half_life)
    return simulate(problem.base, params)


def predict(problem: Problem, history: History, pandemic_effect: float = 0.0,
            observations: pd.DataFrame | None = None) -> np.ndarray:
    """The model's value of every observation (same order), from a simulated history; ``pandemic_effect`` is
    added to the two-year pandemic observations."""
    obs = problem.info.observations if observations is None else observations
    geo = problem.geography
    units = {code: i for i, code in enumerate(geo.cities.codes)}
    total = history.va_real.sum(axis=2)  # [year, city]
    out = np.empty(len(obs))
    for k, row in enumerate(obs.itertuples(index=False)):
        a, b = history.at(row.first_year), history.at(row.year)
        pandemic = pandemic_effect if row.kind.endswith("_2y") else 0.0
        if row.kind in ("province_growth", "province_growth_2y"):
            members = geo.city_province == geo.provinces.position(row.group)
            series = total[:, members].sum(axis=1)
            out[k] = (series[b] / series[a]) ** (1.0 / (row.year - row.first_year)) - 1.0 + pandemic
            continue
        u = units[row.region]
        if row.kind in ("real_growth", "real_growth_2y"):
            out[k] = (total[b, u] / total[a, u]) ** (1.0 / (row.year - row.first_year)) - 1.0 + pandemic
        elif row.kind == "share_change":
            parent = problem.sector_parent == THREE.index(row.group)
            share = history.va_real[:, u, parent].sum(axis=1) / total[:, u]
            out[k] = share[b] - share[a]
        else:  # pragma: no cover - observations are built by this package
            raise ValueError(f"unknown observation kind {row.kind!r}")
    return out


def residuals(problem: Problem, theta: np.ndarray) -> np.ndarray:
    """(G2): scaled observation residuals, then prior residuals."""
    obs = problem.info.observations
    fitted = predict(problem, backcast(problem, theta), unpack(problem, theta).pandemic_effect)
    data = (fitted - obs["value"].to_numpy()) / obs["sd"].to_numpy()
    prior = (theta - problem.prior_mean) / problem.prior_sd
    return np.concatenate([data, prior])


@dataclass(frozen=True)
class FitResult:
    """The MAP estimate, its Laplace covariance and what the optimiser said."""

    theta: np.ndarray
    covariance: np.ndarray
    status: int
    message: str
    nfev: int
    cost: float
    at_bound: tuple[str, ...]
    fitted: np.ndarray  # model value of each observation at theta


def fit(problem: Problem, progress: Progress | None = None) -> FitResult:
    """(G2)-(G3): minimise from the prior means; deterministic for given data and priors."""
    calls = [0]

    def objective(theta: np.ndarray) -> np.ndarray:
        calls[0] += 1
        if progress is not None and calls[0] % 100 == 0:
            progress(f"  fit (cutoff {problem.info.cutoff}): {calls[0]} model runs")
        return residuals(problem, theta)

    x0 = np.clip(problem.prior_mean, problem.low + 1e-9, problem.high - 1e-9)
    result = least_squares(objective, x0, bounds=(problem.low, problem.high), method="trf", x_scale=problem.prior_sd,
                           diff_step=1e-6, xtol=1e-10, ftol=1e-10, gtol=1e-10, max_nfev=200)
    jac = result.jac
    # J includes one row per prior, so J'J is positive definite and the inverse exists.
    covariance = np.linalg.inv(jac.T @ jac)
    covariance = 0.5 * (covariance + covariance.T)
    span = problem.high - problem.low
    at_bound = tuple(name for name, x, lo, hi, w in zip(problem.names, result.x, problem.low, problem.high, span)
                     if min(x - lo, hi - x) < 1e-6 * w)
    fitted = predict(problem, backcast(problem, result.x), unpack(problem, result.x).pandemic_effect)
    return FitResult(theta=result.x, covariance=covariance, status=int(result.status), message=str(result.message),
                     nfev=int(result.nfev), cost=float(result.cost), at_bound=at_bound, fitted=fitted)


def posterior_draws(problem: Problem, result: FitResult, n: int, seed: int) -> np.ndarray:
    """(G3): ``[n, parameter]`` draws from the Laplace posterior, clipped to the bounds."""
    rng = np.random.default_rng(seed)
    # The Cholesky factor is unique and continuous in the covariance, so tiny differences between numpy/scipy
    # builds move the draws by tiny amounts (an eigendecomposition may rotate near-equal eigenvectors).
    root = np.linalg.cholesky(result.covariance)
    draws = result.theta[None, :] + rng.standard_normal((n, len(result.theta))) @ root.T
    return np.clip(draws, problem.low, problem.high)
