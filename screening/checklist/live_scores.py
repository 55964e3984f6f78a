"""The scores of a CRF section as the coordinator fills it in: what the server's
calculators make of the values on the page (docs/live-scores.md).

The figures come from the calculators the eligibility engine uses, called with
the same inputs read the same way: the values become a Snapshot through the
snapshot's own normalisation (`screening.checklist.snapshots.normalise`), then the
engine's readers (`answer`, `value`, the screening lab, the age at onset, the
BVAS rows, Cockcroft–Gault) feed the calculators. Nothing here scores.

A figure is shown only when every item it needs is answered; otherwise the
panel says what is missing, in words. A field that does not validate counts as
not entered, as it would not be saved.
"""

from dataclasses import dataclass, replace
from datetime import date

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..calculators.bvas import BVAS_V3_ITEMS, bvas_score, count_major_other
from ..calculators.dates import age_on
from ..calculators.iim import (
    AGE_AT_ONSET,
    IIM_2017_ITEMS,
    iim_age_points,
    iim_category,
    iim_score,
    suggested_subclass,
)
from ..calculators.mmt8 import MMT8_GROUPS, MMT8_MAX, mmt8_total
from ..calculators.mrss import MRSS_MAX, MRSS_SITES, mrss_total
from ..calculators.sle_classification import (
    ANA_ENTRY,
    SLE_2019_DOMAINS,
    classify_sle_2019,
)
from ..calculators.sledai import SLEDAI_2K, SLEDAI_2K_MAX, sledai_2k
from ..calculators.ssc import SSC_2013_ITEMS, ssc_2013_score
from ..calculators.units import UNIT_LABELS
from ..crf.forms import MAX_ROWS, row_formset_class, section_form_class
from ..crf.sections import ROW_MODELS, data_fields
from ..eligibility import protocol as P
from ..eligibility.context import build_context
from ..eligibility.criteria.aav import _bvas_flags
from ..eligibility.criteria.common import answer, fmt, pct, record_value, value
from ..eligibility.criteria.general import _cockcroft_gault, body_weight_kg
from ..eligibility.criteria.iim import BIOPSY_ITEMS, age_at_onset
from ..eligibility.criteria.labs import screening_lab
from ..eligibility.criteria.sle import ana_entry
from ..eligibility.criteria.verdicts import MissingData
from ..eligibility.snapshot import Snapshot
from ..models import (
    BvasItem,
    IimSection,
    LabResult,
    MrssAssessment,
    OrganFunction,
    SleSection,
    SscSection,
)
from .snapshots import RECORD_FIELDS, normalise, section_instance

ROW_KEYS = {model: key for key, model in ROW_MODELS.items()}  # row model -> snapshot key
# The rows the panels read, by row model (PFTs: none): of the lab rows only the
# creatinine, so a labs page's dozens of other rows are not validated for nothing.
ROWS_READ = {
    BvasItem: lambda data, prefix: True,
    MrssAssessment: lambda data, prefix: True,
    LabResult: lambda data, prefix: data.get(f"{prefix}-analyte") == "creatinine",
}
LISTED = 6  # missing items named before "and N more"

SLE_DOMAIN_LABELS = {
    "constitutional": gettext_lazy("Constitutional"),
    "haematologic": gettext_lazy("Haematologic"),
    "neuropsychiatric": gettext_lazy("Neuropsychiatric"),
    "mucocutaneous": gettext_lazy("Mucocutaneous"),
    "serosal": gettext_lazy("Serosal"),
    "musculoskeletal": gettext_lazy("Musculoskeletal"),
    "renal": gettext_lazy("Renal"),
    "antiphospholipid": gettext_lazy("Antiphospholipid antibodies"),
    "complement": gettext_lazy("Complement proteins"),
    "sle_specific_antibodies": gettext_lazy("SLE-specific antibodies"),
}
IIM_CATEGORY_LABELS = {
    "definite": gettext_lazy("definite IIM"),
    "probable": gettext_lazy("probable IIM"),
    "possible": gettext_lazy("possible IIM"),
    "not_iim": gettext_lazy("not IIM"),
}
# What the engine names as missing (its paths), in words.
MISSING_WORDS = {
    "record.date_of_birth": gettext_lazy("the date of birth (Demographics and consent)"),
    "record.sex": gettext_lazy("the sex (Demographics and consent)"),
    "record.consent_date": gettext_lazy("the consent date (Demographics and consent)"),
    "record.screening_date": gettext_lazy("the screening date (Demographics and consent)"),
    "organ.weight": gettext_lazy("the body weight (Organ function)"),
    "organ.weight_unit": gettext_lazy("the unit of the body weight (Organ function)"),
    "labs.creatinine": gettext_lazy(
        "a serum creatinine result with its value and unit, dated from the consent date to 28 days after screening"),
    "iim.symptom_onset_date": gettext_lazy("the date of the first symptom"),
    "iim.biopsy_done": gettext_lazy("whether a muscle biopsy is available"),
}


