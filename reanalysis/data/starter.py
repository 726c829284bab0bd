"""``reanalysis init DIR``: a starter data folder to fill in.

It holds a trial CSV with the schema's header and one example trial (synthetic numbers,
labelled as such), an ``analysis.toml`` with every key commented, and a README of what to
fill in. It is written only into a new or empty folder: nothing existing is overwritten.
"""

from __future__ import annotations

from pathlib import Path

from reanalysis.errors import ReanalysisError

# Data files keep their long lines: the CSV and TOML are written out exactly as shown.
# ruff: noqa: E501

EXAMPLE_CSV = """\
study,arm,role,outcome,unit,timepoint,week,n,n_status,mean,sd,se,source,note
example2024,drug,treatment,systolic_bp,mmHg,baseline,0,40,reported,148.2,12.1,,"SYNTHETIC EXAMPLE: replace with the paper's PMID/DOI and the table or page",
example2024,drug,treatment,systolic_bp,mmHg,week 12,12,38,reported,136.5,13.4,,"SYNTHETIC EXAMPLE: e.g. PMID 00000000, Table 2",analysed completers
example2024,placebo,control,systolic_bp,mmHg,baseline,0,40,reported,147.6,11.8,,"SYNTHETIC EXAMPLE: e.g. PMID 00000000, Table 2",
example2024,placebo,control,systolic_bp,mmHg,week 12,12,39,reported,144.9,12.6,,"SYNTHETIC EXAMPLE: e.g. PMID 00000000, Table 2",
"""

ANALYSIS_TOML = """\
# Settings for this folder (all optional). Precedence: a command-line flag, then this
# file, then the package's documented default, which the output labels "assumed".

[report]
title = "Reanalysis of example2024"
# question = "Does the drug lower blood pressure more than placebo?"
# participants = "patients"          # the word for the people studied

# One table per outcome id (the `outcome` column of the CSVs).
[outcome.systolic_bp]
label = "systolic blood pressure"    # the outcome in words
direction = "lower_is_better"        # or "higher_is_better"
# The pre-post correlation is rarely printed. Give a value (r) or a judged plausible range
# (r_range), and say why; without either, r = 0.5 is used and labelled assumed.
# r = 0.6
r_range = [0.5, 0.8]
r_justification = "EXAMPLE: repeated office blood pressure a few months apart correlates about 0.5-0.8; replace with your reasoning or source."
# reference_r = 0.7                  # a conventional r shown beside the implied one
# reference_r_justification = "..."
# The minimal important difference, in the outcome's unit (or as a percent of baseline with
# minimal_important_difference_percent); without it, half the baseline SD is assumed.
minimal_important_difference = 5.0
minimal_important_difference_justification = "EXAMPLE: 5 mmHg, a commonly used clinically important difference; replace with your source."
# power_differences_percent = [1.0, 2.0]   # design power at these % of baseline as well
# A clinical cut-off for the share-beyond analysis:
# threshold = 140.0
# threshold_unit = "mmHg"
# threshold_side = "above"                 # or "below"
# threshold_justification = "..."
# For a molecule printed in both mass and molar units (e.g. ng/dL and nmol/L):
# molecular_formula = "C6H12O6"
# molecular_formula_source = "..."
"""

README = """\
# Data folder

Fill in, then run `reanalysis report --data THIS_FOLDER --out SOME_NEW_FOLDER`.

1. **Trial CSVs** (`*.csv`, required): one row per study x arm x outcome x timepoint, the
   numbers exactly as the paper printed them. Replace `example.csv`, whose numbers are
   SYNTHETIC. Every row needs its `source` (PMID or DOI and the table or page). Spread may
   be given as `sd`, `se`, or a CI; an assumed n is marked `n_status = assumed` with the
   reasoning in `note`. Check with `reanalysis validate *.csv`.
2. **analysis.toml** (optional): outcome labels, direction, the pre-post correlation r or
   its plausible range, the minimal important difference, a clinical threshold; every key
   is commented there.
3. **studies.toml** (optional): citations and the test results each paper printed (e.g.
   `P = 0.0014`), which the report sets against the summary statistics.
4. **claims.toml** (optional): the claims of an article to audit against the trials.
"""


def write_starter(folder: str | Path) -> list[Path]:
    """Write the starter files into ``folder`` (new or empty); return the paths written."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ReanalysisError(
            f"{folder}: exists and is not an empty folder; init writes only into a new or "
            "empty folder, so nothing is overwritten"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in (
            ("example.csv", EXAMPLE_CSV),
            ("analysis.toml", ANALYSIS_TOML),
            ("README.md", README),
        ):
            path = folder / name
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as error:
        raise ReanalysisError(f"{folder}: cannot write there ({error.strerror})") from None
    return written
