"""Every docstring example of the public API runs and prints what it says.

Each example names where its numbers come from, beside it: a published table (Morris
2008, Cohen 1988, the G*Power manual, DerSimonian & Kacker 2007, the Cochrane Handbook),
metafor or pwr in R (tests/reference/api_examples.R), or arithmetic worked in the text.
"""

from __future__ import annotations

import doctest
import importlib
import io
from pathlib import Path

import pytest

import reanalysis

ROOT = Path(__file__).resolve().parents[1]
# The modules behind ``reanalysis.__all__``, and the package itself.
MODULES = [
    "reanalysis",
    "reanalysis.stats.protocol",
    "reanalysis.stats.estimates",
    "reanalysis.stats.prepost",
    "reanalysis.stats.effects",
    "reanalysis.stats.standardized",
    "reanalysis.stats.escalc",
    "reanalysis.stats.correlation",
    "reanalysis.stats.power",
    "reanalysis.stats.synthesis",
    "reanalysis.stats.bayes",
    "reanalysis.data.trials",
    "reanalysis.data.folder",
    "reanalysis.analysis.trial_effects",
    "reanalysis.analysis.synthesis",
    "reanalysis.analysis.bayes",
]
# Public names whose example lives in the package docstring (their modules belong to
# another part of the project), and the classes that need none.
SHOWN_IN_PACKAGE = {"audit"}
NO_EXAMPLE = {"__version__", "ReanalysisError"}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the package docstring audits the repository's data/
    module = importlib.import_module(name)
    tests = doctest.DocTestFinder().find(module, name)
    assert sum(len(test.examples) for test in tests) > 0, f"{name} has no examples"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    report = io.StringIO()
    for test in tests:
        runner.run(test, out=report.write)
    assert runner.summarize(verbose=False).failed == 0, report.getvalue()


def test_every_public_function_has_an_example() -> None:
    package_examples = reanalysis.__doc__
    for name in reanalysis.__all__:
        if name in NO_EXAMPLE:
            continue
        doc = getattr(reanalysis, name).__doc__ or ""
        if name in SHOWN_IN_PACKAGE and f"ra.{name}(" in package_examples:
            continue
        assert ">>>" in doc, f"reanalysis.{name} has no docstring example"
