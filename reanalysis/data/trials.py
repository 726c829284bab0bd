"""Load and validate a trial's arm-level summary statistics.

A trial file is a CSV with one row per study × arm × outcome × timepoint (the schema is
documented in the README). :func:`load_trial` reads it strictly: any problem raises
:class:`~reanalysis.errors.ReanalysisError` with one line naming the file, the line and
the column and what was expected, so the CLI can exit with status 2 and write nothing.

Choices recorded here:

* The CSV is parsed with the standard library rather than pandas, so that every error
  can name its line, and so that "1e3", "NaN" or "12 mg" never slip through type
  inference.
* A printed standard error goes in ``se``; the loader derives SD = SE·√n
  (Cochrane Handbook 6.5.2.2) and marks the row ``sd_from_se``.
* ``n_status`` (optional, ``reported`` or ``assumed``) says whether the arm's n is a
  published count or the analyst's assumption; an assumption must be explained in
  ``note``.
* One file may hold several reports of one cohort (``study`` names the report). Units
  must agree within a study × outcome; duplicates are judged within study × arm ×
  outcome × timepoint.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reanalysis.errors import ReanalysisError

REQUIRED_COLUMNS = (
    "study",
    "arm",
    "role",
    "outcome",
    "unit",
    "timepoint",
    "week",
    "n",
    "mean",
    "sd",
    "source",
)
OPTIONAL_COLUMNS = ("se", "n_status", "note")
ROLES = ("treatment", "control")
N_STATUSES = ("reported", "assumed")
TEXT_COLUMNS = ("study", "arm", "outcome", "unit", "timepoint", "source")


@dataclass(frozen=True)
class Measurement:
    """One row of a trial file: an arm's mean and SD of one outcome at one timepoint.

    ``printed_mean``, ``printed_sd`` and ``printed_se`` keep the cells as the file gives
    them, so that checks can use the precision the paper printed (1.180, not 1.18).
    """

    study: str
    arm: str
    role: str
    outcome: str
    unit: str
    timepoint: str
    week: float
    n: int
    mean: float
    sd: float
    source: str
    se: float | None
    note: str
    sd_from_se: bool
    n_assumed: bool
    row: int
    printed_mean: str = ""
    printed_sd: str = ""
    printed_se: str = ""

    @property
    def printed(self) -> str:
        """Mean ± SD as the file gives them (the paper's precision), e.g. ``1.180 ± 0.145``."""
        sd = self.printed_sd or f"{self.sd:g}"
        return f"{self.printed_mean or f'{self.mean:g}'} ± {sd}"


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


def _format_week(week: float) -> str:
    return f"{week:g}"


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ReanalysisError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ReanalysisError(f"{path}: is a directory, expected a CSV file") from None
    except OSError as error:
        raise ReanalysisError(f"{path}: cannot be read ({error.strerror})") from None
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


def _parse_number(text: str, where: str, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ReanalysisError(
            f"{where}, column {column!r}: expected a number, got {text!r}"
        ) from None
    if not math.isfinite(value):
        raise ReanalysisError(f"{where}, column {column!r}: expected a finite number, got {text!r}")
    return value


def _parse_row(fields: dict[str, str], where: str, line: int) -> Measurement:
    for column in TEXT_COLUMNS:
        if not fields[column]:
            raise ReanalysisError(f"{where}, column {column!r}: expected a value, got nothing")
    role = fields["role"]
    if role not in ROLES:
        raise ReanalysisError(
            f"{where}, column 'role': expected 'treatment' or 'control', got {role!r}"
        )
    week = _parse_number(fields["week"], where, "week")
    if week < 0:
        raise ReanalysisError(
            f"{where}, column 'week': expected a week >= 0, got {fields['week']!r}"
        )
    n_value = _parse_number(fields["n"], where, "n")
    if n_value != int(n_value) or n_value < 2:
        raise ReanalysisError(
            f"{where}, column 'n': expected a whole number >= 2, got {fields['n']!r}"
        )
    n = int(n_value)
    mean = _parse_number(fields["mean"], where, "mean")
    se = None
    if fields.get("se"):
        se = _parse_number(fields["se"], where, "se")
        if se <= 0:
            raise ReanalysisError(
                f"{where}, column 'se': expected a positive SE, got {fields['se']!r}"
            )
    sd_from_se = False
    if fields["sd"]:
        sd = _parse_number(fields["sd"], where, "sd")
        if sd <= 0:
            raise ReanalysisError(
                f"{where}, column 'sd': expected a positive SD, got {fields['sd']!r}"
            )
    elif se is not None:
        sd = se * math.sqrt(n)
        sd_from_se = True
    else:
        raise ReanalysisError(
            f"{where}, columns 'sd' and 'se': expected an SD or an SE, got neither"
        )
    n_status = fields.get("n_status") or "reported"
    if n_status not in N_STATUSES:
        raise ReanalysisError(
            f"{where}, column 'n_status': expected 'reported' or 'assumed', got {n_status!r}"
        )
    note = fields.get("note", "")
    if n_status == "assumed" and not note:
        raise ReanalysisError(
            f"{where}, column 'note': an assumed n needs its reasoning in 'note', got nothing"
        )
    return Measurement(
        study=fields["study"],
        arm=fields["arm"],
        role=role,
        outcome=fields["outcome"],
        unit=fields["unit"],
        timepoint=fields["timepoint"],
        week=week,
        n=n,
        mean=mean,
        sd=sd,
        source=fields["source"],
        se=se,
        note=note,
        sd_from_se=sd_from_se,
        n_assumed=n_status == "assumed",
        row=line,
        printed_mean=fields["mean"],
        printed_sd=fields["sd"],
        printed_se=fields.get("se", ""),
    )


def _check_consistency(path: Path, rows: list[Measurement]) -> None:
    roles: dict[str, Measurement] = {}
    units: dict[tuple[str, str], Measurement] = {}
    seen_timepoint: dict[tuple[str, str, str, str], Measurement] = {}
    seen_week: dict[tuple[str, str, str, float], Measurement] = {}
    for m in rows:
        where = f"{path}: line {m.row}"
        first = roles.setdefault(m.arm, m)
        if first.role != m.role:
            raise ReanalysisError(
                f"{where}, column 'role': arm {m.arm!r} is {first.role!r} on line {first.row}, "
                f"got {m.role!r}"
            )
        first = units.setdefault((m.study, m.outcome), m)
        if first.unit != m.unit:
            raise ReanalysisError(
                f"{where}, column 'unit': mixed units for {m.outcome!r} in study {m.study!r}: "
                f"{first.unit!r} on line {first.row}, {m.unit!r} here; convert to one unit"
            )
        for seen, key, label in (
            (
                seen_timepoint,
                (m.study, m.arm, m.outcome, m.timepoint),
                f"timepoint {m.timepoint!r}",
            ),
            (seen_week, (m.study, m.arm, m.outcome, m.week), f"week {_format_week(m.week)}"),
        ):
            first = seen.setdefault(key, m)
            if first is not m:
                raise ReanalysisError(
                    f"{where}: duplicate row for study {m.study!r}, arm {m.arm!r}, outcome "
                    f"{m.outcome!r}, {label} (first on line {first.row}); expected one row each"
                )
    baselines = {(m.study, m.arm, m.outcome) for m in rows if m.week == 0}
    for m in rows:
        if (m.study, m.arm, m.outcome) not in baselines:
            raise ReanalysisError(
                f"{path}: line {m.row}, column 'week': arm {m.arm!r} has no baseline "
                f"(week 0) row for {m.outcome!r} in study {m.study!r}; expected one"
            )


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
