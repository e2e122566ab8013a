"""Population: natural change and migration among the units and to/from the cores and the coast (ODD 7.5).

Nodes are the region's units ``c`` and external nodes ``e`` (``chengdu``, ``chongqing_core``,
``east_coast``). Each year a share ``mu`` of a unit's residents considers moving and picks a destination
(or stays) by a multinomial logit on real wages:

    (N2)  V_od = kappa * ln(omega_d / omega_o) - b * B_od + a_d,        d in units ∪ externals (d = o: stay)
          P_od = exp(V_od) / sum_k exp(V_ok),        F_od = mu * N_o * P_od   (o != d)
    (N3)  V_ed = kappa * ln(omega_d / omega_e) - b * B_ed + a_d,        d in units, plus "stay out" (a_e)
          F_ed = Lambda_e * exp(V_ed) / (exp(a_e) + sum_k exp(V_ek))
    (N4)  M_c = sum_o F_oc + sum_e F_ec - sum_d F_cd                     net migration, 万人
    (N1)  N_c,t+1 = N_c,t * (1 + n_t) + M_c,t

``omega`` is the real wage (L4 divided by the deflator), ``B_od`` = 1 when origin and destination lie in
different provinces (the Sichuan-Chongqing border effect), ``n_t`` the natural growth rate.

Calibration (N5): no data on gross flows between these units exist in the project's data, so the
alternative-specific constants ``a`` and the external pools ``Lambda_e`` are set so that at base-year wages
every unit's inflow equals its outflow and each external link is balanced. Migration in projection years is
therefore the response to *changes* in relative real wages after 2021 (an assumption, stated in
docs/model.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FloatArray = np.ndarray


@dataclass(frozen=True)
class MigrationSystem:
    """Calibrated constants of (N2)-(N3).

    Attributes
    ----------
    unit_constants : [city] a_d for the units.
    external_constants : [external] a_e (fixed at 0: the normalisation).
    external_pools : [external] Lambda_e, 万人 considering a move into the region each year.
    border_unit_unit : [city, city] B_od.
    border_external_unit : [external, city] B_ed.
    """

    unit_constants: FloatArray
    external_constants: FloatArray
    external_pools: FloatArray
    border_unit_unit: FloatArray
    border_external_unit: FloatArray


def _unit_origin_probabilities(
    log_wage_units: FloatArray,
    log_wage_external: FloatArray,
    system: MigrationSystem,
    wage_elasticity: float,
    border_penalty: float,
) -> tuple[FloatArray, FloatArray]:
    """(N2): probabilities ``[o, d_unit]`` and ``[o, e]`` for movers from each unit (rows sum to 1)."""
    v_units = (
        wage_elasticity * (log_wage_units[None, :] - log_wage_units[:, None])
        - border_penalty * system.border_unit_unit
        + system.unit_constants[None, :]
    )
    v_external = (
        wage_elasticity * (log_wage_external[None, :] - log_wage_units[:, None])
        - border_penalty * system.border_external_unit.T
        + system.external_constants[None, :]
    )
    peak = np.maximum(v_units.max(axis=1), v_external.max(axis=1))[:, None]
    e_units, e_external = np.exp(v_units - peak), np.exp(v_external - peak)
    denominator = e_units.sum(axis=1, keepdims=True) + e_external.sum(axis=1, keepdims=True)
    return e_units / denominator, e_external / denominator


def _external_origin_probabilities(
    log_wage_units: FloatArray,
    log_wage_external: FloatArray,
    system: MigrationSystem,
    wage_elasticity: float,
    border_penalty: float,
) -> FloatArray:
    """(N3): ``[e, d_unit]`` probabilities that a mover from node e picks unit d."""
    v = (
        wage_elasticity * (log_wage_units[None, :] - log_wage_external[:, None])
        - border_penalty * system.border_external_unit
        + system.unit_constants[None, :]
    )
    stay = system.external_constants[:, None]
    peak = np.maximum(v.max(axis=1, keepdims=True), stay)
    e_v, e_stay = np.exp(v - peak), np.exp(stay - peak)
    return e_v / (e_stay + e_v.sum(axis=1, keepdims=True))


def migration_flows(
    population: FloatArray,
    real_wage_units: FloatArray,
    real_wage_external: FloatArray,
    system: MigrationSystem,
    mobile_share: float,
    wage_elasticity: float,
    border_penalty: float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Gross flows of (N2)-(N3), 万人.

    Returns
    -------
    unit_to_unit : [o, d] flows between units (diagonal = 0).
    unit_to_external : [o, e] flows from units to external nodes.
    external_to_unit : [e, d] flows from external nodes into units.
    """
    log_units, log_external = np.log(real_wage_units), np.log(real_wage_external)
    p_units, p_external = _unit_origin_probabilities(
        log_units, log_external, system, wage_elasticity, border_penalty
    )
    movers = mobile_share * population
    unit_to_unit = movers[:, None] * p_units
    np.fill_diagonal(unit_to_unit, 0.0)
    unit_to_external = movers[:, None] * p_external
    p_in = _external_origin_probabilities(log_units, log_external, system, wage_elasticity, border_penalty)
    external_to_unit = system.external_pools[:, None] * p_in
    return unit_to_unit, unit_to_external, external_to_unit


