"""App configuration for projects."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """The projects app: the portfolio and everything around a project."""

    name = "projects"
    verbose_name = _("Portfolio")

    def ready(self):
        # Any change to the portfolio invalidates the cached public pages (busanportal/cache.py).
        from busanportal import cache
        from projects import document, signals

        cache.connect_signals()
        signals.connect_signals()
        # `loaddata` never writes over an official's edit (projects/document.py).
        document.guard_raw_loads()
