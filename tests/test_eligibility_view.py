"""The eligibility page, its JSON twin and command, and their audit."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from screening.checklist.evaluation import evaluate_record
from screening.exchange.demo import complete_record_data, create_record
from screening.models import (
    EligibilityAccess,
    EligibilityState,
    EligibilityStatusChange,
    LabResult,
    Medication,
)

from .factories import RecordFactory


@pytest.fixture
def eligible_iim(site_a, coordinator, investigator):
    values, data = complete_record_data("IIM")
    return create_record(site_a, coordinator, values, data, judged_by=investigator)


def test_page_shows_overall_counts_and_rows(client, monitor, eligible_iim):
    client.force_login(monitor)
    response = client.get(reverse("eligibility", args=[eligible_iim.pk]))
    body = response.content.decode()
    assert 'data-testid="overall">ELIGIBLE<' in body
    for criterion in ("INC-01", "INC-IIM-02", "EXC-15"):
        assert f'data-criterion="{criterion}"' in body
    assert "General inclusion" in body and "Inclusion: Idiopathic inflammatory myopathy" in body
    assert "The stricter" in body or "IIM-04" in body  # the IIM-04 interpretation note is shown


def test_each_opening_is_logged_with_user_role_status_and_hash(client, monitor, eligible_iim):
    client.force_login(monitor)
    client.get(reverse("eligibility", args=[eligible_iim.pk]))
    client.get(reverse("eligibility_json", args=[eligible_iim.pk]))
    accesses = list(EligibilityAccess.objects.order_by("at"))
    assert [a.channel for a in accesses] == ["view", "json"]
    digest = evaluate_record(eligible_iim).digest
    for access in accesses:
        assert (access.user, access.role, access.overall, access.snapshot_hash) == (monitor, "monitor", "ELIGIBLE", digest)


def test_status_changes_are_kept_with_their_snapshot(client, coordinator, eligible_iim):
    first = EligibilityStatusChange.objects.filter(record=eligible_iim).count()
    hb = LabResult.objects.get(record=eligible_iim, analyte="hb")
    hb.value = 70
    hb.save()
    client.force_login(coordinator)
    client.get(reverse("eligibility", args=[eligible_iim.pk]))
    change = EligibilityStatusChange.objects.filter(record=eligible_iim).order_by("-at", "-id").first()
    assert EligibilityStatusChange.objects.filter(record=eligible_iim).count() == first + 1
    assert (change.previous, change.overall) == ("ELIGIBLE", "NOT_ELIGIBLE")
    hb_rows = [lab for lab in change.snapshot["labs"] if lab["analyte"] == "hb"]
    assert hb_rows[0]["value"] == 70
    assert {"id": "INC-04a", "status": "FAIL"}.items() <= next(
        r for r in change.results["results"] if r["id"] == "INC-04a").items()


def test_incomplete_rows_link_to_the_section_holding_the_missing_field(client, coordinator, site_a):
    record = RecordFactory(site=site_a)
    client.force_login(coordinator)
    body = client.get(reverse("eligibility", args=[record.pk])).content.decode()
    assert reverse("section_edit", args=[record.pk, "labs"]) in body
    assert reverse("section_edit", args=[record.pk, "organ"]) in body


def test_json_endpoint_and_command_return_the_same_structure(client, monitor, eligible_iim):
    client.force_login(monitor)
    from_api = client.get(reverse("eligibility_json", args=[eligible_iim.pk])).json()
    out = StringIO()
    call_command("eligibility", eligible_iim.screening_number, "--json", stdout=out)
    from_command = json.loads(out.getvalue())
    assert from_api == from_command
    assert from_api["overall"] == "ELIGIBLE"
    ids = [r["id"] for r in from_api["results"]]
    assert "INC-01" in ids and "EXC-15" in ids and len(ids) == len(set(ids))
    assert EligibilityAccess.objects.filter(channel="command", user=None).count() == 1


def test_page_queries_do_not_grow_with_rows_or_history(client, monitor, eligible_iim, django_assert_max_num_queries):
    client.force_login(monitor)
    url = reverse("eligibility", args=[eligible_iim.pk])
    client.get(url)  # settle the status rows
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    budget = len(small)  # read now: the next request resets the connection's query log
    for i in range(60):
        LabResult.objects.create(record=eligible_iim, analyte="alt", sample_date=eligible_iim.screening_date,
                                 value=20 + i % 5, unit="U/L", uln=40)
        Medication.objects.create(record=eligible_iim, drug="hydroxychloroquine", dose=200, dose_unit="mg",
                                  frequency="once_daily", start_date=datetime.date(2020, 1, 1),
                                  stop_date=datetime.date(2020, 6, 1))
    organ = eligible_iim.organfunction
    for i in range(40):
        organ.lvef = 55 + i % 5
        organ.save()
    client.get(url)  # the data changed outside the forms: this view refreshes the state
    with django_assert_max_num_queries(budget):
        client.get(url)


def test_viewing_unchanged_data_writes_only_the_access_log(client, monitor, eligible_iim):
    client.force_login(monitor)
    url = reverse("eligibility", args=[eligible_iim.pk])
    client.get(url)
    state = EligibilityState.objects.get(record=eligible_iim)
    changes = EligibilityStatusChange.objects.count()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    writes = [q["sql"] for q in captured.captured_queries
              if q["sql"].startswith(("INSERT", "UPDATE", "DELETE")) and "screening_" in q["sql"].split("(")[0]]
    assert len(writes) == 1 and writes[0].startswith('INSERT INTO "screening_eligibilityaccess"'), writes
    assert EligibilityState.objects.get(record=eligible_iim).evaluated_at == state.evaluated_at
    assert EligibilityStatusChange.objects.count() == changes
    assert EligibilityAccess.objects.filter(record=eligible_iim).count() == 2


def test_the_page_is_computed_from_current_data_not_a_cache(client, coordinator, eligible_iim):
    client.force_login(coordinator)
    url = reverse("eligibility", args=[eligible_iim.pk])
    assert 'data-testid="overall">ELIGIBLE<' in client.get(url).content.decode()
    LabResult.objects.filter(record=eligible_iim, analyte="plt").update(value=20)
    assert 'data-testid="overall">NOT_ELIGIBLE<' in client.get(url).content.decode()


# General row tables: medications, labs, events, pap_readings, malignancies, hbv_dna_tests, cell_therapies;
# then the indication's own.
@pytest.mark.parametrize("indication, row_tables", [("SLE", 7), ("IIM", 7), ("AAV", 8), ("DCSSC", 9)])
def test_the_snapshot_reads_only_what_the_indication_can_hold(site_a, coordinator, investigator, indication, row_tables):
    from screening.checklist.snapshots import build_snapshot

    values, data = complete_record_data(indication)
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    with CaptureQueriesContext(connection) as captured:
        from_record, _ = build_snapshot(record)
    assert len(captured) == 1 + row_tables
    other = {"SLE": "slesection", "AAV": "aavsection", "IIM": "iimsection", "DCSSC": "sscsection"}
    joined = captured.captured_queries[0]["sql"]
    assert [i for i, name in other.items() if f'"screening_{name}"' in joined] == [indication]
    from_pk, _ = build_snapshot(record.pk)  # reads every table: the same snapshot
    assert from_pk.digest() == from_record.digest() and from_pk.as_data() == from_record.as_data()


# The markup the criteria filters replaced (kept here as their definition).
ROW_TEMPLATE = """{% load display %}{% for row, links in rows %}
  <tr id="{{ row.id }}" data-criterion="{{ row.id }}">
    <th scope="row">{{ row.id }}</th>
    <td>{{ row.text }}</td>
    <td><span class="badge status-{{ row.status.value|default:row.status }}" data-testid="status-{{ row.id }}">{{ row.status.value|default:row.status }}</span>{% if row.provisional %} <span class="badge bg-light text-dark border">provisional</span>{% endif %}</td>
    <td>
      <div>{{ row.reason }}</div>
      {% if row.evidence %}<ul class="small mb-0">{% for e in row.evidence %}<li>{{ e.label }}: {{ e.value|value_text }}{% if e.unit %} {{ e.unit }}{% endif %}{% if e.date %} ({{ e.date|date:"Y-m-d" }}){% endif %}{% if e.note %} — <em>{{ e.note }}</em>{% endif %}</li>{% endfor %}</ul>{% endif %}
      {% if row.note %}<div class="small fst-italic">Note: {{ row.note }}</div>{% endif %}
      {% if row.missing %}<div class="small">Missing: {% for link in links %}{% if not forloop.first %}, {% endif %}{% if link.url %}<a href="{{ link.url }}">{{ link.label }}</a>{% else %}{{ link.label }}{% endif %}{% endfor %}</div>{% endif %}
    </td>
  </tr>
  {% endfor %}|{% for row, links in rows %}<li>{{ row.id }} {{ row.text }}: {{ row.status.value|default:row.status }}</li>{% endfor %}"""


def squeeze(html):
    return " ".join(html.replace(">", "> ").replace("<", " <").split()).replace("> ", ">").replace(" <", "<")


@pytest.mark.parametrize("indication", ["SLE", "AAV", "IIM", "DCSSC"])
def test_criterion_rows_are_the_html_of_the_template_they_replace(site_a, coordinator, investigator, indication):
    import dataclasses

    from django.template import Context, Template

    from screening.checklist.views import _section_links
    from screening.crf.field_paths import FieldLink
    from screening.eligibility.results import Evidence
    from screening.templatetags.criteria import criterion_rows, other_criteria

    values, data = complete_record_data(indication)
    complete = create_record(site_a, coordinator, values, data, judged_by=investigator)
    for record in (complete, RecordFactory(site=site_a, indication=indication)):
        rows = [(row, _section_links(record, row)) for row in evaluate_record(record).evaluation.results]
        hostile = dataclasses.replace(rows[0][0], text='<script>alert("x")</script>', note="a & b", provisional=True,
                                      evidence=(Evidence("<i>", 1.5, "<u>", datetime.date(2026, 1, 2), "n<"),))
        rows.append((hostile, [FieldLink("<b>", "/x?a=1&b=2"), FieldLink("no & link", "")]))
        expected_rows, expected_other = Template(ROW_TEMPLATE).render(Context({"rows": rows})).split("|")
        assert squeeze(criterion_rows(rows)) == squeeze(expected_rows)
        assert squeeze(other_criteria(rows)) == squeeze(expected_other)
        assert "<script>" not in criterion_rows(rows)
