"""2017 EULAR/ACR classification criteria for adult and juvenile IIM (Lundberg 2017; reference §3.6).

Points depend on whether a muscle biopsy is available. The probability of IIM is
1 / (1 + e^(intercept − score)), intercept 5.33 without and 6.49 with biopsy [R];
INC-IIM-01 needs ≥ 55 %, judged on the formula rather than the rounded score bands
(a score of 5.5 without biopsy is 54.2 %). The subclassification tree is a suggestion
shown beside the investigator's subclass.
"""

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping

from .numbers import exact
from .scores import yes_no_answers
from .texts import gettext_noop

IIM_INTERCEPT_WITHOUT_BIOPSY = 5.33  # [R]
IIM_INTERCEPT_WITH_BIOPSY = 6.49  # [R]
IIM_PROBABILITY_THRESHOLD = 0.55  # INC-IIM-01: ≥ 55 % ("probable")
IIM_DEFINITE_PROBABILITY = 0.90
IIM_POSSIBLE_PROBABILITY = 0.50

ADULT_AGE = 18
OLDER_ADULT_AGE = 40
# (age band lower bound) -> (points without biopsy, points with biopsy); below 18: 0.
IIM_AGE_POINTS: dict[int, tuple[float, float]] = {
    ADULT_AGE: (1.3, 1.5),
    OLDER_ADULT_AGE: (2.1, 2.2),
}
AGE_AT_ONSET = "age_at_onset"  # the name age carries in `unanswered`

# code -> (label, points without biopsy or None for a biopsy feature, points with biopsy)
IIM_2017_ITEMS: dict[str, tuple[str, float | None, float]] = {
    "weakness_upper_proximal": (gettext_noop("Objective symmetric weakness of proximal upper extremities"), 0.7, 0.7),
    "weakness_lower_proximal": (gettext_noop("Objective symmetric weakness of proximal lower extremities"), 0.8, 0.5),
    "neck_flexors_weaker": (gettext_noop("Neck flexors relatively weaker than neck extensors"), 1.9, 1.6),
    "legs_proximal_weaker": (gettext_noop("In the legs, proximal muscles relatively weaker than distal"), 0.9, 1.2),
    "heliotrope_rash": (gettext_noop("Heliotrope rash"), 3.1, 3.2),
    "gottron_papules": (gettext_noop("Gottron's papules"), 2.1, 2.7),
    "gottron_sign": (gettext_noop("Gottron's sign"), 3.3, 3.7),
    "dysphagia": (gettext_noop("Dysphagia or oesophageal dysmotility"), 0.7, 0.6),
    "anti_jo1": (gettext_noop("Anti-Jo-1 antibody positive"), 3.9, 3.8),
    "enzymes_raised": (gettext_noop("Raised CK, LDH, AST or ALT (above the ULN)"), 1.3, 1.4),
    "biopsy_endomysial_infiltrate": (
        gettext_noop("Biopsy: endomysial mononuclear infiltrate surrounding, not invading, myofibres"), None, 1.7,
    ),
    "biopsy_perimysial_infiltrate": (gettext_noop("Biopsy: perimysial and/or perivascular mononuclear infiltrate"), None, 1.2),
    "biopsy_perifascicular_atrophy": (gettext_noop("Biopsy: perifascicular atrophy"), None, 1.9),
    "biopsy_rimmed_vacuoles": (gettext_noop("Biopsy: rimmed vacuoles"), None, 3.1),
}

SKIN_SIGNS = ("heliotrope_rash", "gottron_papules", "gottron_sign")
PROXIMAL_WEAKNESS = ("weakness_upper_proximal", "weakness_lower_proximal")


@dataclass(frozen=True)
class IimScore:
    score: float  # points from True items and the age band
    max_score: float  # the same with unanswered items (and unknown age, as ≥ 40) counted
    unanswered: tuple[str, ...]  # "age_at_onset" when unknown, then item codes
    counted: tuple[str, ...]  # item codes that scored
    biopsy: bool

    @property
    def probability(self) -> float:
        return iim_probability(self.score, self.biopsy)

    @property
    def max_probability(self) -> float:
        return iim_probability(self.max_score, self.biopsy)


