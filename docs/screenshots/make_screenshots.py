"""Screenshots of every page, as each role of site S01 sees it (`make screenshots`).

    .venv/bin/python docs/screenshots/make_screenshots.py [--out DIR] [--role ROLE ...] [--jobs N]
                                                         [--language zh-hans] [--only NAME ...]
    make screenshots SCREENSHOTS_ARGS="--out /tmp/shots"

It lives here, beside what it writes, rather than in tests/: it checks nothing
and fails no build, it makes documentation to be looked at (pages are reviewed
as screenshots), and pytest does not collect it.

What it does, start to end, touching nothing in the work tree but DIR:
1. a throw-away SQLite database in a temporary directory: `migrate`, `seed_demo`;
2. `manage.py runserver --noreload` on a free port of 127.0.0.1, with DEBUG off
   (so 403 and 404 are the site's own pages, not Django's debug pages) and the
   static files served from static/ as they are (no collectstatic);
3. Debian's Chromium through Playwright (never `playwright install`), one
   browser, one context per role and viewport (1366x900 and 390x844): log in
   through the login form, then every page of the URL conf (screening/urls.py)
   the role can reach, full page; the section pages for a record of each
   indication; downloads (.csv, .json, .xlsx) left out, but the first page of
   the signed checklist's PDF, as the investigator downloads it, is rendered
   to a picture with Poppler's pdftoppm (DIR/investigator/eligibility_pdf-page1.png). Plus the login page, the 403
   (the first page the role is refused), the 404 (a record of site S02), and for
   the coordinator a section with validation errors and one with a row added;
4. each PNG cut to 256 colours (Pillow, in worker processes): a third of the
   size, text as sharp; the server stopped, even on error; the files listed.

Two browser contexts at a time (--jobs), one per core: all roles, about 410
pictures and 35 MB, take two to three minutes on an idle two-core machine.

`--language zh-hans` asks for the pages in that language (the browser's Accept-Language, as a
Chinese browser would); `--only` shoots the pages of those names only (and no extras), e.g. the
main pages in Chinese into docs/screenshots/zh (docs/i18n.md).

Files: DIR/<role>/<url name>[-<indication>-<section>]-<width>.png, and
DIR/anonymous/login-<width>.png. The PNGs of the role folders written are
replaced, so a page that went away leaves no stale picture.
"""

