"""The record of issue 17's done criterion, as the source prints it, and what the checklist decides for it
(shared by tests/test_as_printed.py and tests/browser/test_as_printed_entry.py)."""

# The labs as the source prints them (value, unit and the limits in the report's own unit).
HB = {"analyte": "hb", "value": 7.0, "unit": "mmol/L", "lln": 7.4, "uln": 9.9}  # 7.0 × 16.11 = 112.77 g/L
ALT = {"analyte": "alt", "value": 0.9, "unit": "ukat/L", "uln": 35, "uln_unit": "U/L"}  # 0.9 × 60 = 54 U/L
TBIL = {"analyte": "tbil", "value": 0.5, "unit": "mg/dL", "uln": 21, "uln_unit": "umol/L"}  # 8.55 µmol/L
TBIL_TRAP = {"analyte": "tbil", "value": 0.5, "unit": "mg/dL", "uln": 21}  # the µmol/L ULN typed as mg/dL
BCC = {"kind": "nmsc", "description": "Basal cell carcinoma, left cheek", "disease_status": "resected_cured",
       "diagnosis_date": "2025-03-10", "last_treatment_date": "2025-04-02"}

# The checklist, row by row, for this SLE record (female, 42 on SCR, childbearing potential):
# every general inclusion and every SLE row is met, the other indications do not apply, no exclusion.
NOT_APPLICABLE = [f"INC-{ind}-0{n}" for ind, last in (("AAV", 4), ("IIM", 4), ("SSC", 5)) for n in range(1, last + 1)]
EXPECTED = {
    "INC-01": "PASS",  # 42 years on SCR: 18 ≤ age ≤ 65
    "INC-02": "PASS",  # one indication, SLE
    "INC-03": "PASS",  # investigator: survival > 6 months, yes
    "INC-04a": "PASS",  # Hb 7.0 mmol/L = 112.77 g/L ≥ 80 g/L
    "INC-04b": "PASS",  # ANC 3.2 × 10⁹/L ≥ 1.5
    "INC-04c": "PASS",  # PLT 210 × 10⁹/L ≥ 50
    "INC-04d": "PASS",  # no transfusion or growth factor
    "INC-04e": "PASS",  # investigator: coagulation adequate
    "INC-05a": "PASS",  # Cockcroft–Gault, 42 y, F, 62 kg, creatinine 70 µmol/L: ≈ 91 mL/min ≥ 50
    "INC-05b": "PASS",  # creatinine 70 / ULN 97 = 0.72 ≤ 1.5
    "INC-06a": "PASS",  # ALT 54 U/L / ULN 35 U/L = 1.54 ≤ 2.5
    "INC-06b": "PASS",  # AST 25 / 40 = 0.63 ≤ 2.5
    "INC-06c": "PASS",  # TBil 0.5 mg/dL = 8.55 µmol/L / ULN 21 µmol/L = 0.41 ≤ 1.5
    "INC-07a": "PASS",  # SpO₂ 97 % ≥ 92 %, room air
    "INC-07b": "PASS",  # no pleural effusion
    "INC-08a": "PASS",  # LVEF 60 % ≥ 40 %
    "INC-08b": "PASS",  # no pericardial effusion
    "INC-08c": "PASS",  # no significant ECG abnormality
    "INC-09": "PASS",  # woman of childbearing potential, serum pregnancy test negative
    "INC-10": "PASS",  # contraception and no gamete donation agreed
    "INC-11": "PASS",  # consent the day before SCR, version v2.0
    "INC-SLE-01": "PASS",  # ANA 1:160 ≥ 1:80; EULAR/ACR 6 + 6 (acute cutaneous, joints) + 4 + 6 = 22 ≥ 10;
    #                        diagnosed 3 years before SCR ≤ SCR − 6 months
    "INC-SLE-02": "PASS",  # ANA and anti-dsDNA positive at screening
    "INC-SLE-03": "PASS",  # SLEDAI-2K 4 (arthritis) + 2 (rash) + 2 + 2 = 10 ≥ 8
    "INC-SLE-04": "PASS",  # prednisone since a year before SCR (and hydroxychloroquine, mycophenolate) ≥ 2 months
    **{ident: "NOT_APPLICABLE" for ident in NOT_APPLICABLE},
    "EXC-01": "PASS",  # PAP 25 and 30 mmHg ≤ 60, no ventilatory support
    "EXC-02": "PASS",  # no primary CNS lymphoma
    "EXC-03": "PASS",  # no lupus crisis, no severe manifestation
    "EXC-04": "PASS",  # no transplant; the highest glucocorticoid is 10 mg/day < 500 (no pulse)
    "EXC-05": "PASS",  # acute MI more than 6 calendar months before SCR; nothing else
    "EXC-06": "PASS",  # no other autoimmune disease
    "EXC-07": "PASS",  # no non-IIM myopathy
    "EXC-08": "PASS",  # basal cell carcinoma (non-melanoma skin cancer) resected and cured: the allowed exception
    "EXC-09": "PASS",  # no allergy, no severe allergic reaction
    "EXC-10a": "PASS",  # no cell therapy
    "EXC-10b": "PASS",  # 10 mg/day < 500 mg/day in the 2 months before LD
    "EXC-10c": "PASS",  # no biologic
    "EXC-10d": "PASS",  # no surgery, live vaccine or other trial
    "EXC-10e": "PASS",  # no treated infection
    "EXC-11": "PASS",  # prednisone 5 mg twice daily = 10 mg/day ≤ 20 on each of the 7 days before LD
    "EXC-12": "PASS",  # HBsAg, anti-HBc, anti-HCV, HIV, syphilis all negative
    "EXC-13": "PASS",  # IGRA negative, chest imaging without active TB, no symptoms; investigator: no active TB
    "EXC-14": "PASS",  # no prohibited medication
    "EXC-15": "PASS",  # investigator: not unsuitable
}
# Before the investigator answers, the items that are their judgement wait for them (checklist: INC-03,
# INC-04e and EXC-15 are attestations; EXC-13 includes "signs or symptoms of active TB judged by the investigator").
JUDGED = ("INC-03", "INC-04e", "EXC-13", "EXC-15")
