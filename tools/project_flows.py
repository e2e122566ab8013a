"""Project flows of the model against their published sources (docs/model.md 7.7, "Flows: model vs published").

    python tools/project_flows.py [--runs 20] [--scenario scenarios/baseline.yaml]

Runs the scenario ``--runs`` times (the model only, no files) and prints a Markdown table: each row a published
figure (evidence.md §2 and the stored pages cited in the parameter table), the model's value (mean over runs of
the base year and the first simulated years, 2021-2025, so that the flows are those of the calibration's
conditions) and whether it was a calibration input or a check. No parameter is tuned here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from cnyx_sim.pipeline import prepare_scenario
from cnyx_sim.runner import simulate

REPO = Path(__file__).resolve().parents[1]
SICHUAN_UNITS = ("zigong", "luzhou", "neijiang", "yibin")


def measure(path: Path, runs: int) -> dict[str, float]:
    prepared = prepare_scenario(path)
    base, params = prepared.calibration.base, prepared.params
    units = base.geography.cities.codes
    sichuan = np.array([u in SICHUAN_UNITS for u in units])
    out: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        out.setdefault(name, []).append(float(value))

    for run in range(runs):
        model = simulate(base, params, prepared.seed, run)
        book, engine = model.transfer.book, model.transfer
        early = (book.year_arrived <= params.start_year + 4) & (book.relocated_from < 0)
        signed = early & (book.host >= 0)
        size = book.signed_investment[signed]
        years = 5
        add("mean_signed", size.mean())
        add("share_10", size[size >= 10].sum() / size.sum())
        add("share_30", size[size >= 30].sum() / size.sum())
        add("share_100", size[size >= 100].sum() / size.sum())
        add("per_1000_over_100", 1000 * (size >= 100).sum() / len(size))
        add("largest", book.signed_investment[book.relocated_from < 0].max())
        add("started", book.is_realised[signed].mean())
        add("realised_per_signed", book.investment[signed].sum() / size.sum())
        add("signed_per_year", size.sum() / years)
        add("signed_count_per_year", len(size) / years)
        add("signed_sichuan_per_year", size[sichuan[book.host[signed]]].sum() / years)
        rec = model.recorder.by_city
        price = model.recorder.price_index
        spent = rec["project_investment"][1:5].sum(axis=1) / price[1:5]
        incumbents = rec["incumbent_investment"][1:5].sum(axis=1) / price[1:5]
        supplier = rec["supplier_investment"][1:5].sum(axis=1) / price[1:5]
        add("project_share_of_private", (spent / (spent + incumbents)).mean())
        transfer = params.transfer.transfer_sector
        fitted = (model.params.capital.investment_rate * base.value_added_nominal.sum(axis=0) * transfer).sum()
        add("realised_vs_target", spent.mean() / (params.transfer.project_investment_share * fitted))
        add("supplier_per_project", supplier.sum() / spent.sum())
        located = (book.host >= 0) & (book.relocated_from < 0)
        add("located_share", located[book.relocated_from < 0].mean())
    return {k: float(np.mean(v)) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--scenario", type=Path, default=REPO / "scenarios" / "baseline.yaml")
    args = parser.parse_args()
    m = measure(args.scenario, args.runs)
    rows = [
        ("Mean signed project size, 亿元", "7.55 (四川行 2017: 750 contracts, 5663亿)", f"{m['mean_signed']:.2f}",
         "calibrated (m_s)"),
        ("Share of signed value in projects >= 10亿", "69 % (四川行 2017)", f"{100 * m['share_10']:.0f} %",
         "calibrated (sigma)"),
        ("Share of signed value in projects >= 30亿", "36 % (四川行 2017)", f"{100 * m['share_30']:.0f} %", "check"),
        ("Share of signed value in projects >= 100亿", "16 % (2021: 7 of 647 projects)",
         f"{100 * m['share_100']:.0f} %", "check"),
        ("Projects >= 100亿 per 1,000 signed", "10.8 (2021: 7 of 647)", f"{m['per_1000_over_100']:.1f}", "check"),
        ("Largest signed project in a run, 亿元", ">= 100亿 projects exist", f"{m['largest']:.0f}", "check"),
        ("Signed projects carried out (开工)", "54 % (Chongqing 2021), 67 % (Sichuan 2014 key projects)",
         f"{100 * m['started']:.0f} %", "calibrated (p)"),
        ("Realised / signed value", "~20-21 % (到位: Chongqing 2021, Sichuan 2014)",
         f"{100 * m['realised_per_signed']:.0f} %", "calibrated (p kappa)"),
        ("Signed value located in the 4 Sichuan units per year, 亿元 (2021 prices)",
         ">= 1,110 (川南's 19.6 % of 四川行 2017 alone)", f"{m['signed_sichuan_per_year']:,.0f}", "check"),
        ("Signed value located in the region per year, 亿元", "-", f"{m['signed_per_year']:,.0f}", "result"),
        ("Signed projects located in the region per year", "-", f"{m['signed_count_per_year']:,.0f}", "result"),
        ("Realised flow / phi x fitted investment of the transfer sectors, 2022-2025", "1 by construction",
         f"{m['realised_vs_target']:.2f}", "calibration check"),
        ("Projects' spending / private investment, 2022-2025", "-", f"{100 * m['project_share_of_private']:.1f} %",
         "result"),
        ("Suppliers' capacity investment per yuan of project spending", "-", f"{m['supplier_per_project']:.2f}",
         "result (IO4)"),
        ("Share of arrivals that locate in the region", "0.2-0.5 by origin (assumption)",
         f"{100 * m['located_share']:.0f} %", "calibrated (V0)"),
    ]
    print(f"Flows of {args.scenario.name}, mean of {args.runs} runs, arrivals signed 2021-2025\n")
    print("| Quantity | Published | Model | Role |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
