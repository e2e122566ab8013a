"""Integration changes decisions (issue 10 items 1-2): with the same seed, deep_integration and no_integration
differ in packages, consent and relocations, not only in ledgers; the 92号 rule finds government-led
relocations; switching the channels off removes what they add."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cnyx_sim.api import prepare
from cnyx_sim.pipeline import run_tables

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SHORT = {"years.end": 2032}


def wide(traj: pd.DataFrame, variable: str) -> pd.DataFrame:
    rows = traj[(traj["variable"] == variable) & (traj["sector"] == "total")]
    return rows.pivot(index="year", columns="region", values="value")


@pytest.fixture(scope="module")
def runs() -> dict[str, pd.DataFrame]:
    return {name: run_tables(prepare(SCENARIOS / f"{name}.yaml", overrides=SHORT), 0)["trajectories"]
            for name in ("deep_integration", "no_integration")}


def test_integration_variants_differ_in_packages_consent_and_relocations(runs):
    deep, none = runs["deep_integration"], runs["no_integration"]
    # packages: the common package under deep integration, bidding above it without coordination
    assert (wide(deep, "package_land_discount").loc[2023:].drop(columns="cnyx").to_numpy() == 0.2).all()
    assert (wide(none, "package_land_discount").loc[2024:].drop(columns="cnyx").to_numpy() > 0.2).any()
    # consent: origins keep half under the cross-unit rule, nothing without sharing
    assert (wide(deep, "origin_consent").loc[2023:, "cnyx"] > wide(none, "origin_consent").loc[2023:, "cnyx"]).all()
    # relocations and locations differ (same seed, same draws)
    moves = [wide(t, "government_led_relocations_in").drop(columns="cnyx").to_numpy() for t in (deep, none)]
    assert not np.array_equal(*moves)
    arrived = [wide(t, "projects_arrived").drop(columns="cnyx").to_numpy() for t in (deep, none)]
    assert not np.array_equal(*arrived)


def test_bidding_costs_more_than_the_common_package(runs):
    deep = wide(runs["deep_integration"], "incentive_cost").loc[2030:, "cnyx"].sum()
    none = wide(runs["no_integration"], "incentive_cost").loc[2030:, "cnyx"].sum()
    assert none > deep


def test_the_92_rule_finds_government_led_relocations(tmp_path):
    scenario = tmp_path / "with_92.yaml"
    scenario.write_text(
        f"extends: {SCENARIOS / 'no_integration.yaml'}\nname: with_92\n"
        "sharing:\n  enabled: true\n  agreements:\n"
        "    - {id: relocations_92, template: jingjinji_92, min_pre_move_tax: 0.0}\n", encoding="utf-8")
    tables = run_tables(prepare(scenario, overrides=SHORT), 0)
    ledger = tables["sharing"]
    assert (ledger["agreement"] == "relocations_92").any() and ledger["amount"].sum() > 0
    moved = wide(tables["trajectories"], "government_led_relocations_in").loc[:, "cnyx"].sum()
    assert moved > 0


def test_switching_the_channels_off_removes_government_led_moves_and_bidding():
    off = run_tables(prepare(SCENARIOS / "no_integration.yaml",
                                      overrides={**SHORT, "relocation.enabled": False,
                                                 "competition.enabled": False}), 0)["trajectories"]
    assert (wide(off, "government_led_relocations_in").to_numpy() == 0).all()
    assert (wide(off, "referral_weight").drop(columns="cnyx").to_numpy() == 1.0).all()
