"""A first draft of an article's claims file, and how much of the article an audit covers.

:func:`draft_claims_toml` turns the items found by :func:`reanalysis.data.article.extract`
into TOML for ``claims.toml``: a ``[[claim]]`` stub per quantitative statement and a
``[[reference]]`` per reference entry, each pre-matched to the data where the numbers allow.
A drafted stub is a starting point for the analyst: it quotes the article (``text``), where
the audit file proper holds a paraphrase (``claim``) and the check's parameters.

Matching rules:

* a mean ± spread matches a trial row whose printed mean and printed SD are the same
  numbers (2.50 and 2.5 are the same number; 2.5 and 2.51 are not);
* a reference matches a study by title (similarity of the normalized titles ≥ 0.9,
  :class:`difflib.SequenceMatcher` ratio), by journal and year (a journal abbreviation
  matches the full name word by word, as NLM abbreviations truncate each significant word;
  ISO 4), or by pages (after expanding "123-9" to "123-129"). Journal and year alone
  cannot tell apart two papers of one journal-year, so when both titles are printed and
  differ (similarity < 0.6) the study is only offered as a ``candidate_study``.

:func:`coverage` counts the quantitative statements (a mean ± spread or P value printed
inside a table cell counts once, as the cell) and says which are audited, which are set
aside with a reason, and which are unaccounted for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from reanalysis.data.article import Item, printed_numbers, to_float
from reanalysis.data.references import normalize_pages, parse_reference

TITLE_MATCH = 0.9  # judgement: survives case, punctuation and one or two changed words
TITLE_CONFLICT = 0.6  # judgement: below this two titles name different papers
_JOURNAL_STOPWORDS = {"the", "of", "and", "&", "for", "in", "on", "de"}
_BETWEEN_ARMS = re.compile(r"\b(?:placebo|control|versus|vs\.?|compared|between|against)\b", re.I)


@dataclass(frozen=True)
class Coverage:
    """Which of an article's quantitative statements an audit covers."""

    total: int
    audited: int
    not_audited: dict[int, str]
    unaccounted: tuple[int, ...]
    summary: str


def statements(items: Iterable[Item]) -> list[Item]:
    """The quantitative statements of ``items``: a mean ± spread or P value inside a table
    cell is carried by the cell, and references are not statements."""
    items = list(items)
    cells = {(i.line, i.text) for i in items if i.kind == "table_cell"}
    cell_lines = {line for line, _ in cells}

    def in_cell(item: Item) -> bool:
        return item.line in cell_lines and any(
            line == item.line and item.text in text for line, text in cells
        )

    return [
        i for i in items if i.kind != "reference" and (i.kind == "table_cell" or not in_cell(i))
    ]


def suggested_check(item: Item, line_text: str = "") -> str:
    """The audit check a statement most likely needs (names of reanalysis.analysis.claims)."""
    if item.kind == "mean_sd" or (
        item.kind == "table_cell" and item.subkind in ("mean_sd", "number")
    ):
        return "table_value"
    if item.kind == "table_cell" and item.subkind == "not_reported":
        return "not_published"
    if item.kind == "p_value" or (item.kind == "table_cell" and item.subkind == "p_value"):
        return "between_arm_significance" if _BETWEEN_ARMS.search(line_text) else "reported_p"
    if item.kind == "number" and item.subkind in ("dose", "threshold"):
        return "dosing" if item.subkind == "dose" else "threshold"
    return "unchecked"


