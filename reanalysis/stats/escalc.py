"""Effect sizes and sampling variances from summary statistics, as R metafor's ``escalc``.

One vectorized entry point, :func:`escalc`, with metafor's measure names and argument names
(Viechtbauer 2010, J Stat Softw 36(3); metafor 3.8-1, ``R/escalc.r``) and its default
large-sample variances (``vtype="LS"``):

- dependent samples (one group measured twice; arguments ``m1i, m2i, sd1i, sd2i, ni, ri``):
  ``MC`` raw mean change, ``SMCC`` standardized by the change-score SD, ``SMCR`` standardized
  by ``sd1i`` alone (raw-score standardization; ``sd2i`` is not used), ``ROMC`` log ratio of
  means;
- two independent groups (``m1i, m2i, sd1i, sd2i, n1i, n2i``): ``MD`` raw mean difference,
  ``SMD`` Hedges' g, ``ROM`` log ratio of means;
- pretest-posttest-control designs (Morris 2008, Organ Res Methods 11:364-386), which metafor
  lacks: ``PPC1`` and ``PPC2``, arguments below.

Direction, exactly as metafor: every measure is group/occasion 1 minus 2 (``m1i - m2i``, or
``log(m1i/m2i)``). metafor's documentation calls ``m1i`` the first time point, but it computes
``m1i - m2i``; to get post minus pre, pass the posttest as ``m1i`` and the pretest as ``m2i``,
and for ``SMCR`` the pretest SD as ``sd1i`` (metafor's own Morris 2008 example,
``tests/testthat/test_analysis_example_morris2008.r``, does exactly this).

The PPC measures have no metafor convention; their arguments follow metafor's group
subscripts (1 = treatment, 2 = control) with a ``_pre``/``_post`` suffix: ``m1i_pre,
m1i_post, sd1i_pre, n1i, m2i_pre, m2i_post, sd2i_pre, n2i`` and a common pre-post
correlation ``ri``. They estimate (change in group 1) minus (change in group 2), each change
being post minus pre.

The bias correction is metafor's ``.cmicalc``, the exact form
J(m) = Γ(m/2) / (√(m/2)·Γ((m−1)/2)) (Hedges 1981, J Educ Stat 6:107-128), not the
approximation 1 − 3/(4m − 1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from reanalysis.errors import ReanalysisError

Arrays = Mapping[str, np.ndarray]


def _correction(m: np.ndarray) -> np.ndarray:
    """J(m) = Γ(m/2)/(√(m/2)·Γ((m−1)/2)), Hedges 1981; metafor's ``.cmicalc``.

    Through log-gamma, as metafor, so that large m do not overflow.
    """
    return np.exp(special.gammaln(m / 2) - np.log(np.sqrt(m / 2)) - special.gammaln((m - 1) / 2))


def _change_sd(a: Arrays) -> np.ndarray:
    """SD of the paired differences, √(sd1² + sd2² − 2·r·sd1·sd2)."""
    return np.sqrt(a["sd1i"] ** 2 + a["sd2i"] ** 2 - 2 * a["ri"] * a["sd1i"] * a["sd2i"])


def _pooled_sd(sd1: np.ndarray, sd2: np.ndarray, n1: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Pooled SD √(((n1−1)·sd1² + (n2−1)·sd2²)/(n1 + n2 − 2)) (Morris 2008, eq. 9)."""
    return np.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2))


