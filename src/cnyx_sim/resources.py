"""The data and scenarios that ship with cnyx_sim: where they are, and bundled scenarios by name.

The repository's top-level ``calibration/`` and ``scenarios/`` folders are the single source of both. A wheel
carries copies of them under ``cnyx_sim/_bundled/`` (made at build time by ``setup.py``'s ``build_py``; never
committed), read here through :mod:`importlib.resources`. In a source or editable checkout there is no
``_bundled`` folder and the repository folders are used directly, so an edit there takes effect at once.

A scenario argument (``cnyx-sim run baseline``, ``cnyx_sim.run("baseline")``) is a file path when such a file
exists; otherwise a bare name (``baseline`` or ``baseline.yaml``) is looked up among the bundled scenarios.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

#: Folder inside the installed package that holds the build-time copies.
BUNDLE = "_bundled"
CALIBRATION = "calibration"
SCENARIOS = "scenarios"


def _bundled(name: str) -> Path | None:
    root = resources.files("cnyx_sim") / BUNDLE / name
    # Wheels are unpacked on a file system, so the traversable is a real folder; a zipped install (not
    # supported by pip) would fall through to the checkout lookup and then to the error below.
    if root.is_dir() and Path(str(root)).is_dir():
        return Path(str(root))
    return None


def _checkout(name: str) -> Path | None:
    # src/cnyx_sim/resources.py -> the repository root, when running from a source or editable checkout.
    root = Path(__file__).resolve().parents[2]
    folder = root / name
    if folder.is_dir() and (root / "pyproject.toml").is_file():
        return folder
    return None


def data_folder(name: str) -> Path:
    """The bundled copy of the top-level folder ``name`` (``calibration`` or ``scenarios``)."""
    folder = _bundled(name) or _checkout(name)
    if folder is None:
        raise FileNotFoundError(f"cnyx_sim is installed without its {name}/ folder (a broken install?); "
                                f"reinstall the package")
    return folder


def calibration_dir() -> Path:
    """The shipped calibration folder (regions.csv, sectors.csv, base_year_2021.csv, travel times)."""
    return data_folder(CALIBRATION)


def scenarios_dir() -> Path:
    """The shipped scenario folder (``*.yaml``, ``sweeps/*.yaml``)."""
    return data_folder(SCENARIOS)


@dataclass(frozen=True)
class BundledScenario:
    """A scenario shipped with the package."""

    name: str  # the file stem, which is what ``cnyx-sim run NAME`` takes
    path: Path
    description: str


def bundled_scenario_paths() -> dict[str, Path]:
    """File stem -> path of every bundled scenario (top level only; sweeps are not scenarios)."""
    return {p.stem: p for p in sorted(scenarios_dir().glob("*.yaml"))}


def bundled_sweep_paths() -> dict[str, Path]:
    """File stem -> path of every bundled sweep file (``scenarios/sweeps/*.yaml``)."""
    return {p.stem: p for p in sorted((scenarios_dir() / "sweeps").glob("*.yaml"))}


def list_scenarios() -> list[BundledScenario]:
    """Every bundled scenario with its description (after ``extends``), in name order.

    The files are parsed, not validated (``cnyx-sim validate`` does that): resources sits below the loader,
    which reads the default calibration folder from here, so importing the loader would be an import cycle.
    """
    from cnyx_sim.scenario.yaml_io import resolve_extends

    out = []
    for name, path in bundled_scenario_paths().items():
        description = resolve_extends(path).data.get("description", "")
        out.append(BundledScenario(name, path, " ".join(str(description).split())))
    return out


def _looks_like_a_name(text: str) -> bool:
    return os.sep not in text and "/" not in text and (Path(text).suffix in ("", ".yaml", ".yml"))


def resolve_scenario(scenario: str | os.PathLike[str]) -> Path:
    """A scenario file path: ``scenario`` itself when it is an existing file, else the bundled scenario of
    that name. An unknown bare name raises :class:`ScenarioError` listing the bundled names; a path that
    does not exist is returned unchanged (loading it then reports the missing file as before)."""
    path = Path(scenario)
    if path.is_file():
        return path
    text = os.fspath(scenario)
    if not _looks_like_a_name(text):
        return path
    paths = bundled_scenario_paths()
    stem = Path(text).stem if Path(text).suffix in (".yaml", ".yml") else text
    if stem in paths:
        return paths[stem]
    from cnyx_sim.scenario.errors import ScenarioError

    raise ScenarioError(text, (), None, "no such file, and not a bundled scenario; bundled: "
                        + ", ".join(paths) + " (cnyx-sim scenarios lists them)")


def resolve_sweep(sweep: str | os.PathLike[str]) -> Path:
    """Like :func:`resolve_scenario` for sweep files (``scenarios/sweeps/``)."""
    path = Path(sweep)
    if path.is_file():
        return path
    text = os.fspath(sweep)
    if not _looks_like_a_name(text):
        return path
    stem = Path(text).stem
    paths = bundled_sweep_paths()
    if stem in paths:
        return paths[stem]
    from cnyx_sim.scenario.errors import ScenarioError

    raise ScenarioError(text, (), None, "no such file, and not a bundled sweep; bundled: " + ", ".join(paths))


#: Appended to the copied baseline.yaml by :func:`init_workspace`, so every copied scenario (they all extend
#: the baseline) reads the copied calibration folder, which the user may then edit.
_CALIBRATION_REFERENCE = """
# Added by `cnyx-sim init`: the calibration data these scenarios read (relative to this file). Every scenario
# here extends baseline.yaml and inherits it; edit ../calibration/ or point this at another folder.
data:
  calibration_dir: ../calibration
"""


def init_workspace(dest: str | os.PathLike[str], force: bool = False) -> list[Path]:
    """Copy the bundled scenarios (with sweeps) and calibration data into ``dest`` for editing.

    Writes ``dest/scenarios/`` and ``dest/calibration/``; the copied ``baseline.yaml`` names
    ``../calibration`` as its calibration folder. Refuses (``FileExistsError``) when either folder exists
    and is not empty, unless ``force``. Returns the folders written.
    """
    import shutil
    import tempfile

    from cnyx_sim.scenario.yaml_io import load_yaml_file

    dest = Path(dest)
    targets = {SCENARIOS: dest / SCENARIOS, CALIBRATION: dest / CALIBRATION}
    for folder in targets.values():
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())) and not force:
            raise FileExistsError(f"{folder} exists and is not empty (use --force to replace it)")
    dest.mkdir(parents=True, exist_ok=True)
    # Copy into a staging folder first, so a failure leaves nothing half-written.
    staging = Path(tempfile.mkdtemp(prefix=".cnyx-init.", dir=dest))
    try:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
        shutil.copytree(scenarios_dir(), staging / SCENARIOS, ignore=ignore)
        shutil.copytree(calibration_dir(), staging / CALIBRATION, ignore=ignore)
        baseline = staging / SCENARIOS / "baseline.yaml"
        if baseline.is_file() and "data" not in load_yaml_file(baseline)[0]:
            with baseline.open("a", encoding="utf-8") as handle:
                handle.write(_CALIBRATION_REFERENCE)
        for name, folder in targets.items():
            if folder.exists():
                shutil.rmtree(folder) if folder.is_dir() else folder.unlink()
            os.replace(staging / name, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return list(targets.values())
