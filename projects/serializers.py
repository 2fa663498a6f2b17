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


def phase_help(name):
    return dd.meaning(dd.PHASE_FIELDS, name)


def help_texts(fields, names):
    """``extra_kwargs`` giving each of ``names`` its help text from the data dictionary."""
    return {name: {"help_text": dd.meaning(fields, name)} for name in names}


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


@extend_schema_field(serializers.ListField(child=serializers.SlugField()))
class SlugListField(serializers.Field):
    """A read-only list of the slugs of already-fetched rows (a prefetched plain list)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return [item.slug for item in value]


class PhaseSerializer(serializers.ModelSerializer):
    """A dated period or milestone of a project: the plan's dates and the reported actual ones."""

    milestone_state = serializers.CharField(
        source="state", read_only=True, allow_null=True, help_text=phase_help("milestone_state")
    )

    class Meta:
        model = Phase
        fields = [field.name for field in dd.PHASE_FIELDS if field.in_api]
        read_only_fields = fields
        extra_kwargs = help_texts(
            dd.PHASE_FIELDS, [name for name in fields if name != "milestone_state"]
        )


class BudgetSerializer(serializers.ModelSerializer):
    """An amount of money the source states for a project."""

    class Meta:
        model = Budget
        fields = [field.name for field in dd.BUDGET_FIELDS if field.in_api]
        read_only_fields = fields
        extra_kwargs = help_texts(dd.BUDGET_FIELDS, fields)


class PlaceSerializer(serializers.ModelSerializer):
    """A place in Busan that a project names."""

    class Meta:
        model = Place
        fields = ["slug", "name_en", "name_ko"]
        read_only_fields = fields
        extra_kwargs = help_texts(dd.NAMED_FIELDS, fields)


class OrganisationSerializer(serializers.ModelSerializer):
    """A company or institute that a project names."""

    class Meta:
        model = Organisation
        fields = ["slug", "name_en", "name_ko"]
        read_only_fields = fields
        extra_kwargs = help_texts(dd.NAMED_FIELDS, fields)


def project_help(name):
    return dd.meaning(dd.PROJECT_FIELDS, name)


class ProjectSerializer(serializers.ModelSerializer):
    """A published project with its phases, budgets, places and organisations.

    Expects the queryset of ``ProjectViewSet`` (related rows prefetched); it adds no queries.
    """

    title = serializers.CharField(read_only=True, help_text=project_help("title"))
    url = PermalinkField(help_text=project_help("url"))
    # The *_list sources are the plain-list prefetches of ``projects.api.api_projects``.
    sectors = SlugListField(source="sector_list", help_text=project_help("sectors"))
    primary_sector = serializers.SlugRelatedField(
        read_only=True, slug_field="slug", help_text=project_help("primary_sector")
    )
    program = serializers.SlugRelatedField(
        read_only=True, slug_field="slug", allow_null=True, help_text=project_help("program")
    )
    goal = serializers.SlugRelatedField(
        source="program.strategy",
        read_only=True,
        slug_field="slug",
        allow_null=True,
        help_text=project_help("goal"),
    )
    status = serializers.CharField(
        source="current_status", read_only=True, help_text=project_help("status")
    )
    start_year = serializers.SerializerMethodField(help_text=project_help("start_year"))
    end_year = serializers.SerializerMethodField(help_text=project_help("end_year"))
    phases = PhaseSerializer(many=True, read_only=True, help_text=project_help("phases"))
    budget_total_krw = serializers.SerializerMethodField(help_text=project_help("budget_total_krw"))
    budgets = BudgetSerializer(many=True, read_only=True, help_text=project_help("budgets"))
    places = PlaceSerializer(
        source="place_list", many=True, read_only=True, help_text=project_help("places")
    )
    organisations = OrganisationSerializer(
        source="organisation_list",
        many=True,
        read_only=True,
        help_text=project_help("organisations"),
    )

    class Meta:
        model = Project
        fields = [field.name for field in dd.PROJECT_FIELDS if field.in_api]
        read_only_fields = fields
        extra_kwargs = help_texts(
            dd.PROJECT_FIELDS,
            ["slug", "title_en", "title_ko", "summary_en", "summary_ko", "status_as_of"]
            + ["progress_percent", "source_text", "updated_at"],
        )

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


def sector_help(name):
    return dd.meaning(dd.SECTOR_FIELDS, name)


class SectorSerializer(serializers.ModelSerializer):
    """A sector with the number of its published projects (annotated ``project_count``)."""

    name = serializers.CharField(read_only=True, help_text=sector_help("name"))
    project_count = serializers.IntegerField(read_only=True, help_text=sector_help("project_count"))
    url = AbsoluteUrlField(help_text=sector_help("url"))
    projects = serializers.SerializerMethodField(help_text=sector_help("projects"))

    class Meta:
        model = Sector
        fields = [field.name for field in dd.SECTOR_FIELDS]
        read_only_fields = fields
        extra_kwargs = help_texts(
            dd.SECTOR_FIELDS, ["slug", "name_en", "name_ko", "description_en", "description_ko"]
        )

    @extend_schema_field(OpenApiTypes.URI)
    def get_projects(self, sector) -> str:
        path = f"{reverse('api:project-list')}?sector={sector.slug}"
        return absolute(self.context.get("request"), path)


def program_help(name):
    return dd.meaning(dd.PROGRAM_FIELDS, name)


class ProgramSerializer(serializers.ModelSerializer):
    """A program with its goal and the number of its published projects."""

    title = serializers.CharField(read_only=True, help_text=program_help("title"))
    goal = serializers.SlugRelatedField(
        source="strategy", read_only=True, slug_field="slug", help_text=program_help("goal")
    )
    goal_title_en = serializers.CharField(
        source="strategy.title_en", read_only=True, help_text=program_help("goal_title_en")
    )
    goal_title_ko = serializers.CharField(
        source="strategy.title_ko", read_only=True, help_text=program_help("goal_title_ko")
    )
    project_count = serializers.IntegerField(
        read_only=True, help_text=program_help("project_count")
    )
    projects = serializers.SerializerMethodField(help_text=program_help("projects"))

    class Meta:
        model = Program
        fields = [field.name for field in dd.PROGRAM_FIELDS]
        read_only_fields = fields
        extra_kwargs = help_texts(dd.PROGRAM_FIELDS, ["slug", "title_en", "title_ko"])

    @extend_schema_field(OpenApiTypes.URI)
    def get_projects(self, program) -> str:
        path = f"{reverse('api:project-list')}?program={program.slug}"
        return absolute(self.context.get("request"), path)
