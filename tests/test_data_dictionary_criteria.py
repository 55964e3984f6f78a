"""The data dictionary's "Criteria" column names, for every field, every criterion that can read
it, conditional reads included, generated from the engine (issue 17: "Undocumented requirements").

The column comes from running the engine over a recording snapshot (screening/eligibility/reads.py)
for generated snapshots (screening/crf/data_dictionary.generated_snapshots). The coverage test here
reads the engine over *other* snapshots, the eligibility tests' complete records changed one field
at a time, and fails when a criterion reads a field the dictionary does not list for it.
"""

import csv
import dataclasses
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from screening.crf import data_dictionary as dd
from screening.crf.sections import ROW_MODELS, SECTION_RELATIONS, SECTIONS, data_fields
from screening.eligibility.criteria import CRITERIA
from screening.eligibility.criteria.table import Criterion
from screening.eligibility.reads import CONTEXT_READS, reads_of
from screening.eligibility.snapshot import ROW_KEYS
from screening.models import ScreeningRecord

from .eligibility.builders import INDICATIONS, build


@pytest.fixture(scope="module")
def dictionary():
    out = StringIO()
    call_command("export_data_dictionary", stdout=out)
    return {row["Variable / Field Name"]: set(row["Criteria"].split()) for row in csv.DictReader(StringIO(out.getvalue()))}


# The fields the issue found with an empty "Criteria" column: each read only in some cases.
ISSUE_FIELDS = {
    "infectionscreen.igra_date": {"EXC-13"},
    "infectionscreen.chest_imaging_date": {"EXC-13"},
    "infectionscreen.chest_imaging_active_tb": {"EXC-13"},
    "reproductive.pregnancy_test_date": {"INC-09"},
    "reproductive.last_menstrual_period": {"INC-09", "INC-10"},
    # HBV DNA and the malignancy's last treatment are rows since CRF version 2 (migration 0014)
    "hbvdnatest.result": {"EXC-12"},
    "hbvdnatest.lloq": {"EXC-12"},
    "infectionscreen.syphilis_nontreponemal": {"EXC-12"},
    "sscsection.ild_diagnosis_date": {"INC-SSC-05"},
    "malignancy.last_treatment_date": {"EXC-08"},
    # and the new hydration question, and fields of rows
    "organfunction.creatinine_hydration": {"INC-05a"},
    "organfunction.crcl_hydration": {"INC-05a"},
    "labresult.uln": {"INC-05b", "INC-06a", "INC-06b", "INC-06c"},
    "labresult.sample_date": {"INC-04a", "INC-05a"},
    "medication.frequency": {"EXC-11"},
    "priorevent.kind": {"INC-04d", "EXC-10d"},
    "screeningrecord.sex": {"INC-05a", "INC-09", "INC-10"},
    "screeningrecord.date_of_birth": {"INC-01", "INC-05a"},
}


@pytest.mark.parametrize("variable, criteria", sorted(ISSUE_FIELDS.items()))
def test_the_fields_read_in_some_cases_name_their_criteria(dictionary, variable, criteria):
    assert criteria <= dictionary[variable], f"{variable}: {sorted(dictionary[variable])}"


def test_a_field_no_rule_reads_names_no_criterion(dictionary):
    assert dictionary["organfunction.height_cm"] == set()
    assert dictionary["screeningrecord.initials"] == set()


# --- the coverage test: other snapshots, the same engine ---------------------------------------


def _variable(path):
    """The dictionary's variable of a snapshot path, or None when no CRF field has that name."""
    head, _, name = path.partition(".")
    if head == "record":
        model = ScreeningRecord
    elif head in ROW_MODELS:
        model = ROW_MODELS[head]
    elif head in SECTION_RELATIONS:
        model = next(s.model for s in SECTIONS if s.key == head)
    else:
        return None
    return f"{model._meta.model_name}.{name}" if name in {f.name for f in data_fields(model)} else None


def _variants(indication):
    """The eligibility tests' complete record, then each field of it blanked or flipped, one at a time."""
    for sex in ("F", "M"):
        base = build(indication, record={"sex": sex})
        yield base
        for key, values in base.sections.items():
            for name, value in values.items():
                for other in ([None, not value] if isinstance(value, bool) else [None]):
                    sections = {**base.sections, key: {**values, name: other}}
                    yield dataclasses.replace(base, sections=sections)
        for key in ROW_KEYS:
            rows = getattr(base, key)
            for i, row in enumerate(rows):
                for name in row:
                    changed = rows[:i] + ({**row, name: None},) + rows[i + 1:]
                    yield dataclasses.replace(base, **{key: changed})
                yield dataclasses.replace(base, **{key: rows[:i] + rows[i + 1:]})


