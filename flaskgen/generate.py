"""The whole render pipeline: spec -> plan -> Jinja -> ruff -> {relpath: text}."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flaskgen.core.plan.base import PlannedFile
from flaskgen.core.plan.project import plan
from flaskgen.core.spec.types import ProjectSpec
from flaskgen.format import format_python
from flaskgen.render import render
from flaskgen.write import safe_relpath


def render_project(
    spec: ProjectSpec, spec_name: str = "spec.yaml", extra_templates: tuple[Path, ...] = ()
) -> dict[str, str]:
    """Every generated file's final text, keyed by relative path (sorted)."""
    return render_files(plan(spec, spec_name), extra_templates)


def render_files(planned: list[PlannedFile], extra_templates: tuple[Path, ...] = ()) -> dict[str, str]:
    """The final text of planned files (rendered, normalized, formatted), sorted by path."""
    rendered = render(planned, extra_templates)
    python = [f.relpath for f in planned if f.python]
    with tempfile.TemporaryDirectory(prefix="flaskgen-render-") as tmp:
        root = Path(tmp)
        for item in rendered:
            path = root / safe_relpath(item.relpath)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_normalize(item.text), encoding="utf-8", newline="\n")
        format_python(root, python)
        return {
            item.relpath: (root / item.relpath).read_text(encoding="utf-8")
            for item in sorted(rendered, key=lambda r: r.relpath)
        }


def _normalize(text: str) -> str:
    """``\\n`` endings, no trailing spaces, exactly one final newline."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).rstrip("\n") + "\n"
