"""Parameter overrides from Python: written into the scenario before validation, errors naming the override."""

from __future__ import annotations

import numpy as np
import pytest

import cnyx_sim
from cnyx_sim.scenario.errors import ScenarioError
from cnyx_sim.scenario.overrides import apply_overrides, load_with_overrides, split_key
from cnyx_sim.scenario.yaml_io import resolve_extends


@pytest.fixture(scope="module")
def doc(baseline_path):
    return resolve_extends(baseline_path)


def test_nested_keys_year_keys_and_list_indices_are_set_without_touching_the_document(doc):
    before = repr(doc.data)
    new = apply_overrides(doc, {"production.tfp_long_run_growth": 0.02,
                                "macro.national_real_growth.2026": 0.03,
                                "parks[0].capacity": 12.5,
                                "transfer.arrival_rate.chengdu": np.float64(70.0)})
    assert repr(doc.data) == before
    assert new.data["production"]["tfp_long_run_growth"] == 0.02
    assert new.data["macro"]["national_real_growth"][2026] == 0.03          # an int year key, not "2026"
    assert new.data["parks"][0]["capacity"] == 12.5
    assert type(new.data["transfer"]["arrival_rate"]["chengdu"]) is float   # numpy scalars become Python
    assert new.origin[("production", "tfp_long_run_growth")][0] == "override production.tfp_long_run_growth"


def test_split_key_accepts_brackets_and_rejects_empty_parts():
    assert split_key("parks[2].share") == ("parks", "2", "share")
    with pytest.raises(ValueError):
        split_key("a..b")


@pytest.mark.parametrize("overrides, fragment", [
    ({"production.tfp_long_run_growth": 2.0}, "override production.tfp_long_run_growth: "
                                              "production.tfp_long_run_growth: Input should be less than"),
    ({"production.tfp_long_rn": 0.01}, "override production.tfp_long_rn: production.tfp_long_rn: unknown key"),
    ({"parks.99.capacity": 1}, "override parks.99.capacity: parks: a list of"),
    ({"years.end.x": 1}, "override years.end.x: years.end: a single value"),
    ({"fiscal.public_investment_share_initial": 0.9}, "override fiscal.public_investment_share_initial: fiscal:"),
    ({"production.tfp_initial_growth": {"nowhere": 0.01}}, "override production.tfp_initial_growth: "
                                                           "production.tfp_initial_growth.nowhere: unknown region"),
    ({"runs": 0}, "override runs: runs:"),
])
def test_a_bad_override_is_one_line_naming_the_override_key(baseline_path, overrides, fragment):
    with pytest.raises(ScenarioError) as info:
        load_with_overrides(baseline_path, overrides)
    message = str(info.value)
    assert len(message.splitlines()) == 1
    assert fragment in message


def test_run_with_an_override_equals_run_of_an_edited_file(tmp_path, baseline_path):
    edited = tmp_path / "edited.yaml"
    edited.write_text(f"extends: {baseline_path}\nname: baseline\nyears: {{start: 2021, end: 2024}}\n"
                      "production: {tfp_long_run_growth: 0.03}\n", encoding="utf-8")
    from_file = cnyx_sim.run(edited, write=False)
    from_override = cnyx_sim.run("baseline", write=False,
                                 overrides={"years.end": 2024, "production.tfp_long_run_growth": 0.03})
    assert from_override["manifest"]["scenario_hash"] == from_file["manifest"]["scenario_hash"]
    assert from_override["trajectories"]["value"].tolist() == from_file["trajectories"]["value"].tolist()


def test_an_override_changes_the_outcome_it_should(baseline_path):
    # no price shock (the fitted baseline has one), so the price index follows the overridden path exactly
    fixed = {"years.end": 2025, "macro.deflator_shock_sd": 0.0}
    low = cnyx_sim.run("baseline", write=False, overrides={**fixed, "macro.deflator_growth": 0.0})
    high = cnyx_sim.run("baseline", write=False, overrides={**fixed, "macro.deflator_growth": 0.05})

    def gdp(out, variable):
        t = out["trajectories"]
        return float(t.query("region == 'cnyx' and variable == @variable and year == 2025")["value"].iloc[0])

    assert gdp(high, "gdp_nominal") > gdp(low, "gdp_nominal") * 1.1      # nominal GDP follows the deflator
    assert gdp(high, "price_index") == pytest.approx(1.05 ** 4)
    assert high["manifest"]["overrides"] == {**fixed, "macro.deflator_growth": 0.05}
