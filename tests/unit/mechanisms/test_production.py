"""Production (ODD 7.2): hand-computed 2-city x 2-sector cases for (P1)-(P6), edge cases and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cnyx_sim.mechanisms import production

# Sector 0 has alpha = 1/2, sector 1 alpha = 1/4, so the powers below are exact.
ALPHA = np.array([0.5, 0.25])


def test_value_added_is_cobb_douglas_p1_hand_computed():
    tfp = np.array([[2.0, 1.0], [1.0, 3.0]])
    capital = np.array([[4.0, 16.0], [9.0, 81.0]])
    employment = np.array([[1.0, 16.0], [4.0, 1.0]])
    expected = np.array([
        [2.0 * 2.0 * 1.0, 1.0 * 2.0 * 8.0],  # 4^0.5 * 1^0.5 ; 16^0.25 * 16^0.75
        [1.0 * 3.0 * 2.0, 3.0 * 3.0 * 1.0],  # 9^0.5 * 4^0.5 ; 81^0.25 * 1^0.75
    ])
    np.testing.assert_allclose(production.value_added(tfp, capital, employment, ALPHA), expected, rtol=1e-14)


def test_value_added_is_zero_without_capital_or_without_workers():
    tfp = np.ones((2, 2))
    capital = np.array([[0.0, 16.0], [9.0, 81.0]])
    employment = np.array([[1.0, 16.0], [4.0, 0.0]])
    y = production.value_added(tfp, capital, employment, ALPHA)
    assert y[0, 0] == 0.0
    assert y[1, 1] == 0.0
    assert y[0, 1] > 0 and y[1, 0] > 0


@given(scale=st.floats(0.1, 10.0))
@settings(max_examples=25, deadline=None)
def test_value_added_has_constant_returns_to_scale_in_capital_and_labour(scale):
    tfp = np.array([[1.3, 0.7], [2.0, 1.1]])
    capital = np.array([[5.0, 2.0], [7.0, 3.0]])
    employment = np.array([[1.5, 0.5], [2.5, 4.0]])
    base = production.value_added(tfp, capital, employment, ALPHA)
    scaled = production.value_added(tfp, scale * capital, scale * employment, ALPHA)
    np.testing.assert_allclose(scaled, scale * base, rtol=1e-12)


def test_tfp_p2_scales_trend_by_localisation_and_public_capital_hand_computed():
    trend = np.array([[1.0, 2.0], [3.0, 4.0]])
    employment = np.array([[2.0, 1.0], [1.0, 1.0]])
    employment_base = np.array([[1.0, 1.0], [1.0, 2.0]])
    public_index = np.array([4.0, 1.0])
    tfp = production.total_factor_productivity(trend, employment, employment_base, public_index, 0.5, 0.5)
    expected = np.array([
        [1.0 * math.sqrt(2.0) * 2.0, 2.0 * 1.0 * 2.0],
        [3.0 * 1.0 * 1.0, 4.0 * math.sqrt(0.5) * 1.0],
    ])
    np.testing.assert_allclose(tfp, expected, rtol=1e-14)


def test_tfp_p2_equals_trend_at_base_year_inputs():
    trend = np.array([[1.7, 0.3], [2.2, 5.0]])
    employment = np.array([[2.0, 1.0], [3.0, 0.5]])
    tfp = production.total_factor_productivity(trend, employment, employment.copy(), np.ones(2), 0.02, 0.08)
    np.testing.assert_allclose(tfp, trend, rtol=1e-15)


def test_tfp_p2_ignores_localisation_where_the_sector_had_no_base_employment():
    trend = np.ones((2, 2))
    employment = np.array([[5.0, 0.0], [1.0, 1.0]])
    employment_base = np.array([[0.0, 0.0], [1.0, 1.0]])
    tfp = production.total_factor_productivity(trend, employment, employment_base, np.ones(2), 0.5, 0.0)
    np.testing.assert_allclose(tfp, np.ones((2, 2)))


def test_tfp_p2_stays_finite_and_non_negative_when_a_sector_loses_all_workers():
    trend = np.ones((1, 2))
    employment = np.array([[0.0, 1.0]])
    employment_base = np.array([[1.0, 1.0]])
    tfp = production.total_factor_productivity(trend, employment, employment_base, np.ones(1), 0.02, 0.08)
    assert np.all(np.isfinite(tfp)) and np.all(tfp >= 0)


def test_tfp_growth_p4_halves_the_gap_to_long_run_every_half_life():
    initial = np.array([0.05, 0.01])
    np.testing.assert_allclose(production.tfp_growth_rate(initial, 0.01, 0, 8.0), [0.05, 0.01], rtol=1e-14)
    np.testing.assert_allclose(production.tfp_growth_rate(initial, 0.01, 8, 8.0), [0.03, 0.01], rtol=1e-14)
    np.testing.assert_allclose(production.tfp_growth_rate(initial, 0.01, 16, 8.0), [0.02, 0.01], rtol=1e-14)
    # a city starting below the long-run rate converges from below
    np.testing.assert_allclose(production.tfp_growth_rate(np.array([-0.01]), 0.01, 4, 4.0), [0.0], atol=1e-15)


def test_tfp_trend_p3_without_shocks_grows_at_each_city_and_sector_rate():
    trend = np.array([[1.0, 2.0], [3.0, 4.0]])
    growth = np.array([[0.1, 0.02], [-0.05, 0.0]])
    shocks = production.tfp_shocks(trend.shape, 0.0, 0.0, 0.0, np.random.default_rng(0))
    out = production.next_tfp_trend(trend, growth, shocks)
    np.testing.assert_allclose(out, trend * np.exp(growth), rtol=1e-14)
    # and does not mutate its input
    np.testing.assert_array_equal(trend, [[1.0, 2.0], [3.0, 4.0]])


def test_tfp_shocks_p3_are_common_plus_unit_plus_cell_draws_in_that_order_from_the_given_stream():
    shocks = production.tfp_shocks((2, 3), 0.1, 0.2, 0.3, np.random.default_rng(42))
    rng = np.random.default_rng(42)
    common, unit, cell = rng.standard_normal(), rng.standard_normal(2), rng.standard_normal((2, 3))
    np.testing.assert_allclose(shocks, 0.1 * common + 0.2 * unit[:, None] + 0.3 * cell, rtol=1e-14)


def test_tfp_shocks_p3_zero_sds_draw_the_same_numbers_so_other_terms_are_unchanged():
    with_all = production.tfp_shocks((2, 3), 0.1, 0.2, 0.0, np.random.default_rng(7))
    only_common = production.tfp_shocks((2, 3), 0.1, 0.0, 0.0, np.random.default_rng(7))
    only_unit = production.tfp_shocks((2, 3), 0.0, 0.2, 0.0, np.random.default_rng(7))
    np.testing.assert_allclose(with_all, only_common + only_unit, rtol=1e-14)
    # the common term is the same in every cell, the unit term the same across a unit's sectors
    assert np.ptp(only_common) == 0.0
    assert np.all(np.ptp(only_unit, axis=1) == 0.0) and np.ptp(only_unit[:, 0]) > 0


def test_tfp_shock_sds_p3_match_their_parameters_over_many_draws():
    rng = np.random.default_rng(3)
    draws = np.array([production.tfp_shocks((4, 2), 0.02, 0.01, 0.0, rng) for _ in range(20_000)])
    common = draws.mean(axis=(1, 2))  # unit terms average out only partly: var = c^2 + u^2 / 4
    assert np.sqrt(np.var(common)) == pytest.approx(np.sqrt(0.02**2 + 0.01**2 / 4), rel=0.03)
    within = draws[:, :, 0] - draws[:, :, 0].mean(axis=1, keepdims=True)  # removes the common term
    assert np.sqrt(np.var(within) * 4 / 3) == pytest.approx(0.01, rel=0.03)


def test_tfp_level_p5_hand_computed_and_reproduces_value_added():
    va = np.array([[12.0, 32.0], [6.0, 9.0]])
    capital = np.array([[4.0, 16.0], [9.0, 81.0]])
    employment = np.array([[9.0, 16.0], [4.0, 1.0]])
    tfp = production.calibrate_tfp_level(va, capital, employment, ALPHA)
    # 12 / (2 * 3) ; 32 / (2 * 8) ; 6 / (3 * 2) ; 9 / (3 * 1)
    np.testing.assert_allclose(tfp, [[2.0, 2.0], [1.0, 3.0]], rtol=1e-14)
    np.testing.assert_allclose(production.value_added(tfp, capital, employment, ALPHA), va, rtol=1e-14)


def test_tfp_level_p5_is_zero_where_there_is_no_capital_or_no_workers():
    va = np.array([[0.0, 5.0], [3.0, 0.0]])
    capital = np.array([[0.0, 4.0], [1.0, 2.0]])
    employment = np.array([[1.0, 1.0], [1.0, 0.0]])
    tfp = production.calibrate_tfp_level(va, capital, employment, ALPHA)
    assert tfp[0, 0] == 0.0 and tfp[1, 1] == 0.0
    assert np.all(np.isfinite(tfp))


@given(
    va=hnp.arrays(np.float64, (3, 4), elements=st.floats(0.1, 1e4)),
    capital=hnp.arrays(np.float64, (3, 4), elements=st.floats(0.1, 1e5)),
    employment=hnp.arrays(np.float64, (3, 4), elements=st.floats(0.01, 500.0)),
    alpha=hnp.arrays(np.float64, 4, elements=st.floats(0.05, 0.95)),
)
@settings(max_examples=30, deadline=None)
def test_tfp_calibration_p5_reproduces_any_positive_base_year(va, capital, employment, alpha):
    tfp = production.calibrate_tfp_level(va, capital, employment, alpha)
    np.testing.assert_allclose(production.value_added(tfp, capital, employment, alpha), va, rtol=1e-10)


def test_tfp_growth_p6_is_the_growth_accounting_residual_hand_computed():
    historical = np.array([0.08, 0.06])
    va = np.array([[30.0, 10.0], [20.0, 20.0]])
    capital_growth = np.array([[0.04, 0.08], [0.02, 0.0]])
    employment_growth = np.array([0.01, -0.01])
    g0 = production.calibrate_tfp_growth(historical, va, capital_growth, employment_growth, ALPHA)
    # city 0: 0.75*(0.5*0.04 + 0.5*0.01) + 0.25*(0.25*0.08 + 0.75*0.01) = 0.025625
    # city 1: 0.5*(0.5*0.02 - 0.5*0.01) + 0.5*(0.25*0 - 0.75*0.01) = -0.00125
    np.testing.assert_allclose(g0, [0.08 - 0.025625, 0.06 + 0.00125], rtol=1e-12)


def test_tfp_growth_p6_equals_historical_growth_when_inputs_do_not_grow():
    historical = np.array([0.07, 0.03])
    va = np.array([[1.0, 2.0], [3.0, 4.0]])
    g0 = production.calibrate_tfp_growth(historical, va, np.zeros((2, 2)), np.zeros(2), ALPHA)
    np.testing.assert_allclose(g0, historical, rtol=1e-15)


def test_tfp_growth_p6_weights_each_citys_sectors_by_its_own_value_added_hand_computed():
    # Unequal city sizes, three sectors: omega is each city's own VA share (a weight over the wrong axis, or by
    # the other city's total, gives another number or no broadcast at all).
    alpha = np.array([0.5, 0.25, 0.0])
    va = np.array([[10.0, 30.0, 60.0], [5.0, 5.0, 0.0]])
    capital_growth = np.array([[0.1, 0.2, 0.3], [0.4, 0.0, 0.0]])
    g0 = production.calibrate_tfp_growth(np.array([0.1, 0.1]), va, capital_growth, np.array([0.02, 0.0]), alpha)
    # city 0: 0.1*(0.05 + 0.01) + 0.3*(0.05 + 0.015) + 0.6*(0 + 0.02) = 0.0375; city 1: 0.5*0.2 + 0.5*0 = 0.1
    np.testing.assert_allclose(g0, [0.1 - 0.0375, 0.0], rtol=1e-12, atol=1e-15)


def test_tfp_trend_p3_adds_the_shocks_to_the_growth_rate_in_logs_hand_computed():
    trend = np.array([[1.0, 2.0]])
    out = production.next_tfp_trend(trend, np.array([[0.02, 0.01]]), np.array([[0.03, -0.05]]))
    np.testing.assert_allclose(out, [[math.exp(0.05), 2.0 * math.exp(-0.04)]], rtol=1e-14)
