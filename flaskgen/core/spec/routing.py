"""URL rules, checked and simulated with werkzeug's own router.

The generator builds the same ``werkzeug.routing.Map`` the generated app will have,
so rule syntax, converters and their arguments are parsed by werkzeug itself, and
the generated tests' URLs, 404s and 405s are computed by real matching.
"""

from __future__ import annotations

import functools
import re
import re._parser as sre_parse  # type: ignore[import-not-found]  # the stdlib regex parser (no stubs)
from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from werkzeug.routing import BaseConverter, Map, Rule
from werkzeug.routing.converters import (
    AnyConverter,
    FloatConverter,
    IntegerConverter,
    PathConverter,
    UnicodeConverter,
    UUIDConverter,
    ValidationError,
)

from flaskgen.core.spec.types import Converter

_CASTS: dict[str, type] = {"str": str, "int": int, "float": float}


def converter_class(spec: Converter) -> type[BaseConverter]:
    """A werkzeug converter that behaves like the one generated for ``spec``."""
    cast = _CASTS[spec.type]

    def to_python(self: BaseConverter, value: str) -> Any:
        try:
            return cast(value)
        except ValueError:
            raise ValidationError() from None

    namespace: dict[str, Any] = {"to_python": to_python}
    if spec.regex is not None:
        namespace["regex"] = spec.regex
    else:

        def __init__(self: BaseConverter, map: Map, regex: str) -> None:  # noqa: N807
            BaseConverter.__init__(self, map)
            self.regex = regex

        namespace["__init__"] = __init__
    return type(spec.class_name, (BaseConverter,), namespace)


class RuleParses:
    """werkzeug's parse of each rule text, kept so a second map of the same converters
    reuses it: ``validate`` parses every rule to check it, then matches them all in the
    probe's map, and parsing is most of the cost of adding a rule. The first map made
    with it fixes the converters; a map of other converters does not share it."""

    def __init__(self) -> None:
        self.converters: tuple[Converter, ...] | None = None
        # (rule text, subdomain, merge_slashes) -> werkzeug's parts, trace and converters
        self.parsed: dict[tuple[str, str, bool], tuple[tuple[Any, ...], tuple[Any, ...], dict[str, Any]]] = {}


class ProbeMap(Map):
    """A Map whose :class:`ProbeRule` rules share the parses in ``parses`` (if any)."""

    parses: RuleParses | None = None


class ProbeRule(Rule):
    """A werkzeug Rule whose URL builders are compiled on first use, and whose parse
    comes from its map's :class:`RuleParses` when another map parsed the same text.

    werkzeug compiles two builder functions for every rule it binds, which is most of
    the cost of adding a rule; flaskgen matches URLs but builds none, so on a spec of a
    thousand routes the builders would cost more than everything else it checks.
    """

    def compile(self) -> None:
        """Parse the rule, or take the parse of the same text from the map's store."""
        parses = getattr(self.map, "parses", None)
        if parses is None or self.map.host_matching:
            super().compile()
            return
        key = (self.rule, self.subdomain or "", bool(self.merge_slashes))
        known = parses.parsed.get(key)
        if known is None:
            super().compile()
            parses.parsed[key] = (tuple(self._parts), tuple(self._trace), dict(self._converters))
            return
        parts, trace, converters = known
        self._parts, self._trace, self._converters = list(parts), list(trace), dict(converters)
        self.arguments.update(converters)
        self._build = self._compile_builder(False).__get__(self, None)
        self._build_unknown = self._compile_builder(True).__get__(self, None)

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compiled: Callable[..., tuple[str, str]] | None = None

        def build(rule: Rule, *args: Any, **kwargs: Any) -> tuple[str, str]:
            nonlocal compiled
            if compiled is None:
                compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            return compiled(*args, **kwargs)

        return build


def make_map(converters: tuple[Converter, ...], parses: RuleParses | None = None) -> ProbeMap:
    """An empty Map with the spec's converters, configured as Flask configures its own;
    its rules share ``parses`` (made for the same converters) with other maps."""
    url_map = ProbeMap(
        converters={c.name: converter_class(c) for c in converters},
        host_matching=False,
        strict_slashes=True,
        merge_slashes=True,
    )
    if parses is not None and parses.converters in (None, converters):
        parses.converters = converters
        url_map.parses = parses
    return url_map


def converter_name(url_map: Map, converter: BaseConverter) -> str:
    for name, cls in url_map.converters.items():
        if type(converter) is cls and name != "default":
            return name
    return "string"


def rule_variables(rule: Rule) -> list[str]:
    """The variables of a bound rule (subdomain first, then path) in order."""
    seen = [data for dynamic, data in rule._trace if dynamic]  # werkzeug's own parse
    return list(dict.fromkeys(seen))


def rule_signature(rule: Rule) -> str:
    """A key under which two rules match the same URLs (variable names ignored)."""
    parts = []
    for dynamic, data in rule._trace:
        if dynamic:
            conv = rule._converters[data]
            parts.append(f"<{conv.regex}>")
        else:
            parts.append(data)
    return "".join(parts)


def python_annotation(converter: BaseConverter, custom_types: Mapping[str, str]) -> str:
    """The Python type a view receives from ``converter``."""
    if isinstance(converter, IntegerConverter):
        return "int"
    if isinstance(converter, FloatConverter):
        return "float"
    if isinstance(converter, UUIDConverter):
        return "UUID"
    return custom_types.get(type(converter).__name__, "str")


def annotation_imports(converter: BaseConverter) -> frozenset[tuple[str, str]]:
    """What the view module imports for ``python_annotation(converter)``."""
    return frozenset({("uuid", "UUID")}) if isinstance(converter, UUIDConverter) else frozenset()


