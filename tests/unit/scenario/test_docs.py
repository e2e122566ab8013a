"""The generated parameter table: docs/model.md cannot drift from the schema, and every parameter is
documented (unit, description, source or "assumption")."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional, Union

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, Field

from cnyx_sim.scenario import docs
from cnyx_sim.scenario.schema import PARAMETER_SECTIONS, Section, param

MODEL_MD = Path(__file__).resolve().parents[3] / "docs" / "model.md"


# -- the shipped documentation -------------------------------------------------------------------


def test_parameter_table_in_model_md_equals_fresh_rendering_of_schema():
    document = MODEL_MD.read_text(encoding="utf-8")
    assert docs.extract_block(document) == docs.render_table(), (
        "docs/model.md parameter table is out of date: run python -m cnyx_sim.scenario.docs"
    )


def test_every_parameter_in_every_section_has_unit_description_and_source():
    assert docs.missing_metadata(PARAMETER_SECTIONS) == []


def test_every_field_of_every_parameter_section_appears_in_the_table():
    names = {row.name for row in docs.parameter_rows(PARAMETER_SECTIONS)}
    for section, model in PARAMETER_SECTIONS.items():
        for field in model.model_fields:
            # a list section (e.g. `parks`) documents its items' fields as `parks[].field`
            prefixes = (f"{section}.{field}", f"{section}[].{field}")
            assert any(n == prefix or n.startswith(prefix + ".") or n.startswith(prefix + "[]")
                       for n in names for prefix in prefixes), prefixes[0]


def test_every_table_row_has_seven_cells():
    rows = [line for line in docs.render_table().splitlines() if line.startswith("| `")]
    assert len(rows) == len(docs.parameter_rows())
    for line in rows:
        # escaped pipes inside cells are not separators
        assert line.replace("\\|", "").count("|") == len(docs.TABLE_COLUMNS) + 1, line


def test_model_md_ends_with_the_append_marker_for_later_submodels():
    assert MODEL_MD.read_text(encoding="utf-8").rstrip().endswith("<!-- Later submodels are appended below. -->")


# -- formatting, hand-computed -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("annotation", "constraints", "expected"),
    [
        (float, [], "number"),
        (Annotated[float, Field(ge=0.0, le=1.0)], [], "[0, 1]"),
        (Annotated[float, Field(gt=0.0, le=200.0)], [], "(0, 200]"),
        (Annotated[float, Field(gt=0.0)], [], "> 0"),
        (int, [], "integer"),
        (Literal["official", "credited"], [], "official | credited"),
        (Union[Annotated[float, Field(ge=-0.5, le=0.5)], dict[int, Annotated[float, Field(ge=-0.5, le=0.5)]]],
         [], "[-0.5, 0.5] or {year: [-0.5, 0.5]}"),
        (Optional[dict[str, Annotated[float, Field(ge=0, le=1)]]], [], "{code: [0, 1]} or null"),
        (dict[Literal["vat", "cit"], float], [], "{vat|cit: number}"),
        (tuple[Annotated[float, Field(ge=0, le=1)], Annotated[float, Field(ge=0, le=1)]], [], "[[0, 1], [0, 1]]"),
        (bool, [], "true | false"),
    ],
)
def test_allowed_values_text(annotation, constraints, expected):
    assert docs.allowed_values(annotation, constraints) == expected


def test_field_level_bounds_reach_the_table():
    row = {r.name: r for r in docs.parameter_rows()}["fiscal.western_cit_last_year"]
    assert row.allowed == "[1900, 2200], integer"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (0.0894, "0.0894"),
        (20000.0, "20000"),
        (2030, "2030"),
        ((0.1, 0.6), "[0.1, 0.6]"),
        ({2022: 0.055, 2026: 0.045}, "2022: 0.055; 2026: 0.045"),
        ({"a": 0.3, "b": 0.5, "c": 0.5, "d": 0.3}, "a: 0.3; b, c: 0.5; d: 0.3"),
        ({}, "{}"),
        (True, "true"),
    ],
)
def test_default_text(value, expected):
    assert docs.format_default(value) == expected


def test_symbol_is_rendered_as_inline_math_and_pipes_are_escaped():
    class Toy(Section):
        choice: Literal["a", "b"] = param("a", unit="-", source="assumption", description="x | y", symbol=r"\alpha")

    table = docs.render_table({"toy": Toy})
    assert r"| `toy.choice` | $\alpha$ | - | a | a \| b | x \| y | assumption |" in table


# -- nested sections (added by later issues) ------------------------------------------------------


class _Item(Section):
    share: float = param(0.5, unit="1", source="assumption", description="An item's share.", ge=0, le=1)


class _Inner(Section):
    rate: float = param(0.1, unit="1/yr", source="assumption", description="A rate.")


class _Outer(Section):
    inner: _Inner = Field(default_factory=_Inner)
    items: list[_Item] = Field(default_factory=list)
    by_key: dict[str, _Item] = Field(default_factory=dict)
    level: float = param(1.0, unit="亿元", source="assumption", description="A level.")


def test_nested_models_and_lists_of_models_are_flattened_with_dotted_and_bracket_names():
    names = [row.name for row in docs.parameter_rows({"outer": _Outer})]
    assert names == ["outer.inner.rate", "outer.items[].share", "outer.by_key.<key>.share", "outer.level"]


def test_section_that_is_a_list_of_models_documents_its_items_with_brackets():
    rows = docs.parameter_rows({"parks": list[_Item]})
    assert [(r.name, r.default, r.allowed) for r in rows] == [("parks[].share", "0.5", "[0, 1]")]


def test_required_field_default_is_shown_as_required():
    class Toy(Section):
        code: str = param(..., unit="-", source="assumption", description="A code.")

    assert docs.parameter_rows({"toy": Toy})[0].default == "required"


def test_missing_unit_or_source_or_description_is_reported_by_name():
    class Bad(BaseModel):
        no_unit: float = Field(1.0, description="d", json_schema_extra={"source": "s"})
        no_source: float = Field(1.0, description="d", json_schema_extra={"unit": "1"})
        no_description: float = Field(1.0, json_schema_extra={"unit": "1", "source": "s"})
        empty_source: float = Field(1.0, description="d", json_schema_extra={"unit": "1", "source": "  "})

    assert docs.missing_metadata({"bad": Bad}) == [
        "bad.no_unit: no unit",
        "bad.no_source: no source",
        "bad.no_description: no description",
        "bad.empty_source: no source",
    ]


def test_a_section_that_is_not_a_model_is_rejected():
    with pytest.raises(TypeError, match="not a pydantic model"):
        docs.parameter_rows({"oops": dict[str, float]})


# -- rewriting the block ------------------------------------------------------------------------


def _document(inner: str = "old\n") -> str:
    return f"# Title\n\ntext before\n\n{docs.BEGIN_MARKER}\n{inner}{docs.END_MARKER}\n\n## After\n"


def test_replace_block_keeps_text_outside_the_markers():
    new = docs.replace_block(_document(), "| a |\n")
    assert new == f"# Title\n\ntext before\n\n{docs.BEGIN_MARKER}\n| a |\n{docs.END_MARKER}\n\n## After\n"


@pytest.mark.parametrize(
    "document",
    [
        "no markers at all",
        f"{docs.BEGIN_MARKER}\nonly begin",
        f"{docs.END_MARKER}\n{docs.BEGIN_MARKER}\n",
        f"{docs.BEGIN_MARKER}\n{docs.END_MARKER}\n{docs.BEGIN_MARKER}\n{docs.END_MARKER}\n",
    ],
)
def test_replace_block_rejects_missing_duplicate_or_reversed_markers(document):
    with pytest.raises(ValueError):
        docs.replace_block(document, "x\n")


text_without_markers = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200).filter(
    lambda s: "<!--" not in s
)


@given(head=text_without_markers, tail=text_without_markers, old=text_without_markers, new=text_without_markers)
def test_replace_block_is_idempotent_and_round_trips(head, tail, old, new):
    document = f"{head}{docs.BEGIN_MARKER}\n{old}\n{docs.END_MARKER}{tail}"
    once = docs.replace_block(document, new)
    assert docs.replace_block(once, new) == once
    assert once.startswith(head + docs.BEGIN_MARKER) and once.endswith(docs.END_MARKER + tail)
    assert docs.extract_block(once) == (new if new.endswith("\n") else new + "\n")


def test_update_document_rewrites_only_when_changed_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "model.md"
    path.write_text(_document(), encoding="utf-8")
    assert docs.update_document(path, {"outer": _Outer}) is True
    assert "`outer.level`" in path.read_text(encoding="utf-8")
    assert docs.update_document(path, {"outer": _Outer}) is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.md"]


def test_main_check_fails_on_a_stale_document_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "model.md"
    path.write_text(_document("stale\n"), encoding="utf-8")
    assert docs.main(["--check", "--path", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == _document("stale\n")
    assert docs.main(["--path", str(path)]) == 0
    assert docs.main(["--check", "--path", str(path)]) == 0


def test_main_reports_missing_markers_in_one_line_with_exit_code_2(tmp_path, capsys):
    path = tmp_path / "model.md"
    path.write_text("# no markers\n", encoding="utf-8")
    assert docs.main(["--path", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "marker" in err
