"""Identity 7 (capital accumulation, K3/K6/T7) of ``cnyx_sim.checks.check_capital`` on hand-made ``[year, region]``
arrays: two regions, two years, depreciation 0.1, price index 1.1 in the first year.

Region a: capital 100, then 0.9 x 100 + (8 + 3) / 1.1 - 2 written off = 98.
Region b: capital 50, then 0.9 x 50 + (4 + 0) / 1.1 (no write-off) = 45 + 40/11.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from cnyx_sim.checks import AccountingError, check_capital

KEYS = [("s", 0, 2022), ("s", 0, 2023)]
REGIONS = ["a", "b"]
PRICES = np.array([1.1, 1.2])


def totals(**changes):
    base = {
        "capital_stock": np.array([[100.0, 50.0], [98.0, 45.0 + 40.0 / 11.0]]),
        "incumbent_investment": np.array([[8.0, 4.0], [0.0, 0.0]]),
        "project_investment": np.array([[3.0, 0.0], [0.0, 0.0]]),
        "capital_written_off": np.array([[0.0, 0.0], [2.0, 0.0]]),
    }
    return {**base, **changes}


def test_capital_accumulation_with_deflated_investment_and_write_offs_passes():
    assert check_capital(totals(), PRICES, 0.1, KEYS, REGIONS) is None


def test_a_capital_stock_off_by_half_a_yi_yuan_is_named_with_its_identity_region_year_and_run():
    capital = totals()["capital_stock"].copy()
    capital[1, 1] += 0.5
    with pytest.raises(AccountingError) as info:
        check_capital(totals(capital_stock=capital), PRICES, 0.1, KEYS, REGIONS)
    message = str(info.value)
    assert message.startswith("accounting identity failed: capital = (1 − δ) capital last year + incumbents' and "
                              "projects' investment − written off for region b, year 2023 (scenario s, run 0)")
    assert re.search(r"difference 0\.5 亿元$", message)


def test_project_investment_counts_in_the_capital_identity():
    without_projects = {k: v for k, v in totals().items() if k != "project_investment"}
    with pytest.raises(AccountingError, match="region a, year 2023"):
        check_capital(without_projects, PRICES, 0.1, KEYS, REGIONS)


def test_tables_without_write_offs_are_checked_with_none_written_off():
    capital = np.array([[100.0, 50.0], [100.0, 45.0 + 40.0 / 11.0]])  # region a: nothing written off
    no_write_offs = {k: v for k, v in totals(capital_stock=capital).items() if k != "capital_written_off"}
    assert check_capital(no_write_offs, PRICES, 0.1, KEYS, REGIONS) is None
    capital = capital.copy()
    capital[1, 0] -= 2.0
    with pytest.raises(AccountingError, match="region a, year 2023"):
        check_capital({**no_write_offs, "capital_stock": capital}, PRICES, 0.1, KEYS, REGIONS)


def test_tables_without_the_investment_split_are_not_checked():
    capital = totals()["capital_stock"].copy()
    capital[1, 0] += 7.0
    older = {k: v for k, v in totals(capital_stock=capital).items() if k != "incumbent_investment"}
    assert check_capital(older, PRICES, 0.1, KEYS, REGIONS) is None
