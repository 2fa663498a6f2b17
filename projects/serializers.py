"""JSON shapes of the public API (and of the bulk JSON export).

Every field's ``help_text`` comes from ``projects.datadictionary``, so the OpenAPI schema, the
/data/ page and the CSV describe a field in the same words. Amounts are integers of won and
years are integers or null, never strings or floats.
"""

from collections.abc import Callable

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from projects import datadictionary as dd
from projects.models import Budget, Organisation, Phase, Place, Program, Project
from sectors.models import Sector


def absolute(request, path: str) -> str:
    """``path`` as an absolute URL when there is a request (the API), else as it is."""
    return request.build_absolute_uri(path) if request is not None else path


# A slug no project has: reverse() runs once with it, then each project's slug takes its place.
SLUG_PLACEHOLDER = "0-slug-0"


def permalink_builder(request) -> Callable[[str], str]:
    """A function from a project's slug to its page's absolute address in the active language.

    Same result as ``absolute(request, project.get_absolute_url())``, without running URL
    resolution once per project: at 10,000 projects that alone takes a second of an export.
    """
    head, tail = absolute(request, reverse("projects:detail", args=[SLUG_PLACEHOLDER])).split(
        SLUG_PLACEHOLDER
    )
    return lambda slug: f"{head}{slug}{tail}"


class DictionarySerializer(serializers.ModelSerializer):
    """A read-only serializer whose fields, their order and their help texts are the API fields
    of a data dictionary list (``dictionary``, the list's name in ``projects.datadictionary``).

    The list is read when a serializer is made, not when its class is defined, so an entry added
    to the dictionary appears in the API, the JSON export and the OpenAPI schema. Fields the model
    does not have are declared on the subclass; their help texts come from the dictionary too.
    """

    dictionary: str

    @classmethod
    def data_fields(cls) -> list[dd.DataField]:
        return getattr(dd, cls.dictionary)

    def get_field_names(self, declared_fields, info):
        return dd.api_names(self.data_fields())

    def get_extra_kwargs(self):
        return {name: {"read_only": True} for name in dd.api_names(self.data_fields())}

    def get_fields(self):
        fields = super().get_fields()
        # Set here rather than passed as arguments so that declared fields get theirs too.
        for field in self.data_fields():
            if field.in_api:
                fields[field.name].help_text = field.meaning
        return fields


@extend_schema_field(OpenApiTypes.URI)
class PermalinkField(serializers.Field):
    """A project's page address, absolute, in the language of the request."""

    def __init__(self, **kwargs):
        kwargs["source"] = "slug"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, slug):
        # Built once per serializer (the context is shared by every row of a list).
        if "permalink" not in self.context:
            self.context["permalink"] = permalink_builder(self.context.get("request"))
        return self.context["permalink"](slug)


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteUrlField(serializers.Field):
    """A read-only link: the model's ``get_absolute_url()`` made absolute for the request."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "get_absolute_url")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return absolute(self.context.get("request"), value)


@extend_schema_field(OpenApiTypes.URI)
class ProjectListLinkField(serializers.Field):
    """The API list of the projects of a sector or program: the project list filtered by the
    ``parameter`` (``sector`` or ``program``) with the row's slug."""

    def __init__(self, parameter, **kwargs):
        self.parameter = parameter
        kwargs["source"] = "slug"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, slug):
        path = f"{reverse('api:project-list')}?{self.parameter}={slug}"
        return absolute(self.context.get("request"), path)


@extend_schema_field(serializers.ListField(child=serializers.SlugField()))
class SlugListField(serializers.Field):
    """A read-only list of the slugs of already-fetched rows (a prefetched plain list)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return [item.slug for item in value]


class PhaseSerializer(DictionarySerializer):
    """A dated period or milestone of a project: the plan's dates and the reported actual ones."""

    # A period has no state: null rather than the stored "scheduled".
    milestone_state = serializers.CharField(source="state", read_only=True, allow_null=True)

    dictionary = "PHASE_FIELDS"

    class Meta:
        model = Phase


class BudgetSerializer(DictionarySerializer):
    """An amount of money the source states for a project."""

    dictionary = "BUDGET_FIELDS"

    class Meta:
        model = Budget


class NamedSerializer(DictionarySerializer):
    """A place or organisation: its slug and names."""

    dictionary = "NAMED_FIELDS"


class PlaceSerializer(NamedSerializer):
    """A place in Busan that a project names."""

    class Meta:
        model = Place


class OrganisationSerializer(NamedSerializer):
    """A company or institute that a project names."""

    class Meta:
        model = Organisation


class ProjectSerializer(DictionarySerializer):
    """A published project with its phases, budgets, places and organisations.

    Expects the queryset of ``ProjectViewSet`` (related rows prefetched); it adds no queries.
    """

    title = serializers.CharField(read_only=True)
    url = PermalinkField()
    # The *_list sources are the plain-list prefetches of ``projects.api.api_projects``.
    sectors = SlugListField(source="sector_list")
    primary_sector = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    program = serializers.SlugRelatedField(read_only=True, slug_field="slug", allow_null=True)
    goal = serializers.SlugRelatedField(
        source="program.strategy",
        read_only=True,
        slug_field="slug",
        allow_null=True,
    )
    status = serializers.CharField(source="current_status", read_only=True)
    start_year = serializers.SerializerMethodField()
    end_year = serializers.SerializerMethodField()
    phases = PhaseSerializer(many=True, read_only=True)
    budget_total_krw = serializers.SerializerMethodField()
    budgets = BudgetSerializer(many=True, read_only=True)
    places = PlaceSerializer(source="place_list", many=True, read_only=True)
    organisations = OrganisationSerializer(
        source="organisation_list",
        many=True,
        read_only=True,
    )

    dictionary = "PROJECT_FIELDS"

    class Meta:
        model = Project

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_start_year(self, project) -> int | None:
        span = project.span
        return span.start if span else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_end_year(self, project) -> int | None:
        span = project.span
        return span.end if span else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_budget_total_krw(self, project) -> int | None:
        return project.budget_total


class SectorSerializer(DictionarySerializer):
    """A sector with the number of its published projects (annotated ``project_count``)."""

    name = serializers.CharField(read_only=True)
    project_count = serializers.IntegerField(read_only=True)
    url = AbsoluteUrlField()
    projects = ProjectListLinkField("sector")

    dictionary = "SECTOR_FIELDS"

    class Meta:
        model = Sector


class ProgramSerializer(DictionarySerializer):
    """A program with its goal and the number of its published projects."""

    title = serializers.CharField(read_only=True)
    goal = serializers.SlugRelatedField(source="strategy", read_only=True, slug_field="slug")
    goal_title_en = serializers.CharField(source="strategy.title_en", read_only=True)
    goal_title_ko = serializers.CharField(source="strategy.title_ko", read_only=True)
    project_count = serializers.IntegerField(read_only=True)
    projects = ProjectListLinkField("program")

    dictionary = "PROGRAM_FIELDS"

    class Meta:
        model = Program
