"""The engine's texts as messages (screening/eligibility/messages.py) and their display in
another language (screening/checklist/translation.py, locale/zh_Hans/engine.po)."""

import ast
import copy
import json
import pickle
import re
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from django.utils import translation

from screening.checklist.translation import translate_field, translate_message, translate_value
from screening.eligibility.criteria import CRITERIA
from screening.eligibility.engine import evaluate
from screening.eligibility.messages import Message, _, join, styled
from screening.eligibility.results import CriterionResult, Evidence, Status
from screening.templatetags.criteria import criterion_row
from screening.templatetags.engine_text import engine_text

from ..catalogue import ENGINE_PO, engine_catalogue, read_po
from .builders import build, course, lab, malignancy, months
from .corpus import CORPUS, cases
from .corpus import english as _english
from .corpus import result_hash as _hash

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "screening" / "eligibility"
CALCULATORS = ROOT / "screening" / "calculators"

# Converted fully: every engine module's criterion titles, reasons, evidence labels, worded values and notes.
CONVERTED = ["messages.py", "protocol.py", "context.py", "results.py", "engine.py", "snapshot.py",
             *(f"criteria/{n}.py" for n in ("aav", "common", "courses", "events", "exclusions", "general", "iim",
                                            "infections", "labs", "scoring", "sle", "ssc", "table", "verdicts",
                                            "__init__"))]
NOT_YET: dict = {}
# Where a rule passes text: (function, index of each text argument) and text keywords.
TEXT_ARGS = {"passed": [0], "failed": [0], "not_applicable": [0], "incomplete": [0], "awaiting": [0],
             "MissingData": [0], "BadData": [0], "answer_evidence": [0], "Evidence": [0, 1, 4], "Verdict": [1],
             "no_to": [3], "yes_to": [3], "positive": [3], "judged": [2], "dated_in_screening": [4],
             "screening_dated": [4], "recent_event": [5], "at_least_n": [2], "criterion": [1]}
TEXT_KEYWORDS = {"note", "pass_reason", "fail_reason"}


# --- Message --------------------------------------------------------------------------------


def test_a_message_is_its_english_text_as_the_f_string_gave_it():
    years, scr = 41, "2026-11-02"
    message = _("Age {years} on {scr} is within {low}–{high}.", years=years, scr=scr, low=18, high=65)
    assert message == f"Age {years} on {scr} is within 18–65." and str(message) == message
    assert isinstance(message, str) and json.dumps(message) == json.dumps(str(message))
    assert message.to_dict() == {"id": "Age {years} on {scr} is within {low}–{high}.",
                                 "params": {"years": 41, "scr": "2026-11-02", "low": 18, "high": 65}}


def test_parameters_that_are_not_json_are_worded_as_an_f_string_words_them():
    message = _("{ratio} and {day} and {half}", ratio=Fraction(3, 2), day=date(2026, 1, 5), half=0.5)
    assert message == f"{Fraction(3, 2)} and {date(2026, 1, 5)} and {0.5}"
    assert message.to_dict()["params"] == {"ratio": "3/2", "day": "2026-01-05", "half": 0.5}


def test_a_message_without_parameters_is_not_formatted():
    assert _("braces {kept}") == "braces {kept}"


def test_a_message_is_immutable_and_survives_pickle_and_copy():
    message = _("{label}: yes.", label=_("Stroke"))
    with pytest.raises(AttributeError):
        message.template = "other"
    for clone in (pickle.loads(pickle.dumps(message)), copy.deepcopy(message)):
        assert clone == message and clone.to_dict() == message.to_dict()


def test_join_keeps_the_parts_and_reads_as_the_joined_english():
    parts = [_("{what} is not recorded.", what=_("Sex")), "plain text."]
    joined = join(parts)
    assert joined == "Sex is not recorded. plain text."
    assert joined.to_dict() == {"join": " ", "parts": [parts[0].to_dict(), "plain text."]}
    assert join([_("a"), _("b")], sep=_(" and ")).to_dict()["join"] == {"id": " and ", "params": {}}


def test_styles_change_only_the_first_letter():
    label = _("Acute myocardial infarction")
    assert styled(label, "lower_first") == "acute myocardial infarction"
    assert styled(label, "lower_first").to_dict()["style"] == "lower_first"
    assert styled("other immunosuppressant", "upper_first") == "Other immunosuppressant"
    with pytest.raises(ValueError):
        Message("x", style="shout")


