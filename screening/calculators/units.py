"""Lab analytes, the units each accepts, and conversion to one canonical unit (reference §3.12).

Unit codes are ASCII ("umol/L", "10^9/L", "/uL"); `UNIT_LABELS` gives their display
form. Enzymes (ALT, AST, CK, LDH, aldolase) are `ratio_only`: they are judged as
× ULN against the ULN the site's lab reported, never against a fixed number.
Conversions are exact on the entered decimals (see `numbers.py`), so 1500 /µL is
exactly 1.5 × 10⁹/L.
"""

from dataclasses import dataclass

from .numbers import exact

# Conversion factors: a value in the named unit × factor = the canonical unit.
HB_G_PER_DL_TO_G_PER_L = 10
CREATININE_MG_PER_DL_TO_UMOL_PER_L = 88.4
BILIRUBIN_MG_PER_DL_TO_UMOL_PER_L = 17.1
PER_UL_TO_10_9_PER_L = 0.001  # 1 /µL = 10⁶ /L = 0.001 × 10⁹/L
K_PER_UL_TO_10_9_PER_L = 1  # 10³/µL = 10⁹/L
ML_PER_S_TO_ML_PER_MIN = 60
COMPLEMENT_MG_PER_DL_TO_G_PER_L = 0.01


class UnitError(ValueError):
    """An unknown analyte, or a unit the analyte is not reported in."""


@dataclass(frozen=True)
class Analyte:
    code: str
    label: str
    canonical_unit: str
    units: dict[str, float]  # unit code -> factor into canonical_unit
    ratio_only: bool = False


def _cell_count(code: str, label: str) -> Analyte:
    return Analyte(
        code, label, "10^9/L",
        {"10^9/L": 1, "10^3/uL": K_PER_UL_TO_10_9_PER_L, "/uL": PER_UL_TO_10_9_PER_L},
    )


def _enzyme(code: str, label: str) -> Analyte:
    return Analyte(code, label, "U/L", {"U/L": 1}, ratio_only=True)


def _complement(code: str, label: str) -> Analyte:
    return Analyte(code, label, "g/L", {"g/L": 1, "mg/dL": COMPLEMENT_MG_PER_DL_TO_G_PER_L})


ANALYTES: dict[str, Analyte] = {
    a.code: a
    for a in (
        Analyte("hb", "Haemoglobin", "g/L", {"g/L": 1, "g/dL": HB_G_PER_DL_TO_G_PER_L}),
        _cell_count("anc", "Absolute neutrophil count"),
        _cell_count("wbc", "White blood cell count"),
        _cell_count("plt", "Platelet count"),
        Analyte(
            "creatinine", "Serum creatinine", "umol/L",
            {"umol/L": 1, "mg/dL": CREATININE_MG_PER_DL_TO_UMOL_PER_L},
        ),
        Analyte(
            "tbil", "Total bilirubin", "umol/L",
            {"umol/L": 1, "mg/dL": BILIRUBIN_MG_PER_DL_TO_UMOL_PER_L},
        ),
        _enzyme("alt", "ALT"),
        _enzyme("ast", "AST"),
        _enzyme("ck", "Creatine kinase (CK)"),
        _enzyme("ldh", "Lactate dehydrogenase (LDH)"),
        _enzyme("aldolase", "Aldolase"),
        Analyte(
            "crcl_measured", "Creatinine clearance, measured (24-hour urine)", "mL/min",
            {"mL/min": 1, "mL/s": ML_PER_S_TO_ML_PER_MIN},
        ),
        Analyte("pt", "Prothrombin time (PT)", "s", {"s": 1}),
        Analyte("inr", "INR", "ratio", {"ratio": 1}),
        Analyte("aptt", "APTT", "s", {"s": 1}),
        _complement("c3", "Complement C3"),
        _complement("c4", "Complement C4"),
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
    "mL/min": "mL/min",
    "mL/s": "mL/s",
    "s": "s",
    "ratio": "ratio",
}


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
    if unit not in entry.units:
        allowed = ", ".join(entry.units)
        raise UnitError(f"{entry.label} is not reported in {unit!r} (accepted: {allowed})")
    amount = exact(value)
    if amount < 0:
        raise ValueError(f"a lab value cannot be negative, got {value!r}")
    return float(amount * exact(entry.units[unit]))


def times_uln(value: float, uln: float) -> float:
    """The value as a multiple of the upper limit of normal, both in the unit the lab reported."""
    limit = exact(uln)
    if limit <= 0:
        raise ValueError(f"the upper limit of normal must be above zero, got {uln!r}")
    return float(exact(value) / limit)
