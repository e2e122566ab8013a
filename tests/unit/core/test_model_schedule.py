"""The model's schedule (docs/model.md §3) on the two-unit world: what a step reads and what it hands on."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cnyx_sim.core.model import MIGRATION_VARIABLES, CnyxModel, gross_migration
from cnyx_sim.core.params import (
    CompetitionParams,
    EcologyParams,
    MarketAccessParams,
    ParameterDraws,
    ParkDevelopmentParams,
)
from cnyx_sim.core.parks import PARK_VARIABLES
from cnyx_sim.core.rng import ProjectDraws, make_streams
from cnyx_sim.core.state import Index
from cnyx_sim.mechanisms import competition as competition_rules
from cnyx_sim.mechanisms.transfer import poisson_quantile


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


def test_base_year_data_of_another_year_than_the_scenarios_start_are_refused(tiny):
    base = dataclasses.replace(tiny.base(), year=2020)
    with pytest.raises(ValueError, match=r"^scenario starts in 2021 but the base-year data are for 2020$"):
        CnyxModel(base, tiny.params(), seed=1)


def test_a_run_applies_the_posterior_draw_its_parameters_stream_picks(tiny):
    # three draws of the investment rate's log deviation; the run's 'parameters' stream picks one (5.6)
    deviations = np.log([0.5, 1.5, 2.0])
    params = dataclasses.replace(tiny.params(), parameter_draws=ParameterDraws(None, None, deviations))
    for run in range(4):
        model = CnyxModel(tiny.base(), params, seed=11, run=run)
        draw = int(make_streams(11, run)["parameters"].integers(3))
        assert model.parameter_draw == draw
        np.testing.assert_allclose(model.params.capital.investment_rate, 0.2 * np.exp(deviations[draw]), rtol=1e-15)
    one = dataclasses.replace(tiny.params(), parameter_draws=ParameterDraws(None, None, np.log([2.0])))
    model = CnyxModel(tiny.base(), one, seed=11)
    assert model.parameter_draw == 0
    np.testing.assert_allclose(model.params.capital.investment_rate, [0.4, 0.4], rtol=1e-15)
    empty = dataclasses.replace(tiny.params(), parameter_draws=ParameterDraws(None, None, np.zeros(0)))
    for chosen in (empty, tiny.params()):
        model = CnyxModel(tiny.base(), chosen, seed=11)
        assert model.parameter_draw == -1
        np.testing.assert_array_equal(model.params.capital.investment_rate, [0.2, 0.2])


def test_gross_migration_sums_the_flows_into_and_out_of_each_unit_by_hand():
    u2u = np.array([[0.0, 2.0], [3.0, 0.0]])  # [from unit, to unit]
    u2e = np.array([[1.0, 4.0], [5.0, 6.0]])  # [from unit, to external node]
    e2u = np.array([[7.0, 8.0], [9.0, 10.0]])  # [from external node, to unit]
    flows = gross_migration(u2u, u2e, e2u)
    assert tuple(flows) == MIGRATION_VARIABLES
    assert flows["migration_in"].tolist() == [3.0 + 7.0 + 9.0, 2.0 + 8.0 + 10.0]
    assert flows["migration_out"].tolist() == [2.0 + 1.0 + 4.0, 3.0 + 5.0 + 6.0]
    assert flows["migration_in_external"].tolist() == [16.0, 18.0]
    assert flows["migration_out_external"].tolist() == [5.0, 11.0]


def test_migration_across_the_border_to_an_external_node_depends_on_the_nodes_province(tiny):
    # chengdu is in Sichuan (unit a's province), chongqing_core in Chongqing (unit b's): moving there crosses
    # the border from the other unit only; east_coast is in neither province, so every move to it crosses (N2)
    params = tiny.params()
    nodes = ("chengdu", "chongqing_core", "east_coast")
    params = dataclasses.replace(params, population=dataclasses.replace(
        params.population, external_nodes=nodes, external_wage_premium=np.ones(3)))
    model = CnyxModel(tiny.base(), params, seed=1)
    np.testing.assert_array_equal(model._external_border(), [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def competing_model(tiny, neighbour_hours: float) -> CnyxModel:
    inc = tiny.incentives(land_discount=np.array([0.2, 0.1]), tax_rebate=np.array([0.1, 0.3]))
    params = tiny.params(transfer=tiny.transfer(arrival_rate=np.array([[5.0, 5.0]]), incentives=inc),
                         sharing=tiny.sharing())
    rule = CompetitionParams(is_enabled=True, reaction=0.5, neighbour_hours=neighbour_hours, budget_share=0.001,
                             coordination="none", coordination_year=2030, common_land_discount=0.0,
                             common_tax_rebate=0.0, incentive_funding_share=0.0)
    return CnyxModel(tiny.base(), dataclasses.replace(params, competition=rule), seed=3)


@pytest.mark.parametrize("hours", [2.0, 0.5])
def test_competing_agents_decide_on_the_years_neighbour_packages_cost_and_revenue(tiny, hours):
    # (C1)-(C2) wired by the model: units a and b are 1 hour apart (base-year travel time), neighbours within 2
    # hours; within 0.5 hours a unit has no neighbour and (C1) uses its own package. Each agent sees the packages
    # chosen for the year (a snapshot before any agent moves), the year's incentive cost and revenue after sharing.
    model = competing_model(tiny, hours)
    chosen = [np.array([0.2, 0.1]), np.array([0.1, 0.3])]
    model.step()
    rec = model.recorder.by_city
    cost, revenue = rec["incentive_cost"][1], rec["tax_local_after_sharing"][1]
    assert (cost > 0).all()
    growth = model._nominal_gdp(model.state) / model._nominal_gdp(model.base_state) - 1.0
    for name, package in zip(("land_discount", "tax_rebate"), chosen):
        neighbour = package[::-1] if hours > 1.0 else package
        expected = [competition_rules.coordinate(
            competition_rules.budget_scale(cost[c], revenue[c], 0.001)
            * competition_rules.best_response(package[c], neighbour[c], 0.5, 0.5, 0.08 - growth[c]),
            0.0, "none", False, 0.5) for c in range(2)]
        np.testing.assert_allclose(getattr(model.policies, name), expected, rtol=1e-12, err_msg=name)
    assert competition_rules.budget_scale(cost[0], revenue[0], 0.001) < 1.0  # a's budget binds (C2)
    # the packages in force in 2022 (T8: the chosen ones, no regime yet) are recorded
    np.testing.assert_array_equal(rec["package_land_discount"][1], chosen[0])
    np.testing.assert_array_equal(rec["package_tax_rebate"][1], chosen[1])


def test_the_base_year_state_and_record_hand_computed(tiny):
    # value added a 150, b 120 (亿元); taxes (F1)-(F4) 0.1 + 0.25 x 0.2 + 0.1 x 0.5 + 0.02 = 0.22 of value added;
    # the city keeps [0.5, 0.4, 0.4, 1.0] by type less the province's take 0.2 (a) and 0.5 (b): a 16.5 x 0.8,
    # b 13.2 x 0.5 (F5)-(F6); public investment 0.2 of it (F7), a quarter for park land (B9), the rest builds public
    # capital in its steady state I / delta; debt 0.5 x city revenue; capital K/Y (2) x value added.
    params = tiny.params(sharing=tiny.sharing(park_land_share=0.25, initial_debt_to_revenue=0.5))
    params = dataclasses.replace(params, population=dataclasses.replace(params.population,
                                                                        external_wage_premium=np.array([1.5])))
    model = CnyxModel(tiny.base(), params, seed=1)
    s = model.state
    np.testing.assert_allclose(s.capital, 2.0 * tiny.va, rtol=1e-15)
    np.testing.assert_allclose(s.tax_gross, [[15.0, 7.5, 7.5, 3.0], [12.0, 6.0, 6.0, 2.4]], rtol=1e-13)
    city = np.array([13.2, 6.6])
    np.testing.assert_allclose(s.tax_city.sum(axis=1), city, rtol=1e-13)
    np.testing.assert_allclose(s.public_investment, 0.2 * city, rtol=1e-13)
    np.testing.assert_allclose(s.infrastructure_investment, 0.75 * 0.2 * city, rtol=1e-13)
    np.testing.assert_allclose(s.public_capital, 0.75 * 0.2 * city / 0.05, rtol=1e-13)
    np.testing.assert_allclose(s.debt, 0.5 * city, rtol=1e-13)
    np.testing.assert_allclose(s.net_migration, 0.0)
    assert s.population.dtype == float and s.population.tolist() == [100.0, 80.0]
    # every unit-sector pays the same wage (1 - alpha) Y / L = 0.5 x 150 / 50 = 1.5 (labour by value added): the
    # external nodes pay 1.5 x their premium
    np.testing.assert_allclose(model.external_wage_base, [2.25], rtol=1e-13)
    rec = model.recorder.by_city
    fai = 0.2 * tiny.va.sum(axis=1)  # base-year investment is the fitted s Y (return sensitivity 0)
    np.testing.assert_allclose(rec["incumbent_investment"][0], fai, rtol=1e-13)
    np.testing.assert_allclose(rec["fai_nominal"][0], fai + 0.2 * city, rtol=1e-13)
    for name in ("supplier_investment", "crowded_out_investment", *PARK_VARIABLES):
        np.testing.assert_array_equal(rec[name][0], 0.0, err_msg=name)
    np.testing.assert_allclose(rec["labour_income_nominal"][0], 0.5 * tiny.va.sum(axis=1), rtol=1e-15)  # (L4)


def test_the_base_year_record_counts_the_cohort_signed_in_the_base_year(tiny):
    params = tiny.params(transfer=tiny.transfer(arrival_rate=np.array([[10.0, 10.0]])), sharing=tiny.sharing())
    model = CnyxModel(tiny.base(), params, seed=2)
    book, rows = model.transfer.book, model.transfer.initial_rows
    host = book.host[rows]
    assert len(rows) > 0 and (host == 0).any() and (host == 1).any()
    rec = model.recorder.by_city
    located = host >= 0
    np.testing.assert_array_equal(rec["projects_arrived"][0], np.bincount(host[located], minlength=2))
    np.testing.assert_allclose(rec["project_signed_value"][0],
                               np.bincount(host[located], weights=book.signed_investment[rows][located], minlength=2))
    for name in ("projects_relocated_in", "project_investment", "project_va_nominal", "project_jobs",
                 "project_tax_gross", "project_capital", "project_local_purchases", "capital_written_off",
                 "government_led_relocations_out", "government_led_relocations_in"):
        np.testing.assert_array_equal(rec[name][0], 0.0, err_msg=name)


def test_a_model_built_without_seed_and_run_uses_seed_0_run_0(tiny):
    model = CnyxModel(tiny.base(), tiny.params())
    expected = make_streams(0, 0)
    for name in ("macro", "shocks", "parameters"):
        assert model.streams[name].random() == expected[name].random()


def test_the_models_agents_carry_their_units_code_and_name(tiny):
    model = CnyxModel(tiny.base(), tiny.params())
    assert [repr(agent) for agent in model.cities] == ["CityAgent(a, 甲)", "CityAgent(b, 乙)"]


def test_base_year_gross_migration_is_the_calibrated_balanced_flow(tiny):
    # (N5) calibrates the flows to balance at base-year wages: in each unit as many arrive as leave
    params = tiny.params()
    params = dataclasses.replace(params, population=dataclasses.replace(params.population, mobile_share=0.05,
                                                                        external_wage_premium=np.array([1.3])))
    rec = CnyxModel(tiny.base(), params).recorder.by_city
    assert (rec["migration_in"][0] > 0).all()
    np.testing.assert_allclose(rec["migration_in"][0], rec["migration_out"][0], rtol=1e-10)


def test_x1_the_deflator_shock_is_the_macro_streams_normal_draw_scaled(tiny):
    params = tiny.params()
    params = dataclasses.replace(params, macro=dataclasses.replace(params.macro, deflator_shock_sd=0.02))
    model = CnyxModel(tiny.base(), params, seed=4, run=1)
    model.step()
    z = make_streams(4, 1)["macro"].standard_normal()
    assert model.state.price_index == pytest.approx(1.0 + 0.1 + 0.02 * z, rel=1e-14)


def test_p3_p4_trend_tfp_grows_at_the_initial_rate_decaying_with_its_half_life(tiny):
    params = tiny.params()
    params = dataclasses.replace(params, production=dataclasses.replace(
        params.production, tfp_initial_growth=np.array([0.04, 0.02]), tfp_long_run_growth=0.01))
    model = CnyxModel(tiny.base(), params)
    base = model.state.tfp_trend.copy()
    expected = base.copy()
    for t in (1, 2):
        model.step()
        expected = expected * np.exp(0.01 + (np.array([0.04, 0.02]) - 0.01) * 2.0 ** (-t / 5.0))[None, :]
        np.testing.assert_allclose(model.state.tfp_trend, expected, rtol=1e-14)


def test_l1_employment_is_the_employment_rate_of_last_years_population(tiny):
    params = tiny.params()
    params = dataclasses.replace(params, population=dataclasses.replace(params.population,
                                                                        natural_growth_rate=np.full(4, 0.1)))
    model = CnyxModel(tiny.base(), params)
    for _ in range(2):
        last = model.state
        model.step()
        np.testing.assert_allclose(model.state.employment.sum(axis=1), 0.5 * last.population, rtol=1e-14)


def test_p2_public_capital_per_head_relative_to_the_base_year_scales_tfp(tiny):
    # the base year's public capital is in its steady state, so in 2022 public capital per head is the base
    # year's (ratio 1): with or without its elasticity, 2022's value added is the same
    values = []
    for elasticity in (0.0, 0.3):
        params = tiny.params()
        params = dataclasses.replace(params, production=dataclasses.replace(params.production,
                                                                            public_capital_elasticity=elasticity))
        model = CnyxModel(tiny.base(), params)
        model.step()
        values.append(model.state.va_real)
    np.testing.assert_allclose(values[1], values[0], rtol=1e-14)


def test_n3_external_wages_move_along_their_path(tiny):
    params = tiny.params()
    params = dataclasses.replace(params, population=dataclasses.replace(
        params.population, external_real_wage_growth=np.array([0.0, 0.05, 0.1, 0.0])))
    model = CnyxModel(tiny.base(), params)
    base = model.external_wage_base.copy()
    model.step()
    np.testing.assert_allclose(model.external_wage, 1.05 * base, rtol=1e-15)
    model.step()
    np.testing.assert_allclose(model.external_wage, 1.05 * 1.1 * base, rtol=1e-15)


def test_agents_decide_packages_for_next_year_not_the_year_after(tiny):
    # regime year 2024: the packages decided at the end of 2022 are for 2023, still under the pre-regime bound 0.5
    inc = tiny.incentives(adaptive=True, regime_year=2024, land_discount=np.array([0.45, 0.45]))
    params = tiny.params(transfer=tiny.transfer(incentives=inc))
    params = dataclasses.replace(params, fiscal=dataclasses.replace(params.fiscal, growth_target=1.0))
    model = CnyxModel(tiny.base(), params, seed=1)
    model.step()
    np.testing.assert_allclose(model.policies.land_discount, [0.5, 0.5])


class Capturing(CnyxModel):
    """The model, keeping the transfer engine's flows of the last year (test-side only)."""

    def step(self) -> None:
        engine, original = self.transfer, self.transfer.before_production

        def capture(*args, **kwargs):
            self.flows = original(*args, **kwargs)
            return self.flows
        engine.before_production = capture
        super().step()
        del engine.before_production


