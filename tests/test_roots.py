"""Brent's root finder and bounded minimiser (reanalysis.stats.roots).

Three kinds of reference, named at each test:

* constants with published digits: Wallis' number, the real root of x³ − 2x − 5
  (OEIS A007493, 2.0945514815423265914823865405793...); the Dottie number, the root of
  cos x = x (OEIS A003957, 0.7390851332151606416553120876738...); minima with closed forms
  found by calculus (x^x at 1/e, cos x at π);
* scipy.optimize.brentq and scipy.optimize.minimize_scalar(method="bounded"), an
  independent implementation of the same contracts, on hypothesis-drawn families. The two
  need not agree digit for digit: each result must lie within its contract's tolerance of
  the true root (or minimum), so they may differ by the sum of the two tolerances;
* the contract itself where the root is known exactly: f's sign is exact for
  f(x) = (x − r)·g(x) with g > 0, so the root is r to the last bit.

The last tests run the ``audit`` command in a fresh interpreter and fail if any module on
its path imports scipy.optimize (issue 16: that import alone costs 0.6× the start-up of
numpy and scipy.special).
"""

from __future__ import annotations

import ast
import doctest
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import optimize, special

from reanalysis.errors import ReanalysisError
from reanalysis.stats import roots
from reanalysis.stats.roots import brentq, minimize_bounded

ROOT = Path(__file__).resolve().parents[1]
EPS = sys.float_info.epsilon
TINY = sys.float_info.min
# The tolerances the package's calls use (stats/power.py, correlation.py, printed.py,
# checks.py, synthesis.py) and scipy's default.
XTOLS = st.sampled_from([2e-12, 1e-12, 1e-13, 1e-14, TINY, 1e-6])
WALLIS = 2.0945514815423265914823865405793  # OEIS A007493
DOTTIE = 0.7390851332151606416553120876738  # OEIS A003957


def within(x: float, root: float, xtol: float, rtol: float = 4 * EPS) -> bool:
    """brentq's contract: |x − x*| ≤ xtol + rtol·|x|."""
    return abs(x - root) <= xtol + rtol * abs(x)


def agree(ours: float, scipys: float, xtol: float, rtol: float = 4 * EPS) -> bool:
    """Both within their tolerance of one root, hence of each other within the sum."""
    return abs(ours - scipys) <= 2 * xtol + rtol * (abs(ours) + abs(scipys))


# --- (b) textbook examples --------------------------------------------------------------


def test_wallis_cubic_to_its_published_digits() -> None:
    x = brentq(lambda x: x**3 - 2 * x - 5, 2.0, 3.0, xtol=1e-15)
    assert within(x, WALLIS, 1e-15)
    assert within(brentq(lambda x: x**3 - 2 * x - 5, 2.0, 3.0), WALLIS, 2e-12)


def test_dottie_number_to_its_published_digits() -> None:
    x = brentq(lambda x: math.cos(x) - x, 0.0, 1.0, xtol=1e-15)
    assert within(x, DOTTIE, 1e-15)


def test_minimum_of_x_to_the_x_is_at_one_over_e() -> None:
    # d/dx x^x = x^x (ln x + 1) = 0 at x = 1/e, where x^x = e^(−1/e).
    x, fx = minimize_bounded(lambda x: x**x, 0.1, 1.0, xatol=1e-10)
    tol = math.sqrt(EPS) * abs(x) + 1e-10 / 3
    assert abs(x - math.exp(-1)) <= 2 * tol
    assert fx == pytest.approx(math.exp(-math.exp(-1)), rel=1e-15)  # error ~ (x − x*)²


def test_minimum_of_cos_on_3_4_is_pi() -> None:
    x, fx = minimize_bounded(math.cos, 3.0, 4.0, xatol=1e-12)
    assert abs(x - math.pi) <= 2 * (math.sqrt(EPS) * math.pi + 1e-12 / 3)
    assert fx == pytest.approx(-1.0, abs=1e-15)


def test_doctests_run() -> None:
    result = doctest.testmod(roots)
    assert result.attempted >= 3 and result.failed == 0


# --- (a) against scipy on families of functions ----------------------------------------


