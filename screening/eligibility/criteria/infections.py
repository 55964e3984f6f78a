"""Blood-borne infection and tuberculosis checks behind EXC-12 and EXC-13.

A positive result excludes whatever its date; a clear result must come from screening.
"""

from datetime import datetime

from screening.calculators.dates import add_months
from screening.vocabulary import HBV_DNA_RESULTS

from .. import protocol as P
from ..results import Evidence
from .common import answer, answer_evidence, fmt, judged, require_scr, value
from .labs import screening_window_evidence
from .verdicts import all_of, awaiting, failed, incomplete, passed


def screening_serology(snapshot, ctx):
    day = value(snapshot, "infection", "sample_date")
    if day is None:
        return incomplete("The serology sample date is not recorded.", "infection.sample_date")
    ev = Evidence("Serology sample", fmt(day), date=day)
    if ctx.in_screening_window(day):
        return passed("", ev)
    if ctx.consent is None or ctx.scr is None:
        return incomplete("Screening samples cannot be identified without the consent and screening dates.",
                          [p for p, d in (("record.consent_date", ctx.consent), ("record.screening_date", ctx.scr))
                           if d is None], ev)
    return incomplete(f"The serology sample of {fmt(day)} was not taken during screening.", "infection.sample_date",
                      ev, screening_window_evidence(ctx))


def result_not(snapshot, field, label, bad):
    result = value(snapshot, "infection", field)
    ev = Evidence(label, result or "not recorded")
    if result is None:
        return incomplete(f"{label}: not recorded.", f"infection.{field}", ev)
    if result == bad:
        return failed(f"{label} {result}.", ev)
    return passed(f"{label} {result}.", ev)


def confirmed_by_nat(snapshot, antibody, label, nat, nat_label):
    """Antibody positive: the nucleic-acid test decides (detected excludes)."""
    screen = result_not(snapshot, antibody, label, "positive")
    if screen.status.value != "FAIL":
        return screen
    result = value(snapshot, "infection", nat)
    ev = screen.evidence + (Evidence(nat_label, result or "not recorded"),)
    if result is None:
        return incomplete(f"{label} positive and {nat_label} not recorded.", f"infection.{nat}", *ev)
    if result == "detected":
        return failed(f"{label} positive with {nat_label} detected.", *ev)
    return passed(f"{label} positive with {nat_label} not detected.", *ev)


def hbv_dna(snapshot):
    """Anti-HBc positive: the HBV DNA results decide. A result above the lab's lower limit excludes
    whatever its date; each quantified value is compared with its own row's lower limit of
    quantification, in the row's unit (protocol.HBV_DNA_ABOVE: no conversion between units)."""
    screen = result_not(snapshot, "anti_hbc", "anti-HBc", "positive")
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
        return failed(f"anti-HBc positive with HBV DNA above the lab's lower limit ({_hbv_text(above[0])}).", *ev)
    if unknown:
        return incomplete("anti-HBc positive; an HBV DNA value has no lower limit of quantification to compare with.",
                          "hbv_dna_tests", *ev)
    if clear:
        return passed(f"anti-HBc positive with HBV DNA not above the lab's lower limit ({_hbv_text(clear[-1])}).", *ev)
    return incomplete("anti-HBc positive and HBV DNA not recorded.", "hbv_dna_tests", *ev)


def _hbv_text(row):
    result = row.get("result")
    if result == "quantified":
        return f"{fmt(row['value'])} {row.get('unit') or ''}, lower limit {fmt(row['lloq'])}".replace("  ", " ")
    return HBV_DNA_RESULTS.get(result, result or "no result").lower()


def _hbv_evidence(row):
    lloq = row.get("lloq")
    value = fmt(row["value"]) if row.get("value") is not None else HBV_DNA_RESULTS.get(row.get("result"), "not recorded")
    return Evidence("HBV DNA", value, row.get("unit") or "", row.get("sample_date"),
                    note=f"lower limit of quantification {fmt(lloq)} {row.get('unit') or ''}".strip()
                    if lloq is not None else "")


