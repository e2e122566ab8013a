"""Scenario sections of the plan's other levers (market_access, public_services, ecology, opening): located
errors for bad codes and pairs, neutral defaults, the siting rule's year, parameters built for the core."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from cnyx_sim.scenario.build import siting_rule_year
from cnyx_sim.scenario.checks import CheckData, check_dates_in_horizon, check_levers
from cnyx_sim.scenario.errors import ScenarioError
from cnyx_sim.scenario.load import prepare
from cnyx_sim.scenario.schema import Scenario
from cnyx_sim.scenario.types import CONTEXT_KEY, ValidationContext
from cnyx_sim.limits import DEFAULT_LIMITS

UNITS = ("zigong", "luzhou", "qijiang")
SECTORS = ("agriculture", "materials_chemicals", "consumer_services")


def validated(data: dict) -> Scenario:
    context = ValidationContext(UNITS, SECTORS, ("SC", "CQ"), 2021, 2030)
    return Scenario.model_validate({"name": "t", "years": {"start": 2021, "end": 2030}, **data},
                                   context={CONTEXT_KEY: context})


def problems(data: dict):
    return check_levers(validated(data), CheckData(UNITS, SECTORS, np.ones(len(SECTORS)), DEFAULT_LIMITS))


PAIR = {"id": "p", "upstream": "zigong", "downstream": "luzhou"}


@pytest.mark.parametrize("change, key, fragment", [
    ({"upstream": "atlantis"}, ("ecology", "compensation", 0, "upstream"), "unknown region code 'atlantis'"),
    ({"downstream": "zigong"}, ("ecology", "compensation", 0, "downstream"), "two different units"),
    ({"start_year": 2030, "end_year": 2025}, ("ecology", "compensation", 0, "end_year"), "before start_year"),
])
def test_a_bad_compensation_pair_is_located_at_its_key(change, key, fragment):
    [problem] = problems({"ecology": {"compensation": [{**PAIR, **change}]}})
    assert problem.key_path == key and fragment in problem.message


def test_duplicate_pair_ids_and_unknown_gateway_units_are_located():
    found = problems({"ecology": {"compensation": [PAIR, PAIR]},
                      "opening": {"gateways": [{"name": "g", "kind": "port", "date": "2026-01-01",
                                                "units": ["luzhou", "atlantis"]}]}})
    assert [p.key_path for p in found] == [("ecology", "compensation", 1, "id"), ("opening", "gateways", 0, "units", 1)]


def test_a_gateway_after_the_horizon_is_a_warning():
    scenario = validated({"opening": {"gateways": [{"name": "late", "kind": "port", "date": "2040-01-01",
                                                    "units": ["luzhou"]}]}})
    [warning] = check_dates_in_horizon(scenario, CheckData(UNITS, SECTORS, np.ones(3), DEFAULT_LIMITS))
    assert warning.is_warning and warning.key_path == ("opening", "gateways", 0, "date")


def test_defaults_are_neutral_where_the_value_depends_on_the_region():
    s = validated({})
    assert s.market_access.border_cost_removed.array.max() == 0.0
    assert s.public_services.region_pull.array.max() == 0.0
    assert s.public_services.border_friction_removed.array.max() == 0.0
    assert s.ecology.riverside_share.array.max() == 0.0 and s.ecology.compensation == []
    assert s.opening.gateways == []
    assert s.ecology.chemical_share["materials_chemicals"] == 0.5 and s.ecology.chemical_share["agriculture"] == 0.0


@pytest.mark.parametrize("value, key", [
    ({"ecology": {"riverside_share": {"zigong": 1.5}}}, "riverside_share"),
    ({"opening": {"gateways": [{"name": "g", "kind": "port", "date": "2026-01-01", "units": ["luzhou"],
                                "freight_cut": 1.0}]}}, "freight_cut"),
    ({"public_services": {"region_pull": 0.9}}, "region_pull"),
])
def test_values_outside_their_plausibility_bounds_are_refused(value, key):
    with pytest.raises(Exception, match=key):
        validated(value)


def test_the_siting_rule_binds_from_the_year_it_is_in_force_for_most_of():
    assert siting_rule_year(dt.date(2021, 3, 1)) == 2021  # 长江保护法: the base year already under the rule
    assert siting_rule_year(dt.date(2021, 7, 1)) == 2022


def test_the_shipped_baseline_builds_every_lever_for_the_core(baseline_path):
    _, _, params = prepare(baseline_path)
    assert params.market_access.is_enabled and params.market_access.output_elasticity == 0.06
    assert params.ecology.pair_ids == ("linjiang_yongchuan_jiangjin", "laixi_dazu_rongchang", "qijiang_qijiang_jiangjin")
    assert params.ecology.siting_rule_year == 2021
    assert params.opening.gateway_year.shape == (0,) and params.opening.gateway_units.shape == (0, 10)
    assert params.infrastructure is not None and params.infrastructure.base_travel_time.shape == (13, 13)


def test_a_bad_pair_in_a_scenario_file_is_one_located_line(tmp_path, baseline_path):
    path = tmp_path / "bad.yaml"
    path.write_text(f"extends: {baseline_path}\nname: bad\necology:\n  compensation:\n"
                    "    - {id: p, upstream: atlantis, downstream: luzhou}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        prepare(path)
    message = str(info.value)
    assert "\n" not in message and "bad.yaml:5" in message and "ecology.compensation[0].upstream" in message
