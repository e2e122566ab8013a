"""Public-service integration in migration (PS1)-(PS2), by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnyx_sim.mechanisms import population
from cnyx_sim.mechanisms.population import MigrationSystem
from cnyx_sim.mechanisms.public_services import border_matrices, integrated_system

UU = np.array([[0.0, 1.0], [1.0, 0.0]])  # two units across the Sichuan-Chongqing line
EU = np.array([[0.0, 1.0], [1.0, 1.0]])  # the first unit's core, then the east coast
REDUCIBLE = np.array([1.0, 0.0])  # the core is in Sichuan or Chongqing; the east coast is not


def system(constants=(0.0, 0.0), pools=(0.0, 0.0)):
    return MigrationSystem(np.array(constants, dtype=float), np.zeros(2), np.array(pools, dtype=float), UU, EU)


def test_portable_services_lower_the_sichuan_chongqing_border_only_hand_computed():
    uu, eu = border_matrices(UU, EU, REDUCIBLE, removed=0.25)
    np.testing.assert_allclose(uu, 0.75 * UU)
    np.testing.assert_allclose(eu, [[0.0, 0.75], [1.0, 1.0]])  # the east coast's border is untouched


def test_no_lever_returns_the_calibrated_system_itself():
    calibrated = system()
    assert integrated_system(calibrated, REDUCIBLE, 0.0, 0.0) is calibrated


def test_the_pull_raises_every_unit_constant_and_leaves_the_calibrated_system_unchanged():
    calibrated = system(constants=(0.1, -0.2))
    moved = integrated_system(calibrated, REDUCIBLE, 0.0, 0.015)
    np.testing.assert_allclose(moved.unit_constants, [0.115, -0.185])
    np.testing.assert_allclose(calibrated.unit_constants, [0.1, -0.2])


def test_the_pull_raises_inflows_from_outside_by_the_logit_factor_hand_computed():
    # (N3) with equal wages and no border for node 1 (the east coast, border 1 to both units): a_e = 0 and
    # two units with constants 0, so P(d) = e^(V) / (1 + 2 e^(V)), V = -b. A pull pi multiplies e^V by e^pi.
    b, pi, pool = 0.2, 0.015, 10.0
    wages_units, wages_external = np.ones(2), np.ones(2)
    calibrated = system(pools=(0.0, pool))
    before = population.migration_flows(np.array([100.0, 100.0]), wages_units, wages_external, calibrated, 0.0,
                                        1.5, b)[2]
    after = population.migration_flows(np.array([100.0, 100.0]), wages_units, wages_external,
                                       integrated_system(calibrated, REDUCIBLE, 0.0, pi), 0.0, 1.5, b)[2]
    v = math.exp(-b)
    assert before[1, 0] == pytest.approx(pool * v / (1 + 2 * v))
    assert after[1, 0] == pytest.approx(pool * v * math.exp(pi) / (1 + 2 * v * math.exp(pi)))


def test_the_integrated_system_carries_both_lowered_border_matrices_and_the_calibrated_one_keeps_its_own():
    calibrated = system()
    moved = integrated_system(calibrated, REDUCIBLE, 0.5, 0.0)
    np.testing.assert_array_equal(moved.border_unit_unit, 0.5 * UU)
    np.testing.assert_array_equal(moved.border_external_unit, [[0.0, 0.5], [1.0, 1.0]])
    np.testing.assert_array_equal(calibrated.border_unit_unit, UU)
