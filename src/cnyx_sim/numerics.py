"""Numerical problems inside a run as one located error naming the suspect parameter (issue 12, item 3).

A run executes under ``numpy.errstate`` that turns overflow, division by zero and invalid operations into
exceptions instead of a stream of ``RuntimeWarning`` s and silently non-finite results. :func:`numerical_guard`
catches them (and numpy's refusal of a Poisson mean that is too large), finds the submodel where it happened
from the traceback (the innermost frame in ``cnyx_sim.mechanisms`` or ``cnyx_sim.core``) and the simulated
year, and raises one :class:`ScenarioError` located at the scenario parameter most likely responsible: the
first parameter of that submodel's list (:data:`SUSPECTS`) that the scenario file sets, else the first of the
list. Validation's plausibility bounds keep this rare; the guard makes the rare case readable.

Underflow is not an error (an exponential that underflows to 0 is a correct probability).
"""

from __future__ import annotations

import contextlib
import os
import traceback
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from cnyx_sim.scenario.errors import ScenarioError
from cnyx_sim.scenario.yaml_io import scenario_error_at

if TYPE_CHECKING:
    from cnyx_sim.scenario.load import LoadedScenario

__all__ = ["SUSPECTS", "numerical_guard"]

#: Submodule (file stem under mechanisms/ or core/) -> scenario parameters that drive it, most suspect first.
SUSPECTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "production": (("production", "tfp_initial_growth"), ("production", "tfp_long_run_growth"),
                   ("production", "tfp_convergence_half_life"), ("production", "tfp_shock_sd"),
                   ("production", "capital_share"), ("production", "localisation_elasticity"),
                   ("production", "public_capital_elasticity")),
    "capital": (("capital", "investment_rate"), ("capital", "return_sensitivity"), ("capital", "capital_output_ratio"),
                ("capital", "depreciation_rate")),
    "labour": (("labour", "relative_labour_intensity"), ("labour", "reallocation_speed"),
               ("labour", "employment_rate")),
    "population": (("population", "wage_elasticity"), ("population", "mobile_share"),
                   ("population", "external_wage_premium"), ("population", "external_real_wage_growth"),
                   ("population", "natural_growth_rate"), ("population", "border_penalty")),
    "prices": (("macro", "deflator_growth"),),
    "fiscal": (("fiscal", "public_investment_adjustment"), ("fiscal", "growth_target"),
               ("fiscal", "vat_rate_effective"), ("fiscal", "profit_share")),
    "transfer": (("transfer", "arrival_rate"), ("transfer", "wage_push_elasticity"),
                 ("transfer", "land_push_elasticity"), ("transfer", "origin_land_cost_growth"),
                 ("transfer", "mean_size"), ("transfer", "size_log_sd"), ("transfer", "beta_cluster"),
                 ("transfer", "beta_wage"), ("transfer", "nest_parameter"), ("transfer", "relocation_sensitivity")),
    "projects": (("transfer", "arrival_rate"), ("transfer", "wage_push_elasticity"),
                 ("transfer", "land_push_elasticity"), ("transfer", "origin_land_cost_growth"),
                 ("transfer", "mean_size"), ("transfer", "sector_weights")),
    "infrastructure": (("infrastructure", "external_mass"), ("infrastructure", "access_decay")),
    "incentives": (("incentives", "adjustment"), ("incentives", "land_discount")),
    "budget": (("budget", "transfer_rate"), ("budget", "interest_rate"), ("budget", "debt_limit_to_revenue")),
    "tax_sharing": (("sharing", "agreements"),),
    "stats_sharing": (("sharing", "agreements"),),
    "sharing": (("sharing", "agreements"), ("budget", "transfer_rate")),
}
#: Submodel named when the traceback does not reach one.
_FALLBACK = "production"
#: Scenario sections that hold model parameters (where a numerical failure can come from).
_PARAMETER_SECTIONS = frozenset({"macro", "production", "capital", "labour", "population", "fiscal", "transfer",
                                 "parks", "incentives", "infrastructure", "sharing", "statistics", "budget"})


def _where(exc: BaseException) -> tuple[str, str, int | None]:
    """(submodule stem, ``file:line``, simulated year or None) of the innermost model frame."""
    stem, location, year = _FALLBACK, "", None
    for frame, line in traceback.walk_tb(exc.__traceback__):
        parts = os.path.normpath(frame.f_code.co_filename).split(os.sep)
        if "cnyx_sim" not in parts or not ({"mechanisms", "core"} & set(parts)):
            continue
        stem = os.path.splitext(parts[-1])[0]
        location = f"{parts[-1]}:{line}"
        value = frame.f_locals.get("year")
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            year = int(value)
    return stem, location, year


def _suspect(loaded: "LoadedScenario", stem: str) -> tuple[str, ...]:
    """The first suspect the named scenario file writes, else one a parent file writes, else the first. A
    failure in the schedule itself (``core/model.py``) has no submodel: the first parameter the named file
    writes is named (the user's own change is the likeliest cause)."""
    origin = loaded.doc.origin
    if stem not in SUSPECTS:
        own = sorted((line or 0, path[:2]) for path, (file, line) in origin.items()
                     if file == loaded.doc.path and len(path) >= 2 and path[0] in _PARAMETER_SECTIONS)
        if own:
            return own[0][1]
    candidates = SUSPECTS.get(stem) or SUSPECTS[_FALLBACK]
    for files in ({loaded.doc.path}, set(loaded.doc.files)):
        written = {path[:2] for path, (file, _) in origin.items() if file in files}
        found = next((key for key in candidates if key in written), None)
        if found is not None:
            return found
    return candidates[0]


def _is_numerical(exc: BaseException) -> bool:
    if isinstance(exc, (FloatingPointError, OverflowError, ZeroDivisionError)):
        return True
    # numpy's Generator refuses a Poisson mean above ~1e19 with a ValueError ("lam value too large").
    return isinstance(exc, ValueError) and "lam value too large" in str(exc)


def located_numerical_error(exc: BaseException, loaded: "LoadedScenario") -> ScenarioError:
    """The one-line error for a numerical failure ``exc`` of a run of ``loaded``."""
    stem, location, year = _where(exc)
    key = _suspect(loaded, stem)
    when = f" in {year}" if year is not None else ""
    what = str(exc).split("\n")[0][:40] or type(exc).__name__
    hint = f"check this and the other {key[0]} parameters" if stem in SUSPECTS else "check the parameters changed"
    return scenario_error_at(loaded.doc, key, f"the run failed numerically{when} ({what} at {location or stem}); "
                                              f"{hint}")


@contextlib.contextmanager
def numerical_guard(loaded: "LoadedScenario") -> Iterator[None]:
    """Run the body with floating-point errors raised; turn them into a located :class:`ScenarioError`."""
    try:
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            yield
    except Exception as exc:
        if not _is_numerical(exc):
            raise
        raise located_numerical_error(exc, loaded) from None
