"""Read a YAML spec into plain data plus the line:col of every key and value.

The loader follows YAML 1.2's core schema rather than PyYAML's YAML 1.1 defaults, so
``on:``/``no:`` stay strings, ``1:30`` is not sexagesimal and dates stay text. Mapping
keys are always the text the user wrote (``404:`` is the key ``"404"``). Duplicate
keys are errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flaskgen.errors import Problem, SpecError

Path = tuple[str | int, ...]

_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_STR = "tag:yaml.org,2002:str"


class _CoreResolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema: true/false, null, decimal/octal/hex ints, floats."""


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


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    _CoreResolver,
):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _CoreResolver.__init__(self)


@dataclass
class LoadedSpec:
    """Plain data from the YAML file plus where each piece came from."""

    data: Any
    file: str
    value_pos: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[Path, tuple[int, int]] = field(default_factory=dict)
    # The text of plain scalars read as numbers, so a string field can take it back
    # (``python: 3.10`` means "3.10", not 3.1).
    number_text: dict[Path, str] = field(default_factory=dict)

    def pos(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Best position for ``path``: the key (if asked and known), else the value,
        else the nearest ancestor."""
        probe = tuple(path)
        while True:
            if key and probe in self.key_pos:
                return self.key_pos[probe]
            if probe in self.value_pos:
                return self.value_pos[probe]
            if probe in self.key_pos:
                return self.key_pos[probe]
            if not probe:
                return (1, 1)
            probe = probe[:-1]

    def problem(self, path: Path, message: str, *, key: bool = False) -> Problem:
        line, col = self.pos(path, key=key)
        return Problem(line, col, dotted(path), message, self.file)


def dotted(path: Path) -> str:
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


class _Builder:
    def __init__(self, file: str) -> None:
        self.spec = LoadedSpec(data=None, file=file)
        self.problems: list[Problem] = []

    def fail(self, node: Node, path: Path, message: str) -> None:
        line, col = _mark(node)
        self.problems.append(Problem(line, col, dotted(path), message, self.spec.file))

    def build(self, node: Node, path: Path) -> Any:
        self.spec.value_pos.setdefault(path, _mark(node))
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, path, "a key must be plain text, not a list or mapping")
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, path, "merge keys ('<<') are not supported; repeat the keys")
                continue
            key = key_node.value
            if key in out:
                first = self.spec.key_pos[(*path, key)]
                self.fail(
                    key_node,
                    (*path, key),
                    f"duplicate key '{key}' (first defined at line {first[0]})",
                )
                continue
            self.spec.key_pos[(*path, key)] = _mark(key_node)
            out[key] = self.build(value_node, (*path, key))
        return out

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        text = node.value
        if node.tag == _NULL:
            return None
        if node.tag == _BOOL:
            return text.lower() == "true"
        if node.tag == _INT:
            self.spec.number_text[path] = text
            return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
        if node.tag == _FLOAT:
            self.spec.number_text[path] = text
            return float(text)
        if node.tag not in (_STR, None) and node.style is None:
            self.fail(node, path, f"unsupported YAML tag {node.tag}")
        return text


def load_spec_text(text: str, file: str = "spec.yaml") -> LoadedSpec:
    """Parse ``text`` into a :class:`LoadedSpec`; YAML errors become :class:`SpecError`."""
    builder = _Builder(file)
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or exc.context or "invalid YAML"
        raise SpecError([Problem(line, col, "", f"invalid YAML: {message}", file)]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(1, 1, "", f"invalid YAML: {exc}", file)]) from None
    if root is None:
        raise SpecError([Problem(1, 1, "", "the spec is empty", file)])
    builder.spec.data = builder.build(root, ())
    if builder.problems:
        raise SpecError(builder.problems)
    return builder.spec