def test_k3_k5_io4_projects_capital_crowding_out_and_suppliers_enter_the_books_once(tiny):
    # (K3) incumbents' capital from last year's incumbents' capital and investment; projects' capital apart;
    # (K5) crowding-out c = 0.3 per yuan of external projects' spending; (IO4) suppliers' investment added
    transfer = tiny.transfer(arrival_rate=np.array([[8.0, 8.0]]), crowding_out=0.3, local_purchase_share=0.5,
                             io_coefficients=np.array([[0.2, 0.0], [0.3, 0.0]]), va_ratio=np.array([0.5, 1.0]))
    model = Capturing(tiny.base(), tiny.params(transfer=transfer), seed=5)
    for _ in range(3):
        last = model.state
        model.step()
        s, flows, price = model.state, model.flows, model.state.price_index
        np.testing.assert_allclose(s.project_capital, flows.project_capital, rtol=1e-15)
        np.testing.assert_allclose(s.capital - s.project_capital,
                                   0.9 * (last.capital - last.project_capital) + last.private_investment, rtol=1e-13)
        rec, t = model.recorder.by_city, s.year - 2021
        np.testing.assert_allclose(rec["crowded_out_investment"][t], 0.3 * flows.external_spending * price, rtol=1e-12)
        np.testing.assert_allclose(rec["supplier_investment"][t], flows.supplier_investment.sum(axis=1) * price,
                                   rtol=1e-12)
        np.testing.assert_allclose(rec["incumbent_investment"][t], (s.private_investment * price).sum(axis=1),
                                   rtol=1e-12)
        np.testing.assert_allclose(rec["project_investment"][t], flows.construction_spending, rtol=1e-15)
        # (J1) production uses the incumbents' capital plus the projects' effective capital (no TFP terms here)
        effective = s.capital - s.project_capital + flows.effective_capital
        np.testing.assert_allclose(s.va_real, s.tfp_trend * np.sqrt(effective * s.employment), rtol=1e-12)
    assert (rec["crowded_out_investment"][1:] > 0).all() and (rec["supplier_investment"][1:] > 0).all()