def unlisted_reads(dictionary, snapshots, criteria=CRITERIA):
    """(criterion, path) read on these snapshots that the dictionary does not list."""
    found = set()
    for snapshot in snapshots:
        for cid, paths in reads_of(snapshot, criteria).items():
            for path in paths:
                variable = _variable(path)
                if variable is None or cid not in dictionary.get(variable, ()):
                    found.add((cid, path))
    return sorted(found)


@pytest.mark.parametrize("indication", INDICATIONS)
def test_every_field_a_criterion_reads_names_it(dictionary, indication):
    assert unlisted_reads(dictionary, _variants(indication)) == []


def test_a_rule_reading_a_field_the_dictionary_does_not_list_is_found(dictionary):
    def nosy(snapshot, ctx):
        snapshot.section("organ").get("height_cm")
        snapshot.section("organ").get("no_such_field")
        for row in snapshot.medications:
            row.get("drug_other")
        return CRITERIA[0].rule(snapshot, ctx)

    extra = Criterion("INC-99", "general", "a rule added without its fields", nosy)
    found = unlisted_reads(dictionary, [build("SLE")], CRITERIA + (extra,))
    assert found == [("INC-99", "medications.drug_other"), ("INC-99", "organ.height_cm"),
                     ("INC-99", "organ.no_such_field"), ("INC-99", "record.date_of_birth"),
                     ("INC-99", "record.screening_date")]


# --- the generator ---------------------------------------------------------------------------


def test_the_generated_snapshots_hold_every_field_of_every_section_and_row():
    """No hand list: a field added to a model (another branch's new question, a row's unit) is drawn."""
    seen = {}
    for snapshot in dd.generated_snapshots():
        for key, values in snapshot.sections.items():
            seen.setdefault(key, set()).update(values)
        for key in ROW_KEYS:
            for row in getattr(snapshot, key):
                seen.setdefault(key, set()).update(row)
        seen.setdefault("record", set()).update(snapshot.record)
    for key, relation in SECTION_RELATIONS.items():
        model = next(s.model for s in SECTIONS if s.key == key)
        assert {f.name for f in data_fields(model)} <= seen[key], key
    for key, model in ROW_MODELS.items():
        assert {f.name for f in data_fields(model)} <= seen[key], key
    assert {f.name for f in data_fields(ScreeningRecord)} <= seen["record"]


def test_the_generated_union_has_stopped_growing(monkeypatch):
    """Twice the samples find no criterion-field pair more: the sample count is enough."""
    def pairs():
        return {(path, cid) for path, ids in dd.criteria_by_path.__wrapped__().items() for cid in ids}

    enough = pairs()
    monkeypatch.setattr(dd, "SAMPLES", dd.SAMPLES * 2)
    assert pairs() == enough


def test_every_context_value_is_traced_to_the_record_fields_it_comes_from():
    from screening.eligibility.context import Context

    names = {f.name for f in dataclasses.fields(Context)}
    names |= {n for n, v in vars(Context).items() if isinstance(v, property) or (callable(v) and not n.startswith("_"))}
    assert names == set(CONTEXT_READS)


def test_the_doc_table_is_regenerated_between_its_markers(tmp_path):
    doc = tmp_path / "dictionary.md"
    doc.write_text(f"# Title\n\n{dd.BEGIN}\nstale\n{dd.END}\n\nAfter.\n", encoding="utf-8")
    call_command("export_data_dictionary", "--update-doc", str(doc), stdout=StringIO())
    text = doc.read_text(encoding="utf-8")
    assert "stale" not in text and text.startswith("# Title\n") and text.endswith("\n\nAfter.\n")
    assert "| `infectionscreen.igra_date` | infection | EXC-13 |" in text
    assert "| `organfunction.height_cm` | organ | — |" in text


def test_a_doc_without_the_markers_is_refused(tmp_path):
    from django.core.management.base import CommandError

    doc = tmp_path / "dictionary.md"
    doc.write_text("# Title\n", encoding="utf-8")
    with pytest.raises(CommandError, match="markers"):
        call_command("export_data_dictionary", "--update-doc", str(doc), stdout=StringIO())
    assert doc.read_text(encoding="utf-8") == "# Title\n"


def test_the_documented_field_table_is_the_generated_one():
    """docs/data-dictionary.md carries the table the engine gives today: a field or a rule added
    without `manage.py export_data_dictionary --update-doc docs/data-dictionary.md` fails here."""
    doc = Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md"
    text = doc.read_text(encoding="utf-8")
    assert dd.with_criteria_table(text) == text, "run manage.py export_data_dictionary --update-doc docs/data-dictionary.md"
