"""Each accounting identity of ``cnyx_sim.checks`` on hand-made tables: two units ``a`` and ``b``, partner 昆山
(``kunshan``) outside the region, one year. Every break below violates exactly one identity, and the error names
it, the region, the year, the run and the difference.

Ledger (亿元): a->b 1.5, b->a 0.5, a->kunshan 0.4, b->kunshan 0.6, so paid a 1.9, b 1.1; received a 0.5, b 1.5;
to external a 0.4, b 0.6. Collected a 10, b 6; after sharing a 8.6, b 6.4 (Σ 15 + external 1 = 16).
GDP official a 100, b 50; credited a 90, b 55; credited to external a 5 (Σ 145 = 150 - 5).
"""

from __future__ import annotations

import pandas as pd
import pytest

from cnyx_sim.checks import AccountingError, check_accounting

UNIT_VALUES = {
    "gdp_nominal": (100.0, 50.0),
    "gdp_credited_nominal": (90.0, 55.0),
    "gdp_credited_to_external": (5.0, 0.0),
    "tax_local_collected": (10.0, 6.0),
    "tax_local_after_sharing": (8.6, 6.4),
    "sharing_paid": (1.9, 1.1),
    "sharing_received": (0.5, 1.5),
    "sharing_to_external": (0.4, 0.6),
    "debt": (3.0, 4.0),
}
LEDGER = [("a", "b", 1.5), ("b", "a", 0.5), ("a", "kunshan", 0.4), ("b", "kunshan", 0.6)]


def tables(changes: dict[tuple[str, str], float] | None = None, ledger=LEDGER, with_region: bool = True) -> dict:
    rows = []
    for variable, (a, b) in UNIT_VALUES.items():
        values = {"a": a, "b": b}
        if with_region:
            values["cnyx"] = a + b
        for region, value in values.items():
            value += (changes or {}).get((variable, region), 0.0)
            rows.append(("s", 0, region, "total", variable, "亿元", 2030, value))
    trajectories = pd.DataFrame(rows, columns=["scenario", "run", "region", "sector", "variable", "unit", "year",
                                               "value"])
    sharing = pd.DataFrame([("s", 0, 2030, "p", "vat", f, t, x) for f, t, x in ledger],
                           columns=["scenario", "run", "year", "agreement", "tax", "from_region", "to_region", "amount"])
    return {"trajectories": trajectories, "sharing": sharing}


def failure(**kwargs) -> str:
    with pytest.raises(AccountingError) as info:
        check_accounting(tables(**kwargs))
    return str(info.value)


def test_consistent_hand_made_tables_pass():
    assert check_accounting(tables()) is None


def test_credited_gdp_identity_names_itself():
    message = failure(changes={("gdp_credited_nominal", "a"): 1.0, ("gdp_credited_nominal", "cnyx"): 1.0})
    assert message == ("accounting identity failed: Σ credited GDP = Σ official GDP − splits credited to external "
                       "partners for region cnyx, year 2030 (scenario s, run 0): difference 1 亿元")


def test_revenue_identity_names_itself():
    message = failure(changes={("tax_local_after_sharing", "a"): 1.0, ("tax_local_after_sharing", "cnyx"): 1.0})
    assert message == ("accounting identity failed: Σ after-sharing revenue + external outflows = Σ collected for "
                       "region cnyx, year 2030 (scenario s, run 0): difference 1 亿元")


def test_per_unit_revenue_identity_names_the_unit():
    message = failure(changes={("sharing_paid", "b"): 0.5, ("sharing_paid", "cnyx"): 0.5})
    assert message == ("accounting identity failed: after-sharing revenue = collected − paid + received for region b, "
                       "year 2030 (scenario s, run 0): difference 0.5 亿元")


def test_ledger_paid_identity_names_itself():
    message = failure(ledger=[("a", "b", 2.5)] + LEDGER[1:])
    assert message.startswith("accounting identity failed: Σ sharing.parquet amounts paid by the region = "
                              "sharing_paid for region a, year 2030")


def test_ledger_received_identity_names_itself():
    # the 1.5 from a goes to a itself: every payer's total unchanged, b receives 1.5 less than it recorded
    message = failure(ledger=[("a", "a", 1.5)] + LEDGER[1:])
    assert message.startswith("accounting identity failed: Σ sharing.parquet amounts received by the region = "
                              "sharing_received for region a, year 2030")


def test_ledger_external_identity_names_itself():
    # the recorded outflows to 昆山 swapped between the units (region totals and revenue identities unchanged)
    message = failure(changes={("sharing_to_external", "a"): 0.2, ("sharing_to_external", "b"): -0.2})
    assert message.startswith("accounting identity failed: Σ sharing.parquet amounts paid to external partners = "
                              "sharing_to_external for region a, year 2030")


def test_tables_without_region_rows_are_not_checked():
    broken = {("gdp_credited_nominal", "a"): 1.0}
    assert check_accounting(tables(changes=broken, with_region=False)) is None
    with pytest.raises(AccountingError):
        check_accounting(tables(changes=broken))


# -- identity 6 (FAI = incumbents + projects + public, K6) and 8 (ecological compensation conserved) -----------------
# a: 12 + 5 + 3 = 20; b: 6 + 0 + 4 = 10. Compensation: a pays 0.3 and receives 0.1, b pays 0.1 and receives 0.3.
INVESTMENT = {"fai_nominal": (20.0, 10.0), "incumbent_investment": (12.0, 6.0), "project_investment": (5.0, 0.0),
              "public_investment": (3.0, 4.0)}
COMPENSATION = {"eco_compensation_paid": (0.3, 0.1), "eco_compensation_received": (0.1, 0.3)}


