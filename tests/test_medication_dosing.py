"""Medications as charted (issue 17): dose per administration + frequency → the dose per day, the
doses given over a window and the prednisone equivalent the glucocorticoid criteria compare; the form
and the import refuse a dose without its frequency and an unknown frequency; migration 0011 keeps
every frequency's daily dose, with history."""

import datetime
import importlib
import json
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.apps import apps
from hypothesis import given
from hypothesis import strategies as st

from screening.calculators import dosing
from screening.calculators.dates import add_months
from screening.calculators.glucocorticoids import (
    Course,
    cumulative_dose,
    daily_dose_on,
    prednisone_equivalent_mg,
)
from screening.checklist.evaluation import evaluate_record
from screening.exchange.demo import complete_record_data, create_record
from screening.exchange.format import record_data
from screening.exchange.importing import import_records
from screening.exchange.loader import LoadFailed, load_sections
from screening.models import Medication, ScreeningRecord
from screening.models.sites import INVESTIGATOR
from screening.vocabulary import FREQUENCIES
from tests.eligibility.builders import PLANNED_LD, build, course, days, months, result

MIGRATION = importlib.import_module("screening.migrations.0011_medication_frequency")
LD = PLANNED_LD

# Administrations per day, written out here from the brief's table (not read from the code).
PER_DAY = {
    "once_daily": Fraction(1), "twice_daily": Fraction(2), "three_times_daily": Fraction(3),
    "four_times_daily": Fraction(4), "every_other_day": Fraction(1, 2), "weekly": Fraction(1, 7),
    "every_2_weeks": Fraction(1, 14), "every_4_weeks": Fraction(1, 28), "monthly": Fraction(12, 365),
}
NO_AVERAGE = {"single_dose", "other"}


# ------------------------------------------------------------------ the arithmetic (calculators/dosing.py)


def test_every_frequency_code_is_either_a_schedule_or_has_no_arithmetic():
    assert set(FREQUENCIES) == set(PER_DAY) | NO_AVERAGE


@pytest.mark.parametrize("frequency, per_day", sorted(PER_DAY.items()))
def test_each_frequency_gives_its_administrations_per_day(frequency, per_day):
    assert dosing.administrations_per_day(frequency) == per_day
    assert dosing.daily_amount(5, frequency) == 5 * per_day
    # Over a year of the schedule the average adds up to the doses counted one by one
    # (daily and every-N-days schedules over a multiple of their interval; monthly over 365 days).
    span = {"every_other_day": 364, "weekly": 364, "every_2_weeks": 364, "every_4_weeks": 364}.get(frequency, 365)
    start = date(2025, 1, 1)
    given = dosing.administrations(frequency, start, start + timedelta(days=span - 1), start,
                                   start + timedelta(days=span - 1))
    assert given.count == per_day * span


@pytest.mark.parametrize("frequency", sorted(NO_AVERAGE) + ["", "bid", "every_3_weeks"])
def test_single_dose_other_and_unknown_codes_have_no_average_per_day(frequency):
    with pytest.raises(ValueError):
        dosing.administrations_per_day(frequency)


def test_monthly_is_twelve_doses_a_year_not_every_28_or_30_days():
    assert dosing.ADMINISTRATIONS_PER_DAY["monthly"] * 365 == 12
    assert dosing.ADMINISTRATIONS_PER_DAY["monthly"] != Fraction(1, 28)
    assert dosing.ADMINISTRATIONS_PER_DAY["monthly"] != Fraction(1, 30)


def test_five_mg_twice_daily_is_ten_mg_a_day_prednisone_equivalent():
    bid = Course("prednisone", 5, "mg", "twice_daily", date(2026, 1, 1), None, ongoing=True)
    assert daily_dose_on(bid, date(2026, 2, 1), open_end=date(2026, 3, 1)) == 10
    dex = Course("dexamethasone", 1.5, "mg", "twice_daily", date(2026, 1, 1), None, ongoing=True)
    assert daily_dose_on(dex, date(2026, 2, 1), open_end=date(2026, 3, 1)) == 20  # 3 mg × 20/3, exactly


