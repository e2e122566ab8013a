"""Building blocks of the scenario schema: sections, documented parameters, bounded number types, and the
typed fields that resolve per-sector, per-unit and year-indexed values while a scenario is validated.

This module imports nothing from the schema modules (they import it), so ``schema``, ``schema_transfer``
and ``schema_sharing`` can each be imported on their own.

Typed fields
------------
A field declared with :func:`per_sector`, :func:`per_unit`, :func:`per_province`, :func:`per_key` or
:func:`year_path` accepts what a user writes (one number, or a mapping) and, when the scenario is validated
against the calibration data (a :class:`ValidationContext`), becomes a fully resolved, immutable mapping:

- :class:`CodeValues` -- every code of the index in model order (sectors from ``sectors.csv``, units from
  ``regions.csv``, or a fixed key set such as the external origins). A mapping overrides the field's
  default key by key (the same rule as ``extends``); a ``complete`` field must name every code. A
  per-sector mapping may name a sector group (``agriculture``, ``industry``, ``construction``,
  ``services``) for all its sectors; a sector's own key beats its group's.
- :class:`UnitSectorValues` -- a value for every unit and sector (``{unit: number or {sector or group:
  number}}``, or a per-sector field written per unit).
- :class:`YearValues` -- the step function over the years ``start..end`` (schema docstring, "Year path").

Unknown codes, missing codes, years before the first simulated year and the same year written twice
(``2022:`` and ``"2022":``) are errors located at the offending key. Building the core's parameters is
then a matter of reading ``.array`` (``cnyx_sim.scenario.build``).

Every number is finite: sections refuse NaN and infinities (``allow_inf_nan=False``), and every numeric
parameter carries a finite range (a test walks the schema to check it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Literal, Union

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

__all__ = [
    "CONTEXT_KEY", "CodeValues", "Fraction", "GrowthRate", "INDUSTRY", "OpenFraction", "Resolve", "Section",
    "UnitSectorValues", "ValidationContext", "YearKey", "YearValues", "by_sector", "located_error", "param",
    "per_key", "per_province", "per_sector", "per_unit", "per_unit_sector", "year_path",
]

#: Sector codes of the shipped calibration, used only for defaults (the data decide the list).
INDUSTRY = ("food_beverage", "auto_moto", "electronics", "equipment", "materials_chemicals", "energy_resources")

#: Key of the :class:`ValidationContext` in pydantic's validation ``context``.
CONTEXT_KEY = "cnyx_sim"

#: Error type of problems raised by the typed fields; ``ctx["subpath"]`` continues the field's key path.
ERROR_TYPE = "cnyx_sim"

# Codes listed in a message before it says "and N more" (messages stay under 200 characters).
_MAX_LISTED_CODES = 5


def param(default: Any, *, unit: str, source: str, description: str, symbol: str | None = None, **bounds: Any):
    """A documented scenario parameter: ``Field`` with unit/source/symbol metadata."""
    extra = {"unit": unit, "source": source}
    if symbol:
        extra["symbol"] = symbol
    return Field(default, description=description, json_schema_extra=extra, **bounds)


def by_sector(agriculture: float, industry: float, construction: float, producer: float, consumer: float):
    """A per-sector default over the shipped sectors (industry = every :data:`INDUSTRY` sector)."""
    values = {"agriculture": agriculture, "construction": construction}
    values.update({code: industry for code in INDUSTRY})
    values.update({"producer_services": producer, "consumer_services": consumer})
    return values


Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
OpenFraction = Annotated[float, Field(gt=0.0, lt=1.0)]
GrowthRate = Annotated[float, Field(ge=-0.5, le=0.5)]
YearKey = Annotated[int, Field(ge=1900, le=2200)]


def located_error(message: str, subpath: tuple = ()) -> PydanticCustomError:
    """A validation error at ``subpath`` below the field that raises it (e.g. the unknown code's key)."""
    return PydanticCustomError(ERROR_TYPE, "{message}", {"message": message, "subpath": tuple(subpath)})


def list_codes(codes: tuple[str, ...] | list[str]) -> str:
    """``a, b, c`` -- or the first few and how many more, so a message stays short."""
    codes = list(codes)
    if len(codes) <= _MAX_LISTED_CODES:
        return ", ".join(codes) or "none"
    return f"{', '.join(codes[:_MAX_LISTED_CODES])} and {len(codes) - _MAX_LISTED_CODES} more"


# ------------------------------------------------------------------------------------------ resolved values
@dataclass(frozen=True)
class ValidationContext:
    """What typed fields resolve against: the calibration's codes and the simulated years."""

    units: tuple[str, ...]
    sectors: tuple[str, ...]
    provinces: tuple[str, ...]
    start: int
    end: int
    sector_groups: tuple[str, ...] = ()  # the group of each sector (core.state.Geography.sector_group)
    group_names: tuple[str, ...] = ()  # every group a mapping may name (core.state.SECTOR_GROUPS)

    def codes(self, index: str) -> tuple[str, ...]:
        return {"sector": self.sectors, "unit": self.units, "province": self.provinces}[index]


class CodeValues(Mapping):
    """An immutable mapping code -> value over every code of an index, in model order; ``.array`` is the
    vector the core uses."""

    __slots__ = ("codes", "values")

    def __init__(self, codes: tuple[str, ...], values: tuple[float, ...]) -> None:
        self.codes, self.values = tuple(codes), tuple(float(v) for v in values)

    def __getitem__(self, code: str) -> float:
        try:
            return self.values[self.codes.index(code)]
        except ValueError:
            raise KeyError(code) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CodeValues):
            return (self.codes, self.values) == (other.codes, other.values)
        return Mapping.__eq__(self, other)

    def __hash__(self) -> int:
        return hash((self.codes, self.values))

    def __repr__(self) -> str:
        return f"CodeValues({dict(self)!r})"

    @property
    def array(self) -> np.ndarray:
        return np.array(self.values, dtype=float)

    def to_json(self) -> dict[str, float]:
        return dict(zip(self.codes, self.values))


