"""Summary of findings: headline sentences, each built from numbers in results.json."""

from __future__ import annotations

from typing import Any

from reanalysis.report.figures import detailed
from reanalysis.report.render.blocks import (
    Block,
    fmt,
    fmt_ci,
    fmt_fixed,
    fmt_mean,
    fmt_p,
    fmt_unit,
    fold,
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


def blocks(results: dict[str, Any]) -> list[Block]:
    """Headline findings, each sentence built from numbers in results.json."""
    items: list[str] = []
    effects = _index(results["effects"], *EFFECT_KEY)
    for x in results["reported_reanalyses"]:
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
        items.append(sentence)
    who = results.get("report", {}).get("participants", "participants")
    labels = {k: v["label"] for k, v in results.get("outcomes", {}).items()}
    # Sentences per comparison: in the list up to DETAIL_TRIALS trial files, else counted
    # in one sentence each and listed in a fold.
    each: list[str] = []
    for x in results["power"]:
        if "error" in x:
            continue
        n80 = [
            p
            for p in x["design_points"]
            if p["solved_for"] == "n" and p["analysis"] == "change" and p["power"] == 0.8
        ]
        text = (
            f"Power ({x['study']}, {labels.get(x['outcome'], x['outcome'])}): at r = "
            f"{x['r']:.3f} ({x['r_source']}) the trial had {x['power_at_trial_n']:.0%} power "
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
                f"{neutral['p_harm']:.2f} under a neutral prior and "
                f"{skeptical['p_harm']:.2f} under a sceptical one at r = {b['implied_r']:.3f} "
                f"({b['r_source']}); {b['p_harm_range_text']} across the judged plausible r "
                f"(neutral prior). T = {fmt(b['threshold'])} {fmt_unit(b['unit'])} "
                f"({b['threshold_source']})."
            )
    if detailed(results):
        items += each
    else:
        items += _counted(results)
    for h in results["synthesis"]["treatment_response"]:
        rs = sorted({x["r"] for x in h["by_r"]})
        middle = _index(h["by_r"], "r", "group")[(rs[len(rs) // 2], "all")]
        items.append(
            f"Across {middle['k']} treatment arms, {labels.get(h['outcome'], h['outcome'])} "
            f"at first follow-up was "
            f"{middle['ratio']:.2f}× baseline (95% CI {middle['ratio_ci'][0]:.2f} to "
            f"{middle['ratio_ci'][1]:.2f}; r = {middle['r']:g}; hypothesis-generating)."
        )
    flagged = [
        v
        for v in results["audit"]
        if v["verdict"] in ("contradicted", "citation error", "not supported by the cited data")
    ]
    if results["audit"]:
        items.append(
            f"Audit: {len(flagged)} of {len(results['audit'])} claims and reference fields are "
            "contradicted, citation errors or not supported by the cited data: "
            + "; ".join(f"{v['id']} ({v['verdict']})" for v in flagged)
            + "."
        )
    out = [Block("h2", "Summary of findings")]
    out += [Block("li", item) for item in items]
    if each and not detailed(results):
        title = f"Power and the Bayesian reading, comparison by comparison ({len(each)} findings)"
        out += fold(results, title, [Block("li", item) for item in each])
    return out


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
