"""Per-folder analysis settings: ``analysis.toml`` (optional).

Precedence everywhere: a command-line flag, then ``analysis.toml``, then the documented
default below, which every output labels *assumed*.

``[report]``
    ``title``, optional ``question``, and ``participants`` (the word for the people
    studied, default "participants").
``[outcome.<id>]`` (``<id>`` is the ``outcome`` column of the trial CSVs)
    ``label``: the outcome in words (default: the id with underscores as spaces).
    ``r``: the pre–post correlation to use. ``r_range`` = [low, high]: the range judged
    plausible, with ``r_justification`` (required with either). Default r: the midpoint of
    ``r_range``; with neither, :data:`DEFAULT_R` (assumed).
    ``reference_r`` (with ``reference_r_justification``): a conventional r shown beside
    the implied one in power analyses.
    ``direction``: ``higher_is_better`` or ``lower_is_better`` (default: unknown; summaries
    then say "higher" and "lower" without "favours").
    ``minimal_important_difference`` in the outcome's unit, or
    ``minimal_important_difference_percent`` of the pooled baseline mean, with
    ``minimal_important_difference_justification`` (required). Default: half the pooled
    baseline SD (Norman, Sloan & Wyrwich 2003, Med Care 41:582-92), assumed.
    ``power_differences_percent``: differences, as percent of the pooled baseline mean, at
    which design power is shown (only when configured; otherwise power is shown at the
    minimal important difference, in the outcome's unit).
    ``threshold`` (with ``threshold_unit``, ``threshold_side`` = ``below``/``above`` and
    ``threshold_justification``): a clinical cut-off for the share-beyond analysis.
    ``bayes_alternative``: ``benefit`` (default) or ``harm``, the effect the enthusiastic
    prior of the Bayesian reading is centred on (the claim under study).
    ``molecular_formula`` (with ``molecular_formula_source``), e.g. ``C6H12O6``: the
    molecule the outcome measures, whose molar mass converts its mass and amount units
    (ng/dL and nmol/L, :mod:`reanalysis.units`). Without it such units do not convert.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import msgspec

from reanalysis.data.schema import check, convert, read_toml
from reanalysis.errors import ReanalysisError
from reanalysis.units import molar_mass

SETTINGS_FILE = "analysis.toml"
# Cochrane Handbook 6.5.2.8: below r = 0.5 change scores are less precise than final
# values; 0.5 is the break-even point, used when nothing better is known (assumed).
DEFAULT_R = 0.5
# A documented default MID in SD units: Norman, Sloan & Wyrwich 2003 (Med Care 41:582-92)
# found minimal important differences near half a standard deviation across 38 studies.
DEFAULT_MID_SD_FRACTION = 0.5
DEFAULT_TITLE = "Reanalysis of published trial summary statistics"
DEFAULT_PARTICIPANTS = "participants"

Correlation = Annotated[float, msgspec.Meta(gt=-1, lt=1)]
Positive = Annotated[float, msgspec.Meta(gt=0)]
Text = Annotated[str, msgspec.Meta(min_length=1)]
Direction = Literal["higher_is_better", "lower_is_better"]


class _Report(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    title: Text = DEFAULT_TITLE
    question: Text | None = None
    participants: Text = DEFAULT_PARTICIPANTS


class _Outcome(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    label: Text | None = None
    r: Correlation | None = None
    r_range: tuple[Correlation, Correlation] | None = None
    r_justification: Text | None = None
    reference_r: Correlation | None = None
    reference_r_justification: Text | None = None
    direction: Direction | None = None
    minimal_important_difference: Positive | None = None
    minimal_important_difference_percent: Positive | None = None
    minimal_important_difference_justification: Text | None = None
    power_differences_percent: tuple[Positive, ...] = ()
    threshold: float | None = None
    threshold_unit: Text | None = None
    threshold_side: Literal["below", "above"] = "below"
    threshold_justification: Text | None = None
    bayes_alternative: Literal["benefit", "harm"] = "benefit"
    molecular_formula: Text | None = None
    molecular_formula_source: Text | None = None


class _File(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    report: dict = {}
    outcome: dict = {}


@dataclass(frozen=True)
class PlausibleCorrelation:
    """A judged plausible range of the pre–post correlation, with its justification."""

    low: float
    high: float
    justification: str

    @property
    def midpoint(self) -> float:
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class OutcomeSettings:
    """One outcome's settings, defaults filled in; ``*_source`` says where each came from."""

    id: str
    label: str
    r: float
    r_source: str
    plausible: PlausibleCorrelation | None
    reference_r: float | None
    reference_r_justification: str | None
    direction: str | None
    minimal_important_difference: float | None
    minimal_important_difference_percent: float | None
    minimal_important_difference_justification: str | None
    power_differences_percent: tuple[float, ...]
    threshold: float | None
    threshold_unit: str | None
    threshold_side: str
    threshold_justification: str | None
    bayes_alternative: str
    molecular_formula: str | None
    molecular_formula_source: str | None
    # g/mol of the formula (:func:`reanalysis.units.molar_mass`); None without one.
    molar_mass: float | None
    configured: bool

    @property
    def alternative_sign(self) -> int:
        """+1 or −1: the sign of treatment − control under the Bayesian alternative."""
        higher = self.direction != "lower_is_better"
        return 1 if higher == (self.bayes_alternative == "benefit") else -1

    def mid_for(self, baseline_mean: float, baseline_sd: float) -> tuple[float, str]:
        """The minimal important difference (in the outcome's unit) and where it came from."""
        if self.minimal_important_difference is not None:
            return self.minimal_important_difference, "configured"
        if self.minimal_important_difference_percent is not None:
            return abs(baseline_mean) * self.minimal_important_difference_percent / 100, (
                f"configured: {self.minimal_important_difference_percent:g}% of baseline"
            )
        return DEFAULT_MID_SD_FRACTION * baseline_sd, "assumed: half the baseline SD"


