"""Find an article's quantitative statements, table cells and reference list.

:func:`extract` reads plain text or Markdown and returns one :class:`Item` per

* ``mean_sd`` — a mean ± spread ("161.2 ± 28.4 mg/dL", "5 +/- 2", "−0.8 ±0.3 %"); the
  spread is labelled ``sd`` or ``se`` only where the line (or, in a table, a header)
  says so, otherwise ``unlabelled`` (the conventions of shared/sources/trials.md);
* ``p_value`` — "P = 0.0014", "p<.05", "P = NS", "p-value < 1 × 10^-4"; ``subkind`` is
  the relation as printed ("=", "<", ">", "<=", ">=") or "ns";
* ``number`` — a percentage, dose (with its schedule), duration, sample size, threshold
  or other quantity with a unit; bare numbers without a unit or cue are not statements;
* ``table_cell`` — each data cell of a pipe table with its row and column header;
* ``reference`` — each entry of the reference list, parsed by
  :func:`reanalysis.data.references.parse_reference`.

Lines are the text split on "\\n" (a trailing "\\r" dropped), numbered from 1, so that an
item's ``text`` is always a substring of its line. A number inside a mean ± spread, a P
value or a table cell is not reported again as a ``number``; a mean ± spread or P value
inside a table cell is reported both as itself and as part of the cell. Headings are
Markdown headings, bold-only lines, or short lines set apart by a blank line above that
do not end like a sentence. Patterns use possessive quantifiers and bounded repeats so
that no line, however long, makes them backtrack (Friedl, Mastering Regular Expressions,
3rd ed., ch. 6). Parsing never raises on odd input: malformed parts are skipped.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace

from reanalysis.data.references import parse_reference
from reanalysis.errors import ReanalysisError

KINDS = ("mean_sd", "p_value", "number", "table_cell", "reference")
_CITATION_FIELDS = (
    "first_author", "authors", "title", "journal", "year",
    "volume", "issue", "pages", "doi", "pmid",
)  # fmt: skip

_SP = "[ \t\u00a0\u2009\u202f\u200a\u2007]"
_NUM = r"(?<![\w.,])[-−+]?(?:(?:\d{1,3}(?:,\d{3})++|\d++)(?:[.·]\d++)?|\.\d++)(?![\d,]\d)"
_NUMBER = re.compile(_NUM)
_WORDS = dict(
    one=1, two=2, three=3, four=4, five=5, six=6, seven=7, eight=8, nine=9, ten=10, eleven=11,
    twelve=12,
)  # fmt: skip
_WORDNUM = r"(?<![A-Za-z])(?:" + "|".join(_WORDS) + r")(?![A-Za-z])"
_RANGE = rf"{_NUM}(?:{_SP}*+(?:to|-|–|—|or){_SP}*+{_NUM})?"
_TIME = r"(?:hours?|days?|weeks?|months?|years?|hrs?|wks?|mos?|yrs?)"
_SIMPLE_UNITS = (
    r"mg|g|kg|µg|μg|mcg|ng|pg|mL|ml|dL|dl|L|mmol|µmol|μmol|nmol|pmol|mEq|IU|mIU|mU|U|"
    r"cm|mm|m|kcal|kJ|bpm|mm ?Hg|%|" + _TIME + "|min|points?|pts"
)
_COMPOUND_UNIT = r"(?!and/|or/)[A-Za-zµμ%][A-Za-z0-9µμ²³]*+(?:/[A-Za-z0-9µμ²³]++(?:\.\d++)?)++"
_UNIT = rf"(?:{_COMPOUND_UNIT}|(?:{_SIMPLE_UNITS})(?![\w/²³]))"
_PLUS_MINUS = r"(?:±|\+/-|\+/−|\+-|\+−|&plusmn;)"
_MEAN_SD = re.compile(
    rf"(?P<mean>{_NUM})(?:{_SP}*+(?P<unit1>{_UNIT}))?{_SP}*+{_PLUS_MINUS}{_SP}*+"
    rf"(?P<sd>{_NUM})(?:{_SP}*+(?P<unit2>{_UNIT}))?"
)
_SCI = (
    rf"(?:{_NUM})?(?:{_SP}*+[x×·*]{_SP}*+)?"
    rf"(?:10{_SP}*+(?:\^|e)?[-−⁻]?[\d⁰¹²³⁴⁵⁶⁷⁸⁹]{{1,3}}|[eE][-−+]?\d{{1,3}})"
)
_P_VALUE = re.compile(
    r"(?<![A-Za-z0-9])[*_]{0,2}[Pp][*_]{0,2}(?:[ -]?values?)?(?:\s+for\s+[a-z]{1,20})?"
    rf"{_SP}*+(?P<rel><=|>=|[=<>≤≥⩽⩾]){_SP}*+"
    rf"(?P<val>{_SCI}|{_NUM}|N\.?S\.?|n\.s\.|ns)(?![\w.])"
)
_APPROX = rf"(?:(?:approximately|about|around|roughly|nearly|almost|~|≈){_SP}*+)?"
_COMPARATOR = (
    r"(?:(?:below|above|under|over|less than|more than|greater than|lower than|higher than|"
    r"at least|at most|exceeding|up to)(?:\s+(?:a|the)(?:\s+critical)?\s+(?:threshold|cut-?off|"
    r"level)\s+of)?|(?:threshold|cut-?off)\s+of|<=|>=|[<>≤≥⩽⩾])"
)
_MASS = r"(?:mg|g|µg|μg|mcg|IU|units?)"
_SCHEDULE = (
    rf"(?:(?:once|twice|thrice|(?:{_WORDNUM}|\d++)(?:(?:{_SP}+(?:to|or){_SP}+|-|–)"
    rf"(?:{_WORDNUM}|\d++))?{_SP}++times){_SP}+(?:(?:a|per|each){_SP}+)?"
    r"(?:day|week|month|daily|weekly|monthly)|"
    rf"daily|weekly|monthly|nightly|every{_SP}+(?:other{_SP}+)?(?:\d+{_SP}+)?{_TIME}|"
    rf"(?:per|a|each){_SP}+(?:day|week)|b\.?i\.?d\.?|t\.?i\.?d\.?|q\.?d\.?|at bedtime)(?![A-Za-z])"
)
_ROUTE = r"(?:taken|given|administered|orally|by mouth|intramuscularly|subcutaneously|once)"
_POPULATION = (
    r"(?:men|women|patients|participants|subjects|adults|children|boys|girls|people|persons|"
    r"individuals|volunteers|cases|controls)"
)
_NOT_ADJECTIVE = r"(?!(?:in|of|with|and|or|to|for|at|on|from|per|than)\b)"
_ESTIMATE = (
    r"(?:[Hh]azard ratio|[Oo]dds ratio|[Rr]isk ratio|[Rr]elative risk|[Rr]ate ratio|"
    r"[Mm]ean difference|HR|OR|RR|MD)"
)
_ULN = r"(?:times|×|x)(?:\s+the)?\s+(?:upper limit of normal|ULN)"
# Number patterns in priority order: an earlier kind claims its span first.
_NUMBER_PATTERNS = (
    ("sample_size", re.compile(rf"(?<!\w)[nN]{_SP}*+={_SP}*+(?P<num>{_NUM})")),
    (
        "confidence_interval",
        re.compile(
            rf"(?<![\w.])\d{{2}}(?:\.\d)?{_SP}*+%{_SP}*+(?:CI|confidence interval)[,:]?{_SP}*+"
            rf"(?P<num>{_RANGE})"
        ),
    ),
    (
        "estimate",
        re.compile(
            rf"(?<![A-Za-z]){_ESTIMATE}(?:{_SP}+(?:was|of|is|were))?{_SP}*+[=:,]?{_SP}*+"
            rf"(?P<num>{_NUM})"
        ),
    ),
    (
        "threshold",
        re.compile(
            rf"(?<![\w<>=])(?P<cmp>{_COMPARATOR}){_SP}*+{_APPROX}(?P<num>{_NUM}){_SP}*+"
            rf"(?P<unit>{_ULN}|(?!{_TIME}\b|%){_UNIT})"
        ),
    ),
    (
        "dose",
        re.compile(
            rf"{_APPROX}(?P<num>{_RANGE}){_SP}*+(?P<unit>{_MASS}(?:/(?:day|d|week|wk|kg(?:/day)?))?)"
            rf"(?![\w/])(?:,?{_SP}+(?:{_ROUTE}{_SP}+){{0,2}}(?P<schedule>{_SCHEDULE}))?"
        ),
    ),
    ("percent", re.compile(rf"{_APPROX}(?P<num>{_RANGE}){_SP}*+(?P<unit>%|percent\b|per cent\b)")),
    (
        "duration",
        re.compile(
            rf"{_APPROX}(?P<num>{_RANGE}|{_WORDNUM}(?:{_SP}+(?:to|or){_SP}+{_WORDNUM})?)"
            rf"(?:{_SP}*+[-–]{_SP}*+|{_SP}++)(?P<unit>{_TIME})(?![A-Za-z])"
        ),
    ),
    (
        "sample_size",
        re.compile(
            rf"(?P<num>(?<![\w.,])(?:\d{{1,3}}(?:,\d{{3}})++|\d++)(?![.\d])){_SP}+"
            rf"(?:{_NOT_ADJECTIVE}[A-Za-z-]{{1,30}}{_SP}+){{0,3}}?{_POPULATION}\b"
            rf"(?:{_SP}+(?:were|was){_SP}+(?:randomi[sz]ed|enrolled|included|recruited|assigned|"
            r"allocated|analy[sz]ed|studied))?"
        ),
    ),
    ("quantity", re.compile(rf"{_APPROX}(?P<num>{_NUM}){_SP}*+(?P<unit>{_COMPOUND_UNIT})")),
)
# Capitals only for the abbreviations, so that "per se" labels nothing.
_SD_LABEL = re.compile(r"\bS\.?D\.?(?![A-Za-z])|(?i:standard deviations?)")
_SE_LABEL = re.compile(r"\bSEM?(?![A-Za-z])|\bS\.E\.(?:M\.)?|(?i:standard errors?)")
_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(?P<title>.*)$")
_BOLD = re.compile(r"^\s*(?:\*\*|__)(?P<title>[^*_]{1,120})(?:\*\*|__)\s*$")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•]\s|\[\d{1,4}\]|\(?\d{1,4}[.)]\s)")
_REF_HEADING = re.compile(
    r"^(?:\d+\.?\s*)?(?:references?|bibliography|works cited|literature cited|cited literature|"
    r"sources|citations|reference list)\s*:?$",
    re.I,
)
_YEAR = re.compile(r"(?<!\d)(?:1[6-9]|20)\d\d(?!\d)")
_UNIT_IN_PARENS = re.compile(rf"\((?P<unit>{_UNIT})\)\s*$")
_NOT_REPORTED = re.compile(
    r"^(?:not (?:specified|reported|available|given)|n/?a|nr|[-–—]|\.\.\.)$", re.I
)
_P_HEADER = re.compile(r"^\s*[*_]{0,2}p[*_]{0,2}(?:[ -]?values?)?\b", re.I)


@dataclass(frozen=True)
class Item:
    """One quantitative statement, table cell or reference, with where it was printed."""

    kind: str
    text: str
    line: int
    value: float | None = None
    values: tuple[float, ...] = ()
    unit: str | None = None
    subkind: str | None = None
    section: str | None = None
    row_header: str | None = None
    column_header: str | None = None
    first_author: str | None = None
    authors: tuple[str, ...] = ()
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The item's fields by name, tuples as lists (ready for ``json.dumps``)."""
        return {
            f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v
            for f in fields(self)
        }


