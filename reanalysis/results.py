"""Every number the report shows, computed from ``data/`` into one JSON-ready mapping.

This is the one place where the pure modules (effects, power, checks, claims, synthesis,
bayes) meet the data; figures and the report read only what :func:`build_results`
returns (and ``results.json`` stores), never the data files or the API directly.

Each record carries its provenance: the data file (relative to the project), the line
numbers of the rows it was computed from, and the sources those rows cite.

Floats are stored with 12 significant digits (:func:`normalize`), so the file is
byte-identical across runs and machines that agree to that precision.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import math
import platform
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reanalysis.studies import load_studies
from reanalysis.trials import Measurement, Trial, load_trial

SIGNIFICANT_DIGITS = 12
MANIFEST_PACKAGES = (
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
)
STUDIES_FILE = "studies.toml"
CLAIMS_FILE = "claims.toml"


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


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def input_files(data_dir: Path) -> list[Path]:
    """Every file the report is computed from: trial CSVs and the TOML metadata."""
    return sorted(p for p in data_dir.iterdir() if p.is_file() and not p.name.startswith("."))


def manifest(data_dir: Path, command: str) -> dict[str, Any]:
    """Package versions, SHA-256 of every input file, and the command that made the report."""
    return {
        "command": command,
        "python": platform.python_version(),
        "packages": {
            name: importlib.metadata.version(name) for name in ("reanalysis", *MANIFEST_PACKAGES)
        },
        "inputs": [
            {"file": relative_name(p, data_dir), "sha256": sha256(p)} for p in input_files(data_dir)
        ],
    }


def measurement_record(m: Measurement, trial: Trial, data_dir: Path) -> dict[str, Any]:
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
        "note": m.note,
        "file": relative_name(trial.path, data_dir),
        "row": m.row,
        "source": m.source,
    }


def load_trials(data_dir: Path) -> dict[str, Trial]:
    """Every ``data/*.csv``, validated, keyed by file stem."""
    return {path.stem: load_trial(path) for path in sorted(data_dir.glob("*.csv"))}


def study_records(data_dir: Path) -> dict[str, Any]:
    studies = load_studies(data_dir / STUDIES_FILE)
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


def build_results(data_dir: Path, command: str = "reanalysis report") -> dict[str, Any]:
    """Compute every number of the report from ``data_dir``."""
    data_dir = Path(data_dir)
    trials = load_trials(data_dir)
    results: dict[str, Any] = {
        "trials": {
            name: {
                "file": relative_name(trial.path, data_dir),
                "studies": list(trial.studies),
                "arms": {arm: trial.role(arm) for arm in trial.arms},
                "outcomes": list(trial.outcomes),
                "rows": [measurement_record(m, trial, data_dir) for m in trial.rows],
            }
            for name, trial in trials.items()
        },
        "studies": study_records(data_dir),
        "manifest": manifest(data_dir, command),
    }
    return normalize(results)
