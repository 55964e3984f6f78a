import pytest

from screening.calculators.scores import Score
from screening.calculators.sledai import (
    SLEDAI_2K,
    SLEDAI_2K_MAX,
    SLEDAI_2K_THRESHOLD,
    sledai_2k,
)

NONE_PRESENT = dict.fromkeys(SLEDAI_2K, False)


def test_there_are_24_descriptors_weighted_as_published():
    weights = [weight for _label, weight in SLEDAI_2K.values()]
    assert len(weights) == 24
    assert sorted(weights, reverse=True) == [8] * 8 + [4] * 6 + [2] * 7 + [1] * 3


def test_all_descriptors_present_score_the_maximum_of_105():
    assert SLEDAI_2K_MAX == 105
    assert sledai_2k(dict.fromkeys(SLEDAI_2K, True)).total == 105


def test_all_absent_scores_zero_with_nothing_unanswered():
    assert sledai_2k(NONE_PRESENT) == Score(0, 0, (), ())


def test_true_items_are_counted_and_summed():
    score = sledai_2k({**NONE_PRESENT, "arthritis": True, "rash": True, "low_complement": True})
    assert score.total == 8
    assert score.counted == ("arthritis", "rash", "low_complement")


def test_the_threshold_of_8_on_both_sides():
    seven = sledai_2k({**NONE_PRESENT, "arthritis": True, "rash": True, "fever": True})
    eight = sledai_2k({**NONE_PRESENT, "arthritis": True, "rash": True, "alopecia": True})
    assert seven.total < SLEDAI_2K_THRESHOLD <= eight.total


def test_unanswered_items_raise_max_possible_but_not_total():
    answers = {**NONE_PRESENT, "arthritis": True, "fever": None}
    del answers["seizure"]
    score = sledai_2k(answers)
    assert (score.total, score.max_possible) == (4, 13)
    assert score.unanswered == ("seizure", "fever")


def test_nothing_answered_could_still_reach_105():
    assert sledai_2k({}).max_possible == 105


def test_unknown_codes_and_non_bool_answers_raise():
    with pytest.raises(ValueError):
        sledai_2k({"nephritis": True})
    with pytest.raises(ValueError):
        sledai_2k({"rash": "yes"})
