"""Minimal specs of failure classes that drawn shapes (tests/shapes.py) found, one row
each: every one generates a project whose own tests, ruff, ruff format and mypy pass."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from flaskgen.cli import main
from flaskgen.smoke import Environment
from tests.conftest import GenEnv, MypyCache
from tests.shapes import Shape
from tests.shapes_run import check, generate

HEADER = "flaskgen: 1\nproject: {name: Case, package: case}\n"


CASES: dict[str, str] = {
    # POST {} made a row (201) where the test expected 422; with no test, `invalid` was unused.
    "resource without a required column": """
models:
  Post:
    columns:
      born: {type: integer, nullable: false, default: 1}
      summary: {type: string, length: 20}
resources:
  posts: {model: Post}
""",
    # No field with a sample: `data = {}` (mypy: needs a type), unused `n`/`parents`
    # (ruff F841), and a PUT that changed nothing was expected to make the ETag stale.
    "resource whose only field is a json column": """
models:
  Note:
    columns:
      due: {type: json}
resources:
  notes: {model: Note}
""",
    # Only an optional picker, whose related rows' label is nullable: the factory left
    # every label NULL and the picker search for the last row found nothing.
    "optional picker over a nullable label": """
models:
  Parent:
    columns:
      name: {type: string, length: 20}
  Child:
    columns:
      parent_id: {type: integer, foreign_key: parent.id}
    relationships:
      parent: {model: Parent, back_populates: children}
resources:
  children: {model: Child}
""",
    # SQLite numbers rows only for an INTEGER PRIMARY KEY: a BIGINT key stayed NULL.
    "big_integer primary keys, referenced, in a many-to-many and for auth": """
models:
  Warehouse:
    columns:
      id: {type: big_integer, primary_key: true}
      email: {type: string, length: 120, unique: true, nullable: false}
  Bin:
    columns:
      id: {type: big_integer, primary_key: true}
      warehouse_id: {type: big_integer, foreign_key: warehouse.id, nullable: false}
      code: {type: string, length: 20, nullable: false}
    relationships:
      warehouse: {model: Warehouse, back_populates: bins}
      tags: {model: Warehouse, secondary: bin_tag}
auth: {model: Warehouse}
resources:
  bins: {model: Bin}
""",
    # A uuid key: views and api annotate it as uuid.UUID without importing uuid (ruff
    # F821, mypy), and an edit that repeated the key compared its text with the UUID (422).
    # A model with no column but its key: an empty SORTS needed a type (mypy).
    "uuid primary key; a model with only its key": """
models:
  Warehouse:
    doc: only a key
  Bin:
    columns:
      code: {type: uuid, primary_key: true}
      name: {type: string, length: 20}
resources:
  warehouses: {model: Warehouse}
  bins: {model: Bin}
""",
    # No page, so no form and no CSRF protection: api.py imported a csrf that
    # extensions.py does not define.
    "API-only resource": """
models:
  Tag:
    columns:
      name: {type: string, length: 20, nullable: false}
resources:
  tags: {model: Tag, html: false}
""",
    # overwrite: true replaces the file, yet the generated test expected it kept.
    "upload with overwrite": """
uploads:
  photos: {rule: /photos/upload, extensions: [png, jpg], folder: uploads, overwrite: true}
  docs: {rule: /docs/upload, extensions: [txt], folder: docs}
""",
    # Fewer than three rows a page: the sort test looked for all three on the first.
    "lists of one and two rows a page": """
models:
  Invoice:
    columns:
      email: {type: integer, nullable: false, default: 0}
      photo: {type: integer, unique: true}
  Note:
    columns:
      title: {type: string, length: 40, nullable: false}
resources:
  invoices:
    model: Invoice
    list: {per_page: 1, order_by: [photo]}
  notes:
    model: Note
    list: {per_page: 2, search: [title]}
""",
    # Unique date, time and datetime columns: the samples repeated after nine rows (409).
    "unique dates and times": """
models:
  Event:
    columns:
      starts_on: {type: date, unique: true}
      at: {type: time, unique: true}
      moment: {type: datetime, unique: true}
      title: {type: string, length: 30}
resources:
  events: {model: Event, list: {per_page: 12}}
""",
    # A sort key whose rows all hold its default (not in the form), a unique nullable
    # enum whose sample was the same every row (409), and a foreign key without a
    # relationship sampled with the id of no row (409).
    # The table's missing key of an API-only resource named UUID, which only pages imported.
    "API-only resource with a UUID key": """
