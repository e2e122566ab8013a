"""Channel registry: each behavioural channel of the model and the scenario key paths it owns (issue 10).

A channel is identified by the prefixes of the scenario key paths (dotted, as in overrides) that switch and
size it. Comparing a variant with a base, a channel's switch is "on" when the run takes the variant's values
at every key under the channel's prefixes and "off" when it takes the base's; the exact Shapley decomposition
(``cnyx-sim decompose``) runs every on/off combination with common random numbers. A key path belongs to one
channel: the one with the longest matching prefix, so a more specific entry (``transfer.referral_``) takes
its keys from a broader one (``transfer.``). Key paths of no channel form the decomposition's ``other``
channel (cnyx_sim.decomposition.coalitions; ``targets`` are never switched: they score outcomes and no
mechanism reads them).

One entry per line, alphabetical, so that channels added on different branches merge without conflict.
"""

from __future__ import annotations

#: channel name -> scenario key-path prefixes it owns (docs/model.md 7.13-7.16 for the lever channels; the plan's
#: existing instruments: tax sharing 7.10, statistics splits 7.11, incentives, parks and transfer 7.7-7.9).
CHANNELS: dict[str, tuple[str, ...]] = {
    "competition": ("competition.",),
    "ecology": ("ecology.",),
    "incentives": ("incentives.",),
    "market_access": ("market_access.",),
    "opening_up": ("opening.",),
    "parks": ("parks.",),
    "parks_growth": ("park_development.",),
    "public_services": ("public_services.",),
    "relocation": ("relocation.",),
    "statistics": ("statistics.",),
    "tax_sharing": ("sharing.",),
    "transfer": ("transfer.",),
}


def channel_of(key_path: str) -> str | None:
    """The channel that owns a dotted scenario key path (``"market_access.border_cost_removed"``), or None.

    A prefix ending in a dot owns its section (``"sharing."`` owns ``sharing`` and ``sharing.enabled``); any
    other prefix owns the keys that start with it. The longest matching prefix wins.
    """
    best: tuple[int, str] | None = None
    for name, prefixes in CHANNELS.items():
        for prefix in prefixes:
            if key_path.startswith(prefix) or (prefix.endswith(".") and key_path == prefix[:-1]):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), name)
    return None if best is None else best[1]
