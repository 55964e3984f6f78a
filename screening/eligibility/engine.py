"""evaluate(snapshot) -> Evaluation: every checklist row, in order, and the overall verdict.

Pure (no Django): the snapshot is all it reads. It never raises on partial or bad
data; a rule that cannot be evaluated is INCOMPLETE with its reason.
"""

from .context import build_context
from .criteria import CRITERIA
from .results import Evaluation


def evaluate(snapshot) -> Evaluation:
    ctx = build_context(snapshot)
    return Evaluation.of(criterion(snapshot, ctx) for criterion in CRITERIA)
