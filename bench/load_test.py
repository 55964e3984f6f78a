"""Load test: gunicorn (2 workers, DEBUG=False) on PostgreSQL with 50 sites and
10,000 records, driven page by page by a few client threads; throughput and
latency of each page as a ratio to a minimal logged-in page measured in the
same run. Run it with `bench/load` (see docs/performance.md):

    bench/load [--rebuild] [--duration 15] [--threads 4] [--pages eligibility,json,scores] [--servers 2]

With `--servers 2`, two gunicorn instances on two ports share the database and
every user's requests go to each in turn (a load balancer without sticky sessions).

The database `trialsite_bench_load` is built once and reused while its row
counts are right (`--rebuild` forces a new one). Every request goes to
127.0.0.1; every loop is bounded in time; the server is stopped at the end.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from decimal import Decimal
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

DB = "trialsite_bench_load"
VERSION = 3  # of the generated data: bump when the generator changes
PASSWORD = "bench-load-password-2026"
ROLES = ("coordinator", "investigator", "monitor", "site_admin")

# Targets (checked at the end).
MIN_ELIGIBILITY_THROUGHPUT = 0.5  # × the baseline page's requests/s
MAX_P95 = 4.0  # × the baseline page's p95
MAX_SECTION_P95 = 3.0  # the CRF section page (issue 13): × the baseline page's p95
MAX_SCORES_P95 = 1.5  # live scores (asked for as the coordinator types): × the baseline page's p95
MAX_CHAIN_COST = 1.10  # a section save with the audit trail's hash chain: × its CPU without (issue 16)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rebuild", action="store_true", help="drop and rebuild the database")
    p.add_argument("--sites", type=int, default=50)
    p.add_argument("--records", type=int, default=10_000)
    p.add_argument("--large", type=int, default=5, help="records with a long history (one per logged-in site)")
    p.add_argument("--large-history", type=int, default=2_100, help="saves per large record (default 2,100)")
    p.add_argument("--login-sites", type=int, default=5, help="sites whose 4 users log in (default 5)")
    p.add_argument("--duration", type=float, default=15.0, help="seconds measured per page (default 15)")
    p.add_argument("--warmup", type=float, default=3.0, help="seconds of unmeasured requests per page first")
    p.add_argument("--threads", type=int, default=4, help="concurrent client threads (default 4)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers per server (default 2)")
    p.add_argument("--servers", type=int, default=1,
                   help="gunicorn instances on as many ports, one database; requests spread over them (default 1)")
    p.add_argument("--pages", default="", help="comma-separated subset of pages (the baseline always runs)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--wsgi", default="trialsite.wsgi", help="WSGI application for gunicorn (default trialsite.wsgi)")
    p.add_argument("--form-renderer", default="",
                   help="FORM_RENDERER of the server, e.g. django.forms.renderers.DjangoTemplates or "
                        "django.forms.renderers.Jinja2 (default: the project's, screening.crf.widgets.WidgetRenderer)")
    p.add_argument("--db", default=DB, help=f"database name (default {DB})")
    p.add_argument("--build-only", action="store_true", help="build (or check) the database, then stop")
    return p.parse_args()


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ================================================================== database

def params_of(args):
    return {"version": VERSION, "sites": args.sites, "records": args.records, "large": args.large,
            "large_history": args.large_history, "seed": args.seed}


def database_ready(args):
    """The cached database is usable: same generator and parameters, right counts."""
    if not common.db_exists(DB):
        return False, "no database"
    from django.contrib.auth import get_user_model
    from django.db import connection

    from screening.models import ScreeningRecord, Site

    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass('bench_meta')")
        if cur.fetchone()[0] is None:
            return False, "no bench_meta table"
        cur.execute("SELECT params FROM bench_meta")
        row = cur.fetchone()
    stored = json.loads(row[0]) if row else None
    if stored != params_of(args):
        return False, f"built with {stored}"
    counts = {
        "sites": Site.objects.count(), "records": ScreeningRecord.objects.count(),
        "users": get_user_model().objects.filter(username__startswith="bench_").count(),
    }
    wanted = {"sites": args.sites, "records": args.records, "users": args.sites * len(ROLES)}
    if counts != wanted:
        return False, f"counts {counts} != {wanted}"
    short = [pk for pk, n in large_records() if n < args.large_history]
    if len(large_records()) != args.large or short:
        return False, "large records missing or short"
    return True, "cached"


def history_count(pk):
    from screening.crf.sections import SECTIONS
    from screening.models import ScreeningRecord

    models = {m for s in SECTIONS for m in ([s.model] if s.model else []) + s.row_models}
    return sum(m.history.filter(**{"id" if m is ScreeningRecord else "record_id": pk}).count() for m in models)


def large_records():
    """[(pk, CRF history rows)] of the records built with a long history."""
    from screening.models import ScreeningRecord

    pks = ScreeningRecord.objects.filter(comment="bench: long history").order_by("pk").values_list("pk", flat=True)
    return [(pk, history_count(pk)) for pk in pks]


def build_database(args):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from simple_history.utils import bulk_create_with_history

    from screening.models import Site, SiteMembership

    t_start = time.perf_counter()
    rng = random.Random(args.seed)
    zones = ["Europe/Berlin", "Asia/Shanghai", "America/New_York", "Europe/London", "Asia/Tokyo"]
    sites = Site.objects.bulk_create(
        [Site(code=f"L{i:02d}", name=f"Load site {i}", time_zone=zones[i % len(zones)]) for i in range(1, args.sites + 1)]
    )
    User = get_user_model()
    password = make_password(PASSWORD)  # hashed once: every bench user shares it
    users = User.objects.bulk_create([
        User(username=f"bench_{role}{i:02d}", first_name=role.replace("_", " ").title(), last_name=f"L{i:02d}",
             email=f"{role}{i:02d}@example.org", password=password)
        for i in range(1, args.sites + 1) for role in ROLES
    ])
    groups = {g.name: g for g in Group.objects.filter(name__in=ROLES)}
    Through = User.groups.through
    Through.objects.bulk_create([Through(user_id=u.pk, group_id=groups[ROLES[n % 4]].pk) for n, u in enumerate(users)])
    by_site = {site.pk: dict(zip(ROLES, users[i * 4:(i + 1) * 4])) for i, site in enumerate(sites)}
    bulk_create_with_history(
        [SiteMembership(user=u, site=site) for site in sites for u in by_site[site.pk].values()],
        SiteMembership, default_change_reason="Site access granted",
    )
    log(f"  {len(sites)} sites, {len(users)} users")

    # Bulk records with "+" history rows, minus the large ones built through the forms below.
    n_bulk = args.records - args.large
    done, checks = 0, []
    chunk = 1000
    site_of = [sites[(i // 4) % len(sites)] for i in range(n_bulk)]  # every site gets all four indications
    for start in range(0, n_bulk, chunk):
        n = min(chunk, n_bulk - start)
        batch = [(site_of[start + i], v, d) for i, (v, d, _) in enumerate(common.varied_records(rng, n))]
        with transaction.atomic():  # history rows name one coordinator per chunk
            coordinator = by_site[batch[0][0].pk]["coordinator"]
            records, snapshots = common.bulk_insert(batch, coordinator, history=True, snapshots=True)
            _seed_status(records, snapshots, by_site)
        checks += rng.sample(list(zip([r.pk for r in records], snapshots)), 4)
        done += n
        log(f"  inserted and evaluated {done:,} records ({time.perf_counter() - t_start:.0f} s)")
    log(f"  in-memory snapshots match build_snapshot for {common.check_snapshots(checks)} sampled records")

    for k in range(args.large):
        site = sites[k % args.login_sites]
        build_large_record(site, by_site[site.pk], args.large_history, random.Random(args.seed + k))
        log(f"  large record {k + 1}/{args.large} ({time.perf_counter() - t_start:.0f} s)")

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_meta (params text)")
        cur.execute("INSERT INTO bench_meta VALUES (%s)", [json.dumps(params_of(args))])
        cur.execute("VACUUM ANALYZE")
    log(f"  built in {time.perf_counter() - t_start:.0f} s")


def _seed_status(records, snapshots, by_site):
    """What the forms path leaves after the last save (track_status): the record's
    EligibilityState and one EligibilityStatusChange with snapshot and results."""
    from screening.checklist.evaluation import _count, _plain
    from screening.eligibility.engine import evaluate
    from screening.models import EligibilityState, EligibilityStatusChange

    states, changes = [], []
    for record, snapshot in zip(records, snapshots):
        evaluation = evaluate(snapshot)
        digest = snapshot.digest()
        states.append(EligibilityState(
            record=record, overall=evaluation.overall, snapshot_hash=digest,
            incomplete=_count(evaluation.counts, "INCOMPLETE"),
            awaiting=_count(evaluation.counts, "AWAITING_INVESTIGATOR"),
        ))
        changes.append(EligibilityStatusChange(
            record=record, user=by_site[record.site_id]["coordinator"], previous="", overall=evaluation.overall,
            snapshot_hash=digest, snapshot=_plain(snapshot.as_data()), results=_plain(evaluation.to_dict()),
        ))
    EligibilityState.objects.bulk_create(states, batch_size=1000)
    EligibilityStatusChange.objects.bulk_create(changes, batch_size=500)


REASONS = ["Transcription error", "Source document verified", "Lab re-reported", "Query answered", "Typo"]


def build_large_record(site, users, saves, rng):
    """A record entered through the forms (screening.exchange.demo.create_record), then
    `saves` more real saves through save_with_audit: corrections of the organ
    function section, of lab values, of medication doses and of the consent form
    version, each with a reason, dated over the last six months. The rows stay as
    many as a normal record's; only their history grows."""
    from django.utils import timezone

    from screening.checklist.evaluation import evaluate_record, track_status
    from screening.crf.recording import save_with_audit
    from screening.exchange.demo import complete_record_data, create_record
    from screening.models import LabResult, Medication, OrganFunction

    coordinator, investigator = users["coordinator"], users["investigator"]
    start = timezone.now() - datetime.timedelta(days=180)
    values, data = complete_record_data("SLE", today=(start + datetime.timedelta(days=5)).date())
    # Entered six months ago: the clock is set back while the forms save it, so its
    # creation rows come before the saves below, as in a record used for months.
    with mock.patch("django.utils.timezone.now", return_value=start - datetime.timedelta(hours=1)):
        record = create_record(site, coordinator, dict(values, comment="bench: long history"), data,
                               judged_by=investigator)
    organ = OrganFunction.objects.get(record=record)
    labs = list(LabResult.objects.filter(record=record))
    medications = list(Medication.objects.filter(record=record))
    step = datetime.timedelta(days=179) / saves
    for i in range(saves):
        kind = i % 4
        if kind == 0:
            obj = organ
            organ.weight, organ.weight_unit = Decimal(rng.randint(550, 700)) / 10, "kg"
        elif kind == 1:
            obj = rng.choice(labs)
            obj.value = (obj.value * Decimal(rng.choice(["0.99", "1.01"]))).quantize(Decimal("0.001"))
        elif kind == 2:
            obj = rng.choice(medications)
            obj.dose = (obj.dose * Decimal(rng.choice(["0.5", "2"]))).quantize(Decimal("0.001"))
            if not Decimal("0.1") <= obj.dose <= Decimal(5000):
                obj.dose = Decimal(10)
        else:
            obj = record
            record.consent_version = "v2.1" if record.consent_version == "v2.0" else "v2.0"
        obj._history_date = start + step * i
        save_with_audit(obj, coordinator, rng.choice(REASONS))
    track_status(evaluate_record(record), coordinator)
    return record


