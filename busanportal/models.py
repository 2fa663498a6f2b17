"""Model building blocks shared by the apps: rows named by a slug, their natural key in fixtures.

Site infrastructure, like ``busanportal.i18n``: both apps build on it and it knows neither.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SlugManager(models.Manager):
    """Looks rows up by slug, their natural key in fixtures."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def slug_natural_key(*dependencies: str):
    """A ``natural_key`` method (the row's slug) for a model whose fixtures must be loaded after
    those of ``dependencies`` (``"app.model"`` labels)."""

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = list(dependencies)
    return natural_key


class SluggedModel(models.Model):
    """A row identified by a unique slug, its natural key in fixtures.

    A model may redefine ``slug`` (another length, a help text) and give ``natural_key`` its
    dependencies with ``slug_natural_key``; a manager of its own should derive from
    ``SlugManager``.
    """

    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    objects = SlugManager()

    natural_key = slug_natural_key()

    class Meta:
        abstract = True
