"""Verdicts on claims: the vocabulary, the certainty rule, and the data an audit reads."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from reanalysis.data.claim_params import ClaimSpec
from reanalysis.data.claims_file import Parameters, PlausibleSD, Reference
from reanalysis.data.folder import Dataset
from reanalysis.stats.checks import CheckResult


class Verdict(StrEnum):
    """The fixed vocabulary of claim verdicts.

    ``MISLABELLED``: the printed value belongs to another visit than its label says, and
    the source says the value stayed the same between the two, so the label is wrong and
    the value probably right.
    """

    SUPPORTED = "supported"
    SUPPORTED_WITH_CAVEATS = "supported with caveats"
    NOT_SUPPORTED = "not supported by the cited data"
    CONTRADICTED = "contradicted"
    MISLABELLED = "mislabelled timepoint"
    CITATION_ERROR = "citation error"
    NOT_CHECKABLE = "not checkable from published numbers"


class Certainty(StrEnum):
    """How firmly the sources establish a verdict (see :func:`certainty_of`)."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"


def certainty_of(premises: tuple[str, ...]) -> Certainty:
    """High with no soft premise, moderate with one, low with two or more.

    A soft premise is something the verdict rests on that the sources do not establish:
    a field ``studies.toml`` marks unconfirmed (``authors_confirmed``,
    ``pages_confirmed``), an inference recorded there (``inferred_timepoints``, a value
    that ``remained_stable``), or an absence checked only in an abstract
    (``not_reported`` with ``scope = "abstract"``).
    """
    if not premises:
        return Certainty.HIGH
    return Certainty.MODERATE if len(premises) == 1 else Certainty.LOW


@dataclass(frozen=True)
class ClaimVerdict:
    """One claim's verdict with the evidence, data rows and sources that decided it.

    ``evidence`` is one line; ``details`` are the caveats and check evidence behind it;
    ``sources`` name data rows (file:line) and publications (PMID/DOI); ``premises`` are
    the soft premises that set ``certainty``.
    """

    id: str
    section: str
    claim: str
    kind: str
    verdict: Verdict
    evidence: str
    details: tuple[str, ...]
    sources: tuple[str, ...]
    checks: tuple[CheckResult, ...]
    premises: tuple[str, ...] = ()

    @property
    def certainty(self) -> Certainty:
        return certainty_of(self.premises)

    def record(self) -> dict[str, Any]:
        """A JSON-ready dict (verdict and certainty as strings)."""
        return {
            "id": self.id,
            "section": self.section,
            "claim": self.claim,
            "kind": self.kind,
            "verdict": str(self.verdict),
            "certainty": str(self.certainty),
            "premises": list(self.premises),
            "evidence": self.evidence,
            "details": list(self.details),
            "sources": list(self.sources),
            "checks": [
                {
                    "name": c.name,
                    "verdict": c.verdict,
                    "evidence": c.evidence,
                    "assumptions": list(c.assumptions),
                    "numbers": dict(c.numbers),
                    "sources": list(c.sources),
                }
                for c in self.checks
            ],
        }


@dataclass(frozen=True)
class AuditData(Dataset):
    """A data folder whose claims were checked against its trials and studies.

    ``specs`` are the claims typed (:mod:`reanalysis.data.claim_params`); ``claims`` the
    same tables as written.
    """

    specs: tuple[ClaimSpec, ...]
    references: tuple[Reference, ...]
    parameters: Parameters
    plausible_sd: dict[str, PlausibleSD]
    journals: dict[str, str]

    @property
    def claims(self) -> tuple[dict[str, Any], ...]:
        return self.claims_file["claims"] if self.claims_file else ()


def result(
    spec: ClaimSpec,
    verdict: Verdict,
    evidence: str,
    details=(),
    sources=(),
    checks=(),
    premises=(),
) -> ClaimVerdict:
    """A :class:`ClaimVerdict` for ``spec``; repeated sources are listed once."""
    return ClaimVerdict(
        id=spec.id,
        section=spec.section,
        claim=spec.claim,
        kind=spec.kind,
        verdict=verdict,
        evidence=evidence,
        details=tuple(details),
        sources=tuple(dict.fromkeys(sources)),
        checks=tuple(checks),
        premises=tuple(dict.fromkeys(premises)),
    )


def with_caveats(caveats: list[str]) -> Verdict:
    return Verdict.SUPPORTED_WITH_CAVEATS if caveats else Verdict.SUPPORTED


def words(name: str) -> str:
    """A field or characteristic name in words: ``on_statin`` → ``on statin``."""
    return name.replace("_", " ")


def yes_no(value: bool | None) -> str:
    return "not recorded" if value is None else "yes" if value else "no"
