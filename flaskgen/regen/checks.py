"""Checks of merged Python files, so a clean line merge cannot hide broken code.

Two checks run on every file regen merged (not on files it only replaces):

* identity: a function or method body is carried only to the same name (or to the
  name an explicit ``renamed_from`` gives it).  A merge that puts the user's edited
  lines into another view, or silently drops an edited view, is a conflict.
* names: ``ruff check --select F821,F811,E9`` must find nothing the user's file (or the
  new render) did not already have.  An undefined name that one import of the user's
  own code binds is re-added when that import still resolves; anything else is a conflict.

Then the whole project, as it will be once the steps are applied (generated files and
yours), is checked for imports of its own modules that no longer resolve
(``from ..models import Product`` once the spec renamed ``Product``): each new one is a
conflict naming the file and line (:func:`check_imports`).  A conflict's note names the
imports keeping your side would need back (:func:`hint_conflicts`), and a file with a
recorded conflict counts as resolved only when it runs again (:func:`code_problems`).
"""

from __future__ import annotations

import ast
import json
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from flaskgen.core.actions import Action
from flaskgen.core.merge.identity import (
    Merged,
    add_import,
    identity_problem,
    missing_import,
    new_findings,
    undefined_name,
)
from flaskgen.core.merge.imports import Unresolved, import_problem, unresolved_imports
from flaskgen.core.merge.table import Step, beside, encode
from flaskgen.core.merge.text import keep_side
from flaskgen.format import ruff_bin
from flaskgen.merge import decode, has_markers, to_lf, uses_crlf

RULES = "F821,F811,E9"
RUNS = "F821,E9"  # what stops a module from running: an undefined name, a syntax error


