"""Shape checks: the spec against the JSON Schema in ``schemas/``.

A valid spec is accepted by ``schema_accept``, code generated from the schema, without
importing ``jsonschema``; anything it refuses is validated again with ``jsonschema``,
whose errors become the messages (and which reads ``python: 3.10`` as the text written)."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from flaskgen.core.errors import Problem
from flaskgen.core.spec import schema_accept
from flaskgen.core.spec.loader import KeyPath, LoadedSpec

if TYPE_CHECKING:  # jsonschema is imported only for a spec the generated check refuses
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError


def load_schema(text: str) -> dict[str, Any]:
    """The spec's JSON Schema (the text of ``SCHEMA_FILE``) as a dict."""
    result: dict[str, Any] = json.loads(text)
    return result


MAX_NAME_LENGTH = 100
"""Longest name or template path (any value checked by an anchored pattern)."""


@cache
def _python_pattern(pattern: str) -> re.Pattern[str]:
    """``pattern`` with ECMA-262 semantics: an unescaped ``$`` ends the text, so a
    trailing newline does not match (Python's ``$`` would allow one)."""
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    """The ``pattern`` keyword with ECMA-262 ``$`` and a length cap on anchored patterns."""
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "string"):
        return
    if not _python_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")
    elif pattern.endswith("$") and len(instance) > MAX_NAME_LENGTH:
        yield ValidationError(f"is {len(instance)} characters long; at most {MAX_NAME_LENGTH} are allowed", validator="maxLength")


@cache
def _validator(schema_text: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator, validators

    # YAML keeps 200 and 200.0 apart; an integer field takes only the former.
    types = Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
    )
    strict = validators.extend(Draft202012Validator, {"pattern": _pattern}, type_checker=types)  # type: ignore[no-untyped-call]
    return cast(Draft202012Validator, strict(inline_refs(load_schema(schema_text))))


_ANNOTATIONS = frozenset({"description", "default", "examples", "title", "$comment"})


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each local ``$ref`` that stands alone (annotations aside) replaced
    by a copy of its target: the same checks, without a reference lookup for every value
    of a large spec. Recursive definitions keep their ``$ref``."""
    defs = schema.get("$defs", {})

    def expand(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [expand(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and set(node) - {"$ref"} <= _ANNOTATIONS:
            name = ref.removeprefix("#/$defs/")
            if name in defs and name not in seen:
                return {**expand(defs[name], (*seen, name)), **{k: v for k, v in node.items() if k != "$ref"}}
        return {key: value if key in _ANNOTATIONS else expand(value, seen) for key, value in node.items()}

    return cast(dict[str, Any], expand(schema, ()))


def did_you_mean(word: str, choices: list[str] | set[str] | tuple[str, ...]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    if not close and word:
        close = [c for c in sorted(choices) if c.startswith(word) or word.startswith(c)][:1]
    if not close:
        lowered = {c.lower(): c for c in choices}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f" (did you mean '{close[0]}'?)" if close else ""


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The most specific errors under a oneOf/anyOf failure."""
    if not error.context:
        yield error
        return
    # A branch whose type does not fit the value is the wrong branch: drop it.
    fitting = [e for e in error.context if e.validator != "type" or len(e.absolute_path) > len(error.absolute_path)]
    if fitting and len(fitting) < len(error.context):
        for sub in fitting:
            yield from _leaves(sub)
        return
    # Prefer the branch that got furthest into the instance.
    deepest = max(len(e.absolute_path) for e in error.context)
    if deepest == len(error.absolute_path):
        yield error
        return
    for sub in error.context:
        if len(sub.absolute_path) == deepest:
            yield from _leaves(sub)


_SCHEMA_TYPES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "empty",
}


