"""Tax sharing, statistics splitting and city budgets inside the model (ODD 7.10-7.12).

:class:`SharingEngine` wires the pure mechanisms (``mechanisms.tax_sharing`` S1-S8,
``mechanisms.stats_sharing`` D1-D5, ``mechanisms.budget`` B1-B9) into the yearly schedule:

1. Activities of the year: one background row per (unit, sector) - the city-sector totals minus the parts
   attributed to projects (project value added is inside city value added) - then one row per project of
   the project book. Background rows come first and the book is append-only, so a project keeps its row
   position from year to year and the agreements' cumulative-paid state ``[agreement, row]`` stays aligned.
2. Gross taxes of every row at its sector's rates (F1-F4, the project's capital share of its city-sector),
   city-level parts by (F5)-(F6) with the province take of the row's host.
3. Draws from the ``sharing`` stream, in this order: tax enforcement (S4), then statistics honoured (D2).
4. ``share_taxes`` and ``split_statistics`` with the same start-of-year cumulative state; then the state
   is updated.
5. Incentive costs of the host (the budget cost of T8-T9 packages): rebates = the rebate rate the project
   got at arrival (capped by this year's T8 ceiling: zero under the 2024-08 regime unless authorised) times
   its city-level taxes, for ``rebate_years`` after arrival; land discounts = discount x land price x land
   need, once, at arrival.
6. ``budget_year`` on the after-sharing revenue: public investment (infrastructure part productive from
   next year by F7, park-land part adds park land), balance and debt.

No I/O; randomness only from the ``sharing`` stream.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

from cnyx_sim.core.params import TAXES, SharingParams
from cnyx_sim.mechanisms import budget, incentives, stats_sharing, tax_sharing
from cnyx_sim.mechanisms.tax_sharing import ActivityTable

if TYPE_CHECKING:  # pragma: no cover
    from cnyx_sim.core.model import CnyxModel

#: Per-unit yearly variables of the block (recorder ``by_city``); units in ``io.results.UNITS``.
SHARING_VARIABLES: tuple[str, ...] = (
    "gdp_credited_nominal", "gdp_credited_to_external", "industry_va_credited_nominal",
    "fai_nominal", "fai_credited_nominal", "tax_local_after_sharing", "sharing_paid", "sharing_received",
    "sharing_to_external", "incentive_cost", "budget_balance", "debt",
)


@dataclass
class SharingRecord:
    """The tax-sharing ledger of a run (one row per agreement row, tax, payer and partner, year).

    ``to_unit`` is -1 where the partner is external (then ``to_external`` indexes ``external_partners``).
    """

    agreement_ids: tuple[str, ...]
    external_partners: tuple[str, ...]
    year: np.ndarray
    agreement: np.ndarray
    tax: np.ndarray
    from_unit: np.ndarray
    to_unit: np.ndarray
    to_external: np.ndarray
    amount: np.ndarray


@dataclass(frozen=True)
class FiscalYear:
    """What the block decided in one year, ``[unit]`` nominal 亿元 unless stated."""

    public_investment: np.ndarray
    infrastructure_investment: np.ndarray
    park_land_investment: np.ndarray
    credited_gdp: np.ndarray
    recorded: dict[str, np.ndarray]


class SharingEngine:
    """State and yearly step of the fiscal block (ODD 7.10-7.12) for one :class:`CnyxModel`."""

    def __init__(self, model: "CnyxModel", base_city_revenue: np.ndarray) -> None:
        params = model.params
        self.model = model
        self.p: SharingParams = params.sharing if params.sharing is not None else SharingParams.neutral(len(TAXES))
        geo = model.geography
        self.n_units, self.n_sectors = geo.n_cities, geo.n_sectors
        self.n_external = len(self.p.external_partners)
        self.is_industry = np.asarray(geo.is_industry, dtype=bool)
        self.agreements = self.p.agreements
        self.has_agreements = self.agreements.n_agreements > 0
        #: [agreement, row] cumulative amounts paid (S6 cap state); None before the first year.
        self.cumulative: np.ndarray | None = None
        #: [unit] debt at the start of the coming year, 亿元 (B8).
        self.debt = self.p.initial_debt_to_revenue * np.asarray(base_city_revenue, dtype=float)
        #: per project row: rebate rate of the package it got at arrival (T8), and its land-discount cost.
        self.rebate_rate = np.zeros(0)
        self._land_cost = np.zeros(self.n_units)
        self._parts: list[tuple[int, tax_sharing.TransferLedger]] = []

    # ------------------------------------------------------------------ incentives (cost of T8-T9 packages)
    def book_arrivals(self, year: int, n_before: int, price_index: float) -> None:
        """Record the package of the projects appended to the book this year and their land-discount cost."""
        transfer = self.model.transfer
        self._land_cost = np.zeros(self.n_units)
        if transfer is None:
            return
        book = transfer.book
        new = np.arange(n_before, len(book))
        discount, rebate, _ = transfer.package(year)
        host = book.host[new].astype(np.int64)
        located = host >= 0
        rate = np.zeros(len(new))
        rate[located] = rebate[host[located]]
        self.rebate_rate = np.concatenate([self.rebate_rate, rate])
        cost = discount[host[located]] * self.p.land_price * price_index * book.land[new][located]
        self._land_cost = np.bincount(host[located], weights=cost, minlength=self.n_units)

    def _rebates(self, year: int, project_city_taxes: np.ndarray, host: np.ndarray) -> np.ndarray:
        """``[unit]`` rebates paid this year on the projects' city-level taxes."""
        transfer = self.model.transfer
        if transfer is None or len(host) == 0 or self.p.rebate_years <= 0:
            return np.zeros(self.n_units)
        inc, book = transfer.p.incentives, transfer.book
        ceiling = incentives.rebate_ceiling(year, inc.regime_year, inc.max_tax_rebate, inc.authorised_until)
        age = year - book.year_arrived
        in_window = (host >= 0) & (age >= 0) & (age < self.p.rebate_years)
        rate = np.where(in_window, np.minimum(self.rebate_rate, ceiling[np.maximum(host, 0)]), 0.0)
        paid = rate * np.maximum(project_city_taxes.sum(axis=1), 0.0)
        return np.bincount(np.maximum(host, 0), weights=paid, minlength=self.n_units)

    # ------------------------------------------------------------------ activities (S1)
    def _projects(self, year: int, va_nominal: np.ndarray, gross_taxes: np.ndarray) -> ActivityTable:
        """One activity row per project of the book (row = book row), at its capital share of its city-sector.

        Rows of projects that chose the outside option (host -1) keep their position with zero amounts.
        """
        model = self.model
        f, transfer = model.params.fiscal, model.transfer
        if transfer is None or len(transfer.book) == 0:
            return ActivityTable.empty(gross_taxes.shape[2])
        book, t = transfer.book, year - model.params.start_year
        host = book.host.astype(np.int64)
        valid = host >= 0
        at = np.maximum(host, 0)
        sector = book.sector.astype(np.int64)
        va = np.where(valid, book.va_nominal[:, t], 0.0)
        stock = va_nominal[at, sector]
        share = np.divide(va, stock, out=np.zeros(len(va)), where=stock > 0)
        project_gross = share[:, None] * gross_taxes[at, sector, :]                                  # (F1)-(F4)
        _, _, project_city = tax_sharing.city_level_taxes(project_gross, f.local_share,
                                                         model.province_take_by_city[at])           # (F5)-(F6)
        n_external_origins = len(transfer.p.origins)
        origin = book.origin.astype(np.int64)
        return ActivityTable(
            host=np.where(valid, host, -1), park=book.park.astype(np.int64),
            origin=np.where(origin >= n_external_origins, origin - n_external_origins, -1),
            referral=book.referral.astype(np.int64), sector=sector,
            full_production_year=book.full_production_year.astype(np.int64),
            is_government_led=book.is_government_led.copy(),
            value_added_nominal=va, investment_nominal=np.where(valid, book.spending_nominal[:, t], 0.0),
            city_taxes=project_city, base_city_taxes=np.zeros_like(project_city),
            pre_move_taxes=np.zeros(len(va)), pre_move_gross_annual=np.zeros(len(va)),
        )

    def _candidates(self, projects: ActivityTable) -> np.ndarray:
        """Rows some agreement may select this year and that have something to share.

        Background (unit-sector) activity has no park, origin or referral, so no selector of (S3) picks it,
        and rows with zero taxes, value added and investment transfer nothing; leaving both out of the
        mechanisms' ``[agreement, row]`` arrays changes no amount (the mechanisms work row by row) and keeps
        the run fast. The cap state is kept per book row and passed for the candidate rows only.
        """
        a = self.agreements
        host = projects.host
        located = host >= 0
        has_amount = ((projects.value_added_nominal > 0) | (projects.investment_nominal > 0)
                      | (projects.city_taxes > 0).any(axis=1))
        parks = a.park[a.kind == tax_sharing.KIND_PARK]
        selectable = np.isin(projects.park, parks[parks >= 0]) & (projects.park >= 0)
        if np.any(a.kind != tax_sharing.KIND_PARK):
            selectable |= (((projects.origin >= 0) & (projects.origin != host))
                           | ((projects.referral >= 0) & (projects.referral != host)))
        return np.flatnonzero(located & has_amount & selectable)

    # ------------------------------------------------------------------ the year
    def year(
        self, year: int, va_nominal: np.ndarray, gross_taxes: np.ndarray, tax_city: np.ndarray,
        private_fai: np.ndarray, price_index: float, investment_share: np.ndarray,
    ) -> FiscalYear:
        """(S1)-(S8), (D1)-(D5) and (B1)-(B9) for ``year``.

        Parameters
        ----------
        va_nominal : [unit, sector] value added, 亿元 current prices.
        gross_taxes : [unit, sector, tax] gross taxes (F1-F4).
        tax_city : [unit, tax] city-level revenue where collected (F5-F6).
        private_fai : [unit, sector] incumbents' gross fixed investment of the year, 亿元 current prices.
        investment_share : [unit] s_G of the city agents (F8).
        """
        p, a = self.p, self.agreements
        rng = self.model.streams["sharing"]
        enforced = tax_sharing.enforcement_draws(a.enforcement_probability, a.group, rng)      # (S4)
        honoured = tax_sharing.enforcement_draws(a.stat_honour_probability, a.group, rng)      # (D2)
        projects = self._projects(year, va_nominal, gross_taxes)
        located = projects.host >= 0
        n_q = len(tax_sharing.STAT_QUANTITIES)
        # official (在地) totals (D1): GDP, industrial VA, FAI of incumbents and projects
        project_fai = np.bincount(projects.host[located], weights=projects.investment_nominal[located],
                                  minlength=self.n_units)
        official = np.stack([va_nominal.sum(axis=1), va_nominal[:, self.is_industry].sum(axis=1),
                             private_fai.sum(axis=1) + project_fai], axis=1)
        paid = received = to_external = np.zeros(self.n_units)
        credited, stats_to_external = official, np.zeros((self.n_units, n_q))
        if self.has_agreements:
            self.cumulative = tax_sharing.pad_cumulative(self.cumulative, a.n_agreements, projects.n_rows)
            rows = self._candidates(projects)
            if len(rows):
                subset = ActivityTable(*(getattr(projects, f.name)[rows] for f in fields(ActivityTable)))
                start = self.cumulative[:, rows]
                taxes = tax_sharing.share_taxes(subset, a, year, start, enforced, self.n_units, self.n_external)
                stats = stats_sharing.split_statistics(subset, a, year, start, honoured, self.is_industry,
                                                       self.n_units, self.n_external, official=official)
                self.cumulative[:, rows] = taxes.cumulative_paid
                paid, received = taxes.paid.sum(axis=1), taxes.received.sum(axis=1)
                ledger = taxes.ledger
                external_rows = ledger.to_unit < 0
                to_external = np.bincount(ledger.from_unit[external_rows], weights=ledger.amount[external_rows],
                                          minlength=self.n_units)
                credited = stats.credited
                s_ledger = stats.ledger
                s_external = s_ledger.to_unit < 0
                np.add.at(stats_to_external, (s_ledger.from_unit[s_external], s_ledger.item[s_external]),
                          s_ledger.amount[s_external])
                if len(ledger):
                    self._parts.append((year, ledger))

        collected = tax_city.sum(axis=1)
        after_sharing = collected - paid + received                                              # (S8)
        incentive_cost = self._rebates(year, projects.city_taxes, projects.host) + self._land_cost
        out = budget.budget_year(after_sharing, investment_share, incentive_cost, self.debt, p.transfer_rate,
                                 p.interest_rate, p.debt_limit_to_revenue, p.park_land_share)       # (B1)-(B9)
        self.debt = out.debt
        # Official FAI includes the year's public investment (not split: no agreement selects it).
        fai_public = out.public_investment
        recorded = {
            "gdp_credited_nominal": credited[:, 0],
            "gdp_credited_to_external": stats_to_external[:, 0],
            "industry_va_credited_nominal": credited[:, 1],
            "fai_nominal": official[:, 2] + fai_public,
            "fai_credited_nominal": credited[:, 2] + fai_public,
            "tax_local_after_sharing": after_sharing,
            "sharing_paid": paid,
            "sharing_received": received,
            "sharing_to_external": to_external,
            "incentive_cost": out.incentive_cost,
            "budget_balance": out.balance,
            "debt": out.debt,
        }
        return FiscalYear(out.public_investment, out.infrastructure_investment, out.park_land_investment,
                          credited[:, 0], recorded)

    def base_year_record(self, va_nominal: np.ndarray, tax_city: np.ndarray, fai: np.ndarray) -> dict[str, np.ndarray]:
        """Base-year values: nothing shared or split yet, no incentives booked, balance 0 (assumption)."""
        zeros = np.zeros(self.n_units)
        collected = tax_city.sum(axis=1)
        return {
            "gdp_credited_nominal": va_nominal.sum(axis=1), "gdp_credited_to_external": zeros,
            "industry_va_credited_nominal": va_nominal[:, self.is_industry].sum(axis=1),
            "fai_nominal": fai, "fai_credited_nominal": fai, "tax_local_after_sharing": collected,
            "sharing_paid": zeros, "sharing_received": zeros, "sharing_to_external": zeros,
            "incentive_cost": zeros, "budget_balance": zeros, "debt": self.debt.copy(),
        }

    def record(self) -> SharingRecord:
        """The run's ledger as flat columns."""
        ints = lambda name: (np.concatenate([getattr(l, name) for _, l in self._parts]).astype(np.int64)  # noqa: E731
                             if self._parts else np.zeros(0, dtype=np.int64))
        years = (np.concatenate([np.full(len(l), y, dtype=np.int64) for y, l in self._parts])
                 if self._parts else np.zeros(0, dtype=np.int64))
        amount = np.concatenate([l.amount for _, l in self._parts]) if self._parts else np.zeros(0)
        return SharingRecord(
            agreement_ids=self.agreements.ids, external_partners=self.p.external_partners, year=years,
            agreement=ints("agreement"), tax=ints("item"), from_unit=ints("from_unit"), to_unit=ints("to_unit"),
            to_external=ints("to_external"), amount=amount,
        )