@settings(max_examples=300)
@given(
    root=st.floats(-100, 100),
    left=st.floats(1e-6, 100),
    right=st.floats(1e-6, 100),
    curvature=st.floats(0, 10),
    scale=st.sampled_from([1e-200, 1e-8, 1.0, 1e8, 1e200]),
    xtol=XTOLS,
)
def test_polynomial_with_a_known_root(root, left, right, curvature, scale, xtol) -> None:
    # (x − r)(1 + c(x − r)²)·s: one simple root at r; the sign of each factor is exact.
    def f(x: float) -> float:
        return scale * (x - root) * (1 + curvature * (x - root) ** 2)

    a, b = root - left, root + right
    assume(a < root < b)  # left or right lost below r's last bit otherwise
    # A scale below 1 could underflow s·(x − r) to 0 next to a root below 1e-100, making
    # a band of exact zeros; above it |x − r| ≥ ulp(r) > 1e-116 keeps the sign exact.
    assume(scale >= 1 or abs(root) > 1e-100)
    x = brentq(f, a, b, xtol=xtol)
    assert within(x, root, xtol)
    # scipy's variant needs up to ~150 steps when scale = 1e-200 (its interpolation
    # underflows), hence its larger maxiter.
    assert agree(x, optimize.brentq(f, a, b, xtol=xtol, maxiter=1000), xtol)


def _log_p_of_r(n1, n2, sd_pre, sd_post, difference):
    """log two-sided p of the Welch t-test on change scores at pre–post correlation r."""

    def log_p(r: float) -> float:
        var = [s0**2 + s1**2 - 2 * r * s0 * s1 for s0, s1 in zip(sd_pre, sd_post, strict=True)]
        se2 = [v / n for v, n in zip(var, (n1, n2), strict=True)]
        df = sum(se2) ** 2 / sum(s**2 / (n - 1) for s, n in zip(se2, (n1, n2), strict=True))
        t = abs(difference) / math.sqrt(sum(se2))
        p = 2 * special.stdtr(df, -t)
        return math.log(p) if p > 0 else -math.inf

    return log_p


@settings(max_examples=200)
@given(
    n1=st.integers(5, 400),
    n2=st.integers(5, 400),
    sds=st.lists(st.floats(0.5, 5), min_size=4, max_size=4),
    difference=st.floats(0.05, 3),
    r0=st.floats(-0.9, 0.9),
)
def test_log_p_of_a_t_test_across_r(n1, n2, sds, difference, r0) -> None:
    # The package's own use (correlation.implied_correlation, checks._r_where_p_equals):
    # log p is monotone in r; the target is the p at r0, so the root is r0.
    log_p = _log_p_of_r(n1, n2, sds[:2], sds[2:], difference)
    target = log_p(r0)
    if not math.isfinite(target):
        return

    def f(r: float) -> float:
        return log_p(r) - target

    low, high = -0.99, 0.99
    if not f(low) * f(high) < 0:  # p underflows to 0 at r = 0.99 (log p = −inf)
        return
    x = brentq(f, low, high, xtol=1e-14)
    assert agree(x, optimize.brentq(f, low, high, xtol=1e-14), 1e-14)
    # The contract, on a function whose root is known only to rounding: f changes sign
    # within xtol + rtol·|x| of x.
    step = 1e-14 + 4 * EPS * abs(x)
    assert f(x) == 0 or f(x - step) * f(x + step) <= 0 or abs(x - r0) <= step


ODD = {
    "x": lambda x: x,
    "sinh": math.sinh,
    "x + x^3": lambda x: x + x**3,
    "expm1": math.expm1,
    "atan(1e6 x)": lambda x: math.atan(1e6 * x),
}


@settings(max_examples=300)
@given(
    name=st.sampled_from(sorted(ODD)),
    a=st.floats(-10, -1e-3),
    b=st.floats(1e-3, 10),
)
def test_root_exactly_at_zero_with_the_tiniest_xtol(name, a, b) -> None:
    # synthesis.py asks for xtol = the smallest normal double: at a root of exactly 0 the
    # tolerance is then tiny/2 alone (rtol·|x| vanishes) and the bracket must close to it.
    f = ODD[name]
    x = brentq(f, a, b, xtol=TINY)
    assert within(x, 0.0, TINY)
    assert agree(x, optimize.brentq(f, a, b, xtol=TINY), TINY)


@given(a=st.floats(-50, 50), width=st.floats(1e-3, 50), at_low=st.booleans(), xtol=XTOLS)
def test_a_zero_at_an_end_is_returned_exactly(a, width, at_low, xtol) -> None:
    b = a + width
    end = a if at_low else b

    def f(x: float) -> float:
        return (x - end) * (1 if at_low else -1) + 0.0

    assert brentq(f, a, b, xtol=xtol) == end
    assert optimize.brentq(f, a, b, xtol=xtol) == end


