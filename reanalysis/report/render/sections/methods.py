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
        "d_ppc2 (Morris 2008, eq. 8; variance eq. 25, which assumes equal pre- and post-test "
        "SDs: where an arm's follow-up SD differs from its baseline SD by more than a factor "
        "of 2, or eq. 25 disagrees with the change-score test about zero, the interval is the "
        "change-score t interval rescaled by c(df)/pooled baseline SD, so that no "
        "standardized interval contradicts the raw one); SMCR difference (Becker 1988; "
        "metafor escalc 'SMCR'); SMCC (change-score SD).",
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
        "One r per result",
        "where a paper printed the between-arm P, that comparison uses the r that reproduces "
        "it everywhere (effects, power, Bayes, summary); elsewhere the r of analysis.toml "
        "(its r, else the midpoint of r_range, else 0.5, labelled assumed).",
    ),
    (
        "Certainty",
        "GRADE-inspired (Guyatt et al. 2008, BMJ 336:924; GRADE guidelines 4, 6, 7, 8, "
        "J Clin Epidemiol 2011): randomized evidence starts high and is rated down one level "
        "for risk of bias (attrition > 20%, baseline difference larger than the effect, "
        "assumed n), one per imprecision concern (95% CI includes no effect or crosses the "
        "minimal important difference; fewer than about 400 participants), one for "
        "indirectness (the trial's population lacks a characteristic the claims' population "
        "has) and one for inconsistency (I² > 50% across two or more trials). Claims' "
        "verdict certainty: high with no weak premise, moderate with one, low with more.",
    ),
    (
        "Reported statistics",
        "statcheck-style (Nuijten et al. 2016): each printed P recomputed from the summary "
        "statistics across the judged plausible r; a decision error only when every "
        "recomputed p falls on the other side of α from the printed P.",
    ),
    (
        "Minimal important difference",
        "per outcome in analysis.toml, with its justification; without one, half the "
        "pooled baseline SD (Norman, Sloan & Wyrwich 2003), labelled assumed.",
    ),
    (
        "Bayesian reading",
        "conjugate normal prior and normal likelihood (Spiegelhalter, "
        "Abrams & Myles 2004); skeptical and enthusiastic priors after Spiegelhalter, Freedman "
        "& Parmar 1994.",
    ),
)


def blocks(results: dict[str, Any]) -> list[Block]:
    """The methods table, then each outcome's settings with their justifications."""
    out = [
        Block("h2", "Methods and assumptions"),
        Block("table", header=("quantity", "method and reference"), rows=METHODS),
    ]
    settings = [(name, o) for name, o in results.get("outcomes", {}).items() if o.get("configured")]
    if settings:
        out.append(Block("h3", "Judgements per outcome (analysis.toml)"))
    for _, o in settings:
        notes = []
        if o["plausible_r"]:
            notes.append(
                f"plausible r {o['plausible_r']['low']:g}–{o['plausible_r']['high']:g}: "
                f"{o['plausible_r']['justification']}"
            )
        if o["minimal_important_difference_justification"]:
            notes.append(
                "minimal important difference: " + o["minimal_important_difference_justification"]
            )
        if o["reference_r_justification"]:
            notes.append(f"reference r {o['reference_r']:g}: {o['reference_r_justification']}")
        if o["threshold_justification"]:
            notes.append(f"threshold: {o['threshold_justification']}")
        if o["molecular_formula"]:
            notes.append(
                f"molar mass {o['molar_mass']:.2f} g/mol from {o['molecular_formula']} (IUPAC "
                f"2021 atomic weights), converting mass and molar units: "
                f"{o['molecular_formula_source']}"
            )
        out += [Block("note", f"{o['label']} — {note}") for note in notes]
    return out
