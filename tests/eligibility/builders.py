"""Pure factories for eligibility snapshots (no Django).

`build(indication, **changes)` gives a complete snapshot that evaluates ELIGIBLE for
that indication; keyword arguments change one part of it:
- `record={...}` merges into the record;
- a section key (`organ={...}`, `sle={...}`, `judgement={...}` ...) merges into that section;
  `drop_sections=("organ",)` removes whole sections;
- `labs={"hb": {"value": 79}}` changes the default screening lab of an analyte
  (`None` removes it); `extra_labs=[lab(...)]` adds rows;
- `medications=[...]`, `events=[...]`, `pfts=[...]`, `mrss=[...]`, `bvas_items=[...]`, `pap_readings=[...]`,
  `malignancies=[...]`, `hbv_dna_tests=[...]`, `cell_therapies=[...]` replace those rows; `extra_medications=[...]` / `extra_events=[...]` add to them.
"""

from datetime import date, timedelta

from screening.calculators.dates import add_months
from screening.calculators.iim import IIM_2017_ITEMS
from screening.calculators.mmt8 import MMT8_GROUPS
from screening.calculators.mrss import MRSS_SITES
from screening.calculators.sle_classification import SLE_2019_DOMAINS
from screening.calculators.sledai import SLEDAI_2K
from screening.calculators.ssc import SSC_2013_ITEMS
from screening.eligibility.engine import evaluate
from screening.eligibility.snapshot import Snapshot

SCR = date(2026, 11, 2)
CONSENT = SCR - timedelta(days=1)
PLANNED_LD = SCR + timedelta(days=21)
INDICATIONS = ("SLE", "AAV", "IIM", "DCSSC")


def days(n, ref=SCR):
    return ref + timedelta(days=n)


def months(n, ref=SCR):
    return add_months(ref, n)


def lab(analyte, value, unit, uln=None, day=SCR, lln=None, not_done=False):
    return {"analyte": analyte, "sample_date": day, "not_done": not_done, "value": value, "unit": unit,
            "lln": lln, "uln": uln}


def course(drug, dose, unit, frequency, start, stop=None, **extra):
    return {"drug": drug, "drug_other": "", "dose": dose, "dose_unit": unit, "route": "oral",
            "frequency": frequency, "start_date": start, "stop_date": stop, "ongoing": stop is None,
            "purpose": "treatment", "outcome": None, **extra}


def event(kind, start, end=None, **extra):
    return {"kind": kind, "start_date": start, "end_date": end, "description": "", "systemic_treatment": None,
            "treatment_end": None, **extra}


def pap(day, mmhg, method="echo"):
    return {"reading_date": day, "pap": mmhg, "method": method}


def malignancy(kind, status, last=None, diagnosed=None, description=""):
    return {"kind": kind, "description": description, "diagnosis_date": diagnosed, "last_treatment_date": last,
            "disease_status": status}


def hbv(result, value=None, unit="", lloq=None, day=SCR):
    return {"sample_date": day, "result": result, "value": value, "unit": unit, "lloq": lloq}


def cell_therapy(kind, day=None, product=""):
    return {"kind": kind, "product": product, "therapy_date": day}


def pft(day, fvc, dlco):
    return {"test_date": day, "fvc_pct": fvc, "dlco_pct": dlco}


def mrss(day, score):
    return {"assessment_date": day, **{site: score for site in MRSS_SITES}}


def bvas(item, major=True, new_or_worse=True):
    return {"item": item, "new_or_worse": new_or_worse, "major": major}


DEFAULT_LABS = {
    "hb": lab("hb", 118, "g/L", 150, lln=115),
    "anc": lab("anc", 3.2, "10^9/L", 7.5, lln=1.8),
    "wbc": lab("wbc", 5.4, "10^9/L", 10, lln=4),
    "plt": lab("plt", 210, "10^9/L", 350, lln=125),
    "creatinine": lab("creatinine", 70, "umol/L", 97, lln=45),
    "alt": lab("alt", 22, "U/L", 40),
    "ast": lab("ast", 25, "U/L", 40),
    "tbil": lab("tbil", 10, "umol/L", 21),
    "pt": lab("pt", 12, "s", 14, lln=11),
    "inr": lab("inr", 1.0, "ratio", 1.2, lln=0.8),
    "aptt": lab("aptt", 30, "s", 40, lln=25),
}
IIM_LABS = {
    "ck": lab("ck", 2400, "U/L", 200),
    "ldh": lab("ldh", 380, "U/L", 250),
    "aldolase": lab("aldolase", 12, "U/L", 7.6),
}


