"""The read-only public API: projects, sectors and programs as JSON.

Projects are filtered by ``ProjectFilterSet``, the same definition the HTML list and the CSV use,
so ``/api/projects/?sector=it&year=2016`` means exactly what ``/projects/?sector=it&year=2016``
means. Invalid parameters answer 400 with a JSON body keyed by the parameter's name.
"""

from django.db import DatabaseError
from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from busanportal.i18n import CONTENT_LANGUAGES
from projects.filters import MAX_QUERY_LENGTH, SORT_CHOICES, YEAR_PATTERN, ProjectFilterSet
from projects.models import Program, Project, ProjectStatus
from projects.selectors import programs_with_project_counts, sectors_with_project_counts
from projects.serializers import ProgramSerializer, ProjectSerializer, SectorSerializer
from sectors.models import Sector

LANGUAGE_PARAMETER = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    enum=list(CONTENT_LANGUAGES),
    description=_(
        "Language of the fields without a language suffix (title, name) and of the page "
        "links in url: en (the default) or ko. The _en and _ko fields are always present."
    ),
)


# The filter parameters exactly as the server accepts them, written out for the schema at the time
# it is generated: the sector and program slugs are the ones in the database then, and the other
# limits are the FilterSet's own constants. An empty value is accepted where the HTML form sends
# one for "any" (every filter but sector, whose form field is a list of checkboxes).
ANY = ""
NO_NUL_CHARACTER = "^[^\\x00]*$"


def filter_parameters() -> list[dict]:
    """The OpenAPI parameters of ``ProjectFilterSet``, described by its own help texts."""
    filters = ProjectFilterSet.base_filters

    def parameter(name, schema, **extra):
        description = str(filters[name].extra.get("help_text", ""))
        return {"in": "query", "name": name, "description": description, "schema": schema, **extra}

    def one_of(values):
        return {"type": "string", "enum": list(values)}

    try:
        sectors = list(Sector.objects.order_by("slug").values_list("slug", flat=True))
        programs = list(Program.objects.order_by("slug").values_list("slug", flat=True))
    except DatabaseError:
        # No database to read (``manage.py check --deploy`` generates the schema before any
        # migration, drf_spectacular.E001 otherwise): the slugs are then any string.
        sector_item = program_schema = {"type": "string"}
    else:
        # An empty enumeration is not valid OpenAPI; with no sectors at all, any string is
        # refused.
        sector_item = one_of(sectors) if sectors else {"type": "string", "not": {}}
        program_schema = one_of([ANY, *programs])
    return [
        parameter("sector", {"type": "array", "items": sector_item}, style="form", explode=True),
        parameter("year", {"type": "string", "pattern": YEAR_PATTERN}),
        parameter("status", one_of([ANY, *ProjectStatus.values])),
        parameter("program", program_schema),
        parameter(
            "q",
            {"type": "string", "maxLength": MAX_QUERY_LENGTH, "pattern": NO_NUL_CHARACTER},
        ),
        parameter("sort", one_of([ANY, *(value for value, _label in SORT_CHOICES)])),
    ]


class ProjectFilterSchema(DjangoFilterExtension):
    """States ``ProjectFilterSet``'s parameters with ``filter_parameters`` instead of letting
    drf-spectacular guess their types from the filters (it cannot know the slugs, the year
    pattern or which empty values are accepted)."""

    priority = 1  # preferred over drf-spectacular's own extension for DjangoFilterBackend

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        filterset_class = getattr(auto_schema.view, "filterset_class", None)
        if filterset_class is not None and issubclass(filterset_class, ProjectFilterSet):
            return filter_parameters()
        return super().get_schema_operation_parameters(auto_schema, *args, **kwargs)


class ErrorSerializer(serializers.Serializer):
    """Documents the error bodies: 404 and 429 carry ``detail``; a 400 names the parameter."""

    detail = serializers.CharField(help_text=_("What went wrong, in words."))


BAD_PARAMETER = OpenApiResponse(
    description=_(
        "A parameter is invalid. The body is an object whose keys are the names of the "
        'invalid parameters, each with a list of messages, e.g. {"year": ["Enter a year '
        '…"]}.'
    ),
    response=OpenApiTypes.OBJECT,
)
NOT_FOUND = OpenApiResponse(
    description=_("There is no published entry with this slug, or no such page."),
    response=ErrorSerializer,
)
THROTTLED = OpenApiResponse(
    description=_("Too many requests from your address; wait and try again."),
    response=ErrorSerializer,
)
# Answered by the server in front of the application (gunicorn, nginx), as a plain page.
TOO_LONG = OpenApiResponse(
    description=_("The address is longer than the server accepts (8,190 bytes); shorten it.")
)
#: The errors every operation may answer, by status (a whole list leaves out the 404).
ERRORS = {400: BAD_PARAMETER, 404: NOT_FOUND, 414: TOO_LONG, 429: THROTTLED}


