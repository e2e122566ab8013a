"""Cross-field and data checks of a validated scenario (scenario/checks.py) and parameter building
(scenario/build.py): each rule on a small case, the project-volume estimate by hand, warnings one line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from cnyx_sim import cli
from cnyx_sim.limits import DEFAULT_LIMITS, Limits
from cnyx_sim.scenario.build import build_params, fill
from cnyx_sim.scenario.checks import (
    CheckData,
    check_dates_in_horizon,
    check_parks,
    check_project_volume,
    check_transfer_sectors,
    expected_projects,
    origin_arrival_rates,
)
from cnyx_sim.scenario.errors import ScenarioError
from cnyx_sim.scenario.load import load_scenario, prepare
from cnyx_sim.scenario.schema import Capital, Scenario
from cnyx_sim.scenario.types import CONTEXT_KEY, ValidationContext

REPO = Path(__file__).resolve().parents[3]
BASELINE = REPO / "scenarios" / "baseline.yaml"
UNITS = ("zigong", "luzhou", "qijiang")
SECTORS = ("agriculture", "food_beverage", "auto_moto", "electronics", "equipment", "materials_chemicals",
           "energy_resources", "construction", "producer_services", "consumer_services")


def validated(data: dict, end: int = 2025) -> Scenario:
    context = ValidationContext(UNITS, SECTORS, ("SC", "CQ"), 2021, end)
    return Scenario.model_validate({"name": "t", "years": {"start": 2021, "end": end}, **data},
                                   context={CONTEXT_KEY: context})


def data(limits: Limits = DEFAULT_LIMITS, written=None) -> CheckData:
    return CheckData(UNITS, SECTORS, np.ones(len(SECTORS)), limits, written)


PARK = {"id": "p", "host": "zigong", "partners": ["luzhou"], "target_sectors": ["equipment"], "start_year": 2023}


# ------------------------------------------------------------------------------------------------------ parks
@pytest.mark.parametrize("change, key, message", [
    ({"host": "atlantis"}, ("parks", 0, "host"), "unknown region code 'atlantis'"),
    ({"partners": ["zigong"]}, ("parks", 0, "partners", 0), "cannot be its host"),
    ({"partners": ["mars"]}, ("parks", 0, "partners", 0), "unknown partner 'mars'"),
    ({"partners": []}, ("parks", 0, "partners"), "at least one partner"),
    ({"target_sectors": ["steel"]}, ("parks", 0, "target_sectors", 0), "unknown sector code 'steel'"),
])
def test_park_problems_are_errors_located_at_the_key(change, key, message):
    [problem] = check_parks(validated({"parks": [{**PARK, **change}]}), data())
    assert (problem.key_path, problem.is_warning) == (key, False) and message in problem.message


def test_a_duplicate_park_id_is_an_error_at_the_second_park():
    problems = check_parks(validated({"parks": [PARK, PARK]}), data())
    assert [p.key_path for p in problems] == [("parks", 1, "id")]


def test_a_park_opening_after_the_last_simulated_year_is_a_warning_not_an_error():
    [problem] = check_parks(validated({"parks": [{**PARK, "start_year": 2030}]}), data())
    assert problem.is_warning and problem.message.startswith("no effect: the park opens in 2030, after the last")


# ----------------------------------------------------------------------------------------------------- dates
def test_dates_outside_the_horizon_that_the_file_writes_are_warnings_and_defaults_are_not():
    scenario = validated({"incentives": {"regime_date": "2030-08-01"}}, end=2025)
    written = frozenset({("incentives", "regime_date")})
    [problem] = check_dates_in_horizon(scenario, data(written=written))
    assert problem.key_path == ("incentives", "regime_date") and problem.is_warning
    assert problem.message.startswith("no effect:") and "takes effect in 2031, after the last simulated year 2025" \
        in problem.message
    # The schema's default events (one dated 2027) are not the user's: no warning for them.
    assert check_dates_in_horizon(validated({}, end=2025), data(written=frozenset())) == []


def test_an_event_before_the_first_simulated_year_is_a_warning_that_it_acts_throughout():
    event = {"name": "old line", "date": "2019-05-01", "pairs": [["zigong", "luzhou", 1.0]]}
    scenario = validated({"infrastructure": {"events": [event]}})
    [problem] = check_dates_in_horizon(scenario, data())
    assert problem.key_path == ("infrastructure", "events", 0, "date") and "in effect throughout" in problem.message


def test_warnings_are_one_line_on_stderr_and_validation_still_succeeds(tmp_path, capsys):
    path = tmp_path / "late.yaml"
    path.write_text(f"extends: {BASELINE}\nname: late\nincentives:\n  regime_date: 2040-01-01\n", encoding="utf-8")
    assert cli.main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert line.startswith(f"warning: {path}:4: incentives.regime_date: no effect:")
    assert "ok:" in captured.out


# -------------------------------------------------------------------------------------------------- transfer
def test_transfer_sector_weights_must_name_transfer_sectors_and_not_all_vanish():
    [problem] = check_transfer_sectors(validated({"transfer": {"sector_weights": {"agriculture": 1.0}}}), data())
    assert problem.key_path == ("transfer", "sector_weights", "agriculture")
    [problem] = check_transfer_sectors(validated({"transfer": {"sector_weights": {"electronics": 0.0}}}), data())
    assert "must not all be zero" in problem.message
    [problem] = check_transfer_sectors(validated({"transfer": {"transfer_sectors": ["steel"]}}), data())
    assert problem.key_path == ("transfer", "transfer_sectors", 0)


def expected(scenario) -> float:
    d = data()
    return expected_projects(scenario, d.base_sector_value_added, d.sectors)


def test_expected_projects_is_the_sum_of_rates_times_the_push_over_the_years_by_hand():
    rates = {"chengdu": 10.0, "chongqing_core": 20.0, "east_coast": 30.0, "abroad": 40.0}
    flat = validated({"transfer": {"arrival_rate": rates, "origin_land_cost_growth": 0.0}, "macro":
                      {"national_real_growth": 0.0}}, end=2025)
    assert expected(flat) == pytest.approx(100.0 * 5)  # the base-year cohort and 4 simulated years, no push
    pushed = validated({"transfer": {"arrival_rate": rates, "origin_land_cost_growth": 0.1,
                                     "land_push_elasticity": 2.0, "wage_push_elasticity": 1.0},
                        "macro": {"national_real_growth": 0.05}}, end=2023)
    # years 2022, 2023: national index 1.05, 1.1025 (arrivals grow with it, T2); land index 1.1, 1.21 (^2); the
    # origins' wages grow with the nation, so their wage push W / G is 1 (T1)
    by_hand = 100.0 * (1.0 + sum(1.05 ** t * 1.1 ** (2 * t) for t in (1, 2)))
    assert expected(pushed) == pytest.approx(by_hand)
    faster = validated({"transfer": {"arrival_rate": rates, "origin_land_cost_growth": 0.0,
                                     "wage_push_elasticity": 1.0},
                        "macro": {"national_real_growth": 0.0},
                        "population": {"external_real_wage_growth": 0.1}}, end=2022)
    # origin wages 10 % above the nation in 2022 push the three origins with a wage node (not abroad)
    assert expected(faster) == pytest.approx(100.0 + 60.0 * 1.1 + 40.0)


def test_calibrated_arrival_rates_deliver_phi_of_the_fitted_investment_by_hand():
    scenario = validated({"transfer": {"project_investment_share": 0.2}}, end=2022)
    d = data()
    rates = origin_arrival_rates(scenario, d.base_sector_value_added, d.sectors)
    tr = scenario.transfer
    mask = np.array([c in tr.transfer_sectors for c in d.sectors])
    flow = (0.2 * scenario.capital.investment_rate.array * d.base_sector_value_added * mask).sum()
    # located x carried out x realised share x mean size = the flow (mean size equal across sectors here)
    realised = (rates * tr.located_share.array).sum() * tr.start_probability * tr.realised_share * 7.55
    assert realised == pytest.approx(flow)
    shares = rates * tr.located_share.array
    np.testing.assert_allclose(shares / shares.sum(), tr.origin_share.array / tr.origin_share.array.sum())


def test_project_volume_over_the_limit_is_an_error_that_lifted_limits_allow():
    heavy = validated({"transfer": {"arrival_rate": {"chengdu": 5000.0}}}, end=2035)
    [problem] = check_project_volume(heavy, data(Limits(expected_projects=10_000)))
    assert problem.key_path == ("transfer", "arrival_rate") and "--lift-limits" in problem.message
    assert check_project_volume(heavy, data(Limits.lifted())) == []


# ------------------------------------------------------------------------------------------------------ build
def test_fill_copies_fields_by_name_and_refuses_a_field_it_cannot_fill():
    @dataclasses.dataclass
    class Wanted:
        depreciation_rate: float
        investment_rate: np.ndarray
        unknown_thing: float

    section = Capital.model_validate({}, context={CONTEXT_KEY: ValidationContext(UNITS, SECTORS, ("SC",), 2021,
                                                                                 2025)})
    assert fill(Wanted, section, unknown_thing=1.0).investment_rate.tolist() == [0.4] * len(SECTORS)
    with pytest.raises(TypeError, match="Wanted.unknown_thing"):
        fill(Wanted, section)


def test_fill_refuses_a_typed_value_that_validation_did_not_resolve():
    @dataclasses.dataclass
    class Wanted:
        investment_rate: np.ndarray

    with pytest.raises(TypeError, match="was not resolved"):
        fill(Wanted, Capital.model_validate({}))


def test_built_parameters_of_the_baseline_carry_the_resolved_values():
    loaded, calibration, params = prepare(BASELINE)
    tr = params.transfer
    assert tr.arrival_rate is None  # calibrated by the engine from phi (T2)
    assert tr.project_investment_share == 0.2 and tr.crowding_out == 0.0
    assert tr.io_coefficients.shape == (10, 10) and tr.va_ratio.min() > 0
    assert tr.infrastructure.external_mass[: len(calibration.base.geography.cities)].tolist() == [0.0] * 10
    np.testing.assert_allclose(params.macro.deflator_growth, loaded.scenario.macro.deflator_growth.array)
    no_path = prepare(BASELINE, {"macro": {"deflator_growth": None}})[2]  # None: the data's mean CPI change
    np.testing.assert_allclose(no_path.macro.deflator_growth, calibration.default_inflation)
    assert params.fiscal.local_share.tolist() == [0.5, 0.4, 0.4, 1.0]  # vat, cit, pit, property
    assert loaded.input_files.keys() == {"calibration/regions.csv", "calibration/sectors.csv",
                                         "calibration/base_year_2021.csv", "calibration/io_coefficients.csv",
                                         "travel_times", "posterior_draws"}


def test_a_scenario_validated_without_its_data_cannot_be_built():
    loaded = load_scenario(BASELINE)
    assert build_params(loaded).start_year == 2021
    with pytest.raises(ScenarioError, match="years.start: must equal the base-year data year 2021"):
        load_scenario(BASELINE, {"years": {"start": 2020, "end": 2030}})
