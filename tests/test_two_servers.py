"""Two app servers, one database (issue 18): two gunicorn instances on two ports, started
as a deployment would (DEBUG=False, one SECRET_KEY, the same PostgreSQL database: the
test's), driven over real HTTP like a browser (cookies, the CSRF cookie and the form's
token, Origin on posts). A session opened on one is used on the other; a signature made
on one is shown by the other; two saves of one section from the same version, one on
each server at the same moment, give one save and the optimistic-locking conflict page.
"""

import html.parser
import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

from screening.checklist.evaluation import evaluate_record
from screening.exchange.demo import complete_record_data, create_record
from screening.models import OrganFunction, Signature
from screening.models.sites import COORDINATOR

from .factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


# ------------------------------------------------------------------ servers

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url():
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{urllib.parse.quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def static_root():
    """collectstatic once, into a temporary directory (DEBUG=False serves the manifest's files)."""
    root = tempfile.mkdtemp(prefix="trialsite-two-servers-static-")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_STATIC_ROOT": root,
           "DEBUG": "False", "SECRET_KEY": secrets.token_urlsafe(50)}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True, timeout=300)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def two_servers(transactional_db, static_root, tmp_path):
    """Two gunicorn instances (one sync worker each) on two ports, sharing the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("two app servers share one PostgreSQL database; this suite runs on PostgreSQL in CI")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_STATIC_ROOT": static_root,
        "DATABASE_URL": _database_url(), "DEBUG": "False", "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "False", "CONN_MAX_AGE": "0",
    }
    servers = []
    try:
        for n in range(2):
            port = _free_port()
            log = tmp_path / f"gunicorn-{n}.log"
            # No control socket: gunicorn 27 puts it at ~/.gunicorn, and two servers starting
            # at once race to create that folder.
            proc = subprocess.Popen(
                [str(ROOT / ".venv/bin/gunicorn"), "trialsite.wsgi", "--workers", "1", "--no-control-socket",
                 "--bind", f"127.0.0.1:{port}",
                 "--chdir", str(ROOT), "--error-logfile", str(log), "--timeout", "60"],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            servers.append((proc, port, log))
        for proc, port, log in servers:
            _wait_until_up(proc, port, log)
        yield [port for _, port, _ in servers]
    finally:
        for proc, _, _ in servers:
            proc.terminate()
        for proc, _, _ in servers:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
    for _, _, log in servers:
        errors = [line for line in log.read_text(errors="replace").splitlines() if "Traceback" in line or "ERROR" in line]
        assert not errors, f"{log.name}: {errors[:3]}"


def _wait_until_up(proc, port, log):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"gunicorn exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            if _request(port, "GET", "/accounts/login/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail("gunicorn did not answer within 60 s")


# ------------------------------------------------------------------ a browser

def _request(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={"Host": f"127.0.0.1:{port}", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    finally:
        conn.close()


class FormReader(html.parser.HTMLParser):
    """The POST forms of a page and what a browser posts back from each, unchanged: inputs,
    checked boxes and radios, the selected (else first) option, text areas."""

    def __init__(self):
        super().__init__()
        self.forms = []  # (id, [(name, value)], every control name)
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = (a.get("id"), [], set()) if a.get("method", "get").lower() == "post" else None
            return
        if self._form is None:
            return
        _, fields, names = self._form
        if a.get("name"):
            names.add(a["name"])
        if "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = [a.get("name"), None, False]  # name, first option, chosen
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in a:
                fields.append((self._select[0], value))
                self._select[2] = True
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        fields = self._form[1]
        if tag == "form":
            self.forms.append(self._form)
            self._form = None
        elif tag == "select" and self._select:
            name, first, chosen = self._select
            if not chosen and first is not None:
                fields.append((name, first))  # a browser posts the first option
            self._select = None
        elif tag == "textarea" and self._textarea:
            name, text = self._textarea
            fields.append((name, text.removeprefix("\n")))
            self._textarea = None


def _forms(page):
    reader = FormReader()
    reader.feed(page)
    return reader.forms


def form_of(page, form_id=None, having=None):
    """What the page's form posts: the form of id `form_id`, or the one with a control named `having`."""
    for found_id, fields, names in _forms(page):
        if (form_id is None or found_id == form_id) and (having is None or having in names):
            return dict(fields)
    raise AssertionError(f"no form {form_id or having} on the page")


