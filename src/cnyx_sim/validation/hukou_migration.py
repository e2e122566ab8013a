"""Stylised experiment: migration response to a hukou-style reform (docs/model.md 7.14, PS2).

No published elasticity of migration to wage gaps was found (evidence.md §8: "Not found"), so the migration
experiment uses the one quasi-experimental estimate at hand: An & Yan (2024), hukou reform raised a city's
migrants by 1.5 % (DiD, CFPS). Design: the baseline run twice per run index with common random numbers, without
and with the region's pull raised by ln(1.015) = 0.015 utils from 2024 (PS2, no border change); the measure is
the % change of the region's gross in-migration from outside (Σ units' ``migration_in_external``: from 成都,
重庆主城 and the east coast), mean over 2024-2030, wage and population feedbacks included. A region-wide pull
makes the region the "reformed city" of the published design, so its migrants are those from outside; moves
between the region's units do not gain against staying (every unit and the stay option rise together).

This is a consistency check, not an independent test: ``scenarios/public_service_integration.yaml`` sizes its
pull from the same estimate, so the experiment checks that the pull, passed through the logit (N2-N3) and the
model's feedbacks, gives back the published effect. Tolerance: the published point +/- 50 %.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from cnyx_sim.validation import Effect, Experiment, Published, Tolerance, register

START, END = 2024, 2030
PULL = round(math.log(1.015), 6)


@lru_cache(maxsize=4)
def paired_changes(runs: int) -> dict[str, np.ndarray]:
    """``[run]`` % changes, pull vs none, mean over START..END, of the region's gross migration from outside
    (``inflow``) and to outside (``outflow``)."""
    from cnyx_sim.api import prepare
    from cnyx_sim.runner import release_finished_models, simulate

    base = prepare("baseline", overrides={"public_services.region_pull": 0.0,
                                          "public_services.border_friction_removed": 0.0})
    pulled = prepare("baseline", overrides={"public_services.region_pull": {2022: 0.0, START: PULL},
                                            "public_services.border_friction_removed": 0.0})
    years = slice(START - base.params.start_year, END - base.params.start_year + 1)
    out = {"inflow": np.zeros(runs), "outflow": np.zeros(runs)}
    for run in range(runs):
        flows = []
        for prepared in (pulled, base):
            rec = simulate(prepared.calibration.base, prepared.params, prepared.seed, run).recorder
            flows.append({name: rec.by_city[f"migration_{name[:-4]}_external"][years].sum(axis=1)
                          for name in ("inflow", "outflow")})
            release_finished_models()
        for name in out:
            out[name][run] = 100.0 * float(np.mean(flows[0][name] / flows[1][name] - 1.0))
    return out


def migrants(runs: int) -> Effect:
    changes = paired_changes(runs)
    return Effect.of(changes["inflow"], note=f"pull ln(1.015) from {START}, mean {START}-{END}; outflow to outside "
                                             f"{np.median(changes['outflow']):+.2f} % (median)")


_AN_YAN = Published(1.5, None, None, "%", "An & Yan (2024): hukou reform raised a city's migrants by 1.5 % (DiD, CFPS; "
                    "evidence.md §8)")

register(Experiment("hukou_migrants", "Hukou-style pull: the region's in-migration (consistency check)",
                    f"region pull ln(1.015) = {PULL} utils from {START} (PS2), paired runs",
                    f"% change of the region's gross in-migration from outside, mean {START}-{END}", _AN_YAN,
                    Tolerance.from_published(_AN_YAN), migrants))