@dataclass(frozen=True)
class Settings:
    """Everything ``analysis.toml`` says, with the documented defaults for the rest."""

    title: str
    question: str | None
    participants: str
    outcomes: dict[str, OutcomeSettings]
    path: Path | None

    def outcome(self, outcome_id: str) -> OutcomeSettings:
        """The outcome's settings, or the documented defaults for an unconfigured one."""
        return self.outcomes.get(outcome_id) or _outcome_settings(outcome_id, _Outcome(), False)

    def label(self, outcome_id: str) -> str:
        return self.outcome(outcome_id).label


def default_label(outcome_id: str) -> str:
    """An outcome id in words: ``ldl_cholesterol`` → ``ldl cholesterol``."""
    return outcome_id.replace("_", " ")


def _outcome_settings(outcome_id: str, raw: _Outcome, configured: bool) -> OutcomeSettings:
    plausible = (
        PlausibleCorrelation(raw.r_range[0], raw.r_range[1], raw.r_justification or "")
        if raw.r_range
        else None
    )
    if raw.r is not None:
        r, source = raw.r, "configured"
    elif plausible is not None:
        r, source = plausible.midpoint, "assumed: midpoint of the judged plausible range"
    else:
        r, source = DEFAULT_R, "assumed: default r = 0.5 (no plausible range recorded)"
    return OutcomeSettings(
        id=outcome_id,
        label=raw.label or default_label(outcome_id),
        r=r,
        r_source=source,
        plausible=plausible,
        reference_r=raw.reference_r,
        reference_r_justification=raw.reference_r_justification,
        direction=raw.direction,
        minimal_important_difference=raw.minimal_important_difference,
        minimal_important_difference_percent=raw.minimal_important_difference_percent,
        minimal_important_difference_justification=raw.minimal_important_difference_justification,
        power_differences_percent=raw.power_differences_percent,
        threshold=raw.threshold,
        threshold_unit=raw.threshold_unit,
        threshold_side=raw.threshold_side,
        threshold_justification=raw.threshold_justification,
        bayes_alternative=raw.bayes_alternative,
        molecular_formula=raw.molecular_formula,
        molecular_formula_source=raw.molecular_formula_source,
        molar_mass=None if raw.molecular_formula is None else molar_mass(raw.molecular_formula),
        configured=configured,
    )


DEFAULT_SETTINGS = Settings(DEFAULT_TITLE, None, DEFAULT_PARTICIPANTS, {}, None)


def load_settings(path: str | Path | None) -> Settings:
    """Read ``analysis.toml``; None or an absent default file gives the documented defaults."""
    if path is None:
        return DEFAULT_SETTINGS
    path = Path(path)
    raw, text = read_toml(path)
    top = convert(raw, _File, path=path, table="", text=text)
    report = convert(top.report, _Report, path=path, table="report", text=text)
    outcomes = {}
    for outcome_id, entry in top.outcome.items():
        table = f"outcome.{outcome_id}"
        parsed = convert(entry, _Outcome, path=path, table=table, text=text)
        if parsed.r_range is not None:
            low, high = parsed.r_range
            check(
                low < high, path, table, "r_range", text, f"expected low < high, got {low}, {high}"
            )
            check(
                parsed.r_justification is not None,
                path,
                table,
                "r_range",
                text,
                "r_range needs r_justification (why this range is plausible)",
            )
        if parsed.r is not None and parsed.r_range is None:
            check(
                parsed.r_justification is not None,
                path,
                table,
                "r",
                text,
                "r needs r_justification (where the correlation comes from)",
            )
        mids = (parsed.minimal_important_difference, parsed.minimal_important_difference_percent)
        check(
            None in mids,
            path,
            table,
            "minimal_important_difference",
            text,
            "give minimal_important_difference or minimal_important_difference_percent, not both",
        )
        if mids != (None, None):
            check(
                parsed.minimal_important_difference_justification is not None,
                path,
                table,
                "minimal_important_difference",
                text,
                "needs minimal_important_difference_justification",
            )
        if parsed.threshold is not None:
            check(
                parsed.threshold_unit is not None,
                path,
                table,
                "threshold",
                text,
                "threshold needs threshold_unit",
            )
        if parsed.molecular_formula is not None:
            try:
                molar_mass(parsed.molecular_formula)
            except ReanalysisError as error:
                check(False, path, table, "molecular_formula", text, str(error))
            check(
                parsed.molecular_formula_source is not None,
                path,
                table,
                "molecular_formula",
                text,
                "molecular_formula needs molecular_formula_source (where the formula comes from)",
            )
        outcomes[outcome_id] = _outcome_settings(outcome_id, parsed, True)
    return Settings(report.title, report.question, report.participants, outcomes, path)


def settings_for_folder(data_dir: Path, config: str | Path | None = None) -> Settings:
    """``--config FILE`` if given, else ``<data_dir>/analysis.toml`` if present, else defaults."""
    if config is not None:
        return load_settings(config)
    candidate = Path(data_dir) / SETTINGS_FILE
    return load_settings(candidate) if candidate.exists() else DEFAULT_SETTINGS
