"""Lab analytes, the units each accepts, and conversion to one canonical unit (reference §3.12).

Unit codes are ASCII ("umol/L", "10^9/L", "/uL"); `UNIT_LABELS` gives their display
form. Enzymes (ALT, AST, CK, LDH, aldolase) are `ratio_only`: they are judged as
× ULN against the ULN the site's lab reported, never against a fixed number.
Conversions are exact on the entered decimals (see `numbers.py`), so 1500 /µL is
exactly 1.5 × 10⁹/L.
"""

from dataclasses import dataclass
from fractions import Fraction

from .numbers import exact
from .texts import gettext_noop

# Each conversion is one table: unit code -> factor, so a value in that unit × factor =
# the canonical unit (the table's first entry, factor 1). The source of every factor is
# given beside it; tests/test_lab_units.py checks each against the published figure.

# Haemoglobin. g/dL × 10 = g/L (reference §3.12). mmol/L (the Hb monomer, one haem, as Dutch
# and Scandinavian labs print it) × 16.11 = g/L: molar mass of the monomer 16 114.5 g/mol
# (64 458 / 4; van Kampen & Zijlstra, Clin Chim Acta 1961; ICSH 1996 reference method).
HAEMOGLOBIN_TO_G_PER_L = {"g/L": 1, "g/dL": 10, "mmol/L": "16.11"}
# Enzyme activity. 1 U = 1 µmol/min; 1 kat = 1 mol/s, so 1 µkat/L = 60 U/L exactly
# (IFCC/IUPAC recommendation on the katal, 1978; SI conversion tables, AMA Manual of Style §18.5).
ENZYME_TO_U_PER_L = {"U/L": 1, "ukat/L": 60}
# Creatinine. mg/dL × 88.4 = µmol/L (reference §3.12; molar mass 113.12 g/mol);
# mmol/L × 1000 = µmol/L (SI prefixes).
CREATININE_TO_UMOL_PER_L = {"umol/L": 1, "mg/dL": "88.4", "mmol/L": 1000}
# Total bilirubin. mg/dL × 17.1 = µmol/L (reference §3.12; molar mass 584.66 g/mol).
BILIRUBIN_TO_UMOL_PER_L = {"umol/L": 1, "mg/dL": "17.1"}
# Cell counts. 10⁹/L = 10³/µL = 10³/mm³ (reference §3.12): 1 /µL = 10⁶/L = 0.001 × 10⁹/L.
CELL_COUNT_TO_10_9_PER_L = {"10^9/L": 1, "10^3/uL": 1, "/uL": "0.001"}
# Clearance. mL/min × 0.01667 = mL/s (reference §3.12), i.e. mL/s × 60 = mL/min exactly.
CLEARANCE_TO_ML_PER_MIN = {"mL/min": 1, "mL/s": 60}
# Complement C3/C4. mg/dL × 0.01 = g/L (1 dL = 0.1 L, 1 mg = 0.001 g).
COMPLEMENT_TO_G_PER_L = {"g/L": 1, "mg/dL": "0.01"}
# Body weight. 1 lb = 0.453 592 37 kg exactly (International Yard and Pound Agreement, 1959;
# NIST SP 811 appendix B).
WEIGHT_TO_KG = {"kg": 1, "lb": "0.45359237"}
# VAS. A 10 cm line; a score captured in mm (0–100) is divided by 10 (reference §3.13).
VAS_TO_CM = {"cm": 1, "mm": "0.1"}

# The factors under their former names (renal.py and older tests read them).
HB_G_PER_DL_TO_G_PER_L = 10
CREATININE_MG_PER_DL_TO_UMOL_PER_L = 88.4
BILIRUBIN_MG_PER_DL_TO_UMOL_PER_L = 17.1
PER_UL_TO_10_9_PER_L = 0.001
K_PER_UL_TO_10_9_PER_L = 1
ML_PER_S_TO_ML_PER_MIN = 60
COMPLEMENT_MG_PER_DL_TO_G_PER_L = 0.01

# Units a lab prints that cannot be converted: refused with what to enter instead.
# A Quick % depends on the thromboplastin's ISI, which the report rarely gives: the INR is the
# standardised figure (WHO Expert Committee on Biological Standardization, TRS 889, 1999).
REFUSED_UNITS = {
    ("pt", "%"): "a prothrombin time as Quick % cannot be converted without the ISI: enter the INR the lab reports",
}


class UnitError(ValueError):
    """An unknown analyte, or a unit the analyte is not reported in."""


@dataclass(frozen=True)
class Analyte:
    code: str
    label: str
    canonical_unit: str
    units: dict  # unit code -> factor into canonical_unit (int, or its decimal text)
    ratio_only: bool = False


def _cell_count(code: str, label: str) -> Analyte:
    return Analyte(code, label, "10^9/L", CELL_COUNT_TO_10_9_PER_L)


def _enzyme(code: str, label: str) -> Analyte:
    return Analyte(code, label, "U/L", ENZYME_TO_U_PER_L, ratio_only=True)


def _complement(code: str, label: str) -> Analyte:
    return Analyte(code, label, "g/L", COMPLEMENT_TO_G_PER_L)


