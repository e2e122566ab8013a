"""Stylised experiment: a high-speed rail station vs a bypassed neighbour (docs/model.md 7.13, M1-M4).

Design. The baseline with no dated travel-time event (so nothing else moves market access) is run twice per
run index with common random numbers: without and with one new line, opened 2023-01-01, that gives 铜梁
(``tongliang``, the station) 0.3 h to 重庆主城 and 0.9 h to 成都 and passes 大足 (``dazu``, its neighbour)
without a station. Effects are measured in 2030, seven years after opening (Qin 2017 and Lin 2017 measure
five to seven years after the 2007-2008 lines). Everything the model does after the opening is included:
productivity (M4), capital following returns (K2), migration (N2), projects choosing locations (T4).

Comparisons (tolerances fixed from the published figures before the model was run):

- the bypassed unit's real GDP vs Qin (2017): bypassed counties about -5 % (no range read: point +/- 50 %);
- the station's employment elasticity to its market access vs Lin (2017): 2-2.5 (the published range);
- the station's real income (GDP per resident) elasticity to its market access vs Zou, Chen & Xiong (2021):
  0.12 (point +/- 50 %).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from cnyx_sim.validation import Effect, Experiment, Published, Tolerance, register

STATION, BYPASSED = "tongliang", "dazu"
HORIZON = 2030
LINE = {"name": "stylised line: station at 铜梁, passing 大足", "date": "2023-01-01",
        "pairs": [["tongliang", "chongqing_core", 0.3], ["tongliang", "chengdu", 0.9]]}


@lru_cache(maxsize=4)
def paired_outcomes(runs: int) -> dict[str, np.ndarray]:
    """``[run]`` log effects in the horizon year: with the line minus without, per run (common random numbers)."""
    from cnyx_sim.api import prepare
    from cnyx_sim.runner import release_finished_models, simulate

    without = prepare("baseline", overrides={"infrastructure.events": []})
    with_line = prepare("baseline", overrides={"infrastructure.events": [LINE]})
    geo = without.calibration.base.geography
    s, b, t = geo.cities.position(STATION), geo.cities.position(BYPASSED), HORIZON - without.params.start_year
    out = {name: np.zeros(runs) for name in ("bypassed_gdp", "station_access", "station_employment",
                                             "station_income")}
    for run in range(runs):
        records = []
        for prepared in (with_line, without):
            rec = simulate(prepared.calibration.base, prepared.params, prepared.seed, run).recorder
            gdp = rec.by_sector["va_real"][t].sum(axis=1)
            records.append({"gdp": gdp, "employment": rec.by_sector["employment"][t].sum(axis=1),
                            "income": gdp / rec.by_city["population"][t],
                            "access": rec.by_city["market_access_index"][t]})
            release_finished_models()
        a, z = records
        out["bypassed_gdp"][run] = np.log(a["gdp"][b] / z["gdp"][b])
        out["station_access"][run] = np.log(a["access"][s] / z["access"][s])
        out["station_employment"][run] = np.log(a["employment"][s] / z["employment"][s])
        out["station_income"][run] = np.log(a["income"][s] / z["income"][s])
    return out


def bypassed_gdp(runs: int) -> Effect:
    o = paired_outcomes(runs)
    return Effect.of(100.0 * np.expm1(o["bypassed_gdp"]), note=f"大足 real GDP in {HORIZON}, %")


def employment_elasticity(runs: int) -> Effect:
    o = paired_outcomes(runs)
    return Effect.of(o["station_employment"] / o["station_access"],
                     note=f"铜梁 market access +{100 * np.expm1(np.median(o['station_access'])):.0f} % (median)")


def income_elasticity(runs: int) -> Effect:
    o = paired_outcomes(runs)
    return Effect.of(o["station_income"] / o["station_access"], note="铜梁 real GDP per resident")


_DESIGN = ("铜梁 gets a station on a new line (0.3 h to 重庆主城, 0.9 h to 成都, 2023) that passes 大足; "
           "baseline without other events, paired runs")

_QIN = Published(-5.0, None, None, "%", "Qin (2017, JEG): counties bypassed by upgraded lines lost about 5 % of "
                 "GDP, via fixed investment (DiD, 183 counties; evidence.md §3)")
_LIN = Published(2.25, 2.0, 2.5, "1", "Lin (2017, JUE): employment elasticity to HSR-induced market access 2-2.5 "
                 "(evidence.md §3)")
_ZOU = Published(0.12, None, None, "1", "Zou, Chen & Xiong (2021, IREF): real-income elasticity to market access "
                 "0.12 (110 cities; evidence.md §3)")

register(Experiment("hsr_bypassed_gdp", "HSR: a bypassed unit's GDP", _DESIGN, "% change of 大足's real GDP, 2030",
                    _QIN, Tolerance.from_published(_QIN), bypassed_gdp))
register(Experiment("hsr_employment_elasticity", "HSR: employment elasticity to market access", _DESIGN,
                    "Δln employment / Δln market access of 铜梁, 2030", _LIN, Tolerance.from_published(_LIN),
                    employment_elasticity))
register(Experiment("hsr_income_elasticity", "HSR: real-income elasticity to market access", _DESIGN,
                    "Δln real GDP per resident / Δln market access of 铜梁, 2030", _ZOU, Tolerance.from_published(_ZOU),
                    income_elasticity))
