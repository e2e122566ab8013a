"""Industrial transfer: project arrivals, location choice with an outside option, capacity, lifecycle and
relocation (ODD 7.7).

Projects are rows of the project book (``cnyx_sim.core.projects``). Origins ``o`` are the external origins
(``chengdu``, ``chongqing_core``, ``east_coast``, ``abroad``); a unit of the region is the origin of an
intra-regional relocation. Alternatives ``a`` are the units and the open co-built parks (a park is located
in its host unit).

    (T1)  push_o,t = (W_o,t / W_R,t)^phi_w * Lambda_o,t^phi_L
          W_o = origin wage index (base year = 1; the external wage path of N3), W_R = region mean real wage
          index, Lambda_o = origin land-cost index relative to the region (scenario path).
    (T2)  n_os,t ~ Poisson(lambda_os * push_o,t)                          arrivals by origin and sector
    (T3)  I_j ~ LogNormal(ln m_s - sigma^2 / 2, sigma)   (mean m_s);  land need l_j = I_j / intensity
    (T4)  V_osc = b_cl ln(Y_sc / G_t) + b_w ln(w_c / (wbar_0 W_ext,t)) - b_L ln(1 - d_c) + b_rho rho_c
                + b_q q_c + b_MA ln(MA_c / (MAbar_0 G_t)) - b_T T_oc
          G_t = national real growth index (other places grow too), T_oc = travel time origin -> unit.
    (T5)  park k (host h_k) is an alternative for sector s if it is open and targets s:
          V_osk = V_osh_k + b_park + b_partner * 1[o is the park's partner]
    (T6)  nested logit: region nest R (units and parks), outside option 0:
          IV_os = mu ln sum_a exp(V_osa / mu);   P(R) = exp(IV) / (exp(IV) + exp(V0_os))
          P(a) = P(R) * exp(V_osa / mu) / sum_b exp(V_osb / mu);   P(0) = 1 - P(R)
          V0_os is calibrated so that P(R) equals the base-year located share of origin o (the choice set
          and packages of 2021). Capacity: a park whose remaining land is smaller than l_j is not in j's
          choice set; projects of one year are admitted in random order and those that no longer fit are
          redrawn without the park (UrbanSim's constrained choice).
    (T7)  lifecycle by age a = t - arrival year: a = 0 announced, 1..B construction (spending I/B a year),
          then ramp-up at capacity shares r_1..r_R, operating (100%, 达产) from a = B + R + 1; operating
          projects close with hazard f and relocate with hazard
          h_j = h0 * exp(theta * (D_sh,t - D_sh,0)),  D_sh = ln sum_{c != h} exp(V_hsc) - V_hsh
          (the pull of the other units relative to the base year); a relocating project closes at h and
          re-enters as a new project with origin h, investment = its current capital.
    (T12) s'_s,t = max(0, s_s - (sum_o lambda_os share_o m_s / Y_s,0) * C(t - t0 - 1))
          the incumbents' investment rate (K2) is lowered by the projects the base-year arrival rates bring,
          phased in with the cumulative capacity schedule C of (T7), so the calibrated rate holds for the total.

The outside option makes location positive-sum: a better package raises the region's total, not only one
unit's share (Schmidheiny & Brülhart 2011).
"""

from __future__ import annotations

import numpy as np

FloatArray = np.ndarray

#: Project stages, in code order.
STAGES: tuple[str, ...] = ("announced", "construction", "ramp_up", "operating", "closed")
OUTSIDE = -1


def push_factor(
    origin_wage_index: FloatArray, region_wage_index: float, origin_land_index: FloatArray,
    wage_elasticity: float, land_elasticity: float,
) -> FloatArray:
    """(T1): ``[origin]`` push multiplier of the arrival rates (1 in the base year)."""
    return (origin_wage_index / region_wage_index) ** wage_elasticity * origin_land_index ** land_elasticity


def arrival_counts(rate: FloatArray, push: FloatArray, rng: np.random.Generator) -> np.ndarray:
    """(T2): ``[origin, sector]`` Poisson counts of arriving projects."""
    return rng.poisson(rate * push[:, None])


def lognormal_mean_log(mean: FloatArray, log_sd: float) -> FloatArray:
    """(T3): location parameter ``ln m - sigma^2 / 2`` of a lognormal whose mean is ``m``."""
    return np.log(mean) - 0.5 * log_sd**2


def draw_sizes(mean_size: FloatArray, log_sd: float, rng: np.random.Generator) -> FloatArray:
    """(T3): one lognormal size per entry of ``mean_size`` (亿元), with that mean."""
    mean_size = np.asarray(mean_size, dtype=float)
    return np.exp(lognormal_mean_log(mean_size, log_sd) + log_sd * rng.standard_normal(mean_size.shape))


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


