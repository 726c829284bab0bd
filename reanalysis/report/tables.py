"""Large per-comparison tables of results.json, stored column-wise.

A list of records repeats every key in every row; at 100 trials three such tables were
92% of results.json (issue 16). They are stored as one list per column instead: the power
section's ``design_points``, the ``grid`` over r of the sensitivity section and of each
reported P's reanalysis, and the Bayesian section's ``by_r``. Code that walks the rows
calls :func:`rows`; code that wants one column reads it directly (``table["r"]``).

This module imports nothing, so the figure server can use it without loading the
results' dependencies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def columns(records: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """Records as ``{column: [value of each record]}``, columns in order of first appearance.

    A key missing from a record is None in its column. The tables stored this way have the
    same keys in every record, so :func:`rows` gives them back exactly.
    """
    names = dict.fromkeys(key for record in records for key in record)
    return {name: [record.get(name) for record in records] for name in names}


def rows(table: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """The records of a column-wise ``table``, one dict per row (the inverse of
    :func:`columns`); columns of unequal length raise ValueError."""
    names = list(table)
    return [dict(zip(names, row, strict=True)) for row in zip(*table.values(), strict=True)]
