"""The audit trail's own fields: what kind of change each version is, and the official's source.

django-simple-history records every version of a project, phase, budget and quantity (and a
project's links to sectors, places and organisations). The public change log (``/changes/``)
needs more than "who and when": the kind of change (a correction, an amendment of the plan, a
progress report or a revert), the official's reason and the source it rests on. The reason is
simple-history's own ``history_change_reason`` (a text column here, as a reason can be long);
the kind and source are columns of every historical table through ``ChangeRecord``.

An official's form (projects/forms.py) or the revert view sets them on the instance as
``_change_kind`` and ``_change_source`` (``_change_reason`` is simple-history's); the receiver
below copies them onto each version as it is created, the versions of a many-to-many change
included.
"""

from django.db import models
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record

from projects.concurrency import VersionedHistoricalRecords

#: The longest reason and source an official may give (the form says so beside the field).
REASON_MAX_LENGTH = 2000
SOURCE_MAX_LENGTH = 500


class ChangeKind(models.TextChoices):
    """What a change to published content is, as the public change log names it."""

    CORRECTION = "correction", _("Correction")
    AMENDMENT = "amendment", _("Amendment of the plan")
    PROGRESS_REPORT = "progress-report", _("Progress report")
    REVERT = "revert", _("Revert")


#: The kinds an official chooses in a form; a revert is recorded by the revert itself and a
#: progress report by entering one.
CHOSEN_KINDS = (ChangeKind.CORRECTION, ChangeKind.AMENDMENT)


class ChangeRecord(models.Model):
    """Fields every historical record of the portfolio carries besides simple-history's own."""

    change_kind = models.CharField(
        _("kind of change"), max_length=20, choices=ChangeKind.choices, blank=True
    )
    change_source = models.CharField(
        _("source of the change"), max_length=SOURCE_MAX_LENGTH, blank=True
    )

    class Meta:
        abstract = True


#: Every ``HistoricalRecords`` made by ``portfolio_history``; the class attribute is replaced by
#: simple-history's manager descriptor, so this is how ``history_records_for`` finds them.
_ALL_RECORDS = []


def portfolio_history(**kwargs):
    """The ``HistoricalRecords`` of a portfolio model: with the change's kind and source, and a
    reason of any length."""
    # Versioned: each version keeps its django-concurrency number as a plain integer.
    records = VersionedHistoricalRecords(
        bases=[ChangeRecord],
        history_change_reason_field=models.TextField(null=True),
        **kwargs,
    )
    _ALL_RECORDS.append(records)
    return records


def copy_change_details(sender, instance, history_instance, **kwargs):
    """Signal receiver: put the kind and source set on ``instance`` on its new version."""
    if not isinstance(history_instance, ChangeRecord):
        return
    history_instance.change_kind = getattr(instance, "_change_kind", "") or ""
    history_instance.change_source = (getattr(instance, "_change_source", "") or "")[
        :SOURCE_MAX_LENGTH
    ]


def skip_history_of_raw_loads(sender, instance, raw=False, **kwargs):
    """Signal receiver: a fixture load (``loaddata`` saves raw) records no version, also not of
    the many-to-many links it sets after the raw save (simple-history's m2m handler would)."""
    if raw:
        instance.skip_history_when_saving = True


def connect_signals():
    pre_create_historical_record.connect(
        copy_change_details, dispatch_uid="projects-history-copy-change-details"
    )
    for records in _ALL_RECORDS:
        pre_save.connect(
            skip_history_of_raw_loads,
            sender=records.cls,
            dispatch_uid=f"projects-history-skip-raw-{records.cls._meta.label_lower}",
        )


def history_records_for(model):
    """The ``HistoricalRecords`` that versions ``model`` (to record a version by hand)."""
    for records in _ALL_RECORDS:
        if records.cls is model:
            return records
    raise LookupError(f"{model.__name__} keeps no portfolio history")


def hold_version(instance, history_type):
    """Hold back the version the next save of ``instance`` would record, and the ones its
    many-to-many changes would add, until ``record_held_version``: one save of a form or an
    imported row is then one version, its links included."""
    instance.skip_history_when_saving = True
    if history_type is not None:
        instance._held_history_type = history_type


def record_held_version(instance):
    """Record the version ``hold_version`` held back (nothing if none was held)."""
    if hasattr(instance, "skip_history_when_saving"):
        del instance.skip_history_when_saving
    history_type = getattr(instance, "_held_history_type", None)
    if history_type is not None:
        del instance._held_history_type
        history_records_for(type(instance)).create_historical_record(instance, history_type)


def versioned_links(model) -> dict:
    """{many-to-many field name: its historical model} for ``model``'s versioned links.
    (simple-history keeps one registry of them for every model, hence the filter.)"""
    try:
        records = history_records_for(model)
    except LookupError:
        return {}
    return {
        model_field.name: m2m_model
        for model_field, m2m_model in records.m2m_models.items()
        if model_field.model is model
    }


def links_of_version(version) -> dict:
    """{many-to-many field name: [linked pk, ...]} as the historical ``version`` recorded them
    (one query per field; empty for a model without versioned links)."""
    model = version.instance_type
    links = {}
    for name, m2m_model in versioned_links(model).items():
        target = model._meta.get_field(name).m2m_reverse_field_name()
        links[name] = list(
            m2m_model.objects.filter(history=version).values_list(f"{target}_id", flat=True)
        )
    return links
