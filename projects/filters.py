"""The one definition of how projects are filtered and sorted.

``ProjectFilterSet`` reads the contract's query parameters (``sector``, ``year``, ``status``,
``program``, ``q``, ``sort``). The HTML list, the timeline, the CSV export and the API all use it,
so a filtered URL means the same thing everywhere.

Invalid values never raise: the form collects a message for the field and the filter for that
parameter is not applied, so the HTML pages can show the message beside the form and the API can
answer 400 naming the parameter.
"""

import django_filters
from django import forms
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from busanportal.i18n import active_content_language
from projects.models import MAX_YEAR, MIN_YEAR, Program, Project, ProjectStatus
from sectors.models import Sector

UNDATED = "undated"
MAX_QUERY_LENGTH = 200
#: What ``YearField`` accepts, for the OpenAPI schema: empty, a year in range, or "undated".
YEAR_PATTERN = rf"^(19[0-9]{{2}}|20[0-9]{{2}}|2100|{UNDATED})?$"

RELEVANCE = "relevance"
SORT_CHOICES = [
    (RELEVANCE, _("Relevance (with a search)")),
    ("title", _("Title (A–Z)")),
    ("start", _("Start year (earliest first)")),
    ("-start", _("Start year (latest first)")),
    ("budget", _("Stated cost (smallest first)")),
    ("-budget", _("Stated cost (largest first)")),
    ("updated", _("Recently updated")),
]


