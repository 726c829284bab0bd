"""Load and validate a trial's arm-level summary statistics.

A trial file is a CSV with one row per study × arm × outcome × timepoint (the schema is
documented in the README). :func:`load_trial` reads it strictly: any problem raises
:class:`~reanalysis.errors.ReanalysisError` with one line naming the file, the line and
the column and what was expected, so the CLI can exit with status 2 and write nothing.

Choices recorded here:

* The CSV is parsed with the standard library rather than pandas, so that every error
  can name its line; numbers are read by :func:`reanalysis.data.text.parse_number`
  (ASCII digits only), so "1e3 g", "NaN", "٣" or "1_0" never slip through.
* The spread may be printed as an SD, an SE, a confidence interval or a median with
  quartiles and/or range (``spread_source``). A printed standard error gives SD = SE·√n
  here (Cochrane Handbook 6.5.2.2; the row is marked ``sd_from_se``). A CI or a median
  is validated and kept as printed, with the method that converts it named in
  ``conversion``; the numbers are computed by
  :func:`reanalysis.analysis.arms.converted`, because the conversions are statistics
  (:mod:`reanalysis.stats.printed`) and the data layer does not import that layer. Until
  then ``sd`` (and, for a median, ``mean``) is None.
* A follow-up row may carry the change from baseline as printed (``change_mean`` with
  ``change_sd`` or ``change_se``) and the arm's own pre–post correlation (``r``).
* An outcome may have no baseline rows at all (follow-up values only), but then at least
  two arms must report it at that week; where some arm has a baseline row, every arm
  without a printed change needs one.
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
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reanalysis.data.files import read_bytes
from reanalysis.data.text import check_name, parse_number, printable
from reanalysis.errors import ReanalysisError

REQUIRED_COLUMNS = ("study", "arm", "role", "outcome", "unit", "timepoint", "week", "n", "source")
# The level (value at the timepoint) in one of its printed forms, then the change.
LEVEL_COLUMNS = ("mean", "sd", "se", "ci_low", "ci_high", "ci_level")
MEDIAN_COLUMNS = ("median", "q1", "q3", "min", "max")
CHANGE_COLUMNS = ("change_mean", "change_sd", "change_se", "r")
NUMBER_COLUMNS = (*LEVEL_COLUMNS, *MEDIAN_COLUMNS, *CHANGE_COLUMNS)
OPTIONAL_COLUMNS = (*NUMBER_COLUMNS, "n_status", "note")
ROLES = ("treatment", "control")
N_STATUSES = ("reported", "assumed")
NAME_COLUMNS = ("study", "arm", "outcome", "unit", "timepoint")
TEXT_COLUMNS = (*NAME_COLUMNS, "source")
SPREAD_SOURCES = ("sd", "se", "ci", "median_iqr", "median_range", "median_iqr_range")
DEFAULT_CI_LEVEL = 0.95
# The smallest n for a median conversion, as reanalysis.stats.printed.MIN_MEDIAN_N (the
# data layer may not import it; a test keeps the two equal): Luo 2018 and Wan 2014 give
# their estimators for n >= 5, and metafor's conv.fivenum declines smaller n.
MIN_MEDIAN_N = 5

_CI_CONVERSION = (
    "SD = √n·(ci_high − ci_low)/(2·t), t the {q:g} quantile of t on n − 1 df "
    "(Cochrane Handbook 6.5.2.2)"
)
_LUO = "Luo et al. 2018, Stat Methods Med Res 27:1785–1805"
_WAN = "Wan et al. 2014, BMC Med Res Methodol 14:135"
_MEDIAN_CONVERSIONS = {
    "median_range": f"estimated: mean from median and range ({_LUO}, eq. 7); "
    f"SD = range/ξ(n) ({_WAN}, eq. 9)",
    "median_iqr": f"estimated: mean from median and quartiles ({_LUO}, eq. 11); "
    f"SD = IQR/η(n) ({_WAN}, eq. 16)",
    "median_iqr_range": f"estimated: mean from median, quartiles and range ({_LUO}, eq. 15); "
    f"SD from range and IQR ({_WAN}, eq. 12)",
}


@dataclass(frozen=True)
class PrintedCI:
    """A confidence interval of the arm's mean as printed: (low, high) at ``level``."""

    low: float
    high: float
    level: float


