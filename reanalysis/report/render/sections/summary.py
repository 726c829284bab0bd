"""Summary of findings: headline sentences, each built from numbers in results.json."""

from __future__ import annotations

from typing import Any

from reanalysis.report import tables
from reanalysis.report.figures import detailed
from reanalysis.report.render.blocks import (
    Block,
    fmt,
    fmt_ci,
    fmt_fixed,
    fmt_mean,
    fmt_p,
    fmt_prob,
    fmt_prob_range,
    fmt_share,
    fmt_unit,
    fold,
    verdict_class,
)

# The fields that identify the effect a reported p-value is about.
EFFECT_KEY = ("trial", "study", "outcome", "week", "treatment", "control")


def _index(records: list[dict[str, Any]], *keys: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Records by the values of ``keys``, built once so each lookup is constant time.

    Where records share a key the first wins, as a scan from the start would find it.
    """
    index: dict[tuple[Any, ...], dict[str, Any]] = {}
    for record in records:
        index.setdefault(tuple(record.get(k) for k in keys), record)
    return index


def verdict_blocks(results: dict[str, Any]) -> list[Block]:
    """The article's claims in plain words: verdict, certainty, reason, source."""
    rows = results.get("verdict_table", [])
    if not rows:
        return []
    counts: dict[str, int] = {}
    for v in rows:
        counts[v["verdict"]] = counts.get(v["verdict"], 0) + 1
    tally = "; ".join(f"{verdict}: {n}" for verdict, n in counts.items())
    coverage = results.get("coverage")
    out = [
        Block("h3", "The article's claims"),
        Block(
            "p",
            f"{len(rows)} claims and reference fields, most serious first ({tally})."
            + (f" Coverage of the article's text: {coverage['summary']}." if coverage else ""),
        ),
        Block(
            "table",
            header=("claim (paraphrased)", "verdict", "certainty", "reason", "source"),
            rows=tuple(
                (v["claim"], v["verdict"], v["certainty"], v["reason"], v["source"]) for v in rows
            ),
            classes=tuple(verdict_class(v["verdict"]) for v in rows),
        ),
    ]
    return out


def findings_blocks(results: dict[str, Any]) -> list[Block]:
    """Cochrane-style summary of findings: one row per comparison, with its certainty."""
    rows = results.get("summary_of_findings", [])
    if not rows:
        return []
    table = []
    for f in rows:
        unit = fmt_unit(f["unit"])
        downgrades = "; ".join(
            f"{d['domain']} (−{d['levels']}): {d['reason']}" for d in f["certainty"]["downgrades"]
        )
        table.append(
            (
                f["label"],
                f"{f['arms'][0]} vs {f['arms'][1]}",
                f"{f['participants']}{' (n assumed)' if f['n_assumed'] else ''} (1 study: "
                f"{f['study']})",
                f"{fmt(f['estimate'])} {unit} (95% CI {fmt_ci(*f['ci'])}); "
                f"r = {f['r']:.3f}, {f['r_source']}",
                f["certainty"]["level"],
                downgrades or "none",
                f["reading"],
            )
        )
    return [
        Block("h3", "Summary of findings by outcome"),
        Block(
            "p",
            "Difference in change from baseline, treatment minus control (Student's t on "
            "change scores), at the one pre–post correlation used for that comparison "
            "throughout the report. Certainty is rated by one GRADE-inspired rule for every "
            "comparison (risk of bias, imprecision, indirectness, inconsistency), each "
            "downgrade with the number that caused it (see Methods).",
        ),
        Block(
            "table",
            header=(
                "outcome",
                "comparison",
                "participants (studies)",
                "effect (95% CI)",
                "certainty",
                "downgraded for",
                "what it means",
            ),
            rows=tuple(table),
        ),
    ]


def blocks(results: dict[str, Any]) -> list[Block]:
    """The opening: verdicts, summary of findings, then the key numbers behind them."""
    out = [Block("h2", "Summary of findings")]
    out += verdict_blocks(results)
    out += findings_blocks(results)
    items = key_numbers(results)
    if items:
        out.append(Block("h3", "Key numbers"))
        out += [Block("li", item) for item in items]
    if not detailed(results) and (each := comparison_numbers(results)):
        title = f"Power and the Bayesian reading, comparison by comparison ({len(each)} findings)"
        out += fold(results, title, [Block("li", item) for item in each])
    return out


def _harm_range(b: dict[str, Any]) -> str:
    """P(harm) under the neutral prior across the plausible r, as printed text."""
    return fmt_prob_range(*b["p_harm_range"]) if b.get("p_harm_range") else "not available"


def key_numbers(results: dict[str, Any]) -> list[str]:
    """Headline sentences, treatment-vs-control first; dose comparisons and pooled ratios
    after them. Power and the Bayesian reading come one sentence per comparison up to
    ``DETAIL_TRIALS`` trial files, else counted in a sentence each (:func:`blocks` then
    lists them per comparison in a fold)."""
    items: list[str] = []
    effects = _index(results["effects"], *EFFECT_KEY)
    roles = {name: t["arms"] for name, t in results["trials"].items()}
    ordered = sorted(
        results["reported_reanalyses"],
        key=lambda x: roles[x["trial"]].get(x["arms"][1]) != "control",
    )
    later: list[str] = []
    for x in ordered:
        change = x["implied"]["change"]
        ancova = x["implied"]["ancova"]
        unit = fmt_unit(x["unit"])
        effect = effects.get(
            (x["trial"], x["study"], x["outcome"], x["week"], x["arms"][0], x["arms"][1])
        )
        first, second = (fmt_fixed(change, x["decimals"]) for change in x["mean_change"])
        sentence = (
            f"{x['study']}, {x['outcome']} ({x['comparison']}): mean change "
            f"{first} {unit} ({x['arms'][0]}) vs {second} {unit} ({x['arms'][1]})"
        )
        if effect and effect.get("treatment_percent_change") is not None:
            sentence += (
                f", i.e. {effect['treatment_percent_change']:+.1f}% vs "
                f"{effect['control_percent_change']:+.1f}% of baseline"
            )
        sentence += (
            f". The reported P = {x['reported_p']:g} needs a pre–post correlation of "
            + (f"{change['implied_r']:.3f}" if change["implied_r"] is not None else "no r")
            + " under the change-score t-test"
            + (f" ({ancova['implied_r']:.3f} under ANCOVA)" if ancova["implied_r"] else "")
            + f": {change['verdict']}."
        )
        at = x.get("at_implied_r")
        if at:
            sentence += (
                f" At that r the difference in change is {fmt_mean(at, 'md_change', x)} {unit} "
                f"(95% CI {fmt_ci(*at['md_change_ci'])}); the arms differed at baseline by "
                f"{fmt_mean(at, 'baseline_difference', x)} {unit} "
                f"(p {fmt_p(at['p_baseline'])}), and "
                f"adjusting for it (ANCOVA) gives {fmt(at['ancova'])} {unit} "
                f"(95% CI {fmt_ci(*at['ancova_ci'])})."
            )
        if x["n_assumed"]:
            sentence += " The per-arm n is assumed, not published."
        if roles[x["trial"]].get(x["arms"][1]) == "control":
            items.append(sentence)
        else:
            later.append(sentence)
    items += comparison_numbers(results) if detailed(results) else _counted(results)
    labels = {k: v["label"] for k, v in results.get("outcomes", {}).items()}
    for h in results["synthesis"]["treatment_response"]:
        rs = sorted({x["r"] for x in h["by_r"]})
        middle = _index(h["by_r"], "r", "group")[(rs[len(rs) // 2], "all")]
        later.append(
            f"Across {middle['k']} treatment arms, {labels.get(h['outcome'], h['outcome'])} "
            f"at first follow-up was "
            f"{middle['ratio']:.2f}× baseline (95% CI {middle['ratio_ci'][0]:.2f} to "
            f"{middle['ratio_ci'][1]:.2f}; r = {middle['r']:g}; hypothesis-generating)."
        )
    return items + later


def comparison_numbers(results: dict[str, Any]) -> list[str]:
    """Power and the Bayesian reading of each comparison, one sentence each."""
    who = results.get("report", {}).get("participants", "participants")
    labels = {k: v["label"] for k, v in results.get("outcomes", {}).items()}
    each: list[str] = []
    for x in results["power"]:
        if "error" in x:
            continue
        n80 = [
            p
            for p in tables.rows(x["design_points"])
            if p["solved_for"] == "n" and p["analysis"] == "change" and p["power"] == 0.8
        ]
        text = (
            f"Power ({x['study']}, {labels.get(x['outcome'], x['outcome'])}, "
            f"{' vs '.join(x['arms'])}): at r = {x['r']:.3f} ({x['r_source']}) the trial had "
            f"{fmt_share(x['power_at_trial_n'])} power "
            f"to detect a between-arm difference of {x['design_difference_labels'][0]}"
        )
        if n80:
            text += (
                "; a new trial needs "
                + " or ".join(
                    f"{p['n_per_group_ceil']} {who} per arm (r = {p['correlation']:.3g})"
                    for p in n80
                )
                + " for 80% power to detect the observed difference"
            )
        each.append(text + ". Observed (post-hoc) power is not reported.")
    for b in results["bayes"]:
        priors = _index(b["at_implied_r"], "prior")
        neutral = priors.get(("neutral",))
        skeptical = priors.get(("skeptical",))
        if neutral and skeptical:
            each.append(
                f"Bayesian reading ({b['study']}, {labels.get(b['outcome'], b['outcome'])}, "
                f"{' vs '.join(b['arms'])}): P({b['harm_label']}) is "
                f"{fmt_prob(neutral['p_harm'])} under a neutral prior and "
                f"{fmt_prob(skeptical['p_harm'])} under a skeptical one at r = "
                f"{b['implied_r']:.3f} ({b['r_source']}); {_harm_range(b)} across the judged "
                "plausible r "
                f"(neutral prior). T = {fmt(b['threshold'])} {fmt_unit(b['unit'])} "
                f"({b['threshold_source']})."
            )
    return each


def _counted(results: dict[str, Any]) -> list[str]:
    """Power and the Bayesian reading of every comparison, counted in a sentence each."""
    items = []
    power = [x["power_at_trial_n"] for x in results["power"] if "error" not in x]
    if power:
        items.append(
            f"Power: {sum(p >= 0.8 for p in power)} of {len(power)} comparisons had at least "
            "80% power at their own n and r to detect their outcome's first design difference "
            "(figure and tables in the power section). Observed (post-hoc) power is not "
            "reported."
        )
    neutral = [p for b in results["bayes"] for p in b["at_implied_r"] if p["prior"] == "neutral"]
    if neutral:
        # Outcomes without a direction label their tails "lower"/"higher" instead.
        harm, benefit = (
            labels.pop() if len(labels) == 1 else f"{kind} (or, without a direction, its tail)"
            for labels, kind in (
                ({p["harm_label"] for p in neutral}, "harm beyond T"),
                ({p["benefit_label"] for p in neutral}, "benefit beyond T"),
            )
        )
        items.append(
            f"Bayesian reading: under a neutral prior, {harm} is more likely than not in "
            f"{sum(p['p_harm'] > 0.5 for p in neutral)} of {len(neutral)} comparisons, and "
            f"{benefit} in {sum(p['p_benefit'] > 0.5 for p in neutral)}."
        )
    return items
