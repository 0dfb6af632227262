"""Read a YAML spec into plain data plus the line:col of every key and value.

The loader follows YAML 1.2's core schema rather than PyYAML's YAML 1.1 defaults, so
``on:``/``no:`` stay strings, ``1:30`` is not sexagesimal and dates stay text. Mapping
keys are always the text the user wrote (``404:`` is the key ``"404"``). Duplicate
keys are errors.

Hostile input is bounded: nesting deeper than :data:`MAX_DEPTH`, more than
:data:`MAX_NODES` values once aliases are expanded, recursive aliases, tags outside the
YAML 1.2 core schema, numbers Python code cannot carry (``.inf``, ``.nan``, integers
beyond 64 bits) and control characters are reported at their position.
"""

from __future__ import annotations

import importlib
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flaskgen.core.errors import Problem, SpecError

KeyPath = tuple[str | int, ...]

_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists a spec may have."""
MAX_NODES = 100_000
"""Most values (keys, scalars, lists, mappings) a spec may hold, aliases expanded."""
MAX_INT = 2**63 - 1
"""Integers must fit in a signed 64-bit column."""

# C0 and C1 control characters other than tab and newline, DEL, and lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# What a key must not contain: the characters above, tab and newline.
_KEY_BAD = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class _CoreResolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema: true/false, null, decimal/octal/hex ints, floats.

    A spec repeats its plain texts (keys above all), so each text's tag is matched
    against the patterns once per document."""

    def __init__(self) -> None:
        super().__init__()
        self.plain_tags: dict[str, str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        """The tag of an untagged node (this resolver has no path resolvers)."""
        if kind is not ScalarNode:
            return _MAP if kind is MappingNode else _SEQ
        if not implicit[0]:
            return _STR
        tag = self.plain_tags.get(value)
        if tag is None:
            tag = self.plain_tags[value] = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        return tag


_CoreResolver.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_CoreResolver.add_implicit_resolver(
    _NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_CoreResolver.add_implicit_resolver(
    _INT,
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_CoreResolver.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$"
    ),
    list("-+.0123456789"),
)


class _TooDeep(yaml.MarkedYAMLError):
    """Nesting beyond :data:`MAX_DEPTH`, raised while composing (before any recursion limit)."""


class _TooBig(Exception):
    """More than :data:`MAX_NODES` values after alias expansion."""


class _DepthLimit(yaml.composer.Composer):
    """The Python composer, refusing nesting beyond :data:`MAX_DEPTH` before any recursion limit."""

    depth = 0

    if TYPE_CHECKING:  # provided by the parser this composer is mixed with

        def peek_event(self) -> Any: ...  # an Event with its Mark

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _TooDeep(None, None, f"nested deeper than {MAX_DEPTH} levels", mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    _DepthLimit,
    _CoreResolver,
):
    """The pure-Python loader: the reference for error messages."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _DepthLimit.__init__(self)
        _CoreResolver.__init__(self)


class _NearLimit(Exception):
    """The C composer reached :data:`MAX_DEPTH` levels: the Python composer decides."""


# libyaml's scanner, parser and composer, where PyYAML was built with it (else None).
_CParser: Any = getattr(importlib.import_module("yaml.cyaml"), "CParser", None) if yaml.__with_libyaml__ else None

if _CParser is not None:

    class _FastLoader(_CParser, _CoreResolver):  # type: ignore[misc]
        """libyaml scans, parses and composes the nodes in C (the nodes, tags and marks
        are the ones the Python composer builds from libyaml's events).

        The C composer recurses on the C stack with no limit of its own, so the
        resolver hook it calls before composing each node counts the nesting and stops
        it at :data:`MAX_DEPTH` levels: a spec that deep is read again by the Python
        composer, which reports the exact position of the limit (or accepts a spec
        exactly that deep)."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _CoreResolver.__init__(self)
            self.depth = 0

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            """Called by the C composer before each node, at any nesting."""
            self.depth += 1
            if self.depth >= MAX_DEPTH:
                raise _NearLimit

        def ascend_resolver(self) -> None:
            self.depth -= 1


@dataclass
class LoadedSpec:
    """Plain data from the YAML file plus where each piece came from.

    Positions are looked up in the YAML node tree when a problem asks for one (a valid
    spec asks for none), following the keys and items the data was built from."""

    data: Any
    file: str
    root: Node | None = field(default=None, repr=False, compare=False)
    # The text of plain scalars read as numbers, so a string field can take it back
    # (``python: 3.10`` means "3.10", not 3.1).
    number_text: dict[KeyPath, str] = field(default_factory=dict)
    # Values the loader refused (a tag, a control character, ...): reported with the
    # later stages' problems, which skip these paths.
    problems: list[Problem] = field(default_factory=list)
    bad: set[KeyPath] = field(default_factory=set)

    # Each mapping node's usable keys (the first of duplicates), indexed when first walked.
    _entries: dict[int, dict[str, tuple[Node, Node]]] = field(default_factory=dict, repr=False, compare=False)

    def pos(self, path: KeyPath, *, key: bool = False) -> tuple[int, int]:
        """Best position for ``path``: the key (if asked and known), else the value,
        else the nearest ancestor."""
        if self.root is None:
            return (1, 1)
        key_node, node = self._deepest(path)
        return _mark(key_node if key and key_node is not None else node)

    def _deepest(self, path: KeyPath) -> tuple[Node | None, Node]:
        """The (key, value) nodes of the longest prefix of ``path`` in the data: what
        the builder built, so never inside a recursive alias."""
        assert self.root is not None
        key_node: Node | None = None
        node = self.root
        inside: set[int] = set()
        for part in path:
            if id(node) in inside:  # a recursive alias: nothing below it was built
                break
            inside.add(id(node))
            found = self._child(node, part)
            if found is None:
                break
            key_node, node = found
        return key_node, node

    def _child(self, node: Node, part: str | int) -> tuple[Node | None, Node] | None:
        if isinstance(node, SequenceNode) and isinstance(part, int):
            return (None, node.value[part]) if 0 <= part < len(node.value) else None
        if not isinstance(node, MappingNode) or not isinstance(part, str):
            return None
        entries = self._entries.get(id(node))
        if entries is None:
            entries = self._entries[id(node)] = {}
            for key_node, value_node in node.value:
                if _usable_key(key_node):
                    entries.setdefault(key_node.value, (key_node, value_node))
        return entries.get(part)

    def problem(self, path: KeyPath, message: str, *, key: bool = False) -> Problem:
        line, col = self.pos(path, key=key)
        return Problem(line, col, dotted(path), message, self.file)


def dotted(path: KeyPath) -> str:
    """``("routes", "index", "rule", 0)`` -> ``routes.index.rule[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _mark(node: Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _usable_key(key_node: Node) -> bool:
    """Whether ``key_node`` can be a key: plain text, no merge key, no control character."""
    return isinstance(key_node, ScalarNode) and key_node.tag != _MERGE and not _KEY_BAD.search(key_node.value)


class _ExpandedTooDeep(Exception):
    """Nesting beyond :data:`MAX_DEPTH` once aliases are expanded (``node`` is where)."""

    def __init__(self, node: Node) -> None:
        super().__init__()
        self.node = node


class _Builder:
    """Plain data and the position of every key and value, from the node tree; refused
    values become problems. Runs once per node, so the common cases come first."""

    def __init__(self, file: str) -> None:
        self.spec = LoadedSpec(data=None, file=file)
        self.nodes = 0
        self.open: set[int] = set()  # ids of the collections being built (recursive aliases)

    def fail(self, node: Node, path: KeyPath, message: str) -> None:
        line, col = _mark(node)
        self.spec.problems.append(Problem(line, col, dotted(path), message, self.spec.file))
        self.spec.bad.add(path)

    def build(self, node: Node, path: KeyPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig
        if len(path) >= MAX_DEPTH:  # only aliases get here: the composer limits the rest
            raise _ExpandedTooDeep(node)
        if isinstance(node, ScalarNode):
            if node.tag == _STR and not _CONTROL.search(node.value):
                return node.value
            return self._scalar(node, path)
        if id(node) in self.open:
            self.fail(node, path, "an alias refers to a node that contains it (a recursive alias)")
            return None
        if node.tag not in (_MAP, _SEQ):
            self.fail(node, path, _unsupported(node.tag))
        self.open.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            assert isinstance(node, SequenceNode)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _refuse_key(self, key_node: Node, path: KeyPath) -> None:
        """Report why ``key_node`` cannot be a key."""
        if not isinstance(key_node, ScalarNode):
            self.fail(key_node, path, "a key must be plain text, not a list or mapping")
        elif key_node.tag == _MERGE:
            self.fail(key_node, path, "merge keys ('<<') are not supported; repeat the keys")
        else:
            key: str = key_node.value
            bad = _CONTROL.search(key) or re.search("[\t\n]", key)
            assert bad is not None
            self.fail(key_node, (*path, key), f"a key must not contain the control character {_code(bad.group())}")

    def _mapping(self, node: MappingNode, path: KeyPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not _usable_key(key_node):
                self._refuse_key(key_node, path)
                continue
            key: str = key_node.value
            key_path = (*path, key)
            if key in out:
                first = next(k for k, _ in node.value if _usable_key(k) and k.value == key)
                self.fail(key_node, key_path, f"duplicate key '{key}' (first defined at line {_mark(first)[0]})")
                continue
            out[key] = self.build(value_node, key_path)
        return out

    def _scalar(self, node: ScalarNode, path: KeyPath) -> Any:
        text: str = node.value
        if node.tag in (_INT, _FLOAT):
            self.spec.number_text[path] = text
        try:
            return _convert(node.tag, text)
        except ValueError as exc:
            self.fail(node, path, str(exc))
            return None


def _unsupported(tag: str) -> str:
    short = "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag
    return f"unsupported YAML tag {short}: only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) are allowed"


def _code(char: str) -> str:
    """``U+001B`` for a character that cannot be shown."""
    return f"U+{ord(char):04X}"


def _convert(tag: str | None, text: str) -> Any:
    """The value of a core-schema scalar; ValueError says why it cannot be one."""
    if tag == _NULL and text in ("", "~", "null", "Null", "NULL"):
        return None
    if tag == _BOOL and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if tag == _INT:
        return _integer(text)
    if tag == _FLOAT:
        return _float(text)
    if tag not in (_STR, None):
        raise ValueError(f"'{text}' is not a valid {tag.rsplit(':', 1)[-1]}" if tag in (_NULL, _BOOL) else _unsupported(tag))
    bad = _CONTROL.search(text)
    if bad:
        what = "a lone surrogate" if "\ud800" <= bad.group() <= "\udfff" else "the control character"
        raise ValueError(f"text must not contain {what} {_code(bad.group())}")
    return text


def _integer(text: str) -> int:
    digits = text.lstrip("+-")
    if len(digits) > 40:
        raise ValueError(f"a {len(digits)}-digit number is too large: integers must fit in 64 bits")
    if not re.fullmatch(r"[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)", text):
        raise ValueError(f"'{text}' is not a valid int")
    value = int(text, 0) if digits[:2] in ("0o", "0x") else int(text)
    if not -MAX_INT - 1 <= value <= MAX_INT:
        raise ValueError(f"{text} is too large: integers must fit in 64 bits")
    return value


def _float(text: str) -> float:
    if text.lstrip("+-").lower() in (".inf", ".nan") or text.lower() == ".nan":
        raise ValueError(f"{text} is not supported: numbers must be finite")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"'{text[:40]}' is not a valid float") from None
    if not math.isfinite(value):
        raise ValueError(f"{text[:40]} is too large to be a number")
    return value


def load_spec_text(text: str, file: str = "spec.yaml") -> LoadedSpec:
    """Parse ``text`` into a :class:`LoadedSpec`; YAML syntax errors and exceeded limits
    raise :class:`SpecError`, refused values are listed in ``problems``."""
    root = _compose(text, file)
    if root is None:
        raise SpecError([Problem(1, 1, "", "the spec is empty", file)])
    builder = _Builder(file)
    builder.spec.root = root
    try:
        builder.spec.data = builder.build(root, ())
    except _TooBig:
        message = f"the spec has more than {MAX_NODES} values once aliases are expanded"
        raise SpecError([Problem(1, 1, "", message, file)]) from None
    except _ExpandedTooDeep as exc:
        line, col = _mark(exc.node)
        message = f"the spec is nested deeper than {MAX_DEPTH} levels once aliases are expanded"
        raise SpecError([Problem(line, col, "", message, file)]) from None
    return builder.spec


def _compose(text: str, file: str) -> Node | None:
    """The YAML node tree of ``text``; syntax errors and excessive nesting become SpecError.

    libyaml composes well-formed specs fast; anything it rejects, and anything nested
    :data:`MAX_DEPTH` levels deep, is read again by the pure-Python loader, whose
    messages and positions are the ones flaskgen reports."""
    if _CParser is not None:
        try:
            return _compose_with(_FastLoader, text)
        except (yaml.YAMLError, UnicodeError, _NearLimit):
            pass
    try:
        return _compose_with(_Loader, text)
    except _TooDeep as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise SpecError([Problem(line, col, "", f"the spec is {exc.problem}", file)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or exc.context or "invalid YAML"
        raise SpecError([Problem(line, col, "", f"invalid YAML: {message}", file)]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = f"the character {_code(char)} is not allowed in YAML; write it as an escape in a double-quoted string"
        raise SpecError([Problem(line, col, "", message, file)]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(1, 1, "", f"invalid YAML: {exc}", file)]) from None


def _compose_with(loader_class: Any, text: str) -> Node | None:
    loader = loader_class(text)
    try:
        return loader.get_single_node()  # type: ignore[no-any-return]
    finally:
        loader.dispose()
