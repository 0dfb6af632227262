"""Regeneration of a resource: a new column reaches the form, the schema, the templates
and the tests through the 3-way merge, and the user's edits there survive."""

from __future__ import annotations

from pathlib import Path

from tests.regen_support import Project, rendered

SPEC = """\
flaskgen: 1
project: {name: Shop, package: shop}
config:
  base: {SECRET_KEY: not-secret}
models:
  Author:
    columns:
      name: {type: string, length: 80, nullable: false}
resources:
  authors: {model: Author}
"""
ADD_EMAIL = (
    "      name: {type: string, length: 80, nullable: false}\n",
    "      name: {type: string, length: 80, nullable: false}\n      email: {type: string, length: 120}\n",
)


def test_a_new_column_reaches_every_file_and_edits_survive(tmp_path: Path) -> None:
    project = Project.create(tmp_path, SPEC)
    project.edit("shop/authors/forms.py", '"Name", validators=', '"Full name", validators=')
    project.edit("shop/templates/authors/form.html", "{% block content %}\n", '{% block content %}\n<p class="hint">Fill in every field.</p>\n')
    project.respec(*ADD_EMAIL)
    report = project.regen()
    actions = project.actions(report)
    assert actions["shop/authors/forms.py"] == "merge"
    assert actions["shop/templates/authors/form.html"] == "merge"
    assert {actions[p] for p in ("shop/authors/schemas.py", "tests/test_resource_authors.py")} == {"update"}
    form = project.read("shop/authors/forms.py")
    assert '"Full name", validators=' in form and "email = StringField(" in form
    page = project.read("shop/templates/authors/form.html")
    assert "Fill in every field." in page and "form.email" in page
    assert "\n    email = auto_field(" in project.read("shop/authors/schemas.py")
    assert "form.email" not in rendered(SPEC)["shop/templates/authors/form.html"].decode()
    assert "row.email" in project.read("shop/templates/authors/index.html")
