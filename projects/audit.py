"""Keep the audit trail complete for records that existed before history was recorded.

Records loaded from fixtures (``loaddata`` saves raw, without history) or created before
django-simple-history was installed have no version. Without one, their first change in the
admin could not be shown as a change (there is nothing to compare with) nor reverted. So, just
before the first recorded change of such a record, its stored state is recorded as its first
version.
"""

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from projects.history import history_records_for

BASELINE_REASON = gettext_noop("State before the first recorded change")


def ensure_history_baseline(instance):
    """Record the stored state of ``instance`` as its first version if it has no version yet.

    Call it before saving a change; it does nothing for new records, for models without history
    and for records that already have one. Costs one query when a version exists.
    """
    model = type(instance)
    history = getattr(model, "history", None)
    if instance.pk is None or history is None:
        return
    if history.filter(**{model._meta.pk.attname: instance.pk}).exists():
        return
    stored = model._default_manager.filter(pk=instance.pk).first()
    if stored is None:
        return
    # Nobody is known to have made the stored state; the middleware's current user must not be
    # credited with it.
    stored._history_user = None
    stored._change_reason = gettext(BASELINE_REASON)
    stored._history_date = getattr(stored, "updated_at", None) or timezone.now()
    # One version with the many-to-many links as stored (bulk_history_create records none).
    history_records_for(model).create_historical_record(stored, "+")
