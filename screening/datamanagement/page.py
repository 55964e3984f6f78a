"""What the section page shows of data management: the threads of its queries, a
badge per target, the SDV marks, and the forms to raise, answer and verify. A
constant number of queries whatever the number of queries or marks (three)."""

from dataclasses import dataclass, field

from ..models import Query, SdvMark
from . import targets
from .forms import RaiseForm, SdvForm, StepForm
from .queries import threads


@dataclass
class SectionData:
    queries: list
    marks: list
    by_target: dict = field(default_factory=dict)  # target key -> [live queries]
    marked: dict = field(default_factory=dict)  # target key -> valid SdvMark
    raise_form: object = None
    sdv_form: object = None
    step_form: object = None
    can_raise: bool = False
    can_answer: bool = False
    can_verify: bool = False
    frozen: bool = False

    @property
    def live_count(self):
        return sum(1 for q in self.queries if q.state != Query.CLOSED)

    @property
    def section_verified(self):
        return "" in self.marked


def section_data(user, record, section, formsets):
    queries = threads(record, section)
    marks = list(SdvMark.objects.filter(record=record, section=section.key, cleared_at__isnull=True)
                 .select_related("user"))
    data = SectionData(queries, marks, frozen=record.frozen_at is not None)
    for query in queries:
        if query.state != Query.CLOSED:
            data.by_target.setdefault(query.target_key, []).append(query)
    data.marked = {m.target_key: m for m in marks}
    data.can_raise = user.has_perm("screening.raise_query")
    data.can_answer = user.has_perm("screening.answer_query")
    data.can_verify = user.has_perm("screening.verify_source")
    if data.can_raise or data.can_verify:
        # The rows as the formsets read them: no query of their own.
        rows_read = [(rows, [f.instance for f in formset.initial_forms]) for rows, formset in formsets]
        choices = targets.choices(record, section, rows_read)
        if data.can_raise:
            data.raise_form = RaiseForm(target_choices=choices, row_field_choices=targets.row_field_choices(section),
                                        auto_id="query_%s")
        if data.can_verify:
            data.sdv_form = SdvForm(target_choices=[(k, v) for k, v in choices if k not in data.marked], auto_id="sdv_%s")
    data.step_form = StepForm()
    return data
