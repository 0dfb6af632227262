"""Identity rules for merged Python, pure: a function or method body is carried only to
the same name (or the one its ``renamed_from`` gives), and the one import a merge lost
is found in the user's own code and put back."""

from __future__ import annotations

import ast
import tokenize
from dataclasses import dataclass


@dataclass(frozen=True)
class Merged:
    """One merged Python file: the user's text (None if new here), the base, the new
    render and the merge result."""

    relpath: str
    ours: str | None
    base: str | None
    theirs: str
    merged: str


def _bodies(text: str) -> dict[str, str] | None:
    """Qualified name -> source of every top-level function and method; None if unparsable."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    lines = text.split("\n")
    out: dict[str, str] = {}

    def add(node: ast.AST, prefix: str) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out[prefix + node.name] = "\n".join(lines[node.lineno - 1 : node.end_lineno])
        elif isinstance(node, ast.ClassDef) and not prefix:
            for child in node.body:
                add(child, node.name + ".")

    for node in tree.body:
        add(node, "")
    return out


def _renamed(name: str, renames: dict[str, str]) -> str:
    """``name`` before the spec's renames (``Old.get`` for ``New.get``)."""
    head, dot, rest = name.partition(".")
    return renames.get(head, head) + dot + rest


def identity_problem(item: Merged, renames: dict[str, str], arrived: frozenset[str] = frozenset()) -> str | None:
    """Why the merge moved a body to another name or dropped an edited one; None if it did not.

    ``renames`` maps a new view name to its old one (``renamed_from``); ``arrived`` names
    the views that moved here from another file with their edits."""
    if item.ours is None or item.base is None:
        return None
    ours, base, theirs, merged = (_bodies(t) for t in (item.ours, item.base, item.theirs, item.merged))
    if ours is None or base is None or theirs is None or merged is None:
        return None
    for name, body in sorted(merged.items()):
        old = _renamed(name, renames)
        if name.partition(".")[0] not in arrived and old not in ours and name in theirs and body != theirs[name]:
            return f"the merge would put lines you wrote into {name}(), which you never had"
    for name, body in sorted(ours.items()):
        carried = name in merged or any(_renamed(n, renames) == name for n in merged)
        if not carried and base.get(name) not in (None, body):
            return f"the new spec drops {name}(), which you edited"
    return None


def new_findings(found: list[tuple[str, str, int]], before: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """The findings of the merge that the file it came from did not have."""
    known = {(code, message) for code, message, _ in before}
    return [f for f in found if (f[0], f[1]) not in known]


def undefined_name(message: str) -> str | None:
    """The name in ruff's ``Undefined name `X` `` message."""
    if message.startswith("Undefined name `") and message.endswith("`"):
        return message[len("Undefined name `") : -1]
    return None


def _binding_imports(text: str, name: str, relative_ok: bool) -> set[str]:
    """The import statements in ``text`` that bind ``name``, as one line each."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    out = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (relative_ok or not node.level):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    spelled = alias.name + (f" as {alias.asname}" if alias.asname else "")
                    out.add(f"from {'.' * node.level}{node.module or ''} import {spelled}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname == name or (alias.asname is None and alias.name == name):
                    out.add(f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else ""))
    return out


def missing_import(name: str, item: Merged, others: list[str]) -> str | None:
    """The one import line that bound ``name`` in the user's code, when it is certain."""
    found = set()
    for text in (item.ours, item.base):
        if text is not None:
            found |= _binding_imports(text, name, relative_ok=True)
    if not found:
        for text in others:
            found |= _binding_imports(text, name, relative_ok=False)
    return found.pop() if len(found) == 1 else None


def add_import(text: str, line: str) -> str:
    """``text`` with the import ``line`` after its last top-level import (or its docstring)."""
    tree = ast.parse(text)
    after = 0
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            after = node.end_lineno or after
        elif after == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            after = node.end_lineno or 0
    lines = text.split("\n")
    return "\n".join([*lines[:after], line, *lines[after:]])


def rename_names(text: str, names: dict[str, str]) -> str:
    """``text`` with every Python name in ``names`` (old -> new) spelled the new way
    where it stands on its own: not an attribute (``request.files``), a keyword
    argument, a string or a comment. Unchanged when the text does not tokenize."""
    lines = text.split("\n")
    physical = iter([line + "\n" for line in lines[:-1]] + [lines[-1]])
    try:
        tokens = list(tokenize.generate_tokens(lambda: next(physical, "")))
    except (tokenize.TokenError, SyntaxError):
        return text
    spans: list[tuple[int, int, str, str]] = []  # (line, column, old, new)
    for i, tok in enumerate(tokens):
        if tok.type != tokenize.NAME or tok.string not in names:
            continue
        before = tokens[i - 1].string if i else ""
        after = tokens[i + 1].string if i + 1 < len(tokens) else ""
        if before == "." or (after == "=" and before in ("(", ",")):
            continue
        spans.append((tok.start[0], tok.start[1], tok.string, names[tok.string]))
    for row, col, old, new in sorted(spans, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + new + line[col + len(old) :]
    return "\n".join(lines)
