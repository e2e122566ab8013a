"""Mesa agents. Their numbers live in the model's state arrays; the agents own identity and decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from cnyx_sim.mechanisms import fiscal

if TYPE_CHECKING:  # pragma: no cover
    from cnyx_sim.core.model import CnyxModel


class CityAgent(mesa.Agent):
    """A plan unit (city or district) as a Mesa agent: a view onto row ``idx`` of the state arrays.

    Decisions (ODD+D): each year the city sets the share of its revenue that goes to public investment,
    chasing its growth target (equation F8). Later mechanisms add incentive packages.
    """

    def __init__(self, model: "CnyxModel", idx: int, code: str, name_zh: str) -> None:
        super().__init__(model)
        self.idx, self.code, self.name_zh = idx, code, name_zh

    @property
    def value_added_real(self) -> np.ndarray:
        """``[sector]`` value added this year, 亿元 at 2021 prices."""
        return self.model.state.va_real[self.idx]

    @property
    def population(self) -> float:
        """Year-end resident population, 万人."""
        return float(self.model.state.population[self.idx])

    @property
    def public_investment_share(self) -> float:
        return float(self.model.investment_share[self.idx])

    def decide(self) -> None:
        """Equation (F8): adjust next year's public-investment share to the gap to the growth target."""
        f = self.model.params.fiscal
        new_share = fiscal.adjust_investment_share(
            np.array([self.public_investment_share]),
            f.growth_target,
            np.array([self.model.nominal_growth[self.idx]]),
            f.public_investment_adjustment,
            f.public_investment_share_bounds,
        )
        self.model.investment_share[self.idx] = new_share[0]
        # (T9): in the adaptive incentive mode the city also adjusts its package for next year's projects.
        if self.model.transfer is not None:
            self.model.transfer.decide_package(self.idx, float(self.model.nominal_growth[self.idx]),
                                               self.model.state.year + 1)

    def __repr__(self) -> str:
        return f"CityAgent({self.code}, {self.name_zh})"
