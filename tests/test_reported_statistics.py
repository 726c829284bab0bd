"""The statcheck-style decision-error rule, worked by hand."""

from __future__ import annotations

import pytest

from reanalysis.report.results.statistics import decision_error


@pytest.mark.parametrize(
    ("relation", "value", "p_range", "expected"),
    [
        # Printed significant; every recomputed p below α: no error.
        ("=", 0.01, (0.001, 0.04), "no"),
        # Printed significant; every recomputed p at or above α: a decision error.
        ("=", 0.01, (0.06, 0.2), "yes"),
        # Printed significant; the range straddles α: some plausible r agrees.
        ("=", 0.0014, (2.7e-7, 0.073), "no (depends on r)"),
        # Printed not significant; every recomputed p below α: a decision error.
        ("=", 0.09, (0.001, 0.03), "yes"),
        # "P < 0.001" claims significance at 0.05.
        ("<", 0.001, (0.2, 0.3), "yes"),
        # "P > 0.01" says nothing about 0.05: never an error.
        (">", 0.01, (0.2, 0.3), "no"),
    ],
)
def test_decision_error(relation, value, p_range, expected) -> None:
    assert decision_error(relation, value, p_range, 0.05) == expected
