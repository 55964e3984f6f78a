"""Property-based tests of hostile input (hypothesis): every CRF section form and
the JSON import.

Sections come from `screening.crf.sections.SECTIONS` and their fields from the forms
the page renders, so a new section or field is fuzzed without touching this file.
For each post: never an exception or a 500; a value known to be invalid gives an
error on that field; a refused save leaves the stored data (and its history)
unchanged; a `<script>` payload is never sent back unescaped.
"""

import datetime
import json
import os
from decimal import Decimal

import pytest
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.checklist.snapshots import ROW_MODELS, SECTION_RELATIONS
from screening.crf.sections import BY_KEY, SECTIONS
from screening.exchange.demo import complete_record_data, create_record
from screening.exchange.format import record_data
from screening.exchange.importing import ImportRefused, import_records
from screening.models import ScreeningRecord

from .pages import page_data

pytestmark = pytest.mark.slow  # hypothesis over every form and the import: minutes

SCRIPT = '<script>alert("xss-fuzz")</script>'
SQL = "'; DROP TABLE screening_screeningrecord; --"
TEXTS = [SCRIPT, SQL, "Robert'); DELETE FROM auth_user;--", "\x00nul", "x" * 5000, "  ", "１２３", "ℵ", "\u202eevil"]
# A quick, repeatable run by default; TRIALSITE_FUZZ_EXAMPLES=200 explores (random seeds).
EXAMPLES = int(os.environ.get("TRIALSITE_FUZZ_EXAMPLES", "0")) or None
FUZZ = settings(
    max_examples=EXAMPLES or 6, deadline=None, database=None, derandomize=EXAMPLES is None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
TODAY = datetime.date.today()

anything = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40) | st.sampled_from(TEXTS)


def _bounds(form_field, model_field):
    low, high = getattr(form_field, "min_value", None), getattr(form_field, "max_value", None)
    for validator in getattr(model_field, "validators", ()):
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        if isinstance(validator, MaxValueValidator):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
    return low, high


def values_for(form_field, model_field):
    """(value, known_invalid) pairs for one field."""
    invalid, maybe = [], [anything]
    if isinstance(form_field, forms.BooleanField):
        maybe.append(st.sampled_from(["on", "", "false", "0", SCRIPT]))
    elif isinstance(form_field, forms.ModelChoiceField):
        invalid += ["abc", "-1", "99999999999999999999999", "1.5", SQL]
    elif isinstance(form_field, forms.ChoiceField):
        codes = {str(c) for c, _ in form_field.choices}
        invalid += [v for v in ["maybe", "YES", "<b>yes</b>", SCRIPT, SQL, "0", "\x00"] if v not in codes]
        maybe.append(st.sampled_from(sorted(codes)))
    elif isinstance(form_field, (forms.DecimalField, forms.IntegerField)):
        invalid += ["NaN", "nan", "Infinity", "-Infinity", "inf", "1e400", "9" * 40, "12abc", "12 mg", "70 kg",
                    "--1", "1,5", "0x10", SQL]
        low, high = _bounds(form_field, model_field)
        if high is not None:
            invalid += [str(high + 1), str(Decimal(high) * 1000)]
        if low is not None:
            invalid += [str(low - 1), "-99999"]
        maybe += [st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
                  st.integers(-10**12, 10**12).map(str)]
    elif isinstance(form_field, forms.DateField):
        invalid += ["2021-02-30", "0000-00-00", "10000-01-01", "0001-01-01", "9999-12-31", "yesterday",
                    str(TODAY + datetime.timedelta(days=4000)), "1800-01-01", SQL]
        maybe.append(st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)).map(str))
    elif isinstance(form_field, forms.CharField):
        invalid.append("a\x00b")
        if form_field.max_length:
            invalid.append("y" * (form_field.max_length + 1))
    strategies = [st.tuples(s, st.just(False)) for s in maybe]
    if invalid:
        strategies.append(st.tuples(st.sampled_from(invalid), st.just(True)))
    return st.one_of(*strategies)


def targets(response):
    """Every field of the page: (html name, form field, model field, where its errors appear)."""
    found = []
    form = response.context["form"]
    if form is not None:
        for name, field in form.fields.items():  # the hidden version too: it can be forged
            found.append((form.add_prefix(name), field, form._meta.model._meta.get_field(name), ("form",)))
    for i, (rows, formset) in enumerate(response.context["formsets"]):
        # The first saved row and the blank row: editing and adding; their hidden version and id too.
        for row in formset.forms[:1] + formset.forms[-1:] if len(formset.forms) > 1 else formset.forms:
            index = formset.forms.index(row)
            # (A blank row that only has a forged version is still blank: it is skipped, like any blank row.)
            names = [*row._meta.fields, *(["version", "id"] if row.instance.pk else [])]
            for name in names:
                found.append((row.add_prefix(name), row.fields[name], rows.model._meta.get_field(name), (i, index)))
    return found


