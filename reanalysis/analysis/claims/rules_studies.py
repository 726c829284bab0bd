"""Rules that set a claim against study fields of ``studies.toml``.

Design, findings, stated cut-offs, the population studied (indirectness), doses, study
facts and whether a design can separate a cause. Every sentence is built from the
claim's parameters, the study's fields and the outcome labels of ``analysis.toml``.
"""

from __future__ import annotations

import math
from dataclasses import replace

from reanalysis.analysis.claims.row_checks import share_beyond, trial_of
from reanalysis.analysis.claims.verdicts import (
    AuditData,
    ClaimVerdict,
    Verdict,
    result,
    with_caveats,
    words,
    yes_no,
)
from reanalysis.data.claim_params import (
    ClaimSpec,
    Design,
    Dosing,
    FindingClaim,
    Mechanism,
    NoData,
    Population,
    PopulationClaim,
    StudyField,
    ThresholdClaim,
)
from reanalysis.data.folder import STUDIES_FILE, row_sources, study_ref
from reanalysis.data.settings import SETTINGS_FILE
from reanalysis.data.studies import Cutoff, Study
from reanalysis.stats.checks import CheckResult
from reanalysis.units import convert


def design(spec: Design, data: AuditData) -> ClaimVerdict:
    """Every term must appear in the study's design, population or intervention."""
    study = data.studies[spec.study]
    m = study.meta
    text = " ".join((m.design, m.population, m.intervention)).lower()
    missing = [t for t in spec.terms if t.lower() not in text]
    sources = [study_ref(study)]
    if spec.duration_weeks is not None and m.duration_weeks != spec.duration_weeks:
        lasted = "an unrecorded time" if m.duration_weeks is None else f"{m.duration_weeks:g} weeks"
        return result(
            spec,
            Verdict.CONTRADICTED,
            f"claimed {spec.duration_weeks:g} weeks; {study.id} lasted {lasted}",
            sources=sources,
        )
    if missing:
        return result(
            spec,
            Verdict.NOT_SUPPORTED,
            f"{study.id}'s recorded design and population do not say: {', '.join(missing)} "
            f"(design: {m.design}; population: {m.population})",
            sources=sources,
        )
    weeks = f"; {m.duration_weeks:g} weeks" if spec.duration_weeks is not None else ""
    return result(
        spec, Verdict.SUPPORTED, f"{study.id}: {m.design}; {m.population}{weeks}", sources=sources
    )


def finding(spec: FindingClaim, data: AuditData) -> ClaimVerdict:
    """A finding recorded in ``findings``: the direction must match, the extent too."""
    study = data.studies[spec.study]
    found = study.meta.findings.get(spec.finding)
    sources = [f"{study_ref(study)}: {study.meta.findings_source}"]
    if found is None:
        return result(
            spec,
            Verdict.NOT_CHECKABLE,
            f"{study.id} records no finding {spec.finding!r}",
            sources=sources,
        )
    said = f"{study.id}: {words(spec.finding)}: {found.direction} in {found.extent}"
    if found.direction != spec.direction:
        return result(spec, Verdict.CONTRADICTED, said, sources=sources)
    if found.extent != spec.extent:
        return result(
            spec,
            Verdict.SUPPORTED_WITH_CAVEATS,
            f"{said}; the claim says {spec.extent}",
            sources=sources,
        )
    return result(spec, Verdict.SUPPORTED, said, sources=sources)


def _cutoff(data: AuditData, cut: Cutoff) -> str:
    return f"{data.settings.label(cut.outcome)} {cut.side} {cut.value:g} {cut.unit}"


