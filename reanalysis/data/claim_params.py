"""The parameters of each claim check of ``claims.toml``, as typed Structs keyed by check name.

Every ``[[claim]]`` has ``id``, ``section``, ``claim`` (a paraphrase), ``kind``
(``quantitative``, ``causal`` or ``citation``) and ``check``; the check names the Struct
below that its remaining keys must fit (no other key is accepted). Any claim may also
carry ``population = { characteristic = "<name>", required = true }``: the claim applies
its cited studies' evidence to people for whom the characteristic ``<name>`` (a key of a
study's ``characteristics``) is ``required``; the audit then judges indirectness the same
way for every check. Study ids, outcomes, arms and reported tests named here are checked
against the data folder by :func:`reanalysis.data.claims_file.check_references`.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from reanalysis.data.studies import Direction, Finite, Id, Positive, Text, Week

Kind = Literal["quantitative", "causal", "citation"]
# "mean ± spread" as the article printed it, e.g. "1.121 ± 0.141" or "12 ± 4".
Printed = Annotated[
    str, msgspec.Meta(pattern=r"^\s*[-+]?(\d+\.?\d*|\.\d+)\s*±\s*(\d+\.?\d*|\.\d+)\s*$")
]
Studies = Annotated[list[Id], msgspec.Meta(min_length=1)]
Range = tuple[Positive, Positive]


class Population(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    characteristic: Text
    required: bool = True


class ClaimSpec(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """The keys every claim has."""

    id: Id
    section: Text
    claim: Text
    kind: Kind
    check: Text
    population: Population | None = None
    # The lines of the article's text (``[article]``) the claim covers, for coverage.
    lines: tuple[Annotated[int, msgspec.Meta(ge=1)], ...] = ()

    def cited(self) -> tuple[str, ...]:
        """The study ids whose evidence the claim rests on."""
        study = getattr(self, "study", None)
        return (study,) if study else tuple(getattr(self, "cites", None) or ())


class TableValue(ClaimSpec, kw_only=True):
    """A printed mean ± SD of one arm at a labelled visit (``label_week``)."""

    study: Id
    outcome: Text
    arm: Text
    printed: Printed
    label: Text
    label_week: Week


class NotPublished(ClaimSpec, kw_only=True):
    """The article marks an arm's outcome as not given by the source."""

    study: Id
    outcome: Text
    arm: Text


class ArmChanges(ClaimSpec, kw_only=True):
    """Each arm's change from baseline to ``week`` has the stated direction."""

    study: Id
    outcome: Text
    week: Annotated[float, msgspec.Meta(gt=0, le=1e6)]
    directions: Annotated[dict[Text, Direction], msgspec.Meta(min_length=1)]


class BetweenArmSignificance(ClaimSpec, kw_only=True):
    """A reported test (``reported``: its id in studies.toml) shows a significant difference."""

    study: Id
    reported: Id
    treatment_arm: Text
    control_arm: Text
    week: Annotated[float, msgspec.Meta(gt=0, le=1e6)]
    direction: Direction


class ArmDirection(ClaimSpec, kw_only=True):
    """One arm's mean moved in ``direction`` from ``from_week`` to ``to_week``."""

    study: Id
    outcome: Text
    arm: Text
    from_week: Week
    to_week: Week
    direction: Direction


class Design(ClaimSpec, kw_only=True):
    """Every term appears in the study's design, population or intervention."""

    study: Id
    terms: Annotated[list[Text], msgspec.Meta(min_length=1)]
    duration_weeks: Week | None = None


class FindingClaim(ClaimSpec, kw_only=True):
    """A finding recorded in the study's ``findings`` has this direction and extent."""

    study: Id
    finding: Text
    direction: Direction
    extent: Text


class ThresholdClaim(ClaimSpec, kw_only=True):
    """A cut-off the study states: ``value`` in ``unit`` for ``outcome``.

    ``states``: the outcomes of the study's paired cut-offs that the claim also states;
    ``endpoints``: what the claim says the cut-off protects (checked against ``measured``).
    """

    study: Id
    outcome: Text
    value: Finite
    unit: Text
    states: list[Text] = []
    endpoints: list[Text] = []


class PopulationClaim(ClaimSpec, kw_only=True):
    """The cited studies' evidence speaks to the population named by ``population``."""

    cites: Studies
    population: Population


class Dosing(ClaimSpec, kw_only=True):
    """Doses in [low, high] mg, [low, high] times a week."""

    cites: Studies
    dose_mg: Range
    doses_per_week: Range


class StudyField(ClaimSpec, kw_only=True):
    """Studies find ``expected`` for the fact ``field``; ``cites`` (default: every study)."""

    field: Text
    expected: str | bool | int | float
    cites: Studies | None = None


class Share(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Rows whose share beyond the outcome's cut-off (analysis.toml) backs the claim."""

    study: Id
    outcome: Text
    arm: Text
    weeks: Annotated[list[Week], msgspec.Meta(min_length=1)]


class Mechanism(ClaimSpec, kw_only=True):
    """The cited studies can separate the cause; ``separates`` names a yes/no fact."""

    cites: Studies
    separates: Text
    share: Share | None = None


class NoData(ClaimSpec, kw_only=True):
    """The sources the claim would need (``needs``) are not in studies.toml."""

    needs: Annotated[list[Text], msgspec.Meta(min_length=1)]


CLAIM_CHECKS: dict[str, type[ClaimSpec]] = {
    "table_value": TableValue,
    "not_published": NotPublished,
    "arm_changes": ArmChanges,
    "between_arm_significance": BetweenArmSignificance,
    "direction": ArmDirection,
    "design": Design,
    "finding": FindingClaim,
    "threshold": ThresholdClaim,
    "population": PopulationClaim,
    "dosing": Dosing,
    "study_field": StudyField,
    "mechanism": Mechanism,
    "no_data": NoData,
}


def range_problem(spec: ClaimSpec) -> tuple[str, str] | None:
    """A key whose values are out of order, with the message; None if all are in order."""
    if isinstance(spec, ArmDirection) and not spec.from_week < spec.to_week:
        return "to_week", f"from_week must be before to_week, got {spec.from_week:g}"
    if isinstance(spec, Dosing):
        for key in ("dose_mg", "doses_per_week"):
            low, high = getattr(spec, key)
            if low > high:
                return key, f"expected [low, high], got [{low:g}, {high:g}]"
    return None