# ================================================================== server

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workers, port, log_path, app="trialsite.wsgi"):
    env = dict(os.environ)
    cmd = [str(common.ROOT / ".venv/bin/gunicorn"), app, "--workers", str(workers), "--no-control-socket",
           "--bind", f"127.0.0.1:{port}", "--chdir", str(common.ROOT), "--error-logfile", str(log_path),
           "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, cwd=common.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}; see {log_path}")
        try:
            status, _, _ = request(port, "GET", "/accounts/login/", {})
            if status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(proc)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # the master stops its workers
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# ================================================================== CPU

def _proc_stat(pid):
    """(command, parent pid, CPU seconds used) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            head, _, rest = f.read().rpartition(")")
    except OSError:
        return None
    fields = rest.split()  # after the command: state, ppid, …; utime and stime are the 12th and 13th
    return head.partition("(")[2], int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_process(server_pids):
    """CPU seconds used so far by each process of the gunicorn servers (masters and
    workers) and of PostgreSQL (every one on the machine: the benchmark is meant
    to be its only user), by (kind, pid); and by this client."""
    used = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        stat = _proc_stat(int(name))
        if stat is None:
            continue
        command, ppid, seconds = stat
        if int(name) in server_pids or ppid in server_pids:
            used["server", int(name)] = seconds
        elif command == "postgres":
            used["postgres", int(name)] = seconds
    own = os.times()
    used["client", os.getpid()] = own.user + own.system
    return used


def cpu_between(before, after):
    """CPU seconds by kind between two readings. A process that ended meanwhile
    is left out (its last seconds are lost, never counted negative)."""
    split = {"server": 0.0, "postgres": 0.0, "client": 0.0}
    for (kind, pid), seconds in after.items():
        split[kind] += seconds - before.get((kind, pid), 0.0)
    return split


# ================================================================== client

def request(port, method, path, cookies, body=None, headers=None):
    """One HTTP/1.1 request on a new connection (gunicorn's sync workers close
    each one). Returns (status, body bytes, Set-Cookie pairs)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        h = {"Host": f"127.0.0.1:{port}", **(headers or {})}
        if cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        conn.request(method, path, body=body, headers=h)
        response = conn.getresponse()
        data = response.read()
        set_cookies = {}
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            set_cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data, set_cookies
    finally:
        conn.close()


