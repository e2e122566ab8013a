"""City incentive packages and the competition regime (ODD 7.8).

Each unit ``c`` offers new projects a package: a land discount ``d_c`` (share of the industrial land price
waived), a tax rebate ``rho_c`` (share of the local taxes of new projects returned, 先征后返) and a service
quality ``q_c`` in [0, 1]. The packages enter the location utility (T4).

    (T8)  regime: in annual steps t >= t_R (the first step after 2024-08-01, 公平竞争审查条例) the bounds
          fall from (d_max_pre, rho_max_pre) to (d_max_post, rho_max_post); a unit's rebate is kept only
          while an authorised programme covers it (t <= authorised_until_c); a share ``s_dis`` of a removed
          rebate survives as service perks (rent-free plant, executive subsidies):
              rho^eff_c = min(rho_c, rho_max(t))             if authorised, else 0
              d^eff_c   = min(d_c, d_max(t))
              q^eff_c   = min(1, q_c + s_dis * (rho_c - rho^eff_c))
    (T9)  adaptive packages (city agents chasing the growth target, as F8):
              d_c,t+1   = clip(d_c,t   + eta_I * (g* - g_c,t), 0, d_max(t+1))
              rho_c,t+1 = clip(rho_c,t + eta_I * (g* - g_c,t), 0, rho_max_c(t+1))

Selective rebates are what the review bans outright; land discounts are only bounded more tightly because
lower benchmark land prices remain legal (mechanisms-research.md §1.4).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

FloatArray = np.ndarray


class Package(NamedTuple):
    """The incentive packages of the units, ``[city]`` each (a tuple: ``discount, rebate, service = package``)."""

    land_discount: FloatArray  # d, share of the industrial land price waived
    tax_rebate: FloatArray  # rho, share of the local taxes of new projects returned
    service_quality: FloatArray  # q in [0, 1]


def regime_bound(year: int, regime_year: int, bounds: tuple[float, float]) -> float:
    """(T8): the bound in force in ``year`` (``bounds`` = (before, from the regime year))."""
    return bounds[1] if year >= regime_year else bounds[0]


def rebate_ceiling(
    year: int, regime_year: int, max_rebate: tuple[float, float], authorised_until: np.ndarray
) -> FloatArray:
    """(T8): ``[city]`` highest rebate allowed in ``year``; zero after the regime unless authorised."""
    ceiling = np.full(len(authorised_until), regime_bound(year, regime_year, max_rebate))
    if year >= regime_year:
        authorised = authorised_until >= year
        ceiling = np.where(authorised, max_rebate[0], 0.0)
    return ceiling


def effective_package(
    land_discount: FloatArray,
    tax_rebate: FloatArray,
    service_quality: FloatArray,
    year: int,
    regime_year: int,
    max_land_discount: tuple[float, float],
    max_tax_rebate: tuple[float, float],
    authorised_until: np.ndarray,
    disguised_share: float,
) -> Package:
    """(T8): the package that projects face in ``year``, from the package the units chose."""
    discount = np.minimum(land_discount, regime_bound(year, regime_year, max_land_discount))
    rebate = np.minimum(tax_rebate, rebate_ceiling(year, regime_year, max_tax_rebate, authorised_until))
    service = np.minimum(1.0, service_quality + disguised_share * (tax_rebate - rebate))
    return Package(discount, rebate, service)


def adjust_package(
    land_discount: FloatArray,
    tax_rebate: FloatArray,
    growth_gap: FloatArray,
    adjustment: float,
    max_discount: float,
    max_rebate: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """(T9): next year's land discount and rebate of cities whose growth falls short by ``growth_gap``."""
    discount = np.clip(land_discount + adjustment * growth_gap, 0.0, max_discount)
    rebate = np.clip(tax_rebate + adjustment * growth_gap, 0.0, max_rebate)
    return discount, rebate
