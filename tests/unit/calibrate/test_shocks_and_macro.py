"""Shock variances (G4) and the macro paths of a forecast vintage (G5)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cnyx_sim.calibrate.macro import MacroError, macro_paths
from cnyx_sim.calibrate.observations import OBSERVATION_COLUMNS
from cnyx_sim.calibrate.shocks import estimate_shocks


def _observations(values: dict[tuple[str, int], float], derived=()) -> pd.DataFrame:
    rows = [dict(kind="real_growth", region=r, year=y, first_year=y - 1, group="total", value=v, sd=0.01,
                 quality="official", derived=(r, y) in derived, method="", source="")
            for (r, y), v in values.items()]
    return pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)


def test_shock_sds_g4_hand_computed_common_and_unit_components():
    # residuals (observed - fitted 0): year means 0.01 and -0.01 (common), within-year spread +-0.02
    obs = _observations({("a", 2016): 0.03, ("b", 2016): -0.01, ("a", 2017): 0.01, ("b", 2017): -0.03})
    est = estimate_shocks(obs, np.zeros(4), np.array([0.02, 0.01, 0.03]), 2015, pandemic=(2020, 2021))
    unit_var = (2 * 0.02**2 + 2 * 0.02**2) / 2  # sum of squared deviations / sum of (n_t - 1)
    assert est.unit_sd == pytest.approx(np.sqrt(unit_var))
    common_var = np.var([0.01, -0.01], ddof=1) - unit_var / 2
    assert est.common_sd == pytest.approx(np.sqrt(max(common_var, 0.0)))
    assert est.deflator_sd == pytest.approx(np.std([0.02, 0.01, 0.03], ddof=1))
    assert est.years == (2016, 2017) and est.n_residuals == 4


def test_shock_sds_g4_leave_out_the_pandemic_years_and_derived_rows():
    base = {("a", 2016): 0.02, ("b", 2016): -0.02, ("a", 2017): 0.01, ("b", 2017): -0.01}
    wild = {**base, ("a", 2020): -0.3, ("b", 2020): 0.3, ("c", 2017): 0.5}
    plain = estimate_shocks(_observations(base), np.zeros(4), np.zeros(3), 2015, (2020, 2021))
    noisy = estimate_shocks(_observations(wild, derived={("c", 2017)}), np.zeros(7), np.zeros(3), 2015, (2020, 2021))
    assert (noisy.unit_sd, noisy.common_sd) == (plain.unit_sd, plain.common_sd)


def test_macro_paths_g5_take_the_latest_vintage_at_the_cutoff_average_interpolate_and_hold(tmp_path):
    (tmp_path / "macro_forecasts.csv").write_text(
        "vintage,variable,year,value,forecaster,published,quality,source\n"
        "2018,national_real_growth_pct,2019,6.0,A,2019-01,weak,s\n"
        "2018,cpi_pct,2019,2.0,A,2019-01,weak,s\n"
        "2021,national_real_growth_pct,2022,5.0,A,2022-01,weak,s\n"
        "2021,national_real_growth_pct,2022,6.0,B,2022-01,weak,s\n"
        "2021,national_real_growth_pct,2025,4.0,A,2022-01,weak,s\n"
        "2021,cpi_pct,2022,2.0,A,2022-01,weak,s\n", encoding="utf-8")
    paths = macro_paths(tmp_path, 2021, 2027)
    assert paths.vintage == 2021
    assert paths.national_real_growth == pytest.approx(
        {2022: 0.055, 2023: 0.05, 2024: 0.045, 2025: 0.04, 2026: 0.04, 2027: 0.04})
    assert paths.deflator_growth == pytest.approx({y: 0.02 for y in range(2022, 2028)})
    assert macro_paths(tmp_path, 2018, 2021).vintage == 2018  # the latest vintage at or before the cutoff
    with pytest.raises(MacroError, match="vintage 2018 has no national_real_growth_pct forecast after 2019"):
        macro_paths(tmp_path, 2019, 2021)  # vintage 2018 is the latest, but it says nothing beyond 2019
    with pytest.raises(MacroError, match="no forecast vintage at or before the cutoff 2017"):
        macro_paths(tmp_path, 2017, 2020)


def test_macro_paths_refuse_a_non_finite_value_naming_the_file(tmp_path):
    (tmp_path / "macro_forecasts.csv").write_text(
        "vintage,variable,year,value,forecaster,published,quality,source\n"
        "2021,national_real_growth_pct,2022,nan,A,2022-01,weak,s\n", encoding="utf-8")
    with pytest.raises(MacroError, match="macro_forecasts.csv: every value must be a finite number"):
        macro_paths(tmp_path, 2021, 2025)
