"""Helpers shared by the regen tests: a small spec that is easy to edit, and trees."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flaskgen.generate import render_project
from flaskgen.project import create_project
from flaskgen.regen import Report, regen
from flaskgen.specfile import parse_spec

BASE_SPEC = """\
flaskgen: 1
project: {name: Shop, package: shop}
config:
  base: {SECRET_KEY: not-secret}
routes:
  index: {rule: /, template: index.html}
  hello: {rule: /hello, text: Hello}
blueprints:
  store:
    url_prefix: /store
    routes:
      items: {rule: /items, template: store/items.html}
      item: {rule: "/items/<int:item_id>", json: true}
  admin:
    url_prefix: /admin
    routes:
      dashboard: {rule: /, template: admin/dashboard.html}
"""


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but flaskgen's own folder and Python caches."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".flaskgen" not in p.relative_to(root).parts and "__pycache__" not in p.parts
    }


def rendered(spec_text: str) -> dict[str, bytes]:
    return {k: v.encode("utf-8") for k, v in render_project(parse_spec(spec_text), "spec.yaml").items()}


@dataclass
class Project:
    """A generated project and its spec file, for one test."""

    root: Path
    spec: Path

    @classmethod
    def create(cls, tmp: Path, spec_text: str = BASE_SPEC) -> Project:
        tmp.mkdir(parents=True, exist_ok=True)
        spec = tmp / "spec.yaml"
        spec.write_text(spec_text, encoding="utf-8")
        root = tmp / "app"
        create_project(spec, root)
        return cls(root, spec)

    def path(self, relpath: str) -> Path:
        return self.root / relpath

    def read(self, relpath: str) -> str:
        return self.path(relpath).read_text(encoding="utf-8")

    def write(self, relpath: str, text: str) -> None:
        self.path(relpath).write_text(text, encoding="utf-8", newline="")

    def edit(self, relpath: str, old: str, new: str) -> None:
        text = self.read(relpath)
        assert old in text, f"{old!r} not in {relpath}"
        self.write(relpath, text.replace(old, new, 1))

    def respec(self, old: str, new: str) -> None:
        text = self.spec.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in the spec"
        self.spec.write_text(text.replace(old, new, 1), encoding="utf-8")

    def regen(self, **options: bool) -> Report:
        return regen(self.root, self.spec, **options)

    def actions(self, report: Report) -> dict[str, str]:
        return {s.relpath: s.action for s in report.steps}