import argparse
import asyncio
import io
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image
from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
VIEWPORTS = [(1366, 900), (390, 844)]
ROLES = ["coordinator", "investigator", "monitor", "site_admin"]
PASSWORD = "trialsite-demo-2026"  # screening.exchange.demo.DEMO_PASSWORD
SITE, OTHER_SITE = "S01", "S02"
DOWNLOADS = (".csv", ".json", ".xlsx", ".pdf")
NOTES = set()  # pages not shot and other remarks, said once at the end
STATUSES = {}  # (role, url) -> the answer to a GET
OPTIONS = {"language": None, "only": set()}  # --language, --only
BROWSER_LOCALES = {"zh-hans": "zh-CN"}
# Production-like rendering for a server that only this script talks to.
SETTINGS = '''\
from trialsite.settings import *  # noqa: F401,F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
IMPORT_STALE_SECONDS = 24 * 3600  # the run shot half-way has no worker behind it
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots",
                        help="folder for the PNG files (default: docs/screenshots)")
    parser.add_argument("--role", action="append", choices=ROLES, help="only this role (repeatable)")
    parser.add_argument("--jobs", type=int, default=2, help="browser contexts at once (default: 2, the cores)")
    parser.add_argument("--language", default=None, help="the pages in this language (e.g. zh-hans)")
    parser.add_argument("--only", action="append", help="only the pages of this name (repeatable)")
    options = parser.parse_args()
    OPTIONS.update(language=options.language, only=set(options.only or ()))
    # A kill stops the server too (the finally below), as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    out = options.out.resolve()
    roles = options.role or ROLES
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="trialsite-screenshots-") as tmp:
        env = environment(Path(tmp))
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo")
        plan = build_plan(env)
        port = free_port()
        log_path = Path(tmp) / "server.log"
        with open(log_path, "w") as log:
            server = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
            try:
                base = f"http://127.0.0.1:{port}"
                wait_until_up(base, server, log_path)
                written = shoot(base, plan, out, roles, options.jobs)
            except BaseException:
                print(log_path.read_text()[-3000:], file=sys.stderr)
                raise
            finally:
                stop(server)
    written.sort()
    total = sum(p.stat().st_size for p in written)
    for path in written:
        print(path)
    for line in sorted(NOTES):
        print(f"note: {line}")
    print(f"{len(written)} screenshots, {total / 1e6:.1f} MB, in {out} ({time.monotonic() - started:.0f} s)")
    if total > 40e6:
        print("warning: more than 40 MB of screenshots", file=sys.stderr)


def environment(tmp):
    (tmp / "screenshot_settings.py").write_text(SETTINGS)
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "screenshot_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp), str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    })
    return env


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def build_plan(env):
    """(name, url) of every page of screening/urls.py, and the URLs the extra shots
    need: read here, with the server's settings, before the browser starts."""
    os.environ.update(env)
    sys.path[:0] = [p for p in env["PYTHONPATH"].split(os.pathsep) if p not in sys.path]
    import django

    django.setup()
    from django.db import connections
    from django.urls import get_resolver, reverse

    from screening.crf.sections import sections_for
    from screening.models import ScreeningRecord, Signature

    records = {}
    for record in ScreeningRecord.objects.filter(site__code=SITE).order_by("pk"):
        records.setdefault(record.indication, record)
    record = records["SLE"]
    runs = import_runs()
    # The URL's arguments by name: the SLE record, its organ section, a field, the site, an import run.
    arguments = {"pk": record.pk, "key": "organ", "field": "organfunction.lvef", "code": SITE, "run": runs["done"]}
    pages = []
    for pattern in get_resolver("screening.urls").url_patterns:
        name, route = pattern.name, str(pattern.pattern)
        if route.endswith(DOWNLOADS):
            continue
        if name == "section_edit":
            pages += [(f"{name}-{indication.lower()}-{section.key}", reverse(name, args=[each.pk, section.key]))
                      for indication, each in records.items() for section in sections_for(each)]
            continue
        unknown = set(pattern.pattern.converters) - set(arguments)
        if unknown:
            raise SystemExit(f"make_screenshots: which {', '.join(sorted(unknown))} for {name} ({route})? "
                             "Add it to build_plan().")
        pages.append((name, reverse(name, kwargs={k: arguments[k] for k in pattern.pattern.converters})))
    pages += [(f"import_run-{state}", reverse("import_run", args=[runs[state]])) for state in ("running", "failed")]
    other = ScreeningRecord.objects.filter(site__code=OTHER_SITE).order_by("pk").first()
    connections.close_all()
    return {
        "pages": pages,
        "not_found": reverse("record_detail", args=[other.pk]),
        "errors": reverse("section_edit", args=[record.pk, "organ"]),
        "add_row": reverse("section_edit", args=[record.pk, "labs"]),
        "login": reverse("login"),
        # The demo's signature story is on one record: its PDF shows a signature and an invalidated one.
        "pdf": reverse("eligibility_pdf", args=[Signature.objects.filter(record__site__code=SITE)
                                                .order_by("pk").first().record_id]),
    }


def import_runs():
    """Import runs of site S01 by its site administrator, made by the import itself:
    one done (its report), one half-way (its progress bar: no worker moves it on),
    one whose worker stopped after two of five records (failed, what was committed)."""
    import json
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from screening.exchange import jobs
    from screening.exchange.importing import import_parsed
    from screening.models import ImportRun, Site

    site, admin = Site.objects.get(code=SITE), get_user_model().objects.get(username=f"siteadmin{SITE[-1]}")
    record = {"initials": "AB", "sex": "M", "date_of_birth": "1970-01-01", "indication": "AAV",
              "screening_date": "2026-11-20", "consent_date": "2026-11-19", "consent_version": "v2"}

    def upload(name, count, bad=()):
        items = [{"record": 5} if i in bad else {"record": record} for i in range(1, count + 1)]
        return jobs.create_run(json.dumps({"records": items, "name": name}).encode(), site, admin, name)

    done = upload("referrals-november.json", 6, bad={4})
    jobs.run_import(done)
    running = upload("referrals-december.json", 40)
    ImportRun.objects.filter(pk=running.pk).update(state=ImportRun.RUNNING, started_at=timezone.now(), total=40,
                                                   done=17, saved=16, refused=1, heartbeat_at=timezone.now())
    failed = upload("referrals-october.json", 5)
    ImportRun.objects.filter(pk=failed.pk).update(state=ImportRun.RUNNING, started_at=timezone.now(), total=5)
    import_parsed([{"record": record}] * 2, site, admin, failed.file_name,
                  on_record=lambda report: jobs._record_done(failed, report))
    ImportRun.objects.filter(pk=failed.pk).update(heartbeat_at=timezone.now() - timedelta(days=2))
    jobs.fail_stale_runs()  # the failed run only: the half-way one beat just now
    return {"done": done.pk, "running": running.pk, "failed": failed.pk}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base, server, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode}):\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(base + "/accounts/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server did not answer within {timeout} s")


def stop(server):
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def shoot(base, plan, out, roles, jobs):
    for role in ["anonymous", *roles]:
        folder = out / role
        if folder.is_dir():
            for old in folder.glob("*.png"):
                old.unlink()
        folder.mkdir(parents=True, exist_ok=True)
    # Shrinking a PNG is CPU work in Python: done in other processes while the
    # browser renders the next page (spawned, not forked from a process that
    # runs Playwright's event loop).
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as shrinker:
        return asyncio.run(shoot_all(base, plan, out, roles, jobs, shrinker))


async def shoot_all(base, plan, out, roles, jobs, shrinker):
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            limit = asyncio.Semaphore(jobs)  # contexts open at once

            async def run(role, viewport):
                async with limit:
                    language = OPTIONS["language"]
                    extra = {"locale": BROWSER_LOCALES.get(language, language)} if language else {}
                    context = await browser.new_context(base_url=base, viewport=dict(zip(("width", "height"), viewport)),
                                                        **extra)
                    context.set_default_timeout(30000)
                    try:
                        shots = Shots(await context.new_page(), out / role, viewport[0], shrinker)
                        if role == "anonymous":
                            await shots.goto_and_take(plan["login"], "login")
                        else:
                            await shoot_role(shots, plan, role)
                        return await shots.done()
                    finally:
                        await context.close()

            results = await asyncio.gather(*(run(role, viewport) for role in ["anonymous", *roles] for viewport in VIEWPORTS))
        finally:
            await browser.close()
    return [path for paths in results for path in paths]


class Shots:
    """The screenshots of one context, each written by the shrinker as it comes."""

    def __init__(self, page, folder, width, shrinker):
        self.page, self.folder, self.width, self.shrinker = page, folder, width, shrinker
        self.pending = []

    async def take(self, stem):
        png = await self.page.screenshot(full_page=True, type="png", animations="disabled")
        path = self.folder / f"{stem}-{self.width}.png"
        self.pending.append(asyncio.get_running_loop().run_in_executor(self.shrinker, shrink, png, path))

    async def goto_and_take(self, url, stem):
        await self.page.goto(url)
        await self.take(stem)

    async def done(self):
        return await asyncio.gather(*self.pending)


def shrink(png, path):
    """At most 256 colours, no dithering: about a third of the size, text as sharp
    (a page has few colours; a full page of a long form is several megapixels)."""
    with Image.open(io.BytesIO(png)) as image:
        fewer = image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        fewer.save(path, optimize=True)
    return path


async def shoot_role(shots, plan, role):
    page = shots.page
    await log_in(page, f"{role.replace('_', '')}{SITE[-1]}")
    refused = False
    for name, url in plan["pages"]:
        if OPTIONS["only"] and name not in OPTIONS["only"]:
            continue
        status = await status_for(page, role, url)
        if status == 403:
            if not refused:  # the first refusal stands for all: the same page
                await shots.goto_and_take(url, "403")
                refused = True
        elif status in (301, 302):
            pass  # home: the page it lands on is shot under its own name
        elif status != 200:  # e.g. 405: a POST-only endpoint, not a page
            NOTES.add(f"{role}: {name} not shot, it answers HTTP {status} to a GET")
        else:
            await shots.goto_and_take(url, name)
    if OPTIONS["only"]:
        return
    await shots.goto_and_take(plan["not_found"], "404")
    if role == "coordinator":
        await coordinator_extras(shots, plan)
    if role == "investigator" and shots.width == VIEWPORTS[0][0]:
        await pdf_first_page(shots, plan["pdf"])


async def pdf_first_page(shots, url):
    """The PDF as the investigator downloads it, its first page as a PNG (pdftoppm, 80 dpi)."""
    response = await shots.page.request.get(url)
    if response.status != 200 or not (await response.body()).startswith(b"%PDF"):
        NOTES.add(f"investigator: the checklist PDF answered HTTP {response.status}, not a PDF (not shot)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "checklist.pdf"
        pdf.write_bytes(await response.body())
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(Path(tmp) / "page")], check=True)
        png = (Path(tmp) / "page.png").read_bytes()
    path = shots.folder / "eligibility_pdf-page1.png"
    shots.pending.append(asyncio.get_running_loop().run_in_executor(shots.shrinker, shrink, png, path))


async def status_for(page, role, url):
    """The status of a GET, asked without rendering (with the page's cookies): the
    browser would follow a redirect, and shows no page for an empty 405. Asked
    once per role; its other viewport's context waits for the same answer."""
    key = (role, url)
    if key not in STATUSES:
        STATUSES[key] = asyncio.ensure_future(page.request.get(url, max_redirects=0))
    return (await STATUSES[key]).status


async def coordinator_extras(shots, plan):
    page = shots.page
    # An impossible LVEF (the form takes 5-90 %), typed and saved as a person would.
    await page.goto(plan["errors"])
    field = page.locator('#section-form [name="lvef"]')
    await field.click()
    await field.press("ControlOrMeta+a")
    await field.press_sequentially("150")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Save section").first.click()
    if not await page.locator(".is-invalid, .invalid-feedback").count():
        NOTES.add("coordinator: no validation error shown after saving LVEF 150 (shot anyway)")
    await shots.take("section_edit-sle-organ-errors")
    await page.goto(plan["add_row"])
    rows = page.locator("[data-testid^='formset-'] tbody tr")
    before = await rows.count()
    await page.get_by_role("button", name="Add a row").first.click()
    if await rows.count() <= before:
        NOTES.add("coordinator: 'Add a row' added no row (shot anyway)")
    await shots.take("section_edit-sle-labs-new-row")


async def log_in(page, username):
    await page.goto("/accounts/login/")
    # By name, not label: the form may be in another language (--language).
    await page.locator("input[name=username]").fill(username)
    await page.locator("input[name=password]").fill(PASSWORD)
    async with page.expect_navigation():
        await page.locator("main form button[type=submit]").click()
    if "/accounts/login/" in page.url:
        raise SystemExit(f"could not log in as {username}")


if __name__ == "__main__":
    main()
