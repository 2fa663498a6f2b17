"""Loading the source document without ever overwriting the city's edits.

``fixtures/busan.json`` holds what the document says. ``load_document`` (the ``manage.py
load_document`` command, which ``make migrate`` and ``make run`` use) reads it row by row:

* a row the database does not have is inserted, and its first version is recorded in the
  history, dated now (when the document was loaded), with the reason ``DOCUMENT_LOADED``;
* a row the database holds as the document has it is left as it is (loading twice changes
  nothing); if it had no history yet, its first version is recorded;
* a row that differs from the document is updated to the document's text only when its history
  shows nothing but document loads (the document itself was revised); a row an official has
  changed, or deleted, is left alone and reported. For models without a history (sectors,
  goals, programs, places, organisations) nobody can tell an official's edit from a
  revised document, so a row that differs is always left alone and reported.

``loaddata busan`` writes rows as they are in the file. ``guard_raw_loads`` makes it safe too: it
refuses (stopping the whole load, which then changes nothing) to overwrite a row that an official
has changed, and keeps the version number of rows it rewrites unchanged.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.db import models, transaction
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.translation import gettext_noop

from projects.concurrency import VERSION_FIELD

#: Change reasons of the versions the document load records.
DOCUMENT_LOADED = gettext_noop("Loaded from the source document")
DOCUMENT_UPDATED = gettext_noop("Updated from the revised source document")
DOCUMENT_REASONS = (DOCUMENT_LOADED, DOCUMENT_UPDATED)
#: Columns the document does not decide: the record's own bookkeeping. Columns that are not
#: editable (the search text, derived spans and totals, the current progress kept from the
#: reports) are computed from the rest and are not compared either.
BOOKKEEPING_FIELDS = {"created_at", "updated_at", VERSION_FIELD}


class DocumentOverwriteRefused(Exception):
    """``loaddata`` would have put the document's text over an official's edit."""


@dataclass
class LeftAlone:
    """A row of the document that the database keeps as it is, and why."""

    label: str
    reason: str

    def __str__(self):
        return f"{self.label}: {self.reason}"


@dataclass
class LoadReport:
    """What a document load did, row by row."""

    inserted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    left_alone: list[LeftAlone] = field(default_factory=list)


def fixture_path(name: str = "busan") -> Path:
    """The fixture file ``name`` as ``loaddata`` finds it (``FIXTURE_DIRS``), or a path."""
    candidate = Path(name)
    if candidate.suffix == ".json" and candidate.exists():
        return candidate
    for directory in settings.FIXTURE_DIRS:
        path = Path(directory) / f"{name}.json"
        if path.exists():
            return path
    raise FileNotFoundError(name)


def _history(model):
    return getattr(model, "history", None)


def _label(instance) -> str:
    key = instance.natural_key() if hasattr(instance, "natural_key") else (instance.pk,)
    return f"{instance._meta.label_lower} {'/'.join(str(part) for part in key)}"


def _official_records(model, pk):
    """The versions of a row that were not recorded by a document load, newest first."""
    return (
        _history(model)
        .filter(**{model._meta.pk.attname: pk})
        .exclude(history_change_reason__in=DOCUMENT_REASONS)
        .select_related("history_user")
        .order_by("-history_date")
    )


def _who_and_when(record) -> str:
    who = record.history_user.get_username() if record.history_user else "an official"
    return f"{who}, {timezone.localtime(record.history_date):%Y-%m-%d %H:%M}"


def _differences(stored, document, m2m_data) -> list[str]:
    """The document's fields whose stored value differs from the document's."""
    names = []
    for model_field in stored._meta.concrete_fields:
        if model_field.primary_key or model_field.name in BOOKKEEPING_FIELDS:
            continue
        if not model_field.editable:
            continue  # derived columns (search text, spans, totals, current progress)
        if getattr(stored, model_field.attname) != getattr(document, model_field.attname):
            names.append(model_field.name)
    for name, pks in (m2m_data or {}).items():
        stored_pks = set(getattr(stored, name).values_list("pk", flat=True))
        if stored_pks != {int(pk) for pk in pks}:
            names.append(name)
    return names


def _natural_lookup(instance) -> dict | None:
    """How to find a row's past versions by its natural key (its primary key is new)."""
    if hasattr(instance, "slug"):
        return {"slug": instance.slug}
    if hasattr(instance, "key") and hasattr(instance, "project_id"):
        return {"project_id": instance.project_id, "key": instance.key}
    return None


def _deleted_by_official(instance):
    """The deletion of this row by an official, if the history records one."""
    history = _history(type(instance))
    lookup = _natural_lookup(instance)
    if history is None or lookup is None:
        return None
    latest = history.filter(**lookup).select_related("history_user").order_by("-history_date")
    latest = latest.first()
    return latest if latest is not None and latest.history_type == "-" else None