def test_results_keep_english_fields_and_add_the_messages_beside_them():
    row = evaluate(build("SLE", record={"date_of_birth": date(2010, 1, 1)})).by_id("INC-01")
    data = row.to_dict()
    assert data["reason"] == "Age 16 on 2026-11-02 is outside 18–65." and type(data["reason"]) is str
    assert data["i18n"]["reason"] == {"id": "Age {years} on {scr} is outside {age_min}–{age_max}.",
                                      "params": {"years": 16, "scr": "2026-11-02", "age_min": 18, "age_max": 65}}
    assert data["i18n"]["text"]["id"] == "Age {age_min}–{age_max}"
    assert data["evidence"][0]["i18n"]["label"] == {"id": "Age on SCR", "params": {}}
    plain = Evidence("Dose", 20.5, "mg").to_dict()
    assert "i18n" not in plain  # plain strings: nothing added, the stored form is as before


# --- English unchanged ---------------------------------------------------------------------


def test_english_texts_statuses_and_digests_are_those_of_main_on_the_whole_corpus():
    """english_corpus.json was written by main's engine (before messages) on tests/eligibility/corpus.py:
    the base case of each indication in full, every other case as the hashes of the results that differ
    from its base, with the snapshot digest a signature is bound to."""
    golden = json.loads(CORPUS.read_text(encoding="utf-8"))
    seen = 0
    for name, snapshot in cases():
        expected = golden["cases"][name]
        evaluation = evaluate(snapshot)
        assert snapshot.digest() == expected["digest"], name
        assert evaluation.overall == expected["overall"], name
        indication = name.split(" ")[0]
        if name == indication:
            assert [_english(r) for r in evaluation.results] == golden["base"][indication]
        else:
            base = {r["id"]: r for r in golden["base"][indication]}
            for result in evaluation.results:
                english = _english(result)
                if result.id in expected["changed"]:
                    assert _hash(english) == expected["changed"][result.id], (name, result.id)
                else:
                    assert english == base[result.id], (name, result.id)
        seen += 1
    assert seen == len(golden["cases"]) > 1000


def test_the_corpus_reaches_every_status_and_many_reasons():
    golden = json.loads(CORPUS.read_text(encoding="utf-8"))
    statuses = {r["status"] for base in golden["base"].values() for r in base}
    assert statuses == {"PASS", "NOT_APPLICABLE"}  # the bases are eligible ...
    changed = {cid for case in golden["cases"].values() for cid in case["changed"]}
    assert changed == {c.id for c in CRITERIA}  # ... and every criterion changes in some case
    overall = {case["overall"] for case in golden["cases"].values()}
    assert overall == {"ELIGIBLE", "NOT_ELIGIBLE", "INCOMPLETE"}


# --- No text left unmarked -------------------------------------------------------------------


def _tree(relative):
    path = ENGINE / relative
    return path, ast.parse(path.read_text(encoding="utf-8"))


def _name(call):
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _is_words(text):
    return bool(re.search(r"[A-Za-z]{2,}", text))


def _inside_marked(tree):
    """ids of the nodes inside a _() call (its template and its parameters)."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node) in ("_", "Message"):
            inside.update(id(n) for n in ast.walk(node))
    return inside


def _skipped_lines(tree, names):
    return {line for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name in names
            for line in range(node.lineno, node.end_lineno + 1)}


def _text_arguments(tree):
    """(function, argument) of every text argument; the evidence value is `Evidence()*`: it may be a
    language-neutral f-string ("≥ 92", "18–65")."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node)
        for index in TEXT_ARGS.get(name, ()):
            if index < len(node.args):
                yield (name + "*" if (name, index) == ("Evidence", 1) else name), node.args[index]
        if name in TEXT_ARGS:
            for keyword in node.keywords:
                if keyword.arg in TEXT_KEYWORDS:
                    yield name, keyword.value


def _worded_fstring(node):
    text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    return " " in text and _is_words(text)


def _unmarked(argument, neutral_ok=False):
    """Why a text argument is not translatable, or None: an f-string (its parameters lose their messages),
    a concatenation, or words as a bare constant."""
    if isinstance(argument, ast.JoinedStr) and (not neutral_ok or _worded_fstring(argument)):
        return "f-string"
    if isinstance(argument, ast.BinOp) and any(isinstance(n, (ast.Constant, ast.JoinedStr)) for n in ast.walk(argument)):
        return "concatenation"
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str) and _is_words(argument.value):
        return "bare constant"
    return None


