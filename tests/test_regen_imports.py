"""The static import check over a project's own modules, and which of its findings
regen turns into conflicts (plain asserts, no files)."""

from __future__ import annotations

from flaskgen.core.actions import Action
from flaskgen.core.merge.imports import (
    ANY,
    Unresolved,
    defined_names,
    import_problem,
    unresolved_imports,
)
from flaskgen.core.merge.table import Step
from flaskgen.core.merge.text import keep_side
from flaskgen.regen.checks import check_imports, final_tree

MODELS = "class Item:\n    pass\n\n\nLIMIT = 3\n"


def test_defined_names_are_the_module_level_bindings() -> None:
    text = (
        "import os.path\nfrom x import a as b, c\nclass K: pass\ndef f(): y = 1\nasync def g(): pass\n"
        "Z: int = 1\nP, (Q, R) = 1, (2, 3)\nif os:\n    S = 1\nelse:\n    T = 2\n"
        "try:\n    U = 1\nexcept ImportError:\n    V = 2\nfor W in (): pass\nwith open('f') as X: pass\n"
    )
    assert defined_names(text) == frozenset("os b c K f g Z P Q R S T U V W X".split())


def test_a_module_the_check_cannot_read_defines_anything() -> None:
    assert defined_names("from x import *\n") is ANY
    assert defined_names("def __getattr__(name): ...\n") is ANY
    assert defined_names("def broken(:\n") is ANY


def test_a_name_the_target_module_no_longer_defines_is_found() -> None:
    tree = {
        "shop/__init__.py": "",
        "shop/models.py": MODELS,
        "shop/views.py": "from .models import Item, Product\n",
        "shop/mine.py": "def f():\n    from shop.models import LIMIT, Gone\n",
    }
    assert unresolved_imports(tree) == [
        Unresolved("shop/mine.py", 2, "shop.models", "Gone", "shop/models.py"),
        Unresolved("shop/views.py", 1, ".models", "Product", "shop/models.py"),
    ]
    assert unresolved_imports(tree)[1].describe() == "line 1: 'from .models import Product': shop/models.py does not define Product"


def test_a_missing_module_is_found_and_submodules_count_as_names() -> None:
    tree = {
        "shop/__init__.py": "from . import views\nfrom .products import api\n",
        "shop/views.py": "from ..shop import views\nfrom .gone import x\nimport shop.products.api\nimport shop.nothing\n",
        "shop/products/__init__.py": "",
        "shop/products/api.py": "",
        "tests/test_x.py": "from flask import Flask\nfrom shop import create_app\n",
    }
    found = unresolved_imports(tree)
    assert [(u.relpath, u.line, u.name, u.target) for u in found] == [
        ("shop/views.py", 2, "", "shop/gone.py"),
        ("shop/views.py", 4, "", "shop/nothing.py"),
        ("tests/test_x.py", 2, "create_app", "shop/__init__.py"),
    ]
    assert found[0].describe() == "line 2: 'from .gone import x': there is no module shop/gone.py"
    assert found[1].describe() == "line 4: 'import shop.nothing': there is no module shop/nothing.py"
    assert found[2].describe() == "line 2: 'from shop import create_app': shop/__init__.py does not define create_app"


def test_an_import_is_re_added_only_when_it_resolves() -> None:
    tree = {"shop/__init__.py": "", "shop/models.py": MODELS}
    assert import_problem("from ..models import Item", "shop/products/views.py", tree) is None
    problem = import_problem("from ..models import Product", "shop/products/views.py", tree)
    assert problem is not None and problem.reason == "shop/models.py does not define Product"
    assert import_problem("from flask import Response", "shop/products/views.py", tree) is None


def test_only_imports_the_run_breaks_become_conflicts() -> None:
    before = {
        "shop/__init__.py": "",
        "shop/models.py": "class Product:\n    pass\n",
        "shop/mine.py": "from .models import Product\n",
        "shop/old.py": "from .gone import thing\n",  # broken before the run: not regen's doing
    }
    rename = Step("shop/models.py", Action.UPDATE, "", True, b"class Item:\n    pass\n")
    assert final_tree(before, [rename])["shop/models.py"] == "class Item:\n    pass\n"
    steps = check_imports([rename], before, {}, {}, {})
    assert [(s.relpath, s.action, s.writes, s.conflict) for s in steps] == [
        ("shop/models.py", Action.UPDATE, True, False),
        ("shop/mine.py", Action.CONFLICT, False, True),
    ]
    assert "line 1: 'from .models import Product': shop/models.py does not define Product" in steps[1].note
    assert check_imports([Step("shop/models.py", Action.KEEP)], before, {}, {}, {}) == [Step("shop/models.py", Action.KEEP)]


def test_keep_side_resolves_every_block_to_one_side() -> None:
    text = "a\n<<<<<<< yours\nmine\n||||||| last generated\nbase\n=======\nnew\n>>>>>>> new spec\nb\n"
    assert keep_side(text, 0) == "a\nmine\nb\n"
    assert keep_side(text, 2) == "a\nnew\nb\n"
    assert keep_side("no markers\n", 0) == "no markers\n"