models:
  Item:
    columns:
      id: {type: uuid, primary_key: true}
      name: {type: string, length: 40, nullable: false}
resources:
  items: {model: Item, html: false}
""",
    "constant sort key, unique enum, a bare foreign key": """
models:
  Customer:
    columns:
      id: {type: integer, primary_key: true}
      title: {type: integer, nullable: true, default: 7}
      slug: {type: enum, values: [a, b], unique: true}
      amount: {type: date}
      parent_id: {type: integer, foreign_key: customer.id}
resources:
  customers:
    model: Customer
    form: [amount, slug, parent_id]
""",
    # The form's uniqueness check compared the field's text with a uuid column.
    "unique uuid column in a form": """
models:
  Login:
    columns:
      amount: {type: uuid, nullable: true, unique: true}
      handle: {type: string, length: 254, unique: true, nullable: false}
resources:
  logins: {model: Login}
""",
    # The picker searched an integer label with ILIKE (SQLAlchemy's deprecation warning,
    # an error in the generated suite): a label is searched as text.
    "picker over an integer label": """
models:
  Parent:
    label: code
    columns:
      code: {type: integer, nullable: false}
  Child:
    columns:
      parent_id: {type: integer, foreign_key: parent.id}
      code: {type: integer, nullable: false}
    relationships:
      parent: {model: Parent, back_populates: children}
resources:
  children: {model: Child}
""",
    # The key's sample was the only one that varied, and a PUT keeps the key: the ETag
    # did not change, yet the test expected the old one to be stale.
    "uuid key as the only numbered field": """
models:
  Super:
    label: id
    columns:
      id: {type: uuid, primary_key: true}
      score: {type: uuid, foreign_key: super.id}
resources:
  super_list: {model: Super}
""",
    # Form attributes name columns freely where no page's form has them as fields.
    "form attribute names outside an HTML form": """
models:
  Note:
    columns:
      submit: {type: string, length: 40, nullable: false}
      errors: {type: boolean}
      meta: {type: integer}
      data: {type: string, length: 30}
      populate_obj: {type: date}
      csrf_token: {type: string, length: 10}
      get_id: {type: integer}
  Other:
    columns:
      hidden_tag: {type: string, length: 30, nullable: false}
resources:
  notes: {model: Note, html: false}
""",
    # A Data row named `data` met the API's `data` parameter (a syntax error), a Class
    # row `class` is a keyword; and a form without the uuid key annotated edited_key
    # with uuid.UUID without importing uuid (ruff F821, mypy).
    "models named Data and Class; a uuid key outside the form": """
models:
  Data:
    columns:
      id: {type: uuid, primary_key: true}
      title: {type: string, length: 30, nullable: false}
  Class:
    table: classes
    columns:
      code: {type: string, length: 8, primary_key: true}
      size: {type: integer}
resources:
  data_list: {model: Data, form: [title]}
  classes: {model: Class}
""",
    # The login tests' identities were cut to the column's length: all alike for a
    # short one (sign-up collided), and an unknown identity the form refused as too long
    # before checking any password.
    "identity of one character": """
models:
  Member:
    columns:
      handle: {type: string, length: 1, unique: true, nullable: false}
      nickname: {type: string, length: 2, nullable: false}
auth: {model: Member, identity: handle}
""",
    # "{n}.25" had too many digits before the point for a NUMERIC of few (422).
    "numeric columns of few digits": """
models:
  Note:
    columns:
      title: {type: string, length: 3, nullable: false}
      amount: {type: numeric, precision: 6, scale: 4, nullable: false, unique: true}
      ratio: {type: numeric, precision: 8, scale: 7, nullable: false}
      tiny: {type: numeric, precision: 1, scale: 1}
      whole: {type: numeric, precision: 4, scale: 0, nullable: false}
resources:
  notes: {model: Note}
""",
    # A required unique enum (or NUMERIC of few digits) took one value in every test row
    # (409); with values for a few rows only, the tests make no more rows than that,
    # here and where a picker or a required parent's factory makes them.
    "unique enums and numerics of few values": """
