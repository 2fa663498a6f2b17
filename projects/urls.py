"""Public URLs of the portfolio."""

from django.urls import path

from projects import export, reports, views

app_name = "projects"

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="list"),
    # The exports come before the detail pattern; a slug cannot contain a dot in any case.
    path("projects/export.csv", export.export_csv, name="export_csv"),
    path("projects/export.json", export.export_json, name="export_json"),
    path("projects/<slug:slug>/", views.project_detail, name="detail"),
    path("projects/<slug:slug>/changes/", views.project_changes, name="project_changes"),
    path("changes/", views.change_log, name="changes"),
    path("projects/<slug:slug>/report/", reports.report_problem, name="report"),
    path("timeline/", views.timeline, name="timeline"),
    path("data/", export.data_page, name="data"),
]
