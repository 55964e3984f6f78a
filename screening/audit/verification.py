"""Recomputing the hash chain of the trail (PostgreSQL only): `verify_audit`, the
anchors (`anchor_audit`) and the page of the chain's heads read this.

Per stream (one protected table and its links) the database does the work and
returns only what is wrong, a few rows whatever the stream's length, so memory
stays constant however long the trail:

1. the links in order: each hash follows from the previous link's (else the chain
   was rewritten there), positions run 1, 2, 3 … (else links were deleted), and no
   link records a change or deletion where none is allowed;
2. the rows against their latest link: a row whose content no longer has the
   digest chained was altered; a link whose row is gone, deleted; a row with no
   link was inserted with the trigger disabled; a row whose own time lies before the
   transaction that wrote it (beyond AUDIT_CLOCK_TOLERANCE) was back-dated;
3. the anchors: each head written to the anchor file must still be in the chain
   with the same hash (a rebuilt chain does not match what was written last week).
"""

import dataclasses
import datetime
import json
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..models.chain import ChainLink, time_column
from .protection import protected_models

LEDGER = ChainLink._meta.db_table

ALTERED, DELETED, UNCHAINED, BACKDATED = "altered", "deleted", "unchained", "back-dated"
LINK_BROKEN, LINKS_MISSING, CHANGED, ANCHOR = "link broken", "links missing", "changed after writing", "anchor mismatch"


class ChainUnavailable(Exception):
    """The database keeps no chain (SQLite)."""


@dataclasses.dataclass
class Finding:
    kind: str
    count: int  # how many of this kind in the stream
    text: str  # the first one, in words
    seq: int | None = None
    row_key: str | None = None


@dataclasses.dataclass
class Stream:
    table: str
    label: str
    links: int = 0
    head_seq: int = 0
    head_hash: str = ""
    head_at: object = None
    findings: list = dataclasses.field(default_factory=list)

    @property
    def ok(self):
        return not self.findings


def require_chain(connection):
    if connection.vendor != "postgresql":
        raise ChainUnavailable(
            f"The hash chain of the audit trail is kept on PostgreSQL only; this database is {connection.vendor}: "
            "nothing to verify."
        )