def _type_name(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a decimal number", str: "text"}
    names.update({list: "a list", dict: "a mapping", type(None): "empty"})
    return names.get(type(value), type(value).__name__)


_FIXED_MESSAGES = {"minItems": "must not be empty", "minLength": "must not be empty", "uniqueItems": "has duplicate entries"}


def _unknown_key(schema: dict[str, Any], value: Any) -> tuple[str, str]:
    """The first key the schema does not allow, and the message about it."""
    allowed = sorted(schema.get("properties", {}))
    patterns = schema.get("patternProperties", {})
    extra = [k for k in value if k not in allowed and not any(re.search(p, k) for p in patterns)]
    key = sorted(extra)[0]
    hint = did_you_mean(key, allowed)
    where = ", ".join(allowed) if allowed else ""
    tail = hint or (f" (allowed: {where})" if where else "")
    if patterns and "^[A-Z][A-Z0-9_]*$" in patterns:
        tail = hint or " (Flask settings are UPPERCASE; the only directive is 'extends')"
    return key, f"unknown key '{key}'{tail}"


def _message(error: ValidationError, spec: LoadedSpec) -> tuple[KeyPath, str, bool]:
    """(path, message, point-at-key) for one leaf error."""
    path: KeyPath = tuple(error.absolute_path)
    validator = error.validator
    schema = cast(dict[str, Any], error.schema)
    value: Any = error.instance
    if validator == "additionalProperties":
        key, message = _unknown_key(schema, value)
        return (*path, key), message, True
    if validator == "propertyNames" or "propertyNames" in error.absolute_schema_path:
        # The failing key itself is the instance.
        key = str(value)
        if validator == "maxLength":
            return (*path, key), f"this name {error.message}", True
        return (*path, key), f"invalid name '{key}': {_pattern_hint(error)}", True
    if validator == "required":
        missing = [k for k in schema["required"] if k not in value][0]
        return (*path, missing), f"missing required key '{missing}'", False
    if validator == "enum":
        choices = [str(c) for c in schema["enum"]]
        hint = did_you_mean(str(value), choices)
        return path, f"'{value}' is not one of {', '.join(choices)}{hint}", False
    if validator == "const":
        return path, f"must be {json.dumps(schema['const'])}, not {json.dumps(value)}", False
    if validator == "type":
        expected = schema["type"]
        expected = expected if isinstance(expected, list) else [expected]
        wanted = " or ".join(_SCHEMA_TYPES[t] for t in expected)
        return path, f"expected {wanted}, got {_type_name(value)}", False
    if validator == "pattern":
        return path, f"'{value}' is not valid: {_pattern_hint(error)}", False
    if validator == "maxLength":
        return path, error.message, False
    if validator in ("minimum", "maximum"):
        word = "at least" if validator == "minimum" else "at most"
        return path, f"must be {word} {error.validator_value}, got {value}", False
    if validator in _FIXED_MESSAGES:
        return path, _FIXED_MESSAGES[str(validator)], False
    if validator in ("anyOf", "oneOf"):
        return path, f"invalid value {json.dumps(value, default=str)}: {_describe(schema)}", False
    return path, error.message, False


_PATTERN_HINTS = {
    "^[A-Za-z_][A-Za-z0-9_]*$": "use letters, digits and underscores, not starting with a digit",
    "^[a-z_][a-z0-9_]*$": "use lowercase letters, digits and underscores, not starting with a digit",
    "^[A-Z][A-Za-z0-9]*$": "use a CamelCase class name such as 'User'",
    "^/": "a URL rule starts with '/'",
    "^[45][0-9][0-9]$": "error handlers are keyed by a 4xx or 5xx status code",
    "^[a-z][a-z0-9_]*$": "profile names are lowercase, such as 'production'",
    "^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$": "command names are lowercase words joined by '-', such as 'seed-db'",
    "^[^\\r\\n]*@[^\\r\\n]*$": "write one line with an address, such as 'Shop <no-reply@shop.example>'",
}


def _pattern_hint(error: ValidationError) -> str:
    pattern = cast(dict[str, Any], error.schema).get("pattern") or error.validator_value
    if isinstance(pattern, dict):
        pattern = pattern.get("pattern", "")
    return _PATTERN_HINTS.get(str(pattern), f"must match {pattern}")


def _describe(schema: dict[str, Any]) -> str:
    branches = schema.get("anyOf") or schema.get("oneOf") or []
    if any(b.get("type") == "integer" for b in branches) and any("pattern" in b for b in branches):
        return "expected a size such as 2MB (B, KB, MB, GB) or a number of bytes"
    if any(b.get("const") is True for b in branches):
        return "expected true, a mapping or a list"
    if any(b.get("const") is False for b in branches) and any("per " in str(b.get("pattern", "")) for b in branches):
        return "expected a rate such as '5 per minute' (per second, minute, hour or day) or false"
    return "expected one of the allowed forms"


def _coerce_numbers(spec: LoadedSpec, errors: list[ValidationError]) -> bool:
    """Where text is expected but YAML read a number (``python: 3.10``), use the
    text the user wrote. Returns whether anything changed."""
    changed = False
    for error in errors:
        for leaf in [error, *(error.context or [])]:
            path = tuple(leaf.absolute_path)
            if (
                leaf.validator == "type"
                and "string" in (leaf.validator_value if isinstance(leaf.validator_value, list) else [leaf.validator_value])
                and path in spec.number_text
            ):
                _set(spec.data, path, spec.number_text.pop(path))
                changed = True
    return changed


def _set(data: Any, path: KeyPath, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def check_shape(spec: LoadedSpec, schema_text: str) -> tuple[list[Problem], set[KeyPath]]:
    """Validate ``spec.data`` against the schema (the JSON text of ``SCHEMA_FILE``).

    Returns the problems and the set of paths that have one, so later checks can
    skip parts that are malformed.
    """
    if _compiled_from(schema_text) and schema_accept.accepts(spec.data):
        return [], set()
    return _check_with_jsonschema(spec, schema_text)


@cache
def _compiled_from(schema_text: str) -> bool:
    """Whether ``schema_accept`` was generated from this schema text."""
    return hashlib.sha256(schema_text.encode("utf-8")).hexdigest() == schema_accept.SCHEMA_SHA256


def _check_with_jsonschema(spec: LoadedSpec, schema_text: str) -> tuple[list[Problem], set[KeyPath]]:
    """Every problem jsonschema finds, worded for the user (see ``check_shape``)."""
    validator = _validator(schema_text)
    for _ in range(20):
        errors = list(validator.iter_errors(spec.data))
        if not _coerce_numbers(spec, errors):
            break
    problems: list[Problem] = []
    bad: set[KeyPath] = set()
    for error in errors:
        for leaf in _leaves(error):
            path, message, at_key = _message(leaf, spec)
            bad.add(path)
            problems.append(spec.problem(path, message, key=at_key))
    return problems, bad