class Session:
    """A logged-in user: its cookies (the secure flag is ignored: plain HTTP on loopback).
    With several servers, each request goes to the next one in turn: the session opened
    on one is used on every other."""

    def __init__(self, ports, username, role, site_pk, first=0):
        self.ports, self.username, self.role, self.site_pk = ports, username, role, site_pk
        self.cookies = {}
        self.lock = threading.Lock()
        self.turn = first

    @property
    def port(self):
        with self.lock:
            self.turn += 1
            return self.ports[self.turn % len(self.ports)]

    def login(self, password):
        status, body, cookies = request(self.port, "GET", "/accounts/login/", {})
        self.cookies.update(cookies)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = urllib.parse.urlencode({"username": self.username, "password": password,
                                       "csrfmiddlewaretoken": token, "next": ""})
        status, body, cookies = request(self.port, "POST", "/accounts/login/", self.cookies, form,
                                        {"Content-Type": "application/x-www-form-urlencoded"})
        self.cookies.update(cookies)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login of {self.username} failed: {status}")

    def get(self, path):
        with self.lock:
            cookies = dict(self.cookies)
        status, body, new = request(self.port, "GET", path, cookies)
        if new:  # SESSION_SAVE_EVERY_REQUEST: the session cookie is re-sent
            with self.lock:
                self.cookies.update(new)
        return status, body

    def post(self, path, fields):
        """A form post with the session's CSRF token, as the page's fetch sends it."""
        with self.lock:
            cookies = dict(self.cookies)
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": cookies.get("csrftoken", "")})
        status, data, new = request(self.port, "POST", path, cookies, body,
                                    {"Content-Type": "application/x-www-form-urlencoded"})
        if new:
            with self.lock:
                self.cookies.update(new)
        return status, data


