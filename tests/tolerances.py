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
}