class Browser:
    """Cookies shared by every server it talks to, as one browser behind a load balancer
    (the Secure flag is set with DEBUG=False; plain HTTP on loopback stands in for TLS)."""

    def __init__(self):
        self.cookies = {}

    def _send(self, port, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        status, response_headers, page = _request(port, method, path, headers, body)
        for name, value in response_headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if "max-age=0" in value.lower() or cookie_value in ('""', ""):
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = cookie_value
        location = dict((k.lower(), v) for k, v in response_headers).get("location", "")
        return status, location, page

    def get(self, port, path):
        return self._send(port, "GET", path)

    def post(self, port, path, fields):
        body = urllib.parse.urlencode(fields)
        return self._send(port, "POST", path, body, {
            "Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{port}",
            "Referer": f"http://127.0.0.1:{port}{path}"})

    def submit(self, port, path, changes, form_id=None, having=None):
        """Open the page, fill `changes` into its form, post it back to the same server."""
        status, _, page = self.get(port, path)
        assert status == 200, (status, path)
        fields = {**form_of(page, form_id, having), **changes}
        return self.post(port, path, fields)

    def log_in(self, port, username):
        status, location, _ = self.submit(port, "/accounts/login/", {"username": username, "password": PASSWORD},
                                          having="username")
        assert status == 302 and "sessionid" in self.cookies, (status, location)


# ------------------------------------------------------------------ the tests

@pytest.fixture
def eligible(site_a, coordinator, investigator):
    values, data = complete_record_data("SLE")
    return create_record(site_a, coordinator, values, data, judged_by=investigator)


def test_a_session_opened_on_one_server_is_used_on_the_other(two_servers, coordinator, eligible):
    a, b = two_servers
    browser = Browser()
    browser.log_in(a, "alice")
    status, _, page = browser.get(b, f"/records/{eligible.pk}/")
    assert status == 200 and eligible.screening_number in page and 'name="password"' not in page
    # A form served by one server posts to the other: the CSRF token is the session's, not the server's.
    status, _, page = browser.get(a, f"/records/{eligible.pk}/sections/organ/")
    fields = {**form_of(page, "section-form"), "weight": "63", "reason-reason_choice": "Data entry error"}
    status, location, _ = browser.post(b, f"/records/{eligible.pk}/sections/organ/", fields)
    assert status == 302, status
    assert OrganFunction.objects.get(record=eligible).weight == 63
    # Logging out on one ends the session on both.
    status, _, page = browser.get(b, f"/records/{eligible.pk}/")
    assert status == 200
    logout = next(fields for _, fields, names in _forms(page) if not names - {"csrfmiddlewaretoken"})
    status, _, _ = browser.post(b, "/accounts/logout/", dict(logout))
    assert status == 302
    status, location, _ = browser.get(a, f"/records/{eligible.pk}/")
    assert status == 302 and "/accounts/login/" in location


def test_a_signature_made_on_one_server_is_shown_by_the_other(two_servers, investigator, eligible):
    a, b = two_servers
    browser = Browser()
    browser.log_in(b, "ivan")
    status, location, _ = browser.submit(a, f"/records/{eligible.pk}/sign/", {"meaning": "eligible", "password": PASSWORD},
                                         having="snapshot_hash")
    assert status == 302, status
    signature = Signature.objects.get(record=eligible)
    assert signature.valid and signature.snapshot_hash == evaluate_record(eligible).digest
    status, _, page = browser.get(b, f"/records/{eligible.pk}/")
    assert status == 200 and 'data-testid="signatures"' in page and f"Signed by {investigator.get_full_name()}" in page


def test_conflicting_saves_on_the_two_servers_give_the_conflict_page_to_the_second(two_servers, make_user, site_a,
                                                                                     coordinator, eligible):
    a, b = two_servers
    make_user(COORDINATOR, site_a, username="bob", first_name="Bob", last_name="Builder")
    path = f"/records/{eligible.pk}/sections/organ/"
    for round_ in range(3):
        alice, bob = Browser(), Browser()
        alice.log_in(a, "alice")
        bob.log_in(b, "bob")
        # Both open the section at the same version, then post at the same moment, each to its own server.
        forms = {}
        for name, browser, port in (("alice", alice, a), ("bob", bob, b)):
            status, _, page = browser.get(port, path)
            forms[name] = form_of(page, "section-form")
        assert forms["alice"]["version"] == forms["bob"]["version"]
        outcomes = {}
        start = threading.Barrier(2)

        def post(name, browser, port, weight):
            start.wait(timeout=30)
            fields = {**forms[name], "weight": weight, "reason-reason_choice": "Data entry error"}
            outcomes[name] = browser.post(port, path, fields)

        threads = [threading.Thread(target=post, args=("alice", alice, a, str(70 + round_))),
                   threading.Thread(target=post, args=("bob", bob, b, str(80 + round_)))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=90)
        statuses = sorted(outcomes[name][0] for name in outcomes)
        assert statuses == [200, 302], outcomes
        winner = next(name for name in outcomes if outcomes[name][0] == 302)
        loser = "bob" if winner == "alice" else "alice"
        page = outcomes[loser][2]
        assert 'data-testid="edit-conflict"' in page
        assert ("Bob Builder" if winner == "bob" else coordinator.get_full_name()) in page
        organ = OrganFunction.objects.get(record=eligible)
        assert organ.weight == (70 if winner == "alice" else 80) + round_
        assert re.search(r'name="version" value="%d"' % organ.version, page), "the conflict page carries the new version"