@dataclass(frozen=True)
class Line:
    label: str
    value: str = ""


@dataclass(frozen=True)
class Panel:
    key: str  # names the panel in the page (data-testid)
    title: str
    figure: str | None = None  # None: cannot be computed yet
    unit: str = ""
    missing: tuple[str, ...] = ()  # in words, when there is no figure
    notes: tuple[str, ...] = ()
    items_title: str = ""
    items: tuple[Line, ...] = ()

    @property
    def computed(self):
        return self.figure is not None


def scored(section):
    """Whether the section has scores to show."""
    return section.key in INSTRUMENTS


# ------------------------------------------------------------------ the values

def from_post(record, section, data):
    """The panels of the values posted by the section page (never saved)."""
    values = {}
    if section.model is not None:
        form = section_form_class(section)(data, instance=section.model(record=record), record=record)
        values = _cleaned(form, section.model)
    rows = {ROW_KEYS[r.model]: _posted_rows(record, r, data) for r in section.rows if r.model in ROWS_READ}
    return panels(record, section, values, rows, _organ(record, section))


def for_saved(record, section):
    """The panels of the section as saved: one query for the section, one per row table."""
    instance = section_instance(record, section) if section.model is not None else None
    values = _saved(instance) if instance is not None else {}
    rows = {}
    for r in (r for r in section.rows if r.model in ROWS_READ):
        fields = data_fields(r.model)
        found = r.model.objects.filter(record=record).order_by("pk").values_list(*(f.attname for f in fields))
        rows[ROW_KEYS[r.model]] = tuple({f.name: normalise(f, v) for f, v in zip(fields, row)} for row in found)
    return panels(record, section, values, rows, _organ(record, section))


def for_page(record, section, form, formsets):
    """The panels for the section page, from the form and formsets it shows: the
    values posted when a save was refused, else the saved ones, read from the
    page's own instances (no query but the labs' body weight). None when the
    section has no scores."""
    if not scored(section):
        return None
    shown = [form] if form is not None else [fs for _, fs in formsets]
    if shown and shown[0].is_bound:
        return from_post(record, section, shown[0].data)
    values = _saved(form.instance) if form is not None else {}
    rows = {ROW_KEYS[r.model]: tuple(_saved(row) for row in fs.get_queryset()) for r, fs in formsets
            if r.model in ROWS_READ}
    return panels(record, section, values, rows, _organ(record, section))


def _cleaned(form, model):
    """The form's valid values, normalised as the snapshot is; invalid fields are None."""
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    return {f.name: normalise(f, cleaned.get(f.name)) for f in data_fields(model)}


def _saved(instance):
    return {f.name: normalise(f, getattr(instance, f.name)) for f in data_fields(type(instance))}


def _posted_rows(record, rows, data):
    """The rows the page would keep that the panels read: its saved rows and the
    new rows typed in, less those ticked for deletion, of the first MAX_ROWS.

    Each row is validated by the formset's own form class on an unsaved row,
    as screening.exchange.loader does: the formset's row-id field would read each saved
    row back from the database."""
    formset = row_formset_class(rows)(data, instance=record, prefix=rows.model._meta.model_name)
    if not formset.management_form.is_valid():
        return ()
    total, initial = min(formset.total_form_count(), MAX_ROWS), formset.initial_form_count()
    found, read = [], ROWS_READ[rows.model]
    for i in range(total):
        prefix = formset.add_prefix(i)
        if not read(data, prefix) or forms.CheckboxInput().value_from_datadict(data, None, f"{prefix}-DELETE"):
            continue
        form = formset.form(data, prefix=prefix, instance=rows.model(record=record), record=record,
                            empty_permitted=i >= initial, use_required_attribute=False)
        if i >= initial and not form.has_changed():
            continue  # the blank row the page offers
        found.append(_cleaned(form, rows.model))
    return tuple(found)


