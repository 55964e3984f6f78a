from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("records/", views.record_list, name="record_list"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/sections/<slug:key>/", views.section_edit, name="section_edit"),
    path("review/", views.review_queue, name="review_queue"),
    path("data-dictionary.csv", views.data_dictionary_csv, name="data_dictionary_csv"),
]
