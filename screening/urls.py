from django.urls import path

from . import eligibility_views, import_views, signature_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("records/", views.record_list, name="record_list"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/sections/<slug:key>/", views.section_edit, name="section_edit"),
    path("records/<int:pk>/eligibility/", eligibility_views.eligibility, name="eligibility"),
    path("records/<int:pk>/eligibility.json", eligibility_views.eligibility_json, name="eligibility_json"),
    path("records/<int:pk>/eligibility/print/", eligibility_views.eligibility_print, name="eligibility_print"),
    path("records/<int:pk>/sign/", signature_views.sign_record, name="sign_record"),
    path("review/", views.review_queue, name="review_queue"),
    path("import/", import_views.import_upload, name="import_upload"),
    path("data-dictionary.csv", views.data_dictionary_csv, name="data_dictionary_csv"),
]

# --- Audit trail (screening/audit_views.py); block appended separately, to be merged by the lead ---
from . import audit_views  # noqa: E402

urlpatterns += [
    path("records/<int:pk>/audit/", audit_views.record_audit, name="record_audit"),
    path("records/<int:pk>/audit.csv", audit_views.record_audit_csv, name="record_audit_csv"),
    path("records/<int:pk>/audit/<slug:key>/<str:field>/", audit_views.field_history, name="field_history"),
    path("sites/<str:code>/audit/", audit_views.site_audit, name="site_audit"),
    path("sites/<str:code>/audit.csv", audit_views.site_audit_csv, name="site_audit_csv"),
]

# --- User access log (screening/access_log_views.py); block appended separately, to be merged by the lead ---
from . import access_log_views  # noqa: E402

urlpatterns += [
    path("sites/<str:code>/access-log/", access_log_views.access_log, name="access_log"),
]