def threshold(spec: ThresholdClaim, data: AuditData) -> ClaimVerdict:
    """The claimed cut-off must be one the study states (after unit conversion).

    Caveats: a cut-off the study pairs with it that the claim leaves out (``states``),
    and endpoints the claim names that the study did not measure.
    """
    study = data.studies[spec.study]
    sources = [study_ref(study)]
    label = data.settings.label(spec.outcome)
    cuts = [t for t in study.meta.thresholds if t.outcome == spec.outcome]
    if not cuts:
        return result(
            spec, Verdict.NOT_CHECKABLE, f"{study.id} records no {label} cut-off", sources=sources
        )
    said = f"{study.id} ({study.meta.population})"
    for cut in cuts:
        molar_mass = data.settings.outcome(spec.outcome).molar_mass
        claimed = convert(spec.value, spec.unit, cut.unit, molar_mass)
        if math.isclose(claimed, cut.value, rel_tol=1e-9):
            break
    else:
        stated = "; ".join(f"{_cutoff(data, c)}: {c.statement}" for c in cuts)
        return result(
            spec,
            Verdict.CONTRADICTED,
            f"claimed {spec.value:g} {spec.unit}; {said}: {stated}",
            sources=sources,
        )
    caveats = [
        f"the source pairs it with {_cutoff(data, paired)}, omitted"
        for paired in cut.paired_with
        if paired.outcome not in spec.states
    ]
    unmeasured = [e for e in spec.endpoints if e not in study.meta.measured]
    if unmeasured:
        caveats.append(f"endpoints not measured by the source: {', '.join(unmeasured)}")
    evidence = f"{claimed:g} {cut.unit} matches {said}: {cut.statement}"
    if caveats:
        evidence += "; caveats: " + "; ".join(caveats)
    return result(spec, with_caveats(caveats), evidence, details=caveats, sources=sources)


def _cited(data: AuditData, spec: ClaimSpec) -> list[Study]:
    return [data.studies[s] for s in spec.cited()]


def indirectness(spec: ClaimSpec, wanted: Population, data: AuditData) -> ClaimVerdict:
    """Does the cited evidence come from the population the claim speaks of?

    The one rule for every claim with a ``population`` table (``wanted``): the claim's
    people have the characteristic ``wanted.characteristic`` = ``wanted.required``.
    Supported when every cited study's population had it; with caveats when only some
    did; not supported by the cited data when none did (evidence from another population
    does not support a claim about this one); not checkable when none did and some do
    not record it.
    """
    name, required = wanted.characteristic, wanted.required
    cited = _cited(data, spec)
    known = {s.id: s.characteristic(name) for s in cited}
    matching = [s for s in cited if known[s.id] == required]
    trait = f"{words(name)}: {yes_no(required)}"
    described = [
        f"{s.id}: {s.meta.population or 'population not recorded'}; {words(name)}: "
        f"{yes_no(known[s.id])}" + (f" ({s.note(name)})" if s.note(name) else "")
        for s in cited
    ]
    if matching and len(matching) == len(cited):
        verdict, lead = Verdict.SUPPORTED, f"every cited study's population had {trait}"
    elif matching:
        ids = ", ".join(s.id for s in matching)
        verdict, lead = Verdict.SUPPORTED_WITH_CAVEATS, f"only {ids} studied people with {trait}"
    elif any(v is None for v in known.values()):
        verdict, lead = Verdict.NOT_CHECKABLE, f"no cited study is recorded with {trait}"
    else:
        verdict = Verdict.NOT_SUPPORTED
        lead = f"the claim speaks of people with {trait}, and no cited study's population had it"
    return result(
        spec,
        verdict,
        f"{lead}: " + "; ".join(described),
        sources=[study_ref(s) for s in cited],
    )


def population(spec: PopulationClaim, data: AuditData) -> ClaimVerdict:
    """A claim that the cited evidence speaks to a population: :func:`indirectness` alone."""
    return indirectness(spec, spec.population, data)


