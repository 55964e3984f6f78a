"""What a person reads: values as entered (118, not 118.000), words not codes,
units only where a field has one, and every time of a page in its site's zone
with UTC on hover (screening/display.py and its template filters)."""

import csv
import datetime
import io
import re
from decimal import Decimal
from fractions import Fraction
from unittest import TestCase

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from screening import values as display
from screening.checklist.evaluation import evaluate_record
from screening.crf.recording import save_with_audit
from screening.eligibility.results import Evidence
from screening.exchange.demo import complete_record_data, create_record
from screening.management.commands.export_screenings import export_record
from screening.models import (
    InfectionScreen,
    LabResult,
    OrganFunction,
    ScreeningRecord,
    Site,
)
from screening.models.fields import ANSWER_CHOICES
from screening.templatetags.criteria import _evidence

from .factories import PASSWORD

UTC = datetime.timezone.utc
WINTER = datetime.datetime(2026, 12, 1, 22, 43, 5, tzinfo=UTC)  # 06:43 the next day in Shanghai
SUMMER = datetime.datetime(2026, 7, 1, 10, 0, 0, tzinfo=UTC)


# --------------------------------------------------------------------------
# Values (no database)


class ValueTextTest(TestCase):
    def test_numbers_read_as_entered(self):
        cases = {
            Decimal("118.000"): "118", Decimal("0.50"): "0.5", Decimal("1E+2"): "100", Decimal("3.20"): "3.2",
            Decimal("-0.0"): "0", Decimal("0.001"): "0.001", 118.0: "118", 3.2: "3.2", 1e-7: "0.0000001",
            7: "7", Fraction(1, 4): "0.25",
        }
        for value, text in cases.items():
            self.assertEqual(display.value_text(value), text, value)

    def test_dates_yes_no_and_blanks(self):
        self.assertEqual(display.value_text(datetime.date(2026, 12, 1)), "2026-12-01")
        self.assertEqual((display.value_text(True), display.value_text(False)), ("Yes", "No"))
        self.assertEqual((display.value_text(None), display.value_text("")), ("", ""))
        self.assertEqual(display.value_text(None, blank="(blank)"), "(blank)")
        self.assertEqual(display.shown_or_blank(""), "(blank)")

    def test_choice_labels_not_codes(self):
        answer = ScreeningRecord._meta.get_field("sex")
        self.assertEqual(display.field_value_text(answer, "F"), "Female")
        ecg = OrganFunction._meta.get_field("ecg_abnormality")
        self.assertEqual(display.field_value_text(ecg, "yes"), dict(ANSWER_CHOICES)["yes"])
        self.assertEqual(display.field_value_text(InfectionScreen._meta.get_field("hbsag"), "positive"), "Positive")
        self.assertEqual(display.field_value_text(LabResult._meta.get_field("not_done"), False), "No")

    def test_units_are_on_the_field_not_in_the_help_text(self):
        self.assertEqual(display.unit_of(OrganFunction._meta.get_field("height_cm")), "cm")
        self.assertEqual(display.unit_of(OrganFunction._meta.get_field("weight")), "")  # its unit is weight_unit
        self.assertEqual(display.unit_of(OrganFunction.history.model._meta.get_field("lvef")), "%")
        self.assertEqual(display.unit_of(ScreeningRecord._meta.get_field("initials")), "")  # "2–4 letters; …"

    def test_a_row_is_described_in_words(self):
        row = LabResult(analyte="hb", value=Decimal("118.000"), unit="g/L", sample_date=datetime.date(2026, 11, 27))
        self.assertEqual(display.row_description(row), "Lab result: Haemoglobin 2026-11-27")
        self.assertEqual(str(row), "Haemoglobin 118 g/L on 2026-11-27")

    def test_evidence_shows_the_value_as_entered(self):
        html = _evidence(Evidence("Haemoglobin", Decimal("118.000"), "g/L", datetime.date(2026, 11, 27)))
        self.assertIn("Haemoglobin: 118 g/L (2026-11-27)", html)
        self.assertIn(": 3.2 ", _evidence(Evidence("ANC", 3.2, "×10⁹/L")))

    def test_overall_status_in_words(self):
        self.assertEqual(display.overall_text("NOT_ELIGIBLE"), "Not eligible")
        self.assertEqual(display.overall_text(""), "")