def _program_errors(tree):
    """ids of the nodes in `raise SomeError(...)` other than MissingData/BadData: a programmer's message, not a text."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and _name(node.exc) not in ("MissingData", "BadData"):
            inside.update(id(n) for n in ast.walk(node))
    return inside


@pytest.mark.parametrize("relative", CONVERTED)
def test_converted_modules_pass_every_text_through_a_message(relative):
    path, tree = _tree(relative)
    skipped = _skipped_lines(tree, NOT_YET.get(relative, ()))
    exempt = _inside_marked(tree) | _program_errors(tree)
    problems = [f"{path.name}:{arg.lineno} {name}(): {why}" for name, arg in _text_arguments(tree)
                if arg.lineno not in skipped and (why := _unmarked(arg, neutral_ok=name.endswith("*")))]
    # And no worded f-string anywhere else outside a _() call (xgettext cannot extract them).
    problems += [f"{path.name}:{node.lineno}: f-string" for node in ast.walk(tree)
                 if isinstance(node, ast.JoinedStr) and id(node) not in exempt and node.lineno not in skipped
                 and _worded_fstring(node)]
    assert problems == []


def test_every_criterion_title_and_protocol_note_is_a_message():
    for criterion in CRITERIA:
        assert isinstance(criterion.text, Message), criterion.id
        assert criterion.note == "" or isinstance(criterion.note, Message), criterion.id


def test_the_engine_still_imports_no_django():
    for path in ENGINE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(n.split(".")[0] == "django" for n in names), path


def test_the_checker_catches_what_it_should():
    tree = ast.parse('failed(f"{x} high", ev)\npassed("Words here." + y)\nincomplete("No data.", "a.b")\n'
                     'passed(_("fine {x}", x=1))\nEvidence(_("Label"), "not recorded")\n'
                     'Evidence(_("Allowed"), f"{low}–{high}")\nfailed(f"{label} {value} < {limit}.")')
    found = [(name, _unmarked(arg, neutral_ok=name.endswith("*"))) for name, arg in _text_arguments(tree)]
    assert found == [("failed", "f-string"), ("passed", "concatenation"), ("incomplete", "bare constant"),
                     ("passed", None), ("Evidence", None), ("Evidence*", "bare constant"),
                     ("Evidence", None), ("Evidence*", None), ("failed", "f-string")]


# --- The catalogue ---------------------------------------------------------------------------


def engine_msgids():
    """Every template given to _() in the engine and every calculator label marked gettext_noop(), as
    xgettext extracts them."""
    found = set()
    for path in [*ENGINE.rglob("*.py"), *CALCULATORS.glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args
                    and node.func.id in ("_", "gettext_noop")
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


PLACEHOLDER = re.compile(r"\{([a-z_0-9]*)\}")


def test_every_engine_msgid_is_in_engine_po_and_translated_with_the_same_placeholders():
    catalogue = read_po(ENGINE_PO)
    msgids = engine_msgids()
    assert len(msgids) > 450
    assert sorted(msgids - catalogue.keys()) == []
    for msgid in msgids:
        assert catalogue[msgid].strip(), msgid
        english_words = re.findall(r"\b[a-z]{3,}\b", PLACEHOLDER.sub("", msgid))
        assert re.search(r"[\u4e00-\u9fff]", catalogue[msgid]) or not english_words, msgid
        assert sorted(PLACEHOLDER.findall(catalogue[msgid])) == sorted(PLACEHOLDER.findall(msgid)), msgid


@pytest.fixture
def chinese(tmp_path):
    """zh-hans active, with engine.po compiled into a LOCALE_PATHS catalogue (plus one broken entry)."""
    with engine_catalogue(tmp_path, {"Probe {x}": "探针 {y}"}), translation.override("zh-hans"):
        yield


def test_translate_message_renders_chinese_with_translated_parameters(chinese):
    failed_age = evaluate(build("SLE", record={"date_of_birth": date(2010, 1, 1)})).by_id("INC-01")
    assert translate_message(failed_age.reason) == "2026-11-02 时年龄 16 岁，不在 18–65 岁范围内。"
    assert translate_message(failed_age.text) == "年龄 18–65 岁"
    effusion = evaluate(build("SLE", organ={"pleural_effusion": True})).by_id("INC-07b")
    assert translate_message(effusion.reason) == "有临床意义的胸腔积液：是。"  # the label is a message too
    consent = evaluate(build("SLE", record={"consent_date": None, "consent_version": None})).by_id("INC-11")
    assert translate_message(consent.reason) == "知情同意：知情同意日期和知情同意书版本未记录。"


def test_joined_reasons_translate_part_by_part(chinese):
    row = evaluate(build("SLE", drop_sections=("judgement",), labs={"pt": None, "inr": None})).by_id("INC-04e")
    assert row.status == Status.INCOMPLETE
    assert translate_message(row.reason).endswith("需要 PT 或 INR 以及 APTT 作为依据。")
    assert translate_message(row.reason) != str(row.reason)


def test_stored_results_translate_and_old_ones_fall_back_to_english(chinese):
    result = evaluate(build("SLE", organ={"lvef": 30.0})).by_id("INC-08a")
    stored = json.loads(json.dumps(result.to_dict()))  # as EligibilityStatusChange.results keeps it
    assert translate_field(stored, "reason") == "LVEF 30 %（2026-11-02），低于 40 %。"
    assert translate_field(stored["evidence"][0], "label") == "LVEF"
    old = {k: v for k, v in stored.items() if k != "i18n"}  # stored before the engine kept messages
    assert translate_field(old, "reason") == "LVEF 30 % on 2026-11-02 is below 40 %."


def test_a_catalogue_entry_that_does_not_fit_shows_the_english(chinese):
    assert translate_message(_("Probe {x}", x=1)) == "Probe 1"
    assert translate_message({"id": "Probe {x}", "params": {"x": 2}}) == "Probe 2"
    assert translate_message({"unexpected": True}) == ""
    assert translate_message(_("A text no catalogue has")) == "A text no catalogue has"


def test_english_pages_read_the_english_text():
    with translation.override("en"):
        row = evaluate(build("SLE", organ={"spo2_room_air": 90.0})).by_id("INC-07a")
        assert translate_message(row.reason) == str(row.reason) == "SpO₂ 90 % on room air is below 92 %."


def test_evidence_values_translate_when_worded_and_keep_numbers(chinese):
    assert translate_value(_("not answered")) == "未回答"
    assert translate_value(118.0) == "118" and translate_value(date(2026, 1, 2)) == "2026-01-02"


def test_the_checklist_row_and_the_template_filter_show_chinese(chinese):
    result = evaluate(build("SLE", organ={"pleural_effusion": None})).by_id("INC-07b")
    html = criterion_row(result, [])
    assert "无有临床意义的胸腔积液" in html and "有临床意义的胸腔积液：未回答。" in html
    assert "有临床意义的胸腔积液: 未回答" in html  # the evidence line: label and value
    assert engine_text(result.text) == "无有临床意义的胸腔积液"
    plain = CriterionResult("X-1", "general", "Plain title", Status.PASS, "Plain reason")
    assert "Plain title" in criterion_row(plain, []) and "Plain reason" in criterion_row(plain, [])


def test_calculator_item_labels_are_translated_inside_the_evidence(chinese):
    row = evaluate(build("SLE", sle={"sledai_seizure": None, "sledai_fever": None})).by_id("INC-SLE-03")
    unanswered = next(e for e in row.evidence if e.label == "Unanswered items")
    assert unanswered.value == "Seizure, Fever (> 38 °C)"  # the English, as before
    assert translate_value(unanswered.value) == "癫痫发作, 发热（> 38 °C）"
    assert translate_message(unanswered.label) == "未回答的条目"


def _chinese_row(criterion_id, snapshot):
    row = evaluate(snapshot).by_id(criterion_id)
    evidence = {translate_message(e.label): (translate_value(e.value), translate_message(e.note)) for e in row.evidence}
    return row, translate_message(row.reason), evidence


def test_lab_texts_translate_with_the_analyte_label_the_conversion_and_the_limit(chinese):
    # Haemoglobin printed in g/dL: 7.0 g/dL × 10 = 70 g/L, below 80 g/L.
    row, reason, evidence = _chinese_row("INC-04a", build("SLE", labs={"hb": None},
                                                          extra_labs=[lab("hb", 7.0, "g/dL", day=date(2026, 11, 2))]))
    assert str(row.reason) == "Haemoglobin 70 g/L on 2026-11-02 is below 80 g/L."
    assert reason == "血红蛋白 70 g/L（2026-11-02），低于 80 g/L。"
    assert evidence["血红蛋白"] == ("70", "报告值为 7 g/dL（× 10）")
    row, reason, evidence = _chinese_row("INC-06a", build("SLE", labs={"alt": {"value": 200, "uln": 40}}))
    assert reason == "ALT 200 U/L（2026-11-02），为 5 × 正常值上限，高于 2.5 × 正常值上限。"
    assert evidence["阈值"] == ("≤ 2.5 × 正常值上限", "") and evidence["ALT"] == ("200", "正常值上限 40 U/L")
    missing = evaluate(build("SLE", labs={"plt": None})).by_id("INC-04c")
    assert translate_message(missing.reason) == "无筛选期血小板计数结果。"


def test_infection_texts_translate_result_words_and_labels(chinese):
    row, reason, evidence = _chinese_row("EXC-12", build("SLE", infection={"hbsag": "positive"}))
    assert str(row.reason) == "HBsAg positive." and reason == "HBsAg阳性。"
    assert evidence["抗-HBc"] == ("阴性", "") and evidence["HIV 抗体/抗原"] == ("阴性", "")
    row, reason, _evidence = _chinese_row("EXC-13", build("SLE", infection={"igra": "positive"}))
    assert str(row.reason) == "Interferon-γ release assay positive on 2026-11-02."
    assert reason == "γ-干扰素释放试验阳性（2026-11-02）。"
    # common.positive: the result code in the evidence is a message too; the ANA note keeps its cut-off part.
    row = evaluate(build("SLE")).by_id("INC-SLE-02")
    assert {str(e.value) for e in row.evidence} >= {"positive"}
    assert "阳性" in {translate_value(e.value) for e in row.evidence}
    entry = next(e for e in evaluate(build("SLE")).by_id("INC-SLE-01").evidence if e.label == "ANA entry criterion")
    assert str(entry.note).endswith("; lab cut-off 1:80") and "cells" not in translate_message(entry.note)


def test_exclusion_and_course_texts_translate(chinese):
    row, reason, evidence = _chinese_row("EXC-11", build("SLE", medications=[
        course("prednisone", 20, "mg", "once_daily", months(-3))]))
    assert str(row.reason) == "At most 20 mg/day prednisone-eq on each of the 7 days before LD."
    assert reason == "清淋前 7 天内每天最多 20 mg/天泼尼松当量。"
    assert evidence["糖皮质激素累积剂量"] == ("140", "2026-11-16 至 2026-11-22：2026-11-16 至 2026-11-22 共 7 剂")
    row, reason, _evidence = _chinese_row("EXC-05", build("SLE", history={"nyha_class": None}))
    assert reason == "NYHA 心功能分级未记录。"
    # A vocabulary label the engine quotes is a message too (translated where a catalogue has it).
    row, reason, evidence = _chinese_row("EXC-08", build("SLE", history={"malignancy": True}, malignancies=[
        malignancy("melanoma", "active", diagnosed=months(-30))]))
    assert str(row.reason) == "Melanoma: active, recurred or still needing treatment."
    assert reason == "黑色素瘤：活动性、复发或仍需治疗。"
    assert evidence["恶性肿瘤"] == ("黑色素瘤", "状态：活动性、复发或仍需治疗；末次治疗未记录")


def test_the_creatinine_clearance_translates(chinese):
    row, reason, evidence = _chinese_row("INC-05a", build("SLE", labs={"creatinine": {"value": 300}}))
    assert str(row.reason) == "Creatinine clearance (Cockcroft–Gault) 21.1 mL/min is below 50 mL/min."
    assert reason == "肌酐清除率（Cockcroft–Gault）21.1 mL/min，低于 50 mL/min。"
    assert evidence["清除率样本采集前静脉补液"] == ("否", "") and "采样日年龄" in evidence


def test_the_2019_sle_domains_in_the_total_note_translate(chinese):
    row, _reason, evidence = _chinese_row("INC-SLE-01", build("SLE"))
    english = next(e.note for e in row.evidence if e.label == "2019 EULAR/ACR total")
    assert english == "mucocutaneous 6, musculoskeletal 6, complement 4, sle_specific_antibodies 6"  # as before
    chinese = evidence[translate_message(_("2019 EULAR/ACR total"))][1]
    assert chinese == "皮肤黏膜 6 分, 肌肉骨骼 6 分, 补体 4 分, SLE 特异性抗体 6 分"


def test_no_english_reason_is_left_on_a_chinese_page_for_the_corpus_bases(chinese):
    """Every reason of the eligible base cases reads Chinese (words of English left only inside names)."""
    for indication in ("SLE", "AAV", "IIM", "DCSSC"):
        for row in evaluate(build(indication)).results:
            text = translate_message(row.reason)
            assert not text or re.search(r"[\u4e00-\u9fff]", text), (row.id, text)
