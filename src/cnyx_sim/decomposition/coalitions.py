"""Channels and coalitions of a decomposition: which scenario keys differ, which channel owns each, and the
scenario of every on/off combination (docs/decompose.md).

1. Both scenario files are resolved (``extends`` merged) and their documents compared key by key (mappings
   are descended; lists and single values are compared whole). The key paths on which they differ are
   grouped into channels by the registry (:func:`cnyx_sim.channels.channel_of`, longest prefix wins); keys
   of no channel form the channel ``other``.
2. Keys that cannot change the simulated economy are not part of any coalition (:data:`NEUTRAL_SECTIONS`):
   ``name`` and ``description`` (labels), ``runs`` and ``seed`` (every coalition runs the same runs with the
   same seed: common random numbers), and ``targets`` (targets score the outcomes -- targets.csv -- and are
   read by no mechanism; a targets channel would cost twice the runs for a contribution that is exactly 0).
3. Coalition ``S`` (a bit mask over the channels) is the base document with the keys of the channels in
   ``S`` written from the variant through the scenario layer's dotted overrides
   (:func:`cnyx_sim.scenario.overrides.apply_overrides`); a key the variant does not have is removed. The
   document is then validated like any scenario file; an invalid combination is one located line (exit 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from cnyx_sim.channels import channel_of
from cnyx_sim.errors import InputError, shorten
from cnyx_sim.limits import DEFAULT_LIMITS, LIFT_HINT, Limits
from cnyx_sim.pipeline import PreparedScenario
from cnyx_sim.scenario.errors import ScenarioError
from cnyx_sim.scenario.overrides import apply_overrides, copy_document, name_override
from cnyx_sim.scenario.yaml_io import ResolvedScenarioDoc

__all__ = ["Channel", "DecomposeError", "NEUTRAL_SECTIONS", "OTHER", "build_coalition", "coalition_name",
           "differing_key_paths", "dotted", "group_channels", "merge_channels"]

#: The channel of differing keys that no registered channel owns.
OTHER = "other"
#: Top-level keys never switched (see the module docstring).
NEUTRAL_SECTIONS = ("name", "description", "runs", "seed", "targets")

KeyPath = tuple[Any, ...]
_MISSING = object()


class DecomposeError(InputError):
    """Bad decomposition input (nothing to decompose, too many channels, an invalid coalition). Exit 2."""


@dataclass(frozen=True)
class Channel:
    """A channel of one decomposition and the differing key paths (dotted) it switches."""

    name: str
    paths: tuple[KeyPath, ...]

    @property
    def key_paths(self) -> tuple[str, ...]:
        """The key paths as dotted overrides (``market_access.border_cost_removed``)."""
        return tuple(dotted(p) for p in self.paths)


def dotted(path: KeyPath) -> str:
    return ".".join(str(part) for part in path)


def differing_key_paths(base: Mapping[Any, Any], variant: Mapping[Any, Any], prefix: KeyPath = ()) -> list[KeyPath]:
    """Key paths on which two documents differ: mappings are descended, anything else compared whole; a key
    on one side only is a difference. Neutral top-level keys are skipped. Sorted by dotted path."""
    found: list[KeyPath] = []
    for key in list(base) + [k for k in variant if k not in base]:
        if not prefix and key in NEUTRAL_SECTIONS:
            continue
        a, b = base.get(key, _MISSING), variant.get(key, _MISSING)
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            found.extend(differing_key_paths(a, b, prefix + (key,)))
        elif a is _MISSING or b is _MISSING or not _same(a, b):
            found.append(prefix + (key,))
    return sorted(found, key=dotted)


def _same(a: Any, b: Any) -> bool:
    # 1 == 1.0 == True in Python; a switch from true to 1 is not a difference worth a channel, but a type
    # change between containers is.
    if type(a) is not type(b) and (isinstance(a, (list, dict)) or isinstance(b, (list, dict))):
        return False
    return bool(a == b)


def group_channels(paths: list[KeyPath]) -> list[Channel]:
    """Differing key paths grouped by owning channel: registered channels in name order, then ``other``."""
    groups: dict[str, list[KeyPath]] = {}
    for path in paths:
        name = channel_of(dotted(path)) or OTHER
        groups.setdefault(name, []).append(path)
    names = sorted(n for n in groups if n != OTHER) + ([OTHER] if OTHER in groups else [])
    return [Channel(name, tuple(groups[name])) for name in names]


def merge_channels(channels: list[Channel], groups) -> list[Channel]:
    """``channels`` with each group of names (``[("parks", "tax_sharing")]``) switched together as one channel
    ``parks+tax_sharing`` (placed where its first member was): for levers that are only valid together, such as
    parks and the sharing terms that apply to them. A name that is not among ``channels`` is bad input."""
    merged = list(channels)
    for group in groups or ():
        names = list(dict.fromkeys(group))
        present = {c.name: c for c in merged}
        unknown = [n for n in names if n not in present]
        if unknown or len(names) < 2:
            raise DecomposeError(f"--merge {','.join(group)}: expected two or more of the channels on which the "
                                 f"scenarios differ ({', '.join(present)})"
                                 + (f"; {unknown[0]!r} is not one of them" if unknown else ""))
        first = min(merged.index(present[n]) for n in names)
        joined = Channel("+".join(names), tuple(p for n in names for p in present[n].paths))
        rest = [c for c in merged if c.name not in names]
        merged = rest[:first] + [joined] + rest[first:]
    return merged


def coalition_name(mask: int) -> str:
    """Variant name of coalition ``mask`` in the batch folder (bit i = channel i switched on)."""
    return f"coalition_{mask:04d}"


def _lookup(data: Any, path: KeyPath) -> Any:
    for part in path:
        if not isinstance(data, Mapping) or part not in data:
            return _MISSING
        data = data[part]
    return data


def _without(doc: ResolvedScenarioDoc, path: KeyPath) -> ResolvedScenarioDoc:
    """``doc`` without the key at ``path`` (a key the variant does not have)."""
    data = copy_document(doc.data)
    container = _lookup(data, path[:-1]) if len(path) > 1 else data
    if isinstance(container, dict):
        container.pop(path[-1], None)
    origin = {p: o for p, o in doc.origin.items() if tuple(p[:len(path)]) != path}
    return replace(doc, data=data, origin=origin)


def check_channel_count(channels: list[Channel], limits: Limits = DEFAULT_LIMITS) -> None:
    k = len(channels)
    if limits.decompose_channels is not None and k > limits.decompose_channels:
        raise DecomposeError(f"the scenarios differ in {k} channels ({', '.join(c.name for c in channels)}): "
                             f"2^{k} = {2 ** k:,} coalitions per run; the limit is {limits.decompose_channels} "
                             f"channels ({LIFT_HINT})")


def build_coalition(base: ResolvedScenarioDoc, variant: ResolvedScenarioDoc, channels: list[Channel], mask: int,
                    runs: int, seed: int, *, limits: Limits = DEFAULT_LIMITS) -> PreparedScenario:
    """The validated scenario of coalition ``mask``: ``base`` with the keys of the channels whose bit is set
    taken from ``variant``; ``runs`` and ``seed`` are those of the decomposition."""
    from cnyx_sim.scenario.load import build_params, calibration_for, validate_document

    overrides: dict[str, Any] = {}
    removed: list[KeyPath] = []
    for i, channel in enumerate(channels):
        if not mask >> i & 1:
            continue
        for path in channel.paths:
            value = _lookup(variant.data, path)
            if value is _MISSING:
                removed.append(path)
            else:
                overrides[dotted(path)] = value
    on = [c.name for i, c in enumerate(channels) if mask >> i & 1]
    label = f"the coalition {{{', '.join(on)}}} ({'base' if not on else 'base + these channels of the variant'})"
    try:
        doc = apply_overrides(base, overrides)
        for path in removed:
            doc = _without(doc, path)
        loaded = validate_document(doc, {"name": coalition_name(mask), "runs": runs, "seed": seed}, limits=limits)
        calibration = calibration_for(loaded)
        params = build_params(loaded, calibration)
    except ScenarioError as exc:
        located = name_override(exc, overrides)
        raise DecomposeError(shorten(f"{label} is not a valid scenario: {located}; switch channels that are only "
                                     "valid together as one (--merge A,B)", 400)) from None
    return PreparedScenario(loaded, calibration, params)
