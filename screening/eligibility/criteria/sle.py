"""SLE inclusion criteria INC-SLE-01 … 04."""

from dataclasses import dataclass

from screening.calculators.dates import add_months
from screening.calculators.sle_classification import (
    ANA_ENTRY,
    SLE_2019_DOMAINS,
    SLE_2019_LABELS,
    classify_sle_2019,
)
from screening.calculators.sledai import SLEDAI_2K, sledai_2k

from .. import protocol as P
from ..messages import _, join
from ..results import Evidence
from .common import answer, fmt, positive, require_scr, value
from .courses import lasting_courses, longest
from .labs import dated_in_screening
from .scoring import score_at_least
from .table import registrar
from .verdicts import all_of, any_of, attempt, failed, incomplete, passed

CRITERIA: list = []
criterion = registrar(CRITERIA, "SLE")
SLE_ITEM_CODES = [code for items in SLE_2019_DOMAINS.values() for code in items]
# The 2019 EULAR/ACR domains as the total's note names them (the code), as messages.
DOMAIN_WORDS = {"constitutional": _("constitutional"), "haematologic": _("haematologic"),
                "neuropsychiatric": _("neuropsychiatric"), "mucocutaneous": _("mucocutaneous"),
                "serosal": _("serosal"), "musculoskeletal": _("musculoskeletal"), "renal": _("renal"),
                "antiphospholipid": _("antiphospholipid"), "complement": _("complement"),
                "sle_specific_antibodies": _("sle_specific_antibodies")}


@criterion("INC-SLE-01", _("2019 EULAR/ACR SLE classification, diagnosed ≥ {sle_duration_months} months before SCR",
                           sle_duration_months=P.SLE_DURATION_MONTHS),
           note=P.ANA_ENTRY_NOTE)
def classification(snapshot, ctx):
    return all_of([_classified(snapshot), attempt(_duration, snapshot, ctx)])


ANA_TITRE, ANA_EQUIVALENT, ANA_NEVER_POSITIVE = "titre", "equivalent", "never_positive"  # models.sections.ANA_TESTS


@dataclass(frozen=True)
class AnaEntry:
    met: bool | None  # None: undetermined
    missing: tuple  # snapshot paths
    evidence: tuple
    reason: str


def ana_entry(snapshot) -> AnaEntry:
    """The 2019 EULAR/ACR entry criterion computed from the ANA result as reported: a titre
    on HEp-2 cells ≥ 1:80, or a positive equivalent test, with the sample's date."""
    test = value(snapshot, "sle", "ana_test")
    titre, day = value(snapshot, "sle", "ana_titre"), value(snapshot, "sle", "ana_date")
    cutoff = value(snapshot, "sle", "ana_lab_cutoff")
    wanted = _("≥ 1:{ana_entry_titre_min} on HEp-2 cells, or positive by an equivalent test",
               ana_entry_titre_min=P.ANA_ENTRY_TITRE_MIN)
    if test == ANA_NEVER_POSITIVE:
        ev = (Evidence(_("ANA entry criterion"), _("no positive ANA test on record"), note=wanted),)
        return AnaEntry(False, (), ev, _("no positive ANA test is on record"))
    if test not in (ANA_TITRE, ANA_EQUIVALENT):
        ev = (Evidence(_("ANA entry criterion"), _("not recorded"), note=wanted),)
        return AnaEntry(None, ("sle.ana_test",), ev, _("the ANA result is not recorded"))
    missing = ("sle.ana_titre",) if test == ANA_TITRE and titre is None else ()
    missing += ("sle.ana_date",) if day is None else ()
    if test == ANA_EQUIVALENT:
        shown, met = _("positive by an equivalent test"), True
    else:
        shown = _("titre not recorded") if titre is None else _("1:{titre} on HEp-2 cells", titre=int(titre))
        met = None if titre is None else titre >= P.ANA_ENTRY_TITRE_MIN
    note = wanted if cutoff is None else join([wanted, _("; lab cut-off 1:{cutoff}", cutoff=int(cutoff))], sep="")
    ev = (Evidence(_("ANA entry criterion"), shown, date=day, note=note),)
    if missing:
        return AnaEntry(None, missing, ev, _("the ANA titre or its date is not recorded"))
    if met:
        return AnaEntry(True, (), ev, _("ANA {shown} on {day} meets the entry criterion ({wanted})",
                                        shown=shown, day=fmt(day), wanted=wanted))
    return AnaEntry(False, (), ev, _("ANA {shown} on {day} is below 1:{ana_entry_titre_min}",
                                     shown=shown, day=fmt(day), ana_entry_titre_min=P.ANA_ENTRY_TITRE_MIN))


