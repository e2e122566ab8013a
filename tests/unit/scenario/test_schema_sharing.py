"""The sharing, statistics and budget sections: invalid agreements are rejected with clear messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydantic
import pytest
import yaml

from cnyx_sim.mechanisms.tax_sharing import KIND_GOVERNMENT_LED, KIND_PARK
from cnyx_sim.scenario.errors import ScenarioError
from cnyx_sim.scenario.schema import Section
from cnyx_sim.scenario.schema_sharing import (
    TEMPLATES,
    Budget,
    ParkRef,
    Sharing,
    Statistics,
    build_agreement_set,
    check_agreements,
)
from cnyx_sim.scenario.yaml_io import resolve_extends, scenario_error_at, scenario_error_from_pydantic

UNITS = ("zigong", "luzhou", "neijiang", "jiangjin", "qijiang")
PARKS = (ParkRef("zigong_qijiang", "qijiang", ("zigong", "qijiang"), 2023),
         ParkRef("zigong_kunshan", "zigong", ("kunshan",), 2023))
EXTERNAL = ("kunshan", "guangzhou")


class Doc(Section):
    sharing: Sharing = Sharing()
    statistics: Statistics = Statistics()
    budget: Budget = Budget()


def park_agreement(**changes):
    return {"id": "zq", "applies_to": "zigong_qijiang", "split": 0.5, **changes}


def rejected(agreement: dict) -> str:
    with pytest.raises(pydantic.ValidationError) as info:
        Sharing.model_validate({"agreements": [agreement]})
    return str(info.value)


@pytest.mark.parametrize(("agreement", "message"), [
    (park_agreement(split=1.2), "split (the share of the local revenue given away) must lie between 0 and 1"),
    (park_agreement(split=-0.1), "must lie between 0 and 1"),
    (park_agreement(stat_split={"gdp": 1.5}), "stat_split.gdp must lie between 0 and 1"),
    (park_agreement(window={"length": 0}), "window ends before it starts"),
    (park_agreement(window={"length": 500}), "less than or equal to 200"),
    (park_agreement(split=float("nan")), "finite number"),
    (park_agreement(cap=float("nan")), "finite number"),
    (park_agreement(cap=float("inf")), "finite number"),
    (park_agreement(cap=1e308), "less than or equal to 10000"),
    (park_agreement(start_year=2030, end_year=2025), "agreement ends (end_year 2025) before it starts"),
    (park_agreement(template="no_such"), "unknown template 'no_such'"),
    ({"id": "r", "applies_to": "referral", "partner": "zigong"}, "partner is set by the rule 'referral'"),
    (park_agreement(window={"length": 3, "extension": 2}), "extension runs only while a cap is not reached"),
    (park_agreement(cap="pre_move_3yr"), "cap pre_move_3yr needs relocated projects"),
    (park_agreement(min_pre_move_tax=0.2), "min_pre_move_tax applies only to government_led_relocation"),
    (park_agreement(taxes=["vat", "vat"]), "taxes must not repeat"),
    (park_agreement(taxes=["vat", "land"]), "Input should be 'vat', 'cit', 'pit' or 'property'"),
    (park_agreement(spilt=0.5), "Extra inputs are not permitted"),
    (park_agreement(cap=-1.0), "cap must be >= 0"),
])
def test_invalid_agreement_is_rejected_with_a_clear_message(agreement, message):
    assert message in rejected(agreement)


def test_duplicate_agreement_ids_are_rejected():
    with pytest.raises(pydantic.ValidationError, match="duplicate agreement id 'zq'"):
        Sharing.model_validate({"agreements": [park_agreement(), park_agreement()]})


def test_templates_fill_unwritten_keys_and_written_keys_win():
    sharing = Sharing.model_validate({"agreements": [
        {"id": "jjj", "template": "jingjinji_92"},
        {"id": "gz", "template": "gaozhu", "applies_to": "zigong_qijiang", "window": {"length": 10}},
    ]})
    jjj, gz = sharing.agreements
    assert (jjj.applies_to, jjj.split, jjj.cap, jjj.window.length, jjj.window.extension) == (
        "government_led_relocation", 0.5, "pre_move_3yr", 3, 2)
    assert jjj.min_pre_move_tax == pytest.approx(0.2)  # 2000万元
    assert gz.stock_rule == "increment_only" and gz.window.length == 10 and gz.window.basis == "agreement_start"
    assert set(TEMPLATES) == {"jingjinji_92", "gaozhu"}


def test_user_templates_can_extend_builtins():
    sharing = Sharing.model_validate({
        "templates": {"weak_gaozhu": {"template": "gaozhu", "enforcement_probability": 0.3}},
        "agreements": [{"id": "x", "template": "weak_gaozhu", "applies_to": "zigong_qijiang"}],
    })
    assert sharing.agreements[0].enforcement_probability == 0.3
    assert sharing.agreements[0].split == 0.5


# ---------------------------------------------------------------------------------------- data checks
def problems(*agreements, first_year: int = 2022):
    sharing = Sharing.model_validate({"agreements": list(agreements)})
    return check_agreements(sharing.agreements, UNITS, PARKS, EXTERNAL, first_year)


def test_unknown_park_or_rule_is_located_at_applies_to():
    [(key, expected)] = problems(park_agreement(applies_to="zigong_mars"))
    assert key == ("sharing", "agreements", 0, "applies_to")
    assert "unknown park or rule 'zigong_mars'" in expected and "government_led_relocation" in expected


def test_unknown_partner_is_located_at_its_list_position():
    [(key, expected)] = problems(park_agreement(partner=["zigong", "shanghai"]))
    assert key == ("sharing", "agreements", 0, "partner", 1)
    assert "unknown region unit or partner 'shanghai'" in expected


def test_external_partners_are_known():
    assert problems(park_agreement(applies_to="zigong_kunshan", partner="kunshan")) == []


def test_two_agreements_giving_away_more_than_all_of_a_tax_are_rejected():
    found = problems(park_agreement(id="a", split=0.6), park_agreement(id="b", split=0.5, taxes=["vat"]))
    [(key, expected)] = found
    assert key == ("sharing", "agreements", 1, "split")
    assert "'a', 'b'" in expected and "110%" in expected and "vat" in expected


def test_same_statistics_split_twice_over_100_percent_is_rejected():
    [(key, expected)] = problems(park_agreement(id="a", split=0.1, stat_split={"fai": 0.7}),
                                 park_agreement(id="b", split=0.1, stat_split={"fai": 0.7}))
    assert key[-1] == "stat_split" and "fai statistics" in expected


@pytest.mark.parametrize("second", [
    park_agreement(id="b", split=0.6, taxes=["pit"]),                           # other tax
    park_agreement(id="b", split=0.6, start_year=2031),                         # later years
    park_agreement(id="b", split=0.6, applies_to="zigong_kunshan"),            # other park
    park_agreement(id="b", split=0.5),                                          # exactly 100 %
])
def test_agreements_that_do_not_overlap_or_stay_within_100_percent_pass(second):
    first = park_agreement(id="a", split=0.5, end_year=2030, taxes=["vat", "cit"])
    assert problems(first, second) == []


def test_an_agreement_relying_on_its_default_start_year_is_checked_like_any_other():
    # issue 12: 'a' starts with its park (2023, default) and pays for 3 years; 'b' is dated 2023 explicitly.
    # Before the start year was resolved, 'a''s window counted from year 0 and the 120 % went unnoticed.
    [(key, expected)] = problems(park_agreement(id="a", split=0.6, window={"length": 3}),
                                 park_agreement(id="b", split=0.6, start_year=2023, window={"length": 3}))
    assert key == ("sharing", "agreements", 1, "split") and "120%" in expected
    # The same for a rule agreement, whose default start is the first simulated year.
    relocation = {"applies_to": "government_led_relocation", "split": 0.6, "window": {"length": 2}}
    [(key, expected)] = problems({**relocation, "id": "a"}, {**relocation, "id": "b", "start_year": 2022})
    assert "120%" in expected
    assert problems({**relocation, "id": "a"}, {**relocation, "id": "b", "start_year": 2024}) == []


def test_a_park_agreement_whose_partner_is_the_park_host_is_rejected():
    [(key, expected)] = problems(park_agreement(partner="qijiang"))  # qijiang hosts zigong_qijiang
    assert key == ("sharing", "agreements", 0, "partner")
    assert "'qijiang' hosts the park 'zigong_qijiang'" in expected


def test_an_agreement_ending_before_its_default_start_is_rejected():
    [(key, expected)] = problems(park_agreement(end_year=2022))  # the park starts in 2023
    assert key == ("sharing", "agreements", 0, "end_year") and "default start year 2023" in expected


def template_error(templates: dict, agreements: list | None = None) -> dict:
    with pytest.raises(pydantic.ValidationError) as info:
        Sharing.model_validate({"templates": templates, "agreements": agreements or []})
    [error] = info.value.errors()
    return error


def test_a_user_template_with_a_misspelt_parent_is_rejected_not_dropped():
    error = template_error({"weak": {"template": "gaozu", "enforcement_probability": 0.3}},
                           [{"id": "x", "template": "weak", "applies_to": "zigong_qijiang"}])
    assert error["ctx"]["subpath"] == ("templates", "weak", "template")
    assert "unknown parent template 'gaozu'" in error["msg"]


def test_user_templates_naming_each_other_are_rejected_as_a_cycle():
    error = template_error({"a": {"template": "b"}, "b": {"template": "a"}})  # checked even when unused
    assert "cycle" in error["msg"] and "a -> b -> a" in error["msg"]


def test_user_templates_may_chain_through_other_user_templates():
    sharing = Sharing.model_validate({
        "templates": {"weak": {"template": "gaozhu", "enforcement_probability": 0.3},
                      "weaker": {"template": "weak", "split": 0.2}},
        "agreements": [{"id": "x", "template": "weaker", "applies_to": "zigong_qijiang"}],
    })
    agreement = sharing.agreements[0]
    assert (agreement.split, agreement.enforcement_probability, agreement.stock_rule) == (0.2, 0.3, "increment_only")


def test_an_unknown_key_in_a_user_template_is_rejected_even_if_unused():
    error = template_error({"weak": {"template": "gaozhu", "spilt": 0.3}})
    assert error["ctx"]["subpath"] == ("templates", "weak", "spilt")


def test_windows_relative_to_full_production_overlap_only_when_their_years_do():
    relocation = {"applies_to": "government_led_relocation", "window": {"basis": "full_production", "length": 3}}
    assert problems({**relocation, "id": "a", "split": 0.6},
                    {**relocation, "id": "b", "split": 0.6, "window": {"basis": "full_production", "start": 3,
                                                                       "length": 2}}) == []
    assert len(problems({**relocation, "id": "a", "split": 0.6}, {**relocation, "id": "b", "split": 0.6})) == 1


def test_data_problems_become_one_line_located_scenario_errors(tmp_path: Path):
    path = tmp_path / "s.yaml"
    path.write_text("sharing:\n  agreements:\n    - id: a\n      applies_to: nowhere\n", encoding="utf-8")
    doc = resolve_extends(path)
    sharing = Sharing.model_validate(doc.data["sharing"])
    [(key, expected)] = check_agreements(sharing.agreements, UNITS, PARKS, EXTERNAL, 2022)
    message = str(scenario_error_at(doc, key, expected))
    assert message.startswith(f"{path}:4: sharing.agreements[0].applies_to: unknown park or rule 'nowhere'")
    assert "\n" not in message


def test_schema_errors_become_one_line_located_scenario_errors(tmp_path: Path):
    path = tmp_path / "s.yaml"
    path.write_text("sharing:\n  agreements:\n    - id: a\n      applies_to: p\n      split: 1.5\n", encoding="utf-8")
    doc = resolve_extends(path)
    with pytest.raises(pydantic.ValidationError) as info:
        Doc.model_validate(doc.data)
    error = scenario_error_from_pydantic(info.value, doc)
    assert isinstance(error, ScenarioError)
    assert str(error).startswith(f"{path}:5: sharing.agreements[0].split: split")


# ---------------------------------------------------------------------------------------- resolution
def test_park_agreement_defaults_to_the_parks_partners_and_start_year():
    sharing = Sharing.model_validate({"agreements": [park_agreement(split=0.5)]})
    agreements = build_agreement_set(sharing, Statistics(honour_probability=0.9), UNITS, PARKS, EXTERNAL, 2022)
    assert agreements.kind.tolist() == [KIND_PARK]
    assert agreements.partner_unit.tolist() == [UNITS.index("zigong")]  # the host qijiang is not its own partner
    assert agreements.start_year.tolist() == [2023]
    assert agreements.stat_honour_probability.tolist() == [0.9]


def test_several_partners_share_the_split_equally_and_one_draw():
    sharing = Sharing.model_validate({"agreements": [
        park_agreement(applies_to="zigong_kunshan", partner=["kunshan", "luzhou"], split=0.4,
                       stat_split={"gdp": 0.2})]})
    agreements = build_agreement_set(sharing, Statistics(), UNITS, PARKS, EXTERNAL, 2022)
    np.testing.assert_allclose(agreements.split, [0.2, 0.2])
    np.testing.assert_allclose(agreements.stat_split[:, 0], [0.1, 0.1])
    assert agreements.partner_external.tolist() == [0, -1]
    assert agreements.partner_unit.tolist() == [-1, UNITS.index("luzhou")]
    assert agreements.group.tolist() == [0, 0]


def test_jingjinji_template_resolves_to_the_92_rule():
    sharing = Sharing.model_validate({"agreements": [{"id": "jjj", "template": "jingjinji_92"}]})
    a = build_agreement_set(sharing, Statistics(), UNITS, PARKS, EXTERNAL, 2022)
    assert a.kind.tolist() == [KIND_GOVERNMENT_LED] and a.is_cap_pre_move.tolist() == [True]
    assert a.window_length.tolist() == [3.0] and a.window_extension.tolist() == [2]
    assert a.tax_mask.tolist() == [[True, True, False, False]] and a.start_year.tolist() == [2022]


def test_disabled_sharing_resolves_to_no_agreements():
    sharing = Sharing.model_validate({"enabled": False, "agreements": [{"id": "jjj", "template": "jingjinji_92"}]})
    assert build_agreement_set(sharing, Statistics(), UNITS, PARKS, EXTERNAL, 2022).n_agreements == 0


@pytest.mark.parametrize("name", ["no_integration.yaml", "deep_integration.yaml"])
def test_scenario_drafts_validate_against_the_sharing_sections(repo_root: Path, name: str):
    data = yaml.safe_load((repo_root / "scenarios" / name).read_text(encoding="utf-8"))
    doc = Doc.model_validate({k: data[k] for k in ("sharing", "statistics", "budget") if k in data})
    unit_codes = [line.split(",")[0] for line in
                  (repo_root / "calibration" / "regions.csv").read_text(encoding="utf-8").splitlines()[1:]]
    # Park ids belong to the parks section (issue 3); here only units, partners and overlaps are checked.
    park_ids = sorted({a.applies_to for a in doc.sharing.agreements} - {"government_led_relocation",
                                                                         "all_cross_unit", "referral"})
    parks = [ParkRef(park_id, "no_host", (), 2023) for park_id in park_ids]
    assert check_agreements(doc.sharing.agreements, unit_codes, parks, EXTERNAL, 2022) == []
