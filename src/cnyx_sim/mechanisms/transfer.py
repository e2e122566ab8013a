"""Industrial transfer: project flows, location choice with an outside option, capacity, lifecycle and
relocation (ODD 7.7).

Projects are rows of the project book (``cnyx_sim.core.projects``). Origins ``o`` are the external origins
(``chengdu``, ``chongqing_core``, ``east_coast``, ``abroad``); a unit of the region is the origin of an
intra-regional relocation. Alternatives ``a`` are the units and the open co-built parks (a park is located
in its host unit). Every potential project carries its own random numbers (``u``, ``z``, ``g``: uniforms,
normals, Gumbels from streams keyed by run, origin, year and index, ``core.rng.ProjectDraws``).

    (T1)  push_o,t = (W_o,t / G_t)^phi_w * Lambda_o,t^phi_L
          W_o = origin real wage index (base year = 1; the external wage path of N3), G_t = national real growth
          index (the nation's wages grow with it), Lambda_o = origin land-cost index relative to the region.
          Only exogenous paths: arrivals never depend on what a policy does inside the region.
    (T2)  Lambda_os,t = lambda_os * G_t * push_o,t * consent_o,t      (consent = 1: hook for issue 10)
          N_o,t = F^-1_Poisson(u_o,t; sum_s Lambda_os,t);  sector of project j ~ Categorical(Lambda_os / sum_s)
          by its own uniform (Poisson splitting: counts by origin and sector are Poisson(Lambda_os,t)).
          Calibrated rates: lambda_os = pi_o * phi * s_s * Y_s,0 / (p * kappa * m_s * located_o), so that the
          expected realised project investment at base-year conditions is phi s_s Y_s,0 (K4).
    (T3)  S_j = min(S_max, m_s exp(sigma z_j - sigma^2 / 2))   signed investment (签约额), lognormal, mean m_s
          R_j = 1[u_j < p]   the signing is carried out (开工);   I_j = kappa * S_j * R_j   realised investment
          land need l_j = I_j / intensity
    (T4)  V_osc = b_cl ln(Y_sc / G_t) + b_w ln(w_c / (wbar_0 W_ext,t)) - b_L ln(1 - d_c) + b_rho rho_c
                + b_q q_c + b_MA ln(MA_c / (MAbar_0 G_t)) - b_T T_oc
    (T5)  park k (host h_k) is an alternative for sector s if it is open and targets s:
          V_osk = V_osh_k + b_park + b_partner * 1[o is the park's partner]
    (T6)  nested logit as random utility with the project's own taste shocks:
          U_ja = V_a + mu (g_ja + ln S_j)  (a in the region nest R),   U_j0 = V0_os + g_j0,   j takes argmax
          g ~ Gumbel(0, 1) iid; S_j ~ positive stable(mu) (Laplace transform exp(-t^mu)), so that
          P(a) = exp(IV) / (exp(IV) + exp(V0)) * exp(V_a / mu) / exp(IV / mu),   IV = mu ln sum_a exp(V_a / mu)
          V0_os is calibrated so that P(R) equals the base-year located share of origin o. Capacity: a park
          whose free land is below l_j is not in j's choice set; projects are admitted in the order of their
          own priority uniforms, the first one that no longer fits closes the park for the year and those
          rejected take their next best alternative with the same shocks (UrbanSim's constrained choice).
    (T7)  lifecycle by age a = t - signing year: a = 0 signed, 1..B construction (spending I/B a year, installed
          the next year like all investment, K3), capacity share C(a) of the installed capital: r_1..r_R in
          ramp-up, 1 from a = B + R + 1 (达产). Operating projects close when their cumulative hazard
          n f' reaches their own Exp(1) draw E^c_j (f' = -ln(1 - f)), and relocate when
          sum_t -ln(1 - h_j,t) reaches E^r_j,   h_j,t = h0 * exp(eta_h * (D_sh,t - D_sh,0)),
          D_sh = ln sum_{c != h} exp(V_hsc) - V_hsh (the pull of the other units relative to the base year);
          a relocating project's capital is written off at h and it re-enters as a new, realised project with
          origin h and investment = that capital.

The outside option makes location positive-sum: a better package raises the region's total, not only one
unit's share (Schmidheiny & Brülhart 2011).
"""

