"""The Django admin for the portfolio: where city officials keep the projects current.

Every save goes through the models' normal ``save()`` and ``delete()`` (bulk actions included), so
that django-simple-history records who changed what and any post-save signal handlers fire.
Projects, phases, budgets and quantities keep a full history that can be read and reverted in
the admin; each change can carry its kind, reason and source, which the public change log shows.
"""

from concurrency.exceptions import RecordModifiedError
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Max, Min
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from projects.audit import ensure_history_baseline
from projects.concurrency import VERSION_FIELD
from projects.forms import (
    CHANGE_FIELDS,
    AdminLoginForm,
    BudgetAdminForm,
    ChangeDetailsMixin,
    KeyCheckedModelChoiceField,
    KeyCheckedModelMultipleChoiceField,
    PhaseAdminForm,
    ProgressUpdateAdminForm,
    ProjectAdminForm,
    QuantityAdminForm,
    UniqueKeyInlineFormSet,
)
from projects.history import ChangeKind, hold_version, record_held_version
from projects.models import (
    Budget,
    Organisation,
    Phase,
    Place,
    ProblemReport,
    ProblemReportStatus,
    Program,
    ProgressUpdate,
    Project,
    Quantity,
    SourceDocument,
    Strategy,
)
from projects.progress import progress_sentence
from projects.resources import (
    BudgetResource,
    PhaseResource,
    ProgressUpdateResource,
    ProjectResource,
)
from projects.spreadsheets import SpreadsheetAdminMixin

#: How many phase and budget changes the project history page lists.
PART_HISTORY_LIMIT = 200
#: Fields left out of the changed fields of a version: the version number changes every time.
HISTORY_HIDDEN_FIELDS = [VERSION_FIELD]


def _usable_keys(model_field, values):
    """The values that can be looked up in ``model_field`` (the primary key a select points
    to): a posted value that is not a key at all, e.g. ``":"`` or a number beyond the
    column's range, is dropped instead of reaching the database."""
    ranges = connection.ops.integer_field_ranges
    low, high = ranges.get(model_field.get_internal_type(), (None, None))
    usable = []
    for value in values:
        try:
            key = model_field.to_python(value)
        except ValidationError:
            continue
        if isinstance(key, int) and not (
            (low is None or key >= low) and (high is None or key <= high)
        ):
            continue
        usable.append(value)
    return usable


class SafeAutocompleteMixin:
    """Django's autocomplete widget looks the submitted value up to redisplay it; a value that
    is no key (a malformed or hostile post) made that lookup fail with a server error. Invalid
    values are dropped, and the form shows its usual "Select a valid choice" message."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        to_field = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        return super().optgroups(name, _usable_keys(to_field, value), attr)


class SafeAutocompleteSelect(SafeAutocompleteMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(SafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteAdminMixin:
    """Use the safe autocomplete widgets for the admin's ``autocomplete_fields``, and relation
    fields that refuse keys the database cannot look up (see ``KeyCheckedModelChoiceField``)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", KeyCheckedModelChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", KeyCheckedModelMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class YearListFilter(admin.SimpleListFilter):
    """Projects active in a year (any phase overlapping it), or undated ones: the public site's
    year semantics, offered for every year the phases cover."""

    title = _("year")
    parameter_name = "year"
    UNDATED = "undated"

    def lookups(self, request, model_admin):
        bounds = Phase.objects.aggregate(
            first=Min("start_year"), last_start=Max("start_year"), last_end=Max("end_year")
        )
        choices = []
        if bounds["first"] is not None:
            last = max(year for year in (bounds["last_start"], bounds["last_end"]) if year)
            choices = [(str(year), str(year)) for year in range(bounds["first"], last + 1)]
        return [*choices, (self.UNDATED, _("Undated"))]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return None
        if value == self.UNDATED:
            return queryset.undated()
        if len(value) == 4 and value.isdigit():
            return queryset.active_in(int(value))
        # The admin answers this with its "invalid filter" redirect rather than an error page.
        raise IncorrectLookupParameters(_("The year must have four digits."))


