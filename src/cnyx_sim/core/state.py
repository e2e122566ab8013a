"""Simulation state: named numpy arrays with a fixed axis order ``[city, sector]``.

Units used throughout (see docs/model.md, "Vocabulary and units"):

- value added, GDP, capital, tax revenue: 亿元 (100 million yuan). Real quantities are in 2021 prices,
  nominal ones in current prices. Names say which (``va_real``, ``va_nominal``).
- population and employment: 万人 (10 thousand persons).
- rates: fraction per year. Indices: dimensionless, base year = 1.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

FloatArray = np.ndarray


@dataclass(frozen=True)
class Index:
    """An ordered set of codes for one array axis (cities, sectors, provinces, ...)."""

    codes: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(set(self.codes)) != len(self.codes):
            raise ValueError(f"duplicate codes in index: {self.codes}")

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self):
        return iter(self.codes)

    def position(self, code: str) -> int:
        """Position of ``code``; raises ``KeyError`` with the known codes if absent."""
        try:
            return self.codes.index(code)
        except ValueError:
            raise KeyError(f"unknown code {code!r}; known: {', '.join(self.codes)}") from None

    def mask(self, codes) -> np.ndarray:
        """Boolean vector, True where the code is in ``codes``."""
        wanted = set(codes)
        return np.array([c in wanted for c in self.codes], dtype=bool)


#: Sector groups of the growth accounting (docs/model.md 5.6): TFP growth is estimated by unit and group.
SECTOR_GROUPS: tuple[str, ...] = ("agriculture", "industry", "construction", "services")


def sector_group_of(parent: str, is_industry: bool) -> str:
    """Group of a sector from its three-sector parent: primary -> agriculture, secondary -> industry (the
    ``is_industry`` sectors) or construction (the rest), tertiary -> services."""
    if parent == "primary":
        return "agriculture"
    if parent == "secondary":
        return "industry" if is_industry else "construction"
    return "services"


@dataclass(frozen=True)
class Geography:
    """The region's static description: units, sectors and their attributes (from calibration data).

    Attributes
    ----------
    cities : Index
        Plan units (the model's cities), e.g. ``zigong`` ... ``rongchang``.
    city_names_zh : tuple[str, ...]
        Chinese names, same order as ``cities``.
    city_province : np.ndarray
        ``[city]`` int, position in ``provinces``.
    provinces : Index
        Province-level fiscal jurisdictions (``SC``, ``CQ``).
    sectors : Index
        Model sectors.
    sector_parent : tuple[str, ...]
        ``primary`` / ``secondary`` / ``tertiary`` for each sector.
    is_industry : np.ndarray
        ``[sector]`` bool; industry sectors' real VA is the proxy for 规模以上工业增加值.
    """

    cities: Index
    city_names_zh: tuple[str, ...]
    city_province: np.ndarray
    provinces: Index
    sectors: Index
    sector_parent: tuple[str, ...]
    is_industry: np.ndarray

    @property
    def n_cities(self) -> int:
        return len(self.cities)

    @property
    def n_sectors(self) -> int:
        return len(self.sectors)

    @property
    def sector_group(self) -> tuple[str, ...]:
        """Growth-accounting group (:data:`SECTOR_GROUPS`) of each sector."""
        return tuple(sector_group_of(parent, bool(ind)) for parent, ind in zip(self.sector_parent, self.is_industry))

    @property
    def border_matrix(self) -> np.ndarray:
        """``[city, city]`` 1.0 where the two cities are in different provinces."""
        p = self.city_province
        return (p[:, None] != p[None, :]).astype(float)


@dataclass(frozen=True)
class RegionState:
    """State at the end of year ``year``: the year's flows and the stocks that enter the next year.

    The model builds one per step, at the end of the step (docs/model.md §3); mechanisms return new arrays and
    never modify a state's arrays.

    Attributes
    ----------
    year : int
    va_real : FloatArray
        ``[city, sector]`` value added, 亿元 at 2021 prices (P1).
    capital : FloatArray
        ``[city, sector]`` private capital stock installed this year, incumbents' (K3) plus projects' (J3),
        亿元 at 2021 prices; production uses the effective capital of (J1).
    employment : FloatArray
        ``[city, sector]`` persons employed, 万人 (L1, L3).
    employment_share : FloatArray
        ``[city, sector]`` sector shares of unit employment, theta (L3); rows sum to one.
    tfp_trend : FloatArray
        ``[city, sector]`` trend total factor productivity (index with the base-year calibration level).
    population : FloatArray
        ``[city]`` resident (常住) population at year end, 万人.
    public_capital : FloatArray
        ``[city]`` public capital (infrastructure) used in this year's production, 亿元 at 2021 prices.
    price_index : float
        Regional GDP deflator, 2021 = 1.
    net_migration : FloatArray
        ``[city]`` net migration in the year, 万人 (in minus out).
    tax_gross : FloatArray
        ``[city, tax]`` taxes collected in the city at all levels of government, 亿元 nominal.
    tax_city : FloatArray
        ``[city, tax]`` the city-level (地方, after the province's take) part, 亿元 nominal.
    public_investment : FloatArray
        ``[city]`` public investment in the year, 亿元 nominal (B7, F7).
    infrastructure_investment : FloatArray
        ``[city]`` the part of public investment that builds public capital next year, 亿元 nominal (B9).
    private_investment : FloatArray
        ``[city, sector]`` incumbents' gross investment made in the year (K2, K4-K5, with the suppliers' capacity of
        IO4), productive next year, 亿元 at 2021 prices; projects' spending is in the project book (T7).
    project_capital : FloatArray
        ``[city, sector]`` the projects' part of ``capital`` (J3), 亿元 at 2021 prices.
    debt : FloatArray
        ``[city]`` city debt at year end, 亿元 nominal (B8).
    """

    year: int
    va_real: FloatArray
    capital: FloatArray
    employment: FloatArray
    employment_share: FloatArray
    tfp_trend: FloatArray
    population: FloatArray
    public_capital: FloatArray
    price_index: float
    net_migration: FloatArray
    tax_gross: FloatArray
    tax_city: FloatArray
    public_investment: FloatArray
    infrastructure_investment: FloatArray
    private_investment: FloatArray
    project_capital: FloatArray
    debt: FloatArray

    def copy(self) -> "RegionState":
        """Deep copy of all arrays (used to keep the base-year snapshot)."""
        return RegionState(**{f.name: _copied(getattr(self, f.name)) for f in fields(self)})


def _copied(value):
    return value.copy() if isinstance(value, np.ndarray) else value


@dataclass
class CityPolicies:
    """What the city agents decide, ``[city]`` each; agent ``idx`` writes row ``idx`` only.

    Attributes
    ----------
    public_investment_share : s_G, share of revenue spent on public investment (F8), 1.
    land_discount, tax_rebate : the package the unit chose (T9), before the regime's ceilings (T8), 1.
    service_quality : q in [0, 1], set by the scenario (no agent rule changes it yet).

    Without industrial transfer there are no projects to offer packages to: the package arrays are zeros and
    nothing reads them.
    """

    public_investment_share: FloatArray
    land_discount: FloatArray
    tax_rebate: FloatArray
    service_quality: FloatArray
