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
    assert {actions[p] for p in ("shop/authors/schemas.py", "tests/test_resources.py")} == {"update"}
    form = project.read("shop/authors/forms.py")
    assert '"Full name", validators=' in form and "email = StringField(" in form
    page = project.read("shop/templates/authors/form.html")
    assert "Fill in every field." in page and "form.email" in page
    assert "\n    email = auto_field(" in project.read("shop/authors/schemas.py")
    assert "form.email" not in rendered(SPEC)["shop/templates/authors/form.html"].decode()
    assert "row.email" in project.read("shop/templates/authors/index.html")


def test_a_renamed_resource_takes_its_edited_files_along(tmp_path: Path) -> None:
    project = Project.create(tmp_path, SPEC)
    project.edit("shop/authors/forms.py", '"Name", validators=', '"Full name", validators=')
    project.edit("shop/templates/authors/form.html", "{% block content %}\n", '{% block content %}\n<p class="hint">Fill in every field.</p>\n')
    project.edit("tests/test_resources.py", "\n\ndef form_data(", "\n\n# my note\ndef form_data(")
    project.respec("  authors: {model: Author}\n", "  writers: {model: Author, renamed_from: authors}\n")
    report = project.regen()
    actions = project.actions(report)
    assert not report.conflicts, report.results
    for old in ("shop/authors/forms.py", "shop/templates/authors/form.html"):
        assert actions[old] == "rename"
    assert actions["shop/writers/forms.py"] == "rename"  # nothing in it names the key: moved as you left it
    assert actions["shop/templates/writers/form.html"] == actions["tests/test_resources.py"] == "merge"
    assert not project.path("shop/authors").exists()
    assert '"Full name", validators=' in project.read("shop/writers/forms.py")
    page = project.read("shop/templates/writers/form.html")
    assert "Fill in every field." in page and "writers.index" in page
    tests = project.read("tests/test_resources.py")
    assert "# my note" in tests and 'pages="/writers/"' in tests
    assert project.regen().changes is False


def test_a_resource_that_comes_back_merges_with_its_edits(tmp_path: Path) -> None:
    """Turning the pages off keeps the edited ones as orphans, with their last generated
    text in the state; turning them on again merges instead of a 'no merge base' conflict."""
    project = Project.create(tmp_path, SPEC)
    project.edit("shop/templates/authors/index.html", "{% block content %}\n", '{% block content %}\n<p class="hint">All our authors.</p>\n')
    project.respec("  authors: {model: Author}\n", "  authors: {model: Author, html: false}\n")
    report = project.regen()
    assert project.actions(report)["shop/templates/authors/index.html"] == "orphan"
    project.respec(*ADD_EMAIL)  # the spec moves on meanwhile
    assert not project.regen().conflicts
    project.respec("  authors: {model: Author, html: false}\n", "  authors: {model: Author}\n")
    report = project.regen()
    assert not report.conflicts, report.results
    assert project.actions(report)["shop/templates/authors/index.html"] == "merge"
    page = project.read("shop/templates/authors/index.html")
    assert "All our authors." in page and "row.email" in page
    assert project.regen().changes is False
