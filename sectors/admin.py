"""The Django admin for sectors."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from sectors.models import Sector


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    """Sectors, with how many projects (published or not) each has."""

    list_display = ("name_en", "name_ko", "slug", "position", "project_count")
    list_editable = ("position",)
    search_fields = ("name_en", "name_ko", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    fields = ("name_en", "name_ko", "slug", "description_en", "description_ko", "position")

    def get_queryset(self, request):
        # An aggregate drops the model's default ordering; restore it for stable pages.
        return (
            super()
            .get_queryset(request)
            .annotate(admin_project_count=Count("projects"))
            .order_by("position", "slug")
        )

    @admin.display(description=_("projects"), ordering="admin_project_count")
    def project_count(self, sector):
        return sector.admin_project_count