# -- sample values for generated tests -------------------------------------------------


@functools.lru_cache(maxsize=256)  # a large spec repeats a few converters' patterns
def _regex_sample(pattern: str) -> str | None:
    """A short string matching ``pattern``, found by walking its parse tree."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None

    def walk(items: Any) -> str:
        out = ""
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                out += chr(arg)
            elif name == "NOT_LITERAL":
                out += "a" if chr(arg) != "a" else "b"
            elif name == "ANY":
                out += "a"
            elif name == "IN":
                out += _class_sample(arg)
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, _high, sub = arg
                out += walk(sub) * max(low, 1)
            elif name == "SUBPATTERN":
                out += walk(arg[-1])
            elif name == "ATOMIC_GROUP":
                out += walk(arg)
            elif name == "BRANCH":
                out += walk(arg[1][0])
            elif name in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF"):
                continue
            elif name == "CATEGORY":
                out += _category_sample(str(arg))
        return out

    try:
        return walk(parsed)
    except (TypeError, ValueError, IndexError):
        return None


def _category_sample(category: str) -> str:
    if "NOT_DIGIT" in category or "NOT_SPACE" in category:
        return "a"
    if "DIGIT" in category:
        return "1"
    if "SPACE" in category:
        return "-"
    if "NOT_WORD" in category:
        return "-"
    return "a"


def _class_sample(items: Any) -> str:
    if items and str(items[0][0]) == "NEGATE":
        for char in "a1-_.":
            if not any(_in_item(char, it) for it in items[1:]):
                return char
        return "~"
    op, arg = items[0]
    name = str(op)
    if name == "LITERAL":
        return chr(arg)
    if name == "RANGE":
        low, high = arg
        for char in "a1A":
            if low <= ord(char) <= high:
                return char
        return chr(low)
    if name == "CATEGORY":
        return _category_sample(str(arg))
    return "a"


def _in_item(char: str, item: Any) -> bool:
    op, arg = item
    name = str(op)
    if name == "LITERAL":
        return bool(ord(char) == arg)
    if name == "RANGE":
        return bool(arg[0] <= ord(char) <= arg[1])
    if name == "CATEGORY":
        return _category_sample(str(arg)) == char
    return False


def _accepts(converter: BaseConverter, text: str) -> bool:
    if not re.fullmatch(converter.regex, text):
        return False
    try:
        converter.to_python(text)
    except (ValidationError, ValueError):
        return False
    return True


def sample_texts(converter: BaseConverter) -> list[str]:
    """URL texts this converter accepts, best first."""
    candidates: list[str] = []
    if isinstance(converter, IntegerConverter):
        low = converter.min if converter.min is not None else 1
        digits = converter.fixed_digits
        for n in (low, low + 1, 42, 7):
            if converter.max is None or n <= converter.max:
                candidates.append(str(n).zfill(digits) if digits else str(n))
    elif isinstance(converter, FloatConverter):
        candidates += ["1.5", "2.5", "3.0"]
    elif isinstance(converter, UUIDConverter):
        candidates += [str(UUID(int=0x12345678123456781234567812345678)), str(UUID(int=1))]
    elif isinstance(converter, AnyConverter):
        candidates += sorted(converter.items)
    elif isinstance(converter, PathConverter):
        candidates += ["docs/intro", "a/b"]
    elif isinstance(converter, UnicodeConverter):
        candidates += ["alice", "bob", "item-1"]
    candidates += ["alice", "item-1", "42", "7"]
    regex_sample = _regex_sample(converter.regex)
    if regex_sample:
        candidates.append(regex_sample)
    candidates += ["1", "2", "a", "x1"]
    return [c for c in dict.fromkeys(candidates) if _accepts(converter, c)]


MISMATCH_CANDIDATES = ("not-a-number", "x", "~", "0", "-1", "a.b", "UPPER", "1x")


def mismatch_text(converter: BaseConverter) -> str | None:
    """A URL text this converter rejects, or None if it takes anything."""
    for text in MISMATCH_CANDIDATES:
        if not _accepts(converter, text):
            return text
    return None


class SampleTexts:
    """:func:`sample_texts` and :func:`mismatch_text` once per kind of converter: a
    spec's rules repeat a few converters (each rule has its own instances)."""

    def __init__(self) -> None:
        self._accepted: dict[tuple[Any, ...], list[str]] = {}
        self._rejected: dict[tuple[Any, ...], str | None] = {}

    @staticmethod
    def key(converter: BaseConverter) -> tuple[Any, ...]:
        """Equal for converters that accept the same texts: the class and its settings."""
        settings = sorted((k, repr(v)) for k, v in vars(converter).items() if k != "map")
        return (type(converter), converter.regex, tuple(settings))

    def accepted(self, converter: BaseConverter) -> list[str]:
        key = self.key(converter)
        if key not in self._accepted:
            self._accepted[key] = sample_texts(converter)
        return list(self._accepted[key])

    def rejected(self, converter: BaseConverter) -> str | None:
        key = self.key(converter)
        if key not in self._rejected:
            self._rejected[key] = mismatch_text(converter)
        return self._rejected[key]


def fill(rule: Rule, values: Mapping[str, str]) -> str:
    """The URL path of ``rule`` with the URL texts in ``values`` (unquoted texts)."""
    out = []
    bar = rule._trace.index((False, "|"))
    for dynamic, data in rule._trace[bar + 1 :]:
        out.append(values[data] if dynamic else data)
    return "".join(out)
