"""Property: regen never loses a user's line, and touches nothing it need not.

A random spec S1 (routes spread over the app and a few blueprints) becomes S2 by a few
random edits (add, remove, retext or move a route, rename a blueprint with a hint);
random line edits E are made to gen(S1). After regen(S2):

* every line E wrote is in the project (merged, kept, or inside a conflict block);
* files E did not touch (nor could reach by a rename or a moved view) equal gen(S2);
* with E empty, the project equals a fresh gen(S2);
* a second regen(S2) changes nothing (or, after a conflict, refuses until resolved).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flaskgen.core.errors import RegenError
from tests.regen_support import Project, rendered, tree

KEYS = ("alpha", "beta", "gamma", "delta", "epsilon")
BLUEPRINTS = ("shop", "blog")
NEW_NAMES = ("store", "journal")
TEXTS = ("Hi", "Hello", "Bye")
APP = ""  # the container of app routes

Routes = dict[str, tuple[str, str]]  # key -> (container, text)


def spec_text(routes: Routes, renamed: dict[str, str]) -> str:
    lines = ["flaskgen: 1", "project: {name: Prop, package: prop}", "config:", "  base: {SECRET_KEY: x}"]
    app = sorted(k for k, (c, _) in routes.items() if c == APP)
    if app:
        lines.append("routes:")
        lines += [f"  {k}: {{rule: /{k}, text: {routes[k][1]}}}" for k in app]
    containers = sorted({c for c, _ in routes.values() if c != APP})
    if containers:
        lines.append("blueprints:")
    for name in containers:
        lines.append(f"  {name}:")
        if name in renamed:
            lines.append(f"    renamed_from: {renamed[name]}")
        lines += [f"    url_prefix: /{name}", "    routes:"]
        lines += [f"      {k}: {{rule: /{k}, text: {t}}}" for k, (c, t) in sorted(routes.items()) if c == name]
    return "\n".join(lines) + "\n"


@st.composite
def spec_change(draw: st.DrawFn) -> tuple[Routes, Routes, dict[str, str]]:
    containers = (APP, *BLUEPRINTS)
    s1: Routes = {}
    for key in KEYS:
        if draw(st.booleans()):
            s1[key] = (draw(st.sampled_from(containers)), draw(st.sampled_from(TEXTS)))
    if not s1:
        s1["alpha"] = (APP, "Hi")
    s2 = dict(s1)
    renamed: dict[str, str] = {}
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["add", "remove", "text", "move", "rename"]))
        key = draw(st.sampled_from(KEYS))
        if op == "add" and key not in s2:
            s2[key] = (draw(st.sampled_from(containers)), draw(st.sampled_from(TEXTS)))
        elif op == "remove" and key in s2 and len(s2) > 1:
            del s2[key]
        elif op == "text" and key in s2:
            s2[key] = (s2[key][0], draw(st.sampled_from(TEXTS)))
        elif op == "move" and key in s2:
            s2[key] = (draw(st.sampled_from(containers)), s2[key][1])
        elif op == "rename":
            old = draw(st.sampled_from(BLUEPRINTS))
            new = NEW_NAMES[BLUEPRINTS.index(old)]
            if old not in renamed.values() and any(c == old for c, _ in s2.values()):
                renamed[new] = old
                s2 = {k: (new if c == old else c, t) for k, (c, t) in s2.items()}
    return s1, s2, renamed


def _edit_line(text: str, index: int, how: str, marker: str, python: bool) -> str:
    line = f"# {marker}" if python else f"<!-- {marker} -->"
    lines = text.split("\n")
    index %= max(len(lines) - 1, 1)
    if how == "replace":
        indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
        lines[index] = indent + line
    else:
        lines.insert(index + 1, line)
    return "\n".join(lines)


def _reachable(touched: set[str], renamed: dict[str, str]) -> set[str]:
    """Paths that content of the touched files can flow to: renamed packages, moved views."""
    out = set(touched)
    for path in touched:
        for new, old in renamed.items():
            out.add(path.replace(f"prop/{old}/", f"prop/{new}/"))
        if path.endswith("views.py"):
            out |= {"prop/views.py", *(f"prop/{b}/views.py" for b in (*BLUEPRINTS, *NEW_NAMES))}
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(change=spec_change(), data=st.data())
def test_regen_keeps_every_user_line(change: tuple[Routes, Routes, dict[str, str]], data: st.DataObject) -> None:
    s1, s2, renamed = change
    with tempfile.TemporaryDirectory(prefix="flaskgen-prop-") as tmp:
        project = Project.create(Path(tmp), spec_text(s1, {}))
        candidates = sorted(p for p in tree(project.root) if p.startswith("prop/") and p.endswith((".py", ".html")))
        edits = data.draw(
            st.lists(st.tuples(st.sampled_from(candidates), st.integers(0, 200), st.sampled_from(["replace", "insert"])), max_size=4)
        )
        markers = []
        for n, (relpath, index, how) in enumerate(edits):
            marker = f"USER-EDIT-{n}"
            project.write(relpath, _edit_line(project.read(relpath), index, how, marker, relpath.endswith(".py")))
            markers.append(marker)
        # A later edit may overwrite an earlier replaced line: only the survivors count.
        markers = [m for m in markers if any(m in t.decode() for t in tree(project.root).values())]
        project.spec.write_text(spec_text(s2, renamed), encoding="utf-8")

        report = project.regen()

        after = tree(project.root)
        everything = "\n".join(t.decode("utf-8", "replace") for t in after.values())
        for marker in markers:
            assert marker in everything, f"{marker} was lost"
        fresh = rendered(spec_text(s2, renamed))
        untouched = set(fresh) - _reachable({e[0] for e in edits}, renamed)
        for relpath in untouched:
            assert after.get(relpath) == fresh[relpath], relpath
        if not edits:
            assert after == fresh
        if report.conflicts:
            with pytest.raises(RegenError):
                project.regen()
        else:
            assert not project.regen().changes
