"""Exact Shapley attribution over channel switches (pure numpy; docs/decompose.md).

With K channels and the value ``v(S)`` of every coalition ``S`` of them (the outcome of a run of the base
scenario with the channels in ``S`` switched to the variant's settings), the Shapley value of channel ``i``
is (SH1)::

    phi_i = sum over S in K \\ {i} of  |S|! (K - |S| - 1)! / K!  x  (v(S + {i}) - v(S))

the average, over every order in which the channels could be switched on, of the change that switching
``i`` on makes. Efficiency (SH2): ``sum_i phi_i = v(K) - v({})`` exactly (up to floating-point rounding),
so the channels' contributions add up to the total difference variant - base, run by run. Symmetry (SH3):
two channels that change every coalition's value in the same way get the same value; an interaction
between channels is shared equally among them. A channel that changes no coalition's value gets 0 (SH4).

Coalitions are bit masks: bit ``i`` of the index is set when channel ``i`` is on; ``values[0]`` is the base,
``values[2**K - 1]`` the variant.
"""

from __future__ import annotations

from math import factorial

import numpy as np

__all__ = ["coalition_members", "shapley_values", "shapley_weights"]


def shapley_weights(k: int) -> np.ndarray:
    """``w[s] = s! (k - s - 1)! / k!`` for coalition sizes ``s = 0 .. k-1`` (SH1); they sum to 1 over the
    coalitions that exclude a given channel."""
    if k < 1:
        raise ValueError("a decomposition needs at least one channel")
    return np.array([factorial(s) * factorial(k - s - 1) / factorial(k) for s in range(k)])


def coalition_members(mask: int, k: int) -> tuple[int, ...]:
    """The channels (indices) switched on in coalition ``mask``."""
    return tuple(i for i in range(k) if mask >> i & 1)


def shapley_values(values: np.ndarray) -> np.ndarray:
    """Shapley values of the channels from the values of every coalition.

    ``values`` has shape ``(2**K, ...)``: the coalition (bit mask) first, then any shape of outcomes (runs,
    variables, years), each attributed separately. Returns shape ``(K, ...)``.
    """
    values = np.asarray(values, dtype=float)
    n = values.shape[0]
    k = n.bit_length() - 1
    if n < 2 or n != 1 << k:
        raise ValueError(f"expected the values of 2**K coalitions (K >= 1), got {n}")
    weights = shapley_weights(k)
    sizes = np.array([bin(mask).count("1") for mask in range(n)])
    phi = np.zeros((k,) + values.shape[1:])
    for i in range(k):
        bit = 1 << i
        for mask in range(n):
            if not mask & bit:
                phi[i] += weights[sizes[mask]] * (values[mask | bit] - values[mask])
    return phi
