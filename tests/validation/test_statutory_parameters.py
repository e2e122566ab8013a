"""Statutory and plan values, pinned by what the model does with the shipped defaults.

Each test runs the model on a scenario that sets none of these values (so the schema defaults apply) and the
shipped baseline, and checks the recorded output against the legal or plan figure written here with its
source. A wrong default in the schema, a loader that drops it or a mechanism that applies it wrongly fails
here, whatever the docs say. Assumed values (effective rates, the province's take) are read from the
parameters; only the statutory ones are written in the test.

Sources:
- VAT shared 50:50 between centre and localities: 国发〔2016〕26号 (全面推开营改增试点后调整中央与地方增值税收入
  划分过渡方案).
- CIT and PIT shared 60:40: 国发〔2001〕37号 (所得税收入分享改革方案), 60:40 from 2003 by 国发〔2003〕26号.
- CIT statutory rate 25 %: 企业所得税法 第四条. Western-development rate 15 % for encouraged industries from
  2021-01-01 to 2030-12-31: 财政部 税务总局 国家发展改革委公告2020年第23号.
- Fair-competition review in force 2024-08-01 (公平竞争审查条例): the first annual step under it is 2025.
- Plan targets (推动川南渝西地区融合发展总体方案 §(四)): GDP about 2万亿元 in 2025; 规上工业增加值 +10 %/yr.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnyx_sim.core.params import TAXES
from cnyx_sim.mechanisms import incentives
from cnyx_sim.pipeline import prepare_scenario, run_tables
from cnyx_sim.runner import run_one

LOCAL_SHARE = {"vat": 0.5, "cit": 0.4, "pit": 0.4}  # 国发〔2016〕26号; 国发〔2001〕37号 / 〔2003〕26号
CIT_STANDARD, CIT_WESTERN, CIT_WESTERN_LAST_YEAR = 0.25, 0.15, 2030  # 企业所得税法; 公告2020年第23号
FAIR_COMPETITION_FIRST_STEP = 2025  # 公平竞争审查条例, in force 2024-08-01
GDP_2025_TARGET, INDUSTRY_GROWTH_TARGET = 20000.0, 0.10  # plan §(四)


@pytest.fixture(scope="module", params=["defaults", "baseline"])
def prepared(request, tmp_path_factory, baseline_path):
    if request.param == "baseline":
        return prepare_scenario(baseline_path)
    path = tmp_path_factory.mktemp("scenario") / "defaults.yaml"
    path.write_text("name: defaults\nyears: {start: 2021, end: 2032}\n", encoding="utf-8")
    return prepare_scenario(path)


@pytest.fixture(scope="module")
def result(prepared):
    return run_one(prepared.name, prepared.calibration.base, prepared.params, prepared.seed, 0)


def test_city_level_revenue_keeps_the_statutory_local_shares_of_vat_cit_and_pit(prepared, result):
    rec, p = result.recorder, prepared.params.fiscal
    province_take = p.province_take[result.geography.city_province]  # assumption, read from the parameters
    local = sum(LOCAL_SHARE[tax] * rec.by_city[f"tax_gross_{tax}"] for tax in LOCAL_SHARE)
    local = local + p.local_share[TAXES.index("property")] * rec.by_city["tax_gross_property"]
    np.testing.assert_allclose(rec.by_city["tax_local_collected"], local * (1.0 - province_take), rtol=1e-12)


def test_cit_is_levied_at_the_western_rate_on_qualifying_profit_to_2030_and_at_25_percent_after(prepared, result):
    rec, p = result.recorder, prepared.params.fiscal
    years = result.years
    assert years[-1] > CIT_WESTERN_LAST_YEAR  # both regimes are in the run
    profit = p.profit_share[None, None, :] * rec.by_sector["va_nominal"]  # [year, city, sector]
    q = p.western_cit_qualifying_share
    assert np.any(q > 0)
    rate = np.where((years <= CIT_WESTERN_LAST_YEAR)[:, None], q * CIT_WESTERN + (1 - q) * CIT_STANDARD,
                    CIT_STANDARD)  # [year, sector]
    np.testing.assert_allclose(rec.by_city["tax_gross_cit"], (rate[:, None, :] * profit).sum(axis=2), rtol=1e-12)


def test_selective_rebates_end_in_the_first_annual_step_under_the_fair_competition_review(prepared):
    inc = prepared.params.transfer.incentives
    unauthorised = inc.authorised_until < FAIR_COMPETITION_FIRST_STEP
    assert unauthorised.any()
    before = incentives.rebate_ceiling(FAIR_COMPETITION_FIRST_STEP - 1, inc.regime_year, inc.max_tax_rebate,
                                       inc.authorised_until)
    after = incentives.rebate_ceiling(FAIR_COMPETITION_FIRST_STEP, inc.regime_year, inc.max_tax_rebate,
                                      inc.authorised_until)
    assert np.all(before > 0)
    np.testing.assert_array_equal(after[unauthorised], 0.0)


def test_the_plan_targets_are_scored_against_2_wan_yi_and_10_percent(prepared):
    targets = run_tables(prepared, 0)["targets"].set_index("target")
    tolerance = prepared.loaded.scenario.targets.gdp_2025_tolerance  # assumption: how far '左右' reaches
    assert targets.loc["gdp_nominal_2025", "threshold"] == pytest.approx(GDP_2025_TARGET * (1 - tolerance))
    for name in ("above_scale_industry_va_growth_2021_2025", "industry_va_real_growth_2021_2025"):
        assert targets.loc[name, "threshold"] == pytest.approx(INDUSTRY_GROWTH_TARGET)
