"""Population and migration (ODD 7.5): hand-computed (N1)-(N4), the calibration (N5), conservation properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnyx_sim.mechanisms import population as pop

E = math.e

# Two units in different provinces and one external node in unit 1's province. Log wages 0, 1 (units), 2.
POPULATION = np.array([100.0, 200.0])
WAGES_UNITS = np.array([1.0, E])
WAGES_EXTERNAL = np.array([E**2])
BORDER_UU = np.array([[0.0, 1.0], [1.0, 0.0]])
BORDER_EU = np.array([[1.0, 0.0]])
MU, KAPPA, B = 0.1, 1.0, 1.0


def decimal(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats with at most 6 decimals: no tiny magnitudes whose products underflow (the suite raises on it)."""
    return st.floats(low, high).map(lambda x: round(x, 6))


def hand_system(pool: float = 50.0) -> pop.MigrationSystem:
    return pop.MigrationSystem(
        unit_constants=np.zeros(2),
        external_constants=np.zeros(1),
        external_pools=np.array([pool]),
        border_unit_unit=BORDER_UU,
        border_external_unit=BORDER_EU,
    )


def hand_flows():
    """(N2)-(N3) by hand. Utilities V (stay, other unit, external):

    from unit 0 (ln w = 0): stay 0; to unit 1: 1*(1-0) - 1 = 0; to external: 1*(2-0) - 1 = 1
    from unit 1 (ln w = 1): stay 0; to unit 0: 1*(0-1) - 1 = -2; to external: 1*(2-1) - 0 = 1
    from the external node (ln w = 2): to unit 0: (0-2) - 1 = -3; to unit 1: (1-2) - 0 = -1; stay out: 0
    """
    movers = MU * POPULATION  # [10, 20]
    d0 = 1.0 + 1.0 + E
    d1 = 1.0 + math.exp(-2.0) + E
    u2u = np.array([[0.0, movers[0] * 1.0 / d0], [movers[1] * math.exp(-2.0) / d1, 0.0]])
    u2e = np.array([[movers[0] * E / d0], [movers[1] * E / d1]])
    de = 1.0 + math.exp(-3.0) + math.exp(-1.0)
    e2u = 50.0 * np.array([[math.exp(-3.0) / de, math.exp(-1.0) / de]])
    return u2u, u2e, e2u


def test_migration_flows_n2_n3_hand_computed():
    u2u, u2e, e2u = pop.migration_flows(POPULATION, WAGES_UNITS, WAGES_EXTERNAL, hand_system(), MU, KAPPA, B)
    exp_u2u, exp_u2e, exp_e2u = hand_flows()
    np.testing.assert_allclose(u2u, exp_u2u, rtol=1e-13)
    np.testing.assert_allclose(u2e, exp_u2e, rtol=1e-13)
    np.testing.assert_allclose(e2u, exp_e2u, rtol=1e-13)


def test_net_migration_n4_hand_computed():
    u2u, u2e, e2u = hand_flows()
    net = pop.net_migration(u2u, u2e, e2u)
    expected = np.array([
        u2u[1, 0] + e2u[0, 0] - u2u[0, 1] - u2e[0, 0],
        u2u[0, 1] + e2u[0, 1] - u2u[1, 0] - u2e[1, 0],
    ])
    np.testing.assert_allclose(net, expected, rtol=1e-13)


def test_unit_constants_shift_movers_toward_the_favoured_unit():
    base = hand_system()
    favoured = pop.MigrationSystem(np.array([0.0, 1.0]), base.external_constants, base.external_pools,
                                   BORDER_UU, BORDER_EU)
    u2u_base, _, e2u_base = pop.migration_flows(POPULATION, WAGES_UNITS, WAGES_EXTERNAL, base, MU, KAPPA, B)
    u2u_fav, _, e2u_fav = pop.migration_flows(POPULATION, WAGES_UNITS, WAGES_EXTERNAL, favoured, MU, KAPPA, B)
    assert u2u_fav[0, 1] > u2u_base[0, 1]
    assert u2u_fav[1, 0] < u2u_base[1, 0]
    assert e2u_fav[0, 1] > e2u_base[0, 1]


def test_next_population_n1_hand_computed_and_never_negative():
    out = pop.next_population(np.array([100.0, 10.0]), -0.01, np.array([2.0, -20.0]))
    np.testing.assert_allclose(out, [101.0, 0.0], rtol=1e-14)


def test_no_movers_means_only_natural_change():
    u2u, u2e, e2u = pop.migration_flows(POPULATION, WAGES_UNITS, WAGES_EXTERNAL, hand_system(pool=0.0),
                                        0.0, KAPPA, B)
    net = pop.net_migration(u2u, u2e, e2u)
    np.testing.assert_array_equal(net, np.zeros(2))
    np.testing.assert_allclose(pop.next_population(POPULATION, 0.01, net), POPULATION * 1.01)


# ------------------------------------------------------------------------------------------ properties
def _random_geography(draw, n_units: int, n_external: int):
    province = np.array(draw(st.lists(st.integers(0, 1), min_size=n_units, max_size=n_units)))
    border_uu = (province[:, None] != province[None, :]).astype(float)
    ext_province = np.array(draw(st.lists(st.integers(0, 2), min_size=n_external, max_size=n_external)))
    border_eu = (ext_province[:, None] != province[None, :]).astype(float)
    return border_uu, border_eu


@st.composite
def migration_cases(draw):
    n_units, n_external = draw(st.integers(2, 5)), draw(st.integers(1, 3))
    population = np.array(draw(st.lists(st.floats(10.0, 1000.0), min_size=n_units, max_size=n_units)))
    wages = np.array(draw(st.lists(st.floats(0.5, 2.0), min_size=n_units, max_size=n_units)))
    external = np.array(draw(st.lists(st.floats(0.8, 2.5), min_size=n_external, max_size=n_external)))
    border_uu, border_eu = _random_geography(draw, n_units, n_external)
    mobile_share = draw(st.floats(0.01, 0.1))
    elasticity = draw(decimal(0.0, 3.0))
    penalty = draw(decimal(0.0, 1.0))
    return population, wages, external, border_uu, border_eu, mobile_share, elasticity, penalty


@given(case=migration_cases())
@settings(max_examples=25, deadline=None)
def test_calibrated_system_n5_has_zero_net_migration_and_balanced_external_links_at_base_wages(case):
    population, wages, external, border_uu, border_eu, mu, kappa, b = case
    system = pop.calibrate_migration(population, wages, external, border_uu, border_eu, mu, kappa, b)
    u2u, u2e, e2u = pop.migration_flows(population, wages, external, system, mu, kappa, b)
    movers = mu * population
    net = pop.net_migration(u2u, u2e, e2u)
    np.testing.assert_allclose(net / movers, 0.0, atol=1e-9)
    np.testing.assert_allclose(e2u.sum(axis=1), u2e.sum(axis=0), rtol=1e-9)
    np.testing.assert_array_equal(system.external_constants, np.zeros(len(external)))
    assert np.all(system.external_pools >= 0)


@given(case=migration_cases(), shift=decimal(-0.5, 0.5), pools=decimal(0.0, 100.0))
@settings(max_examples=40, deadline=None)
def test_migration_conserves_people(case, shift, pools):
    population, wages, external, border_uu, border_eu, mu, kappa, b = case
    n_units, n_external = len(population), len(external)
    rng = np.random.default_rng(len(population))
    system = pop.MigrationSystem(rng.normal(0.0, 0.5, n_units), np.zeros(n_external), np.full(n_external, pools),
                                 border_uu, border_eu)
    u2u, u2e, e2u = pop.migration_flows(population, wages * np.exp(shift), external, system, mu, kappa, b)
    assert np.all(u2u >= 0) and np.all(u2e >= 0) and np.all(e2u >= 0)
    np.testing.assert_array_equal(np.diag(u2u), np.zeros(n_units))
    # every internal move leaves one unit and arrives in another
    assert u2u.sum(axis=0).sum() == pytest.approx(u2u.sum(axis=1).sum(), rel=1e-12)
    # region net migration = external in - external out
    net = pop.net_migration(u2u, u2e, e2u)
    assert net.sum() == pytest.approx(e2u.sum() - u2e.sum(), rel=1e-9, abs=1e-9)
    # nobody leaves who was not a mover, and an external node sends at most its pool
    assert np.all(u2u.sum(axis=1) + u2e.sum(axis=1) <= mu * population * (1 + 1e-12))
    assert np.all(e2u.sum(axis=1) <= pools * (1 + 1e-12) + 1e-12)


