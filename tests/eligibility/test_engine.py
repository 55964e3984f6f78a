"""The engine: the table of criteria, applicability, robustness on partial or bad data."""

import pytest

from screening.eligibility.criteria import CRITERIA
from screening.eligibility.engine import evaluate
from screening.eligibility.snapshot import Snapshot

from .builders import INDICATIONS, build, lab, result

CHECKLIST_IDS = (
    ["INC-01", "INC-02", "INC-03", "INC-04a", "INC-04b", "INC-04c", "INC-04d", "INC-04e", "INC-05a", "INC-05b",
     "INC-06a", "INC-06b", "INC-06c", "INC-07a", "INC-07b", "INC-08a", "INC-08b", "INC-08c", "INC-09", "INC-10",
     "INC-11"]
    + [f"INC-SLE-0{i}" for i in range(1, 5)] + [f"INC-AAV-0{i}" for i in range(1, 5)]
    + [f"INC-IIM-0{i}" for i in range(1, 5)] + [f"INC-SSC-0{i}" for i in range(1, 6)]
    + [f"EXC-0{i}" for i in range(1, 10)] + [f"EXC-10{x}" for x in "abcde"]
    + [f"EXC-{i}" for i in range(11, 16)]
)
GROUP_PREFIX = {"SLE": "INC-SLE", "AAV": "INC-AAV", "IIM": "INC-IIM", "DCSSC": "INC-SSC"}


def test_the_table_holds_every_checklist_id_once_in_order():
    assert [c.id for c in CRITERIA] == CHECKLIST_IDS
    assert all(c.text for c in CRITERIA)


@pytest.mark.parametrize("indication", INDICATIONS)
def test_each_complete_builder_snapshot_is_eligible(indication):
    evaluation = evaluate(build(indication))
    not_passing = {r.id: r.reason for r in evaluation.results if r.status not in ("PASS", "NOT_APPLICABLE")}
    assert evaluation.overall == "ELIGIBLE", not_passing


@pytest.mark.parametrize("indication", INDICATIONS)
def test_other_indications_rows_are_not_applicable(indication):
    evaluation = evaluate(build(indication))
    for r in evaluation.results:
        if r.group in GROUP_PREFIX and r.group != indication:
            assert r.status == "NOT_APPLICABLE" and r.id.startswith(GROUP_PREFIX[r.group])
        elif r.group == indication:
            assert r.status == "PASS"


@pytest.mark.parametrize("indication", INDICATIONS)
def test_an_empty_snapshot_never_raises_and_is_incomplete(indication):
    evaluation = evaluate(Snapshot(record={"indication": indication}))
    assert evaluation.overall == "INCOMPLETE"
    assert len(evaluation.results) == len(CHECKLIST_IDS)
    assert all(r.status not in ("PASS", "FAIL") or r.id == "INC-02" for r in evaluation.results)
    assert all(r.missing for r in evaluation.results if r.status in ("INCOMPLETE", "AWAITING_INVESTIGATOR"))


def test_no_indication_makes_inc_02_and_every_indication_row_incomplete():
    evaluation = evaluate(build(None))
    assert evaluation.by_id("INC-02").missing == ("record.indication",)
    for r in evaluation.results:
        if r.group in GROUP_PREFIX or r.id in ("INC-02", "EXC-03"):
            assert r.status == "INCOMPLETE" and "record.indication" in r.missing


@pytest.mark.parametrize("changes, cid", [
    ({"labs": {"hb": {"unit": "U/L"}}}, "INC-04a"),  # a unit haemoglobin is never reported in
    ({"labs": {"creatinine": {"uln": 0}}}, "INC-05b"),  # a zero ULN
    ({"labs": {"alt": {"value": -3}}}, "INC-06a"),
    ({"labs": {"creatinine": {"unit": "s"}}}, "INC-05a"),
    ({"sle": {"ana_test": "maybe"}}, "INC-SLE-01"),  # not a test the CRF offers: not recorded
    ({"sle": {"diagnosis_date": "2020-01-01"}}, "INC-SLE-01"),  # a date as text
    ({"record": {"date_of_birth": "1984-06-12"}}, "INC-01"),
    ({"medications": [{"drug": "prednisone", "start_date": None}]}, "INC-SLE-04"),
])
def test_bad_data_is_incomplete_never_pass(changes, cid):
    r = result(cid, "SLE", **changes)
    assert r.status == "INCOMPLETE" and r.reason


def test_lab_bad_unit_names_the_lab():
    r = result("INC-04a", labs={"hb": {"unit": "U/L"}})
    assert r.missing == ("labs.hb",) and "cannot be used" in r.reason


def test_garbage_rows_do_not_crash_the_engine():
    snapshot = build("AAV", medications=[{"drug": "rituximab"}, {}], events=[{}, {"kind": "infection"}],
                     bvas_items=[{"item": "not_an_item"}], extra_labs=[lab("hb", None, "")], pfts=[{}], mrss=[{}])
    evaluation = evaluate(snapshot)
    assert evaluation.by_id("INC-AAV-02").status == "INCOMPLETE"
    assert evaluation.overall in ("INCOMPLETE", "NOT_ELIGIBLE")