def _common_sections():
    return {
        "organ": {
            "weight": 62.0, "weight_unit": "kg", "height_cm": 165.0, "spo2_room_air": 97.0, "spo2_not_done": False,
            "ventilatory_support": False, "pleural_effusion": False, "echo_date": SCR, "lvef": 60.0,
            "pericardial_effusion": False, "echo_pap": 25.0, "pap_readings_complete": True, "ecg_date": SCR,
            "ecg_abnormality": False, "crcl_hydration": False, "creatinine_hydration": False,
        },
        "infection": {
            "sample_date": SCR, "hbsag": "negative", "anti_hbc": "negative",
            "anti_hcv": "negative", "hcv_rna": None, "hiv": "negative", "syphilis_treponemal": "negative",
            "syphilis_nontreponemal": "negative", "igra": "negative", "igra_date": SCR, "chest_imaging_date": SCR,
            "chest_imaging_active_tb": False, "tb_symptoms": False,
        },
        "reproductive": {
            "surgically_sterile": False, "postmenopausal": False, "last_menstrual_period": None,
            "pregnancy_test_date": SCR, "pregnancy_test": "negative", "contraception_agreed": True,
            "gamete_donation_refrained": True,
        },
        "history": {
            "primary_cns_lymphoma": False, "kidney_transplant": False, "expected_renal_support": False,
            "heart_failure": False, "myocardial_infarction_ever": False, "myocardial_infarction_date": None,
            "unstable_angina": False, "severe_arrhythmia": False, "stroke": False, "nyha_class": "none",
            "other_autoimmune": False, "other_autoimmune_detail": "", "non_iim_myopathy": False,
            "non_iim_myopathy_kind": "", "malignancy": False, "allergy_study_drugs": False,
            "severe_allergic_reaction": False, "allergy_agent": "", "prior_cell_therapy": False,
            "prohibited_medication": False,
            "medications_complete": True, "events_complete": True,
        },
        "judgement": {
            "survival_over_6_months": True, "coagulation_adequate": True, "syphilis_active": None,
            "tb_active": False, "myopathy_excluded": None, "allergy_excluded": None, "unsuitable": False,
            "unsuitable_reason": "",
        },
    }


def sle_section():
    section = {f"eular_{c}": False for items in SLE_2019_DOMAINS.values() for c in items}
    section |= {f"sledai_{c}": False for c in SLEDAI_2K}
    section.update({
        "diagnosis_date": months(-36), "ana_test": "titre", "ana_titre": 320, "ana_date": months(-36),
        "ana_lab_cutoff": 80, "eular_acute_cutaneous_lupus": True,
        "eular_joint_involvement": True, "eular_anti_dsdna_or_anti_sm": True, "eular_low_c3_and_c4": True,
        "sledai_date": SCR, "sledai_arthritis": True, "sledai_rash": True, "sledai_low_complement": True,
        "sledai_increased_dna_binding": True,  # 4 + 2 + 2 + 2 = 10
        "serology_date": SCR, "screening_ana": "positive", "screening_anti_dsdna": "positive",
        "lupus_crisis_ever": False, "lupus_crisis_date": None, "active_cns_lupus": False, "severe_haemolytic_anaemia": False,
        "severe_thrombocytopenic_purpura": False, "severe_neutropenia": False,
        "severe_myocardial_involvement": False, "severe_pneumonitis": False, "severe_hepatitis": False,
        "severe_vasculitis": False,
    })
    return section


def aav_section():
    return {
        "diagnosis": "GPA", "diagnosis_date": months(-30), "anca_date": SCR, "pr3_anca": "positive",
        "mpo_anca": "negative", "bvas_date": SCR, "remission_reached": True, "remission_date": months(-12),
        "remission_bvas": 0, "remission_gc_dose": 5.0, "relapse_date": days(-30), "relapse_kind": "major",
    }


def iim_section():
    section = {f"eular_{c}": (None if c.startswith("biopsy_") else False) for c in IIM_2017_ITEMS}
    section |= {f"mmt8_{g}": 8 for g in MMT8_GROUPS}  # total 120
    section.update({
        "symptom_onset_date": months(-24), "eular_weakness_upper_proximal": True,
        "eular_weakness_lower_proximal": True, "eular_heliotrope_rash": True, "eular_gottron_papules": True,
        "eular_enzymes_raised": True, "biopsy_done": False, "finger_flexor_weakness": False,
        "treatment_response": False, "anti_srp": "negative", "anti_hmgcr": "negative", "subclass": "DM",
        "assessment_date": SCR, "patient_global": 5.0, "physician_global": 4.0, "extramuscular_global": 3.0,
        "patient_global_unit": "cm", "physician_global_unit": "cm", "extramuscular_global_unit": "cm",
        "haq_di": 1.0,
    })
    return section


