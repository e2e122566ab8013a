"""Tax sharing, statistics splitting and city budgets inside the model (ODD 7.10-7.12).

:class:`SharingEngine` wires the pure mechanisms (``mechanisms.tax_sharing`` S1-S8,
``mechanisms.stats_sharing`` D1-D5, ``mechanisms.budget`` B1-B9) into the yearly schedule. It is built from
the parameters, the geography and the ``sharing`` random stream; ``book_arrivals`` and ``year`` take the
year's inputs explicitly and return what the block produced. Its own state is what the agreements remember:
the cap state per agreement and project, the rebate rate each project got, and the ledger so far.

1. Activities of the year: one row per project of the project book with value added or spending this year
   (the agreements' cumulative-paid state ``[agreement, book row]`` stays aligned as the append-only book
   grows; rows with nothing this year would change no amount). The
   rest of a unit's economy (its city-sector totals minus the project parts; project value added is inside
   city value added) has no park, origin or referral, so no selector of (S3) can pick it: it enters only
   the official totals.
2. Gross taxes of every row at its sector's rates (F1-F4, the project's capital share of its city-sector),
   city-level parts by (F5)-(F6) with the province take of the row's host.
3. Draws from the ``sharing`` stream, in this order: tax enforcement (S4), then statistics honoured (D2).
4. ``share_taxes`` and ``split_statistics`` with the same start-of-year cumulative state; then the state
   is updated.
5. Incentive costs of the host (the budget cost of T8-T9 packages): rebates = the rebate rate the project
   got at arrival (capped by this year's T8 ceiling: zero under the 2024-08 regime unless authorised) times
   its city-level taxes, for ``rebate_years`` after arrival; land discounts = discount x land price x land
   need, once, at arrival (``book_arrivals``).
6. ``budget_year`` on the after-sharing revenue: public investment (infrastructure part productive from
   next year by F7, park-land part adds park land), balance and debt.

No I/O; randomness only from the ``sharing`` stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnyx_sim.core.params import TAXES, ModelParams, SharingParams
from cnyx_sim.core.projects import ProjectBook
from cnyx_sim.core.state import FloatArray, Geography
from cnyx_sim.mechanisms import budget, incentives, relocation, stats_sharing, tax_sharing
from cnyx_sim.mechanisms.incentives import Package
from cnyx_sim.mechanisms.tax_sharing import ActivityTable, AgreementSet

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
    """What the block produced in one year, ``[unit]`` nominal 亿元 unless stated.

    Attributes
    ----------
    public_investment : IG (B7). infrastructure_investment : IP, builds public capital next year (B9).
    park_land_investment : IL, develops park land (B9). debt : year-end debt (B8).
    credited_gdp : GDP credited to the unit after statistics splits (D5).
    recorded : the ``SHARING_VARIABLES`` of the year, for the recorder.
    """

    public_investment: FloatArray
    infrastructure_investment: FloatArray
    park_land_investment: FloatArray
    debt: FloatArray
    credited_gdp: FloatArray
    recorded: dict[str, FloatArray]


def neutral_sharing_params(n_taxes: int) -> SharingParams:
    """The block switched off (``ModelParams.sharing is None``): no agreements, no debt, no borrowing limit,
    no park land, so (B1)-(B9) reduce to (F7) and credited = official."""
    return SharingParams(
        agreements=AgreementSet.empty(n_taxes), external_partners=(), agents_use_credited_gdp=False,
        transfer_rate=0.0, interest_rate=0.0, debt_limit_to_revenue=float("inf"), initial_debt_to_revenue=0.0,
        park_land_share=0.0, park_land_cost=1.0, land_price=0.0, rebate_years=0,
    )


class SharingEngine:
    """The fiscal block (ODD 7.10-7.12) of one run.

    Parameters
    ----------
    params : the run's parameters; ``params.sharing`` None runs the neutral block.
    geography : units, provinces (the province take of F6) and sectors (industry flags of D1).
    rng : the ``sharing`` stream (enforcement S4, then statistics honoured D2, each year).
    """

    def __init__(self, params: ModelParams, geography: Geography, rng: np.random.Generator) -> None:
        self.p: SharingParams = params.sharing if params.sharing is not None else neutral_sharing_params(len(TAXES))
        self.rng = rng
        self.n_units = geography.n_cities
        self.is_industry = np.asarray(geography.is_industry, dtype=bool)
        self.start = params.start_year
        self.local_share = params.fiscal.local_share
        self.province_take_by_city = params.fiscal.province_take[geography.city_province]
        # incentive regime (T8 rebate ceiling) and the number of external origins in the book's origin codes
        self.incentives = params.transfer.incentives if params.transfer is not None else None
        self.n_external_origins = len(params.transfer.origins) if params.transfer is not None else 0
        self.agreements = self.p.agreements
        # (C4): with incentive competition a share of the incentive cost comes out of public investment
        competition = params.competition
        self.incentive_funding_share = (competition.incentive_funding_share
                                        if competition is not None and competition.is_enabled else 0.0)
        self.n_external = len(self.p.external_partners)
        #: [agreement, row] cumulative amounts paid (S6 cap state); None before the first year.
        self.cumulative: np.ndarray | None = None
        self._cumulative_buffer: np.ndarray | None = None
        #: per project row: rebate rate of the package it got at arrival (T8).
        self.rebate_rate = np.zeros(0)
        self._parts: list[tuple[int, tax_sharing.TransferLedger]] = []

    def initial_debt(self, base_city_revenue: FloatArray) -> FloatArray:
        """``[unit]`` base-year debt, 亿元: ``initial_debt_to_revenue`` x base-year city revenue."""
        return self.p.initial_debt_to_revenue * np.asarray(base_city_revenue, dtype=float)

    # ------------------------------------------------------------------ incentives (cost of T8-T9 packages)
    def book_arrivals(
        self, book: ProjectBook, new_rows: np.ndarray, package: Package, price_index: float
    ) -> FloatArray:
        """Keep the rebate rate each new project of the book got (T8) and return the ``[unit]`` cost of the land
        discounts granted to them this year, 亿元 current prices (discount x land price x P x land need)."""
        host = book.host[new_rows].astype(np.int64)
        located = host >= 0
        rate = np.zeros(len(new_rows))
        rate[located] = package.tax_rebate[host[located]]
        self.rebate_rate = np.concatenate([self.rebate_rate, rate])
        cost = package.land_discount[host[located]] * self.p.land_price * price_index * book.land[new_rows][located]
        return np.bincount(host[located], weights=cost, minlength=self.n_units)

    def _rebates(self, year: int, project_city_taxes: np.ndarray, host: np.ndarray,
                 book: ProjectBook | None, rows: np.ndarray) -> np.ndarray:
        """``[unit]`` rebates paid this year on the city-level taxes of the book's ``rows``."""
        if book is None or len(host) == 0 or self.p.rebate_years <= 0:
            return np.zeros(self.n_units)
        if len(self.rebate_rate) != len(book):
            raise ValueError(f"{len(book)} projects in the book but {len(self.rebate_rate)} passed to book_arrivals")
        inc = self.incentives
        ceiling = incentives.rebate_ceiling(year, inc.regime_year, inc.max_tax_rebate, inc.authorised_until)
        age = year - book.year_arrived[rows]
        in_window = (host >= 0) & (age >= 0) & (age < self.p.rebate_years)
        rate = np.where(in_window, np.minimum(self.rebate_rate[rows], ceiling[np.maximum(host, 0)]), 0.0)
        paid = rate * np.maximum(project_city_taxes.sum(axis=1), 0.0)
        return np.bincount(np.maximum(host, 0), weights=paid, minlength=self.n_units)

    # ------------------------------------------------------------------ activities (S1)
    def _active_rows(self, year: int, book: ProjectBook | None) -> np.ndarray:
        """Book rows with value added or construction spending this year (in the region): the only rows with
        anything to tax, share, split or rebate; the others (outside option, abandoned, closed, not yet
        building) would enter every (S1)-(S8) and (D1)-(D5) array with zeros and change no amount."""
        if book is None or len(book) == 0:
            return np.zeros(0, dtype=np.int64)
        t = year - self.start
        return np.flatnonzero((book.host >= 0) & ((book.va_nominal[:, t] > 0) | (book.spending_nominal[:, t] > 0)))

    def _projects(self, year: int, va_nominal: np.ndarray, gross_taxes: np.ndarray,
                  book: ProjectBook | None, rows: np.ndarray) -> ActivityTable:
        """One activity row per active project of the book (``rows``), at its share of its city-sector (J2)."""
        if book is None or len(rows) == 0:
            return ActivityTable.empty(gross_taxes.shape[2])
        t = year - self.start
        host = book.host[rows].astype(np.int64)
        valid = host >= 0
        at = np.maximum(host, 0)
        sector = book.sector[rows].astype(np.int64)
        va = np.where(valid, book.va_nominal[rows, t], 0.0)
        stock = va_nominal[at, sector]
        share = np.divide(va, stock, out=np.zeros(len(va)), where=stock > 0)
        project_gross = share[:, None] * gross_taxes[at, sector, :]                                  # (F1)-(F4)
        _, _, project_city = tax_sharing.city_level_taxes(project_gross, self.local_share,
                                                         self.province_take_by_city[at])            # (F5)-(F6)
        origin = book.origin[rows].astype(np.int64)
        return ActivityTable(
            host=np.where(valid, host, -1), park=book.park[rows].astype(np.int64),
            origin=np.where(origin >= self.n_external_origins, origin - self.n_external_origins, -1),
            referral=book.referral[rows].astype(np.int64), sector=sector,
            full_production_year=book.full_production_year[rows].astype(np.int64),
            is_government_led=book.is_government_led[rows].copy(),
            value_added_nominal=va, investment_nominal=np.where(valid, book.spending_nominal[rows, t], 0.0),
            city_taxes=project_city, base_city_taxes=np.zeros_like(project_city),
            **self._pre_move(book.pre_move_tax[rows], project_gross, project_city),
        )

    @staticmethod
    def _pre_move(pre_move_tax: np.ndarray, project_gross: np.ndarray, project_city: np.ndarray) -> dict:
        """(R5) in the units of (S6) and 92号: the book keeps a relocated project's gross taxes of the years before
        its move (all taxes); its 三税 (VAT and CIT: business tax is gone since 2016) are that total times the
        project's VAT+CIT share of its gross taxes this year, and their city-level part (the cap basis) that
        times the city-level share of its VAT+CIT this year (F5-F6; same sector and rates, approximation)."""
        three = [TAXES.index("vat"), TAXES.index("cit")]
        gross = project_gross.sum(axis=1)
        gross_three = project_gross[:, three].sum(axis=1)
        three_share = np.divide(gross_three, gross, out=np.zeros_like(gross), where=gross > 0)
        city_share = np.divide(project_city[:, three].sum(axis=1), gross_three, out=np.zeros_like(gross),
                               where=gross_three > 0)
        pre_three = pre_move_tax * three_share
        return {"pre_move_taxes": pre_three * city_share,
                "pre_move_gross_annual": pre_three / relocation.PRE_MOVE_YEARS}

    def _candidates(self, projects: ActivityTable) -> np.ndarray:
        """Rows some agreement may select this year and that have something to share.

        Rows without a park, origin or referral are picked by no selector of (S3), and rows with zero taxes,
        value added and investment transfer nothing; leaving both out of the mechanisms' ``[agreement, row]``
        arrays changes no amount (the mechanisms work row by row) and keeps the run fast. The cap state is
        kept per book row and passed for the candidate rows only.
        """
        a = self.agreements
        host = projects.host
        located = host >= 0
        has_amount = ((projects.value_added_nominal > 0) | (projects.investment_nominal > 0)
                      | (projects.city_taxes > 0).any(axis=1))
        parks = a.park[a.kind == tax_sharing.KIND_PARK]
        parks = parks[parks >= 0]
        # a park with an agreement, by lookup (np.isin sorts every year); the last entry, never set, is park -1's
        has_agreement = np.zeros(max(int(projects.park.max(initial=-1)), int(parks.max(initial=-1))) + 2, dtype=bool)
        has_agreement[parks] = True
        selectable = has_agreement[projects.park] & (projects.park >= 0)
        if np.any(a.kind != tax_sharing.KIND_PARK):
            selectable |= (((projects.origin >= 0) & (projects.origin != host))
                           | ((projects.referral >= 0) & (projects.referral != host)))
        return np.flatnonzero(located & has_amount & selectable)

    def _padded_cumulative(self, n_agreements: int, n_rows: int) -> np.ndarray:
        """The cap state extended with zero columns to ``n_rows`` book rows (``tax_sharing.pad_cumulative``), as a
        view of a buffer that grows by doubling: copying the whole state every year, as the book grows, was a cost
        of its own. Columns past the rows of the state are zeros (the buffer starts at zeros; only rows of the
        state are written). The agreements are the run's and the book never shrinks."""
        buffer = self._cumulative_buffer
        if buffer is None or buffer.shape[1] < n_rows:
            grown = np.zeros((n_agreements, max(n_rows, 2 * (0 if buffer is None else buffer.shape[1]))))
            if self.cumulative is not None:
                grown[:, : self.cumulative.shape[1]] = self.cumulative
            self._cumulative_buffer = buffer = grown
        return buffer[:, :n_rows]

    # ------------------------------------------------------------------ the year
    def year(
        self, year: int, va_nominal: FloatArray, gross_taxes: FloatArray, tax_city: FloatArray,
        private_fai: FloatArray, investment_share: FloatArray, debt: FloatArray, land_discount_cost: FloatArray,
        book: ProjectBook | None, other_transfers: FloatArray | float = 0.0,
        park_contribution: FloatArray | float = 0.0,
    ) -> FiscalYear:
        """(S1)-(S8), (D1)-(D5) and (B1)-(B9) for ``year``.

        Parameters
        ----------
        va_nominal : [unit, sector] value added, 亿元 current prices.
        gross_taxes : [unit, sector, tax] gross taxes (F1-F4).
        tax_city : [unit, tax] city-level revenue where collected (F5-F6).
        private_fai : [unit, sector] incumbents' gross fixed investment of the year, 亿元 current prices.
        investment_share : [unit] s_G the city agents set (F8).
        debt : [unit] debt at the start of the year (B5, B7).
        land_discount_cost : [unit] land discounts granted to this year's arrivals (``book_arrivals``).
        book : the project book, its value added and spending of ``year`` already attributed, every row already
            passed to ``book_arrivals``; None without industrial transfer.
        other_transfers : [unit] net transfers between units outside tax sharing (ecological compensation, E6),
            added to the budget's revenue (B2).
        park_contribution : [unit] the units' contributions to park land development (PD4), a committed outlay of
            the budget (PD5, docs/model.md 7.20).
        """
        p, a = self.p, self.agreements
        enforced = tax_sharing.enforcement_draws(a.enforcement_probability, a.group, self.rng)   # (S4)
        honoured = tax_sharing.enforcement_draws(a.stat_honour_probability, a.group, self.rng)   # (D2)
        active = self._active_rows(year, book)
        projects = self._projects(year, va_nominal, gross_taxes, book, active)
        located = projects.host >= 0
        n_q = len(tax_sharing.STAT_QUANTITIES)
        # official (在地) totals (D1): GDP, industrial VA, FAI of incumbents and projects
        project_fai = np.bincount(projects.host[located], weights=projects.investment_nominal[located],
                                  minlength=self.n_units)
        official = np.stack([va_nominal.sum(axis=1), va_nominal[:, self.is_industry].sum(axis=1),
                             private_fai.sum(axis=1) + project_fai], axis=1)
        paid = received = to_external = np.zeros(self.n_units)
        credited, stats_to_external = official, np.zeros((self.n_units, n_q))
        if a.n_agreements > 0:
            self.cumulative = self._padded_cumulative(a.n_agreements, len(book) if book is not None else 0)
            rows = self._candidates(projects)
            if len(rows):
                subset = projects.take(rows)
                rows = active[rows]  # book rows: the cap state is kept per book row
                start = self.cumulative[:, rows]
                cover = tax_sharing.coverage(subset, a, year, start)  # (S3): the same for taxes and statistics
                taxes = tax_sharing.share_taxes(subset, a, year, start, enforced, self.n_units, self.n_external,
                                                year_coverage=cover)
                stats = stats_sharing.split_statistics(subset, a, year, start, honoured, self.is_industry,
                                                       self.n_units, self.n_external, official=official,
                                                       year_coverage=cover)
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
        incentive_cost = self._rebates(year, projects.city_taxes, projects.host, book, active) + land_discount_cost
        out = budget.budget_year(after_sharing, investment_share, incentive_cost, debt, p.transfer_rate,
                                 p.interest_rate, p.debt_limit_to_revenue, p.park_land_share,
                                 other_transfers, park_contribution=park_contribution,
                                 incentive_funding_share=self.incentive_funding_share)              # (B1)-(B9)
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
                          out.debt, credited[:, 0], recorded)

    def base_year_record(self, va_nominal: FloatArray, tax_city: FloatArray, fai: FloatArray,
                         debt: FloatArray) -> dict[str, FloatArray]:
        """Base-year values: nothing shared or split yet, no incentives booked, balance 0 (assumption)."""
        zeros = np.zeros(self.n_units)
        collected = tax_city.sum(axis=1)
        return {
            "gdp_credited_nominal": va_nominal.sum(axis=1), "gdp_credited_to_external": zeros,
            "industry_va_credited_nominal": va_nominal[:, self.is_industry].sum(axis=1),
            "fai_nominal": fai, "fai_credited_nominal": fai, "tax_local_after_sharing": collected,
            "sharing_paid": zeros, "sharing_received": zeros, "sharing_to_external": zeros,
            "incentive_cost": zeros, "budget_balance": zeros, "debt": debt.copy(),
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
