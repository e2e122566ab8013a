"""The forecaster's information set: the cutoff is honoured, derived rows are flagged, vintages respected."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from cnyx_sim.calibrate.observations import annual_growth, information_set
from cnyx_sim.calibrate.settings import load_settings


@pytest.fixture()
def folder(tmp_path, repo_root):
    target = tmp_path / "calibration"
    shutil.copytree(repo_root / "calibration", target)
    return target


def _scramble_after(folder, cutoff: int) -> None:
    """Change every observed value of a year after ``cutoff`` (as if newer, different data had arrived)."""
    for name in ("observed_2011_2021.csv", "observed_supplement.csv"):
        path = folder / name
        frame = pd.read_csv(path)
        later = frame["year"] > cutoff
        frame.loc[later, "value"] = frame.loc[later, "value"] * 1.5 + 1.0
        frame.to_csv(path, index=False)


def test_no_observation_after_the_cutoff_enters_the_information_set(folder, repo_root):
    settings = load_settings(folder)
    before = information_set(repo_root / "calibration", 2018, settings)
    _scramble_after(folder, 2018)
    after = information_set(folder, 2018, settings)
    pd.testing.assert_frame_equal(before.observations, after.observations)
    pd.testing.assert_frame_equal(before.above_scale, after.above_scale)
    np.testing.assert_array_equal(before.start_va, after.start_va)
    np.testing.assert_array_equal(before.inflation, after.inflation)
    assert before.observations["year"].max() <= 2018


def test_data_after_the_cutoff_do_enter_when_the_cutoff_is_raised(folder, repo_root):
    # The converse, so the test above cannot pass by ignoring the files: 2021 sees the changed rows.
    settings = load_settings(folder)
    before = information_set(repo_root / "calibration", 2021, settings)
    _scramble_after(folder, 2018)
    after = information_set(folder, 2021, settings)
    assert not before.observations["value"].equals(after.observations["value"])


def test_derived_growth_is_flagged_and_never_spans_the_census_revision(repo_root):
    rows = annual_growth(repo_root / "calibration", 2016, 2021, load_settings(repo_root / "calibration"))
    derived = rows[rows["derived"]]
    assert len(derived) > 0 and (derived["quality"] == "derived").all()
    assert not ((derived["year"] == 2019) & (derived["first_year"] == 2018)).any()
    assert derived["method"].str.contains("deflated by the").all()
    # a published figure is never replaced by a derived one
    published = rows[~rows["derived"]]
    assert not set(zip(published["region"], published["year"])) & set(zip(derived["region"], derived["year"]))


def test_derived_growth_is_nominal_growth_over_the_province_deflator_hand_computed(repo_root):
    rows = annual_growth(repo_root / "calibration", 2020, 2020, load_settings(repo_root / "calibration"))
    jiangjin = rows[(rows["region"] == "jiangjin") & (rows["year"] == 2020)].iloc[0]
    # 江津 1036.74 -> 1114.23; 重庆 23605.77 -> 25002.79 at real growth 3.9 %
    deflator = (25002.79 / 23605.77) / 1.039 - 1
    assert jiangjin["value"] == pytest.approx((1114.23 / 1036.74) / (1 + deflator) - 1, rel=1e-9)


def test_the_pandemic_years_enter_the_fit_as_one_two_year_observation(repo_root):
    settings = load_settings(repo_root / "calibration")
    obs = information_set(repo_root / "calibration", 2021, settings).observations
    assert not ((obs["kind"] == "real_growth") & obs["year"].isin([2020, 2021])).any()
    zigong = obs[(obs["kind"] == "real_growth_2y") & (obs["region"] == "zigong")].iloc[0]
    assert zigong["value"] == pytest.approx(np.sqrt(1.039 * 1.083) - 1, rel=1e-12)
    assert (zigong["first_year"], zigong["year"]) == (2019, 2021)


def test_sector_shares_are_compared_only_within_the_post_census_vintage(repo_root):
    obs = information_set(repo_root / "calibration", 2021, load_settings(repo_root / "calibration")).observations
    shares = obs[obs["kind"] == "share_change"]
    assert len(shares) > 0 and (shares["first_year"] >= 2019).all()
    # the three shares of a unit and window change by amounts that sum to zero
    sums = shares.groupby(["region", "first_year", "year"])["value"].sum()
    np.testing.assert_allclose(sums, 0.0, atol=1e-12)


def test_units_without_start_year_sectors_get_a_flagged_imputed_start_state(repo_root):
    info = information_set(repo_root / "calibration", 2021, load_settings(repo_root / "calibration"))
    rows = info.start_rows.set_index("region")
    assert not rows.loc["zigong", "imputed"] and rows.loc["jiangjin", "imputed"]
    assert "chongqing 2015 three-sector shares" in rows.loc["jiangjin", "method"]
    assert (info.start_va > 0).all()
