"""Public URLs of the portfolio."""

from django.urls import path

from projects import api_docs, export, linkeddata, views

app_name = "projects"

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="list"),
    # The exports come before the detail pattern; a slug cannot contain a dot in any case.
    path("projects/export.csv", export.export_csv, name="export_csv"),
    path("projects/export.json", export.export_json, name="export_json"),
    path("projects/export.xlsx", export.export_xlsx, name="export_xlsx"),
    path("projects/<slug:slug>/", views.project_detail, name="detail"),
    path("timeline/", views.timeline, name="timeline"),
    path("data/", export.data_page, name="data"),
    path(
        "data/catalog.jsonld",
        linkeddata.catalog,
        {"serialisation": "jsonld"},
        name="catalog_jsonld",
    ),
    path("data/catalog.ttl", linkeddata.catalog, {"serialisation": "ttl"}, name="catalog_ttl"),
    # Under the site's language prefix (/ko/api/docs/); /api/ itself matches no other docs route.
    path("api/docs/", api_docs.api_reference, name="api_docs"),
]
