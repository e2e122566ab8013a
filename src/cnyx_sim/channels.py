"""Channel registry: each behavioural channel of the model and the scenario key paths it owns (issue 10).

A channel is identified by the prefixes of the scenario key paths (dotted, as in overrides) that switch and
size it. Comparing a variant with a base, a channel's switch is "on" when the run takes the variant's values
at every key under the channel's prefixes and "off" when it takes the base's; the exact Shapley decomposition
(``cnyx-sim decompose``) runs every on/off combination with common random numbers. A key path belongs to at
most one channel; key paths of no channel are the same in every combination (the variant's).

One entry per line, alphabetical, so that channels added on different branches merge without conflict.
"""

from __future__ import annotations

#: channel name -> scenario key-path prefixes it owns (docs/model.md 7.13-7.16 for these channels).
CHANNELS: dict[str, tuple[str, ...]] = {
    "competition": ("competition.",),
    "ecology": ("ecology.",),
    "market_access": ("market_access.",),
    "opening_up": ("opening.",),
    "parks_growth": ("park_development.",),
    "public_services": ("public_services.",),
    "relocation": ("relocation.",),
}


def channel_of(key_path: str) -> str | None:
    """The channel that owns a dotted scenario key path (``"market_access.border_cost_removed"``), or None."""
    for name, prefixes in CHANNELS.items():
        if any(key_path.startswith(prefix) or key_path == prefix.rstrip(".") for prefix in prefixes):
            return name
    return None
