"""SLEDAI-2K (Gladman 2002; reference §3.1).

A descriptor scores its weight when present at the visit or in the 10 days before it
and attributable to SLE. Total 0–105. INC-SLE-03 needs ≥ 8.
"""

from typing import Mapping

from .scores import Score, yes_no_answers
from .texts import gettext_noop

SLEDAI_2K_THRESHOLD = 8  # INC-SLE-03: ≥ 8
SLEDAI_2K_MAX = 105

# code -> (label, weight). The cut-offs in the last five labels are [R].
SLEDAI_2K: dict[str, tuple[str, int]] = {
    "seizure": (gettext_noop("Seizure"), 8),
    "psychosis": (gettext_noop("Psychosis"), 8),
    "organic_brain_syndrome": (gettext_noop("Organic brain syndrome"), 8),
    "visual_disturbance": (gettext_noop("Visual disturbance"), 8),
    "cranial_nerve_disorder": (gettext_noop("Cranial nerve disorder"), 8),
    "lupus_headache": (gettext_noop("Lupus headache"), 8),
    "cva": (gettext_noop("Cerebrovascular accident"), 8),
    "vasculitis": (gettext_noop("Vasculitis"), 8),
    "arthritis": (gettext_noop("Arthritis (≥ 2 joints)"), 4),
    "myositis": (gettext_noop("Myositis"), 4),
    "urinary_casts": (gettext_noop("Urinary casts (heme-granular or RBC)"), 4),
    "haematuria": (gettext_noop("Haematuria (> 5 RBC/hpf)"), 4),
    "proteinuria": (gettext_noop("Proteinuria (> 0.5 g/24 h)"), 4),
    "pyuria": (gettext_noop("Pyuria (> 5 WBC/hpf)"), 4),
    "rash": (gettext_noop("Inflammatory rash"), 2),
    "alopecia": (gettext_noop("Alopecia"), 2),
    "mucosal_ulcers": (gettext_noop("Mucosal ulcers (oral or nasal)"), 2),
    "pleurisy": (gettext_noop("Pleurisy"), 2),
    "pericarditis": (gettext_noop("Pericarditis"), 2),
    "low_complement": (gettext_noop("Low complement (CH50, C3 or C4)"), 2),
    "increased_dna_binding": (gettext_noop("Increased DNA binding (anti-dsDNA)"), 2),
    "fever": (gettext_noop("Fever (> 38 °C)"), 1),
    "thrombocytopenia": (gettext_noop("Thrombocytopenia (< 100 × 10⁹/L)"), 1),
    "leukopenia": (gettext_noop("Leukopenia (< 3 × 10⁹/L)"), 1),
}


def sledai_2k(answers: Mapping[str, bool | None]) -> Score:
    """SLEDAI-2K from yes/no answers per descriptor; missing or None answers are unanswered."""
    checked = yes_no_answers(answers, SLEDAI_2K)
    counted = tuple(code for code, value in checked.items() if value is True)
    unanswered = tuple(code for code, value in checked.items() if value is None)
    total = sum(SLEDAI_2K[code][1] for code in counted)
    open_points = sum(SLEDAI_2K[code][1] for code in unanswered)
    return Score(total, total + open_points, unanswered, counted)