def _organ(record, section):
    """The saved organ function section, for the labs' Cockcroft–Gault (weight)."""
    if section.key != "labs":
        return None
    instance = OrganFunction.objects.filter(record=record).first()
    return _saved(instance) if instance is not None else {}


# ------------------------------------------------------------------ the panels

def panels(record, section, values, rows, organ=None):
    """The score panels of a section from snapshot-shaped values: `values` of the
    section's own fields, `rows` by snapshot row key, `organ` for the labs."""
    sections = {section.key: values} if section.model is not None else {}
    if organ is not None:
        sections["organ"] = organ
    snapshot = Snapshot(record={name: getattr(record, name) for name in RECORD_FIELDS}, sections=sections, **rows)
    found = []
    for key, title, build in INSTRUMENTS.get(section.key, ()):
        try:
            found.append(Panel(key, str(title), **build(snapshot)))
        except ValueError as error:  # a value a calculator refuses: one panel says so, the others stand
            found.append(Panel(key, str(title), missing=(_("values the calculator accepts (%(error)s)") % {
                "error": error},)))
    return found


def _sledai(snapshot):
    score = sledai_2k({code: answer(snapshot, "sle", f"sledai_{code}") for code in SLEDAI_2K})
    shown = {
        "items_title": _("Descriptors counted (weight)"),
        "items": tuple(Line(_label(SleSection, f"sledai_{code}"), str(SLEDAI_2K[code][1])) for code in score.counted),
        "notes": (_("The protocol needs at least %(min)d (INC-SLE-03).") % {"min": P.SLEDAI_MIN},),
    }
    if score.unanswered:
        return {"missing": (_not_answered(SleSection, "sledai_", score.unanswered),), **shown}
    return {"figure": str(score.total), "unit": _("of %(max)d") % {"max": SLEDAI_2K_MAX}, **shown}


def _sle_2019(snapshot):
    codes = [code for weights in SLE_2019_DOMAINS.values() for code in weights]
    items = {code: answer(snapshot, "sle", f"eular_{code}") for code in codes}
    entry = ana_entry(snapshot)
    c = classify_sle_2019(entry.met, items)
    domains = []
    for domain, weights in SLE_2019_DOMAINS.items():
        points = c.domain_points[domain]
        # Named: the item present whose weight the domain counts (the highest).
        scoring = next((code for code, w in weights.items() if items[code] is True and w == points), None)
        text = f"{points} ({_label(SleSection, f'eular_{scoring}')})" if scoring else str(points)
        domains.append(Line(str(SLE_DOMAIN_LABELS[domain]), text))
    met = {True: _("met"), False: _("not met"), None: _("not recorded")}[c.entry]
    notes = [_("ANA entry criterion (1:%(titre)d or more on HEp-2 cells, or an equivalent positive test): "
               "%(entry)s.") % {"titre": P.ANA_ENTRY_TITRE_MIN, "entry": met}]
    if c.classified is True:
        notes.append(_("Classified as SLE: at least %(min)d points with a clinical item.")
                     % {"min": P.SLE_CLASSIFICATION_MIN})
    elif c.classified is False:
        if c.entry is False:
            why = _("the entry criterion is not met")
        elif c.max_possible < P.SLE_CLASSIFICATION_MIN:
            why = _("at most %(max)d points are reachable") % {"max": c.max_possible}
        else:
            why = _("no clinical item is present")
        notes.append(_("Not classified as SLE: %(why)s.") % {"why": why})
    else:
        notes.append(_("Classification undetermined until the open items are answered (it needs at least "
                       "%(min)d points with a clinical item).") % {"min": P.SLE_CLASSIFICATION_MIN})
    shown = {"notes": tuple(notes), "items_title": _("Points per domain (the highest item present counts)"),
             "items": tuple(domains)}
    open_items = tuple(code for code in c.unanswered if code != ANA_ENTRY)
    if open_items:
        return {"missing": (_not_answered(SleSection, "eular_", open_items),), **shown}
    return {"figure": str(c.total), "unit": _("points"), **shown}


