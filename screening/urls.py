from django.urls import path
from django.views.decorators.http import require_safe

from .access import language_views, user_views
from .audit import access_log_views, chain_views
from .audit import views as audit_views
from .checklist import live_scores_views
from .checklist import views as eligibility_views
from .crf import views
from .datamanagement import views as dm_views
from .exchange import run_views as import_run_views
from .exchange import views as import_views
from .reports import views as report_views
from .signatures import views as signature_views

# Pages that only read are wrapped in require_safe here, in one place: a POST to
# them is a 405, never a silent read. The pages that write check permissions.
read = require_safe

urlpatterns = [
    path("", read(views.home), name="home"),
    # POST only: the header's language switch (screening/access/language.py).
    path("language/", language_views.set_language, name="set_language"),
    path("records/", read(views.record_list), name="record_list"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/<int:pk>/", read(views.record_detail), name="record_detail"),
    path("records/<int:pk>/sections/<slug:key>/", views.section_edit, name="section_edit"),
    # POST only, and only reads: the live scores of the values being typed (docs/live-scores.md).
    path("records/<int:pk>/sections/<slug:key>/scores/", live_scores_views.section_scores, name="section_scores"),
    path("records/<int:pk>/eligibility/", read(eligibility_views.eligibility), name="eligibility"),
    path("records/<int:pk>/eligibility.json", read(eligibility_views.eligibility_json), name="eligibility_json"),
    path("records/<int:pk>/eligibility/print/", read(eligibility_views.eligibility_print), name="eligibility_print"),
    path("records/<int:pk>/eligibility.pdf", read(eligibility_views.eligibility_pdf), name="eligibility_pdf"),
    path("records/<int:pk>/sign/", signature_views.sign_record, name="sign_record"),
    path("records/<int:pk>/audit/", read(audit_views.record_audit), name="record_audit"),
    path("records/<int:pk>/audit.csv", read(audit_views.record_audit_csv), name="record_audit_csv"),
    path("records/<int:pk>/audit/<slug:key>/<str:field>/", read(audit_views.field_history), name="field_history"),
    path("review/", read(views.review_queue), name="review_queue"),
    path("sites/<str:code>/audit/", read(audit_views.site_audit), name="site_audit"),
    path("sites/<str:code>/audit.csv", read(audit_views.site_audit_csv), name="site_audit_csv"),
    path("sites/<str:code>/screening-log/", read(report_views.screening_log), name="screening_log"),
    path("sites/<str:code>/screening-log.csv", read(report_views.screening_log_csv), name="screening_log_csv"),
    path("sites/<str:code>/screening-log.xlsx", read(report_views.screening_log_xlsx), name="screening_log_xlsx"),
    path("sites/<str:code>/dashboard/", read(report_views.site_dashboard), name="site_dashboard"),
    path("dashboard/", read(report_views.dashboard), name="dashboard"),
    path("sites/<str:code>/access-log/", read(access_log_views.access_log), name="access_log"),
    path("audit/chain/", read(chain_views.audit_chain), name="audit_chain"),
    path("import/", import_views.import_upload, name="import_upload"),
    path("import/format/", read(import_views.import_format), name="import_format"),
    path("import/examples/<slug:indication>.json", read(import_views.import_example), name="import_example"),
    path("import/runs/", read(import_run_views.import_runs), name="import_runs"),
    path("import/runs/<int:run>/", read(import_run_views.import_run), name="import_run"),
    path("import/runs/<int:run>/status.json", read(import_run_views.import_run_status), name="import_run_status"),
    path("import/runs/<int:run>/again/", import_run_views.import_rerun, name="import_rerun"),
    # Data management (docs/data-management.md): queries, source data verification, unfreezing.
    path("records/<int:pk>/sections/<slug:key>/queries/", dm_views.query_raise, name="query_raise"),
    path("records/<int:pk>/sections/<slug:key>/sdv/", dm_views.sdv_mark, name="sdv_mark"),
    path("records/<int:pk>/unfreeze/", dm_views.record_unfreeze, name="record_unfreeze"),
    path("queries/", read(dm_views.my_queries), name="my_queries"),
    path("queries/<int:pk>/answer/", dm_views.query_answer, name="query_answer"),
    path("queries/<int:pk>/close/", dm_views.query_close, name="query_close"),
    path("queries/<int:pk>/reopen/", dm_views.query_reopen, name="query_reopen"),
    path("sdv/", read(dm_views.sdv_worklist), name="sdv_worklist"),
    # Site user administration and every user's own password (docs/access-control.md).
    path("users/", read(user_views.site_users_home), name="site_users_home"),
    path("sites/<str:code>/users/", read(user_views.site_users), name="site_users"),
    path("sites/<str:code>/users/new/", user_views.site_user_create, name="site_user_create"),
    path("sites/<str:code>/users/<int:pk>/", user_views.site_user_edit, name="site_user_edit"),
    path("account/password/", user_views.password_change, name="password_change"),
    path("data-dictionary.csv", read(views.data_dictionary_csv), name="data_dictionary_csv"),
]
