"""Events recorded with their dates (CRF version 2), judged against a window before SCR.

The CRF asks whether the event ever happened and the date of the most recent one; the
window ("within N months before screening") is applied here, and the evidence names the
event's date, SCR and the window, e.g. "Acute myocardial infarction 2026-03-02 is within
6 calendar months before SCR 2026-09-01".
"""

from screening.calculators.dates import add_months

from .. import protocol as P
from ..messages import _, styled
from ..results import Evidence
from .common import answer, answer_evidence, code_word, fmt, require_scr, value
from .verdicts import failed, incomplete, passed


def window_phrase(day, scr, months):
    """Where `day` lies against the window of `months` calendar months before `scr`."""
    start = add_months(scr, -months)
    if day > scr:
        return True, _("is after SCR {scr}: more recent still than the {months} calendar months before it",
                       scr=fmt(scr), months=months)
    if day >= start:
        return True, _("is within {months} calendar months before SCR {scr} (from {start})",
                       months=months, scr=fmt(scr), start=fmt(start))
    return False, _("is more than {months} calendar months before SCR {scr} (before {start})",
                    months=months, scr=fmt(scr), start=fmt(start))


def recent_event(snapshot, ctx, key, ever_field, date_field, label, months):
    """FAIL when the most recent event lies within `months` calendar months before SCR (or after
    it); PASS when it never happened or lies earlier; INCOMPLETE when the answer or the date is missing."""
    ever = answer(snapshot, key, ever_field)
    day = value(snapshot, key, date_field)
    ev = [answer_evidence(_("{label}, ever", label=label), ever)]
    if day is not None:
        # A date says the event happened, whatever the answer (the form refuses "No" with a date).
        scr = require_scr(ctx)
        inside, phrase = window_phrase(day, scr, months)
        most_recent = _("Most recent {label}", label=styled(label, "lower_first"))
        ev.append(Evidence(most_recent, fmt(day), date=day, note=phrase))
        text = _("{label} {day} {phrase}.", label=label, day=fmt(day), phrase=phrase)
        return failed(text, *ev) if inside else passed(text, *ev)
    if ever is False:
        return passed(_("{label}: never.", label=label), *ev)
    if ever is True:
        return incomplete(_("{label}: yes, but the date of the most recent one is not recorded.", label=label),
                          f"{key}.{date_field}", *ev)
    return incomplete(_("{label}: not answered.", label=label), f"{key}.{ever_field}", *ev)


def pap_readings(snapshot):
    """(date, mmHg, where) of every pulmonary artery pressure reading: the screening echo's and the earlier rows."""
    found = []
    pap = value(snapshot, "organ", "echo_pap")
    if pap is not None:
        found.append((value(snapshot, "organ", "echo_date"), pap, _("screening echo")))
    for row in snapshot.pap_readings:
        if row.get("pap") is not None:
            found.append((row.get("reading_date"), row["pap"], code_word("rhc" if row.get("method") == "rhc" else "echo")))
    return found


def pulmonary_pressure(snapshot, ctx):
    """EXC-01, pulmonary hypertension: a reading > PAP_MAX mmHg dated in the year before SCR (to the end
    of the screening window) excludes; PASS needs the readings of that year declared complete."""
    scr = require_scr(ctx)
    start, end = add_months(scr, -P.PAP_LOOKBACK_MONTHS), ctx.window_end
    threshold = Evidence(_("Threshold"), f"> {P.PAP_MAX}", "mmHg", note=_("{start} to {end}",
                                                                       start=fmt(start), end=fmt(end)))
    readings = pap_readings(snapshot)
    dated = sorted((r for r in readings if r[0] is not None), key=lambda r: r[0])
    undated = [r for r in readings if r[0] is None]
    ev = [Evidence(_("Pulmonary artery pressure"), fmt(pap), "mmHg", day,
                   note=where if start <= day <= end else _("outside the look-back ({where})", where=where))
          for day, pap, where in dated]
    for day, pap, where in reversed(dated):  # the most recent reading above the threshold decides
        if pap > P.PAP_MAX and start <= day <= end:
            _inside, phrase = window_phrase(day, scr, P.PAP_LOOKBACK_MONTHS)
            return failed(_("Pulmonary artery pressure {pap} mmHg on {day} is above {pap_max} mmHg and {phrase}.",
                            pap=fmt(pap), day=fmt(day), pap_max=P.PAP_MAX, phrase=phrase), *ev, threshold)
    if undated:
        return incomplete(_("A pulmonary artery pressure reading of {pap} mmHg has no date.",
                            pap=fmt(undated[0][1])),
                          "organ.echo_date" if undated[0][2] == "screening echo" else "pap_readings", *ev, threshold)
    complete = answer(snapshot, "organ", "pap_readings_complete")
    ev.append(answer_evidence(_("Pulmonary artery pressure readings of the year complete"), complete))
    if complete is not True:
        return incomplete(_("No reading above the threshold so far, but the readings of the year before SCR are "
                            "not declared complete."), "organ.pap_readings_complete", *ev, threshold)
    inside = [pap for day, pap, _where in dated if start <= day <= end]
    if inside:
        return passed(_("Highest pulmonary artery pressure in the year before SCR {max_inside} mmHg, not "
                        "above {pap_max} mmHg.",
                        max_inside=fmt(max(inside)), pap_max=P.PAP_MAX), *ev, threshold)
    return passed(_("No pulmonary artery pressure reading in the year before SCR."), *ev, threshold)
