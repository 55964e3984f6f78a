"""The URL conf as a matrix: each URL's expected answer per role, and how to ask it.
Shared by the access matrix, the monitor's refused writes and the query budgets."""

from django.contrib.auth import get_user_model
from django.urls import get_resolver, reverse

from screening.models.sites import COORDINATOR, INVESTIGATOR, MONITOR, SITE_ADMIN

ALL_ROLES = (COORDINATOR, INVESTIGATOR, MONITOR, SITE_ADMIN)

# url name -> status for a GET by each role at its own site (a POST for POSTED_READS).
EXPECTED_GET = {
    "home": {COORDINATOR: 302, INVESTIGATOR: 302, MONITOR: 302, SITE_ADMIN: 302},
    "record_list": dict.fromkeys(ALL_ROLES, 200),
    "record_create": {COORDINATOR: 200, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 403},
    "record_detail": dict.fromkeys(ALL_ROLES, 200),
    "section_edit": dict.fromkeys(ALL_ROLES, 200),
    "section_scores": dict.fromkeys(ALL_ROLES, 200),
    "review_queue": {COORDINATOR: 403, INVESTIGATOR: 200, MONITOR: 200, SITE_ADMIN: 200},
    "data_dictionary_csv": dict.fromkeys(ALL_ROLES, 200),
    "eligibility": dict.fromkeys(ALL_ROLES, 200),
    "eligibility_json": dict.fromkeys(ALL_ROLES, 200),
    "eligibility_print": dict.fromkeys(ALL_ROLES, 200),
    "eligibility_pdf": dict.fromkeys(ALL_ROLES, 200),
    "import_upload": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 200},
    "import_format": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 200},
    "import_example": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 200},
    "import_runs": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 200},
    "import_run": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 200},
    "import_run_status": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 200},
    "import_rerun": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 200},
    "record_audit": {COORDINATOR: 403, INVESTIGATOR: 200, MONITOR: 200, SITE_ADMIN: 200},
    "record_audit_csv": {COORDINATOR: 403, INVESTIGATOR: 200, MONITOR: 200, SITE_ADMIN: 200},
    "field_history": {COORDINATOR: 403, INVESTIGATOR: 200, MONITOR: 200, SITE_ADMIN: 200},
    "site_audit": {COORDINATOR: 403, INVESTIGATOR: 200, MONITOR: 200, SITE_ADMIN: 200},
    "site_audit_csv": {COORDINATOR: 403, INVESTIGATOR: 200, MONITOR: 200, SITE_ADMIN: 200},
    "sign_record": {COORDINATOR: 403, INVESTIGATOR: 200, MONITOR: 403, SITE_ADMIN: 403},
    "screening_log": dict.fromkeys(ALL_ROLES, 200),
    "site_dashboard": dict.fromkeys(ALL_ROLES, 200),
    "dashboard": dict.fromkeys(ALL_ROLES, 200),
    "screening_log_csv": dict.fromkeys(ALL_ROLES, 200),
    "screening_log_xlsx": dict.fromkeys(ALL_ROLES, 200),
    "access_log": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 200, SITE_ADMIN: 200},
    "audit_chain": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 200},
    # Data management: the posts answer a GET with 405 for the roles that may post, 403 for the others.
    "query_raise": {COORDINATOR: 403, INVESTIGATOR: 405, MONITOR: 405, SITE_ADMIN: 403},
    "query_answer": {COORDINATOR: 405, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 403},
    "query_close": {COORDINATOR: 403, INVESTIGATOR: 405, MONITOR: 405, SITE_ADMIN: 403},
    "query_reopen": {COORDINATOR: 403, INVESTIGATOR: 405, MONITOR: 405, SITE_ADMIN: 403},
    "sdv_mark": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 405, SITE_ADMIN: 403},
    "record_unfreeze": {COORDINATOR: 403, INVESTIGATOR: 200, MONITOR: 403, SITE_ADMIN: 200},
    "my_queries": dict.fromkeys(ALL_ROLES, 200),
    # The language switch: a POST for everyone signed in (tests/test_i18n.py).
    "set_language": dict.fromkeys(ALL_ROLES, 405),
    "sdv_worklist": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 200, SITE_ADMIN: 403},
    # Site user administration (manage_site_users): "Users" sends an administrator of one site to its list.
    "site_users_home": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 302},
    "site_users": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 200},
    "site_user_create": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 200},
    "site_user_edit": {COORDINATOR: 403, INVESTIGATOR: 403, MONITOR: 403, SITE_ADMIN: 200},
    "password_change": dict.fromkeys(ALL_ROLES, 200),
}
# Writes a monitor may make: queries and SDV marks, and their own interface language; never CRF data
# (tests/test_monitor_read_only.py).
MONITOR_WRITES = {"query_raise", "query_close", "query_reopen", "sdv_mark", "set_language"}
# A write every user makes on their own account, monitors included: never CRF data.
OWN_ACCOUNT_WRITES = {"password_change"}
# Reads that take a POST (the live scores post the form being filled in): the
# matrix posts to them, and a GET is refused.
POSTED_READS = {"section_scores"}
RECORD_URLS = {
    "record_detail", "section_edit", "eligibility", "eligibility_json", "eligibility_print", "eligibility_pdf",
    "sign_record",
    "record_audit", "record_audit_csv", "field_history", "section_scores",
    "query_raise", "sdv_mark", "record_unfreeze",
}
# Pages of one query: asked for a query on the record.
QUERY_URLS = {"query_answer", "query_close", "query_reopen"}
SITE_URLS = {"site_audit", "site_audit_csv", "access_log", "screening_log", "screening_log_csv", "screening_log_xlsx",
             "site_dashboard", "site_users", "site_user_create"}