def ssc_section():
    section = {f"acr_{c}": False for c in SSC_2013_ITEMS}
    section.update({
        "acr_skin_proximal_to_mcp": True, "acr_raynaud": True, "acr_anti_topoisomerase": True,
        "skin_proximal_elbows_knees": True, "skin_trunk": False, "ild_present": True,
        "ild_diagnosis_date": months(-2), "therapy_outcome": "no_response",
    })
    return section


def _indication_parts(indication):
    """(record changes, section key, section, medications, extra rows) for one indication."""
    prednisone = course("prednisone", 10, "mg", "once_daily", months(-12))
    if indication == "SLE":
        return {}, "sle", sle_section(), [
            prednisone,
            course("hydroxychloroquine", 200, "mg", "twice_daily", months(-12)),
            course("mycophenolate", 1, "g", "twice_daily", months(-8)),
        ], {}
    if indication == "AAV":
        return {}, "aav", aav_section(), [
            dict(prednisone, start_date=months(-24)),
            course("rituximab", 1, "g", "every_2_weeks", months(-24), months(-18)),
        ], {"bvas_items": [bvas("infiltrate", True), bvas("paranasal_sinus_involvement", False)]}
    if indication == "IIM":
        return {"date_of_birth": date(1975, 7, 21)}, "iim", iim_section(), [
            prednisone,
            course("methotrexate", 15, "mg", "weekly", months(-12), months(-6), outcome="inadequate_response"),
            course("azathioprine", 100, "mg", "once_daily", months(-6), outcome="inadequate_response"),
        ], {}
    if indication == "DCSSC":
        return {}, "ssc", ssc_section(), [
            dict(prednisone, start_date=months(-18)),
            course("cyclophosphamide", 750, "mg", "every_4_weeks", months(-18), months(-11)),
            course("mycophenolate", 1, "g", "twice_daily", months(-10)),
        ], {"pfts": [pft(SCR, 62.0, 55.0)], "mrss": [mrss(months(-4), 1), mrss(SCR, 2)]}
    return {}, None, None, [], {}


def build(indication="SLE", *, record=None, labs=None, extra_labs=(), medications=None, extra_medications=(),
          events=None, extra_events=(), pfts=None, mrss=None, bvas_items=None, pap_readings=(), malignancies=(),
          hbv_dna_tests=(), cell_therapies=(), drop_sections=(), **sections):
    record_changes, key, section, default_meds, rows = _indication_parts(indication)
    base_record = {
        "screening_number": "A01-0001", "sex": "F", "date_of_birth": date(1984, 6, 12), "indication": indication,
        "screening_date": SCR, "consent_date": CONSENT, "consent_version": "v2.0", "planned_ld_date": PLANNED_LD,
        "actual_ld_date": None, **record_changes, **(record or {}),
    }
    all_sections = _common_sections()
    if key:
        all_sections[key] = section
    for name, changes in sections.items():
        all_sections[name] = {**all_sections.get(name, {}), **changes}
    for name in drop_sections:
        all_sections.pop(name, None)

    lab_rows = {**DEFAULT_LABS, **(IIM_LABS if indication == "IIM" else {})}
    for analyte, changes in (labs or {}).items():
        if changes is None:
            lab_rows.pop(analyte, None)
        else:
            lab_rows[analyte] = {**lab_rows.get(analyte, lab(analyte, None, "")), **changes}
    return Snapshot(
        record=base_record,
        sections=all_sections,
        medications=tuple(default_meds if medications is None else medications) + tuple(extra_medications),
        labs=tuple(lab_rows.values()) + tuple(extra_labs),
        pfts=tuple(rows.get("pfts", []) if pfts is None else pfts),
        mrss=tuple(rows.get("mrss", []) if mrss is None else mrss),
        bvas_items=tuple(rows.get("bvas_items", []) if bvas_items is None else bvas_items),
        events=tuple(events or ()) + tuple(extra_events),
        pap_readings=tuple(pap_readings),
        malignancies=tuple(malignancies),
        hbv_dna_tests=tuple(hbv_dna_tests),
        cell_therapies=tuple(cell_therapies),
    )


def result(criterion_id, indication="SLE", **changes):
    """The result of one criterion on a builder snapshot with the given changes."""
    return evaluate(build(indication, **changes)).by_id(criterion_id)


def status(criterion_id, indication="SLE", **changes):
    return result(criterion_id, indication, **changes).status.value
