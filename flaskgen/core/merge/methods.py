"""Per-method merge of class views, pure: when the spec changes a class view's methods
(``[PUT, PATCH]`` to ``[PUT, DELETE]``), each method merges with the same method, a new
one comes from the new render, and one the spec drops goes unless you edited it (then it
is a conflict).  A line-based merge would instead pair your ``patch`` with the new
``delete`` because they sit at the same place."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from flaskgen.core.merge.blocks import find_block
from flaskgen.core.merge.table import Merge
from flaskgen.core.merge.text import LABEL_BASE, LABEL_OURS, LABEL_THEIRS, MergeResult, uses_crlf

_SLOT = "# flaskgen: the class {name} merges per method here"


@dataclass(frozen=True)
class ClassView:
    """A top-level class cut into its lines before the first method, its methods (name
    -> text, in order, each with the blank lines and comments above it) and what follows."""

    head: str
    methods: tuple[tuple[str, str], ...]
    tail: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.methods)

    def method(self, name: str) -> str | None:
        return dict(self.methods).get(name)


def merge_methods(ours: str, base: str, theirs: str, merge: Merge) -> MergeResult:
    """``merge`` of the three texts, where every class whose methods the spec changed
    is merged method by method."""
    if uses_crlf(ours):
        return merge(ours, base, theirs)
    changed = [
        name
        for name in _classes(theirs)
        if _method_names(base, name) not in (None, _method_names(theirs, name))
    ]
    cut = {name: [_cut(text, name) for text in (ours, base, theirs)] for name in changed}
    cut = {name: parts for name, parts in cut.items() if all(p is not None for p in parts)}
    if not cut:
        return merge(ours, base, theirs)
    texts = [ours, base, theirs]
    for name in cut:
        texts = [_with_slot(text, name) for text in texts]
    result = merge(texts[0], texts[1], texts[2])
    text, conflicts, why = result.text, result.conflicts, [result.why] if result.why else []
    for name, parts in cut.items():
        slot = _SLOT.format(name=name)
        if text.count(slot) != 1:  # the merge conflicted around the class: merge it whole
            return merge(ours, base, theirs)
        o, b, t = (p for p in parts if p is not None)
        merged = _merge_class(name, o, b, t, merge)
        text, conflicts = text.replace(slot, merged.text.rstrip("\n")), conflicts + merged.conflicts
        why += [merged.why] if merged.why else []
    return MergeResult(text, conflicts, "; ".join(why))


def _classes(text: str) -> list[str]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    return [node.name for node in tree.body if isinstance(node, ast.ClassDef)]


def _method_names(text: str, name: str) -> tuple[str, ...] | None:
    view = _cut(text, name)
    return None if view is None else view.names


def _cut(text: str, name: str) -> ClassView | None:
    """The top-level class ``name`` of ``text`` as a :class:`ClassView`; None if absent
    or not parsable."""
    found = find_block(text, name)
    if found is None:
        return None
    lines = text.split("\n")[found[0] : found[1]]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return None
    node = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
    if node is None:
        return None
    defs = [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if not defs or len({d.name for d in defs}) != len(defs):
        return None
    starts = [min([d.lineno, *(x.lineno for x in d.decorator_list)]) - 1 for d in defs]
    head_end = _leading(lines, starts[0])
    methods = []
    at = head_end
    for d in defs:
        end = d.end_lineno or d.lineno
        methods.append((d.name, "\n".join(lines[at:end]) + "\n"))
        at = end
    return ClassView(
        "\n".join(lines[:head_end]) + "\n",
        tuple(methods),
        "".join(f"{line}\n" for line in lines[at:]),
    )


def _leading(lines: list[str], start: int) -> int:
    """Where the blank lines and comments just above line ``start`` begin."""
    while start > 0 and (not lines[start - 1].strip() or lines[start - 1].lstrip().startswith("#")):
        start -= 1
    return start


def _with_slot(text: str, name: str) -> str:
    """``text`` with the class ``name`` replaced by one placeholder line."""
    found = find_block(text, name)
    if found is None:
        return text
    lines = text.split("\n")
    return "\n".join([*lines[: found[0]], _SLOT.format(name=name), *lines[found[1] :]])


def _merge_class(
    name: str, ours: ClassView, base: ClassView, theirs: ClassView, merge: Merge
) -> MergeResult:
    """The class merged per method, in the new render's order; your own methods stay
    after the method they followed."""
    head = merge(ours.head, base.head, theirs.head)
    tail = merge(ours.tail, base.tail, theirs.tail)
    conflicts = head.conflicts + tail.conflicts
    out: list[tuple[str, str]] = []
    for method, new in theirs.methods:
        text, count = _merge_method(ours.method(method), base.method(method), new, merge)
        conflicts += count
        if text:
            out.append((method, text))
    dropped: list[str] = []
    for i, (method, mine) in enumerate(ours.methods):
        old = base.method(method)
        if method in theirs.names or old == mine:
            continue  # merged above, or dropped by the spec and not edited by you
        if old is not None:  # an edited method the spec drops: a conflict on it alone
            mine = _hunk(mine, old, "")
            conflicts += 1
            dropped.append(f"{name}.{method}()")
        before = {n for n, _ in ours.methods[:i]}
        at = max((j + 1 for j, (n, _) in enumerate(out) if n in before), default=0)
        out.insert(at, (method, mine))
    why = f"the new spec drops {', '.join(dropped)}, which you edited" if dropped else ""
    return MergeResult(head.text + "".join(text for _, text in out) + tail.text, conflicts, why)


def _merge_method(ours: str | None, base: str | None, theirs: str, merge: Merge) -> tuple[str, int]:
    """One method of the new render merged with yours: (text, conflicts)."""
    if base is None:  # new in the spec
        if ours is None or ours == theirs:
            return theirs, 0
        return _hunk(ours, "", theirs), 1
    if ours is None:  # you deleted it: it stays deleted unless the spec changed it
        return ("", 0) if theirs == base else (_hunk("", base, theirs), 1)
    result = merge(ours, base, theirs)
    return result.text, result.conflicts


def _hunk(ours: str, base: str, theirs: str) -> str:
    """One diff3 conflict, as ``git merge-file --diff3`` writes it."""
    return f"<<<<<<< {LABEL_OURS}\n{ours}||||||| {LABEL_BASE}\n{base}=======\n{theirs}>>>>>>> {LABEL_THEIRS}\n"
