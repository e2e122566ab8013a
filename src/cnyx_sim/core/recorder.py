"""Records the yearly state into preallocated arrays (``[year, city(, sector)]``)."""

from __future__ import annotations

import numpy as np

from cnyx_sim.core.state import Geography, RegionState


class Recorder:
    """Preallocated yearly records of the unit-level variables; region totals are derived at output time.

    Attributes
    ----------
    by_sector : dict[str, ndarray]
        ``[year, city, sector]`` arrays: ``va_real``, ``va_nominal``, ``employment``, ``capital_stock``.
    by_city : dict[str, ndarray]
        ``[year, city]`` arrays: ``population``, ``net_migration``, ``labour_income_nominal``,
        ``tax_revenue_gross``, ``tax_local_collected``, ``public_investment``, ``public_capital``,
        ``public_investment_share`` and ``tax_gross_<tax>`` for each tax type.
    price_index : ndarray
        ``[year]`` deflator, 2021 = 1.
    """

    def __init__(self, geography: Geography, taxes: tuple[str, ...], years: np.ndarray) -> None:
        self.years = np.asarray(years)
        self.taxes = taxes
        n_years, n_cities, n_sectors = len(years), geography.n_cities, geography.n_sectors
        self.by_sector = {
            name: np.full((n_years, n_cities, n_sectors), np.nan)
            for name in ("va_real", "va_nominal", "employment", "capital_stock")
        }
        city_vars = [
            "population", "net_migration", "labour_income_nominal", "tax_revenue_gross",
            "tax_local_collected", "public_investment", "public_capital", "public_investment_share",
        ] + [f"tax_gross_{tax}" for tax in taxes]
        self.by_city = {name: np.full((n_years, n_cities), np.nan) for name in city_vars}
        self.price_index = np.full(n_years, np.nan)
        self._start = int(years[0])

    def add_city_variables(self, names, fill_first_year: float = np.nan) -> None:
        """Add ``[year, city]`` variables recorded by :meth:`record_city` (e.g. the project totals)."""
        n_years, n_cities = self.by_city["population"].shape
        for name in names:
            self.by_city[name] = np.full((n_years, n_cities), np.nan)
            self.by_city[name][0] = fill_first_year

    def record_city(self, year: int, values: dict[str, np.ndarray]) -> None:
        """Record ``[city]`` values of variables added by :meth:`add_city_variables`."""
        for name, value in values.items():
            self.by_city[name][year - self._start] = value

    def record(self, state: RegionState, labour_income: np.ndarray, investment_share: np.ndarray) -> None:
        t = state.year - self._start
        self.by_sector["va_real"][t] = state.va_real
        self.by_sector["va_nominal"][t] = state.va_real * state.price_index
        self.by_sector["employment"][t] = state.employment
        self.by_sector["capital_stock"][t] = state.capital
        c = self.by_city
        c["population"][t] = state.population
        c["net_migration"][t] = state.net_migration
        c["labour_income_nominal"][t] = labour_income
        c["tax_revenue_gross"][t] = state.tax_gross.sum(axis=1)
        c["tax_local_collected"][t] = state.tax_city.sum(axis=1)
        c["public_investment"][t] = state.public_investment
        c["public_capital"][t] = state.public_capital
        c["public_investment_share"][t] = investment_share
        for k, tax in enumerate(self.taxes):
            c[f"tax_gross_{tax}"][t] = state.tax_gross[:, k]
        self.price_index[t] = state.price_index
