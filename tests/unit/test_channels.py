"""The channel registry (cnyx_sim.channels): every channel owns the key paths of a scenario section (the lever
sections of issue 10 with an `enabled` switch), entries are alphabetical (one per line, for the merge), and
lookups find the owner, the most specific entry first."""

from __future__ import annotations

import inspect

from cnyx_sim import channels
from cnyx_sim.channels import CHANNELS, channel_of
from cnyx_sim.scenario.schema import Scenario


def test_each_channel_owns_a_scenario_section():
    for name, prefixes in CHANNELS.items():
        for prefix in prefixes:
            section = prefix.rstrip(".").split(".")[0]
            assert section in Scenario.model_fields, (name, prefix)


def test_the_lever_sections_of_issue_10_have_an_enabled_switch():
    for section in ("ecology", "market_access", "opening", "public_services"):
        assert "enabled" in Scenario.model_fields[section].annotation.model_fields, section


def test_no_prefix_is_listed_twice():
    prefixes = [p for ps in CHANNELS.values() for p in ps]
    assert len(prefixes) == len(set(prefixes))


def test_the_longest_matching_prefix_owns_a_key_path(monkeypatch):
    monkeypatch.setitem(CHANNELS, "referral", ("transfer.referral_",))
    assert channel_of("transfer.referral_share") == "referral"
    assert channel_of("transfer.mean_size") == "transfer"
    monkeypatch.setitem(CHANNELS, "aaa_transfer", ("transfer.",))  # listed before: still the less specific one
    monkeypatch.delitem(CHANNELS, "transfer")
    assert channel_of("transfer.referral_share") == "referral"


def test_the_existing_blocks_are_channels():
    assert channel_of("sharing.agreements") == "tax_sharing"
    assert channel_of("statistics.honour_probability") == "statistics"
    assert channel_of("incentives.mode") == "incentives"
    assert channel_of("parks") == "parks"
    assert channel_of("transfer.origin_land_cost_growth") == "transfer"
    assert channel_of("sharing_extra") is None  # a prefix ending in a dot owns its section only


def test_entries_are_alphabetical_one_per_line():
    assert list(CHANNELS) == sorted(CHANNELS)
    source = inspect.getsource(channels)
    for name in CHANNELS:
        assert sum(line.strip().startswith(f'"{name}":') for line in source.splitlines()) == 1


def test_channel_of_finds_the_owner_of_a_key_path():
    assert channel_of("market_access.border_cost_removed") == "market_access"
    assert channel_of("opening.gateways") == "opening_up"
    assert channel_of("public_services") == "public_services"
    assert channel_of("fiscal.growth_target") is None
