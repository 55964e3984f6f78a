"""Blood-borne infection and tuberculosis checks behind EXC-12 and EXC-13.

A positive result excludes whatever its date; a clear result must come from screening.
"""

from datetime import datetime

from screening.calculators.dates import add_months
from screening.vocabulary import HBV_DNA_RESULTS

from .. import protocol as P
from ..messages import Message, _, styled
from ..results import Evidence
from .common import answer, answer_evidence, code_word, fmt, judged, require_scr, value
from .labs import screening_window_evidence
from .verdicts import all_of, awaiting, failed, incomplete, passed

_word = code_word


def _exact(message, english):
    """The message when it reads exactly as the English text did, else that English."""
    return message if message == english else english


def screening_serology(snapshot, ctx):
    day = value(snapshot, "infection", "sample_date")
    if day is None:
        return incomplete(_("The serology sample date is not recorded."), "infection.sample_date")
    ev = Evidence(_("Serology sample"), fmt(day), date=day)
    if ctx.in_screening_window(day):
        return passed("", ev)
    if ctx.consent is None or ctx.scr is None:
        return incomplete(_("Screening samples cannot be identified without the consent and screening dates."),
                          [p for p, d in (("record.consent_date", ctx.consent), ("record.screening_date", ctx.scr))
                           if d is None], ev)
    return incomplete(_("The serology sample of {day} was not taken during screening.", day=fmt(day)),
                      "infection.sample_date",
                      ev, screening_window_evidence(ctx))


def result_not(snapshot, field, label, bad):
    result = value(snapshot, "infection", field)
    ev = Evidence(label, _word(result) or _("not recorded"))
    if result is None:
        return incomplete(_("{label}: not recorded.", label=label), f"infection.{field}", ev)
    if result == bad:
        return failed(_("{label} {result}.", label=label, result=_word(result)), ev)
    return passed(_("{label} {result}.", label=label, result=_word(result)), ev)


def confirmed_by_nat(snapshot, antibody, label, nat, nat_label):
    """Antibody positive: the nucleic-acid test decides (detected excludes)."""
    screen = result_not(snapshot, antibody, label, "positive")
    if screen.status.value != "FAIL":
        return screen
    result = value(snapshot, "infection", nat)
    ev = screen.evidence + (Evidence(nat_label, _word(result) or _("not recorded")),)
    if result is None:
        return incomplete(_("{label} positive and {nat} not recorded.", label=label, nat=nat_label),
                          f"infection.{nat}", *ev)
    if result == "detected":
        return failed(_("{label} positive with {nat} detected.", label=label, nat=nat_label), *ev)
    return passed(_("{label} positive with {nat} not detected.", label=label, nat=nat_label), *ev)


def hbv_dna(snapshot):
    """Anti-HBc positive: the HBV DNA results decide. A result above the lab's lower limit excludes
    whatever its date; each quantified value is compared with its own row's lower limit of
    quantification, in the row's unit (protocol.HBV_DNA_ABOVE: no conversion between units)."""
    screen = result_not(snapshot, "anti_hbc", _("anti-HBc"), "positive")
    if screen.status.value != "FAIL":
        return screen
    rows = snapshot.hbv_dna_tests
    ev = screen.evidence + tuple(_hbv_evidence(r) for r in rows)
    above, unknown, clear = [], [], []
    for row in rows:
        result, number, lloq = row.get("result"), row.get("value"), row.get("lloq")
        if result in P.HBV_DNA_ABOVE or (result == "quantified" and None not in (number, lloq) and number > lloq):
            above.append(row)
        elif result in P.HBV_DNA_CLEAR or (result == "quantified" and None not in (number, lloq)):
            clear.append(row)
        elif result == "quantified":
            unknown.append(row)
    if above:
        return failed(_("anti-HBc positive with HBV DNA above the lab's lower limit ({result}).",
                        result=_hbv_text(above[0])), *ev)
    if unknown:
        return incomplete(_("anti-HBc positive; an HBV DNA value has no lower limit of quantification to compare "
                            "with."), "hbv_dna_tests", *ev)
    if clear:
        return passed(_("anti-HBc positive with HBV DNA not above the lab's lower limit ({result}).",
                        result=_hbv_text(clear[-1])), *ev)
    return incomplete(_("anti-HBc positive and HBV DNA not recorded."), "hbv_dna_tests", *ev)


