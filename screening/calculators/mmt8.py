"""Bilateral MMT-8 (IMACS; Rider 2010; reference §3.4).

Neck flexors are tested once and seven groups on each side, each graded 0–10 on the
Kendall scale: 15 grades, total 0–150. INC-IIM-02 needs a total ≤ 141.
"""

from typing import Mapping

from .scores import Score, graded_score
from .texts import gettext_noop

MMT8_GRADE_MAX = 10
MMT8_MAX = 150
MMT8_THRESHOLD = 141  # INC-IIM-02: total ≤ 141

AXIAL_GROUP = "neck_flexors"
BILATERAL_GROUPS = (
    "deltoid",
    "biceps",
    "wrist_extensors",
    "gluteus_maximus",
    "gluteus_medius",
    "quadriceps",
    "ankle_dorsiflexors",
)
MMT8_GROUPS: tuple[str, ...] = (AXIAL_GROUP,) + tuple(
    f"{group}_{side}" for group in BILATERAL_GROUPS for side in ("right", "left")
)
# The CRF's label of each group's grade (marked for translation; the English is the CRF's).
MMT8_LABELS = {
    "neck_flexors": gettext_noop("MMT-8 neck flexors"),
    "deltoid_right": gettext_noop("MMT-8 deltoid right"),
    "deltoid_left": gettext_noop("MMT-8 deltoid left"),
    "biceps_right": gettext_noop("MMT-8 biceps right"),
    "biceps_left": gettext_noop("MMT-8 biceps left"),
    "wrist_extensors_right": gettext_noop("MMT-8 wrist extensors right"),
    "wrist_extensors_left": gettext_noop("MMT-8 wrist extensors left"),
    "gluteus_maximus_right": gettext_noop("MMT-8 gluteus maximus right"),
    "gluteus_maximus_left": gettext_noop("MMT-8 gluteus maximus left"),
    "gluteus_medius_right": gettext_noop("MMT-8 gluteus medius right"),
    "gluteus_medius_left": gettext_noop("MMT-8 gluteus medius left"),
    "quadriceps_right": gettext_noop("MMT-8 quadriceps right"),
    "quadriceps_left": gettext_noop("MMT-8 quadriceps left"),
    "ankle_dorsiflexors_right": gettext_noop("MMT-8 ankle dorsiflexors right"),
    "ankle_dorsiflexors_left": gettext_noop("MMT-8 ankle dorsiflexors left"),
}


def mmt8_total(grades: Mapping[str, int | None]) -> Score:
    """Bilateral MMT-8 total from the 15 grades; a missing grade could still be up to 10."""
    return graded_score(grades, MMT8_GROUPS, MMT8_GRADE_MAX)
