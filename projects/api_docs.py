"""The API reference (/api/docs/ and /ko/api/docs/): the OpenAPI schema rendered as a page.

Server-rendered HTML generated from the very schema /api/schema/ serves, so the reference cannot
disagree with it: every operation with its parameters (type, allowed values, limits) and
responses, and every response object with its fields. No JavaScript, so it works in any browser
and with any assistive technology, and a page in the site's design passes the same accessibility
and HTML checks as the others. It replaces Swagger UI, which did not.
"""

from dataclasses import dataclass, field

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator

# Enumerations longer than this are shown folded in a <details> element.
LONG_ENUM = 12


@dataclass
class Parameter:
    name: str
    location: str
    required: bool
    constraint: str
    values: list[str]
    description: str


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter] = field(default_factory=list)
    responses: list[tuple[str, str, str]] = field(default_factory=list)


def shown(value) -> str:
    """An allowed value as a reader should type it; the empty value needs words."""
    return _("(empty)") if value == "" else str(value)


def constraint(schema: dict, components: dict) -> str:
    """A schema's type and limits in words, e.g. "integer, at least 1"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "")
    if kind == "array":
        return _("list of %(items)s") % {"items": constraint(schema.get("items", {}), components)}
    words = {
        "string": _("text"),
        "integer": _("integer"),
        "number": _("number"),
        "boolean": _("true or false"),
        "object": _("object"),
    }
    parts = [words.get(kind, kind)]
    if "format" in schema:
        parts.append(schema["format"])
    if "minimum" in schema:
        parts.append(_("at least %(n)s") % {"n": schema["minimum"]})
    if "maximum" in schema:
        parts.append(_("at most %(n)s") % {"n": schema["maximum"]})
    if "maxLength" in schema:
        parts.append(_("at most %(n)s characters") % {"n": schema["maxLength"]})
    if "pattern" in schema:
        parts.append(_("matching the pattern %(pattern)s") % {"pattern": schema["pattern"]})
    if schema.get("nullable"):
        parts.append(_("or null"))
    return ", ".join(str(part) for part in parts if part)


def allowed_values(schema: dict) -> list[str]:
    enum = schema.get("enum") or schema.get("items", {}).get("enum") or []
    return [shown(value) for value in enum]


def operations(schema: dict) -> list[Operation]:
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, methods in schema.get("paths", {}).items():
        for method, spec in methods.items():
            operation = Operation(
                anchor=spec.get("operationId", f"{method}-{path}"),
                method=method.upper(),
                path=path,
                summary=spec.get("summary", ""),
                description=spec.get("description", ""),
            )
            for parameter in spec.get("parameters", []):
                parameter_schema = parameter.get("schema", {})
                operation.parameters.append(
                    Parameter(
                        name=parameter["name"],
                        location=parameter["in"],
                        required=parameter.get("required", False),
                        constraint=constraint(parameter_schema, components),
                        values=allowed_values(parameter_schema),
                        description=parameter.get("description", ""),
                    )
                )
            for status, response in spec.get("responses", {}).items():
                content = response.get("content", {})
                media = ", ".join(content) if content else ""
                operation.responses.append((status, response.get("description", ""), media))
            found.append(operation)
    return found


def objects(schema: dict) -> list[tuple[str, str, list[tuple[str, str, str, bool]]]]:
    """Each response object (component) with its fields: (name, type, description, required)."""
    components = schema.get("components", {}).get("schemas", {})
    described = []
    for name, component in components.items():
        required = set(component.get("required", []))
        properties = [
            (
                field_name,
                constraint(spec, components),
                spec.get("description", ""),
                field_name in required,
            )
            for field_name, spec in component.get("properties", {}).items()
        ]
        described.append((name, component.get("description", ""), properties))
    return described


@require_safe
def api_reference(request):
    """The API reference in the language of the request."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    context = {
        "info": schema.get("info", {}),
        "operations": operations(schema),
        "objects": objects(schema),
        "long_enum": LONG_ENUM,
    }
    return render(request, "api/docs.html", context)
