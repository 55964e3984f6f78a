"""The data dictionary, generated from the models so it cannot drift.

REDCap-style columns: one row per CRF field.
"""

import csv
import datetime
import functools

from django.core.validators import MaxValueValidator, MinValueValidator

from ..eligibility.reads import trace
from ..eligibility.snapshot import Snapshot
from ..values import unit_of
from ..vocabulary import INDICATIONS
from .sections import BY_KEY, ROW_MODELS, SECTION_RELATIONS, SECTIONS, data_fields, fieldset_of

COLUMNS = [
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
    "Text Validation Min", "Text Validation Max", "Unit", "Indication", "Repeating", "Criteria",
]

TYPES = {
    "CharField": "text", "TextField": "notes", "DateField": "text", "DecimalField": "text",
    "PositiveSmallIntegerField": "text", "PositiveIntegerField": "text", "BooleanField": "yesno",
    "ForeignKey": "text",
}
VALIDATION = {"DateField": "date_ymd", "DecimalField": "number", "PositiveSmallIntegerField": "integer"}


def _bounds(field):
    low = high = ""
    for v in field.validators:
        if isinstance(v, MinValueValidator):
            low = v.limit_value
        if isinstance(v, MaxValueValidator):
            high = v.limit_value
    if field.get_internal_type() == "PositiveSmallIntegerField" and low == "":
        low = 0
    return low, high


def _unit(field):
    return unit_of(field)  # on the field, not read out of its help text


# --- the "Criteria" column: every criterion that can read a field ------------------------
# The engine is run over a recording snapshot (eligibility/reads.py) for a deterministic set of
# generated snapshots: every indication and sex, each section absent or present, each field
# drawn from values of its kind (yes / no / unknown, every choice code, dates around the
# screening visit, numbers across its range, blank), each row table absent or holding a row of
# every choice of its first coded field (every analyte, drug, event kind, BVAS item). Nothing
# here names a field: a field added to a model is drawn like the others.
SAMPLES = 64  # per indication and sex; the union stops growing at about 48 (tests/test_data_dictionary_criteria.py)
SEED = 17
# The share of the choices of a row table's first coded field (analyte, drug, ...) a snapshot holds rows of:
# some hold every one (a rule needing all the blood count analytes), most fewer (cheaper to evaluate).
ROW_SHARES = (0.2, 0.4, 1.0)
_SCR = datetime.date(2026, 3, 16)


def _dates():
    from screening.calculators.dates import add_months

    day = datetime.timedelta
    return (_SCR, _SCR, _SCR - day(1), _SCR + day(10), _SCR + day(21), _SCR + day(40), _SCR - day(12),
            _SCR - day(45), add_months(_SCR, -4), add_months(_SCR, -9), add_months(_SCR, -14),
            add_months(_SCR, -30), add_months(_SCR, -120), None)


def _numbers(field):
    low, high = _bounds(field)
    if low != "" and high != "":
        low, high = float(low), float(high)
        return (low, high, round((low + high) / 2, 1), round(low + (high - low) / 4, 1), None)
    return (0.2, 1.0, 2.5, 12.0, 60.0, 130.0, 900.0, None)


