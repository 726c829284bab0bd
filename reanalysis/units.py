"""Unit conversion of concentrations between mass and amount (molar) units.

Mass concentration (g/L) and amount concentration (mol/L) are related by the molar mass
of the molecule measured, computed from its molecular formula (an outcome's
``molecular_formula`` in ``analysis.toml``: which molecule an outcome measures is data)
and IUPAC atomic weights. Conversions within mass units or within amount units need no
molar mass.
"""

from __future__ import annotations

import re

from reanalysis.errors import ReanalysisError

# Conventional standard atomic weights, IUPAC 2021 (g/mol): the elements of small organic
# molecules measured in serum.
ATOMIC_WEIGHT = {
    "C": 12.011,
    "H": 1.008,
    "N": 14.007,
    "O": 15.999,
    "P": 30.974,
    "S": 32.06,
}
_FORMULA = re.compile(r"(?:[A-Z][a-z]?[0-9]*)+")
_ELEMENT = re.compile(r"([A-Z][a-z]?)([0-9]*)")
# Mass units as grams per litre, amount units as moles per litre.
_MASS_PER_LITRE = {"ng/dL": 1e-9 / 1e-1, "ng/mL": 1e-9 / 1e-3, "pg/mL": 1e-12 / 1e-3}
_AMOUNT_PER_LITRE = {"nmol/L": 1e-9, "pmol/L": 1e-12}


def molar_mass(formula: str) -> float:
    """Molar mass (g/mol) of a molecular formula: Σ count × atomic weight (IUPAC 2021
    conventional weights, :data:`ATOMIC_WEIGHT`), summed in the formula's order.

    Glucose, C6H12O6, is 180.156 g/mol (6 × 12.011 + 12 × 1.008 + 6 × 15.999):

    >>> round(molar_mass("C6H12O6"), 3)
    180.156
    """
    if not isinstance(formula, str) or not _FORMULA.fullmatch(formula):
        raise ReanalysisError(
            f"molecular formula {formula!r}: expected element symbols with counts, e.g. C6H12O6"
        )
    mass = 0.0
    for element, count in _ELEMENT.findall(formula):
        if element not in ATOMIC_WEIGHT:
            raise ReanalysisError(
                f"molecular formula {formula!r}: no atomic weight for {element!r}; "
                f"known: {', '.join(ATOMIC_WEIGHT)}"
            )
        if count.startswith("0"):
            raise ReanalysisError(
                f"molecular formula {formula!r}: expected a count of at least 1 after "
                f"{element!r}, got {count!r}"
            )
        mass += int(count or 1) * ATOMIC_WEIGHT[element]
    return mass


def conversion_factor(from_unit: str, to_unit: str, molar_mass: float | None = None) -> float:
    """Multiplier taking a concentration from ``from_unit`` to ``to_unit``.

    Mass concentration c (g/L) and amount concentration (mol/L) are related by the molar
    mass M: mol/L = (g/L) / M. With M = 288.43 g/mol (C19H28O2), ng/dL → nmol/L is
    10 / 288.43 = 0.03467 (papers print 0.0347). Between mass and amount units
    ``molar_mass`` is required.
    """
    if from_unit == to_unit:
        return 1.0
    kinds = {}
    for unit in (from_unit, to_unit):
        if unit in _MASS_PER_LITRE:
            kinds[unit] = "mass"
        elif unit in _AMOUNT_PER_LITRE:
            kinds[unit] = "amount"
        else:
            raise ReanalysisError(
                f"unknown unit {unit!r}; known: {', '.join([*_MASS_PER_LITRE, *_AMOUNT_PER_LITRE])}"
            )
    scale = {**_MASS_PER_LITRE, **_AMOUNT_PER_LITRE}
    factor = scale[from_unit] / scale[to_unit]
    if kinds[from_unit] == kinds[to_unit]:
        return factor
    if molar_mass is None:
        raise ReanalysisError(
            f"{from_unit} to {to_unit} needs the molar mass: give the outcome's "
            "molecular_formula in analysis.toml"
        )
    return factor / molar_mass if kinds[from_unit] == "mass" else factor * molar_mass


def convert(value: float, from_unit: str, to_unit: str, molar_mass: float | None = None) -> float:
    """Convert a concentration (or its SD) between units (:func:`conversion_factor`)."""
    return value * conversion_factor(from_unit, to_unit, molar_mass)