from __future__ import annotations

import functools
import math

import numpy as np

FloatArray = np.ndarray

#: Project stages, in code order.
STAGES: tuple[str, ...] = ("announced", "construction", "ramp_up", "operating", "closed", "abandoned")
OUTSIDE = -1


def push_factor(
    origin_wage_index: FloatArray, national_index: float, origin_land_index: FloatArray,
    wage_elasticity: float, land_elasticity: float,
) -> FloatArray:
    """(T1): ``[origin]`` push multiplier of the arrival rates (1 in the base year), from exogenous paths only."""
    return (origin_wage_index / national_index) ** wage_elasticity * origin_land_index ** land_elasticity


def calibrated_arrival_rates(
    target_flow: FloatArray, origin_share: FloatArray, located_share: FloatArray, start_probability: float,
    realised_share: float, mean_size: FloatArray,
) -> FloatArray:
    """(T2): ``[origin, sector]`` projects per year considering the region whose expected realised investment at
    base-year conditions is ``target_flow`` ``[sector]`` (亿元, 2021 prices):
    ``lambda_os = pi_o F_s / (p kappa m_s located_o)`` (``pi`` normalised; 0 where F_s = 0)."""
    share = np.asarray(origin_share, dtype=float)
    share = share / share.sum() if share.sum() > 0 else share
    per_project = start_probability * realised_share * np.asarray(mean_size, dtype=float)
    signed = np.divide(target_flow, per_project, out=np.zeros_like(np.asarray(target_flow, dtype=float)),
                       where=per_project > 0)
    return np.divide(share[:, None] * signed[None, :], located_share[:, None],
                     out=np.zeros((len(share), len(signed))), where=located_share[:, None] > 0)


def poisson_quantile(uniform: FloatArray, rate: FloatArray) -> np.ndarray:
    """(T2): the Poisson(``rate``) count at probability ``uniform`` (inverse CDF), elementwise.

    Inversion makes the count a monotone function of the rate for a given uniform: a scenario with a higher
    rate gets the same projects plus more (common random numbers), one with the same rate the same count. The
    CDF is summed over ``rate -/+ 12 sqrt(rate) + 30`` (the mass outside is below 1e-30).
    """
    uniform = np.atleast_1d(np.asarray(uniform, dtype=float))
    rate = np.broadcast_to(np.asarray(rate, dtype=float), uniform.shape)
    out = np.zeros(uniform.shape, dtype=np.int64)
    with np.errstate(under="ignore"):  # far tails underflow to 0, which is what they are
        for i, (u, lam) in enumerate(zip(uniform.ravel().tolist(), rate.ravel().tolist())):
            if lam > 0.0:
                out.flat[i] = _poisson_quantile_one(u, lam)
    return out


def _poisson_quantile_one(u: float, lam: float) -> int:
    """``poisson_quantile`` of one uniform and one positive rate (Python floats)."""
    low, top, cdf = _poisson_cdf(lam)
    return low + min(int(cdf.searchsorted(u * cdf[-1], side="right")), top - low)


@functools.lru_cache(maxsize=16)
def _poisson_cdf(lam: float) -> tuple[int, int, FloatArray]:
    """``(low, top, unnormalised CDF over low..top)`` of Poisson(``lam``); cached: origins with equal rates in a
    year share it. Read only."""
    width = 12.0 * math.sqrt(lam) + 30.0
    low, top = max(int(lam - width), 0), int(lam + width)
    k = np.arange(low, top + 1)
    # ln p_k = -lam + k ln lam - ln k!, with ln low! from lgamma and the rest by cumulative logs
    log_factorial = np.empty(len(k))
    log_factorial[0] = 0.0
    np.cumsum(np.log(k[1:]), out=log_factorial[1:])
    log_factorial += math.lgamma(low + 1)
    cdf = np.exp(-lam + k * math.log(lam) - log_factorial)
    np.cumsum(cdf, out=cdf)
    cdf.setflags(write=False)
    return low, top, cdf


