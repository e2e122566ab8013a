"""CityAgent decides from what it is given (CitySignals) and writes only its own row of CityPolicies (F8, T9)."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from cnyx_sim.core.agents import CityAgent, CitySignals
from cnyx_sim.core.state import CityPolicies


def policies() -> CityPolicies:
    return CityPolicies(public_investment_share=np.array([0.2, 0.2]), land_discount=np.array([0.1, 0.1]),
                        tax_rebate=np.array([0.1, 0.1]), service_quality=np.array([0.5, 0.5]))


def agents(tiny, chosen: CityPolicies, incentives=None) -> list[CityAgent]:
    model = mesa.Model(rng=0)
    fiscal = tiny.params().fiscal  # growth target 0.08, adjustment 1.0, bounds (0.1, 0.4)
    return [CityAgent(model, idx, code, "", chosen, fiscal, incentives) for idx, code in enumerate(("a", "b"))]


def test_f8_growth_below_target_raises_the_share_by_the_gap_and_only_the_agents_own_row(tiny):
    chosen = policies()
    first, _ = agents(tiny, chosen)
    first.decide(CitySignals(next_year=2023, growth=np.array([0.05, -1.0])))
    np.testing.assert_allclose(chosen.public_investment_share, [0.2 + 1.0 * (0.08 - 0.05), 0.2])
    assert first.public_investment_share == pytest.approx(0.23)


def test_f8_share_stays_within_its_bounds(tiny):
    chosen = policies()
    first, second = agents(tiny, chosen)
    signals = CitySignals(next_year=2023, growth=np.array([-1.0, 1.0]))  # gaps +1.08 and -0.92
    first.decide(signals)
    second.decide(signals)
    np.testing.assert_allclose(chosen.public_investment_share, [0.4, 0.1])


def test_fixed_packages_do_not_move(tiny):
    chosen = policies()
    for agent in agents(tiny, chosen, incentives=None):
        agent.decide(CitySignals(next_year=2023, growth=np.array([0.0, 0.0])))
    np.testing.assert_array_equal(chosen.land_discount, [0.1, 0.1])
    np.testing.assert_array_equal(chosen.tax_rebate, [0.1, 0.1])


def test_t9_adaptive_packages_follow_the_gap_within_next_years_regime_bounds(tiny):
    # adjustment 0.5; bounds before the 2030 regime year: discount 0.5, rebate 0.5; from 2030: 0.3 and 0 (b has
    # an authorised programme until 2031, which keeps the pre-regime rebate ceiling)
    inc = tiny.incentives(adaptive=True, authorised_until=np.array([0, 2031]))
    chosen = policies()
    for agent in agents(tiny, chosen, incentives=inc):
        agent.decide(CitySignals(next_year=2023, growth=np.array([0.0, 0.04])))
    np.testing.assert_allclose(chosen.land_discount, [0.1 + 0.5 * 0.08, 0.1 + 0.5 * 0.04])
    np.testing.assert_allclose(chosen.tax_rebate, [0.1 + 0.5 * 0.08, 0.1 + 0.5 * 0.04])
    chosen = policies()
    for agent in agents(tiny, chosen, incentives=inc):
        agent.decide(CitySignals(next_year=2030, growth=np.array([-2.0, -2.0])))
    np.testing.assert_allclose(chosen.land_discount, [0.3, 0.3])
    np.testing.assert_allclose(chosen.tax_rebate, [0.0, 0.5])
