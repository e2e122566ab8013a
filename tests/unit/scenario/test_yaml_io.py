"""Tests for safe scenario YAML loading, ``extends`` merging and error lines."""

from __future__ import annotations

import math
import pickle
import re
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yaml_strategies import yaml_documents
from yaml_values import yaml_documents as value_documents, yaml_texts, yaml_values

from cnyx_sim.scenario.errors import ScenarioError, format_key_path
from cnyx_sim.scenario.yaml_io import (
    ResolvedScenarioDoc,
    load_yaml_file,
    locate,
    resolve_extends,
    scenario_error_at,
    scenario_error_from_pydantic,
)


def write(path: Path, text: str) -> Path:
    """Write `text` to `path` (creating folders) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def all_key_paths(value: Any, prefix: tuple = ()) -> set[tuple]:
    """Every mapping-key / list-item path below `value`."""
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return set()
    paths: set[tuple] = set()
    for key, child in items:
        paths.add(prefix + (key,))
        paths |= all_key_paths(child, prefix + (key,))
    return paths


# -- ScenarioError formatting ----------------------------------------------------------


def test_error_string_is_file_line_dotted_path_expected():
    err = ScenarioError("s.yaml", ("parks", 2, "share"), 7, "a number")
    assert str(err) == "s.yaml:7: parks[2].share: a number"


def test_error_string_omits_unknown_line_and_names_top_level():
    assert str(ScenarioError("s.yaml", (), None, "x")) == "s.yaml: <top level>: x"


def test_error_string_is_one_line_even_if_expected_has_newlines():
    err = ScenarioError("s.yaml", ("a",), 1, "first\nsecond\r\nthird")
    assert "\n" not in str(err) and "\r" not in str(err)
    assert err.expected == "first second third"


def test_error_string_shows_int_mapping_keys_dotted_and_indices_bracketed():
    err = ScenarioError(
        "s.yaml", ("macro", "deflator", 2024), 3, "x", mapping_key_positions={2}
    )
    assert str(err) == "s.yaml:3: macro.deflator.2024: x"
    assert format_key_path(("parks", 0, "name")) == "parks[0].name"


def test_error_keeps_attributes_and_survives_pickling():
    err = ScenarioError("s.yaml", ("m", 2024), 4, "x", mapping_key_positions={1})
    clone = pickle.loads(pickle.dumps(err))
    assert (clone.file, clone.key_path, clone.line, clone.expected) == ("s.yaml", ("m", 2024), 4, "x")
    assert str(clone) == str(err) == "s.yaml:4: m.2024: x"
    assert isinstance(clone, ValueError)


# -- single-file loading -------------------------------------------------------------------


def test_load_records_line_of_every_key_and_list_item(tmp_path):
    path = write(tmp_path / "s.yaml", "a: 1\nb:\n  c: 2\n  d:\n    - 5\n    - e: 6\n")
    data, lines = load_yaml_file(path)
    assert data == {"a": 1, "b": {"c": 2, "d": [5, {"e": 6}]}}
    assert lines == {
        ("a",): 1, ("b",): 2, ("b", "c"): 3, ("b", "d"): 4,
        ("b", "d", 0): 5, ("b", "d", 1): 6, ("b", "d", 1, "e"): 6,
    }


def test_duplicate_key_rejected_with_both_line_numbers(tmp_path):
    path = write(tmp_path / "s.yaml", "macro:\n  growth: 1\n  other: 2\n  growth: 3\n")
    with pytest.raises(ScenarioError) as info:
        load_yaml_file(path)
    err = info.value
    assert (err.key_path, err.line) == (("macro", "growth"), 4)
    assert str(err) == f"{path}:4: macro.growth: duplicate key 'growth' (first at line 2)"


def test_duplicate_year_key_shown_dotted(tmp_path):
    path = write(tmp_path / "s.yaml", "deflator:\n  2024: 1.0\n  2024: 1.1\n")
    with pytest.raises(ScenarioError, match=r":3: deflator\.2024: duplicate key '2024' \(first at line 2\)"):
        load_yaml_file(path)


@pytest.mark.parametrize(
    ("text", "line", "got"),
    [("- 1\n- 2\n", 1, "got a list"), ("just text\n", 1, "got the single value 'just text'"),
     ("", None, "the file is empty"), ("# only a comment\n", None, "the file is empty")],
)
def test_non_mapping_top_level_rejected(tmp_path, text, line, got):
    path = write(tmp_path / "s.yaml", text)
    with pytest.raises(ScenarioError) as info:
        load_yaml_file(path)
    assert info.value.line == line
    assert info.value.expected == f"expected a mapping at the top level ({got})"


def test_syntax_error_reports_line_on_one_line(tmp_path):
    path = write(tmp_path / "s.yaml", "a: 1\nb: 2\n c: 3\n")
    with pytest.raises(ScenarioError) as info:
        load_yaml_file(path)
    assert info.value.line == 3
    # libyaml says "... not allowed in this context", pyyaml's own parser "... not allowed here".
    assert str(info.value).startswith(f"{path}:3: <top level>: invalid YAML: mapping values are not allowed ")
    assert "\n" not in str(info.value)


def test_unclosed_flow_list_reports_line_and_context(tmp_path):
    path = write(tmp_path / "s.yaml", "a: [1, 2\nb: 3\n")
    with pytest.raises(ScenarioError) as info:
        load_yaml_file(path)
    assert info.value.line == 2
    assert "while parsing a flow sequence at line 1" in str(info.value)
    assert "\n" not in str(info.value)


def test_python_object_tag_rejected_and_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    path = write(
        tmp_path / "s.yaml",
        f"ok: 1\nx: !!python/object/apply:os.system ['touch {marker}']\n",
    )
    with pytest.raises(ScenarioError) as info:
        load_yaml_file(path)
    assert not marker.exists()
    assert (info.value.key_path, info.value.line) == (("x",), 2)
    assert "unsupported YAML tag !!python/object/apply:os.system" in info.value.expected


def test_impossible_date_reported_with_key_not_traceback(tmp_path):
    path = write(tmp_path / "s.yaml", "start: 2024-13-45\n")
    with pytest.raises(ScenarioError) as info:
        load_yaml_file(path)
    assert (info.value.key_path, info.value.line) == (("start",), 1)
    assert "2024-13-45" in info.value.expected


def test_missing_file_reports_cannot_read(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_yaml_file(tmp_path / "nope.yaml")
    assert info.value.line is None
    assert info.value.expected.startswith("cannot read file: ")


def test_non_utf8_file_reports_cannot_read(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(b"a: \xff\n")
    with pytest.raises(ScenarioError, match="cannot read file: not valid UTF-8"):
        load_yaml_file(path)


def test_control_character_reports_line(tmp_path):
    path = write(tmp_path / "s.yaml", "a: 1\nb: \x07\n")
    with pytest.raises(ScenarioError) as info:
        load_yaml_file(path)
    assert info.value.line == 2
    assert "special character #x0007" in info.value.expected


@pytest.mark.parametrize(
    "text",
    ["a: &a\n  b: *a\n", "d: &d {x: 1}\na: &a\n  <<: *d\n  self: *a\n", "a: &a\n  <<: *a\n"],
)
def test_recursive_alias_rejected_instead_of_looping(tmp_path, text):
    path = write(tmp_path / "s.yaml", text)
    with pytest.raises(ScenarioError, match="recursive data is not supported|refers to the mapping"):
        load_yaml_file(path)


def test_alias_bomb_rejected(tmp_path, monkeypatch):
    from cnyx_sim.scenario.yaml_io import ScenarioLoader

    monkeypatch.setattr(ScenarioLoader, "MAX_EXPANDED_NODES", 1000)
    levels = ["l0: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    levels += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 6)]
    path = write(tmp_path / "s.yaml", "\n".join(levels) + "\n")
    with pytest.raises(ScenarioError, match="too large after expanding aliases"):
        load_yaml_file(path)


def test_merge_key_explicit_keys_win_and_lines_point_to_source(tmp_path):
    path = write(tmp_path / "s.yaml", "base: &b\n  x: 1\n  y: 2\nuse:\n  <<: *b\n  y: 3\n")
    data, lines = load_yaml_file(path)
    assert data["use"] == {"x": 1, "y": 3}
    assert lines[("use", "x")] == 2 and lines[("use", "y")] == 6


# -- extends ----------------------------------------------------------------------------


BASE = """\
macro:
  growth: 0.05
  deflator:
    2024: 1.0
    2025: 1.02