def signed_sizes(normal: FloatArray, mean_size: FloatArray, log_sd: float, cap: float) -> FloatArray:
    """(T3): signed investment of each project (亿元, 2021 prices) from its own standard normal ``z``:
    lognormal with mean ``m_s`` (before the cap), at most ``cap``."""
    mean_size = np.asarray(mean_size, dtype=float)
    return np.minimum(mean_size * np.exp(log_sd * np.asarray(normal) - 0.5 * log_sd**2), cap)


def unit_utilities(
    cluster_value_added: FloatArray,
    wage_relative: FloatArray,
    land_discount: FloatArray,
    tax_rebate: FloatArray,
    service_quality: FloatArray,
    access_relative: FloatArray,
    origin_travel_time: FloatArray,
    coefficients: dict[str, float],
) -> FloatArray:
    """(T4): ``[origin, sector, unit]`` systematic utility of locating in each unit.

    Parameters
    ----------
    cluster_value_added : [sector, unit] Y_sc / G_t, 亿元 (2021 prices, deflated by the national index).
    wage_relative, land_discount, tax_rebate, service_quality, access_relative : [unit].
    origin_travel_time : [origin, unit] hours (zeros where the origin has no travel term).
    coefficients : b_cl, b_w, b_L, b_rho, b_q, b_MA, b_T under the keys ``cluster``, ``wage``, ``land``,
        ``rebate``, ``service``, ``access``, ``origin_time``.
    """
    b = coefficients
    unit_terms = (
        b["wage"] * np.log(wage_relative)
        - b["land"] * np.log1p(-land_discount)
        + b["rebate"] * tax_rebate
        + b["service"] * service_quality
        + b["access"] * np.log(access_relative)
    )
    cluster = b["cluster"] * np.log(np.maximum(cluster_value_added, 1e-9))
    return cluster[None, :, :] + unit_terms[None, None, :] - b["origin_time"] * origin_travel_time[:, None, :]


def alternative_utilities(
    unit_utility: FloatArray, park_host: np.ndarray, park_open_for_sector: np.ndarray, park_bonus: FloatArray
) -> FloatArray:
    """(T5): ``[origin, sector, unit + park]``; a park closed to a sector has utility ``-inf``.

    Parameters
    ----------
    unit_utility : [origin, sector, unit].
    park_host : [park] int.
    park_open_for_sector : [sector, park] bool (open this year and targeting the sector).
    park_bonus : [origin, park] b_park + b_partner * 1[partner].
    """
    park = unit_utility[:, :, park_host] + park_bonus[:, None, :]
    park = np.where(park_open_for_sector[None, :, :], park, -np.inf)
    return np.concatenate([unit_utility, park], axis=2)


def _log_sum_exp(values: FloatArray, axis: int = -1) -> FloatArray:
    peak = np.max(values, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0.0)
    with np.errstate(under="ignore"):
        total = np.exp(values - peak).sum(axis=axis, keepdims=True)
    with np.errstate(divide="ignore"):
        return np.squeeze(np.log(total) + peak, axis=axis)


def inclusive_value(utility: FloatArray, nest_parameter: float) -> FloatArray:
    """(T6): ``mu ln sum_a exp(V_a / mu)`` over the last axis (``-inf`` entries are unavailable)."""
    return nest_parameter * _log_sum_exp(utility / nest_parameter)


