"""Typed scenario fields: per-sector, per-unit, per-key and year-path values resolved during validation, and
finite ranges for every numeric parameter of the schema."""

from __future__ import annotations

import math
import typing

import annotated_types
import numpy as np
import pydantic
import pytest

from cnyx_sim.scenario.schema import PARAMETER_SECTIONS, Capital, Fiscal, Macro, Production, Scenario
from cnyx_sim.scenario.schema_transfer import Incentives, Transfer
from cnyx_sim.scenario.types import (
    CONTEXT_KEY,
    CodeValues,
    ValidationContext,
    YearValues,
    resolve_year_path,
)

SECTORS = ("agriculture", "food_beverage", "auto_moto", "electronics", "equipment", "materials_chemicals",
           "energy_resources", "construction", "producer_services", "consumer_services")
UNITS = ("zigong", "luzhou", "neijiang")
GROUPS = ("agriculture", "industry", "industry", "industry", "industry", "industry", "industry", "construction",
          "services", "services")
CONTEXT = {CONTEXT_KEY: ValidationContext(UNITS, SECTORS, ("SC", "CQ"), 2021, 2026, GROUPS,
                                          ("agriculture", "industry", "construction", "services"))}


def error_of(model, data: dict) -> dict:
    with pytest.raises(pydantic.ValidationError) as info:
        model.model_validate(data, context=CONTEXT)
    return info.value.errors()[0]


# ------------------------------------------------------------------------------------------------ per sector
def test_a_number_applies_to_every_sector_and_a_mapping_overrides_the_default_sector_by_sector():
    scalar = Capital.model_validate({"investment_rate": 0.3}, context=CONTEXT).investment_rate
    assert isinstance(scalar, CodeValues) and scalar.codes == SECTORS and set(scalar.values) == {0.3}
    ratio = Capital.model_validate({"capital_output_ratio": {"electronics": 4.0}}, context=CONTEXT)
    expected = dict(zip(SECTORS, (1.5, 2.5, 2.5, 4.0, 2.5, 2.5, 2.5, 1.0, 2.5, 3.0)))
    assert dict(ratio.capital_output_ratio) == expected
    np.testing.assert_array_equal(ratio.capital_output_ratio.array, list(expected.values()))


def test_an_unknown_sector_code_is_located_at_its_own_key():
    error = error_of(Capital, {"investment_rate": {"steel": 0.3}})
    assert error["loc"] == ("investment_rate",) and error["ctx"]["subpath"] == ("steel",)
    assert "unknown sector or group code 'steel'" in error["msg"] and "agriculture" in error["msg"]


def test_a_sector_the_data_has_but_the_default_lacks_needs_a_value():
    context = {CONTEXT_KEY: ValidationContext(UNITS, SECTORS + ("mining",), ("SC",), 2021, 2026)}
    with pytest.raises(pydantic.ValidationError, match="no value for sector.s. mining"):
        Capital.model_validate({}, context=context)
    fine = Capital.model_validate({"capital_output_ratio": {"mining": 5.0}, "investment_rate": 0.4},
                                  context=context)
    assert fine.capital_output_ratio["mining"] == 5.0


def test_without_a_context_typed_values_keep_the_form_written():
    assert Capital.model_validate({"investment_rate": {"steel": 0.3}}).investment_rate == {"steel": 0.3}


# ------------------------------------------------------------------------------------------- per unit / keys
def test_a_unit_by_sector_mapping_must_name_every_unit_and_cover_every_sector():
    error = error_of(Production, {"tfp_initial_growth": {"zigong": 0.01}})
    assert "no value for region(s) luzhou, neijiang" in error["msg"]
    ok = Production.model_validate({"tfp_initial_growth": dict.fromkeys(UNITS, 0.02)}, context=CONTEXT)
    assert ok.tfp_initial_growth.array.tolist() == [[0.02] * len(SECTORS)] * 3
    partial = {**dict.fromkeys(UNITS, 0.02), "luzhou": {"industry": 0.03}}
    error = error_of(Production, {"tfp_initial_growth": partial})
    assert error["ctx"]["subpath"] == ("luzhou",) and "no value for sector(s) agriculture" in error["msg"]


