"""Methods and assumptions: each quantity with its method and reference."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import Block

METHODS = (
    (
        "Change from baseline, per arm",
        "mean change = follow-up − baseline; SD of change "
        "√(SD₀² + SD₁² − 2·r·SD₀·SD₁) (Cochrane Handbook 6.5.2.8); paired t-test, df n − 1.",
    ),
    (
        "Difference in change",
        "two-sample t-test on change scores, equal variances "
        "(df n₁ + n₂ − 2), Welch–Satterthwaite as an option.",
    ),
    (
        "ANCOVA from summary data",
        "follow-up adjusted for baseline with the pooled "
        "within-arm slope r·SD₁/SD₀, including the baseline-imbalance term; cross-checked by "
        "OLS on pseudo individual data reproducing each arm's means, SDs and r exactly "
        "(Papadimitropoulou et al. 2019).",
    ),
    (
        "Final values",
        "two-sample t-test on follow-up values, ignoring baseline; Hedges' g (Hedges 1981).",
    ),
    (
        "Baseline balance",
        "two-sample t-test of baseline means between randomized arms; in "
        "a randomized trial any difference is chance, so it shows imbalance, not bias "
        "(Carlisle-style checks need many variables).",
    ),
    (
        "Standardized effects",
        "d_ppc2 (Morris 2008, eq. 8; variance eq. 25); SMCR "
        "difference (Becker 1988; metafor escalc 'SMCR'); SMCC (change-score SD).",
    ),
    (
        "Implied correlation",
        "the r in (−1, 1) at which the reconstructed test reproduces "
        "the reported p, found by scanning and Brent's method; judged against a plausible "
        "range stated with its reasoning.",
    ),
    (
        "Power",
        "exact noncentral-t power of the two-sample t-test (as statsmodels "
        "TTestIndPower); analysis SD for change, final values or ANCOVA (Borm et al. 2007); "
        "no post-hoc observed power (Hoenig & Heisey 2001).",
    ),
    (
        "Consistency checks",
        "printed numbers as rounding intervals; unit conversions by "
        "molar mass; SD versus SE by implied SD; shares below a cut-off under normal and "
        "moment-matched log-normal distributions.",
    ),
    (
        "Pooling",
        "random effects: DerSimonian–Laird, Paule–Mandel, REML; τ² truncated at "
        "zero; Hartung–Knapp–Sidik–Jonkman interval; prediction interval (Higgins, Thompson "
        "& Spiegelhalter 2009); ratio of means for dependent samples (Lajeunesse 2011).",
    ),
    (
        "Bayesian reading",
        "conjugate normal prior and normal likelihood (Spiegelhalter, "
        "Abrams & Myles 2004); sceptical and enthusiastic priors after Spiegelhalter, Freedman "
        "& Parmar 1994.",
    ),
)


def blocks(results: dict[str, Any]) -> list[Block]:
    """The methods table; the same for every report, so ``results`` is not read."""
    return [
        Block("h2", "Methods and assumptions"),
        Block("table", header=("quantity", "method and reference"), rows=METHODS),
    ]
