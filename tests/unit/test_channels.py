"""The channel registry (cnyx_sim.channels): every channel owns the key paths of a scenario section with an
`enabled` switch, entries are alphabetical (one per line, for the merge), and lookups find the owner."""

from __future__ import annotations

import inspect

from cnyx_sim import channels
from cnyx_sim.channels import CHANNELS, channel_of
from cnyx_sim.scenario.schema import Scenario


def test_each_channel_owns_a_scenario_section_with_an_enabled_switch():
    for name, prefixes in CHANNELS.items():
        for prefix in prefixes:
            section = prefix.rstrip(".").split(".")[0]
            assert section in Scenario.model_fields, (name, prefix)
            annotation = Scenario.model_fields[section].annotation
            assert "enabled" in annotation.model_fields, (name, section)


def test_no_key_path_belongs_to_two_channels():
    prefixes = [p for ps in CHANNELS.values() for p in ps]
    for a in prefixes:
        assert sum(b.startswith(a) or a.startswith(b) for b in prefixes) == 1, a


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
