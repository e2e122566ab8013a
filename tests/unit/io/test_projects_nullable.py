"""projects.parquet has no year 0 for "none": nullable years (issue 11), the same schema when empty."""

from __future__ import annotations

import pandas as pd

import cnyx_sim
from cnyx_sim.io.results import PROJECT_DTYPES


def test_years_that_do_not_exist_are_missing_not_zero(tmp_path):
    out = cnyx_sim.run("baseline", out=tmp_path / "r", overrides={"years.end": 2030})
    projects = pd.read_parquet(tmp_path / "r" / "projects.parquet")
    assert str(projects["full_production_year"].dtype) == "Int64" and str(projects["closed_year"].dtype) == "Int64"
    outside = projects["host_region"] == "outside"
    assert outside.any() and projects.loc[outside, "full_production_year"].isna().all()
    assert (projects.loc[~outside, "full_production_year"] >= 2022).all()
    closed = projects["closed_year"].dropna()
    assert (closed >= 2022).all() and (closed <= 2030).all()
    assert not (projects[["full_production_year", "closed_year"]] == 0).any().any()
    assert projects.equals(out["projects"])


def test_the_dtype_table_declares_them_nullable():
    assert PROJECT_DTYPES["full_production_year"] == "Int64" and PROJECT_DTYPES["closed_year"] == "Int64"