@pytest.mark.parametrize("opens", [2023, 2024])
def test_b9_park_land_investment_of_the_year_adds_land_to_the_parks_open_next_year(tiny, opens):
    # half of public investment develops park land (B9) at 2 亿元 per 亩 at 2021 prices, so 2 x 1.1 in 2022; a's
    # park (closed in 2022, so no project takes land) gets a's land if it opens in 2023, when the land is ready
    transfer = tiny.transfer(arrival_rate=np.array([[5.0, 5.0]]), parks=tiny.parks(start_year=np.array([opens])))
    params = tiny.params(transfer=transfer, sharing=tiny.sharing(park_land_share=0.5, park_land_cost=2.0))
    model = CnyxModel(tiny.base(), params, seed=1)
    np.testing.assert_array_equal(model.transfer.park_remaining, [100.0])
    model.step()
    public_investment = model.recorder.by_city["public_investment"][1]
    assert public_investment[0] > 0
    added = 0.5 * public_investment[0] / (2.0 * 1.1) if opens == 2023 else 0.0
    np.testing.assert_allclose(model.transfer.park_remaining, [100.0 + added], rtol=1e-13)


def test_with_unchanged_real_wages_migration_stays_balanced_and_labour_income_is_nominal(tiny):
    # the tiny world is in a steady state (investment 0.2 Y = depreciation 0.1 x 2Y, no TFP growth): real wages
    # stay at the base year's, so the calibrated flows stay balanced (N2)-(N5) while prices rise 10 %/yr
    params = tiny.params()
    params = dataclasses.replace(params, population=dataclasses.replace(params.population, mobile_share=0.05))
    model = CnyxModel(tiny.base(), params)
    model.step()
    model.step()
    rec = model.recorder.by_city
    assert (rec["migration_in"][1:3] > 0).all()
    np.testing.assert_allclose(rec["net_migration"][1:3], 0.0, atol=1e-9)
    np.testing.assert_allclose(model.state.va_real, tiny.va, rtol=1e-12)
    np.testing.assert_allclose(rec["labour_income_nominal"][1:3], 0.5 * tiny.va.sum(axis=1) * np.array([[1.1], [1.21]]),
                               rtol=1e-12)