def _hbv_text(row):
    result = row.get("result")
    if result == "quantified":
        text = _("{value} {unit}, lower limit {lloq}", value=fmt(row["value"]), unit=row.get("unit") or "",
                 lloq=fmt(row["lloq"]))
        return _exact(text, text.replace("  ", " "))
    if result in HBV_DNA_RESULTS:
        return _exact(styled(Message(HBV_DNA_RESULTS[result]), "lower_first"), HBV_DNA_RESULTS[result].lower())
    return result.lower() if result else _("no result")


def _hbv_evidence(row):
    lloq = row.get("lloq")
    result, unit = row.get("result"), row.get("unit") or ""
    if row.get("value") is not None:
        value = fmt(row["value"])
    else:
        value = Message(HBV_DNA_RESULTS[result]) if result in HBV_DNA_RESULTS else _("not recorded")
    note = ""
    if lloq is not None:
        with_unit = _("lower limit of quantification {lloq} {unit}", lloq=fmt(lloq), unit=unit)
        note = _exact(with_unit if unit.strip() else _("lower limit of quantification {lloq}", lloq=fmt(lloq)),
                      with_unit.strip())
    return Evidence(_("HBV DNA"), value, unit, row.get("sample_date"), note=note)


def syphilis(snapshot):
    treponemal = value(snapshot, "infection", "syphilis_treponemal")
    other = value(snapshot, "infection", "syphilis_nontreponemal")
    ev = (Evidence(_("Syphilis treponemal test"), _word(treponemal) or _("not recorded")),
          Evidence(_("Syphilis non-treponemal test"), _word(other) or _("not recorded")))
    if treponemal is None:
        return incomplete(_("Syphilis treponemal test: not recorded."), "infection.syphilis_treponemal", *ev)
    if treponemal != "positive":
        return passed(_("Syphilis treponemal test {result}.", result=_word(treponemal)), *ev)
    if other is None:
        return incomplete(_("Syphilis treponemal test positive; non-treponemal test not recorded."),
                          "infection.syphilis_nontreponemal", *ev)
    if other == "positive":
        return failed(_("Syphilis treponemal and non-treponemal tests both positive."), *ev)
    return judged(snapshot, "syphilis_active", _("active syphilis (only the treponemal test is positive)"),
                  good=False, evidence=ev)


TB_SYMPTOMS, TB_JUDGEMENT = "infection.tb_symptoms", "judgement.tb_active"
# A coordinator's CRF answer and the investigator's judgement of the same question ("yes" means
# the same on both sides). When both are answered and disagree, the judgement decides only if it
# was given after the coordinator's last change of the answer: the times come with the snapshot
# (Snapshot.answered, read from the history by checklist/snapshots.py for these pairs only).
ANSWER_PAIRS = ((TB_SYMPTOMS, TB_JUDGEMENT),)


def _answer_at(sections, path):
    key, _, name = path.partition(".")
    raw = (sections.get(key) or {}).get(name)
    return raw if isinstance(raw, bool) else None


def contested_paths(sections):
    """The paths of the pairs whose two answers are both given and differ, in `sections`
    (section key -> field -> normalised value): those whose answer times the snapshot needs."""
    found = []
    for crf, judgement in ANSWER_PAIRS:
        a, b = _answer_at(sections, crf), _answer_at(sections, judgement)
        if a is not None and b is not None and a != b:
            found += [crf, judgement]
    return tuple(found)


def _stamp(when):
    at = (when or {}).get("at")
    return at.strftime("%Y-%m-%d %H:%M UTC") if isinstance(at, datetime) else None