parks:
  - name: a
  - name: b
title: base
"""


def test_extends_merges_deep_and_child_wins(tmp_path):
    write(tmp_path / "base.yaml", BASE)
    child = write(tmp_path / "child.yaml", "extends: base.yaml\nmacro:\n  extra: {a: 1}\ntitle: child\n")
    doc = resolve_extends(child)
    assert doc.data == {
        "macro": {"growth": 0.05, "deflator": {2024: 1.0, 2025: 1.02}, "extra": {"a": 1}},
        "parks": [{"name": "a"}, {"name": "b"}],
        "title": "child",
    }
    assert "extends" not in doc.data
    assert doc.files == (str(child), str(tmp_path / "base.yaml"))
    assert doc.path == str(child)


def test_extends_replaces_a_year_path_whole_instead_of_merging_its_years(tmp_path):
    # A child's {year: value} mapping is one step function: the parent's other years must not leak into it.
    write(tmp_path / "base.yaml", BASE)
    child = write(tmp_path / "child.yaml", "extends: base.yaml\nmacro:\n  deflator:\n    2025: 1.03\ntitle: child\n")
    assert resolve_extends(child).data["macro"] == {"growth": 0.05, "deflator": {2025: 1.03}}
    quoted = write(tmp_path / "quoted.yaml", 'extends: base.yaml\nmacro:\n  deflator:\n    "2026": 1.1\n')
    assert resolve_extends(quoted).data["macro"]["deflator"] == {"2026": 1.1}


def test_extends_replaces_lists_whole(tmp_path):
    write(tmp_path / "base.yaml", BASE)
    child = write(tmp_path / "child.yaml", "extends: base.yaml\nparks:\n  - name: z\n")
    doc = resolve_extends(child)
    assert doc.data["parks"] == [{"name": "z"}]
    assert doc.origin[("parks", 0, "name")] == (str(child), 3)
    assert ("parks", 1) not in doc.origin


def test_extends_is_relative_to_the_child_directory(tmp_path, monkeypatch):
    write(tmp_path / "common" / "base.yaml", BASE)
    write(tmp_path / "scenarios" / "child.yaml", "extends: ../common/base.yaml\ntitle: c\n")
    # Run from elsewhere so a cwd-relative lookup would fail.
    monkeypatch.chdir(tmp_path / "common")
    doc = resolve_extends(tmp_path / "scenarios" / "child.yaml")
    assert doc.data["macro"]["growth"] == 0.05
    assert doc.files[1] == str(tmp_path / "common" / "base.yaml")


def test_extends_chain_of_three_files(tmp_path):
    write(tmp_path / "a.yaml", "x: 1\ny: 1\nz: 1\n")
    write(tmp_path / "b.yaml", "extends: a.yaml\ny: 2\n")
    doc = resolve_extends(write(tmp_path / "c.yaml", "extends: b.yaml\nz: 3\n"))
    assert doc.data == {"x": 1, "y": 2, "z": 3}
    assert [Path(f).name for f in doc.files] == ["c.yaml", "b.yaml", "a.yaml"]
    assert {k: Path(f).name for k, (f, _) in doc.origin.items()} == {
        ("x",): "a.yaml", ("y",): "b.yaml", ("z",): "c.yaml"
    }


def test_missing_parent_names_child_file_and_extends_line(tmp_path):
    child = write(tmp_path / "child.yaml", "title: c\nextends: sub/base.yaml\n")
    with pytest.raises(ScenarioError) as info:
        resolve_extends(child)
    err = info.value
    assert (err.file, err.key_path, err.line) == (str(child), ("extends",), 2)
    assert str(err) == f"{child}:2: extends: parent scenario not found: {tmp_path / 'sub' / 'base.yaml'}"


def test_non_string_extends_rejected(tmp_path):
    child = write(tmp_path / "child.yaml", "extends: [a.yaml]\n")
    with pytest.raises(ScenarioError, match=r":1: extends: expected the path of the parent"):
        resolve_extends(child)


def test_two_file_extends_cycle_detected(tmp_path):
    write(tmp_path / "a.yaml", "extends: b.yaml\n")
    write(tmp_path / "b.yaml", "x: 1\nextends: a.yaml\n")
    with pytest.raises(ScenarioError) as info:
        resolve_extends(tmp_path / "a.yaml")
    err = info.value
    assert (Path(err.file).name, err.key_path, err.line) == ("b.yaml", ("extends",), 2)
    assert err.expected == "extends cycle: a.yaml -> b.yaml -> a.yaml"


def test_self_extends_cycle_detected(tmp_path):
    path = write(tmp_path / "a.yaml", "extends: ./a.yaml\n")
    with pytest.raises(ScenarioError) as info:
        resolve_extends(path)
    assert str(info.value) == f"{path}:1: extends: extends cycle: a.yaml -> a.yaml"


def test_error_inside_parent_names_the_parent(tmp_path):
    write(tmp_path / "base.yaml", "a: 1\na: 2\n")
    with pytest.raises(ScenarioError) as info:
        resolve_extends(write(tmp_path / "child.yaml", "extends: base.yaml\n"))
    assert Path(info.value.file).name == "base.yaml" and info.value.line == 2


def test_origin_points_to_child_for_overrides_and_parent_for_inherited(tmp_path):
    base = write(tmp_path / "base.yaml", BASE)
    child = write(tmp_path / "child.yaml", "extends: base.yaml\nmacro:\n  growth: 0.06\n")
    doc = resolve_extends(child)
    assert doc.origin[("macro", "growth")] == (str(child), 3)
    assert doc.origin[("macro", "deflator", 2025)] == (str(base), 5)
    assert doc.origin[("parks", 1, "name")] == (str(base), 8)
    assert set(doc.origin) == all_key_paths(doc.data)


def test_locate_falls_back_to_nearest_ancestor(tmp_path):
    base = write(tmp_path / "base.yaml", BASE)
    doc = resolve_extends(write(tmp_path / "child.yaml", "extends: base.yaml\n"))
    assert locate(doc, ("macro", "deflator", "2024")) == (str(base), 4)  # str form of int key
    assert locate(doc, ("macro", "missing", "deeper")) == (str(base), 1)
    assert locate(doc, ()) == (doc.path, None)


def test_scenario_error_at_locates_and_prints_year_keys_dotted(tmp_path):
    base = write(tmp_path / "base.yaml", BASE)
    doc = resolve_extends(write(tmp_path / "child.yaml", "extends: base.yaml\n"))
    err = scenario_error_at(doc, ("macro", "deflator", 2025), "must be 1.0 in the base year")
    assert str(err) == f"{base}:5: macro.deflator.2025: must be 1.0 in the base year"
    assert str(scenario_error_at(doc, ("parks", 1, "name"), "x")) == f"{base}:8: parks[1].name: x"


# -- pydantic conversion ------------------------------------------------------------------


class Park(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    name: str
    share: float = pydantic.Field(ge=0)


class Macro(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    growth: float
    deflator: dict[int, float]


class Scenario(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    macro: Macro
    parks: list[Park]

    @pydantic.model_validator(mode="after")
    def _shares_sum_to_one(self) -> Scenario:
        if abs(sum(park.share for park in self.parks) - 1.0) > 1e-9:
            raise ValueError("park shares must sum to 1")
        return self


GOOD = """\
macro:
  growth: 0.05
  deflator:
    2024: 1.0
