"""Bundled data and scenarios: found by name, listed with descriptions, copied for editing by ``init``."""

from __future__ import annotations

from pathlib import Path

import pytest

import cnyx_sim
from cnyx_sim import resources
from cnyx_sim.scenario.errors import ScenarioError


def test_in_a_checkout_the_repository_folders_are_the_data(repo_root):
    # The top-level folders are the single source; a wheel carries copies (tests/e2e/test_wheel.py).
    assert resources.calibration_dir() == repo_root / "calibration"
    assert resources.scenarios_dir() == repo_root / "scenarios"
    assert not (repo_root / "src" / "cnyx_sim" / "_bundled").exists(), "build-time copies must not be committed"


@pytest.mark.parametrize("name", ["baseline", "baseline.yaml", "no_parks"])
def test_a_bundled_name_resolves_to_its_file(repo_root, name):
    assert resources.resolve_scenario(name) == repo_root / "scenarios" / f"{Path(name).stem}.yaml"


def test_an_existing_file_wins_over_a_bundled_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "baseline").write_text("name: mine\n", encoding="utf-8")
    assert resources.resolve_scenario("baseline") == Path("baseline")


def test_an_unknown_name_is_one_line_listing_the_bundled_names():
    with pytest.raises(ScenarioError) as info:
        resources.resolve_scenario("basline")
    message = str(info.value)
    assert len(message.splitlines()) == 1 and "basline" in message and "baseline" in message


def test_a_missing_path_is_left_to_the_loader_to_report(tmp_path):
    missing = tmp_path / "nope.yaml"
    assert resources.resolve_scenario(missing) == missing


def test_listed_scenarios_are_every_top_level_file_with_its_description(repo_root):
    listed = {s.name: s for s in resources.list_scenarios()}
    assert set(listed) == {p.stem for p in (repo_root / "scenarios").glob("*.yaml")}
    assert all(s.description for s in listed.values())
    assert "\n" not in listed["baseline"].description
    assert resources.bundled_sweep_paths() == {"growth_uncertainty": repo_root / "scenarios" / "sweeps" /
                                               "growth_uncertainty.yaml"}


def test_init_copies_scenarios_and_calibration_and_the_copies_run_on_the_copied_data(tmp_path):
    scenarios, calibration = resources.init_workspace(tmp_path / "work")
    assert (scenarios / "baseline.yaml").is_file() and (scenarios / "sweeps" / "growth_uncertainty.yaml").is_file()
    assert (calibration / "regions.csv").is_file() and (calibration / "travel_times_2021.csv").is_file()
    out = cnyx_sim.run(scenarios / "no_parks.yaml", write=False, overrides={"years.end": 2023})
    # no_parks extends the copied baseline, which names the copied calibration folder
    assert Path(out["manifest"]["calibration_dir"]) == calibration.resolve()
    assert not [p for p in (tmp_path / "work").iterdir() if p.name.startswith(".")], "staging left behind"


def test_init_refuses_a_non_empty_target_and_changes_nothing(tmp_path):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "mine.yaml").write_text("name: mine\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        resources.init_workspace(tmp_path)
    assert [p.name for p in (tmp_path / "scenarios").iterdir()] == ["mine.yaml"]
    assert not (tmp_path / "calibration").exists()
    resources.init_workspace(tmp_path, force=True)
    assert (tmp_path / "scenarios" / "baseline.yaml").is_file() and not (tmp_path / "scenarios" / "mine.yaml").exists()