@pytest.mark.parametrize("frequency, window, expected", [
    ("weekly", (date(2026, 1, 1), date(2026, 1, 28)), (4, date(2026, 1, 1), date(2026, 1, 22))),
    ("weekly", (date(2026, 1, 2), date(2026, 1, 8)), (1, date(2026, 1, 8), date(2026, 1, 8))),
    ("weekly", (date(2026, 1, 2), date(2026, 1, 7)), (0, None, None)),
    ("every_other_day", (date(2026, 1, 2), date(2026, 1, 6)), (2, date(2026, 1, 3), date(2026, 1, 5))),
    ("every_2_weeks", (date(2025, 12, 1), date(2026, 2, 1)), (3, date(2026, 1, 1), date(2026, 1, 29))),
    ("every_4_weeks", (date(2026, 1, 1), date(2026, 3, 1)), (3, date(2026, 1, 1), date(2026, 2, 26))),
    ("twice_daily", (date(2026, 1, 5), date(2026, 1, 7)), (6, date(2026, 1, 5), date(2026, 1, 7))),
    ("single_dose", (date(2025, 12, 1), date(2026, 1, 1)), (1, date(2026, 1, 1), date(2026, 1, 1))),
    ("single_dose", (date(2026, 1, 2), date(2026, 2, 1)), (0, None, None)),
])
def test_doses_given_in_a_window_are_counted_on_their_days(frequency, window, expected):
    given = dosing.administrations(frequency, date(2026, 1, 1), date(2026, 6, 30), *window)
    assert (given.count, given.first, given.last) == expected


def test_monthly_doses_fall_on_the_same_day_of_each_month_clamped_to_its_end():
    given = dosing.administrations("monthly", date(2024, 1, 31), date(2024, 4, 30), date(2024, 2, 1), date(2024, 4, 30))
    assert (given.count, given.first, given.last) == (3, date(2024, 2, 29), date(2024, 4, 30))


def test_the_arithmetic_refuses_what_it_cannot_count():
    with pytest.raises(ValueError):
        dosing.administrations("other", date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 1), date(2026, 1, 2))
    with pytest.raises(ValueError):
        dosing.administrations("weekly", date(2026, 1, 2), date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 2))
    with pytest.raises(ValueError):
        dosing.daily_amount(-1, "once_daily")


@given(
    frequency=st.sampled_from(sorted(dosing.SCHEDULES)),
    offsets=st.tuples(*[st.integers(0, 120)] * 4),
)
def test_counting_agrees_with_walking_every_day(frequency, offsets):
    origin = date(2024, 1, 29)
    start, stop = sorted(origin + timedelta(days=o) for o in offsets[:2])
    lo, hi = sorted(origin + timedelta(days=o) for o in offsets[2:])
    walked = []
    day = start
    k = 0
    while day <= (start if frequency == "single_dose" else stop):
        if frequency in dosing.DOSES_EACH_DAY:
            walked += [day] * dosing.DOSES_EACH_DAY[frequency]
            day += timedelta(days=1)
        elif frequency in dosing.INTERVAL_DAYS:
            walked.append(day)
            day += timedelta(days=dosing.INTERVAL_DAYS[frequency])
        elif frequency == "monthly":
            walked.append(day)
            k += 1
            day = add_months(start, k)
        else:
            walked.append(day)
            break
    in_window = [d for d in walked if lo <= d <= hi]
    given = dosing.administrations(frequency, start, stop, lo, hi)
    assert given.count == len(in_window)
    assert (given.first, given.last) == ((in_window[0], in_window[-1]) if in_window else (None, None))


def test_cumulative_prednisone_equivalent_counts_the_doses_of_the_window():
    weekly = Course("methylprednisolone", 1, "g", "weekly", date(2026, 1, 1), date(2026, 3, 31), ongoing=False)
    mg, given = cumulative_dose(weekly, date(2026, 1, 1), date(2026, 1, 31), open_end=date(2026, 4, 1))
    assert given.count == 5 and mg == 5 * 1250  # 1, 8, 15, 22, 29 January; 1 g MP = 1250 mg prednisone
    assert prednisone_equivalent_mg("methylprednisolone", 1, "g") == 1250


# ------------------------------------------------------------------ the glucocorticoid criteria, twice daily


def bid(drug, mg, start=None, stop=None, **extra):
    return course(drug, mg, "mg", "twice_daily", start or months(-12), stop, **extra)


@pytest.mark.parametrize("dose, expected", [
    (10, "PASS"), (10.5, "FAIL"),  # 20 / 21 mg/day: ≤ 20 passes
])
def test_exc_11_taper_limit_with_a_twice_daily_dose(dose, expected):
    assert result("EXC-11", medications=[bid("prednisone", dose)]).status == expected