models:
  Parent:
    columns:
      name: {type: string, length: 20, nullable: false}
      kind: {type: enum, values: [a, b, c], unique: true, nullable: false}
      rank: {type: numeric, precision: 2, scale: 0, unique: true, nullable: false}
  Child:
    columns:
      parent_id: {type: integer, foreign_key: parent.id, nullable: false}
      size: {type: numeric, precision: 1, scale: 1, unique: true, nullable: false}
      title: {type: string, length: 20, nullable: false}
    relationships:
      parent: {model: Parent, back_populates: children}
resources:
  children: {model: Child, list: {per_page: 20, order_by: [title], search: [title]}}
  parents: {model: Parent, list: {per_page: 2}}
""",
    # A page of one row: the paging test's middle load followed no write, so the
    # logged-in user, not expired, was not loaded again (one statement fewer). And a
    # unique enum of two values: two rows at most.
    "login-only lists of one row a page and of two possible rows": """
models:
  Account:
    columns:
      email: {type: string, length: 120, unique: true, nullable: false}
  Task:
    columns:
      title: {type: string, length: 20, nullable: false}
  Slot:
    columns:
      side: {type: enum, values: [left, right], unique: true, nullable: false}
auth: {model: Account}
resources:
  tasks: {model: Task, login_required: true, list: {per_page: 1}}
  slots: {model: Slot, login_required: true, list: {per_page: 20}}
""",
    # The model factory gave every row the same date, time and datetime: a picker's
    # rows collided on a unique one.
    "picker over rows with unique dates and times": """
models:
  Event:
    columns:
      starts_on: {type: date, nullable: false, unique: true}
      at: {type: time, nullable: false, unique: true}
      moment: {type: datetime, nullable: false, unique: true}
      title: {type: string, length: 30, nullable: false}
  Ticket:
    columns:
      event_id: {type: integer, foreign_key: event.id, nullable: false}
    relationships:
      event: {model: Event, back_populates: tickets}
resources:
  tickets: {model: Ticket}
""",
    # Labels with a default are the same in every factory row: the picker search for
    # the last row found the first rows' labels as well, up to the limit.
    "pickers over labels with a default": """
models:
  Parent:
    label: score
    columns:
      score: {type: integer, nullable: false, default: 7}
  Other:
    label: title
    columns:
      title: {type: string, length: 20, nullable: false, default: x}
  Child:
    columns:
      parent_id: {type: integer, foreign_key: parent.id}
      other_id: {type: integer, foreign_key: other.id}
    relationships:
      parent: {model: Parent, back_populates: children}
      other: {model: Other}
resources:
  children: {model: Child, form: [parent]}
  kids: {model: Child, form: [other]}
""",
    # A required uuid foreign key took a random uuid4 default, which named no row: the
    # factory left it to that default (FOREIGN KEY constraint failed). Here beside
    # many-to-manys between uuid, string and integer keys.
    "required uuid foreign key; many-to-manys over uuid and string keys": """
models:
  Box:
    columns:
      id: {type: uuid, primary_key: true}
      email: {type: string, length: 120, unique: true, nullable: false}
  Player:
    columns:
      pk: {type: string, primary_key: true, length: 1}
      box_id: {type: uuid, foreign_key: box.id, nullable: false}
    relationships:
      boxes: {model: Box, secondary: player_box, back_populates: players}
  Tag:
    columns:
      name: {type: string, length: 20, nullable: false}
    relationships:
      players: {model: Player, secondary: tag_player}
auth: {model: Box, register: false}
resources:
  boxes: {model: Box, form: [email]}
  tags: {model: Tag, form: [name]}
""",
    # Factories whose required columns are neither numbers nor text: the row number
    # `n` is drawn only where a sample uses it (ruff F841), as a unique enum's does.
    "factories that number nothing, or only a unique enum": """
models:
  Parent:
    columns:
      name: {type: string, length: 20}
  Event:
    columns:
      at: {type: date, nullable: false}
      moment: {type: datetime, nullable: false}
      code: {type: uuid, nullable: false}
      flag: {type: boolean, nullable: false}
      kind: {type: enum, values: [a, b], nullable: false}
      parent_id: {type: integer, foreign_key: parent.id, nullable: false}
    relationships:
      parent: {model: Parent, back_populates: events}
  Slot:
    columns:
      at: {type: time, nullable: false}
      side: {type: enum, values: [left, right], unique: true, nullable: false}
resources:
  events: {model: Event}
""",
    # A json label: str() of a dict is not its JSON text, and the factory's rows all
    # shared the default {}: the picker test searches its row's "picked".
    "picker over a json label with a default": """
