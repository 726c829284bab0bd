"""One shared tolerance table for every test (metafor's and statsmodels' practice).

Each key says what is being compared; a loose value carries its reason.
"""

TOLERANCE: dict[str, float] = {
    # Two exact computations of the same quantity by different routes (closed form vs
    # statsmodels OLS on pseudo individual data, closed form vs scipy): relative.
    "independent": 1e-6,
    # A root found by brentq must reproduce its target (relative).
    "root": 1e-9,
    # A value printed to 4 decimals: half a unit in the last place (absolute).
    "printed_4dp": 5e-5 + 1e-12,
    # metafor run with control=list(tol=1e-15, threshold=1e-15) and printed to 15
    # significant digits; both sides iterate to full precision (relative).
    "metafor": 1e-9,
    # scipy's bounded scalar minimiser on a flat-topped likelihood (relative).
    "optimiser": 1e-6,
    # statsmodels' Paule-Mandel iteration stops when Q is within 1e-5 of k - 1, which
    # leaves tau2 about 1e-6 (relative) short of the root (relative).
    "statsmodels_pm": 1e-5,
    # Monte Carlo variance from 4000 replicates: its relative SE is sqrt(2/3999) ≈ 2.2%,
    # so 8% is about 3.5 SE (relative).
    "simulation": 0.08,
    # A number worked by hand in a test comment to 4–5 significant figures (relative).
    "hand_worked": 5e-4,
    # The bar for the vectorized power grid against statsmodels TTestIndPower.power,
    # both computed with scipy's noncentral t (absolute, on a probability).
    "statsmodels_power": 1e-9,
    # statsmodels' solve_power stops brentq_expanding at its default xtol=1e-5 (absolute,
    # on n or d), so its roots are only that close to the exact ones.
    "statsmodels_solve": 1e-5,
    # The same closed form evaluated by the test and the package in nearly the same order:
    # a few units in the last place of a double, whose epsilon is 2.2e-16 (relative).
    "ulps": 1e-15,
    # The same quantity by plain floating-point arithmetic in a different order, or through
    # scipy's normal/t distribution functions; also the absolute floor for a probability or
    # an effect of order one that may be exactly zero (relative, or absolute on such values).
    "float": 1e-12,
    # A probability from the power module against the quadrature in test_power's
    # reference_power (quad with epsabs=1e-14); the largest observed gap is 1.6e-13
    # (absolute, on a probability).
    "quadrature": 1e-12,
    # An algebraic identity (swapping arms, rescaling the unit) checked on hypothesis'
    # random arms, where the change SD √(SD0² + SD1² − 2r·SD0·SD1) can nearly cancel and
    # cost several digits (relative).
    "identity": 1e-9,
    # A p-value after rescaling the unit by up to 1e3: the last-digit change in t is
    # amplified in the relative error of a far-tail p, roughly by t² (relative).
    "rescaled_p": 1e-7,
    # results.json stores floats to 12 significant digits (relative).
    "results_json": 1e-11,
}
