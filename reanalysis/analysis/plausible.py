"""An outcome's pre–post correlation as the folder's settings give it.

Judged plausible ranges are data (``analysis.toml``: ``r_range`` with ``r_justification``),
never code: :func:`plausible_for` turns an outcome's settings into the statistics core's
:class:`~reanalysis.stats.correlation.PlausibleCorrelation`, and :func:`correlation_for`
gives the r to use with where it came from (configured, or the documented default,
labelled assumed).
"""

from __future__ import annotations

from reanalysis.data.settings import DEFAULT_SETTINGS, Settings
from reanalysis.stats.correlation import PlausibleCorrelation


def plausible_for(settings: Settings | None, outcome: str) -> PlausibleCorrelation | None:
    """The outcome's judged plausible r range, or None when ``analysis.toml`` gives none."""
    found = (settings or DEFAULT_SETTINGS).outcome(outcome).plausible
    if found is None:
        return None
    return PlausibleCorrelation(outcome, found.low, found.high, found.justification)


def correlation_for(settings: Settings | None, outcome: str) -> tuple[float, str]:
    """The r to use for ``outcome`` and its source (see :mod:`reanalysis.data.settings`)."""
    chosen = (settings or DEFAULT_SETTINGS).outcome(outcome)
    return chosen.r, chosen.r_source
