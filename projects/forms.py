"""Admin forms for the portfolio."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from projects import datadictionary as dd
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


class ProjectAdminForm(forms.ModelForm):
    """The project form of the admin.

    A project's sectors always include its primary sector. Rather than reject a form that leaves
    the primary sector out of "sectors" (an easy slip), the form adds it: the official chose the
    primary sector on purpose, and a project in no sector but its primary one needs nothing else.
    """

    class Meta:
        model = Project
        # The admin's fieldsets choose the fields shown; this is the full editable set.
        fields = dd.EDITABLE_PROJECT_FIELDS

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


class ProjectPartForm(forms.ModelForm):
    """A phase, budget or quantity, whose key is unique within its project: a key already used
    is reported on the key field (the unique constraint would report it for the whole form).

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


class PhaseAdminForm(ProjectPartForm):
    """A phase; the model's ``clean()`` puts each date error by its field."""

    class Meta:
        model = Phase
        fields = dd.EDITABLE_PHASE_FIELDS
        formfield_callback = https_urls

    choice_defaults = {"milestone_state": MilestoneState.SCHEDULED}


class WholeWonField(forms.IntegerField):
    """An amount in whole won that may be typed with thousands separators (190,200,000,000)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("_", "").replace(" ", "")
        return super().to_python(value)


class BudgetAdminForm(ProjectPartForm):
    """A budget; the amount's validators reject negative and absurd amounts by the field."""

    amount_krw = WholeWonField(
        label=_("amount (KRW)"),
        help_text=_("Whole won: KRW 190.2 billion is 190200000000 (commas are allowed)."),
    )

    class Meta:
        model = Budget
        fields = dd.EDITABLE_BUDGET_FIELDS

    choice_defaults = {"payer": PaymentSource.NOT_STATED, "stage": BudgetStage.NOT_STATED}


class QuantityAdminForm(ProjectPartForm):
    """A counted or measured fact; the value's validator puts the message for a negative value
    by the field (the database constraint would otherwise report it for the whole form)."""

    class Meta:
        model = Quantity
        fields = dd.EDITABLE_QUANTITY_FIELDS


class ProgressUpdateAdminForm(forms.ModelForm):
    """A progress report; who entered it is set by the admin, not typed."""

    class Meta:
        model = ProgressUpdate
        fields = dd.EDITABLE_PROGRESS_UPDATE_FIELDS
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
