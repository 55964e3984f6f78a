"""The checklist as an ordered table: general inclusion, the four indications, exclusions.

Each entry is a `Criterion(id, group, text, rule)`; calling it with
`(snapshot, context)` gives a `CriterionResult`.
"""

from . import aav, exclusions, general, iim, sle, ssc
from .table import Criterion

CRITERIA: tuple[Criterion, ...] = tuple(
    general.CRITERIA + sle.CRITERIA + aav.CRITERIA + iim.CRITERIA + ssc.CRITERIA + exclusions.CRITERIA
)
BY_ID = {c.id: c for c in CRITERIA}

__all__ = ["CRITERIA", "BY_ID", "Criterion"]
