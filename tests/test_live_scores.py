"""Live scores of a CRF section: the figures the calculators give for the values
posted by the section page, what is missing when they cannot, and who may ask."""

import datetime
import re

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from screening.calculators.dates import add_months
from screening.calculators.sledai import SLEDAI_2K
from screening.checklist import live_scores
from screening.checklist.evaluation import evaluate_record
from screening.crf.forms import MAX_ROWS, row_formset_class, section_form_class
from screening.crf.sections import BY_KEY
from screening.exchange.demo import complete_record_data, create_record
from screening.exchange.loader import form_value
from screening.models import (
    AavSection,
    BvasItem,
    IimSection,
    LabResult,
    MrssAssessment,
    OrganFunction,
    ScreeningRecord,
    SleSection,
    SscSection,
)
from screening.models.sites import INVESTIGATOR, MONITOR

from .factories import RecordFactory


def fields(model, values, prefix=""):
    """Values in the snapshot's shape, as the section page posts them."""
    data = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        if value is False and field.get_internal_type() == "BooleanField":
            continue  # an unticked box is not posted
        data[prefix + name] = form_value(field, value)
    return data


def rows(model, values, initial=0):
    prefix = model._meta.model_name
    data = {f"{prefix}-TOTAL_FORMS": str(len(values)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(values):
        data.update(fields(model, row, f"{prefix}-{i}-"))
    return data


def scores_url(record, key):
    return reverse("section_scores", args=[record.pk, key])


def panel_html(response, key):
    html = response.content.decode()
    found = re.search(rf'data-testid="score-{key}">(.*?)</div>', html, re.S)
    assert found, f"no panel {key} in {html}"
    return found.group(1)


def panel(response, key):
    """The text of one score panel of the answer, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", panel_html(response, key)).split())


def figure(response, key):
    """The panel's figure, or None when it says it cannot be computed yet."""
    found = re.search(r'data-testid="figure">([^<]*)<', panel_html(response, key))
    return found.group(1) if found else None


@pytest.fixture
def logged_in(client, coordinator):
    client.force_login(coordinator)
    return client


def demo(indication, site, coordinator, investigator=None):
    """A record of the demo's complete data, and that data."""
    values, data = complete_record_data(indication)
    return create_record(site, coordinator, values, data, judged_by=investigator), data


@pytest.fixture
def sle(site_a):
    return RecordFactory(site=site_a, indication="SLE")


def sle_post(**changes):
    values = complete_record_data("SLE")[1]["sections"]["sle"] | changes
    return fields(SleSection, values)


# ------------------------------------------------------------------ SLE

def test_the_demo_sledai_is_the_sum_of_its_descriptors(logged_in, sle):
    response = logged_in.post(scores_url(sle, "sle"), sle_post())
    assert response.status_code == 200
    assert figure(response, "sledai") == "10"  # arthritis 4 + rash 2 + low complement 2 + anti-dsDNA 2
    text = panel(response, "sledai")
    assert "Arthritis (≥ 2 joints) 4" in text and "Inflammatory rash 2" in text


def test_every_descriptor_present_gives_the_published_maximum_of_105(logged_in, sle):
    response = logged_in.post(scores_url(sle, "sle"), sle_post(**{f"sledai_{c}": True for c in SLEDAI_2K}))
    assert figure(response, "sledai") == "105"  # reference §3.1: 8×8 + 6×4 + 7×2 + 3×1


def test_an_unanswered_or_invalid_descriptor_leaves_the_sledai_uncomputed(logged_in, sle):
    response = logged_in.post(scores_url(sle, "sle"), sle_post(sledai_seizure=None) | {"sledai_fever": "maybe"})
    assert figure(response, "sledai") is None
    text = panel(response, "sledai")
    assert "Cannot be computed yet: 2 items not answered or unknown (Seizure, Fever (&gt; 38 °C))" in text


def test_sle_classification_counts_the_highest_item_of_each_domain(logged_in, sle):
    response = logged_in.post(scores_url(sle, "sle"), sle_post(eular_low_c3_or_c4=True))
    # acute cutaneous lupus 6 + joints 6 + anti-dsDNA 6 + complement: low C3 and C4 (4), not 3 + 4
    assert figure(response, "sle-2019") == "22"
    text = panel(response, "sle-2019")
    assert "Complement proteins 4 (Low C3 and low C4)" in text
    assert ("ANA entry criterion (1:80 or more on HEp-2 cells, or an equivalent positive test): met." in text
            and "Classified as SLE" in text)


def test_without_the_ana_entry_criterion_sle_is_not_classified(logged_in, sle):
    response = logged_in.post(scores_url(sle, "sle"), sle_post(ana_titre=40))  # 1:40 on HEp-2 cells
    assert "Not classified as SLE: the entry criterion is not met." in panel(response, "sle-2019")


def test_the_ana_titre_is_read_as_posted_and_a_missing_one_leaves_the_entry_open(logged_in, sle):
    assert ": met." in panel(logged_in.post(scores_url(sle, "sle"), sle_post(ana_titre=80)), "sle-2019")
    text = panel(logged_in.post(scores_url(sle, "sle"), sle_post(ana_titre=None)), "sle-2019")
    assert "test): not recorded." in text and "Classified as SLE" not in text


def test_an_empty_sle_section_says_what_is_missing(logged_in, sle):
    response = logged_in.post(scores_url(sle, "sle"), {})
    assert figure(response, "sledai") is None and figure(response, "sle-2019") is None
    assert "24 items not answered or unknown (Seizure, Psychosis" in panel(response, "sledai")
    assert "and 18 more" in panel(response, "sledai")


# ------------------------------------------------------------------ AAV

@pytest.fixture
def aav(site_a):
    return RecordFactory(site=site_a, indication="AAV")


def aav_post(items):
    return fields(AavSection, complete_record_data("AAV")[1]["sections"]["aav"]) | rows(BvasItem, items)


def test_bvas_scores_the_new_items_and_counts_major_and_other(logged_in, aav):
    response = logged_in.post(scores_url(aav, "aav"), aav_post(complete_record_data("AAV")[1]["bvas_items"]))
    assert figure(response, "bvas") == "6"  # infiltrate 4 (chest) + paranasal sinus 2 (ENT), new or worse
    assert figure(response, "bvas-classes") == "1 major, 1 other"


def test_all_persistent_items_score_in_the_persistent_column(logged_in, aav):
    items = [{"item": "infiltrate", "new_or_worse": False, "major": True},
             {"item": "paranasal_sinus_involvement", "new_or_worse": False, "major": False}]
    assert figure(logged_in.post(scores_url(aav, "aav"), aav_post(items)), "bvas") == "3"  # 2 + 1


def test_a_section_is_capped_at_its_maximum(logged_in, aav):
    items = [{"item": "gangrene", "new_or_worse": True, "major": True},
             {"item": "skin_ulcer", "new_or_worse": True, "major": False}]
    assert figure(logged_in.post(scores_url(aav, "aav"), aav_post(items)), "bvas") == "6"  # 6 + 4, cutaneous max 6


def test_an_item_not_classed_leaves_the_counts_uncomputed(logged_in, aav):
    items = [{"item": "infiltrate", "new_or_worse": True, "major": None}]
    response = logged_in.post(scores_url(aav, "aav"), aav_post(items))
    assert figure(response, "bvas") == "4"
    assert figure(response, "bvas-classes") is None
    assert "Cannot be computed yet: 1 item not classed major or other (Infiltrate)" in panel(response, "bvas-classes")


def test_a_row_ticked_for_deletion_does_not_count(logged_in, aav):
    items = [{"item": "infiltrate", "new_or_worse": True, "major": True},
             {"item": "gangrene", "new_or_worse": True, "major": True}]
    data = aav_post(items) | {"bvasitem-1-DELETE": "on"}
    assert figure(logged_in.post(scores_url(aav, "aav"), data), "bvas") == "4"


# ------------------------------------------------------------------ IIM

@pytest.fixture
def iim(site_a):
    return RecordFactory(site=site_a, indication="IIM", date_of_birth=datetime.date(1975, 7, 21))


def iim_post(**changes):
    return fields(IimSection, complete_record_data("IIM")[1]["sections"]["iim"] | changes)


def test_the_demo_iim_scores(logged_in, iim):
    response = logged_in.post(scores_url(iim, "iim"), iim_post())
    assert figure(response, "mmt8") == "120"  # 15 groups graded 8
    assert figure(response, "iim-2017") == "99.2 %"  # age ≥ 40 2.1 + 0.7 + 0.8 + 3.1 + 2.1 + 1.3 = 10.1 points
    assert "Category: definite IIM." in panel(response, "iim-2017")
    assert figure(response, "iim-subclass") == "Dermatomyositis"


def test_a_score_of_5_5_without_biopsy_is_below_55_percent(logged_in, iim):
    # Reference §3.6: 5.5 gives 54.2 % by the formula: onset at 18–39 (1.3), Gottron's sign 3.3, legs 0.9.
    onset = add_months(iim.date_of_birth, 12 * 30)
    items = {f"eular_{code}": False for code in ("weakness_upper_proximal", "weakness_lower_proximal",
                                                  "neck_flexors_weaker", "heliotrope_rash", "gottron_papules",
                                                  "dysphagia", "anti_jo1", "enzymes_raised")}
    response = logged_in.post(scores_url(iim, "iim"), iim_post(
        symptom_onset_date=onset, eular_gottron_sign=True, eular_legs_proximal_weaker=True, **items))
    assert figure(response, "iim-2017") == "54.2 %"
    assert "Score 5.5 points, without muscle biopsy." in panel(response, "iim-2017")
    assert "Category: possible IIM." in panel(response, "iim-2017")


def test_an_ungraded_muscle_group_leaves_the_mmt8_uncomputed(logged_in, iim):
    response = logged_in.post(scores_url(iim, "iim"), iim_post(mmt8_neck_flexors=None, mmt8_quadriceps_left=11))
    assert figure(response, "mmt8") is None
    assert "2 muscle groups not graded (MMT-8 neck flexors, MMT-8 quadriceps left)" in panel(response, "mmt8")


def test_without_the_biopsy_answer_the_probability_waits(logged_in, iim):
    response = logged_in.post(scores_url(iim, "iim"), iim_post(biopsy_done=None))
    assert "Cannot be computed yet: whether a muscle biopsy is available." in panel(response, "iim-2017")


# ------------------------------------------------------------------ dcSSc

@pytest.fixture
def ssc(site_a):
    return RecordFactory(site=site_a, indication="DCSSC")


def ssc_post(mrss, **changes):
    data = complete_record_data("DCSSC")[1]
    return (fields(SscSection, data["sections"]["ssc"] | changes) | rows(MrssAssessment, mrss)
            | rows(BY_KEY["ssc"].rows[1].model, []))


def test_the_demo_ssc_scores(logged_in, ssc):
    mrss = complete_record_data("DCSSC")[1]["mrss"]
    response = logged_in.post(scores_url(ssc, "ssc"), ssc_post(mrss))
    assert figure(response, "ssc-2013") == "15"  # skin proximal to the MCPs 9 + Raynaud 3 + anti-Scl-70 3
    assert figure(response, "mrss") == "34"  # 17 sites at 2, the latest of two assessments
    assert "17 of 51" in panel(response, "mrss")


def test_an_unscored_site_of_the_latest_mrss_leaves_it_uncomputed(logged_in, ssc):
    older, latest = complete_record_data("DCSSC")[1]["mrss"]
    response = logged_in.post(scores_url(ssc, "ssc"), ssc_post([older, dict(latest, face=None)]))
    assert figure(response, "mrss") is None
    text = panel(response, "mrss")
    assert "Cannot be computed yet: 1 site of the latest assessment" in text and "17 of 51" in text


def test_the_sufficient_skin_item_alone_classifies(logged_in, ssc):
    answers = {f"acr_{code}": False for code in ("raynaud", "anti_topoisomerase")}
    response = logged_in.post(scores_url(ssc, "ssc"), ssc_post([], **answers))
    assert figure(response, "ssc-2013") == "9"
    assert figure(response, "mrss") is None and "an mRSS assessment" in panel(response, "mrss")


# ------------------------------------------------------------------ labs: Cockcroft–Gault

@pytest.fixture
def man_of_70(site_a):
    scr = datetime.date.today() - datetime.timedelta(days=3)
    return RecordFactory(site=site_a, sex="M", date_of_birth=add_months(scr, -12 * 70), screening_date=scr)


def creatinine(record, value, unit="umol/L"):
    return {"analyte": "creatinine", "sample_date": record.screening_date, "value": value, "unit": unit,
            "uln": 110, "lln": 60}


def test_cockcroft_gault_of_the_reference_example(logged_in, man_of_70):
    OrganFunction.objects.create(record=man_of_70, weight=75, weight_unit="kg")
    alt = {"analyte": "alt", "sample_date": man_of_70.screening_date, "value": 20, "unit": "U/L", "uln": 40}
    response = logged_in.post(scores_url(man_of_70, "labs"), rows(LabResult, [alt, creatinine(man_of_70, 110)]))
    # Reference §3.10: male, 70 years, 75 kg, SCr 110 µmol/L: (140 − 70) × 75 / (72 × 110 / 88.4)
    assert (140 - 70) * 75 / (72 * 110 / 88.4) == pytest.approx(58.598, abs=1e-3)
    assert figure(response, "crcl") == "58.6"
    assert "Age on the sample date 70 years" in panel(response, "crcl")


def test_cockcroft_gault_in_mg_per_dl_for_a_woman(logged_in, man_of_70):
    ScreeningRecord.objects.filter(pk=man_of_70.pk).update(sex="F")
    OrganFunction.objects.create(record=man_of_70, weight=60, weight_unit="kg")
    response = logged_in.post(scores_url(man_of_70, "labs"), rows(LabResult, [creatinine(man_of_70, "1.0", "mg/dL")]))
    assert figure(response, "crcl") == "49.6"  # (140 − 70) × 60 / (72 × 1.0) × 0.85 = 49.58


def test_cockcroft_gault_says_what_is_missing(logged_in, man_of_70):
    response = logged_in.post(scores_url(man_of_70, "labs"), rows(LabResult, []))
    assert figure(response, "crcl") is None
    text = panel(response, "crcl")
    assert "Cannot be computed yet: the body weight (Organ function); a serum creatinine result" in text


def test_a_creatinine_being_typed_without_its_unit_is_not_used(logged_in, man_of_70):
    OrganFunction.objects.create(record=man_of_70, weight=75, weight_unit="kg")
    response = logged_in.post(scores_url(man_of_70, "labs"), rows(LabResult, [creatinine(man_of_70, 110, "")]))
    assert figure(response, "crcl") is None
    assert "a serum creatinine result with its value and unit" in panel(response, "crcl")


@pytest.mark.parametrize("before,read", [(MAX_ROWS - 1, True), (MAX_ROWS, False)])
def test_at_most_the_formsets_row_limit_is_read(man_of_70, before, read):
    OrganFunction.objects.create(record=man_of_70, weight=75, weight_unit="kg")
    alt = {"analyte": "alt", "sample_date": man_of_70.screening_date, "value": 20, "unit": "U/L", "uln": 40}
    data = QueryDict(mutable=True)
    data.update(rows(LabResult, [alt] * before + [creatinine(man_of_70, 110)]))
    data["labresult-TOTAL_FORMS"] = str(10**9)  # forged: read as the formset's limit, not a billion rows
    [crcl] = live_scores.from_post(man_of_70, BY_KEY["labs"], data)
    assert crcl.computed is read  # the creatinine row is the limit's last, or past it


# ------------------------------------------------------------------ the same figures as the checklist

def evidence(evaluation, criterion, label):
    return next(e.value for e in evaluation.by_id(criterion).evidence if e.label == label)


@pytest.mark.parametrize("indication,key,panel_key,criterion,label", [
    ("SLE", "sle", "sledai", "INC-SLE-03", "SLEDAI-2K"),
    ("SLE", "sle", "sle-2019", "INC-SLE-01", "2019 EULAR/ACR total"),
    ("DCSSC", "ssc", "ssc-2013", "INC-SSC-01", "2013 ACR/EULAR score"),
    ("IIM", "iim", "mmt8", "INC-IIM-02", "MMT-8"),
    ("SLE", "labs", "crcl", "INC-05a", "Cockcroft–Gault CrCl"),
])
def test_the_saved_page_shows_the_checklists_figures(site_a, coordinator, investigator, indication, key, panel_key,
                                                      criterion, label):
    record, _ = demo(indication, site_a, coordinator, investigator)
    shown = {p.key: p for p in live_scores.for_saved(record, BY_KEY[key])}
    checklist = evidence(evaluate_record(record).evaluation, criterion, label)
    assert shown[panel_key].figure == str(checklist)


@pytest.mark.parametrize("indication,key", [("SLE", "sle"), ("AAV", "aav"), ("IIM", "iim"), ("DCSSC", "ssc")])
def test_posting_the_saved_values_gives_the_saved_pages_panels(logged_in, site_a, coordinator, indication, key):
    record, data = demo(indication, site_a, coordinator)
    posted = fields(BY_KEY[key].model, data["sections"][key])
    for r in BY_KEY[key].rows:
        snapshot_key = live_scores.ROW_KEYS[r.model]
        posted |= rows(r.model, data[snapshot_key])
    answer = logged_in.post(scores_url(record, key), posted)
    for shown in live_scores.for_saved(record, BY_KEY[key]):
        assert figure(answer, shown.key) == shown.figure, shown.key


# ------------------------------------------------------------------ access

def test_it_saves_nothing_and_is_not_cached(logged_in, sle):
    before = SleSection.history.count()
    response = logged_in.post(scores_url(sle, "sle"), sle_post())
    assert SleSection.history.count() == before and not SleSection.objects.filter(record=sle).exists()
    assert "no-store" in response["Cache-Control"]
    assert 'aria-live="polite"' in response.content.decode()


def test_a_get_is_refused(logged_in, sle):
    assert logged_in.get(scores_url(sle, "sle")).status_code == 405


def test_anonymous_is_sent_to_login(client, sle):
    response = client.post(scores_url(sle, "sle"), sle_post())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_record_of_another_site_is_not_found(logged_in, record_b):
    assert logged_in.post(scores_url(record_b, "sle"), sle_post()).status_code == 404


@pytest.mark.parametrize("key", ["aav", "nonsense", "organ", "judgement"])
def test_a_section_without_scores_for_the_record_is_not_found(logged_in, sle, key):
    # aav: another indication's; nonsense: no such section; organ, judgement: no scores.
    assert logged_in.post(scores_url(sle, key), {}).status_code == 404


@pytest.mark.parametrize("role", [MONITOR, INVESTIGATOR])
def test_a_reader_may_ask_for_scores(client, make_user, site_a, sle, role):
    client.force_login(make_user(role, site_a))
    response = client.post(scores_url(sle, "sle"), sle_post())
    assert response.status_code == 200 and figure(response, "sledai") == "10"


def test_the_post_needs_the_csrf_token(coordinator, sle):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(coordinator)
    assert browser.post(scores_url(sle, "sle"), sle_post()).status_code == 403
    page = browser.get(reverse("section_edit", args=[sle.pk, "sle"]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert browser.post(scores_url(sle, "sle"), sle_post() | {"csrfmiddlewaretoken": token}).status_code == 200


# ------------------------------------------------------------------ the section page

def page_forms(record, section, data=None):
    """The form and formsets of the section page, as it builds them."""
    instance = section.model.objects.filter(record=record).first() or section.model(record=record)
    form = section_form_class(section)(data, instance=instance, record=record, versioned=True)
    formsets = [(r, row_formset_class(r)(data, instance=record, prefix=r.model._meta.model_name)) for r in section.rows]
    for _, formset in formsets:
        formset.initial_form_count()  # the page reads its rows to build them
    return form, formsets


def test_the_saved_page_reads_the_forms_it_shows(site_a, coordinator, django_assert_num_queries):
    record, _ = demo("DCSSC", site_a, coordinator)
    section = BY_KEY["ssc"]
    form, formsets = page_forms(record, section)
    with django_assert_num_queries(0):
        shown = live_scores.for_page(record, section, form, formsets)
    assert shown == live_scores.for_saved(record, section)
    assert [p.figure for p in shown] == ["15", "34"]


def test_a_page_refused_on_save_shows_the_values_posted(site_a, coordinator):
    record, data = demo("SLE", site_a, coordinator)
    posted = QueryDict(mutable=True)
    posted.update(fields(SleSection, data["sections"]["sle"] | {"sledai_seizure": True}))
    form, formsets = page_forms(record, BY_KEY["sle"], posted)
    [sledai, _] = live_scores.for_page(record, BY_KEY["sle"], form, formsets)
    assert sledai.figure == "18"  # 10 saved + seizure 8 typed


def test_a_section_without_scores_has_no_panels(record_a):
    assert live_scores.for_page(record_a, BY_KEY["organ"], None, []) is None