@pytest.mark.parametrize("dose, expected", [(1.5, "PASS"), (1.51, "FAIL")])  # dexamethasone: exactly 20 / 20.13
def test_exc_11_exact_fractions_on_the_limit(dose, expected):
    assert result("EXC-11", medications=[bid("dexamethasone", dose)]).status == expected


@pytest.mark.parametrize("dose, expected", [(200, "FAIL"), (199, "PASS")])  # 500 / 497.5 mg/day prednisone-eq
def test_exc_10b_pulse_threshold_with_a_twice_daily_dose(dose, expected):
    pulse = bid("methylprednisolone", dose, days(-30, LD), days(-28, LD), route="iv")
    assert result("EXC-10b", medications=[pulse]).status == expected


@pytest.mark.parametrize("dose, expected", [(200, "FAIL"), (199, "PASS")])
def test_exc_04_pulse_threshold_with_a_twice_daily_dose(dose, expected):
    pulse = bid("methylprednisolone", dose, days(-10), days(-9), route="iv")
    assert result("EXC-04", medications=[pulse]).status == expected


def test_prednisone_5_mg_twice_daily_is_10_mg_a_day_in_every_glucocorticoid_criterion():
    medications = [bid("prednisone", 5)]
    for criterion, status in (("EXC-04", "PASS"), ("EXC-10b", "PASS"), ("EXC-11", "PASS")):
        r = result(criterion, medications=medications)
        assert r.status == status, criterion
        shown = {e.label: e for e in r.evidence}
        assert shown["Highest daily glucocorticoid"].value == 10, criterion
        assert shown["Glucocorticoid as charted"].value == "Prednisone 5 mg twice daily = 10 mg/day prednisone equivalent"
    taper = {e.label: e for e in result("EXC-11", medications=medications).evidence}
    # The 7 days before LD: 14 doses of 5 mg.
    assert taper["Cumulative glucocorticoid"].value == "70"
    assert taper["Cumulative glucocorticoid"].note == (
        f"{days(-7, LD)} to {days(-1, LD)}: 14 dose(s) from {days(-7, LD)} to {days(-1, LD)}")
    # Typed as a daily total the old way, 10 mg twice daily is 20 mg/day: still passes, on the limit.
    assert result("EXC-11", medications=[bid("prednisone", 10)]).status == "PASS"
    assert result("EXC-11", medications=[bid("prednisone", 5), bid("prednisone", 5.5)]).status == "FAIL"  # 21


def test_a_pulse_is_a_dated_single_dose():
    pulse = course("methylprednisolone", 500, "mg", "single_dose", days(-40, LD), None, route="iv")
    pulse["ongoing"] = False
    r = result("EXC-10b", medications=[pulse])
    assert r.status == "FAIL"
    charted = [e.value for e in r.evidence if e.label == "Glucocorticoid as charted"]
    assert charted == [f"Methylprednisolone 500 mg single dose or infusion on {days(-40, LD)} = 625 mg prednisone "
                       "equivalent"]
    # Outside the two months before LD it is not in the window, and gives no dose on the days after it.
    early = dict(pulse, start_date=days(-1, months(-2, LD)))
    assert result("EXC-10b", medications=[early]).status == "PASS"
    assert result("EXC-11", medications=[dict(pulse, start_date=days(-8, LD))]).status == "PASS"


@pytest.mark.parametrize("dose, expected", [(40, "PASS"), (41, "FAIL")])  # averaged: 20 / 20.5 mg/day
def test_every_other_day_is_averaged_over_the_days_of_the_course(dose, expected):
    assert result("EXC-11", medications=[course("prednisone", dose, "mg", "every_other_day", months(-3))]).status \
        == expected


def test_a_glucocorticoid_charted_with_frequency_other_is_not_convertible():
    r = result("EXC-11", medications=[course("prednisone", 5, "mg", "other", months(-3))])
    assert r.status == "INCOMPLETE" and r.missing == ("medications",)
    assert [e.value for e in r.evidence if e.label == "Dose not convertible"] == ["Prednisone 5 mg other"]


# ------------------------------------------------------------------ the form and the import


def load(record, user, rows):
    return load_sections(record, {"sections": {}, "medications": rows}, user, "test")


def errors_of(record, user, rows):
    with pytest.raises(LoadFailed) as failed:
        load(record, user, rows)
    return {(e.section, e.field): e.message for e in failed.value.errors}


def row(**changes):
    base = {"drug": "prednisone", "dose": 5, "dose_unit": "mg", "route": "oral", "frequency": "twice_daily",
            "start_date": datetime.date(2025, 1, 1), "ongoing": True, "purpose": "treatment"}
    return {**base, **changes}


