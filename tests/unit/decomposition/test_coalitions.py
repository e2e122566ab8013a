"""Channels and coalitions of a decomposition (cnyx_sim.decomposition.coalitions, engine.plan_decomposition):
differing keys found in the resolved documents, grouped by the registry with an ``other`` channel, neutral
keys never switched, the empty coalition is the base and the full coalition the variant, and bad input is one
line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnyx_sim import channels as registry
from cnyx_sim.decomposition.coalitions import (OTHER, DecomposeError, differing_key_paths, group_channels)
from cnyx_sim.decomposition.engine import plan_decomposition
from cnyx_sim.errors import InputError
from cnyx_sim.limits import Limits

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"
NOT_SWITCHED = ("name", "description", "runs", "seed", "targets")


def test_differing_keys_descend_mappings_and_compare_lists_whole():
    base = {"name": "a", "sharing": {"enabled": True, "agreements": [1, 2]}, "macro": {"g": {2022: 0.05}}}
    variant = {"name": "b", "sharing": {"enabled": True, "agreements": [1]}, "macro": {"g": {2022: 0.05, 2026: 0.04}},
               "statistics": {"honour_probability": 1.0}}
    assert differing_key_paths(base, variant) == [("macro", "g", 2026), ("sharing", "agreements"), ("statistics",)]


def test_labels_runs_seed_and_targets_are_never_switched():
    base = {"name": "a", "description": "x", "runs": 1, "seed": 1, "targets": {"ledger": "official"}}
    variant = {"name": "b", "description": "y", "runs": 5, "seed": 2, "targets": {"ledger": "credited"}}
    assert differing_key_paths(base, variant) == []


def test_keys_of_no_channel_form_the_other_channel_listed_last():
    groups = group_channels([("fiscal", "growth_target"), ("sharing", "enabled"), ("incentives", "mode"),
                             ("sharing", "agreements")])
    assert [(c.name, c.key_paths) for c in groups] == [
        ("incentives", ("incentives.mode",)), ("tax_sharing", ("sharing.enabled", "sharing.agreements")),
        (OTHER, ("fiscal.growth_target",))]


def test_the_most_specific_registry_entry_owns_a_key(monkeypatch):
    monkeypatch.setitem(registry.CHANNELS, "referral", ("transfer.referral_",))
    groups = group_channels([("transfer", "referral_share"), ("transfer", "mean_size")])
    assert {c.name: c.key_paths for c in groups} == {"referral": ("transfer.referral_share",),
                                                     "transfer": ("transfer.mean_size",)}


def _comparable(resolved: dict) -> dict:
    return {k: v for k, v in resolved.items() if k not in NOT_SWITCHED}


def test_the_empty_coalition_is_the_base_and_the_full_one_the_variant():
    plan = plan_decomposition(SCENARIOS / "deep_integration.yaml", SCENARIOS / "no_integration.yaml", runs=2, seed=7)
    assert [c.name for c in plan.channels] == ["competition", "incentives", "market_access", "public_services",
                                               "statistics", "tax_sharing"]
    variants = plan.batch.variants
    assert len(variants) == 64 and plan.batch.runs == (2,) * 64
    from cnyx_sim.pipeline import prepare_scenario

    base = prepare_scenario(SCENARIOS / "no_integration.yaml").loaded.resolved
    variant = prepare_scenario(SCENARIOS / "deep_integration.yaml").loaded.resolved
    assert _comparable(variants[0].prepared.loaded.resolved) == _comparable(base)
    assert _comparable(variants[-1].prepared.loaded.resolved) == _comparable(variant)
    # Common random numbers: every coalition runs with the decomposition's seed.
    assert {v.seed for v in variants} == {7}
    # Every coalition takes each channel's section from the variant when the channel is on, else from the base.
    sections = {"competition": "competition", "incentives": "incentives", "market_access": "market_access", "public_services": "public_services",
                "statistics": "statistics", "tax_sharing": "sharing"}
    for mask, coalition in enumerate(variants):
        resolved = coalition.prepared.loaded.resolved
        for i, channel in enumerate(plan.channels):
            source = variant if mask >> i & 1 else base
            assert resolved[sections[channel.name]] == source[sections[channel.name]], (mask, channel.name)


def test_a_key_only_the_base_has_is_removed_in_coalitions_with_its_channel():
    # no_integration vs deep_integration: deep_integration's sharing.templates must go when sharing is on.
    plan = plan_decomposition(SCENARIOS / "no_integration.yaml", SCENARIOS / "deep_integration.yaml", runs=1)
    sharing = [i for i, c in enumerate(plan.channels) if c.name == "tax_sharing"][0]
    coalition = plan.batch.variants[1 << sharing].prepared.loaded
    assert "templates" not in coalition.doc.data["sharing"]
    assert coalition.doc.data["sharing"]["enabled"] is False


def test_identical_scenarios_have_nothing_to_decompose(tmp_path):
    copy = tmp_path / "copy.yaml"
    copy.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: copy\ntargets: {{ledger: credited}}\n",
                    encoding="utf-8")
    with pytest.raises(DecomposeError, match="nothing to decompose"):
        plan_decomposition(copy, SCENARIOS / "baseline.yaml")


def test_more_channels_than_the_limit_is_refused_with_the_lift_hint():
    with pytest.raises(DecomposeError, match=r"6 channels .* limit is 4 channels \(--lift-limits"):
        plan_decomposition(SCENARIOS / "deep_integration.yaml", SCENARIOS / "no_integration.yaml", runs=1,
                           limits=Limits(decompose_channels=4))


def test_an_invalid_coalition_is_one_line_naming_the_coalition():
    # no_parks removes the parks and the sharing terms that apply to them: the parks without their terms is
    # valid, but the terms without the parks name parks that do not exist.
    with pytest.raises(InputError) as info:
        plan_decomposition(SCENARIOS / "baseline.yaml", SCENARIOS / "no_parks.yaml", runs=1)
    message = str(info.value)
    assert "\n" not in message and "coalition {tax_sharing}" in message and "not a valid scenario" in message


def test_an_unknown_variable_is_refused_before_anything_runs():
    with pytest.raises(DecomposeError, match="unknown variable 'gdp'"):
        plan_decomposition(SCENARIOS / "baseline.yaml", SCENARIOS / "no_integration.yaml", variables=["gdp"])
    with pytest.raises(DecomposeError, match="sector rows only"):
        plan_decomposition(SCENARIOS / "baseline.yaml", SCENARIOS / "no_integration.yaml", variables=["va_real"])


def test_merged_channels_switch_together_in_the_place_of_their_first_member():
    from cnyx_sim.decomposition.coalitions import merge_channels

    channels = group_channels([("incentives", "mode"), ("parks",), ("sharing", "agreements"), ("statistics", "x")])
    merged = merge_channels(channels, [["tax_sharing", "parks"]])
    assert [(c.name, c.key_paths) for c in merged] == [
        ("incentives", ("incentives.mode",)), ("tax_sharing+parks", ("sharing.agreements", "parks")),
        ("statistics", ("statistics.x",))]
    with pytest.raises(DecomposeError, match="'ecology' is not one of them"):
        merge_channels(channels, [["parks", "ecology"]])
    with pytest.raises(DecomposeError, match="two or more"):
        merge_channels(channels, [["parks"]])