class YearValues(Mapping):
    """An immutable step function year -> value over ``start..end``; ``.array`` is the core's ``[year]``
    path. The start (base) year holds the first simulated year's value: it is never stepped into."""

    __slots__ = ("start", "values")

    def __init__(self, start: int, values: tuple[float, ...]) -> None:
        self.start, self.values = int(start), tuple(float(v) for v in values)

    def __getitem__(self, year: int) -> float:
        position = int(year) - self.start
        if not 0 <= position < len(self.values):
            raise KeyError(year)
        return self.values[position]

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.start, self.start + len(self.values)))

    def __len__(self) -> int:
        return len(self.values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, YearValues):
            return (self.start, self.values) == (other.start, other.values)
        return Mapping.__eq__(self, other)

    def __hash__(self) -> int:
        return hash((self.start, self.values))

    def __repr__(self) -> str:
        return f"YearValues({self.to_json()!r})"

    @property
    def array(self) -> np.ndarray:
        return np.array(self.values, dtype=float)

    def to_json(self) -> float | dict[int, float]:
        """A constant path as its number, else the years where the value changes (as a user writes it)."""
        simulated = self.values[1:] or self.values
        if all(v == simulated[0] for v in simulated):
            return simulated[0]
        changes: dict[int, float] = {}
        for offset, value in enumerate(simulated):
            if not changes or value != list(changes.values())[-1]:
                changes[self.start + 1 + offset] = value
        return changes


class UnitSectorValues(Mapping):
    """An immutable mapping unit -> :class:`CodeValues` over the sectors; ``.array`` is ``[city, sector]``."""

    __slots__ = ("rows",)

    def __init__(self, rows: dict[str, CodeValues]) -> None:
        self.rows = dict(rows)

    def __getitem__(self, unit: str) -> CodeValues:
        return self.rows[unit]

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, UnitSectorValues):
            return self.rows == other.rows
        return Mapping.__eq__(self, other)

    def __hash__(self) -> int:
        return hash(tuple(self.rows.items()))

    def __repr__(self) -> str:
        return f"UnitSectorValues({self.to_json()!r})"

    @property
    def array(self) -> np.ndarray:
        return np.array([row.values for row in self.rows.values()], dtype=float)

    def to_json(self) -> dict[str, dict[str, float]]:
        return {unit: row.to_json() for unit, row in self.rows.items()}


