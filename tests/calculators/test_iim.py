import pytest

from screening.calculators.iim import (
    IIM_2017_ITEMS,
    IIM_PROBABILITY_THRESHOLD,
    iim_age_points,
    iim_category,
    iim_probability,
    iim_score,
    suggested_subclass,
)

CLINICAL = [code for code, item in IIM_2017_ITEMS.items() if item[1] is not None]
BIOPSY = [code for code, item in IIM_2017_ITEMS.items() if item[1] is None]
NONE_PRESENT = dict.fromkeys(CLINICAL, False)


def test_there_are_14_items_of_which_4_need_a_biopsy():
    assert len(IIM_2017_ITEMS) == 14
    assert len(BIOPSY) == 4 and all(code.startswith("biopsy_") for code in BIOPSY)


def test_age_points_by_band_and_biopsy():
    assert [iim_age_points(age, False) for age in (17, 18, 39, 40)] == [0, 1.3, 1.3, 2.1]
    assert [iim_age_points(age, True) for age in (17, 18, 39, 40)] == [0, 1.5, 1.5, 2.2]
    with pytest.raises(ValueError):
        iim_age_points(-1, False)


def test_probability_cut_off_without_biopsy():
    assert iim_probability(5.5, False) == pytest.approx(0.542, abs=0.0005)
    assert iim_probability(5.53, False) < IIM_PROBABILITY_THRESHOLD < iim_probability(5.54, False)


def test_probability_cut_offs_with_biopsy():
    assert iim_probability(6.69, True) < IIM_PROBABILITY_THRESHOLD < iim_probability(6.70, True)
    assert iim_probability(8.68, True) < 0.90 < iim_probability(8.69, True)


def test_definite_starts_at_7_53_without_biopsy():
    assert iim_probability(7.53, False) == pytest.approx(0.90, abs=0.0005)
    assert iim_category(iim_probability(7.53, False)) == "definite"
    assert iim_category(iim_probability(7.52, False)) == "probable"


def test_categories_at_their_boundaries():
    assert [iim_category(p) for p in (0.90, 0.8999, 0.55, 0.5499, 0.50, 0.4999)] == [
        "definite", "probable", "probable", "possible", "possible", "not_iim",
    ]
    with pytest.raises(ValueError):
        iim_category(1.2)


def test_a_typical_dm_scores_from_age_and_true_items():
    items = {**NONE_PRESENT, "weakness_upper_proximal": True, "heliotrope_rash": True, "gottron_papules": True}
    result = iim_score(45, items, biopsy=False)
    assert result.score == pytest.approx(2.1 + 0.7 + 3.1 + 2.1)
    assert result.counted == ("weakness_upper_proximal", "heliotrope_rash", "gottron_papules")
    assert result.probability > 0.90


def test_biopsy_items_score_only_with_a_biopsy():
    items = {**NONE_PRESENT, "enzymes_raised": True, "biopsy_rimmed_vacuoles": True}
    assert iim_score(30, items, biopsy=True).score == pytest.approx(1.5 + 1.4 + 3.1)
    with pytest.raises(ValueError):
        iim_score(30, items, biopsy=False)
    assert iim_score(30, {**items, "biopsy_rimmed_vacuoles": None}, biopsy=False).unanswered == ()


def test_unknown_age_and_items_raise_the_maximum_only():
    result = iim_score(None, {**NONE_PRESENT, "anti_jo1": None, "dysphagia": True}, biopsy=False)
    assert result.score == pytest.approx(0.7)
    assert result.max_score == pytest.approx(0.7 + 3.9 + 2.1)
    assert result.unanswered == ("age_at_onset", "anti_jo1")


def test_subclass_tree():
    skin = {"heliotrope_rash": True}
    weak_skin = {"gottron_sign": True, "weakness_lower_proximal": True}
    assert suggested_subclass(12, skin, None, None) == "JDM"
    assert suggested_subclass(12, {}, None, None) == "juvenile_other"
    assert suggested_subclass(50, weak_skin, None, None) == "DM"
    assert suggested_subclass(50, skin, None, None) == "ADM"
    assert suggested_subclass(65, {}, True, False) == "IBM"
    assert suggested_subclass(65, {"biopsy_rimmed_vacuoles": True}, False, True) == "IBM"
    assert suggested_subclass(65, {}, True, True) == "PM"
    assert suggested_subclass(65, {}, True, None) == "PM"