class YearField(forms.CharField):
    """A four-digit year in the portal's range, or the word ``undated``.

    Exactly these and nothing looser (no spaces, no capitals): the OpenAPI schema states the
    same set as a pattern (``YEAR_PATTERN``), and a schema that promised less than the server
    accepts, or more, would mislead the people writing clients.
    """

    def __init__(self, *args, **kwargs):
        kwargs["strip"] = False
        super().__init__(*args, **kwargs)

    default_error_messages = {
        "invalid": _("Enter a year as four digits between %(min)s and %(max)s, or “undated”."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if value == UNDATED:
            return UNDATED
        if len(value) == 4 and value.isascii() and value.isdigit():
            year = int(value)
            if MIN_YEAR <= year <= MAX_YEAR:
                return year
        raise forms.ValidationError(
            self.error_messages["invalid"],
            code="invalid",
            params={"min": MIN_YEAR, "max": MAX_YEAR},
        )


class YearFilter(django_filters.Filter):
    """Projects active in the year (contract's overlap rule), or the undated projects."""

    field_class = YearField

    def filter(self, qs, value):
        if value is None:
            return qs
        if value == UNDATED:
            return qs.undated()
        return qs.active_in(value)


class ProjectFilterSet(django_filters.FilterSet):
    """Filters and sort order for projects, as given by the contract's query parameters."""

    sector = django_filters.ModelMultipleChoiceFilter(
        queryset=Sector.objects.all(),
        to_field_name="slug",
        method="filter_sector",
        label=_("Sector"),
        help_text=_("Sector slug; repeat the parameter for several sectors (any of them)."),
        error_messages={"invalid_choice": _("There is no sector “%(value)s”.")},
    )
    year = YearFilter(
        label=_("Year"),
        help_text=_("Projects running in this year (four digits), or “undated”."),
    )
    status = django_filters.ChoiceFilter(
        field_name="current_status",
        choices=ProjectStatus.choices,
        label=_("Status"),
        help_text=_(
            "The current status: that of the project's latest published progress report "
            "(not-stated when there is none)."
        ),
        error_messages={"invalid_choice": _("There is no status “%(value)s”.")},
    )
    program = django_filters.ModelChoiceFilter(
        queryset=Program.objects.all(),
        to_field_name="slug",
        label=_("Program"),
        help_text=_("Program slug."),
        error_messages={"invalid_choice": _("There is no such program.")},
    )
    q = django_filters.CharFilter(
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        # Unstripped, so that the length limit is the one the schema states (words are split on
        # whitespace in any case).
        strip=False,
        label=_("Search"),
        help_text=_(
            "Words in English or Korean: titles, summaries and source text, and the names of "
            "sectors, programs, goals, places and organisations."
        ),
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES,
        method="sort_by",
        empty_label=_("Document order"),
        label=_("Sort by"),
        help_text=_(
            "Sort order; the default is relevance with a search, else the order of the "
            "source document."
        ),
        error_messages={"invalid_choice": _("There is no sort order “%(value)s”.")},
    )

    class Meta:
        model = Project
        fields = ["sector", "year", "status", "program", "q", "sort"]

    def filter_sector(self, queryset, name, sectors):
        if not sectors:
            return queryset
        return queryset.in_sectors(sector.slug for sector in sectors)

    def filter_text(self, queryset, name, text):
        return queryset.matching(text) if text else queryset

    def filter_queryset(self, queryset):
        """Filter, then sort; with a search and no other order chosen, best matches first."""
        queryset = super().filter_queryset(queryset)
        text = self.form.cleaned_data.get("q")
        if text and self.form.cleaned_data.get("sort") in (None, "", RELEVANCE):
            queryset = queryset.by_relevance(text)
        return queryset

    def sort_by(self, queryset, name, value):
        # Relevance is applied in filter_queryset, once every filter is (it needs ``q``).
        # Ordering ends on the slug so that equal keys still give a stable, paginatable order.
        # The start year and budget total are derived columns (projects.facts) with partial
        # indexes in exactly these orders, so a page of a sorted list is an index scan.
        if value in ("start", "-start"):
            first = F("span_start")
            key = first.asc(nulls_last=True) if value == "start" else first.desc(nulls_last=True)
            return queryset.order_by(key, "position", "slug")
        if value in ("budget", "-budget"):
            total = F("budget_sum_krw")
            key = total.asc(nulls_last=True) if value == "budget" else total.desc(nulls_last=True)
            return queryset.order_by(key, "position", "slug")
        if value == "title":
            if active_content_language() == "ko":
                korean_or_english = Coalesce(NullIf("title_ko", Value("")), "title_en")
                return queryset.order_by(korean_or_english, "slug")
            return queryset.order_by("title_en", "slug")
        if value == "updated":
            return queryset.order_by("-updated_at", "slug")
        return queryset

    def queryset_without(self, *names):
        """The filtered queryset with the named filters left out (and no sorting): the base
        for facet counts, so that each facet shows what choosing one of its values would give."""
        self.is_valid()
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in names and name != "sort":
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def chips(self) -> list[tuple[str, str, str]]:
        """Each applied filter value as (filter label, value label, query string without it),
        for removable chips. Sort and page are kept out: removing a filter returns to page 1."""
        chips = []
        for name, value in self.applied.items():
            if name == "sort":
                continue
            values = value if name == "sector" else [value]
            for item in values:
                remaining = self.data.copy()
                remaining.pop("page", None)
                if name == "sector":
                    remaining.setlist(
                        "sector", [s for s in remaining.getlist("sector") if s != item.slug]
                    )
                else:
                    remaining.pop(name, None)
                chips.append(
                    (
                        str(self.filters[name].label),
                        self.value_label(name, item),
                        remaining.urlencode(),
                    )
                )
        return chips

    @staticmethod
    def value_label(name, value) -> str:
        """How an applied value reads on a chip."""
        if name == "status":
            return str(ProjectStatus(value).label)
        if name == "year" and value == UNDATED:
            return str(_("Undated"))
        if name in ("sector", "program"):
            return str(value)
        return str(value)

    @property
    def applied(self) -> dict:
        """The valid, non-empty filter values: what the page shows as applied filters."""
        if not self.is_valid() and not hasattr(self.form, "cleaned_data"):
            return {}
        applied = {}
        for name, value in self.form.cleaned_data.items():
            if name == "sector":
                value = list(value or [])
            if value not in (None, "", []):
                applied[name] = value
        return applied