def test_a_sector_group_gives_its_value_to_each_of_its_sectors_and_a_sectors_own_key_wins():
    entry = {"agriculture": 0.01, "industry": 0.03, "electronics": 0.05, "construction": 0.02, "services": 0.04}
    ok = Production.model_validate({"tfp_initial_growth": dict.fromkeys(UNITS, entry)}, context=CONTEXT)
    assert dict(ok.tfp_initial_growth["luzhou"]) == {
        "agriculture": 0.01, "food_beverage": 0.03, "auto_moto": 0.03, "electronics": 0.05, "equipment": 0.03,
        "materials_chemicals": 0.03, "energy_resources": 0.03, "construction": 0.02, "producer_services": 0.04,
        "consumer_services": 0.04}
    rates = Capital.model_validate({"investment_rate": {"services": 0.2}}, context=CONTEXT).investment_rate
    assert rates["producer_services"] == rates["consumer_services"] == 0.2 and rates["equipment"] == 0.4
    error = error_of(Capital, {"investment_rate": {"mining": 0.2}})
    assert "unknown sector or group code 'mining'" in error["msg"]


def test_a_per_sector_field_written_per_unit_takes_sector_keys_beside_the_units_for_every_unit():
    rows = {unit: {"electronics": 3.0} for unit in UNITS}
    ratio = Capital.model_validate({"capital_output_ratio": {**rows, "equipment": 5.0}}, context=CONTEXT)
    array = ratio.capital_output_ratio.array
    assert array.shape == (3, len(SECTORS))
    assert array[:, SECTORS.index("electronics")].tolist() == [3.0] * 3
    assert array[:, SECTORS.index("equipment")].tolist() == [5.0] * 3
    assert array[:, SECTORS.index("agriculture")].tolist() == [1.5] * 3  # the default
    error = error_of(Capital, {"capital_output_ratio": {"zigong": 2.0}})
    assert "no value for region(s) luzhou, neijiang" in error["msg"]


def test_a_partial_per_unit_mapping_keeps_the_default_for_the_other_units():
    packages = Incentives.model_validate({"land_discount": {"luzhou": 0.5}}, context=CONTEXT)
    assert packages.land_discount.array.tolist() == [0.2, 0.5, 0.2]


def test_a_partial_per_origin_mapping_keeps_the_default_of_the_other_origins():
    # The same rule as per-sector values and extends: a mapping overrides key by key.
    transfer = Transfer.model_validate({"located_share": {"abroad": 0.4}}, context=CONTEXT)
    assert dict(transfer.located_share) == {"chengdu": 0.5, "chongqing_core": 0.5, "east_coast": 0.3, "abroad": 0.4}


def test_province_take_names_every_province_of_the_data():
    error = error_of(Fiscal, {"province_take": {"SC": 0.3, "XX": 0.3}})
    assert error["ctx"]["subpath"] == ("XX",) and "unknown province code" in error["msg"]


# ------------------------------------------------------------------------------------------------ year paths
def test_a_year_path_is_a_step_function_from_the_first_simulated_year_keys_after_the_end_ignored():
    path = resolve_year_path({2022: 0.1, 2024: 0.2, 2030: 0.9}, 2021, 2026)
    assert list(path.items()) == [(2021, 0.1), (2022, 0.1), (2023, 0.1), (2024, 0.2), (2025, 0.2), (2026, 0.2)]
    assert path.to_json() == {2022: 0.1, 2024: 0.2}
    assert resolve_year_path(0.05, 2021, 2026).to_json() == 0.05


def test_a_year_path_must_start_at_the_first_simulated_year_and_not_before():
    with pytest.raises(Exception, match="first simulated year 2022 .its first year is 2023."):
        resolve_year_path({2023: 0.1}, 2021, 2026)
    with pytest.raises(Exception, match="year 2021 is not after the start year 2021") as info:
        resolve_year_path({2021: 0.1, 2022: 0.2}, 2021, 2026)
    assert info.value.context["subpath"] == (2021,)


def test_an_empty_year_path_is_refused_with_the_first_year_it_needs():
    with pytest.raises(Exception, match="empty year path: give a value for 2022, the first simulated year"):
        resolve_year_path({}, 2021, 2026)


@pytest.mark.parametrize("keys", [(2022, "2022"), ("2022", " 2022 "), ("+2022", 2022)])
def test_one_year_written_twice_in_two_forms_is_refused_naming_the_year(keys):
    first, second = keys
    error = error_of(Macro, {"national_real_growth": {first: 0.05, second: 0.25}})
    assert "year 2022 is given twice" in error["msg"]


