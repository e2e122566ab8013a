"""Projects' local purchases and their suppliers' capacity (IO1)-(IO4), hand-computed on two units and two
sectors with every coefficient distinct (so a transposed table, a swapped axis or a dropped factor shows)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from cnyx_sim.mechanisms import input_output as io

#: a[s', s]: purchases from supplier sector s' per unit of gross output of buyer sector s (not symmetric)
COEFFICIENTS = np.array([[0.1, 0.2], [0.3, 0.4]])


def test_io1_io2_purchases_are_the_local_share_of_gross_output_times_the_column_of_the_buyer_sector():
    # GO = VA / v: unit 0 sector 0: 6 / 0.5 = 12; unit 1 sector 1: 4 / 0.25 = 16
    # unit 0 buys 0.1 x 12 from sector 0 and 0.3 x 12 from sector 1; unit 1 buys 0.2 x 16 and 0.4 x 16; ell = 0.5
    purchases = io.purchases_by_supplier_sector(np.array([[6.0, 0.0], [0.0, 4.0]]), COEFFICIENTS,
                                                np.array([0.5, 0.25]), 0.5)
    np.testing.assert_allclose(purchases, [[0.6, 1.8], [1.6, 3.2]], rtol=1e-12, atol=0)


def test_io1_a_sector_without_value_added_share_buys_nothing():
    # no division by the zero share, and no uninitialised memory read in its place (numpy warns about that)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        purchases = io.purchases_by_supplier_sector(np.array([[6.0, 5.0]]), COEFFICIENTS, np.array([0.5, 0.0]), 1.0)
    np.testing.assert_allclose(purchases, [[1.2, 3.6]], rtol=1e-12, atol=0)  # only sector 0's GO of 12


def test_io3_supplier_weights_by_size_discounted_by_the_buyers_travel_time():
    # sizes 0.1 and 0.3 (a buyer's total weight below 1); travel time [buyer, supplier]: 0 -> 1 takes 2 h,
    # 1 -> 0 takes 1 h; decay ln 2 halves the weight per hour
    with warnings.catch_warnings():  # the sector that exists nowhere: no uninitialised memory read (numpy warns)
        warnings.simplefilter("error")
        weights = io.supplier_weights(np.array([[0.1, 0.0], [0.3, 0.0]]), np.array([[0.0, 2.0], [1.0, 0.0]]),
                                      math.log(2.0))
    assert weights.shape == (2, 2, 2)  # [buyer, supplier unit, supplier sector]
    assert weights[0, :, 0].tolist() == pytest.approx([4 / 7, 3 / 7], rel=1e-12)  # 0.1 : 0.3 x 1/4
    assert weights[1, :, 0].tolist() == pytest.approx([1 / 7, 6 / 7], rel=1e-12)  # 0.1 x 1/2 : 0.3
    assert weights[:, :, 1].tolist() == [[0.0, 0.0], [0.0, 0.0]]  # a sector that exists nowhere gets nothing


def test_io3_purchases_received_by_each_supplier_add_up_to_the_purchases_made():
    weights = io.supplier_weights(np.array([[0.1, 0.0], [0.3, 0.0]]), np.array([[0.0, 2.0], [1.0, 0.0]]),
                                  math.log(2.0))
    received = io.allocate_purchases(np.array([[7.0, 1.0], [14.0, 2.0]]), weights)
    # sector 0: unit 0 gets 7 x 4/7 + 14 x 1/7 = 6, unit 1 gets 7 x 3/7 + 14 x 6/7 = 15
    np.testing.assert_allclose(received, [[6.0, 0.0], [15.0, 0.0]], rtol=1e-12, atol=0)


def test_io4_supplier_investment_is_capital_output_ratio_times_value_added_of_the_purchases():
    investment = io.supplier_capacity_investment(np.array([[2.0, 4.0], [1.0, 0.0]]), np.array([0.5, 0.25]),
                                                 np.array([[3.0, 2.0], [5.0, 7.0]]))
    np.testing.assert_allclose(investment, [[3.0, 2.0], [2.5, 0.0]], rtol=1e-12, atol=0)


def test_negligible_flows_underflow_to_zero_without_a_floating_point_error():
    # the tests raise on floating-point errors: 1e-300 of value added bought at 1e-10 per unit is 0, not an error
    tiny = np.array([[1e-300, 0.0]])
    purchases = io.purchases_by_supplier_sector(tiny, np.array([[1e-10, 0.0], [0.0, 0.0]]), np.array([1.0, 1.0]), 1.0)
    np.testing.assert_allclose(purchases, [[0.0, 0.0]], rtol=0, atol=1e-300)
    # a supplier of 1e-308 one hour away (weight 1/e) gets a subnormal share of the buyer's purchases
    weights = io.supplier_weights(np.array([[1e-308], [1.0]]), np.array([[0.0, 1.0], [1.0, 0.0]]), 1.0)
    np.testing.assert_allclose(weights[:, :, 0], [[0.0, 1.0], [0.0, 1.0]], rtol=1e-12, atol=1e-300)
    investment = io.supplier_capacity_investment(tiny, np.array([1e-10, 1.0]), np.ones((1, 2)))
    np.testing.assert_allclose(investment, [[0.0, 0.0]], rtol=0, atol=1e-300)
