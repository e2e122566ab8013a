"""IAMC export: runs kept, parents are sums of their children, region = sum of units for additive
variables, units parse with pint; pyam's own checks when pyam is importable (it needs pandas < 3, so it
is usually skipped: the identities are tested without it)."""

from __future__ import annotations

import pandas as pd
import pytest

import cnyx_sim
from cnyx_sim.batch import iamc


@pytest.fixture(scope="module")
def two_runs():
    return cnyx_sim.run("baseline", runs=2, write=False, overrides={"years.end": 2030})["trajectories"]


@pytest.fixture(scope="module")
def exported(two_runs):
    return cnyx_sim.to_iamc(two_runs)


def test_runs_are_kept_by_default_in_a_run_column(exported, two_runs):
    assert list(exported.columns) == iamc.IAMC_RUN_COLUMNS
    assert sorted(exported["run"].unique()) == [0, 1]
    assert not exported.duplicated(["model", "scenario", "run", "region", "variable", "year"]).any()
    gdp = two_runs.query("variable == 'gdp_nominal' and region == 'cnyx' and year == 2026").set_index("run")["value"]
    row = exported.query("variable == 'GDP|Nominal' and region == 'cnyx' and year == 2026").set_index("run")["value"]
    assert row.to_dict() == pytest.approx((gdp * 0.1).to_dict())  # 亿元 -> billion yuan


def test_every_parent_is_the_sum_of_its_children(exported):
    assert iamc.hierarchy_problems(exported) == []
    names = set(exported["variable"])
    # the trees the identities run over are there
    assert {"Value Added|Real", "Value Added|Real|Secondary", "Value Added|Real|Secondary|Industry",
            "Revenue|Tax|Gross", "Revenue|Tax|Gross|VAT", "Employment", "Employment|Tertiary"} <= names
    # credited GDP and project value added are not placed under totals they do not sum into
    assert "GDP|Nominal|Credited" not in names and "Value Added|Nominal|Projects" not in names


def test_tree_nodes_equal_the_model_totals_they_replace(exported, two_runs):
    pick = "region == 'yibin' and year == 2030 and run == 1"
    industry = two_runs.query(f"{pick} and variable == 'industry_va_real'")["value"].iloc[0]
    employment = two_runs.query(f"{pick} and variable == 'employment'")["value"].iloc[0]
    gdp_real = two_runs.query(f"{pick} and variable == 'gdp_real'")["value"].iloc[0]
    node = exported.query(pick).set_index("variable")["value"]
    assert node["Value Added|Real|Secondary|Industry"] == pytest.approx(industry * 0.1, rel=1e-12)
    assert node["Employment"] == pytest.approx(employment * 0.01, rel=1e-12)
    assert node["Value Added|Real"] == pytest.approx(gdp_real * 0.1, rel=1e-12)


def test_the_region_is_the_sum_of_the_units_for_additive_variables(exported):
    assert iamc.region_problems(exported) == []
    # and the check is not vacuous: a ratio is excluded because it is not additive
    ratio = exported[exported["variable"] == "Price|GDP Deflator (2021=1)"]
    assert iamc.region_problems(ratio.assign(variable="cnyx_sim|not_a_ratio")) != []


def test_the_checks_find_a_parent_that_is_not_the_sum():
    frame = pd.DataFrame({"model": "m", "scenario": "s", "region": "r", "year": 2030,
                          "variable": ["A", "A|x", "A|y"], "unit": "u", "value": [3.0, 1.0, 1.5]})
    assert len(iamc.hierarchy_problems(frame)) == 1
    assert iamc.hierarchy_problems(frame.assign(value=[2.5, 1.0, 1.5])) == []


def test_units_are_pint_parseable_and_none_is_in_chinese(exported):
    pint = pytest.importorskip("pint")
    registry = iamc.unit_registry()
    for unit in exported["unit"].unique():
        assert isinstance(registry.parse_units(unit), pint.Unit), unit
        assert "亿" not in unit and "万" not in unit
    assert registry.Quantity(1, "billion CNY/yr").to("CNY/yr").magnitude == 1e9


def test_summarised_export_has_no_run_column_and_the_mean_keeps_the_identities(two_runs):
    mean = cnyx_sim.to_iamc(two_runs, statistic="mean")
    assert list(mean.columns) == iamc.IAMC_COLUMNS
    assert iamc.hierarchy_problems(mean) == [] and iamc.region_problems(mean) == []
    with pytest.raises(ValueError):
        cnyx_sim.to_iamc(two_runs, statistic="mode")


def test_pyam_accepts_the_export_and_its_aggregation_checks_pass(exported):
    pyam = pytest.importorskip("pyam")  # pyam-iamc requires pandas < 3 today: usually skipped
    frame = pyam.IamDataFrame(exported)
    for parent in ("Value Added|Real", "Revenue|Tax|Gross", "Employment"):
        assert frame.check_aggregate(parent) is None
    assert frame.check_aggregate_region("GDP|Nominal", region="cnyx") is None
