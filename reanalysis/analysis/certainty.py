"""Certainty of an effect estimate, GRADE-inspired: one rule, each downgrade with its number.

GRADE (Guyatt et al. 2008, BMJ 336:924; GRADE guidelines series, J Clin Epidemiol 2011)
starts evidence from randomized trials at high certainty and rates it down one level for
each serious concern in five domains. This module applies the same rule to every
comparison, from numbers only, and states which number caused each downgrade:

* **risk of bias** (Guyatt 2011, GRADE 4): attrition above 20% of those randomized (a
  common threshold for serious attrition; the analysis is then of completers), a baseline
  difference between randomized arms larger than the effect itself, or a per-arm n that
  was assumed rather than published. One level for any of them.
* **imprecision** (Guyatt 2011, GRADE 6): the 95% CI includes no effect or crosses the
  minimal important difference (one concern), and fewer participants than the optimal
  information size of about 400 for a continuous outcome (another); one level per concern.
* **indirectness** (Guyatt 2011, GRADE 8): the trial's population lacks a characteristic
  the claim's population has (from ``studies.toml`` characteristics and the claims'
  ``population``). One level.
* **inconsistency** (Guyatt 2011, GRADE 7): with two or more trials, I² above 50%.
  One level; not assessable with one trial.

Publication bias is not assessed (it needs many trials). Levels: high, moderate, low,
very low. These are judgements made mechanical so that they are the same for every claim;
a reviewer may weigh them differently, and each downgrade says why it was made.
"""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("high", "moderate", "low", "very low")
# GRADE's rule of thumb: attrition above 20% is a serious risk of bias.
ATTRITION_LIMIT = 0.20
# Optimal information size for a continuous outcome (Guyatt 2011, GRADE 6: about 400
# participants for a standardized effect of 0.2 at α = 0.05 and 80% power).
OPTIMAL_INFORMATION_SIZE = 400
# I² above this is substantial heterogeneity (Cochrane Handbook 10.10.2).
I2_LIMIT = 50.0


@dataclass(frozen=True)
class Downgrade:
    """One level (or more) of certainty lost in one domain, and the number behind it."""

    domain: str
    levels: int
    reason: str


@dataclass(frozen=True)
class Certainty:
    level: str
    downgrades: tuple[Downgrade, ...]

    def to_dict(self) -> dict:
        return {
            "level": self.level,
            "downgrades": [
                {"domain": d.domain, "levels": d.levels, "reason": d.reason}
                for d in self.downgrades
            ],
        }


def rate_certainty(
    *,
    randomized: int | None,
    completed: int | None,
    n_assumed: bool,
    baseline_difference: float | None,
    estimate: float,
    ci: tuple[float, float],
    minimal_important_difference: float | None,
    participants: int,
    indirect: tuple[str, ...] = (),
    i2: float | None = None,
    trials: int = 1,
) -> Certainty:
    """The certainty of one effect estimate from a randomized comparison (see module)."""
    downgrades = []
    bias = []
    if randomized and completed is not None and randomized > 0:
        lost = 1 - completed / randomized
        if lost > ATTRITION_LIMIT:
            bias.append(
                f"{randomized - completed} of {randomized} randomized ({lost:.0%}) not analysed"
            )
    if baseline_difference is not None and abs(baseline_difference) > abs(estimate):
        bias.append(
            f"baseline difference {baseline_difference:.3g} exceeds the effect {estimate:.3g}"
        )
    if n_assumed:
        bias.append("per-arm n assumed, not published")
    if bias:
        downgrades.append(Downgrade("risk of bias", 1, "; ".join(bias)))
    imprecise = []
    low, high = ci
    if low <= 0 <= high:
        imprecise.append(f"95% CI {low:.3g} to {high:.3g} includes no effect")
    elif minimal_important_difference is not None:
        mid = abs(minimal_important_difference)
        crossed = [m for m in (mid, -mid) if low < m < high]
        if crossed:
            imprecise.append(
                f"95% CI {low:.3g} to {high:.3g} crosses the minimal important difference "
                f"{crossed[0]:.3g}"
            )
    if participants < OPTIMAL_INFORMATION_SIZE:
        imprecise.append(
            f"{participants} participants, below the optimal information size of about "
            f"{OPTIMAL_INFORMATION_SIZE}"
        )
    if imprecise:
        downgrades.append(Downgrade("imprecision", len(imprecise), "; ".join(imprecise)))
    if indirect:
        downgrades.append(Downgrade("indirectness", 1, "; ".join(indirect)))
    if trials >= 2 and i2 is not None and i2 > I2_LIMIT:
        downgrades.append(Downgrade("inconsistency", 1, f"I² = {i2:.0f}% across {trials} trials"))
    lost_levels = sum(d.levels for d in downgrades)
    return Certainty(LEVELS[min(lost_levels, len(LEVELS) - 1)], tuple(downgrades))