def test_a_year_key_written_as_text_is_the_year():
    macro = Macro.model_validate({"national_real_growth": {"2022": 0.05, "2025": 0.03}}, context=CONTEXT)
    assert macro.national_real_growth.array.tolist() == [0.05, 0.05, 0.05, 0.05, 0.03, 0.03]
    assert isinstance(macro.national_real_growth, YearValues)


def test_defaults_are_resolved_like_written_values():
    macro = Macro.model_validate({}, context=CONTEXT)
    assert macro.national_real_growth.to_json() == {2022: 0.055, 2026: 0.045}
    assert macro.deflator_growth is None  # None = the data's default, supplied when parameters are built


def test_a_scenario_dump_is_json_data_with_resolved_values():
    dumped = Scenario.model_validate({"name": "x", "years": {"start": 2021, "end": 2026}},
                                     context=CONTEXT).model_dump(mode="json")
    assert dumped["capital"]["investment_rate"] == dict.fromkeys(SECTORS, 0.4)
    assert dumped["incentives"]["land_discount"] == dict.fromkeys(UNITS, 0.2)


# ------------------------------------------------------------------------------------------------ NaN / inf
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("model, field", [(Capital, "depreciation_rate"), (Capital, "capital_output_ratio"),
                                          (Transfer, "mean_size"), (Transfer, "arrival_rate"),
                                          (Macro, "national_real_growth")])
def test_nan_and_infinities_are_refused_everywhere(model, field, value):
    arrival = field == "arrival_rate"
    with pytest.raises(pydantic.ValidationError):
        model.model_validate({field: {"abroad": value} if arrival else value}, context=CONTEXT)


# ------------------------------------------------------------------------------------------- finite ranges
def _numeric_leaves(annotation, metadata, where):
    """(where, base type, constraints) of every int/float leaf inside ``annotation``."""
    constraints = list(metadata)
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        for item in extra:
            constraints.extend(getattr(item, "metadata", None) or [item])
    origin = typing.get_origin(annotation)
    if annotation in (int, float):
        yield where, annotation, constraints
    elif origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        for arm in typing.get_args(annotation):
            yield from _numeric_leaves(arm, constraints, where)
    elif origin in (list, tuple, set):
        for i, arm in enumerate(a for a in typing.get_args(annotation) if a is not Ellipsis):
            yield from _numeric_leaves(arm, [], f"{where}[{i}]")
    elif origin is dict:
        yield from _numeric_leaves(typing.get_args(annotation)[1], [], f"{where}.<value>")
    elif isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        for name, info in annotation.model_fields.items():
            yield from _numeric_leaves(info.annotation, info.metadata, f"{where}.{name}")


def _range(constraints):
    low = high = None
    for c in constraints:
        if isinstance(c, (annotated_types.Ge, annotated_types.Gt)):
            low = getattr(c, "ge", getattr(c, "gt", None))
        elif isinstance(c, (annotated_types.Le, annotated_types.Lt)):
            high = getattr(c, "le", getattr(c, "lt", None))
    return low, high


def test_every_numeric_parameter_has_a_finite_range_in_the_schema():
    leaves = []
    for section, model in {**PARAMETER_SECTIONS, "scenario": Scenario}.items():
        for name, info in model.model_fields.items():
            leaves.extend(_numeric_leaves(info.annotation, info.metadata, f"{section}.{name}"))
    assert len(leaves) > 80
    unbounded = [where for where, _, constraints in leaves
                 if not all(v is not None and math.isfinite(v) for v in _range(constraints))]
    assert unbounded == []


def test_the_range_check_sees_a_missing_bound():
    class Loose(pydantic.BaseModel):
        rate: float = pydantic.Field(0.1, ge=0.0)

    [(where, _, constraints)] = list(_numeric_leaves(Loose, [], "loose"))
    assert _range(constraints) == (0.0, None)


def test_bounds_that_keep_the_model_defined_found_by_the_property_search():
    # park land taking all public investment leaves no public capital: (F7)'s per-resident ratio is 0/0
    from cnyx_sim.scenario.schema_sharing import Budget

    with pytest.raises(pydantic.ValidationError, match="less than or equal to 0.9"):
        Budget.model_validate({"park_land_share": 1.0})
    # a vanishing capital-output ratio (9e-96 was found) makes the capital stock 0 and its return infinite
    with pytest.raises(pydantic.ValidationError) as info:
        Capital.model_validate({"capital_output_ratio": {"construction": 9e-96}}, context=CONTEXT)
    assert "greater_than_equal" in {e["type"] for e in info.value.errors()}