def draw_choices(probabilities: FloatArray, rng: np.random.Generator) -> np.ndarray:
    """Monte Carlo draw of one alternative per row of ``probabilities`` ``[n, k]``: returns ``[n]`` int."""
    if len(probabilities) == 0:
        return np.zeros(0, dtype=np.int64)
    cumulative = np.cumsum(probabilities, axis=1)
    uniforms = rng.random(len(probabilities)) * cumulative[:, -1]
    choice = (cumulative < uniforms[:, None]).sum(axis=1)
    return np.minimum(choice, probabilities.shape[1] - 1)


def locate_with_capacity(
    utility: FloatArray,
    outside_utility: FloatArray,
    nest_parameter: float,
    land_need: FloatArray,
    park_remaining: FloatArray,
    n_units: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, FloatArray]:
    """(T6) with park capacity: choose an alternative for every project of one year.

    Parameters
    ----------
    utility : [project, unit + park] systematic utilities (``-inf`` = not available).
    outside_utility : [project] V0 (``-inf`` = no outside option).
    land_need : [project] 亩.
    park_remaining : [park] 亩 of free land at the start of the year.

    Returns
    -------
    choice : [project] int, an alternative index, or ``OUTSIDE`` (-1).
    park_remaining : [park] free land after admission (a new array).
    """
    n = len(land_need)
    remaining = np.array(park_remaining, dtype=float, copy=True)
    utility = np.array(utility, dtype=float, copy=True)
    n_parks = len(remaining)
    choice = np.full(n, OUTSIDE, dtype=np.int64)
    pending = np.arange(n)
    # A park whose free land is below a project's need is not in that project's choice set.
    utility[:, n_units:] = np.where(land_need[:, None] > remaining[None, :], -np.inf, utility[:, n_units:])
    for _ in range(n_parks + 1):
        if len(pending) == 0:
            break
        probabilities = nested_logit_probabilities(utility[pending], outside_utility[pending], nest_parameter)
        drawn = draw_choices(probabilities, rng)
        drawn = np.where(drawn == probabilities.shape[1] - 1, OUTSIDE, drawn)
        choice[pending] = drawn
        order = rng.permutation(len(pending))
        redraw = np.zeros(len(pending), dtype=bool)
        for k in range(n_parks):
            takers = order[drawn[order] == n_units + k]
            if len(takers) == 0:
                continue
            fits = np.cumsum(land_need[pending[takers]]) <= remaining[k]
            # Admission stops at the first project that does not fit: the park is full for this year.
            admitted = takers[np.cumsum(~fits) == 0]
            remaining[k] -= land_need[pending[admitted]].sum()
            rejected = takers[len(admitted):]
            if len(rejected):
                redraw[rejected] = True
                utility[:, n_units + k] = -np.inf
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


def stage_at_age(age: np.ndarray, construction_years: int, n_ramp: int, is_closed: np.ndarray) -> np.ndarray:
    """(T7): ``[project]`` stage code (position in ``STAGES``)."""
    age = np.asarray(age)
    stage = np.select(
        [age <= 0, age <= construction_years, age <= construction_years + n_ramp],
        [0, 1, 2], default=3,
    )
    return np.where(is_closed, 4, stage)


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


def expected_project_investment_share(
    arrival_rate: FloatArray, located_share: FloatArray, mean_size: FloatArray, region_value_added: FloatArray
) -> FloatArray:
    """(T12): ``[sector]`` investment the base-year arrival rates bring, as a share of the region's base-year
    value added, ``sum_o lambda_os share_o m_s / Y_s`` (0 where a sector has no value added).

    Parameters
    ----------
    arrival_rate : [origin, sector] projects per year. located_share : [origin].
    mean_size : [sector] 亿元 (2021 prices). region_value_added : [sector] 亿元 (2021 prices).
    """
    located = (arrival_rate * located_share[:, None]).sum(axis=0) * mean_size
    return np.divide(located, region_value_added, out=np.zeros_like(located), where=region_value_added > 0)


def incumbent_investment_rate(
    investment_rate: FloatArray, expected_share: FloatArray, schedule: FloatArray, years_since_start: int
) -> FloatArray:
    """(T12): ``[sector]`` the incumbents' rate ``s_s`` less the expected project share, phased in by the
    cumulative capacity ``C`` (``schedule``, T7) that projects arriving from the first simulated year reach."""
    filled = schedule[min(max(years_since_start - 1, 0), len(schedule) - 1)]
    return np.maximum(investment_rate - expected_share * filled, 0.0)
