"""Modified Rodnan skin score (Clements 1993; reference §3.8).

Skin thickness 0–3 at 17 sites, total 0–51. Any of DIFFUSE_SITES above 0 suggests
the diffuse cutaneous subset (LeRoy 1988), which the investigator confirms.
"""

from typing import Mapping

from .numbers import exact
from .scores import Score, graded_score
from .texts import gettext_noop

MRSS_SITE_MAX = 3
MRSS_MAX = 51

_PAIRED_SITES = ("fingers", "hands", "forearms", "upper_arms", "thighs", "lower_legs", "feet")
MRSS_SITES: tuple[str, ...] = ("face", "anterior_chest", "abdomen") + tuple(
    f"{site}_{side}" for site in _PAIRED_SITES for side in ("right", "left")
)
# The CRF's label of each site's score (marked for translation; the English is the CRF's).
MRSS_LABELS = {
    "face": gettext_noop("face"),
    "anterior_chest": gettext_noop("anterior chest"),
    "abdomen": gettext_noop("abdomen"),
    "fingers_right": gettext_noop("fingers right"),
    "fingers_left": gettext_noop("fingers left"),
    "hands_right": gettext_noop("hands right"),
    "hands_left": gettext_noop("hands left"),
    "forearms_right": gettext_noop("forearms right"),
    "forearms_left": gettext_noop("forearms left"),
    "upper_arms_right": gettext_noop("upper arms right"),
    "upper_arms_left": gettext_noop("upper arms left"),
    "thighs_right": gettext_noop("thighs right"),
    "thighs_left": gettext_noop("thighs left"),
    "lower_legs_right": gettext_noop("lower legs right"),
    "lower_legs_left": gettext_noop("lower legs left"),
    "feet_right": gettext_noop("feet right"),
    "feet_left": gettext_noop("feet left"),
}

DIFFUSE_SITES = (
    "upper_arms_right",
    "upper_arms_left",
    "thighs_right",
    "thighs_left",
    "anterior_chest",
    "abdomen",
)


def mrss_total(scores: Mapping[str, int | None]) -> Score:
    """mRSS total from the 17 site scores; a missing site could still be up to 3."""
    return graded_score(scores, MRSS_SITES, MRSS_SITE_MAX)


def relative_change(current: float, reference: float) -> float:
    """(current − reference) / reference, computed exactly on the entered decimals."""
    base = exact(reference)
    if base <= 0:
        raise ValueError(f"the reference value must be above zero, got {reference!r}")
    return float((exact(current) - base) / base)
