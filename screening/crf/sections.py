"""The screening CRF as one declaration of sections, read by the forms, the
record page, the data dictionary and the audit trail alike.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .. import models as m
from ..eligibility.snapshot import ROW_KEYS


@dataclass(frozen=True)
class Rows:
    """A repeating group of a section, edited as an inline formset."""

    key: str  # its list in the eligibility snapshot (and the exchange format)
    model: type
    title: str
    fields: tuple = ()


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    model: type | None  # None: the section is only repeating rows
    indication: str | None = None  # None: every indication
    rows: tuple = ()
    # (legend, field-name prefixes or names); the rest go in a last "Other" fieldset
    fieldsets: tuple = ()
    judgement: bool = False  # only investigators answer it
    help: str = ""
    criteria: tuple = field(default=())

    @property
    def row_models(self):
        return [r.model for r in self.rows]


CONSENT = Section(
    "consent",
    _("Demographics and consent"),
    m.ScreeningRecord,
    help=_("Record the consent date and form version first: no screening data can be entered before."),
)

SECTIONS = (
    CONSENT,
    Section(
        "organ",
        _("Organ function"),
        m.OrganFunction,
        fieldsets=(
            (_("Vital signs"), ("weight", "height_cm", "spo2_", "ventilatory_support", "pleural_effusion")),
            (_("Echocardiogram"), ("echo_date", "lvef", "pericardial_effusion", "echo_pap", "pap_readings_complete")),
            (_("ECG and renal"), ("ecg_", "crcl_hydration", "creatinine_hydration")),
        ),
    ),
    Section(
        "pap",
        _("Pulmonary artery pressure"),
        None,
        rows=(Rows("pap_readings", m.PulmonaryPressureReading, _("Pulmonary artery pressure readings"), ("reading_date", "pap", "method")),),
        help=_("Every pulmonary artery pressure estimate of the year before screening other than the screening "
             "echocardiogram's, with its date; then answer “readings complete” under Organ function."),
    ),
    Section(
        "labs",
        _("Laboratory results"),
        None,
        rows=(Rows("labs", m.LabResult, _("Lab results"), (
            "analyte", "sample_date", "not_done", "value", "unit", "value_confirmed", "lln", "lln_unit", "uln", "uln_unit",
        )),),
        help=_("Enter each result with the unit and the reference range printed by the site's lab."),
    ),
    Section(
        "infection",
        _("Infection screen"),
        m.InfectionScreen,
        rows=(Rows("hbv_dna_tests", m.HbvDnaTest, _("HBV DNA results"), ("sample_date", "result", "value", "unit", "lloq")),),
    ),
    Section("reproductive", _("Reproductive status"), m.Reproductive),
    Section(
        "medications",
        _("Medication history"),
        None,
        rows=(
            Rows(
                "medications",
                m.Medication,
                _("Courses"),
                ("drug", "drug_other", "dose", "dose_unit", "route", "frequency", "start_date", "stop_date", "ongoing", "purpose", "outcome"),
            ),
        ),
        help=_("Every systemic glucocorticoid, immunosuppressant, biologic and anti-infective course."),
    ),
    Section(
        "events",
        _("Prior events"),
        None,
        rows=(
            Rows(
                "events",
                m.PriorEvent,
                _("Events"),
                ("kind", "start_date", "end_date", "description", "systemic_treatment", "treatment_end"),
            ),
        ),
        help=_("Transfusions, growth factors, surgery, vaccines, other trials, infections, dialysis, plasmapheresis."),
    ),
    Section(
        "history",
        _("Medical history"),
        m.MedicalHistory,
        rows=(
            Rows("malignancies", m.Malignancy, _("Malignancies"),
                 ("kind", "description", "diagnosis_date", "last_treatment_date", "disease_status")),
            Rows("cell_therapies", m.CellTherapy, _("Cell and gene therapies"), ("kind", "product", "therapy_date")),
        ),
    ),
    Section(
        "sle",
        _("SLE"),
        m.SleSection,
        indication="SLE",
        fieldsets=(
            (_("Diagnosis"), ("diagnosis_date",)),
            (_("ANA (2019 EULAR/ACR entry criterion)"), ("ana_",)),
            (_("2019 EULAR/ACR classification items"), ("eular_",)),
            (_("SLEDAI-2K (within 10 days of the assessment)"), ("sledai_",)),
            (_("Screening serology"), ("serology_date", "screening_")),
            (_("Severe manifestations"), ("lupus_crisis_", "active_cns_lupus", "severe_")),
        ),
    ),
    Section(
        "aav",
        _("AAV"),
        m.AavSection,
        indication="AAV",
        rows=(Rows("bvas_items", m.BvasItem, _("BVAS v3 items present at screening"), ("item", "new_or_worse", "major")),),
        fieldsets=(
            (_("Diagnosis and ANCA"), ("diagnosis", "anca_date", "pr3_anca", "mpo_anca")),
            (_("BVAS v3"), ("bvas_date",)),
            (_("Remission and recurrence"), ("remission_", "relapse_")),
        ),
    ),
    Section(
        "iim",
        _("IIM"),
        m.IimSection,
        indication="IIM",
        fieldsets=(
            (_("2017 EULAR/ACR classification"), ("symptom_onset_date", "eular_", "biopsy_done")),
            (_("Subclass"), ("finger_flexor_weakness", "treatment_response", "anti_srp", "anti_hmgcr", "subclass")),
            (_("MMT-8 (0–10 per group)"), ("mmt8_",)),
            (_("Core set measures"), ("assessment_date", "patient_global", "physician_global", "extramuscular_global", "haq_di")),
        ),
    ),
    Section(
        "ssc",
        _("dcSSc"),
        m.SscSection,
        indication="DCSSC",
        rows=(
            Rows("mrss", m.MrssAssessment, _("mRSS assessments")),
            Rows("pfts", m.PulmonaryFunctionTest, _("Pulmonary function tests"), ("test_date", "fvc_pct", "dlco_pct")),
        ),
        fieldsets=(
            (_("2013 ACR/EULAR classification"), ("acr_",)),
            (_("Skin extent (LeRoy)"), ("skin_",)),
            (_("Interstitial lung disease"), ("ild_",)),
            (_("Therapy"), ("therapy_outcome",)),
        ),
    ),
    Section("judgement", _("Investigator judgement"), m.Judgement, judgement=True),
)

BY_KEY = {s.key: s for s in SECTIONS}
# Everything else about the sections is read off the declaration above, so adding
# a section is its declaration and its model (tests/test_architecture.py checks
# these against the eligibility engine's own keys).
SECTION_RELATIONS = {  # snapshot key of a one-per-record section -> reverse one-to-one accessor
    s.key: s.model._meta.model_name for s in SECTIONS if s.model is not None and s is not CONSENT
}
ROW_MODELS = {  # snapshot key -> row model, in the snapshot's order
    key: model for key in ROW_KEYS for model in [rows.model for s in SECTIONS for rows in s.rows if rows.key == key]
}
SNAPSHOT_KEYS = {  # snapshot key -> CRF section key
    "record": CONSENT.key,
    **{key: key for key in SECTION_RELATIONS},
    **{rows.key: s.key for s in SECTIONS for rows in s.rows},
}
CRF_MODELS = tuple(dict.fromkeys(m for s in SECTIONS for m in ([s.model] if s.model else []) + s.row_models))


def sections_for(record):
    """The sections offered for this record: general ones and its indication's."""
    return [s for s in SECTIONS if s.indication in (None, record.indication)]


def section_of_record(record, key):
    """The section `key` if this record has it (its indication's or a general one), else None."""
    section = BY_KEY.get(key)
    if section is None or (section.indication and section.indication != record.indication):
        return None
    return section


def data_fields(model):
    """The CRF fields of a model, in declaration order (no keys or bookkeeping)."""
    skip = {"id", "record", "version", "updated_at", "site", "screening_number", "created_at", "created_by", "status", "frozen_at"}
    # Not editable: a retired question's column, kept for its history only (models/sections.py, CRF version 1).
    return [f for f in model._meta.concrete_fields
            if f.name not in skip and not f.name.endswith("_ptr") and f.editable]


def fieldset_of(section, name):
    for legend, prefixes in section.fieldsets:
        if any(name == p or (p.endswith("_") and name.startswith(p)) for p in prefixes):
            return legend
    return None