def to_float(printed: str) -> float | None:
    """A printed number as a float (Unicode minus, thousands commas, middle-dot decimals)."""
    text = printed.strip().replace("−", "-").replace(",", "").replace("·", ".")
    if text.lower() in _WORDS:
        return float(_WORDS[text.lower()])
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def printed_numbers(text: str) -> tuple[str, ...]:
    """The numbers of a statement as printed, in order ("1.121 ± 0.141" → ("1.121", "0.141"))."""
    return tuple(m.group(0) for m in _NUMBER.finditer(text))


def _numbers(text: str) -> tuple[float, ...]:
    words = re.findall(_WORDNUM, text, re.I)
    printed = printed_numbers(text) or tuple(words)
    return tuple(v for v in (to_float(p) for p in printed) if v is not None)


def _sci_value(printed: str) -> float | None:
    text = printed.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹−", "-0123456789-")).replace(" ", "")
    text = text.replace("\u00a0", "").replace("\u2009", "").replace("\u202f", "")
    match = re.fullmatch(r"([-+]?[\d.]*)(?:[x×·*]?10\^?e?|[eE])([-+]?\d+)", text)
    if not match:
        return to_float(printed)
    mantissa = to_float(match.group(1)) if match.group(1) else 1.0
    try:
        value = (mantissa or 0.0) * 10.0 ** int(match.group(2))
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