RESOLVED_TYPES = (CodeValues, YearValues, UnitSectorValues)


def _serialise(value: Any) -> Any:
    return value.to_json() if isinstance(value, RESOLVED_TYPES) else value


# ------------------------------------------------------------------------------------------ resolution rules
#: How messages name the codes of each index.
_KIND_NAMES = {"sector": "sector", "unit": "region", "province": "province", "keys": "key", "unit_sector": "region"}


@dataclass(frozen=True)
class Resolve:
    """Field metadata: how a typed field resolves against a :class:`ValidationContext`.

    index : ``sector``, ``unit``, ``province`` (codes from the calibration), ``keys`` (the keys of the
        field's default, e.g. the external origins), ``year`` (a year path) or ``unit_sector`` (a value for
        every unit and sector).
    complete : a mapping must name every code (no default to merge with).
    missing : value of the codes a mapping leaves out (else the field's default supplies them).
    by_unit : a per-sector field that may also be written per unit (``{unit: per-sector value}``, every
        unit named, each merged with the default).
    """

    index: Literal["sector", "unit", "province", "keys", "year", "unit_sector"]
    complete: bool = False
    missing: float | None = None
    by_unit: bool = False

    def resolve(self, value: Any, default: Any, context: ValidationContext | None) -> Any:
        if value is None or isinstance(value, RESOLVED_TYPES):
            return value
        if self.index == "year":
            if context is None:
                return value
            return resolve_year_path(value, context.start, context.end)
        if self.index == "keys":
            return resolve_codes(value, default, tuple(default), self, _KIND_NAMES[self.index])
        if context is None:
            return value
        if self.index == "unit_sector":
            return resolve_unit_sector(value, context)
        if self.index == "sector":
            if self.by_unit and isinstance(value, Mapping) and any(k in context.units for k in value):
                return resolve_by_unit(value, default, self, context)
            return resolve_sectors(value, default, self, context)
        return resolve_codes(value, default, context.codes(self.index), self, _KIND_NAMES[self.index])


def expand_groups(value: Mapping, context: ValidationContext) -> dict[str, Any]:
    """``{sector or group: v}`` -> ``{sector: v}``: a group's value for each of its sectors, a sector's own key
    winning; an unknown key is an error at that key."""
    known = set(context.sectors) | set(context.group_names)
    for key in value:
        if key not in known:
            groups = f" or a group ({', '.join(context.group_names)})" if context.group_names else ""
            raise located_error(f"unknown sector{' or group' if groups else ''} code {_short(key)}; expected one of "
                                f"{list_codes(context.sectors)}{groups}", (key,))
    out = {s: value[g] for s, g in zip(context.sectors, context.sector_groups) if g in value and g not in context.sectors}
    out.update({s: value[s] for s in context.sectors if s in value})
    return out


def resolve_sectors(value: Any, default: Any, rule: Resolve, context: ValidationContext) -> CodeValues:
    """A per-sector value: one number, or a mapping by sector or group merged onto the default."""
    if isinstance(value, Mapping):
        is_default = isinstance(default, Mapping) and dict(value) == dict(default)
        value = value if is_default else expand_groups(value, context)
    return resolve_codes(value, default, context.sectors, rule, "sector")


def resolve_by_unit(value: Mapping, default: Any, rule: Resolve, context: ValidationContext) -> UnitSectorValues:
    """A per-sector field written per unit: every unit named, each entry resolved like the field itself.

    Sector or group keys next to the unit keys apply to every unit, over its own entry: a scenario that
    extends a per-unit parent (the fitted capital-output ratios) may still set one sector for all units.
    """
    missing = [unit for unit in context.units if unit not in value]
    if missing:
        raise located_error(f"no value for region(s) {list_codes(missing)}; a per-unit mapping names every unit")
    overrides = expand_groups({k: v for k, v in value.items() if k not in context.units}, context)
    for key, item in overrides.items():
        if not _is_number(item):
            raise located_error(f"a sector value written beside the units must be a number (got {_short(item)})",
                                (key,))
    rows = {}
    for unit in context.units:
        entry = value[unit]
        try:
            if overrides:
                own = expand_groups(entry, context) if isinstance(entry, Mapping) else dict.fromkeys(context.sectors,
                                                                                                    entry)
                entry = {**own, **overrides}
            rows[unit] = resolve_sectors(entry, default, rule, context)
        except PydanticCustomError as exc:
            raise located_error(exc.context["message"], (unit,) + tuple(exc.context["subpath"])) from None
    return UnitSectorValues(rows)


