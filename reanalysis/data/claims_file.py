"""The audited article's claims and reference list: ``claims.toml`` (optional).

Top-level shape, types and ranges are checked here when the file is loaded (each error
one line naming the file, table, key and line); each claim's check-specific parameters
are checked by the rule that reads them (:mod:`reanalysis.analysis.claims`).

``[parameters]`` may be omitted; its documented defaults: ``significance_level`` 0.05,
``baseline_extreme_p`` 0.001 (baseline P beyond it, or beyond 1 minus it, is implausible
as chance), ``material_share`` 0.10 (one in ten on the other side of a cut-off).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import msgspec

from reanalysis.data.schema import check, convert, read_toml

Probability = Annotated[float, msgspec.Meta(gt=0, lt=1)]
Text = Annotated[str, msgspec.Meta(min_length=1)]


class Parameters(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    significance_level: Probability = 0.05
    baseline_extreme_p: Annotated[float, msgspec.Meta(gt=0, lt=0.5)] = 0.001
    material_share: Probability = 0.10


class PlausibleSD(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    unit: Text
    low: Annotated[float, msgspec.Meta(gt=0)]
    high: Annotated[float, msgspec.Meta(gt=0)]
    justification: Text


class _ClaimHead(msgspec.Struct, frozen=True):
    id: Text
    section: Text
    claim: Text
    kind: Text
    check: Text


class Reference(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    position: Annotated[int, msgspec.Meta(ge=1)]
    authors: str
    title: str
    journal: str
    volume: str
    issue: str
    year: int | str
    pages: str
    auditor_note: str = ""


class _File(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    parameters: dict = {}
    plausible_sd: dict = {}
    journals: dict[str, str] = {}
    claim: list[dict] = []
    reference: list[dict] = []
    not_audited: list[dict] = []
    article: dict = {}


def load_claims_file(path: str | Path) -> dict[str, Any]:
    """Read and check ``claims.toml``; an empty claims list is a valid (empty) audit."""
    path = Path(path)
    raw, text = read_toml(path)
    top = convert(raw, _File, path=path, table="", text=text)
    parameters = convert(top.parameters, Parameters, path=path, table="parameters", text=text)
    plausible = {
        outcome: convert(entry, PlausibleSD, path=path, table=f"plausible_sd.{outcome}", text=text)
        for outcome, entry in top.plausible_sd.items()
    }
    for outcome, sd in plausible.items():
        table = f"plausible_sd.{outcome}"
        check(sd.low < sd.high, path, table, "low", text, "expected low < high")
    seen: set[str] = set()
    for index, claim in enumerate(top.claim, start=1):
        head = convert(claim, _ClaimHead, path=path, table=f"claim {index}", text=text)
        if head.id in seen:
            check(False, path, f"claim {index}", "id", text, f"claim id {head.id!r} is repeated")
        seen.add(head.id)
    references = [
        convert(entry, Reference, path=path, table=f"reference {index}", text=text)
        for index, entry in enumerate(top.reference, start=1)
    ]
    return {
        "path": path,
        "text": text,
        "parameters": msgspec.structs.asdict(parameters),
        "plausible_sd": {k: msgspec.structs.asdict(v) for k, v in plausible.items()},
        "journals": dict(top.journals),
        "claims": tuple(top.claim),
        "references": tuple(raw.get("reference", [])),
        "typed_references": tuple(references),
        "not_audited": tuple(top.not_audited),
        "article": dict(top.article),
    }
