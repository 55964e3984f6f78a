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

from .texts import gettext_noop

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
    "general": gettext_noop("General"),
    "cutaneous": gettext_noop("Cutaneous"),
    "mucous_membranes_eyes": gettext_noop("Mucous membranes / eyes"),
    "ent": gettext_noop("ENT"),
    "chest": gettext_noop("Chest"),
    "cardiovascular": gettext_noop("Cardiovascular"),
    "abdominal": gettext_noop("Abdominal"),
    "renal": gettext_noop("Renal"),
    "nervous_system": gettext_noop("Nervous system"),
}

# code -> (section, label, persistent points or None for * items, new/worse points)
BVAS_V3_ITEMS: dict[str, tuple[str, str, int | None, int]] = {
    "myalgia": ("general", gettext_noop("Myalgia"), 1, 1),
    "arthralgia_arthritis": ("general", gettext_noop("Arthralgia / arthritis"), 1, 1),
    "fever": ("general", gettext_noop("Fever ≥ 38 °C"), 2, 2),
    "weight_loss": ("general", gettext_noop("Weight loss ≥ 2 kg"), 2, 2),
    "skin_infarct": ("cutaneous", gettext_noop("Infarct"), 1, 2),
    "purpura": ("cutaneous", gettext_noop("Purpura"), 1, 2),
    "skin_ulcer": ("cutaneous", gettext_noop("Ulcer"), 1, 4),
    "gangrene": ("cutaneous", gettext_noop("Gangrene"), 2, 6),
    "other_skin_vasculitis": ("cutaneous", gettext_noop("Other skin vasculitis"), 1, 2),
    "mouth_ulcers_granulomata": ("mucous_membranes_eyes", gettext_noop("Mouth ulcers / granulomata"), 1, 2),
    "genital_ulcers": ("mucous_membranes_eyes", gettext_noop("Genital ulcers"), 1, 1),
    "adnexal_inflammation": ("mucous_membranes_eyes", gettext_noop("Adnexal inflammation"), 2, 4),
    "significant_proptosis": ("mucous_membranes_eyes", gettext_noop("Significant proptosis (> 2 mm)"), 2, 4),
    "scleritis_episcleritis": ("mucous_membranes_eyes", gettext_noop("Scleritis / episcleritis"), 1, 2),
    "conjunctivitis_blepharitis_keratitis": (
        "mucous_membranes_eyes", gettext_noop("Conjunctivitis / blepharitis / keratitis"), 1, 1,
    ),
    "blurred_vision": ("mucous_membranes_eyes", gettext_noop("Blurred vision"), 2, 3),
    "sudden_visual_loss": ("mucous_membranes_eyes", gettext_noop("Sudden visual loss"), None, 6),
    "uveitis": ("mucous_membranes_eyes", gettext_noop("Uveitis"), 2, 6),
    "retinal_changes": (
        "mucous_membranes_eyes", gettext_noop("Retinal changes (vasculitis / thrombosis / exudate / haemorrhage)"),
        2, 6,
    ),
    "bloody_nasal_discharge": ("ent", gettext_noop("Bloody nasal discharge / crusts / ulcers / granulomata"), 2, 4),
    "paranasal_sinus_involvement": ("ent", gettext_noop("Paranasal sinus involvement"), 1, 2),
    "subglottic_stenosis": ("ent", gettext_noop("Subglottic stenosis"), 3, 6),
    "conductive_hearing_loss": ("ent", gettext_noop("Conductive hearing loss"), 1, 3),
    "sensorineural_hearing_loss": ("ent", gettext_noop("Sensorineural hearing loss"), 2, 6),
    "wheeze": ("chest", gettext_noop("Wheeze"), 1, 2),
    "nodules_or_cavities": ("chest", gettext_noop("Nodules or cavities"), None, 3),
    "pleural_effusion_pleurisy": ("chest", gettext_noop("Pleural effusion / pleurisy"), 2, 4),
    "infiltrate": ("chest", gettext_noop("Infiltrate"), 2, 4),
    "endobronchial_involvement": ("chest", gettext_noop("Endobronchial involvement"), 2, 4),
    "massive_haemoptysis_alveolar_haemorrhage": (
        "chest", gettext_noop("Massive haemoptysis / alveolar haemorrhage"), 4, 6,
    ),
    "respiratory_failure": ("chest", gettext_noop("Respiratory failure"), 4, 6),
    "loss_of_pulses": ("cardiovascular", gettext_noop("Loss of pulses"), 1, 4),
    "valvular_heart_disease": ("cardiovascular", gettext_noop("Valvular heart disease"), 2, 4),
    "pericarditis": ("cardiovascular", gettext_noop("Pericarditis"), 1, 3),
    "ischaemic_cardiac_pain": ("cardiovascular", gettext_noop("Ischaemic cardiac pain"), 2, 4),
    "cardiomyopathy": ("cardiovascular", gettext_noop("Cardiomyopathy"), 3, 6),
    "congestive_cardiac_failure": ("cardiovascular", gettext_noop("Congestive cardiac failure"), 3, 6),
    "peritonitis": ("abdominal", gettext_noop("Peritonitis"), None, 9),
    "bloody_diarrhoea": ("abdominal", gettext_noop("Bloody diarrhoea"), None, 9),
    "ischaemic_abdominal_pain": ("abdominal", gettext_noop("Ischaemic abdominal pain"), 2, 6),
    "hypertension": ("renal", gettext_noop("Hypertension"), 1, 4),
    "proteinuria": ("renal", gettext_noop("Proteinuria > 1+"), 2, 4),
    "haematuria": ("renal", gettext_noop("Haematuria ≥ 10 RBC/hpf"), 3, 6),
    "creatinine_125_249": ("renal", gettext_noop("Serum creatinine 125–249 µmol/L (first assessment only)"), 2, 4),
    "creatinine_250_499": ("renal", gettext_noop("Serum creatinine 250–499 µmol/L (first assessment only)"), 3, 6),
    "creatinine_500_plus": ("renal", gettext_noop("Serum creatinine ≥ 500 µmol/L (first assessment only)"), 4, 8),
    "creatinine_rise_or_crcl_fall": (
        "renal", gettext_noop("Rise in serum creatinine > 30% or fall in creatinine clearance > 25%"), None, 6,
    ),
    "headache": ("nervous_system", gettext_noop("Headache"), 1, 1),
    "meningitis": ("nervous_system", gettext_noop("Meningitis"), 1, 3),
    "organic_confusion": ("nervous_system", gettext_noop("Organic confusion"), 1, 3),
    "seizures": ("nervous_system", gettext_noop("Seizures (not hypertensive)"), 3, 9),
    "cva": ("nervous_system", gettext_noop("Cerebrovascular accident"), 3, 9),
    "spinal_cord_lesion": ("nervous_system", gettext_noop("Spinal cord lesion"), 3, 9),
    "cranial_nerve_palsy": ("nervous_system", gettext_noop("Cranial nerve palsy"), 3, 6),
    "sensory_peripheral_neuropathy": ("nervous_system", gettext_noop("Sensory peripheral neuropathy"), 3, 6),
    "mononeuritis_multiplex": ("nervous_system", gettext_noop("Mononeuritis multiplex"), 3, 9),
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