def test_t1_the_origins_wage_push_uses_the_external_wage_relative_to_its_base(tiny):
    # wage push elasticity 1: rates x (external wage index / G); with external wages at their base (index 1) and
    # no national growth the 2022 rates are the given ones, 5 + 5 (T1)-(T2)
    transfer = tiny.transfer(arrival_rate=np.array([[5.0, 5.0]]), wage_push_elasticity=1.0)
    model = CnyxModel(tiny.base(), tiny.params(transfer=transfer), seed=3)
    first = len(model.transfer.book)
    model.step()
    expected = ProjectDraws(3, 0).year_arrivals(2022, [10.0], 2, 1, poisson_quantile)[0].sum()
    assert len(model.transfer.book) - first == expected


def test_rebates_promised_to_projects_cost_their_hosts_once_the_projects_pay_taxes(tiny):
    # the same projects (rebates do not enter the choice here) with and without a 50 % rebate package (T8):
    # without land discounts the incentive cost is the rebates alone, paid on the projects' city taxes
    costs = []
    for rebate in (0.0, 0.5):
        inc = tiny.incentives(tax_rebate=np.array([rebate, rebate]))
        params = tiny.params(transfer=tiny.transfer(arrival_rate=np.array([[5.0, 5.0]]), incentives=inc),
                             sharing=tiny.sharing())
        model = CnyxModel(tiny.base(), params, seed=3)
        while model.running:
            model.step()
        assert (model.recorder.by_city["project_tax_gross"][3] > 0).all()
        costs.append(model.recorder.by_city["incentive_cost"])
    np.testing.assert_array_equal(costs[0], 0.0)
    assert (costs[1][3] > 0).all()


