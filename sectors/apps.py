"""App configuration for sectors."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SectorsConfig(AppConfig):
    """The sectors app: the industries projects are classified by."""

    name = "sectors"
    verbose_name = _("Sectors")
