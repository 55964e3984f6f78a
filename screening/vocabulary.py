"""Coded vocabularies shared by the CRF models and the eligibility rules.

Pure Python (no Django) so the rules engine can import it. Each code is stored in
the database: never rename one, add a new code instead.

The labels are English; each is marked with gettext_noop (for `makemessages`) and
translated where it is shown: the models' choices (gettext_lazy of the label) and
the pages. What is stored, exported and hashed stays the code.
"""


def gettext_noop(text):
    """Marks a label for translation without importing Django (the rules import this module)."""
    return text


INDICATIONS = {
    "SLE": gettext_noop("Systemic lupus erythematosus (SLE)"),
    "AAV": gettext_noop("ANCA-associated vasculitis (AAV)"),
    "IIM": gettext_noop("Idiopathic inflammatory myopathy (IIM)"),
    "DCSSC": gettext_noop("Diffuse cutaneous systemic sclerosis (dcSSc)"),
}

GLUCOCORTICOID = "glucocorticoid"
ANTIMALARIAL = "antimalarial"
IMMUNOSUPPRESSANT = "immunosuppressant"
BIOLOGIC = "biologic"
ANTI_INFECTIVE = "anti_infective"
OTHER = "other"

# code: (label, classes). Rituximab is both a biologic (EXC-10c) and an
# immunosuppressant for the prior-therapy rules (AAV, SSc).
DRUGS = {
    "prednisone": (gettext_noop("Prednisone"), {GLUCOCORTICOID}),
    "prednisolone": (gettext_noop("Prednisolone"), {GLUCOCORTICOID}),
    "methylprednisolone": (gettext_noop("Methylprednisolone"), {GLUCOCORTICOID}),
    "hydrocortisone": (gettext_noop("Hydrocortisone"), {GLUCOCORTICOID}),
    "dexamethasone": (gettext_noop("Dexamethasone"), {GLUCOCORTICOID}),
    "betamethasone": (gettext_noop("Betamethasone"), {GLUCOCORTICOID}),
    "triamcinolone": (gettext_noop("Triamcinolone"), {GLUCOCORTICOID}),
    "deflazacort": (gettext_noop("Deflazacort"), {GLUCOCORTICOID}),
    "cortisone": (gettext_noop("Cortisone"), {GLUCOCORTICOID}),
    "hydroxychloroquine": (gettext_noop("Hydroxychloroquine"), {ANTIMALARIAL}),
    "chloroquine": (gettext_noop("Chloroquine"), {ANTIMALARIAL}),
    "azathioprine": (gettext_noop("Azathioprine"), {IMMUNOSUPPRESSANT}),
    "mycophenolate": (gettext_noop("Mycophenolate (mofetil or sodium)"), {IMMUNOSUPPRESSANT}),
    "methotrexate": (gettext_noop("Methotrexate"), {IMMUNOSUPPRESSANT}),
    "cyclophosphamide": (gettext_noop("Cyclophosphamide"), {IMMUNOSUPPRESSANT}),
    "leflunomide": (gettext_noop("Leflunomide"), {IMMUNOSUPPRESSANT}),
    "iguratimod": (gettext_noop("Iguratimod"), {IMMUNOSUPPRESSANT}),
    "ciclosporin": (gettext_noop("Ciclosporin"), {IMMUNOSUPPRESSANT}),
    "tacrolimus": (gettext_noop("Tacrolimus"), {IMMUNOSUPPRESSANT}),
    "voclosporin": (gettext_noop("Voclosporin"), {IMMUNOSUPPRESSANT}),
    "ivig": (gettext_noop("Intravenous immunoglobulin"), {IMMUNOSUPPRESSANT}),
    "rituximab": (gettext_noop("Rituximab"), {BIOLOGIC, IMMUNOSUPPRESSANT}),
    "belimumab": (gettext_noop("Belimumab"), {BIOLOGIC, IMMUNOSUPPRESSANT}),
    "telitacicept": (gettext_noop("Telitacicept"), {BIOLOGIC, IMMUNOSUPPRESSANT}),
    "anifrolumab": (gettext_noop("Anifrolumab"), {BIOLOGIC, IMMUNOSUPPRESSANT}),
    "tocilizumab": (gettext_noop("Tocilizumab"), {BIOLOGIC, IMMUNOSUPPRESSANT}),
    "abatacept": (gettext_noop("Abatacept"), {BIOLOGIC, IMMUNOSUPPRESSANT}),
    "avacopan": (gettext_noop("Avacopan"), {IMMUNOSUPPRESSANT}),
    "nintedanib": (gettext_noop("Nintedanib"), {OTHER}),
    "antibacterial": (gettext_noop("Antibacterial (systemic)"), {ANTI_INFECTIVE}),
    "antiviral": (gettext_noop("Antiviral (systemic)"), {ANTI_INFECTIVE}),
    "antifungal": (gettext_noop("Antifungal (systemic)"), {ANTI_INFECTIVE}),
    "other_biologic": (gettext_noop("Other biologic"), {BIOLOGIC, IMMUNOSUPPRESSANT}),
    "other_immunosuppressant": (gettext_noop("Other immunosuppressant"), {IMMUNOSUPPRESSANT}),
    "other": (gettext_noop("Other"), {OTHER}),
}