@dataclass(frozen=True)
class MedianSummary:
    """A median with its quartiles and/or range as printed (None where not printed)."""

    median: float
    q1: float | None
    q3: float | None
    minimum: float | None
    maximum: float | None


@dataclass(frozen=True)
class Measurement:
    """One row of a trial file: an arm's value of one outcome at one timepoint.

    ``mean`` and ``sd`` describe the value at the timepoint; ``spread_source`` says how
    the spread was printed (``sd``, ``se``, ``ci``, ``median_iqr``, ``median_range``,
    ``median_iqr_range``; None on a row printing only a change), ``conversion`` names the
    method that turns it into an SD (with its citation), ``estimated`` marks a mean and SD
    estimated from a median, and ``warning`` holds a caveat found in converting (e.g.
    skewness). For a CI or a median ``sd`` (and for a median ``mean``) is None until
    :func:`reanalysis.analysis.arms.converted` fills them. ``change_mean`` and
    ``change_sd`` are a change from baseline as printed (``change_sd`` from
    ``change_se``·√n when only the SE is printed); ``r`` is the arm's own pre–post
    correlation. ``printed_mean``, ``printed_sd``, ``printed_se`` and ``printed_cells``
    keep the cells as the file gives them, so that checks can use the precision the paper
    printed (1.180, not 1.18).
    """

    study: str
    arm: str
    role: str
    outcome: str
    unit: str
    timepoint: str
    week: float
    n: int
    mean: float | None
    sd: float | None
    source: str
    se: float | None
    note: str
    sd_from_se: bool
    n_assumed: bool
    row: int
    printed_mean: str = ""
    printed_sd: str = ""
    printed_se: str = ""
    spread_source: str | None = "sd"
    estimated: bool = False
    conversion: str = ""
    warning: str = ""
    ci: PrintedCI | None = None
    median: MedianSummary | None = None
    change_mean: float | None = None
    change_sd: float | None = None
    change_se: float | None = None
    r: float | None = None
    printed_cells: tuple[tuple[str, str], ...] = ()

    def cell(self, column: str) -> str:
        """The cell of a numeric ``column`` as printed in the file ("" when empty)."""
        return dict(self.printed_cells).get(column, "")

    @property
    def printed(self) -> str:
        """The row's numbers as the file gives them (the paper's precision), e.g.
        ``1.180 ± 0.145``, ``12.1 (95% CI 10.2 to 14.0)``, ``6 [IQR 4, 10]``,
        ``change −0.02 ± 0.03``."""
        parts = []
        if self.spread_source in ("sd", "se"):
            sd = self.printed_sd or f"{self.sd:g}"
            parts.append(f"{self.printed_mean or f'{self.mean:g}'} ± {sd}")
        elif self.ci is not None:
            interval = (
                f"{self.ci.level * 100:g}% CI {self.cell('ci_low')} to {self.cell('ci_high')}"
            )
            parts.append(f"{self.printed_mean} ({interval})" if self.printed_mean else interval)
        elif self.median is not None:
            text = f"median {self.cell('median')}"
            if self.median.q1 is not None:
                text += f" [IQR {self.cell('q1')}, {self.cell('q3')}]"
            if self.median.minimum is not None:
                text += f" (range {self.cell('min')} to {self.cell('max')})"
            parts.append(text)
        if self.change_mean is not None:
            spread = self.cell("change_sd") or f"{self.change_sd:g}"
            parts.append(f"change {self.cell('change_mean')} ± {spread}")
        return "; ".join(parts)

    @property
    def has_value(self) -> bool:
        """Whether the row prints the arm's value at its timepoint (not only a change)."""
        return self.spread_source is not None


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


def _number(text: str, where: str, column: str) -> float:
    try:
        return parse_number(text, "value")
    except ReanalysisError as error:
        shown = printable(text)
        reason = str(error).removeprefix(f"value '{shown}': ")
        raise ReanalysisError(
            f"{where}, column {column!r}: expected a number, got '{shown}'; {reason}"
        ) from None


