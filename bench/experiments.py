"""Where the heavy pages spend their time, and what candidate fixes would save,
measured in-process with the Django test client on the load test's database.

    .venv/bin/python bench/experiments.py [--db trialsite_bench_load] [--rounds 8]

Application code is not changed: each candidate fix is applied as a monkeypatch
inside this process only, switched on and off between interleaved requests
(template caches reset at each switch), and compared with the same page
unpatched and with the baseline page /records/?q=none. The patches are sketches
of the changes suggested in docs/performance.md, not the changes themselves.
"""

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

LARGE = "bench: long history"


# ---------------------------------------------------------------- patches

@contextmanager
def cached_history_managers():
    """`Model.history` builds a new manager class on every access
    (simple_history HistoryDescriptor.__get__ -> Manager.from_queryset); cache
    the class-level one."""
    from simple_history.manager import HistoryDescriptor

    original = HistoryDescriptor.__get__
    cache = {}

    def get(self, instance, owner):
        if instance is not None:
            return original(self, instance, owner)
        if self not in cache:
            cache[self] = original(self, None, owner)
        return cache[self]

    HistoryDescriptor.__get__ = get
    try:
        yield
    finally:
        HistoryDescriptor.__get__ = original


@contextmanager
def predecessors_by_union():
    """audit_trail.with_predecessors selects `history_id IN (page ids) OR
    history_id IN (predecessor sub-query)`: PostgreSQL cannot use an index for
    that OR and scans the model's whole history table (every record's), once per
    stream on the page. The same rows as a UNION ALL of the two conditions (each
    an index lookup), duplicates dropped in Python."""
    from django.db.models import OuterRef, Subquery

    from screening import audit_trail

    original = audit_trail.with_predecessors

    def with_predecessors(model, history_ids):
        history = model.history
        previous = (
            history.filter(id=OuterRef("id"), history_date__lte=OuterRef("history_date"))
            .exclude(history_date=OuterRef("history_date"), history_id__gte=OuterRef("history_id"))
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        previous_ids = history.filter(history_id__in=history_ids).annotate(prev=Subquery(previous)).values("prev")
        rows = history.filter(history_id__in=history_ids).order_by().union(
            history.filter(history_id__in=previous_ids).order_by(), all=True)
        return list({row.history_id: row for row in rows}.values())

    audit_trail.with_predecessors = with_predecessors
    try:
        yield
    finally:
        audit_trail.with_predecessors = original


@contextmanager
def field_history_reverse_free():
    """The audit table reverses 'field_history' once per entry (a few hundred
    per page). Upper bound of building that URL once per page and formatting it
    per entry: memoise the template tag's reverse() for that one name."""
    import django.urls

    original = django.urls.reverse  # {% url %} imports it from django.urls at each render
    memo = {}

    def fast(viewname, *args, **kwargs):
        if viewname != "field_history":
            return original(viewname, *args, **kwargs)
        key = tuple(kwargs.get("args") or ())
        if key not in memo:
            memo[key] = original(viewname, *args, **kwargs)
        return memo[key]

    django.urls.reverse = fast
    try:
        yield
    finally:
        django.urls.reverse = original


@contextmanager
def track_status_only_on_change():
    """evaluate_and_log calls track_status on every view; when the record's
    EligibilityState already holds this digest and status (every save keeps it
    so), there is nothing to refresh, no signature can be stale and the last
    status change is the same: skip its 5 queries and savepoint."""
    from screening import evaluation
    from screening.models import EligibilityState

    original = evaluation.track_status

    def track(result, user):
        if EligibilityState.objects.filter(
            record=result.record, snapshot_hash=result.digest, overall=result.overall
        ).exists():
            return None
        return original(result, user)

    evaluation.track_status = track
    try:
        yield
    finally:
        evaluation.track_status = original


def _indication_only_snapshot(sections_too):
    """build_snapshot querying only what the record's indication can hold: the
    row tables pfts and mrss belong to dcSSc and bvas_items to AAV (the forms and
    the loader offer them for no other indication), so 6 row queries become 3 or
    4; with sections_too, the select_related joins only the indication's own
    section (10 joined tables become 7, 150-250 columns fewer)."""
    from screening import snapshots
    from screening.eligibility.snapshot import Snapshot
    from screening.models import ScreeningRecord

    rows_of = {"pfts": "DCSSC", "mrss": "DCSSC", "bvas_items": "AAV"}
    sections_of = {"sle": "SLE", "aav": "AAV", "iim": "IIM", "ssc": "DCSSC"}

    def build(record_or_pk):
        pk = getattr(record_or_pk, "pk", record_or_pk)
        indication = getattr(record_or_pk, "indication", None)
        relations = {k: r for k, r in snapshots.SECTION_RELATIONS.items()
                     if not sections_too or indication is None or sections_of.get(k, indication) == indication}
        record = ScreeningRecord.objects.select_related(*relations.values()).get(pk=pk)
        sections = {}
        for key, relation in relations.items():
            instance = getattr(record, relation, None)
            if instance is not None:
                sections[key] = snapshots._values(instance, snapshots.data_fields(type(instance)))
        rows = {}
        for key, model in snapshots.ROW_MODELS.items():
            if rows_of.get(key, record.indication) != record.indication:
                rows[key] = ()
                continue
            fields = snapshots.data_fields(model)
            rows[key] = tuple(snapshots._values(r, fields) for r in model.objects.filter(record_id=pk).order_by("pk"))
        return Snapshot(record={n: getattr(record, n) for n in snapshots.RECORD_FIELDS}, sections=sections, **rows), record

    return build


@contextmanager
def snapshot_of_indication(sections_too=False):
    from screening import evaluation

    original = evaluation.build_snapshot
    evaluation.build_snapshot = _indication_only_snapshot(sections_too)
    try:
        yield
    finally:
        evaluation.build_snapshot = original


def snapshot_rows_of_indication():
    return snapshot_of_indication(False)


def snapshot_all_of_indication():
    return snapshot_of_indication(True)


def _max_daily_dose_at_change_points(courses, window_start, window_end, *, open_end):
    """calculators.glucocorticoids.max_daily_dose walks every day of the window
    and re-converts every course each day. The total is constant between change
    points (a course's first day, the day after it, the day after its last day),
    so the same highest dose and its first day are found checking only those."""
    from datetime import timedelta
    from fractions import Fraction

    from screening.calculators.glucocorticoids import total_daily_dose_on

    if window_end < window_start:
        raise ValueError(f"window ends ({window_end}) before it starts ({window_start})")
    courses = list(courses)
    days = {window_start}
    for c in courses:
        last = c.stop if c.stop is not None else open_end
        for d in (c.start, c.start + timedelta(days=1), last + timedelta(days=1)):
            if window_start <= d <= window_end:
                days.add(d)
    highest, highest_day = Fraction(0), None
    for day in sorted(days):
        dose = total_daily_dose_on(courses, day, open_end=open_end)
        if dose > highest:
            highest, highest_day = dose, day
    return highest, highest_day


@contextmanager
def max_daily_dose_at_change_points():
    from screening.eligibility.criteria import courses

    original = courses.max_daily_dose
    courses.max_daily_dose = _max_daily_dose_at_change_points
    try:
        yield
    finally:
        courses.max_daily_dose = original


def check_max_daily_dose(n):
    """evaluate() with and without the change-point max_daily_dose: identical
    results for n records, and the time of each."""
    from screening.eligibility.engine import evaluate
    from screening.models import ScreeningRecord
    from screening.snapshots import build_snapshot

    snapshots = [build_snapshot(pk)[0] for pk in ScreeningRecord.objects.order_by("pk").values_list("pk", flat=True)[:n]]
    t0 = time.perf_counter()
    before = [evaluate(s).to_dict() for s in snapshots]
    t1 = time.perf_counter()
    with max_daily_dose_at_change_points():
        after = [evaluate(s).to_dict() for s in snapshots]
    t2 = time.perf_counter()
    same = sum(a == b for a, b in zip(before, after))
    return same, len(snapshots), (t1 - t0) / len(snapshots) * 1e3, (t2 - t1) / len(snapshots) * 1e3


def fast_template_dir():
    """A copy of templates/screening/eligibility.html whose per-criterion <tr>
    markup is replaced by the `criterion_row` filter of bench/fasttags.py."""
    import re

    source = (common.ROOT / "templates/screening/eligibility.html").read_text()
    pattern = re.compile(r'  <tr id="\{\{ row\.id \}\}".*?\n  </tr>', re.S)
    if len(pattern.findall(source)) != 1:
        raise SystemExit("eligibility.html changed: the criterion <tr> block was not found once")
    folder = Path(tempfile.mkdtemp(prefix="trialsite-bench-templates-"))
    (folder / "screening").mkdir()
    (folder / "screening/eligibility.html").write_text(pattern.sub("  {{ row|criterion_row:links }}", source))
    return folder


@contextmanager
def fast_eligibility_rows():
    """Criterion rows of the eligibility page built in Python (format_html) in
    one filter call each, instead of dozens of template nodes per row."""
    from django.template import engines
    from django.template.library import import_library

    engine = engines["django"].engine
    folder = fast_template_dir()
    library = import_library("bench.fasttags")
    engine.dirs = [str(folder), *engine.dirs]
    engine.template_builtins.append(library)
    reset_templates()
    try:
        yield
    finally:
        engine.dirs = [d for d in engine.dirs if d != str(folder)]
        engine.template_builtins.remove(library)
        reset_templates()


@contextmanager
def plain_formset_cells():
    """Formset cells rendered as the bare widget (the column header is the
    label; an aria-label would name the input) plus its errors, instead of
    crispy's full field template per cell."""
    from crispy_forms.templatetags import crispy_forms_filters
    from django.utils.html import format_html_join
    from django.utils.safestring import mark_safe

    original = crispy_forms_filters.register.filters["as_crispy_field"]

    def plain(field, *args, **kwargs):
        errors = format_html_join("", '<div class="invalid-feedback d-block">{}</div>', ((e,) for e in field.errors))
        return mark_safe(str(field) + errors)

    crispy_forms_filters.register.filters["as_crispy_field"] = plain
    try:
        yield
    finally:
        crispy_forms_filters.register.filters["as_crispy_field"] = original


@contextmanager
def fast_select():
    """Django renders every <option> through a template include; build the
    options with format_html instead (same HTML)."""
    from django import forms
    from django.forms.utils import flatatt
    from django.utils.html import format_html, format_html_join
    from django.utils.safestring import mark_safe

    original = forms.Select.render

    def render(self, name, value, attrs=None, renderer=None):
        if self.allow_multiple_selected or type(self).template_name != forms.Select.template_name:
            return original(self, name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (o["value"], flatatt(o["attrs"]), o["label"])
            for _, group, _ in widget["optgroups"] for o in group
        ))
        return mark_safe(format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"])) + options + "</select>")

    forms.Select.render = render
    try:
        yield
    finally:
        forms.Select.render = original


@contextmanager
def combined(*managers):
    from contextlib import ExitStack

    with ExitStack() as stack:
        for m in managers:
            stack.enter_context(m())
        yield


# ---------------------------------------------------------------- measuring

def reset_templates():
    from django.template import engines

    for loader in engines["django"].engine.template_loaders:
        if hasattr(loader, "reset"):
            loader.reset()


def measure(client, urls, patch, rounds):
    """Median ms per request of the URLs, unpatched and patched, interleaved
    round by round; and the median of the per-round ratios patched/unpatched
    (robust to the machine's load drifting between rounds)."""
    clock = time.perf_counter
    off, on, ratios = [], [], []
    for r in range(rounds):
        times = {}
        for state in ((False, True) if r % 2 == 0 else (True, False)):
            reset_templates()
            with patch() if state else nullcontext():
                reset_templates()
                client.get(urls[0])  # compile the templates in this state
                ts = []
                for url in urls:
                    t0 = clock(); response = client.get(url); ts.append(clock() - t0)
                    assert response.status_code == 200, (url, response.status_code)
            reset_templates()
            times[state] = ts
        off += times[False]
        on += times[True]
        ratios.append(sum(times[True]) / sum(times[False]))
    return statistics.median(off) * 1e3, statistics.median(on) * 1e3, statistics.median(ratios)


def baseline(client, rounds):
    client.get("/records/?q=none")
    times = []
    for _ in range(rounds * 3):
        t0 = time.perf_counter(); client.get("/records/?q=none"); times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


@contextmanager
def timed(module, names, totals):
    """Wrap module-level functions with timers adding into totals[name]."""
    originals = {name: getattr(module, name) for name in names}

    def wrap(name, fn):
        def timed_fn(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                totals[name] = totals.get(name, 0.0) + time.perf_counter() - t0
        return timed_fn

    for name, fn in originals.items():
        setattr(module, name, wrap(name, fn))
    try:
        yield
    finally:
        for name, fn in originals.items():
            setattr(module, name, fn)


def breakdown_pages(mon, pks, rounds):
    """Per request (ms): the whole test-client request and, inside it, the
    view's phases, for the baseline page, the eligibility page and the JSON."""
    from screening import eligibility_views, evaluation, views

    results = {}
    cases = [
        ("baseline /records/?q=none", views, ["records_for", "with_status", "render"], lambda pk: "/records/?q=none"),
        ("eligibility page", eligibility_views, ["get_record_for_user", "evaluate_and_log", "render"],
         lambda pk: f"/records/{pk}/eligibility/"),
        ("eligibility JSON", eligibility_views, ["get_record_for_user", "evaluate_and_log", "as_json", "JsonResponse"],
         lambda pk: f"/records/{pk}/eligibility.json"),
    ]
    inner = {}
    for label, module, names, url in cases:
        totals, n, total = {}, 0, 0.0
        mon.get(url(pks[0]))
        with timed(module, names, totals), timed(evaluation, ["evaluate_record", "track_status"], inner.setdefault(label, {})):
            for _ in range(rounds):
                for pk in pks:
                    t0 = time.perf_counter()
                    mon.get(url(pk))
                    total += time.perf_counter() - t0
                    n += 1
        results[label] = {"whole request": total / n * 1e3,
                          **{k: v / n * 1e3 for k, v in totals.items()},
                          **{f"  of which {k}": v / n * 1e3 for k, v in inner[label].items()}}
        accounted = sum(totals.values())
        results[label]["rest: middleware, session, auth, lazy bits"] = (total - accounted) / n * 1e3
    return results


def breakdown_audit(user, pk, rounds):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from screening import audit_trail as trail
    from screening.audit_views import PER_PAGE, TrailFilterForm
    from screening.models import ScreeningRecord
    from screening.sections import sections_for

    record = ScreeningRecord.objects.select_related("site").get(pk=pk)
    request = RequestFactory().get(f"/records/{pk}/audit/")
    request.user = user
    phases = {"filter form": [], "timeline count (SQL)": [], "page keys + rows + diffs (SQL + Python)": [],
              "render template": []}
    clock = time.perf_counter
    from django.core.paginator import Paginator

    for _ in range(rounds):
        t0 = clock()
        form = TrailFilterForm(None, site=record.site, sections=sections_for(record))
        timeline = trail.Timeline(trail.Scope(record.site, record), form.filters())
        t1 = clock()
        paginator = Paginator(timeline, PER_PAGE)
        paginator.count
        t2 = clock()
        page = paginator.get_page(1)
        list(page.object_list)
        t3 = clock()
        html = render_to_string("screening/audit/record_audit.html", {
            "record": record, "form": form, "page": page, "tz_name": str(trail.Scope(record.site).tz),
            "filter_query": ""}, request=request)
        t4 = clock()
        for name, t in zip(phases, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            phases[name].append(t)
    entries = sum(len(e.entries) for e in page.object_list)
    return {k: statistics.median(v) * 1e3 for k, v in phases.items()}, len(page.object_list), entries, len(html)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="trialsite_bench_load")
    p.add_argument("--rounds", type=int, default=8)
    p.add_argument("--breakdown-only", action="store_true", help="phases only, no candidate fixes")
    args = p.parse_args()
    static_root = tempfile.mkdtemp(prefix="trialsite-bench-static-")
    common.configure(args.db, static_root=static_root)
    if not common.db_exists(args.db):
        raise SystemExit(f"no database {args.db}: run bench/load --build-only first")
    common.django_setup()
    common.collectstatic()

    from django.contrib.auth import get_user_model
    from django.test import Client

    from screening.permissions import records_for

    User = get_user_model()
    monitor, coordinator = User.objects.get(username="bench_monitor01"), User.objects.get(username="bench_coordinator01")
    visible = records_for(monitor).exclude(comment=LARGE)
    by_indication = {ind: list(visible.filter(indication=ind).order_by("pk").values_list("pk", flat=True)[:3])
                     for ind in common.INDICATIONS}
    sample = [pk for pks in by_indication.values() for pk in pks]
    large = records_for(monitor).filter(comment=LARGE).values_list("pk", flat=True).first()
    mon, coord = Client(), Client()
    mon.force_login(monitor)
    coord.force_login(coordinator)

    print(f"database {args.db}; {args.rounds} rounds; medians; load average {__import__('os').getloadavg()[0]:.2f}")
    base = baseline(mon, args.rounds)
    print(f"baseline /records/?q=none: {base:.1f} ms per request\n")

    print("Pages, per request, and the phases inside (monitor, 12 records of the 4 indications):")
    for label, phases in breakdown_pages(mon, sample, max(3, args.rounds // 3)).items():
        print(f"  {label}")
        for name, ms in phases.items():
            print(f"    {name:<70} {ms:7.1f} ms")
    print("\nAudit trail of a large record, page 1:")
    phases, events, entries, size = breakdown_audit(monitor, large, max(3, args.rounds // 3))
    for name, ms in phases.items():
        print(f"  {name:<72} {ms:7.1f} ms")
    print(f"  ({events} events, {entries} table rows, {size:,} bytes of HTML)")

    same, n, before, after = check_max_daily_dose(400)
    print(f"\nevaluate() with max_daily_dose at change points: identical results for {same} of {n} records; "
          f"{before:.2f} -> {after:.2f} ms per evaluation")
    if args.breakdown_only:
        return
    experiments = [
        ("eligibility", mon, [f"/records/{pk}/eligibility/" for pk in sample],
         "track_status only when the state changed", track_status_only_on_change),
        ("eligibility", mon, [f"/records/{pk}/eligibility/" for pk in sample],
         "snapshot: row tables of the indication only", snapshot_rows_of_indication),
        ("eligibility", mon, [f"/records/{pk}/eligibility/" for pk in sample],
         "snapshot: sections and row tables of the indication", snapshot_all_of_indication),
        ("eligibility", mon, [f"/records/{pk}/eligibility/" for pk in sample], "track_status + rows of indication",
         lambda: combined(track_status_only_on_change, snapshot_rows_of_indication)),
        ("eligibility", mon, [f"/records/{pk}/eligibility/" for pk in sample], "max_daily_dose at change points",
         max_daily_dose_at_change_points),
        ("eligibility", mon, [f"/records/{pk}/eligibility/" for pk in sample], "track_status + sections and rows",
         lambda: combined(track_status_only_on_change, snapshot_all_of_indication)),
        ("eligibility", mon, [f"/records/{pk}/eligibility/" for pk in sample], "those + max_daily_dose",
         lambda: combined(track_status_only_on_change, snapshot_all_of_indication, max_daily_dose_at_change_points)),
        ("eligibility", mon, [f"/records/{pk}/eligibility/" for pk in sample], "criterion rows rendered in Python",
         fast_eligibility_rows),
        ("eligibility", mon, [f"/records/{pk}/eligibility/" for pk in sample], "all four",
         lambda: combined(track_status_only_on_change, snapshot_all_of_indication, max_daily_dose_at_change_points,
                          fast_eligibility_rows)),
        ("audit", mon, [f"/records/{large}/audit/"], "predecessors by UNION ALL instead of OR", predecessors_by_union),
        ("audit", mon, [f"/records/{large}/audit/"], "cache Model.history managers", cached_history_managers),
        ("audit", mon, [f"/records/{large}/audit/"], "field_history reverse() cost removed (bound)", field_history_reverse_free),
        ("audit", mon, [f"/records/{large}/audit/"], "all three",
         lambda: combined(predecessors_by_union, cached_history_managers, field_history_reverse_free)),
    ]
    for section in ("labs", "medications"):
        urls = [f"/records/{pk}/sections/{section}/" for pk in sample[::3]]
        experiments += [
            (f"section {section}", coord, urls, "formset cells without crispy's field template", plain_formset_cells),
            (f"section {section}", coord, urls, "Select options without a template each", fast_select),
            (f"section {section}", coord, urls, "both", lambda: combined(plain_formset_cells, fast_select)),
        ]
    urls = [f"/records/{pk}/sections/{'ssc' if ind == 'DCSSC' else ind.lower()}/" for ind, pks in by_indication.items()
            for pk in pks[:1]]
    experiments += [("indication sections", coord, urls, "Select options without a template each", fast_select)]

    # after/before is the median of per-round ratios (each round runs both states
    # back to back), the figure to read on a machine whose load drifts.
    print(f"\n{'page':<20} {'candidate fix':<52} {'before ms':>9} {'after ms':>9} {'after/before':>12}")
    for page, client, urls, label, patch in experiments:
        before, after, ratio = measure(client, urls, patch, args.rounds)
        print(f"{page:<20} {label:<52} {before:>9.1f} {after:>9.1f} {ratio:>12.2f}", flush=True)
    import shutil

    shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
