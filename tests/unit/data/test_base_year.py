"""Tests of the base-year (2021) data layer, ``cnyx_sim.data.base_year``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from cnyx_sim.data import base_year as by

CALIBRATION = Path(__file__).resolve().parents[3] / "calibration"
INDUSTRY_CODES = [
    "food_beverage",
    "auto_moto",
    "electronics",
    "equipment",
    "materials_chemicals",
    "energy_resources",
]


@pytest.fixture(scope="module")
def inputs():
    return {
        "observed": by.load_observed(CALIBRATION / "observed_2011_2021.csv"),
        "regions": by.load_regions(CALIBRATION / "regions.csv"),
        "sectors": by.load_sectors(CALIBRATION / "sectors.csv"),
        "splits": by.load_splits(CALIBRATION / "sector_split_assumptions.csv"),
    }


@pytest.fixture(scope="module")
def best(inputs):
    return by.select_best(inputs["observed"])


@pytest.fixture(scope="module")
def table(inputs):
    return by.build_base_year(inputs["observed"], inputs["regions"], inputs["sectors"], inputs["splits"])


def _values(table, variable, sector="total"):
    rows = table[(table["variable"] == variable) & (table["sector"] == sector)]
    return rows.set_index("region")["value"]


def _raw(region, year, variable, value, quality, note=""):
    return {"region": region, "year": year, "variable": variable, "value": value,
            "quality": quality, "source": f"src-{quality}", "note": note}


def _regions(*codes, province="CQ"):
    return pd.DataFrame({"code": list(codes), "name_zh": "", "name_en": "", "province": province, "note": ""})


# ------------------------------------------------------------------ quality rule


def test_quality_rule_prefers_official_over_third_party_and_never_uses_suspect():
    observed = pd.DataFrame([
        _raw("a", 2021, "gdp_nominal_100m_yuan", 1.0, "third_party"),
        _raw("a", 2021, "gdp_nominal_100m_yuan", 2.0, "official"),
        _raw("b", 2021, "gdp_nominal_100m_yuan", 9.0, "suspect"),
        _raw("b", 2021, "gdp_nominal_100m_yuan", 3.0, "unrated"),
        _raw("c", 2021, "gdp_nominal_100m_yuan", 7.0, "suspect"),
    ])
    best = by.select_best(observed)
    chosen = best.set_index("region")
    assert chosen.at["a", "value"] == 2.0 and chosen.at["a", "quality"] == "official"
    assert chosen.at["b", "value"] == 3.0
    assert "c" not in chosen.index
    assert list(best.columns) == ["region", "year", "variable", "value", "quality", "source", "note"]


def test_quality_rule_tie_keeps_first_row_in_file_order():
    observed = pd.DataFrame([
        _raw("a", 2021, "x", 1.0, "census", note="first"),
        _raw("a", 2021, "x", 2.0, "census", note="second"),
    ])
    assert by.select_best(observed)["note"].tolist() == ["first"]


def test_quality_order_matches_data_readme_and_unknown_labels_are_rejected():
    assert by.QUALITY_ORDER == ("official", "census", "compiled_db", "plan", "mirror", "third_party",
                                "second_best", "preliminary", "weak", "derived", "unrated")
    with pytest.raises(ValueError, match="unknown quality"):
        by.select_best(pd.DataFrame([_raw("a", 2021, "x", 1.0, "oficial")]))


def test_real_data_has_one_row_per_key_and_no_suspect(best):
    assert not best.duplicated(["region", "year", "variable"]).any()
    assert "suspect" not in set(best["quality"])


# ------------------------------------------------------------------ input files


def test_regions_file_lists_the_plan_units_in_plan_order(inputs):
    regions = inputs["regions"]
    assert regions["code"].tolist() == ["zigong", "luzhou", "neijiang", "yibin", "jiangjin", "yongchuan",
                                        "qijiang", "dazu", "tongliang", "rongchang"]
    assert regions["province"].tolist() == ["SC"] * 4 + ["CQ"] * 6
    assert "万盛" in regions.set_index("code").at["qijiang", "note"]


def test_sectors_file_has_the_ten_model_sectors_with_six_industry_sectors(inputs):
    sectors = inputs["sectors"].set_index("code")
    assert sectors.index.tolist() == ["agriculture", *INDUSTRY_CODES, "construction",
                                      "producer_services", "consumer_services"]
    assert sectors.index[sectors["is_industry"]].tolist() == INDUSTRY_CODES
    assert sectors.at["construction", "parent"] == "secondary"
    assert (sectors["plan_basis"].str.len() > 0).all()


def test_split_assumptions_cover_every_unit_and_sector_with_a_basis(inputs):
    splits = inputs["splits"]
    expected = {(r, s) for r in inputs["regions"]["code"] for s in inputs["sectors"]["code"]}
    assert set(zip(splits["region"], splits["sector"])) == expected
    assert len(splits) == len(expected)
    assert (splits["weight"] >= 0).all()
    assert splits["basis"].str.startswith("assumption:").all()


# ------------------------------------------------------------------ GDP


def test_unit_gdp_2021_sums_to_14223_7_and_is_within_half_percent_of_plan_total(table, best):
    total = _values(table, "gdp_nominal").sum()
    assert abs(total - 14223.7) <= 0.05
    plan = by._lookup(best, "cnyx_total", 2021, "gdp_nominal_100m_yuan")["value"]
    assert plan == 14200
    assert abs(total / plan - 1) < 0.005


def test_qijiang_gdp_includes_wansheng_742_33(table):
    row = table[(table["region"] == "qijiang") & (table["variable"] == "gdp_nominal")].iloc[0]
    assert row["value"] == pytest.approx(742.33)
    assert not row["imputed"]


def test_gdp_is_never_taken_from_excl_wansheng_rows():
    observed = pd.DataFrame([
        _raw("q", 2021, "gdp_nominal_100m_yuan_excl_wansheng", 50.0, "official"),
        _raw("q", 2021, "gdp_nominal_100m_yuan", 70.0, "third_party"),
    ])
    gdp = by.gdp_2021(by.select_best(observed), _regions("q"))
    assert gdp["value"].tolist() == [70.0]


# ------------------------------------------------------------------ population


def test_population_sums_to_plan_total_exactly(table, best):
    plan = by._lookup(best, "cnyx_total", 2021, "population_10k")["value"]
    assert plan == pytest.approx(2019.11)
    assert abs(_values(table, "population").sum() - plan) < 1e-6


def test_published_population_units_keep_published_values_unflagged(table, best):
    population = table[table["variable"] == "population"].set_index("region")
    published = best[(best["year"] == 2021) & (best["variable"] == "population_10k")].set_index("region")
    units = [r for r in population.index if r in published.index]
    assert sorted(units) == ["luzhou", "rongchang", "yibin", "zigong"]
    for region in units:
        assert population.at[region, "value"] == published.at[region, "value"]
        assert population.at[region, "quality"] == published.at[region, "quality"]
        assert not population.at[region, "imputed"]
    imputed = population.index[population["imputed"]].tolist()
    assert imputed == ["neijiang", "jiangjin", "yongchuan", "qijiang", "dazu", "tongliang"]


def test_population_residual_rule_hand_computed_on_three_units():
    # Plan total 50; unit a published 10 -> residual 40 split 20:60 by census -> 10 and 30.
    observed = pd.DataFrame([
        _raw("total", 2021, "population_10k", 50.0, "plan"),
        _raw("a", 2021, "population_10k", 10.0, "official"),
        _raw("a", 2020, "population_census_10k", 11.0, "census"),
        _raw("b", 2020, "population_census_10k", 20.0, "census"),
        _raw("c", 2020, "population_census_10k", 60.0, "census"),
    ])
    best = by.select_best(observed)
    result = by.impute_population_2021(best, _regions("a", "b", "c"), plan_total_region="total")
    result = result.set_index("region")
    assert result["value"].to_dict() == pytest.approx({"a": 10.0, "b": 10.0, "c": 30.0})
    assert result["imputed"].to_dict() == {"a": False, "b": True, "c": True}
    assert "census" in result.at["b", "method"] and "residual" in result.at["b", "method"]


# ------------------------------------------------------------------ three sectors


def test_three_sectors_sum_to_gdp_per_unit(table):
    gdp = _values(table, "gdp_nominal")
    three = table[(table["variable"] == "va_nominal") & table["sector"].isin(by.THREE_SECTORS)]
    sums = three.groupby("region")["value"].sum()
    for region, value in gdp.items():
        assert abs(sums[region] - value) < 1e-6, region


def test_published_three_sector_units_keep_published_values_unflagged(table, best):
    three = table[(table["variable"] == "va_nominal") & table["sector"].isin(by.THREE_SECTORS)]
    published = three[~three["imputed"]]
    assert sorted(published["region"].unique()) == ["luzhou", "neijiang", "rongchang", "yibin", "zigong"]
    for row in published.itertuples():
        raw = by._lookup(best, row.region, 2021, f"va_{row.sector}_100m_yuan")
        assert row.value == raw["value"] and row.quality == raw["quality"]


def test_qijiang_share_transfer_hand_computed():
    # Sub-area (excl. 万盛) 5/15/30 of 50 -> shares 0.1/0.3/0.6 of the full-unit GDP 200.
    observed = pd.DataFrame([
        _raw("q", 2021, "gdp_nominal_100m_yuan", 200.0, "third_party"),
        _raw("q", 2021, "gdp_nominal_100m_yuan_excl_wansheng", 50.0, "preliminary"),
        _raw("q", 2021, "va_primary_100m_yuan_excl_wansheng", 5.0, "official"),
        _raw("q", 2021, "va_secondary_100m_yuan_excl_wansheng", 15.0, "official"),
        _raw("q", 2021, "va_tertiary_100m_yuan_excl_wansheng", 30.0, "official"),
    ])
    result = by.impute_three_sector_2021(by.select_best(observed), _regions("q")).set_index("sector")
    assert result["value"].to_dict() == pytest.approx({"primary": 20.0, "secondary": 60.0, "tertiary": 120.0})
    assert result["imputed"].all()
    assert result["method"].str.contains("same sector structure").all()


def test_qijiang_three_sectors_use_excl_wansheng_2021_shares(table, best):
    shares = {s: by._lookup(best, "qijiang", 2021, f"va_{s}_100m_yuan_excl_wansheng")["value"]
              for s in by.THREE_SECTORS}
    total = sum(shares.values())
    got = _values(table, "va_nominal", "secondary")["qijiang"]
    assert got == pytest.approx(742.33 * shares["secondary"] / total)


def test_yongchuan_three_sectors_use_its_own_2019_shares(table, best):
    own = {s: by._lookup(best, "yongchuan", 2019, f"va_{s}_100m_yuan")["value"] for s in by.THREE_SECTORS}
    got = _values(table, "va_nominal", "primary")["yongchuan"]
    assert got == pytest.approx(1144.17 * own["primary"] / sum(own.values()))


def test_districts_without_shares_get_mean_shares_of_chongqing_units_with_shares(table):
    three = table[(table["variable"] == "va_nominal") & table["sector"].isin(by.THREE_SECTORS)]
    shares = three.pivot(index="region", columns="sector", values="value")
    shares = shares.div(shares.sum(axis=1), axis=0)
    donor_mean = shares.loc[["yongchuan", "qijiang", "rongchang"]].mean()
    for region in ["jiangjin", "dazu", "tongliang"]:
        assert shares.loc[region].to_dict() == pytest.approx(donor_mean.to_dict(), abs=1e-12)


# ------------------------------------------------------------------ model sectors


def test_model_sectors_sum_to_their_parent_per_unit(table, inputs):
    parents = dict(zip(inputs["sectors"]["code"], inputs["sectors"]["parent"]))
    va = table[table["variable"] == "va_nominal"]
    parent_values = va[va["sector"].isin(by.THREE_SECTORS)].set_index(["region", "sector"])["value"]
    model = va[va["sector"].isin(parents)].assign(parent=lambda f: f["sector"].map(parents))
    sums = model.groupby(["region", "parent"])["value"].sum()
    assert len(sums) == 30
    for (region, parent), value in sums.items():
        assert abs(value - parent_values[(region, parent)]) < 1e-6


def test_split_sectors_normalises_weights_within_parent():
    three = by._frame([
        by._row("u", "va_nominal", s, v, "亿元", "official", "", False, "published")
        for s, v in [("primary", 10.0), ("secondary", 100.0), ("tertiary", 40.0)]
    ])
    sectors = pd.DataFrame({"code": ["ag", "ind", "con", "svc"],
                            "parent": ["primary", "secondary", "secondary", "tertiary"]})
    splits = pd.DataFrame({"region": "u", "sector": ["ag", "ind", "con", "svc"],
                           "weight": [5.0, 3.0, 1.0, 2.0], "basis": "assumption: test"})
    result = by.split_sectors(three, splits, sectors).set_index("sector")
    assert result["value"].to_dict() == pytest.approx({"ag": 10.0, "ind": 75.0, "con": 25.0, "svc": 40.0})
    assert result["imputed"].all()
    assert result["method"].str.startswith("assumption: sector_split_assumptions.csv").all()


def test_split_sectors_rejects_a_unit_without_weights():
    three = by._frame([by._row("u", "va_nominal", s, 1.0, "亿元", "official", "", False, "p")
                       for s in by.THREE_SECTORS])
    sectors = pd.DataFrame({"code": ["ag"], "parent": ["primary"]})
    splits = pd.DataFrame({"region": "other", "sector": ["ag"], "weight": [1.0], "basis": "x"})
    with pytest.raises(ValueError, match="no split weight"):
        by.split_sectors(three, splits, sectors)


def test_food_beverage_split_is_not_below_published_baijiu_profit_anchors(table, best):
    # Value added >= profit, so the split must not put baijiu VA below the published profits.
    food = _values(table, "va_nominal", "food_beverage")
    assert food["yibin"] >= by._lookup(best, "yibin", 2019, "baijiu_above_scale_profit_100m_yuan")["value"]
    assert food["luzhou"] >= by._lookup(best, "luzhou", 2021,
                                        "firm_luzhoulaojiao_net_profit_attrib_100m_yuan")["value"]


# ------------------------------------------------------------------ flags and schema


def test_imputed_rows_are_flagged_with_a_nonempty_method_and_imputed_quality(table):
    assert list(table.columns) == by.OUTPUT_COLUMNS
    assert (table["method"].str.len() > 0).all()
    imputed = table[table["imputed"]]
    assert imputed["method"].str.match(r"^(imputed|assumption):").all()
    assert (imputed["quality"] == by.IMPUTED_QUALITY).all()
    assert table.loc[~table["imputed"], "method"].str.startswith("published").all()


def test_every_unit_has_each_base_year_variable(table, inputs):
    units = inputs["regions"]["code"].tolist()
    counts = table[table["region"].isin(units)].groupby("region").size()
    assert counts.to_dict() == {u: 16 for u in units}  # gdp, pop, 3 + 10 sectors, growth
    cpi = table[table["region"] == "cnyx"]
    assert cpi["variable"].tolist() == ["cpi_inflation_mean_2015_2021"]
    assert (table["year"] == 2021).all()


# ------------------------------------------------------------------ historical rates


def test_real_growth_is_mean_of_published_rows_for_units_with_enough_years(table, best):
    growth = table[table["variable"] == "real_growth_mean_2015_2021"].set_index("region")
    raw = best[(best["variable"] == "gdp_real_growth_pct") & best["year"].between(2015, 2021)]
    for region in ["zigong", "luzhou", "neijiang", "yibin"]:
        expected = raw.loc[raw["region"] == region, "value"].mean() / 100
        assert growth.at[region, "value"] == pytest.approx(expected)
        assert not growth.at[region, "imputed"]


def test_short_growth_series_fall_back_to_chongqing_rows_and_report_years(best, inputs):
    growth = by.historical_real_growth(best, inputs["regions"]).set_index("region")
    chongqing = best[(best["region"] == "chongqing") & (best["variable"] == "gdp_real_growth_pct")
                     & best["year"].between(2015, 2021)]
    for region in ["jiangjin", "yongchuan", "qijiang", "dazu", "tongliang", "rongchang"]:
        assert growth.at[region, "value"] == pytest.approx(chongqing["value"].mean() / 100)
        assert growth.at[region, "imputed"] and growth.at[region, "n_years"] == 7
    assert growth.at["zigong", "n_years"] == 7


def test_short_sichuan_series_fall_back_to_pooled_sichuan_units():
    observed = pd.DataFrame(
        [_raw("s1", y, "gdp_real_growth_pct", 8.0, "compiled_db") for y in (2015, 2016, 2017)]
        + [_raw("s2", y, "gdp_real_growth_pct", 6.0, "compiled_db") for y in (2019, 2020, 2021)]
        + [_raw("s3", 2021, "gdp_real_growth_pct", 20.0, "official")]
    )
    regions = _regions("s1", "s2", "s3", province="SC")
    growth = by.historical_real_growth(by.select_best(observed), regions).set_index("region")
    assert growth.at["s3", "value"] == pytest.approx(0.07)
    assert growth.at["s3", "imputed"] and not growth.at["s1", "imputed"]


def test_inflation_is_mean_cpi_of_sichuan_and_chongqing_2015_2021(best, table):
    cpi = best[best["region"].isin(["sichuan", "chongqing"]) & (best["variable"] == "cpi_pct")
               & best["year"].between(2015, 2021)]
    assert len(cpi) == 14
    assert by.historical_inflation(best) == pytest.approx(cpi["value"].mean() / 100)
    assert _values(table, "cpi_inflation_mean_2015_2021")["cnyx"] == pytest.approx(cpi["value"].mean() / 100)


# ------------------------------------------------------------------ committed output


def test_committed_base_year_csv_equals_a_fresh_build(table):
    committed = (CALIBRATION / "base_year_2021.csv").read_text(encoding="utf-8")
    assert committed == by.format_base_year_csv(table)


def test_main_regenerates_the_file_in_a_given_directory(tmp_path):
    for name in ["observed_2011_2021.csv", "regions.csv", "sectors.csv", "sector_split_assumptions.csv"]:
        shutil.copy(CALIBRATION / name, tmp_path / name)
    assert by.main(["--calibration-dir", str(tmp_path)]) == 0
    written = (tmp_path / "base_year_2021.csv").read_text(encoding="utf-8")
    assert written == (CALIBRATION / "base_year_2021.csv").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []

