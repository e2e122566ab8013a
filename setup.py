"""Build step that puts the data into the wheel (everything else is in pyproject.toml).

The repository's top-level ``calibration/`` and ``scenarios/`` folders are the single source of the shipped
data and scenarios (the project's fixed layout); nothing is duplicated in git. ``build_py`` copies them into
``cnyx_sim/_bundled/`` of the build, so a wheel carries them and ``cnyx_sim.resources`` finds them through
importlib.resources. Editable installs skip the copy: there the package reads the repository folders.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED_FOLDERS = ("calibration", "scenarios")


class BuildPyWithData(build_py):
    """``build_py`` plus a copy of the data folders into ``cnyx_sim/_bundled``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "cnyx_sim" / "_bundled"
        for name in BUNDLED_FOLDERS:
            source = ROOT / name
            if not source.is_dir():
                raise FileNotFoundError(f"{source}: the data folder to bundle is missing (is this an sdist "
                                        f"without MANIFEST.in?)")
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(source, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


setup(cmdclass={"build_py": BuildPyWithData})