def _classified(snapshot):
    items = {code: answer(snapshot, "sle", f"eular_{code}") for code in SLE_ITEM_CODES}
    entry = ana_entry(snapshot)
    c = classify_sle_2019(entry.met, items)
    domains = join([_("{domain} {points}", domain=DOMAIN_WORDS.get(d, d), points=p)
                    for d, p in c.domain_points.items() if p], sep=", ")
    ev = [
        *entry.evidence,
        Evidence(_("2019 EULAR/ACR total"), c.total, _("points"), note=domains or _("no item present")),
        Evidence(_("At least one clinical item"), fmt(c.has_clinical)),
        Evidence(_("Threshold"), _("≥ {sle_classification_min} with ≥ 1 clinical item",
                                sle_classification_min=P.SLE_CLASSIFICATION_MIN), _("points")),
    ]
    if c.unanswered:
        ev.insert(2, Evidence(_("Total if every unanswered item were present"), c.max_possible, _("points")))
    if c.classified is True:
        return passed(_("2019 EULAR/ACR criteria met: {total} points with a clinical item.", total=c.total), *ev)
    if c.classified is False:
        if c.entry is False:
            why = _("the entry criterion is not met: {reason}", reason=entry.reason)
        elif c.max_possible < P.SLE_CLASSIFICATION_MIN:
            why = _("at most {max_possible} points are reachable, below {sle_classification_min}",
                    max_possible=c.max_possible, sle_classification_min=P.SLE_CLASSIFICATION_MIN)
        else:
            why = _("no clinical item is present")
        return failed(_("2019 EULAR/ACR criteria not met: {why}.", why=why), *ev)
    missing = [path for code in c.unanswered
               for path in (entry.missing if code == ANA_ENTRY else (f"sle.eular_{code}",))]
    return incomplete(
        _("2019 EULAR/ACR classification undetermined: {total} points so far, up to {max_possible}.",
          total=c.total, max_possible=c.max_possible),
        missing, *ev)


def _duration(snapshot, ctx):
    scr = require_scr(ctx)
    diagnosed = value(snapshot, "sle", "diagnosis_date")
    cutoff = add_months(scr, -P.SLE_DURATION_MONTHS)
    ev = (Evidence(_("Latest qualifying diagnosis date"), fmt(cutoff), note=_("SCR − {sle_duration_months} months",
                                                                           sle_duration_months=P.SLE_DURATION_MONTHS)),)
    if diagnosed is None:
        return incomplete(_("The SLE diagnosis date is not recorded."), "sle.diagnosis_date", *ev)
    ev = (Evidence(_("SLE diagnosis date"), fmt(diagnosed), date=diagnosed),) + ev
    if diagnosed <= cutoff:
        return passed(_("SLE diagnosed on {diagnosed}, at least {sle_duration_months} months before SCR.",
                        diagnosed=fmt(diagnosed), sle_duration_months=P.SLE_DURATION_MONTHS), *ev)
    return failed(
        _("SLE diagnosed on {diagnosed}, less than {sle_duration_months} months before SCR "
          "(needs {cutoff} or earlier).",
          diagnosed=fmt(diagnosed), sle_duration_months=P.SLE_DURATION_MONTHS, cutoff=fmt(cutoff)), *ev)


@criterion("INC-SLE-02", _("ANA and/or anti-dsDNA positive at screening"))
def serology(snapshot, ctx):
    return all_of([
        attempt(dated_in_screening, snapshot, ctx, "sle", "serology_date", _("screening serology sample")),
        any_of([
            positive(snapshot, "sle", "screening_ana", _("ANA at screening")),
            positive(snapshot, "sle", "screening_anti_dsdna", _("Anti-dsDNA at screening")),
        ]),
    ])


@criterion("INC-SLE-03", _("SLEDAI-2K ≥ {sledai_min} at screening", sledai_min=P.SLEDAI_MIN))
def activity(snapshot, ctx):
    score = sledai_2k({code: answer(snapshot, "sle", f"sledai_{code}") for code in SLEDAI_2K})
    labels = {code: label for code, (label, _weight) in SLEDAI_2K.items()}
    return all_of([
        attempt(dated_in_screening, snapshot, ctx, "sle", "sledai_date", _("SLEDAI-2K assessment")),
        score_at_least(score, P.SLEDAI_MIN, _("SLEDAI-2K"), "sle.sledai_", labels),
    ])


@criterion("INC-SLE-04", _("≥ {sle_therapy_months} months of standard SLE therapy before SCR",
                           sle_therapy_months=P.SLE_THERAPY_MONTHS))
def prior_therapy(snapshot, ctx):
    scr = require_scr(ctx)
    if not snapshot.medications:
        return incomplete(_("No medication history is recorded."), "medications")
    qualifying, spans = lasting_courses(snapshot, P.SLE_THERAPY_CLASSES, P.SLE_THERAPY_MONTHS, scr)
    threshold = Evidence(_("Threshold"), _("one course ≥ {sle_therapy_months} months before SCR",
                                        sle_therapy_months=P.SLE_THERAPY_MONTHS))
    if qualifying:
        best = longest(qualifying)
        return passed(
            _("{name} from {start} to {end}: at least {sle_therapy_months} months of standard SLE "
              "therapy before SCR.",
              name=best.name, start=fmt(best.start), end=fmt(best.end), sle_therapy_months=P.SLE_THERAPY_MONTHS),
            best.evidence(_("Qualifying course")), threshold)
    best = longest(spans)
    shown = (_(" (longest: {name} {start} to {end})", name=best.name, start=fmt(best.start), end=fmt(best.end))
             if best else "")
    ev = (best.evidence(_("Longest course")),) if best else ()
    return failed(_("No course of standard SLE therapy lasted {sle_therapy_months} months before SCR{shown}.",
                    sle_therapy_months=P.SLE_THERAPY_MONTHS, shown=shown),
                  *ev, threshold)


__all__ = ["CRITERIA", "SLE_2019_LABELS"]
