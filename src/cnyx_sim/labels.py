"""Human labels for outputs: variable and target names in Chinese and English, how to show each target.

Data, plus one reader (:func:`unit_names`, regions.csv): the run summary (``cli``), the plots (``analysis``)
and the report use the same words.
Unit names (自贡市, ...) are not here: they come from the calibration data (``regions.csv``), which a user may
extend, via :func:`unit_names`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LANGUAGES = ("zh", "en")
REGION_TOTAL = "cnyx"
REGION_NAME = {"zh": "川南渝西", "en": "South Sichuan-West Chongqing"}

#: variable -> (Chinese, English) short label (docs/outputs.md has the full meaning).
VARIABLES: dict[str, tuple[str, str]] = {
    "gdp_nominal": ("地区生产总值(现价)", "GDP (current prices)"),
    "gdp_real": ("地区生产总值(2021年价)", "GDP (2021 prices)"),
    "industry_va_real": ("工业增加值(2021年价)", "industry value added (2021 prices)"),
    "va_real": ("分行业增加值(2021年价)", "value added by sector (2021 prices)"),
    "va_nominal": ("分行业增加值(现价)", "value added by sector (current prices)"),
    "population": ("常住人口", "resident population"),
    "employment": ("就业人数", "employment"),
    "sector_employment": ("分行业就业", "employment by sector"),
    "net_migration": ("净迁入人口", "net migration"),
    "capital_stock": ("私人资本存量", "private capital stock"),
    "wage_nominal": ("平均工资(现价)", "average wage (current prices)"),
    "gdp_per_capita_real": ("人均地区生产总值(2021年价)", "GDP per resident (2021 prices)"),
    "price_index": ("GDP平减指数", "GDP deflator"),
    "tax_revenue_gross": ("税收总额(各级)", "taxes collected (all levels)"),
    "tax_local_collected": ("市级税收(征收地)", "city revenue collected"),
    "tax_local_after_sharing": ("市级税收(分成后)", "city revenue after sharing"),
    "public_investment": ("公共投资", "public investment"),
    "public_capital": ("公共资本存量", "public capital"),
    "public_investment_share": ("公共投资占收入比", "public investment / revenue"),
    "projects_arrived": ("新落地项目数", "projects arrived"),
    "projects_relocated_in": ("迁入项目数", "projects relocated in"),
    "project_investment": ("项目投资", "project investment"),
    "project_va_nominal": ("项目增加值", "project value added"),
    "project_jobs": ("项目就业", "project jobs"),
    "project_tax_gross": ("项目税收", "project taxes"),
    "gdp_credited_nominal": ("分算后地区生产总值", "credited GDP (after statistics splits)"),
    "gdp_credited_to_external": ("分算给区外的GDP", "GDP credited to outside partners"),
    "industry_va_credited_nominal": ("分算后工业增加值(现价)", "credited industry VA (current prices)"),
    "industry_va_credited_real": ("分算后工业增加值(2021年价)", "credited industry VA (2021 prices)"),
    "fai_nominal": ("固定资产投资", "fixed-asset investment"),
    "fai_credited_nominal": ("分算后固定资产投资", "credited fixed-asset investment"),
    "sharing_paid": ("分出税收", "revenue paid to partners"),
    "sharing_received": ("分入税收", "revenue received from partners"),
    "sharing_to_external": ("分给区外的税收", "revenue paid outside the region"),
    "incentive_cost": ("招商优惠成本", "incentive cost"),
    "government_led_relocations_out": ("政府主导迁出项目数", "government-led relocations out"),
    "government_led_relocations_in": ("政府主导迁入项目数", "government-led relocations in"),
    "origin_consent": ("迁出地同意概率", "origin consent probability"),
    "referral_weight": ("首谈地推介权重", "referral weight"),
    "package_land_discount": ("土地优惠比例", "package land discount"),
    "package_tax_rebate": ("税收返还比例", "package tax rebate"),
    "budget_balance": ("预算收支差额", "budget balance"),
    "debt": ("债务余额", "debt"),
}

#: unit string of the output contract -> (Chinese, English) display form.
UNITS: dict[str, tuple[str, str]] = {
    "亿元 (current prices)": ("亿元(现价)", "100 million yuan, current prices"),
    "亿元 (2021 prices)": ("亿元(2021年价)", "100 million yuan, 2021 prices"),
    "万人": ("万人", "10,000 persons"),
    "万元/人 (current prices)": ("万元/人(现价)", "10,000 yuan per person, current prices"),
    "元/人 (2021 prices)": ("元/人(2021年价)", "yuan per person, 2021 prices"),
    "index (2021=1)": ("指数(2021=1)", "index (2021 = 1)"),
    "count": ("个", "count"),
    "1": ("比例", "share"),
}


@dataclass(frozen=True)
class TargetLabel:
    """How a target reads: names, and how its value and threshold are shown.

    kind: ``level`` (亿元), ``rate`` (per year, shown as %/yr), ``ratio`` (2035 level / 2021 level, shown
    as % of 2021) or ``share`` (a fraction, shown as %).
    """

    zh: str
    en: str
    kind: str


TARGETS: dict[str, TargetLabel] = {
    "gdp_nominal_2025": TargetLabel("2025年地区生产总值约2万亿元", "GDP of about 2万亿 (2 trillion yuan) in 2025",
                                    "level"),
    "above_scale_industry_va_growth_2021_2025": TargetLabel(
        "规上工业增加值年均增长10%以上(2021-2025, 同口径)",
        "above-scale industrial value added +10 %/yr (2021-2025, like for like)", "rate"),
    "industry_va_real_growth_2021_2025": TargetLabel("工业增加值年均增长(全部工业, 未映射到规上口径)",
                                                     "all-industry value added growth (unmapped proxy)", "rate"),
    "growth_pole_2035": TargetLabel("2035年成为强劲增长极(增速不低于全国)",
                                    "growth pole: real growth 2021-2035 at least the nation's", "rate"),
    "population_attraction_2035": TargetLabel("2035年城市吸引力增强(人口不低于2021年)",
                                              "population in 2035 at least its 2021 level", "ratio"),
    "industry_share_2035": TargetLabel("2035年工业占比不降", "industry share of GDP in 2035 not below 2021",
                                       "share"),
}


def variable_label(variable: str, lang: str = "zh") -> str:
    zh, en = VARIABLES.get(variable, (variable, variable.replace("_", " ")))
    return zh if lang == "zh" else en


def unit_label(unit: str, lang: str = "zh") -> str:
    zh, en = UNITS.get(unit, (unit, unit))
    return zh if lang == "zh" else en


def target_label(target: str, lang: str = "zh") -> str:
    label = TARGETS.get(target)
    if label is None:
        return target
    return label.zh if lang == "zh" else label.en


def format_target_value(target: str, value: float) -> str:
    """A target's value or threshold as an economist reads it: 亿元, %/yr, % of 2021 or %."""
    kind = TARGETS[target].kind if target in TARGETS else "plain"
    if kind == "level":
        return f"{value:,.0f}亿元"
    if kind == "rate":
        return f"{value:+.1%}/yr"
    if kind == "ratio":
        return f"{value:.1%} of 2021"
    if kind == "share":
        return f"{value:.1%}"
    return f"{value:.4g}"


def unit_names(calibration_dir: str | Path | None = None, lang: str = "zh") -> dict[str, str]:
    """Unit code -> name (``name_zh`` or ``name_en`` of regions.csv), plus the region total ``cnyx``.

    ``calibration_dir`` defaults to the shipped calibration folder; a folder without regions.csv gives codes.
    """
    import csv

    from cnyx_sim.resources import calibration_dir as shipped

    folder = Path(calibration_dir) if calibration_dir is not None else shipped()
    names = {}
    path = folder / "regions.csv"
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                names[row["code"]] = row.get("name_zh" if lang == "zh" else "name_en") or row["code"]
    names[REGION_TOTAL] = REGION_NAME["zh" if lang == "zh" else "en"]
    return names
