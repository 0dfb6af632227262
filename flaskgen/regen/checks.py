"""Checks of merged Python files, so a clean line merge cannot hide broken code.

Two checks run on every file regen merged (not on files it only replaces):

* identity: a function or method body is carried only to the same name (or to the
  name an explicit ``renamed_from`` gives it).  A merge that puts the user's edited
  lines into another view, or silently drops an edited view, is a conflict.
* names: ``ruff check --select F821,F811,E9`` must find nothing the user's file (or the
  new render) did not already have.  An undefined name that one import of the user's
  own code binds is re-added; anything else is a conflict.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
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
from flaskgen.core.merge.table import Step, beside, encode
from flaskgen.format import ruff_bin
from flaskgen.merge import decode, to_lf, uses_crlf

RULES = "F821,F811,E9"


def ruff_findings(texts: dict[str, str]) -> dict[str, list[tuple[str, str, int]]]:
    """Per relpath, the (code, message, line) that ``ruff check --select RULES`` reports."""
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
            [ruff_bin(), "check", "--isolated", "--no-cache", "--select", RULES, "--output-format", "json", "--exit-zero", "."],
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
) -> list[Step]:
    """Turn merges that break the code (see the module docstring) into conflicts,
    or re-add an import the merge lost when it is certain."""
    todo = [s for s in steps if s.action == Action.MERGE and s.relpath.endswith(".py") and s.data is not None]
    if not todo:
        return steps
    items = {}
    for step in todo:
        data = ours.get(step.relpath)
        mine = decode(data) if data is not None else None
        merged = to_lf((step.data or b"").decode("utf-8"))
        items[step.relpath] = Merged(step.relpath, None if mine is None else to_lf(mine), bases.get(step.relpath), theirs[step.relpath], merged)
    fixed = _check_names(items, ours)
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
            out.append(Step(step.relpath, step.action, note, True, step.data if text == item.merged else encode(text, crlf)))
    return out


def _refuse_merge(step: Step, item: Merged, mine: bytes | None, why: str) -> list[Step]:
    """Keep the user's file (written here when it came from elsewhere) and put the new
    render beside it."""
    steps = beside(step.relpath, item.theirs, f"{why}; yours kept")
    if mine is not None:
        steps[0] = Step(step.relpath, Action.CONFLICT, steps[0].note, True, mine, True)
    return steps


def _check_names(items: dict[str, Merged], ours: dict[str, bytes | None]) -> dict[str, tuple[str, str, str]]:
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
        out[relpath] = _repair(item, fresh, others, found[f"{relpath}#before"])
    return out


def _repair(item: Merged, fresh: list[tuple[str, str, int]], others: list[str], before: list[tuple[str, str, int]]) -> tuple[str, str, str]:
    """Re-add the imports the merge lost, when each is certain; else say what is wrong."""
    lines = [missing_import(undefined_name(m) or "", item, others) for code, m, _ in fresh if code == "F821"]
    problem = f"line {fresh[0][2]}: {fresh[0][1]} ({fresh[0][0]})"
    if len(lines) != len(fresh) or None in lines:
        return item.merged, f"the merged file would not run ({problem})", ""
    text = item.merged
    found = sorted({line for line in lines if line is not None})
    for line in found:
        text = add_import(text, line)
    again = new_findings(ruff_findings({item.relpath: text})[item.relpath], before)
    if again:
        return item.merged, f"the merged file would not run ({problem})", ""
    return text, "", "re-added " + ", ".join(f"'{line}'" for line in found)
