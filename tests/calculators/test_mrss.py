import pytest

from screening.calculators.mrss import (
    DIFFUSE_SITES,
    MRSS_MAX,
    MRSS_SITES,
    mrss_total,
    relative_change,
)

NORMAL_SKIN = dict.fromkeys(MRSS_SITES, 0)


def test_there_are_17_sites_and_the_diffuse_ones_are_among_them():
    assert len(MRSS_SITES) == len(set(MRSS_SITES)) == 17
    assert set(DIFFUSE_SITES) <= set(MRSS_SITES)


def test_the_maximum_is_51():
    assert mrss_total(dict.fromkeys(MRSS_SITES, 3)).total == MRSS_MAX == 51


def test_a_missing_site_could_still_score_3():
    scores = {**NORMAL_SKIN, "face": 2, "thighs_left": None}
    result = mrss_total(scores)
    assert (result.total, result.max_possible, result.unanswered) == (2, 5, ("thighs_left",))


def test_site_scores_must_be_0_to_3():
    for bad in (4, -1, 1.5, True):
        with pytest.raises(ValueError):
            mrss_total({"face": bad})
    with pytest.raises(ValueError):
        mrss_total({"back": 1})


def test_a_ten_percent_rise_is_exactly_on_the_threshold():
    assert relative_change(22, 20) == 0.10
    assert relative_change(21.9, 20) < 0.10



def test_the_change_is_exact_on_the_entered_decimals():
    # In binary floats (45.09 - 50.1) / 50.1 is -0.09999999999999996: not a 10 % fall.
    assert relative_change(45.09, 50.1) == -0.10


def test_falls_are_negative():
    assert relative_change(63, 70) == -0.10
    assert relative_change(59.5, 70) == -0.15


def test_a_zero_reference_raises():
    with pytest.raises(ValueError):
        relative_change(5, 0)
