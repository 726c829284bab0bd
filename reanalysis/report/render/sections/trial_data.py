"""The data as encoded: every row of every trial file, with its source."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import Block, across, folded

# How each printed spread other than an SD became one, in the table's words; a CI or a
# median also shows the row's ``conversion`` (the method and its citation).
_SPREAD_LABELS = {
    "se": "SD from SE",
    "ci": "SD from CI",
    "median_iqr": "estimated from median and IQR",
    "median_range": "estimated from median and range",
    "median_iqr_range": "estimated from median, IQR and range",
}


def _conversion(row: dict[str, Any]) -> str:
    """How the row's printed spread was converted, e.g. `` (SD from SE)``, with any warning
    (e.g. skewed quantiles); "" for an SD."""
    source = row.get("spread_source", "se" if row["sd_from_se"] else "sd")
    if source not in _SPREAD_LABELS:
        return ""
    if source == "se":
        return f" ({_SPREAD_LABELS[source]})"
    warning = f"; warning: {row['warning']}" if row.get("warning") else ""
    return f" ({_SPREAD_LABELS[source]}: {row['conversion']}{warning})"


def blocks(results: dict[str, Any]) -> list[Block]:
    """Per trial file: its rows as printed, and the before–after figure."""
    out = [Block("h2", "The data as encoded"), *across(results, "arm_means")]
    files: list[Block] = []
    for name, trial in sorted(results["trials"].items()):
        files.append(Block("h3", f"{trial['file']}"))
        rows = tuple(
            (
                r["study"],
                r["arm"],
                r["outcome"],
                r["timepoint"],
                r["printed"] + _conversion(r),
                r["unit"],
                f"{r['n']}{' (assumed)' if r['n_assumed'] else ''}",
                str(r["row"]),
                r["source"],
                r["note"],
            )
            for r in trial["rows"]
        )
        files.append(
            Block(
                "table",
                header=(
                    "study",
                    "arm",
                    "outcome",
                    "timepoint",
                    "as printed (mean ± SD unless stated)",
                    "unit",
                    "n",
                    "line",
                    "source",
                    "note",
                ),
                rows=rows,
            )
        )
        files.append(Block("figure", figure=f"before_after_{name}"))
    return out + folded(results, files)