def _bvas_rows(snapshot):
    """The BVAS rows with an item (a row being typed may have none yet), and the
    engine's reading of them: item -> classed major True / False / None."""
    rows = tuple(row for row in snapshot.bvas_items if row.get("item") in BVAS_V3_ITEMS)
    return rows, _bvas_flags(replace(snapshot, bvas_items=rows))


def _no_bvas(snapshot):
    if not snapshot.bvas_items and value(snapshot, "aav", "bvas_date") is None:
        return {"missing": (_("the BVAS v3 assessment date, or an item present"),)}
    return None


def _bvas(snapshot):
    if (none := _no_bvas(snapshot)) is not None:
        return none
    rows, flags = _bvas_rows(snapshot)
    pairs = [(row["item"], row.get("new_or_worse") is True) for row in rows]
    new_or_worse = {code: any(flag for c, flag in pairs if c == code) for code in flags}
    classes = {True: _("major"), False: _("other"), None: _("not classed")}
    course = {True: _("new or worse"), False: _("persistent")}
    items = tuple(
        Line(_(BVAS_V3_ITEMS[code][1]), _("%(course)s, %(kind)s") % {"course": course[new_or_worse[code]],
                                                                     "kind": classes[major]})
        for code, major in flags.items()
    )
    return {"figure": str(bvas_score(pairs)), "unit": _("points"), "items_title": _("Items present"), "items": items,
            "notes": (_("Scored as a first assessment: the serum creatinine bands count."),)}


def _bvas_classes(snapshot):
    if (none := _no_bvas(snapshot)) is not None:
        return none
    _rows, flags = _bvas_rows(snapshot)
    majors, others = count_major_other((code, major) for code, major in flags.items() if major is not None)
    counts = _("%(major)d major, %(other)d other") % {"major": majors, "other": others}
    threshold = _("The protocol needs at least %(major)d major or %(other)d other items (INC-AAV-02).") % {
        "major": P.AAV_MAJOR_MIN, "other": P.AAV_OTHER_MIN}
    unclassed = [code for code, major in flags.items() if major is None]
    if unclassed:
        missing = ngettext("%(count)d item not classed major or other (%(names)s)",
                           "%(count)d items not classed major or other (%(names)s)", len(unclassed)) % {
            "count": len(unclassed), "names": ", ".join(BVAS_V3_ITEMS[code][1] for code in unclassed)}
        return {"missing": (missing,), "notes": (_("So far: %(counts)s.") % {"counts": counts}, threshold)}
    return {"figure": counts, "notes": (threshold,)}


def _mmt8(snapshot):
    grades = {}
    for group in MMT8_GROUPS:  # as the checklist reads them
        grade = snapshot.section("iim").get(f"mmt8_{group}")
        grades[group] = int(grade) if isinstance(grade, float) and grade.is_integer() else grade
    score = mmt8_total(grades)
    notes = (_("The protocol needs at most %(max)d (INC-IIM-02).") % {"max": P.MMT8_MAX_TOTAL},)
    if score.unanswered:
        missing = ngettext("%(count)d muscle group not graded (%(names)s)",
                           "%(count)d muscle groups not graded (%(names)s)", len(score.unanswered)) % {
            "count": len(score.unanswered), "names": _names(IimSection, "mmt8_", score.unanswered)}
        return {"missing": (missing,), "notes": notes}
    return {"figure": str(score.total), "unit": _("of %(max)d") % {"max": MMT8_MAX}, "notes": notes}


