"""``reanalysis pool`` and ``reanalysis bayes``: random-effects pooling across trial files
(:func:`reanalysis.analysis.synthesis.pool_trials`) and a Bayesian reading of one trial's
between-arm effect (:func:`reanalysis.analysis.bayes.trial_posterior`)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from reanalysis.cli.common import (
    add_confidence_level,
    add_config,
    add_format,
    command,
    interval_label,
    number,
    number_text,
    print_records,
    say,
    settings_for,
    warn,
)
from reanalysis.errors import ReanalysisError

# --- pool ---------------------------------------------------------------------------


def _pool_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="trial CSV files")
    parser.add_argument("--outcome", required=True, help="outcome name (the CSV's outcome column)")
    parser.add_argument(
        "--measure",
        required=True,
        choices=("md_change", "dppc2", "smcr_diff", "romc"),
        help="between-arm md_change, dppc2 or smcr_diff; romc: within-arm log ratio of means",
    )
    parser.add_argument(
        "--r", type=number, help="pre–post correlation (default: plausible midpoint)"
    )
    parser.add_argument(
        "--method",
        choices=("dl", "pm", "reml", "fe"),
        default="reml",
        help="τ² estimator, or fe for the common-effect model (default: reml)",
    )
    parser.add_argument(
        "--prediction", choices=("z", "t"), default="z", help="prediction interval: z or t(k-2)"
    )
    parser.add_argument(
        "--followup", choices=("last", "first"), default="last", help="follow-up week used"
    )
    parser.add_argument(
        "--study", action="append", default=[], help="prefer this study where a file holds several"
    )
    parser.add_argument(
        "--subgroup",
        action="append",
        default=[],
        metavar="ARM=LABEL",
        help="assign an arm to a subgroup (e.g. a dose); repeat for every arm",
    )
    add_confidence_level(parser)
    add_format(parser)
    add_config(parser, "analysis.toml beside the first trial file, if any")


def _subgroups(pairs: Sequence[str]) -> dict[str, str]:
    assigned = {}
    for pair in pairs:
        arm, sep, label = pair.partition("=")
        if not sep or not arm or not label:
            raise ReanalysisError(f"--subgroup must be ARM=LABEL, got {pair!r}")
        assigned[arm] = label
    return assigned


@command("pool", "random-effects pooling of one measure across trial files", _pool_arguments)
def run_pool(args: argparse.Namespace) -> int:
    import warnings

    from reanalysis.analysis.synthesis import (
        correlation_sensitivity,
        default_correlation,
        pool_trials,
    )
    from reanalysis.data.trials import load_trial

    if args.r is not None and not -1 < args.r < 1:
        raise ReanalysisError(f"--r must lie strictly between -1 and 1, got {args.r}")
    trials = [load_trial(path) for path in args.files]
    settings = settings_for(args.files, args.config)
    # Without --r each comparison keeps its own r (its arms' own, else the settings');
    # a ratio of means within arms takes the settings' r.
    own = args.r is None and args.measure != "romc"
    r = args.r if args.r is not None else default_correlation(args.outcome, settings)
    level = args.confidence_level
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pooled = pool_trials(
            trials,
            args.outcome,
            args.measure,
            r=None if own else r,
            method=args.method,
            prediction=args.prediction,
            followup=args.followup,
            prefer_studies=args.study,
            settings=settings,
        )
        shown_r = None if own else r
        records = [
            {"group": "all", "outcome": args.outcome, "r": shown_r, "few_studies": pooled.k < 3}
            | pooled.to_dict(level)
        ]
        if args.subgroup:
            found = correlation_sensitivity(
                trials,
                args.outcome,
                args.measure,
                [r],
                _subgroups(args.subgroup),
                method=args.method,
                followup=args.followup,
                prefer_studies=args.study,
                confidence_level=level,
            )
            records += [record for record in found if record["group"] != "all"]
    for warning in caught:
        warn(str(warning.message))
    if args.format != "text":
        print_records(records, args.format)
        return 0
    scale = " (log scale)" if args.measure == "romc" else ""
    ci = interval_label(level)
    say(
        f"{args.measure}{scale} of {args.outcome}, "
        + ("each comparison at its own r" if own else f"r = {r:.4g}")
        + f", {args.method.upper()}, "
        f"k = {pooled.k}; {ci}s"
    )
    overall = records[0]
    for study in overall["studies"]:
        say(
            f"  {study['label']:<44} {number_text(study['estimate']):>10}  "
            f"[{number_text(study['ci_low'])}, {number_text(study['ci_high'])}]  "
            f"weight {study['weight_percent']:.1f}%"
        )
    say(
        f"  {'pooled':<44} {number_text(pooled.estimate):>10}  "
        f"[{number_text(overall['ci_low'])}, {number_text(overall['ci_high'])}]  "
        f"HKSJ [{number_text(overall['ci_low_hksj'])}, {number_text(overall['ci_high_hksj'])}]"
    )
    say(
        f"  tau2 = {pooled.tau2:.4g}, I2 = {pooled.i2:.1f}%, Q = {pooled.q:.4g} "
        f"(p = {pooled.q_p:.4g}), {100 * level:g}% PI [{number_text(overall['pi_low'])}, "
        f"{number_text(overall['pi_high'])}]"
    )
    for record in records[1:]:
        say(
            f"  subgroup {record['group']} (k = {record['k']}): "
            f"{number_text(record['estimate'])} "
            f"[{number_text(record['ci_low'])}, {number_text(record['ci_high'])}]"
        )
    return 0


# --- bayes --------------------------------------------------------------------------


def _bayes_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="trial CSV file")
    parser.add_argument("--outcome", required=True, help="outcome name (the CSV's outcome column)")
    parser.add_argument(
        "--r", type=number, help="pre–post correlation (default: from analysis.toml, else 0.5)"
    )
    parser.add_argument("--treatment", help="treatment arm (when several)")
    parser.add_argument("--control", help="control arm (when several)")
    parser.add_argument(
        "--prior",
        default="all",
        help="skeptical, neutral, enthusiastic, MEAN,SD, or all (default: the three named)",
    )
    parser.add_argument(
        "--threshold",
        type=number,
        help="minimal important difference T > 0 (default: analysis.toml, else half the SD)",
    )
    parser.add_argument("--study", help="study id when several report the outcome")
    add_confidence_level(parser)
    add_format(parser)
    add_config(parser, "analysis.toml beside the trial file, if any")


@command("bayes", "Bayesian reading of a trial's between-arm effect", _bayes_arguments)
def run_bayes(args: argparse.Namespace) -> int:
    from reanalysis.analysis.bayes import (
        benefit_and_harm,
        comparisons,
        threshold_for,
        trial_posterior,
    )
    from reanalysis.data.trials import load_trial
    from reanalysis.stats.bayes import PRIOR_NAMES

    if args.r is not None and not -1 < args.r < 1:
        raise ReanalysisError(f"--r must lie strictly between -1 and 1, got {args.r}")
    if args.threshold is not None and not args.threshold > 0:
        raise ReanalysisError(f"--threshold must be > 0, got {args.threshold:g}")
    trial = load_trial(args.file)
    if args.outcome not in trial.outcomes:
        raise ReanalysisError(
            f"--outcome must be one of {', '.join(trial.outcomes)}, got {args.outcome!r}"
        )
    settings = settings_for([args.file], args.config)
    chosen = {"treatment": args.treatment, "control": args.control, "settings": settings}
    pairs = comparisons(trial, args.outcome, args.r, args.study, **chosen)
    direction = settings.outcome(args.outcome).direction
    priors = PRIOR_NAMES if args.prior == "all" else (args.prior,)
    level = args.confidence_level
    records = []
    for pair in pairs:
        arms = {"treatment": pair.treatment.arm, "control": pair.control.arm}
        threshold = args.threshold or threshold_for(pair, args.outcome, settings)[0]
        for prior in priors:
            posterior = trial_posterior(
                trial, args.outcome, prior, args.r, threshold, args.study, **(chosen | arms)
            ).to_dict(level)
            records.append(
                {"prior": prior, **arms, **posterior, "credible_level": level}
                | benefit_and_harm(posterior, direction)
            )
    if args.format != "text":
        print_records(records, args.format)
        return 0
    for record in records:
        if record["prior"] == priors[0]:
            say(
                f"{trial.name}: {args.outcome}, {record['treatment']} − {record['control']} "
                f"difference in change {record['estimate']:.4g} "
                f"(SE {record['standard_error']:.4g}); T = {record['threshold']:.4g}; "
                f"{100 * level:g}% credible intervals"
            )
        sd = "flat" if record["prior_sd"] is None else f"{record['prior_sd']:.4g}"
        say(
            f"  {record['prior']:<13} prior N({record['prior_mean']:.4g}, {sd}²)  "
            f"posterior {record['posterior_mean']:.4g} [{record['cri_low']:.4g}, "
            f"{record['cri_high']:.4g}]  P({record['benefit_label']}) = "
            f"{record['p_benefit']:.3f}  P({record['harm_label']}) = {record['p_harm']:.3f}"
        )
    return 0