def net_migration(
    unit_to_unit: FloatArray, unit_to_external: FloatArray, external_to_unit: FloatArray
) -> FloatArray:
    """Equation (N4), ``[city]`` 万人."""
    inflow = unit_to_unit.sum(axis=0) + external_to_unit.sum(axis=0)
    outflow = unit_to_unit.sum(axis=1) + unit_to_external.sum(axis=1)
    return inflow - outflow


def next_population(population: FloatArray, natural_growth_rate: float, migration: FloatArray) -> FloatArray:
    """Equation (N1); never negative."""
    return np.maximum(population * (1.0 + natural_growth_rate) + migration, 0.0)


def calibrate_migration(
    population: FloatArray,
    real_wage_units: FloatArray,
    real_wage_external: FloatArray,
    border_unit_unit: FloatArray,
    border_external_unit: FloatArray,
    mobile_share: float,
    wage_elasticity: float,
    border_penalty: float,
    tolerance: float = 1e-12,
    max_iterations: int = 2000,
) -> MigrationSystem:
    """Equation (N5): constants that balance every unit's and every external link's base-year flows.

    A damped fixed-point iteration: ``a_d += 0.5 * ln(outflow_d / inflow_d)`` (raising ``a_d`` raises
    inflows to d and lowers its outflow), with ``Lambda_e`` set each round so that node e sends the region
    as many people as it receives from it.
    """
    n_cities, n_external = len(population), len(real_wage_external)
    system = MigrationSystem(
        unit_constants=np.zeros(n_cities),
        external_constants=np.zeros(n_external),
        external_pools=np.zeros(n_external),
        border_unit_unit=border_unit_unit,
        border_external_unit=border_external_unit,
    )
    if mobile_share <= 0.0 or not np.any(population > 0):
        # Nobody moves: every flow is zero whatever the constants, so there is nothing to balance.
        return system
    log_units, log_external = np.log(real_wage_units), np.log(real_wage_external)
    for _ in range(max_iterations):
        p_in = _external_origin_probabilities(log_units, log_external, system, wage_elasticity, border_penalty)
        u2u, u2e, _ = migration_flows(
            population, real_wage_units, real_wage_external, system, mobile_share, wage_elasticity, border_penalty
        )
        pools = u2e.sum(axis=0) / np.maximum(p_in.sum(axis=1), 1e-300)
        system = MigrationSystem(
            system.unit_constants, system.external_constants, pools, border_unit_unit, border_external_unit
        )
        e2u = pools[:, None] * p_in
        inflow = u2u.sum(axis=0) + e2u.sum(axis=0)
        outflow = u2u.sum(axis=1) + u2e.sum(axis=1)
        gap = np.log(outflow / inflow)
        if np.max(np.abs(gap)) < tolerance:
            break
        system = MigrationSystem(
            system.unit_constants + 0.5 * gap,
            system.external_constants,
            pools,
            border_unit_unit,
            border_external_unit,
        )
    return system