def with_rows(values: dict[str, tuple[float, float]], changes: dict[tuple[str, str], float] | None = None) -> dict:
    base = tables()
    rows = [("s", 0, region, "total", variable, "亿元", 2030, value + (changes or {}).get((variable, region), 0.0))
            for variable, (a, b) in values.items() for region, value in (("a", a), ("b", b), ("cnyx", a + b))]
    extra = pd.DataFrame(rows, columns=base["trajectories"].columns)
    return {**base, "trajectories": pd.concat([base["trajectories"], extra], ignore_index=True)}


def test_fai_identity_passes_and_a_project_investment_off_by_half_names_the_unit():
    assert check_accounting(with_rows(INVESTMENT)) is None
    with pytest.raises(AccountingError) as info:
        check_accounting(with_rows(INVESTMENT, {("project_investment", "b"): 0.5, ("project_investment", "cnyx"): 0.5}))
    assert str(info.value) == ("accounting identity failed: official FAI = incumbents' + projects' + public investment "
                               "for region b, year 2030 (scenario s, run 0): difference -0.5 亿元")


def test_fai_identity_without_projects_counts_none():
    no_projects = {**INVESTMENT, "fai_nominal": (15.0, 10.0)}
    del no_projects["project_investment"]
    assert check_accounting(with_rows(no_projects)) is None
    with pytest.raises(AccountingError, match="official FAI"):
        check_accounting(with_rows({**no_projects, "fai_nominal": (20.0, 10.0)}))


def test_ecological_compensation_identity_passes_and_names_itself_on_the_region_row():
    assert check_accounting(with_rows(COMPENSATION)) is None
    with pytest.raises(AccountingError) as info:
        check_accounting(with_rows(COMPENSATION, {("eco_compensation_received", "a"): 0.05,
                                                  ("eco_compensation_received", "cnyx"): 0.05}))
    assert str(info.value) == ("accounting identity failed: Σ ecological compensation paid = Σ received for region "
                               "cnyx, year 2030 (scenario s, run 0): difference -0.05 亿元")


def test_a_ledger_without_external_partners_is_checked():
    # only the flows inside the region: paid a 1.5, b 0.5; after sharing a 9, b 7 (Σ 16 = collected)
    changes = {}
    for region, (external, after) in {"a": (0.4, 0.4), "b": (0.6, 0.6), "cnyx": (1.0, 1.0)}.items():
        changes[("sharing_to_external", region)] = -external
        changes[("sharing_paid", region)] = -external
        changes[("tax_local_after_sharing", region)] = after
    assert check_accounting(tables(changes=changes, ledger=LEDGER[:2])) is None
    with pytest.raises(AccountingError, match="sharing_paid for region a"):
        check_accounting(tables(changes=changes, ledger=[("a", "b", 2.0), LEDGER[1]]))


def test_tables_with_only_the_compensation_paid_are_not_checked_for_it():
    paid_only = {"eco_compensation_paid": COMPENSATION["eco_compensation_paid"]}
    assert check_accounting(with_rows(paid_only)) is None


def test_compensation_within_the_tolerance_of_the_flows_and_revenue_involved_passes():
    # tolerance 1e-9 + 1e-9 x (Σ paid 0.4 + Σ collected 16) = 1.74e-8: a difference of 1.7e-8 passes, 1.8e-8 not
    def region_gap(gap):
        return with_rows(COMPENSATION, {("eco_compensation_received", "a"): gap,
                                        ("eco_compensation_received", "cnyx"): gap})
    assert check_accounting(region_gap(1.7e-8)) is None
    with pytest.raises(AccountingError, match="ecological compensation"):
        check_accounting(region_gap(1.8e-8))


# -- identity 9 (park development funded once, PD4) and 10 (government-led relocations conserved) ---------------------
# a hosts a park whose development cost 0.4: a pays 0.2, b 0.1 and an external partner 0.1.
PARKS = {"park_development_spending": (0.4, 0.0), "park_development_contribution": (0.2, 0.1),
         "park_development_external": (0.1, 0.0)}


def test_park_development_identity_names_itself_on_the_region_row():
    assert check_accounting(with_rows(PARKS)) is None
    with pytest.raises(AccountingError) as info:
        check_accounting(with_rows(PARKS, {("park_development_spending", "a"): 0.05,
                                           ("park_development_spending", "cnyx"): 0.05}))
    assert str(info.value) == ("accounting identity failed: Σ park development contributions + external partners' = "
                               "Σ park development spending for region cnyx, year 2030 (scenario s, run 0): "
                               "difference -0.05 亿元")


def test_park_development_within_the_tolerance_of_the_spending_and_revenue_involved_passes():
    # tolerance 1e-9 + 1e-9 x (Σ spending 0.4 + Σ collected 16) = 1.74e-8: a gap of 1.7e-8 passes, 1.8e-8 not
    def region_gap(gap):
        return with_rows(PARKS, {("park_development_contribution", "a"): gap,
                                 ("park_development_contribution", "cnyx"): gap})
    assert check_accounting(region_gap(1.7e-8)) is None
    with pytest.raises(AccountingError, match="park development"):
        check_accounting(region_gap(1.8e-8))


def test_tables_with_only_part_of_the_park_development_or_relocation_variables_are_not_checked_for_them():
    assert check_accounting(with_rows({"park_development_spending": (0.4, 0.0)})) is None
    assert check_accounting(with_rows({"park_development_contribution": (0.2, 0.1)})) is None
    assert check_accounting(with_rows({"government_led_relocations_out": (1.0, 0.0)})) is None
    assert check_accounting(with_rows({"government_led_relocations_in": (0.0, 1.0)})) is None