# Pages of one user of a site: asked for a member of the record's site.
USER_URLS = {"site_user_edit"}
# Pages of one import run: asked for a run of the record's site.
RUN_URLS = {"import_run", "import_run_status", "import_rerun"}


def app_url_names():
    return {
        p.name
        for p in get_resolver("screening.urls").url_patterns
        if getattr(p, "name", None)
    }


def import_run_of(site):
    """A finished import run of the site (one per site, made when first asked for)."""
    from screening.exchange.jobs import create_run
    from screening.models import ImportRun

    run = ImportRun.objects.filter(site=site).first()
    if run is None:
        uploader, _ = get_user_model().objects.get_or_create(username="matrix-importer")
        run = create_run(b'{"records": []}', site, uploader, "matrix.json")
        ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.DONE, total=0)
    return run


def query_of(record):
    """A query on the record's organ section (one per record, made when first asked for)."""
    from screening.models import Query, QueryStep

    query = Query.objects.filter(record=record).first()
    if query is None:
        query = Query.objects.create(record=record, section="organ", field="lvef", target_label="Organ function: LVEF")
        QueryStep.objects.create(query=query, record=record, action=QueryStep.RAISED, text="Matrix?", state=query.state)
    return query


def member_of(site):
    """A coordinator of the site (one per site, made when first asked for)."""
    from django.contrib.auth.models import Group

    from screening.models import SiteMembership

    user, created = get_user_model().objects.get_or_create(username=f"matrix-member-{site.code.lower()}")
    if created:
        user.groups.add(Group.objects.get(name=COORDINATOR))
        SiteMembership.objects.create(user=user, site=site)
    return user


def url_for(name, record):
    if name in USER_URLS:
        return reverse(name, args=[record.site.code, member_of(record.site).pk])
    if name in QUERY_URLS:
        return reverse(name, args=[query_of(record).pk])
    if name in ("query_raise", "sdv_mark"):
        return reverse(name, args=[record.pk, "organ"])
    if name in RUN_URLS:
        return reverse(name, args=[import_run_of(record.site).pk])
    if name == "section_edit":
        return reverse(name, args=[record.pk, "organ"])
    if name == "field_history":
        return reverse(name, args=[record.pk, "organ", "organfunction.lvef"])
    if name == "section_scores":
        return reverse(name, args=[record.pk, "labs"])  # every indication has labs
    if name == "import_example":
        return reverse(name, args=["sle"])
    if name in SITE_URLS:
        return reverse(name, args=[record.site.code])
    if name in RECORD_URLS:
        return reverse(name, args=[record.pk])
    return reverse(name)


def ask(client, name, record):
    """The matrix's request: a GET, or a POST for the reads that take one."""
    url = url_for(name, record)
    return client.post(url) if name in POSTED_READS else client.get(url)