def nested_logit_probabilities(
    utility: FloatArray, outside_utility: FloatArray, nest_parameter: float
) -> FloatArray:
    """(T6): choice probabilities over ``[..., alternatives + outside]`` (the outside option is last).

    Rows sum to one. ``outside_utility = -inf`` removes the outside option (relocations inside the region).
    """
    mu = nest_parameter
    iv = inclusive_value(utility, mu)
    both = np.stack([iv, np.broadcast_to(outside_utility, iv.shape)], axis=-1)
    nest_total = _log_sum_exp(both)
    with np.errstate(under="ignore"):  # vanishing probabilities are exactly what underflows to 0
        p_region = np.exp(iv - nest_total)
        p_outside = np.exp(np.broadcast_to(outside_utility, iv.shape) - nest_total)
        within = np.exp(utility / mu - (iv / mu)[..., None])
        return np.concatenate([within * p_region[..., None], p_outside[..., None]], axis=-1)


def calibrate_outside_utility(utility: FloatArray, nest_parameter: float, located_share: FloatArray) -> FloatArray:
    """(T6): ``V0`` that makes the region's probability equal ``located_share`` (broadcast over leading axes)."""
    iv = inclusive_value(utility, nest_parameter)
    share = np.asarray(located_share, dtype=float)
    return iv - np.log(share / (1.0 - share))


