"""Spreadsheet import and export of projects (django-import-export).

One row per project, identified by its slug. Related records are named by slug too: ``program``,
``primary_sector`` and ``source_document`` hold one slug; ``sectors``, ``places``,
``organisations`` and ``related`` (other projects) hold several, separated by commas
(semicolons also work). A file exported from the admin can be edited and imported again.

Rules the officials rely on:

* The whole file is checked before anything is saved; one bad row and nothing is imported. Every
  error names its row and its column.
* A blank cell in ``is_published``, ``is_featured`` or ``position`` keeps the current value (or
  the default for a new project); a blank text cell clears the text.
* There is no status column: a project's status is that of its latest published progress report,
  entered in the admin with its date and source.
* The verbatim source text of a project imported from the source document cannot be changed.
* The primary sector is always one of the project's sectors; it is added if the row leaves it out.
* Every saved row is recorded in the project's history with the importing user and the file name
  (and the reason typed on the import form).
* An export carries each row's ``version``. A row whose version is not the stored one was
  exported before someone else saved that record, and the whole file is refused: nothing an
  official saved in between is overwritten. A blank version (a file written by hand) is not
  checked.

Phases, budgets and progress reports are imported the same way (``PhaseResource``,
``BudgetResource``, ``ProgressUpdateResource``), one row each,
identified by their project's slug and their key (a progress report by its number, ``id``,
blank for a new one), with Korean column headers that carry the
field name in brackets, e.g. ``시작 연도 (start_year)``; a header that is just the field name
(``start_year``) is read too. Errors are reported by field name (the name in the brackets).
"""

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from projects import datadictionary as dd
from projects.audit import ensure_history_baseline
from projects.concurrency import VERSION_FIELD
from projects.history import hold_version, record_held_version
from projects.models import (
    Budget,
    BudgetStage,
    MilestoneState,
    Organisation,
    PaymentSource,
    Phase,
    PhaseKind,
    Place,
    Program,
    ProgressUpdate,
    Project,
    ProjectStatus,
    SourceDocument,
)
from sectors.models import Sector

#: Separator used when exporting several slugs in one cell.
SLUG_SEPARATOR = ", "
# On import, any run of commas, semicolons or spaces separates slugs (slugs contain none).
SLUG_SPLIT = re.compile(r"[,;\s]+")

#: The columns of a project spreadsheet, in order: the fields officials edit, as the admin form.
SPREADSHEET_COLUMNS = dd.EDITABLE_PROJECT_FIELDS


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class TextWidget(widgets.CharWidget):
    """Text with surrounding whitespace removed; an empty cell is an empty string."""

    def clean(self, value, row=None, **kwargs):
        if _is_blank(value):
            return ""
        return str(value).strip()