ANALYTES: dict[str, Analyte] = {
    a.code: a
    for a in (
        Analyte("hb", gettext_noop("Haemoglobin"), "g/L", HAEMOGLOBIN_TO_G_PER_L),
        _cell_count("anc", gettext_noop("Absolute neutrophil count")),
        _cell_count("wbc", gettext_noop("White blood cell count")),
        _cell_count("plt", gettext_noop("Platelet count")),
        Analyte("creatinine", gettext_noop("Serum creatinine"), "umol/L", CREATININE_TO_UMOL_PER_L),
        Analyte("tbil", gettext_noop("Total bilirubin"), "umol/L", BILIRUBIN_TO_UMOL_PER_L),
        _enzyme("alt", gettext_noop("ALT")),
        _enzyme("ast", gettext_noop("AST")),
        _enzyme("ck", gettext_noop("Creatine kinase (CK)")),
        _enzyme("ldh", gettext_noop("Lactate dehydrogenase (LDH)")),
        _enzyme("aldolase", gettext_noop("Aldolase")),
        Analyte(
            "crcl_measured", gettext_noop("Creatinine clearance, measured (24-hour urine)"), "mL/min", CLEARANCE_TO_ML_PER_MIN,
        ),
        Analyte("pt", gettext_noop("Prothrombin time (PT)"), "s", {"s": 1}),
        Analyte("inr", gettext_noop("INR"), "ratio", {"ratio": 1}),
        Analyte("aptt", gettext_noop("APTT"), "s", {"s": 1}),
        _complement("c3", gettext_noop("Complement C3")),
        _complement("c4", gettext_noop("Complement C4")),
    )
}

UNIT_LABELS: dict[str, str] = {
    "g/L": "g/L",
    "g/dL": "g/dL",
    "10^9/L": "×10⁹/L",
    "10^3/uL": "×10³/µL",
    "/uL": "/µL",
    "umol/L": "µmol/L",
    "mg/dL": "mg/dL",
    "U/L": "U/L",
    "ukat/L": "µkat/L",
    "mmol/L": "mmol/L",
    "%": "% (Quick)",
    "mL/min": "mL/min",
    "mL/s": "mL/s",
    "s": "s",
    "ratio": "ratio",
}


def factor(value) -> Fraction:
    """A table's factor as an exact fraction (factors are ints or their decimal text)."""
    return Fraction(value) if isinstance(value, str) else exact(value)


def convert(amount, unit: str, table: dict, what: str = "value") -> float:
    """`amount` in `unit` into the table's canonical unit (its first entry), exactly."""
    if unit not in table:
        raise UnitError(f"{what} is not recorded in {unit!r} (accepted: {', '.join(table)})")
    return float(exact(amount) * factor(table[unit]))


def _analyte(code: str) -> Analyte:
    try:
        return ANALYTES[code]
    except KeyError:
        raise UnitError(f"unknown analyte {code!r}") from None


def units_for(analyte: str) -> list[str]:
    """The unit codes an analyte may be reported in, canonical unit first."""
    return list(_analyte(analyte).units)


def to_canonical(analyte: str, value: float, unit: str) -> float:
    """A lab value converted from its reported unit into the analyte's canonical unit."""
    entry = _analyte(analyte)
    if (analyte, unit) in REFUSED_UNITS:
        raise UnitError(REFUSED_UNITS[analyte, unit])
    if unit not in entry.units:
        allowed = ", ".join(entry.units)
        raise UnitError(f"{entry.label} is not reported in {unit!r} (accepted: {allowed})")
    amount = exact(value)
    if amount < 0:
        raise ValueError(f"a lab value cannot be negative, got {value!r}")
    return float(amount * factor(entry.units[unit]))


def times_uln(value: float, uln: float) -> float:
    """The value as a multiple of the upper limit of normal, both in the unit the lab reported."""
    limit = exact(uln)
    if limit <= 0:
        raise ValueError(f"the upper limit of normal must be above zero, got {uln!r}")
    return float(exact(value) / limit)


def times_uln_of(analyte: str, value, unit: str, uln, uln_unit: str = "") -> float:
    """The value as a multiple of the ULN, each in its own unit (blank ULN unit: the value's)."""
    canonical_uln = to_canonical(analyte, uln, uln_unit or unit)
    if canonical_uln <= 0:
        raise ValueError(f"the upper limit of normal must be above zero, got {uln!r}")
    return float(exact(to_canonical(analyte, value, unit)) / exact(canonical_uln))


# --------------------------------------------------------------------------
# Ranges a value and a reference limit must lie in, per analyte, in its canonical unit.
#
# physiological: outside it no living adult's result lies: refused (a wrong unit or a typo).
# usual: outside it a result is possible but rare: accepted once the value is confirmed.
# uln / lln: the upper / lower limits of normal labs print: a limit outside is refused, with
# the unit that would put it inside ("did you mean µmol/L?").
# The bounds are deliberately wide: they catch a factor of 10 or more (a unit mistaken),
# never a lab's own choice of reference interval.


