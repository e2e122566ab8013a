"""Private capital accumulation (ODD 7.3): hand-computed cases for (K1)-(K3), edge cases and properties."""

from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cnyx_sim.mechanisms import capital

ALPHA = np.array([0.5, 0.4])
DELTA = 0.1
VA = np.array([[10.0, 5.0], [6.0, 4.0]])
K = np.array([[20.0, 10.0], [12.0, 8.0]])


def test_net_return_k1_hand_computed():
    r = capital.net_return(VA, K, ALPHA, DELTA)
    # 0.5*10/20 - 0.1 ; 0.4*5/10 - 0.1 ; 0.5*6/12 - 0.1 ; 0.4*4/8 - 0.1
    np.testing.assert_allclose(r, [[0.15, 0.1], [0.15, 0.1]], rtol=1e-14)


def test_net_return_k1_has_no_gross_return_without_capital():
    va = np.array([[10.0, 0.0]])
    k = np.array([[20.0, 0.0]])
    r = capital.net_return(va, k, ALPHA, DELTA)
    assert np.all(np.isfinite(r))
    # gross return is zero where there is no capital, so only depreciation remains
    np.testing.assert_allclose(r, [[0.15, -DELTA]], rtol=1e-14)


def test_investment_k2_tilts_toward_above_average_returns_hand_computed():
    chi = 2.0
    rate = np.array([0.4, 0.3])
    inv = capital.investment(VA, K, ALPHA, DELTA, rate, chi)
    # returns [[.15, .1], [.15, .1]]; VA-weighted mean = (10*.15 + 5*.1 + 6*.15 + 4*.1) / 25 = 3.3/25 = 0.132
    mean = 3.3 / 25.0
    expected = np.array([
        [0.4 * 10.0 * math.exp(chi * (0.15 - mean)), 0.3 * 5.0 * math.exp(chi * (0.1 - mean))],
        [0.4 * 6.0 * math.exp(chi * (0.15 - mean)), 0.3 * 4.0 * math.exp(chi * (0.1 - mean))],
    ])
    np.testing.assert_allclose(inv, expected, rtol=1e-13)


def test_investment_k2_is_a_fixed_saving_rate_when_insensitive_to_returns():
    rate = np.array([0.4, 0.3])
    inv = capital.investment(VA, K, ALPHA, DELTA, rate, 0.0)
    np.testing.assert_allclose(inv, VA * rate[None, :], rtol=1e-15)


def test_investment_k2_is_the_saving_rate_when_all_returns_are_equal():
    # alpha*Y/K identical everywhere -> every return equals the mean -> tilt = 1 for any chi
    va = np.array([[10.0, 4.0], [6.0, 8.0]])
    k = 2.0 * va * ALPHA[None, :]
    rate = np.array([0.25, 0.35])
    np.testing.assert_allclose(capital.investment(va, k, ALPHA, DELTA, rate, 7.0), va * rate, rtol=1e-13)


def test_investment_k2_is_zero_for_a_city_sector_without_capital_or_output():
    va = np.array([[10.0, 0.0], [6.0, 4.0]])
    k = np.array([[20.0, 0.0], [12.0, 8.0]])
    inv = capital.investment(va, k, ALPHA, DELTA, np.array([0.4, 0.3]), 1.0)
    assert inv[0, 1] == 0.0
    assert np.all(inv >= 0)


def test_investment_k2_with_no_output_anywhere_is_zero_and_raises_no_error():
    inv = capital.investment(np.zeros((2, 2)), np.zeros((2, 2)), ALPHA, DELTA, np.array([0.4, 0.3]), 1.0)
    np.testing.assert_array_equal(inv, np.zeros((2, 2)))


def test_next_capital_k3_hand_computed():
    inv = np.array([[3.0, 1.0], [0.0, 2.0]])
    np.testing.assert_allclose(capital.next_capital(K, inv, DELTA), [[21.0, 10.0], [10.8, 9.2]], rtol=1e-14)