@functools.cache
def _candidates(field):
    """The values a generated snapshot may hold for `field`, normalised as the snapshot holds them
    (yes / no / unknown as True / False / None, a blank code as None)."""
    from ..models import fields as answers

    kind = field.get_internal_type()
    if field.choices:
        codes = [code for code, _ in field.flatchoices]
        if set(codes) == {answers.YES, answers.NO, answers.UNKNOWN}:
            return (True, False, None)
        return (*codes, None)
    if kind == "BooleanField":
        return (True, False)
    if kind == "DateField":
        return _dates()
    if kind in ("DecimalField", "FloatField"):
        return _numbers(field)
    if kind in ("PositiveSmallIntegerField", "PositiveIntegerField", "IntegerField", "SmallIntegerField"):
        low, high = _bounds(field)
        high = int(high) if high != "" else 5
        return (0, 1, 2, max(high // 2, 1), high, None)
    if kind in ("CharField", "TextField"):
        return ("", "not specified")
    return (None,)


@functools.cache
def _fields(model):
    return tuple((f.name, _candidates(f)) for f in data_fields(model))


def _draw(rng, model, fixed=None):
    return {name: (fixed[name] if fixed and name in fixed else rng.choice(values)) for name, values in _fields(model)}


def _row(rng, model, name, code):
    row = _draw(rng, model, {name: code})
    if name == "analyte" and "unit" in row and rng.random() < 0.8:
        # Most lab rows in a unit their analyte accepts (the form refuses others), as at a site.
        from screening.calculators.units import units_for

        row["unit"] = rng.choice(units_for(code))
    return row


def _row_sets(rng, model):
    """Rows of one table: none, or rows of a share of the choices of its first coded field (each drawn)."""
    if rng.random() < 0.15:
        return ()
    coded = next((f for f in data_fields(model) if f.choices and len(f.flatchoices) > 3), None)
    if coded is None:
        return tuple(_draw(rng, model) for _ in range(rng.randint(1, 5)))
    codes = [code for code, _ in coded.flatchoices]
    share = rng.choice(ROW_SHARES)
    rows = [_row(rng, model, coded.name, code) for code in codes if rng.random() < share]
    rows += [_row(rng, model, coded.name, rng.choice(codes)) for _ in range(rng.randint(0, 3))]
    rng.shuffle(rows)
    return tuple(rows)


def generated_snapshots():
    """The deterministic snapshots the Criteria column is read from."""
    import random

    from .. import models as m

    rng = random.Random(SEED)
    for indication in INDICATIONS:
        for sex in ("F", "M"):
            for _ in range(SAMPLES):
                record = _draw(rng, m.ScreeningRecord, {"indication": indication, "sex": sex})
                if rng.random() < 0.8:
                    record["screening_date"] = _SCR
                sections = {}
                for key, relation in SECTION_RELATIONS.items():
                    section = BY_KEY[key]
                    if section.indication not in (None, indication):
                        continue  # the forms and the import offer no other indication's section
                    if rng.random() < 0.9:
                        sections[key] = _draw(rng, section.model)
                rows = {key: _row_sets(rng, model) for key, model in ROW_MODELS.items()}
                yield Snapshot(record=record, sections=sections, **rows)


@functools.cache
def criteria_by_path():
    """{snapshot path: criterion ids}: the paths every criterion read or named as missing over the
    generated snapshots ("infection.igra_date", "labs.uln", "record.sex"; missing-only paths such as
    "labs.hb" or "medications" name a row table or an analyte)."""
    uses = {}
    for snapshot in generated_snapshots():
        for cid, (reads, missing) in trace(snapshot).items():
            for path in reads | missing:
                uses.setdefault(path, set()).add(cid)
    return {path: frozenset(ids) for path, ids in uses.items()}


def criteria_by_field():
    """{(snapshot key, field name): criterion ids} of every criterion that can read the field."""
    by_model = {}
    for path, ids in criteria_by_path().items():
        head, _, name = path.partition(".")
        by_model.setdefault((head, name), set()).update(ids)
    return by_model


def _criteria(uses, section_key, repeating, field_name, model):
    if model._meta.model_name == "screeningrecord":
        key = "record"
    elif repeating:
        key = next((k for k, m in ROW_MODELS.items() if m is model), section_key)
    else:
        key = next((k for k, rel in SECTION_RELATIONS.items() if rel == model._meta.model_name), section_key)
    ids = set(uses.get((key, field_name), set()))
    if repeating:  # a row table missed as a whole ("medications") names every field of it
        ids |= uses.get((key, ""), set())
    return " ".join(sorted(ids))


def rows():
    uses = criteria_by_field()
    seen = set()
    for section in SECTIONS:
        parts = [(section.model, False)] if section.model else []
        parts += [(r.model, True) for r in section.rows]
        for model, repeating in parts:
            if model in seen:
                continue
            seen.add(model)
            form_name = section.key if not repeating else f"{section.key}_{model._meta.model_name}"
            for field in data_fields(model):
                kind = field.get_internal_type()
                choices = " | ".join(f"{code}, {label}" for code, label in field.flatchoices) if field.choices else ""
                low, high = _bounds(field)
                yield {
                    "Variable / Field Name": f"{model._meta.model_name}.{field.name}",
                    "Form Name": form_name,
                    "Section Header": fieldset_of(section, field.name) or "",
                    "Field Type": "dropdown" if field.choices else TYPES.get(kind, "text"),
                    "Field Label": str(field.verbose_name),
                    "Choices, Calculations, OR Slider Labels": choices,
                    "Field Note": str(field.help_text or ""),
                    "Text Validation Type OR Show Slider Number": VALIDATION.get(kind, ""),
                    "Text Validation Min": low,
                    "Text Validation Max": high,
                    "Unit": _unit(field),
                    "Indication": INDICATIONS.get(section.indication, "All") if section.indication else "All",
                    "Repeating": "yes" if repeating else "no",
                    "Criteria": _criteria(uses, section.key, repeating, field.name, model),
                }


def write_csv(out):
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows():
        writer.writerow(row)


BEGIN, END = "<!-- criteria table: generated -->", "<!-- end of the generated criteria table -->"


def criteria_table():
    """The Markdown table of every field and the criteria that can read it."""
    lines = ["| Variable | Form | Criteria |", "|---|---|---|"]
    for row in rows():
        criteria = ", ".join(row["Criteria"].split()) or "—"
        lines.append(f"| `{row['Variable / Field Name']}` | {row['Form Name']} | {criteria} |")
    return "\n".join(lines)


def with_criteria_table(text):
    """`text` with the part between BEGIN and END replaced by criteria_table()."""
    if BEGIN not in text or END not in text:
        raise ValueError(f"the markers {BEGIN} and {END} are missing")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{criteria_table()}\n{END}{tail}"
