"""docs/scenarios.md is generated from the schema: every key is there, and the file cannot drift."""

from __future__ import annotations

from cnyx_sim.scenario import docs, reference
from cnyx_sim.scenario.schema import PARAMETER_SECTIONS, Scenario


def test_docs_scenarios_md_equals_a_fresh_rendering_of_the_schema(repo_root):
    current = (repo_root / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert current == reference.render(), "docs/scenarios.md is out of date: run python -m cnyx_sim.scenario.reference"


def test_every_key_of_the_schema_is_documented():
    text = reference.render()
    for field in Scenario.model_fields:
        assert f"`{field}" in text, field
    for row in docs.parameter_rows(PARAMETER_SECTIONS):
        assert f"| `{row.name}` |" in text, row.name
    assert "| `extends` |" in text


def test_check_mode_fails_on_a_stale_file_and_writes_nothing(tmp_path):
    path = tmp_path / "scenarios.md"
    path.write_text("stale\n", encoding="utf-8")
    assert reference.main(["--check", "--path", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == "stale\n"
    assert reference.main(["--path", str(path)]) == 0
    assert reference.main(["--check", "--path", str(path)]) == 0
