"""Spreadsheet import and export of projects (django-import-export).

One row per project, identified by its slug. Related records are named by slug too: ``program``,
``primary_sector`` and ``source_document`` hold one slug; ``sectors``, ``places`` and
``organisations`` hold several, separated by commas (semicolons also work). A file exported from
the admin can be edited and imported again.

Rules the officials rely on:

* The whole file is checked before anything is saved; one bad row and nothing is imported. Every
  error names its row and its column.
* A blank cell in ``is_published``, ``is_featured`` or ``position`` keeps the current value (or
  the default for a new project); a blank text cell clears the text.
* There is no status column: a project's status is that of its latest published progress report,
  entered in the admin with its date and source.
* The verbatim source text of a project imported from the source document cannot be changed.
* The primary sector is always one of the project's sectors; it is added if the row leaves it out.
* Every saved row is recorded in the project's history with the importing user and the file name.
"""

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from projects import datadictionary as dd
from projects.audit import ensure_history_baseline
from projects.models import Organisation, Place, Program, Project, SourceDocument
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


class ProjectResource(resources.ModelResource):
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
    is_published = keep_if_blank_field("is_published", YesNoWidget())
    is_featured = keep_if_blank_field("is_featured", YesNoWidget())
    position = keep_if_blank_field("position", WholeNumberWidget())

    class Meta:
        model = Project
        fields = SPREADSHEET_COLUMNS
        export_order = SPREADSHEET_COLUMNS
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
        """Attribute the change in the history to the importing user and the file."""
        ensure_history_baseline(instance)
        user = kwargs.get("user")
        if user is not None and user.is_authenticated:
            instance._history_user = user
        file_name = kwargs.get("file_name")
        instance._change_reason = (
            _("Imported from %(file)s") % {"file": file_name} if file_name else _("Imported")
        )

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        # The primary sector is one of the project's sectors, whatever the row says.
        if instance.pk and instance.primary_sector_id:
            instance.sectors.add(instance.primary_sector_id)

    def export(self, queryset=None, **kwargs):
        """Export with the related records fetched up front: a fixed number of queries."""
        if queryset is None:
            queryset = self.get_queryset()
        queryset = queryset.select_related(
            "program", "primary_sector", "source_document"
        ).prefetch_related("sectors", "places", "organisations")
        return super().export(queryset=queryset, **kwargs)
