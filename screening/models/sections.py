"""One model per CRF section (one row per screening record).

The item lists of the scored instruments (SLEDAI-2K, 2019 EULAR/ACR, 2017
EULAR/ACR, 2013 ACR/EULAR, MMT-8) come from the calculators, so the CRF and the
scoring cannot disagree about which items exist.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from screening.calculators.iim import IIM_2017_ITEMS
from screening.calculators.mmt8 import MMT8_GROUPS, MMT8_LABELS
from screening.calculators.sle_classification import SLE_2019_DOMAINS, SLE_2019_LABELS
from screening.calculators.sledai import SLEDAI_2K
from screening.calculators.ssc import SSC_2013_ITEMS
from screening.calculators.units import VAS_TO_CM, WEIGHT_TO_KG, convert

from ..values import value_text
from .fields import ANSWER_CHOICES, NO, answer, event_date, grade, measurement, result
from .records import CrfModel, ScreeningRecord


def abstract_fields(name, fields):
    """An abstract model holding generated fields; inheriting it (rather than
    add_to_class) lets django-simple-history see the fields too."""
    attrs = {"__module__": __name__, "Meta": type("Meta", (), {"abstract": True}), **fields}
    return type(name, (models.Model,), attrs)


class Section(CrfModel):
    record = models.OneToOneField(ScreeningRecord, on_delete=models.CASCADE, related_name="%(class)s")

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self._meta.verbose_name} of {self.record}"


WEIGHT_UNITS = [("kg", "kg"), ("lb", "lb")]
WEIGHT_MIN_KG, WEIGHT_MAX_KG = 20, 300


class OrganFunction(Section):
    # CRF version 2: the weight as printed, with its unit (the column held kg before: weight_kg).
    weight = models.DecimalField(
        _("body weight"), max_digits=5, decimal_places=1, null=True, blank=True,
        help_text=_("Actual body weight, as printed: 20–300 kg (44.1–661.4 lb)."))
    weight_unit = models.CharField(_("weight unit"), max_length=2, choices=WEIGHT_UNITS, blank=True)
    height_cm = measurement(_("height"), 100, 250, "cm")
    spo2_room_air = measurement(_("SpO₂ on room air"), 50, 100, "%", decimals=0)
    spo2_not_done = models.BooleanField(_("SpO₂ not done"), default=False)
    ventilatory_support = answer(
        _("oxygen by mask, non-invasive or invasive ventilation needed at screening")
    )
    pleural_effusion = answer(_("clinically significant pleural effusion"))
    echo_date = event_date(_("echocardiogram date"))
    lvef = measurement(_("LVEF"), 5, 90, "%", decimals=0, help_text=_("Echocardiographic ejection fraction"))
    pericardial_effusion = answer(_("clinically significant pericardial effusion on echo"))
    echo_pap = measurement(_("estimated pulmonary artery pressure"), 5, 150, "mmHg", decimals=0)
    # CRF version 2: the readings and their dates are recorded (PulmonaryPressureReading rows);
    # the engine applies the look-back. The column held "PAP > 60 mmHg in the past year" before.
    pap_readings_complete = answer(
        _("pulmonary artery pressure readings complete"),
        _("Every pulmonary artery pressure estimate of the year before screening is entered: the screening "
          "echocardiogram's above, earlier ones on the Pulmonary artery pressure page."),
    )
    ecg_date = event_date(_("ECG date"))
    ecg_abnormality = answer(_("clinically significant ECG abnormality"))
    crcl_hydration = answer(
        _("IV hydration given before the creatinine clearance sample"),
        _("Clearance measured after hydration does not qualify."),
    )
    creatinine_hydration = answer(
        _("IV hydration given before the serum creatinine sample"),
        _("The screening serum creatinine the clearance is computed from (Cockcroft–Gault)."),
    )

    class Meta:
        verbose_name = _("organ function")

    def clean(self):
        if self.weight is None:
            return
        if not self.weight_unit:
            raise ValidationError({"weight_unit": _("Choose the unit the weight is printed in (kg or lb).")})
        kg = convert(self.weight, self.weight_unit, WEIGHT_TO_KG)
        if not WEIGHT_MIN_KG <= kg <= WEIGHT_MAX_KG:
            raise ValidationError({"weight": _(
                "%(weight)s %(unit)s is %(kg)s kg: a body weight is %(min)s–%(max)s kg.") % {
                "weight": value_text(self.weight), "unit": self.weight_unit, "kg": value_text(round(kg, 1)),
                "min": WEIGHT_MIN_KG, "max": WEIGHT_MAX_KG}})


NAT_CHOICES = [
    ("detected", _("Detected above the lab's lower limit")),
    ("not_detected", _("Not detected / below the lower limit")),
    ("not_done", _("Not done")),
]
IGRA_CHOICES = [
    ("positive", _("Positive")),
    ("negative", _("Negative")),
    ("indeterminate", _("Indeterminate")),
    ("not_done", _("Not done")),
]


class InfectionScreen(Section):
    sample_date = event_date(_("serology sample date"))
    hbsag = result(_("HBsAg"))
    anti_hbc = result(_("anti-HBc"))
    # CRF version 2: HBV DNA results are rows (HbvDnaTest) with the value, unit and lower limit. The
    # column keeps its history; the migration moved each answer to a row (docs/audit-trail.md).
    hbv_dna = models.CharField(_("CRF version 1: HBV DNA"), max_length=16, choices=NAT_CHOICES, blank=True,
                               editable=False)
    anti_hcv = result(_("anti-HCV"))
    hcv_rna = result(_("HCV RNA"), choices=NAT_CHOICES)
    hiv = result(_("HIV antibody/antigen"))
    syphilis_treponemal = result(_("syphilis treponemal test"), "TPPA, TPHA, EIA/CLIA")
    syphilis_nontreponemal = result(_("syphilis non-treponemal test"), "RPR, TRUST, VDRL")
    igra = result(_("interferon-γ release assay"), choices=IGRA_CHOICES)
    igra_date = event_date(_("IGRA date"))
    chest_imaging_date = event_date(_("chest imaging date"), _("Screening, or within the 6 months before."))
    chest_imaging_active_tb = answer(_("chest imaging shows active tuberculosis"))
    tb_symptoms = answer(_("signs or symptoms suggesting active tuberculosis"))

    class Meta:
        verbose_name = _("infection screen")


class Reproductive(Section):
    surgically_sterile = answer(_("surgically sterilised"))
    postmenopausal = answer(_("postmenopausal"))
    last_menstrual_period = event_date(
        _("date of last menstrual period"), _("For postmenopausal women; ≥ 2 years before screening.")
    )
    pregnancy_test_date = event_date(_("serum pregnancy test date"))
    pregnancy_test = result(_("serum pregnancy test (hCG)"))
    contraception_agreed = answer(
        _("agrees to highly effective contraception until 1 year after the last study treatment")
    )
    gamete_donation_refrained = answer(_("agrees not to donate eggs or sperm for that year"))

    class Meta:
        verbose_name = _("reproductive status")


NYHA_CHOICES = [
    ("none", _("No heart failure")),
    ("I", _("Class I")),
    ("II", _("Class II")),
    ("III", _("Class III")),
    ("IV", _("Class IV")),
    ("unknown", _("Unknown")),
]
MALIGNANCY_EXCEPTIONS = [
    ("none", _("None of these")),
    ("nmsc", _("Resected and cured non-melanoma skin cancer")),
    ("cervical_cis", _("Cervical carcinoma in situ")),
    ("prostate_localised", _("Localised prostate cancer")),
    ("bladder_low_stage", _("Low-stage bladder cancer")),
    ("dcis", _("Ductal carcinoma in situ")),
]


class MedicalHistory(Section):
    primary_cns_lymphoma = answer(_("primary central nervous system lymphoma"))
    kidney_transplant = answer(_("prior kidney transplant"))
    expected_renal_support = answer(
        _("expected to need dialysis, plasmapheresis, kidney transplant or prohibited medication during the study")
    )
    heart_failure = answer(_("symptomatic chronic heart failure needing intervention"))
    # CRF version 2: whether it ever happened and when; the engine applies the window (EXC-05).
    myocardial_infarction_ever = answer(_("acute myocardial infarction, ever"))
    myocardial_infarction_date = event_date(
        _("date of the most recent acute myocardial infarction"), _("As in the source document; required after Yes.")
    )
    unstable_angina = answer(_("unstable angina"))
    severe_arrhythmia = answer(_("history of severe arrhythmia"))
    stroke = answer(_("history of stroke"))
    nyha_class = models.CharField(_("NYHA class"), max_length=8, choices=NYHA_CHOICES, blank=True)
    other_autoimmune = answer(
        _("another autoimmune disease"),
        _("EGPA, IgA vasculitis, RA, cryoglobulinaemic vasculitis, IBM, anti-GBM, Behçet's, Takayasu, other."),
    )
    other_autoimmune_detail = models.CharField(_("which autoimmune disease"), max_length=200, blank=True)
    non_iim_myopathy = answer(
        _("non-inflammatory myopathy"), _("Drug-induced, HIV-associated, thyroid-related, hereditary/metabolic.")
    )
    non_iim_myopathy_kind = models.CharField(
        _("kind of non-inflammatory myopathy"), max_length=200, blank=True,
        help_text=_("As the source names it; the investigator judges it against the protocol's list."),
    )
    malignancy = answer(
        _("history of malignancy (including cancer-associated myositis)"),
        _("After Yes, enter each malignancy in the table below."),
    )
    # CRF version 1 columns, kept for their history only: each answer was moved to a Malignancy row
    # by migration 0011 (not on the form, not exported, not read by the engine).
    malignancy_exception = models.CharField(
        _("CRF version 1: malignancy exception"), max_length=24, choices=MALIGNANCY_EXCEPTIONS, blank=True,
        editable=False,
    )
    malignancy_recovered = models.CharField(
        _("CRF version 1: malignancy recovered, no recurrence and no treatment needed"), max_length=8,
        choices=ANSWER_CHOICES, blank=True, editable=False,
    )
    malignancy_last_treatment = models.DateField(
        _("CRF version 1: last treatment of the malignancy"), null=True, blank=True, editable=False)
    allergy_study_drugs = answer(
        _("allergy or contraindication to F01, fludarabine, cyclophosphamide or tocilizumab")
    )
    severe_allergic_reaction = answer(_("previous severe allergic reaction"))
    allergy_agent = models.CharField(
        _("agent of any known allergy, hypersensitivity or intolerance"), max_length=200, blank=True,
        help_text=_("Every agent the source names, including those answered above; the investigator judges "
                    "whether one is an ingredient of F01."),
    )
    prior_cell_therapy = answer(
        _("ever received HSCT, CAR-T or other cell therapy"),
        _("After Yes, enter each cell or gene therapy in the table below."),
    )
    prohibited_medication = answer(_("protocol-prohibited medication during screening"))
    # An empty list of rows proves nothing: these say the lists are complete, so that
    # "no transfusion", "no biologic in the last month" etc. can pass.
    medications_complete = answer(
        _("medication history complete"),
        _("Every systemic glucocorticoid, immunosuppressant, biologic and anti-infective course of the last 12 months is entered."),
    )
    events_complete = answer(
        _("prior events complete"),
        _("Every transfusion, growth factor, major surgery, live vaccine, other study treatment, infection, "
        "dialysis and plasmapheresis of the last 12 months is entered."),
    )

    class Meta:
        verbose_name = _("medical history")
        verbose_name_plural = _("medical history")

    def clean(self):
        contradicted("myocardial_infarction_ever", "myocardial_infarction_date", self)


def contradicted(ever, day, instance):
    """An event answered "No" cannot have a date: one of the two is wrong."""
    if getattr(instance, ever) == NO and getattr(instance, day) is not None:
        raise ValidationError({day: _("A date is given but the event is answered No: correct one of them.")})


SleItems = abstract_fields(
    "SleItems",
    {
        **{
            f"eular_{code}": answer(_(SLE_2019_LABELS[code]), format_lazy(_("2019 EULAR/ACR, {domain}: {weight} points"),
                                                           domain=_(domain), weight=weight))
            for domain, items in SLE_2019_DOMAINS.items()
            for code, weight in items.items()
        },
        **{
            f"sledai_{code}": answer(_(label), format_lazy(_("SLEDAI-2K weight {weight}"), weight=weight))
            for code, (label, weight) in SLEDAI_2K.items()
        },
    },
)


# The entry criterion of the 2019 EULAR/ACR criteria: ANA on HEp-2 cells, or an equivalent positive test.
ANA_TITRE, ANA_EQUIVALENT, ANA_NEVER_POSITIVE = "titre", "equivalent", "never_positive"
ANA_TESTS = [
    (ANA_TITRE, _("HEp-2 immunofluorescence, titre reported")),
    (ANA_EQUIVALENT, _("Positive by an equivalent test, no titre reported (HEp-2 ELISA, CLIA, bead assay)")),
    (ANA_NEVER_POSITIVE, _("No positive ANA test on record")),
    ("unknown", _("Unknown / not available")),
]
TITRE_MIN, TITRE_MAX = 10, 100000


def titre(verbose_name, help_text):
    """The denominator N of a titre 1:N, as the report prints it."""
    return models.PositiveIntegerField(
        verbose_name, null=True, blank=True, help_text=help_text,
        validators=[MinValueValidator(TITRE_MIN), MaxValueValidator(TITRE_MAX)],
    )


class SleSection(SleItems, Section):
    diagnosis_date = event_date(_("SLE diagnosis date"))
    # CRF version 2: the ANA result as reported; the engine compares it with the entry criterion
    # (INC-SLE-01). The column held the answer to "ANA ≥ 1:80 ever" before.
    ana_test = models.CharField(
        _("highest ANA result on record"), max_length=16, choices=ANA_TESTS, blank=True,
        help_text=_("The highest titre ever reported, or a positive result of a test that reports none."),
    )
    ana_titre = titre(_("ANA titre 1:N"), _("N as printed: 320 for 1:320 (a report of 1:2560 or more: 2560)."))
    ana_date = event_date(_("date of that ANA sample"))
    ana_lab_cutoff = titre(_("the lab's positive cut-off 1:N"), _("As printed on the report, e.g. 80 for 1:80."))
    sledai_date = event_date(_("SLEDAI-2K assessment date"))
    serology_date = event_date(_("screening serology sample date"))
    screening_ana = result(_("ANA at screening"))
    screening_anti_dsdna = result(_("anti-dsDNA at screening"))
    # CRF version 2: whether one ever happened and when; the engine applies the window (EXC-03).
    lupus_crisis_ever = answer(_("lupus crisis, ever"))
    lupus_crisis_date = event_date(_("date of the most recent lupus crisis"), _("Required after Yes."))
    active_cns_lupus = answer(_("active CNS lupus"))
    severe_haemolytic_anaemia = answer(_("severe haemolytic anaemia"))
    severe_thrombocytopenic_purpura = answer(_("severe thrombocytopenic purpura"))
    severe_neutropenia = answer(_("severe neutropenia"))
    severe_myocardial_involvement = answer(_("severe myocardial involvement"))
    severe_pneumonitis = answer(_("severe lupus pneumonitis or pulmonary haemorrhage"))
    severe_hepatitis = answer(_("severe lupus hepatitis"))
    severe_vasculitis = answer(_("severe vasculitis"))

    class Meta:
        verbose_name = _("SLE")
        verbose_name_plural = _("SLE")

    def clean(self):
        errors = {}
        if self.ana_test != ANA_TITRE:
            for name in ("ana_titre", "ana_lab_cutoff"):
                if getattr(self, name) is not None:
                    errors[name] = _("A titre belongs to an HEp-2 immunofluorescence result: choose that test, "
                                     "or clear the titre.")
        if errors:
            raise ValidationError(errors)
        contradicted("lupus_crisis_ever", "lupus_crisis_date", self)




AAV_DIAGNOSES = [
    ("GPA", _("Granulomatosis with polyangiitis")),
    ("MPA", _("Microscopic polyangiitis")),
    ("EGPA", _("Eosinophilic granulomatosis with polyangiitis")),
    ("other", _("Other")),
]
RELAPSE_KINDS = [
    ("major", _("≥ 1 major BVAS item")),
    ("three_other", _("≥ 3 other BVAS items")),
    ("new_items_twice", _("1–2 new items at two consecutive assessments")),
]


class AavSection(Section):
    diagnosis = models.CharField(_("diagnosis (CHCC 2012)"), max_length=8, choices=AAV_DIAGNOSES, blank=True)
    diagnosis_date = event_date(_("AAV diagnosis date"))
    anca_date = event_date(_("screening ANCA sample date"))
    pr3_anca = result(_("PR3-ANCA at screening"))
    mpo_anca = result(_("MPO-ANCA at screening"))
    bvas_date = event_date(_("screening BVAS v3 assessment date"))
    remission_reached = answer(
        _("remission reached after ≥ 3 months of glucocorticoid + immunosuppressant"),
        _("BVAS 0 with glucocorticoid ≤ 7.5 mg/day prednisone-equivalent."),
    )
    remission_date = event_date(_("remission date"))
    remission_bvas = grade(_("BVAS at remission"), 63)
    remission_gc_dose = measurement(
        _("glucocorticoid dose at remission"), 0, 2000, gettext_noop("mg/day prednisone-equivalent"), decimals=2
    )
    relapse_date = event_date(_("recurrence onset date"))
    relapse_kind = models.CharField(
        _("how the recurrence qualified"), max_length=16, choices=RELAPSE_KINDS, blank=True
    )

    class Meta:
        verbose_name = _("AAV")
        verbose_name_plural = _("AAV")


IIM_SUBCLASSES = [
    ("DM", _("Dermatomyositis")),
    ("PM", _("Polymyositis")),
    ("IMNM", _("Immune-mediated necrotising myopathy")),
    ("IBM", _("Inclusion body myositis")),
    ("ADM", _("Amyopathic dermatomyositis")),
    ("JDM", _("Juvenile dermatomyositis")),
    ("juvenile_other", _("Juvenile myositis other than JDM")),
    ("other", _("Other")),
]


IimItems = abstract_fields(
    "IimItems",
    {
        **{f"eular_{code}": answer(_(item[0])) for code, item in IIM_2017_ITEMS.items()},
        **{f"mmt8_{code}": grade(_(MMT8_LABELS[code]), 10) for code in MMT8_GROUPS},
    },
)


VAS_UNITS = [("cm", "cm"), ("mm", "mm")]
VAS_FIELDS = ("patient_global", "physician_global", "extramuscular_global")
VAS_MAX_CM = 10


def vas(verbose_name):
    return models.DecimalField(
        verbose_name, max_digits=4, decimal_places=1, null=True, blank=True,
        help_text=_("As measured: 0–10 cm, or 0–100 mm."))


def vas_unit():
    return models.CharField(_("VAS unit"), max_length=2, choices=VAS_UNITS, blank=True)


class IimSection(IimItems, Section):
    symptom_onset_date = event_date(_("date of the first symptom"), _("Gives age at onset for the 2017 criteria."))
    biopsy_done = answer(_("muscle biopsy available"))
    finger_flexor_weakness = answer(_("finger flexor weakness"))
    treatment_response = answer(_("response to treatment"))
    anti_srp = result(_("anti-SRP"))
    anti_hmgcr = result(_("anti-HMGCR"))
    subclass = models.CharField(
        _("subclass (investigator)"), max_length=16, choices=IIM_SUBCLASSES, blank=True
    )
    assessment_date = event_date(_("core set assessment date"))
    # CRF version 2: each VAS as measured, with its unit (cm on the 10 cm line, or mm); cm before.
    patient_global = vas(_("patient global activity VAS"))
    patient_global_unit = vas_unit()
    physician_global = vas(_("physician global activity VAS"))
    physician_global_unit = vas_unit()
    extramuscular_global = vas(_("extramuscular global activity VAS"))
    extramuscular_global_unit = vas_unit()
    haq_di = measurement(_("HAQ-DI"), 0, 3, "score", decimals=3)

    class Meta:
        verbose_name = _("IIM")
        verbose_name_plural = _("IIM")

    def clean(self):
        errors = {}
        for name in VAS_FIELDS:
            measured, unit = getattr(self, name), getattr(self, f"{name}_unit")
            if measured is None:
                continue
            if not unit:
                errors[f"{name}_unit"] = _("Choose the unit the VAS was measured in (cm or mm).")
            elif not 0 <= convert(measured, unit, VAS_TO_CM) <= VAS_MAX_CM:
                errors[name] = _("%(value)s %(unit)s is off the 10 cm line: a VAS is 0–10 cm (0–100 mm).") % {
                    "value": value_text(measured), "unit": unit}
        if errors:
            raise ValidationError(errors)




SSC_OUTCOMES = [
    ("no_response", _("Failure to respond")),
    ("relapse", _("Relapse after remission")),
    ("response", _("Responding / in remission")),
    ("unknown", _("Unknown")),
]


SscItems = abstract_fields(
    "SscItems", {f"acr_{code}": answer(_(item[0]), format_lazy(_("{points} points"), points=item[1])) for code, item in SSC_2013_ITEMS.items()}
)


class SscSection(SscItems, Section):
    skin_proximal_elbows_knees = answer(_("skin thickening proximal to the elbows or knees"))
    skin_trunk = answer(_("skin thickening of the trunk (chest, abdomen or back)"))
    ild_present = answer(_("interstitial lung disease at screening"))
    ild_diagnosis_date = event_date(_("ILD diagnosis date"))
    therapy_outcome = models.CharField(
        _("outcome of conventional therapy"), max_length=16, choices=SSC_OUTCOMES, blank=True
    )

    class Meta:
        verbose_name = _("dcSSc")
        verbose_name_plural = _("dcSSc")




class Judgement(Section):
    """Investigator judgement items; only the investigator role may answer."""

    survival_over_6_months = answer(_("expected survival > 6 months"))
    coagulation_adequate = answer(_("coagulation function adequate"))
    syphilis_active = answer(
        _("active syphilis (asked when only the treponemal test is positive)")
    )
    tb_active = answer(_("signs or symptoms of active tuberculosis"))
    myopathy_excluded = answer(
        _("the non-inflammatory myopathy recorded is one the protocol excludes"),
        _("Drug-induced, HIV-associated, thyroid-related, hereditary or metabolic."),
    )
    allergy_excluded = answer(
        _("an allergy recorded is to F01 or one of its ingredients"),
        _("Asked when an allergy's agent is recorded and not answered as a study drug."),
    )
    unsuitable = answer(_("unsuitable for the study for any other reason"))
    unsuitable_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("investigator judgement")