class SourceTextReadOnlyMixin:
    """The verbatim source text of a project taken from the source document is shown, not
    edited: officials may correct everything else, but never the document's own words."""

    source_readonly_fields = ("source_text",)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        project = obj.project if isinstance(obj, Phase | Budget | Quantity) else obj
        if isinstance(project, Project) and project.source_document_id:
            readonly += [name for name in self.source_readonly_fields if name not in readonly]
        return readonly


#: A web address typed without a scheme is read as https (Django 6's default, already).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ProjectPartInline(SourceTextReadOnlyMixin, admin.StackedInline):
    """A project's phases, budgets or quantities on its page: the fields of the part's form
    (from the data dictionary) less the project the inline belongs to; a key used once.

    Stacked, with short fields side by side (``side_by_side``): as a table, the phases' eleven
    columns made the project page twice as wide as a 1,280 px screen, hiding End year and
    Delete.
    """

    formset = UniqueKeyInlineFormSet
    formfield_overrides = HTTPS_URLS
    extra = 0
    #: Groups of short fields shown on one line; every other field has a line of its own.
    side_by_side: tuple[tuple[str, ...], ...] = ()

    def get_fields(self, request, obj=None):
        # The change's kind, reason and source come last (asked when a planned date, an amount
        # or a source text changes).
        fields = (name for name in self.form._meta.fields if name != "project")
        return (*fields, *CHANGE_FIELDS)

    def get_fieldsets(self, request, obj=None):
        fields = self.get_fields(request, obj)
        lines, placed = [], set()
        for name in fields:
            if name in placed:
                continue
            group = next((group for group in self.side_by_side if name in group), (name,))
            line = tuple(field for field in group if field in fields)
            placed.update(line)
            lines.append(line if len(line) > 1 else line[0])
        return [(None, {"fields": lines})]


class PhaseInline(ProjectPartInline):
    """Phases on the project page, planned dates first, then what was reported as actual; the
    model's ``clean()`` puts each error by its field."""

    model = Phase
    form = PhaseAdminForm
    side_by_side = (
        ("name_en", "name_ko"),
        ("start_year", "start_month", "end_year", "end_month"),
        ("kind", "position"),
        ("actual_start_year", "actual_start_month", "actual_end_year", "actual_end_month"),
        ("milestone_state", "date_met"),
        ("actual_source_title", "actual_source_url"),
    )
    prepopulated_fields = {"key": ("name_en",)}
    show_change_link = True


class BudgetInline(ProjectPartInline):
    """Budgets on the project page, in whole won."""

    model = Budget
    form = BudgetAdminForm
    side_by_side = (("amount_krw", "year"), ("covers_en", "covers_ko"), ("payer", "stage"))
    prepopulated_fields = {"key": ("covers_en",)}
    show_change_link = True


class ProgressUpdateInline(admin.StackedInline):
    """Progress reports on the project page, newest first; who entered each is recorded."""

    model = ProgressUpdate
    form = ProgressUpdateAdminForm
    fields = tuple(name for name in ProgressUpdateAdminForm.Meta.fields if name != "project")
    readonly_fields = ()
    formfield_overrides = HTTPS_URLS
    ordering = ("-as_of", "-id")
    extra = 0
    show_change_link = True


def stamp_entered_by(request, report):
    """The official who enters a new report is recorded as its author."""
    if report.pk is None and report.entered_by_id is None:
        report.entered_by = request.user


class QuantityInline(ProjectPartInline):
    """Counted or measured facts on the project page."""

    model = Quantity
    form = QuantityAdminForm
    side_by_side = (("value", "unit_en", "unit_ko"), ("label_en", "label_ko"))
    prepopulated_fields = {"key": ("label_en",)}
    show_change_link = True


#: The fieldset of the change's kind, reason and source on the admin's change pages.
CHANGE_FIELDSET = (
    _("Record of the change"),
    {
        "fields": CHANGE_FIELDS,
        "description": _(
            "Shown to the public in the change log. A kind and a reason are required when you "
            "change a date, an amount or a source text."
        ),
    },
)


