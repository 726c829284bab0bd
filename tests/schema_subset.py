"""A validator for the subset of JSON Schema (draft 2020-12) that reanalysis/schemas uses.

``jsonschema`` is not a dependency, and the schemas need only these keywords, each
checked as the specification (json-schema.org/draft/2020-12/json-schema-validation)
defines it: ``type`` (a name or a list; ``integer`` is a number with no fraction, and
booleans are not numbers), ``enum``, ``minimum``, ``maximum``, ``exclusiveMinimum``,
``exclusiveMaximum``, ``properties``, ``required``, ``additionalProperties`` (a boolean
or a schema) and ``items``. A schema using any other keyword is refused, so the subset
cannot silently grow.
"""

from __future__ import annotations

from typing import Any

ANNOTATIONS = {"$schema", "$id", "title", "description"}
KEYWORDS = {
    "type",
    "enum",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "properties",
    "required",
    "additionalProperties",
    "items",
}


def _is_type(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "number":
        return number
    if name == "integer":
        return number and float(value).is_integer()
    raise ValueError(f"unknown type {name!r}")


def errors(instance: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Every way ``instance`` breaks ``schema``, as ``path: problem`` lines (empty: valid)."""
    unknown = set(schema) - KEYWORDS - ANNOTATIONS
    if unknown:
        raise ValueError(f"{path}: keywords outside the supported subset: {sorted(unknown)}")
    found: list[str] = []
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(instance, name) for name in names):
            return [f"{path}: expected {' or '.join(names)}, got {instance!r}"]
    if "enum" in schema and instance not in schema["enum"]:
        found.append(f"{path}: {instance!r} is not one of {schema['enum']}")
    if _is_type(instance, "number"):
        for keyword, holds in (
            ("minimum", lambda bound: instance >= bound),
            ("maximum", lambda bound: instance <= bound),
            ("exclusiveMinimum", lambda bound: instance > bound),
            ("exclusiveMaximum", lambda bound: instance < bound),
        ):
            if keyword in schema and not holds(schema[keyword]):
                found.append(f"{path}: {instance!r} breaks {keyword} {schema[keyword]}")
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in instance:
                found.append(f"{path}: required property {name!r} is missing")
        extra = schema.get("additionalProperties", True)
        for name, value in instance.items():
            where = f"{path}.{name}"
            if name in properties:
                found += errors(value, properties[name], where)
            elif extra is False:
                found.append(f"{where}: not a property the schema describes")
            elif isinstance(extra, dict):
                found += errors(value, extra, where)
    if isinstance(instance, list) and "items" in schema:
        for i, item in enumerate(instance):
            found += errors(item, schema["items"], f"{path}[{i}]")
    return found