@settings(max_examples=300)
@given(
    root=st.floats(-10, 10),
    left=st.floats(1e-3, 10),
    right=st.floats(1e-3, 10),
    log_k=st.floats(-6, 8),
    shape=st.sampled_from(["atan", "tanh", "cbrt"]),
    xtol=XTOLS,
)
def test_steep_and_flat_functions(root, left, right, log_k, shape, xtol) -> None:
    # atan and tanh of k(x − r): steep (k = 1e8) or nearly flat (k = 1e-6); tanh is exactly
    # ±1 far from r, so interpolation gains nothing there. cbrt has infinite slope at r.
    k = 10.0**log_k
    g = {"atan": math.atan, "tanh": math.tanh, "cbrt": math.cbrt}[shape]

    def f(x: float) -> float:
        return g(k * (x - root))

    a, b = root - left, root + right
    # maxiter 5000: cbrt at a root of exactly 0 with xtol = tiny needs over 1000 steps (see
    # test_a_root_at_zero_with_infinite_slope_needs_a_thousand_halvings).
    x = brentq(f, a, b, xtol=xtol, maxiter=5000)
    assert within(x, root, xtol)
    assert agree(x, optimize.brentq(f, a, b, xtol=xtol, maxiter=5000), xtol)


def test_a_root_at_zero_with_infinite_slope_needs_a_thousand_halvings() -> None:
    # At a root of exactly 0 the tolerance is xtol/2 alone; with xtol = tiny ≈ 2.2e-308
    # the bracket must shrink from width 3 to about 2^-1022. Interpolation gains nothing
    # on cbrt (infinite slope at 0), so it takes over 1000 steps: within the default 100 it
    # is reported as non-convergence (as scipy does), with more it converges.
    with pytest.raises(ReanalysisError, match="did not converge in maxiter=100"):
        brentq(math.cbrt, -1.0, 2.0, xtol=TINY)
    with pytest.raises(RuntimeError):
        optimize.brentq(math.cbrt, -1.0, 2.0, xtol=TINY)
    assert within(brentq(math.cbrt, -1.0, 2.0, xtol=TINY, maxiter=5000), 0.0, TINY)


def minimum_tolerance(x: float, xatol: float) -> float:
    """The bound on |x − x*| that fminbound's stopping rule gives: 2·(√eps·|x| + xatol/3)."""
    return 2 * (math.sqrt(EPS) * abs(x) + xatol / 3)


def scipy_minimum(f, low: float, high: float, xatol: float) -> float:
    options = {"xatol": xatol}
    found = optimize.minimize_scalar(f, bounds=(low, high), method="bounded", options=options)
    return float(found.x)


@settings(max_examples=300)
@given(
    low=st.floats(-100, 100),
    width=st.floats(1e-3, 100),
    where=st.floats(0, 1),
    power=st.sampled_from([2, 4]),
    scale=st.sampled_from([1e-100, 1.0, 1e100]),
    xatol=st.sampled_from([1e-5, 1e-8, 1e-12]),
)
def test_minimum_of_a_power_of_x_minus_m(low, width, where, power, scale, xatol) -> None:
    # s·(x − m)^k: its floating-point value is monotone on each side of m, so the stopping
    # rule's bound holds to the last bit.
    high = low + width
    m = low + where * width

    def f(x: float) -> float:
        return scale * (x - m) ** power

    x, fx = minimize_bounded(f, low, high, xatol=xatol)
    assert low < x < high and fx == f(x)
    assert abs(x - m) <= minimum_tolerance(x, xatol)
    s = scipy_minimum(f, low, high, xatol)
    assert abs(x - s) <= minimum_tolerance(x, xatol) + minimum_tolerance(s, xatol)


@settings(max_examples=200)
@given(
    low=st.floats(-5, 5),
    width=st.floats(1e-2, 5),
    slope=st.floats(-10, 10).filter(lambda s: abs(s) > 1e-3),
    xatol=st.sampled_from([1e-5, 1e-12]),
)
def test_minimum_at_a_bound(low, width, slope, xatol) -> None:
    # A straight line is smallest at one end, which the method never evaluates: x must
    # come within the stopping rule's bound of it.
    high = low + width
    end = low if slope > 0 else high
    x, _ = minimize_bounded(lambda x: slope * x, low, high, xatol=xatol)
    assert abs(x - end) <= minimum_tolerance(x, xatol)
    s = scipy_minimum(lambda x: slope * x, low, high, xatol)
    assert abs(x - s) <= minimum_tolerance(x, xatol) + minimum_tolerance(s, xatol)


@settings(max_examples=200)
@given(
    n1=st.integers(5, 400),
    n2=st.integers(5, 400),
    sds=st.lists(st.floats(0.5, 5), min_size=4, max_size=4),
    difference=st.floats(0.05, 3),
    r0=st.floats(-0.8, 0.8),
    half_width=st.floats(1e-4, 0.1),
)
def test_nearest_p_on_the_log_scale(n1, n2, sds, difference, r0, half_width) -> None:
    # correlation._nearest_p's use: |log p(r) − log target| (a V, not smooth at r0) on a
    # small interval, xatol 1e-12.
    log_p = _log_p_of_r(n1, n2, sds[:2], sds[2:], difference)
    target = log_p(r0)

    def gap(r: float) -> float:
        return abs(log_p(r) - target)

    low, high = r0 - half_width, r0 + half_width * 0.7
    x, fx = minimize_bounded(gap, low, high, xatol=1e-12)
    s = scipy_minimum(gap, low, high, 1e-12)
    assert abs(x - s) <= minimum_tolerance(x, 1e-12) + minimum_tolerance(s, 1e-12)
    assert fx == gap(x)


