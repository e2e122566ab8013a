"""Incentive competition between neighbouring units and its coordination (ODD 7.19, issue 10 item 2).

Each city agent sets next year's package instrument ``x`` (the land discount ``d`` and the tax rebate
``rho`` of T8, each by the same rule) as a best response to its neighbours' packages of the year just ended,
under its budget, and within the regime bounds of (T8) and any coordination in force:

    (C1)  x^BR_c,t+1 = (1 - r) * x0_c + r * xbar_N(c),t + eta_I * (g* - g_c,t)
          xbar_N(c),t = mean over the neighbours N(c) of their packages x_n,t (units whose base-year travel
          time to c is at most H hours; a unit without neighbours responds to its own package);
          r the reaction to neighbours (Tao, Gong & Zhu 2023: 0.87 to neighbours' CIT cuts, adjacent counties
          only, evidence.md §4); x0_c the scenario's package (the level neither neighbours nor growth push);
          eta_I and the growth gap as in (T9)
    (C2)  budget: with Inc_c,t the incentive cost of the year (B6) and R_c,t the city-level revenue after
          sharing, a package that cost more than the share b of revenue is scaled down:
              x_c,t+1 = x^BR_c,t+1 * min(1, b * R_c,t / Inc_c,t)
    (C3)  coordination from year t_K (plan §二十五 统一的招商引资政策; 公平竞争审查): ``cap`` bounds every unit
          by the common package x_K, ``common`` sets every unit to it; then the bounds of (T8):
              x_c,t+1 = clip(x_c,t+1, 0, xmax_c(t+1))      and, with ``common``, x_c,t+1 = min(x_K, xmax_c(t+1))

    (C4)  the cost of the packages (rebates and land discounts, B6) is paid for a share f_I out of the unit's
          planned public investment (B4 of ``mechanisms.budget``) and borrowed for the rest, so what
          coordination saves funds public investment.

With r < 1 the neighbours' game has a unique fixed point; with r = 0.87 a common push (the growth gap) is
amplified about 1 / (1 - r) = 7.7 times until the bounds or budgets bind: the race that coordination stops.
"""

from __future__ import annotations

import numpy as np

FloatArray = np.ndarray

COORDINATION: tuple[str, ...] = ("none", "cap", "common")


def neighbours(travel_times: FloatArray, max_hours: float) -> np.ndarray:
    """``[unit, unit]`` bool: n is a neighbour of c when their travel time is at most ``max_hours`` (c excluded)."""
    close = np.asarray(travel_times, dtype=float) <= max_hours
    np.fill_diagonal(close, False)
    return close


def neighbour_mean(packages: FloatArray, is_neighbour: np.ndarray) -> FloatArray:
    """(C1) ``[unit]`` mean package of each unit's neighbours; a unit without neighbours gets its own."""
    count = is_neighbour.sum(axis=1)
    total = is_neighbour.astype(float) @ packages
    return np.where(count > 0, total / np.maximum(count, 1), packages)


def best_response(reference: float, neighbour_package: float, reaction: float, adjustment: float,
                  growth_gap: float) -> float:
    """(C1): one unit's best-response package before its budget and the bounds."""
    return (1.0 - reaction) * reference + reaction * neighbour_package + adjustment * growth_gap


def budget_scale(incentive_cost: float, revenue: float, budget_share: float) -> float:
    """(C2): the factor (<= 1) that brings a package costing ``incentive_cost`` within ``budget_share`` of
    ``revenue``."""
    limit = budget_share * max(revenue, 0.0)
    if incentive_cost <= limit or incentive_cost <= 0.0:
        return 1.0
    return limit / incentive_cost


def coordinate(package: float, common: float, coordination: str, in_force: bool, upper: float) -> float:
    """(C3): the package after coordination (``cap`` or ``common`` when ``in_force``) and the bounds [0, upper]."""
    if coordination not in COORDINATION:
        raise ValueError(f"coordination must be one of {COORDINATION}, got {coordination!r}")
    if in_force and coordination == "common":
        return float(min(common, upper))
    if in_force and coordination == "cap":
        package = min(package, common)
    return float(np.clip(package, 0.0, upper))
