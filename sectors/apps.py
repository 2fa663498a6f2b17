"""App configuration for sectors."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SectorsConfig(AppConfig):
    """The sectors app: the industries projects are classified by."""

    name = "sectors"
    verbose_name = _("Sectors")

    def ready(self):
        from busanportal.cache import watch_models
        from sectors.models import Sector

        # Renaming or reordering a sector changes the cached public pages (busanportal/cache.py).
        watch_models(Sector)
