"""No dead code in the package: vulture finds nothing beyond the documented whitelist.

Unused functions, methods, classes, variables and imports in ``src/cnyx_sim`` fail this test. Delete them;
only when something vulture cannot see uses a name (called by string, public API, read by users) add it to
``tests/dead_code_whitelist.py`` with the reason.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "cnyx_sim"
WHITELIST = Path(__file__).resolve().parent / "dead_code_whitelist.py"
#: pydantic calls its validators and reads model_config; vulture cannot see either.
IGNORE_DECORATORS = "@field_validator,@model_validator"
IGNORE_NAMES = "model_config"


def vulture(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vulture", *map(str, paths), "--ignore-decorators", IGNORE_DECORATORS,
         "--ignore-names", IGNORE_NAMES],
        capture_output=True, text=True, timeout=120,
    )


def test_the_package_has_no_dead_code_beyond_the_whitelist():
    result = vulture(PACKAGE, WHITELIST)
    assert result.returncode == 0, (
        f"vulture found unused code (exit {result.returncode}); delete it, or whitelist it with the reason in "
        f"{WHITELIST.name}:\n{result.stdout}{result.stderr}"
    )


def test_a_new_unused_function_fails_the_check(tmp_path):
    # The package as it is plus one function nobody calls: the same command must report exactly that function.
    copy = tmp_path / "cnyx_sim"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    labour = copy / "mechanisms" / "labour.py"
    labour.write_text(labour.read_text(encoding="utf-8") + "\n\ndef never_called():\n    return 1\n",
                      encoding="utf-8")
    result = vulture(copy, WHITELIST)
    assert result.returncode == 3
    assert [line.split(": ", 1)[1] for line in result.stdout.splitlines()] == [
        "unused function 'never_called' (60% confidence)"]
