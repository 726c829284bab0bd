"""One protocol for every result: an interval that unpacks, plain dicts, frames and short reprs.

Every result of the statistics core is a frozen dataclass with this mixin
(:class:`ResultMixin`), so that a notebook user meets the same surface everywhere:

* ``lo, hi = result.confidence_interval(0.9)``: a :class:`ConfidenceInterval`, a named tuple
  of plain floats like SciPy's ``ConfidenceInterval`` (``ci.low``, ``ci.high``);
* ``result.to_dict()``: plain Python floats, ints, strings and None, ready for ``json.dumps``
  (a NaN or infinite number becomes None); with an interval, ``ci_low``, ``ci_high`` and
  the ``confidence_level`` they belong to;
* ``result.to_frame()``: the same record as a one-row pandas DataFrame (pandas is imported
  only then), statsmodels' ``summary_frame`` idea;
* ``repr(result)``: one line with the main fields at 4 significant digits, e.g.
  ``TTestResult(estimate=-0.028, standard_error=0.0114, statistic=-2.456, pvalue=0.01666,
  df=67)``; ``_repr_html_`` draws the whole record as a small table in Jupyter.

Field names are the same everywhere: ``estimate``, ``standard_error``, ``statistic``,
``pvalue``, ``df`` wherever they apply.
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from reanalysis.errors import ReanalysisError

if TYPE_CHECKING:
    import pandas as pd

# Digits shown by repr and _repr_html_; computations and to_dict keep full precision.
SIGNIFICANT_DIGITS = 4


class ConfidenceInterval(NamedTuple):
    """An interval ``(low, high)`` of plain floats: ``lo, hi = ci`` and ``ci.low`` both work.

    >>> lo, hi = ConfidenceInterval(0.1017, 1.4352)
    >>> hi
    1.4352
    """

    low: float
    high: float


def plain(value: Any) -> Any:
    """``value`` as JSON-ready Python: floats (NaN and ±inf as None), ints, str, lists, dicts.

    NumPy scalars become Python numbers, tuples become lists, results become their
    ``to_dict()``, and anything else (a path, an enum) its ``str``.

    >>> import math
    >>> plain({"estimate": 0.5, "bounds": (1, math.inf), "label": None})
    {'estimate': 0.5, 'bounds': [1, None], 'label': None}
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if hasattr(value, "dtype") and hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        value = value.item()  # a NumPy scalar: its Python equivalent
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


def short(value: Any) -> str:
    """A value as :func:`repr` shows it: numbers at 4 significant digits, strings quoted."""
    value = plain(value)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float):
        return f"{value:.{SIGNIFICANT_DIGITS}g}"
    if isinstance(value, list):
        return (
            "(" + ", ".join(short(item) for item in value) + ("," if len(value) == 1 else "") + ")"
        )
    if isinstance(value, dict):
        return "{...}"
    return repr(value)


class ResultMixin:
    """``to_dict``, ``to_frame``, a one-line ``__repr__`` and ``_repr_html_`` for a result.

    A subclass is a frozen dataclass declared with ``repr=False`` (else the dataclass
    repr, with every field at full precision, replaces the short one). It may set
    ``_record_fields`` (the keys of :meth:`to_dict`, fields or properties; default: every
    dataclass field) and ``_repr_fields`` (the fields :meth:`__repr__` shows; default: the
    record's first six keys).
    """

    _record_fields: ClassVar[tuple[str, ...] | None] = None
    _repr_fields: ClassVar[tuple[str, ...] | None] = None

    def _record_names(self) -> tuple[str, ...]:
        if self._record_fields is not None:
            return self._record_fields
        return tuple(f.name for f in dataclasses.fields(self))  # type: ignore[arg-type]

    def to_dict(self, confidence_level: float = 0.95) -> dict[str, Any]:
        """The result as plain Python values (see :func:`plain`), ready for ``json.dumps``.

        A result with an interval adds ``confidence_level``, ``ci_low`` and ``ci_high`` from
        ``confidence_interval(confidence_level)`` (an unbounded side is None).
        """
        record = {name: getattr(self, name) for name in self._record_names()}
        interval = getattr(self, "confidence_interval", None)
        if interval is not None:
            low, high = interval(confidence_level)
            record |= {"confidence_level": confidence_level, "ci_low": low, "ci_high": high}
        return plain(record)

    def to_frame(self, confidence_level: float = 0.95) -> pd.DataFrame:
        """:meth:`to_dict` as a one-row pandas DataFrame (nested lists and tables left out)."""
        import pandas as pd

        record = self.to_dict(confidence_level)
        scalars = {k: v for k, v in record.items() if not isinstance(v, (list, dict))}
        return pd.DataFrame([scalars])

    def __repr__(self) -> str:
        names = self._repr_fields or self._record_names()[:6]
        shown = ", ".join(f"{name}={short(getattr(self, name))}" for name in names)
        return f"{type(self).__name__}({shown})"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(key)}</th>"
            f"<td>{html.escape(short(value))}</td></tr>"
            for key, value in self.to_dict().items()
            if not isinstance(value, (list, dict))
        )
        caption = html.escape(type(self).__name__)
        return f"<table><caption>{caption}</caption>{rows}</table>"


# The alternatives of a test, statsmodels' names (SciPy's "greater"/"less"): the first
# minus the second is larger, or smaller, than zero under the alternative.
ALTERNATIVES: tuple[str, ...] = ("two-sided", "larger", "smaller")


def check_alternative(alternative: str) -> str:
    """``alternative`` if it is one of :data:`ALTERNATIVES`; else a one-line error."""
    if alternative not in ALTERNATIVES:
        raise ReanalysisError(
            f"alternative must be one of {', '.join(ALTERNATIVES)}, got {alternative!r}"
        )
    return alternative
