"""Parameter overrides from Python: ``{"dotted.key.path": value}`` applied to a scenario document.

``cnyx_sim.run("baseline", overrides={"production.tfp_long_run_growth": 0.015})`` sets a value the way an
edited YAML file would: the override is written into the resolved document (after ``extends``) and the
document is then validated by the same schema and data checks as any scenario file. So a bad override fails
with the project's one-line :class:`ScenarioError`, and the error names the override key, e.g.::

    override production.tfp_long_run_growth: production.tfp_long_run_growth: Input should be less than
    or equal to 0.1 (got 2.0)

Key paths
---------
- Parts are separated by dots: ``transfer.arrival_rate.chengdu``, ``fiscal.local_share.vat``.
- A part of digits is a year key where the mapping has (or the schema expects) years:
  ``macro.national_real_growth.2026``. Setting a year of a path given as a single number is an error (write the
  whole path: ``{"macro.national_real_growth": {2022: 0.05, 2026: 0.04}}``).
- A part of digits indexes a list: ``parks.0.capacity`` (also written ``parks[0].capacity``).
- Missing intermediate mappings are created (a section the file does not mention takes its defaults plus the
  override); unknown keys are rejected by the schema (``unknown key (not allowed here)``).
- Values are plain YAML-like data: numbers, strings, booleans, None, lists, mappings. numpy scalars are
  converted to Python numbers (EMA Workbench and SALib hand those over).

Overrides are applied in the order given, after the file's values; ``runs`` and ``seed`` are overrides too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from cnyx_sim.limits import DEFAULT_LIMITS, Limits
from cnyx_sim.scenario.errors import ScenarioError
from cnyx_sim.scenario.yaml_io import ResolvedScenarioDoc

#: ``file`` shown in the error of a value that came from an override (there is no file or line).
OVERRIDE_FILE = "override"

_BRACKET = re.compile(r"\[(\d+)\]")


def split_key(key: str) -> tuple[str, ...]:
    """``"parks[0].capacity"`` -> ``("parks", "0", "capacity")``; rejects empty parts."""
    if not isinstance(key, str) or not key.strip():
        raise ValueError("expected a dotted key path such as production.tfp_long_run_growth")
    parts = tuple(_BRACKET.sub(r".\1", key).split("."))
    if any(not part for part in parts):
        raise ValueError("expected a dotted key path such as production.tfp_long_run_growth (an empty part)")
    return parts


def plain(value: Any) -> Any:
    """``value`` as plain Python data: numpy scalars and arrays become numbers and lists, tuples lists."""
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return value.item()
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return value.tolist()
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def copy_document(data: Any) -> Any:
    """A copy of a YAML document's mappings and lists (scalars are immutable and shared), to edit safely."""
    if isinstance(data, dict):
        return {k: copy_document(v) for k, v in data.items()}
    if isinstance(data, list):
        return [copy_document(v) for v in data]
    return data


def _descend(key: str, parts: tuple[str, ...], root: dict) -> tuple[Any, Any, tuple[Any, ...]]:
    """(container, final key, key path as stored) for ``parts``, creating missing mappings on the way."""
    current: Any = root
    path: list[Any] = []
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(current, list):
            if not part.isdigit() or int(part) >= len(current):
                raise ScenarioError(f"{OVERRIDE_FILE} {key}", tuple(path), None,
                                    f"a list of {len(current)} item(s); expected an index 0..{len(current) - 1} "
                                    f"(got {part!r})")
            name: Any = int(part)
        elif isinstance(current, dict):
            name = part
            # A digit part is a year (int) key unless the mapping already uses it as text.
            if part.isdigit() and part not in current:
                name = int(part)
        else:
            shown = ".".join(parts[:depth])
            raise ScenarioError(f"{OVERRIDE_FILE} {key}", tuple(path), None,
                                f"a single value ({current!r}), so {key} cannot be set; override {shown} as a whole")
        path.append(name)
        if last:
            return current, name, tuple(path)
        child = current[name] if (isinstance(current, list) or name in current) else None
        if child is None:
            child = {}
            current[name] = child
        current = child
    raise AssertionError("unreachable")  # pragma: no cover


def apply_overrides(doc: ResolvedScenarioDoc, overrides: Mapping[str, Any] | None) -> ResolvedScenarioDoc:
    """A copy of ``doc`` with every override written in; the provenance of each overridden value (and of
    everything below it) becomes ``override``, so later validation errors name the override, not a file line.

    Raises :class:`ScenarioError` (one line naming the override key) for a malformed key or a key that
    descends into a single value or past the end of a list.
    """
    if not overrides:
        return doc
    if not isinstance(overrides, Mapping):
        raise ScenarioError(OVERRIDE_FILE, (), None, "overrides must be a mapping of dotted key paths to values "
                            f"(got {type(overrides).__name__})")
    data = copy_document(doc.data)
    origin = dict(doc.origin)
    for key, value in overrides.items():
        try:
            parts = split_key(key)
        except ValueError as exc:
            raise ScenarioError(f"{OVERRIDE_FILE} {key!r}", (), None, str(exc)) from None
        container, name, path = _descend(key, parts, data)
        container[name] = plain(value)
        # Everything at or below the overridden path now comes from the override.
        origin = {p: o for p, o in origin.items() if p[:len(path)] != path}
        origin[path] = (f"{OVERRIDE_FILE} {key}", None)
        for sub in _sub_paths(container[name], path):
            origin[sub] = (f"{OVERRIDE_FILE} {key}", None)
    return replace(doc, data=data, origin=origin)


def _sub_paths(value: Any, prefix: tuple[Any, ...]):
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        yield prefix + (k,)
        yield from _sub_paths(v, prefix + (k,))


def name_override(exc: ScenarioError, overrides: Mapping[str, Any] | None) -> ScenarioError:
    """``exc`` re-located at the override it concerns, when it was raised for a key at or above an
    overridden key (e.g. a section-level rule broken by an overridden value); otherwise ``exc`` itself."""
    if not overrides or exc.file.startswith(OVERRIDE_FILE):
        return exc
    where = tuple(str(k) for k in exc.key_path)
    for key in overrides:
        try:
            parts = split_key(key)
        except ValueError:
            continue
        if parts[:len(where)] == where:
            source = exc.file if exc.line is None else f"{exc.file}:{exc.line}"
            return ScenarioError(f"{OVERRIDE_FILE} {key}", exc.key_path, None,
                                 f"{exc.expected} (with this override applied to {source})",
                                 mapping_key_positions=exc.mapping_key_positions)
    return exc


def load_with_overrides(path, overrides: Mapping[str, Any] | None = None, *, limits: Limits = DEFAULT_LIMITS):
    """Resolve ``extends``, apply ``overrides``, then validate against the schema and the calibration data:
    ``(LoadedScenario, Calibration, ModelParams)``, or a one-line :class:`ScenarioError` naming the override
    key when an override is what is wrong."""
    from cnyx_sim.scenario.load import build_params, calibration_for, validate_document
    from cnyx_sim.scenario.yaml_io import resolve_extends

    doc = apply_overrides(resolve_extends(path, limits=limits), overrides)
    try:
        loaded = validate_document(doc, limits=limits)
        calibration = calibration_for(loaded)
        return loaded, calibration, build_params(loaded, calibration)
    except ScenarioError as exc:
        raise name_override(exc, overrides) from None
