"""Scenario sections of the behavioural channels of issue 10 items 1-2: ``relocation`` (relocation and consent,
referral effort; equations R1-R5 in ``cnyx_sim.mechanisms.relocation``) and ``competition`` (incentive
competition and coordination; C1-C3 in ``cnyx_sim.mechanisms.competition``). docs/model.md 7.18-7.19.

Each section has an ``enabled`` switch (the channel's YAML switch; ``cnyx_sim.channels`` maps the channel to
the section's key paths). Both channels live in the transfer engine and the city agents, so the history
configuration of the calibration (no transfer) never sees them.
"""

from __future__ import annotations

from typing import Literal

from cnyx_sim.scenario.types import Fraction, Section, param


class Relocation(Section):
    enabled: bool = param(
        True, unit="-", source="issue 10 item 1",
        description="Government-led relocations between units with the origin's consent (R1)-(R3) and referral "
                    "effort (R4); false = only market-led relocations (T7) and equal referral weights.")
    government_led_rate: float = param(
        0.005, unit="1/yr", symbol=r"\lambda_G", ge=0.0, le=0.1,
        source="assumption: half the market relocation rate h_0 (0.01/yr); no evaluation of 财预〔2015〕92号 "
               "exists (evidence.md §5), range 0-0.02",
        description="Yearly probability that an operating project is moved by its government at full consent (R3).")
    base_consent: Fraction = param(
        0.5, unit="1", symbol="P_0",
        source="assumption (range 0.2-0.8): officials said crediting only the host 'hurt willingness to "
               "cooperate' (mechanisms-research §1.2(b)); no measured rate",
        description="Probability the origin consents to a government-led move when it keeps nothing (R2).")
    revenue_weight: Fraction = param(
        0.5, unit="1", symbol="w_T",
        source="assumption (range 0-1): revenue and credited GDP (cadre evaluation, mechanisms-research §1.3) "
               "weighted equally",
        description="Weight of the tax share (vs the GDP statistics split) in what the origin keeps (R1).")
    referral_response: float = param(
        1.0, unit="1 per unit referral share", symbol=r"\kappa_R", ge=0.0, le=10.0,
        source="assumption (range 0-3): the 首谈地 rules reward referrals (mechanisms-research §1.2(d)); no "
               "measured effort response",
        description="Rise of a unit's referral weight per unit of the referral share it keeps (R4).")


class Competition(Section):
    enabled: bool = param(
        False, unit="-", source="issue 10 item 2",
        description="City agents set their packages as best responses to their neighbours (C1)-(C3); false = "
                    "the incentives section's mode (fixed packages or T9).")
    reaction: float = param(
        0.87, unit="1", symbol="r", ge=0.0, lt=1.0,
        source="Tao, Gong & Zhu (2023, China Economic Review): neighbours matched a CIT cut with reaction 0.87, "
               "adjacent counties only (evidence.md §4); range 0.5-0.95",
        description="Response of a unit's package to its neighbours' mean package (C1).")
    neighbour_hours: float = param(
        1.0, unit="hours", symbol="H", ge=0.0, le=24.0,
        source="assumption: adjacent units are about an hour apart by road (calibration/travel_times_2021.csv); "
               "the published reaction is between adjacent counties only",
        description="Base-year travel time within which two units are neighbours (C1).")
    budget_share: Fraction = param(
        0.1, unit="1", symbol="b",
        source="assumption (range 0.05-0.2; no data on the fiscal cost of rebates, evidence.md §4 'not found')",
        description="Highest incentive cost a unit carries, as a share of its revenue after sharing (C2).")
    coordination: Literal["none", "cap", "common"] = param(
        "none", unit="-", source="plan §二十五 (统一的招商引资政策); 公平竞争审查条例 2024",
        description="Coordination of packages from coordination_year: none, a cap at the common package, or the "
                    "common package for every unit (C3).")
    coordination_year: int = param(
        2023, unit="year", ge=1900, le=2200, source="plan issued 2023-03-02",
        description="First annual step of coordination (C3).")
    common_land_discount: float = param(
        0.2, unit="1", symbol="d_K", ge=0.0, lt=1.0, source="assumption (the baseline packages)",
        description="Land discount of the common package (C3).")
    common_tax_rebate: Fraction = param(
        0.2, unit="1", symbol=r"\rho_K", source="assumption (the baseline packages)",
        description="Tax rebate of the common package (C3); the regime bounds of (T8) still apply.")
    incentive_funding_share: Fraction = param(
        0.5, unit="1", symbol="f_I",
        source="assumption (range 0-1): rebates (先征后返) come out of the general budget, land discounts largely "
               "out of land revenue (双手供地, mechanisms-research §1.4); half is paid from the investment envelope",
        description="Share of the incentive cost paid out of planned public investment (C4, B4), so what "
                    "coordination saves funds public investment; the rest is borrowed (B6).")
