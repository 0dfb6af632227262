"""The spec, pure: ``loader`` (YAML text with positions) -> ``schema`` (shape) ->
``normalize`` (frozen, typed values of ``types``) -> ``probe`` (the routing check);
``parse.parse_spec`` runs them in that order."""

SCHEMA_FILE = "flaskgen-spec-1.schema.json"
"""The file name of the spec's JSON Schema (in ``schemas/``)."""
