"""Birmingham Vasculitis Activity Score, version 3 (Mukhtyar 2009; reference §3.3).

56 items in 9 sections. An item is ticked only if due to active vasculitis, as new/worse
(within the prior 4 weeks) or persistent. The form has one PERSISTENT box: when every
abnormality is persistent, all items score in the persistent column (total 0–33);
otherwise all score in the new/worse column (0–63). Each section is capped at its
maximum. Items marked * (persistent points None) are not compatible with persistent
disease and always make the assessment new/worse. The serum creatinine bands score only
at the first assessment.

Weights without a `v` in the reference are [R]. As printed, the abdominal section's
persistent cap (4) exceeds its only persistent-compatible item (2), so the highest
reachable persistent total is 31 although the caps sum to 33.

BVAS v3 labels no item "major": the assessing physician classes each present item
(INC-AAV-02), and `count_major_other` counts those classes.
"""

from typing import Iterable

# section -> (persistent maximum, new/worse maximum)
BVAS_SECTIONS: dict[str, tuple[int, int]] = {
    "general": (2, 3),
    "cutaneous": (3, 6),
    "mucous_membranes_eyes": (3, 6),
    "ent": (3, 6),
    "chest": (3, 6),
    "cardiovascular": (3, 6),
    "abdominal": (4, 9),
    "renal": (6, 12),
    "nervous_system": (6, 9),
}

BVAS_SECTION_LABELS: dict[str, str] = {
    "general": "General",
    "cutaneous": "Cutaneous",
    "mucous_membranes_eyes": "Mucous membranes / eyes",
    "ent": "ENT",
    "chest": "Chest",
    "cardiovascular": "Cardiovascular",
    "abdominal": "Abdominal",
    "renal": "Renal",
    "nervous_system": "Nervous system",
}

# code -> (section, label, persistent points or None for * items, new/worse points)
BVAS_V3_ITEMS: dict[str, tuple[str, str, int | None, int]] = {
    "myalgia": ("general", "Myalgia", 1, 1),
    "arthralgia_arthritis": ("general", "Arthralgia / arthritis", 1, 1),
    "fever": ("general", "Fever ≥ 38 °C", 2, 2),
    "weight_loss": ("general", "Weight loss ≥ 2 kg", 2, 2),
    "skin_infarct": ("cutaneous", "Infarct", 1, 2),
    "purpura": ("cutaneous", "Purpura", 1, 2),
    "skin_ulcer": ("cutaneous", "Ulcer", 1, 4),
    "gangrene": ("cutaneous", "Gangrene", 2, 6),
    "other_skin_vasculitis": ("cutaneous", "Other skin vasculitis", 1, 2),
    "mouth_ulcers_granulomata": ("mucous_membranes_eyes", "Mouth ulcers / granulomata", 1, 2),
    "genital_ulcers": ("mucous_membranes_eyes", "Genital ulcers", 1, 1),
    "adnexal_inflammation": ("mucous_membranes_eyes", "Adnexal inflammation", 2, 4),
    "significant_proptosis": ("mucous_membranes_eyes", "Significant proptosis (> 2 mm)", 2, 4),
    "scleritis_episcleritis": ("mucous_membranes_eyes", "Scleritis / episcleritis", 1, 2),
    "conjunctivitis_blepharitis_keratitis": (
        "mucous_membranes_eyes", "Conjunctivitis / blepharitis / keratitis", 1, 1,
    ),
    "blurred_vision": ("mucous_membranes_eyes", "Blurred vision", 2, 3),
    "sudden_visual_loss": ("mucous_membranes_eyes", "Sudden visual loss", None, 6),
    "uveitis": ("mucous_membranes_eyes", "Uveitis", 2, 6),
    "retinal_changes": (
        "mucous_membranes_eyes", "Retinal changes (vasculitis / thrombosis / exudate / haemorrhage)", 2, 6,
    ),
    "bloody_nasal_discharge": ("ent", "Bloody nasal discharge / crusts / ulcers / granulomata", 2, 4),
    "paranasal_sinus_involvement": ("ent", "Paranasal sinus involvement", 1, 2),
    "subglottic_stenosis": ("ent", "Subglottic stenosis", 3, 6),
    "conductive_hearing_loss": ("ent", "Conductive hearing loss", 1, 3),
    "sensorineural_hearing_loss": ("ent", "Sensorineural hearing loss", 2, 6),
    "wheeze": ("chest", "Wheeze", 1, 2),
    "nodules_or_cavities": ("chest", "Nodules or cavities", None, 3),
    "pleural_effusion_pleurisy": ("chest", "Pleural effusion / pleurisy", 2, 4),
    "infiltrate": ("chest", "Infiltrate", 2, 4),
    "endobronchial_involvement": ("chest", "Endobronchial involvement", 2, 4),
    "massive_haemoptysis_alveolar_haemorrhage": ("chest", "Massive haemoptysis / alveolar haemorrhage", 4, 6),
    "respiratory_failure": ("chest", "Respiratory failure", 4, 6),
    "loss_of_pulses": ("cardiovascular", "Loss of pulses", 1, 4),
    "valvular_heart_disease": ("cardiovascular", "Valvular heart disease", 2, 4),
    "pericarditis": ("cardiovascular", "Pericarditis", 1, 3),
    "ischaemic_cardiac_pain": ("cardiovascular", "Ischaemic cardiac pain", 2, 4),
    "cardiomyopathy": ("cardiovascular", "Cardiomyopathy", 3, 6),
    "congestive_cardiac_failure": ("cardiovascular", "Congestive cardiac failure", 3, 6),
    "peritonitis": ("abdominal", "Peritonitis", None, 9),
    "bloody_diarrhoea": ("abdominal", "Bloody diarrhoea", None, 9),
    "ischaemic_abdominal_pain": ("abdominal", "Ischaemic abdominal pain", 2, 6),
    "hypertension": ("renal", "Hypertension", 1, 4),
    "proteinuria": ("renal", "Proteinuria > 1+", 2, 4),
    "haematuria": ("renal", "Haematuria ≥ 10 RBC/hpf", 3, 6),
    "creatinine_125_249": ("renal", "Serum creatinine 125–249 µmol/L (first assessment only)", 2, 4),
    "creatinine_250_499": ("renal", "Serum creatinine 250–499 µmol/L (first assessment only)", 3, 6),
    "creatinine_500_plus": ("renal", "Serum creatinine ≥ 500 µmol/L (first assessment only)", 4, 8),
    "creatinine_rise_or_crcl_fall": (
        "renal", "Rise in serum creatinine > 30% or fall in creatinine clearance > 25%", None, 6,
    ),
    "headache": ("nervous_system", "Headache", 1, 1),
    "meningitis": ("nervous_system", "Meningitis", 1, 3),
    "organic_confusion": ("nervous_system", "Organic confusion", 1, 3),
    "seizures": ("nervous_system", "Seizures (not hypertensive)", 3, 9),
    "cva": ("nervous_system", "Cerebrovascular accident", 3, 9),
    "spinal_cord_lesion": ("nervous_system", "Spinal cord lesion", 3, 9),
    "cranial_nerve_palsy": ("nervous_system", "Cranial nerve palsy", 3, 6),
    "sensory_peripheral_neuropathy": ("nervous_system", "Sensory peripheral neuropathy", 3, 6),
    "mononeuritis_multiplex": ("nervous_system", "Mononeuritis multiplex", 3, 9),
}

