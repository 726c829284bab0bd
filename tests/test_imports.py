"""Computing results.json imports neither pandas nor the plotting and model libraries.

``reanalysis report`` builds results.json in its main process before any figure is
drawn; pandas alone costs 0.2–0.3 s of start-up there (issue 16). The functions that
return a DataFrame import pandas themselves, and the results use their record-producing
cores. Run in a fresh interpreter, since this test session has imported them already.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "matplotlib", "scipy.stats", "statsmodels")

BUILD = f"""
import sys
from pathlib import Path

import pytest
from reanalysis.report.results import build_results
results = build_results(Path("data"), "reanalysis report", None)
assert results["effects"] and results["power"] and results["synthesis"], sorted(results)
print(" ".join(name for name in {HEAVY!r} if name in sys.modules))
"""


def test_building_results_imports_no_pandas() -> None:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", BUILD], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []


# Issue 16: every command but `report` loads only what it needs; these libraries cost
# 0.1–0.5 s of start-up each and none of these commands uses them.
COMMAND_HEAVY = (*HEAVY, "scipy.optimize", "scipy.integrate", "seaborn")
COMMANDS = {
    "validate": ["validate", "data/burnett2009.csv"],
    "effects": ["effects", "data/burnett2009.csv", "--outcome", "pa_spine_bmd", "--r", "0.9"],
    "power": ["power", "--d", "0.5", "--n1", "64", "--n2", "64"],
    "power FILE": ["power", "data/burnett2009.csv", "--outcome", "pa_spine_bmd"],
    "pool": [
        "pool",
        "tests/fixtures/other_field/depression.csv",
        "--outcome",
        "phq9",
        "--measure",
        "md_change",
    ],
    "bayes": ["bayes", "data/burnett2009.csv", "--outcome", "pa_spine_bmd"],
    "extract": ["extract", "data/article.md"],
    "audit": ["audit"],
}
RUN = f"""
import contextlib, io, sys
from reanalysis.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    status = main(sys.argv[1:])
assert status == 0, status
print(" ".join(name for name in {COMMAND_HEAVY!r} if name in sys.modules))
"""


@pytest.mark.parametrize("arguments", COMMANDS.values(), ids=COMMANDS.keys())
def test_commands_import_only_what_they_use(arguments: list[str]) -> None:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", RUN, *arguments], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
