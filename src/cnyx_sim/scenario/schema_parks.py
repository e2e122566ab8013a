"""Scenario section ``park_development``: parks that grow (issue 10 item 3). Equations (PD1)-(PD6) are in
``cnyx_sim.mechanisms.park_development``; docs/model.md 7.20 explains them. The cost of a 亩 of serviced park
land is the one of the budgets' park-land investment, ``budget.park_land_cost`` (B9), so that both ways of
developing park land price it alike.
"""

from __future__ import annotations

from typing import Literal

from cnyx_sim.scenario.types import Fraction, Section, param


class ParkDevelopment(Section):
    enabled: bool = param(
        True, unit="-", source="issue 10 item 3 (plan §十: 合作园区 built jointly)",
        description="Co-built parks develop more land when they fill (PD1-PD6); false keeps each park at its "
                    "initial land capacity (T6).")
    reserve_share: Fraction = param(
        0.25, unit="1", symbol=r"\rho_{P}",
        source="assumption (a park keeps a quarter of its developed land free for new projects; range 0.1-0.5)",
        description="Free land (with land on its way) below which the park orders development, as a share of its "
                    "developed area (PD1).")
    max_growth: float = param(
        0.2, unit="1/yr", symbol=r"\gamma_{P}", ge=0.0, le=1.0,
        source="assumption (range 0.05-0.5; no data on park land development by year)",
        description="Largest yearly order as a share of the park's developed area (PD1).")
    max_multiple: float = param(
        3.0, unit="1", symbol="m_P", ge=1.0, le=20.0,
        source="assumption (planned area 规划面积 a few times the first phase; range 1.5-10)",
        description="Planned area of a park as a multiple of its initial land capacity (PD1).")
    lag_years: int = param(
        1, unit="yr", symbol="L_P", ge=1, le=10,
        source="assumption (征地 and 七通一平 within one to two years; range 1-3)",
        description="Years from a development order to land ready for projects (PD6).")
    funding: Literal["sharing_terms", "host_only", "equal"] = param(
        "sharing_terms", unit="-", source="issue 10 item 3 (each party funds its share of the park's tax sharing)",
        description="Contribution shares (PD3): the park's tax-sharing terms (host 1 - sigma, partners sigma), the "
                    "host alone, or equal shares for the host and each partner.")