def revert_reason(record):
    """The change reason of a revert: which version, of when, it returned to."""
    when = timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M")
    return gettext("Revert to version %(number)s of %(date)s") % {
        "number": getattr(record, VERSION_FIELD),
        "date": when,
    }


class PortfolioHistoryAdmin(SimpleHistoryAdmin):
    """History pages that show each version's changed fields and link users only for those
    allowed to see the user admin. A revert is recorded as a change of kind "revert"."""

    object_history_list_template = "admin/projects/object_history_list.html"

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each version's changed fields, as simple-history lists them, less the version
        number itself (it changes at every save and is shown in its own column)."""
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current,
                    excluded_fields=HISTORY_HIDDEN_FIELDS,
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    def save_model(self, request, obj, form, change):
        reverted_to = getattr(request, "_portal_reverted_to", None)
        if change and reverted_to is None and not form.has_changed():
            # Nothing changed: no save, so no empty version in the history and no new version
            # number that would make other officials' open forms stale for nothing.
            return
        if change:
            ensure_history_baseline(obj)
        if reverted_to is not None:
            # The official's own reason, else the version and date it returned to.
            obj._change_reason = getattr(obj, "_change_reason", None) or revert_reason(reverted_to)
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RecordModifiedError:
            # Someone saved between this form's check and its save (the form's own check,
            # projects/concurrency.py, catches every other case with a full message). The
            # transaction was rolled back: nothing was saved.
            self.message_user(
                request,
                _(
                    "Not saved: someone else saved this record at the same moment. Here it is "
                    "as they saved it; make your change again."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    # Revert ----------------------------------------------------------------------------------

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """simple-history's revert page; the revert is recorded and returns to the project."""
        try:
            record = self.model.history.filter(
                **{self.model._meta.pk.attname: object_id, "history_id": version_id}
            ).first()
        except (ValueError, TypeError, ValidationError):
            record = None
        # The form marks the save as a revert (kind); save_model and response_change name it.
        request.reverting_version = record
        request._portal_reverted_to = record
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and getattr(request, "_portal_reverted_to", None) is not None:
            # The revert page shows an old version's values; it is a change made to the current
            # version, so it carries the current version number (a revert from a page opened
            # before someone else's save is refused like any stale form).
            stored = type(obj)._base_manager.filter(pk=obj.pk).first()
            if stored is not None:
                setattr(obj, VERSION_FIELD, getattr(stored, VERSION_FIELD))
        form = super().get_form(request, obj, change=change, **kwargs)
        version = getattr(request, "reverting_version", None)
        if version is not None and issubclass(form, ChangeDetailsMixin):
            form = type(form.__name__, (form,), {"reverting": version})
        return form

    def response_change(self, request, obj):
        reverted_to = getattr(request, "_portal_reverted_to", None)
        if reverted_to is None:
            return super().response_change(request, obj)
        self.message_user(request, revert_reason(reverted_to), messages.SUCCESS)
        project = obj if isinstance(obj, Project) else obj.project
        return HttpResponseRedirect(reverse("admin:projects_project_change", args=[project.pk]))