parks:
  - name: a
    share: 0.4
  - name: b
    share: 0.6
"""


def pydantic_error_for(tmp_path: Path, text: str) -> ScenarioError:
    doc = resolve_extends(write(tmp_path / "s.yaml", text))
    with pytest.raises(pydantic.ValidationError) as info:
        Scenario.model_validate(doc.data)
    return scenario_error_from_pydantic(info.value, doc)


def test_pydantic_bound_violation_gives_path_line_message_and_value(tmp_path):
    err = pydantic_error_for(tmp_path, GOOD.replace("share: 0.6", "share: -1.5"))
    assert str(err) == (
        f"{tmp_path / 's.yaml'}:9: parks[1].share: "
        "Input should be greater than or equal to 0 (got -1.5)"
    )


def test_pydantic_unknown_key_reported_at_its_line(tmp_path):
    err = pydantic_error_for(tmp_path, GOOD.replace("  growth: 0.05\n", "  growth: 0.05\n  grwoth: 1\n"))
    assert (err.key_path, err.line, err.expected) == (("macro", "grwoth"), 3, "unknown key (not allowed here)")


def test_pydantic_missing_key_located_at_parent_mapping(tmp_path):
    err = pydantic_error_for(tmp_path, GOOD.replace("  growth: 0.05\n", ""))
    assert str(err) == f"{tmp_path / 's.yaml'}:1: macro.growth: required key is missing"


def test_pydantic_year_key_error_shown_dotted(tmp_path):
    err = pydantic_error_for(tmp_path, GOOD.replace("2024: 1.0", "2024: lots"))
    assert str(err).startswith(f"{tmp_path / 's.yaml'}:4: macro.deflator.2024: Input should be a valid number")
    assert str(err).endswith("(got 'lots')")


def test_pydantic_model_validator_message_without_value_error_prefix(tmp_path):
    err = pydantic_error_for(tmp_path, GOOD.replace("share: 0.6", "share: 0.7"))
    assert err.expected == "park shares must sum to 1"
    assert str(err) == f"{tmp_path / 's.yaml'}: <top level>: park shares must sum to 1"


def test_pydantic_error_located_in_parent_file_when_inherited(tmp_path):
    base = write(tmp_path / "base.yaml", GOOD.replace("share: 0.4", "share: -0.4"))
    doc = resolve_extends(write(tmp_path / "child.yaml", "extends: base.yaml\nmacro:\n  growth: 0.1\n"))
    with pytest.raises(pydantic.ValidationError) as info:
        Scenario.model_validate(doc.data)
    err = scenario_error_from_pydantic(info.value, doc)
    assert (err.file, err.line, err.key_path) == (str(base), 7, ("parks", 0, "share"))


class Solar(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    panels: int = pydantic.Field(ge=1)


class Wind(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    turbines: int


class Plant(pydantic.BaseModel):
    plant: Solar | Wind


def test_pydantic_union_member_names_stripped_from_key_path(tmp_path):
    doc = resolve_extends(write(tmp_path / "s.yaml", "plant:\n  panels: 0\n"))
    with pytest.raises(pydantic.ValidationError) as info:
        Plant.model_validate(doc.data)
    assert "Solar" in info.value.errors()[0]["loc"]  # the case being protected
    err = scenario_error_from_pydantic(info.value, doc)
    assert (err.key_path, err.line) == (("plant", "panels"), 2)


# -- property tests ------------------------------------------------------------------------

leaves = st.one_of(
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.none(),
    st.booleans(),
)
keys = st.one_of(st.text(max_size=10), st.integers(min_value=2000, max_value=2040))
nested = st.recursive(
    leaves,
    lambda children: st.one_of(st.dictionaries(keys, children, max_size=4), st.lists(children, max_size=3)),
    max_leaves=20,
)
documents = st.dictionaries(keys, nested, max_size=5)


def _key_id(key: Any) -> Any:
    """How the loader identifies a key: integer text is the integer it spells (a year)."""
    return int(key) if isinstance(key, str) and re.fullmatch(r"[+-]?[0-9]+", key) else key


def has_colliding_keys(value: Any) -> bool:
    """Whether some mapping holds two keys the loader treats as one (2022 and "2022")."""
    if isinstance(value, dict):
        ids = [_key_id(k) for k in value]
        return len(set(ids)) < len(ids) or any(has_colliding_keys(v) for v in value.values())
    if isinstance(value, list):
        return any(has_colliding_keys(v) for v in value)
    return False


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents)
def test_load_round_trips_safe_dump_and_every_key_path_has_a_line(tmp_path, document):
    path = tmp_path / "prop.yaml"
    # Default (escaping) dump: with allow_unicode=True pyyaml itself does not
    # round-trip some line-break characters such as U+0085.
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    if has_colliding_keys(document):
        with pytest.raises(ScenarioError, match="duplicate key"):
            load_yaml_file(path)
        return
    data, lines = load_yaml_file(path)
    assert data == document
    assert set(lines) == all_key_paths(document)
    assert all(isinstance(line, int) and line >= 1 for line in lines.values())


def same(a: Any, b: Any) -> bool:
    """Equality that treats NaN as equal to NaN (``.nan`` loads as a NaN)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b and type(a) is type(b)