def _iim_2017(snapshot):
    biopsy = answer(snapshot, "iim", "biopsy_done")
    if biopsy is None:
        return {"missing": (str(MISSING_WORDS["iim.biopsy_done"]),)}
    age, age_gaps = age_at_onset(snapshot)
    # Without a biopsy the biopsy features do not score (as in the checklist).
    items = {code: answer(snapshot, "iim", f"eular_{code}") for code in IIM_2017_ITEMS
             if biopsy or code not in BIOPSY_ITEMS}
    score = iim_score(age, items, biopsy)
    column = 2 if biopsy else 1
    counted = [Line(_label(IimSection, f"eular_{code}"), fmt(IIM_2017_ITEMS[code][column], 2)) for code in score.counted]
    if age is not None:
        counted.insert(0, Line(_("Age at onset: %(age)d years") % {"age": age}, fmt(iim_age_points(age, biopsy), 2)))
    shown = {"items_title": _("Items counted (points)"), "items": tuple(counted)}
    missing = [str(MISSING_WORDS[path]) for path in age_gaps]
    open_items = tuple(code for code in score.unanswered if code != AGE_AT_ONSET)
    if open_items:
        missing.append(_not_answered(IimSection, "eular_", open_items))
    if missing:
        return {"missing": tuple(missing), **shown}
    notes = (
        _("Score %(score)s points, %(biopsy)s.") % {
            "score": fmt(score.score, 2), "biopsy": _("with muscle biopsy") if biopsy else _("without muscle biopsy")},
        _("Category: %(category)s.") % {"category": IIM_CATEGORY_LABELS[iim_category(score.probability)]},
        _("The protocol needs a probability of at least %(min)s (INC-IIM-01), by the logistic formula.")
        % {"min": pct(P.IIM_PROBABILITY_MIN)},
    )
    return {"figure": pct(score.probability), "unit": _("probability of IIM"), "notes": notes, **shown}


def _iim_subclass(snapshot):
    chosen = value(snapshot, "iim", "subclass")
    labels = dict(IimSection._meta.get_field("subclass").choices)
    recorded = _("Subclass recorded by the investigator: %(subclass)s.") % {
        "subclass": labels.get(chosen, chosen) if chosen else _("not recorded")}
    age, age_gaps = age_at_onset(snapshot)
    if age is None:
        return {"missing": tuple(str(MISSING_WORDS[path]) for path in age_gaps), "notes": (recorded,)}
    items = {code: answer(snapshot, "iim", f"eular_{code}") for code in IIM_2017_ITEMS}
    suggestion = suggested_subclass(age, items, answer(snapshot, "iim", "finger_flexor_weakness"),
                                    answer(snapshot, "iim", "treatment_response"))
    return {"figure": str(labels.get(suggestion, suggestion)), "notes": (
        _("Suggested by the 2017 tree, unanswered items counting as absent; the investigator decides."), recorded)}


def _ssc_2013(snapshot):
    score = ssc_2013_score({code: answer(snapshot, "ssc", f"acr_{code}") for code in SSC_2013_ITEMS})
    shown = {
        "items_title": _("Items counted, the highest of each category (points)"),
        "items": tuple(Line(_label(SscSection, f"acr_{code}"), str(SSC_2013_ITEMS[code][1])) for code in score.counted),
        "notes": (_("At least %(min)d points classify as SSc (INC-SSC-01).") % {"min": P.SSC_CLASSIFICATION_MIN},),
    }
    if score.unanswered:
        return {"missing": (_not_answered(SscSection, "acr_", score.unanswered),), **shown}
    return {"figure": str(score.total), "unit": _("points"), **shown}


def _mrss(snapshot):
    # Dated assessments oldest first, as the checklist reads them; undated ones (being typed) after.
    rows = sorted(snapshot.mrss, key=lambda r: (r.get("assessment_date") is None, r.get("assessment_date") or date.min))
    if not rows:
        return {"missing": (_("an mRSS assessment"),)}
    lines, latest = [], None
    for row in rows:
        score = mrss_total({site: row.get(site) for site in MRSS_SITES})
        day = row.get("assessment_date")
        if score.unanswered:
            text = ngettext("cannot be computed yet: %(count)d site not scored",
                            "cannot be computed yet: %(count)d sites not scored", len(score.unanswered)) % {
                "count": len(score.unanswered)}
        else:
            text = _("%(total)d of %(max)d") % {"total": score.total, "max": MRSS_MAX}
        lines.append(Line(day.isoformat() if day else _("date not entered"), text))
        if day is not None:
            latest = (day, score)
    shown = {"items_title": _("Assessments"), "items": tuple(lines)}
    if latest is None:
        return {"missing": (_("the date of an mRSS assessment"),), **shown}
    day, score = latest
    if score.unanswered:
        missing = ngettext("%(count)d site of the latest assessment (%(day)s) not scored",
                           "%(count)d sites of the latest assessment (%(day)s) not scored", len(score.unanswered)) % {
            "count": len(score.unanswered), "day": day.isoformat()}
        return {"missing": (missing,), **shown}
    return {"figure": str(score.total), "unit": _("of %(max)d, latest assessment (%(day)s)") % {
        "max": MRSS_MAX, "day": day.isoformat()}, **shown}


