"""Parse one printed reference-list entry into its citation fields.

:func:`parse_reference` recognises the common styles by their punctuation, trying the most
distinctive first:

* MLA 9 — title in double quotes, locator as ``vol. 12, no. 3, 2019, pp. 45-67``
  (MLA Handbook, 9th ed., ch. 5);
* Harvard (Cite Them Right) — ``Smith J and Jones B (2019) 'Title', Journal, 12(3), pp. 45-67``;
* APA 7 — ``Smith, J. A., & Jones, B. (2019). Title. Journal, 12(3), 45–67.``
  (APA Publication Manual, 7th ed., ch. 9-10);
* Vancouver / NLM and AMA — ``Surname AB, Surname C. Title. Journal. 2019;12(3):123-9.``
  (Citing Medicine, 2nd ed., ch. 1; AMA Manual of Style, 11th ed., ch. 3).

An entry in none of these shapes still yields what can be found (DOI, PMID, a year, the
first word as the first author); parsing never raises. Authors are returned in NLM form
("Smith AB"), with "et al." as a last element when the entry abbreviates the list,
as ``data/studies.toml`` records them. Page ranges are expanded ("123-9" → "123-129",
NLM drops repeated leading digits; Citing Medicine ch. 1, "Pagination") while
``pages_printed`` keeps the text as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Spaces a typeset article may use between tokens (no-break, thin, narrow no-break, hair).
_SP = "[ \t\u00a0\u2009\u202f\u200a\u2007]"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_DOI = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|\bdoi:\s*)?(10\.\d{4,9}/[^\s\"<>]+)", re.I)
_PMID = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.I)
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
_MARKER = re.compile(r"^\s*(?:[-*+•]\s+|\[\d{1,4}\]\s*|\(?\d{1,4}[.)]\s+)")
_ET_AL = re.compile(r",?\s*(?:\bet\s+al\b\.?|…|\.\.\.)\s*\.?\s*$", re.I)
_INITIALS = re.compile(r"^(?:[A-Z]{1,4}|(?:[A-Z][a-z]?\.\s*-?\s*){1,4})$")
_NAME_SPLIT = re.compile(r"\s*(?:,\s*&|,\s*and\b|&|\band\b|,)\s*")
_QUOTED = re.compile(r"[“\"](?P<title>[^”\"]+)[”\"]")
_PARENS_YEAR = re.compile(r"\((?P<year>" + _YEAR + r")[a-z]?(?:,[^)]{0,40})?\)\.?")
_VOL_ISSUE = re.compile(r"(?P<volume>\d+[A-Za-z]?)\s*(?:\((?P<issue>[^)]{1,20})\))?")
_PAGES = re.compile(r"(?P<pages>[A-Za-z]?\d+(?:\s*[-–—]\s*[A-Za-z]?\d+)?)")
_NLM_LOCATOR = re.compile(
    r"(?P<year>" + _YEAR + r")[a-z]?(?:\s+[A-Z][a-z]{2}(?:\s+\d{1,2})?)?\s*;\s*"
    r"(?P<volume>[\w]+)?\s*(?:\((?P<issue>[^)]{1,20})\))?\s*(?::\s*(?P<pages>[\w]+(?:[-–—][\w]+)?))?"
)


@dataclass(frozen=True)
class Reference:
    """The fields of one reference entry; absent parts are None (``authors`` empty)."""

    text: str
    style: str
    first_author: str | None = None
    authors: tuple[str, ...] = ()
    authors_printed: str | None = None
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    pages_printed: str | None = None
    doi: str | None = None
    pmid: str | None = None


def normalize_pages(printed: str | None) -> str | None:
    """Expand an abbreviated range and use a hyphen: "123-9" → "123-129", "45–67" → "45-67"."""
    if not printed:
        return None
    match = re.fullmatch(r"([A-Za-z]*)(\d+)\s*[-–—]+\s*([A-Za-z]*)(\d+)", printed.strip())
    if not match:
        return printed.strip()
    prefix, first, _, last = match.groups()
    if len(last) < len(first):  # NLM elides the leading digits the two ends share
        last = first[: len(first) - len(last)] + last
    return f"{prefix}{first}-{prefix}{last}"


def _nlm_name(name: str) -> str:
    """One printed name in NLM form "Surname AB" (given-name-first names are turned round)."""
    name = name.strip().strip(".,;").strip()
    if "," in name:  # "Smith, J. A." already surname first
        surname, _, given = name.partition(",")
        return f"{surname.strip()} {_initials(given)}".strip()
    words = name.split()
    if len(words) < 2 or len(words) > 4:
        return name
    if _INITIALS.match(words[-1].replace(".", "")) and words[-1].replace(".", "").isupper():
        return f"{' '.join(words[:-1])} {words[-1].replace('.', '')}"
    if all(_INITIALS.match(w) for w in words[:-1]):  # "J. A. Smith"
        return f"{words[-1]} {_initials(' '.join(words[:-1]))}"
    return f"{words[-1]} {_initials(' '.join(words[:-1]))}"  # "Jane Doe"


def _initials(given: str) -> str:
    """ "J. A." → "JA", "Jane" → "J", "SA" → "SA", "J.-P." → "JP"."""
    given = given.strip()
    if re.fullmatch(r"[A-Z]{1,4}", given):
        return given
    return "".join(part[0] for part in re.split(r"[\s.\-]+", given) if part and part[0].isalpha())


def split_authors(printed: str) -> tuple[str, ...]:
    """Printed author list → NLM-form names, with a final "et al." if the list is cut short."""
    text = printed.strip().rstrip(".").strip()
    et_al = bool(_ET_AL.search(printed.strip()))
    text = _ET_AL.sub("", text).strip().rstrip(",").strip()
    tokens = [t for t in _NAME_SPLIT.split(text) if t and t.strip(" .")]
    names: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index].strip()
        following = tokens[index + 1].strip() if index + 1 < len(tokens) else ""
        # "Smith, J. A." and MLA's "Smith, John" arrive as two tokens: surname, then given names
        pairs = (
            " " not in token
            and following
            and (
                _INITIALS.match(following)
                or (index == 0 and re.fullmatch(r"[A-Z][a-z]+", following))
            )
        )
        if pairs:
            names.append(f"{token} {_initials(following)}")
            index += 2
        else:
            names.append(_nlm_name(token))
            index += 1
    return (*names, "et al.") if et_al and names else tuple(names)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip().strip(",;:").strip()
    return text.removesuffix(".").strip() or None


def _year(text: str) -> int | None:
    match = re.search(r"(?<!\d)(" + _YEAR + r")(?!\d)", text)
    return int(match.group(1)) if match else None


def _build(text: str, style: str, authors: str | None, **fields) -> Reference:
    names = split_authors(authors) if authors else ()
    first = names[0].rsplit(" ", 1)[0] if names and " " in names[0] else (names or (None,))[0]
    pages = fields.pop("pages", None)
    pages = pages.strip() if pages else None
    return Reference(
        text=text,
        style=style,
        first_author=first,
        authors=names,
        authors_printed=authors.strip() if authors else None,
        pages=normalize_pages(pages),
        pages_printed=pages,
        **fields,
    )


def _mla(body: str, text: str, ids: dict) -> Reference | None:
    quoted = _QUOTED.search(body)
    if not quoted or quoted.start() == 0:
        return None
    rest = body[quoted.end() :]
    journal = re.split(r",\s*(?:vol\.|no\.|pp?\.|" + _YEAR + r")", rest, maxsplit=1)[0]
    volume = re.search(r"\bvol\.\s*([\w-]+)", rest)
    issue = re.search(r"\bno\.\s*([\w-]+)", rest)
    pages = re.search(r"\bpp?\.\s*([\w]+(?:\s*[-–—]\s*[\w]+)?)", rest)
    return _build(
        text,
        "mla",
        body[: quoted.start()],
        title=_clean(quoted.group("title")),
        journal=_clean(journal),
        year=_year(rest),
        volume=volume.group(1) if volume else None,
        issue=issue.group(1) if issue else None,
        pages=pages.group(1) if pages else None,
        **ids,
    )


def _author_date(body: str, text: str, ids: dict) -> Reference | None:
    """APA and Harvard: the year in parentheses straight after the authors."""
    year = _PARENS_YEAR.search(body)
    if not year or year.start() == 0:
        return None
    rest = body[year.end() :].strip()
    quoted = re.match(r"[‘'](?P<title>.+?)[’'](?=[,.]?\s|[,.]?$)", rest)
    if quoted:  # Harvard prints the article title in single quotes
        style, title, rest = "harvard", quoted.group("title"), rest[quoted.end() :]
    else:
        style = "apa"
        parts = re.split(r"(?<=[.?!])\s+", rest, maxsplit=1)
        title, rest = parts[0], (parts[1] if len(parts) > 1 else "")
    rest = rest.strip().lstrip(",. ")
    journal, _, locator = rest.partition(",")
    volume = _VOL_ISSUE.search(locator)
    after_volume = locator[volume.end() :] if volume else locator
    pages = _PAGES.search(re.sub(r"\bpp?\.\s*", "", after_volume)) if volume else None
    return _build(
        text,
        style,
        body[: year.start()],
        title=_clean(title),
        journal=_clean(journal),
        year=int(year.group("year")),
        volume=volume.group("volume") if volume else None,
        issue=volume.group("issue") if volume else None,
        pages=pages.group("pages") if pages else None,
        **ids,
    )


def _vancouver(body: str, text: str, ids: dict) -> Reference | None:
    locator = _NLM_LOCATOR.search(body)
    if not locator:
        return None
    parts = [p for p in re.split(r"(?<=[.?!])\s+", body[: locator.start()].strip()) if p.strip()]
    authors = parts[0] if len(parts) >= 2 else None
    journal = parts[-1] if parts else None
    title = " ".join(parts[1:-1]) if len(parts) > 2 else None
    return _build(
        text,
        "vancouver",
        authors,
        title=_clean(title),
        journal=_clean(journal),
        year=int(locator.group("year")),
        volume=locator.group("volume"),
        issue=locator.group("issue"),
        pages=locator.group("pages"),
        **ids,
    )


def parse_reference(text: str) -> Reference:
    """Parse one printed reference entry (list marker allowed); never raises on odd input."""
    entry = _MARKER.sub("", text, count=1).strip()
    # One space for every run, so that no pattern below meets a long run of blanks.
    flat = re.sub(r"\s+", " ", entry)
    doi = _DOI.search(flat)
    pmid = _PMID.search(flat)
    ids = {
        "doi": doi.group(1).rstrip(".,;)") if doi else None,
        "pmid": pmid.group(1) if pmid else None,
    }
    body = _PMID.sub("", _URL.sub("", _DOI.sub("", flat))).strip().rstrip(" .,;") + "."
    for parser in (_mla, _author_date, _vancouver):
        reference = parser(body, entry, ids)
        if reference is not None:
            return reference
    head = re.split(r"[.,]", flat, maxsplit=1)[0].strip() or None
    return Reference(text=entry, style="unknown", first_author=head, year=_year(flat), **ids)