def _spread_labels(line: str, context: str = "") -> Callable[[int], str]:
    """A function giving, for a position on ``line``, "sd" or "se" from the nearest label
    on the line, else from ``context`` (a table's header) if it names only one, else
    "unlabelled". Labels are found once per line so that many statements stay linear."""
    found = sorted(
        [(m.start(), "sd") for m in _SD_LABEL.finditer(line)]
        + [(m.start(), "se") for m in _SE_LABEL.finditer(line)]
    )
    has_sd, has_se = bool(_SD_LABEL.search(context)), bool(_SE_LABEL.search(context))
    fallback = "sd" if has_sd and not has_se else "se" if has_se and not has_sd else "unlabelled"
    positions = [position for position, _ in found]

    def label(start: int) -> str:
        if not found:
            return fallback
        after = bisect.bisect_left(positions, start)
        near = [i for i in (after - 1, after) if 0 <= i < len(found)]
        return found[min(near, key=lambda i: abs(positions[i] - start))][1]

    return label


def _headings(lines: list[str]) -> list[str | None]:
    """The heading text of each line that is a heading, else None."""
    result: list[str | None] = [None] * len(lines)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        atx, bold = _ATX.match(line), _BOLD.match(line)
        if atx or bold:
            result[index] = (atx or bold).group("title").rstrip(" \t#").strip() or None
        elif following and set(following) <= set("=-") and len(following) >= 2 and "|" not in line:
            result[index] = stripped  # Setext underline
        elif (
            (index == 0 or not lines[index - 1].strip())
            and len(stripped) <= 90
            and len(stripped.split()) <= 12
            and (stripped[0].isupper() or stripped[0].isdigit())
            and stripped[-1] not in ".,;:"
            and "|" not in stripped
            and not _LIST_MARKER.match(line)
        ):
            result[index] = stripped
    return result


