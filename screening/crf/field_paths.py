"""The eligibility rules name what they miss as snapshot paths ("sle.ana_entry",
"labs.hb", "pfts"); a person reads the question's words and follows a link that
lands on the field itself.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ..models import LabResult, ScreeningRecord
from .sections import BY_KEY, ROW_MODELS, SNAPSHOT_KEYS


@dataclass(frozen=True)
class FieldLink:
    label: str
    url: str


def _label_and_anchor(path):
    """(words, section key, anchor or query) of a path; None if the path names no CRF section."""
    head, _dot, name = path.partition(".")
    key = SNAPSHOT_KEYS.get(head)
    if key is None:
        return None
    section = BY_KEY[key]
    if head in ROW_MODELS:
        model = ROW_MODELS[head]
        rows = next(r for r in section.rows if r.model is model)
        if model is LabResult and name:
            analyte = dict(LabResult._meta.get_field("analyte").choices).get(name, name)
            return _("Lab result: %(analyte)s") % {"analyte": analyte}, key, f"?analyte={name}#analyte-{name}"
        return str(rows.title), key, f"#rows-{model._meta.model_name}"
    model = ScreeningRecord if head == "record" else section.model
    try:
        label = capfirst(model._meta.get_field(name).verbose_name)
    except Exception:  # a path the models do not hold (a derived value)
        return f"{section.title}: {name.replace('_', ' ')}", key, ""
    return f"{section.title}: {label}", key, f"#field-{name}"


def describe(path):
    """The words for a missing path ("SLE: ANA ≥ 1:80 ever")."""
    found = _label_and_anchor(path)
    return found[0] if found else path


def link(record, path):
    """Where to enter what a path names: the section page, on the field."""
    found = _label_and_anchor(path)
    if found is None:
        return FieldLink(path, "")
    label, key, anchor = found
    return FieldLink(label, reverse("section_edit", args=[record.pk, key]) + anchor)


def links(record, paths):
    return [link(record, path) for path in paths]
