"""Spreadsheet import and export in the admin, the same for projects, phases, budgets and
progress reports.

``SpreadsheetAdminMixin`` gives a model admin django-import-export's two-step import (upload,
preview with every row and column error, confirm) and its export, as CSV (UTF-8 with a
byte-order mark, which Excel needs for Korean) or XLSX, with:

* all or nothing: one invalid row and nothing is saved, also at the confirmation step;
* a kind of change and a reason chosen on the import form, recorded in each imported row's
  history with the file name, so that the public change log lists them;
* an empty template to download per kind (the column headers only), to start a file from;
* both permissions (add and change) needed to import, view to export.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm

from projects.history import CHOSEN_KINDS

#: Longest reason an official can give for an import (the history's change-reason column).
REASON_MAX_LENGTH = 90


def reason_field():
    return forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=_("Recorded in the history of every imported row, e.g. “2026 budget update”."),
    )


def kind_field():
    return forms.ChoiceField(
        label=_("Kind of change"),
        choices=[("", "---------"), *[(kind.value, kind.label) for kind in CHOSEN_KINDS]],
        required=False,
        help_text=_(
            "Correction: the portal had it wrong. Amendment: the city changed the plan. "
            "Shown to the public in the change log."
        ),
    )


class ImportWithReasonForm(ImportForm):
    """The upload step, with the kind of change and its reason."""

    kind = kind_field()
    reason = reason_field()
    field_order = ["resource", "import_file", "format", "kind", "reason"]


class ConfirmImportWithReasonForm(ConfirmImportForm):
    """The confirmation step, carrying the kind and reason chosen at the upload."""

    kind = forms.ChoiceField(
        widget=forms.HiddenInput(), required=False, choices=kind_field().choices
    )
    reason = forms.CharField(
        widget=forms.HiddenInput(), required=False, max_length=REASON_MAX_LENGTH
    )


class SpreadsheetAdminMixin(ImportExportMixin):
    """Import and export for a portfolio model admin (module docstring)."""

    import_formats = (CSV, XLSX)
    export_formats = (CSV, XLSX)
    export_form_class = ExportForm  # every column, so that an export can be imported again
    import_form_class = ImportWithReasonForm
    confirm_form_class = ConfirmImportWithReasonForm
    import_template_name = "admin/projects/part_import.html"
    import_error_display = ("message",)
    # Excel needs the byte-order mark to read UTF-8 (Korean) text in a CSV file.
    to_encoding = "utf-8-sig"

    def has_import_permission(self, request):
        """Importing creates and changes records, so it needs both permissions."""
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["reason"] = import_form.cleaned_data.get("reason", "")
            initial["kind"] = import_form.cleaned_data.get("kind", "")
        return initial

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.get("form")
        reason = form.cleaned_data.get("reason", "") if form is not None else ""
        kind = form.cleaned_data.get("kind", "") if form is not None else ""
        data_kwargs = super().get_import_data_kwargs(**kwargs)
        # Roll the whole file back on any invalid row, also at the confirmation step (data may
        # have changed since the preview).
        data_kwargs["rollback_on_validation_errors"] = True
        data_kwargs["change_reason"] = reason.strip()
        data_kwargs["change_kind"] = kind
        return data_kwargs

    def process_result(self, result, request):
        """After the confirmed import: report success, or that nothing was saved."""
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                _(
                    "Nothing was imported: the file no longer passes the checks. Upload it "
                    "again to see the errors."
                ),
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)

    # The empty template ------------------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        urls = [
            path(
                "import-template/<str:extension>/",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{opts.app_label}_{opts.model_name}_import_template",
            )
        ]
        return urls + super().get_urls()

    def import_template_view(self, request, extension):
        """A file with the column headers and no row, to fill in and import."""
        if not self.has_import_permission(request):
            raise Http404
        formats = {fmt().get_extension(): fmt for fmt in self.get_import_formats()}
        if extension not in formats:
            raise Http404
        file_format = formats[extension](encoding=self.to_encoding)
        resource = self.get_import_resource_classes(request)[0]()
        dataset = resource.export(queryset=self.model._default_manager.none())
        data = file_format.export_data(dataset)
        if not file_format.is_binary() and self.to_encoding:
            data = data.encode(self.to_encoding)
        response = HttpResponse(data, content_type=file_format.get_content_type())
        name = f"{self.model._meta.model_name}-template.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
