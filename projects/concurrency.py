"""No lost updates: a form opened before someone else saved the same record is refused.

Projects, phases and budgets carry a version number (django-concurrency's
``AutoIncVersionField``): every save adds one, and the library's conditional ``UPDATE ... WHERE
version = N`` refuses, at the database, a save made from an older version
(``RecordModifiedError``). The admin forms carry the version they were opened at, in a signed
hidden field, and ``ConcurrentEditFormMixin`` checks it first, so that the official gets a
message instead of an error page:

* what the other official changed, field by field (their value and, where this official typed
  something else, this official's value), and who saved it when;
* the form shown again with everything this official typed; the fields this official left alone
  now hold the other official's values, and the form carries the new version, so that saving
  again keeps both officials' work. Nothing is saved until the official has seen the message.

Where the version the form was opened at is no longer in the history (rows loaded before the
history was kept), every field that differs from the stored record is listed and this official's
input is kept as typed.
"""

from concurrency.fields import AutoIncVersionField, VersionField
from concurrency.forms import get_signer
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

#: The name of the version column on every model that is protected against lost updates.
VERSION_FIELD = "version"
#: Long texts are cut to this many characters in the refusal message.
SHOWN_CHARACTERS = 160


def version_field():
    """The version column of a model protected against lost updates."""
    return AutoIncVersionField(
        verbose_name=gettext_lazy("version"),
        help_text=gettext_lazy(
            "Goes up by one at every save; a form opened at an older version is refused."
        ),
    )


class VersionedHistoricalRecords(HistoricalRecords):
    """django-simple-history's records, keeping each version's number as a plain integer.

    Copied as it is, the version field would act in the history table too: a version-0 row
    (loaded raw from a fixture) would be stored as version 1 in its history, and the version a
    stale form was opened at could not be found there.
    """

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for field in fields.values():
            if isinstance(field, VersionField):
                field.__class__ = models.BigIntegerField
        return fields


def _comparable(model_field, value):
    """A value of ``model_field`` reduced to something comparable across a model instance, a
    historical record and a form's cleaned data (primary keys for relations, sets for lists)."""
    if model_field.many_to_many:
        return frozenset(getattr(item, "pk", item) for item in (value or ()))
    if model_field.is_relation:
        return getattr(value, "pk", value)
    if value == "" and model_field.null:
        return None
    return value


def _stored_value(model_field, record):
    if model_field.many_to_many:
        return list(getattr(record, model_field.name).all())
    return getattr(record, model_field.attname)


def _shown(model_field, value):
    """A value as an official reads it in the refusal message."""
    if model_field.many_to_many:
        items = [str(item) for item in value or ()]
        return ", ".join(items) if items else _("(empty)")
    if model_field.is_relation:
        if value is None:
            return _("(empty)")
        if not isinstance(value, models.Model):
            value = model_field.related_model._base_manager.filter(pk=value).first()
        return str(value) if value is not None else _("(empty)")
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    text = formats.localize(value) if isinstance(value, int | float) else str(value)
    if len(text) > SHOWN_CHARACTERS:
        text = text[: SHOWN_CHARACTERS - 1] + "…"
    return text


