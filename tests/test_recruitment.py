"""Recruitment dashboards: the flow, the failing criteria and the weekly screenings, as
SVG with their numbers in tables, for a site and for all the sites a user sees."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from screening.checklist.evaluation import evaluate_record, track_status
from screening.crf.recording import save_with_audit
from screening.exchange.demo import complete_record_data, create_record
from screening.models import LabResult, ScreeningRecord
from screening.models.sites import MONITOR
from screening.reports import recruitment
from screening.signatures import signing

from .factories import PASSWORD, RecordFactory


@pytest.fixture
def failing(site_a, coordinator, investigator):
    values, data = complete_record_data("SLE")
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    hb = LabResult.objects.get(record=record, analyte="hb")
    hb.value = 70
    save_with_audit(hb, coordinator, "Value re-read from the lab report")
    track_status(evaluate_record(record), coordinator)
    return record


def table(body, testid):
    part = body.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return {key: int(n) for key, n in re.findall(r'data-(?:key|criterion)="([^"]+)".*?text-end">(\d+)<', part, re.S)}


def test_the_flow_counts_each_step(client, monitor, investigator, coordinator, eligible, failing, site_b):
    signing.sign(eligible, investigator, PASSWORD, "eligible", evaluate_record(eligible).digest)
    eligible.status = ScreeningRecord.ENROLLED
    save_with_audit(eligible, coordinator, "Enrolled after lymphodepletion")
    RecordFactory(site=site_b)  # another site: never counted
    client.force_login(monitor)
    body = client.get(reverse("site_dashboard", args=[eligible.site.code])).content.decode()
    flow = table(body, "flow-table")
    assert flow["screened"] == 2 and flow["eligible"] == 1 and flow["signed"] == 1 and flow["enrolled"] == 1
    assert flow["not_eligible"] == 1 and flow["incomplete"] == 0
    assert "<svg" in body and "<script" not in body.split("<main", 1)[1].split("</main>", 1)[0]


def test_failing_criteria_are_ranked_with_their_text(client, monitor, failing, coordinator):
    organ = failing.organfunction
    organ.lvef = 20  # a second failure on the same record
    save_with_audit(organ, coordinator, "Echo report re-read")
    track_status(evaluate_record(failing), coordinator)
    ranked = recruitment.failing_criteria(ScreeningRecord.objects.all())
    assert ("INC-04a", "Haemoglobin ≥ 80 g/L", 1) in ranked and len(ranked) >= 2
    client.force_login(monitor)
    body = client.get(reverse("site_dashboard", args=[failing.site.code])).content.decode()
    assert table(body, "criteria-table")["INC-04a"] == 1


def test_weekly_screenings_fall_in_their_week(site_a, site_b):
    today = datetime.date(2026, 12, 2)  # a Wednesday
    RecordFactory(site=site_a, screening_date=datetime.date(2026, 11, 30))  # this week's Monday
    RecordFactory(site=site_a, screening_date=datetime.date(2026, 12, 2))
    RecordFactory(site=site_b, screening_date=datetime.date(2026, 11, 29))  # last week's Sunday
    RecordFactory(site=site_a, screening_date=datetime.date(2026, 1, 1))  # outside the twelve weeks
    mondays, by_site = recruitment.weekly(ScreeningRecord.objects.all(), today)
    assert mondays[-1] == datetime.date(2026, 11, 30) and len(mondays) == 12
    assert by_site[site_a.code][-1] == 2 and sum(by_site[site_a.code]) == 2
    assert by_site[site_b.code][-2] == 1


def test_bars_scale_to_the_largest_and_zero_has_no_bar():
    drawn, height = recruitment.bars([("a", 10), ("b", 5), ("c", 0)], width=560, label_width=200)  # room 310
    assert drawn[0].width == 310 and drawn[1].width == 155 and drawn[2].width == 0
    assert height == 3 * 30 - 8


def test_all_sites_dashboard_shows_only_the_users_sites(client, make_user, site_a, site_b):
    RecordFactory(site=site_a, screening_date=timezone.now().date())
    RecordFactory(site=site_b, screening_date=timezone.now().date())
    client.force_login(make_user(MONITOR, site_a))
    body = client.get(reverse("dashboard")).content.decode()
    assert table(body, "flow-table")["screened"] == 1
    assert f'data-site="{site_a.code}"' in body and f'data-site="{site_b.code}"' not in body
    both = make_user(MONITOR, site_a, site_b)
    client.force_login(both)
    body = client.get(reverse("dashboard")).content.decode()
    assert table(body, "flow-table")["screened"] == 2 and f'data-site="{site_b.code}"' in body


def test_another_sites_dashboard_is_not_found(client, make_user, site_a, site_b):
    client.force_login(make_user(MONITOR, site_b))
    assert client.get(reverse("site_dashboard", args=[site_a.code])).status_code == 404