# ================================================================== pages

class Page:
    """A page of the run; `make_fields(rng, path)`, when given, makes it a POST of those form fields.
    `status`: the answer that counts as good; `done(path, ok)` is told the outcome of each request;
    `setup()` and `teardown()` run around the page's run (the chain switched off and on)."""

    def __init__(self, name, label, roles, make_path, check=None, make_fields=None, status=200, done=None,
                 setup=None, teardown=None):
        self.name, self.label, self.roles, self.make_path = name, label, roles, make_path
        self.check = check or (lambda body: True)
        self.make_fields = make_fields
        self.status, self.done = status, done
        self.setup, self.teardown = setup, teardown


def html_ok(body):
    return b"<html" in body[:500].lower() and b'name="password"' not in body


def json_ok(body):
    try:
        return json.loads(body)["overall"] in ("ELIGIBLE", "NOT_ELIGIBLE", "INCOMPLETE")
    except (ValueError, KeyError):
        return False


def scores_ok(body):
    return b'id="live-scores"' in body and b'data-testid="score-sledai"' in body


def sle_section_posts(pks):
    """{record pk: fields}: the SLE section form as its page posts it for the live
    scores, from the saved values (the CSRF token is added per request)."""
    from screening.crf.sections import data_fields
    from screening.models import SleSection

    fields = data_fields(SleSection)
    posts = {}
    for section in SleSection.objects.filter(record_id__in=pks):
        data = {"version": str(section.version), "reason-reason_choice": "", "reason-reason_text": ""}
        for f in fields:
            value = getattr(section, f.name)
            data[f.name] = "" if value is None else value.isoformat() if isinstance(value, datetime.date) else str(value)
        posts[section.record_id] = data
    return posts


