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

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "matplotlib", "scipy.stats", "statsmodels")

BUILD = f"""
import sys
from pathlib import Path
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