def forges_bookkeeping(name):
    return name.endswith(("version", "-id"))


def stored_state(record, section):
    """Everything a save of the section could write, with its history."""
    models = [ScreeningRecord, *([section.model] if section.model else []), *section.row_models]
    state = {}
    for model in models:
        rows = model.objects.filter(pk=record.pk) if model is ScreeningRecord else model.objects.filter(record=record)
        state[model.__name__] = [
            {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields if f.name != "updated_at"}
            for row in rows.order_by("pk")
        ]
        state[model.__name__ + ".history"] = model.history.count()
    return state


def field_errors(response, where, html_name):
    if where == ("form",):
        form = response.context["form"]
    else:
        formset = response.context["formsets"][where[0]][1]
        form = formset.forms[where[1]]
    name = html_name[len(form.prefix) + 1:] if form.prefix else html_name
    return form.errors.get(name)


def assert_escaped(body):
    assert SCRIPT not in body, "a <script> payload came back unescaped"


@pytest.fixture
def fuzz_record(site_a, coordinator, investigator):
    def make(indication):
        values, data = complete_record_data(indication)
        return create_record(site_a, coordinator, values, data, judged_by=investigator)
    return make


@pytest.mark.parametrize("key", [section.key for section in SECTIONS])
def test_section_form_survives_hostile_values(key, client, coordinator, investigator, fuzz_record):
    section = BY_KEY[key]
    record = fuzz_record(section.indication or "SLE")
    client.force_login(investigator if section.judgement else coordinator)
    url = reverse("section_edit", args=[record.pk, key])
    page = {"response": client.get(url)}
    fields = targets(page["response"])
    assert fields, f"section {key} has no fields to fuzz"
    field_values = {name: values_for(field, model_field) for name, field, model_field, _ in fields}

    @FUZZ
    @given(st.data())
    def post_hostile(draw):
        response = page["response"]
        data = page_data(response)
        chosen = draw.draw(st.lists(st.sampled_from(fields), min_size=1, max_size=4, unique_by=lambda t: t[0]))
        flagged = []
        for name, _, _, where in chosen:
            value, invalid = draw.draw(field_values[name], label=name)
            data[name] = value
            if invalid:
                flagged.append((name, where, value))
        data["reason-reason_choice"] = draw.draw(st.sampled_from(["Data entry error", "other", "bogus"]))
        data["reason-reason_text"] = draw.draw(anything)
        forged = set()
        for i, (_, formset) in enumerate(response.context["formsets"]):
            if draw.draw(st.integers(0, 9)) == 0:  # forged row counts: negative, huge, not a number
                forged.add(i)
                data[f"{formset.prefix}-{draw.draw(st.sampled_from(['TOTAL_FORMS', 'INITIAL_FORMS']))}"] = draw.draw(
                    st.sampled_from(["-1", "-1000", "99999999999", "abc", "", "1e3", SCRIPT]))
        before = stored_state(record, section)

        answer = client.post(url, data)

        assert answer.status_code in (200, 302)
        if answer.status_code == 200:
            assert_escaped(answer.content.decode())
            # A conflict only comes from a forged version or row id (nobody else saves here).
            assert answer.context["conflict"] is None or any(forges_bookkeeping(name) for name, *_ in chosen)
            assert stored_state(record, section) == before, "a refused save changed stored data"
            for i in forged:
                assert answer.context["formsets"][i][1].non_form_errors()
            for name, where, value in flagged:
                if where[0] not in forged and answer.context["conflict"] is None:
                    assert field_errors(answer, where, name), f"{name}={value!r} was accepted without an error"
        else:
            assert not flagged, f"{flagged} accepted"
            if forged:  # forged row counts pass only as "nothing changed"
                assert stored_state(record, section) == before
            for target in (url, reverse("record_detail", args=[record.pk])):
                shown = client.get(target)
                assert shown.status_code == 200
                assert_escaped(shown.content.decode())
            page["response"] = client.get(url)

    post_hostile()
    client.force_login(investigator)
    trail = client.get(reverse("record_audit", args=[record.pk]))
    assert trail.status_code == 200
    assert_escaped(trail.content.decode())


# ---------------------------------------------------------------- JSON import

NUMBERS = ["A01-" + "9" * 30, "A01-\x00", "A01-99999999999999999999", "A01-<script>", "A01-0001\n", "B01-0001", ""]
json_scalars = (
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats() | anything
    | st.sampled_from([10**400, -1, float("nan"), float("inf"), "NaN", "Infinity", "9999-12-31", "0001-01-01",
                       "2021-02-30", *NUMBERS])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["value", "unit", "x"]), inner, max_size=2),
    max_leaves=4,
)