def _weight_text(snapshot):
    """The weight in kg, and as printed when it was printed in another unit."""
    kg = body_weight_kg(snapshot)[0]
    unit = value(snapshot, "organ", "weight_unit")
    if unit == "kg":
        return _("%(weight)s kg") % {"weight": fmt(value(snapshot, "organ", "weight"))}
    return _("%(weight)s kg (%(printed)s %(unit)s)") % {
        "weight": fmt(kg, 1), "printed": fmt(value(snapshot, "organ", "weight")), "unit": unit}


def _crcl(snapshot):
    notes = (_("The protocol needs at least %(min)d mL/min (INC-05a); the checklist uses a measured 24-hour "
               "clearance instead when one was taken without IV hydration.") % {"min": P.CRCL_MIN},)
    if answer(snapshot, "organ", "creatinine_hydration") is True:
        notes += (_("The serum creatinine was drawn after IV hydration: the checklist cannot use this clearance; "
                    "a sample without hydration is needed."),)
    ctx = build_context(snapshot)
    try:
        crcl, _evidence = _cockcroft_gault(snapshot, ctx)  # the checklist's own computation
    except MissingData as gap:
        return {"missing": tuple(str(MISSING_WORDS.get(path, path)) for path in dict.fromkeys(gap.paths)),
                "notes": notes}
    # The inputs it used, read again for display with the same readers.
    lab = screening_lab(snapshot, ctx, "creatinine")
    age = age_on(record_value(snapshot, "date_of_birth"), lab.day)
    items = (
        Line(_("Age on the sample date"), _("%(age)d years") % {"age": age}),
        Line(_("Sex"), _("female") if record_value(snapshot, "sex") == "F" else _("male")),
        Line(_("Actual body weight"), _weight_text(snapshot)),
        Line(_("Serum creatinine"), f"{fmt(lab.raw)} {UNIT_LABELS.get(lab.raw_unit, lab.raw_unit)} ({lab.day.isoformat()})"),
    )
    return {"figure": fmt(crcl, 1), "unit": _("mL/min"), "notes": notes, "items_title": _("Computed from"),
            "items": items}


# section key -> its panels: (key in the page, title, builder)
INSTRUMENTS = {
    "sle": (
        ("sledai", gettext_lazy("SLEDAI-2K"), _sledai),
        ("sle-2019", gettext_lazy("2019 EULAR/ACR SLE classification"), _sle_2019),
    ),
    "aav": (
        ("bvas", gettext_lazy("BVAS v3"), _bvas),
        ("bvas-classes", gettext_lazy("BVAS v3 major and other items"), _bvas_classes),
    ),
    "iim": (
        ("mmt8", gettext_lazy("MMT-8"), _mmt8),
        ("iim-2017", gettext_lazy("2017 EULAR/ACR IIM classification"), _iim_2017),
        ("iim-subclass", gettext_lazy("IIM subclass"), _iim_subclass),
    ),
    "ssc": (
        ("ssc-2013", gettext_lazy("2013 ACR/EULAR SSc classification"), _ssc_2013),
        ("mrss", gettext_lazy("Modified Rodnan skin score"), _mrss),
    ),
    "labs": (("crcl", gettext_lazy("Creatinine clearance (Cockcroft–Gault)"), _crcl),),
}


# ------------------------------------------------------------------ words

def _label(model, name):
    return str(capfirst(model._meta.get_field(name).verbose_name))


def _names(model, prefix, codes):
    shown = [_label(model, f"{prefix}{code}") for code in codes[:LISTED]]
    more = len(codes) - len(shown)
    text = ", ".join(shown)
    if more:
        text += " " + ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more}
    return text


def _not_answered(model, prefix, codes):
    """"3 items not answered or unknown (Seizure, …)": an unknown answer is not a no."""
    return ngettext("%(count)d item not answered or unknown (%(names)s)",
                    "%(count)d items not answered or unknown (%(names)s)", len(codes)) % {
        "count": len(codes), "names": _names(model, prefix, codes)}
