"""Demo screening records for `seed_demo`: for each indication a complete
record, plus records in other states (incomplete, not eligible).

The data have the snapshot's shape and go through the same forms as the browser
(`screening.exchange.loader`), so demo data can never hold what a coordinator could not enter.
"""

import copy
import datetime

from django.utils import timezone

from ..crf.recording import save_with_audit
from ..models import ScreeningRecord
from .loader import load_sections

DEMO_PASSWORD = "trialsite-demo-2026"


def _months(d, n):
    from ..calculators.dates import add_months

    return add_months(d, n)


def complete_record_data(indication, today=None):
    """CRF data of a subject who meets every criterion for `indication`."""
    today = today or timezone.localdate()
    scr = today - datetime.timedelta(days=5)
    consent = scr - datetime.timedelta(days=1)
    no = False
    record = {
        "initials": "DM", "sex": "F", "date_of_birth": datetime.date(1984, 6, 12),
        "indication": indication, "screening_date": scr, "consent_date": consent,
        "consent_version": "v2.0", "planned_ld_date": scr + datetime.timedelta(days=21),
    }

    def lab(analyte, value, unit, uln=None, lln=None):
        return {"analyte": analyte, "sample_date": scr, "value": value, "unit": unit, "uln": uln, "lln": lln}

    labs = [
        lab("hb", 118, "g/L", 150, 115), lab("anc", 3.2, "10^9/L", 7.5, 1.8), lab("wbc", 5.4, "10^9/L", 10, 4),
        lab("plt", 210, "10^9/L", 350, 125), lab("creatinine", 70, "umol/L", 97, 45),
        lab("alt", 22, "U/L", 40), lab("ast", 25, "U/L", 40), lab("tbil", 10, "umol/L", 21),
        lab("pt", 12, "s", 14, 11), lab("inr", 1.0, "ratio", 1.2, 0.8), lab("aptt", 30, "s", 40, 25),
    ]
    sections = {
        "organ": {
            "weight": 62, "weight_unit": "kg", "height_cm": 165, "spo2_room_air": 97, "ventilatory_support": no,
            "pleural_effusion": no, "echo_date": scr, "lvef": 60, "pericardial_effusion": no,
            "echo_pap": 25, "pap_readings_complete": True, "ecg_date": scr, "ecg_abnormality": no,
            "crcl_hydration": no, "creatinine_hydration": no,
        },
        "infection": {
            "sample_date": scr, "hbsag": "negative", "anti_hbc": "negative", "anti_hcv": "negative",
            "hiv": "negative", "syphilis_treponemal": "negative", "syphilis_nontreponemal": "negative",
            "igra": "negative", "igra_date": scr, "chest_imaging_date": scr,
            "chest_imaging_active_tb": no, "tb_symptoms": no,
        },
        "reproductive": {
            "surgically_sterile": no, "postmenopausal": no, "pregnancy_test_date": scr,
            "pregnancy_test": "negative", "contraception_agreed": True, "gamete_donation_refrained": True,
        },
        "history": {
            "primary_cns_lymphoma": no, "kidney_transplant": no, "expected_renal_support": no,
            "heart_failure": no, "myocardial_infarction_ever": no, "unstable_angina": no, "severe_arrhythmia": no,
            "stroke": no, "nyha_class": "none", "other_autoimmune": no, "non_iim_myopathy": no,
            "malignancy": no, "allergy_study_drugs": no, "severe_allergic_reaction": no,
            "prior_cell_therapy": no, "prohibited_medication": no,
            "medications_complete": True, "events_complete": True,
        },
    }

    def course(drug, dose, unit, frequency, start, stop=None, **extra):
        return {"drug": drug, "dose": dose, "dose_unit": unit, "route": "oral", "frequency": frequency,
                "start_date": start, "stop_date": stop, "ongoing": stop is None, "purpose": "treatment", **extra}

    year_ago = _months(scr, -12)
    medications = [course("prednisone", 10, "mg", "once_daily", year_ago)]
    rows = {"labs": labs, "medications": medications, "events": [], "pfts": [], "mrss": [], "bvas_items": [],
            "pap_readings": [{"reading_date": _months(scr, -7), "pap": 30, "method": "echo"}]}

    if indication == "SLE":
        medications += [
            course("hydroxychloroquine", 200, "mg", "twice_daily", year_ago),
            course("mycophenolate", 1, "g", "twice_daily", _months(scr, -8)),
        ]
        sle = {f"eular_{c}": no for c in _sle_items()} | {f"sledai_{c}": no for c in _sledai_items()}
        sle.update({
            "diagnosis_date": _months(scr, -36), "ana_test": "titre", "ana_titre": 320,
            "ana_date": _months(scr, -36), "ana_lab_cutoff": 80, "eular_acute_cutaneous_lupus": True,
            "eular_joint_involvement": True, "eular_anti_dsdna_or_anti_sm": True, "eular_low_c3_and_c4": True,
            "sledai_date": scr, "sledai_arthritis": True, "sledai_rash": True, "sledai_low_complement": True,
            "sledai_increased_dna_binding": True, "serology_date": scr, "screening_ana": "positive",
            "screening_anti_dsdna": "positive", "lupus_crisis_ever": no, "active_cns_lupus": no,
            "severe_haemolytic_anaemia": no, "severe_thrombocytopenic_purpura": no, "severe_neutropenia": no,
            "severe_myocardial_involvement": no, "severe_pneumonitis": no, "severe_hepatitis": no,
            "severe_vasculitis": no,
        })
        sections["sle"] = sle
    elif indication == "AAV":
        medications += [course("rituximab", 1, "g", "every_2_weeks", _months(scr, -24), _months(scr, -18))]
        medications[0]["start_date"] = _months(scr, -24)
        sections["aav"] = {
            "diagnosis": "GPA", "diagnosis_date": _months(scr, -30), "anca_date": scr, "pr3_anca": "positive",
            "mpo_anca": "negative", "bvas_date": scr, "remission_reached": True,
            "remission_date": _months(scr, -12), "remission_bvas": 0, "remission_gc_dose": 5,
            "relapse_date": scr - datetime.timedelta(days=30), "relapse_kind": "major",
        }
        rows["bvas_items"] = [
            {"item": "infiltrate", "new_or_worse": True, "major": True},
            {"item": "paranasal_sinus_involvement", "new_or_worse": True, "major": False},
        ]
    elif indication == "IIM":
        record["date_of_birth"] = datetime.date(1975, 7, 21)
        medications += [
            course("methotrexate", 15, "mg", "weekly", _months(scr, -12), _months(scr, -6), outcome="inadequate_response"),
            course("azathioprine", 100, "mg", "once_daily", _months(scr, -6), outcome="inadequate_response"),
        ]
        iim = {f"eular_{c}": no for c in _iim_items()}
        iim.update({
            "symptom_onset_date": _months(scr, -24), "eular_weakness_upper_proximal": True,
            "eular_weakness_lower_proximal": True, "eular_heliotrope_rash": True, "eular_gottron_papules": True,
            "eular_enzymes_raised": True, "biopsy_done": no, "finger_flexor_weakness": no,
            "treatment_response": no, "anti_srp": "negative", "anti_hmgcr": "negative", "subclass": "DM",
            "assessment_date": scr, "patient_global": 5, "physician_global": 4, "extramuscular_global": 3,
            "patient_global_unit": "cm", "physician_global_unit": "cm", "extramuscular_global_unit": "cm",
            "haq_di": 1.0,
        })
        iim.update({f"mmt8_{g}": 8 for g in _mmt8_groups()})
        for e in iim:
            if e.startswith("eular_biopsy_"):
                iim[e] = None
        sections["iim"] = iim
        rows["labs"] += [lab("ck", 2400, "U/L", 200), lab("ldh", 380, "U/L", 250), lab("aldolase", 12, "U/L", 7.6)]
    elif indication == "DCSSC":
        medications[0]["start_date"] = _months(scr, -18)
        medications += [
            course("cyclophosphamide", 750, "mg", "every_4_weeks", _months(scr, -18), _months(scr, -11)),
            course("mycophenolate", 1, "g", "twice_daily", _months(scr, -10)),
        ]
        ssc = {f"acr_{c}": no for c in _ssc_items()}
        ssc.update({
            "acr_skin_proximal_to_mcp": True, "acr_raynaud": True, "acr_anti_topoisomerase": True,
            "skin_proximal_elbows_knees": True, "skin_trunk": no, "ild_present": True,
            "ild_diagnosis_date": _months(scr, -2), "therapy_outcome": "no_response",
        })
        sections["ssc"] = ssc
        rows["pfts"] = [{"test_date": scr, "fvc_pct": 62, "dlco_pct": 55}]
        rows["mrss"] = [_mrss(_months(scr, -4), 1), _mrss(scr, 2)]
    sections["judgement"] = {
        "survival_over_6_months": True, "coagulation_adequate": True, "tb_active": no, "unsuitable": no,
    }
    return record, {"sections": sections, **rows}


