"""Across trials: random-effects pooling between arms and of each outcome's response."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import Block, fmt, fmt_ci


def blocks(results: dict[str, Any]) -> list[Block]:
    """Pooled d_ppc2 per outcome, then the pooled ratio of means by r on treatment."""
    syn = results["synthesis"]
    labels = {k: v["label"] for k, v in results.get("outcomes", {}).items()}
    out = [
        Block("h2", "Across trials (hypothesis-generating)"),
        Block(
            "p",
            "Random-effects pooling (REML τ², truncated at zero; Hartung–Knapp–Sidik–Jonkman "
            "interval beside the Wald interval; prediction interval est ± z·√(SE² + τ²)). "
            "With fewer than three studies τ² and the prediction interval are unreliable: "
            "every pooled number here is hypothesis-generating.",
        ),
        Block("h3", "Between arms"),
        Block(
            "table",
            header=("outcome", "pooled d_ppc2 (95% CI)", "k", "τ²", "I²", "note"),
            rows=tuple(
                (
                    labels.get(b["outcome"], b["outcome"]),
                    f"{fmt(b['estimate'])} ({fmt_ci(b['ci_low'], b['ci_high'])})"
                    if b["poolable"]
                    else "—",
                    str(b["k"]) if b["poolable"] else "—",
                    fmt(b["tau2"]) if b["poolable"] else "—",
                    f"{b['i2']:.0f}%" if b["poolable"] else "—",
                    "" if b["poolable"] else f"not poolable: {b['reason']}",
                )
                for b in syn["between_arms"]
            ),
        ),
    ]
    for h in syn["treatment_response"]:
        label = labels.get(h["outcome"], h["outcome"])
        out.append(Block("h3", f"Response on treatment: {label}"))
        arms = "; ".join(
            f"{a['label']} ({a['regimen']}, week {a['week']:g}, lines "
            f"{', '.join(map(str, a['rows']))})"
            for a in h["arms"]
        )
        out.append(
            Block(
                "p",
                "Ratio of means, follow-up over baseline, for dependent samples "
                f"(Lajeunesse 2011), at each arm's first follow-up: {arms}.",
            )
        )
        out.append(
            Block(
                "table",
                header=("r", "group", "k", "ratio of means (95% CI)", "τ²", "I²"),
                rows=tuple(
                    (
                        f"{x['r']:g}",
                        x["group"],
                        str(x["k"]),
                        f"{x['ratio']:.3f} ({x['ratio_ci'][0]:.3f} to {x['ratio_ci'][1]:.3f})",
                        fmt(x["tau2"]) if "tau2" in x else "—",
                        f"{x['i2']:.0f}%" if "i2" in x else "—",
                    )
                    for x in h["by_r"]
                ),
            )
        )
        out.append(Block("figure", figure=f"pooled_{h['outcome']}"))
    return out
