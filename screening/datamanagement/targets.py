"""What a query or an SDV mark can be about, in one section of one record: the
section, a field of its form, a repeating row, or one field of a row.

A target is written as a key: "" (the section), "lvef" (a field), "labresult:12"
(a row), "labresult:12.value" (a field of a row). Only keys of the record's own
rows and the section's own fields are accepted: anything else is refused.
"""

from dataclasses import dataclass

from django.utils.translation import gettext

from .. import values as shown_as
from ..crf.sections import data_fields


@dataclass(frozen=True)
class Target:
    section: object  # crf.sections.Section
    row_model: str = ""
    row_id: int = 0
    field: str = ""
    label: str = ""

    @property
    def key(self):
        if self.row_model:
            row = f"{self.row_model}:{self.row_id}"
            return f"{row}.{self.field}" if self.field else row
        return self.field

    def columns(self):
        return {"section": self.section.key, "row_model": self.row_model, "row_id": self.row_id,
                "field": self.field, "target_label": self.label[:300]}


def section_fields(section):
    return data_fields(section.model) if section.model is not None else []


def row_fields(rows):
    fields = data_fields(rows.model)
    return [f for f in fields if f.name in rows.fields] if rows.fields else fields


def _rows_of(record, section):
    """(Rows, [row instances]) of the section's repeating groups, one query each."""
    return [(rows, list(rows.model.objects.filter(record=record).order_by("pk"))) for rows in section.rows]


def row_label(rows, row):
    return gettext("%(row)s (row %(id)s)") % {
        "row": shown_as.row_description(row, rows.title, row_fields(rows)), "id": row.pk}


def choices(record, section, rows_read=None):
    """[(key, label)] of every target of the section: the section, its fields, its rows."""
    out = [("", gettext("The whole section: %(section)s") % {"section": section.title})]
    out += [(f.name, shown_as.field_label(f)) for f in section_fields(section)]
    for rows, instances in (rows_read if rows_read is not None else _rows_of(record, section)):
        out += [(f"{rows.model._meta.model_name}:{row.pk}", row_label(rows, row)) for row in instances]
    return out


def row_field_choices(section):
    """[(name, label)] of the fields of the section's rows (a field of a row)."""
    out = [("", gettext("The whole row"))]
    for rows in section.rows:
        out += [(f.name, shown_as.field_label(f)) for f in row_fields(rows)]
    return list(dict(out).items())


def resolve(record, section, key, row_field=""):
    """The Target of `key` (and, for a row, `row_field`) in the section of this record, or None."""
    key = (key or "").strip()
    row_field = (row_field or "").strip()
    if ":" not in key:
        if row_field:
            return None
        if key == "":
            return Target(section, label=section.title)
        field = next((f for f in section_fields(section) if f.name == key), None)
        if field is None:
            return None
        return Target(section, field=key, label=f"{section.title}: {shown_as.field_label(field)}")
    model_name, _, rest = key.partition(":")
    row_id, _, field_name = rest.partition(".")
    field_name = field_name or row_field
    rows = next((r for r in section.rows if r.model._meta.model_name == model_name), None)
    if rows is None or not row_id.isdigit():
        return None
    row = rows.model.objects.filter(record=record, pk=int(row_id)).first()
    if row is None:
        return None
    label = row_label(rows, row)
    if field_name:
        field = next((f for f in row_fields(rows) if f.name == field_name), None)
        if field is None:
            return None
        label = f"{label}: {shown_as.field_label(field)}"
    return Target(section, model_name, row.pk, field_name, label)
