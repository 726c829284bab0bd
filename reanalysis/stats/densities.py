"""Probability densities of the normal and log-normal distributions, for drawing curves.

Written with numpy rather than taken from ``scipy.stats``, whose import (about 0.4 s) the
report's figure workers would otherwise pay for two formulas; tests/test_figures.py checks
both against ``scipy.stats.norm.pdf`` and ``scipy.stats.lognorm.pdf``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

_SQRT_2PI = math.sqrt(2 * math.pi)


def normal_pdf(x: ArrayLike, mean: float, sd: float) -> np.ndarray:
    """Density of N(mean, sd²) at ``x``: exp(−z²/2)/(sd·√(2π)), z = (x − mean)/sd.

    >>> float(normal_pdf(0.0, 0.0, 1.0))  # 1/√(2π)
    0.3989422804014327
    """
    z = (np.asarray(x, dtype=float) - mean) / sd
    return np.exp(-0.5 * z * z) / (sd * _SQRT_2PI)


def lognormal_pdf(x: ArrayLike, mu: float, sigma: float) -> np.ndarray:
    """Density at ``x`` > 0 of the log-normal whose logarithm is N(mu, sigma²):
    exp(−(ln x − mu)²/(2σ²))/(x·σ·√(2π)); zero at x ≤ 0.

    >>> float(lognormal_pdf(1.0, 0.0, 1.0))  # at the median e^mu, 1/(e^mu·σ·√(2π))
    0.3989422804014327
    """
    x = np.asarray(x, dtype=float)
    positive = x > 0
    safe = np.where(positive, x, 1.0)
    z = (np.log(safe) - mu) / sigma
    return np.where(positive, np.exp(-0.5 * z * z) / (safe * sigma * _SQRT_2PI), 0.0)
