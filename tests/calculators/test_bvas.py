import pytest

from screening.calculators.bvas import (
    BVAS_SECTIONS,
    BVAS_V3_ITEMS,
    bvas_score,
    count_major_other,
)

PERSISTENT_COMPATIBLE = [code for code, item in BVAS_V3_ITEMS.items() if item[2] is not None]


def test_there_are_56_items_in_9_sections():
    assert len(BVAS_V3_ITEMS) == 56
    assert {item[0] for item in BVAS_V3_ITEMS.values()} == set(BVAS_SECTIONS)


def test_section_caps_sum_to_33_persistent_and_63_new():
    assert sum(p for p, _ in BVAS_SECTIONS.values()) == 33
    assert sum(n for _, n in BVAS_SECTIONS.values()) == 63


def test_every_item_new_or_worse_is_capped_at_63():
    assert bvas_score([(code, True) for code in BVAS_V3_ITEMS]) == 63


def test_every_persistent_item_scores_the_persistent_column_capped():
    # The abdominal section can reach only 2 of its persistent cap of 4 (reference table).
    assert bvas_score([(code, False) for code in PERSISTENT_COMPATIBLE]) == 31


def test_no_items_score_zero():
    assert bvas_score([]) == 0


def test_persistent_items_use_the_persistent_column():
    assert bvas_score([("skin_ulcer", False)]) == 1
    assert bvas_score([("skin_ulcer", False), ("gangrene", False)]) == 3


def test_one_new_item_puts_the_whole_form_in_the_new_column():
    assert bvas_score([("skin_ulcer", False), ("fever", True)]) == 4 + 2


def test_a_star_item_is_always_new_or_worse():
    assert bvas_score([("nodules_or_cavities", False)]) == 3
    assert bvas_score([("peritonitis", False), ("bloody_diarrhoea", False)]) == 9


def test_a_section_is_capped():
    assert bvas_score([("seizures", True), ("cva", True)]) == 9
    assert bvas_score([("myalgia", False), ("fever", False), ("weight_loss", False)]) == 2


def test_creatinine_bands_count_only_at_the_first_assessment():
    items = [("creatinine_250_499", True), ("haematuria", True)]
    assert bvas_score(items) == 12
    assert bvas_score(items, first_assessment=False) == 6
    assert bvas_score([("creatinine_rise_or_crcl_fall", True)], first_assessment=False) == 6


def test_major_and_other_items_are_counted_once_each():
    items = [
        ("massive_haemoptysis_alveolar_haemorrhage", True),
        ("fever", False),
        ("myalgia", False),
        ("fever", False),
    ]
    assert count_major_other(items) == (1, 2)
    assert count_major_other([]) == (0, 0)


def test_unknown_items_or_missing_flags_raise():
    with pytest.raises(ValueError):
        bvas_score([("nasal_crusting", True)])
    with pytest.raises(ValueError):
        count_major_other([("fever", None)])