def test_an_empty_interval_gives_its_point() -> None:
    assert minimize_bounded(lambda x: (x - 3) ** 2, 0.5, 0.5) == (0.5, 6.25)


# --- (c) errors ---------------------------------------------------------------------------


def test_same_sign_bracket_names_the_bracket_and_values() -> None:
    with pytest.raises(ReanalysisError, match=r"a=1\.0, b=2\.0, fa=-4\.0, fb=-1\.0"):
        brentq(lambda x: x**2 - 5, 1.0, 2.0)
    with pytest.raises(ValueError):  # scipy agrees that there is no bracket
        optimize.brentq(lambda x: x**2 - 5, 1.0, 2.0)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_bounds_must_be_finite(bad) -> None:
    with pytest.raises(ReanalysisError, match="finite a and b"):
        brentq(lambda x: x, bad, 1.0)
    with pytest.raises(ReanalysisError, match="finite a and b"):
        brentq(lambda x: x, -1.0, bad)
    with pytest.raises(ReanalysisError, match="finite low <= high"):
        minimize_bounded(lambda x: x, bad, 1.0)
    with pytest.raises(ReanalysisError, match="finite low <= high"):
        minimize_bounded(lambda x: x, -1.0, bad)


def test_nan_from_f_is_an_error() -> None:
    # The first secant step lands on the root 0.7, where f is undefined.
    with pytest.raises(ReanalysisError, match=r"nan at x=0\.7"):
        brentq(lambda x: math.nan if 0.65 < x < 0.75 else x - 0.7, 0.0, 1.0)
    with pytest.raises(ReanalysisError, match=r"nan at x=1\.0"):
        brentq(lambda x: math.nan if x == 1 else x - 0.7, 0.0, 1.0)
    with pytest.raises(ReanalysisError, match="nan"):
        minimize_bounded(lambda x: math.nan, 0.0, 1.0)


def test_bad_settings() -> None:
    with pytest.raises(ReanalysisError, match="xtol > 0"):
        brentq(lambda x: x, -1.0, 1.0, xtol=0.0)
    with pytest.raises(ReanalysisError, match="rtol >= 4\\*eps"):
        brentq(lambda x: x, -1.0, 1.0, rtol=EPS)
    with pytest.raises(ReanalysisError, match="low <= high"):
        minimize_bounded(lambda x: x, 1.0, 0.0)


def test_non_convergence_is_an_error() -> None:
    # A jump at 1/3: every step bisects, so [0, 1] needs about 40 halvings to reach 2e-12;
    # neither implementation gets there in 10 steps.
    def jump(x: float) -> float:
        return 1.0 if x > 1 / 3 else -1.0

    with pytest.raises(ReanalysisError, match="did not converge in maxiter=10"):
        brentq(jump, 0.0, 1.0, maxiter=10)
    with pytest.raises(RuntimeError):
        optimize.brentq(jump, 0.0, 1.0, maxiter=10)
    assert within(brentq(jump, 0.0, 1.0), 1 / 3, 2e-12)
    with pytest.raises(ReanalysisError, match="did not converge in maxiter=5"):
        minimize_bounded(math.cos, 3.0, 4.0, xatol=1e-12, maxiter=5)
    assert not optimize.minimize_scalar(
        math.cos, bounds=(3.0, 4.0), method="bounded", options={"xatol": 1e-12, "maxiter": 5}
    ).success


# --- (d) the package no longer imports scipy.optimize -------------------------------------


def test_no_module_of_the_package_imports_scipy_optimize() -> None:
    found = []
    for path in sorted((ROOT / "reanalysis").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            found += [f"{path.name}:{node.lineno}" for n in names if "scipy.optimize" in n]
    assert found == []


AUDIT = """
import contextlib, io, sys
import reanalysis.cli
import reanalysis.stats.roots as roots
calls = []
sys.setprofile(lambda frame, event, arg: event == "call" and frame.f_code is roots.brentq.__code__
               and calls.append(1))
with contextlib.redirect_stdout(io.StringIO()):
    status = reanalysis.cli.main(["audit", "--data", "data"])
sys.setprofile(None)
print(status, len(calls) > 0, "scipy.optimize" in sys.modules)
"""


def test_audit_runs_without_importing_scipy_optimize() -> None:
    # The audit must still find roots (else the check below would pass vacuously), with
    # our brentq and without scipy.optimize in the interpreter.
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", AUDIT], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "True", "False"]