@dataclass(frozen=True)
class _Level:
    """The value at the row's timepoint as printed, before any statistical conversion."""

    spread_source: str | None
    mean: float | None
    sd: float | None
    se: float | None
    conversion: str = ""
    estimated: bool = False
    ci: PrintedCI | None = None
    median: MedianSummary | None = None


def _positive(x: dict[str, float], cells: dict[str, str], column: str, where: str) -> None:
    what = "SE" if column.endswith("se") else "SD"
    if column in x and x[column] <= 0:
        raise ReanalysisError(
            f"{where}, column {column!r}: expected a positive {what}, got {cells[column]!r}"
        )


def _level(x: dict[str, float], cells: dict[str, str], n: int, where: str) -> _Level | None:
    """The printed form of the value: mean ± SD or SE, mean (CI), or a median summary."""
    forms = [
        form
        for form, columns in (
            ("an SD or SE", ("sd", "se")),
            ("a CI", ("ci_low", "ci_high", "ci_level")),
            ("a median", MEDIAN_COLUMNS),
        )
        if any(c in x for c in columns)
    ]
    if len(forms) > 1 or (forms == ["a median"] and "mean" in x):
        given = ", ".join(c for c in (*LEVEL_COLUMNS, *MEDIAN_COLUMNS) if c in x)
        raise ReanalysisError(
            f"{where}: expected one printed form of the value (mean with sd or se, mean with "
            f"ci_low and ci_high, or median with q1/q3 or min/max), got {given}"
        )
    if not forms:
        if "mean" in x:
            raise ReanalysisError(
                f"{where}, columns 'sd' and 'se': expected an SD or an SE (or ci_low and "
                "ci_high) with the mean, got neither"
            )
        return None
    if forms[0] == "an SD or SE":
        _positive(x, cells, "sd", where)
        _positive(x, cells, "se", where)
        if "mean" not in x:
            raise ReanalysisError(
                f"{where}, column 'mean': expected the mean printed with the "
                f"{'SD' if 'sd' in x else 'SE'}, got nothing"
            )
        if "sd" in x:
            return _Level("sd", x["mean"], x["sd"], x.get("se"))
        sd = x["se"] * math.sqrt(n)  # Cochrane Handbook 6.5.2.2: SD = SE × √n
        return _Level("se", x["mean"], sd, x["se"], "SD = SE·√n (Cochrane Handbook 6.5.2.2)")
    if forms[0] == "a CI":
        return _ci_level(x, cells, where)
    return _median_level(x, cells, n, where)


def _ci_level(x: dict[str, float], cells: dict[str, str], where: str) -> _Level:
    for column, other in (("ci_low", "ci_high"), ("ci_high", "ci_low")):
        if column not in x:
            raise ReanalysisError(
                f"{where}, column {column!r}: expected both ends of the CI ({other} and "
                f"{column}), got nothing"
            )
    low, high = x["ci_low"], x["ci_high"]
    if low >= high:
        raise ReanalysisError(
            f"{where}, column 'ci_high': expected ci_high above ci_low ({cells['ci_low']}), "
            f"got {cells['ci_high']!r}"
        )
    level = x.get("ci_level", DEFAULT_CI_LEVEL)
    if not 0 < level < 1:
        raise ReanalysisError(
            f"{where}, column 'ci_level': expected a confidence level between 0 and 1 such "
            f"as 0.95, got {cells['ci_level']!r}"
        )
    conversion = _CI_CONVERSION.format(q=(1 + level) / 2)
    mean = x.get("mean")
    if mean is None:
        mean = (low + high) / 2  # a CI of a mean is symmetric about it
        conversion += "; mean = the CI's midpoint (no mean printed)"
    elif not low <= mean <= high:
        raise ReanalysisError(
            f"{where}, column 'mean': expected the mean inside its CI [{cells['ci_low']}, "
            f"{cells['ci_high']}], got {cells['mean']!r}"
        )
    return _Level("ci", mean, None, None, conversion, ci=PrintedCI(low, high, level))