models:
  Loop:
    label: phone
    columns:
      phone: {type: json, nullable: false, default: {}}
  Warehouse:
    columns:
      rating: {type: float, nullable: false, default: 3}
    relationships:
      loops: {model: Loop, secondary: keys}
resources:
  warehouses: {model: Warehouse}
""",
}

# Specs that must be refused, with exactly these lines (the header is two lines).
REFUSED: dict[str, tuple[str, list[str]]] = {
    # models.py imports these SQLAlchemy types; a model of that name would rebind it.
    "model named like an SQLAlchemy type": (
        "models:\n  Float:\n    columns:\n      x: {type: float}\n  Integer:\n    columns:\n      x: {type: integer}\n",
        [
            "spec.yaml:4:3: models.Float: 'Float' is a name models.py already uses; pick another model name",
            "spec.yaml:7:3: models.Integer: 'Integer' is a name models.py already uses; pick another model name",
        ],
    ),
    # A required foreign key to its own table: no first row can exist (the test
    # factory recursed forever); a column named str hid the annotation's type; a key
    # named redirect hid redirect() in the views that take it; a column named session
    # hid the marshmallow schema's attribute.
    "names the generated code uses; a required self-reference": (
        "models:\n  Node:\n    columns:\n      redirect: {type: integer, primary_key: true}\n"
        "      str: {type: string, length: 20}\n      session: {type: string, length: 20}\n"
        "      node_redirect: {type: integer, foreign_key: node.redirect, nullable: false}\n"
        "resources:\n  nodes: {model: Node}\n",
        [
            "spec.yaml:7:7: models.Node.columns.str: column name 'str' is a type that the model's annotations use (in the class body the name would mean the column); pick another name",
            "spec.yaml:8:7: models.Node.columns.session: 'session' is an attribute of the API schema of resource 'nodes'; rename the column",
            "spec.yaml:9:51: models.Node.columns.node_redirect.foreign_key: a foreign key to its own table must be nullable (the first row has none to point at); remove nullable: false from 'node_redirect'",
            "spec.yaml:11:10: resources.nodes: 'node_redirect' is a required foreign key without a relationship; add a relationship (to the model of table 'node') so the form picks the row, or make it nullable",
            "spec.yaml:11:18: resources.nodes.model: the key of Node, 'redirect', would hide a name the resource's views use; rename that column",
        ],
    ),
    # test_models.py imports the model: pytest tried to collect it (a warning, an error there).
    "model named like a test class": (
        "models:\n  Tests:\n    columns:\n      x: {type: integer}\n",
        ["spec.yaml:4:3: models.Tests: 'Tests' starts with Test, so pytest would take the model for a test class; pick another model name"],
    ),
    # api.py names a List row `list`, then annotates with list[...] (mypy).
    # And a Db row `db`, which hid the database (AttributeError: no attribute 'session').
    "resource over a model named like a builtin or db": (
        "models:\n  List:\n    columns:\n      x: {type: integer}\n  Db:\n    columns:\n      x: {type: integer}\n"
        "resources:\n  lists: {model: List}\n  dbs: {model: Db}\n",
        [
            "spec.yaml:11:18: resources.lists.model: the resource's views name a List row 'list', which would hide the name they use; rename the model",
            "spec.yaml:12:16: resources.dbs.model: the resource's views name a Db row 'db', which would hide the name they use; rename the model",
        ],
    ),
    # No row could be made (the form and the API leave such columns out: 409/422), and
    # ResourceSchema, the schema of Resource, hid its base class.
    "required binary and json columns; a model named Resource": (
        "models:\n  Resource:\n    columns:\n      blob: {type: binary, nullable: false}\n"
        "      doc: {type: json, nullable: false}\n      name: {type: string, length: 20}\n"
        "resources:\n  things: {model: Resource}\n",
        [
            "spec.yaml:10:11: resources.things: 'blob' is a required binary column (nullable: false, no default), which neither the form nor the API can fill; make it nullable",
            "spec.yaml:10:11: resources.things: 'doc' is a required json column (nullable: false, no default), which neither the form nor the API can fill; give it a default such as {} or make it nullable",
            "spec.yaml:10:19: resources.things.model: the resource's schema or form class of Resource would take the name of its base class; rename the model",
        ],
    ),
    # forms.py imports InputRequired: the model hid the validator (not callable);
    # uploads.py registers its views with an `app` parameter that hid the view `app`, and
    # annotates with str, which an upload's view named str hid.
    "names forms.py and uploads.py use": (
        "models:\n  InputRequired:\n    columns:\n      x: {type: integer}\nresources:\n  things: {model: InputRequired}\n"
        "uploads:\n  app: {rule: /up, extensions: [png], folder: up}\n  str: {rule: /up2, extensions: [png], folder: up2}\n",
        [
            "spec.yaml:4:3: models.InputRequired: 'InputRequired' is a class the generated modules import beside the models; pick another model name",
            "spec.yaml:10:3: uploads.app: 'app' is a name the generated uploads module uses itself; pick another upload name",
            "spec.yaml:11:3: uploads.str: 'str' is a name the generated uploads module uses itself; pick another upload name",
        ],
    ),
    # The form's number field and the tests' sample named no existing row (409).
    "required foreign key without a relationship": (
        "models:\n  Parent:\n    columns:\n      name: {type: string, length: 20}\n  Child:\n    columns:\n"
        "      parent_id: {type: integer, foreign_key: parent.id, nullable: false}\nresources:\n  children: {model: Child}\n",
        ["spec.yaml:11:13: resources.children: 'parent_id' is a required foreign key without a relationship; add a relationship (to the model of table 'parent') so the form picks the row, or make it nullable"],
    ),
    # Every row that leaves it unset gets the same value: sign-up collided the second time.
    "unique column with a fixed default": (
        'models:\n  Invoice:\n    columns:\n      amount: {type: numeric, nullable: false, unique: true, default: "0"}\n',
        ["spec.yaml:6:71: models.Invoice.columns.amount.default: a unique column with a fixed default can hold only one row that leaves it unset; remove the default or unique: true"],
    ),
    # A form's checkbox is never empty: the second row's False collided (422).
    "unique boolean": (
        "models:\n  Flagged:\n    columns:\n      lit: {type: boolean, unique: true}\n",
        ["spec.yaml:6:36: models.Flagged.columns.lit.unique: a unique boolean column holds at most two rows (a form's checkbox is always true or false); remove unique: true"],
    ),
    # In the page, an input named submit hides the HTML form's submit().
    "a form field named submit": (
        "models:\n  Note:\n    columns:\n      submit: {type: string, length: 40}\nresources:\n  notes: {model: Note}\n",
        ["spec.yaml:6:7: models.Note.columns.submit: 'submit' is an attribute of the form of resource 'notes'; rename the column"],
    ),
    # Every row needs its own value, and there is one.
    "a required unique enum of one value": (
        "models:\n  Note:\n    columns:\n      kind: {type: enum, values: [a], unique: true, nullable: false}\n",
        ["spec.yaml:6:47: models.Note.columns.kind.unique: a required unique enum column of one value holds at most one row; add values, make it nullable or remove unique: true"],
    ),
    # The JSON API answers errors under its prefixes with JSON: a missing row's page too.
    "resource pages under an API prefix": (
        "models:\n  Note:\n    columns:\n      title: {type: string, length: 20}\n"
        "resources:\n  notes: {model: Note, url_prefix: /api}\n",
        ["spec.yaml:8:36: resources.notes.url_prefix: '/api': the JSON API answers errors under /api/ with JSON, so the pages' would be too; pick another URL"],
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("body", CASES.values(), ids=CASES)
def test_shape_case_passes_its_gates(body: str, gen_env: GenEnv, mypy_cache: MypyCache, tmp_path: Path) -> None:
    spec = {"flaskgen": 1, "project": {"name": "Case", "package": "case"}, **yaml.safe_load(body)}
    shape = Shape(0, 0, spec)
    project = generate(shape, tmp_path)
    assert isinstance(project, Path), project
    # One cache for every case: check() drops the project's own modules from it afterwards.
    outcome = check(shape, project, Environment(gen_env.root), mypy_cache.root)
    assert outcome.result == "passed", f"{outcome.step}: {outcome.error}\n{outcome.detail}"


@pytest.mark.parametrize(("body", "expected"), REFUSED.values(), ids=REFUSED)
def test_shape_case_is_refused(body: str, expected: list[str], tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEADER + body, encoding="utf-8")
    result = CliRunner().invoke(main, ["new", str(spec), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.replace(str(spec), "spec.yaml").splitlines()[:-1] == expected
    assert not (tmp_path / "out").exists()
