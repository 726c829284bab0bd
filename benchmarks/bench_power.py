"""One side of the power-grid benchmark, timed in its own process.

The planning grid holds 10^6 designs (100 effects × 10 n1 × 10 n2 × 10 r × 10 alpha,
ANCOVA analysis). Three implementations compute two-sided power on it, each in one
vectorized call:

* ``grid``: :func:`reanalysis.stats.power.power_grid` (noncentral F, one ``ncfdtr`` per
  cell, threads over CPUs this process may use);
* ``statsmodels``: statsmodels' own vectorized ``TTestIndPower().power`` on the same
  broadcast arrays (two noncentral-t tails per cell);
* ``ncf``: a one-line ``scipy.stats.ncf.sf`` computation of P(T² > c²).

Usage (by ``run.py``): ``python bench_power.py SIDE [OUT.npy]`` prints the seconds the call
took as JSON, after the imports and the grid's set-up, and saves the powers to OUT.npy.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

SIDES = ("grid", "statsmodels", "ncf")


def planning_grid() -> tuple[np.ndarray, ...]:
    """100 effects × 10 n1 × 10 n2 × 10 r × 10 alpha = 10^6 designs, as broadcastable axes."""
    effect = np.linspace(0.05, 1.0, 100)
    n1 = np.round(np.geomspace(10, 200, 10))
    n2 = np.round(np.geomspace(12, 240, 10))
    r = np.linspace(0.0, 0.9, 10)
    alpha = np.array([0.001, 0.005, 0.01, 0.02, 0.025, 0.05, 0.08, 0.1, 0.15, 0.2])
    axes = (effect, n1, n2, r, alpha)
    return tuple(a.reshape([-1 if i == j else 1 for j in range(5)]) for i, a in enumerate(axes))


def compute(side: str) -> tuple[float, np.ndarray]:
    """(seconds, powers) of one vectorized call of ``side`` over the planning grid."""
    effect, n1, n2, r, alpha = planning_grid()
    if side == "grid":
        from reanalysis.stats.power import power_grid

        start = time.perf_counter()
        power = power_grid(effect, n1, n2, r, alpha, analysis="ancova")
    elif side == "statsmodels":
        from statsmodels.stats.power import TTestIndPower

        start = time.perf_counter()
        # Borm et al. 2007: the ANCOVA effect is d / √(1 − r²); ratio = n2 / n1.
        power = TTestIndPower().power(effect / np.sqrt(1 - r * r), n1, alpha, ratio=n2 / n1)
    elif side == "ncf":
        from scipy import stats

        start = time.perf_counter()
        df = n1 + n2 - 2
        power = stats.ncf.sf(
            stats.t.isf(alpha / 2, df) ** 2, 1, df, effect**2 / (1 - r * r) * n1 * n2 / (n1 + n2)
        )
    else:
        raise SystemExit(f"side must be one of {', '.join(SIDES)}, got {side!r}")
    seconds = time.perf_counter() - start
    shape = np.broadcast_shapes(*(a.shape for a in (effect, n1, n2, r, alpha)))
    return seconds, np.broadcast_to(power, shape)


def main() -> None:
    side = sys.argv[1]
    seconds, power = compute(side)
    if len(sys.argv) > 2:
        np.save(sys.argv[2], power)
    print(json.dumps({"seconds": seconds}))


if __name__ == "__main__":
    main()
