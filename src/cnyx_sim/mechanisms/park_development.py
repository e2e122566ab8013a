"""Parks that grow: joint land development of co-built parks, funded on the parks' sharing terms (ODD 7.20).

A co-built park (合作园区, 飞地) opens with its land capacity A_k,0 (亩, T6). When projects have taken most of
its free land, its host and partners develop more (征地、七通一平) through the park's joint company, each
paying its share of the cost, and the land is ready for projects L years later. For park k in year t (k open
in t), with F_k,t the park's free land after this year's location choice (T6), Q_k,t the land ordered and not
yet delivered, A_k,t the land delivered so far (initial capacity included):

    (PD1) Delta_k,t = clip(rho A_k,t - F_k,t - Q_k,t, 0, max(0, min(gamma A_k,t, m A_k,0 - A_k,t - Q_k,t)))
          development order, 亩: restore the free land (counting what is on its way) to the reserve share rho of
          the developed area, at most a share gamma of it per year, never beyond the planned area m A_k,0
    (PD2) C_k,t = c_L P_t Delta_k,t
          cost, 亿元 current prices (c_L: cost of serviced park land per 亩 at 2021 prices, P_t the price index)
    (PD3) w_k,i = sigma_a,i for each partner i of the park's tax-sharing agreements a in force in t (S5's split,
          already divided between several partners), w_k,host = 1 - sum_i w_k,i
          contribution shares = shares of the park's tax revenue (funding rule ``sharing_terms``); the scenario
          may say otherwise: ``host_only`` (w_k,host = 1) or ``equal`` (1 / (1 + n_k) for the host and each of
          the n_k partners); a park without an agreement in force is funded by its host alone
    (PD4) X_i,t = sum_k w_k,i C_k,t        contribution of party i (a unit or an external partner), 亿元
          conservation: sum_units X_u,t + sum_external X_e,t = sum_k C_k,t
    (PD5) units pay X_u,t out of their budgets as a committed outlay: planned deficit (B6) + X_u,t, balance
          (B8) - X_u,t; public investment is cut first to keep debt within the limit (B7)
    (PD6) F_k,t+L += Delta_k,t,  A_k,t+L += Delta_k,t   (the land is ready for the location choice of t + L)

Everything here is deterministic: the growth follows what the projects' own random choices (T6) left free.
"""

from __future__ import annotations

import numpy as np

FloatArray = np.ndarray

#: Funding rules of (PD3).
FUNDING_RULES: tuple[str, ...] = ("sharing_terms", "host_only", "equal")


def development_orders(free_land: FloatArray, pipeline: FloatArray, developed: FloatArray,
                       initial_capacity: FloatArray, is_open: np.ndarray, reserve_share: float,
                       max_growth: float, max_multiple: float) -> FloatArray:
    """(PD1): ``[park]`` 亩 of land ordered this year.

    Parameters
    ----------
    free_land : [park] F, 亩 free after this year's location choice.
    pipeline : [park] Q, 亩 ordered in earlier years and not yet delivered.
    developed : [park] A, 亩 delivered so far (the initial capacity included).
    initial_capacity : [park] A_0, 亩.
    is_open : [park] bool, the park takes projects this year.
    reserve_share : rho, free land the park keeps as a share of its developed area.
    max_growth : gamma, largest order as a share of the developed area, 1/yr.
    max_multiple : m, planned area as a multiple of the initial capacity.
    """
    developed = np.asarray(developed, dtype=float)
    pipeline = np.asarray(pipeline, dtype=float)
    gap = reserve_share * developed - np.asarray(free_land, dtype=float) - pipeline
    ceiling = np.maximum(np.minimum(max_growth * developed,
                                    max_multiple * np.asarray(initial_capacity, dtype=float) - developed - pipeline),
                         0.0)
    return np.where(np.asarray(is_open, dtype=bool), np.clip(gap, 0.0, ceiling), 0.0)


def contribution_shares(host: np.ndarray, n_units: int, n_external: int, agreement_park: np.ndarray,
                        agreement_partner_unit: np.ndarray, agreement_partner_external: np.ndarray,
                        agreement_split: FloatArray, agreement_in_force: np.ndarray, park_partners: list,
                        rule: str) -> FloatArray:
    """(PD3): ``[park, unit + external]`` contribution shares; each park's row sums to 1.

    Parameters
    ----------
    host : [park] int, host unit.
    n_units, n_external : parties are the units, then the external partners (kunshan, guangzhou).
    agreement_park : [row] int, park of a park agreement's row (-1 for rule agreements).
    agreement_partner_unit, agreement_partner_external : [row] int, the row's partner (-1 = none of that kind).
    agreement_split : [row] sigma of the row (S5; split equally between a park's partners).
    agreement_in_force : [row] bool, the agreement is in force this year.
    park_partners : [park] list of party positions (units, then n_units + external index), for ``equal``.
    rule : one of ``FUNDING_RULES``.
    """
    n_parks = len(host)
    shares = np.zeros((n_parks, n_units + n_external))
    if rule == "equal":
        for k in range(n_parks):
            parties = [int(host[k])] + [int(i) for i in park_partners[k]]
            np.add.at(shares[k], parties, 1.0 / len(parties))
        return shares
    if rule == "sharing_terms":
        park = np.asarray(agreement_park, dtype=int)
        rows = np.flatnonzero((park >= 0) & np.asarray(agreement_in_force, dtype=bool))
        for r in rows:
            unit, external = int(agreement_partner_unit[r]), int(agreement_partner_external[r])
            party = unit if unit >= 0 else n_units + external if external >= 0 else -1
            if party >= 0:
                shares[park[r], party] += float(agreement_split[r])
        # overlapping agreements of one park never give away more than everything (as S7 scales them)
        total = shares.sum(axis=1, keepdims=True)
        shares = np.where(total > 1.0, shares / np.where(total > 0, total, 1.0), shares)
    elif rule != "host_only":
        raise ValueError(f"unknown funding rule {rule!r}; expected one of {FUNDING_RULES}")
    shares[np.arange(n_parks), np.asarray(host, dtype=int)] += 1.0 - shares.sum(axis=1)
    return shares


def contributions(cost: FloatArray, shares: FloatArray) -> FloatArray:
    """(PD4): ``[unit + external]`` contributions, 亿元: ``cost`` [park] (PD2) times the shares of (PD3)."""
    return np.asarray(cost, dtype=float) @ np.asarray(shares, dtype=float)
