"""SLEDAI-2K (Gladman 2002; reference §3.1).

A descriptor scores its weight when present at the visit or in the 10 days before it
and attributable to SLE. Total 0–105. INC-SLE-03 needs ≥ 8.
"""

from typing import Mapping

from .scores import Score, yes_no_answers

SLEDAI_2K_THRESHOLD = 8  # INC-SLE-03: ≥ 8
SLEDAI_2K_MAX = 105

# code -> (label, weight). The cut-offs in the last five labels are [R].
SLEDAI_2K: dict[str, tuple[str, int]] = {
    "seizure": ("Seizure", 8),
    "psychosis": ("Psychosis", 8),
    "organic_brain_syndrome": ("Organic brain syndrome", 8),
    "visual_disturbance": ("Visual disturbance", 8),
    "cranial_nerve_disorder": ("Cranial nerve disorder", 8),
    "lupus_headache": ("Lupus headache", 8),
    "cva": ("Cerebrovascular accident", 8),
    "vasculitis": ("Vasculitis", 8),
    "arthritis": ("Arthritis (≥ 2 joints)", 4),
    "myositis": ("Myositis", 4),
    "urinary_casts": ("Urinary casts (heme-granular or RBC)", 4),
    "haematuria": ("Haematuria (> 5 RBC/hpf)", 4),
    "proteinuria": ("Proteinuria (> 0.5 g/24 h)", 4),
    "pyuria": ("Pyuria (> 5 WBC/hpf)", 4),
    "rash": ("Inflammatory rash", 2),
    "alopecia": ("Alopecia", 2),
    "mucosal_ulcers": ("Mucosal ulcers (oral or nasal)", 2),
    "pleurisy": ("Pleurisy", 2),
    "pericarditis": ("Pericarditis", 2),
    "low_complement": ("Low complement (CH50, C3 or C4)", 2),
    "increased_dna_binding": ("Increased DNA binding (anti-dsDNA)", 2),
    "fever": ("Fever (> 38 °C)", 1),
    "thrombocytopenia": ("Thrombocytopenia (< 100 × 10⁹/L)", 1),
    "leukopenia": ("Leukopenia (< 3 × 10⁹/L)", 1),
}


def sledai_2k(answers: Mapping[str, bool | None]) -> Score:
    """SLEDAI-2K from yes/no answers per descriptor; missing or None answers are unanswered."""
    checked = yes_no_answers(answers, SLEDAI_2K)
    counted = tuple(code for code, value in checked.items() if value is True)
    unanswered = tuple(code for code, value in checked.items() if value is None)
    total = sum(SLEDAI_2K[code][1] for code in counted)
    open_points = sum(SLEDAI_2K[code][1] for code in unanswered)
    return Score(total, total + open_points, unanswered, counted)