def _record_version(instance, reason):
    """Record the row's stored state as a version of the document load, dated now."""
    history = _history(type(instance))
    if history is None:
        return
    instance._history_user = None
    history.bulk_history_create(
        [instance], default_change_reason=reason, default_date=timezone.now()
    )


@transaction.atomic
def load_document(name: str = "busan") -> LoadReport:
    """Load the fixture ``name`` as described in the module docstring; one transaction."""
    report = LoadReport()
    with fixture_path(name).open(encoding="utf-8") as stream:
        deferred = []
        for item in serializers.deserialize("json", stream, handle_forward_references=True):
            document = item.object
            model = type(document)
            stored = (
                model._base_manager.filter(pk=document.pk).first()
                if document.pk is not None
                else None
            )
            if stored is None:
                _insert(item, report, deferred)
            else:
                _reconcile(item, stored, report)
        for item in deferred:
            item.save_deferred_fields()
    return report


def _insert(item, report, deferred):
    document = item.object
    deletion = _deleted_by_official(document)
    if deletion is not None:
        report.left_alone.append(
            LeftAlone(_label(document), f"deleted by {_who_and_when(deletion)}; not restored")
        )
        return
    if hasattr(document, VERSION_FIELD):
        setattr(document, VERSION_FIELD, 1)  # a raw insert skips the version field's own default
    document._document_load = True
    item.save()
    if item.deferred_fields:
        deferred.append(item)
    _record_version(document, DOCUMENT_LOADED)
    report.inserted.append(_label(document))


def _reconcile(item, stored, report):
    document = item.object
    model = type(stored)
    label = _label(stored)
    history = _history(model)
    changed = _differences(stored, document, item.m2m_data)
    if not changed:
        if history is not None and not history.filter(id=stored.pk).exists():
            _record_version(stored, DOCUMENT_LOADED)
        report.unchanged.append(label)
        return
    fields = ", ".join(changed)
    if history is None:
        report.left_alone.append(
            LeftAlone(label, f"differs from the document ({fields}); kept as it is")
        )
        return
    official = _official_records(model, stored.pk).first()
    if official is not None or not history.filter(id=stored.pk).exists():
        by = f"changed by {_who_and_when(official)}" if official else "changed outside the admin"
        report.left_alone.append(LeftAlone(label, f"{by} ({fields}); kept as it is"))
        return
    # Only document loads in its history: the document was revised, so the row follows it.
    for model_field in model._meta.concrete_fields:
        if model_field.name in changed and not model_field.many_to_many:
            setattr(stored, model_field.attname, getattr(document, model_field.attname))
    stored._change_reason = DOCUMENT_UPDATED
    stored._history_user = None
    stored.save()
    for name, pks in (item.m2m_data or {}).items():
        if name in changed:
            getattr(stored, name).set(pks)
    report.updated.append(f"{label} ({fields})")


# Plain `loaddata`: never over an official's edit ---------------------------------------------


def refuse_raw_overwrite(sender, instance, raw=False, **kwargs):
    """``pre_save`` receiver: on a raw (fixture) save over an existing row, refuse if an
    official has changed that row, and otherwise keep its version number as it is."""
    if not raw or instance.pk is None or getattr(instance, "_document_load", False):
        return
    stored = sender._base_manager.filter(pk=instance.pk).first()
    if stored is None:
        return
    history = _history(sender)
    if history is not None:
        official = _official_records(sender, stored.pk).first()
        if official is not None:
            raise DocumentOverwriteRefused(
                f"{_label(stored)} was changed by {_who_and_when(official)}; loaddata would "
                "overwrite it. Run `python manage.py load_document`, which loads the document "
                "and leaves officials' changes as they are."
            )
    elif _differences(stored, instance, None):
        raise DocumentOverwriteRefused(
            f"{_label(stored)} differs from the document; loaddata would overwrite it. Run "
            "`python manage.py load_document`, which leaves such rows as they are."
        )
    if hasattr(stored, VERSION_FIELD):
        # The fixture has no version: keep the stored one, and do not count a rewrite of the
        # same text as a new version.
        setattr(instance, VERSION_FIELD, getattr(stored, VERSION_FIELD))
        instance._concurrency_disable_increment = True
        instance._concurrency_disabled = True


def document_models():
    """Every model the document's fixture holds rows of."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in {"projects", "sectors"}
        and not model._meta.label_lower.startswith("projects.historical")
        and issubclass(model, models.Model)
    ]


def guard_raw_loads():
    for model in document_models():
        pre_save.connect(
            refuse_raw_overwrite,
            sender=model,
            dispatch_uid=f"refuse-raw-overwrite-{model._meta.label_lower}",
        )
