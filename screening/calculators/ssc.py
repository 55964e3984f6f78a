"""2013 ACR/EULAR classification criteria for systemic sclerosis (van den Hoogen 2013; reference §3.7).

Within each category only the highest-weighted item counts; the category scores are
summed and ≥ 9 classifies. Skin thickening of the fingers of both hands extending
proximal to the MCP joints scores 9 and is sufficient alone; without it the maximum is 19.
"""

from typing import Mapping

from .scores import Score, yes_no_answers
from .texts import gettext_noop

SSC_2013_THRESHOLD = 9
SSC_2013_SUFFICIENT_ITEM = "skin_proximal_to_mcp"

# code -> (label, weight, category)
SSC_2013_ITEMS: dict[str, tuple[str, int, str]] = {
    "skin_proximal_to_mcp": (
        gettext_noop("Skin thickening of the fingers of both hands extending proximal to the MCP joints"),
        9, "skin_proximal",
    ),
    "puffy_fingers": (gettext_noop("Puffy fingers"), 2, "finger_skin"),
    "sclerodactyly": (
        gettext_noop("Sclerodactyly of the fingers (distal to the MCPs, proximal to the PIPs)"), 4, "finger_skin",
    ),
    "digital_tip_ulcers": (gettext_noop("Digital tip ulcers"), 2, "fingertip_lesions"),
    "fingertip_pitting_scars": (gettext_noop("Fingertip pitting scars"), 3, "fingertip_lesions"),
    "telangiectasia": (gettext_noop("Telangiectasia"), 2, "telangiectasia"),
    "abnormal_nailfold_capillaries": (gettext_noop("Abnormal nailfold capillaries"), 2, "nailfold_capillaries"),
    "pah": (gettext_noop("Pulmonary arterial hypertension (right-heart catheter)"), 2, "lung"),
    "ild": (gettext_noop("Interstitial lung disease"), 2, "lung"),
    "raynaud": (gettext_noop("Raynaud's phenomenon"), 3, "raynaud"),
    "anticentromere": (gettext_noop("Anticentromere antibody"), 3, "autoantibodies"),
    "anti_topoisomerase": (gettext_noop("Anti-topoisomerase I (anti-Scl-70) antibody"), 3, "autoantibodies"),
    "anti_rna_polymerase_iii": (gettext_noop("Anti-RNA polymerase III antibody"), 3, "autoantibodies"),
}


def ssc_2013_score(items: Mapping[str, bool | None]) -> Score:
    """2013 ACR/EULAR SSc score; `counted` holds the item that scored in each category."""
    answers = yes_no_answers(items, SSC_2013_ITEMS)
    best_present: dict[str, str] = {}
    best_possible: dict[str, int] = {}
    for code, (_label, weight, category) in SSC_2013_ITEMS.items():
        if answers[code] is True and weight > _weight(best_present.get(category)):
            best_present[category] = code
        if answers[code] is not False:
            best_possible[category] = max(best_possible.get(category, 0), weight)
    counted = tuple(code for code in SSC_2013_ITEMS if code in best_present.values())
    unanswered = tuple(code for code, value in answers.items() if value is None)
    total = sum(SSC_2013_ITEMS[code][1] for code in counted)
    return Score(total, sum(best_possible.values()), unanswered, counted)


def _weight(code: str | None) -> int:
    return SSC_2013_ITEMS[code][1] if code else 0