@admin.register(Project)
class ProjectAdmin(
    SpreadsheetAdminMixin,
    SafeAutocompleteAdminMixin,
    SourceTextReadOnlyMixin,
    PortfolioHistoryAdmin,
):
    """Projects: edit with their phases and budgets, publish, import and export, history."""

    form = ProjectAdminForm
    inlines = (ProgressUpdateInline, PhaseInline, BudgetInline, QuantityInline)
    list_display = (
        "title_en",
        "title_ko",
        "sector_list",
        "span_display",
        "current_status",
        "is_published",
        "is_featured",
        "updated_at",
        "public_link",
    )
    list_display_links = ("title_en",)
    list_filter = (
        "is_published",
        "current_status",
        "sectors",
        "program",
        YearListFilter,
        "is_featured",
    )
    search_fields = ("title_en", "title_ko", "slug", "summary_en", "summary_ko", "source_text")
    search_help_text = _("Words in the title, slug, summary or source text.")
    autocomplete_fields = ("sectors", "places", "organisations", "related")
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = ("current_progress", "created_at", "updated_at")
    source_readonly_fields = ("source_document", "source_text")
    list_per_page = 50
    actions = ("publish", "unpublish")
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("title_en", "title_ko", "slug", "version")}),
        (_("Summary for citizens"), {"fields": ("summary_en", "summary_ko")}),
        (
            _("Place in the plan"),
            {
                "fields": (
                    "program",
                    "primary_sector",
                    "sectors",
                    "places",
                    "organisations",
                    "related",
                )
            },
        ),
        (
            _("Status and publication"),
            {
                "fields": ("current_progress", "is_published", "is_featured", "position"),
                "description": _(
                    "The status is that of the latest published progress report: add a report "
                    "below to change it."
                ),
            },
        ),
        (
            _("Source"),
            {
                "fields": ("source_document", "source_text"),
                "description": _(
                    "The exact words of the source document. For projects taken from the "
                    "document they are shown here and cannot be edited."
                ),
            },
        ),
        CHANGE_FIELDSET,
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    object_history_template = "admin/projects/project/history.html"

    # Import and export (projects/spreadsheets.py): CSV or Excel, previewed before it is saved.
    resource_classes = (ProjectResource,)
    import_template_name = "admin/projects/project/import.html"

    def save_model(self, request, obj, form, change):
        # The project's version is recorded once, after its links to sectors, places and
        # organisations are saved too (log_change below), instead of one version for the
        # fields and one more for each link changed; a save that changed nothing records none.
        # A revert's form starts from the old version, so it "changed nothing" but the record.
        changed = not change or form.has_changed() or getattr(form, "reverting", None)
        hold_version(obj, ("~" if change else "+") if changed else None)
        super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        record_held_version(obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        record_held_version(obj)
        return super().log_change(request, obj, message)

    def save_formset(self, request, form, formset, change):
        # Phases and budgets changed on the project page get a first version too (see audit).
        for inline_form in formset.initial_forms:
            if inline_form.instance.pk and inline_form.has_changed():
                ensure_history_baseline(inline_form.instance)
        if formset.model is ProgressUpdate:
            for inline_form in formset.extra_forms:
                stamp_entered_by(request, inline_form.instance)
        super().save_formset(request, form, formset, change)

    @admin.display(description=_("current status"))
    def current_progress(self, project):
        if project.status_as_of is None:
            return _("No progress reported since the plan")
        return progress_sentence(project)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("program", "primary_sector")
            .prefetch_related("sectors", "phases")
            .with_start_year()
        )

    @admin.display(description=_("sectors"))
    def sector_list(self, project):
        return ", ".join(sector.name for sector in project.sectors.all())

    @admin.display(description=_("years"), ordering="first_year")
    def span_display(self, project):
        span = project.span
        return str(span) if span else _("undated")

    @admin.display(description=_("public page"))
    def public_link(self, project):
        if not project.is_published:
            return _("not published")
        return format_html('<a href="{}">{}</a>', project.get_absolute_url(), _("view"))

    # Bulk publishing ---------------------------------------------------------------------

    @admin.action(permissions=["change"], description=_("Publish selected projects"))
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(permissions=["change"], description=_("Unpublish selected projects"))
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, published):
        # One save per project, not queryset.update(): each change is then in the history
        # and in the admin log, and save signals fire.
        reason = _("Published") if published else _("Unpublished")
        changed = 0
        for project in queryset.filter(is_published=not published):
            ensure_history_baseline(project)
            project.is_published = published
            project._history_user = request.user
            project._change_reason = str(reason)
            project.save()
            self.log_change(request, project, [{"changed": {"fields": ["is_published"]}}])
            changed += 1
        if published:
            message = ngettext(
                "%(count)d project published.", "%(count)d projects published.", changed
            )
        else:
            message = ngettext(
                "%(count)d project unpublished.", "%(count)d projects unpublished.", changed
            )
        self.message_user(request, message % {"count": changed})

    # History -----------------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        """The project's history, followed by the history of its phases and budgets."""
        extra_context = {**(extra_context or {}), "part_history": self.part_history(object_id)}
        return super().history_view(request, object_id, extra_context=extra_context)

    @staticmethod
    def part_history(project_id):
        """Recent versions of the project's phases and budgets (deleted ones included), newest
        first, each with the fields it changed. Two queries whatever the number of versions."""
        try:
            project_id = int(project_id)
        except (TypeError, ValueError):
            return []
        entries = []
        for model in (Phase, Budget, Quantity):
            records = (
                model.history.filter(project_id=project_id)
                .select_related("history_user")
                .order_by("id", "history_date", "history_id")
            )
            previous = {}
            for record in records:
                changes = []
                earlier = previous.get(record.id)
                if earlier is not None and record.history_type == "~":
                    delta = record.diff_against(earlier, excluded_fields=HISTORY_HIDDEN_FIELDS)
                    changes = HistoricalRecordContextHelper(
                        model, record
                    ).context_for_delta_changes(delta)
                previous[record.id] = record
                entries.append(
                    {
                        "kind": model._meta.verbose_name,
                        "record": record,
                        "changes": changes,
                        "history_url": reverse(
                            f"admin:projects_{model._meta.model_name}_history", args=[record.id]
                        ),
                    }
                )
        entries.sort(key=lambda entry: entry["record"].history_date, reverse=True)
        return entries[:PART_HISTORY_LIMIT]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SpreadsheetAdminMixin, SafeAutocompleteAdminMixin, PortfolioHistoryAdmin):
    """Progress reports: the city's dated word on how far a project has come; spreadsheets."""

    form = ProgressUpdateAdminForm
    resource_classes = (ProgressUpdateResource,)
    import_template_name = "admin/projects/progressupdate/import.html"
    formfield_overrides = HTTPS_URLS
    list_display = (
        "project",
        "as_of",
        "status",
        "progress_display",
        "is_published",
        "entered_by",
        "updated_at",
    )
    list_filter = ("status", "is_published", "project__sectors")
    search_fields = (
        "project__title_en",
        "project__title_ko",
        "note_en",
        "note_ko",
        "source_title",
    )
    list_select_related = ("project", "entered_by")
    autocomplete_fields = ("project",)
    date_hierarchy = "as_of"
    readonly_fields = ("entered_by", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("project", "as_of", "status", "progress_percent", "version")}),
        (_("Note"), {"fields": ("note_en", "note_ko")}),
        (_("Source"), {"fields": ("source_title", "source_url")}),
        (
            _("Publication and record"),
            {"fields": ("is_published", "entered_by", "created_at", "updated_at")},
        ),
    )

    def save_model(self, request, obj, form, change):
        stamp_entered_by(request, obj)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("progress (%)"), ordering="progress_percent")
    def progress_display(self, report):
        return "" if report.progress_percent is None else f"{report.progress_percent}%"