class ProjectPagination(PageNumberPagination):
    """Fifty projects a page. ``page`` must be a whole number from 1 (else 400, naming it); a
    page past the end answers 404."""

    page_size = 50
    page_query_param = "page"

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param)
        if value is None:
            return 1
        # Digits only, not all zeros; no int() here, which refuses numbers of 4,300 digits.
        if not (value.isascii() and value.isdigit()) or not value.strip("0"):
            raise ValidationError({self.page_query_param: [_("Enter a whole number from 1.")]})
        return value

    def get_schema_operation_parameters(self, view):
        return [
            {
                "in": "query",
                "name": self.page_query_param,
                "description": str(_("Page number, from 1; fifty projects a page.")),
                "schema": {"type": "integer", "minimum": 1},
            }
        ]


class ContentLanguageMixin:
    """Answers in the language the ``lang`` parameter asks for (English by default).

    The API lives outside ``i18n_patterns``, so the language cannot come from the path; a
    parameter keeps every answer a plain, cacheable URL (no dependence on request headers).
    """

    def dispatch(self, request, *args, **kwargs):
        language = request.GET.get("lang")
        if language not in CONTENT_LANGUAGES:
            # An invalid value is reported by initial(), inside DRF's error handling.
            return super().dispatch(request, *args, **kwargs)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
        response["Content-Language"] = language
        return response

    def initial(self, request, *args, **kwargs):
        language = request.query_params.get("lang")
        if language is not None and language not in CONTENT_LANGUAGES:
            raise ValidationError({"lang": [_("Choose “en” or “ko”.")]})
        super().initial(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(
        summary=_("List published projects"),
        description=_(
            "Published projects, filtered by the same parameters as the /projects/ page and "
            "the CSV export, fifty per page. Filters combine with AND; several sector "
            "parameters match any of those sectors."
        ),
        parameters=[LANGUAGE_PARAMETER],
        responses={
            200: ProjectSerializer,
            **ERRORS,
        },
    ),
    retrieve=extend_schema(
        summary=_("One published project"),
        description=_("A published project by its slug."),
        parameters=[
            OpenApiParameter(
                "slug",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description=_("The project's slug, as in its page's address."),
            ),
            LANGUAGE_PARAMETER,
        ],
        responses={
            200: ProjectSerializer,
            **ERRORS,
        },
    ),
)
class ProjectViewSet(ContentLanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Published projects, filtered by ``ProjectFilterSet``."""

    serializer_class = ProjectSerializer
    pagination_class = ProjectPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProjectFilterSet
    lookup_field = "slug"

    def get_queryset(self):
        return api_projects()

    def filter_queryset(self, queryset):
        # A project's own address is not a search: list filters do not apply to it.
        if self.action == "retrieve":
            return queryset
        return super().filter_queryset(queryset)


def api_projects():
    """Published projects with everything the serializer and the CSV read, in a constant number
    of queries however many projects there are.

    The many-to-many relations are prefetched into plain lists (``sector_list``, ``place_list``,
    ``organisation_list``, ``related_list``): Django builds a queryset per project for an
    ordinary prefetch, which at 10,000 projects costs seconds in the exports. Phases and budgets
    keep the ordinary cache because ``Project.span`` and ``Project.budget_total`` read
    ``self.phases.all()`` and ``self.budgets.all()``.
    """
    return (
        Project.objects.published()
        .select_related("program__strategy", "primary_sector")
        .prefetch_related(
            "phases",
            "budgets",
            Prefetch("sectors", to_attr="sector_list"),
            Prefetch("places", to_attr="place_list"),
            Prefetch("organisations", to_attr="organisation_list"),
            # Only published projects are linked; their slugs are all the outputs show.
            Prefetch(
                "related",
                queryset=Project.objects.published().only("slug"),
                to_attr="related_list",
            ),
        )
    )


SLUG_PATH = {
    "sector": _("The sector's slug."),
    "program": _("The program's slug."),
}


def slug_parameter(kind):
    return OpenApiParameter(
        "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description=SLUG_PATH[kind]
    )


def whole_list_schema(kind, serializer, list_summary, list_description, retrieve_summary):
    """The schema of a list on one page (no pagination, no filters) and its items by slug."""
    return extend_schema_view(
        list=extend_schema(
            summary=list_summary,
            description=list_description,
            parameters=[LANGUAGE_PARAMETER],
            # A whole list has no slug to miss.
            responses={200: serializer, **{c: r for c, r in ERRORS.items() if c != 404}},
        ),
        retrieve=extend_schema(
            summary=retrieve_summary,
            parameters=[slug_parameter(kind), LANGUAGE_PARAMETER],
            responses={
                200: serializer,
                **ERRORS,
            },
        ),
    )


class WholeListViewSet(ContentLanguageMixin, viewsets.ReadOnlyModelViewSet):
    """A short list given whole on one page, its items by slug."""

    pagination_class = None
    lookup_field = "slug"


@whole_list_schema(
    "sector",
    SectorSerializer,
    _("List sectors"),
    _("Every sector, with the number of its published projects."),
    _("One sector"),
)
class SectorViewSet(WholeListViewSet):
    """The sectors and how many published projects each has (all on one page)."""

    serializer_class = SectorSerializer

    def get_queryset(self):
        return sectors_with_project_counts()


@whole_list_schema(
    "program",
    ProgramSerializer,
    _("List programs"),
    _("The plan's programs with their goal and number of published projects."),
    _("One program"),
)
class ProgramViewSet(WholeListViewSet):
    """The programs under the plan's goals (all on one page)."""

    serializer_class = ProgramSerializer

    def get_queryset(self):
        return programs_with_project_counts()
