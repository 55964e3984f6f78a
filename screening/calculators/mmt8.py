"""Bilateral MMT-8 (IMACS; Rider 2010; reference §3.4).

Neck flexors are tested once and seven groups on each side, each graded 0–10 on the
Kendall scale: 15 grades, total 0–150. INC-IIM-02 needs a total ≤ 141.
"""

from typing import Mapping

from .scores import Score, graded_score

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


def mmt8_total(grades: Mapping[str, int | None]) -> Score:
    """Bilateral MMT-8 total from the 15 grades; a missing grade could still be up to 10."""
    return graded_score(grades, MMT8_GROUPS, MMT8_GRADE_MAX)