def test_p6_without_fitted_rates_initial_tfp_growth_is_the_growth_accounting_residual_by_hand(tiny):
    # (P6) fallback: gK = s Y / K - delta from the base-year investment (K2, return sensitivity 0), gL the natural
    # growth rate of the first simulated year (2022), weights the sectors' value-added shares (2/3, 1/3 in both units):
    #   gK = [0.3 / 2 - 0.1, 0.4 / 2 - 0.1] = [0.05, 0.10]; input growth 0.5 gK + 0.5 x 0.02 = [0.035, 0.06];
    #   weighted 2/3 x 0.035 + 1/3 x 0.06 = 0.13 / 3; residual a 0.06 - 0.13 / 3 = 1/60, b 0.05 - 0.13 / 3 = 1/150,
    # the same in every sector of the unit.
    params = tiny.params()
    params = dataclasses.replace(
        params,
        production=dataclasses.replace(params.production, tfp_initial_growth=None),
        capital=dataclasses.replace(params.capital, investment_rate=np.array([0.3, 0.4])),
        population=dataclasses.replace(params.population, natural_growth_rate=np.array([0.01, 0.02, 0.03, 0.04])),
    )
    model = CnyxModel(tiny.base(), params, seed=1)
    assert model.tfp_initial_growth.shape == (2, 2)
    np.testing.assert_allclose(model.tfp_initial_growth, [[1 / 60, 1 / 60], [1 / 150, 1 / 150]], rtol=1e-12)


