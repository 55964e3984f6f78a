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


@criterion("INC-SLE-01", f"2019 EULAR/ACR SLE classification, diagnosed ≥ {P.SLE_DURATION_MONTHS} months before SCR",
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
    wanted = f"≥ 1:{P.ANA_ENTRY_TITRE_MIN} on HEp-2 cells, or positive by an equivalent test"
    if test == ANA_NEVER_POSITIVE:
        ev = (Evidence("ANA entry criterion", "no positive ANA test on record", note=wanted),)
        return AnaEntry(False, (), ev, "no positive ANA test is on record")
    if test not in (ANA_TITRE, ANA_EQUIVALENT):
        ev = (Evidence("ANA entry criterion", "not recorded", note=wanted),)
        return AnaEntry(None, ("sle.ana_test",), ev, "the ANA result is not recorded")
    missing = ("sle.ana_titre",) if test == ANA_TITRE and titre is None else ()
    missing += ("sle.ana_date",) if day is None else ()
    if test == ANA_EQUIVALENT:
        shown, met = "positive by an equivalent test", True
    else:
        shown = "titre not recorded" if titre is None else f"1:{int(titre)} on HEp-2 cells"
        met = None if titre is None else titre >= P.ANA_ENTRY_TITRE_MIN
    note = wanted + ("" if cutoff is None else f"; lab cut-off 1:{int(cutoff)}")
    ev = (Evidence("ANA entry criterion", shown, date=day, note=note),)
    if missing:
        return AnaEntry(None, missing, ev, "the ANA titre or its date is not recorded")
    if met:
        return AnaEntry(True, (), ev, f"ANA {shown} on {fmt(day)} meets the entry criterion ({wanted})")
    return AnaEntry(False, (), ev, f"ANA {shown} on {fmt(day)} is below 1:{P.ANA_ENTRY_TITRE_MIN}")


def _classified(snapshot):
    items = {code: answer(snapshot, "sle", f"eular_{code}") for code in SLE_ITEM_CODES}
    entry = ana_entry(snapshot)
    c = classify_sle_2019(entry.met, items)
    domains = ", ".join(f"{d} {p}" for d, p in c.domain_points.items() if p)
    ev = [
        *entry.evidence,
        Evidence("2019 EULAR/ACR total", c.total, "points", note=domains or "no item present"),
        Evidence("At least one clinical item", fmt(c.has_clinical)),
        Evidence("Threshold", f"≥ {P.SLE_CLASSIFICATION_MIN} with ≥ 1 clinical item", "points"),
    ]
    if c.unanswered:
        ev.insert(2, Evidence("Total if every unanswered item were present", c.max_possible, "points"))
    if c.classified is True:
        return passed(f"2019 EULAR/ACR criteria met: {c.total} points with a clinical item.", *ev)
    if c.classified is False:
        if c.entry is False:
            why = f"the entry criterion is not met: {entry.reason}"
        elif c.max_possible < P.SLE_CLASSIFICATION_MIN:
            why = f"at most {c.max_possible} points are reachable, below {P.SLE_CLASSIFICATION_MIN}"
        else:
            why = "no clinical item is present"
        return failed(f"2019 EULAR/ACR criteria not met: {why}.", *ev)
    missing = [path for code in c.unanswered
               for path in (entry.missing if code == ANA_ENTRY else (f"sle.eular_{code}",))]
    return incomplete(
        f"2019 EULAR/ACR classification undetermined: {c.total} points so far, up to {c.max_possible}.",
        missing, *ev)


def _duration(snapshot, ctx):
    scr = require_scr(ctx)
    diagnosed = value(snapshot, "sle", "diagnosis_date")
    cutoff = add_months(scr, -P.SLE_DURATION_MONTHS)
    ev = (Evidence("Latest qualifying diagnosis date", fmt(cutoff), note=f"SCR − {P.SLE_DURATION_MONTHS} months"),)
    if diagnosed is None:
        return incomplete("The SLE diagnosis date is not recorded.", "sle.diagnosis_date", *ev)
    ev = (Evidence("SLE diagnosis date", fmt(diagnosed), date=diagnosed),) + ev
    if diagnosed <= cutoff:
        return passed(f"SLE diagnosed on {fmt(diagnosed)}, at least {P.SLE_DURATION_MONTHS} months before SCR.", *ev)
    return failed(
        f"SLE diagnosed on {fmt(diagnosed)}, less than {P.SLE_DURATION_MONTHS} months before SCR "
        f"(needs {fmt(cutoff)} or earlier).", *ev)


@criterion("INC-SLE-02", "ANA and/or anti-dsDNA positive at screening")
def serology(snapshot, ctx):
    return all_of([
        attempt(dated_in_screening, snapshot, ctx, "sle", "serology_date", "screening serology sample"),
        any_of([
            positive(snapshot, "sle", "screening_ana", "ANA at screening"),
            positive(snapshot, "sle", "screening_anti_dsdna", "Anti-dsDNA at screening"),
        ]),
    ])


@criterion("INC-SLE-03", f"SLEDAI-2K ≥ {P.SLEDAI_MIN} at screening")
def activity(snapshot, ctx):
    score = sledai_2k({code: answer(snapshot, "sle", f"sledai_{code}") for code in SLEDAI_2K})
    labels = {code: label for code, (label, _weight) in SLEDAI_2K.items()}
    return all_of([
        attempt(dated_in_screening, snapshot, ctx, "sle", "sledai_date", "SLEDAI-2K assessment"),
        score_at_least(score, P.SLEDAI_MIN, "SLEDAI-2K", "sle.sledai_", labels),
    ])


@criterion("INC-SLE-04", f"≥ {P.SLE_THERAPY_MONTHS} months of standard SLE therapy before SCR")
def prior_therapy(snapshot, ctx):
    scr = require_scr(ctx)
    if not snapshot.medications:
        return incomplete("No medication history is recorded.", "medications")
    qualifying, spans = lasting_courses(snapshot, P.SLE_THERAPY_CLASSES, P.SLE_THERAPY_MONTHS, scr)
    threshold = Evidence("Threshold", f"one course ≥ {P.SLE_THERAPY_MONTHS} months before SCR")
    if qualifying:
        best = longest(qualifying)
        return passed(
            f"{best.name} from {fmt(best.start)} to {fmt(best.end)}: at least {P.SLE_THERAPY_MONTHS} months of "
            f"standard SLE therapy before SCR.", best.evidence("Qualifying course"), threshold)
    best = longest(spans)
    shown = f" (longest: {best.name} {fmt(best.start)} to {fmt(best.end)})" if best else ""
    ev = (best.evidence("Longest course"),) if best else ()
    return failed(f"No course of standard SLE therapy lasted {P.SLE_THERAPY_MONTHS} months before SCR{shown}.",
                  *ev, threshold)


__all__ = ["CRITERIA", "SLE_2019_LABELS"]