def drug_classes(code):
    return DRUGS.get(code, ("", {OTHER}))[1]


DOSE_UNITS = {"mg": "mg", "g": "g", "mg/kg": "mg/kg", "mg/m2": "mg/m²", "other": gettext_noop("Other")}

ROUTES = {
    "oral": gettext_noop("Oral"),
    "iv": gettext_noop("Intravenous"),
    "sc": gettext_noop("Subcutaneous"),
    "im": gettext_noop("Intramuscular"),
    "topical": gettext_noop("Topical / inhaled"),
    "other": gettext_noop("Other"),
}

FREQUENCIES = {
    "once_daily": gettext_noop("Once daily"),
    "twice_daily": gettext_noop("Twice daily"),
    "three_times_daily": gettext_noop("Three times daily"),
    "four_times_daily": gettext_noop("Four times daily"),
    "every_other_day": gettext_noop("Every other day"),
    "weekly": gettext_noop("Weekly"),
    "every_2_weeks": gettext_noop("Every 2 weeks"),
    "every_4_weeks": gettext_noop("Every 4 weeks"),
    "monthly": gettext_noop("Monthly"),
    "single_dose": gettext_noop("Single dose or infusion"),
    "other": gettext_noop("Other"),
}

PURPOSES = {"treatment": gettext_noop("Treatment"), "prophylaxis": gettext_noop("Prophylaxis")}

OUTCOMES = {
    "ongoing": gettext_noop("Ongoing, not yet assessed"),
    "response": gettext_noop("Response"),
    "inadequate_response": gettext_noop("Inadequate response"),
    "intolerance": gettext_noop("Intolerance"),
    "other": gettext_noop("Other / stopped for another reason"),
}

EVENT_KINDS = {
    "transfusion": gettext_noop("Blood transfusion"),
    "growth_factor": gettext_noop("Haematopoietic growth factor (G-CSF, GM-CSF, EPO, TPO/TPO-RA)"),
    "major_surgery": gettext_noop("Major surgery"),
    "live_vaccine": gettext_noop("Live vaccine"),
    "investigational_treatment": gettext_noop("Other clinical study's treatment"),
    "infection": gettext_noop("Infection"),
    "dialysis": gettext_noop("Dialysis"),
    "plasmapheresis": gettext_noop("Plasmapheresis"),
}

# CRF version 2 (issue 17): malignancies, HBV DNA results and prior cell or gene therapies as rows.
MALIGNANCY_KINDS = {
    "nmsc": gettext_noop("Non-melanoma skin cancer (basal or squamous cell carcinoma)"),
    "cervical_cis": gettext_noop("Cervical carcinoma in situ"),
    "dcis": gettext_noop("Ductal carcinoma in situ (breast)"),
    "prostate_localised": gettext_noop("Prostate cancer, localised"),
    "prostate_other": gettext_noop("Prostate cancer, not localised"),
    "bladder_low_stage": gettext_noop("Bladder cancer, low stage"),
    "bladder_other": gettext_noop("Bladder cancer, not low stage"),
    "melanoma": gettext_noop("Melanoma"),
    "breast": gettext_noop("Breast cancer, invasive"),
    "lung": gettext_noop("Lung cancer"),
    "colorectal": gettext_noop("Colorectal cancer"),
    "lymphoma": gettext_noop("Lymphoma"),
    "leukaemia": gettext_noop("Leukaemia or myeloma"),
    "other": gettext_noop("Other (describe)"),
    "unspecified": gettext_noop("Type not stated in the source"),
}
MALIGNANCY_STATUSES = {
    "resected_cured": gettext_noop("Resected and cured"),
    "recovered": gettext_noop("Recovered: no recurrence, no treatment needed"),
    "active": gettext_noop("Active, recurred, or still needing treatment"),
    "unknown": gettext_noop("Unknown"),
}
HBV_DNA_RESULTS = {
    "quantified": gettext_noop("Quantified: value reported"),
    "above_lloq": gettext_noop("Detected above the lower limit of quantification, value not given"),
    "below_lloq": gettext_noop("Detected, below the lower limit of quantification"),
    "not_detected": gettext_noop("Not detected"),
    "not_done": gettext_noop("Not done"),
}
HBV_DNA_UNITS = {"IU/mL": "IU/mL", "copies/mL": "copies/mL"}
CELL_THERAPY_KINDS = {
    "hsct_autologous": gettext_noop("Autologous haematopoietic stem cell transplant"),
    "hsct_allogeneic": gettext_noop("Allogeneic haematopoietic stem cell transplant"),
    "car_t": gettext_noop("CAR-T cell therapy"),
    "other_cell": gettext_noop("Other cell therapy (CAR-NK, TCR-T, mesenchymal stromal cells…)"),
    "gene": gettext_noop("In vivo gene therapy (no cells given)"),
}
