"""Which snapshot fields each criterion reads: the engine run over a recording snapshot.

`reads_of(snapshot)` evaluates every criterion of the checklist once over a wrapper of the
snapshot that logs each key a rule looks up, and gives {criterion id: {path}}. A path is
"section.field" for a one-per-record section ("infection.igra_date"), "record.field" for the
record, "rows_key.field" for a field of a repeating row ("labs.uln", "medications.frequency").
The context's dates (`ctx.scr`, `ctx.in_screening_window`, ...) count as reads of the record
fields they come from. Only what a rule actually looks up on this snapshot is logged: run it
over snapshots that take every branch (crf/data_dictionary.py does) to learn every field a
rule can read.
"""

from collections.abc import Mapping

from .context import Context, build_context
from .criteria import CRITERIA
from .snapshot import ROW_KEYS

# Context attribute -> the record fields it is computed from (context.build_context).
CONTEXT_READS = {
    "indication": ("indication",),
    "scr": ("screening_date",),
    "consent": ("consent_date",),
    "ld": ("actual_ld_date", "planned_ld_date", "screening_date"),
    "ld_source": ("actual_ld_date", "planned_ld_date", "screening_date"),
    "ld_provisional": ("actual_ld_date", "planned_ld_date", "screening_date"),
    "ld_note": ("actual_ld_date", "planned_ld_date", "screening_date"),
    "window_end": ("screening_date",),
    "in_screening_window": ("consent_date", "screening_date"),
}


class _Log:
    """The set the reads go to, (prefix, key) pairs: one set per criterion, the wrappers built once
    per snapshot."""

    def __init__(self):
        self.paths = set()


class _Reads(Mapping):
    """A read-only mapping logging "prefix.key" for every key looked up (get, [], in)."""

    def __init__(self, data, prefix, log):
        self._data, self._prefix, self._log = (data if isinstance(data, Mapping) else {}), prefix, log

    def __getitem__(self, key):
        self._log.paths.add((self._prefix, key))
        return self._data[key]

    def get(self, key, default=None):
        self._log.paths.add((self._prefix, key))
        return self._data.get(key, default)

    def __contains__(self, key):
        self._log.paths.add((self._prefix, key))
        return key in self._data

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __bool__(self):
        return bool(self._data)


class _RecordingSnapshot:
    """What a rule sees of a Snapshot, every look-up logged into `log`."""

    def __init__(self, snapshot, log):
        self._snapshot, self._log, self._sections = snapshot, log, {}
        self.record = _Reads(snapshot.record, "record", log)
        for key in ROW_KEYS:
            setattr(self, key, tuple(_Reads(row, key, log) for row in getattr(snapshot, key)))

    def section(self, key):
        found = self._sections.get(key)
        if found is None:
            found = self._sections[key] = _Reads(self._snapshot.section(key), key, self._log)
        return found

    def __getattr__(self, name):  # anything else the Snapshot offers (answered_at, ...)
        return getattr(self._snapshot, name)


class _RecordingContext:
    def __init__(self, ctx, log):
        self._ctx, self._log = ctx, log

    def __getattr__(self, name):
        for field in CONTEXT_READS.get(name, ()):
            self._log.paths.add(("record", field))
        return getattr(self._ctx, name)


def trace(snapshot, criteria=CRITERIA):
    """{criterion id: (paths it read, paths its result names as missing)} evaluating `snapshot`.
    Missing paths may name a row table or an analyte ("medications", "labs.hb"), not a field."""
    log = _Log()
    recording, ctx = _RecordingSnapshot(snapshot, log), _RecordingContext(build_context(snapshot), log)
    found = {}
    for criterion in criteria:
        log.paths = set()
        result = criterion(recording, ctx)
        found[criterion.id] = (frozenset(f"{head}.{name}" for head, name in log.paths), frozenset(result.missing))
    return found


def reads_of(snapshot, criteria=CRITERIA):
    """{criterion id: set of paths it read} evaluating `snapshot`."""
    return {cid: reads for cid, (reads, _missing) in trace(snapshot, criteria).items()}


__all__ = ["trace", "reads_of", "CONTEXT_READS", "Context"]
