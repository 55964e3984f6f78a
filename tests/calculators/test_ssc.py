import pytest

from screening.calculators.ssc import SSC_2013_ITEMS, SSC_2013_THRESHOLD, ssc_2013_score

NONE_PRESENT = dict.fromkeys(SSC_2013_ITEMS, False)


def with_items(*codes):
    return {**NONE_PRESENT, **dict.fromkeys(codes, True)}


def test_the_sufficient_item_alone_scores_9_and_classifies():
    score = ssc_2013_score(with_items("skin_proximal_to_mcp"))
    assert score.total == score.max_possible == SSC_2013_THRESHOLD == 9


def test_without_the_sufficient_item_the_maximum_is_19():
    everything_else = {**dict.fromkeys(SSC_2013_ITEMS, True), "skin_proximal_to_mcp": False}
    assert ssc_2013_score(everything_else).total == 19


def test_only_the_highest_item_per_category_counts():
    items = with_items("puffy_fingers", "sclerodactyly", "pah", "ild", "anticentromere", "anti_topoisomerase")
    score = ssc_2013_score(items)
    assert score.total == 4 + 2 + 3
    assert score.counted == ("sclerodactyly", "pah", "anticentromere")


def test_the_threshold_of_9_on_both_sides():
    assert ssc_2013_score(with_items("sclerodactyly", "raynaud")).total == 7
    assert ssc_2013_score(with_items("puffy_fingers", "raynaud", "fingertip_pitting_scars")).total == 8
    assert ssc_2013_score(with_items("sclerodactyly", "raynaud", "telangiectasia")).total == SSC_2013_THRESHOLD


def test_unanswered_items_raise_the_maximum_per_category():
    score = ssc_2013_score({**with_items("puffy_fingers", "raynaud"), "sclerodactyly": None, "ild": None})
    assert (score.total, score.max_possible) == (5, 9)
    assert score.unanswered == ("sclerodactyly", "ild")


def test_bad_input_raises():
    with pytest.raises(ValueError):
        ssc_2013_score({"calcinosis": True})
    with pytest.raises(ValueError):
        ssc_2013_score({"raynaud": 1})
