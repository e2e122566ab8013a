"""CityAgent decides from what it is given (CitySignals) and writes only its own row of CityPolicies (F8, T9)."""

from __future__ import annotations

import dataclasses

import mesa
import numpy as np
import pytest

from cnyx_sim.core.agents import CityAgent, CitySignals
from cnyx_sim.core.params import CompetitionParams
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


def competition(**changes) -> CompetitionParams:
    rule = CompetitionParams(is_enabled=True, reaction=0.5, neighbour_hours=2.0, budget_share=0.2, coordination="cap",
                             coordination_year=2030, common_land_discount=0.2, common_tax_rebate=0.15,
                             incentive_funding_share=0.0)
    return dataclasses.replace(rule, **changes)


def competing_agents(tiny, chosen: CityPolicies, rule: CompetitionParams) -> list[CityAgent]:
    # reference packages (the incentives section) differ from the packages chosen so far (0.1 each)
    reference = tiny.incentives(land_discount=np.array([0.2, 0.1]), tax_rebate=np.array([0.1, 0.3]),
                                authorised_until=np.array([0, 2031]))
    model = mesa.Model(rng=0)
    fiscal = tiny.params().fiscal
    return [CityAgent(model, idx, code, name, chosen, fiscal, None, reference, rule)
            for idx, (code, name) in enumerate((("a", "甲"), ("b", "乙")))]


def rival_signals(next_year: int, growth) -> CitySignals:
    # b's package cost 4 exceeds its budget 0.2 x 10 = 2: its best response is scaled by 0.5 (C2); a's (1) is not
    return CitySignals(next_year=next_year, growth=np.array(growth), neighbour_land_discount=np.array([0.3, 0.2]),
                       neighbour_tax_rebate=np.array([0.2, 0.1]), incentive_cost=np.array([1.0, 4.0]),
                       revenue=np.array([10.0, 10.0]))


def test_c1_c2_competing_agents_best_respond_to_their_neighbours_within_their_budget_hand_computed(tiny):
    # (C1) x = (1 - r) x_ref + r x_neighbours + lambda (g* - g), r = 0.5, lambda = 0.5 (incentives adjustment);
    # gaps 0.08 - 0.04 = 0.04 (a) and 0.08 (b); coordination not yet in force (2030 > 2023)
    chosen = policies()
    for agent in competing_agents(tiny, chosen, competition()):
        agent.decide(rival_signals(2023, [0.04, 0.0]))
    np.testing.assert_allclose(chosen.land_discount, [0.5 * 0.2 + 0.5 * 0.3 + 0.5 * 0.04,
                                                      0.5 * (0.5 * 0.1 + 0.5 * 0.2 + 0.5 * 0.08)], rtol=1e-12)
    np.testing.assert_allclose(chosen.tax_rebate, [0.5 * 0.1 + 0.5 * 0.2 + 0.5 * 0.04,
                                                   0.5 * (0.5 * 0.3 + 0.5 * 0.1 + 0.5 * 0.08)], rtol=1e-12)
    # (F8) still moves the public-investment share (adjustment 1.0)
    np.testing.assert_allclose(chosen.public_investment_share, [0.2 + 0.04, 0.2 + 0.08], rtol=1e-12)


def test_c3_a_cap_in_force_from_its_first_year_caps_the_packages_at_the_common_level(tiny):
    # the same decisions as above with the cap in force for 2023: a's 0.27 and 0.17 are capped at 0.2 and 0.15;
    # b's scaled packages (0.095, 0.12) are below the caps
    chosen = policies()
    for agent in competing_agents(tiny, chosen, competition(coordination_year=2023)):
        agent.decide(rival_signals(2023, [0.04, 0.0]))
    np.testing.assert_allclose(chosen.land_discount, [0.2, 0.095], rtol=1e-12)
    np.testing.assert_allclose(chosen.tax_rebate, [0.15, 0.12], rtol=1e-12)


def test_c3_competing_packages_stay_within_next_years_regime_bounds(tiny):
    # growth -2: gap 2.08 pushes every package up; from the 2030 regime year the discount is at most 0.3 and the
    # rebate 0, except for b whose programme is authorised until 2031 (ceiling 0.5); no cost, so no budget scaling
    chosen = policies()
    signals = dataclasses.replace(rival_signals(2030, [-2.0, -2.0]), incentive_cost=np.zeros(2))
    for agent in competing_agents(tiny, chosen, competition(coordination="none")):
        agent.decide(signals)
    np.testing.assert_allclose(chosen.land_discount, [0.3, 0.3])
    np.testing.assert_allclose(chosen.tax_rebate, [0.0, 0.5])


def test_an_agent_shows_its_unit_code_and_chinese_name(tiny):
    first, second = competing_agents(tiny, policies(), competition())
    assert (repr(first), repr(second)) == ("CityAgent(a, 甲)", "CityAgent(b, 乙)")
