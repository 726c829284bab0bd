"""Write N synthetic trial CSVs and an ``analysis.toml`` into a folder, for the benchmark.

Every number is invented (each row says so in ``source`` and ``note``); the same N and seed
always write the same bytes. Trials alternate between designs the report must handle:
two arms (treatment vs control), three arms (two treatments and a control, every third
trial), one to three outcomes each, and an interim visit in every fourth trial. The
outcomes come from fields other than the shipped article's, with settings of every kind
``analysis.toml`` offers (a fixed r, an r range, a minimal important difference, a
threshold, percentage design differences).

Usage: ``python benchmarks/generate.py N FOLDER [--seed S]``.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from pathlib import Path

HEADER = (
    "study",
    "arm",
    "role",
    "outcome",
    "unit",
    "timepoint",
    "week",
    "n",
    "n_status",
    "mean",
    "sd",
    "source",
    "note",
)
SOURCE = "synthetic benchmark trial"
NOTE = "invented numbers for the benchmark; not from any published trial"


@dataclass(frozen=True)
class Outcome:
    """An invented outcome: typical baseline mean and SD, and its treatment effect."""

    name: str
    unit: str
    baseline: float
    sd: float
    effect: float
    settings: str


OUTCOMES = (
    Outcome(
        "ldl_cholesterol",
        "mg/dL",
        155.0,
        30.0,
        -45.0,
        'label = "LDL cholesterol"\ndirection = "lower_is_better"\nr = 0.7\n'
        'r_justification = "A judgement for the benchmark."\n'
        "minimal_important_difference = 10.0\n"
        'minimal_important_difference_justification = "A judgement for the benchmark."\n',
    ),
    Outcome(
        "phq9",
        "points",
        15.0,
        4.0,
        -4.0,
        'label = "PHQ-9"\ndirection = "lower_is_better"\nr_range = [0.4, 0.7]\n'
        'r_justification = "A judgement for the benchmark."\n'
        "minimal_important_difference = 5.0\n"
        'minimal_important_difference_justification = "A judgement for the benchmark."\n'
        'threshold = 10.0\nthreshold_unit = "points"\nthreshold_side = "above"\n'
        'threshold_justification = "A judgement for the benchmark."\n',
    ),
    Outcome(
        "spadi",
        "points",
        55.0,
        18.0,
        -10.0,
        'label = "SPADI"\ndirection = "lower_is_better"\nr_range = [0.3, 0.6]\n'
        'r_justification = "A judgement for the benchmark."\n',
    ),
    Outcome(
        "grip_strength",
        "kg",
        30.0,
        8.0,
        2.0,
        'label = "grip strength"\ndirection = "higher_is_better"\nr_range = [0.7, 0.9]\n'
        'r_justification = "A judgement for the benchmark."\nreference_r = 0.8\n'
        'reference_r_justification = "A judgement for the benchmark."\n'
        "power_differences_percent = [5.0, 10.0]\n",
    ),
)


def _arms(index: int) -> list[tuple[str, str, float]]:
    """(arm, role, share of the treatment effect): three arms in every third trial."""
    if index % 3 == 2:
        return [
            ("high_dose", "treatment", 1.0),
            ("low_dose", "treatment", 0.5),
            ("usual_care", "control", 0.0),
        ]
    return [("intervention", "treatment", 1.0), ("usual_care", "control", 0.0)]


def trial_rows(index: int, rng: random.Random) -> list[tuple[str, ...]]:
    """The rows of trial ``index``: every arm × outcome × timepoint, to one decimal."""
    study = f"trial{index + 1:04d}"
    chosen = rng.sample(OUTCOMES, rng.randint(1, 3))
    follow_up = rng.choice((12, 16, 24, 52))
    weeks = [0, follow_up // 2, follow_up] if index % 4 == 3 else [0, follow_up]
    rows = []
    for outcome in chosen:
        baseline = outcome.baseline * rng.uniform(0.9, 1.1)
        for arm, role, share in _arms(index):
            n = rng.randint(20, 200)
            arm_baseline = baseline + rng.gauss(0, outcome.sd / 10)
            for week in weeks:
                fraction = week / follow_up
                change = (share * outcome.effect + rng.gauss(0, outcome.sd / 8)) * fraction
                sd = outcome.sd * rng.uniform(0.85, 1.15)
                timepoint = "baseline" if week == 0 else f"week {week}"
                rows.append(
                    (
                        study,
                        arm,
                        role,
                        outcome.name,
                        outcome.unit,
                        timepoint,
                        str(week),
                        str(n),
                        "reported",
                        f"{arm_baseline + change:.1f}",
                        f"{sd:.1f}",
                        SOURCE,
                        NOTE,
                    )
                )
    return rows


def analysis_toml(trials: int) -> str:
    return (
        "# Settings for a synthetic benchmark folder; every value is invented.\n\n"
        "[report]\n"
        f'title = "Benchmark: {trials} synthetic trials"\n'
        'participants = "patients"\n\n'
        + "\n".join(f"[outcome.{o.name}]\n{o.settings}" for o in OUTCOMES)
    )


def write_folder(trials: int, folder: Path, seed: int = 2024) -> Path:
    """Write ``trials`` CSVs (``trial0001.csv`` …) and ``analysis.toml`` into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for index in range(trials):
        path = folder / f"trial{index + 1:04d}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(HEADER)
            writer.writerows(trial_rows(index, rng))
    (folder / "analysis.toml").write_text(analysis_toml(trials), encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trials", type=int, help="number of trial CSVs")
    parser.add_argument("folder", type=Path, help="folder to write into (created)")
    parser.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    args = parser.parse_args()
    write_folder(args.trials, args.folder, args.seed)
    print(f"wrote {args.trials} trials and analysis.toml to {args.folder}/")


if __name__ == "__main__":
    main()
