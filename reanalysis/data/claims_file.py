"""The audited article's claims and reference list: ``claims.toml`` (optional).

Everything is checked when the file is loaded, each error one line naming the file, the
line, the table (a claim as ``claim <index> (<id>)``) and the key:

* :func:`load_claims_file`: the top level, ``[parameters]``, ``[plausible_sd.<outcome>]``,
  each ``[[reference]]``, and each ``[[claim]]`` against the parameter Struct of its
  ``check`` (:data:`reanalysis.data.claim_params.CLAIM_CHECKS`: required keys, types,
  ranges, enums; no unknown key);
* :func:`check_references`: what the claims name against the rest of the data folder —
  study ids in ``studies.toml``, outcomes in the trial CSVs, arms in the study's rows,
  reported tests, cut-offs and study facts.

``[parameters]`` may be omitted; its documented defaults: ``significance_level`` 0.05,
``baseline_extreme_p`` 0.001 (baseline P beyond it, or beyond 1 minus it, is implausible
as chance), ``material_share`` 0.10 (one in ten on the other side of a cut-off). An empty
claims list is a valid (empty) audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import msgspec

from reanalysis.data.claim_params import (
    CLAIM_CHECKS,
    ArmChanges,
    BetweenArmSignificance,
    ClaimSpec,
    Mechanism,
    NoData,
    NotPublished,
    Share,
    StudyField,
    ThresholdClaim,
    range_problem,
)
from reanalysis.data.files import read_text
from reanalysis.data.folder import STUDIES_FILE
from reanalysis.data.schema import check, convert, read_toml
from reanalysis.data.settings import SETTINGS_FILE, Settings
from reanalysis.data.studies import Study, convert_entry, entry_line, fail
from reanalysis.data.trials import Trial
from reanalysis.errors import ReanalysisError
from reanalysis.units import conversion_factor

Probability = Annotated[float, msgspec.Meta(gt=0, lt=1)]
Text = Annotated[str, msgspec.Meta(min_length=1)]


class Parameters(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    significance_level: Probability = 0.05
    baseline_extreme_p: Annotated[float, msgspec.Meta(gt=0, lt=0.5)] = 0.001
    material_share: Annotated[float, msgspec.Meta(gt=0, lt=0.5)] = 0.10


class PlausibleSD(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    unit: Text
    low: Annotated[float, msgspec.Meta(gt=0, le=1e300)]
    high: Annotated[float, msgspec.Meta(gt=0, le=1e300)]
    justification: Text


class _Head(msgspec.Struct, frozen=True):
    id: Annotated[str, msgspec.Meta(min_length=1)]
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
    line: Annotated[int, msgspec.Meta(ge=1)] | None = None


class Article(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """The audited article's text: a file in the data folder, and where it came from."""

    file: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_.-]+$")]
    source: Text