def _mrss(day, score):
    from ..calculators.mrss import MRSS_SITES

    return {"assessment_date": day, **{site: score for site in MRSS_SITES}}


def _sle_items():
    from ..calculators.sle_classification import SLE_2019_DOMAINS

    return [code for items in SLE_2019_DOMAINS.values() for code in items]


def _sledai_items():
    from ..calculators.sledai import SLEDAI_2K

    return list(SLEDAI_2K)


def _iim_items():
    from ..calculators.iim import IIM_2017_ITEMS

    return list(IIM_2017_ITEMS)


def _mmt8_groups():
    from ..calculators.mmt8 import MMT8_GROUPS

    return list(MMT8_GROUPS)


def _ssc_items():
    from ..calculators.ssc import SSC_2013_ITEMS

    return list(SSC_2013_ITEMS)


def create_record(site, user, record_values, data, reason="Demo data", judged_by=None):
    """Create a record and its CRF data; judgement items attributed to `judged_by`."""
    record = ScreeningRecord(site=site, **record_values)
    save_with_audit(record, user, reason)
    data = copy.deepcopy(data)
    judgement = data["sections"].pop("judgement", None)
    load_sections(record, data, user, reason)
    if judgement and judged_by is not None:
        load_sections(record, {"sections": {"judgement": judgement}}, judged_by, reason)
    from ..checklist.evaluation import evaluate_record, track_status

    track_status(evaluate_record(record), user)
    return record


def seed_records(site, coordinator, investigator):
    """Idempotent: a site that has records already is left alone."""
    if ScreeningRecord.objects.filter(site=site).exists():
        return []
    created = []
    for indication in ("SLE", "AAV", "IIM", "DCSSC"):
        values, data = complete_record_data(indication)
        created.append(create_record(site, coordinator, values, data, judged_by=investigator))
        # The same subject profile, still being entered: no labs yet.
        values, data = complete_record_data(indication)
        data["labs"] = []
        data["sections"].pop("judgement")
        created.append(create_record(site, coordinator, dict(values, initials="PK"), data))
    # A screen failure: haemoglobin below 80 g/L.
    values, data = complete_record_data("SLE")
    data["labs"][0]["value"] = 72
    created.append(create_record(site, coordinator, dict(values, initials="HB"), data, judged_by=investigator))
    return created