def ruff_findings(texts: dict[str, str], rules: str = RULES) -> dict[str, list[tuple[str, str, int]]]:
    """Per relpath, the (code, message, line) that ``ruff check --select rules`` reports."""
    if not texts:
        return {}
    with tempfile.TemporaryDirectory(prefix="flaskgen-check-") as tmp:
        root = Path(tmp)
        names = {}
        for i, (relpath, text) in enumerate(sorted(texts.items())):
            path = root / f"f{i}.py"
            path.write_text(text, encoding="utf-8")
            names[path.name] = relpath
        proc = subprocess.run(
            [ruff_bin(), "check", "--isolated", "--no-cache", "--select", rules, "--output-format", "json", "--exit-zero", "."],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    out: dict[str, list[tuple[str, str, int]]] = {r: [] for r in texts}
    for item in json.loads(proc.stdout or "[]"):
        owner = names.get(Path(item["filename"]).name)
        if owner is not None:
            out[owner].append((str(item["code"] or "E9"), str(item["message"]), int(item["location"]["row"])))
    return out


def check_merges(
    steps: list[Step],
    ours: dict[str, bytes | None],
    bases: dict[str, str | None],
    theirs: dict[str, str],
    renames: dict[str, str],
    arrived: frozenset[str],
    modules: dict[str, str],
) -> list[Step]:
    """Turn merges that break the code (see the module docstring) into conflicts,
    or re-add an import the merge lost when it is certain and still resolves in
    ``modules`` (the project's Python files: generated ones as rendered now, yours as
    on disk)."""
    todo = [s for s in steps if s.action == Action.MERGE and s.relpath.endswith(".py") and s.data is not None]
    if not todo:
        return steps
    items = {}
    for step in todo:
        data = ours.get(step.relpath)
        mine = decode(data) if data is not None else None
        merged = to_lf((step.data or b"").decode("utf-8"))
        items[step.relpath] = Merged(step.relpath, None if mine is None else to_lf(mine), bases.get(step.relpath), theirs[step.relpath], merged)
    fixed = _check_names(items, ours, modules)
    out = []
    for step in steps:
        item = items.get(step.relpath)
        why = item and (identity_problem(item, renames, arrived) or fixed[step.relpath][1])
        if item is None:
            out.append(step)
        elif why:
            out += _refuse_merge(step, item, ours.get(step.relpath), why)
        else:
            text = fixed[step.relpath][0]
            note = step.note + ("; " + fixed[step.relpath][2] if fixed[step.relpath][2] else "")
            crlf = uses_crlf((step.data or b"").decode("utf-8"))
            out.append(replace(step, note=note, data=step.data if text == item.merged else encode(text, crlf)))
    return out


def _refuse_merge(step: Step, item: Merged, mine: bytes | None, why: str) -> list[Step]:
    """Keep the user's file (written here when it came from elsewhere) and put the new
    render beside it."""
    steps = beside(step.relpath, item.theirs, f"{why}; yours kept")
    if mine is not None:
        steps[0] = Step.clash(step.relpath, steps[0].note, mine)
    return steps


def _check_names(items: dict[str, Merged], ours: dict[str, bytes | None], modules: dict[str, str]) -> dict[str, tuple[str, str, str]]:
    """Per path: (text, the problem or "", a note on imports re-added)."""
    texts = {f"{r}#merged": i.merged for r, i in items.items()}
    texts |= {f"{r}#before": i.ours if i.ours is not None else i.theirs for r, i in items.items()}
    found = ruff_findings(texts)
    out: dict[str, tuple[str, str, str]] = {}
    others: list[str] | None = None
    for relpath, item in items.items():
        fresh = new_findings(found[f"{relpath}#merged"], found[f"{relpath}#before"])
        if not fresh:
            out[relpath] = (item.merged, "", "")
            continue
        if others is None:
            others = [decode(d) or "" for p, d in sorted(ours.items()) if p.endswith(".py") and d is not None]
        out[relpath] = _repair(item, fresh, others, found[f"{relpath}#before"], modules)
    return out


def _repair(
    item: Merged, fresh: list[tuple[str, str, int]], others: list[str], before: list[tuple[str, str, int]], modules: dict[str, str]
) -> tuple[str, str, str]:
    """Re-add the imports the merge lost, when each is certain and still resolves; else
    say what is wrong."""
    lines = [missing_import(undefined_name(m) or "", item, others) for code, m, _ in fresh if code == "F821"]
    problem = f"line {fresh[0][2]}: {fresh[0][1]} ({fresh[0][0]})"
    if len(lines) != len(fresh) or None in lines:
        return item.merged, f"the merged file would not run ({problem})", ""
    for line, (_, message, _row) in zip(lines, fresh, strict=True):
        gone = import_problem(line or "", item.relpath, modules)
        if gone is not None:
            name = undefined_name(message)
            where = _import_line(item.ours or "", name or "")
            at = f" at line {where}" if where else ""
            why = f"your code uses `{name}`, imported{at} by '{line}', which no longer resolves: {gone.reason}"
            return item.merged, f"the merged file would not run ({why})", ""
    text = item.merged
    found = sorted({line for line in lines if line is not None})
    for line in found:
        text = add_import(text, line)
    again = new_findings(ruff_findings({item.relpath: text})[item.relpath], before)
    if again:
        return item.merged, f"the merged file would not run ({problem})", ""
    return text, "", "re-added " + ", ".join(f"'{line}'" for line in found)


def final_tree(before: dict[str, str], steps: list[Step]) -> dict[str, str]:
    """The project's Python files once ``steps`` are applied to ``before`` (as on disk)."""
    after = dict(before)
    for step in steps:
        if not step.writes or not step.relpath.endswith(".py"):
            continue
        text = decode(step.data) if step.data is not None else None
        if text is None:
            after.pop(step.relpath, None)
        else:
            after[step.relpath] = to_lf(text)
    return after


def check_imports(
    steps: list[Step], before: dict[str, str], ours: dict[str, bytes | None], theirs: dict[str, str], moved: dict[str, str]
) -> list[Step]:
    """Every import of the project's own modules that resolves on disk today but not once
    ``steps`` are applied becomes a conflict naming its file and line: a merged file keeps
    yours (the new version beside it), any other file is reported as it will be.
    ``moved`` maps a new path to the old one of a file that moves.  With no modules on
    disk (a new project) no import resolves today, so none can break."""
    if not before:
        return steps
    new_path = {old: new for new, old in moved.items()}
    known = {(new_path.get(u.relpath, u.relpath), u.module, u.name) for u in unresolved_imports(before)}
    for _ in range(len(steps) + 1):  # keeping yours can break another import: until none is new
        fresh: dict[str, list[Unresolved]] = {}
        for problem in unresolved_imports(final_tree(before, steps)):
            if problem.key not in known:
                fresh.setdefault(problem.relpath, []).append(problem)
        if not fresh:
            break
        known |= {p.key for found in fresh.values() for p in found}
        steps = _import_conflicts(steps, fresh, ours, theirs)
    return steps


def _import_conflicts(steps: list[Step], fresh: dict[str, list[Unresolved]], ours: dict[str, bytes | None], theirs: dict[str, str]) -> list[Step]:
    out: list[Step] = []
    for step in steps:
        problems = fresh.pop(step.relpath, None)
        if problems is None or step.conflict:  # a conflict already: checked again once resolved
            out.append(step)
            continue
        why = "the code would not import (" + "; ".join(p.describe() for p in problems) + ")"
        if step.action == Action.MERGE and step.relpath in theirs:
            mine = ours.get(step.relpath)
            out += _refuse_merge(step, Merged(step.relpath, None, None, theirs[step.relpath], ""), mine, why)
        else:
            fix = "fix or delete it" if step.action == Action.ORPHAN else "fix it"
            note = (f"{step.note}, and " if step.action == Action.ORPHAN else "") + f"{why}; {fix}, then run 'flaskgen regen' again"
            out.append(replace(step, action=Action.CONFLICT, note=note, conflict=True))
    for relpath, problems in sorted(fresh.items()):  # your own files, which regen does not write
        why = "; ".join(p.describe() for p in problems)
        out.append(Step.clash(relpath, f"the code would not import ({why}); fix it, then run 'flaskgen regen' again"))
    return out


def code_problems(tree: dict[str, str], relpaths: list[str]) -> list[str]:
    """``path:line: what is wrong`` for every undefined name, syntax error or import that
    does not resolve in the Python files ``relpaths`` of ``tree``, and for every import
    elsewhere in ``tree`` of a name those files (or their absence) no longer provide."""
    mine = sorted(p for p in relpaths if p in tree and p.endswith(".py"))
    out = []
    for relpath, found in sorted(ruff_findings({p: tree[p] for p in mine}, RUNS).items()):
        out += [f"{relpath}:{line}: {message}" for _, message, line in sorted(found, key=lambda f: f[2])]
    for problem in unresolved_imports(tree):  # a file you deleted to resolve it counts too
        if problem.relpath in mine or problem.target in relpaths:
            out.append(f"{problem.relpath}:{problem.line}: '{problem.statement}': {problem.reason}")
    return out


def _import_line(text: str, name: str) -> int | None:
    """The line of the module-level import that binds ``name`` in ``text``."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any((a.asname or a.name) == name for a in node.names):
            return node.lineno
    return None


def hint_conflicts(steps: list[Step], ours: dict[str, bytes | None], modules: dict[str, str]) -> list[Step]:
    """A conflict in Python whose clean part of the merge dropped an import that your side
    of a block uses: the note says which import keeping your side needs back."""
    todo = {s.relpath: s for s in steps if s.action == Action.CONFLICT and s.writes and s.data and s.relpath.endswith(".py")}
    texts: dict[str, str] = {}
    for relpath, step in todo.items():
        merged = decode(step.data or b"")
        mine = decode(ours.get(relpath) or b"")
        if merged is not None and mine is not None and has_markers(merged):
            texts[f"{relpath}#kept"], texts[f"{relpath}#before"] = keep_side(to_lf(merged), 0), to_lf(mine)
    found = ruff_findings(texts, RUNS)
    notes: dict[str, str] = {}
    for relpath in todo:
        if f"{relpath}#kept" not in found:
            continue
        fresh = new_findings(found[f"{relpath}#kept"], found[f"{relpath}#before"])
        mine = texts[f"{relpath}#before"]
        item = Merged(relpath, mine, None, "", "")
        needed = {missing_import(undefined_name(m) or "", item, []) for code, m, _ in fresh if code == "F821"}
        lines = {line for line in needed if line is not None and import_problem(line, relpath, modules) is None}
        if lines:
            notes[relpath] = "; keeping your side needs back " + ", ".join(f"'{line}'" for line in sorted(lines))
    return [replace(s, note=s.note + notes[s.relpath]) if s.relpath in notes else s for s in steps]
