"""Coded vocabularies shared by the CRF models and the eligibility rules.

Pure Python (no Django) so the rules engine can import it. Each code is stored in
the database: never rename one, add a new code instead.
"""

INDICATIONS = {
    "SLE": "Systemic lupus erythematosus (SLE)",
    "AAV": "ANCA-associated vasculitis (AAV)",
    "IIM": "Idiopathic inflammatory myopathy (IIM)",
    "DCSSC": "Diffuse cutaneous systemic sclerosis (dcSSc)",
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
    "prednisone": ("Prednisone", {GLUCOCORTICOID}),
    "prednisolone": ("Prednisolone", {GLUCOCORTICOID}),
    "methylprednisolone": ("Methylprednisolone", {GLUCOCORTICOID}),
    "hydrocortisone": ("Hydrocortisone", {GLUCOCORTICOID}),
    "dexamethasone": ("Dexamethasone", {GLUCOCORTICOID}),
    "betamethasone": ("Betamethasone", {GLUCOCORTICOID}),
    "triamcinolone": ("Triamcinolone", {GLUCOCORTICOID}),
    "deflazacort": ("Deflazacort", {GLUCOCORTICOID}),
    "cortisone": ("Cortisone", {GLUCOCORTICOID}),
    "hydroxychloroquine": ("Hydroxychloroquine", {ANTIMALARIAL}),
    "chloroquine": ("Chloroquine", {ANTIMALARIAL}),
    "azathioprine": ("Azathioprine", {IMMUNOSUPPRESSANT}),
    "mycophenolate": ("Mycophenolate (mofetil or sodium)", {IMMUNOSUPPRESSANT}),
    "methotrexate": ("Methotrexate", {IMMUNOSUPPRESSANT}),
    "cyclophosphamide": ("Cyclophosphamide", {IMMUNOSUPPRESSANT}),
    "leflunomide": ("Leflunomide", {IMMUNOSUPPRESSANT}),
    "iguratimod": ("Iguratimod", {IMMUNOSUPPRESSANT}),
    "ciclosporin": ("Ciclosporin", {IMMUNOSUPPRESSANT}),
    "tacrolimus": ("Tacrolimus", {IMMUNOSUPPRESSANT}),
    "voclosporin": ("Voclosporin", {IMMUNOSUPPRESSANT}),
    "ivig": ("Intravenous immunoglobulin", {IMMUNOSUPPRESSANT}),
    "rituximab": ("Rituximab", {BIOLOGIC, IMMUNOSUPPRESSANT}),
    "belimumab": ("Belimumab", {BIOLOGIC, IMMUNOSUPPRESSANT}),
    "telitacicept": ("Telitacicept", {BIOLOGIC, IMMUNOSUPPRESSANT}),
    "anifrolumab": ("Anifrolumab", {BIOLOGIC, IMMUNOSUPPRESSANT}),
    "tocilizumab": ("Tocilizumab", {BIOLOGIC, IMMUNOSUPPRESSANT}),
    "abatacept": ("Abatacept", {BIOLOGIC, IMMUNOSUPPRESSANT}),
    "avacopan": ("Avacopan", {IMMUNOSUPPRESSANT}),
    "nintedanib": ("Nintedanib", {OTHER}),
    "antibacterial": ("Antibacterial (systemic)", {ANTI_INFECTIVE}),
    "antiviral": ("Antiviral (systemic)", {ANTI_INFECTIVE}),
    "antifungal": ("Antifungal (systemic)", {ANTI_INFECTIVE}),
    "other_biologic": ("Other biologic", {BIOLOGIC, IMMUNOSUPPRESSANT}),
    "other_immunosuppressant": ("Other immunosuppressant", {IMMUNOSUPPRESSANT}),
    "other": ("Other", {OTHER}),
}


def drug_classes(code):
    return DRUGS.get(code, ("", {OTHER}))[1]


DOSE_UNITS = {"mg": "mg", "g": "g", "mg/kg": "mg/kg", "mg/m2": "mg/m²", "other": "Other"}

ROUTES = {
    "oral": "Oral",
    "iv": "Intravenous",
    "sc": "Subcutaneous",
    "im": "Intramuscular",
    "topical": "Topical / inhaled",
    "other": "Other",
}

FREQUENCIES = {
    "once_daily": "Once daily",
    "twice_daily": "Twice daily",
    "three_times_daily": "Three times daily",
    "four_times_daily": "Four times daily",
    "every_other_day": "Every other day",
    "weekly": "Weekly",
    "every_2_weeks": "Every 2 weeks",
    "every_4_weeks": "Every 4 weeks",
    "monthly": "Monthly",
    "single_dose": "Single dose or infusion",
    "other": "Other",
}

PURPOSES = {"treatment": "Treatment", "prophylaxis": "Prophylaxis"}

OUTCOMES = {
    "ongoing": "Ongoing, not yet assessed",
    "response": "Response",
    "inadequate_response": "Inadequate response",
    "intolerance": "Intolerance",
    "other": "Other / stopped for another reason",
}

EVENT_KINDS = {
    "transfusion": "Blood transfusion",
    "growth_factor": "Haematopoietic growth factor (G-CSF, GM-CSF, EPO, TPO/TPO-RA)",
    "major_surgery": "Major surgery",
    "live_vaccine": "Live vaccine",
    "investigational_treatment": "Other clinical study's treatment",
    "infection": "Infection",
    "dialysis": "Dialysis",
    "plasmapheresis": "Plasmapheresis",
}

# CRF version 2 (issue 17): malignancies, HBV DNA results and prior cell or gene therapies as rows.
MALIGNANCY_KINDS = {
    "nmsc": "Non-melanoma skin cancer (basal or squamous cell carcinoma)",
    "cervical_cis": "Cervical carcinoma in situ",
    "dcis": "Ductal carcinoma in situ (breast)",
    "prostate_localised": "Prostate cancer, localised",
    "prostate_other": "Prostate cancer, not localised",
    "bladder_low_stage": "Bladder cancer, low stage",
    "bladder_other": "Bladder cancer, not low stage",
    "melanoma": "Melanoma",
    "breast": "Breast cancer, invasive",
    "lung": "Lung cancer",
    "colorectal": "Colorectal cancer",
    "lymphoma": "Lymphoma",
    "leukaemia": "Leukaemia or myeloma",
    "other": "Other (describe)",
    "unspecified": "Type not stated in the source",
}
MALIGNANCY_STATUSES = {
    "resected_cured": "Resected and cured",
    "recovered": "Recovered: no recurrence, no treatment needed",
    "active": "Active, recurred, or still needing treatment",
    "unknown": "Unknown",
}
HBV_DNA_RESULTS = {
    "quantified": "Quantified: value reported",
    "above_lloq": "Detected above the lower limit of quantification, value not given",
    "below_lloq": "Detected, below the lower limit of quantification",
    "not_detected": "Not detected",
    "not_done": "Not done",
}
HBV_DNA_UNITS = {"IU/mL": "IU/mL", "copies/mL": "copies/mL"}
CELL_THERAPY_KINDS = {
    "hsct_autologous": "Autologous haematopoietic stem cell transplant",
    "hsct_allogeneic": "Allogeneic haematopoietic stem cell transplant",
    "car_t": "CAR-T cell therapy",
    "other_cell": "Other cell therapy (CAR-NK, TCR-T, mesenchymal stromal cells…)",
    "gene": "In vivo gene therapy (no cells given)",
}