def iim_age_points(age_at_onset: int, biopsy: bool) -> float:
    """Points for age at onset of the first related symptom (< 18: 0; 18–39; ≥ 40)."""
    if isinstance(age_at_onset, bool) or not isinstance(age_at_onset, int) or age_at_onset < 0:
        raise ValueError(f"age at onset must be a whole number of years ≥ 0, got {age_at_onset!r}")
    if age_at_onset >= OLDER_ADULT_AGE:
        band = IIM_AGE_POINTS[OLDER_ADULT_AGE]
    elif age_at_onset >= ADULT_AGE:
        band = IIM_AGE_POINTS[ADULT_AGE]
    else:
        return 0.0
    return band[1 if biopsy else 0]


def iim_score(age_at_onset: int | None, items: Mapping[str, bool | None], biopsy: bool) -> IimScore:
    """2017 EULAR/ACR score; without a biopsy the biopsy features are ignored (and must not be True)."""
    if not isinstance(biopsy, bool):
        raise ValueError(f"biopsy must be True or False, got {biopsy!r}")
    answers = yes_no_answers(items, IIM_2017_ITEMS)
    column = 2 if biopsy else 1
    scoring = {code: entry[column] for code, entry in IIM_2017_ITEMS.items() if entry[column] is not None}
    stray = [code for code in IIM_2017_ITEMS if code not in scoring and answers[code] is True]
    if stray:
        raise ValueError(f"biopsy features given without a biopsy: {', '.join(stray)}")

    counted = tuple(code for code in scoring if answers[code] is True)
    unanswered = tuple(code for code in scoring if answers[code] is None)
    score = sum((exact(scoring[code]) for code in counted), Fraction(0))
    max_score = score + sum((exact(scoring[code]) for code in unanswered), Fraction(0))
    if age_at_onset is None:
        unanswered = (AGE_AT_ONSET,) + unanswered
        max_score += exact(iim_age_points(OLDER_ADULT_AGE, biopsy))
    else:
        age_points = exact(iim_age_points(age_at_onset, biopsy))
        score += age_points
        max_score += age_points
    return IimScore(float(score), float(max_score), unanswered, counted, biopsy)


def iim_probability(score: float, biopsy: bool) -> float:
    """Probability of IIM from the score by the published logistic formula."""
    intercept = IIM_INTERCEPT_WITH_BIOPSY if biopsy else IIM_INTERCEPT_WITHOUT_BIOPSY
    return 1 / (1 + math.exp(intercept - score))


def iim_category(probability: float) -> str:
    """'definite' (≥ 90 %), 'probable' (≥ 55 %), 'possible' (≥ 50 %) or 'not_iim'."""
    if not 0 <= probability <= 1:
        raise ValueError(f"probability must be between 0 and 1, got {probability!r}")
    if probability >= IIM_DEFINITE_PROBABILITY:
        return "definite"
    if probability >= IIM_PROBABILITY_THRESHOLD:
        return "probable"
    if probability >= IIM_POSSIBLE_PROBABILITY:
        return "possible"
    return "not_iim"


def suggested_subclass(
    age_at_onset: int,
    items: Mapping[str, bool | None],
    finger_flexor_weakness: bool | None,
    treatment_response: bool | None,
) -> str:
    """The 2017 tree's subclass; an unanswered item counts as absent, so the result is only a suggestion."""
    iim_age_points(age_at_onset, biopsy=False)  # validates the age
    answers = yes_no_answers(items, IIM_2017_ITEMS)
    skin_signs = any(answers[code] is True for code in SKIN_SIGNS)
    if age_at_onset < ADULT_AGE:
        return "JDM" if skin_signs else "juvenile_other"
    if skin_signs:
        return "DM" if any(answers[code] is True for code in PROXIMAL_WEAKNESS) else "ADM"
    ibm_pattern = finger_flexor_weakness is True and treatment_response is False
    if ibm_pattern or answers["biopsy_rimmed_vacuoles"] is True:
        return "IBM"
    return "PM"