def _median_level(x: dict[str, float], cells: dict[str, str], n: int, where: str) -> _Level:
    if "median" not in x:
        raise ReanalysisError(
            f"{where}, column 'median': expected the median printed with the quartiles or "
            "range, got nothing"
        )
    for low, high in (("q1", "q3"), ("min", "max")):
        if (low in x) != (high in x):
            given, missing = (low, high) if low in x else (high, low)
            raise ReanalysisError(
                f"{where}, column {missing!r}: expected {missing} with {given}, got nothing"
            )
    if "q1" not in x and "min" not in x:
        raise ReanalysisError(
            f"{where}, columns 'q1', 'q3', 'min' and 'max': a median needs its quartiles "
            "(q1, q3) or its range (min, max), got neither"
        )
    given = [c for c in ("min", "q1", "median", "q3", "max") if c in x]
    for low, high in itertools.pairwise(given):
        if x[low] > x[high]:
            raise ReanalysisError(
                f"{where}, columns {low!r} and {high!r}: expected {low} <= {high}, got "
                f"{low} = {cells[low]} and {high} = {cells[high]}"
            )
    for low, high in (("q1", "q3"), ("min", "max")):
        if low in x and x[low] == x[high]:
            raise ReanalysisError(
                f"{where}, columns {low!r} and {high!r}: expected {low} < {high} (a zero "
                f"spread gives no SD), got {cells[low]} and {cells[high]}"
            )
    if n < MIN_MEDIAN_N:
        raise ReanalysisError(
            f"{where}, column 'n': a mean and SD from a median (Luo 2018, Wan 2014) need "
            f"n >= {MIN_MEDIAN_N}, got {n}"
        )
    quartiles, extremes = "q1" in x, "min" in x
    source = {(True, False): "median_iqr", (False, True): "median_range"}.get(
        (quartiles, extremes), "median_iqr_range"
    )
    summary = MedianSummary(x["median"], x.get("q1"), x.get("q3"), x.get("min"), x.get("max"))
    return _Level(source, None, None, None, _MEDIAN_CONVERSIONS[source], True, median=summary)


def _change(
    x: dict[str, float], cells: dict[str, str], n: int, week: float, where: str
) -> tuple[float, float] | None:
    """The printed change from baseline: (mean change, SD of the change), or None."""
    if not any(c in x for c in ("change_mean", "change_sd", "change_se")):
        return None
    if "change_mean" not in x:
        spread = "change_sd" if "change_sd" in x else "change_se"
        raise ReanalysisError(
            f"{where}, column 'change_mean': expected the mean change printed with {spread}, "
            "got nothing"
        )
    if "change_sd" not in x and "change_se" not in x:
        raise ReanalysisError(
            f"{where}, column 'change_sd': expected the SD of the change (or change_se) with "
            "change_mean, got nothing"
        )
    if week == 0:
        raise ReanalysisError(
            f"{where}, column 'change_mean': a change from baseline belongs on a follow-up row "
            "(week > 0), got week 0"
        )
    _positive(x, cells, "change_sd", where)
    _positive(x, cells, "change_se", where)
    if "change_sd" in x:
        return x["change_mean"], x["change_sd"]
    return x["change_mean"], x["change_se"] * math.sqrt(n)  # Cochrane Handbook 6.5.2.2


def _correlation(x: dict[str, float], cells: dict[str, str], week: float, where: str):
    if "r" not in x:
        return None
    if week == 0:
        raise ReanalysisError(
            f"{where}, column 'r': the arm's pre–post correlation belongs on its follow-up "
            "row (week > 0), got week 0"
        )
    if not -1 < x["r"] < 1:
        raise ReanalysisError(
            f"{where}, column 'r': expected a correlation strictly between -1 and 1, "
            f"got {cells['r']!r}"
        )
    if "change_sd" in x or "change_se" in x:
        raise ReanalysisError(
            f"{where}, column 'r': the printed change SD already gives this arm's "
            "correlation; give r or change_sd/change_se, not both"
        )
    return x["r"]