def organ_section_posts(pks):
    """{record pk: fields}: the organ function section as its page posts it back, from the
    saved values, with its version (the optimistic lock) and a reason."""
    from screening.crf.sections import data_fields
    from screening.models import OrganFunction

    fields = data_fields(OrganFunction)
    posts = {}
    for section in OrganFunction.objects.filter(record_id__in=pks):
        data = {"version": str(section.version), "reason-reason_choice": "Data entry error", "reason-reason_text": ""}
        for f in fields:
            value = getattr(section, f.name)
            data[f.name] = "" if value is None else value.isoformat() if isinstance(value, datetime.date) else str(value)
        posts[section.record_id] = data
    return posts


class SavePool:
    """Records whose organ section the save pages change, each in one request at a time
    (two saves of one record at once would be an edit conflict, not a save). A good save
    moves the record's version on; a record whose save failed is not used again."""

    def __init__(self, posts, site_records):
        self.posts, self.lock = posts, threading.Lock()
        self.free = {site: [pk for pk, _ in records if pk in posts] for site, records in site_records.items()}
        self.site_of = {pk: site for site, pks in self.free.items() for pk in pks}
        self.sent = {}  # pk -> the weight posted, while its request is out

    def path(self, rng, session):
        with self.lock:
            free = self.free[session.site_pk]
            pk = free.pop(rng.randrange(len(free)))
        return f"/records/{pk}/sections/organ/"

    def fields(self, rng, path):
        pk = int(path.split("/")[2])
        fields = dict(self.posts[pk])
        weight = float(fields["weight"] or 70)
        fields["weight"] = f"{weight + rng.choice([-0.5, 0.5]):.1f}"  # a correction of the body weight
        self.sent[pk] = fields["weight"]
        return fields

    def done(self, path, ok):
        pk = int(path.split("/")[2])
        with self.lock:
            if ok:  # the section as saved: its new weight and version
                self.posts[pk].update(weight=self.sent.pop(pk), version=str(int(self.posts[pk]["version"]) + 1))
                self.free[self.site_of[pk]].append(pk)