def test_an_external_node_in_a_province_outside_the_region_is_across_the_border_from_every_unit(tiny):
    # a region of Sichuan units only: chongqing_core's province (CQ) is none of the region's provinces, so moving
    # there crosses the border from both units (N2), like a node with no province; chengdu (SC) does not
    geography = dataclasses.replace(tiny.geography, provinces=Index(("SC",)), city_province=np.array([0, 0]))
    base = dataclasses.replace(tiny.base(), geography=geography)
    params = tiny.params()
    params = dataclasses.replace(
        params, fiscal=dataclasses.replace(params.fiscal, province_take=np.array([0.2])),
        population=dataclasses.replace(params.population, external_nodes=("chengdu", "chongqing_core"),
                                       external_wage_premium=np.ones(2)))
    model = CnyxModel(base, params, seed=1)
    np.testing.assert_array_equal(model._external_border(), [[0.0, 0.0], [1.0, 1.0]])


def test_a_competition_section_switched_off_leaves_the_fixed_packages_fixed(tiny):
    # is_enabled false: the agents keep the scenario's fixed packages (not adaptive), whatever the rule's reaction
    # and budget; with the rule on, (C1)-(C2) would move them (the budget share 0.001 binds)
    inc = tiny.incentives(land_discount=np.array([0.2, 0.1]), tax_rebate=np.array([0.1, 0.3]))
    params = tiny.params(transfer=tiny.transfer(arrival_rate=np.array([[5.0, 5.0]]), incentives=inc),
                         sharing=tiny.sharing())
    rule = CompetitionParams(is_enabled=False, reaction=0.5, neighbour_hours=2.0, budget_share=0.001,
                             coordination="none", coordination_year=2030, common_land_discount=0.0,
                             common_tax_rebate=0.0, incentive_funding_share=0.0)
    model = CnyxModel(tiny.base(), dataclasses.replace(params, competition=rule), seed=3)
    assert model.competition is None and model.neighbours is None
    model.step()
    model.step()
    np.testing.assert_array_equal(model.policies.land_discount, [0.2, 0.1])
    np.testing.assert_array_equal(model.policies.tax_rebate, [0.1, 0.3])


@pytest.mark.parametrize("use_credited", [False, True])
def test_f8_agents_chase_growth_on_the_ledger_the_scenario_names(tiny, use_credited):
    # (F8) share + 1.0 x (0.08 - growth), within [0.1, 0.4]. Official nominal growth 2022 is 10 % (steady real
    # value added, prices +10 %); credited GDP is 0.9 of official in 2022, so credited growth is 0.9 x 1.1 - 1 = -1 %
    # against the base year's official GDP (credited = official in the base year).
    params = tiny.params(sharing=tiny.sharing(agents_use_credited_gdp=use_credited))
    model = CnyxModel(tiny.base(), params, seed=1)
    original = model.sharing.year

    def year(y, va_nominal, *args, **kwargs):
        out = original(y, va_nominal, *args, **kwargs)
        return dataclasses.replace(out, credited_gdp=0.9 * va_nominal.sum(axis=1))
    model.sharing.year = year
    model.step()
    np.testing.assert_allclose(model.state.va_real, tiny.va, rtol=1e-12)
    growth = -0.01 if use_credited else 0.1
    np.testing.assert_allclose(model.policies.public_investment_share, 0.2 + (0.08 - growth), rtol=1e-10)