def test_calibrated_system_responds_to_a_wage_rise_by_attracting_people():
    population, wages, external = np.array([150.0, 250.0, 80.0]), np.array([1.0, 1.2, 0.8]), np.array([1.5, 1.6])
    border_uu = np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=float)
    border_eu = np.array([[0, 1, 1], [1, 1, 1]], dtype=float)
    system = pop.calibrate_migration(population, wages, external, border_uu, border_eu, 0.04, 1.5, 0.2)
    raised = wages * np.array([1.1, 1.0, 1.0])
    net = pop.net_migration(*pop.migration_flows(population, raised, external, system, 0.04, 1.5, 0.2))
    assert net[0] > 0 and net[1] < 0 and net[2] < 0


def test_calibration_without_movers_gives_a_finite_system_and_no_flows():
    system = pop.calibrate_migration(POPULATION, WAGES_UNITS, WAGES_EXTERNAL, BORDER_UU, BORDER_EU, 0.0, KAPPA, B)
    assert np.all(np.isfinite(system.unit_constants)) and np.all(np.isfinite(system.external_pools))
    flows = pop.migration_flows(POPULATION, WAGES_UNITS, WAGES_EXTERNAL, system, 0.0, KAPPA, B)
    np.testing.assert_array_equal(pop.net_migration(*flows), np.zeros(2))


def test_migration_flows_n2_n3_with_constants_elasticity_and_penalty_written_out_in_loops():
    # Every term of (N2)-(N3) non-trivial: unit constants, a non-zero external constant (the stay-out option of
    # N3 and the external alternative of N2), kappa != 1, b != 1; computed alternative by alternative.
    a_unit, a_ext, kappa, b, mu = [0.2, -0.1], [0.5], 2.0, 0.5, 0.1
    system = pop.MigrationSystem(np.array(a_unit), np.array(a_ext), np.array([50.0]), BORDER_UU, BORDER_EU)
    log_w, log_e = [0.0, 1.0], [2.0]
    u2u, u2e, e2u = pop.migration_flows(POPULATION, WAGES_UNITS, WAGES_EXTERNAL, system, mu, kappa, b)
    for o in range(2):
        v_units = [kappa * (log_w[d] - log_w[o]) - b * BORDER_UU[o, d] + a_unit[d] for d in range(2)]
        v_ext = kappa * (log_e[0] - log_w[o]) - b * BORDER_EU[0, o] + a_ext[0]
        total = sum(math.exp(v) for v in v_units) + math.exp(v_ext)
        for d in range(2):
            expected = 0.0 if d == o else mu * POPULATION[o] * math.exp(v_units[d]) / total
            assert u2u[o, d] == pytest.approx(expected, rel=1e-12)
        assert u2e[o, 0] == pytest.approx(mu * POPULATION[o] * math.exp(v_ext) / total, rel=1e-12)
    v_in = [kappa * (log_w[d] - log_e[0]) - b * BORDER_EU[0, d] + a_unit[d] for d in range(2)]
    total_in = math.exp(a_ext[0]) + sum(math.exp(v) for v in v_in)
    for d in range(2):
        assert e2u[0, d] == pytest.approx(50.0 * math.exp(v_in[d]) / total_in, rel=1e-12)
