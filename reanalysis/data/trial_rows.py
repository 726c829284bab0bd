"""One row of a trial file: its type (:class:`Measurement`) and its parsing and checks.

:func:`_parse_row` reads one CSV row into a :class:`Measurement`, checking each cell and
the row's cells together. Checks across rows: :mod:`reanalysis.data.trial_checks`.

Choices recorded here:

* Numbers are read by :func:`reanalysis.data.text.parse_number` (ASCII digits only), so
  "1e3 g", "NaN", "٣" or "1_0" never slip through.
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
* ``n_status`` (optional, ``reported`` or ``assumed``) says whether the arm's n is a
  published count or the analyst's assumption; an assumption must be explained in
  ``note``.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

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


def _format_week(week: float) -> str:
    return f"{week:g}"


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
