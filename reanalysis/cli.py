"""Command line: a thin layer over the API.

Every subcommand parses its flags, calls the package's pure functions and prints
either a readable table or JSON. Bad input of any kind ends in one line on stderr
and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from typing import Any

from reanalysis.errors import BuildInterrupted, ReanalysisError

EXIT_BAD_INPUT = 2
# 128 + SIGINT: the shell's convention for a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad flag in one line with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ReanalysisError(f"{self.prog}: {message}")


def print_json(payload: Any) -> None:
    """Print JSON with sorted keys; NaN or infinity is refused rather than printed."""
    print(json.dumps(payload, indent=2, sort_keys=True, allow_nan=False))


def finite(value: float, what: str) -> float:
    """Refuse to print a NaN or infinity as an answer."""
    if not math.isfinite(value):
        raise ReanalysisError(f"{what} could not be computed (got {value})")
    return value


def settings_for(files: Sequence[str], config: str | None):
    """``--config FILE``, else ``analysis.toml`` beside the first trial file, else defaults."""
    from pathlib import Path

    from reanalysis.data.settings import settings_for_folder

    return settings_for_folder(Path(files[0]).parent, config)


def add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", help="settings file (default: analysis.toml beside the trial file, if any)"
    )


# Each subcommand registers (add_arguments, run) here; run returns the exit status.
Command = tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
COMMANDS: dict[str, tuple[str, Command]] = {}


def command(name: str, help_text: str, add_arguments: Callable[[argparse.ArgumentParser], None]):
    """Register a subcommand's runner under ``name``."""

    def register(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = (help_text, (add_arguments, run))
        return run

    return register


# --- validate -----------------------------------------------------------------


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="trial CSV files")


@command("validate", "check trial CSV files against the schema", _validate_arguments)
def run_validate(args: argparse.Namespace) -> int:
    from reanalysis.data.trials import load_trial

    trials = [load_trial(path) for path in args.files]
    for trial in trials:
        print(trial.summary_line())
    return 0


# --- report -------------------------------------------------------------------


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="data", help="directory of input files (default: data)")
    parser.add_argument(
        "--out",
        default="reports",
        help="output folder: new, empty, or one this command wrote before (default: reports)",
    )
    parser.add_argument(
        "--config", help="settings file (default: analysis.toml in the data folder, if any)"
    )
    parser.add_argument("--png", action="store_true", help="also write PNG copies of figures")


@command("report", "compute, draw and write the report (all or nothing)", _report_arguments)
def run_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from reanalysis.report.writer import write_report

    out = write_report(
        Path(args.data),
        Path(args.out),
        progress=lambda line: print(line, flush=True),
        config=Path(args.config) if args.config else None,
        png=args.png,
    )
    print(f"report written to {out}/")
    return 0


# --- init ---------------------------------------------------------------------


def _init_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", help="a new or empty folder to write the starter files into")


@command(
    "init", "write a starter data folder (example CSV, analysis.toml, README)", _init_arguments
)
def run_init(args: argparse.Namespace) -> int:
    from reanalysis.data.starter import write_starter

    for path in write_starter(args.folder):
        print(f"wrote {path}")
    print(f"next: edit the files, then `reanalysis report --data {args.folder} --out REPORT_DIR`")
    return 0


# --- effects ------------------------------------------------------------------


