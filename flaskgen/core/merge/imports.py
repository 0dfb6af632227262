"""Imports across a project's own modules, pure: which ``from .x import Name`` (or
``from pkg.x import Name``) no longer finds its module or its name, read with ``ast``.

A tree is ``relpath -> text`` of every Python file that counts (generated or the user's).
A module the check cannot read (a syntax error, ``from x import *``, a module
``__getattr__``) defines every name, so only what is certain is reported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Final

ANY: Final = frozenset({"*"})  # "defines every name": cannot be told statically


@dataclass(frozen=True, order=True)
class Unresolved:
    """One import in ``relpath`` at ``line`` that no longer resolves: the module ``module``
    (as written) is missing, or does not define ``name``."""

    relpath: str
    line: int
    module: str
    name: str  # empty when the module itself is missing
    target: str  # the file the import reads (``shop/models.py``), or the one it looked for
    names: tuple[str, ...] = ()  # what a ``from`` import of a missing module asks for

    @property
    def key(self) -> tuple[str, str, str]:
        """What the problem is, without where it sits (a line moves when code is added)."""
        return (self.relpath, self.module, self.name)

    @property
    def reason(self) -> str:
        return f"{self.target} does not define {self.name}" if self.name else f"there is no module {self.target}"

    @property
    def statement(self) -> str:
        if self.name or self.names:
            return f"from {self.module} import {self.name or ', '.join(self.names)}"
        return f"import {self.module}"

    def describe(self) -> str:
        return f"line {self.line}: '{self.statement}': {self.reason}"


def _bound(node: ast.stmt) -> set[str] | None:
    """Names one module-level statement binds; None for ``from x import *``."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Import):
        return {a.asname or a.name.split(".")[0] for a in node.names}
    if isinstance(node, ast.ImportFrom):
        if any(a.name == "*" for a in node.names):
            return None
        return {a.asname or a.name for a in node.names}
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        targets = [node.target]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
    out = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    out |= {n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr) and isinstance(n.target, ast.Name)}
    return out


def _nested(node: ast.stmt) -> list[ast.stmt]:
    """The statements of a block that still run at module level (if, try, with, loops)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return []
    out: list[ast.stmt] = []
    for name in ("body", "orelse", "finalbody"):
        out += getattr(node, name, [])
    for handler in getattr(node, "handlers", []):
        out += handler.body
    for case in getattr(node, "cases", []):
        out += case.body
    return out


def defined_names(text: str) -> frozenset[str]:
    """Every name ``text`` binds at module level; :data:`ANY` when that cannot be told."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return ANY
    names: set[str] = set()
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        bound = _bound(node)
        if bound is None:
            return ANY
        names |= bound
        todo += _nested(node)
    return ANY if "__getattr__" in names else frozenset(names)


def _module_file(tree: dict[str, str], stem: str) -> str | None:
    for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
        if candidate in tree:
            return candidate
    return None


def _is_package(tree: dict[str, str], stem: str) -> bool:
    return f"{stem}/__init__.py" in tree or any(p.startswith(stem + "/") for p in tree)


def _base(relpath: str, level: int) -> str | None:
    """The folder a relative import of ``level`` dots in ``relpath`` starts from."""
    parts = relpath.split("/")[:-1]
    if level - 1 > len(parts):
        return None
    return "/".join(parts[: len(parts) - (level - 1)])


def _imports(relpath: str, text: str, packages: frozenset[str]) -> list[tuple[int, str, str, list[str]]]:
    """(line, module as written, stem of the module's path, names) of the imports of our
    own modules in ``text``: relative ones, and absolute ones of the ``packages``."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = _base(relpath, node.level)
                if base is None:
                    continue
                stem = "/".join(p for p in [base, *module.split(".")] if p)
            elif module.split(".")[0] in packages:
                stem = module.replace(".", "/")
            else:
                continue
            out.append((node.lineno, "." * node.level + module, stem, [a.name for a in node.names if a.name != "*"]))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in packages:
                    out.append((node.lineno, alias.name, alias.name.replace(".", "/"), []))
    return out


def unresolved_imports(tree: dict[str, str], relpaths: list[str] | None = None) -> list[Unresolved]:
    """The imports of our own modules (in ``relpaths``, default every module of ``tree``)
    that no longer find their module or name in ``tree``, sorted."""
    packages = frozenset(p.split("/")[0] for p in tree if p.count("/") == 1 and p.endswith("/__init__.py"))
    defined: dict[str, frozenset[str]] = {}
    out = []
    for relpath in sorted(relpaths if relpaths is not None else tree):
        if relpath not in tree:
            continue
        for line, module, stem, names in _imports(relpath, tree[relpath], packages):
            target = _module_file(tree, stem)
            if target is None:
                if stem and not _is_package(tree, stem):
                    out.append(Unresolved(relpath, line, module, "", f"{stem}.py", tuple(names)))
                continue
            if target not in defined:
                defined[target] = defined_names(tree[target])
            for name in names:
                if defined[target] is not ANY and name not in defined[target] and _module_file(tree, f"{stem}/{name}") is None:
                    out.append(Unresolved(relpath, line, module, name, target))
    return sorted(out)


def import_problem(line: str, relpath: str, tree: dict[str, str]) -> Unresolved | None:
    """Why the one import statement ``line``, put into ``relpath``, does not find its
    module or a name in ``tree``; None when it does (as an import of anything but our
    own modules always does)."""
    found = unresolved_imports({**tree, relpath: line + "\n"}, [relpath])
    return found[0] if found else None