def test_a_dose_without_its_frequency_is_refused_beside_the_field(record_a, coordinator):
    errors = errors_of(record_a, coordinator, [row(frequency="")])
    assert list(errors) == [("medications[0]", "frequency")]
    assert "5 mg twice daily, not 10 mg" in errors[("medications[0]", "frequency")]
    assert not Medication.objects.filter(record=record_a).exists()
    load(record_a, coordinator, [row(dose=None, frequency="")])  # no dose recorded: nothing to ask
    assert Medication.objects.get(record=record_a).frequency == ""


def test_an_unknown_frequency_is_refused_with_the_list(record_a, coordinator):
    errors = errors_of(record_a, coordinator, [row(frequency="bid")])
    message = errors[("medications[0]", "frequency")]
    assert list(errors) == [("medications[0]", "frequency")]
    assert message.startswith("bid is not one of the codes: ")
    assert all(code in message for code in FREQUENCIES)


def test_a_single_dose_is_one_day_dated_by_its_start(record_a, coordinator):
    day = datetime.date(2026, 1, 5)
    single = dict(row(drug="methylprednisolone", dose=500, route="iv", frequency="single_dose", start_date=day),
                  ongoing=False)
    errors = errors_of(record_a, coordinator, [dict(single, stop_date=day + timedelta(days=2))])
    assert list(errors) == [("medications[0]", "stop_date")]
    errors = errors_of(record_a, coordinator, [dict(single, ongoing=True)])
    assert list(errors) == [("medications[0]", "ongoing")]
    load(record_a, coordinator, [single, dict(single, start_date=day + timedelta(days=1), stop_date=day + timedelta(days=1))])
    assert Medication.objects.filter(record=record_a, frequency="single_dose").count() == 2


def test_a_twice_daily_record_imports_and_decides_as_the_checklist_says(site_a, make_user):
    user = make_user(INVESTIGATOR, site_a, username="imp")
    values, data = complete_record_data("SLE")
    item = record_data(create_record(site_a, user, values, data, judged_by=user))
    del item["screening_number"]
    [prednisone] = [m for m in item["medications"] if m["drug"] == "prednisone"]
    assert prednisone["frequency"] == "once_daily" and prednisone["dose"] == 10  # exported with its code
    prednisone.update(dose=5, frequency="twice_daily")
    [report] = import_records(json.dumps({"format": "trialsite-screening/2", "records": [item]}), site_a, user,
                              "bid.json")
    assert report.outcome == "created", report.errors
    record = ScreeningRecord.objects.get(screening_number=report.screening_number)
    evaluation = evaluate_record(record).evaluation
    assert evaluation.overall == "ELIGIBLE"
    taper = evaluation.by_id("EXC-11")
    assert "Prednisone 5 mg twice daily = 10 mg/day prednisone equivalent" in [e.value for e in taper.evidence]
    assert {e.label: e.value for e in taper.evidence}["Highest daily glucocorticoid"] == 10
    exported = record_data(record)["medications"]
    assert [(m["dose"], m["frequency"]) for m in exported if m["drug"] == "prednisone"] == [(5, "twice_daily")]
    # 10.5 mg twice daily (21 mg/day) in the 7 days before LD: excluded.
    prednisone.update(dose=10.5)
    [report] = import_records(json.dumps({"format": "trialsite-screening/2", "records": [item]}), site_a, user,
                              "bid2.json")
    assert report.outcome == "created", report.errors
    record = ScreeningRecord.objects.get(screening_number=report.screening_number)
    assert evaluate_record(record).evaluation.by_id("EXC-11").status == "FAIL"


def test_an_import_with_an_unknown_frequency_is_refused_with_the_list(site_a, make_user):
    user = make_user(INVESTIGATOR, site_a, username="imp")
    values, data = complete_record_data("SLE")
    item = record_data(create_record(site_a, user, values, data))
    del item["screening_number"]
    item["medications"][0]["frequency"] = "BID"
    [report] = import_records(json.dumps({"format": "trialsite-screening/2", "records": [item]}), site_a, user,
                              "bad.json")
    assert report.outcome == "refused"
    [error] = [e for e in report.errors if e.field == "frequency"]
    assert error.section == "medications[0]" and "twice_daily" in error.message and "single_dose" in error.message


# ------------------------------------------------------------------ migration 0011


