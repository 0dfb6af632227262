"""End to end: after a regen the project's code imports, or regen says which file and
line does not and refuses to go on until it does (a model renamed while your code
still names it, your own module importing it, your side of a conflict kept)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskgen.cli import main
from flaskgen.core.merge.table import BESIDE
from flaskgen.merge import has_markers
from tests.genenv import GenEnv
from tests.regen_support import Project

SPEC = """\
flaskgen: 1
project: {name: Stock, package: stock}
config:
  base: {SECRET_KEY: not-secret}
models:
  Product:
    columns:
      name: {type: string, length: 80, nullable: false}
      price: {type: integer}
resources:
  products: {model: Product}
"""
RENAME = ("  Product:\n", "  Item:\n    renamed_from: Product\n")
RENAME_RESOURCE = ("{model: Product}", "{model: Item}")
CHEAPEST = '''

@bp.get("/cheapest")
def cheapest() -> ResponseReturnValue:
    """The name of the cheapest product."""
    from sqlalchemy import select  # the generated module imports it no longer

    row = db.session.scalars(select(Product).order_by(Product.price)).first()
    return {"name": row.name if row else None}
'''
REPORTS = '''\
"""My own module: a report over the products."""

from .models import Product


def names() -> list[str]:
    return [Product.__name__]
'''
# Imports every module of the package, then starts the app and lists its endpoints.
PROBE = """\
import importlib, pkgutil
import stock
for info in pkgutil.walk_packages(stock.__path__, "stock."):
    importlib.import_module(info.name)
from stock import create_app
print(" ".join(sorted(rule.endpoint for rule in create_app("testing").url_map.iter_rules())))
"""


def _cli(project: Project, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["regen", str(project.spec), "-o", str(project.root), *extra])
    return result.exit_code, result.output


def _starts(gen_env: GenEnv, project: Project) -> list[str]:
    """The app's endpoints, once every module of its package imported."""
    result = gen_env.run([gen_env.python, "-c", PROBE], cwd=project.root, env={"FLASK_CONFIG": "testing"})
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.split()


def _does_not_import(gen_env: GenEnv, project: Project) -> str:
    result = gen_env.run([gen_env.python, "-c", PROBE], cwd=project.root, env={"FLASK_CONFIG": "testing"})
    assert result.returncode != 0, result.stdout
    return result.stderr


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


def _renamed(project: Project) -> None:
    project.respec(*RENAME)
    project.respec(*RENAME_RESOURCE)


@pytest.mark.slow
def test_a_renamed_model_your_view_still_names_is_a_conflict_until_it_imports(tmp_path: Path, gen_env: GenEnv) -> None:
    project = Project.create(tmp_path, SPEC)
    project.write("stock/products/views.py", project.read("stock/products/views.py") + CHEAPEST)
    mine = project.read("stock/products/views.py")
    _renamed(project)
    code, output = _cli(project)
    assert code == 1, output
    # Not re-added: 'from ..models import Product' would no longer resolve.
    assert "re-added" not in output
    imported = _line_of(mine, "from ..models import Product")
    assert f"your code uses `Product`, imported at line {imported} by 'from ..models import Product'" in output
    assert "which no longer resolves: stock/models.py does not define Product" in output
    assert project.read("stock/products/views.py") == mine  # yours kept, the new version beside it
    new = project.read("stock/products/views.py" + BESIDE)
    assert "from ..models import Item" in new
    assert "class Item(" in project.read("stock/models.py")  # the rest of the run is written

    # Deleting the new version without fixing your code does not resolve the conflict.
    project.path("stock/products/views.py" + BESIDE).unlink()
    code, output = _cli(project)
    assert code == 1
    assert f"stock/products/views.py:{imported}: 'from ..models import Product': stock/models.py does not define Product" in output
    assert "fix it so the code imports again" in output
    assert _cli(project, "--check")[0] == 1
    assert "cannot import name 'Product'" in _does_not_import(gen_env, project)

    project.write("stock/products/views.py", new + CHEAPEST.replace("Product", "Item"))
    code, output = _cli(project)
    assert code == 0, output
    assert "products.cheapest" in _starts(gen_env, project)
    assert _cli(project, "--check")[0] == 0


