"""Load and validate a trial's arm-level summary statistics.

A trial file is a CSV with one row per study × arm × outcome × timepoint (the schema is
documented in the README). :func:`load_trial` reads it strictly: any problem raises
:class:`~reanalysis.errors.ReanalysisError` with one line naming the file, the line and
the column and what was expected, so the CLI can exit with status 2 and write nothing.
Each row is read and checked by :mod:`reanalysis.data.trial_rows` (numbers, names, the
printed forms of the value and of the change), then the rows together by
:mod:`reanalysis.data.trial_checks` (roles, units, duplicates, baselines); each module
records its choices. :class:`Measurement` and the column names are importable from here.

The CSV is parsed with the standard library rather than pandas, so that every error can
name its line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reanalysis.data.files import read_bytes
from reanalysis.data.trial_checks import _check_consistency
from reanalysis.data.trial_rows import (
    CHANGE_COLUMNS,
    DEFAULT_CI_LEVEL,
    LEVEL_COLUMNS,
    MEDIAN_COLUMNS,
    MIN_MEDIAN_N,
    N_STATUSES,
    NAME_COLUMNS,
    NUMBER_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    ROLES,
    SPREAD_SOURCES,
    TEXT_COLUMNS,
    Measurement,
    MedianSummary,
    PrintedCI,
    _format_week,
    _parse_row,
)
from reanalysis.errors import ReanalysisError

__all__ = [
    "CHANGE_COLUMNS",
    "DEFAULT_CI_LEVEL",
    "LEVEL_COLUMNS",
    "MEDIAN_COLUMNS",
    "MIN_MEDIAN_N",
    "NAME_COLUMNS",
    "NUMBER_COLUMNS",
    "N_STATUSES",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "ROLES",
    "SPREAD_SOURCES",
    "TEXT_COLUMNS",
    "Measurement",
    "MedianSummary",
    "PrintedCI",
    "Trial",
    "load_trial",
]


@dataclass(frozen=True)
class Trial:
    """A validated trial file: its rows, in file order."""

    path: Path
    name: str
    rows: tuple[Measurement, ...]

    @property
    def studies(self) -> tuple[str, ...]:
        return _unique(m.study for m in self.rows)

    @property
    def arms(self) -> tuple[str, ...]:
        return _unique(m.arm for m in self.rows)

    @property
    def treatment_arms(self) -> tuple[str, ...]:
        return _unique(m.arm for m in self.rows if m.role == "treatment")

    @property
    def control_arms(self) -> tuple[str, ...]:
        return _unique(m.arm for m in self.rows if m.role == "control")

    @property
    def outcomes(self) -> tuple[str, ...]:
        return _unique(m.outcome for m in self.rows)

    def role(self, arm: str) -> str:
        """The arm's role, ``treatment`` or ``control``."""
        for m in self.rows:
            if m.arm == arm:
                return m.role
        raise ReanalysisError(f"{self.path}: no arm {arm!r}; arms are {', '.join(self.arms)}")

    def study_for(self, outcome: str, study: str | None = None) -> str:
        """The study whose rows answer for ``outcome``.

        With ``study=None``: the only study reporting the outcome, else the study named
        like the file (the primary report of the cohort).
        """
        reporting = _unique(m.study for m in self.rows if m.outcome == outcome)
        if not reporting:
            raise ReanalysisError(
                f"{self.path}: no outcome {outcome!r}; outcomes are {', '.join(self.outcomes)}"
            )
        if study is not None:
            if study not in reporting:
                raise ReanalysisError(
                    f"{self.path}: study {study!r} does not report {outcome!r}; "
                    f"it is reported by {', '.join(reporting)}"
                )
            return study
        if len(reporting) == 1:
            return reporting[0]
        if self.name in reporting:
            return self.name
        raise ReanalysisError(
            f"{self.path}: outcome {outcome!r} is reported by {', '.join(reporting)}; "
            "name the study"
        )

    def series(self, outcome: str, arm: str, study: str | None = None) -> tuple[Measurement, ...]:
        """The arm's measurements of ``outcome``, sorted by week (empty if none)."""
        chosen = self.study_for(outcome, study)
        rows = [m for m in self.rows if m.study == chosen and m.outcome == outcome and m.arm == arm]
        return tuple(sorted(rows, key=lambda m: m.week))

    def measurement(
        self, outcome: str, arm: str, week: float, study: str | None = None
    ) -> Measurement:
        """The arm's measurement of ``outcome`` at ``week``."""
        for m in self.series(outcome, arm, study):
            if m.week == week:
                return m
        weeks = ", ".join(_format_week(m.week) for m in self.series(outcome, arm, study))
        raise ReanalysisError(
            f"{self.path}: no {outcome!r} row for arm {arm!r} at week {_format_week(week)}; "
            f"weeks available: {weeks or 'none'}"
        )

    def followup_weeks(self, outcome: str, study: str | None = None) -> tuple[float, ...]:
        """Follow-up weeks (> 0) at which any arm reports ``outcome``, ascending."""
        chosen = self.study_for(outcome, study)
        weeks = {m.week for m in self.rows if m.study == chosen and m.outcome == outcome}
        return tuple(sorted(w for w in weeks if w > 0))

    def arms_reporting(self, outcome: str, study: str | None = None) -> tuple[str, ...]:
        """Arms with at least one row of ``outcome``, in file order."""
        chosen = self.study_for(outcome, study)
        return _unique(m.arm for m in self.rows if m.study == chosen and m.outcome == outcome)

    def summary_line(self) -> str:
        """One line for ``reanalysis validate``: studies, arms, outcomes, rows."""
        arms = ", ".join(f"{arm} ({self.role(arm)})" for arm in self.arms)
        return (
            f"{self.path}: valid; studies {', '.join(self.studies)}; arms {arms}; "
            f"outcomes {', '.join(self.outcomes)}; {len(self.rows)} rows"
        )


