"""App configuration for projects."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """The projects app: the portfolio and everything around a project."""

    name = "projects"
    verbose_name = _("Portfolio")