def chain_switch(enable):
    """Switch the chain's trigger off (or back on) on every table of the trail, as the
    superuser, between pages: the save's cost with and without it in the same run."""
    def switch():
        import psycopg

        from screening.audit.protection import CHAIN_TRIGGER, protected_models

        with psycopg.connect(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://"), autocommit=True) as c:
            for model in protected_models():
                c.execute(f"ALTER TABLE {model._meta.db_table} {'ENABLE' if enable else 'DISABLE'} TRIGGER {CHAIN_TRIGGER}")
    return switch


def define_pages(site_records, large_by_site, sle_posts, save_pool=None):
    from screening.calculators.sledai import SLEDAI_2K
    from screening.crf.sections import sections_for
    from screening.models import ScreeningRecord

    sections = {ind: [s.key for s in sections_for(ScreeningRecord(indication=ind))] for ind in common.INDICATIONS}

    def record(rng, session):
        return rng.choice(site_records[session.site_pk])

    sle_records = {site: [pk for pk, _ in records if pk in sle_posts] for site, records in site_records.items()}

    def scores_path(rng, session):
        return f"/records/{rng.choice(sle_records[session.site_pk])}/sections/sle/scores/"

    def scores_fields(rng, path):
        # The coordinator has just answered one SLEDAI-2K item.
        fields = dict(sle_posts[int(path.split("/")[2])])
        fields[f"sledai_{rng.choice(list(SLEDAI_2K))}"] = rng.choice(["yes", "no"])
        return fields

    def section_path(rng, session):
        pk, indication = record(rng, session)
        return f"/records/{pk}/sections/{rng.choice(sections[indication])}/"

    return [
        Page("baseline", "baseline: /records/?q=none", ROLES, lambda rng, s: "/records/?q=none", html_ok),
        Page("list", "screening list /records/?page=1-8", ("coordinator", "monitor", "site_admin"),
             lambda rng, s: f"/records/?page={rng.randint(1, 8)}", html_ok),
        Page("section", "section form /records/<pk>/sections/<key>/", ("coordinator",), section_path, html_ok),
        Page("eligibility", "eligibility /records/<pk>/eligibility/", ("investigator", "monitor"),
             lambda rng, s: f"/records/{record(rng, s)[0]}/eligibility/", html_ok),
        Page("audit", "audit trail of a large record /records/<pk>/audit/", ("investigator", "monitor", "site_admin"),
             lambda rng, s: f"/records/{large_by_site[s.site_pk]}/audit/", html_ok),
        Page("json", "eligibility JSON /records/<pk>/eligibility.json", ("investigator", "monitor", "site_admin"),
             lambda rng, s: f"/records/{record(rng, s)[0]}/eligibility.json", json_ok),
        Page("scores", "live scores POST /records/<pk>/sections/sle/scores/", ("coordinator",),
             scores_path, scores_ok, scores_fields),
    ] + ([] if save_pool is None else [
        # The same save with and without the chain's trigger, one after the other: its cost.
        Page("save_unchained", "section save, chain off POST …/sections/organ/", ("coordinator",),
             save_pool.path, make_fields=save_pool.fields, status=302, done=save_pool.done,
             setup=chain_switch(False), teardown=chain_switch(True)),
        Page("save", "section save POST /records/<pk>/sections/organ/", ("coordinator",),
             save_pool.path, make_fields=save_pool.fields, status=302, done=save_pool.done),
    ])


def drive(page, sessions, threads, duration, warmup, seed, server_pids):
    """Warm-up, then `threads` threads request the page for `duration` seconds.
    Returns (latencies in s of good responses, errors Counter, elapsed s, CPU s
    used meanwhile by server, database and client)."""
    chosen = [s for s in sessions if s.role in page.roles]
    results, errors = [], Counter()
    lock = threading.Lock()

    def worker(n, until, record_it):
        rng = random.Random(seed * 1000 + n)
        i = n
        while time.monotonic() < until:
            session = chosen[i % len(chosen)]
            i += threads
            path = page.make_path(rng, session)
            t0 = time.perf_counter()
            try:
                if page.make_fields is None:
                    status, body = session.get(path)
                else:
                    status, body = session.post(path, page.make_fields(rng, path))
                ok = status == page.status and page.check(body)
                what = None if ok else f"HTTP {status}" if status != page.status else "unexpected body"
            except OSError as exc:
                ok, what = False, type(exc).__name__
            if page.done is not None:
                page.done(path, ok)
            elapsed = time.perf_counter() - t0
            if record_it:
                with lock:
                    if ok:
                        results.append(elapsed)
                    else:
                        errors[what] += 1

    def run(seconds, record_it):
        until = time.monotonic() + seconds
        ts = [threading.Thread(target=worker, args=(n, until, record_it)) for n in range(threads)]
        t0 = time.perf_counter()
        for t in ts:
            t.start()
        for t in ts:
            t.join(timeout=seconds + 120)
        return time.perf_counter() - t0

    if warmup > 0:
        run(warmup, False)
    before = cpu_by_process(server_pids)
    elapsed = run(duration, True)
    return results, errors, elapsed, cpu_between(before, cpu_by_process(server_pids))


def percentile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def summarise(results, errors, elapsed, cpu):
    n = len(results)
    return {"requests": n + sum(errors.values()), "ok": n, "rps": n / elapsed if elapsed else 0.0,
            "p50": percentile(results, 0.50), "p95": percentile(results, 0.95), "p99": percentile(results, 0.99),
            "errors": sum(errors.values()), "error_kinds": dict(errors), "elapsed": elapsed,
            "cpu": {k: v / max(n + sum(errors.values()), 1) for k, v in cpu.items()}}


# ================================================================== main

def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    return f"{os.cpu_count()} CPUs ({cpu})"


def main():
    global DB
    args = parse_args()
    DB = args.db
    static_root = tempfile.mkdtemp(prefix="trialsite-bench-static-")
    work = Path(tempfile.mkdtemp(prefix="trialsite-bench-load-"))
    common.configure(DB, static_root=static_root)
    exists = common.db_exists(DB)
    if args.rebuild or not exists:
        log(f"Creating database {DB} …")
        common.recreate_db(DB)
    common.django_setup()
    common.migrate()  # a no-op on a current database; applies new migrations to a cached one
    ready, why = database_ready(args) if not args.rebuild else (False, "--rebuild")
    if not ready:
        if exists and not args.rebuild:
            log(f"Database {DB} not reusable ({why}): rebuilding …")
            from django.db import connection

            connection.close()
            common.recreate_db(DB)
            common.migrate()
        log(f"Building {args.records:,} records on {args.sites} sites (once; cached afterwards) …")
        build_database(args)
    else:
        log(f"Reusing database {DB} ({why}).")
    if args.build_only:
        return 0
    common.collectstatic()

    from django.db import connection

    from screening.models import ScreeningRecord, Site

    facts = common.server_facts()
    login_sites = list(Site.objects.order_by("code")[: args.login_sites])
    large = dict(large_records())
    large_by_site = dict(ScreeningRecord.objects.filter(pk__in=large).values_list("site_id", "pk"))
    site_records = {site.pk: list(ScreeningRecord.objects.filter(site=site).values_list("pk", "indication"))
                    for site in login_sites}
    total_records = ScreeningRecord.objects.count()
    sle_posts = sle_section_posts([pk for records in site_records.values() for pk, indication in records
                                   if indication == "SLE"])
    save_pool = SavePool(organ_section_posts([pk for records in site_records.values() for pk, _ in records
                                              if pk not in large]), site_records)
    connection.close()  # the benchmark process holds no connection while the server runs

    if args.form_renderer:
        os.environ["BENCH_FORM_RENDERER"] = args.form_renderer
    ports = [free_port() for _ in range(args.servers)]
    servers = []
    try:
        for n, port in enumerate(ports):
            servers.append(start_server(args.workers, port, work / f"gunicorn-{n}.log", args.wsgi))
        sessions = []
        for i, site in enumerate(login_sites, start=1):
            n = int(site.code[1:])
            for role in ROLES:
                session = Session(ports, f"bench_{role}{n:02d}", role, site.pk, first=len(sessions))
                session.login(PASSWORD)
                sessions.append(session)
        log(f"gunicorn on 127.0.0.1:{', '.join(map(str, ports))}, {len(sessions)} users logged in; "
            f"{args.duration:.0f} s per page, {args.threads} threads, {args.warmup:.0f} s warm-up")
        pages = define_pages(site_records, large_by_site, sle_posts, save_pool)
        wanted = set(filter(None, args.pages.split(","))) | {"baseline"}
        if args.pages:
            pages = [p for p in pages if p.name in wanted]
        load_before = os.getloadavg()
        stats = {}
        order = pages + [pages[0]]  # the baseline first and again last: drift shows
        for k, page in enumerate(order):
            log(f"  {page.label} …")
            key = page.name if k < len(pages) else "baseline (again)"
            if page.setup:
                page.setup()
            try:
                stats[key] = summarise(*drive(page, sessions, args.threads, args.duration, args.warmup,
                                                 args.seed + k, {server.pid for server in servers}))
            finally:
                if page.teardown:
                    page.teardown()
        load_after = os.getloadavg()
    finally:
        for server in servers:
            stop_server(server)
    server_log = "".join((work / f"gunicorn-{n}.log").read_text(errors="replace") for n in range(len(servers)))
    held = report(args, stats, pages, facts, total_records, large, load_before, load_after, server_log)
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(static_root, ignore_errors=True)
    return 0 if held else 1


def report(args, stats, pages, facts, total_records, large, load_before, load_after, server_log):
    b1, b2 = stats["baseline"], stats["baseline (again)"]
    base_rps = (b1["rps"] + b2["rps"]) / 2
    base_p95 = (b1["p95"] + b2["p95"]) / 2
    print()
    servers = f"{args.servers} gunicorn instances × {args.workers}" if args.servers > 1 else f"gunicorn {args.workers}"
    print(f"Load test: {servers} sync workers, DEBUG=False, PostgreSQL {facts['postgresql']}, "
          f"database {DB}: {total_records:,} records on {args.sites} sites, "
          f"{len(large)} records with {min(large.values()) if large else 0:,}+ CRF history rows")
    print(f"Machine: {machine()}; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after. "
          f"{args.threads} client threads, {args.duration:.0f} s per page after {args.warmup:.0f} s warm-up.")
    variant = [f"app {args.wsgi}"] if args.wsgi != "trialsite.wsgi" else []
    if args.form_renderer:
        variant += [f"FORM_RENDERER {args.form_renderer}"]
    if os.environ.get("DATABASE_PREPARED_STATEMENTS") == "False":
        variant += ["DATABASE_PREPARED_STATEMENTS=False (client-side binding, no prepared statements)"]
    if variant:
        print("Variant: " + "; ".join(variant))
    print(f"Baseline = mean of the two baseline runs: {base_rps:.1f} req/s, p95 {base_p95 * 1e3:.0f} ms.")
    print()
    head = f"{'page':<52} {'reqs':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} {'× base req/s':>12} {'p95 × base':>10}"
    print(head)
    print("-" * len(head))
    labels = {p.name: p.label for p in pages}
    labels["baseline (again)"] = "baseline again (drift check)"
    for key, s in stats.items():
        print(f"{labels[key]:<52} {s['requests']:>6} {s['rps']:>7.1f} {s['p50'] * 1e3:>7.0f} {s['p95'] * 1e3:>7.0f} "
              f"{s['p99'] * 1e3:>7.0f} {s['errors']:>6} {s['rps'] / base_rps:>12.2f} {s['p95'] / base_p95:>10.2f}")
    print()
    print("CPU per request (ms), measured from /proc over each page's measured run: where the two cores went")
    head = f"{'page':<52} {'gunicorn':>9} {'postgres':>9} {'client':>9} {'total':>9} {'× base':>7}"
    print(head)
    print("-" * len(head))
    base_cpu = sum((sum(b1["cpu"].values()), sum(b2["cpu"].values()))) / 2
    for key, s in stats.items():
        c = s["cpu"]
        total = sum(c.values())
        print(f"{labels[key]:<52} {c['server'] * 1e3:>9.1f} {c['postgres'] * 1e3:>9.1f} {c['client'] * 1e3:>9.1f} "
              f"{total * 1e3:>9.1f} {total / base_cpu:>7.2f}")
    errors = {k: s["error_kinds"] for k, s in stats.items() if s["errors"]}
    if errors:
        print(f"errors: {errors}")
    print()
    checks = []
    if "eligibility" in stats:
        ratio = stats["eligibility"]["rps"] / base_rps
        checks.append((f"eligibility view throughput ≥ {MIN_ELIGIBILITY_THROUGHPUT} × baseline", ratio >= MIN_ELIGIBILITY_THROUGHPUT,
                       f"{ratio:.2f}"))
    if "section" in stats:
        ratio = stats["section"]["p95"] / base_p95
        checks.append((f"section form p95 ≤ {MAX_SECTION_P95:g} × baseline p95", ratio <= MAX_SECTION_P95, f"{ratio:.2f}"))
    if "scores" in stats:
        ratio = stats["scores"]["p95"] / base_p95
        checks.append((f"live scores p95 ≤ {MAX_SCORES_P95:g} × baseline p95", ratio <= MAX_SCORES_P95, f"{ratio:.2f}"))
    if "save" in stats and "save_unchained" in stats:
        with_chain, without = stats["save"], stats["save_unchained"]
        cpu_ratio = sum(with_chain["cpu"].values()) / sum(without["cpu"].values())
        print(f"Chain on a section save: CPU per request × {cpu_ratio:.3f}, p50 × {with_chain['p50'] / without['p50']:.3f}, "
              f"req/s × {with_chain['rps'] / without['rps']:.3f} (with the chain's trigger / without, this run)")
        print()
        checks.append((f"section save CPU with the chain ≤ {MAX_CHAIN_COST:g} × without", cpu_ratio <= MAX_CHAIN_COST,
                       f"{cpu_ratio:.3f}"))
    worst = max((s["p95"] / base_p95, k) for k, s in stats.items())
    checks.append((f"no page's p95 above {MAX_P95:g} × baseline p95", worst[0] <= MAX_P95,
                   f"worst {worst[1]} {worst[0]:.2f}"))
    total_errors = sum(s["errors"] for s in stats.values())
    checks.append(("zero errors", total_errors == 0, f"{total_errors}"))
    print("Targets:")
    for text, held, value in checks:
        print(f"  [{'HOLDS' if held else 'FAILS'}] {text}: {value}")
    interesting = [line for line in server_log.splitlines() if "Traceback" in line or "ERROR" in line]
    if interesting:
        print(f"server log: {len(interesting)} error lines, e.g. {interesting[0][:200]}")
    return all(held for _, held, _ in checks)


if __name__ == "__main__":
    sys.exit(main())
