"""Keep a project's "last updated" and current progress true when only one of its parts changes.

Editing a phase, a budget or a quantity changes what the project page says, so the project's
``updated_at`` (shown as "last updated", used by the feeds and the ``updated`` sort) moves too.
Saving or deleting a progress report also recomputes the project's current status
(``projects.progress``), for the project it belongs to and, if it was moved, the one it left.
The audit history records the part's own change; this only stamps the project.
"""

from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone


def touch_project(sender, instance, raw=False, **kwargs):
    """Signal receiver: stamp the part's project as updated now (not for fixture loads)."""
    if raw:
        return
    from projects.models import Project

    Project.objects.filter(pk=instance.project_id).update(updated_at=timezone.now())


def remember_project(sender, instance, **kwargs):
    """Signal receiver: note the project a report was loaded with, to refresh it if moved.
    Read from ``__dict__``: a deferred field must not cost a query per row."""
    instance._loaded_project_id = instance.__dict__.get("project_id")


def refresh_progress(sender, instance, raw=False, **kwargs):
    """Signal receiver: recompute the current progress of the report's project(s). A fixture
    or backup load (``raw``) keeps the projects' stored "last updated"."""
    from projects.progress import refresh_current_progress

    ids = {instance.project_id, getattr(instance, "_loaded_project_id", None)}
    refresh_current_progress(ids, touch=not raw)
    instance._loaded_project_id = instance.project_id


def connect_signals():
    from projects import facts
    from projects.models import Budget, Phase, ProgressUpdate, Project, Quantity
    from sectors.models import Sector

    # Derived facts (issue 19): the same signals that move the page cache's content version.
    for model in (Phase, Budget):
        label = model._meta.label_lower
        post_save.connect(facts.part_changed, sender=model, dispatch_uid=f"facts-save-{label}")
        post_delete.connect(facts.part_changed, sender=model, dispatch_uid=f"facts-delete-{label}")
    post_save.connect(facts.project_saved, sender=Project, dispatch_uid="facts-project-save")
    post_save.connect(facts.sector_saved, sender=Sector, dispatch_uid="facts-sector-save")

    for model in (Phase, Budget, Quantity):
        label = model._meta.label_lower
        post_save.connect(touch_project, sender=model, dispatch_uid=f"touch-project-save-{label}")
        post_delete.connect(
            touch_project, sender=model, dispatch_uid=f"touch-project-delete-{label}"
        )
    post_init.connect(remember_project, sender=ProgressUpdate, dispatch_uid="progress-init")
    post_save.connect(refresh_progress, sender=ProgressUpdate, dispatch_uid="progress-save")
    post_delete.connect(refresh_progress, sender=ProgressUpdate, dispatch_uid="progress-delete")
