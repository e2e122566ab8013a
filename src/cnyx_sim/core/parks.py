"""Parks that grow inside the yearly schedule (ODD 7.20, equations PD1-PD6 in ``mechanisms/park_development``).

:class:`ParkDevelopmentEngine` keeps the land each co-built park has delivered and has on order. In step 6 of
``CnyxModel.step()``, before the budgets, :meth:`ParkDevelopmentEngine.order` reads the parks' free land after
the year's location choice (the transfer engine's ``park_remaining``), orders development (PD1), prices it (PD2)
and splits the cost between the parties on the parks' sharing terms in force (PD3-PD4); the units' parts go to
the budgets as a committed outlay (PD5). :meth:`ParkDevelopmentEngine.deliver` then hands the land due next
year to the transfer engine (PD6). Neutral (orders nothing) when the section is switched off or there is no
park.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnyx_sim.core.params import ModelParams, ParkParams
from cnyx_sim.core.state import FloatArray
from cnyx_sim.mechanisms import park_development

#: Per-unit yearly variables (recorder ``by_city``), 亿元 current prices unless stated; units in
#: ``io.results.UNITS``. ``park_development_spending``: cost of the land ordered for the unit's parks (PD2);
#: ``park_development_contribution``: what the unit paid towards any park (PD4); ``park_development_external``:
#: what external partners paid towards the unit's parks; ``park_land_developed``: land delivered to the unit's
#: parks so far, initial capacity included (亩).
PARK_VARIABLES: tuple[str, ...] = ("park_development_spending", "park_development_contribution",
                                   "park_development_external", "park_land_developed")


@dataclass(frozen=True)
class ParkYear:
    """One year's development, ``[unit]`` arrays: ``contribution`` goes to the budgets (PD5); ``recorded`` holds
    the ``PARK_VARIABLES``."""

    contribution: FloatArray
    recorded: dict[str, FloatArray]


class ParkDevelopmentEngine:
    """Park land on order and delivered, for one run.

    Parameters
    ----------
    params : the run's parameters (``park_development``, ``transfer.parks``, ``sharing`` agreements).
    unit_codes : the units' codes (a park's partners are unit codes or external partners).
    external_partners : the sharing block's external partners (ledger order); the agreements' external partner
        indices refer to them.
    """

    def __init__(self, params: ModelParams, unit_codes: tuple[str, ...], external_partners: tuple[str, ...]) -> None:
        self.p = params.park_development
        parks: ParkParams | None = params.transfer.parks if params.transfer is not None else None
        self.parks = parks
        self.n_units = len(unit_codes)
        n_parks = len(parks.ids) if parks is not None else 0
        self.is_active = self.p is not None and self.p.is_enabled and n_parks > 0
        partners = list(external_partners)
        for names in (parks.partners if parks is not None else ()):
            partners += [name for name in names if name not in partners and name not in unit_codes]
        self.external = tuple(partners)
        self.developed = parks.land_capacity.astype(float).copy() if parks is not None else np.zeros(0)
        self.pipeline: dict[int, FloatArray] = {}
        self._unit_positions = {code: i for i, code in enumerate(unit_codes)}

    def _party_positions(self) -> list[list[int]]:
        """[park] positions of the partners among the parties (units, then ``self.external``)."""
        return [[self._unit_positions[name] if name in self._unit_positions
                 else self.n_units + self.external.index(name) for name in names] for names in self.parks.partners]

    def _by_host(self, values: FloatArray) -> FloatArray:
        return np.bincount(self.parks.host, weights=values, minlength=self.n_units)

    def recorded_developed(self) -> FloatArray:
        """``[unit]`` 亩 delivered to the unit's parks so far (``park_land_developed``)."""
        return self._by_host(self.developed) if self.parks is not None else np.zeros(self.n_units)

    def order(self, year: int, free_land: FloatArray, price_index: float, agreements) -> ParkYear:
        """(PD1)-(PD4) for ``year``: ``free_land`` [park] 亩 after the year's location choice; ``agreements`` the
        sharing block's ``AgreementSet`` (park rows, partners, splits, years in force)."""
        zeros = np.zeros(self.n_units)
        if not self.is_active:
            return ParkYear(zeros, {"park_development_spending": zeros, "park_development_contribution": zeros,
                                    "park_development_external": zeros,
                                    "park_land_developed": self.recorded_developed()})
        p, parks = self.p, self.parks
        on_order = sum(self.pipeline.values(), np.zeros(len(parks.ids)))
        is_open = parks.start_year <= year
        delta = park_development.development_orders(free_land, on_order, self.developed, parks.land_capacity,
                                                    is_open, p.reserve_share, p.max_growth, p.max_multiple)  # (PD1)
        cost = p.land_cost * price_index * delta                                                             # (PD2)
        in_force = (agreements.start_year <= year) & (year <= agreements.end_year)
        shares = park_development.contribution_shares(
            parks.host, self.n_units, len(self.external), agreements.park, agreements.partner_unit,
            agreements.partner_external, agreements.split, in_force, self._party_positions(), p.funding)     # (PD3)
        paid = park_development.contributions(cost, shares)                                                 # (PD4)
        external_share = shares[:, self.n_units:].sum(axis=1)
        due = year + p.lag_years
        self.pipeline[due] = self.pipeline.get(due, np.zeros(len(parks.ids))) + delta
        return ParkYear(paid[: self.n_units], {
            "park_development_spending": self._by_host(cost),
            "park_development_contribution": paid[: self.n_units],
            "park_development_external": self._by_host(cost * external_share),
            "park_land_developed": self.recorded_developed(),
        })

    def deliver(self, next_year: int) -> FloatArray:
        """(PD6): ``[park]`` 亩 ready for the location choice of ``next_year`` (added to the developed land)."""
        n_parks = len(self.parks.ids) if self.parks is not None else 0
        land = self.pipeline.pop(next_year, np.zeros(n_parks))
        self.developed = self.developed + land
        return land