def test_next_capital_k3_steady_state_when_investment_replaces_depreciation():
    np.testing.assert_allclose(capital.next_capital(K, DELTA * K, DELTA), K, rtol=1e-15)


@given(
    va=hnp.arrays(np.float64, (2, 3), elements=st.one_of(st.just(0.0), st.floats(1e-3, 1e4))),
    k=hnp.arrays(np.float64, (2, 3), elements=st.one_of(st.just(0.0), st.floats(1e-3, 1e5))),
    rate=hnp.arrays(np.float64, 3, elements=st.one_of(st.just(0.0), st.floats(1e-3, 1.0))),
    delta=st.floats(0.0, 0.5).map(lambda x: round(x, 6)),
    chi=st.floats(0.0, 5.0).map(lambda x: round(x, 6)),  # rounded: tiny products would underflow
)
@settings(max_examples=40, deadline=None)
def test_capital_stays_non_negative_for_any_non_negative_inputs(va, k, rate, delta, chi):
    alpha = np.array([0.3, 0.5, 0.45])
    # a return of a city-sector with tiny capital can be huge; cap to keep exp() in range as the model does
    k = np.maximum(k, 0.05 * va)
    inv = capital.investment(va, k, alpha, delta, rate, chi)
    assert np.all(inv >= 0) and np.all(np.isfinite(inv))
    assert np.all(capital.next_capital(k, inv, delta) >= 0)


def test_k1_k2_in_a_world_smaller_than_one_yi_yuan_hand_computed():
    # value added 0.2 and 0.4 on capital 0.5 and 2: gross returns 0.5 x 0.2 / 0.5 = 0.2 and 0.5 x 0.4 / 2 = 0.1,
    # net 0.1 and 0.0; the VA-weighted mean return (0.2 x 0.1) / 0.6 = 1/30 (a total below 1 is a total)
    va, k, alpha = np.array([[0.2, 0.4]]), np.array([[0.5, 2.0]]), np.array([0.5, 0.5])
    np.testing.assert_allclose(capital.net_return(va, k, alpha, DELTA), [[0.1, 0.0]], rtol=1e-13, atol=1e-15)
    inv = capital.investment(va, k, alpha, DELTA, np.array([0.3, 0.3]), 2.0)
    np.testing.assert_allclose(inv, [[0.3 * 0.2 * math.exp(2.0 * (0.1 - 1 / 30)), 0.3 * 0.4 * math.exp(-2.0 / 30)]],
                               rtol=1e-13)


def test_k5_crowding_out_pro_rata_capped_at_all_and_nothing_to_crowd_out_in_a_unit_without_investment():
    # unit 0: c x spending / total = 0.5 x 0.2 / 0.4 = 0.25 of each sector's investment is displaced (a total below
    # 1 亿元 is a total); unit 1: 0.5 x 10 / 1 = 5 > 1, all of it; unit 2 invests nothing, so nothing is displaced
    incumbent = np.array([[0.3, 0.1], [0.6, 0.4], [0.0, 0.0]])
    with warnings.catch_warnings():  # no uninitialised memory read for the unit without investment (numpy warns)
        warnings.simplefilter("error")
        after = capital.crowd_out(incumbent, np.array([0.2, 10.0, 5.0]), 0.5)
    np.testing.assert_allclose(after, [[0.225, 0.075], [0.0, 0.0], [0.0, 0.0]], rtol=1e-13, atol=0)


def test_k5_a_vanishing_crowding_out_share_displaces_nothing_without_a_floating_point_error():
    # found by tests/invariants/test_investment_accounting.py's search (crowding 1.1e-308): the tests raise on
    # floating-point errors, and c x spending / total underflows; the displaced share is 0, not an error
    after = capital.crowd_out(np.array([[3.0, 1.0]]), np.array([0.5]), 1.1e-308)
    np.testing.assert_array_equal(after, [[3.0, 1.0]])
