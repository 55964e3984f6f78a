"""2019 EULAR/ACR classification criteria for SLE (Aringer 2019; reference §3.2).

Entry: ANA ≥ 1:80 on HEp-2 cells at least once. Then, counting only the
highest-weighted item in each domain, SLE is classified with ≥ 10 points and at
least one clinical item. Maximum 51 (39 clinical + 12 immunological).
"""

from dataclasses import dataclass
from typing import Mapping

from .scores import yes_no_answers
from .texts import gettext_noop

SLE_2019_THRESHOLD = 10
ANA_ENTRY = "ana_entry"  # the name the entry criterion carries in `unanswered`

# domain -> item code -> weight. Leukopenia is 3 (one public calculator says 2: wrong).
SLE_2019_DOMAINS: dict[str, dict[str, int]] = {
    "constitutional": {"fever": 2},
    "haematologic": {"leukopenia": 3, "thrombocytopenia": 4, "autoimmune_haemolysis": 4},
    "neuropsychiatric": {"delirium": 2, "psychosis": 3, "seizure": 5},
    "mucocutaneous": {
        "non_scarring_alopecia": 2,
        "oral_ulcers": 2,
        "subacute_or_discoid_lupus": 4,
        "acute_cutaneous_lupus": 6,
    },
    "serosal": {"pleural_or_pericardial_effusion": 5, "acute_pericarditis": 6},
    "musculoskeletal": {"joint_involvement": 6},
    "renal": {"proteinuria": 4, "lupus_nephritis_class_2_or_5": 8, "lupus_nephritis_class_3_or_4": 10},
    "antiphospholipid": {"antiphospholipid": 2},
    "complement": {"low_c3_or_c4": 3, "low_c3_and_c4": 4},
    "sle_specific_antibodies": {"anti_dsdna_or_anti_sm": 6},
}

CLINICAL_DOMAINS = (
    "constitutional",
    "haematologic",
    "neuropsychiatric",
    "mucocutaneous",
    "serosal",
    "musculoskeletal",
    "renal",
)
IMMUNOLOGICAL_DOMAINS = ("antiphospholipid", "complement", "sle_specific_antibodies")

SLE_2019_LABELS: dict[str, str] = {
    "fever": gettext_noop("Fever > 38.3 °C"),
    "leukopenia": gettext_noop("Leukopenia < 4 × 10⁹/L"),
    "thrombocytopenia": gettext_noop("Thrombocytopenia < 100 × 10⁹/L"),
    "autoimmune_haemolysis": gettext_noop("Autoimmune haemolysis"),
    "delirium": gettext_noop("Delirium"),
    "psychosis": gettext_noop("Psychosis"),
    "seizure": gettext_noop("Seizure"),
    "non_scarring_alopecia": gettext_noop("Non-scarring alopecia"),
    "oral_ulcers": gettext_noop("Oral ulcers"),
    "subacute_or_discoid_lupus": gettext_noop("Subacute cutaneous or discoid lupus"),
    "acute_cutaneous_lupus": gettext_noop("Acute cutaneous lupus"),
    "pleural_or_pericardial_effusion": gettext_noop("Pleural or pericardial effusion"),
    "acute_pericarditis": gettext_noop("Acute pericarditis"),
    "joint_involvement": gettext_noop("Joint involvement"),
    "proteinuria": gettext_noop("Proteinuria > 0.5 g/24 h"),
    "lupus_nephritis_class_2_or_5": gettext_noop("Renal biopsy: class II or V lupus nephritis"),
    "lupus_nephritis_class_3_or_4": gettext_noop("Renal biopsy: class III or IV lupus nephritis"),
    "antiphospholipid": gettext_noop("Anticardiolipin, anti-β2GP1 or lupus anticoagulant"),
    "low_c3_or_c4": gettext_noop("Low C3 or low C4"),
    "low_c3_and_c4": gettext_noop("Low C3 and low C4"),
    "anti_dsdna_or_anti_sm": gettext_noop("Anti-dsDNA or anti-Smith antibody"),
}


@dataclass(frozen=True)
class SleClassification:
    entry: bool | None  # ANA entry criterion
    total: int  # highest True item per domain, summed
    max_possible: int  # the same with unanswered items counted as present
    has_clinical: bool  # a True item in a clinical domain
    clinical_possible: bool  # a True or unanswered item in a clinical domain
    domain_points: dict[str, int]  # every domain -> its points from True items (0 if none)
    unanswered: tuple[str, ...]  # "ana_entry" when entry is None, then item codes
    classified: bool | None  # None: undetermined until more is answered


def classify_sle_2019(ana_entry: bool | None, items: Mapping[str, bool | None]) -> SleClassification:
    """Whether the 2019 EULAR/ACR SLE criteria are met, not met, or undetermined."""
    if ana_entry is not None and not isinstance(ana_entry, bool):
        raise ValueError(f"ana_entry must be True, False or None, got {ana_entry!r}")
    all_codes = [code for weights in SLE_2019_DOMAINS.values() for code in weights]
    answers = yes_no_answers(items, all_codes)

    domain_points, domain_max = {}, {}
    for domain, weights in SLE_2019_DOMAINS.items():
        present = [w for code, w in weights.items() if answers[code] is True]
        possible = [w for code, w in weights.items() if answers[code] is not False]
        domain_points[domain] = max(present, default=0)
        domain_max[domain] = max(possible, default=0)

    total = sum(domain_points.values())
    max_possible = sum(domain_max.values())
    has_clinical = any(domain_points[d] > 0 for d in CLINICAL_DOMAINS)
    clinical_possible = any(domain_max[d] > 0 for d in CLINICAL_DOMAINS)
    unanswered = ((ANA_ENTRY,) if ana_entry is None else ()) + tuple(
        code for code in all_codes if answers[code] is None
    )

    if ana_entry is False or max_possible < SLE_2019_THRESHOLD or not clinical_possible:
        classified = False
    elif ana_entry is True and total >= SLE_2019_THRESHOLD and has_clinical:
        classified = True
    else:
        classified = None
    return SleClassification(
        ana_entry, total, max_possible, has_clinical, clinical_possible, domain_points, unanswered, classified
    )
