"""Shared pieces of the results: rounding for byte-identical JSON, provenance, records.

Floats are stored with 12 significant digits (:func:`normalize`), so the file is
byte-identical across runs and machines that agree to that precision. Paths are recorded
relative to the data folder's parent (``data/<file>``), never absolute.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import math
import platform
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scipy import special

from reanalysis.analysis.arms import converted
from reanalysis.data.folder import STUDIES_FILE, Dataset
from reanalysis.data.studies import Study
from reanalysis.data.trials import Measurement, Trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats import checks
from reanalysis.stats.protocol import ConfidenceInterval

SIGNIFICANT_DIGITS = 12
MANIFEST_PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "msgspec")
# The normal quantile of two-sided 95% intervals.
Z_975 = float(special.ndtri(0.975))


def normalize(value: Any) -> Any:
    """Round floats to 12 significant digits, recursively; refuse NaN and infinity."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"non-finite number in results: {value}")
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(value, dict):
        return {str(k): normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalize(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return normalize(value.item())
    raise TypeError(f"cannot store {type(value).__name__} in results")


def relative_name(path: Path, data_dir: Path) -> str:
    """``data/<file>``: stable across clones, unlike an absolute path."""
    return f"{data_dir.name}/{path.name}"


def provenance(rows: Iterable[Measurement], trial: Trial, data_dir: Path) -> dict[str, Any]:
    """Data file, line numbers and distinct sources of the rows a number came from."""
    rows = list(rows)
    return {
        "file": relative_name(trial.path, data_dir),
        "rows": sorted({m.row for m in rows}),
        "sources": sorted({m.source for m in rows}),
    }


def printed_mean_decimals(rows: Iterable[Measurement]) -> int:
    """Decimals of the most precise printed mean: differences of means are shown to it.

    A row printing no mean counts with its median, CI end or mean change as printed.
    """
    texts = (
        m.printed_mean or m.cell("median") or m.cell("ci_low") or m.cell("change_mean")
        for m in rows
    )
    return max(checks.printed_decimals(text) for text in texts)


def interval(ci: ConfidenceInterval) -> list[float]:
    return [ci.low, ci.high]


def unique_in_order(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(dataset: Dataset, command: str) -> dict[str, Any]:
    """Package versions, SHA-256 of every input file, and the command that made the report."""
    return {
        "command": command,
        "python": platform.python_version(),
        "packages": {
            name: importlib.metadata.version(name) for name in ("reanalysis", *MANIFEST_PACKAGES)
        },
        "inputs": [
            {"file": relative_name(p, dataset.path), "sha256": sha256(p)}
            for p in dataset.input_files()
        ],
    }


def measurement_record(m: Measurement, trial: Trial, data_dir: Path) -> dict[str, Any]:
    m = converted(m)  # a printed CI or median gives its mean and SD (and any warning)
    return {
        "study": m.study,
        "arm": m.arm,
        "role": m.role,
        "outcome": m.outcome,
        "unit": m.unit,
        "timepoint": m.timepoint,
        "week": m.week,
        "n": m.n,
        "n_assumed": m.n_assumed,
        "mean": m.mean,
        "sd": m.sd,
        "sd_from_se": m.sd_from_se,
        "spread_source": m.spread_source,
        "estimated": m.estimated,
        "conversion": m.conversion,
        "warning": m.warning,
        "printed": m.printed,
        "note": m.note,
        "file": relative_name(trial.path, data_dir),
        "row": m.row,
        "source": m.source,
    }


def study_records(studies: dict[str, Study], data_dir: Path) -> dict[str, Any]:
    records = {}
    for study_id, study in studies.items():
        fields = {k: v for k, v in study.fields.items() if k not in ("reported", "assumptions")}
        records[study_id] = {
            "citation": study.citation(),
            "fields": fields,
            "assumptions": list(study.get("assumptions", [])),
            "reported": [
                {
                    "id": r.id,
                    "outcome": r.outcome,
                    "arms": list(r.arms),
                    "comparison": r.comparison,
                    "statistic": r.statistic,
                    "relation": r.relation,
                    "value": r.value,
                    "test": r.test,
                    "source": r.source,
                    "file": f"{data_dir.name}/{STUDIES_FILE}",
                }
                for r in study.reported
            ],
        }
    return records


def settings_record(dataset: Dataset) -> dict[str, Any]:
    """What ``analysis.toml`` said (or the defaults) for the report and each outcome."""
    settings = dataset.settings
    outcomes = unique_in_order(o for t in dataset.trials.values() for o in t.outcomes)
    records = {}
    for outcome in outcomes:
        o = settings.outcome(outcome)
        records[outcome] = {
            "label": o.label,
            "direction": o.direction,
            "r": o.r,
            "r_source": o.r_source,
            "plausible_r": None
            if o.plausible is None
            else {
                "low": o.plausible.low,
                "high": o.plausible.high,
                "justification": o.plausible.justification,
            },
            "reference_r": o.reference_r,
            "reference_r_justification": o.reference_r_justification,
            "minimal_important_difference": o.minimal_important_difference,
            "minimal_important_difference_percent": o.minimal_important_difference_percent,
            "minimal_important_difference_justification": (
                o.minimal_important_difference_justification
            ),
            "threshold": o.threshold,
            "threshold_unit": o.threshold_unit,
            "threshold_side": o.threshold_side,
            "threshold_justification": o.threshold_justification,
            "molecular_formula": o.molecular_formula,
            "molecular_formula_source": o.molecular_formula_source,
            "molar_mass": o.molar_mass,
            "configured": o.configured,
        }
    report = {
        "title": settings.title,
        "question": settings.question,
        "participants": settings.participants,
        "settings_file": None
        if settings.path is None
        else relative_name(settings.path, dataset.path),
    }
    return {"report": report, "outcomes": records}


# What a comparison may raise when its numbers are at the edge of floating point (n = 2
# leaves no degrees of freedom for a correction, SD 1e300 overflows when squared, n = 1e9
# takes a square root of a rounding error below zero): the report records the failure for
# that comparison, with its reason, and goes on with everything else.
NUMERIC_FAILURES = (ReanalysisError, ArithmeticError, ValueError)


def failure_reason(error: BaseException) -> str:
    """A one-line reason a number could not be computed."""
    if isinstance(error, ReanalysisError):
        return str(error)
    return f"cannot be computed from these numbers (numerical {type(error).__name__}: {error})"


def all_finite(value: Any) -> bool:
    """True when every float in a nested record is finite (NaN and infinity are refused)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(all_finite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(all_finite(v) for v in value)
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return all_finite(value.item())
    return True
