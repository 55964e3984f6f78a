"""locale/zh_Hans/engine.po as a catalogue Django reads, for the tests of the engine's texts in Chinese.

engine.po is merged into django.po only after the branches meet, so a test compiles it itself
(no msgfmt needed) into a temporary LOCALE_PATHS directory.
"""

import json
import struct
from contextlib import contextmanager
from pathlib import Path

from django.test import override_settings
from django.utils import translation

ENGINE_PO = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "engine.po"


def _unquote(text):
    return json.loads(text)  # the .po escapes used here (\" \\ \n) are JSON's


def read_po(path):
    """{msgid: msgstr} of a .po file (header left out)."""
    entries, current, field = {}, {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("msgid "):
            if "msgid" in current:
                entries[current["msgid"]] = current.get("msgstr", "")
            current, field = {"msgid": _unquote(line[6:])}, "msgid"
        elif line.startswith("msgstr "):
            current["msgstr"], field = _unquote(line[7:]), "msgstr"
        elif line.startswith('"') and field:
            current[field] += _unquote(line)
    if "msgid" in current:
        entries[current["msgid"]] = current.get("msgstr", "")
    entries.pop("", None)
    return entries


def write_mo(entries, path):
    """A GNU .mo file of {msgid: msgstr} (the format msgfmt writes), with a UTF-8 header."""
    entries = {"": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=1; plural=0;\n", **entries}
    ids = sorted(entries)
    keys = [k.encode() for k in ids]
    values = [entries[k].encode() for k in ids]
    start = 7 * 4 + 16 * len(ids)
    key_offsets, offset = [], start
    for k in keys:
        key_offsets.append((len(k), offset))
        offset += len(k) + 1
    value_offsets = []
    for v in values:
        value_offsets.append((len(v), offset))
        offset += len(v) + 1
    header = struct.pack("<7I", 0x950412DE, 0, len(ids), 7 * 4, 7 * 4 + 8 * len(ids), 0, 0)
    tables = b"".join(struct.pack("<2I", *o) for o in key_offsets + value_offsets)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + tables + b"".join(k + b"\0" for k in keys) + b"".join(v + b"\0" for v in values))


@contextmanager
def engine_catalogue(directory, extra=None):
    """LOCALE_PATHS = [directory], holding engine.po (and `extra` entries) compiled as zh_Hans."""
    write_mo(read_po(ENGINE_PO) | (extra or {}), Path(directory) / "zh_Hans" / "LC_MESSAGES" / "django.mo")
    try:
        with override_settings(LOCALE_PATHS=[str(directory)]):
            yield
    finally:
        translation.trans_real._translations = {}