def resolve_unit_sector(value: Any, context: ValidationContext) -> UnitSectorValues:
    """``{unit: number or {sector or group: number}}`` naming every unit, each entry covering every sector."""
    unknown = [k for k in value if k not in context.units]
    if unknown:
        raise located_error(f"unknown region code {_short(unknown[0])}; expected one of {list_codes(context.units)}",
                            (unknown[0],))
    missing = [unit for unit in context.units if unit not in value]
    if missing:
        raise located_error(f"no value for region(s) {list_codes(missing)}; the mapping must name every region")
    rows = {}
    for unit in context.units:
        entry = value[unit]
        try:
            if isinstance(entry, Mapping):
                entry = expand_groups(entry, context)
            rows[unit] = resolve_codes(entry, None, context.sectors, Resolve("sector", complete=True), "sector")
        except PydanticCustomError as exc:
            raise located_error(exc.context["message"], (unit,) + tuple(exc.context["subpath"])) from None
    return UnitSectorValues(rows)


def resolve_codes(value: Any, default: Any, codes: tuple[str, ...], rule: Resolve, kind: str) -> CodeValues:
    """One number for every code, or a mapping merged onto the default (see :class:`Resolve`)."""
    if not isinstance(value, Mapping):
        return CodeValues(codes, tuple(float(value) for _ in codes))
    is_default = isinstance(default, Mapping) and dict(value) == dict(default)
    for key in value:
        if key not in codes and not is_default:  # a default may name sectors a user's data lacks
            raise located_error(f"unknown {kind} code {_short(key)}; expected one of {list_codes(codes)}", (key,))
    if rule.complete:
        merged: dict[str, Any] = {}
    elif rule.missing is not None:
        merged = {code: rule.missing for code in codes}
    elif isinstance(default, Mapping):
        merged = dict(default)
    elif default is not None:
        merged = {code: default for code in codes}
    else:
        merged = {}
    merged.update(value)
    for code in codes:
        if code in merged and not _is_number(merged[code]):
            raise located_error(f"expected a number for {kind} {code} (got {_short(merged[code])})", (code,))
    missing = [code for code in codes if code not in merged]
    if missing:
        raise located_error(f"no value for {kind}(s) {list_codes(missing)}; the mapping must name every {kind}")
    return CodeValues(codes, tuple(float(merged[code]) for code in codes))


def resolve_year_path(value: Any, start: int, end: int) -> YearValues:
    """A step function over ``start..end``: each value holds from its year until the next key.

    The first key must be the first simulated year ``start + 1``; keys after ``end`` are ignored (a short
    scenario may extend a long one).
    """
    n_years = end - start + 1
    if not isinstance(value, Mapping):
        return YearValues(start, (float(value),) * n_years)
    keys = sorted(value)
    first = start + 1
    if not keys:  # an empty mapping (``{}``, or a merge that left nothing) names no value at all
        raise located_error(f"empty year path: give a value for {first}, the first simulated year")
    early = [k for k in keys if k < first]
    if early:
        raise located_error(f"year {early[0]} is not after the start year {start}; a year path starts at {first}",
                            (early[0],))
    if keys[0] > first:
        raise located_error(f"a year path must give a value for the first simulated year {first} "
                            f"(its first year is {keys[0]})")
    path = []
    position = 0
    for year in range(start, end + 1):
        while position + 1 < len(keys) and keys[position + 1] <= year:
            position += 1
        path.append(float(value[keys[position]]))
    return YearValues(start, tuple(path))


_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")


def _year_key(key: Any) -> Any:
    """``2022``, ``"2022"`` and ``2022.0`` are the same year; anything else is left for the schema to refuse."""
    if isinstance(key, bool):
        return key
    if isinstance(key, int):
        return key
    if isinstance(key, str) and _INTEGER_TEXT.fullmatch(key.strip()):
        return int(key.strip())
    if isinstance(key, float) and math.isfinite(key) and key.is_integer():
        return int(key)
    return key