@pytest.mark.slow
def test_your_own_module_importing_a_renamed_model_is_a_conflict_naming_its_line(tmp_path: Path, gen_env: GenEnv) -> None:
    project = Project.create(tmp_path, SPEC)
    project.write("stock/reports.py", REPORTS)
    assert "products.index" in _starts(gen_env, project)
    _renamed(project)
    report = project.regen()
    assert report.conflicts == ["stock/reports.py"]
    note = next(s.note for s in report.steps if s.relpath == "stock/reports.py")
    assert "line 3: 'from .models import Product': stock/models.py does not define Product" in note
    assert project.read("stock/reports.py") == REPORTS  # regen never writes your own module
    assert "from ..models import Item" in project.read("stock/products/views.py")

    code, output = _cli(project)
    assert code == 1
    assert "stock/reports.py:3: 'from .models import Product': stock/models.py does not define Product" in output

    project.write("stock/reports.py", REPORTS.replace("Product", "Item"))
    code, output = _cli(project)
    assert code == 0, output
    _starts(gen_env, project)


@pytest.mark.slow
def test_keeping_your_side_of_a_conflict_that_breaks_an_import_is_not_resolved(tmp_path: Path, gen_env: GenEnv) -> None:
    project = Project.create(tmp_path, SPEC)
    project.edit("stock/products/forms.py", 'IntegerField("Price"', 'IntegerField("Price (cents)"')
    project.respec("{model: Product}", "{model: Product, form: [name]}")
    code, output = _cli(project)
    assert code == 1 and "stock/products/forms.py" in output
    # The conflict's note already says what keeping your side needs.
    assert "keeping your side needs back 'from ..crud import fits_integer', 'from wtforms import IntegerField', 'from wtforms.validators import Optional'" in output
    form = project.read("stock/products/forms.py")
    assert has_markers(form)
    # The merge took IntegerField out of the import line, outside the markers.
    assert "from wtforms import StringField\n" in form
    yours = re.sub(r"<<<<<<< yours\n(.*?)\|\|\|\|\|\|\| last generated\n.*?>>>>>>> new spec\n", r"\1", form, flags=re.S)
    project.write("stock/products/forms.py", yours)

    code, output = _cli(project)
    assert code == 1, output
    line = _line_of(yours, 'IntegerField("Price (cents)"')
    assert f"stock/products/forms.py:{line}: Undefined name `IntegerField`" in output
    assert f"stock/products/forms.py:{line}: Undefined name `Optional`" in output
    assert f"stock/products/forms.py:{line}: Undefined name `fits_integer`" in output
    assert "IntegerField" in _does_not_import(gen_env, project)

    project.edit("stock/products/forms.py", "from wtforms import StringField\n", "from wtforms import IntegerField, StringField\n")
    project.edit("stock/products/forms.py", "import InputRequired, Length\n", "import InputRequired, Length, Optional\n")
    project.edit("stock/products/forms.py", "from ..crud import ", "from ..crud import fits_integer, ")
    code, output = _cli(project)
    assert code == 0, output
    _starts(gen_env, project)


@pytest.mark.slow
def test_a_deleted_model_your_code_still_imports_is_a_conflict_naming_each_line(tmp_path: Path, gen_env: GenEnv) -> None:
    supplier = "models:\n  Supplier:\n    columns:\n      name: {type: string, length: 80}\n"
    project = Project.create(tmp_path, SPEC.replace("models:\n", supplier))
    project.write("stock/reports.py", REPORTS)
    project.write("stock/products/views.py", project.read("stock/products/views.py") + CHEAPEST)
    spec = project.spec.read_text()
    project.spec.write_text(spec[: spec.index("  Product:")] + "dropped: [Product]\n")
    code, output = _cli(project)
    assert code == 1, output
    assert "stock/reports.py  (the code would not import (line 3: 'from .models import Product': stock/models.py does not define Product)" in output
    # The resource's views you edited stay (orphan), and do not import either: a conflict too.
    assert "stock/products/views.py" in output
    assert not project.path("stock/products/forms.py").exists()  # unchanged generated files go

    code, output = _cli(project)
    assert code == 1
    assert "stock/reports.py:3: 'from .models import Product': stock/models.py does not define Product" in output
    assert "stock/products/views.py:" in output

    project.path("stock/reports.py").unlink()
    for path in sorted(project.path("stock/products").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    project.path("stock/products").rmdir()
    code, output = _cli(project)
    assert code == 0, output
    assert "products.index" not in _starts(gen_env, project)