def streams(using="default"):
    """{table: model} of every protected table that exists."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    return {m._meta.db_table: m for m in protected_models() if m._meta.db_table in existing}


def heads(using="default", tables=None):
    """{table: (seq, hash, written_at)} of the last link of each stream (one query)."""
    connection = connections[using]
    require_chain(connection)
    tables = sorted(streams(using) if tables is None else tables)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.stream, l.seq, l.hash, l.written_at FROM unnest(%s::text[]) AS s(stream) "
            f"CROSS JOIN LATERAL (SELECT seq, hash, written_at FROM {LEDGER} WHERE stream = s.stream "
            "ORDER BY seq DESC LIMIT 1) l",
            [tables],
        )
        return {stream: (seq, hash_, at) for stream, seq, hash_, at in cursor.fetchall()}


def anchored_links(anchor, using="default"):
    """{table: hash now at the anchored position (None: gone)} for one anchor (one query)."""
    tables = sorted(anchor["heads"])
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT a.stream, l.hash FROM unnest(%s::text[], %s::bigint[]) AS a(stream, seq) "
            f"LEFT JOIN {LEDGER} l ON l.stream = a.stream AND l.seq = a.seq",
            [tables, [anchor["heads"][t]["seq"] for t in tables]],
        )
        return dict(cursor.fetchall())


def label(model):
    meta = model._meta
    return str(meta.verbose_name_plural if meta.app_label == "screening" else f"{meta.app_label}: {meta.verbose_name}")


def _key_order(key):
    return (len(key or ""), key or "")


def verify(using="default", anchors=None, tolerance=None):
    """[Stream] of every protected table (and every stream an anchor names), each with
    its findings; `anchors` is a list of anchor records (read_anchors)."""
    connection = connections[using]
    require_chain(connection)
    tolerance = settings.AUDIT_CLOCK_TOLERANCE if tolerance is None else tolerance
    models = streams(using)
    anchored = {}
    for anchor in anchors or ():
        for table, head in anchor["heads"].items():
            anchored.setdefault(table, []).append((head["seq"], head["hash"], anchor["anchored_at"]))
    report = []
    # One snapshot for every stream; times as the trigger reads them (trialsite_row_digest).
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SET LOCAL TimeZone = 'UTC'")
        cursor.execute("SET LOCAL extra_float_digits = 1")
        for table in sorted(set(models) | set(anchored)):
            model = models.get(table)
            stream = Stream(table, label(model) if model else table)
            _check_links(cursor, stream, model)
            if model is not None:
                _check_rows(cursor, connection, stream, model, tolerance)
            else:
                stream.findings.append(Finding(ANCHOR, 1, "the table of this anchored stream is gone"))
            _check_anchors(cursor, stream, anchored.get(table, ()))
            report.append(stream)
    return report


def _check_links(cursor, stream, model):
    updatable = bool(model is not None and getattr(model, "invalidation_fields", ()))
    cursor.execute(
        f"""
        SELECT count(*), max(seq),
               count(*) FILTER (WHERE bad AND NOT gap), min(seq) FILTER (WHERE bad AND NOT gap),
               count(*) FILTER (WHERE gap), min(seq) FILTER (WHERE gap),
               (array_agg(prev_seq ORDER BY seq) FILTER (WHERE gap))[1],
               count(*) FILTER (WHERE changed), min(seq) FILTER (WHERE changed),
               (array_agg(op || ' ' || row_key ORDER BY seq) FILTER (WHERE changed))[1]
        FROM (
            SELECT seq, op, row_key, lag(seq) OVER w AS prev_seq,
                   seq <> coalesce(lag(seq) OVER w, 0) + 1 AS gap,
                   hash IS DISTINCT FROM trialsite_link_hash(lag(hash) OVER w, stream, seq, op, row_key, digest,
                                                             written_at) AS bad,
                   op = 'D' OR (op = 'U' AND NOT %s) AS changed
            FROM {LEDGER} WHERE stream = %s WINDOW w AS (ORDER BY seq)
        ) links
        """,
        [updatable, stream.table],
    )
    (links, last, bad, first_bad, gaps, first_gap, before_gap, changed, first_changed, what) = cursor.fetchone()
    stream.links = links
    if last:
        cursor.execute(f"SELECT seq, hash, written_at FROM {LEDGER} WHERE stream = %s AND seq = %s", [stream.table, last])
        stream.head_seq, stream.head_hash, stream.head_at = cursor.fetchone()
    if gaps:
        start, end = (before_gap or 0) + 1, first_gap - 1
        where = f"#{start}" if start == end else f"#{start}–#{end}"
        stream.findings.append(Finding(
            LINKS_MISSING, gaps, f"link {where} missing: deleted from the chain (before link #{first_gap})", first_gap
        ))
    if bad:
        stream.findings.append(Finding(
            LINK_BROKEN, bad, f"link #{first_bad} does not follow from the link before it: the chain was rewritten there",
            first_bad,
        ))
    if updatable:
        cursor.execute(
            f"SELECT count(*), min(seq) FROM (SELECT seq, row_number() OVER (PARTITION BY row_key ORDER BY seq) AS nth "
            f"FROM {LEDGER} WHERE stream = %s AND op = 'U') u WHERE nth > 1",
            [stream.table],
        )
        again, first_again = cursor.fetchone()
        if again and (not changed or first_again < first_changed):
            op, key = "U", None
            cursor.execute(f"SELECT row_key FROM {LEDGER} WHERE stream = %s AND seq = %s", [stream.table, first_again])
            key = cursor.fetchone()[0]
            changed, first_changed, what = (changed or 0) + again, first_again, f"{op} {key}"
    if changed:
        op, key = what.split(" ", 1)
        verb = "deleted" if op == "D" else "changed"
        stream.findings.append(Finding(
            CHANGED, changed, f"row {key} was {verb} after it was written (link #{first_changed})", first_changed, key
        ))


def _check_rows(cursor, connection, stream, model, tolerance):
    quote = connection.ops.quote_name
    key = quote(model._meta.pk.column)
    column = time_column(model)
    moment = f"x.{quote(column)}" if column else "NULL::timestamptz"
    cursor.execute(
        f"""
        WITH l AS (
            SELECT DISTINCT ON (row_key) row_key, seq, op, digest, first_written FROM (
                SELECT row_key, seq, op, digest, min(written_at) OVER (PARTITION BY row_key) AS first_written
                FROM {LEDGER} WHERE stream = %s
            ) s ORDER BY row_key, seq DESC
        ), t AS (
            SELECT x.{key}::text AS k, trialsite_row_digest_in_session_zone(x) AS d, {moment} AS moment FROM {quote(stream.table)} x
        )
        SELECT kind, count(*), min(seq),
               (array_agg(k ORDER BY seq NULLS LAST, length(k), k))[1],
               (array_agg(moment ORDER BY seq NULLS LAST, length(k), k))[1],
               (array_agg(first_written ORDER BY seq NULLS LAST, length(k), k))[1]
        FROM (
            SELECT CASE WHEN t.k IS NULL THEN %s WHEN l.row_key IS NULL THEN %s
                        WHEN l.op = 'D' OR l.digest <> t.d THEN %s ELSE %s END AS kind,
                   l.seq, coalesce(t.k, l.row_key) AS k, t.moment, l.first_written
            FROM l FULL JOIN t ON t.k = l.row_key
            WHERE (t.k IS NULL AND l.op <> 'D') OR l.row_key IS NULL
               OR (t.k IS NOT NULL AND (l.op = 'D' OR l.digest <> t.d
                                        OR t.moment < l.first_written - make_interval(secs => %s)))
        ) problems GROUP BY kind
        """,
        [stream.table, DELETED, UNCHAINED, ALTERED, BACKDATED, tolerance],
    )
    name = model._meta.pk.column
    words = {
        ALTERED: "row {name}={key} differs from what was chained (link #{seq})",
        DELETED: "row {name}={key} is gone (link #{seq}): deleted without a trace in the chain",
        UNCHAINED: "row {name}={key} has no link: written with the chain's trigger disabled",
        BACKDATED: "row {name}={key} is dated {moment} but was written at {written} (link #{seq}): back-dated",
    }
    found = {}
    for kind, count, seq, key_, moment_, written in cursor.fetchall():
        text = words[kind].format(name=name, key=key_, seq=seq, moment=_when(moment_), written=_when(written))
        found[kind] = Finding(kind, count, text, seq, key_)
    stream.findings += [found[k] for k in (ALTERED, DELETED, UNCHAINED, BACKDATED) if k in found]


def _when(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "—"


def _check_anchors(cursor, stream, anchored):
    if not anchored:
        return
    cursor.execute(
        f"SELECT seq, hash FROM {LEDGER} WHERE stream = %s AND seq = ANY(%s)",
        [stream.table, sorted({seq for seq, _, _ in anchored})],
    )
    now = dict(cursor.fetchall())
    wrong = [(seq, hash_, at) for seq, hash_, at in anchored if now.get(seq) != hash_]
    if wrong:
        seq, hash_, at = wrong[0]
        became = f"is now {now[seq][:12]}…" if seq in now else "is missing"
        stream.findings.append(Finding(
            ANCHOR, len(wrong), f"the head anchored at {at} as link #{seq} {hash_[:12]}… {became}: "
            "the chain was rebuilt or cut since", seq,
        ))


# ---------------------------------------------------------------- anchors


def anchor_record(using="default"):
    """The head of every stream, as one anchor: {"anchored_at", "database", "heads"}."""
    connection = connections[using]
    return {
        "anchored_at": timezone.now().astimezone(datetime.timezone.utc).isoformat(timespec="seconds"),
        "database": connection.settings_dict["NAME"],
        "heads": {table: {"seq": seq, "hash": hash_} for table, (seq, hash_, _) in heads(using).items()},
    }


def anchor_path():
    return Path(settings.AUDIT_ANCHOR_FILE)


def write_anchor(record, path=None):
    path = Path(path or anchor_path())
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, sort_keys=True) + "\n")
    return path


def read_anchors(path=None, database=None):
    """The anchors of the file (of `database` only, when given); a missing file has none.
    Lines that are not anchors are refused, not skipped: the file is evidence."""
    path = Path(path or anchor_path())
    if not path.exists():
        return []
    anchors = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            heads_ = {str(t): {"seq": int(h["seq"]), "hash": str(h["hash"])} for t, h in record["heads"].items()}
            anchored_at = str(record["anchored_at"])
            if parse_datetime(anchored_at) is None:
                raise ValueError(anchored_at)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"{path}, line {number}: not an anchor ({error})") from None
        if database is None or record.get("database") == database:
            anchors.append({"anchored_at": anchored_at, "database": record.get("database"), "heads": heads_})
    return anchors