@admin.register(Phase)
class PhaseAdmin(
    SpreadsheetAdminMixin,
    SafeAutocompleteAdminMixin,
    SourceTextReadOnlyMixin,
    PortfolioHistoryAdmin,
):
    """Phases on their own: their history, finding them across projects, spreadsheets."""

    form = PhaseAdminForm
    resource_classes = (PhaseResource,)
    formfield_overrides = HTTPS_URLS
    list_display = ("name_en", "project", "kind", "when", "actual_when", "state_display", "key")
    list_filter = ("kind", "milestone_state", "project__sectors")
    search_fields = ("name_en", "name_ko", "key", "project__title_en", "project__title_ko")
    list_select_related = ("project",)
    autocomplete_fields = ("project",)
    prepopulated_fields = {"key": ("name_en",)}
    fieldsets = (
        (None, {"fields": ("project", "name_en", "name_ko", "key", "kind", "position", "version")}),
        (
            _("Planned dates (the document's)"),
            {"fields": ("start_year", "start_month", "end_year", "end_month", "source_text")},
        ),
        (
            _("Actual dates and state (reported later)"),
            {
                "fields": (
                    "actual_start_year",
                    "actual_start_month",
                    "actual_end_year",
                    "actual_end_month",
                    "milestone_state",
                    "date_met",
                    "actual_source_title",
                    "actual_source_url",
                ),
                "description": _(
                    "Once an actual start is given, “active in a year” counts this phase on its "
                    "actual dates instead of the planned ones. Each actual fact needs its source."
                ),
            },
        ),
        CHANGE_FIELDSET,
    )

    @admin.display(description=_("planned"))
    def when(self, phase):
        return phase.when

    @admin.display(description=_("actual"))
    def actual_when(self, phase):
        return phase.actual_when

    @admin.display(description=_("milestone state"), ordering="milestone_state")
    def state_display(self, phase):
        # A period has no state: the stored "scheduled" would read as a claim.
        return phase.get_state_display()


