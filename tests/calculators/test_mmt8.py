import pytest

from screening.calculators.mmt8 import MMT8_GROUPS, MMT8_MAX, MMT8_THRESHOLD, mmt8_total

FULL_STRENGTH = dict.fromkeys(MMT8_GROUPS, 10)


def test_there_are_15_grades_neck_once_and_seven_groups_per_side():
    assert len(MMT8_GROUPS) == len(set(MMT8_GROUPS)) == 15
    assert {"neck_flexors", "deltoid_right", "ankle_dorsiflexors_left"} <= set(MMT8_GROUPS)


def test_full_strength_scores_150():
    score = mmt8_total(FULL_STRENGTH)
    assert score.total == score.max_possible == MMT8_MAX == 150
    assert score.unanswered == ()


def test_the_141_threshold_on_both_sides():
    at_threshold = mmt8_total({**FULL_STRENGTH, "neck_flexors": 1})
    above = mmt8_total({**FULL_STRENGTH, "neck_flexors": 2})
    assert at_threshold.total == MMT8_THRESHOLD
    assert above.total == MMT8_THRESHOLD + 1


def test_a_missing_grade_could_still_be_10():
    grades = {**FULL_STRENGTH, "quadriceps_left": None}
    del grades["biceps_right"]
    score = mmt8_total(grades)
    assert (score.total, score.max_possible) == (130, 150)
    assert score.unanswered == ("biceps_right", "quadriceps_left")


def test_grades_must_be_whole_numbers_from_0_to_10():
    for bad in (11, -1, 7.5, True, "8"):
        with pytest.raises(ValueError):
            mmt8_total({"neck_flexors": bad})
    with pytest.raises(ValueError):
        mmt8_total({"triceps_right": 10})
