"""Every threshold, window and interpretation of the eligibility checklist, in one place.

/work/shared/protocol/eligibility-checklist.md is the contract. The protocol text lost
its ≥/≤ signs, so each direction here is an interpretation; a sponsor's answer to an
open question (clinical-instruments.md §5) should change one line of this module.
Comparison words: *_MIN means "≥", *_MAX means "≤", unless the comment says strict.
"""

from screening.calculators.glucocorticoids import (
    PULSE_THRESHOLD_MG,
    REMISSION_GC_LIMIT_MG,
    TAPER_LIMIT_MG,
)
from screening.calculators.iim import IIM_PROBABILITY_THRESHOLD
from screening.calculators.mmt8 import MMT8_THRESHOLD
from screening.calculators.sle_classification import SLE_2019_THRESHOLD
from screening.calculators.sledai import SLEDAI_2K_THRESHOLD
from screening.calculators.ssc import SSC_2013_THRESHOLD
from screening.vocabulary import (
    ANTIMALARIAL,
    BIOLOGIC,
    GLUCOCORTICOID,
    IMMUNOSUPPRESSANT,
)

from .messages import _

# --- Reference dates --------------------------------------------------------------
# A "screening sample" is dated on/after the consent date and not after SCR + this.
SCREENING_WINDOW_DAYS = 28

# --- General inclusion ------------------------------------------------------------
AGE_MIN = 18  # INC-01, completed years on SCR, inclusive
AGE_MAX = 65
HB_MIN_G_L = 80  # INC-04a
ANC_MIN = 1.5  # INC-04b, × 10⁹/L
PLT_MIN = 50  # INC-04c, × 10⁹/L
CBC_SUPPORT_WINDOW_DAYS = 7  # INC-04d: sample date and the 7 days before it
CBC_ANALYTES = ("hb", "anc", "plt")  # the blood count samples INC-04d protects
CBC_SUPPORT_EVENTS = ("transfusion", "growth_factor")
COAGULATION_ANALYTES = ("pt", "inr", "aptt")  # INC-04e evidence
CRCL_MIN = 50  # INC-05a, mL/min
CREATININE_MAX_ULN = 1.5  # INC-05b
ALT_MAX_ULN = 2.5  # INC-06a
AST_MAX_ULN = 2.5  # INC-06b
TBIL_MAX_ULN = 1.5  # INC-06c
SPO2_MIN = 92  # INC-07a, % on room air
LVEF_MIN = 40  # INC-08a, % (the SLE-only sibling trial's 50 % is not used)
POSTMENOPAUSE_MONTHS = 24  # INC-09/10: postmenopausal ≥ 2 years on SCR = not of childbearing potential

# --- SLE ------------------------------------------------------------------------
SLE_CLASSIFICATION_MIN = SLE_2019_THRESHOLD  # 10 points
SLE_DURATION_MONTHS = 6  # diagnosis date ≤ SCR − 6 calendar months (not 24 weeks)
SLEDAI_MIN = SLEDAI_2K_THRESHOLD  # 8
# INC-SLE-01 entry criterion: ANA ≥ 1:80 on HEp-2 cells at least once, or an equivalent positive test
# (Aringer 2019). The titre is compared as its denominator; the lab's own cut-off is evidence only.
ANA_ENTRY_TITRE_MIN = 80
ANA_ENTRY_NOTE = (
    _("2019 EULAR/ACR entry criterion: ANA ≥ 1:80 on HEp-2 cells, or a positive result of an equivalent "
    "test, at least once; the lab's own cut-off does not change it.")
)
SLE_THERAPY_MONTHS = 2
SLE_THERAPY_CLASSES = frozenset({GLUCOCORTICOID, ANTIMALARIAL, IMMUNOSUPPRESSANT, BIOLOGIC})

# --- AAV ------------------------------------------------------------------------
AAV_DIAGNOSES = ("GPA", "MPA")  # CHCC 2012; EGPA is excluded (EXC-06)
AAV_MAJOR_MIN = 1  # INC-AAV-02: ≥ 1 major item ...
AAV_OTHER_MIN = 3  # ... or ≥ 3 other items
AAV_RELAPSE_DAYS = 84  # recurrence within 12 weeks before SCR
AAV_THERAPY_MONTHS = 3  # glucocorticoid given together with an immunosuppressant
AAV_REMISSION_BVAS = 0
AAV_REMISSION_GC_MAX_MG = REMISSION_GC_LIMIT_MG  # 7.5 mg/day prednisone-equivalent
AAV_RELAPSE_KINDS = ("major", "three_other", "new_items_twice")

# --- IIM ------------------------------------------------------------------------
IIM_PROBABILITY_MIN = IIM_PROBABILITY_THRESHOLD  # 0.55, by the logistic formula
IIM_SUBCLASSES = ("DM", "PM", "IMNM")
MMT8_MAX_TOTAL = MMT8_THRESHOLD  # 141 of 150
IIM_VAS_MIN = 2  # cm on 0–10
IIM_HAQ_MIN = 0.25
IIM_ENZYME_ABOVE_ULN = 1.5  # strictly greater than 1.5 × ULN
IIM_ENZYMES = ("ck", "aldolase", "ldh", "alt", "ast")
IIM_CSM_MIN = 2  # at least 2 of the 5 other core set measures
IIM_THERAPY_MONTHS = 3
IIM_MIN_IMMUNOSUPPRESSANTS = 2  # the stricter of the protocol's two statements, see IIM_04_NOTE
IIM_FAILED_OUTCOMES = ("inadequate_response", "intolerance")
IIM_04_NOTE = (
    _("The protocol first says 'at least one other immunosuppressant' and then requires "
    "'at least 2 immunosuppressants … for at least 3 months'; the stricter, specific "
    "requirement (≥ 2) is applied.")
)