@admin.register(Budget)
class BudgetAdmin(
    SpreadsheetAdminMixin,
    SafeAutocompleteAdminMixin,
    SourceTextReadOnlyMixin,
    PortfolioHistoryAdmin,
):
    """Budgets on their own: their history, finding them across projects, spreadsheets."""

    form = BudgetAdminForm
    resource_classes = (BudgetResource,)
    list_display = ("project", "key", "amount_display", "year", "payer", "stage", "covers_en")
    list_filter = ("payer", "stage")
    search_fields = ("key", "covers_en", "covers_ko", "project__title_en", "project__title_ko")
    list_select_related = ("project",)
    autocomplete_fields = ("project",)
    prepopulated_fields = {"key": ("covers_en",)}
    fieldsets = ((None, {"fields": BudgetAdminForm.Meta.fields}), CHANGE_FIELDSET)

    @admin.display(description=_("amount"), ordering="amount_krw")
    def amount_display(self, budget):
        return f"KRW {budget.amount_krw:,}"


@admin.register(Quantity)
class QuantityAdmin(SafeAutocompleteAdminMixin, SourceTextReadOnlyMixin, PortfolioHistoryAdmin):
    """Counted or measured facts of projects, with their history."""

    form = QuantityAdminForm
    list_display = ("project", "key", "value", "unit_en", "label_en")
    search_fields = ("key", "label_en", "label_ko", "project__title_en")
    list_select_related = ("project",)
    autocomplete_fields = ("project",)
    prepopulated_fields = {"key": ("label_en",)}
    fieldsets = ((None, {"fields": QuantityAdminForm.Meta.fields}), CHANGE_FIELDSET)


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    """The plan's strategic goals."""

    list_display = ("title_en", "title_ko", "slug", "position")
    search_fields = ("title_en", "title_ko", "slug")
    prepopulated_fields = {"slug": ("title_en",)}