def _unique(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _read_text(path: Path) -> str:
    if not path.exists():  # a missing file is named as the CLI has always named it
        raise ReanalysisError(f"{path}: file not found")
    raw = read_bytes(path, what="trial file")
    if b"\x00" in raw:
        raise ReanalysisError(f"{path}: not a text file (contains NUL bytes); expected a CSV")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ReanalysisError(
            f"{path}: line {line}: not UTF-8 (byte 0x{raw[error.start]:02x}); "
            "save the file as UTF-8"
        ) from None


def load_trial(source: str | Path | Any, name: str | None = None) -> Trial:
    """Read and validate a trial; raise ReanalysisError on the first problem.

    ``source`` is a CSV file's path, an open file or text buffer (``io.StringIO``; bytes
    are read as UTF-8), or a pandas DataFrame with the schema's columns. A buffer or a
    DataFrame is read in memory (nothing is written to disk) and validated exactly as a
    file, as the CSV text it stands for: messages name ``name`` (default: the file's stem,
    else ``"trial"``) and a line, the header being line 1, so DataFrame row i is line i + 2.

    Study 1 of Morris (2008, Organ Res Methods 11:364, Table 5 data) as a DataFrame:

    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "study": "morris1", "arm": ["training"] * 2 + ["control"] * 2,
    ...     "role": ["treatment"] * 2 + ["control"] * 2, "outcome": "score",
    ...     "unit": "points", "timepoint": ["pre", "post"] * 2, "week": [0, 8] * 2,
    ...     "n": 20, "mean": [30.6, 38.5, 23.1, 19.7], "sd": [15.0, 11.6, 13.8, 14.8],
    ...     "source": "Morris 2008, Table 5 data, study 1"})
    >>> trial = load_trial(frame, name="morris1")
    >>> trial.name, trial.arms, trial.outcomes
    ('morris1', ('training', 'control'), ('score',))
    """
    if hasattr(source, "to_csv") and hasattr(source, "columns"):
        label = name or "trial"
        return _load_text(_frame_text(source), Path(label), label)
    if hasattr(source, "read"):
        label = name or _stem(getattr(source, "name", None)) or "trial"
        return _load_text(_buffer_text(source, label), Path(label), label)
    path = Path(source)
    return _load_text(_read_text(path), path, name or path.stem)


def _stem(file_name: Any) -> str | None:
    """An open file's stem (``open("x.csv").name``); None for buffers without a real name."""
    return Path(file_name).stem if isinstance(file_name, str) and file_name else None


def _frame_text(frame: Any) -> str:
    """A DataFrame as CSV text: its columns, no index, missing values as empty cells."""
    return frame.to_csv(index=False, na_rep="", lineterminator="\n")


def _buffer_text(buffer: Any, name: str) -> str:
    content = buffer.read()
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    if b"\x00" in content:
        raise ReanalysisError(f"{name}: not a text file (contains NUL bytes); expected a CSV")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ReanalysisError(f"{name}: line {line}: not UTF-8; save the text as UTF-8") from None


def _load_text(text: str, path: Path, name: str) -> Trial:
    """Validate a trial's CSV ``text``; ``path`` names it in messages."""
    if not text.strip():
        raise ReanalysisError(f"{path}: empty file; expected a header and data rows")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = [(reader.line_num, record) for record in reader]
    except csv.Error as error:
        raise ReanalysisError(f"{path}: line {reader.line_num}: malformed CSV ({error})") from None
    records = [(line, record) for line, record in records if any(f.strip() for f in record)]
    if not records:
        raise ReanalysisError(f"{path}: empty file; expected a header and data rows")
    header_line, header = records[0]
    header = [column.strip() for column in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ReanalysisError(
            f"{path}: line {header_line}: missing required column(s) {', '.join(missing)}"
        )
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise ReanalysisError(
            f"{path}: line {header_line}: unknown column(s) {', '.join(map(repr, unknown))}; "
            f"expected only {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}"
        )
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        raise ReanalysisError(
            f"{path}: line {header_line}: column(s) repeated: {', '.join(duplicated)}"
        )
    if len(records) == 1:
        raise ReanalysisError(f"{path}: header only; expected at least one data row")
    rows = []
    for line, record in records[1:]:
        where = f"{path}: line {line}"
        if len(record) != len(header):
            raise ReanalysisError(
                f"{where}: expected {len(header)} fields as in the header, got {len(record)}"
            )
        fields = {column: value.strip() for column, value in zip(header, record, strict=True)}
        rows.append(_parse_row(fields, where, line))
    _check_consistency(path, rows)
    return Trial(path=path, name=name, rows=tuple(rows))
