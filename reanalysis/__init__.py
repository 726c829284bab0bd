"""Auditable reanalysis of clinical-trial summary statistics.

``import reanalysis as ra`` gives the whole API under short names (:data:`__all__`). Each
name is imported from its module on first use (PEP 562 ``__getattr__``), so that
``import reanalysis`` stays fast and imports neither pandas nor SciPy.

A trial goes in as a CSV path, a text buffer or a pandas DataFrame; results come out with
one protocol: ``result.confidence_interval()`` unpacks as ``lo, hi``, ``to_dict()`` is
JSON-ready, ``to_frame()`` is a pandas DataFrame. Study 1 of Morris (2008, Organ Res
Methods 11:364; d_ppc2 = 0.77 in Table 5) at a pre-post correlation of 0.47:

>>> import io
>>> import reanalysis as ra
>>> text = '''study,arm,role,outcome,unit,timepoint,week,n,mean,sd,source
... morris1,training,treatment,score,points,pre,0,20,30.6,15.0,Morris 2008 Table 5 data
... morris1,training,treatment,score,points,post,8,20,38.5,11.6,Morris 2008 Table 5 data
... morris1,control,control,score,points,pre,0,20,23.1,13.8,Morris 2008 Table 5 data
... morris1,control,control,score,points,post,8,20,19.7,14.8,Morris 2008 Table 5 data
... '''
>>> trial = ra.load_trial(io.StringIO(text), name="morris1")
>>> effects = ra.between_arm_effects(trial, "score", r=0.47)
>>> round(effects.comparisons[0].dppc2.estimate, 2)
0.77

The same effect on plain numbers, vectorized over studies, as metafor's ``escalc``:

>>> ra.escalc("PPC2", m1i_pre=30.6, m1i_post=38.5, sd1i_pre=15.0, n1i=20, m2i_pre=23.1,
...           m2i_post=19.7, sd2i_pre=13.8, n2i=20, ri=0.47).round(4)
       yi      vi
0  0.7684  0.1157

The claims audit gives one verdict per claim of a folder's ``claims.toml`` and two per
reference of the article (its locator and its authors); for the repository's ``data/``:

>>> import tomllib
>>> with open("data/claims.toml", "rb") as file:
...     claims = tomllib.load(file)
>>> verdicts = ra.audit("data")
>>> len(verdicts) == len(claims["claim"]) + 2 * len(claims["reference"])
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

__version__ = "0.1.0"

# Each public name and the module that defines it, imported on first access.
_EXPORTS: dict[str, str] = {
    "ReanalysisError": "reanalysis.errors",
    "ConfidenceInterval": "reanalysis.stats.protocol",
    # loading
    "load_trial": "reanalysis.data.trials",
    "load_folder": "reanalysis.data.folder",
    # effects on plain numbers
    "escalc": "reanalysis.stats.escalc",
    "PrePost": "reanalysis.stats.effects",
    "arm_change": "reanalysis.stats.effects",
    "change_score_sd": "reanalysis.stats.effects",
    "difference_in_change": "reanalysis.stats.effects",
    "ancova_from_summary": "reanalysis.stats.effects",
    "dppc2": "reanalysis.stats.effects",
    "smcr": "reanalysis.stats.effects",
    "smcc": "reanalysis.stats.effects",
    "hedges_g_final": "reanalysis.stats.effects",
    "implied_correlation": "reanalysis.stats.correlation",
    # effects of a trial
    "between_arm_effects": "reanalysis.analysis.trial_effects",
    # power and sample size
    "two_sample_power": "reanalysis.stats.power",
    "sample_size_per_group": "reanalysis.stats.power",
    "minimum_detectable_effect": "reanalysis.stats.power",
    "power_grid": "reanalysis.stats.power",
    # pooling
    "random_effects": "reanalysis.stats.synthesis",
    "pool_trials": "reanalysis.analysis.synthesis",
    # Bayes
    "normal_posterior": "reanalysis.stats.bayes",
    "trial_posterior": "reanalysis.analysis.bayes",
    # audit
    "audit": "reanalysis.analysis.claims",
}

__all__ = ["__version__", "build_report", *_EXPORTS]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first access (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'reanalysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later accesses skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def build_report(
    data: str | Path, out: str | Path, *, config: str | Path | None = None, png: bool = False
) -> Path:
    """Compute, draw and write the report of the data folder ``data`` into ``out``.

    ``out`` must be new, empty, or a folder this package wrote before; it is replaced
    whole only when every step succeeded (:func:`reanalysis.report.writer.write_report`).
    ``config`` is a settings file (default: ``analysis.toml`` in ``data``, if any);
    ``png=True`` also writes PNG copies of the figures. Returns ``out`` as a Path.

    The starter folder of ``reanalysis init`` gives a report in three files and figures:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from reanalysis.data.starter import write_starter
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = write_starter(Path(tmp) / "data")
    ...     out = build_report(Path(tmp) / "data", Path(tmp) / "report")
    ...     sorted(path.name for path in out.iterdir())
    ['.reanalysis-output', 'figures', 'report.html', 'report.md', 'results.json']
    """
    from pathlib import Path

    from reanalysis.report.writer import write_report

    return write_report(Path(data), Path(out), config=Path(config) if config else None, png=png)
