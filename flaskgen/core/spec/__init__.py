"""The spec, pure: ``loader`` (YAML text with positions) -> ``schema`` (shape) ->
``normalize`` (frozen, typed values of ``types``) -> ``probe`` (the routing check);
``parse.parse_spec`` runs them in that order."""
