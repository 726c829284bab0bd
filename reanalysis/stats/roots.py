"""A root and a minimum of a function of one variable, by Brent's methods.

Brent (1973), *Algorithms for Minimization without Derivatives*, ch. 4 (procedure ``zero``)
and ch. 5 (``localmin``); Press et al. (2007), *Numerical Recipes*, 3rd ed., §9.3, §10.3.
Tolerances as in scipy.optimize's brentq and fminbound, whose import costs the CLI too much.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

from reanalysis.errors import ReanalysisError

Function = Callable[[float], float]
_EPS = sys.float_info.epsilon
_RTOL = 4 * _EPS  # the smallest rtol for which a step of tol always moves x (Brent 1973, ch. 4)
_GOLDEN = (3 - math.sqrt(5)) / 2  # Brent 1973, ch. 5: c, the golden-section fraction


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ReanalysisError(message)


def _evaluate(f: Function, x: float) -> float:
    # A NaN has no sign and no order: a bracket or a comparison with it means nothing.
    if math.isnan(value := float(f(x))):
        raise ReanalysisError(f"f must return a number, got nan at x={x!r}")
    return value


def brentq(
    f: Function, a: float, b: float, *, xtol: float = 2e-12, rtol: float = _RTOL, maxiter: int = 100
) -> float:
    """A root of ``f`` in [a, b], where f(a) and f(b) differ in sign (or one is zero).

    The x returned lies within xtol + rtol·|x| of a sign change of f: the search stops when
    half the bracket is at most (xtol + rtol·|x|)/2; an end where f is zero is returned as
    it is. Raises :class:`ReanalysisError` when f(a)·f(b) > 0, a bound is not finite, f
    returns NaN, or ``maxiter`` steps do not converge. Wallis' cubic x³ − 2x − 5 (Newton's
    method's example) has its real root at 2.0945514815423265914... (OEIS A007493):

    >>> round(brentq(lambda x: x**3 - 2 * x - 5, 2.0, 3.0), 11)
    2.09455148154
    """
    a, b = float(a), float(b)
    _require(math.isfinite(a) and math.isfinite(b), f"brentq needs finite a and b, got {a=}, {b=}")
    ok = xtol > 0 and rtol >= _RTOL and maxiter >= 0
    _require(ok, f"brentq needs xtol > 0, rtol >= 4*eps, maxiter >= 0, got {xtol=}, {rtol=}")
    fa, fb = _evaluate(f, a), _evaluate(f, b)
    if fa == 0 or fb == 0:
        return a if fa == 0 else b
    same_sign = (fa > 0) == (fb > 0)
    _require(not same_sign, f"brentq needs f(a), f(b) of opposite sign: {a=}, {b=}, {fa=}, {fb=}")
    c, fc = a, fa
    d = e = b - a  # Brent 1973 ch. 4 'int': c is the other end of the bracket
    for step in range(maxiter + 1):
        if abs(fc) < abs(fb):  # ch. 4 'ext': b is the best estimate, a the previous one
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol = (xtol + rtol * abs(b)) / 2  # ch. 4: tol = 2·macheps·|b| + t
        m = (c - b) / 2
        if abs(m) <= tol or fb == 0:
            return b
        if step == maxiter:
            break
        if abs(e) < tol or abs(fa) <= abs(fb):
            d = e = m  # ch. 4: bisection when the last steps were small or did not help
        else:
            s = fb / fa
            if a == c:  # ch. 4: linear interpolation (secant) through a and b
                p, q = 2 * m * s, 1 - s
            else:  # ch. 4: inverse quadratic interpolation through a, b and c
                q, r = fa / fc, fb / fc
                p = s * (2 * m * q * (q - r) - (b - a) * (r - 1))
                q = (q - 1) * (r - 1) * (s - 1)
            p, q = (p, -q) if p > 0 else (-p, q)
            # ch. 4: interpolate only well inside the bracket and below half the step before last
            if 2 * p < 3 * m * q - abs(tol * q) and p < abs(e * q / 2):
                e, d = d, p / q
            else:
                d = e = m
        a, fa = b, fb
        b += d if abs(d) > tol else (tol if m > 0 else -tol)  # ch. 4: never a step below tol
        fb = _evaluate(f, b)
        if (fb > 0) == (fc > 0):  # ch. 4 'int': keep the sign change between b and c
            c, fc = a, fa
            d = e = b - a
    raise ReanalysisError(f"brentq did not converge in {maxiter=}; root between {b!r} and {c!r}")


def minimize_bounded(
    f: Function, low: float, high: float, *, xatol: float = 1e-5, maxiter: int = 500
) -> tuple[float, float]:
    """(x, f(x)) at a local minimum of ``f`` on [low, high], by golden section and parabolas.

    Stops, as fminbound does, when |x − m| ≤ 2·tol − (b − a)/2 for the current interval
    [a, b], its midpoint m and tol = √eps·|x| + xatol/3; f is never evaluated at an end.
    ``maxiter`` counts evaluations of f. Raises :class:`ReanalysisError` when a bound is
    not finite, low > high, f returns NaN, or it does not converge. (x^x)' = x^x (ln x + 1),
    so x^x is smallest at x = 1/e, where it is e^(−1/e):

    >>> x, fx = minimize_bounded(lambda x: x**x, 0.1, 1.0, xatol=1e-10)
    >>> round(x, 6), round(fx, 12)
    (0.367879, 0.692200627555)
    """
    a, b = float(low), float(high)
    ok = math.isfinite(a) and math.isfinite(b) and a <= b and xatol > 0 and maxiter >= 1
    _require(ok, f"minimize_bounded needs finite low <= high, xatol > 0: {low=}, {high=}, {xatol=}")
    x = w = v = a + _GOLDEN * (b - a)  # Brent 1973 ch. 5: start at the golden section
    fx = fw = fv = _evaluate(f, x)
    d = e = 0.0
    for evaluations in range(1, maxiter + 1):
        m = (a + b) / 2
        tol = math.sqrt(_EPS) * abs(x) + xatol / 3
        if abs(x - m) <= 2 * tol - (b - a) / 2:  # ch. 5 stopping rule, fminbound's tol
            return x, fx
        if evaluations == maxiter:
            break
        p = q = r = 0.0
        if abs(e) > tol:  # ch. 5: a parabola through (x, fx), (w, fw), (v, fv)
            r = (x - w) * (fx - fv)
            q = (x - v) * (fx - fw)
            p = (x - v) * q - (x - w) * r
            q = 2 * (q - r)
            p, q = (-p, q) if q > 0 else (p, -q)
            r, e = e, d
        if abs(p) < abs(q * r / 2) and q * (a - x) < p < q * (b - x):
            d = p / q  # ch. 5: the parabola's vertex, less than half the step before last
            if (x + d) - a < 2 * tol or b - (x + d) < 2 * tol:
                d = tol if x < m else -tol  # ch. 5: f is not evaluated too near a or b
        else:
            e = (b if x < m else a) - x  # ch. 5: golden section into the larger part
            d = _GOLDEN * e
        u = x + (d if abs(d) >= tol else (tol if d > 0 else -tol))
        fu = _evaluate(f, u)
        if fu <= fx:  # ch. 5: u is the best point; x bounds the interval on its side
            a, b = (a, x) if u < x else (x, b)
            v, fv, w, fw, x, fx = w, fw, x, fx, u, fu
        else:
            a, b = (u, b) if u < x else (a, u)
            if fu <= fw or w == x:
                v, fv, w, fw = w, fw, u, fu
            elif fu <= fv or v in (x, w):
                v, fv = u, fu
    raise ReanalysisError(f"minimize_bounded did not converge in {maxiter=} on [{low!r}, {high!r}]")
