"""Prices (ODD 7.1): the deflator (X1) and the nominal/real split (X2) in the model."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnyx_sim.mechanisms import prices


def test_next_price_index_x1_hand_computed():
    assert prices.next_price_index(1.0, 0.02) == pytest.approx(1.02, rel=1e-15)
    assert prices.next_price_index(1.02, 0.03) == pytest.approx(1.0506, rel=1e-14)
    assert prices.next_price_index(1.0, -0.01) == pytest.approx(0.99, rel=1e-15)
    assert prices.next_price_index(1.3, 0.0) == 1.3


@given(path=st.lists(st.floats(-0.1, 0.2, allow_subnormal=False), min_size=1, max_size=20))
@settings(max_examples=30, deadline=None)
def test_price_index_x1_compounds_the_growth_path_and_stays_positive(path):
    level = 1.0
    for rate in path:
        level = prices.next_price_index(level, rate)
    assert level > 0
    assert level == pytest.approx(float(np.prod(1.0 + np.array(path))), rel=1e-12)


def test_model_price_index_starts_at_one_and_follows_the_scenario_path(baseline_path):
    from cnyx_sim.pipeline import prepare_scenario
    from cnyx_sim.runner import run_one

    prepared = prepare_scenario(baseline_path)
    # without the price shock (X1) is the scenario's path exactly
    params = dataclasses.replace(prepared.params, macro=dataclasses.replace(prepared.params.macro,
                                                                            deflator_shock_sd=0.0))
    result = run_one(prepared.name, prepared.calibration.base, params, seed=1, run=0)
    recorded = result.recorder.price_index
    assert recorded[0] == 1.0
    # P_t = prod_{s <= t, s > start} (1 + pi_s): the path value of the start year itself is never used
    expected = np.concatenate([[1.0], np.cumprod(1.0 + params.macro.deflator_growth[1:])])
    np.testing.assert_allclose(recorded, expected, rtol=1e-12)
    # (X2): nominal = P * real in every city, sector and year
    np.testing.assert_allclose(
        result.recorder.by_sector["va_nominal"],
        result.recorder.by_sector["va_real"] * recorded[:, None, None],
        rtol=1e-13,
    )


def test_price_shock_x1_adds_a_yearly_common_shock_with_the_given_sd(baseline_path):
    from cnyx_sim.pipeline import prepare_scenario
    from cnyx_sim.runner import run_one

    prepared = prepare_scenario(baseline_path)
    params = dataclasses.replace(prepared.params, macro=dataclasses.replace(prepared.params.macro,
                                                                            deflator_shock_sd=0.01))
    deviations = []
    for run in range(40):
        recorded = run_one(prepared.name, prepared.calibration.base, params, seed=5, run=run).recorder.price_index
        deviations.append(recorded[1:] / recorded[:-1] - 1.0 - params.macro.deflator_growth[1:])
    deviations = np.concatenate(deviations)
    assert abs(deviations.mean()) < 0.01 * 4 / np.sqrt(len(deviations))
    assert deviations.std() == pytest.approx(0.01, rel=0.15)


def test_next_price_index_x1_adds_the_shock_to_the_path_growth():
    assert prices.next_price_index(2.0, 0.02, 0.01) == pytest.approx(2.0 * 1.03, rel=1e-15)