def gumbel(uniform: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """Standard Gumbel variates from uniforms in (0, 1); ``out``: write them there (may be ``uniform`` itself)."""
    if out is None:
        return -np.log(-np.log(uniform))
    np.log(uniform, out=out)
    np.negative(out, out=out)
    np.log(out, out=out)
    return np.negative(out, out=out)


def log_positive_stable(uniform_angle: FloatArray, uniform_exp: FloatArray, index: float) -> FloatArray:
    """ln S of positive stable variates with Laplace transform ``exp(-t^index)`` (Kanter 1975), from two
    uniforms each; ``index = 1`` gives S = 1. ``index`` is the nest parameter mu of (T6)."""
    if index >= 1.0:
        return np.zeros(np.shape(uniform_angle))
    angle = np.pi * np.asarray(uniform_angle)
    exponential = -np.log(np.asarray(uniform_exp))
    a = index
    return (np.log(np.sin(a * angle)) - np.log(np.sin(angle)) / a
            + (1.0 - a) / a * (np.log(np.sin((1.0 - a) * angle)) - np.log(exponential)))


def taste_shocks(gumbel_nest: FloatArray, log_stable: FloatArray, nest_parameter: float) -> FloatArray:
    """(T6): ``[project, alternative]`` shocks of the region nest, ``mu (g_ja + ln S_j)``: jointly they are the
    nested-logit (GEV) errors with dissimilarity ``mu`` (a positive-stable mixture of Gumbels)."""
    return nest_parameter * (gumbel_nest + log_stable[:, None])


def choose_with_capacity(
    utility: FloatArray,
    shocks: FloatArray,
    outside_total: FloatArray,
    land_need: FloatArray,
    park_remaining: FloatArray,
    n_units: int,
    priority: FloatArray,
) -> tuple[np.ndarray, FloatArray]:
    """(T6) with park capacity: every project of one year takes its best alternative by its own shocks.

    Parameters
    ----------
    utility : [project, unit + park] systematic utilities V (``-inf`` = not available).
    shocks : [project, unit + park] its taste shocks (``taste_shocks``).
    outside_total : [project] V0 + g_0 (``-inf`` = no outside option).
    land_need : [project] 亩.
    park_remaining : [park] 亩 of free land at the start of the year.
    priority : [project] admission order (lower first), the project's own uniform.

    Returns
    -------
    choice : [project] int, an alternative index, or ``OUTSIDE`` (-1).
    park_remaining : [park] free land after admission (a new array).
    """
    n = len(land_need)
    remaining = np.array(park_remaining, dtype=float, copy=True)
    total = np.asarray(utility, dtype=float) + shocks
    n_parks = len(remaining)
    # A park whose free land is below a project's need is not in that project's choice set.
    total[:, n_units:] = np.where(land_need[:, None] > remaining[None, :], -np.inf, total[:, n_units:])
    choice = np.full(n, OUTSIDE, dtype=np.int64)
    if n == 0:
        return choice, remaining
    pending = np.arange(n)
    for _ in range(n_parks + 1):
        if len(pending) == 0:
            break
        sub = total[pending]
        best = np.argmax(sub, axis=1)
        best_value = sub[np.arange(len(pending)), best]
        drawn = np.where(best_value > outside_total[pending], best, OUTSIDE)
        choice[pending] = drawn
        redraw = np.zeros(len(pending), dtype=bool)
        for k in range(n_parks):
            takers = np.flatnonzero(drawn == n_units + k)
            if len(takers) == 0:
                continue
            takers = takers[np.argsort(priority[pending[takers]], kind="stable")]
            fits = np.cumsum(land_need[pending[takers]]) <= remaining[k]
            # Admission stops at the first project that does not fit: the park is full for this year.
            admitted = takers[np.cumsum(~fits) == 0]
            remaining[k] -= land_need[pending[admitted]].sum()
            rejected = takers[len(admitted):]
            if len(rejected):
                redraw[rejected] = True
                total[:, n_units + k] = -np.inf
        pending = pending[redraw]
    choice[pending] = OUTSIDE  # unreachable in practice: units never fill
    return choice, remaining


def capacity_schedule(construction_years: int, ramp_up_shares: tuple[float, ...]) -> FloatArray:
    """(T7): capacity share by age ``0 .. B + R + 1`` (the last entry, 1, holds for all later ages)."""
    return np.concatenate([np.zeros(1 + construction_years), np.asarray(ramp_up_shares, dtype=float), [1.0]])


def capacity_share(age: np.ndarray, schedule: FloatArray) -> FloatArray:
    """(T7): ``[project]`` capacity share at ``age`` (0 before arrival)."""
    age = np.asarray(age)
    return np.where(age < 0, 0.0, schedule[np.clip(age, 0, len(schedule) - 1)])


def construction_spending_share(age: np.ndarray, construction_years: int) -> FloatArray:
    """(T7): share of the investment spent at ``age`` (1/B in each construction year)."""
    age = np.asarray(age)
    return np.where((age >= 1) & (age <= construction_years), 1.0 / construction_years, 0.0)


def stage_at_age(age: np.ndarray, construction_years: int, n_ramp: int, is_closed: np.ndarray,
                 is_abandoned: np.ndarray | None = None) -> np.ndarray:
    """(T7): ``[project]`` stage code (position in ``STAGES``); a signing never carried out is ``abandoned``."""
    age = np.asarray(age)
    stage = np.select(
        [age <= 0, age <= construction_years, age <= construction_years + n_ramp],
        [0, 1, 2], default=3,
    )
    stage = np.where(is_closed, 4, stage)
    if is_abandoned is not None:
        stage = np.where(np.asarray(is_abandoned) & (age > 0), 5, stage)
    return stage


def relocation_gap(unit_utility_from_units: FloatArray) -> FloatArray:
    """(T7): ``[sector, unit]`` D_sh = ln sum_{c != h} exp(V_hsc) - V_hsh.

    ``unit_utility_from_units`` is ``[origin unit h, sector, unit c]``.
    """
    n_units = unit_utility_from_units.shape[0]
    diagonal = unit_utility_from_units[np.arange(n_units), :, np.arange(n_units)]  # [h, s]
    others = unit_utility_from_units.copy()
    others[np.arange(n_units), :, np.arange(n_units)] = -np.inf
    return (_log_sum_exp(others) - diagonal).T


def relocation_hazard(gap: FloatArray, base_gap: FloatArray, base_rate: float, sensitivity: float) -> FloatArray:
    """(T7): yearly relocation probability, clipped to [0, 1]."""
    return np.clip(base_rate * np.exp(sensitivity * (gap - base_gap)), 0.0, 1.0)


def hazard_increment(probability: FloatArray) -> FloatArray:
    """(T7): the cumulative-hazard increment ``-ln(1 - h)`` of a yearly event probability ``h`` (inf at 1)."""
    with np.errstate(divide="ignore"):
        return -np.log1p(-np.clip(probability, 0.0, 1.0))
