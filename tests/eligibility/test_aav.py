"""AAV inclusion INC-AAV-01 … 04."""

import pytest

from .builders import CONSENT, bvas, course, days, months, result, status

AAV = "AAV"


@pytest.mark.parametrize("diagnosis, expected", [
    ("GPA", "PASS"), ("MPA", "PASS"), ("EGPA", "FAIL"), ("other", "FAIL"), (None, "INCOMPLETE"),
])
def test_aav_01_diagnosis(diagnosis, expected):
    assert status("INC-AAV-01", AAV, aav={"diagnosis": diagnosis}) == expected


@pytest.mark.parametrize("items, expected", [
    ([bvas("infiltrate", True)], "PASS"),
    ([bvas("fever", False), bvas("myalgia", False), bvas("purpura", False)], "PASS"),
    ([bvas("fever", False), bvas("myalgia", False)], "FAIL"),
    ([bvas("fever", False), bvas("myalgia", False), bvas("purpura", None)], "INCOMPLETE"),
    ([bvas("fever", False), bvas("fever", False), bvas("myalgia", False)], "FAIL"),  # an item counts once
    ([], "FAIL"),  # assessed (dated) with nothing present
    ([bvas("not_an_item", True)], "INCOMPLETE"),
])
def test_aav_02_bvas_counts(items, expected):
    r = result("INC-AAV-02", AAV, bvas_items=items)
    assert r.status == expected and r.note
    if expected == "INCOMPLETE":
        assert r.missing == ("bvas_items",)


def test_aav_02_needs_a_screening_assessment():
    assert result("INC-AAV-02", AAV, bvas_items=[], aav={"bvas_date": None}).missing == ("aav.bvas_date", "bvas_items")
    r = result("INC-AAV-02", AAV, aav={"bvas_date": days(-3, CONSENT)})
    assert r.status == "INCOMPLETE" and r.missing == ("aav.bvas_date",)


@pytest.mark.parametrize("pr3, mpo, expected", [
    ("positive", "negative", "PASS"), ("negative", "positive", "PASS"), ("negative", "negative", "FAIL"),
    (None, "negative", "INCOMPLETE"),
])
def test_aav_03_anca(pr3, mpo, expected):
    assert status("INC-AAV-03", AAV, aav={"pr3_anca": pr3, "mpo_anca": mpo}) == expected


def test_aav_03_anca_must_be_a_screening_sample():
    assert result("INC-AAV-03", AAV, aav={"anca_date": None}).missing == ("aav.anca_date",)


@pytest.mark.parametrize("relapse, expected", [(days(-84), "PASS"), (days(-85), "FAIL")])
def test_aav_04_relapse_within_12_weeks(relapse, expected):
    assert status("INC-AAV-04", AAV, aav={"relapse_date": relapse}) == expected


@pytest.mark.parametrize("aav, expected, missing", [
    ({"remission_reached": False}, "PASS", ()),  # refractory
    ({"remission_reached": None}, "INCOMPLETE", ("aav.remission_reached",)),
    ({"remission_gc_dose": 7.5}, "PASS", ()),
    ({"remission_gc_dose": 7.6}, "FAIL", ()),
    ({"remission_bvas": 1}, "FAIL", ()),
    ({"relapse_kind": None}, "INCOMPLETE", ("aav.relapse_kind",)),
    ({"relapse_date": None}, "INCOMPLETE", ("aav.relapse_date",)),
    ({"remission_date": days(-20)}, "FAIL", ()),  # the "recurrence" came before the remission
])
def test_aav_04_relapsed_or_refractory(aav, expected, missing):
    r = result("INC-AAV-04", AAV, aav=aav)
    assert r.status == expected and r.missing == missing


@pytest.mark.parametrize("stop, expected", [(months(-21), "PASS"), (days(-1, months(-21)), "FAIL")])
def test_aav_04_three_months_of_glucocorticoid_with_an_immunosuppressant(stop, expected):
    medications = [course("prednisone", 10, "mg", "once_daily", months(-24)),
                   course("rituximab", 1, "g", "every_2_weeks", months(-24), stop)]
    assert status("INC-AAV-04", AAV, medications=medications) == expected


def test_aav_04_therapy_must_be_given_together():
    medications = [course("prednisone", 10, "mg", "once_daily", months(-30), months(-26)),
                   course("azathioprine", 100, "mg", "once_daily", months(-26), months(-20))]
    assert status("INC-AAV-04", AAV, medications=medications) == "FAIL"
    assert result("INC-AAV-04", AAV, medications=[]).missing == ("medications",)