def with_population(found: ClaimVerdict, indirect: ClaimVerdict) -> ClaimVerdict:
    """A rule's verdict, joined with the indirectness of its evidence (:func:`indirectness`).

    Only a verdict that supports the claim can move: to "not supported by the cited
    data" when no cited study had the claim's population, as for a population claim;
    to "supported with caveats" when only some did or it is not recorded.
    """
    verdict = found.verdict
    supporting = verdict in (Verdict.SUPPORTED, Verdict.SUPPORTED_WITH_CAVEATS)
    if supporting and indirect.verdict is Verdict.NOT_SUPPORTED:
        verdict = Verdict.NOT_SUPPORTED
    elif verdict is Verdict.SUPPORTED and indirect.verdict is not Verdict.SUPPORTED:
        verdict = Verdict.SUPPORTED_WITH_CAVEATS
    evidence = f"{found.evidence}; population: {indirect.evidence}"
    if supporting and verdict is Verdict.NOT_SUPPORTED:
        evidence += (
            "; the cited data come from another population, so they do not support the claim "
            "for the one it names (the indirectness rule applied to every population claim)"
        )
    return ClaimVerdict(
        id=found.id,
        section=found.section,
        claim=found.claim,
        kind=found.kind,
        verdict=verdict,
        evidence=evidence,
        details=(*found.details, indirect.evidence),
        sources=tuple(dict.fromkeys((*found.sources, *indirect.sources))),
        checks=found.checks,
        premises=found.premises,
    )


def _regimens(study: Study) -> list[tuple[float, float]]:
    per_week, dose = study.meta.doses_per_week, study.meta.dose_mg
    if dose is None or per_week is None:
        return []
    counts = per_week if isinstance(per_week, list) else [per_week]
    return [(dose, float(c)) for c in counts]


def dosing(spec: Dosing, data: AuditData) -> ClaimVerdict:
    """The cited studies' doses (``dose_mg`` × ``doses_per_week``) against the claimed ranges."""
    cited = _cited(data, spec)
    (dose_low, dose_high), (freq_low, freq_high) = spec.dose_mg, spec.doses_per_week
    regimens = [(s, dose, count) for s in cited for dose, count in _regimens(s)]
    sources = [study_ref(s) for s in cited]
    if not regimens:
        return result(
            spec, Verdict.NOT_CHECKABLE, "the cited studies record no dose", sources=sources
        )
    inside = [
        (s, d, c)
        for s, d, c in regimens
        if dose_low <= d <= dose_high and freq_low <= c <= freq_high
    ]
    used = "; ".join(f"{s.id}: {d:g} mg × {c:g}/week = {d * c:g} mg/week" for s, d, c in regimens)
    claimed = (
        f"claimed {dose_low:g}–{dose_high:g} mg × {freq_low:g}–{freq_high:g}/week = "
        f"{dose_low * freq_low:g}–{dose_high * freq_high:g} mg/week"
    )
    if not inside:
        verdict = Verdict.NOT_SUPPORTED
    elif len(inside) < len(regimens):
        verdict = Verdict.SUPPORTED_WITH_CAVEATS
    else:
        verdict = Verdict.SUPPORTED
    lowest = min(d * c for _, d, c in regimens)
    ratio = (
        ""
        if inside
        else (f" (the lowest is {lowest / (dose_high * freq_high):.2g}× the claimed maximum)")
    )
    return result(spec, verdict, f"{claimed}; the trials used {used}{ratio}", sources=sources)