class NotAudited(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A quantitative statement deliberately left out of the audit, with the reason."""

    line: Annotated[int, msgspec.Meta(ge=1)]
    text: Text
    reason: Text


class _File(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    parameters: dict = {}
    plausible_sd: dict = {}
    journals: dict[str, str] = {}
    claim: list[dict] = []
    reference: list[dict] = []
    not_audited: list[dict] = []
    article: dict | None = None


def claim_label(index: int, raw: dict[str, Any]) -> str:
    """How errors name a claim: ``claim 3 (table.x)``."""
    claim_id = raw.get("id")
    return f"claim {index} ({claim_id})" if isinstance(claim_id, str) else f"claim {index}"


def _claim_spec(raw: dict[str, Any], index: int, path: Path, text: str) -> ClaimSpec:
    label = claim_label(index, raw)
    where = {"path": path, "text": text, "header": "claim", "index": index, "label": label}
    head = convert_entry(raw, _Head, **where)
    if head.check not in CLAIM_CHECKS:
        fail(
            path,
            entry_line(text, "claim", index, "check"),
            label,
            "check",
            f"check must be one of {', '.join(CLAIM_CHECKS)}, got {head.check!r}",
        )
    spec = convert_entry(raw, CLAIM_CHECKS[head.check], **where)
    problem = range_problem(spec)
    if problem:
        fail(path, entry_line(text, "claim", index, problem[0]), label, *problem)
    return spec


def load_claims_file(path: str | Path) -> dict[str, Any]:
    """Read and check ``claims.toml`` (see the module docstring for what is checked).

    Keys: ``path``, ``text``, ``parameters`` (:class:`Parameters`), ``plausible_sd``
    (outcome → :class:`PlausibleSD`), ``journals``, ``claims`` (the tables as written),
    ``specs`` (the same claims typed, :mod:`reanalysis.data.claim_params`),
    ``references`` (as written), ``typed_references``, ``not_audited``
    (:class:`NotAudited`), ``article`` (:class:`Article` or None) and ``article_text``.
    """
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
    specs, seen = [], set()
    for index, claim in enumerate(top.claim, start=1):
        spec = _claim_spec(claim, index, path, text)
        if spec.id in seen:
            line = entry_line(text, "claim", index, "id")
            fail(path, line, claim_label(index, claim), "id", f"claim id {spec.id!r} is repeated")
        seen.add(spec.id)
        specs.append(spec)
    references = [
        convert_entry(
            entry,
            Reference,
            path=path,
            text=text,
            header="reference",
            index=index,
            label=f"reference {index}",
        )
        for index, entry in enumerate(top.reference, start=1)
    ]
    not_audited = tuple(
        convert_entry(
            entry,
            NotAudited,
            path=path,
            text=text,
            header="not_audited",
            index=index,
            label=f"not_audited {index}",
        )
        for index, entry in enumerate(top.not_audited, start=1)
    )
    article, article_text = None, None
    if top.article is not None:
        article = convert(top.article, Article, path=path, table="article", text=text)
        article_text = read_text(path.parent / article.file, what="article")
    return {
        "path": path,
        "text": text,
        "parameters": parameters,
        "plausible_sd": plausible,
        "journals": dict(top.journals),
        "claims": tuple(top.claim),
        "specs": tuple(specs),
        "references": tuple(top.reference),
        "typed_references": tuple(references),
        "not_audited": not_audited,
        "article": article,
        "article_text": article_text,
    }


def parameters_of(claims_file: dict[str, Any] | None) -> Parameters:
    """The file's ``[parameters]``, or the documented defaults without a claims file."""
    return claims_file["parameters"] if claims_file else Parameters()


def plausible_sd_of(claims_file: dict[str, Any] | None) -> dict[str, PlausibleSD]:
    """The file's plausible SD ranges by outcome (none without a claims file)."""
    return claims_file["plausible_sd"] if claims_file else {}


# --- cross-references ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    """One claim being checked against the folder; :meth:`fail` names file, line, claim, key."""

    path: Path
    text: str
    index: int
    spec: ClaimSpec

    def fail(self, key: str, message: str) -> None:
        line = entry_line(self.text, "claim", self.index, key)
        fail(self.path, line, f"claim {self.index} ({self.spec.id})", key, message)


def _trial_of(claim: _Claim, key: str, study: Study, trials: dict[str, Trial]) -> Trial:
    data_file = study.meta.data_file
    if data_file is None:
        claim.fail(
            key, f"study {study.id!r} has no data_file in {STUDIES_FILE}, and the check reads rows"
        )
    trial = trials.get(Path(data_file).stem)
    if trial is None or trial.path.name != data_file:
        claim.fail(key, f"data_file {data_file!r} of study {study.id!r} is not a trial CSV here")
    return trial


def _rows(
    claim: _Claim,
    key: str,
    study: Study,
    trials: dict[str, Trial],
    outcome: str,
    arms: list[tuple[str, str]],
) -> Trial:
    """The study's trial, once its rows are known to hold ``outcome`` and every arm.

    ``arms`` pairs each arm with the key that named it.
    """
    trial = _trial_of(claim, key, study, trials)
    outcome_key = "share.outcome" if key == "share" else "outcome"
    everywhere = sorted({m.outcome for t in trials.values() for m in t.rows})
    if outcome not in everywhere:
        claim.fail(
            outcome_key,
            f"{outcome!r} is not an outcome of any trial CSV (outcomes: {', '.join(everywhere)})",
        )
    own = [m for m in trial.rows if m.study == study.id]
    if not any(m.outcome == outcome for m in own):
        claim.fail(outcome_key, f"study {study.id!r} has no {outcome!r} rows in {trial.path.name}")
    known = list(dict.fromkeys(m.arm for m in own))
    for arm_key, arm in arms:
        if arm not in known:
            claim.fail(
                arm_key,
                f"{arm!r} is not an arm of {study.id} in {trial.path.name} "
                f"(arms: {', '.join(known)})",
            )
    return trial


def _need_weeks(
    claim: _Claim, trial: Trial, study: Study, outcome: str, arms: list[str], week: float
) -> None:
    for arm in arms:
        weeks = {
            m.week for m in trial.rows if (m.study, m.outcome, m.arm) == (study.id, outcome, arm)
        }
        for wanted in (0, week):
            if wanted not in weeks:
                claim.fail(
                    "week",
                    f"{trial.path.name} has no {outcome!r} row of {study.id}, {arm} at week "
                    f"{wanted:g}",
                )


def _check_rows(
    claim: _Claim, studies: dict[str, Study], trials: dict[str, Trial], settings: Settings
) -> None:
    spec = claim.spec
    if isinstance(spec, NotPublished):
        study = studies[spec.study]
        trial = _trial_of(claim, "study", study, trials)
        cohort = [s for s in studies.values() if study.id in (s.id, s.meta.same_cohort_as)]
        listed = {e.outcome for s in cohort for e in s.meta.not_reported}
        everywhere = {m.outcome for t in trials.values() for m in t.rows}
        if spec.outcome not in everywhere | listed:
            claim.fail("outcome", f"{spec.outcome!r} is in no trial CSV and no not_reported entry")
        if spec.arm not in trial.arms:
            claim.fail(
                "arm", f"{spec.arm!r} is not an arm of {trial.path.name} ({', '.join(trial.arms)})"
            )
        return
    if isinstance(spec, BetweenArmSignificance):
        study = studies[spec.study]
        found = [r for r in study.reported if r.id == spec.reported]
        if not found:
            known = ", ".join(r.id for r in study.reported) or "none"
            claim.fail("reported", f"{study.id} reports no test {spec.reported!r} (tests: {known})")
        arms = [("treatment_arm", spec.treatment_arm), ("control_arm", spec.control_arm)]
        trial = _rows(claim, "study", study, trials, found[0].outcome, arms)
        _need_weeks(claim, trial, study, found[0].outcome, [a for _, a in arms], spec.week)
        return
    if isinstance(spec, ArmChanges):
        study = studies[spec.study]
        arms = [("directions", arm) for arm in spec.directions]
        trial = _rows(claim, "study", study, trials, spec.outcome, arms)
        _need_weeks(claim, trial, study, spec.outcome, list(spec.directions), spec.week)
        return
    if hasattr(spec, "arm") and hasattr(spec, "outcome"):
        _rows(claim, "study", studies[spec.study], trials, spec.outcome, [("arm", spec.arm)])
    share = getattr(spec, "share", None)
    if isinstance(share, Share):
        trial = _rows(
            claim, "share", studies[share.study], trials, share.outcome, [("share.arm", share.arm)]
        )
        cut = settings.outcome(share.outcome)
        if cut.threshold is None:
            claim.fail("share", f"{share.outcome!r} has no threshold in {SETTINGS_FILE}")
        for unit in {m.unit for m in trial.rows if m.outcome == share.outcome}:
            _convertible(claim, "share", share.outcome, unit, cut.threshold_unit, settings)


def _convertible(
    claim: _Claim, key: str, outcome: str, unit: str, to_unit: str, settings: Settings
) -> None:
    try:
        conversion_factor(unit, to_unit, settings.outcome(outcome).molar_mass)
    except ReanalysisError as error:
        claim.fail(key, f"{unit} does not convert to {to_unit} for {outcome!r} ({error})")


def _check_study_facts(
    claim: _Claim, studies: dict[str, Study], trials: dict[str, Trial], settings: Settings
) -> None:
    spec = claim.spec
    if isinstance(spec, ThresholdClaim):
        study = studies[spec.study]
        known = {m.outcome for t in trials.values() for m in t.rows}
        known |= {
            c.outcome
            for s in studies.values()
            for t in s.meta.thresholds
            for c in (t, *t.paired_with)
        }
        cuts = [t for t in study.meta.thresholds if t.outcome == spec.outcome]
        if spec.outcome not in known:
            claim.fail(
                "outcome", f"{spec.outcome!r} is in no trial CSV and no cut-off of {STUDIES_FILE}"
            )
        for cut in cuts:
            _convertible(claim, "unit", spec.outcome, spec.unit, cut.unit, settings)
            paired = {p.outcome for p in cut.paired_with}
            for stated in spec.states:
                if stated not in paired:
                    claim.fail("states", f"{study.id} pairs no {stated!r} cut-off with it")
    if isinstance(spec, (StudyField, Mechanism)):
        key = "field" if isinstance(spec, StudyField) else "separates"
        name = getattr(spec, key)
        recorded = {s.id: s.meta.facts[name] for s in studies.values() if name in s.meta.facts}
        if not recorded:
            claim.fail(key, f"no study of {STUDIES_FILE} records the fact {name!r}")
        if isinstance(spec, Mechanism):
            for study_id, value in recorded.items():
                if not isinstance(value, bool):
                    claim.fail(key, f"{study_id}'s fact {name!r} must be true or false")
    if spec.population is not None:
        name = spec.population.characteristic
        if not any(s.characteristic(name) is not None for s in studies.values()):
            claim.fail(
                "population", f"no study of {STUDIES_FILE} records the characteristic {name!r}"
            )


def check_references(
    claims_file: dict[str, Any],
    trials: dict[str, Trial],
    studies: dict[str, Study],
    settings: Settings,
) -> None:
    """Check what each claim names against the folder's trials, studies and settings."""
    for index, spec in enumerate(claims_file["specs"], start=1):
        claim = _Claim(claims_file["path"], claims_file["text"], index, spec)
        share = getattr(spec, "share", None)
        named = [("study" if hasattr(spec, "study") else "cites", s) for s in spec.cited()]
        named += [("share.study", share.study)] if share else []
        for key, study_id in named:
            if study_id not in studies:
                claim.fail(key, f"study {study_id!r} is not in {STUDIES_FILE}")
        if isinstance(spec, NoData) and all(need in studies for need in spec.needs):
            claim.fail(
                "needs",
                f"every source it needs is now in {STUDIES_FILE}; "
                "give the claim a check that uses them",
            )
        if spec.population is not None and not spec.cited():
            claim.fail("population", "the claim cites no study whose population could be judged")
        _check_rows(claim, studies, trials, settings)
        _check_study_facts(claim, studies, trials, settings)
