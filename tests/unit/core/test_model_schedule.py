"""The model's schedule (docs/model.md §3) on the two-unit world: what a step reads and what it hands on."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cnyx_sim.core.model import CnyxModel


@pytest.mark.parametrize("with_transfer", [False, True])
def test_a_step_builds_a_new_state_and_never_changes_last_years(tiny, with_transfer):
    params = tiny.params(transfer=tiny.transfer(arrival_rate=np.array([[5.0, 5.0]])) if with_transfer else None,
                         sharing=tiny.sharing())
    model = CnyxModel(tiny.base(), params, seed=1)
    before = model.state
    snapshot = before.copy()
    model.step()
    assert model.state is not before and model.state.year == before.year + 1
    for name, value in vars(snapshot).items():
        np.testing.assert_array_equal(getattr(before, name), value, err_msg=name)


def test_last_years_investment_is_this_years_capital_k3(tiny):
    model = CnyxModel(tiny.base(), tiny.params(), seed=1)
    for _ in range(3):
        last = model.state
        model.step()
        # (K3): K_t = (1 - delta) K_{t-1} + I_{t-1}, with I_{t-1} the investment the state of t-1 recorded
        np.testing.assert_allclose(model.state.capital, 0.9 * last.capital + last.private_investment, rtol=1e-15)
        # (F7)/(B9): public capital from last year's infrastructure investment at last year's prices
        np.testing.assert_allclose(model.state.public_capital,
                                   0.95 * last.public_capital + last.infrastructure_investment / last.price_index,
                                   rtol=1e-15)


def test_the_recorded_fai_is_the_investment_the_next_step_uses(tiny):
    # official FAI of a year = incumbents' investment (at that year's prices) + public investment (no projects)
    model = CnyxModel(tiny.base(), tiny.params(), seed=1)
    model.step()
    s = model.state
    recorded = model.recorder.by_city["fai_nominal"][1]
    np.testing.assert_allclose(recorded, (s.private_investment * s.price_index).sum(axis=1) + s.public_investment,
                               rtol=1e-15)


def test_agents_decide_on_the_growth_of_the_year_just_booked(tiny):
    model = CnyxModel(tiny.base(), tiny.params(), seed=1)
    gdp_2021 = model.state.va_real.sum(axis=1) * model.state.price_index
    share_2022 = model.policies.public_investment_share.copy()
    model.step()
    gdp_2022 = model.state.va_real.sum(axis=1) * model.state.price_index
    growth = gdp_2022 / gdp_2021 - 1.0
    f = tiny.params().fiscal
    expected = np.clip(share_2022 + f.public_investment_adjustment * (f.growth_target - growth),
                       *f.public_investment_share_bounds)
    np.testing.assert_allclose(model.policies.public_investment_share, expected, rtol=1e-15)
    # the recorded 2022 share is the one used in 2022, before the agents decided
    np.testing.assert_array_equal(model.recorder.by_city["public_investment_share"][1], share_2022)


def test_the_model_runs_to_the_end_year_with_every_engine_ready_from_construction(tiny):
    params = tiny.params(transfer=tiny.transfer(arrival_rate=np.array([[5.0, 5.0]])), sharing=tiny.sharing())
    model = CnyxModel(tiny.base(), params, seed=2)
    assert model.transfer is not None and len(model.cities) == 2
    while model.running:
        model.step()
    assert model.state.year == 2024
    assert np.isfinite(model.recorder.by_sector["va_real"]).all()


def test_agents_set_packages_within_the_bounds_of_the_year_the_packages_apply_to(tiny):
    # The fair-competition regime starts in 2023: the packages decided at the end of 2022 are for 2023, so the
    # post-regime bound (land discount <= 0.3) applies, not 2022's (0.5). A growth target of 100 % pushes up.
    inc = tiny.incentives(adaptive=True, regime_year=2023, land_discount=np.array([0.45, 0.45]))
    params = tiny.params(transfer=tiny.transfer(incentives=inc))
    params = dataclasses.replace(params, fiscal=dataclasses.replace(params.fiscal, growth_target=1.0))
    model = CnyxModel(tiny.base(), params, seed=1)
    model.step()
    np.testing.assert_allclose(model.policies.land_discount, [0.3, 0.3])


def test_taxes_are_levied_on_nominal_value_added_in_a_year_when_prices_are_not_one(tiny):
    # The tiny world's deflator grows 10 %/yr with no shock, so P_2022 = 1.1 and P_2023 = 1.21 (X1). Taxes
    # (F1)-(F4) are on P x real value added; the city keeps its local share (F5) less the province's take (F6).
    model = CnyxModel(tiny.base(), tiny.params(), seed=1)
    for year, price in ((2022, 1.1), (2023, 1.21)):
        model.step()
        s = model.state
        assert s.year == year and s.price_index == pytest.approx(price, rel=1e-15)
        nominal = price * s.va_real  # [city, sector]; alpha 0.5, VAT 0.1, profit 0.2 at CIT 0.25, PIT 0.1, prop 0.02
        expected = np.stack([0.1 * nominal, 0.25 * 0.2 * nominal, 0.1 * 0.5 * nominal, 0.02 * nominal],
                            axis=-1).sum(axis=1)  # [city, tax]
        np.testing.assert_allclose(s.tax_gross, expected, rtol=1e-13)
        city_part = expected * np.array([0.5, 0.4, 0.4, 1.0]) * (1.0 - np.array([0.2, 0.5]))[:, None]
        np.testing.assert_allclose(s.tax_city, city_part, rtol=1e-13)
        t = year - 2021
        np.testing.assert_allclose(model.recorder.by_city["tax_revenue_gross"][t], expected.sum(axis=1), rtol=1e-13)
        np.testing.assert_allclose(model.recorder.by_sector["va_nominal"][t], nominal, rtol=1e-15)


def test_without_a_sharing_section_the_fiscal_block_is_neutral_even_with_projects_and_packages(tiny):
    # No sharing section: no agreements, no debt, no costs of the packages projects get, so the budget reduces to
    # (F7) on the revenue where it is collected, the balance is zero and credited GDP is official GDP.
    inc = tiny.incentives(land_discount=np.array([0.3, 0.3]), tax_rebate=np.array([0.2, 0.2]))
    params = tiny.params(transfer=tiny.transfer(arrival_rate=np.array([[5.0, 5.0]]), incentives=inc), sharing=None)
    model = CnyxModel(tiny.base(), params, seed=3)
    while model.running:
        model.step()
    assert len(model.transfer.book) > 0 and (model.transfer.book.host >= 0).any()
    rec = model.recorder.by_city
    for name in ("incentive_cost", "debt", "budget_balance", "sharing_paid", "sharing_received"):
        np.testing.assert_allclose(rec[name], 0.0, atol=1e-12, err_msg=name)  # revenues are ~10 亿元
    np.testing.assert_array_equal(rec["tax_local_after_sharing"], rec["tax_local_collected"])
    np.testing.assert_allclose(rec["public_investment"][1:],
                               rec["public_investment_share"][1:] * rec["tax_local_collected"][1:], rtol=1e-14)
    np.testing.assert_allclose(rec["gdp_credited_nominal"], model.recorder.by_sector["va_nominal"].sum(axis=2),
                               rtol=1e-14)
