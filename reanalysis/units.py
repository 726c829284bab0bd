"""Unit conversion of hormone concentrations between mass and amount (molar) units.

Mass concentration (g/L) and amount concentration (mol/L) are related by the molar mass
of the molecule, computed here from its molecular formula and IUPAC atomic weights.
"""

from __future__ import annotations

from reanalysis.errors import ReanalysisError

# Conventional standard atomic weights, IUPAC 2021 (g/mol).
_ATOMIC_WEIGHT = {"C": 12.011, "H": 1.008, "O": 15.999}
# Molecular formulas (C, H, O counts): testosterone C19H28O2, estradiol C18H24O2,
# dihydrotestosterone C19H30O2.
_FORMULA = {
    "total_testosterone": (19, 28, 2),
    "bioavailable_testosterone": (19, 28, 2),
    "free_testosterone": (19, 28, 2),
    "estradiol": (18, 24, 2),
    "dht": (19, 30, 2),
}
# Mass units as grams per litre, amount units as moles per litre.
_MASS_PER_LITRE = {"ng/dL": 1e-9 / 1e-1, "ng/mL": 1e-9 / 1e-3, "pg/mL": 1e-12 / 1e-3}
_AMOUNT_PER_LITRE = {"nmol/L": 1e-9, "pmol/L": 1e-12}


def molar_mass(outcome: str) -> float:
    """Molar mass (g/mol) of the hormone measured by ``outcome``, from its formula.

    Testosterone C19H28O2 = 288.43 g/mol, estradiol C18H24O2 = 272.39 g/mol,
    dihydrotestosterone C19H30O2 = 290.45 g/mol, with IUPAC 2021 conventional atomic
    weights (C 12.011, H 1.008, O 15.999).
    """
    try:
        carbon, hydrogen, oxygen = _FORMULA[outcome]
    except KeyError:
        raise ReanalysisError(
            f"no molar mass known for outcome {outcome!r}; known: {', '.join(_FORMULA)}"
        ) from None
    return (
        carbon * _ATOMIC_WEIGHT["C"] + hydrogen * _ATOMIC_WEIGHT["H"] + oxygen * _ATOMIC_WEIGHT["O"]
    )


def conversion_factor(outcome: str, from_unit: str, to_unit: str) -> float:
    """Multiplier taking ``outcome`` from ``from_unit`` to ``to_unit``.

    Mass concentration c (g/L) and amount concentration (mol/L) are related by the molar
    mass M: mol/L = (g/L) / M. Hence testosterone ng/dL → nmol/L is 10 / 288.43 = 0.03467
    (papers print 0.0347) and estradiol pg/mL → pmol/L is 1000 / 272.39 = 3.671 (papers
    print 3.67).
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
    mass = molar_mass(outcome)
    return factor / mass if kinds[from_unit] == "mass" else factor * mass


def convert(value: float, outcome: str, from_unit: str, to_unit: str) -> float:
    """Convert a hormone concentration (or its SD) between mass and molar units."""
    return value * conversion_factor(outcome, from_unit, to_unit)