@dataclass(frozen=True)
class Ranges:
    physiological: tuple  # (min, max), both inclusive
    usual: tuple
    uln: tuple
    lln: tuple
    source: str


RANGES: dict[str, Ranges] = {
    # Adult reference intervals: Tietz Textbook of Laboratory Medicine, 7th ed. (2022), appendix;
    # Harrison's Principles of Internal Medicine, 21st ed., appendix "Reference values"; survival
    # bounds from case series of extreme values (Hb 20 g/L, bilirubin 1000 µmol/L, CK 500 000 U/L).
    "hb": Ranges((20, 260), (60, 200), (130, 200), (100, 150),
                 "Tietz: men 135–175, women 120–160 g/L; Harrison's: 120–174 g/L"),
    "anc": Ranges((0, 400), ("0.5", 25), (5, 10), (1, "2.5"), "Tietz: 1.8–7.7 × 10⁹/L"),
    "wbc": Ranges((0, 500), (1, 30), (8, 15), (3, 5), "Tietz: 4.0–11.0 × 10⁹/L"),
    "plt": Ranges((0, 3000), (20, 1000), (300, 600), (100, 200), "Tietz: 150–450 × 10⁹/L"),
    "creatinine": Ranges((10, 2500), (30, 500), (70, 150), (30, 90),
                         "Tietz: men 62–115, women 53–97 µmol/L (enzymatic, IDMS-traceable)"),
    "tbil": Ranges((0, 1000), (1, 150), (15, 35), (0, 7), "Tietz: 3–21 µmol/L (0.2–1.2 mg/dL)"),
    "alt": Ranges((0, 20000), (3, 1000), (19, 70), (0, 15), "Tietz: 7–55 U/L (IFCC 37 °C); AASLD ULN 19–33 U/L"),
    "ast": Ranges((0, 20000), (5, 1000), (25, 60), (0, 20), "Tietz: 8–48 U/L (IFCC 37 °C)"),
    "ck": Ranges((0, 500000), (10, 10000), (140, 400), (0, 60), "Tietz: men 52–336, women 38–176 U/L"),
    "ldh": Ranges((0, 50000), (80, 3000), (190, 700), (50, 250),
                  "Tietz: 125–220 U/L (IFCC); 313–618 U/L (older lactate→pyruvate methods)"),
    "aldolase": Ranges((0, 500), ("0.5", 100), (3, 15), (0, 3), "Tietz: 1.0–7.5 U/L"),
    "crcl_measured": Ranges((0, 300), (10, 200), (100, 200), (60, 120),
                            "Tietz: men 97–137, women 88–128 mL/min"),
    "pt": Ranges((5, 200), (9, 60), (11, 18), (8, 13), "Tietz: 11–13.5 s (reagent dependent)"),
    "inr": Ranges(("0.5", 20), ("0.8", 6), ("1.1", "1.5"), ("0.8", 1), "Tietz: 0.8–1.2"),
    "aptt": Ranges((10, 250), (20, 120), (30, 45), (20, 32), "Tietz: 25–35 s (reagent dependent)"),
    "c3": Ranges((0, 5), ("0.2", 3), ("1.2", "2.2"), ("0.5", "1.1"), "Tietz: 0.9–1.8 g/L"),
    "c4": Ranges((0, "1.5"), ("0.02", "0.8"), ("0.3", "0.8"), ("0.08", "0.2"), "Tietz: 0.1–0.4 g/L"),
}

REFUSE, CONFIRM = "refuse", "confirm"


def _inside(amount: Fraction, bounds) -> bool:
    low, high = (factor(b) for b in bounds)
    return low <= amount <= high


def bounds_in(analyte: str, which: str) -> tuple[float, float]:
    """The (min, max) of a range ('physiological', 'usual', 'uln', 'lln') in the canonical unit."""
    low, high = getattr(RANGES[analyte], which)
    return float(factor(low)), float(factor(high))


def value_check(analyte: str, value, unit: str) -> str | None:
    """REFUSE outside the physiological range, CONFIRM outside the usual one, else None."""
    ranges = RANGES.get(analyte)
    if ranges is None:
        return None
    amount = exact(to_canonical(analyte, value, unit))
    if not _inside(amount, ranges.physiological):
        return REFUSE
    if not _inside(amount, ranges.usual):
        return CONFIRM
    return None


def limit_plausible(analyte: str, limit, unit: str, which: str) -> bool:
    """Whether a reference limit ('uln' or 'lln') in `unit` lies in the plausible range."""
    ranges = RANGES.get(analyte)
    if ranges is None:
        return True
    return _inside(exact(to_canonical(analyte, limit, unit)), getattr(ranges, which))


def likely_units(analyte: str, amount, unit: str, which: str) -> list[str]:
    """The analyte's other units in which `amount` would lie in the range `which`
    ('physiological', 'usual', 'uln', 'lln'): the unit the report probably used."""
    ranges = RANGES.get(analyte)
    if ranges is None:
        return []
    return [other for other in units_for(analyte)
            if other != unit and _inside(exact(to_canonical(analyte, amount, other)), getattr(ranges, which))]