def _parse_row(fields: dict[str, str], where: str, line: int) -> Measurement:
    for column in TEXT_COLUMNS:
        if not fields[column]:
            raise ReanalysisError(f"{where}, column {column!r}: expected a value, got nothing")
    for column in NAME_COLUMNS:
        check_name(fields[column], f"{where}, column {column!r}")
    role = fields["role"]
    if role not in ROLES:
        raise ReanalysisError(
            f"{where}, column 'role': expected 'treatment' or 'control', got {role!r}"
        )
    week = _number(fields["week"], where, "week")
    if week < 0:
        raise ReanalysisError(
            f"{where}, column 'week': expected a week >= 0, got {fields['week']!r}"
        )
    n_value = _number(fields["n"], where, "n")
    if n_value != int(n_value) or n_value < 2:
        raise ReanalysisError(
            f"{where}, column 'n': expected a whole number >= 2, got {fields['n']!r}"
        )
    n = int(n_value)
    cells = {c: fields[c] for c in NUMBER_COLUMNS if fields.get(c)}
    x = {c: _number(text, where, c) for c, text in cells.items()}
    level = _level(x, cells, n, where)
    change = _change(x, cells, n, week, where)
    r = _correlation(x, cells, week, where)
    if level is None and change is None:
        raise ReanalysisError(
            f"{where}: expected the value (mean with sd, se or ci_low and ci_high; or median "
            "with q1/q3 or min/max) or a change (change_mean with change_sd or change_se), "
            "got neither"
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
    level = level or _Level(None, None, None, None)  # a row printing only a change
    return Measurement(
        study=fields["study"],
        arm=fields["arm"],
        role=role,
        outcome=fields["outcome"],
        unit=fields["unit"],
        timepoint=fields["timepoint"],
        week=week,
        n=n,
        mean=level.mean,
        sd=level.sd,
        source=fields["source"],
        se=level.se,
        note=note,
        sd_from_se=level.spread_source == "se",
        n_assumed=n_status == "assumed",
        row=line,
        printed_mean=fields.get("mean", ""),
        printed_sd=fields.get("sd", ""),
        printed_se=fields.get("se", ""),
        spread_source=level.spread_source,
        estimated=level.estimated,
        conversion=level.conversion,
        ci=level.ci,
        median=level.median,
        change_mean=None if change is None else change[0],
        change_sd=None if change is None else change[1],
        change_se=x.get("change_se"),
        r=r,
        printed_cells=tuple(cells.items()),
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
    _check_baselines(path, rows)


def _check_baselines(path: Path, rows: list[Measurement]) -> None:
    """Every follow-up row needs its arm's baseline row, unless it prints the change itself
    or the outcome is printed at follow-up only (no arm has a baseline row, and another arm
    reports it at that week to compare with)."""
    baselines = {(m.study, m.arm, m.outcome) for m in rows if m.week == 0}
    with_baseline = {(m.study, m.outcome) for m in rows if m.week == 0}
    at_week = {}
    for m in rows:
        at_week.setdefault((m.study, m.outcome, m.week), set()).add(m.arm)
    for m in rows:
        where = f"{path}: line {m.row}"
        if (m.study, m.arm, m.outcome) in baselines:
            continue
        if m.r is not None:
            raise ReanalysisError(
                f"{where}, column 'r': arm {m.arm!r} has no baseline (week 0) row for "
                f"{m.outcome!r}; a pre–post correlation needs one"
            )
        if m.change_mean is not None:
            continue
        if (m.study, m.outcome) in with_baseline:
            raise ReanalysisError(
                f"{where}, column 'week': arm {m.arm!r} has no baseline (week 0) row for "
                f"{m.outcome!r} in study {m.study!r}, while other arms do; expected one (or "
                "the change from baseline in change_mean)"
            )
        if len(at_week[(m.study, m.outcome, m.week)]) < 2:
            raise ReanalysisError(
                f"{where}, column 'week': arm {m.arm!r} has no baseline (week 0) row for "
                f"{m.outcome!r} in study {m.study!r} and no other arm reports it at week "
                f"{_format_week(m.week)}; expected a baseline row, a change from baseline "
                "(change_mean) or a second arm to compare with"
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