def _contested_tb(snapshot, symptoms, active):
    """The CRF says one thing, the investigator the other: never resolved silently."""
    answered = getattr(snapshot, "answered", None) or {}
    crf, judgement = answered.get(TB_SYMPTOMS), answered.get(TB_JUDGEMENT)
    crf_at, judged_at = (crf or {}).get("at"), (judgement or {}).get("at")
    reason = ((judgement or {}).get("reason") or "").strip()
    said = _("active TB") if active else _("no active TB")
    crf_time, judged_time = _stamp(crf), _stamp(judgement)
    ev = (
        Evidence(_("Coordinator (CRF, {time})", time=crf_time) if crf_time else _("Coordinator (CRF)"),
                 _("TB symptoms {answer}", answer=fmt(symptoms)),
                 note=_("signs or symptoms suggesting active tuberculosis")),
        Evidence(_("Investigator ({time})", time=judged_time) if judged_time else _("Investigator (time not known)"),
                 _("{said} — reason: {reason}", said=said, reason=reason) if reason else said),
    )
    both = _("the CRF records TB symptoms {answer}, the investigator judged {said}", answer=fmt(symptoms), said=said)
    if isinstance(crf_at, datetime) and isinstance(judged_at, datetime) and judged_at > crf_at:
        because = _(" ({reason})", reason=reason) if reason else ""
        text = _("The investigator's judgement, given after the CRF's answer, decides: {said}{because}; {both}.",
                 said=said, because=because, both=both)
        return failed(text, *ev) if active else passed(text, *ev)
    if isinstance(crf_at, datetime) and isinstance(judged_at, datetime):
        why = _("The CRF's TB symptoms answer changed on {crf_time}, after the investigator's judgement of "
                "{judged_time}: {both}. The investigator must judge again.",
                crf_time=crf_time, judged_time=judged_time, both=both)
    else:
        why = _("The CRF and the investigator disagree ({both}) and the order of the answers is not known.", both=both)
    return awaiting(why, TB_JUDGEMENT, *ev)


def tb_signs(snapshot):
    symptoms = answer(snapshot, "infection", "tb_symptoms")
    active = answer(snapshot, "judgement", "tb_active")
    if symptoms is not None and active is not None and symptoms != active:
        return _contested_tb(snapshot, symptoms, active)
    ev = answer_evidence(_("Signs or symptoms suggesting active TB (CRF)"), symptoms)
    judgement = judged(snapshot, "tb_active", _("signs or symptoms of active tuberculosis"), good=False, evidence=[ev])
    if judgement.status.value == "FAIL" or symptoms is not None:
        return judgement
    return all_of([incomplete(_("TB symptoms: not answered."), "infection.tb_symptoms", ev), judgement])


def tb_imaging(snapshot, ctx):
    day = value(snapshot, "infection", "chest_imaging_date")
    active = answer(snapshot, "infection", "chest_imaging_active_tb")
    ev = [answer_evidence(_("Chest imaging shows active TB"), active)]
    if day is None:
        return incomplete(_("The chest imaging date is not recorded."), "infection.chest_imaging_date", *ev)
    scr = require_scr(ctx)
    start = add_months(scr, -P.TB_IMAGING_MONTHS)
    ev.append(Evidence(_("Chest imaging"), fmt(day), date=day,
                       note=_("qualifies from {low} to {high}", low=fmt(start), high=fmt(ctx.window_end))))
    if not start <= day <= ctx.window_end:
        return incomplete(_("Chest imaging of {day} is not at screening or within {months} months before it.",
                            day=fmt(day), months=P.TB_IMAGING_MONTHS), "infection.chest_imaging_date", *ev)
    if active is None:
        return incomplete(_("Chest imaging: active TB not answered."), "infection.chest_imaging_active_tb", *ev)
    if active:
        return failed(_("Chest imaging on {day} shows active tuberculosis.", day=fmt(day)), *ev)
    return passed(_("Chest imaging on {day} shows no active tuberculosis.", day=fmt(day)), *ev)


def igra(snapshot, ctx):
    result = value(snapshot, "infection", "igra")
    day = value(snapshot, "infection", "igra_date")
    ev = Evidence(_("IGRA"), _word(result) or _("not recorded"), date=day)
    if result == "positive":
        return failed(_("Interferon-γ release assay positive{on_day}.",
                        on_day=_(" on {day}", day=fmt(day)) if day else ""), ev)
    if result is None:
        return incomplete(_("IGRA: not recorded."), "infection.igra", ev)
    if result == "indeterminate":
        return incomplete(_("IGRA indeterminate: repeat the test."), "infection.igra", ev)
    if day is None:
        return incomplete(_("The IGRA date is not recorded."), "infection.igra_date", ev)
    if not ctx.in_screening_window(day):
        return incomplete(_("The IGRA of {day} was not taken during screening.", day=fmt(day)), "infection.igra_date",
                          ev)
    return passed(_("IGRA {result} on {day}.", result=_word(result), day=fmt(day)), ev)
