"""Judged plausible ranges of the pre–post correlation, per measurement and outcome.

Each range is a judgement, not a published value, and carries its reasoning. The trial
layer (:mod:`reanalysis.analysis.trial_effects`) takes the midpoint of an outcome's range
as its default r and judges implied correlations against the range.
"""

from __future__ import annotations

from reanalysis.errors import ReanalysisError
from reanalysis.stats.correlation import PlausibleCorrelation

_DXA_SPINE_JUSTIFICATION = (
    "A judgement, not a published value. For DXA spine BMD measured a year apart, "
    "r = 1 − SD_change²/(2·SD²) when baseline and follow-up SDs are equal. Between-man "
    "SDs of PA spine BMD in older men are about 0.14 g/cm² (Burnett-Bowie 2009's own "
    "arms). The SD of one-year change combines DXA precision error (spine short-term "
    "CV about 1–1.5%, i.e. 0.012–0.017 g/cm² per scan at 1.15 g/cm², so √2 times that "
    "for a difference: about 0.02 g/cm²) and real between-man differences in one-year "
    "change plus degenerative artefacts that grow with age; a generous upper bound "
    "for the total is 0.06 g/cm². These give r from 1 − 0.06²/(2·0.14²) ≈ 0.91 to "
    "1 − 0.02²/(2·0.14²) ≈ 0.99; the range is rounded to [0.90, 0.99]."
)

_SEX_STEROID_JUSTIFICATION = (
    "A judgement, not a published value. Serum sex-steroid levels vary within a man "
    "from sample to sample (assay error, diurnal and day-to-day variation), so even "
    "untreated repeat measures correlate well below 1; under an aromatase inhibitor "
    "the response differs between men, lowering the baseline–follow-up correlation "
    "further. A wide range, [0.2, 0.8], is used; treat any verdict on it as weak."
)

PLAUSIBLE_CORRELATIONS: dict[str, PlausibleCorrelation] = {
    "dxa_spine_bmd_one_year": PlausibleCorrelation(
        "dxa_spine_bmd_one_year", 0.90, 0.99, _DXA_SPINE_JUSTIFICATION
    ),
    "serum_sex_steroid_on_treatment": PlausibleCorrelation(
        "serum_sex_steroid_on_treatment", 0.2, 0.8, _SEX_STEROID_JUSTIFICATION
    ),
}

# Which judged range applies to which outcome of the shipped trial files.
MEASUREMENT_OF_OUTCOME: dict[str, str] = {
    "pa_spine_bmd": "dxa_spine_bmd_one_year",
    "total_testosterone": "serum_sex_steroid_on_treatment",
    "bioavailable_testosterone": "serum_sex_steroid_on_treatment",
    "estradiol": "serum_sex_steroid_on_treatment",
    "dht": "serum_sex_steroid_on_treatment",
}


def plausible_correlation(measurement: str) -> PlausibleCorrelation:
    """The judged plausible range of r for ``measurement`` (see ``PLAUSIBLE_CORRELATIONS``).

    ``dxa_spine_bmd_one_year``: [0.90, 0.99], derived from r = 1 − SD_change²/(2·SD²)
    with a between-man SD of 0.14 g/cm² and a one-year change SD between 0.02 g/cm²
    (DXA precision alone) and 0.06 g/cm² (generous). ``serum_sex_steroid_on_treatment``:
    [0.2, 0.8], a weak judgement. Both are judgements; each carries its justification.
    """
    try:
        return PLAUSIBLE_CORRELATIONS[measurement]
    except KeyError:
        raise ReanalysisError(
            f"measurement must be one of {', '.join(PLAUSIBLE_CORRELATIONS)}, got {measurement!r}"
        ) from None