class ConcurrentEditFormMixin:
    """For a ``ModelForm`` with a ``version`` field: refuse a save from an out-of-date form,
    say what changed, and show the form again with both officials' values (module docstring).
    """

    def clean(self):
        cleaned_data = super().clean()
        instance = self.instance
        if instance.pk is None or VERSION_FIELD not in self.fields:
            return cleaned_data
        model = type(instance)
        stored = model._base_manager.filter(pk=instance.pk).first()
        opened_at = cleaned_data.get(VERSION_FIELD)
        # No stored row: a deleted record being restored from its history. No version posted
        # (a tampered form) is reported by the field itself.
        if stored is None or opened_at is None:
            return cleaned_data
        current = getattr(stored, VERSION_FIELD)
        if opened_at == current:
            return cleaned_data
        self._refuse_stale_edit(stored, opened_at, current)
        return cleaned_data

    # The refusal ------------------------------------------------------------------------------

    def _refuse_stale_edit(self, stored, opened_at, current):
        model = type(stored)
        history = getattr(model, "history", None)
        base = None
        latest = None
        if history is not None:
            records = history.filter(**{model._meta.pk.attname: stored.pk})
            base = records.filter(**{VERSION_FIELD: opened_at}).order_by("-history_date").first()
            latest = records.select_related("history_user").order_by("-history_date").first()
        lines = []
        for name in self._edited_field_names():
            model_field = model._meta.get_field(name)
            theirs = _stored_value(model_field, stored)
            yours = self.cleaned_data.get(name, theirs)
            their_key = _comparable(model_field, theirs)
            your_key = _comparable(model_field, yours)
            if base is not None and not model_field.many_to_many:
                opened_key = _comparable(model_field, getattr(base, model_field.attname))
                if their_key == opened_key:
                    continue  # the other official left this field alone
                if your_key == opened_key:
                    # Only the other official changed it: the form now shows their value.
                    self._show_in_form(name, theirs)
                    lines.append(
                        _("%(field)s: now “%(theirs)s”.")
                        % {"field": self._label(name), "theirs": _shown(model_field, theirs)}
                    )
                    continue
            if their_key == your_key:
                continue
            lines.append(
                _("%(field)s: theirs “%(theirs)s”, yours “%(yours)s” (yours is kept in the form).")
                % {
                    "field": self._label(name),
                    "theirs": _shown(model_field, theirs),
                    "yours": _shown(model_field, yours),
                }
            )
        # The form now carries the stored version: saving it again is a deliberate choice made
        # after reading what the other official did.
        self._show_in_form(VERSION_FIELD, get_signer().sign(current), prepared=True)
        who = getattr(latest, "history_user", None)
        when = getattr(latest, "history_date", None)
        intro = _(
            "Not saved: %(who)s saved this %(item)s%(when)s after you opened it (version "
            "%(current)s; you opened version %(opened)s). Their changes are listed below and "
            "are now in the form, which still holds everything you typed. Check it and save "
            "again."
        ) % {
            "who": who.get_username() if who is not None else _("another official"),
            "item": model._meta.verbose_name,
            "when": (" " + _("at %(time)s") % {"time": formats.localize(when)}) if when else "",
            "current": current,
            "opened": opened_at,
        }
        if not lines:
            lines.append(_("Their change does not touch the fields of this form."))
        self.add_error(None, forms.ValidationError([intro, *lines], code="stale"))

    def _edited_field_names(self):
        model = self._meta.model
        names = []
        for name in self.fields:
            if name == VERSION_FIELD:
                continue
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:  # a form-only field
                continue
            if model_field.concrete and model_field.editable and not model_field.primary_key:
                names.append(name)
        return names

    def _label(self, name):
        return capfirst(str(self.fields[name].label or name))

    def _show_in_form(self, name, value, prepared=False):
        """Put ``value`` in the submitted data of field ``name``, as its widget would post it,
        so that the form shown again holds it."""
        if not hasattr(self.data, "setlist"):
            return
        if not getattr(self, "_data_copied", False):
            self.data = self.data.copy()
            self._data_copied = True
        key = self.add_prefix(name)
        field = self.fields[name]
        if prepared:
            self.data[key] = value or ""
            return
        if isinstance(value, list | tuple):
            value = [getattr(item, "pk", item) for item in value]
        prepared_value = field.prepare_value(value)
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                self.data[key] = "on"
            else:
                self.data.pop(key, None)
        elif isinstance(prepared_value, list | tuple):
            self.data.setlist(key, [str(item) for item in prepared_value])
        else:
            self.data[key] = "" if prepared_value is None else str(prepared_value)
