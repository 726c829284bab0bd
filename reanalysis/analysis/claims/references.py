"""The article's reference list against the verified citations of ``studies.toml``.

Each printed entry is matched by title to a study; its locator (journal, year, volume,
issue, pages) and its first author are compared field by field. A field the sources mark
unconfirmed (``pages_confirmed``, ``authors_confirmed``) cannot make a certain verdict:
a mismatch against an unconfirmed record is a *probable* error (certainty moderate).
"""

from __future__ import annotations

import re

from reanalysis.analysis.claims.verdicts import AuditData, ClaimVerdict, Verdict, result
from reanalysis.data.claim_params import ClaimSpec
from reanalysis.data.claims_file import Reference
from reanalysis.data.folder import CLAIMS_FILE, STUDIES_FILE, study_ref
from reanalysis.data.studies import Study


def _normalized(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _matching_study(data: AuditData, reference: Reference) -> Study | None:
    title = _normalized(reference.title)
    for study in data.studies.values():
        if _normalized(study.meta.title) == title:
            return study
    return None


def _reference_claim(reference: Reference, part: str) -> ClaimSpec:
    """The reference entry as a claim: where it is published, or who wrote it."""
    position = reference.position
    if part == "locator":
        located = (
            f"{reference.journal} {reference.year}"
            + (f", vol. {reference.volume}" if reference.volume else "")
            + (f"({reference.issue})" if reference.issue else "")
            + (f", pp. {reference.pages}" if reference.pages else "")
        )
        text = f"Reference {position}: '{reference.title.rstrip('.')}' is in {located}."
    else:
        text = f"Reference {position}: the work is by {reference.authors}"
    return ClaimSpec(
        id=f"reference{position}.{part}",
        section="References",
        claim=text,
        kind="citation",
        check=f"reference_{part}",
    )


def _sources(reference: Reference, study: Study | None = None) -> list[str]:
    found = [f"{CLAIMS_FILE} reference {reference.position}"]
    return found + ([study_ref(study)] if study else [STUDIES_FILE])


def _unmatched(claim: ClaimSpec, reference: Reference) -> ClaimVerdict:
    note = reference.auditor_note
    return result(
        claim,
        Verdict.NOT_CHECKABLE,
        f"no verified citation in {STUDIES_FILE} has this title" + (f"; {note}" if note else ""),
        sources=_sources(reference),
    )


def reference_locator(reference: Reference, data: AuditData) -> ClaimVerdict:
    """Journal and year always count; volume, issue and pages only where confirmed."""
    claim = _reference_claim(reference, "locator")
    study = _matching_study(data, reference)
    if study is None:
        return _unmatched(claim, reference)
    m = study.meta
    confirmed = m.pages_confirmed
    journal = data.journals.get(reference.journal, reference.journal)
    fields = (
        ("journal", journal, m.journal, True),
        ("year", str(reference.year), str(m.year), True),
        ("volume", reference.volume, m.volume, confirmed),
        ("issue", reference.issue, m.issue, confirmed),
        ("pages", reference.pages, m.pages, confirmed),
    )
    errors = [
        f"{n} {printed}, verified {true}"
        for n, printed, true, ok in fields
        if printed != true and ok
    ]
    unconfirmed = [
        f"{n} {printed} (verified record: {true}, unconfirmed)"
        for n, printed, true, ok in fields
        if not ok
    ]
    siblings = [s for s in data.studies.values() if s.meta.same_cohort_as == study.id]
    whose = f"the title is {study.id}'s ({study.citation()})"
    if siblings:
        whose += "; the same cohort's other report is " + "; ".join(
            f"{s.id} ({s.meta.journal} {s.meta.year};{s.meta.volume}({s.meta.issue}):"
            f"{s.meta.pages})"
            for s in siblings
        )
    sources = _sources(reference, study)
    if errors:
        return result(
            claim, Verdict.CITATION_ERROR, f"{'; '.join(errors)}; {whose}", sources=sources
        )
    if unconfirmed:
        return result(
            claim,
            Verdict.SUPPORTED_WITH_CAVEATS,
            f"journal and year match; {'; '.join(unconfirmed)}; {whose}",
            sources=sources,
            premises=[f"volume, issue and pages of {study.id} are unconfirmed"],
        )
    return result(claim, Verdict.SUPPORTED, f"every field matches; {whose}", sources=sources)


def _printed_author(authors: str) -> tuple[str, str]:
    surname, _, rest = authors.partition(",")
    initials = "".join(ch for ch in rest.replace("et al.", "") if ch.isupper())
    return surname.strip(), initials


def reference_authors(reference: Reference, data: AuditData) -> ClaimVerdict:
    """The printed first author against the verified (or working) author list."""
    claim = _reference_claim(reference, "authors")
    study = _matching_study(data, reference)
    if study is None:
        return _unmatched(claim, reference)
    surname, initials = _printed_author(reference.authors)
    verified = [a for a in study.meta.authors if a != "et al."]
    sources = _sources(reference, study)
    if not verified:
        return result(
            claim,
            Verdict.NOT_CHECKABLE,
            f"the sources give no authors for {study.id}",
            sources=sources,
        )
    first_surname, _, first_initials = verified[0].rpartition(" ")
    listed = ", ".join(verified)
    wrong = surname != first_surname or bool(initials and not first_initials.startswith(initials))
    note = f"; {reference.auditor_note}" if reference.auditor_note else ""
    if study.meta.authors_confirmed:
        if wrong:
            return result(
                claim,
                Verdict.CITATION_ERROR,
                f"first author printed {surname} {initials}, verified {verified[0]} ({listed})",
                sources=sources,
            )
        return result(
            claim,
            Verdict.SUPPORTED,
            f"first author {verified[0]} as verified ({listed})",
            sources=sources,
        )
    named = any(a.rpartition(" ")[0] == surname for a in verified)
    attribution = (
        f"the sources give only a working attribution for {study.id}, unconfirmed: {listed}"
        + (f" ({study.meta.authors_note})" if study.meta.authors_note else "")
        + f"; it {'includes' if named else 'does not include'} {surname}"
    )
    premise = f"the authors of {study.id} are unconfirmed"
    if wrong:
        return result(
            claim,
            Verdict.CITATION_ERROR,
            f"probable citation error: first author printed {surname} {initials}; "
            f"{attribution}{note}",
            sources=sources,
            premises=[premise],
        )
    return result(
        claim,
        Verdict.SUPPORTED,
        f"first author {verified[0]} as in the working attribution; {attribution}{note}",
        sources=sources,
        premises=[premise],
    )
