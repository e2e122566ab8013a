"""The fiscal system end to end (issue 4): the three integration scenarios, sharing.parquet, conservation on
model output, seeds reproducing the ledger, and targets scored on either ledger."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cnyx_sim
from cnyx_sim.checks import check_accounting
from cnyx_sim.io.results import SHARING_COLUMNS
from cnyx_sim.pipeline import prepare_scenario, run_tables

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def tables() -> dict[str, dict[str, pd.DataFrame]]:
    return {name: run_tables(prepare_scenario(SCENARIOS / f"{name}.yaml"), 0)
            for name in ("baseline", "deep_integration", "no_integration")}


def wide(traj: pd.DataFrame, variable: str) -> pd.DataFrame:
    rows = traj[(traj["variable"] == variable) & (traj["sector"] == "total")]
    return rows.pivot(index="year", columns="region", values="value")


def test_no_integration_keeps_collected_revenue_and_official_gdp_for_every_unit_and_year(tables):
    traj = tables["no_integration"]["trajectories"]
    np.testing.assert_array_equal(wide(traj, "tax_local_after_sharing"), wide(traj, "tax_local_collected"))
    np.testing.assert_array_equal(wide(traj, "gdp_credited_nominal"), wide(traj, "gdp_nominal"))
    assert (wide(traj, "sharing_paid").to_numpy() == 0).all()
    assert tables["no_integration"]["sharing"].empty


@pytest.mark.parametrize("name", ["baseline", "deep_integration"])
def test_agreements_move_revenue_and_credited_gdp_between_units(tables, name):
    traj = tables[name]["trajectories"]
    revenue_gap = (wide(traj, "tax_local_after_sharing") - wide(traj, "tax_local_collected")).drop(columns="cnyx")
    gdp_gap = (wide(traj, "gdp_credited_nominal") - wide(traj, "gdp_nominal")).drop(columns="cnyx")
    assert (revenue_gap.abs().to_numpy() > 1e-6).any()
    assert (gdp_gap.abs().to_numpy() > 1e-6).any()
    # before any park exists (2023) and before projects produce nothing is shared
    assert (revenue_gap.loc[2021:2022].to_numpy() == 0).all()
    # winners and losers: some unit gains and some loses
    assert (revenue_gap.to_numpy() > 0).any() and (revenue_gap.to_numpy() < 0).any()


def test_baseline_shares_only_within_park_agreements_and_deep_integration_also_under_the_rule(tables):
    assert set(tables["baseline"]["sharing"]["agreement"]) <= {
        "zigong_qijiang_terms", "hejiang_jiangjin_terms", "rongchang_longchang_terms", "neijiang_zigong_terms",
        "zigong_kunshan_terms", "tongliang_guangzhou_terms"}
    deep = tables["deep_integration"]["sharing"]
    assert "cross_unit_projects" in set(deep["agreement"])
    assert deep["amount"].sum() > tables["baseline"]["sharing"]["amount"].sum()


def test_flows_to_kunshan_and_guangzhou_explain_the_region_gap_exactly(tables):
    traj = tables["deep_integration"]["trajectories"]
    region = lambda v: wide(traj, v)["cnyx"]  # noqa: E731
    external = tables["deep_integration"]["sharing"].query("to_region in ['kunshan', 'guangzhou']")
    assert not external.empty
    gap = region("tax_local_collected") - region("tax_local_after_sharing")
    by_year = external.groupby("year")["amount"].sum().reindex(gap.index, fill_value=0.0)
    np.testing.assert_allclose(gap.to_numpy(), by_year.to_numpy(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(region("gdp_nominal") - region("gdp_credited_nominal"),
                               region("gdp_credited_to_external"), rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("name", ["baseline", "deep_integration", "no_integration"])
def test_model_output_passes_the_accounting_checks_and_the_ledger_matches_unit_flows(tables, name):
    check_accounting(tables[name])  # raises AccountingError on any broken identity
    traj, ledger = tables[name]["trajectories"], tables[name]["sharing"]
    paid = ledger.groupby(["year", "from_region"])["amount"].sum()
    unit_paid = wide(traj, "sharing_paid").stack()
    np.testing.assert_allclose(unit_paid.drop("cnyx", level=1).sum(), paid.sum(), rtol=1e-12)


def test_sharing_parquet_is_written_with_its_columns_even_when_empty(tmp_path):
    for name in ("no_integration", "baseline"):
        out = cnyx_sim.run(SCENARIOS / f"{name}.yaml", out=tmp_path / name)
        frame = pd.read_parquet(tmp_path / name / "sharing.parquet")
        assert list(frame.columns) == list(SHARING_COLUMNS)
        for column in ("run", "year"):
            assert frame[column].dtype == np.int64
        assert frame["amount"].dtype == np.float64
        assert len(frame) == len(out.tables["sharing"])
        if name == "baseline":
            assert (frame["amount"] > 0).all() and (frame["from_region"] != frame["to_region"]).all()
            assert set(frame["tax"]) <= {"vat", "cit", "pit", "property"}
    assert pd.read_parquet(tmp_path / "no_integration" / "sharing.parquet").empty


def test_seed_and_run_index_reproduce_the_sharing_ledger():
    prepared = prepare_scenario(SCENARIOS / "baseline.yaml")
    first, again = run_tables(prepared, 1)["sharing"], run_tables(prepared, 1)["sharing"]
    pd.testing.assert_frame_equal(first, again)
    other = run_tables(prepared, 2)["sharing"]
    assert not (len(other) == len(first) and np.allclose(other["amount"], first["amount"]))


def test_targets_are_scored_on_the_ledger_the_scenario_chooses(tables):
    from cnyx_sim.targets import score_run

    prepared = prepare_scenario(SCENARIOS / "deep_integration.yaml")
    traj = tables["deep_integration"]["trajectories"]
    p = prepared.params
    scored = {}
    for ledger in ("official", "credited"):
        section = prepared.loaded.scenario.targets.model_copy(update={"ledger": ledger})
        scored[ledger] = score_run(traj, section, p.macro.national_real_growth, p.start_year, p.end_year
                                   ).set_index("target")["value"]
    region = lambda v: wide(traj, v)["cnyx"]  # noqa: E731
    assert scored["official"]["gdp_nominal_2025"] == region("gdp_nominal")[2025]
    assert scored["credited"]["gdp_nominal_2025"] == region("gdp_credited_nominal")[2025]
    credited_real = region("industry_va_credited_real")
    expected = (credited_real[2025] / credited_real[2021]) ** 0.25 - 1.0
    assert scored["credited"]["industry_va_real_growth_2021_2025"] == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(credited_real, region("industry_va_credited_nominal") / region("price_index"))
    # the 飞地 splits to 昆山/广州 leave the region: credited GDP is below official from the first split on
    assert scored["credited"]["gdp_nominal_2025"] < scored["official"]["gdp_nominal_2025"]
