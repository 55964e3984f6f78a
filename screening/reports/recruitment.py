"""Recruitment at a glance: the CONSORT-style flow of screenings, screenings per
week per site, and the most frequent failing criteria, for one site or for all
the sites a user sees. A fixed number of queries whatever the number of records;
the pictures are SVG drawn here (no script), the numbers go beside them in tables."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext_lazy as _

from ..eligibility.criteria import BY_ID
from ..models import ScreeningRecord, Signature
from ..models.signatures import MEANING_ELIGIBLE, MEANING_SCREEN_FAILURE, SCREENING

WEEKS = 12  # screenings per week: the last twelve weeks
TOP_CRITERIA = 10


@dataclass
class Step:
    key: str
    label: str
    count: int


@dataclass
class Bar:
    label: str
    count: int
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


def flow(records):
    """Screened → eligible → signed → enrolled, with the screen failures beside: one query."""
    signed = Signature.objects.filter(record=OuterRef("pk"), checkpoint=SCREENING, meaning=MEANING_ELIGIBLE,
                                      invalidated_at__isnull=True)
    failure_signed = Signature.objects.filter(record=OuterRef("pk"), checkpoint=SCREENING,
                                              meaning=MEANING_SCREEN_FAILURE, invalidated_at__isnull=True)
    totals = records.order_by().annotate(has_signature=Exists(signed), has_failure=Exists(failure_signed)).aggregate(
        screened=Count("pk"),
        eligible=Count("pk", filter=Q(eligibility_state__overall="ELIGIBLE")),
        not_eligible=Count("pk", filter=Q(eligibility_state__overall="NOT_ELIGIBLE")),
        incomplete=Count("pk", filter=Q(eligibility_state__overall="INCOMPLETE") | Q(eligibility_state__isnull=True)),
        signed=Count("pk", filter=Q(has_signature=True)),
        failure_signed=Count("pk", filter=Q(has_failure=True)),
        enrolled=Count("pk", filter=Q(status=ScreeningRecord.ENROLLED)),
    )
    steps = [
        Step("screened", _("Screened"), totals["screened"]),
        Step("eligible", _("Eligible"), totals["eligible"]),
        Step("signed", _("Eligibility signed"), totals["signed"]),
        Step("enrolled", _("Enrolled"), totals["enrolled"]),
    ]
    aside = [
        Step("not_eligible", _("Not eligible"), totals["not_eligible"]),
        Step("incomplete", _("Screening incomplete"), totals["incomplete"]),
        Step("failure_signed", _("Screen failure signed"), totals["failure_signed"]),
    ]
    return steps, aside


def failing_criteria(records, top=TOP_CRITERIA):
    """[(criterion id, short text, records failing it)], most frequent first: one query."""
    counts = Counter()
    for failing in records.order_by().exclude(eligibility_state__failing="").values_list(
            "eligibility_state__failing", flat=True).iterator(chunk_size=2000):
        if failing:
            counts.update(failing.strip("|").split("|"))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [(cid, BY_ID[cid].text if cid in BY_ID else "", n) for cid, n in ranked]


def weekly(records, today, weeks=WEEKS):
    """{site code: [screenings in each of the last `weeks` weeks (Monday first)]} and the weeks: one query."""
    start = today - datetime.timedelta(days=today.weekday() + 7 * (weeks - 1))
    mondays = [start + datetime.timedelta(weeks=i) for i in range(weeks)]
    rows = (records.order_by().filter(screening_date__gte=start, screening_date__lte=today)
            .annotate(week=TruncWeek("screening_date")).values_list("site__code", "week")
            .annotate(n=Count("pk")))
    by_site = {}
    for code, week, n in rows:
        if isinstance(week, datetime.datetime):
            week = week.date()
        by_site.setdefault(code, [0] * weeks)[mondays.index(week)] += n
    return mondays, dict(sorted(by_site.items()))


# --------------------------------------------------------------------------
# The pictures: coordinates for templates/screening/reports/_bars.svg


def bars(items, *, width=400, bar_height=22, gap=8, label_width=150):
    """Horizontal bars of (label, count) scaled to the largest; the SVG's height."""
    largest = max((count for _label, count in items), default=0) or 1
    room = width - label_width - 50
    out = []
    for i, (label, count) in enumerate(items):
        out.append(Bar(str(label), count, x=label_width, y=i * (bar_height + gap),
                       width=max(room * count / largest, 1 if count else 0), height=bar_height))
    return out, max(len(items) * (bar_height + gap) - gap, bar_height)


def columns(counts, *, height=140, column_width=28, gap=10):
    """Vertical columns of counts (one per week); the SVG's width."""
    largest = max(counts, default=0) or 1
    out = []
    for i, count in enumerate(counts):
        h = height * count / largest
        out.append(Bar("", count, x=i * (column_width + gap), y=height - h, width=column_width, height=h))
    return out, max(len(counts) * (column_width + gap) - gap, column_width)
