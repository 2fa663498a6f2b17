"""Public URLs of the portfolio."""

from django.urls import path

from projects import api_docs, datapackage, export, linkeddata, reports, views

app_name = "projects"

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="list"),
    # The exports come before the detail pattern; a slug cannot contain a dot in any case.
    path("projects/export.csv", export.export_csv, name="export_csv"),
    path("projects/export.json", export.export_json, name="export_json"),
    path("projects/export.xlsx", export.export_xlsx, name="export_xlsx"),
    path("projects/<slug:slug>/", views.project_detail, name="detail"),
    path("projects/<slug:slug>/changes/", views.project_changes, name="project_changes"),
    path("changes/", views.change_log, name="changes"),
    path("projects/<slug:slug>/report/", reports.report_problem, name="report"),
    path("timeline/", views.timeline, name="timeline"),
    path("data/", export.data_page, name="data"),
    path(
        "data/catalog.jsonld",
        linkeddata.catalog,
        {"serialisation": "jsonld"},
        name="catalog_jsonld",
    ),
    path("data/catalog.ttl", linkeddata.catalog, {"serialisation": "ttl"}, name="catalog_ttl"),
    path("data/datapackage.json", datapackage.datapackage_json, name="datapackage"),
    path("data/busan-portal.zip", datapackage.package_archive, name="package_zip"),
    path("data/busan-portal.sqlite3", datapackage.offline_copy, name="offline_copy"),
    path(
        "data/busan-portal.metadata.json",
        datapackage.offline_copy_metadata,
        name="offline_copy_metadata",
    ),
    # One CSV file per table of the package (names from the data dictionary's tables).
    path("data/<slug:name>.csv", datapackage.table_file, name="table_csv"),
    # Under the site's language prefix (/ko/api/docs/); /api/ itself matches no other docs route.
    path("api/docs/", api_docs.api_reference, name="api_docs"),
]