class SlugForeignKeyWidget(widgets.ForeignKeyWidget):
    """One related record named by its slug; an unknown slug is an error for the cell."""

    def __init__(self, model, **kwargs):
        super().__init__(model, field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if _is_blank(value):
            return None
        slug = str(value).strip()
        try:
            return self.model.objects.get(slug=slug)
        except self.model.DoesNotExist:
            raise ValueError(
                _("There is no %(model)s with the slug “%(slug)s”.")
                % {"model": self.model._meta.verbose_name, "slug": slug}
            ) from None


class SlugManyToManyWidget(widgets.ManyToManyWidget):
    """Several related records named by their slugs; every slug must exist."""

    def __init__(self, model, **kwargs):
        super().__init__(model, separator=SLUG_SEPARATOR, field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if _is_blank(value):
            return self.model.objects.none()
        slugs = [slug for slug in SLUG_SPLIT.split(str(value).strip()) if slug]
        found = self.model.objects.filter(slug__in=slugs)
        unknown = sorted(set(slugs) - {obj.slug for obj in found})
        if unknown:
            raise ValueError(
                _("Unknown %(model)s: %(slugs)s.")
                % {
                    "model": self.model._meta.verbose_name_plural,
                    "slugs": ", ".join(f"“{slug}”" for slug in unknown),
                }
            )
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return self.separator.join(sorted(item.slug for item in value.all()))


class KeepIfBlankMixin:
    """A blank cell returns None, which the field (``saves_null_values=False``) ignores."""

    def clean(self, value, row=None, **kwargs):
        if _is_blank(value):
            return None
        return self.clean_value(value)


class YesNoWidget(KeepIfBlankMixin, widgets.BooleanWidget):
    """A yes/no cell. Unlike the library's widget, an unrecognised value is an error, not a
    silent "no" (which would unpublish a project by a typing mistake)."""

    TRUE_WORDS = {"1", "true", "yes", "y"}
    FALSE_WORDS = {"0", "false", "no", "n"}

    def clean_value(self, value):
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if isinstance(value, (int, float)) and value in (0, 1):
            word = str(int(value))
        if word in self.TRUE_WORDS:
            return True
        if word in self.FALSE_WORDS:
            return False
        raise ValueError(_("“%(value)s” is not yes or no. Use 1 or 0.") % {"value": value})


class WholeNumberWidget(KeepIfBlankMixin, widgets.IntegerWidget):
    """A whole number; text that is not one is an error for the cell."""

    def clean_value(self, value):
        if isinstance(value, bool):
            raise ValueError(_("Enter a whole number."))
        if isinstance(value, float) and value.is_integer():
            return int(value)
        try:
            return int(str(value).strip())
        except ValueError:
            raise ValueError(_("Enter a whole number.")) from None


def text_field(name):
    return fields.Field(attribute=name, column_name=name, widget=TextWidget())


def slug_field(name, model):
    """A column naming one related record by its slug."""
    return fields.Field(attribute=name, column_name=name, widget=SlugForeignKeyWidget(model))


def slugs_field(name, model):
    """A column naming several related records by their slugs."""
    return fields.Field(attribute=name, column_name=name, widget=SlugManyToManyWidget(model))


def keep_if_blank_field(name, widget):
    return fields.Field(attribute=name, column_name=name, widget=widget, saves_null_values=False)


class NullableNumberWidget(WholeNumberWidget):
    """A whole number that may be left blank (an unstated year or month): blank is empty."""

    def clean(self, value, row=None, **kwargs):
        if _is_blank(value):
            return None
        return self.clean_value(value)


class WholeWonWidget(WholeNumberWidget):
    """An amount in whole won; thousands separators (190,200,000,000) are allowed."""

    def clean_value(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("_", "").replace(" ", "")
        return super().clean_value(value)


class ChoiceWidget(KeepIfBlankMixin, widgets.Widget):
    """One of a ``TextChoices``' codes, e.g. ``period``."""

    def __init__(self, choices, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def clean_value(self, value):
        code = str(value).strip().lower()
        if code not in self.choices.values:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(self.choices.values)}
            )
        return code


def stale_version_message(model, given, stored):
    return _(
        "This %(item)s was saved by someone else after the file was exported (version "
        "%(given)s in the file, %(stored)s now). Nothing was imported: export again and redo "
        "the change in the new file."
    ) % {"item": model._meta.verbose_name, "given": given, "stored": stored}


class PortfolioResourceMixin:
    """What every portfolio spreadsheet shares: refused rows from a stale export (the
    ``version`` column), and the history entry naming the user, the file and the reason."""

    def import_instance(self, instance, row, **kwargs):
        stored = getattr(instance, VERSION_FIELD) if instance.pk else None
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if stored is not None:
            version = self.fields[VERSION_FIELD]
            try:
                given = version.clean(row) if version.column_name in row else None
            except ValueError as error:
                errors.setdefault(VERSION_FIELD, []).append(str(error))
                given = None
            if given is not None and given != stored:
                errors.setdefault(VERSION_FIELD, []).append(
                    stale_version_message(type(instance), given, stored)
                )
            # The save is made against the stored version (any other is refused above).
            setattr(instance, VERSION_FIELD, stored)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        """Attribute the change in the history to the importing user, the file and the reason."""
        ensure_history_baseline(instance)
        user = kwargs.get("user")
        if user is not None and user.is_authenticated:
            instance._history_user = user
        file_name = kwargs.get("file_name")
        reason = _("Imported from %(file)s") % {"file": file_name} if file_name else _("Imported")
        if kwargs.get("change_reason"):
            reason = f"{reason}: {kwargs['change_reason']}"
        instance._change_reason = reason
        # The kind chosen on the import form: the public change log lists the row under it.
        instance._change_kind = kwargs.get("change_kind") or ""


class ProjectResource(PortfolioResourceMixin, resources.ModelResource):
    """Projects as spreadsheet rows; the column names are the model's field names."""

    slug = text_field("slug")
    title_en = text_field("title_en")
    title_ko = text_field("title_ko")
    summary_en = text_field("summary_en")
    summary_ko = text_field("summary_ko")
    source_text = text_field("source_text")
    source_document = slug_field("source_document", SourceDocument)
    program = slug_field("program", Program)
    primary_sector = slug_field("primary_sector", Sector)
    sectors = slugs_field("sectors", Sector)
    places = slugs_field("places", Place)
    organisations = slugs_field("organisations", Organisation)
    related = slugs_field("related", Project)
    is_published = keep_if_blank_field("is_published", YesNoWidget())
    is_featured = keep_if_blank_field("is_featured", YesNoWidget())
    position = keep_if_blank_field("position", WholeNumberWidget())
    version = keep_if_blank_field(VERSION_FIELD, WholeNumberWidget())

    class Meta:
        model = Project
        fields = (*SPREADSHEET_COLUMNS, VERSION_FIELD)
        export_order = (*SPREADSHEET_COLUMNS, VERSION_FIELD)
        import_id_fields = ("slug",)
        # Validate every row with the model's own rules (required fields, slug format,
        # unique slug) so that each problem is reported against its column.
        clean_model_instances = True
        # One transaction for the whole file: any error rolls all of it back.
        use_transactions = True
        # Rows that change nothing are not saved, so they leave no entry in the history.
        skip_unchanged = True
        report_skipped = True

    def before_import(self, dataset, **kwargs):
        """Find slugs that appear on more than one row of the file."""
        self._rows_by_slug = defaultdict(list)
        if "slug" in (dataset.headers or []):
            for number, slug in enumerate(dataset["slug"], start=1):
                if not _is_blank(slug):
                    self._rows_by_slug[str(slug).strip()].append(number)

    def import_instance(self, instance, row, **kwargs):
        """Set the row's values on the project, collecting every error by column."""
        locked_source = self._locked_source(instance)
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Many-to-many columns are saved after the project; check them now so that a bad slug
        # is reported with the other errors of the row rather than failing half-way.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors.setdefault(field.column_name, []).append(str(error))
        errors.update(self._duplicate_slug_errors(row, kwargs.get("row_number")))
        if locked_source is not None:
            errors.update(self._changed_source_errors(instance, locked_source))
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _locked_source(instance):
        """The source fields of a project taken from the source document, which stay as the
        document has them; None for projects entered by officials."""
        if instance.pk is None or instance.source_document_id is None:
            return None
        return {
            "source_document": instance.source_document_id,
            "source_text": instance.source_text.strip(),
        }

    @staticmethod
    def _changed_source_errors(instance, locked):
        message = _(
            "This project's text comes verbatim from the source document and cannot be "
            "changed by import. Leave the cell as exported."
        )
        errors = {}
        if instance.source_document_id != locked["source_document"]:
            errors["source_document"] = [message]
        if instance.source_text.strip() != locked["source_text"]:
            errors["source_text"] = [message]
        return errors

    def _duplicate_slug_errors(self, row, row_number):
        slug = row.get("slug")
        rows = self._rows_by_slug.get(str(slug).strip(), []) if not _is_blank(slug) else []
        if len(rows) < 2:
            return {}
        others = ", ".join(str(number) for number in rows if number != row_number)
        return {
            "slug": [
                _("This slug is also on row %(rows)s of the file; each project needs one row.")
                % {"rows": others}
            ]
        }

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        # One version per imported row, its sectors, places and organisations included.
        hold_version(instance, "~" if instance.pk else "+")

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        # The primary sector is one of the project's sectors, whatever the row says.
        if instance.pk and instance.primary_sector_id:
            instance.sectors.add(instance.primary_sector_id)
        record_held_version(instance)

    def export(self, queryset=None, **kwargs):
        """Export with the related records fetched up front: a fixed number of queries."""
        if queryset is None:
            queryset = self.get_queryset()
        queryset = queryset.select_related(
            "program", "primary_sector", "source_document"
        ).prefetch_related("sectors", "places", "organisations", "related")
        return super().export(queryset=queryset, **kwargs)


# Phases and budgets --------------------------------------------------------------------------


def korean_header(korean, name):
    """A column header officials read in Korean, with the field name it fills in brackets."""
    return f"{korean} ({name})"


class ProjectPartResource(PortfolioResourceMixin, resources.ModelResource):
    """A project's phases or budgets as rows: identified by the project's slug and the key.

    Headers are Korean with the field name in brackets (``HEADERS``); a header that is only the
    field name is accepted as well, so that an English-speaking official can write one.
    """

    #: field name -> Korean header text, in column order; set by each subclass.
    HEADERS: dict[str, str] = {}

    def before_import(self, dataset, **kwargs):
        """Accept bare field names as headers, and find (project, key) pairs used twice."""
        canonical = {name: korean_header(text, name) for name, text in self.HEADERS.items()}
        if dataset.headers:
            dataset.headers = [
                canonical.get(str(header).strip(), str(header).strip())
                for header in dataset.headers
            ]
        self._rows_by_key = defaultdict(list)
        project, key = canonical["project"], canonical["key"]
        if project in (dataset.headers or []) and key in dataset.headers:
            for number, (slug, part_key) in enumerate(
                zip(dataset[project], dataset[key], strict=True), start=1
            ):
                if not _is_blank(slug) and not _is_blank(part_key):
                    pair = (str(slug).strip(), str(part_key).strip())
                    self._rows_by_key[pair].append(number)

    def get_instance(self, instance_loader, row):
        """The stored row of this project and key; a project slug that names no project is
        a new row here, and reported against its column by ``import_instance``."""
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def import_instance(self, instance, row, **kwargs):
        locked_source = self._locked_source(instance)
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        errors.update(self._duplicate_key_errors(row, kwargs.get("row_number")))
        if locked_source is not None and instance.source_text.strip() != locked_source:
            errors.setdefault("source_text", []).append(
                _(
                    "This text comes verbatim from the source document and cannot be changed "
                    "by import. Leave the cell as exported."
                )
            )
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _locked_source(instance):
        """The source text of a part of a project from the source document, which stays as the
        document has it; None otherwise."""
        if instance.pk is None or instance.project.source_document_id is None:
            return None
        return instance.source_text.strip()

    def _duplicate_key_errors(self, row, row_number):
        project, key = self.fields["project"], self.fields["key"]
        pair = (str(row.get(project.column_name, "")).strip(), str(row.get(key.column_name, "")))
        rows = self._rows_by_key.get((pair[0], pair[1].strip()), [])
        if len(rows) < 2:
            return {}
        others = ", ".join(str(number) for number in rows if number != row_number)
        return {
            "key": [
                _("This project and key are also on row %(rows)s of the file; each needs one row.")
                % {"rows": others}
            ]
        }

    def export(self, queryset=None, **kwargs):
        """Export with each row's project fetched up front: a fixed number of queries."""
        if queryset is None:
            queryset = self.get_queryset()
        return super().export(queryset=queryset.select_related("project"), **kwargs)


def part_fields(headers, widgets_by_name):
    """The resource fields of ``headers``: Korean column names, the given widgets."""
    declared = {}
    for name, text in headers.items():
        widget = widgets_by_name.get(name, TextWidget())
        keep = isinstance(widget, KeepIfBlankMixin) and not isinstance(widget, NullableNumberWidget)
        declared[name] = fields.Field(
            attribute=name,
            column_name=korean_header(text, name),
            widget=widget,
            saves_null_values=not keep,
        )
    return declared


#: The Korean header text of each phase and budget column; the columns themselves, and their
#: order, are the data dictionary's editable fields plus the version.
KOREAN_HEADERS = {
    "project": "사업",
    "key": "키",
    "name_en": "이름(영어)",
    "name_ko": "이름(한국어)",
    "kind": "구분",
    "start_year": "시작 연도",
    "start_month": "시작 월",
    "end_year": "종료 연도",
    "end_month": "종료 월",
    "amount_krw": "금액(원)",
    "covers_en": "내용(영어)",
    "covers_ko": "내용(한국어)",
    "year": "연도",
    "source_text": "원문",
    "position": "순서",
    "actual_start_year": "실제 시작 연도",
    "actual_start_month": "실제 시작 월",
    "actual_end_year": "실제 종료 연도",
    "actual_end_month": "실제 종료 월",
    "milestone_state": "달성 상태",
    "date_met": "달성일",
    "actual_source_title": "실제 일정 출처(제목)",
    "actual_source_url": "실제 일정 출처(주소)",
    "payer": "부담 주체",
    "stage": "예산 단계",
    VERSION_FIELD: "버전",
}


def korean_headers(names):
    return {name: KOREAN_HEADERS[name] for name in (*names, VERSION_FIELD)}


PHASE_HEADERS = korean_headers(dd.EDITABLE_PHASE_FIELDS)
BUDGET_HEADERS = korean_headers(dd.EDITABLE_BUDGET_FIELDS)


def part_resource(name, model, headers, widgets_by_name, doc):
    """A ``ProjectPartResource`` for ``model`` with the columns ``headers``."""

    class Meta:
        fields = tuple(headers)
        export_order = tuple(headers)
        import_id_fields = ("project", "key")
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    Meta.model = model
    attributes = {
        **part_fields(headers, widgets_by_name),
        "HEADERS": headers,
        "Meta": Meta,
        "__doc__": doc,
        "__module__": __name__,
    }
    return type(name, (ProjectPartResource,), attributes)


PhaseResource = part_resource(
    "PhaseResource",
    Phase,
    PHASE_HEADERS,
    {
        "project": SlugForeignKeyWidget(Project),
        "kind": ChoiceWidget(PhaseKind),
        "start_year": WholeNumberWidget(),
        "start_month": NullableNumberWidget(),
        "end_year": NullableNumberWidget(),
        "end_month": NullableNumberWidget(),
        "position": WholeNumberWidget(),
        "actual_start_year": NullableNumberWidget(),
        "actual_start_month": NullableNumberWidget(),
        "actual_end_year": NullableNumberWidget(),
        "actual_end_month": NullableNumberWidget(),
        "milestone_state": ChoiceWidget(MilestoneState),
        "date_met": widgets.DateWidget(),
        VERSION_FIELD: WholeNumberWidget(),
    },
    """Phases as rows: ``구분 (kind)`` is ``period`` or ``milestone``; blank months and end
    years are "not stated"; a blank ``순서 (position)`` keeps the current position.""",
)

BudgetResource = part_resource(
    "BudgetResource",
    Budget,
    BUDGET_HEADERS,
    {
        "project": SlugForeignKeyWidget(Project),
        "amount_krw": WholeWonWidget(),
        "year": NullableNumberWidget(),
        "payer": ChoiceWidget(PaymentSource),
        "stage": ChoiceWidget(BudgetStage),
        VERSION_FIELD: WholeNumberWidget(),
    },
    """Budgets as rows: ``금액(원) (amount_krw)`` in whole won (commas allowed); a blank year
    is "not stated".""",
)


# Progress reports ----------------------------------------------------------------------------

#: The columns of a progress report spreadsheet, with their Korean header text, in order. A
#: report has no key of its own: ``번호 (id)`` is its number, from an export; blank adds a report.
PROGRESS_UPDATE_HEADERS = {
    "id": "번호",
    "project": "사업",
    "as_of": "기준일",
    "status": "상태",
    "progress_percent": "진척률(%)",
    "note_en": "설명(영어)",
    "note_ko": "설명(한국어)",
    "source_title": "출처(제목)",
    "source_url": "출처(주소)",
    "is_published": "공개",
    VERSION_FIELD: "버전",
}


class ProgressUpdateResourceBase(PortfolioResourceMixin, resources.ModelResource):
    """Progress reports as rows: the project named by its slug, ``기준일 (as_of)`` as
    YYYY-MM-DD, ``상태 (status)`` one of the status codes, ``진척률(%) (progress_percent)`` 0 to
    100 or blank. A blank ``번호 (id)`` adds a report, entered by the importing official; a
    number updates that report. Each row is checked with the report's own rules (date not in the
    future nor before 1900, a source with an http or https address)."""

    HEADERS = PROGRESS_UPDATE_HEADERS

    def before_import(self, dataset, **kwargs):
        """Accept bare field names as headers; a file without the number column adds reports."""
        canonical = {name: korean_header(text, name) for name, text in self.HEADERS.items()}
        if dataset.headers:
            dataset.headers = [
                canonical.get(str(header).strip(), str(header).strip())
                for header in dataset.headers
            ]
            if canonical["id"] not in dataset.headers:
                dataset.insert_col(0, [""] * dataset.height, header=canonical["id"])

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        number = self.fields["id"]
        try:
            given = number.clean(row) if number.column_name in row else None
        except ValueError as error:
            errors["id"] = [str(error)]
            given = None
        if instance.pk is None and given is not None:
            errors["id"] = [
                _("There is no progress report number %(number)s. Leave it blank to add one.")
                % {"number": given}
            ]
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        user = kwargs.get("user")
        new = instance.pk is None and instance.entered_by_id is None
        if new and user is not None and user.is_authenticated:
            instance.entered_by = user

    def export(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = self.get_queryset()
        return super().export(queryset=queryset.select_related("project"), **kwargs)


class _ProgressUpdateMeta:
    model = ProgressUpdate
    fields = tuple(PROGRESS_UPDATE_HEADERS)
    export_order = tuple(PROGRESS_UPDATE_HEADERS)
    import_id_fields = ("id",)
    clean_model_instances = True
    use_transactions = True
    skip_unchanged = True
    report_skipped = True


ProgressUpdateResource = type(
    "ProgressUpdateResource",
    (ProgressUpdateResourceBase,),
    {
        **part_fields(
            PROGRESS_UPDATE_HEADERS,
            {
                "id": NullableNumberWidget(),
                "project": SlugForeignKeyWidget(Project),
                "as_of": widgets.DateWidget(),
                "status": ChoiceWidget(ProjectStatus),
                "progress_percent": NullableNumberWidget(),
                "is_published": YesNoWidget(),
                VERSION_FIELD: WholeNumberWidget(),
            },
        ),
        "Meta": _ProgressUpdateMeta,
        "__doc__": ProgressUpdateResourceBase.__doc__,
        "__module__": __name__,
    },
)