def _cells(line: str) -> list[tuple[str, int]]:
    """The stripped text and start offset of each cell of a pipe-table row."""
    bounds = [i for i, ch in enumerate(line) if ch == "|" and (i == 0 or line[i - 1] != "\\")]
    start, end = len(line) - len(line.lstrip()), len(line.rstrip())
    edges = [start - 1 if not bounds or bounds[0] != start else start]
    edges += [b for b in bounds if b != start and b != end - 1]
    edges.append(end if not bounds or bounds[-1] != end - 1 else end - 1)
    cells = []
    for left, right in itertools.pairwise(edges):
        raw = line[left + 1 : right]
        text = raw.strip()
        cells.append((text, left + 1 + (len(raw) - len(raw.lstrip()))))
    return cells


def _is_separator(line: str) -> bool:
    stripped = line.strip()
    return "|" in stripped and "-" in stripped and set(stripped) <= set("|-: \t")


def _tables(lines: list[str]) -> dict[int, list[str]]:
    """Line index → header cells, for each body row of each pipe table; separators → []."""
    rows: dict[int, list[str]] = {}
    index = 0
    while index + 1 < len(lines):
        line = lines[index]
        if "|" in line and not _is_separator(line) and _is_separator(lines[index + 1]):
            header = [text for text, _ in _cells(line)]
            rows[index], rows[index + 1] = [], []
            index += 2
            while index < len(lines) and "|" in lines[index] and lines[index].strip():
                rows[index] = [] if _is_separator(lines[index]) else header
                index += 1
        else:
            index += 1
    return rows


def _reference_lines(lines: list[str], headings: list[str | None]) -> list[int]:
    """Indices of reference entries: under a References-like heading, else a trailing list."""
    found: list[int] = []
    for index, heading in enumerate(headings):
        if heading is None or not _REF_HEADING.match(heading):
            continue
        for entry in range(index + 1, len(lines)):
            text = lines[entry].strip()
            if not text:
                continue
            if headings[entry] is not None and not (
                _YEAR.search(text) or _LIST_MARKER.match(lines[entry])
            ):
                break
            found.append(entry)
    if found:
        return found
    tail = []
    for index in range(len(lines) - 1, -1, -1):
        if not lines[index].strip():
            continue
        if not re.match(r"^\s*(?:\[\d{1,4}\]|\d{1,4}[.)])\s+\S", lines[index]):
            break
        tail.append(index)
    with_year = sum(1 for i in tail if _YEAR.search(lines[i]))
    return sorted(tail) if tail and with_year * 2 > len(tail) else []


def _claim(taken: bytearray, span: tuple[int, int]) -> bool:
    """Mark ``span`` of the line as taken unless part of it already is (linear in its length)."""
    if any(taken[span[0] : span[1]]):
        return False
    taken[span[0] : span[1]] = b"\x01" * (span[1] - span[0])
    return True