@admin.register(Program)
class ProgramAdmin(SafeAutocompleteAdminMixin, admin.ModelAdmin):
    """Programs under the goals; each project belongs to one."""

    list_display = ("title_en", "title_ko", "strategy", "slug", "position")
    list_filter = ("strategy",)
    list_select_related = ("strategy",)
    search_fields = ("title_en", "title_ko", "slug")
    prepopulated_fields = {"slug": ("title_en",)}


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    """Places in Busan that projects name."""

    list_display = ("name_en", "name_ko", "slug")
    search_fields = ("name_en", "name_ko", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Companies, institutes and bodies that projects name."""

    list_display = ("name_en", "name_ko", "acronym", "slug")
    search_fields = ("name_en", "name_ko", "acronym", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    """The document the portfolio's facts come from."""

    list_display = ("title_en", "publisher_en", "slug")
    search_fields = ("title_en", "title_ko", "slug")
    prepopulated_fields = {"slug": ("title_en",)}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ProblemReportAdminForm(forms.ModelForm):
    """A report's resolution; the change it led to is chosen among its project's versions."""

    class Meta:
        model = ProblemReport
        fields = ("status", "resolution_note", "resolved_change")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        change = self.fields.get("resolved_change")
        if change is not None and self.instance.project_id:
            change.queryset = self.instance.project.history.order_by("-history_date")
            change.label_from_instance = lambda record: (
                f"{record.history_date:%Y-%m-%d %H:%M} · {record.get_history_type_display()}"
                f" · {record.history_user or '–'}"
            )


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    """Readers' reports of errors: officials read them, check the source and resolve them."""

    form = ProblemReportAdminForm
    list_display = ("created_at", "project", "short_description", "status", "resolved_at")
    list_filter = ("status", "created_at")
    list_select_related = ("project",)
    search_fields = ("description", "project__title_en", "project__title_ko")
    readonly_fields = (
        "project",
        "description",
        "email",
        "created_at",
        "resolved_at",
        "resolved_by",
    )
    fields = (
        "project",
        "description",
        "email",
        "created_at",
        "status",
        "resolution_note",
        "resolved_change",
        "resolved_at",
        "resolved_by",
    )
    actions = ("mark_resolved", "mark_rejected")

    def has_add_permission(self, request):
        return False  # reports come from readers, through the public form

    @admin.display(description=_("what is wrong"))
    def short_description(self, report):
        return report.description[:80] + ("…" if len(report.description) > 80 else "")

    def save_model(self, request, obj, form, change):
        resolve_report(obj, request.user, obj.status)
        super().save_model(request, obj, form, change)

    def _mark(self, request, queryset, status, message):
        count = 0
        for report in queryset.select_related("resolved_change"):
            resolve_report(report, request.user, status)
            report.save()
            count += 1
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Mark the selected reports resolved"))
    def mark_resolved(self, request, queryset):
        resolved = _("%(count)s reports resolved.")
        self._mark(request, queryset, ProblemReportStatus.RESOLVED, resolved)

    @admin.action(description=_("Mark the selected reports rejected"))
    def mark_rejected(self, request, queryset):
        rejected = _("%(count)s reports rejected.")
        self._mark(request, queryset, ProblemReportStatus.REJECTED, rejected)


#: The reason a change made on a reader's report carries in the change log; no personal data.
READER_REPORT_REASON = "Correction reported by a reader"


def resolve_report(report, user, status):
    """Set ``report``'s status; a closed report records who closed it and when, and the change
    it led to is marked in the project's history as a correction reported by a reader."""
    report.status = status
    if status == ProblemReportStatus.NEW:
        report.resolved_at = report.resolved_by = None
        return
    if report.resolved_at is None:
        report.resolved_at = timezone.now()
        report.resolved_by = user
    if status != ProblemReportStatus.RESOLVED:
        report.resolved_change = None
    change = report.resolved_change
    if change is None:
        return
    # The public change log then lists it as a correction (projects/changelog.py reads both).
    marks = {}
    if not change.history_change_reason:
        marks["history_change_reason"] = READER_REPORT_REASON
    if not change.change_kind:
        marks["change_kind"] = ChangeKind.CORRECTION
    if marks:
        type(change).objects.filter(pk=change.pk).update(**marks)


admin.site.login_form = AdminLoginForm
# The city's name on every admin page (templates/admin/base_site.html), in the official's language.
admin.site.site_header = _("Busan strategic projects portal: administration")
admin.site.site_title = _("Busan portal administration")
admin.site.index_title = _("Portfolio and accounts")

# Django's own user and group admins, with the same refusal of keys the database cannot look
# up in their permission and group choices.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class PortalUserAdmin(SafeAutocompleteAdminMixin, UserAdmin):
    """Django's user admin, hardened against out-of-range keys in posted choices."""


@admin.register(Group)
class PortalGroupAdmin(SafeAutocompleteAdminMixin, GroupAdmin):
    """Django's group admin, hardened against out-of-range keys in posted choices."""
