"""Cockcroft–Gault creatinine clearance (reference §3.10).

CrCl (mL/min) = (140 − age) × weight (kg) / (72 × SCr in mg/dL), × 0.85 if female.
A creatinine in µmol/L is divided by 88.4 first. The µmol/L shortcut
CrCl = (140 − age) × weight × F / SCr with F = 1.23 (male) or 1.04 (female) is the
same formula with 88.4/72 = 1.2278 and 1.2278 × 0.85 = 1.0436 rounded, so this
module gives 58.6 where the shortcut gives 58.7 (the reference's worked example).
The result is not normalised to body surface area.
"""

from fractions import Fraction

from .numbers import exact
from .units import CREATININE_MG_PER_DL_TO_UMOL_PER_L, UnitError

CG_AGE_CONSTANT = 140
CG_DENOMINATOR = 72
CG_FEMALE_FACTOR = Fraction(85, 100)
SEXES = ("M", "F")
CREATININE_UNITS = ("umol/L", "mg/dL")


def cockcroft_gault(age: int, weight_kg: float, sex: str, creatinine: float, unit: str) -> float:
    """Estimated creatinine clearance in mL/min from age, actual weight, sex ('M'/'F') and serum creatinine."""
    if sex not in SEXES:
        raise ValueError(f"sex must be 'M' or 'F', got {sex!r}")
    if unit not in CREATININE_UNITS:
        raise UnitError(f"creatinine unit must be one of {CREATININE_UNITS}, got {unit!r}")
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age < CG_AGE_CONSTANT:
        raise ValueError(f"age must be a whole number of years from 0 to {CG_AGE_CONSTANT - 1}, got {age!r}")
    weight = exact(weight_kg)
    if weight <= 0:
        raise ValueError(f"weight must be above zero, got {weight_kg!r}")
    scr = exact(creatinine)
    if scr <= 0:
        raise ValueError(f"creatinine must be above zero, got {creatinine!r}")
    if unit == "umol/L":
        scr /= exact(CREATININE_MG_PER_DL_TO_UMOL_PER_L)
    clearance = (CG_AGE_CONSTANT - age) * weight / (CG_DENOMINATOR * scr)
    if sex == "F":
        clearance *= CG_FEMALE_FACTOR
    return float(clearance)