def _mean_sds(
    line: str, number: int, section: str | None, context: str = ""
) -> list[tuple[int, Item]]:
    items = []
    labels = _spread_labels(line, context)
    for m in _MEAN_SD.finditer(line):
        unit = m.group("unit2") or m.group("unit1")
        mean, sd = to_float(m.group("mean")), to_float(m.group("sd"))
        if mean is None or sd is None:
            continue
        label = labels(m.start())
        items.append(
            (m.start(), Item("mean_sd", m.group(0), number, mean, (mean, sd), unit, label, section))
        )
    return items


def _p_values(line: str, number: int, section: str | None) -> list[tuple[int, Item]]:
    items = []
    for m in _P_VALUE.finditer(line):
        printed = m.group("val")
        value = None if printed.lower().strip(".").replace(".", "") == "ns" else _sci_value(printed)
        relation = "ns" if value is None else m.group("rel").replace("≤", "<=").replace("⩽", "<=")
        relation = relation.replace("≥", ">=").replace("⩾", ">=")
        values = () if value is None else (value,)
        item = Item("p_value", m.group(0), number, value, values, None, relation, section)
        items.append((m.start(), item))
    return items


def _plain_numbers(
    line: str, number: int, section: str | None, taken: bytearray
) -> list[tuple[int, Item]]:
    found = []
    for subkind, pattern in _NUMBER_PATTERNS:
        for m in pattern.finditer(line):
            values = _numbers(m.group("num"))
            if not values or not m.group(0).strip() or not _claim(taken, m.span()):
                continue
            kind = subkind
            if subkind == "duration" and re.search(
                r"\baged?\s*$", line[max(0, m.start() - 8) : m.start()]
            ):
                kind = "age"
            unit = m.groupdict().get("unit")
            item = Item("number", m.group(0), number, values[0], values, unit, kind, section)
            found.append((m.start(), item))
    return found


def _table_cell(text: str, number: int, section: str | None, row: str, column: str | None) -> Item:
    header_unit = _UNIT_IN_PARENS.search(row) or _UNIT_IN_PARENS.search(column or "")
    unit = header_unit.group("unit") if header_unit else None
    pair = _MEAN_SD.search(text)
    if pair:
        values = (to_float(pair.group("mean")), to_float(pair.group("sd")))
        unit = pair.group("unit2") or pair.group("unit1") or unit
        subkind = "mean_sd"
    else:
        values = _numbers(text) if printed_numbers(text) else ()
        subkind = "number" if values else "text"
        if _P_HEADER.match(column or "") or _P_VALUE.match(text):
            subkind, unit = "p_value", None
        elif _NOT_REPORTED.match(text):
            subkind = "not_reported"
    clean = tuple(v for v in values if v is not None)
    return Item(
        "table_cell", text, number, clean[0] if clean else None, clean, unit, subkind, section,
        row_header=row, column_header=column,
    )  # fmt: skip


def extract(text: str) -> list[Item]:
    """Every quantitative statement, table cell and reference of an article, in reading order."""
    if not isinstance(text, str):
        raise ReanalysisError(f"extract: text must be str, got {type(text).__name__}")
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    headings = _headings(lines)
    tables = _tables(lines)
    references = set(_reference_lines(lines, headings))
    items: list[tuple[int, int, Item]] = []
    section: str | None = None
    for index, line in enumerate(lines):
        number = index + 1
        section = headings[index] or section
        if index in references:
            entry = parse_reference(line)
            cited = {name: getattr(entry, name) for name in _CITATION_FIELDS}
            items.append(
                (number, 0, Item("reference", entry.text, number, section=section, **cited))
            )
            continue
        header = tables.get(index)
        if header is not None and not header:
            continue  # a table's header row or separator: carried by its cells
        context = " ".join(header or ())
        found = _mean_sds(line, number, section, context) + _p_values(line, number, section)
        if header is not None:
            cells = _cells(line)
            row = cells[0][0] if cells else ""
            row_unit = _UNIT_IN_PARENS.search(row)
            unit = row_unit.group("unit") if row_unit else None
            found = [  # a table's unit is printed once, in the row header
                (start, replace(i, unit=i.unit or unit) if i.kind == "mean_sd" else i)
                for start, i in found
            ]
            for position, (cell, start) in enumerate(cells[1:], start=1):
                if cell:
                    column = header[position] if position < len(header) else None
                    found.append((start, _table_cell(cell, number, section, row, column)))
        else:
            taken = bytearray(len(line))
            for start, item in found:
                _claim(taken, (start, start + len(item.text)))
            found += _plain_numbers(line, number, section, taken)
        items.extend((number, start, item) for start, item in found)
    items.sort(key=lambda entry: (entry[0], entry[1]))
    return [item for _, _, item in items]