def _normalise_year_keys(value: Any) -> Any:
    """Year keys as integers before the schema sees them, refusing one year written twice (``2022:`` and
    ``"2022":`` would otherwise collapse silently into whichever came last)."""
    if not isinstance(value, Mapping):
        return value
    out: dict[Any, Any] = {}
    written: dict[Any, Any] = {}
    for key, item in value.items():
        year = _year_key(key)
        if year in out:
            raise located_error(f"year {year} is given twice (as {_short(written[year])} and {_short(key)})", (key,))
        out[year] = item
        written[year] = key
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


# ------------------------------------------------------------------------------------------ typed fields
def _typed(union: Any, rule: Resolve, *before: Any) -> Any:
    return Annotated[union, *before, rule, PlainSerializer(_serialise)]


def per_sector(item: Any, *, optional: bool = False, missing: float | None = None, by_unit: bool = False) -> Any:
    """One ``item`` for all sectors or ``{sector or group: item}``; resolves to :class:`CodeValues` over the
    sectors. With ``by_unit`` also ``{unit: per-sector value}`` naming every unit (:class:`UnitSectorValues`)."""
    per_unit_arm = (dict[str, Union[item, dict[str, item]]],) if by_unit else ()
    arms = (item, dict[str, item]) + per_unit_arm + ((type(None),) if optional else ())
    return _typed(Union[arms], Resolve("sector", missing=missing, by_unit=by_unit))


def per_unit_sector(item: Any, *, optional: bool = False) -> Any:
    """``{unit: item or {sector or group: item}}`` naming every unit; resolves to :class:`UnitSectorValues`."""
    arms = (dict[str, Union[item, dict[str, item]]],) + ((type(None),) if optional else ())
    return _typed(Union[arms] if len(arms) > 1 else arms[0], Resolve("unit_sector"))


def per_unit(item: Any, *, complete: bool = False, optional: bool = False, scalar: bool = True,
             missing: float | None = None) -> Any:
    """``{unit: item}`` (and one ``item`` for all units when ``scalar``); resolves over the region's units.
    With ``missing``, units a mapping leaves out take that value (else the field's default supplies them)."""
    arms = ((item,) if scalar else ()) + (dict[str, item],) + ((type(None),) if optional else ())
    return _typed(Union[arms] if len(arms) > 1 else arms[0], Resolve("unit", complete=complete, missing=missing))


def per_province(item: Any) -> Any:
    """``{province: item}`` naming every province of ``regions.csv``."""
    return _typed(dict[str, item], Resolve("province", complete=True))


def per_key(key: Any, item: Any) -> Any:
    """``{key: item}`` over a fixed key set (the keys of the field's default, in that order); keys left out
    keep their default."""
    return _typed(dict[key, item], Resolve("keys"))


def year_path(item: Any, *, optional: bool = False) -> Any:
    """One ``item`` for every year or ``{year: item}`` (a step function); resolves to :class:`YearValues`."""
    arms = (item, dict[YearKey, item]) + ((type(None),) if optional else ())
    return _typed(Union[arms], Resolve("year"), BeforeValidator(_normalise_year_keys))


@lru_cache(maxsize=None)
def rule_of(model: type, field_name: str) -> Resolve | None:
    """The :class:`Resolve` rule of a typed field, or None."""
    field = model.model_fields.get(field_name)
    if field is None:
        return None
    return next((m for m in field.metadata if isinstance(m, Resolve)), None)


def context_of(info: ValidationInfo) -> ValidationContext | None:
    context = info.context
    if isinstance(context, Mapping):
        found = context.get(CONTEXT_KEY)
        return found if isinstance(found, ValidationContext) else None
    return None


class Section(BaseModel):
    """Base for every scenario section: unknown keys are errors, numbers are finite, values are immutable.

    Typed fields (:class:`Resolve` metadata) are resolved against the validation context, if one is given.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, validate_default=True)

    @field_validator("*", mode="after")
    @classmethod
    def _resolve_typed_fields(cls, value: Any, info: ValidationInfo) -> Any:
        rule = rule_of(cls, info.field_name)
        if rule is None:
            return value
        return rule.resolve(value, cls.model_fields[info.field_name].default, context_of(info))