class ConflictHelpersTest(TestCase):
    class Form(forms.Form):
        weight = forms.DecimalField(required=False)
        answer = forms.ChoiceField(choices=ANSWER_CHOICES, required=False)
        note = forms.CharField(required=False)

    def test_posted_values(self):
        form = self.Form({"weight": "118.000", "answer": "yes", "note": ""})
        self.assertEqual(display.posted_value_text(form["weight"]), "118")
        self.assertEqual(display.posted_value_text(form["answer"]), "Yes")
        self.assertEqual(display.posted_value_text(form["note"]), "(blank)")
        self.assertEqual(display.posted_value_text(self.Form({"weight": "12,5"})["weight"]), "12,5")  # as typed

    def test_saved_values(self):
        organ = OrganFunction(weight=Decimal("70.50"), weight_unit="kg", ecg_abnormality="no")
        self.assertEqual(display.saved_value_text(organ, "weight"), "70.5")
        self.assertEqual(display.saved_value_text(organ, "ecg_abnormality"), "No")
        self.assertEqual(display.saved_value_text(organ, "lvef"), "(blank)")


# --------------------------------------------------------------------------
# Times (no database)


class TimeTest(TestCase):
    shanghai = Site(code="S01", time_zone="Asia/Shanghai")
    berlin = Site(code="S02", time_zone="Europe/Berlin")

    def test_the_site_zone_with_its_name(self):
        self.assertEqual(display.local_text(WINTER, self.shanghai), "2026-12-02 06:43:05 CST")
        self.assertEqual(display.local_text(SUMMER, self.berlin), "2026-07-01 12:00:00 CEST")
        self.assertEqual(display.site_time_text(WINTER, self.shanghai), "2026-12-02 06:43:05 CST (Asia/Shanghai)")
        self.assertEqual(display.utc_text(WINTER), "2026-12-01 22:43:05 UTC")

    def test_an_unknown_zone_is_utc_and_says_so(self):
        nowhere = Site(code="X", time_zone="Mars/Olympus")
        self.assertEqual(display.zone_name(nowhere), "UTC")
        self.assertEqual(display.site_time_text(WINTER, nowhere), "2026-12-01 22:43:05 UTC")
        self.assertEqual(display.zone_name(None), "UTC")

    def test_the_time_element_and_its_filter(self):
        html = display.time_html(WINTER, self.shanghai)
        self.assertEqual(html, '<time datetime="2026-12-01T22:43:05+00:00" '
                               'title="2026-12-01 22:43:05 UTC; site time zone Asia/Shanghai">2026-12-02 06:43:05 CST</time>')
        rendered = Template("{% load display %}{{ t|site_time:site }}|{{ site|zone_name }}").render(
            Context({"t": WINTER, "site": self.shanghai}))
        self.assertEqual(rendered, f"{html}|Asia/Shanghai")
        self.assertEqual(Template("{% load display %}{{ t|site_time:'Europe/Berlin' }}").render(
            Context({"t": SUMMER})), display.time_html(SUMMER, "Europe/Berlin"))

    def test_csv_cells(self):
        self.assertEqual(display.csv_time_cells(WINTER, self.shanghai),
                         ["2026-12-02 06:43:05 CST", "Asia/Shanghai", "2026-12-01 22:43:05"])


# --------------------------------------------------------------------------
# Pages


@pytest.fixture
def shanghai(db):
    return Site.objects.create(code="S01", name="Shanghai", time_zone="Asia/Shanghai")


@pytest.fixture
def people(make_user, shanghai):
    from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR

    return {role: make_user(role, shanghai, username=role) for role in (COORDINATOR, INVESTIGATOR, MONITOR)}


@pytest.fixture
def shanghai_record(shanghai, people):
    values, data = complete_record_data("SLE")
    return create_record(shanghai, people["coordinator"], values, data, judged_by=people["investigator"])


def visible_text(html):
    return re.sub(r"<[^>]+>", " ", html)


def test_audit_trail_and_csv_show_values_as_entered_and_no_help_text(client, shanghai_record, people):
    hb = LabResult.objects.get(record=shanghai_record, analyte="hb")
    hb.value = Decimal("118.000")
    save_with_audit(hb, people["coordinator"], "Transcription correction")
    client.force_login(people["monitor"])
    body = client.get(reverse("record_audit", args=[shanghai_record.pk]), {"section": "labs"}).content.decode()
    assert "118 g/L" in body and "118.000" not in body and "118.0 " not in body
    everything = client.get(reverse("record_audit", args=[shanghai_record.pk]), {"page": 1}).content.decode()
    assert "2–4 letters" not in everything and "no names are stored" not in everything
    rows = list(csv.reader(io.StringIO(client.get(reverse("record_audit_csv", args=[shanghai_record.pk])).content.decode())))
    text = "\n".join(",".join(r) for r in rows)
    assert "2–4 letters" not in text and ".000" not in text
    header = rows[0]
    initials = next(r for r in rows[1:] if r[header.index("Field")] == "Subject initials")
    assert initials[header.index("New value")] == "DM"
    assert initials[header.index("Variable")] == "screeningrecord.initials"
    weight = next(r for r in rows[1:] if r[header.index("Variable")] == "organfunction.weight")
    assert weight[header.index("New value")].endswith(" kg")


