"""One arm's pre–post summary, the SD of its change, and the argument checks of the effects.

:class:`PrePost` holds an arm's n and its mean and SD at baseline and at follow-up;
:func:`change_score_sd` imputes the SD of the change for a pre–post correlation ``r`` and
:func:`correlation_from_change_sd` inverts it. The checks of ``r`` and of an arm's
(mean, SD, n) are shared by :mod:`reanalysis.stats.effects` (t-tests, ANCOVA) and
:mod:`reanalysis.stats.standardized` (standardized effects), which both build on this
module; every name here is also importable from :mod:`reanalysis.stats.effects`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from reanalysis.errors import ReanalysisError


@dataclass(frozen=True)
class PrePost:
    """One arm's summary statistics: n, and mean and SD at baseline and at follow-up.

    Study 1 of Morris (2008), treatment group (Organ Res Methods 11:364, Table 5 data):

    >>> arm = PrePost(n=20, baseline_mean=30.6, baseline_sd=15.0, followup_mean=38.5,
    ...               followup_sd=11.6)
    >>> round(arm.mean_change, 10)
    7.9
    """

    n: int
    baseline_mean: float
    baseline_sd: float
    followup_mean: float
    followup_sd: float

    def __post_init__(self) -> None:
        if isinstance(self.n, bool) or int(self.n) != self.n or self.n < 2:
            raise ReanalysisError(f"n must be a whole number >= 2, got {self.n!r}")
        for name in ("baseline_mean", "followup_mean"):
            if not math.isfinite(getattr(self, name)):
                raise ReanalysisError(f"{name} must be finite, got {getattr(self, name)!r}")
        for name in ("baseline_sd", "followup_sd"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ReanalysisError(f"{name} must be a positive finite number, got {value!r}")

    @property
    def mean_change(self) -> float:
        return self.followup_mean - self.baseline_mean

    def rescaled(self, factor: float) -> PrePost:
        """The same arm in another unit (every mean and SD times ``factor`` > 0)."""
        if not (math.isfinite(factor) and factor > 0):
            raise ReanalysisError(f"factor must be a positive finite number, got {factor!r}")
        return replace(
            self,
            baseline_mean=self.baseline_mean * factor,
            baseline_sd=self.baseline_sd * factor,
            followup_mean=self.followup_mean * factor,
            followup_sd=self.followup_sd * factor,
        )


# --- argument checks ----------------------------------------------------------------


def _check_correlation(r: float, name: str = "r") -> float:
    if isinstance(r, bool) or not isinstance(r, (int, float, np.floating)):
        raise ReanalysisError(f"{name} must be a number in (-1, 1), got {r!r}")
    if not (math.isfinite(r) and -1 < r < 1):
        raise ReanalysisError(f"{name} must lie strictly between -1 and 1, got {r!r}")
    return float(r)


def _check_arm_summary(mean: float, sd: float, n: int, names: tuple[str, str, str]) -> None:
    """One arm's (mean, SD, n) as plain numbers: finite mean, SD > 0, n a whole number >= 2."""
    mean_name, sd_name, n_name = names
    if not math.isfinite(mean):
        raise ReanalysisError(f"{mean_name} must be finite, got {mean!r}")
    if not (math.isfinite(sd) and sd > 0):
        raise ReanalysisError(f"{sd_name} must be a positive finite number, got {sd!r}")
    if isinstance(n, bool) or int(n) != n or n < 2:
        raise ReanalysisError(f"{n_name} must be a whole number >= 2, got {n!r}")


def change_score_sd(baseline_sd: float, followup_sd: float, r: float) -> float:
    """SD of the change from baseline, imputed from the two SDs and their correlation.

    SD_change = √(SD_baseline² + SD_final² − 2·r·SD_baseline·SD_final)
    (Cochrane Handbook v6.4, section 6.5.2.8; Follmann et al. 1992; Abrams et al. 2005).
    Assumes r is the within-person correlation of baseline and follow-up in this arm.

    The Handbook's example (v6.4, 6.5.2.8): SDs 6.4 and 7.1 with r = 0.78 give about 4.5.

    >>> round(change_score_sd(6.4, 7.1, 0.78), 1)
    4.5
    """
    r = _check_correlation(r)
    for name, value in (("baseline_sd", baseline_sd), ("followup_sd", followup_sd)):
        if not (math.isfinite(value) and value > 0):
            raise ReanalysisError(f"{name} must be a positive finite number, got {value!r}")
    return float(_change_sd(baseline_sd, followup_sd, np.asarray(r)))


def _change_sd(baseline_sd: float, followup_sd: float, r: np.ndarray) -> np.ndarray:
    """:func:`change_score_sd` for an array of already checked r (one formula for both)."""
    return np.sqrt(baseline_sd**2 + followup_sd**2 - 2 * r * baseline_sd * followup_sd)


def correlation_from_change_sd(baseline_sd: float, followup_sd: float, change_sd: float) -> float:
    """The pre–post correlation implied by three reported SDs.

    Corr = (SD_baseline² + SD_final² − SD_change²) / (2·SD_baseline·SD_final)
    (Cochrane Handbook v6.4, section 6.5.2.8), the inverse of :func:`change_score_sd`.
    """
    for name, value in (
        ("baseline_sd", baseline_sd),
        ("followup_sd", followup_sd),
        ("change_sd", change_sd),
    ):
        if not (math.isfinite(value) and value > 0):
            raise ReanalysisError(f"{name} must be a positive finite number, got {value!r}")
    r = (baseline_sd**2 + followup_sd**2 - change_sd**2) / (2 * baseline_sd * followup_sd)
    if not -1 <= r <= 1:
        raise ReanalysisError(
            f"change_sd = {change_sd!r} is impossible for SDs {baseline_sd!r} and "
            f"{followup_sd!r}: it implies a correlation of {r:.4g}, outside [-1, 1]"
        )
    return r


def pooled_baseline(treatment: PrePost, control: PrePost) -> tuple[float, float]:
    """The two arms' n-weighted baseline mean and pooled baseline SD.

    SD = √(((n_T − 1)·SD_T² + (n_C − 1)·SD_C²)/(n_T + n_C − 2)) (Morris 2008, eq. 9): the
    scale of percent-of-baseline and SD-based minimal important differences, and of d_ppc2.
    """
    n_t, n_c = treatment.n, control.n
    mean = (n_t * treatment.baseline_mean + n_c * control.baseline_mean) / (n_t + n_c)
    variance = (n_t - 1) * treatment.baseline_sd**2 + (n_c - 1) * control.baseline_sd**2
    return mean, math.sqrt(variance / (n_t + n_c - 2))
