"""App configuration for projects."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """The projects app: the portfolio and everything around a project."""

    name = "projects"
    verbose_name = _("Portfolio")

    def ready(self):
        from busanportal.cache import watch_models
        from projects import models, signals

        # Any change to the portfolio invalidates the cached public pages (busanportal/cache.py).
        watch_models(
            models.SourceDocument,
            models.Strategy,
            models.Program,
            models.Place,
            models.Organisation,
            models.Project,
            models.Phase,
            models.Budget,
            models.Quantity,
            models.ProgressUpdate,
        )
        signals.connect_signals()