def test_csv_has_a_site_time_column_with_its_zone_and_a_utc_column(client, shanghai_record, people):
    client.force_login(people["monitor"])
    rows = list(csv.reader(io.StringIO(client.get(reverse("record_audit_csv", args=[shanghai_record.pk])).content.decode())))
    header = rows[0]
    assert header[:3] == ["Time (site)", "Site time zone", "Time (UTC)"]
    local, zone, utc = rows[1][:3]
    moment = datetime.datetime.strptime(utc, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    assert zone == "Asia/Shanghai" and local == display.local_text(moment, "Asia/Shanghai") and local.endswith(" CST")


def test_the_signature_block_shows_every_time_in_the_site_zone(client, shanghai_record, people):
    client.force_login(people["investigator"])
    digest = evaluate_record(shanghai_record).digest
    client.post(reverse("sign_record", args=[shanghai_record.pk]), {"meaning": "eligible", "password": PASSWORD, "snapshot_hash": digest})
    hb = LabResult.objects.get(record=shanghai_record, analyte="hb")
    hb.value = Decimal("112")
    save_with_audit(hb, people["coordinator"], "Transcription correction")
    for name in ("eligibility", "record_detail", "eligibility_print"):  # the first finds the change
        body = client.get(reverse(name, args=[shanghai_record.pk])).content.decode()
        block = body[body.index('id="signatures-heading"'):]
        block = block[:block.index("</section>")]
        times = re.findall(r"<time datetime=\"([^\"]+)\" title=\"([^\"]+)\">([^<]+)</time>", block)
        assert len(times) == 2, (name, block)  # signed, and invalidated
        assert {shown.rsplit(" ", 1)[1] for _, _, shown in times} == {"CST"}
        assert all(iso.endswith("+00:00") and "UTC" in title for iso, title, _ in times)
        words = visible_text(block)
        # One zone, named; "UTC on hover" on the screen, not on paper (the print view, the PDF).
        assert "Asia/Shanghai" in words and words.count("UTC") == (0 if name == "eligibility_print" else 1)
        assert "(Investigator)" in words  # the role's label, not its code


def test_the_invalidation_names_the_change_in_the_site_zone(shanghai_record, people):
    from screening.checklist.evaluation import track_status
    from screening.signatures.signing import sign

    sign(shanghai_record, people["investigator"], PASSWORD, "eligible", evaluate_record(shanghai_record).digest)
    organ = OrganFunction.objects.get(record=shanghai_record)
    organ.lvef = 41
    save_with_audit(organ, people["coordinator"], "Echo re-read")
    track_status(evaluate_record(shanghai_record), people["coordinator"])
    signature = shanghai_record.signatures.get()
    assert not signature.valid
    assert signature.invalidated_by.startswith("Organ function changed by")
    assert "(Asia/Shanghai)" in signature.invalidated_by and "UTC" not in signature.invalidated_by


def test_the_access_log_and_print_view_use_the_site_zone(client, shanghai_record, people):
    client.force_login(people["monitor"])
    body = client.get(reverse("access_log", args=["S01"])).content.decode()
    assert re.search(r"<time datetime=\"[^\"]+\+00:00\" title=\"[^\"]+ UTC; site time zone Asia/Shanghai\">[^<]+ CST</time>", body)
    printed = client.get(reverse("eligibility_print", args=[shanghai_record.pk])).content.decode()
    assert re.search(r"printed <time [^>]+>[^<]+ CST</time>", printed)


def test_export_keeps_numbers_as_numbers(shanghai_record):
    data = export_record(ScreeningRecord.objects.select_related("site").get(pk=shanghai_record.pk))
    values = [row["value"] for row in data["labs"] if "value" in row]
    assert values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    organ = data["sections"]["organ"]
    assert organ["weight_unit"] == "kg" and isinstance(organ["weight"], (int, float))
    assert organ["height_cm"]["unit"] == "cm" and isinstance(organ["height_cm"]["value"], (int, float))
    assert data["record"]["initials"] == "DM"  # no unit: its help text ("2–4 letters; …") is prose
