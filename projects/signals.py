"""Keep a project's "last updated" true when only one of its parts changes.

Editing a phase, a budget or a quantity changes what the project page says, so the project's
``updated_at`` (shown as "last updated", used by the feeds and the ``updated`` sort) moves too.
The audit history records the part's own change; this only stamps the time on the project.
"""

from django.db.models.signals import post_delete, post_save
from django.utils import timezone


def touch_project(sender, instance, raw=False, **kwargs):
    """Signal receiver: stamp the part's project as updated now (not for fixture loads)."""
    if raw:
        return
    from projects.models import Project

    Project.objects.filter(pk=instance.project_id).update(updated_at=timezone.now())


def connect_signals():
    from projects import facts
    from projects.models import Budget, Phase, Project, Quantity

    # Derived facts (issue 19): the same signals that move the page cache's content version.
    for model in (Phase, Budget):
        label = model._meta.label_lower
        post_save.connect(facts.part_changed, sender=model, dispatch_uid=f"facts-save-{label}")
        post_delete.connect(facts.part_changed, sender=model, dispatch_uid=f"facts-delete-{label}")
    post_save.connect(facts.project_saved, sender=Project, dispatch_uid="facts-project-save")

    for model in (Phase, Budget, Quantity):
        label = model._meta.label_lower
        post_save.connect(touch_project, sender=model, dispatch_uid=f"touch-project-save-{label}")
        post_delete.connect(
            touch_project, sender=model, dispatch_uid=f"touch-project-delete-{label}"
        )