def _smcr(
    post: np.ndarray, pre: np.ndarray, sd: np.ndarray, n: np.ndarray, r: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Standardized mean change J(n−1)·(post − pre)/sd and its LS variance."""
    yi = _correction(n - 1) * ((post - pre) / sd)  # Becker 1988, Br J Math Stat Psychol 41:257
    vi = 2 * (1 - r) / n + yi**2 / (2 * n)  # Becker 1988 large-sample variance; metafor LS
    return yi, vi


def _mc(a: Arrays) -> tuple[np.ndarray, np.ndarray]:
    yi = a["m1i"] - a["m2i"]
    vi = _change_sd(a) ** 2 / a["ni"]  # variance of a mean of ni paired differences
    return yi, vi


def _smcc(a: Arrays) -> tuple[np.ndarray, np.ndarray]:
    # Gibbons, Hedeker & Davis 1993 (J Educ Stat 18:271-279): change-score standardization.
    yi = _correction(a["ni"] - 1) * ((a["m1i"] - a["m2i"]) / _change_sd(a))
    vi = 1 / a["ni"] + yi**2 / (2 * a["ni"])  # metafor LS
    return yi, vi


def _smcr_measure(a: Arrays) -> tuple[np.ndarray, np.ndarray]:
    return _smcr(a["m1i"], a["m2i"], a["sd1i"], a["ni"], a["ri"])


def _romc(a: Arrays) -> tuple[np.ndarray, np.ndarray]:
    m1, m2, sd1, sd2, n = a["m1i"], a["m2i"], a["sd1i"], a["sd2i"], a["ni"]
    yi = np.log(m1 / m2)  # Lajeunesse 2011, Ecology 92:2049-2055
    vi = sd1**2 / (n * m1**2) + sd2**2 / (n * m2**2) - 2 * a["ri"] * sd1 * sd2 / (m1 * m2 * n)
    return yi, vi


def _md(a: Arrays) -> tuple[np.ndarray, np.ndarray]:
    yi = a["m1i"] - a["m2i"]
    vi = a["sd1i"] ** 2 / a["n1i"] + a["sd2i"] ** 2 / a["n2i"]  # unequal variances (metafor LS)
    return yi, vi


def _smd(a: Arrays) -> tuple[np.ndarray, np.ndarray]:
    n1, n2 = a["n1i"], a["n2i"]
    sd = _pooled_sd(a["sd1i"], a["sd2i"], n1, n2)
    yi = _correction(n1 + n2 - 2) * ((a["m1i"] - a["m2i"]) / sd)  # Hedges 1981
    vi = 1 / n1 + 1 / n2 + yi**2 / (2 * (n1 + n2))  # Hedges & Olkin 1985, ch. 5; metafor LS
    return yi, vi


def _rom(a: Arrays) -> tuple[np.ndarray, np.ndarray]:
    m1, m2 = a["m1i"], a["m2i"]
    yi = np.log(m1 / m2)  # Hedges, Gurevitch & Curtis 1999, Ecology 80:1150-1156
    vi = a["sd1i"] ** 2 / (a["n1i"] * m1**2) + a["sd2i"] ** 2 / (a["n2i"] * m2**2)
    return yi, vi


def _ppc1(a: Arrays) -> tuple[np.ndarray, np.ndarray]:
    # Morris 2008 d_ppc1: each group's Becker SMCR on its own pretest SD, then the difference;
    # the groups are independent, so the variances add (metafor's analyses:morris2008 page).
    y1, v1 = _smcr(a["m1i_post"], a["m1i_pre"], a["sd1i_pre"], a["n1i"], a["ri"])
    y2, v2 = _smcr(a["m2i_post"], a["m2i_pre"], a["sd2i_pre"], a["n2i"], a["ri"])
    return y1 - y2, v1 + v2


def _ppc2_sd(a: Arrays) -> np.ndarray:
    return _pooled_sd(a["sd1i_pre"], a["sd2i_pre"], a["n1i"], a["n2i"])  # Morris 2008, eq. 9


def _ppc2(a: Arrays) -> tuple[np.ndarray, np.ndarray]:
    n1, n2 = a["n1i"], a["n2i"]
    df = n1 + n2 - 2
    c = _correction(df)  # Morris 2008, eq. 10 (exact form of c_P)
    change = (a["m1i_post"] - a["m1i_pre"]) - (a["m2i_post"] - a["m2i_pre"])
    yi = c * (change / _ppc2_sd(a))  # Morris 2008, eq. 8
    k = 2 * (1 - a["ri"]) * (n1 + n2) / (n1 * n2)
    # Morris 2008, eq. 25 with d_ppc2 for δ: c²·k·(df/(df−2))·(1 + δ²/k) − δ², multiplied
    # out so that r = 1 (k = 0) does not divide by zero.
    vi = c**2 * (df / (df - 2)) * (k + yi**2) - yi**2
    return yi, vi


@dataclass(frozen=True)
class _Rule:
    """A quantity derived from the arguments that must exceed ``minimum`` in every row."""

    quantity: str
    value: Callable[[Arrays], np.ndarray]
    minimum: float
    reason: str


@dataclass(frozen=True)
class _Measure:
    arguments: tuple[str, ...]
    compute: Callable[[Arrays], tuple[np.ndarray, np.ndarray]]
    rules: tuple[_Rule, ...] = ()


def _argument(name: str) -> Callable[[Arrays], np.ndarray]:
    return lambda a: a[name]


def _positive(name: str, reason: str) -> _Rule:
    return _Rule(name, _argument(name), 0.0, reason)


_DEPENDENT = ("m1i", "m2i", "sd1i", "sd2i", "ni", "ri")
_INDEPENDENT = ("m1i", "m2i", "sd1i", "sd2i", "n1i", "n2i")
_PPC = ("m1i_pre", "m1i_post", "sd1i_pre", "n1i", "m2i_pre", "m2i_post", "sd2i_pre", "n2i", "ri")
_J_NI = _Rule("ni", _argument("ni"), 2.0, "the bias correction J(ni - 1) needs ni - 1 > 1")
_LOG_RATIO = (_positive("m1i", "a log ratio of means"), _positive("m2i", "a log ratio of means"))

MEASURES: dict[str, _Measure] = {
    "MC": _Measure(_DEPENDENT, _mc),
    "SMCC": _Measure(
        _DEPENDENT,
        _smcc,
        (_J_NI, _Rule("sqrt(sd1i^2 + sd2i^2 - 2*ri*sd1i*sd2i)", _change_sd, 0.0, "the SMCC SD")),
    ),
    "SMCR": _Measure(
        ("m1i", "m2i", "sd1i", "ni", "ri"),
        _smcr_measure,
        (_J_NI, _positive("sd1i", "the SMCR standardizer")),
    ),
    "ROMC": _Measure(_DEPENDENT, _romc, _LOG_RATIO),
    "MD": _Measure(_INDEPENDENT, _md),
    "SMD": _Measure(
        _INDEPENDENT,
        _smd,
        (
            _Rule(
                "n1i + n2i",
                lambda a: a["n1i"] + a["n2i"],
                3.0,
                "the bias correction J(n1i + n2i - 2) needs n1i + n2i - 2 > 1",
            ),
            _Rule(
                "the pooled SD of sd1i and sd2i",
                lambda a: _pooled_sd(a["sd1i"], a["sd2i"], a["n1i"], a["n2i"]),
                0.0,
                "the SMD standardizer",
            ),
        ),
    ),
    "ROM": _Measure(_INDEPENDENT, _rom, _LOG_RATIO),
    "PPC1": _Measure(
        _PPC,
        _ppc1,
        (
            _Rule("n1i", _argument("n1i"), 2.0, "the bias correction J(n1i - 1) needs n1i > 2"),
            _Rule("n2i", _argument("n2i"), 2.0, "the bias correction J(n2i - 1) needs n2i > 2"),
            _positive("sd1i_pre", "the group 1 standardizer"),
            _positive("sd2i_pre", "the group 2 standardizer"),
        ),
    ),
    "PPC2": _Measure(
        _PPC,
        _ppc2,
        (
            _Rule(
                "n1i + n2i",
                lambda a: a["n1i"] + a["n2i"],
                4.0,
                "Morris 2008 eq. 25 divides by n1i + n2i - 4",
            ),
            _Rule("the pooled SD of sd1i_pre and sd2i_pre", _ppc2_sd, 0.0, "the standardizer"),
        ),
    ),
}


def _values(context: str, name: str, value: Any, data: pd.DataFrame | None) -> np.ndarray:
    """One argument as a float array (0-d for a scalar); a string names a column of data."""
    if isinstance(value, str):
        if data is None:
            raise ReanalysisError(f"{context}: {name}={value!r} names a column, but no data given")
        if value not in data.columns:
            columns = ", ".join(map(str, data.columns))
            raise ReanalysisError(
                f"{context}: {name}={value!r} is not a column of data (columns: {columns})"
            )
        value = data[value]
    try:
        if isinstance(value, pd.Series):
            array = value.to_numpy(dtype=float, na_value=np.nan)
        else:
            array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ReanalysisError(
            f"{context}: {name} must be numbers, got {str(value)[:60]!r}"
        ) from None
    if array.ndim > 1:
        raise ReanalysisError(
            f"{context}: {name} must be a scalar or one-dimensional, got shape {array.shape}"
        )
    if np.isinf(array).any():
        raise ReanalysisError(f"{context}: {name} must be finite (NaN marks a missing value)")
    return array


def _rows(context: str, arrays: dict[str, np.ndarray], data: pd.DataFrame | None) -> int:
    """The number of rows: len(data), else the common length of the non-scalar arguments."""
    lengths = {name: a.size for name, a in arrays.items() if a.ndim == 1}
    rows = len(data) if data is not None else next(iter(lengths.values()), 1)
    if any(length != rows for length in lengths.values()):
        found = ", ".join(f"{name} has {length}" for name, length in lengths.items())
        expected = f"len(data) = {rows}" if data is not None else "one common length"
        raise ReanalysisError(
            f"{context}: arguments must be scalars or have {expected} values; {found}"
        )
    return rows


def _check_bounds(
    context: str, measure: _Measure, arrays: Arrays, index: pd.Index, data_given: bool
) -> None:
    """metafor's input checks, and the bounds each measure needs, before any computing."""

    def fail(quantity: str, expected: str, values: np.ndarray, bad: np.ndarray) -> None:
        i = int(np.flatnonzero(bad)[0])
        where = f"row {index[i]!r}" if data_given else f"position {i}"
        raise ReanalysisError(
            f"{context}: {quantity} must be {expected}, got {values[i]:g} at {where}"
        )

    # NaN (a missing value) fails no comparison, so it passes through as in metafor.
    for name in measure.arguments:
        values = arrays[name]
        if name.startswith("sd") and (bad := values < 0).any():
            fail(name, ">= 0 (a standard deviation)", values, bad)
        if name.startswith("n") and (bad := values < 1).any():
            fail(name, ">= 1 (a sample size)", values, bad)
        if name == "ri" and (bad := np.abs(values) > 1).any():
            fail(name, "between -1 and 1 (a correlation)", values, bad)
    for rule in measure.rules:
        values = rule.value(arrays)
        if (bad := values <= rule.minimum).any():
            fail(rule.quantity, f"> {rule.minimum:g} ({rule.reason})", values, bad)


def escalc(
    measure: str,
    *,
    data: pd.DataFrame | None = None,
    confidence_level: float | None = None,
    **arguments: Any,
) -> pd.DataFrame:
    """Effect sizes ``yi`` and sampling variances ``vi``, as metafor's ``escalc(measure, ...)``.

    Parameters
    ----------
    measure
        ``MC``, ``SMCC``, ``SMCR``, ``ROMC`` (dependent samples), ``MD``, ``SMD``, ``ROM``
        (two independent groups), ``PPC1``, ``PPC2`` (pretest-posttest-control).
    data
        Optional table; an argument given as a string names one of its columns, and the
        result keeps its index.
    confidence_level
        If given (e.g. 0.95), adds ``ci_lb`` and ``ci_ub`` = yi ∓ z·√vi with z the normal
        quantile, as metafor's ``summary.escalc``.
    **arguments
        metafor's names: ``m1i, m2i, sd1i, sd2i, ni, ri`` (dependent; ``SMCR`` takes no
        ``sd2i``), ``m1i, m2i, sd1i, sd2i, n1i, n2i`` (independent), and for ``PPC1``/``PPC2``
        ``m1i_pre, m1i_post, sd1i_pre, n1i, m2i_pre, m2i_post, sd2i_pre, n2i, ri``. Each is a
        number, a sequence or array, a pandas Series (taken by position, not aligned on its
        index), or a column name of ``data``; scalars are repeated over the rows. NaN marks
        a missing value and gives NaN in that row.

    Formulas (1 = first group or occasion, 2 = second; J(m) the exact bias correction of
    Hedges 1981; LS = metafor's default large-sample variances):

    - MC: yi = m1i − m2i, vi = (sd1i² + sd2i² − 2·ri·sd1i·sd2i)/ni.
    - SMCC: yi = J(ni−1)·(m1i − m2i)/√(sd1i² + sd2i² − 2·ri·sd1i·sd2i), vi = 1/ni + yi²/(2ni)
      (Gibbons, Hedeker & Davis 1993).
    - SMCR: yi = J(ni−1)·(m1i − m2i)/sd1i, vi = 2(1−ri)/ni + yi²/(2ni) (Becker 1988).
    - ROMC: yi = ln(m1i/m2i), vi = sd1i²/(ni·m1i²) + sd2i²/(ni·m2i²) − 2·ri·sd1i·sd2i/(ni·m1i·m2i)
      (Lajeunesse 2011).
    - MD: yi = m1i − m2i, vi = sd1i²/n1i + sd2i²/n2i.
    - SMD: yi = J(n1i+n2i−2)·(m1i − m2i)/s_pooled, vi = 1/n1i + 1/n2i + yi²/(2(n1i+n2i))
      (Hedges 1981; Hedges & Olkin 1985).
    - ROM: yi = ln(m1i/m2i), vi = sd1i²/(n1i·m1i²) + sd2i²/(n2i·m2i²) (Hedges et al. 1999).
    - PPC1: Morris 2008 d_ppc1 = SMCR of group 1 − SMCR of group 2, each standardized by its
      own pretest SD, vi the sum of the two SMCR LS variances (as metafor's
      analyses:morris2008 page computes it; not checked against Morris's Table 5 variances).
    - PPC2: Morris 2008 d_ppc2 = J(n1i+n2i−2)·[(m1i_post − m1i_pre) − (m2i_post − m2i_pre)]
      / SD_pre,pooled (eqs. 8-10); vi by eq. 25 with the estimate in place of δ:
      J²·(1−ri)·2(n1i+n2i)/(n1i·n2i)·(N−2)/(N−4)·(1 + δ²·n1i·n2i/(2(1−ri)(n1i+n2i))) − δ²,
      N = n1i + n2i. Both PPC variances assume equal pre and post SDs and a common ri.

    Raises
    ------
    ReanalysisError
        Naming the argument and the rule: an unknown measure, a missing or unexpected
        argument, an unknown column, unequal lengths, an SD < 0, |ri| > 1, an n < 1 or too
        small for the bias correction, a non-positive standardizer or ratio mean, or a
        confidence level outside (0, 1).

    Examples
    --------
    Study 1 of Morris (2008), treatment group, post minus pre over the pretest SD (metafor:
    ``escalc("SMCR", m1i=38.5, m2i=30.6, sd1i=15, ni=20, ri=0.47)`` gives 0.5056, 0.0594):

    >>> out = escalc("SMCR", m1i=38.5, m2i=30.6, sd1i=15.0, ni=20, ri=0.47)
    >>> print(out.round(4).to_string())
           yi      vi
    0  0.5056  0.0594

    Morris (2008) Table 5, studies 1 and 2: d_ppc2 = 0.7684 and 0.8010.

    >>> ppc = pd.DataFrame({"pre_t": [30.6, 23.5], "post_t": [38.5, 26.8],
    ...                     "sd_t": [15.0, 3.1], "n_t": [20, 50],
    ...                     "pre_c": [23.1, 24.9], "post_c": [19.7, 25.3],
    ...                     "sd_c": [13.8, 4.1], "n_c": [20, 42]}, index=["s1", "s2"])
    >>> out = escalc("PPC2", data=ppc, m1i_pre="pre_t", m1i_post="post_t", sd1i_pre="sd_t",
    ...              n1i="n_t", m2i_pre="pre_c", m2i_post="post_c", sd2i_pre="sd_c",
    ...              n2i="n_c", ri=[0.47, 0.64], confidence_level=0.95)
    >>> print(out.round(4).to_string())
            yi      vi   ci_lb   ci_ub
    s1  0.7684  0.1157  0.1017  1.4352
    s2  0.8010  0.0354  0.4323  1.1696
    """
    context = f"escalc(measure={measure!r})"
    if measure not in MEASURES:
        raise ReanalysisError(
            f"escalc: unknown measure {measure!r}; valid measures: {', '.join(MEASURES)}"
        )
    spec = MEASURES[measure]
    if confidence_level is not None and not 0 < confidence_level < 1:
        raise ReanalysisError(
            f"{context}: confidence_level must be between 0 and 1 (e.g. 0.95), "
            f"got {confidence_level!r}"
        )
    if data is not None and not isinstance(data, pd.DataFrame):
        raise ReanalysisError(
            f"{context}: data must be a pandas DataFrame or None, got {type(data).__name__}"
        )
    given = {name: value for name, value in arguments.items() if value is not None}
    needs = ", ".join(spec.arguments)
    for name in given:
        if name not in spec.arguments:
            raise ReanalysisError(
                f"{context}: unexpected argument {name!r}; {measure} takes {needs}"
            )
    for name in spec.arguments:
        if name not in given:
            raise ReanalysisError(f"{context}: missing argument {name!r}; {measure} needs {needs}")
    arrays = {name: _values(context, name, given[name], data) for name in spec.arguments}
    rows = _rows(context, arrays, data)
    columns = {name: np.broadcast_to(a, (rows,)) for name, a in arrays.items()}
    index = data.index if data is not None else pd.RangeIndex(rows)
    _check_bounds(context, spec, columns, index, data is not None)
    yi, vi = spec.compute(columns)
    out = pd.DataFrame({"yi": yi, "vi": vi}, index=index)
    if confidence_level is not None:
        z = stats.norm.ppf(0.5 + confidence_level / 2)
        out["ci_lb"] = yi - z * np.sqrt(vi)
        out["ci_ub"] = yi + z * np.sqrt(vi)
    return out