def test_k2_k5_io4_private_investment_is_the_incumbents_after_crowding_out_plus_the_suppliers(tiny):
    # (K2) with return sensitivity 0: incumbents invest s_inc x Y at the autonomous rate of (K4); (K5) a unit's
    # external projects' spending displaces c = 0.3 of it pro rata; (IO4) the suppliers' capacity is added on top
    transfer = tiny.transfer(arrival_rate=np.array([[8.0, 8.0]]), crowding_out=0.3, local_purchase_share=0.5,
                             io_coefficients=np.array([[0.2, 0.0], [0.3, 0.0]]), va_ratio=np.array([0.5, 1.0]))
    model = Capturing(tiny.base(), tiny.params(transfer=transfer), seed=5)
    for _ in range(3):
        model.step()
        s, flows = model.state, model.flows
        incumbents = model.incumbent_rate * s.va_real
        unit_total = incumbents.sum(axis=1)
        incumbents = incumbents * np.maximum(1.0 - 0.3 * flows.external_spending / unit_total, 0.0)[:, None]
        assert (flows.supplier_investment > 0).any()
        np.testing.assert_allclose(s.private_investment, incumbents + flows.supplier_investment, rtol=1e-12)


def compensation_and_energy(**changes) -> EcologyParams:
    """Energy 0.5 and 0.1 per 亿元 (industry, services), falling 10 % a year; CO2 2 t per tce, flat; b (downstream)
    pays a (upstream) 0.12 a year in 2022-2023, the target met every month; no siting rule."""
    return dataclasses.replace(EcologyParams(
        is_enabled=True, energy_intensity=np.array([0.5, 0.1]), energy_intensity_decline=np.full(4, 0.1),
        co2_per_energy=2.0, co2_intensity_decline=np.zeros(4), chemical_share=np.zeros(2),
        riverside_share=np.zeros(2), siting_rule_year=2030, strip_width=np.zeros(4),
        pair_ids=("ab",), pair_upstream=np.array([0]), pair_downstream=np.array([1]), pair_amount=np.array([0.12]),
        pair_probability=np.array([1.0]), pair_start_year=np.array([2022]), pair_end_year=np.array([2023])),
        **changes)


def test_e1_e2_energy_and_co2_are_recorded_on_each_years_real_value_added(tiny):
    # (E1) base year: a 100 x 0.5 + 50 x 0.1 = 55, b 80 x 0.5 + 40 x 0.1 = 44 (万吨标准煤); 2022 the same real
    # value added (steady state) at 0.9 of the intensity; (E2) CO2 2 t per tce
    params = dataclasses.replace(tiny.params(), ecology=compensation_and_energy())
    model = CnyxModel(tiny.base(), params, seed=1)
    model.step()
    rec = model.recorder.by_city
    np.testing.assert_allclose(rec["energy_use"][:2], [[55.0, 44.0], [49.5, 39.6]], rtol=1e-12)
    np.testing.assert_allclose(rec["co2_emissions"][:2], [[110.0, 88.0], [99.0, 79.2]], rtol=1e-12)


def test_e5_e6_compensation_is_recorded_and_funds_the_receivers_public_investment(tiny):
    # b pays a 0.12 in 2022; the same revenue with and without the pair, so public investment at the initial share
    # 0.2 of revenue moves by 0.2 x 0.12 (B2, B4)
    runs = {}
    for pairs in (True, False):
        eco = compensation_and_energy() if pairs else compensation_and_energy(
            pair_ids=(), pair_upstream=np.zeros(0, dtype=int), pair_downstream=np.zeros(0, dtype=int),
            pair_amount=np.zeros(0), pair_probability=np.zeros(0), pair_start_year=np.zeros(0, dtype=int),
            pair_end_year=np.zeros(0, dtype=int))
        model = CnyxModel(tiny.base(), dataclasses.replace(tiny.params(sharing=tiny.sharing()), ecology=eco), seed=1)
        model.step()
        runs[pairs] = model.recorder.by_city
    rec = runs[True]
    np.testing.assert_allclose(rec["eco_compensation_paid"][1], [0.0, 0.12], rtol=1e-12)
    np.testing.assert_allclose(rec["eco_compensation_received"][1], [0.12, 0.0], rtol=1e-12)
    np.testing.assert_allclose(rec["public_investment"][1] - runs[False]["public_investment"][1],
                               [0.2 * 0.12, -0.2 * 0.12], rtol=1e-9)