def _import_fields():
    """Form field and model field of every importable field, by (container path, name)."""
    from screening.crf.forms import RecordForm, row_formset_class, section_form_class
    from screening.exchange.loader import ROW_SECTIONS

    found = {}
    record_form = RecordForm()
    for name, field in record_form.fields.items():
        found[(("record",), name)] = (field, ScreeningRecord._meta.get_field(name))
    for key in SECTION_RELATIONS:
        section = BY_KEY[key]
        for name, field in section_form_class(section)().fields.items():
            found[(("sections", key), name)] = (field, section.model._meta.get_field(name))
    for key, model in ROW_MODELS.items():
        rows = ROW_SECTIONS[model][1]
        for name, field in row_formset_class(rows).form().fields.items():
            found[((key, 0), name)] = (field, model._meta.get_field(name))
    return found


IMPORT_FIELDS = _import_fields()


def _paths(item):
    """Places a hostile value can go in one exported record: (container path, key)."""
    paths = [(("record",), name) for name in item["record"]]
    paths += [(("sections", key), name) for key, values in item["sections"].items() for name in values]
    paths += [((key, 0), name) for key in ROW_MODELS if item.get(key) for name in item[key][0]]
    structure = [((), "screening_number"), ((), "sections"), ((), "labs"), (("sections",), "organ"),
                 (("record",), "bogus"), ((), "bogus")]
    return paths, structure


def _container(item, path):
    """The dict at `path`, or None once an earlier mutation replaced part of the path."""
    for step in path:
        try:
            item = item[step]
        except (KeyError, IndexError, TypeError):
            return None
    return item


def import_state(record):
    """Every stored CRF value of the record, and the size of every history."""
    models = [ScreeningRecord, *(BY_KEY[key].model for key in SECTION_RELATIONS), *ROW_MODELS.values()]
    state = {"records": ScreeningRecord.objects.count()}
    for model in models:
        rows = model.objects.filter(pk=record.pk) if model is ScreeningRecord else model.objects.filter(record=record)
        state[model.__name__] = list(rows.order_by("pk").values())
        state[model.__name__ + ".history"] = model.history.count()
    return state


@pytest.fixture
def exported(site_a, coordinator, investigator):
    values, data = complete_record_data("SLE")
    record = create_record(site_a, coordinator, values, data, judged_by=investigator)
    return record, json.loads(json.dumps(record_data(record), default=str))


def test_import_survives_hostile_values(exported, site_a, investigator):
    record, original = exported
    paths, structure = _paths(original)
    numbers = iter(range(100, 10**4))
    outcomes = []

    def hostile(path, key):
        fields = IMPORT_FIELDS.get((path, key))
        known = []
        if fields is not None:
            invalid = values_for(*fields).filter(lambda pair: pair[1]).map(lambda pair: (pair[0], True))
            known.append(invalid)
            if isinstance(original.get("sections", {}).get(path[-1], {}).get(key) if path[:1] == ("sections",) else None, dict):
                known.append(st.just(({"value": 1, "unit": "furlongs"}, True)))  # a wrong unit
        return st.one_of(st.tuples(json_values, st.just(False)), *known)

    @FUZZ
    @given(st.data())
    def import_hostile(draw):
        item = json.loads(json.dumps(original))
        update = draw.draw(st.booleans(), label="update")
        # An update of the exported record, or a new record under a fresh number.
        item["screening_number"] = record.screening_number if update else f"A01-{next(numbers):04d}"
        mutations = draw.draw(st.lists(st.sampled_from(paths + structure), min_size=1, max_size=4, unique=True))
        flagged = []
        for path, key in mutations:
            container = _container(item, path)
            if isinstance(container, dict):
                value, invalid = draw.draw(hostile(path, key), label=f"{'.'.join(map(str, path))}.{key}")
                container[key] = value
                if invalid:
                    flagged.append((path, key, value))
        # A later mutation may have replaced the container of an earlier one.
        flagged = [(p, k, v) for p, k, v in flagged if isinstance(_container(item, p), dict) and _container(item, p).get(k) is v]
        shape = draw.draw(st.sampled_from(["records", "list", "one"]))
        text = json.dumps({"records": [item]} if shape == "records" else [item] if shape == "list" else item)
        before = import_state(record)
        try:
            reports = import_records(text, site_a, investigator, "fuzz.json", update=update)
        except ImportRefused:
            assert import_state(record) == before
            return
        [report] = reports
        outcomes.append(report.outcome)
        if report.outcome == "refused":
            assert report.errors
            assert import_state(record) == before, "a refused import changed stored data"
            if flagged and len(mutations) == 1:
                [(path, key, value)] = flagged
                assert any(error.field == key for error in report.errors), (key, value, report.lines())
        else:
            assert not flagged, f"{flagged} imported"
            assert report.outcome == ("updated" if update else "created") and not report.errors

    import_hostile()
    assert "refused" in outcomes
