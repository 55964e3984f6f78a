"""Small shared pieces: number/date wording, and reading
yes/no answers so that "unknown" is always missing (never a "no")."""

from datetime import date

from ..messages import _
from ..results import Evidence
from .verdicts import MissingData, Verdict, awaiting, failed, incomplete, passed

# --- wording ------------------------------------------------------------------


def fmt(value, places=3) -> str:
    """A number as a monitor reads it: 79, 1.499, 58.6 (never 79.0 or 1e-3)."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return value.isoformat()
    text = f"{round(float(value), places):.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def num(value, places=3):
    """A number for evidence: an int when whole, else rounded."""
    value = round(float(value), places)
    return int(value) if value == int(value) else value


def on(day) -> str:
    return _(" on {day}", day=day.isoformat()) if isinstance(day, date) else ""


def pct(fraction) -> str:
    return f"{fmt(float(fraction) * 100, 1)} %"


# --- answers --------------------------------------------------------------------


def section(snapshot, key):
    return snapshot.section(key)


def answer(snapshot, key, field):
    """True / False, or None when blank, 'unknown' or not a yes/no value."""
    value = section(snapshot, key).get(field)
    return value if isinstance(value, bool) else None


def value(snapshot, key, field):
    """A section value, with blank strings and 'not_done' / 'unknown' codes as None."""
    raw = section(snapshot, key).get(field)
    if raw in ("", "not_done", "unknown"):
        return None
    return raw


def require(snapshot, key, field, what):
    """A needed section value, or MissingData naming `key.field`."""
    raw = value(snapshot, key, field)
    if raw is None:
        raise MissingData(_("{what} is not recorded.", what=what), f"{key}.{field}")
    return raw


def record_value(snapshot, field):
    raw = (snapshot.record or {}).get(field)
    return None if raw in ("", None) else raw


def require_record(snapshot, field, what):
    raw = record_value(snapshot, field)
    if raw is None:
        raise MissingData(_("{what} is not recorded.", what=what), f"record.{field}")
    return raw


def require_scr(ctx):
    if ctx.scr is None:
        raise MissingData(_("The screening date is not recorded."), "record.screening_date")
    return ctx.scr


def require_ld(ctx):
    if ctx.ld is None:
        raise MissingData(
            _("No screening or lymphodepletion date to count the window from."), "record.screening_date"
        )
    return ctx.ld


def answer_evidence(label, flag):
    return Evidence(label, _("not answered") if flag is None else fmt(flag))


def no_to(snapshot, key, field, label) -> Verdict:
    """Exclusion-style question: "yes" excludes (FAIL), "no" passes, blank/unknown is missing."""
    flag = answer(snapshot, key, field)
    ev = answer_evidence(label, flag)
    if flag is True:
        return failed(_("{label}: yes.", label=label), ev)
    if flag is False:
        return passed(_("{label}: no.", label=label), ev)
    return incomplete(_("{label}: not answered.", label=label), f"{key}.{field}", ev)


def yes_to(snapshot, key, field, label) -> Verdict:
    """Inclusion-style question: "yes" passes, "no" fails, blank/unknown is missing."""
    flag = answer(snapshot, key, field)
    ev = answer_evidence(label, flag)
    if flag is True:
        return passed(_("{label}: yes.", label=label), ev)
    if flag is False:
        return failed(_("{label}: no.", label=label), ev)
    return incomplete(_("{label}: not answered.", label=label), f"{key}.{field}", ev)


def judged(snapshot, field, label, *, good: bool, evidence=()) -> Verdict:
    """An investigator judgement item: AWAITING_INVESTIGATOR until answered."""
    flag = answer(snapshot, "judgement", field)
    ev = (answer_evidence(_("Investigator: {label}", label=label), flag), *evidence)
    if flag is None:
        return awaiting(_("Awaiting the investigator's judgement: {label}.", label=label), f"judgement.{field}", *ev)
    if flag is good:
        return passed(_("Investigator: {label}: {flag}.", label=label, flag=fmt(flag)), *ev)
    return failed(_("Investigator: {label}: {flag}.", label=label, flag=fmt(flag)), *ev)


# Test result codes as the English texts word them (the code itself), as messages.
# Codes the evidence shows as they are stored: the English stays the code, the reader's language
# gets a word (the msgid is the code itself).
CODE_WORDS = {
    "positive": _("positive"), "negative": _("negative"), "indeterminate": _("indeterminate"),  # test results
    "detected": _("detected"), "not_detected": _("not_detected"),
    "echo": _("echo"), "rhc": _("rhc"),  # how a pulmonary artery pressure was measured
    "none": _("none"), "III": _("III"), "IV": _("IV"), "I": _("I"), "II": _("II"),  # NYHA class
    "major": _("major"), "three_other": _("three_other"), "new_items_twice": _("new_items_twice"),  # AAV recurrence
    "no_response": _("no_response"), "relapse": _("relapse"),  # SSc conventional therapy outcome
    "inadequate_response": _("inadequate_response"),
}


def code_word(code):
    """A stored code as a message when CODE_WORDS has it, else as it is."""
    return CODE_WORDS.get(code, code)


def positive(snapshot, key, field, label) -> Verdict:
    """A test result: "positive" passes, "negative" fails, blank or "not done" is missing."""
    result = section(snapshot, key).get(field)
    ev = Evidence(label, code_word(result) or _("not recorded"))
    if result == "positive":
        return passed(_("{label} positive.", label=label), ev)
    if result == "negative":
        return failed(_("{label} negative.", label=label), ev)
    if result in (None, "", "not_done"):
        shown = _("{label} not done.", label=label) if result == "not_done" else _("{label} not recorded.", label=label)
        return incomplete(shown, f"{key}.{field}", ev)
    return incomplete(_("{label}: unexpected result {result}.", label=label, result=repr(result)), f"{key}.{field}", ev)


__all__ = [
    "fmt", "num", "on", "pct", "section", "answer", "value", "require",
    "record_value", "require_record", "require_scr", "require_ld", "answer_evidence", "no_to", "yes_to",
    "judged", "positive", "CODE_WORDS", "code_word",
]
