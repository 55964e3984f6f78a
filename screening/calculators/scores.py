"""The result shared by the item-based calculators, and the checks on their answers.

A score is three-valued for a rule with threshold t ("≥ t" to pass):
PASS when total ≥ t, FAIL when max_possible < t, otherwise undetermined until the
unanswered items are answered. For a "≤ t" rule (MMT-8) the roles swap: PASS when
max_possible ≤ t, FAIL when total > t.
"""

from dataclasses import dataclass
from typing import Iterable, Mapping


@dataclass(frozen=True)
class Score:
    total: int  # points from the answered items
    max_possible: int  # total if every unanswered item scored its maximum
    unanswered: tuple[str, ...]  # item codes missing or None, in the instrument's order
    counted: tuple[str, ...]  # item codes that contributed to total, in the instrument's order


def yes_no_answers(answers: Mapping[str, bool | None], codes: Iterable[str]) -> dict[str, bool | None]:
    """Each code's answer (True, False, or None when missing); unknown codes or non-bool answers raise."""
    codes = tuple(codes)
    _reject_unknown(answers, codes)
    result = {}
    for code in codes:
        value = answers.get(code)
        if value is not None and not isinstance(value, bool):
            raise ValueError(f"answer for {code!r} must be True, False or None, got {value!r}")
        result[code] = value
    return result


def graded_score(grades: Mapping[str, int | None], codes: Iterable[str], high: int) -> Score:
    """The sum of per-item grades (ints 0..high); a missing or None grade could still be `high`."""
    codes = tuple(codes)
    _reject_unknown(grades, codes)
    for code in codes:
        value = grades.get(code)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high):
            raise ValueError(f"grade for {code!r} must be a whole number from 0 to {high}, got {value!r}")
    counted = tuple(code for code in codes if grades.get(code) is not None)
    unanswered = tuple(code for code in codes if grades.get(code) is None)
    total = sum(grades[code] for code in counted)
    return Score(total, total + high * len(unanswered), unanswered, counted)


def _reject_unknown(answers: Mapping, codes: tuple[str, ...]) -> None:
    unknown = sorted(set(answers) - set(codes))
    if unknown:
        raise ValueError(f"unknown item codes: {', '.join(map(str, unknown))}")
