"""Hypothesis strategies for YAML text that reaches the hard cases of a scenario loader.

``yaml.safe_dump`` of generated Python data never produces anchors, aliases, merge keys, one year written
as ``2022`` and as ``"2022"``, ``.nan``/``.inf``, ``1e308`` or YAML 1.1's ``5e-3`` (text, not a number). These
strategies write YAML text directly, so a test sees what users write:

- :func:`yaml_documents` -- arbitrary block-style documents (mappings, lists, nulls, nested), with anchors
  (``&a1``), aliases (``*a1``) and merge keys (``<<: *a1`` / ``<<: [*a1, *a2]``) referring only to anchors
  defined earlier in the text, and keys that may collide once normalised (``2022`` / ``"2022"``);
- :func:`scalar_texts` -- hostile scalars: NaN, infinities, huge and tiny numbers, big integers, dates,
  YAML 1.1 booleans (``yes``, ``off``), quoted numbers, empty values;
- :func:`scenario_documents` -- scenario files: real parameter paths of the schema with values inside or
  outside their range, typed forms (per-sector maps, year paths with int or string keys), unknown keys, and
  the same YAML devices.

Each strategy returns the YAML text; :func:`scenario_documents` also returns a short label of what it
planted (for failure messages).
"""

from __future__ import annotations

import math
import typing
from dataclasses import dataclass, field
from typing import Any

import annotated_types
from hypothesis import strategies as st

# ----------------------------------------------------------------------------------------------- scalars
NUMBER_TEXTS = (
    ".nan", ".NaN", ".inf", "-.inf", "+.inf", "1e308", "1.0e308", "-1.0e308", "1.0e309", "1e-320", "5e-3",
    "1.0e-3", "0", "-0.0", "0.0", "100000000000000000000000000000", "-1", "2", "0.5", "0x1F", "0o17",
    "1_000", "12:30", "1.5e+3",
)
OTHER_TEXTS = ("null", "~", "", "true", "false", "yes", "no", "on", "off", "2024-08-01", "2024-13-45",
               "'2022'", '"2022"', "'0.5'", "text", "'a b'", "[]", "{}", "[1, 2]", "{a: 1}")


def scalar_texts() -> st.SearchStrategy[str]:
    """Scalars as written in YAML, biased to the hostile ones."""
    return st.one_of(
        st.sampled_from(NUMBER_TEXTS),
        st.sampled_from(OTHER_TEXTS),
        st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
        st.integers(min_value=-10**6, max_value=10**6).map(str),
    )


KEY_TEXTS = ("2022", '"2022"', "'2022'", "2023", "2022.0", "a", "b", "'a'", "c.d", "'x y'", "1", "true", "null",
             "2022-01-01", '"<<"')

# ----------------------------------------------------------------------------------------------- documents


@dataclass
class _Anchors:
    """Anchors defined so far in document order, by kind (an alias may only refer back)."""

    mappings: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    count: int = 0

    def new(self) -> str:
        self.count += 1
        return f"a{self.count}"


def _indent(lines: list[str], spaces: int) -> list[str]:
    return [" " * spaces + line if line else line for line in lines]


