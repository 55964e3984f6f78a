"""Every CRF model keeps history; the data dictionary lists every CRF field."""

import csv
import io

from django.core.management import call_command

from screening.crf.sections import SECTIONS, data_fields
from screening.models import CrfModel


def crf_models():
    models = set()
    for section in SECTIONS:
        if section.model:
            models.add(section.model)
        models.update(section.row_models)
    return models


def test_every_crf_model_is_in_a_section_and_has_history():
    concrete = {m for m in CrfModel.__subclasses__()}
    for model in crf_models():
        assert issubclass(model, CrfModel)
        assert hasattr(model, "history"), model
        history_fields = {f.name for f in model.history.model._meta.fields}
        assert {"history_user", "history_change_reason", "history_date", "history_type"} <= history_fields
    assert crf_models() >= {m for m in concrete if not m._meta.abstract}


def test_data_dictionary_lists_every_field_of_every_crf_model():
    out = io.StringIO()
    call_command("export_data_dictionary", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    names = {r["Variable / Field Name"] for r in rows}
    for model in crf_models():
        for field in data_fields(model):
            assert f"{model._meta.model_name}.{field.name}" in names


def test_data_dictionary_gives_ranges_units_and_choices():
    out = io.StringIO()
    call_command("export_data_dictionary", stdout=out)
    rows = {r["Variable / Field Name"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    lvef = rows["organfunction.lvef"]
    assert (lvef["Text Validation Min"], lvef["Text Validation Max"], lvef["Unit"]) == ("5", "90", "%")
    assert "yes, Yes | no, No | unknown, Unknown / not assessed" == rows["organfunction.ecg_abnormality"]["Choices, Calculations, OR Slider Labels"]
    assert rows["slesection.sledai_seizure"]["Indication"].startswith("Systemic lupus")