def study_field(spec: StudyField, data: AuditData) -> ClaimVerdict:
    """Some studies record ``expected`` for the fact ``field`` (of those recording it).

    The studies are ``cites``, or every study of ``studies.toml``.
    """
    pool = _cited(data, spec) if spec.cites else list(data.studies.values())
    recorded = [s for s in pool if spec.field in s.meta.facts]
    name = words(spec.field)
    if not recorded:
        return result(spec, Verdict.NOT_CHECKABLE, f"no study records {name}")
    agree = [s for s in recorded if s.meta.facts[spec.field] == spec.expected]
    differ = [s for s in recorded if s not in agree]
    described = [
        f"{s.id} ("
        + (
            "duration not recorded"
            if s.meta.duration_weeks is None
            else f"{s.meta.duration_weeks:g} weeks"
        )
        + f"): {s.note(spec.field) or s.meta.facts[spec.field]}"
        for s in recorded
    ]
    expected = f"{name}: {spec.expected}"
    if agree and differ:
        verdict = Verdict.SUPPORTED_WITH_CAVEATS
        lead = (
            f"{', '.join(s.id for s in agree)} record {expected}, but "
            f"{', '.join(s.id for s in differ)} record otherwise"
        )
    elif agree:
        verdict, lead = Verdict.SUPPORTED, f"every study that records {name} records {expected}"
    else:
        verdict, lead = Verdict.CONTRADICTED, f"no study that records {name} records {expected}"
    return result(
        spec,
        verdict,
        f"{lead}: " + "; ".join(described),
        sources=[study_ref(s) for s in recorded],
    )


def _share_checks(spec: Mechanism, data: AuditData) -> list[CheckResult]:
    """The share of ``spec.share``'s rows beyond the outcome's cut-off (``analysis.toml``)."""
    share = spec.share
    trial = trial_of(data, data.studies[share.study]) if share else None
    if share is None or trial is None:
        return []
    cut = data.settings.outcome(share.outcome)
    setting = f"{SETTINGS_FILE} [outcome.{share.outcome}]"
    return [
        replace(
            checked,
            evidence=f"{m.timepoint}: {checked.evidence}",
            sources=(*row_sources(trial, [m]), setting),
        )
        for m in trial.series(share.outcome, share.arm, share.study)
        if m.week in share.weeks
        for checked in [share_beyond(m, cut, data.parameters.material_share)]
    ]


def mechanism(spec: Mechanism, data: AuditData) -> ClaimVerdict:
    """Can the cited studies separate the cause the claim names (the fact ``separates``)?

    With ``share``: the share of the arm beyond the outcome's cut-off at the given weeks
    is reported beside the verdict.
    """
    cited = _cited(data, spec)
    name = words(spec.separates)
    flags = {s.id: s.meta.facts.get(spec.separates) for s in cited}
    separating = [s for s in cited if flags[s.id] is True]
    outside = [
        s.id
        for s in data.studies.values()
        if s.meta.facts.get(spec.separates) is True and s.id not in flags
    ]
    checks = _share_checks(spec, data)
    described = [
        f"{s.id}: {name}: {yes_no(flags[s.id])}"
        + (f" ({s.note(spec.separates)})" if s.note(spec.separates) else "")
        for s in cited
    ]
    if any(flag is None for flag in flags.values()) and not separating:
        verdict = Verdict.NOT_CHECKABLE
    elif not separating:
        verdict = Verdict.NOT_SUPPORTED
    elif len(separating) < len(cited):
        verdict = Verdict.SUPPORTED_WITH_CAVEATS
    else:
        verdict = Verdict.SUPPORTED
    evidence = "; ".join(described)
    if checks:
        cut = data.settings.outcome(spec.share.outcome)
        evidence += (
            f"; share of {data.settings.participants} on the other side of the cut-off "
            f"({cut.threshold:g} {cut.threshold_unit}): " + "; ".join(c.evidence for c in checks)
        )
    if outside and not separating:
        evidence += f"; outside the cited data: {', '.join(outside)}: {name}: yes"
    return result(
        spec,
        verdict,
        evidence,
        details=[c.evidence for c in checks],
        sources=[*(study_ref(s) for s in cited), *(x for c in checks for x in c.sources)],
        checks=checks,
    )


def no_data(spec: NoData, data: AuditData) -> ClaimVerdict:
    """The sources the claim would need are not in ``studies.toml`` (checked on load)."""
    missing = [need for need in spec.needs if need not in data.studies]
    return result(
        spec,
        Verdict.NOT_CHECKABLE,
        f"the article cites nothing for it and no verified source covers it "
        f"(needed: {', '.join(missing)})",
        sources=[STUDIES_FILE],
    )
