"""Files ``cnyx-sim calibrate`` writes into the calibration folder (all written atomically, together).

- ``fitted_<cutoff>.yaml``: a partial scenario with the fitted parameters and the provenance of the fit;
  ``scenarios/baseline.yaml`` extends it, so every shipped scenario runs on the fitted growth path.
- ``fitted_<cutoff>_draws.csv``: posterior draws as deviations from the fitted values (io/draws.py).
- ``fit_observations_<cutoff>.csv``: every observation of the fit with its fitted value and residual.

No timestamps: the same data and priors give the same files.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from cnyx_sim.calibrate.run import Calibrated
from cnyx_sim.core.state import SECTOR_GROUPS

DIGITS = 6


def fitted_name(cutoff: int) -> str:
    return f"fitted_{cutoff}.yaml"


def draws_name(cutoff: int) -> str:
    return f"fitted_{cutoff}_draws.csv"


def observations_name(cutoff: int) -> str:
    return f"fit_observations_{cutoff}.csv"


def _r(value: float, digits: int = DIGITS) -> float:
    return float(round(float(value), digits))


def fitted_document(c: Calibrated, version: str) -> dict[str, Any]:
    """The partial scenario (plain data) of a calibration."""
    geo = c.geography
    groups = [g for g in SECTOR_GROUPS if g in geo.sector_group]
    first = [geo.sector_group.index(g) for g in groups]
    result, shocks, premium = c.result, c.shocks, c.premium
    # by sector, so a sweep or override can address one sector (capital.investment_rate.electronics)
    investment_value: Any = {s: _r(v) for s, v in zip(geo.sectors.codes, np.asarray(c.investment_rate))}
    return {
        "name": f"fitted_{c.cutoff}",
        "description": (f"Growth parameters fitted by `cnyx-sim calibrate --cutoff {c.cutoff}` to observations up to "
                        f"{c.cutoff} (docs/model.md 5.6; calibration/report.md). Do not edit by hand: re-run the "
                        "command."),
        "calibration": {
            "cutoff": c.cutoff,
            "posterior_draws": draws_name(c.cutoff),
            "parameter_uncertainty": True,
            "provenance": {
                "command": f"cnyx-sim calibrate --cutoff {c.cutoff}",
                "package_version": version,
                "input_sha256": c.file_hashes,
                "start_year": c.info.start_year,
                "observations": int(len(c.info.observations)),
                "parameters": int(len(c.problem.names)),
                "optimiser": {"method": "scipy.optimize.least_squares trf", "status": result.status,
                              "message": result.message, "function_evaluations": result.nfev, "cost": _r(result.cost)},
                "parameters_at_bounds": list(result.at_bound),
                "shocks": {"years": list(shocks.years), "residuals": shocks.n_residuals},
                "above_scale_premium": {"published_gap": _r(premium.published_gap),
                                        "model_gap": _r(premium.model_gap), "pairs": int(len(premium.pairs))},
                "macro_vintage": c.macro.vintage,
                "posterior_draws": int(len(c.draws)),
            },
        },
        "macro": {
            "national_real_growth": c.macro.national_real_growth,
            "deflator_growth": c.macro.deflator_growth,
            "deflator_shock_sd": _r(shocks.deflator_sd),
        },
        "production": {
            "tfp_initial_growth": {
                unit: {g: _r(c.tfp_cutoff[i, s]) for g, s in zip(groups, first)}
                for i, unit in enumerate(geo.cities.codes)
            },
            "tfp_convergence_half_life": _r(c.half_life, 4),
            "tfp_shock_sd": 0.0,
            "common_shock_sd": _r(shocks.common_sd),
            "unit_shock_sd": _r(shocks.unit_sd),
        },
        "capital": {
            "investment_rate": investment_value,
            "capital_output_ratio": {
                unit: {s: _r(c.capital_output[i, j], 4) for j, s in enumerate(geo.sectors.codes)}
                for i, unit in enumerate(geo.cities.codes)
            },
        },
        "targets": {"above_scale_premium": _r(premium.value)},
    }


HEADER = """# Written by `cnyx-sim calibrate --cutoff {cutoff}` from the files of this folder: do not edit by hand.
# Growth parameters fitted to observations up to {cutoff} (docs/model.md 5.6); scenarios/baseline.yaml
# extends this file. Fit, validation and plain-words caveats: calibration/report.md.
"""


def fitted_yaml(c: Calibrated, version: str) -> str:
    body = yaml.safe_dump(fitted_document(c, version), sort_keys=False, allow_unicode=True,
                          default_flow_style=None, width=110)
    return HEADER.format(cutoff=c.cutoff) + body


def draws_csv(c: Calibrated) -> str:
    frame = c.deviations.copy()
    value_columns = [col for col in frame.columns if col != "draw"]
    frame[value_columns] = frame[value_columns].round(8)
    return frame.to_csv(index=False, lineterminator="\n")


def observations_csv(c: Calibrated) -> str:
    frame = c.info.observations.copy()
    frame["fitted"] = c.result.fitted
    frame["standardised_residual"] = (frame["value"] - frame["fitted"]) / frame["sd"]
    for column in ("value", "sd", "fitted", "standardised_residual"):
        frame[column] = frame[column].round(DIGITS)
    return frame.to_csv(index=False, lineterminator="\n")


def write_files(directory: Path, texts: dict[str, str]) -> list[Path]:
    """Write every ``name -> text`` into ``directory``: all temporary files first, then one rename each."""
    directory = Path(directory)
    staged = []
    try:
        for name, text in texts.items():
            handle, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            staged.append((Path(tmp), directory / name))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in staged:
        os.replace(tmp, target)
    return [target for _, target in staged]


def calibration_texts(c: Calibrated, version: str) -> dict[str, str]:
    return {
        fitted_name(c.cutoff): fitted_yaml(c, version),
        draws_name(c.cutoff): draws_csv(c),
        observations_name(c.cutoff): observations_csv(c),
    }