@st.composite
def _value(draw, anchors: _Anchors, depth: int) -> list[str]:
    """Lines of one value placed after ``key:`` (first line continues the key's line)."""
    kinds = ["scalar", "scalar", "alias"] + (["mapping", "sequence", "flow"] if depth < 3 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "alias":
        pool = anchors.mappings + anchors.others
        if pool:
            return [f" *{draw(st.sampled_from(pool))}"]
        kind = "scalar"
    if kind == "scalar":
        return [" " + draw(scalar_texts())]
    if kind == "flow":
        items = draw(st.lists(scalar_texts().filter(lambda t: t not in ("", "[]", "{}") and ":" not in t
                                                    and not t.startswith(("[", "{"))), max_size=3))
        return [" [" + ", ".join(items) + "]"]
    anchor = ""
    if draw(st.booleans()):
        name = anchors.new()
        anchor = f" &{name}"
        (anchors.mappings if kind == "mapping" else anchors.others).append(name)
    body = draw(_mapping(anchors, depth + 1)) if kind == "mapping" else draw(_sequence(anchors, depth + 1))
    return [anchor] + _indent(body, 2) if body else [anchor + (" {}" if kind == "mapping" else " []")]


@st.composite
def _sequence(draw, anchors: _Anchors, depth: int) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        value = draw(_value(anchors, depth))
        lines.append("-" + value[0])
        lines.extend(_indent(value[1:], 2) if len(value) > 1 else [])
    return lines


@st.composite
def _mapping(draw, anchors: _Anchors, depth: int) -> list[str]:
    lines: list[str] = []
    if anchors.mappings and draw(st.integers(0, 4)) == 0:  # a merge key, always first here
        sources = draw(st.lists(st.sampled_from(anchors.mappings), min_size=1, max_size=2, unique=True))
        lines.append("<<: " + (f"*{sources[0]}" if len(sources) == 1 else "[" + ", ".join(f"*{a}" for a in sources)
                               + "]"))
    unique = draw(st.integers(0, 3)) > 0  # mostly distinct key texts; sometimes a repeat on purpose
    for key in draw(st.lists(st.sampled_from(KEY_TEXTS), max_size=4, unique=unique)):
        value = draw(_value(anchors, depth))
        lines.append(f"{key}:{value[0]}")
        lines.extend(value[1:])
    return lines


@st.composite
def yaml_documents(draw) -> str:
    """A block-style YAML document whose top level is a mapping (possibly empty)."""
    anchors = _Anchors()
    lines = draw(_mapping(anchors, 0))
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------- scenarios
def _bounds(metadata: list[Any]) -> tuple[float | None, float | None]:
    low = high = None
    for c in metadata:
        if isinstance(c, annotated_types.Ge):
            low = c.ge
        elif isinstance(c, annotated_types.Gt):
            low = c.gt
        elif isinstance(c, annotated_types.Le):
            high = c.le
        elif isinstance(c, annotated_types.Lt):
            high = c.lt
    return low, high


def _leaf(annotation: Any) -> tuple[Any, list[Any]]:
    metadata: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        for item in extra:
            metadata.extend(getattr(item, "metadata", None) or [item])
    return annotation, metadata


def _number_text(low: float | None, high: float | None, is_int: bool) -> st.SearchStrategy[str]:
    """A number inside [low, high] (written as YAML would hold it)."""
    low = -1e6 if low is None else low
    high = 1e6 if high is None else high
    if is_int:
        return st.integers(math.ceil(low), math.floor(high)).map(str)
    return st.floats(low, high, allow_nan=False, allow_infinity=False, exclude_min=False).map(
        lambda v: repr(float(v)))


def _strategy_for(annotation: Any, metadata: list[Any], codes: tuple[str, ...], years: tuple[int, ...]
                  ) -> st.SearchStrategy[str] | None:
    """YAML text of a valid value for a leaf annotation (None when the field is not generated); ``codes`` are
    the keys of a mapping by code (sectors, units or provinces, as the field resolves)."""
    base, inner = _leaf(annotation)
    constraints = list(metadata) + inner
    origin, args = typing.get_origin(base), typing.get_args(base)
    if origin in (typing.Union,) or str(origin) == "<class 'types.UnionType'>":
        arms = [a for a in args if a is not type(None)]
        options = [s for s in (_strategy_for(a, constraints, codes, years) for a in arms) if s is not None]
        if type(None) in args:
            options.append(st.just("null"))
        return st.one_of(options) if options else None
    if origin is typing.Literal:
        return st.sampled_from([str(a) for a in args])
    if origin is dict:
        key, value = args
        key_base, _ = _leaf(key)
        value_text = _strategy_for(value, [], codes, years)
        if value_text is None:
            return None
        if typing.get_origin(key_base) is typing.Literal:
            keys = st.sampled_from([str(a) for a in typing.get_args(key_base)])
        elif key_base is int:  # a year path: the first simulated year, then later ones, int or string keys
            return st.lists(value_text, min_size=1, max_size=3).flatmap(
                lambda values: st.lists(st.booleans(), min_size=len(values), max_size=len(values)).map(
                    lambda quoted: "{" + ", ".join(
                        (f'"{years[0] + 2 * i}"' if q else str(years[0] + 2 * i)) + f": {v}"
                        for i, (v, q) in enumerate(zip(values, quoted))) + "}"))
        else:
            keys = st.sampled_from(codes)
        return st.dictionaries(keys, value_text, min_size=1, max_size=3).map(
            lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}")
    if base is bool:
        return st.sampled_from(["true", "false"])
    if base in (int, float):
        low, high = _bounds(constraints)
        return _number_text(low, high, base is int)
    return None


@dataclass(frozen=True)
class Codes:
    """The codes of the calibration a scenario is validated against."""

    sectors: tuple[str, ...]
    units: tuple[str, ...]
    provinces: tuple[str, ...]


def parameter_leaves(codes: Codes, years: tuple[int, ...]) -> dict[str, st.SearchStrategy[str]]:
    """``section.field`` -> YAML text of a valid value, for every generated scalar or typed parameter."""
    from cnyx_sim.scenario.schema import PARAMETER_SECTIONS
    from cnyx_sim.scenario.types import rule_of

    leaves = {}
    for section, model in PARAMETER_SECTIONS.items():
        if section in ("parks",):
            continue
        for name, info in model.model_fields.items():
            rule = rule_of(model, name)
            index = rule.index if rule is not None else "sector"
            keys = {"unit": codes.units, "unit_sector": codes.units, "province": codes.provinces}.get(index,
                                                                                                   codes.sectors)
            strategy = _strategy_for(info.annotation, list(info.metadata), keys, years)
            if strategy is not None:
                leaves[f"{section}.{name}"] = strategy
    return leaves


def _break(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A value that is probably wrong: hostile scalars, or a valid one made too big or of another type."""
    return st.one_of(scalar_texts(), valid.map(lambda t: f"{t}0000" if t[:1].isdigit() else t),
                     st.sampled_from(["{2022: 0.1, '2022': 0.2}", "{steel: 0.1}", "[0.1, 0.2]", "{}"]))


@st.composite
def valid_scenario_documents(draw, parent: str, codes: Codes, last_year: int = 2035) -> tuple[str, str]:
    """A scenario file extending ``parent`` that changes 3-10 parameters to values inside their ranges
    (extremes included) over the whole horizon: what a run must survive once validation accepted it."""
    years = tuple(range(2022, last_year + 1))
    leaves = parameter_leaves(codes, years)
    names = draw(st.lists(st.sampled_from(sorted(leaves)), min_size=3, max_size=10, unique=True))
    sections: dict[str, list[str]] = {}
    for name in names:
        section, key = name.split(".", 1)
        sections.setdefault(section, []).append(f"  {key}: {draw(leaves[name])}")
    lines = [f"extends: {parent}", "name: generated", f"years: {{start: 2021, end: {last_year}}}", "runs: 1"]
    for section, body in sections.items():
        lines.append(f"{section}:")
        lines.extend(body)
    return "\n".join(lines) + "\n", f"changed {', '.join(names)}"


@st.composite
def scenario_documents(draw, parent: str, codes: Codes, first_year: int = 2022) -> tuple[str, str]:
    """A scenario file extending ``parent`` (an absolute path): ``(yaml text, label of what it changes)``.

    A short horizon (1-3 simulated years) keeps the runs of valid documents fast. About a third of the
    documents are meant to be valid; the rest carry one to three broken values, unknown keys or YAML devices.
    """
    end = first_year + draw(st.integers(0, 2))
    years = tuple(range(first_year, end + 1))
    leaves = parameter_leaves(codes, years)
    names = draw(st.lists(st.sampled_from(sorted(leaves)), min_size=1, max_size=4, unique=True))
    broken = draw(st.sets(st.sampled_from(names), max_size=min(3, len(names)))) if draw(st.integers(0, 2)) else set()
    sections: dict[str, list[str]] = {}
    for name in names:
        section, key = name.split(".", 1)
        text = draw(_break(leaves[name]) if name in broken else leaves[name])
        sections.setdefault(section, []).append(f"  {key}: {text}")
    extra = draw(st.sampled_from(["unknown_key: 1\n", "years: {start: 2021, end: 2021}\n", "runs: 0\n",
                                  "seed: -1\n", "macro: null\n", "capital: [1, 2]\n"])) if draw(
        st.integers(0, 5)) == 0 else ""
    lines = [f"extends: {parent}", "name: generated", f"years: {{start: {first_year - 1}, end: {end}}}", "runs: 1"]
    use_anchor = draw(st.booleans()) and len(sections) >= 1
    first_section = None
    for section, body in sections.items():
        if use_anchor and first_section is None:
            first_section = section
            lines.append(f"{section}: &shared")
        else:
            lines.append(f"{section}:")
            if use_anchor and first_section is not None and draw(st.booleans()):
                lines.append("  <<: *shared")  # merge another section's keys: usually unknown keys here
        lines.extend(body)
    text = "\n".join(lines) + "\n" + extra
    label = f"changed {', '.join(names)}; broken {sorted(broken) or 'none'}; extra {extra.strip() or 'none'}"
    return text, label