def matching_rows(item: Item, rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Trial rows whose printed mean and SD are the numbers of a printed mean ± spread."""
    if item.subkind != "mean_sd" and item.kind != "mean_sd":
        return []
    printed = printed_numbers(item.text)
    if len(printed) < 2:
        return []
    mean, sd = to_float(printed[0]), to_float(printed[1])
    return [
        row
        for row in rows
        if to_float(str(row.get("printed_mean", ""))) == mean
        and to_float(str(row.get("printed_sd", ""))) == sd
        and mean is not None
    ]


def _normalized(text: str | None) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", (text or "").casefold()).split())


def title_similarity(a: str | None, b: str | None) -> float:
    """Ratio of matching characters of two titles after case and punctuation are dropped."""
    return SequenceMatcher(None, _normalized(a), _normalized(b)).ratio()


def same_journal(a: str | None, b: str | None) -> bool:
    """Whether two journal names agree, one possibly the NLM/ISO 4 abbreviation of the other."""
    words_a = [w for w in _normalized(a).split() if w not in _JOURNAL_STOPWORDS]
    words_b = [w for w in _normalized(b).split() if w not in _JOURNAL_STOPWORDS]
    if not words_a or len(words_a) != len(words_b):
        return False
    return all(x.startswith(y) or y.startswith(x) for x, y in zip(words_a, words_b, strict=True))


def match_reasons(reference: Item, study: Mapping[str, Any]) -> list[str]:
    """Why a printed reference matches a study: "title", "journal+year", "pages"."""
    reasons = []
    if reference.title and title_similarity(reference.title, study.get("title")) >= TITLE_MATCH:
        reasons.append("title")
    if same_journal(reference.journal, study.get("journal")) and reference.year == study.get(
        "year"
    ):
        reasons.append("journal+year")
    pages = normalize_pages(str(study.get("pages") or ""))
    if reference.pages and pages and reference.pages == pages:
        reasons.append("pages")
    return reasons


def _toml_string(text: str) -> str:
    """A TOML basic string (TOML 1.0 §String): escapes quotes, backslashes and controls."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\b\t\n\f\r":
            out.append({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:  # a lone surrogate is no Unicode scalar value
            out.append("\ufffd")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        inner = ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    return _toml_string(str(value))


def _table(name: str, entries: Mapping[str, Any]) -> str:
    body = "".join(f"{key} = {_toml_value(v)}\n" for key, v in entries.items() if v is not None)
    return f"[[{name}]]\n{body}"


def _claim_entry(
    item: Item, number: int, rows: Sequence[Mapping[str, Any]], line_text: str
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": f"draft.line{item.line}.{number}",
        "section": item.section or "",
        "text": item.text,
        "line": item.line,
        "item": item.kind if item.kind != "number" else f"number/{item.subkind}",
        "check": suggested_check(item, line_text),
        "row_header": item.row_header,
        "column_header": item.column_header,
        "values": list(item.values) or None,
        "unit": item.unit,
    }
    matches = matching_rows(item, rows)
    if len(matches) == 1:
        row = matches[0]
        entry["match"] = f"{row['file']}:{row['line']}"
        keys = ("study", "arm", "outcome", "timepoint")
        entry["matched"] = {key: str(row.get(key, "")) for key in keys}
    elif matches:
        entry["candidates"] = [f"{row['file']}:{row['line']}" for row in matches]
    return entry


def _reference_entry(item: Item, position: int, studies: Mapping[str, Mapping]) -> dict[str, Any]:
    printed = parse_reference(item.text)
    entry: dict[str, Any] = {
        "position": position,
        "line": item.line,
        "authors": printed.authors_printed or "",
        "title": item.title or "",
        "journal": item.journal or "",
        "year": item.year,
        "volume": item.volume or "",
        "issue": item.issue or "",
        "pages": item.pages or "",
    }
    scored = []
    for study_id, study in studies.items():
        reasons = match_reasons(item, study)
        if reasons:
            similarity = title_similarity(item.title, study.get("title"))
            scored.append((len(reasons), similarity, study_id, reasons))
    if not scored:
        return entry
    _, similarity, study_id, reasons = max(scored)
    conflict = bool(item.title) and bool(studies[study_id].get("title"))
    conflict = conflict and similarity < TITLE_CONFLICT and "pages" not in reasons
    prefix = "candidate" if conflict else "match"
    entry[f"{prefix}_study"] = study_id
    entry[f"{prefix}_reasons"] = reasons
    entry["title_similarity"] = round(similarity, 2)
    return entry


def draft_claims_toml(
    items: Iterable[Item],
    rows: Sequence[Mapping[str, Any]],
    studies: Mapping[str, Mapping[str, Any]],
    *,
    article: str = "",
) -> str:
    """TOML text with a ``[[claim]]`` stub per statement and a ``[[reference]]`` per entry.

    ``rows``: dicts with file, line, study, arm, outcome, timepoint, printed_mean and
    printed_sd; ``studies``: study id → mapping with title, journal, year, volume, issue,
    pages and authors (``reanalysis.data.studies.Study`` objects serve); ``article``: the
    text the items came from, whose lines tell a between-arm P value from another.
    """
    items = list(items)
    lines = article.split("\n")
    parts = [
        "# Draft generated by reanalysis.analysis.claims_draft from the article's text.\n"
        "# Each [[claim]] quotes the article (text) with a suggested check; replace the quote\n"
        "# with a paraphrase (claim) and fill in the check's parameters before auditing.\n"
    ]
    per_line: dict[int, int] = {}
    for item in statements(items):
        per_line[item.line] = per_line.get(item.line, 0) + 1
        line_text = lines[item.line - 1] if item.line <= len(lines) else ""
        parts.append(_table("claim", _claim_entry(item, per_line[item.line], rows, line_text)))
    references = [i for i in items if i.kind == "reference"]
    for position, item in enumerate(references, start=1):
        parts.append(_table("reference", _reference_entry(item, position, studies)))
    return "\n".join(parts)


def _lines(lines: Iterable[int]) -> str:
    return ", ".join(str(n) for n in sorted(lines)) or "none"


def coverage(
    items: Iterable[Item], audited_lines: Iterable[int], not_audited: Mapping[int, str]
) -> Coverage:
    """How many statements sit on audited lines; the rest set aside (with a reason) or not."""
    found = statements(items)
    audited_set = set(audited_lines)
    audited = sum(1 for i in found if i.line in audited_set)
    open_lines = {i.line for i in found if i.line not in audited_set}
    set_aside = {line: not_audited[line] for line in sorted(open_lines) if line in not_audited}
    unaccounted = tuple(sorted(open_lines - set(set_aside)))
    summary = (
        f"{audited} of {len(found)} quantitative statements audited; "
        f"not audited: {'lines ' if set_aside else ''}{_lines(set_aside)}; "
        f"unaccounted: {'lines ' if unaccounted else ''}{_lines(unaccounted)}"
    )
    return Coverage(len(found), audited, set_aside, unaccounted, summary)