def _effects_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="trial CSV file")
    parser.add_argument("--outcome", required=True, help="outcome name, e.g. pa_spine_bmd")
    parser.add_argument("--week", type=float, help="follow-up week (default: the last)")
    parser.add_argument("--study", help="study id when several report the outcome")
    given = parser.add_mutually_exclusive_group()
    given.add_argument("--r", type=float, help="pre–post correlation, in (-1, 1)")
    given.add_argument("--reported-p", type=float, help="reported p: use the r that reproduces it")
    parser.add_argument(
        "--analysis", choices=("change", "ancova"), default="change", help="default: change"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_config(parser)


def _finite_record(record: dict) -> dict:
    for key, value in record.items():
        if isinstance(value, float):
            finite(value, key)
    return record


def _effects_table(effects: Any) -> None:
    from reanalysis.analysis.trial_effects import correlation_verdict

    def number(value: float) -> str:
        return f"{value:.4g}"

    def row(label: str, result: Any) -> None:
        ci = result.confidence_interval()
        print(
            f"  {label:<34} {number(result.estimate):>10} {number(result.standard_error):>10}"
            f"  [{number(ci.low)}, {number(ci.high)}]  p = {number(result.pvalue)}"
        )

    print(
        f"{effects.trial} ({effects.study}): {effects.outcome} ({effects.unit}), "
        f"baseline to week {effects.week:g}"
    )
    if effects.plausible is not None:
        span = f"[{effects.plausible.low:g}, {effects.plausible.high:g}]"
        print(f"plausible r {span} ({effects.plausible.measurement}; a judgement)")
    print(f"within arms (r = {effects.r:.4g}, {effects.r_source}):")
    for arm in effects.within:
        change = arm.change
        ci = change.test.confidence_interval()
        assumed = " (n assumed)" if arm.n_assumed else ""
        print(
            f"  {arm.arm:<26} n = {arm.data.n}{assumed}  change {number(change.mean_change)}"
            f" ({number(change.percent_change)}%)  SD {number(change.change_sd)}"
            f"  [{number(ci.low)}, {number(ci.high)}]  paired p = {number(change.test.pvalue)}"
        )
    for c in effects.comparisons:
        print(f"{c.treatment.arm} − {c.control.arm} ({c.kind}; r = {c.r:.4g}, {c.r_source}):")
        print(f"  {'':<34} {'estimate':>10} {'SE':>10}  95% CI")
        row("difference in change", c.change)
        row("difference in change (Welch)", c.change_welch)
        row("ANCOVA, baseline-adjusted", c.ancova)
        row("final values (ignores baseline)", c.final)
        row("baseline (randomized arms)", c.baseline)
        for label, effect in (
            ("d_ppc2 (Morris 2008)", c.dppc2),
            ("SMCR difference (Becker 1988)", c.smcr_difference),
            ("SMCC difference", c.smcc_difference),
            ("Hedges' g, final values", c.hedges_g_final),
        ):
            ci = effect.confidence_interval()
            print(
                f"  {label:<34} {number(effect.estimate):>10} {number(effect.standard_error):>10}"
                f"  [{number(ci.low)}, {number(ci.high)}]"
            )
        if c.implied is not None:
            print(f"  implied r: {correlation_verdict(c.implied)}")
    for note in effects.notes:
        print(f"note: {note}")


@command("effects", "effect sizes for one outcome of a trial file", _effects_arguments)
def run_effects(args: argparse.Namespace) -> int:
    from reanalysis.analysis.trial_effects import between_arm_effects
    from reanalysis.data.trials import load_trial

    if args.reported_p is not None and not 0 < args.reported_p < 1:
        raise ReanalysisError(
            f"--reported-p must lie strictly between 0 and 1, got {args.reported_p}"
        )
    if args.r is not None and not -1 < args.r < 1:
        raise ReanalysisError(f"--r must lie strictly between -1 and 1, got {args.r}")
    trial = load_trial(args.file)
    if args.outcome not in trial.outcomes:
        raise ReanalysisError(
            f"--outcome must be one of {', '.join(trial.outcomes)}, got {args.outcome!r}"
        )
    effects = between_arm_effects(
        trial,
        args.outcome,
        args.week,
        r=args.r,
        reported_p=args.reported_p,
        analysis=args.analysis,
        study=args.study,
        settings=settings_for([args.file], args.config),
    )
    if args.json:
        records = [_finite_record(record) for record in effects.records()]
        print_json(records if len(trial.treatment_arms) > 1 or len(records) > 1 else records[0])
    else:
        _effects_table(effects)
    return 0


# --- pool ---------------------------------------------------------------------


def _pool_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="trial CSV files")
    parser.add_argument("--outcome", required=True, help="outcome name, e.g. pa_spine_bmd")
    parser.add_argument(
        "--measure",
        required=True,
        choices=("md_change", "dppc2", "smcr_diff", "romc"),
        help="between-arm md_change, dppc2 or smcr_diff; romc: within-arm log ratio of means",
    )
    parser.add_argument(
        "--r", type=float, help="pre–post correlation (default: plausible midpoint)"
    )
    parser.add_argument("--method", choices=("dl", "pm", "reml"), default="reml")
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
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_config(parser)


def _subgroups(pairs: Sequence[str]) -> dict[str, str]:
    assigned = {}
    for pair in pairs:
        arm, sep, label = pair.partition("=")
        if not sep or not arm or not label:
            raise ReanalysisError(f"--subgroup must be ARM=LABEL, got {pair!r}")
        assigned[arm] = label
    return assigned


def _finite_payload(payload: Any, what: str = "result") -> Any:
    if isinstance(payload, float):
        return finite(payload, what)
    if isinstance(payload, dict):
        return {key: _finite_payload(value, key) for key, value in payload.items()}
    if isinstance(payload, list):
        return [_finite_payload(value, what) for value in payload]
    return payload


