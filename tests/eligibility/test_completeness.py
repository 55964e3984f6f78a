"""A PASS resting on the absence of rows needs the coordinator's word that the list is complete."""

import pytest

from .builders import days, event, result, status

RELIES_ON = [
    ("INC-04d", ["events_complete"]),
    ("EXC-04", ["medications_complete", "events_complete"]),
    ("EXC-10b", ["medications_complete"]),
    ("EXC-10c", ["medications_complete"]),
    ("EXC-10d", ["events_complete"]),
    ("EXC-10e", ["medications_complete", "events_complete"]),
    ("EXC-11", ["medications_complete"]),
]


@pytest.mark.parametrize("cid,confirmations", RELIES_ON)
@pytest.mark.parametrize("answer", [None, False])
def test_an_unconfirmed_list_makes_the_pass_incomplete(cid, confirmations, answer):
    for name in confirmations:
        outcome = result(cid, history={name: answer})
        assert outcome.status == "INCOMPLETE"
        assert f"history.{name}" in outcome.missing
        assert "not confirmed complete" in outcome.reason


@pytest.mark.parametrize("cid,confirmations", RELIES_ON)
def test_a_confirmed_list_passes(cid, confirmations):
    assert status(cid) == "PASS"


def test_a_fail_the_rows_show_stands_without_the_confirmation():
    transfusion = event("transfusion", days(-2))
    assert status("INC-04d", extra_events=[transfusion], history={"events_complete": None}) == "FAIL"