# --- dcSSc ----------------------------------------------------------------------
SSC_CLASSIFICATION_MIN = SSC_2013_THRESHOLD  # 9
SSC_THERAPY_MONTHS = 6
SSC_FAILED_OUTCOMES = ("no_response", "relapse")
FVC_MIN, FVC_MAX = 45, 70  # % predicted, inclusive
DLCO_MIN, DLCO_MAX = 40, 70  # % predicted, inclusive
SSC_ACTIVITY_MONTHS = 6  # INC-SSC-05 look-back
MRSS_INCREASE_MIN = 0.10  # relative rise (not points)
FVC_DECLINE_MIN = 0.10  # relative fall
FVC_DECLINE_WITH_DLCO_MIN = 0.05  # relative FVC fall, together with ...
DLCO_DECLINE_MIN = 0.15  # ... a relative DLCO fall
SSC_CHANGE_NOTE = _("Changes are relative to the earlier value, not percentage points.")

# --- Exclusions -----------------------------------------------------------------
PAP_MAX = 60  # EXC-01: > 60 mmHg (strict) excludes
PAP_LOOKBACK_MONTHS = 12
KIDNEY_SUPPORT_MONTHS = 3  # EXC-04: dialysis / plasmapheresis before SCR
KIDNEY_SUPPORT_EVENTS = ("dialysis", "plasmapheresis")
KIDNEY_PULSE_MONTHS = 1  # EXC-04: pulse glucocorticoid before SCR
PULSE_MIN_MG = PULSE_THRESHOLD_MG  # ≥ 500 mg/day prednisone-eq (= 400 mg methylprednisolone)
MI_MONTHS = 6  # EXC-05: the most recent acute MI within 6 calendar months before SCR excludes
LUPUS_CRISIS_MONTHS = 3  # EXC-03: the most recent lupus crisis within 3 calendar months before SCR excludes
EVENT_WINDOW_NOTE = (
    _("Within N months before SCR: SCR − N calendar months ≤ date; an event after SCR is more recent still.")
)
NYHA_EXCLUDED = ("III", "IV")
# EXC-08: kinds the checklist allows whatever their course; non-melanoma skin cancer only when resected
# and cured; any other malignancy recovered (no recurrence, no treatment needed) with its last
# treatment on or before SCR − 24 calendar months.
MALIGNANCY_EXCEPTIONS = ("cervical_cis", "prostate_localised", "bladder_low_stage", "dcis")
MALIGNANCY_CURED_EXCEPTION = ("nmsc", "resected_cured")  # (kind, status)
MALIGNANCY_RECOVERED = ("recovered", "resected_cured")  # statuses saying recovered, no recurrence, no treatment
MALIGNANCY_FREE_MONTHS = 24  # last treatment ≥ 2 years before SCR
# EXC-10a: every kind of row but an in vivo gene therapy is a cell therapy the checklist excludes.
CELL_THERAPY_EXCLUDED = ("hsct_autologous", "hsct_allogeneic", "car_t", "other_cell")
# EXC-12: HBV DNA "above the lab's lower limit": a quantified value above the row's lower limit of
# quantification, in the row's own unit (no IU/mL ↔ copies/mL conversion: the factor is assay-dependent,
# and the checklist sets no threshold in IU/mL); a value equal to the limit is not above it.
HBV_DNA_ABOVE = ("above_lloq",)
HBV_DNA_CLEAR = ("not_detected", "below_lloq")
LD_PULSE_MONTHS = 2  # EXC-10b
LD_BIOLOGIC_MONTHS = 1  # EXC-10c
LD_EVENT_MONTHS = 1  # EXC-10d
LD_EVENTS = ("major_surgery", "live_vaccine", "investigational_treatment")
LD_INFECTION_DAYS = 14  # EXC-10e
TAPER_DAYS = 7  # EXC-11: LD − 7 to LD − 1
TAPER_MAX_MG = TAPER_LIMIT_MG  # ≤ 20 mg/day prednisone-eq on each of those days
TB_IMAGING_MONTHS = 6  # EXC-13: chest imaging at screening or in the 6 months before SCR

EXC_07_NOTE = (
    _("The protocol's 'family history' of non-IIM myopathy is read as a mistranslation "
    "of the subject's own history.")
)
AAV_02_NOTE = (
    _("BVAS v3 labels no item 'major'; the assessing physician classes each present item.")
)
INC_04E_NOTE = _("The protocol states no coagulation threshold; the investigator confirms adequacy.")
LD_PLANNED_NOTE = (
    _("Provisional: window counted back from the planned lymphodepletion date; "
    "re-evaluate on the actual date (pre-lymphodepletion confirmation).")
)
LD_SCREENING_NOTE = (
    _("Provisional: no lymphodepletion date yet, so the window is counted back from the "
    "screening date; re-evaluate on the actual date (pre-lymphodepletion confirmation).")
)
LD_ACTUAL_NOTE = _("Window counted back from the actual lymphodepletion start date.")