@command("pool", "random-effects pooling of one measure across trial files", _pool_arguments)
def run_pool(args: argparse.Namespace) -> int:
    import warnings

    from reanalysis.analysis.synthesis import (
        correlation_sensitivity,
        default_correlation,
        pool_trials,
    )
    from reanalysis.data.trials import load_trial

    trials = [load_trial(path) for path in args.files]
    settings = settings_for(args.files, args.config)
    r = args.r if args.r is not None else default_correlation(args.outcome, settings)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pooled = pool_trials(
            trials,
            args.outcome,
            args.measure,
            r=r,
            method=args.method,
            prediction=args.prediction,
            followup=args.followup,
            prefer_studies=args.study,
        )
    payload = pooled.to_dict() | {"outcome": args.outcome, "r": r}
    if args.subgroup:
        records = correlation_sensitivity(
            trials,
            args.outcome,
            args.measure,
            [r],
            _subgroups(args.subgroup),
            method=args.method,
            followup=args.followup,
            prefer_studies=args.study,
        )
        payload["subgroups"] = {rec["group"]: rec for rec in records if rec["group"] != "all"}
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    if args.json:
        print_json(_finite_payload(payload))
        return 0
    scale = " (log scale)" if args.measure == "romc" else ""
    print(
        f"{args.measure}{scale} of {args.outcome}, r = {r:.4g}, {args.method.upper()}, "
        f"k = {pooled.k}"
    )
    for study in payload["studies"]:
        print(
            f"  {study['label']:<44} {study['estimate']:>10.4g}  "
            f"[{study['ci_low']:.4g}, {study['ci_high']:.4g}]  "
            f"weight {study['weight_percent']:.1f}%"
        )
    print(
        f"  {'pooled':<44} {pooled.estimate:>10.4g}  [{pooled.ci_low:.4g}, {pooled.ci_high:.4g}]"
        f"  HKSJ [{pooled.ci_low_hksj:.4g}, {pooled.ci_high_hksj:.4g}]"
    )
    print(
        f"  tau2 = {pooled.tau2:.4g}, I2 = {pooled.i2:.1f}%, Q = {pooled.q:.4g} "
        f"(p = {pooled.q_p:.4g}), 95% PI [{pooled.pi_low:.4g}, {pooled.pi_high:.4g}]"
    )
    for label, record in payload.get("subgroups", {}).items():
        print(
            f"  subgroup {label} (k = {record['k']}): {record['estimate']:.4g} "
            f"[{record['ci_low']:.4g}, {record['ci_high']:.4g}]"
        )
    return 0


# --- bayes --------------------------------------------------------------------


def _bayes_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="trial CSV file")
    parser.add_argument("--outcome", required=True, help="outcome name, e.g. pa_spine_bmd")
    parser.add_argument(
        "--r", type=float, help="pre–post correlation (default: from analysis.toml, else 0.5)"
    )
    parser.add_argument("--treatment", help="treatment arm (when several)")
    parser.add_argument("--control", help="control arm (when several)")
    add_config(parser)
    parser.add_argument(
        "--prior",
        default="all",
        help="skeptical, neutral, enthusiastic, MEAN,SD, or all (default: the three named)",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        help="minimal important difference T > 0 (default: analysis.toml, else half the SD)",
    )
    parser.add_argument("--study", help="study id when several report the outcome")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


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
    records = []
    for pair in pairs:
        arms = {"treatment": pair.treatment.arm, "control": pair.control.arm}
        threshold = args.threshold or threshold_for(pair, args.outcome, settings)[0]
        for prior in priors:
            posterior = trial_posterior(
                trial, args.outcome, prior, args.r, threshold, args.study, **(chosen | arms)
            ).to_dict()
            records.append(
                {"prior": prior, **arms, **posterior} | benefit_and_harm(posterior, direction)
            )
    if args.json:
        payload = records if args.prior == "all" or len(pairs) > 1 else records[0]
        print_json(_finite_payload(payload))
        return 0
    for record in records:
        if record["prior"] == priors[0]:
            print(
                f"{trial.name}: {args.outcome}, {record['treatment']} − {record['control']} "
                f"difference in change {record['estimate']:.4g} "
                f"(SE {record['standard_error']:.4g}); T = {record['threshold']:.4g}"
            )
        sd = "flat" if record["prior_sd"] is None else f"{record['prior_sd']:.4g}"
        print(
            f"  {record['prior']:<13} prior N({record['prior_mean']:.4g}, {sd}²)  "
            f"posterior {record['posterior_mean']:.4g} [{record['cri_low']:.4g}, "
            f"{record['cri_high']:.4g}]  P({record['benefit_label']}) = "
            f"{record['p_benefit']:.3f}  P({record['harm_label']}) = {record['p_harm']:.3f}"
        )
    return 0


# --- power --------------------------------------------------------------------


