import pytest

from screening.calculators.sle_classification import (
    CLINICAL_DOMAINS,
    IMMUNOLOGICAL_DOMAINS,
    SLE_2019_DOMAINS,
    SLE_2019_THRESHOLD,
    classify_sle_2019,
)

ALL_CODES = [code for items in SLE_2019_DOMAINS.values() for code in items]
NONE_PRESENT = dict.fromkeys(ALL_CODES, False)


def with_items(*codes):
    return {**NONE_PRESENT, **dict.fromkeys(codes, True)}


def test_domains_split_into_clinical_and_immunological():
    assert set(CLINICAL_DOMAINS) | set(IMMUNOLOGICAL_DOMAINS) == set(SLE_2019_DOMAINS)
    assert not set(CLINICAL_DOMAINS) & set(IMMUNOLOGICAL_DOMAINS)
    assert len(ALL_CODES) == len(set(ALL_CODES)) == 21


def test_leukopenia_scores_3_not_2():
    assert SLE_2019_DOMAINS["haematologic"]["leukopenia"] == 3


def test_the_maximum_is_51_with_39_clinical_and_12_immunological():
    result = classify_sle_2019(True, dict.fromkeys(ALL_CODES, True))
    assert result.total == 51
    assert sum(result.domain_points[d] for d in CLINICAL_DOMAINS) == 39
    assert sum(result.domain_points[d] for d in IMMUNOLOGICAL_DOMAINS) == 12


def test_only_the_highest_item_per_domain_counts():
    items = with_items("proteinuria", "lupus_nephritis_class_3_or_4", "low_c3_or_c4", "low_c3_and_c4")
    result = classify_sle_2019(True, items)
    assert result.domain_points["renal"] == 10
    assert result.domain_points["complement"] == 4
    assert result.total == 14


def test_ten_points_with_a_clinical_item_classifies_and_nine_does_not():
    ten = classify_sle_2019(True, with_items("joint_involvement", "low_c3_and_c4"))
    nine = classify_sle_2019(True, with_items("joint_involvement", "low_c3_or_c4"))
    assert (ten.total, ten.classified) == (SLE_2019_THRESHOLD, True)
    assert (nine.total, nine.classified) == (9, False)


def test_immunological_items_alone_never_classify():
    result = classify_sle_2019(True, with_items("antiphospholipid", "low_c3_and_c4", "anti_dsdna_or_anti_sm"))
    assert result.total == 12
    assert not result.has_clinical and not result.clinical_possible
    assert result.classified is False


def test_a_negative_ana_entry_never_classifies():
    assert classify_sle_2019(False, dict.fromkeys(ALL_CODES, True)).classified is False


def test_an_unknown_ana_entry_leaves_it_undetermined():
    result = classify_sle_2019(None, with_items("lupus_nephritis_class_3_or_4", "anti_dsdna_or_anti_sm"))
    assert result.classified is None
    assert result.unanswered == ("ana_entry",)


def test_unanswered_items_count_towards_max_possible_only():
    answers = {**with_items("anti_dsdna_or_anti_sm"), "joint_involvement": None}
    result = classify_sle_2019(True, answers)
    assert (result.total, result.max_possible) == (6, 12)
    assert result.clinical_possible and not result.has_clinical
    assert result.classified is None
    assert result.unanswered == ("joint_involvement",)


def test_too_few_possible_points_is_a_definite_no():
    answers = {**NONE_PRESENT, "fever": None, "anti_dsdna_or_anti_sm": None}
    result = classify_sle_2019(True, answers)
    assert result.max_possible == 8
    assert result.classified is False


def test_bad_input_raises():
    with pytest.raises(ValueError):
        classify_sle_2019(True, {"malar_rash": True})
    with pytest.raises(ValueError):
        classify_sle_2019("yes", {})
