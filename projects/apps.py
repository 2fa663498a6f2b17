"""App configuration for projects."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """The projects app: the portfolio and everything around a project."""

    name = "projects"
    verbose_name = _("Portfolio")

    def ready(self):
        from busanportal.cache import after_content_change, watch_models
        from projects import document, history, models, search, selectors, signals

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
        # The whole portfolio's counts are counted once per committed change, not per page.
        after_content_change(selectors.recount_portfolio)
        signals.connect_signals()
        history.connect_signals()
        search.connect_signals()
        # `loaddata` never writes over an official's edit (projects/document.py).
        document.guard_raw_loads()
