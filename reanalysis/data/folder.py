"""A data folder read once: trial CSVs, and the optional ``studies.toml``, ``claims.toml``
and ``analysis.toml``.

Only the trial CSVs are required. ``studies.toml`` adds citations and reported results,
``claims.toml`` the claims-and-citations audit, ``analysis.toml`` the per-outcome settings
(:mod:`reanalysis.data.settings`). Every later layer reads a :class:`Dataset`, never the
files, so each file is parsed once per command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reanalysis.data.settings import SETTINGS_FILE, Settings, settings_for_folder
from reanalysis.data.studies import Study, load_studies
from reanalysis.data.trials import Measurement, Trial, load_trial
from reanalysis.errors import ReanalysisError

STUDIES_FILE = "studies.toml"
CLAIMS_FILE = "claims.toml"


@dataclass(frozen=True)
class Dataset:
    """Everything in a data folder: trials by file stem, studies, claims and settings.

    ``claims`` is None when the folder has no ``claims.toml`` (no audit section);
    ``claims_file`` holds the whole parsed file (claims, references, parameters).
    """

    path: Path
    trials: dict[str, Trial]
    studies: dict[str, Study]
    claims_file: dict[str, Any] | None
    settings: Settings

    @property
    def has_claims(self) -> bool:
        return self.claims_file is not None

    def input_files(self) -> list[Path]:
        """Every file the results are computed from (for the manifest's hashes)."""
        files = list(self.path.glob("*.csv"))
        for name in (STUDIES_FILE, CLAIMS_FILE):
            if (self.path / name).is_file():
                files.append(self.path / name)
        if self.settings.path is not None:
            files.append(self.settings.path)
        return sorted(set(files))


def trial_files(data_dir: Path) -> list[Path]:
    """The folder's trial CSVs; a folder without any is an error naming the folder."""
    if not data_dir.exists():
        raise ReanalysisError(f"{data_dir}: data folder not found")
    if not data_dir.is_dir():
        raise ReanalysisError(f"{data_dir}: expected a data folder, got a file")
    files = sorted(p for p in data_dir.glob("*.csv") if not p.name.startswith("."))
    if not files:
        raise ReanalysisError(f"{data_dir}: no trial CSV files (*.csv) in the data folder")
    return files


def load_folder(data_dir: str | Path, config: str | Path | None = None) -> Dataset:
    """Read a data folder: every ``*.csv``, and each optional TOML file that is present.

    The starter folder of ``reanalysis init`` holds one trial file and no claims file:

    >>> import tempfile
    >>> from reanalysis.data.starter import write_starter
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = write_starter(Path(tmp) / "example")
    ...     dataset = load_folder(Path(tmp) / "example")
    >>> sorted(dataset.trials), dataset.has_claims
    (['example'], False)
    """
    from reanalysis.data.claims_file import load_claims_file

    data_dir = Path(data_dir)
    trials = {p.stem: load_trial(p) for p in trial_files(data_dir)}
    studies_path = data_dir / STUDIES_FILE
    studies = load_studies(studies_path) if studies_path.exists() else {}
    claims_path = data_dir / CLAIMS_FILE
    claims_file = load_claims_file(claims_path) if claims_path.exists() else None
    settings = settings_for_folder(data_dir, config)
    return Dataset(data_dir, trials, studies, claims_file, settings)


def row_ref(trial: Trial, m: Measurement) -> str:
    """The row's place: ``file:line`` (header = line 1)."""
    return f"{trial.path.name}:{m.row}"


def row_sources(trial: Trial, rows: list[Measurement]) -> tuple[str, ...]:
    """Each row's place and its publication: ``file:line (source)``."""
    return tuple(f"{row_ref(trial, m)} ({m.source})" for m in rows)


def study_ref(study: Study) -> str:
    """The study's table in ``studies.toml`` with its PMID and DOI."""
    ids = [
        f"PMID {study['pmid']}" if study.get("pmid") else "",
        study.get("doi") and f"DOI {study['doi']}",
    ]
    tail = ", ".join(i for i in ids if i)
    return f"{STUDIES_FILE} [{study.id}]" + (f" ({tail})" if tail else "")


__all__ = [
    "CLAIMS_FILE",
    "SETTINGS_FILE",
    "STUDIES_FILE",
    "Dataset",
    "load_folder",
    "row_ref",
    "row_sources",
    "study_ref",
    "trial_files",
]