def _power_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--d", type=float, help="standardized effect: difference / SD")
    parser.add_argument("--n1", type=float, help="participants in group 1 (>= 2)")
    parser.add_argument("--n2", type=float, help="participants in group 2 (>= 2)")
    parser.add_argument("--power", type=float, help="target power, strictly between 0 and 1")
    parser.add_argument("--ratio", type=float, help="n2/n1 when solving for n (default 1)")
    parser.add_argument(
        "--alpha", type=float, default=0.05, help="two-sided significance level (default 0.05)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a line")


@command(
    "power",
    "t-test power (--d --n1 --n2), n per group (--d --power) or MDE (--n1 --n2 --power)",
    _power_arguments,
)
def run_power(args: argparse.Namespace) -> int:
    from reanalysis.stats.power import (
        minimum_detectable_effect,
        sample_size_per_group,
        two_sample_power,
    )

    if (args.n1 is None) != (args.n2 is None):
        raise ReanalysisError("give --n1 and --n2 together")
    has_n, has_d, has_power = args.n1 is not None, args.d is not None, args.power is not None
    if args.ratio is not None and not (has_d and has_power and not has_n):
        raise ReanalysisError("--ratio applies only when solving for n (--d and --power)")
    if has_d and has_n and not has_power:
        result = two_sample_power(args.d, args.n1, args.n2, args.alpha)
        payload = {
            "power": finite(result.power, "power"),
            "effect_size": result.effect_size,
            "n1": result.n1,
            "n2": result.n2,
            "alpha": result.alpha,
            "df": result.df,
            "critical_value": finite(result.critical_value, "critical value"),
            "noncentrality": finite(result.noncentrality, "noncentrality"),
        }
        line = (
            f"power = {result.power:.4f} (two-sided t-test: d = {result.effect_size:g}, "
            f"n1 = {result.n1:g}, n2 = {result.n2:g}, alpha = {result.alpha:g}, "
            f"df = {result.df:g})"
        )
    elif has_d and has_power and not has_n:
        ratio = 1.0 if args.ratio is None else args.ratio
        size = sample_size_per_group(args.d, args.power, args.alpha, ratio)
        payload = {
            "n_per_group": finite(size.n_per_group, "n_per_group"),
            "n_per_group_ceil": size.n_per_group_ceil,
            "n2": finite(size.n2, "n2"),
            "n2_ceil": size.n2_ceil,
            "achieved_power": finite(size.achieved_power, "achieved power"),
            "effect_size": size.effect_size,
            "power": size.power,
            "alpha": size.alpha,
            "ratio": size.ratio,
        }
        line = (
            f"n_per_group = {size.n_per_group:.2f} -> {size.n_per_group_ceil}"
            + (f" (n2 = {size.n2:.2f} -> {size.n2_ceil})" if ratio != 1 else "")
            + f", achieved power {size.achieved_power:.4f} (two-sided t-test: "
            f"d = {size.effect_size:g}, power = {size.power:g}, alpha = {size.alpha:g})"
        )
    elif has_n and has_power and not has_d:
        mde = minimum_detectable_effect(args.n1, args.n2, args.power, args.alpha)
        payload = {
            "mde": finite(mde.effect_size, "mde"),
            "n1": mde.n1,
            "n2": mde.n2,
            "power": mde.power,
            "alpha": mde.alpha,
        }
        line = (
            f"mde = {mde.effect_size:.4f} (standardized d; two-sided t-test: n1 = {mde.n1:g}, "
            f"n2 = {mde.n2:g}, power = {mde.power:g}, alpha = {mde.alpha:g})"
        )
    else:
        raise ReanalysisError(
            "give exactly two of --d, --n1 with --n2, and --power; the third is solved for"
        )
    if args.json:
        print_json(payload)
    else:
        print(line)
    return 0


# --- audit --------------------------------------------------------------------


def _audit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="data", help="directory of input files (default: data)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


@command("audit", "verdict on every claim and reference of the audited article", _audit_arguments)
def run_audit(args: argparse.Namespace) -> int:
    from reanalysis.analysis.claims import audit

    verdicts = audit(args.data)
    if args.json:
        records = [v.record() for v in verdicts]
        for record in records:
            for check in record["checks"]:
                for key, value in check["numbers"].items():
                    finite(value, f"{record['id']}: {check['name']}: {key}")
        print_json(records)
        return 0
    width = max(len(v.id) for v in verdicts)
    section = max(len(v.section) for v in verdicts)
    verdict = max(len(str(v.verdict)) for v in verdicts)
    print(f"{'claim':<{width}}  {'section':<{section}}  {'verdict':<{verdict}}  evidence")
    for v in verdicts:
        print(f"{v.id:<{width}}  {v.section:<{section}}  {v.verdict!s:<{verdict}}  {v.evidence}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reanalysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (help_text, (add_arguments, _run)) in COMMANDS.items():
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command][1][1](args)
    except BuildInterrupted as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_status
    except KeyboardInterrupt:
        print("error: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ReanalysisError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return 0