FIRST_ASSESSMENT_ONLY = frozenset({"creatinine_125_249", "creatinine_250_499", "creatinine_500_plus"})


def bvas_score(items: Iterable[tuple[str, bool]], first_assessment: bool = True) -> int:
    """BVAS v3 total from (item code, new_or_worse) pairs, capped per section."""
    new_or_worse = _flags_by_code(items, "new_or_worse")
    if not first_assessment:
        new_or_worse = {code: flag for code, flag in new_or_worse.items() if code not in FIRST_ASSESSMENT_ONLY}
    all_persistent = not any(
        flag or BVAS_V3_ITEMS[code][2] is None for code, flag in new_or_worse.items()
    )
    column = 2 if all_persistent else 3
    cap_index = 0 if all_persistent else 1

    by_section = dict.fromkeys(BVAS_SECTIONS, 0)
    for code in new_or_worse:
        by_section[BVAS_V3_ITEMS[code][0]] += BVAS_V3_ITEMS[code][column]
    return sum(min(points, BVAS_SECTIONS[section][cap_index]) for section, points in by_section.items())


def count_major_other(items: Iterable[tuple[str, bool]]) -> tuple[int, int]:
    """(major, other) counts of present items from (item code, classed_major) pairs."""
    major = _flags_by_code(items, "classed_major")
    majors = sum(1 for flag in major.values() if flag)
    return majors, len(major) - majors


def _flags_by_code(items: Iterable[tuple[str, bool]], flag_name: str) -> dict[str, bool]:
    """Each item code once, its flag True if any entry for it is True; unknown codes or non-bool flags raise."""
    flags: dict[str, bool] = {}
    for code, flag in items:
        if code not in BVAS_V3_ITEMS:
            raise ValueError(f"unknown BVAS v3 item {code!r}")
        if not isinstance(flag, bool):
            raise ValueError(f"{flag_name} for {code!r} must be True or False, got {flag!r}")
        flags[code] = flags.get(code, False) or flag
    return flags