def test_m4_market_access_from_a_new_line_raises_the_served_units_productivity_from_its_opening_year(tiny):
    # the line a-east_coast (certain here) cuts 5 h to 2 h from 2023; (M1)-(M3) a's access from itself (150, 0 h),
    # b (120, 1 h + border cost 0.5) and the coast (mass 1000) at decay 0.1; (M4) TFP x index ** 0.5. The tiny world
    # is in a steady state, so real value added is the base year's times the factor; b's access does not change.
    infra = dataclasses.replace(tiny.transfer().infrastructure, event_probability=np.array([1.0]))
    access = MarketAccessParams(is_enabled=True, output_elasticity=0.5, border_cost=0.5,
                                border_cost_removed=np.zeros(4), foreign_market_share=np.zeros(2))
    params = dataclasses.replace(tiny.params(), infrastructure=infra, market_access=access)
    model = CnyxModel(tiny.base(), params, seed=1)
    model.step()
    np.testing.assert_allclose(model.state.va_real, tiny.va, rtol=1e-12)
    model.step()
    base_a = 150.0 + 120.0 * np.exp(-0.6) + 1000.0 * np.exp(-0.5)
    later_a = 150.0 + 120.0 * np.exp(-0.6) + 1000.0 * np.exp(-0.2)
    factor = np.array([(later_a / base_a) ** 0.5, 1.0])
    np.testing.assert_allclose(model.state.va_real, tiny.va * factor[:, None], rtol=1e-12)
    np.testing.assert_allclose(model.recorder.by_city["market_access_index"][2], [later_a / base_a, 1.0], rtol=1e-12)


def test_pd1_pd6_a_co_built_park_orders_land_pays_for_it_and_gets_it_the_next_year(tiny):
    # park p (host a, partner b, 100 亩, no projects: all free) keeps free land of 1.5 x its developed area: the gap
    # 150 - 100 = 50 亩 is capped at 0.2 x 100 = 20 (PD1); at 0.01 亿元 per 亩 and prices 1.1 it costs 0.22 (PD2),
    # paid equally by a and b (PD3-PD4) as a committed outlay: with no interest and no borrowing limit each unit's
    # debt rises by 0.11 (PD5, B8); the land is ready for 2023's location choice (PD6, lag 1 year).
    params = dataclasses.replace(
        tiny.params(transfer=tiny.transfer(), sharing=tiny.sharing()),
        park_development=ParkDevelopmentParams(is_enabled=True, reserve_share=1.5, max_growth=0.2, max_multiple=3.0,
                                               lag_years=1, land_cost=0.01, funding="equal"))
    model = CnyxModel(tiny.base(), params, seed=1)
    model.step()
    rec = model.recorder.by_city
    np.testing.assert_allclose(rec["park_development_spending"][1], [0.22, 0.0], rtol=1e-12)
    np.testing.assert_allclose(rec["park_development_contribution"][1], [0.11, 0.11], rtol=1e-12)
    np.testing.assert_allclose(model.state.debt, [0.11, 0.11], rtol=1e-9)
    np.testing.assert_allclose(model.transfer.park_remaining, [120.0], rtol=1e-12)
    np.testing.assert_allclose(rec["park_land_developed"][1], [100.0, 0.0])
    model.step()
    np.testing.assert_allclose(rec["park_land_developed"][2], [120.0, 0.0])


def test_e3_e4_the_siting_rule_keeps_new_chemical_projects_out_of_a_riverside_unit(tiny):
    # industry is all chemical and a's sites all lie within the 1 km strip from 2022: no industry site is open in a
    # (E3), its utility is -inf (E4) for every project choosing from 2022 on; services projects still locate in a.
    # (A relocation rate above 0 keeps (T7) finite: at rate 0, 0 x exp(inf) of the banned sites is nan.)
    eco = compensation_and_energy(chemical_share=np.array([1.0, 0.0]), riverside_share=np.array([1.0, 0.0]),
                                  siting_rule_year=2022, strip_width=np.ones(4))
    params = dataclasses.replace(
        tiny.params(transfer=tiny.transfer(arrival_rate=np.array([[20.0, 20.0]]), relocation_rate=0.05,
                                            relocation_sensitivity=1.0), sharing=tiny.sharing()),
        ecology=eco)
    model = CnyxModel(tiny.base(), params, seed=2)
    while model.running:
        model.step()
    book = model.transfer.book
    later = (book.year_arrived >= 2022) & (book.host >= 0)
    industry, services = later & (book.sector == 0), later & (book.sector == 1)
    assert industry.sum() > 0 and (book.host[industry] == 1).all()
    assert (book.host[services] == 0).any()
