"""How much of the article the audit checked: every quantitative statement of its text.

The article's text (``claims.toml`` ``[article]``) is read by
:func:`reanalysis.data.article.extract`; a statement counts as audited when it sits on a
line a claim covers (``lines``) or that holds a reference the audit checks (``line``), and
as deliberately not audited when ``[[not_audited]]`` gives its line with a reason. Any
other statement is unaccounted for, and the report lists its line.
"""

from __future__ import annotations

from typing import Any

from reanalysis.analysis.claims.verdicts import AuditData
from reanalysis.analysis.claims_draft import coverage
from reanalysis.data.article import extract


def article_coverage(data: AuditData) -> dict[str, Any] | None:
    """Counts, the statements set aside with their reasons, and unaccounted lines; None
    when ``claims.toml`` names no article text."""
    claims_file = data.claims_file
    if not claims_file or claims_file.get("article_text") is None:
        return None
    items = extract(claims_file["article_text"])
    audited = {line for spec in data.specs for line in spec.lines}
    audited |= {r.line for r in data.references if r.line is not None}
    set_aside = {entry.line: entry.reason for entry in claims_file["not_audited"]}
    found = coverage(items, audited, set_aside)
    texts = {entry.line: entry.text for entry in claims_file["not_audited"]}
    return {
        "article": claims_file["article"].file,
        "statements": found.total,
        "audited": found.audited,
        "not_audited": [
            {"line": line, "text": texts[line], "reason": reason}
            for line, reason in sorted(found.not_audited.items())
        ],
        "unaccounted": list(found.unaccounted),
        "summary": found.summary,
    }