def test_every_frequency_keeps_its_daily_dose_through_the_migration():
    """What each code computed before 0011 (monthly as 1/28) is what the migrated code computes now."""
    before = {**PER_DAY, "monthly": Fraction(1, 28)}
    for code, per_day in before.items():
        migrated = MIGRATION.KEPT_AS if code == MIGRATION.OLD_MONTHLY else code
        assert dosing.administrations_per_day(migrated) == per_day, code


def test_monthly_rows_are_migrated_with_their_history_and_the_rest_untouched(site_a, coordinator):
    values, data = complete_record_data("DCSSC")
    record = create_record(site_a, coordinator, values, data)
    cyclophosphamide = Medication.objects.get(record=record, drug="cyclophosphamide")
    assert cyclophosphamide.frequency == "every_4_weeks"
    Medication.objects.filter(pk=cyclophosphamide.pk).update(frequency="monthly")  # as version 1 held it
    others = {m.pk: (m.frequency, m.version, m.history.count())
              for m in Medication.objects.filter(record=record).exclude(pk=cyclophosphamide.pk)}
    version = Medication.objects.get(pk=cyclophosphamide.pk).version

    MIGRATION.migrate_frequencies(apps, None)

    migrated = Medication.objects.get(pk=cyclophosphamide.pk)
    assert migrated.frequency == "every_4_weeks" and migrated.version == version + 1
    latest = migrated.history.latest()
    assert latest.history_type == "~" and latest.history_user is None and latest.frequency == "every_4_weeks"
    assert latest.history_change_reason.startswith("CRF version 2: frequency 'Monthly' was computed as every 28 days")
    assert latest.dose == migrated.dose and latest.start_date == migrated.start_date  # no datum lost
    for m in Medication.objects.filter(record=record).exclude(pk=cyclophosphamide.pk):
        assert (m.frequency, m.version, m.history.count()) == others[m.pk]
    MIGRATION.migrate_frequencies(apps, None)  # run again: nothing left to change
    assert Medication.objects.get(pk=cyclophosphamide.pk).history.count() == migrated.history.count()


def test_version_1_single_doses_with_a_span_keep_it_and_count_on_their_start_day_only():
    """Before CRF version 2 a single dose needed a stop date or ongoing: such rows keep their span for
    the duration rules, and their dose still counts on the start day only."""
    spanning = course("methylprednisolone", 400, "mg", "single_dose", days(-20), days(-10))
    r = result("EXC-04", medications=[spanning])
    assert r.status == "FAIL" and f"on {days(-20)}" in r.reason
    assert result("EXC-04", medications=[dict(spanning, start_date=months(-2), stop_date=days(-10))]).status == "PASS"


def test_course_evidence_shows_the_exposure_as_charted_with_its_dates():
    """INC-SSC-04: cyclophosphamide 750 mg every 4 weeks for 7 months is 8 doses, 6 g in all."""
    r = result("INC-SSC-04", "DCSSC")
    [cyc] = [e for e in r.evidence if e.label == "Cyclophosphamide course"]
    start = months(-18)
    last = start + timedelta(days=7 * 28)
    assert last <= months(-11) < last + timedelta(days=28)
    assert cyc.note == f"as charted: 750 mg every 4 weeks; 8 dose(s) from {start} to {last}, 6000 mg in all"
    other = course("cyclophosphamide", 750, "mg", "other", months(-18), months(-11))
    r = result("INC-SSC-04", "DCSSC", medications=[m for m in build_medications("DCSSC") if m["drug"] != "cyclophosphamide"]
               + [other])
    [cyc] = [e for e in r.evidence if e.label == "Cyclophosphamide course"]
    assert cyc.note == ""  # no arithmetic for "other"


def build_medications(indication):
    return list(build(indication).medications)


def test_a_negative_dose_is_refused_beside_the_field(record_a, coordinator):
    assert list(errors_of(record_a, coordinator, [row(dose=-5)])) == [("medications[0]", "dose")]
    load(record_a, coordinator, [row(dose=0.001)])
    assert Medication.objects.get(record=record_a).dose == Decimal("0.001")


def test_a_biologic_given_as_a_single_dose_is_named_so_in_exc_10c():
    infusion = course("rituximab", 1, "g", "single_dose", days(-10, LD), None, route="iv")
    infusion["ongoing"] = False
    r = result("EXC-10c", medications=[infusion])
    assert r.status == "FAIL" and [e.note for e in r.evidence if e.label == "Biologic"] == ["single dose or infusion"]
    assert result("EXC-10c", medications=[dict(infusion, start_date=days(-1, months(-1, LD)))]).status == "PASS"
