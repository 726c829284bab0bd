"""When a paper gives only the total n: how the between-arm p-value and the implied r move
across the splits of that n between the arms (a sensitivity table for an assumption the
paper leaves open)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from reanalysis.errors import ReanalysisError
from reanalysis.stats.correlation import Analysis, between_arm_test, implied_correlation
from reanalysis.stats.prepost import PrePost

if TYPE_CHECKING:  # pandas is imported only by the function that returns a DataFrame
    import pandas as pd


def split_sensitivity(
    total_n: int,
    treatment: PrePost,
    control: PrePost,
    r: float,
    *,
    treatment_n: Sequence[int] | None = None,
    reported_p: float | None = None,
    analysis: Analysis = "change",
    welch: bool = False,
) -> pd.DataFrame:
    """How the p-value (and the implied r) move across splits of a known total n.

    For each treatment-arm n in ``treatment_n`` (default: every split with each arm
    between 40% and 60% of ``total_n``, a judgement about plausible imbalance under 1:1
    randomization with dropout), both arms keep their means and SDs and take n_T and
    total_n − n_T. Columns: n_treatment, n_control, estimate, standard_error, p_value
    (at ``r``), and implied_r when ``reported_p`` is given (the unique or plausible root,
    None when no r reproduces it); the rows of :func:`split_sensitivity_records`.
    """
    import pandas as pd

    rows = split_sensitivity_records(
        total_n,
        treatment,
        control,
        r,
        treatment_n=treatment_n,
        reported_p=reported_p,
        analysis=analysis,
        welch=welch,
    )
    frame = pd.DataFrame(rows)
    if "implied_r" in frame:
        # keep "no r reproduces it" as None rather than letting pandas turn it into NaN
        frame["implied_r"] = pd.Series([row["implied_r"] for row in rows], dtype=object)
    return frame


def split_sensitivity_records(
    total_n: int,
    treatment: PrePost,
    control: PrePost,
    r: float,
    *,
    treatment_n: Sequence[int] | None = None,
    reported_p: float | None = None,
    analysis: Analysis = "change",
    welch: bool = False,
) -> list[dict[str, float | int | None]]:
    """:func:`split_sensitivity` as one dict per split, without pandas."""
    if isinstance(total_n, bool) or int(total_n) != total_n or total_n < 4:
        raise ReanalysisError(f"total_n must be a whole number >= 4, got {total_n!r}")
    if treatment_n is None:
        treatment_n = range(math.ceil(0.4 * total_n), math.floor(0.6 * total_n) + 1)
    rows = []
    for n_t in treatment_n:
        n_c = total_n - n_t
        if n_t < 2 or n_c < 2:
            raise ReanalysisError(
                f"treatment_n must leave at least 2 in each arm of {total_n}, got {n_t}"
            )
        t, c = replace(treatment, n=n_t), replace(control, n=n_c)
        result = between_arm_test(t, c, r, analysis, welch)
        row = {
            "n_treatment": n_t,
            "n_control": n_c,
            "estimate": float(result.estimate),
            "standard_error": float(result.standard_error),
            "p_value": float(result.pvalue),
        }
        if reported_p is not None:
            implied = implied_correlation(
                t, c, reported_p=reported_p, analysis=analysis, welch=welch
            )
            row["implied_r"] = implied.correlation if implied.roots else None
        rows.append(row)
    return rows