def syphilis(snapshot):
    treponemal = value(snapshot, "infection", "syphilis_treponemal")
    other = value(snapshot, "infection", "syphilis_nontreponemal")
    ev = (Evidence("Syphilis treponemal test", treponemal or "not recorded"),
          Evidence("Syphilis non-treponemal test", other or "not recorded"))
    if treponemal is None:
        return incomplete("Syphilis treponemal test: not recorded.", "infection.syphilis_treponemal", *ev)
    if treponemal != "positive":
        return passed(f"Syphilis treponemal test {treponemal}.", *ev)
    if other is None:
        return incomplete("Syphilis treponemal test positive; non-treponemal test not recorded.",
                          "infection.syphilis_nontreponemal", *ev)
    if other == "positive":
        return failed("Syphilis treponemal and non-treponemal tests both positive.", *ev)
    return judged(snapshot, "syphilis_active", "active syphilis (only the treponemal test is positive)",
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
    said = "active TB" if active else "no active TB"
    ev = (
        Evidence(f"Coordinator (CRF{', ' + _stamp(crf) if _stamp(crf) else ''})", f"TB symptoms {fmt(symptoms)}",
                 note="signs or symptoms suggesting active tuberculosis"),
        Evidence(f"Investigator ({_stamp(judgement) or 'time not known'})",
                 said + (f" — reason: {reason}" if reason else "")),
    )
    both = f"the CRF records TB symptoms {fmt(symptoms)}, the investigator judged {said}"
    if isinstance(crf_at, datetime) and isinstance(judged_at, datetime) and judged_at > crf_at:
        because = f" ({reason})" if reason else ""
        text = f"The investigator's judgement, given after the CRF's answer, decides: {said}{because}; {both}."
        return failed(text, *ev) if active else passed(text, *ev)
    if isinstance(crf_at, datetime) and isinstance(judged_at, datetime):
        why = (f"The CRF's TB symptoms answer changed on {_stamp(crf)}, after the investigator's judgement of "
               f"{_stamp(judgement)}: {both}. The investigator must judge again.")
    else:
        why = f"The CRF and the investigator disagree ({both}) and the order of the answers is not known."
    return awaiting(why, TB_JUDGEMENT, *ev)


def tb_signs(snapshot):
    symptoms = answer(snapshot, "infection", "tb_symptoms")
    active = answer(snapshot, "judgement", "tb_active")
    if symptoms is not None and active is not None and symptoms != active:
        return _contested_tb(snapshot, symptoms, active)
    ev = answer_evidence("Signs or symptoms suggesting active TB (CRF)", symptoms)
    judgement = judged(snapshot, "tb_active", "signs or symptoms of active tuberculosis", good=False, evidence=[ev])
    if judgement.status.value == "FAIL" or symptoms is not None:
        return judgement
    return all_of([incomplete("TB symptoms: not answered.", "infection.tb_symptoms", ev), judgement])


def tb_imaging(snapshot, ctx):
    day = value(snapshot, "infection", "chest_imaging_date")
    active = answer(snapshot, "infection", "chest_imaging_active_tb")
    ev = [answer_evidence("Chest imaging shows active TB", active)]
    if day is None:
        return incomplete("The chest imaging date is not recorded.", "infection.chest_imaging_date", *ev)
    scr = require_scr(ctx)
    start = add_months(scr, -P.TB_IMAGING_MONTHS)
    ev.append(Evidence("Chest imaging", fmt(day), date=day, note=f"qualifies from {fmt(start)} to {fmt(ctx.window_end)}"))
    if not start <= day <= ctx.window_end:
        return incomplete(f"Chest imaging of {fmt(day)} is not at screening or within {P.TB_IMAGING_MONTHS} months "
                          "before it.", "infection.chest_imaging_date", *ev)
    if active is None:
        return incomplete("Chest imaging: active TB not answered.", "infection.chest_imaging_active_tb", *ev)
    if active:
        return failed(f"Chest imaging on {fmt(day)} shows active tuberculosis.", *ev)
    return passed(f"Chest imaging on {fmt(day)} shows no active tuberculosis.", *ev)


def igra(snapshot, ctx):
    result = value(snapshot, "infection", "igra")
    day = value(snapshot, "infection", "igra_date")
    ev = Evidence("IGRA", result or "not recorded", date=day)
    if result == "positive":
        return failed(f"Interferon-γ release assay positive{' on ' + fmt(day) if day else ''}.", ev)
    if result is None:
        return incomplete("IGRA: not recorded.", "infection.igra", ev)
    if result == "indeterminate":
        return incomplete("IGRA indeterminate: repeat the test.", "infection.igra", ev)
    if day is None:
        return incomplete("The IGRA date is not recorded.", "infection.igra_date", ev)
    if not ctx.in_screening_window(day):
        return incomplete(f"The IGRA of {fmt(day)} was not taken during screening.", "infection.igra_date", ev)
    return passed(f"IGRA {result} on {fmt(day)}.", ev)
