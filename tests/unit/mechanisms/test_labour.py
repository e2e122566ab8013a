"""Employment and wages (ODD 7.4): hand-computed cases for (L1)-(L4), the base-year allocation, properties."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cnyx_sim.mechanisms import labour

ALPHA = np.array([0.5, 0.25])
VA = np.array([[10.0, 30.0], [20.0, 20.0]])


def test_total_employment_l1_hand_computed():
    np.testing.assert_allclose(labour.total_employment(np.array([100.0, 50.0]), 0.5), [50.0, 25.0])


def test_total_employment_l1_is_zero_for_an_empty_city():
    assert labour.total_employment(np.array([0.0]), 0.55)[0] == 0.0


def test_initial_shares_proportional_to_intensity_times_value_added():
    shares = labour.initial_sector_shares(VA, np.array([3.0, 1.0]))
    # weights [[30, 30], [60, 20]]
    np.testing.assert_allclose(shares, [[0.5, 0.5], [0.75, 0.25]], rtol=1e-15)


def test_initial_shares_give_no_workers_to_a_sector_without_value_added():
    shares = labour.initial_sector_shares(np.array([[0.0, 5.0]]), np.array([3.0, 1.0]))
    np.testing.assert_allclose(shares, [[0.0, 1.0]])


def test_efficient_shares_l2_follow_labour_income_hand_computed():
    target = labour.efficient_sector_shares(VA, ALPHA)
    # labour income [[5, 22.5], [10, 15]]
    np.testing.assert_allclose(target, [[5.0 / 27.5, 22.5 / 27.5], [0.4, 0.6]], rtol=1e-15)


def test_next_shares_l3_close_a_fixed_part_of_the_gap_hand_computed():
    shares = np.array([[0.5, 0.5], [0.9, 0.1]])
    target = np.array([[0.2, 0.8], [0.9, 0.1]])
    out = labour.next_sector_shares(shares, target, 0.25)
    np.testing.assert_allclose(out, [[0.425, 0.575], [0.9, 0.1]], rtol=1e-15)
    np.testing.assert_allclose(labour.next_sector_shares(shares, target, 0.0), shares)
    np.testing.assert_allclose(labour.next_sector_shares(shares, target, 1.0), target)


def _stochastic_rows(draw_weights: np.ndarray) -> np.ndarray:
    return draw_weights / draw_weights.sum(axis=1, keepdims=True)


@given(
    w_shares=hnp.arrays(np.float64, (3, 5), elements=st.floats(0.01, 100.0)),
    w_target=hnp.arrays(np.float64, (3, 5), elements=st.floats(0.01, 100.0)),
    speed=st.floats(0.0, 1.0).map(lambda x: round(x, 6)),  # no subnormal speeds: products would underflow
)
@settings(max_examples=50, deadline=None)
def test_shares_rows_still_sum_to_one_and_stay_in_unit_interval_after_l3(w_shares, w_target, speed):
    shares, target = _stochastic_rows(w_shares), _stochastic_rows(w_target)
    out = labour.next_sector_shares(shares, target, speed)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(out >= -1e-15) and np.all(out <= 1.0 + 1e-15)


@given(
    va=hnp.arrays(np.float64, (3, 4), elements=st.floats(0.01, 1e4)),
    alpha=hnp.arrays(np.float64, 4, elements=st.floats(0.05, 0.95)),
)
@settings(max_examples=30, deadline=None)
def test_efficient_shares_l2_rows_sum_to_one(va, alpha):
    np.testing.assert_allclose(labour.efficient_sector_shares(va, alpha).sum(axis=1), 1.0, rtol=1e-12)


def test_average_wage_l4_hand_computed():
    employment = np.array([[2.0, 3.0], [4.0, 1.0]])
    wage = labour.average_wage(VA, employment, ALPHA, 1.2)
    # labour income [27.5, 25] * 1.2 = [33, 30]; employment [5, 5]
    np.testing.assert_allclose(wage, [6.6, 6.0], rtol=1e-14)


def test_average_wage_l4_is_defined_when_one_sector_has_no_workers():
    employment = np.array([[0.0, 5.0], [4.0, 1.0]])
    wage = labour.average_wage(VA, employment, ALPHA, 1.0)
    np.testing.assert_allclose(wage, [27.5 / 5.0, 25.0 / 5.0], rtol=1e-14)


def test_average_wage_l4_is_proportional_to_the_price_level():
    employment = np.array([[2.0, 3.0], [4.0, 1.0]])
    np.testing.assert_allclose(
        labour.average_wage(VA, employment, ALPHA, 1.5), 1.5 * labour.average_wage(VA, employment, ALPHA, 1.0),
        rtol=1e-15,
    )


def test_employment_allocation_keeps_the_city_total():
    employed = labour.total_employment(np.array([120.0, 80.0]), 0.55)
    shares = labour.next_sector_shares(
        labour.initial_sector_shares(VA, np.array([3.0, 1.0])), labour.efficient_sector_shares(VA, ALPHA), 0.05
    )
    np.testing.assert_allclose((shares * employed[:, None]).sum(axis=1), employed, rtol=1e-14)


def test_labour_income_is_the_wage_bill_at_the_price_level_hand_computed():
    # wage bill (1 - alpha) Y: [[5, 22.5], [10, 15]]
    np.testing.assert_allclose(labour.wage_bill(VA, ALPHA), [[5.0, 22.5], [10.0, 15.0]])
    np.testing.assert_allclose(labour.labour_income(VA, ALPHA, 2.0), [55.0, 50.0])


def test_region_mean_wage_weights_each_units_wage_by_its_workers_hand_computed():
    wage = np.array([10.0, 20.0])
    assert labour.mean_wage(wage, np.array([1.0, 3.0])) == 17.5  # (10 + 60) / 4
    # employment by sector is summed over sectors for the weights
    assert labour.mean_wage(wage, np.array([[0.5, 0.5], [1.0, 2.0]])) == 17.5