#: Why the loader may refuse a document that pyyaml itself loads (each a documented rule of the loader).
REFUSALS = ("duplicate key", "an alias refers to the mapping or list that contains it",
            "a '<<' merge refers to the mapping that contains it", "mapping keys must be plain names or numbers",
            "expected a mapping at the top level", "a '<<' merge key needs a mapping")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=yaml_documents())
def test_hand_written_yaml_with_anchors_merges_and_hostile_scalars_loads_like_pyyaml_or_is_refused_in_one_line(
        tmp_path, text):
    path = tmp_path / "prop.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        reference = yaml.load(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        reference = _FAILED
    try:
        data, lines = load_yaml_file(path)
    except ScenarioError as exc:  # the only exception the loader may raise
        message = str(exc)
        assert "\n" not in message and message.startswith(str(path))
        if reference is not _FAILED:
            assert any(reason in message for reason in REFUSALS), (message, text)
        return
    assert reference is not _FAILED, text
    assert same(data, reference), text
    assert not has_colliding_keys(data), text  # a year written twice never gets through
    assert set(lines) >= all_key_paths(data) - {p for p in all_key_paths(data) if "<<" in p}
    assert all(isinstance(line, int) and line >= 1 for line in lines.values())


_FAILED = object()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=value_documents, shared=yaml_values.filter(lambda v: isinstance(v, (list, dict))))
def test_a_value_used_twice_is_dumped_as_anchor_and_alias_and_loads_back(tmp_path, document, shared):
    document = {**document, "first use": shared, "second use": shared}  # the same object: safe_dump aliases it
    text = yaml.safe_dump(document)
    assert "&id" in text and "*id" in text  # the case being protected
    path = tmp_path / "alias.yaml"
    path.write_text(text, encoding="utf-8")
    data, lines = load_yaml_file(path)
    assert data == document
    assert set(lines) == all_key_paths(document)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=yaml_texts())
def test_anchors_merge_keys_and_null_spellings_load_as_the_yaml_spec_says_with_the_written_lines(tmp_path, case):
    path = tmp_path / "merge.yaml"
    path.write_text(case.text, encoding="utf-8")
    data, lines = load_yaml_file(path)
    assert data == case.data
    assert data == yaml.safe_load(case.text)
    assert set(lines) == all_key_paths(case.data)
    for key_path, line in case.key_lines.items():
        assert lines[key_path] == line, key_path
