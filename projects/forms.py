"""Admin forms for the portfolio."""

import unicodedata

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from projects import datadictionary as dd
from projects.concurrency import VERSION_FIELD, ConcurrentEditFormMixin
from projects.history import (
    CHOSEN_KINDS,
    REASON_MAX_LENGTH,
    SOURCE_MAX_LENGTH,
    ChangeKind,
    links_of_version,
)
from projects.models import (
    Budget,
    BudgetStage,
    MilestoneState,
    PaymentSource,
    Phase,
    ProgressUpdate,
    Project,
    Quantity,
)


def https_urls(db_field, **kwargs):
    """Form fields for a model form, reading a web address typed without a scheme as https
    (Django 6's default, already; the admin does the same with ``formfield_overrides``)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


#: The form fields that record what kind of change a save is, why and on what source.
CHANGE_FIELDS = ("change_kind", "change_reason", "change_source")
#: Line breaks and tabs are text; every other control character is refused.
ALLOWED_CONTROL_CHARACTERS = {"\n", "\r", "\t"}


def refuse_control_characters(value):
    if any(
        unicodedata.category(char) == "Cc" and char not in ALLOWED_CONTROL_CHARACTERS
        for char in value
    ):
        raise forms.ValidationError(
            _("Remove the control characters (invisible characters) from this text."),
            code="control_characters",
        )


class ChangeDetailsMixin(forms.ModelForm):
    """The kind, reason and source of a change, asked on every form that changes published
    content, and required when the change touches a planned date, an amount or a source text
    (``guarded_fields``): the public change log then says what changed, why and on what basis.

    A revert (``reverting``) is recorded as kind "revert" whatever is chosen; its reason, when
    none is given, names the version it went back to.
    """

    guarded_fields: tuple = ()
    #: Set by the revert view (projects/admin.py) to the version being restored.
    reverting = None

    change_kind = forms.ChoiceField(
        label=_("kind of change"),
        choices=[("", "---------"), *[(kind.value, kind.label) for kind in CHOSEN_KINDS]],
        required=False,
        help_text=_(
            "Correction: the portal had it wrong. Amendment: the city changed the plan. "
            "Shown to the public in the change log."
        ),
    )
    change_reason = forms.CharField(
        label=_("reason for the change"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text=_("Required when you change a date, an amount or a source text. Public."),
    )
    change_source = forms.CharField(
        label=_("source of the change"),
        max_length=SOURCE_MAX_LENGTH,
        required=False,
        validators=[refuse_control_characters],
        help_text=_("The decision, report or web page the change rests on. Public."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.reverting is not None and not self.is_bound:
            # The version's own links (sectors, places, organisations), not today's.
            for name, pks in links_of_version(self.reverting).items():
                if name in self.fields:
                    self.initial[name] = pks

    def changes_guarded_fact(self):
        """Whether this save changes a planned date, an amount or a source text of a record
        that exists already (a new record is an addition, not a change of one)."""
        if self.instance.pk is None or self.instance._state.adding:
            return False
        return any(name in self.changed_data for name in self.guarded_fields)

    def clean(self):
        cleaned_data = super().clean()
        kind = cleaned_data.get("change_kind", "")
        reason = (cleaned_data.get("change_reason") or "").strip()
        source = (cleaned_data.get("change_source") or "").strip()
        if self.reverting is not None:
            kind = ChangeKind.REVERT
            # With no reason given, the admin's save names the version it returned to.
        elif self.changes_guarded_fact():
            if not kind and "change_kind" not in self.errors:
                self.add_error(
                    "change_kind",
                    _("Choose the kind of change: you changed a date, an amount or a source."),
                )
            if not reason and "change_reason" not in self.errors:
                self.add_error(
                    "change_reason",
                    _("Give the reason for the change: you changed a date, an amount or a source."),
                )
        # The model instance carries them to its new version (projects/history.py).
        self.instance._change_kind = kind
        self.instance._change_reason = reason or None
        self.instance._change_source = source
        return cleaned_data


class ProjectAdminForm(ChangeDetailsMixin, ConcurrentEditFormMixin, forms.ModelForm):
    """The project form of the admin.

    A project's sectors always include its primary sector. Rather than reject a form that leaves
    the primary sector out of "sectors" (an easy slip), the form adds it: the official chose the
    primary sector on purpose, and a project in no sector but its primary one needs nothing else.
    """

    class Meta:
        model = Project
        # The admin's fieldsets choose the fields shown; this is the full editable set, plus
        # the version the form was opened at (a stale form is refused: projects/concurrency.py).
        fields = (*dd.EDITABLE_PROJECT_FIELDS, VERSION_FIELD)

    guarded_fields = ("source_text",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sectors = self.fields.get("sectors")
        if sectors is not None:
            sectors.required = False
            sectors.help_text = _(
                "Every sector the project belongs to. The primary sector is added if you "
                "leave it out."
            )

    def clean(self):
        cleaned_data = super().clean()
        primary = cleaned_data.get("primary_sector")
        # Absent when the sectors field itself is invalid; its own error is then shown.
        sectors = cleaned_data.get("sectors")
        if primary is not None and sectors is not None and primary not in sectors:
            cleaned_data["sectors"] = [*sectors, primary]
        return cleaned_data


def duplicate_key_message(model):
    return _("Another %(item)s of this project already uses this key.") % {
        "item": model._meta.verbose_name
    }


class ProjectPartForm(ConcurrentEditFormMixin, forms.ModelForm):
    """A phase, budget or quantity, whose key is unique within its project: a key already used
    is reported on the key field (the unique constraint would report it for the whole form).
    Phases and budgets carry a version, so that a stale form is refused (quantities do not).

    The choices in ``choice_defaults`` (added later than the form's first rows and posts) may be
    left out: they then take their "nothing reported" value instead of "This field is required".
    """

    choice_defaults: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.choice_defaults:
            if name in self.fields:
                self.fields[name].required = False

    def clean(self):
        cleaned_data = super().clean()
        for name, default in self.choice_defaults.items():
            if name in self.fields and not cleaned_data.get(name) and name not in self.errors:
                cleaned_data[name] = default
        project, key = cleaned_data.get("project"), cleaned_data.get("key")
        if project is not None and project.pk is not None and key:
            model = self._meta.model
            taken = (
                model._default_manager.filter(project=project, key=key)
                .exclude(pk=self.instance.pk)
                .exists()
            )
            if taken:
                self.add_error("key", duplicate_key_message(model))
        return cleaned_data


class PhaseAdminForm(ChangeDetailsMixin, ProjectPartForm):
    """A phase; the model's ``clean()`` puts each date error by its field. Changing its planned
    dates or source text needs a kind and a reason."""

    guarded_fields = ("start_year", "start_month", "end_year", "end_month", "source_text")

    class Meta:
        model = Phase
        fields = (*dd.EDITABLE_PHASE_FIELDS, VERSION_FIELD)
        formfield_callback = https_urls

    choice_defaults = {"milestone_state": MilestoneState.SCHEDULED}


class WholeWonField(forms.IntegerField):
    """An amount in whole won that may be typed with thousands separators (190,200,000,000)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("_", "").replace(" ", "")
        return super().to_python(value)


class BudgetAdminForm(ChangeDetailsMixin, ProjectPartForm):
    """A budget; the amount's validators reject negative and absurd amounts by the field.
    Changing the amount or the source text needs a kind and a reason."""

    guarded_fields = ("amount_krw", "year", "source_text")

    amount_krw = WholeWonField(
        label=_("amount (KRW)"),
        help_text=_("Whole won: KRW 190.2 billion is 190200000000 (commas are allowed)."),
    )

    class Meta:
        model = Budget
        fields = (*dd.EDITABLE_BUDGET_FIELDS, VERSION_FIELD)

    choice_defaults = {"payer": PaymentSource.NOT_STATED, "stage": BudgetStage.NOT_STATED}


class QuantityAdminForm(ChangeDetailsMixin, ProjectPartForm):
    """A counted or measured fact; the value's validator puts the message for a negative value
    by the field (the database constraint would otherwise report it for the whole form).
    Changing the value or the source text needs a kind and a reason."""

    guarded_fields = ("value", "source_text")

    class Meta:
        model = Quantity
        fields = dd.EDITABLE_QUANTITY_FIELDS


class ProgressUpdateAdminForm(ConcurrentEditFormMixin, forms.ModelForm):
    """A progress report; who entered it is set by the admin, not typed. A stale form is
    refused (projects/concurrency.py)."""

    class Meta:
        model = ProgressUpdate
        fields = (*dd.EDITABLE_PROGRESS_UPDATE_FIELDS, VERSION_FIELD)
        formfield_callback = https_urls


class UniqueKeyInlineFormSet(BaseInlineFormSet):
    """A project's phases, budgets or quantities: each key is used once per project.

    A repeated key is reported on the key field of the later row, instead of Django's generic
    "Please correct the duplicate data" above the table (the database's unique constraint stays
    as the last line of defence).
    """

    def clean(self):
        seen = set()
        repeated = False
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            if not form.has_changed() and not form.instance.pk:  # an untouched empty row
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            key = form.cleaned_data.get("key")
            if not key or "key" in form.errors:  # already reported by the row's own form
                continue
            if key in seen:
                form.add_error("key", duplicate_key_message(self.model))
                repeated = True
            seen.add(key)
        if not repeated:
            super().clean()


def _refuse_overflow(field, value):
    """SQLite cannot hold integers beyond 64 bits and raises OverflowError when asked to look
    one up; to the editor such a key is simply not one of the choices."""
    return forms.ValidationError(
        field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
    )


class KeyCheckedModelChoiceField(forms.ModelChoiceField):
    """A foreign-key choice that answers "Select a valid choice" to any key the database
    cannot even look up, instead of a server error."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise _refuse_overflow(self, value) from None


class KeyCheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A many-to-many choice that answers "Select a valid choice" to any key the database
    cannot even look up, instead of a server error."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise _refuse_overflow(self, ", ".join(map(str, value))) from None


class AdminLoginForm(AdminAuthenticationForm):
    """The admin sign-in form, refusing a username longer than any account can have before
    authenticating: Django only sets the length on the widget, and the failed attempt that
    django-axes then records has no room for it (a server error on PostgreSQL)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class ChangeLogFilterForm(forms.Form):
    """The filters of the public change log (``/changes/``): a sector and a date range.

    A value that cannot be used is reported beside its field and that filter alone is left
    out (``applied``); the sector is checked against the known slugs, so that no hostile value
    reaches the database.
    """

    FIRST_YEAR, LAST_YEAR = 1900, 2100

    sector = forms.ChoiceField(label=_("Sector"), required=False)
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the date as year-month-day, e.g. 2026-12-01.")},
    )
    until = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the date as year-month-day, e.g. 2026-12-01.")},
    )

    def __init__(self, data, sectors):
        super().__init__(data)
        self.fields["sector"].choices = [
            ("", _("Any sector")),
            *[(sector.slug, sector.name) for sector in sectors],
        ]
        self.fields["sector"].error_messages["invalid_choice"] = _("There is no such sector.")

    def _clean_year_range(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not self.FIRST_YEAR <= value.year <= self.LAST_YEAR:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s.")
                % {"first": self.FIRST_YEAR, "last": self.LAST_YEAR}
            )
        return value

    def clean_since(self):
        return self._clean_year_range("since")

    def clean_until(self):
        return self._clean_year_range("until")

    def clean(self):
        cleaned_data = super().clean()
        since, until = cleaned_data.get("since"), cleaned_data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the period cannot be before its start."))
        return cleaned_data

    @property
    def applied(self) -> dict:
        """The filters that can be used: the valid fields' values, blank ones left out."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
