"""The strategic sectors (industries) that the Busan plan names."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from busanportal.i18n import translated
from busanportal.models import SluggedModel


class Sector(SluggedModel):
    """An industry the plan invests in, such as IT or green energy."""

    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_(
            "Short name used in web addresses and filters, e.g. 'it'. Do not change it "
            "once published: links people have shared use it."
        ),
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    description_en = models.TextField(
        _("description (English)"),
        blank=True,
        help_text=_("One or two sentences for the sector page."),
    )
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in lists; lower comes first.")
    )

    name = translated("name")
    description = translated("description")

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sectors:detail", args=[self.slug])
