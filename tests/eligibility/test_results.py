"""Result classes: statuses, the overall rule, counts and the JSON form."""

import json
from datetime import date
from fractions import Fraction

import pytest

from screening.eligibility.engine import evaluate
from screening.eligibility.results import CriterionResult, Evaluation, Evidence, Status

from .builders import build


def row(cid, status):
    return CriterionResult(cid, "general", "text", Status(status), "reason")


@pytest.mark.parametrize("statuses, overall", [
    (["PASS", "NOT_APPLICABLE"], "ELIGIBLE"),
    (["PASS", "INCOMPLETE"], "INCOMPLETE"),
    (["PASS", "AWAITING_INVESTIGATOR"], "INCOMPLETE"),
    (["INCOMPLETE", "AWAITING_INVESTIGATOR", "FAIL"], "NOT_ELIGIBLE"),
    (["FAIL", "PASS"], "NOT_ELIGIBLE"),
])
def test_overall_rule(statuses, overall):
    evaluation = Evaluation.of(row(f"X-{i}", s) for i, s in enumerate(statuses))
    assert evaluation.overall == overall


def test_counts_cover_every_status_and_by_id_finds_a_row():
    evaluation = Evaluation.of([row("A", "PASS"), row("B", "PASS"), row("C", "FAIL")])
    assert evaluation.counts == {"PASS": 2, "FAIL": 1, "INCOMPLETE": 0, "NOT_APPLICABLE": 0,
                                 "AWAITING_INVESTIGATOR": 0}
    assert evaluation.by_id("C").status is Status.FAIL
    with pytest.raises(KeyError):
        evaluation.by_id("missing")


def test_status_compares_and_prints_as_its_name():
    assert Status.PASS == "PASS" and str(Status.AWAITING_INVESTIGATOR) == "AWAITING_INVESTIGATOR"


def test_evidence_to_dict_gives_iso_dates_and_plain_numbers():
    evidence = Evidence("Dose", Fraction(41, 2), "mg", date(2026, 11, 2), "note")
    assert evidence.to_dict() == {"label": "Dose", "value": 20.5, "unit": "mg", "date": "2026-11-02",
                                  "note": "note"}


def test_a_whole_evaluation_is_json_ready():
    data = evaluate(build("DCSSC")).to_dict()
    text = json.dumps(data)
    assert data["overall"] == "ELIGIBLE" and '"status": "PASS"' in text
    assert {"id", "group", "text", "status", "reason", "evidence", "missing", "provisional", "note"} <= set(
        data["results"][0])
