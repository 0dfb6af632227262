"""The hostile-spec catalogue: every class of bad input in issue 9, several cases each.

Each case is a spec (appended to a two-line header unless it starts with ``flaskgen:``)
that ``flaskgen new`` and ``flaskgen validate`` must both refuse with exit 2 and exactly
these ``file:line:col: path: message`` lines, writing nothing. Classes:

0. every problem in one pass; 1. input that used to raise a traceback; 2. unbounded time
and memory; 3. specs that validated but failed to generate; 4. output that did not
compile; 5. projects that broke at run time; 6. YAML tags; 7. terminal safety and the rest.

File-level cases (pipes, devices, oversized files), template overrides, the regen
journal and specs that must be *accepted* follow the table.
"""

from __future__ import annotations

import ast
import compileall
import os
import re
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskgen.cli import main
from flaskgen.core.errors import ToolError
from flaskgen.format import Formatting, ruff_bin
from flaskgen.generate import render_project
from flaskgen.specfile import MAX_SPEC_BYTES, parse_spec
from tests.conftest import GenEnv, MypyCache

HEADER = "flaskgen: 1\nproject: {name: X, package: xapp}\n"
DEEP_LIST = "[" * 70 + "]" * 70
DEEP_MAP = "".join(f"{{k{i}: " for i in range(70)) + "1" + "}" * 70
LAUGHS = "".join(
    f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10 if i else ["x"] * 10) + "]\n" for i in range(6)
)
MODEL = "models:\n  Foo:\n    columns:\n      id: {type: integer, primary_key: true}\n"
MODEL_W = "models:\n  Widget:\n    columns:\n      id: {type: integer, primary_key: true}\n"
M2M = (
    "models:\n  Post:\n    columns:\n      id: {type: integer, primary_key: true}\n  Tag:\n    columns:\n"
    "      id: {type: integer, primary_key: true}\n    relationships:\n      posts: {model: Post, secondary: %s, back_populates: tags}\n"
)

CATALOGUE: dict[str, dict[str, tuple[str, list[str]]]] = {
    "0": {
        "bad column type hides no foreign key": (
            "models:\n  A:\n    columns:\n      x: {type: bogus}\n      b_id: {type: integer, foreign_key: nope.id}\n",
            [
                "spec.yaml:6:17: models.A.columns.x.type: 'bogus' is not one of integer, big_integer, float, numeric, string, text, boolean, date, datetime, time, json, uuid, enum, binary",
                "spec.yaml:7:42: models.A.columns.b_id.foreign_key: no table 'nope'; tables: a",
            ],
        ),
        "bad method hides no converter": (
            "routes:\n  a: {rule: '/a/<nope:x>', methods: [FETCH]}\n",
            [
                "spec.yaml:4:13: routes.a.rule: unknown converter 'nope'",
                "spec.yaml:4:38: routes.a.methods[0]: 'FETCH' is not one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (did you mean 'PATCH'?)",
            ],
        ),
        "bad column hides no relationship": (
            "models:\n  A:\n    columns:\n      x: {type: integer, length: x}\n    relationships:\n      r: {model: Nope}\n",
            [
                "spec.yaml:6:34: models.A.columns.x.length: expected a whole number, got text",
                "spec.yaml:8:18: models.A.relationships.r.model: no model 'Nope'",
            ],
        ),
        "three sections at once": (
            "routs: {}\nroutes:\n  a: {rule: /a, tempalte: a.html}\n  b: {rule: /b, text: '{zz}'}\nerrors:\n  404: {txt: x}\n",
            [
                "spec.yaml:3:1: routs: unknown key 'routs' (did you mean 'routes'?)",
                "spec.yaml:5:17: routes.a.tempalte: unknown key 'tempalte' (did you mean 'template'?)",
                "spec.yaml:6:23: routes.b.text: '{zz}' is not a URL variable of this route",
                "spec.yaml:8:9: errors.404.txt: unknown key 'txt' (did you mean 'text'?)",
            ],
        ),
        "bad table and reserved column": (
            "models:\n  A:\n    table: 5\n    columns:\n      metadata: {type: string}\n",
            [
                "spec.yaml:5:12: models.A.table: '5' is not valid: use lowercase letters, digits and underscores, not starting with a digit",
                "spec.yaml:7:7: models.A.columns.metadata: column name 'metadata' is an attribute every model has (SQLAlchemy's declarative reserves it); pick another name",
            ],
        ),
        "upload and route": (
            "uploads:\n  av: {rule: /up, extensions: [png], folder: up, bogus: 1}\nroutes:\n  a: {rule: '/a/<slg:x>'}\n",
            [
                "spec.yaml:4:50: uploads.av.bogus: unknown key 'bogus' (allowed: access, extensions, field, folder, login_required, max_size, overwrite, renamed_from, rule, serve)",
                "spec.yaml:6:13: routes.a.rule: unknown converter 'slg'",
            ],
        ),
        "bad key beside rule of another blueprint route": (
            "blueprints:\n  shop:\n    url_prefix: /shop\n    routes:\n      a: {rule: '/a/<int(foo=1):x>', stat: 200}\n      b: {rule: '/b', redirect: nowhere}\n",
            [
                "spec.yaml:7:17: blueprints.shop.routes.a.rule: invalid converter arguments in '/shop/a/<int(foo=1):x>': got an unexpected keyword argument 'foo'",
                "spec.yaml:7:38: blueprints.shop.routes.a.stat: unknown key 'stat' (did you mean 'status'?)",
                "spec.yaml:8:33: blueprints.shop.routes.b.redirect: no endpoint 'nowhere'",
            ],
        ),
        "refused tag beside unknown key": (
            "routes:\n  a: {rule: /a, text: !!binary aGk=}\n  b: {rule: /b, tempalte: x.html}\n",
            [
                "spec.yaml:4:23: routes.a.text: unsupported YAML tag !!binary: only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) are allowed",
                "spec.yaml:5:17: routes.b.tempalte: unknown key 'tempalte' (did you mean 'template'?)",
            ],
        ),
        "control character beside bad converter": (
            "routes:\n  a: {rule: /a, doc: \"\\x01\"}\n  b: {rule: '/b/<slg:x>'}\n",
            [
                "spec.yaml:4:22: routes.a.doc: text must not contain the control character U+0001",
                "spec.yaml:5:13: routes.b.rule: unknown converter 'slg'",
            ],
        ),
        "recursive alias beside bad status": (
            "routes:\n  a: {rule: /a, json: &j [*j]}\n  b: {rule: /b, text: x, status: 200.5}\n",
            [
                "spec.yaml:4:23: routes.a.json[0]: an alias refers to a node that contains it (a recursive alias)",
                "spec.yaml:5:34: routes.b.status: expected a whole number, got a decimal number",
            ],
        ),
    },
    "1": {
        "aliases nested past the limit": (
            "".join(f"a{i}: &a{i} " + "[" * 30 + (f"*a{i - 1}" if i else "1") + "]" * 30 + "\n" for i in range(3)),
            [
                "spec.yaml:3:12: the spec is nested deeper than 64 levels once aliases are expanded",
            ],
        ),
        "inf": (
            "routes:\n  a: {rule: /a, json: {x: .inf}}\n",
            [
                "spec.yaml:4:27: routes.a.json.x: .inf is not supported: numbers must be finite",
            ],
        ),
        "negative inf": (
            "routes:\n  a: {rule: /a, json: [-.Inf]}\n",
            [
                "spec.yaml:4:24: routes.a.json[0]: -.Inf is not supported: numbers must be finite",
            ],
        ),
        "nan": (
            "routes:\n  a: {rule: /a, json: {x: .NaN}}\n",
            [
                "spec.yaml:4:27: routes.a.json.x: .NaN is not supported: numbers must be finite",
            ],
        ),
        "float overflow": (
            "routes:\n  a: {rule: /a, json: {x: 1e999}}\n",
            [
                "spec.yaml:4:27: routes.a.json.x: 1e999 is too large to be a number",
            ],
        ),
        "int tag on text": (
            'routes:\n  a: {rule: /a, abort: !!int "abc"}\n',
            [
                "spec.yaml:4:24: routes.a.abort: 'abc' is not a valid int",
            ],
        ),
        "float tag on text": (
            'routes:\n  a: {rule: /a, json: {x: !!float "pi"}}\n',
            [
                "spec.yaml:4:27: routes.a.json.x: 'pi' is not a valid float",
            ],
        ),
        "bool tag on text": (
            'routes:\n  a: {rule: /a, strict_slashes: !!bool "maybe"}\n',
            [
                "spec.yaml:4:33: routes.a.strict_slashes: 'maybe' is not a valid bool",
            ],
        ),
        "null tag on text": (
            'routes:\n  a: {rule: /a, doc: !!null "x"}\n',
            [
                "spec.yaml:4:22: routes.a.doc: 'x' is not a valid null",
            ],
        ),
        "5000-digit status": (
            "routes:\n  a: {rule: /a, text: x, status: " + "9" * 5000 + "}\n",
            [
                "spec.yaml:4:34: routes.a.status: a 5000-digit number is too large: integers must fit in 64 bits",
            ],
        ),
        "int beyond 64 bits": (
            "routes:\n  a: {rule: /a, json: {n: 9223372036854775808}}\n",
            [
                "spec.yaml:4:27: routes.a.json.n: 9223372036854775808 is too large: integers must fit in 64 bits",
            ],
        ),
        "self-referencing list": (
            "routes:\n  a: {rule: /a, json: &a [1, *a]}\n",
            [
                "spec.yaml:4:23: routes.a.json[1]: an alias refers to a node that contains it (a recursive alias)",
            ],
        ),
        "self-referencing mapping": (
            "routes:\n  a: {rule: /a, json: &a {b: *a}}\n",
            [
                "spec.yaml:4:23: routes.a.json.b: an alias refers to a node that contains it (a recursive alias)",
            ],
        ),
        "converter argument not a regex": (
            "converters:\n  regex: {type: int}\nroutes:\n  a: {rule: '/a/<regex(\"(\"):x>'}\n",
            [
                "spec.yaml:6:13: routes.a.rule: invalid regular expression in '/a/<regex(\"(\"):x>': missing ), unterminated subpattern at position 0",
            ],
        ),
        "converter argument bad class": (
            "converters:\n  regex: {}\nroutes:\n  a: {rule: '/a/<regex(\"[a-\"):x>'}\n",
            [
                "spec.yaml:6:13: routes.a.rule: invalid regular expression in '/a/<regex(\"[a-\"):x>': unterminated character set at position 0",
            ],
        ),
        "lone surrogate in text": (
            'routes:\n  a: {rule: /a, text: "\\ud800"}\n',
            [
                "spec.yaml:4:23: routes.a.text: text must not contain a lone surrogate U+D800",
            ],
        ),
        "lone surrogate in doc": (
            'routes:\n  a: {rule: /a, doc: "ok \\udfff"}\n',
            [
                "spec.yaml:4:22: routes.a.doc: text must not contain a lone surrogate U+DFFF",
            ],
        ),
    },
    "2": {
        "70 nested lists": (
            "routes:\n  a: {rule: /a, json: " + DEEP_LIST + "}\n",
            [
                "spec.yaml:4:84: the spec is nested deeper than 64 levels",
            ],
        ),
        "70 nested mappings": (
            "routes:\n  a: {rule: /a, json: " + DEEP_MAP + "}\n",
            [
                "spec.yaml:4:374: the spec is nested deeper than 64 levels",
            ],
        ),
        "10000 nested lists": (
            "routes:\n  a: {rule: /a, json: " + "[" * 10000 + "]" * 10000 + "}\n",
            [
                "spec.yaml:4:84: the spec is nested deeper than 64 levels",
            ],
        ),
        "billion laughs": (
            LAUGHS,
            [
                "spec.yaml:1:1: the spec has more than 100000 values once aliases are expanded",
            ],
        ),
        "laughs inside a route": (
            "routes:\n  a: {rule: /a, json: " + "x" + "}\n" + LAUGHS.replace("l", "m"),
            [
                "spec.yaml:1:1: the spec has more than 100000 values once aliases are expanded",
            ],
        ),
        "too many values": (
            "routes:\n  a: {rule: /a, json: [" + ",".join(["1"] * 100_001) + "]}\n",
            [
                "spec.yaml:1:1: the spec has more than 100000 values once aliases are expanded",
            ],
        ),
    },
    "3": {
        "package with trailing newline": (
            'flaskgen: 1\nproject: {name: X, package: "xapp\\n"}\n',
            [
                "spec.yaml:2:29: project.package: 'xapp\\n' is not valid: use lowercase letters, digits and underscores, not starting with a digit",
            ],
        ),
        "endpoint key with newline": (
            'routes:\n  "a\\n": {rule: /a}\n',
            [
                "spec.yaml:4:3: routes.a\\n: a key must not contain the control character U+000A",
            ],
        ),
        "redirect with trailing newline": (
            'routes:\n  a: {rule: /a, redirect: "b\\n"}\n  b: {rule: /b}\n',
            [
                "spec.yaml:4:27: routes.a.redirect: 'b\\n' is not valid: must match ^\\.?[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$",
            ],
        ),
        "model with trailing newline": (
            'models:\n  "Foo\\n":\n    columns:\n      id: {type: integer, primary_key: true}\n',
            [
                "spec.yaml:4:3: models.Foo\\n: a key must not contain the control character U+000A",
            ],
        ),
        "keyword as defaults key": (
            "routes:\n  a: {rule: [/a, '/a/<int:x>'], defaults: {class: 1}}\n",
            [
                "spec.yaml:4:44: routes.a.defaults.class: 'class' cannot be a URL variable: it is not a Python name",
            ],
        ),
        "dash in defaults key": (
            "routes:\n  a: {rule: [/a, '/a/<int:x>'], defaults: {a-b: 1}}\n",
            [
                "spec.yaml:4:44: routes.a.defaults.a-b: invalid name 'a-b': use letters, digits and underscores, not starting with a digit",
            ],
        ),
        "template path with ..": (
            "routes:\n  a: {rule: /a, template: a/../../x.html}\n",
            [
                "spec.yaml:4:27: routes.a.template: 'a/../../x.html' must be a plain path inside templates/ (no '.', '..' or empty parts)",
            ],
        ),
        "template path with .": (
            "routes:\n  a: {rule: /a, template: a/./x.html}\n",
            [
                "spec.yaml:4:27: routes.a.template: 'a/./x.html' must be a plain path inside templates/ (no '.', '..' or empty parts)",
            ],
        ),
        "template path with //": (
            "routes:\n  a: {rule: /a, template: a//x.html}\n",
            [
                "spec.yaml:4:27: routes.a.template: 'a//x.html' must be a plain path inside templates/ (no '.', '..' or empty parts)",
            ],
        ),
        "huge package name": (
            "flaskgen: 1\nproject: {name: X, package: " + "a" * 5000 + "}\n",
            [
                "spec.yaml:2:29: project.package: is 5000 characters long; at most 100 are allowed",
            ],
        ),
        "long endpoint": (
            "routes:\n  " + "e" * 101 + ": {rule: /a}\n",
            [
                "spec.yaml:4:3: routes.eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee: this name is 101 characters long; at most 100 are allowed",
            ],
        ),
        "DEL in project name": (
            'flaskgen: 1\nproject: {name: "X\\x7f", package: xapp}\n',
            [
                "spec.yaml:2:17: project.name: text must not contain the control character U+007F",
            ],
        ),
        "control character in description": (
            'flaskgen: 1\nproject: {name: X, package: xapp, description: "a\\x01b"}\n',
            [
                "spec.yaml:2:48: project.description: text must not contain the control character U+0001",
            ],
        ),
        "python that is not a specifier": (
            "flaskgen: 1\nproject: {name: X, package: xapp, python: print}\n",
            [
                "spec.yaml:2:43: project.python: 'print' is not a version specifier such as '>=3.11' or '>=3.11,<3.14'",
            ],
        ),
        "python no generated project runs on": (
            'flaskgen: 1\nproject: {name: X, package: xapp, python: "<3.8"}\n',
            [
                "spec.yaml:2:43: project.python: '<3.8' allows none of the Pythons a generated project supports (3.11, 3.12, 3.13)",
            ],
        ),
        "escape in version": (
            'flaskgen: 1\nproject: {name: X, package: xapp, version: "1.0\\e"}\n',
            [
                "spec.yaml:2:44: project.version: text must not contain the control character U+001B",
            ],
        ),
        "carriage return in config": (
            'config:\n  base:\n    SERVER_NAME: "a.test\\r"\n',
            [
                "spec.yaml:5:18: config.base.SERVER_NAME: text must not contain the control character U+000D",
            ],
        ),
    },
    "4": {
        "json nested 300 deep": (
            "routes:\n  a: {rule: /a, json: " + "[" * 300 + "]" * 300 + "}\n",
            [
                "spec.yaml:4:84: the spec is nested deeper than 64 levels",
            ],
        ),
        "NUL in doc": (
            'routes:\n  a: {rule: /a, doc: "a\\0b"}\n',
            [
                "spec.yaml:4:22: routes.a.doc: text must not contain the control character U+0000",
            ],
        ),
        "NUL in rule": (
            'routes:\n  a: {rule: "/a\\0b"}\n',
            [
                "spec.yaml:4:13: routes.a.rule: text must not contain the control character U+0000",
            ],
        ),
        "NUL in text": (
            'routes:\n  a: {rule: /a, text: "a\\0"}\n',
            [
                "spec.yaml:4:23: routes.a.text: text must not contain the control character U+0000",
            ],
        ),
        "NUL in html": (
            'routes:\n  a: {rule: /a, html: "<b>\\0</b>"}\n',
            [
                "spec.yaml:4:23: routes.a.html: text must not contain the control character U+0000",
            ],
        ),
        "NUL in model doc": (
            MODEL + '    doc: "\\0"\n',
            [
                "spec.yaml:7:10: models.Foo.doc: text must not contain the control character U+0000",
            ],
        ),
        "backspace in command help": (
            'commands:\n  go: {help: "x\\by"}\n',
            [
                "spec.yaml:4:14: commands.go.help: text must not contain the control character U+0008",
            ],
        ),
    },
    "5": {
        "columns named like attributes of the form, the schema or the user": (
            "models:\n  User:\n    table: users\n    columns:\n      id: {type: integer, primary_key: true}\n"
            "      email: {type: string, length: 120, nullable: false, unique: true}\n"
            "      get_id: {type: string, length: 10}\n      is_authenticated: {type: boolean}\n"
            "      is_active: {type: boolean, default: true}\n"
            "  Note:\n    columns:\n      id: {type: integer, primary_key: true}\n"
            "      meta: {type: string, length: 10}\n      validate: {type: string, length: 10}\n"
            "      populate: {type: string, length: 10}\n      data: {type: text}\n      errors: {type: text}\n"
            "      csrf_token: {type: string, length: 100}\n      fields: {type: string, length: 10}\n"
            "resources:\n  notes: {model: Note}\nauth: {model: User}\n",
            [
                "spec.yaml:9:7: models.User.columns.get_id: 'get_id' is an attribute of the model people log in as (Flask-Login); rename the column",
                "spec.yaml:10:7: models.User.columns.is_authenticated: 'is_authenticated' is an attribute of the model people log in as (Flask-Login); rename the column",
                "spec.yaml:11:7: models.User.columns.is_active: 'is_active' replaces Flask-Login's is_active, which is always True or False; make it a boolean column with nullable: false",
                "spec.yaml:15:7: models.Note.columns.meta: 'meta' is an attribute of the form of resource 'notes'; rename the column",
                "spec.yaml:16:7: models.Note.columns.validate: 'validate' is an attribute of the form of resource 'notes'; rename the column",
                "spec.yaml:17:7: models.Note.columns.populate: 'populate' is an attribute of the form of resource 'notes'; rename the column",
                "spec.yaml:18:7: models.Note.columns.data: 'data' is an attribute of the form of resource 'notes'; rename the column",
                "spec.yaml:19:7: models.Note.columns.errors: 'errors' is an attribute of the form of resource 'notes'; rename the column",
                "spec.yaml:20:7: models.Note.columns.csrf_token: 'csrf_token' is an attribute of the form of resource 'notes'; rename the column",
                "spec.yaml:21:7: models.Note.columns.fields: 'fields' is an attribute of the API schema of resource 'notes'; rename the column",
            ],
        ),
        "resource keys that shadow modules or cannot name a package": (
            MODEL_W
            + "resources:\n  widgets: {model: Widget}\n  class: {model: Widget}\n  import: {model: Widget}\n"
            "  crud: {model: Widget}\n  health: {model: Widget}\n  __init__: {model: Widget}\n  widgets_api: {model: Widget}\n"
            "  security: {model: Widget}\n  db: {model: Widget}\n",
            [
                "spec.yaml:9:3: resources.class: 'class' cannot name the resource's Python package; pick another key",
                "spec.yaml:10:3: resources.import: 'import' cannot name the resource's Python package; pick another key",
                "spec.yaml:11:3: resources.crud: 'crud' already names a blueprint, an upload or a generated module; pick another key",
                "spec.yaml:12:3: resources.health: 'health' already names a blueprint, an upload or a generated module; pick another key",
                "spec.yaml:13:3: resources.__init__: '__init__' cannot name the resource's Python package; pick another key",
                "spec.yaml:14:3: resources.widgets_api: 'widgets_api' is the name of the API blueprint of resource 'widgets'; pick another key",
                "spec.yaml:15:3: resources.security: 'security' already names a blueprint, an upload or a generated module; pick another key",
                "spec.yaml:16:3: resources.db: 'db' is a name the generated package's __init__ uses; pick another key",
            ],
        ),
        "a resource whose API blueprint a blueprint already names": (
            MODEL_W
            + "blueprints:\n  widgets_api: {routes: {a: {rule: /a, text: a}}}\nresources:\n  widgets: {model: Widget}\n",
            [
                "spec.yaml:10:3: resources.widgets: 'widgets' would name its API blueprint 'widgets_api', the name of a blueprint; pick another key",
            ],
        ),
        "a blueprint named like the API module": (
            MODEL_W + "blueprints:\n  api: {routes: {b: {rule: /b, text: b}}}\nresources:\n  widgets: {model: Widget}\n",
            [
                "spec.yaml:8:3: blueprints.api: 'api' is the module of the resources' JSON API; pick another blueprint name",
            ],
        ),
        "a multi-select of rows whose key is not an integer": (
            "models:\n  Country:\n    columns:\n      iso: {type: string, length: 2, primary_key: true}\n"
            "  City:\n    columns:\n      id: {type: integer, primary_key: true}\n"
            "    relationships:\n      tags: {model: Country, secondary: city_tag}\n"
            "resources:\n  cities: {model: City, form: [tags]}\n",
            [
                "spec.yaml:13:32: resources.cities.form[0]: 'tags' picks Country rows by their string key 'iso', and this picker needs an integer key; give Country an integer primary key (keeping 'iso' as a unique column) or leave it out of the form",
            ],
        ),
        "routes that hide the API or sit under /static": (
            MODEL_W
            + "routes:\n  peek: {rule: '/api/widgets/<int:id>', json: true}\n  files: {rule: '/static/<path:filename>', text: x}\n"
            "blueprints:\n  stat:\n    url_prefix: /static\n    routes:\n      home: {rule: /, text: hi}\n"
            "resources:\n  widgets: {model: Widget}\n",
            [
                "spec.yaml:9:17: routes.files.rule: '/static/<path:filename>': Flask serves the static folder under /static; pick another URL",
                "spec.yaml:12:17: blueprints.stat.url_prefix: '/static': Flask serves the static folder under /static; pick another URL",
                "spec.yaml:16:12: resources.widgets: GET /api/widgets/<int:id> is already routed to 'peek' (line 8)",
            ],
        ),
        "models named like the classes the views import": (
            "models:\n  Blueprint:\n    columns:\n      id: {type: integer, primary_key: true}\n"
            "  MethodView:\n    columns:\n      id: {type: integer, primary_key: true}\n",
            [
                "spec.yaml:4:3: models.Blueprint: 'Blueprint' is a class the generated modules import beside the models; pick another model name",
                "spec.yaml:7:3: models.MethodView: 'MethodView' is a class the generated modules import beside the models; pick another model name",
            ],
        ),
        "a subdomain that is no host name": (
            "config:\n  testing: {SERVER_NAME: x.test}\nblueprints:\n  admin:\n    subdomain: 'ad{min'\n"
            "    routes:\n      home: {rule: /, text: hi}\n",
            [
                "spec.yaml:7:16: blueprints.admin.subdomain: the subdomain 'ad{min' may hold only letters, digits, '-', '.' and <variables>",
            ],
        ),
        "a database URL that is not one": (
            "config:\n  base: {SQLALCHEMY_DATABASE_URI: 'my db'}\n",
            [
                "spec.yaml:4:35: config.base.SQLALCHEMY_DATABASE_URI: expected a database URL such as sqlite:///app.db or postgresql+psycopg://user@host/db, or ${DATABASE_URL}",
            ],
        ),
        "a testing database that needs a variable": (
            "config:\n  testing: {SQLALCHEMY_DATABASE_URI: '${TEST_DB}'}\n"
            "models:\n  Foo:\n    columns:\n      name: {type: string, length: 10}\n",
            [
                "spec.yaml:4:38: config.testing.SQLALCHEMY_DATABASE_URI: the testing database must work with nothing set; give ${TEST_DB} a default, such as ${TEST_DB:-sqlite://}",
            ],
        ),
        "a percent sign in a rule": (
            "routes:\n  a: {rule: '/100%', text: a}\n",
            [
                "spec.yaml:4:13: routes.a.rule: '%' cannot be part of a URL path in '/100%': it starts a percent-escape; write the character itself (werkzeug encodes it)",
            ],
        ),
        "whitespace in a rule": (
            "routes:\n  a: {rule: \"/a\\tb\", text: a}\n",
            [
                "spec.yaml:4:13: routes.a.rule: a URL path cannot hold whitespace, as in '/a\\tb'; use '-' or '_'",
            ],
        ),
        "an association table named like a column": (
            "models:\n  Post:\n    columns:\n      title: {type: string, length: 20}\n"
            "    relationships:\n      tags: {model: Tag, secondary: title}\n"
            "  Tag:\n    columns:\n      name: {type: string, length: 20}\n",
            [
                "spec.yaml:8:37: models.Post.relationships.tags.secondary: table name 'title' is also an attribute of Post: in the class body the name would mean that attribute",
            ],
        ),
        "a body on a 204": (
            "routes:\n  a: {rule: /a, text: gone, status: 204}\n",
            [
                'spec.yaml:4:37: routes.a.status: a 204 response has no body, so this text would never be sent; use text: "" or another status',
            ],
        ),
        "fragment in a rule": (
            "routes:\n  a: {rule: '/a#top', text: a}\n",
            [
                "spec.yaml:4:13: routes.a.rule: '#' cannot be part of a URL path in '/a#top': browsers never send the fragment",
            ],
        ),
        "query in an upload rule": (
            "uploads:\n  files: {rule: '/up?x=1', folder: up, extensions: [txt]}\n",
            [
                "spec.yaml:4:17: uploads.files.rule: '?' cannot be part of a URL path in '/up?x=1': the query string starts there (read it with request.args)",
            ],
        ),
        "duration that is not one": (
            "config:\n  base: {PERMANENT_SESSION_LIFETIME: 7 days}\n",
            [
                "spec.yaml:4:38: config.base.PERMANENT_SESSION_LIFETIME: expected a duration such as 7d, 12h, 30m or 45s, or a number of seconds",
            ],
        ),
        "size that is not one": (
            "config:\n  base: {MAX_CONTENT_LENGTH: true}\n",
            [
                "spec.yaml:4:30: config.base.MAX_CONTENT_LENGTH: expected a size such as 16MB (B, KB, MB, GB) or a number of bytes",
            ],
        ),
        "endpoint static": (
            "routes:\n  static: {rule: /s}\n",
            [
                "spec.yaml:4:3: routes.static: 'static' is the endpoint Flask serves static files with; pick another name",
            ],
        ),
        "template global url_for": (
            "template_globals: [url_for]\n",
            [
                "spec.yaml:3:20: template_globals[0]: 'url_for' would hide the template global Flask provides; pick another name",
            ],
        ),
        "template global config": (
            "template_globals: [config]\n",
            [
                "spec.yaml:3:20: template_globals[0]: 'config' would hide the template global Flask provides; pick another name",
            ],
        ),
        "template global range": (
            "template_globals: [range]\n",
            [
                "spec.yaml:3:20: template_globals[0]: 'range' would hide the template global Flask provides; pick another name",
            ],
        ),
        "context processor inject_request": (
            "hooks:\n  context_processors: [inject_request]\n",
            [
                "spec.yaml:4:24: hooks.context_processors[0]: 'inject_request' would put 'request' in the template context, hiding Flask's; pick another name",
            ],
        ),
        "filter safe": (
            "template_filters: [safe]\n",
            [
                "spec.yaml:3:20: template_filters[0]: 'safe' would replace Jinja's built-in filter; pick another name",
            ],
        ),
        "template base.html": (
            "routes:\n  a: {rule: /a, template: base.html}\n",
            [
                "spec.yaml:4:27: routes.a.template: 'base.html' is the layout every page extends; name the page otherwise",
            ],
        ),
        "error page base.html": (
            "errors:\n  404: {template: base.html}\n",
            [
                "spec.yaml:4:19: errors.404.template: 'base.html' is the layout every page extends; name the page otherwise",
            ],
        ),
        "route and error share a template": (
            "routes:\n  a: {rule: /a, template: errors/404.html}\nerrors:\n  404: {template: errors/404.html}\n",
            [
                "spec.yaml:6:19: errors.404.template: 'errors/404.html' is already generated for routes.a.template; two pages cannot share a template",
            ],
        ),
        "route and upload form share a template": (
            "routes:\n  a: {rule: /a, template: uploads/av.html}\nuploads:\n  av: {rule: /up, extensions: [png], folder: up}\n",
            [
                "spec.yaml:6:7: uploads.av: 'uploads/av.html' is already generated for routes.a.template; two pages cannot share a template",
            ],
        ),
        "route and API docs share a template": (
            "routes:\n  a: {rule: /a, template: api/docs.html}\nmodels:\n  Tag:\n    columns: {name: {type: string, length: 20}}\n"
            "resources:\n  tags: {model: Tag}\n",
            [
                "spec.yaml:9:9: resources.tags: 'api/docs.html' is already generated for routes.a.template; two pages cannot share a template",
            ],
        ),
        "two routes share a template": (
            "routes:\n  a: {rule: /a, template: x.html}\n  b: {rule: /b, template: x.html}\n",
            [
                "spec.yaml:5:27: routes.b.template: 'x.html' is already generated for routes.a.template; two pages cannot share a template",
            ],
        ),
        "logging format unknown field": (
            "logging: {level: INFO, format: '%(bogus)s'}\n",
            [
                "spec.yaml:3:32: logging.format: logging rejects this format: Formatting field not found in record: 'bogus'",
            ],
        ),
        "logging format unterminated": (
            "logging: {level: INFO, format: '%(message'}\n",
            [
                "spec.yaml:3:32: logging.format: logging rejects this format: Invalid format '%(message' for '%' style",
            ],
        ),
        "status 200.0": (
            "routes:\n  a: {rule: /a, text: x, status: 200.0}\n",
            [
                "spec.yaml:4:34: routes.a.status: expected a whole number, got a decimal number",
            ],
        ),
        "error status 404.0": (
            "routes:\n  a: {rule: /a, abort: 404.0}\n",
            [
                "spec.yaml:4:24: routes.a.abort: expected a whole number, got a decimal number",
            ],
        ),
        "abort 499": (
            "routes:\n  a: {rule: /a, abort: 499}\n",
            [
                "spec.yaml:4:24: routes.a.abort: 499 is not an HTTP error status werkzeug knows",
            ],
        ),
        "abort 599": (
            "routes:\n  a: {rule: /a, abort: 599}\n",
            [
                "spec.yaml:4:24: routes.a.abort: 599 is not an HTTP error status werkzeug knows",
            ],
        ),
        "upload size overflows": (
            "uploads:\n  av: {rule: /up, extensions: [png], folder: up, max_size: 99999999999GB}\n",
            [
                "spec.yaml:4:60: uploads.av.max_size: 99999999999GB is too large: sizes must be below 8 EiB (2**63 bytes)",
            ],
        ),
        "config size overflows": (
            "config:\n  base:\n    MAX_CONTENT_LENGTH: 9999999999999GB\n",
            [
                "spec.yaml:5:25: config.base.MAX_CONTENT_LENGTH: 9999999999999GB is too large: sizes must be below 8 EiB (2**63 bytes)",
            ],
        ),
        "duration overflows": (
            "config:\n  base:\n    PERMANENT_SESSION_LIFETIME: 9999999999d\n",
            [
                "spec.yaml:5:33: config.base.PERMANENT_SESSION_LIFETIME: 9999999999d is too long: durations must be below 999999999 days",
            ],
        ),
        "blueprint load_config": (
            "blueprints:\n  load_config:\n    routes: {a: {rule: /a}}\n",
            [
                "spec.yaml:4:3: blueprints.load_config: 'load_config' is a name the generated package's __init__ uses; pick another blueprint name",
            ],
        ),
        "blueprint os": (
            "blueprints:\n  os:\n    routes: {a: {rule: /a}}\n",
            [
                "spec.yaml:4:3: blueprints.os: 'os' is a name the generated package's __init__ uses; pick another blueprint name",
            ],
        ),
        "blueprint create_app": (
            "blueprints:\n  create_app:\n    routes: {a: {rule: /a}}\n",
            [
                "spec.yaml:4:3: blueprints.create_app: 'create_app' is a name the generated package's __init__ uses; pick another blueprint name",
            ],
        ),
        "blueprint dunder": (
            "blueprints:\n  __main__:\n    routes: {a: {rule: /a}}\n",
            [
                "spec.yaml:4:3: blueprints.__main__: '__main__' is a name the generated package's __init__ uses; pick another blueprint name",
            ],
        ),
        "column metadata": (
            MODEL + "      metadata: {type: string}\n",
            [
                "spec.yaml:7:7: models.Foo.columns.metadata: column name 'metadata' is an attribute every model has (SQLAlchemy's declarative reserves it); pick another name",
            ],
        ),
        "column registry": (
            MODEL + "      registry: {type: string}\n",
            [
                "spec.yaml:7:7: models.Foo.columns.registry: column name 'registry' is an attribute every model has (SQLAlchemy's declarative reserves it); pick another name",
            ],
        ),
        "column __tablename__": (
            MODEL + "      __tablename__: {type: string}\n",
            [
                "spec.yaml:7:7: models.Foo.columns.__tablename__: column name '__tablename__' is an attribute every model has (SQLAlchemy's declarative reserves it); pick another name",
            ],
        ),
        "association table datetime": (
            M2M % "datetime",
            [
                "spec.yaml:11:39: models.Tag.relationships.posts.secondary: table name 'datetime' is a name models.py imports or defines"
            ],
        ),
        "association table db": (
            M2M % "db",
            [
                "spec.yaml:11:39: models.Tag.relationships.posts.secondary: table name 'db' is a name models.py imports or defines"
            ],
        ),
        "column datetime": (
            MODEL + "      datetime: {type: datetime}\n",
            [
                "spec.yaml:7:7: models.Foo.columns.datetime: column name 'datetime' is a name models.py imports or defines; pick another name"
            ],
        ),
        "relationship mapped_column": (
            MODEL + "    relationships:\n      mapped_column: {model: Foo}\n",
            [
                "spec.yaml:8:7: models.Foo.relationships.mapped_column: 'mapped_column' is a name models.py imports or defines; pick another relationship name"
            ],
        ),
        "model named String": (
            "models:\n  String:\n    columns:\n      id: {type: integer, primary_key: true}\n",
            [
                "spec.yaml:4:3: models.String: 'String' is a name models.py already uses; pick another model name",
            ],
        ),
        "models equal but for case": (
            MODEL + "  FOO:\n    columns:\n      id: {type: integer, primary_key: true}\n",
            [
                "spec.yaml:7:3: models.FOO: table 'foo' is already the table of Foo; set 'table' to another name",
            ],
        ),
        "foreign-key cycle of two": (
            "models:\n  A:\n    columns:\n      b_id: {type: integer, foreign_key: b.id}\n  B:\n    columns:\n      a_id: {type: integer, foreign_key: a.id}\n",
            [
                "spec.yaml:4:3: models.A: foreign keys form a cycle (a -> b -> a); make one of them a plain column or split the tables",
            ],
        ),
        "foreign-key cycle of three": (
            "models:\n  A:\n    columns:\n      b_id: {type: integer, foreign_key: b.id}\n  B:\n    columns:\n      c_id: {type: integer, foreign_key: c.id}\n  C:\n    columns:\n      a_id: {type: integer, foreign_key: a.id}\n",
            [
                "spec.yaml:4:3: models.A: foreign keys form a cycle (a -> b -> c -> a); make one of them a plain column or split the tables",
            ],
        ),
        "class views collide": (
            "routes:\n  foo_bar: {rule: /a, view: class, text: a}\n  fooBar: {rule: /b, view: class, text: b}\n",
            [
                "spec.yaml:5:3: routes.fooBar: its view class FooBarView would be the same as that of 'foo_bar'; rename one",
            ],
        ),
        "blueprint class views collide": (
            "blueprints:\n  shop:\n    routes:\n      a_b: {rule: /a, view: class, text: a}\n      aB: {rule: /b, view: class, text: b}\n",
            [
                "spec.yaml:7:7: blueprints.shop.routes.aB: its view class ABView would be the same as that of 'a_b'; rename one",
            ],
        ),
        "option help": (
            "commands:\n  go:\n    options:\n      help: {default: x}\n",
            [
                "spec.yaml:6:7: commands.go.options.help: '--help' is the option click adds to every command; pick another name",
            ],
        ),
        "package __main__": (
            "flaskgen: 1\nproject: {name: X, package: __main__}\n",
            [
                "spec.yaml:2:29: project.package: '__main__' cannot name a distribution: start and end it with a letter or digit",
            ],
        ),
        "package ending in underscore": (
            "flaskgen: 1\nproject: {name: X, package: xapp_}\n",
            [
                "spec.yaml:2:29: project.package: 'xapp_' cannot name a distribution: start and end it with a letter or digit",
            ],
        ),
        "SERVER_NAME with a space": (
            "config:\n  base:\n    SERVER_NAME: 'a b'\n",
            [
                "spec.yaml:5:18: config.base.SERVER_NAME: 'a b' is not a host name such as example.com or localhost:5000",
            ],
        ),
        "SERVER_NAME with a path": (
            "config:\n  testing:\n    SERVER_NAME: 'crm.test/app'\n",
            [
                "spec.yaml:5:18: config.testing.SERVER_NAME: 'crm.test/app' is not a host name such as example.com or localhost:5000",
            ],
        ),
        "SERVER_NAME with a scheme": (
            "config:\n  testing:\n    SERVER_NAME: 'http://crm.test'\n",
            [
                "spec.yaml:5:18: config.testing.SERVER_NAME: 'http://crm.test' is not a host name such as example.com or localhost:5000",
            ],
        ),
        "rule with a stray >": (
            "routes:\n  a: {rule: '/a/int:x>'}\n",
            [
                "spec.yaml:4:13: routes.a.rule: malformed rule '/a/int:x>': write URL variables as <name> or <converter:name>",
            ],
        ),
        "rule with a stray <": (
            "routes:\n  a: {rule: '/a/<'}\n",
            [
                "spec.yaml:4:13: routes.a.rule: invalid rule '/a/<': malformed url rule: '/a/<'",
            ],
        ),
        "rule with >>": (
            "routes:\n  a: {rule: '/a/<x>>'}\n",
            [
                "spec.yaml:4:13: routes.a.rule: malformed rule '/a/<x>>': write URL variables as <name> or <converter:name>",
            ],
        ),
    },
    "6": {
        "python object on a mapping": (
            "routes: !!python/object:os.system {}\n",
            [
                "spec.yaml:3:9: routes: unsupported YAML tag !!python/object:os.system: only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) are allowed",
            ],
        ),
        "python tuple on a sequence": (
            "template_globals: !!python/tuple [a]\n",
            [
                "spec.yaml:3:19: template_globals: unsupported YAML tag !!python/tuple: only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) are allowed",
            ],
        ),
        "python name on a scalar": (
            "routes:\n  a: {rule: /a, text: !!python/name:os.system ''}\n",
            [
                "spec.yaml:4:23: routes.a.text: unsupported YAML tag !!python/name:os.system: only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) are allowed",
            ],
        ),
        "custom tag on a mapping": (
            "routes:\n  a: !route {rule: /a}\n",
            [
                "spec.yaml:4:6: routes.a: unsupported YAML tag !route: only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) are allowed",
            ],
        ),
        "custom tag on a scalar": (
            "routes:\n  a: {rule: !path /a}\n",
            [
                "spec.yaml:4:13: routes.a.rule: unsupported YAML tag !path: only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) are allowed",
            ],
        ),
        "custom tag on a quoted scalar": (
            "routes:\n  a: {rule: /a, text: !t 'hi'}\n",
            [
                "spec.yaml:4:23: routes.a.text: unsupported YAML tag !t: only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) are allowed",
            ],
        ),
        "binary": (
            "routes:\n  a: {rule: /a, text: !!binary aGVsbG8=}\n",
            [
                "spec.yaml:4:23: routes.a.text: unsupported YAML tag !!binary: only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) are allowed",
            ],
        ),
        "set": (
            "template_globals: !!set {a: null}\n",
            [
                "spec.yaml:3:19: template_globals: unsupported YAML tag !!set: only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) are allowed",
            ],
        ),
        "omap": (
            "template_globals: !!omap [a: 1]\n",
            [
                "spec.yaml:3:19: template_globals: unsupported YAML tag !!omap: only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) are allowed",
            ],
        ),
        "timestamp": (
            "project2: !!timestamp 2020-01-01\n",
            [
                "spec.yaml:3:11: project2: unsupported YAML tag !!timestamp: only the YAML 1.2 core tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) are allowed",
            ],
        ),
    },
    "7": {
        "escape sequence in a key": (
            'routes:\n  "\\e[31mred": {rule: /a}\n',
            [
                "spec.yaml:4:3: routes.\\x1b[31mred: a key must not contain the control character U+001B",
            ],
        ),
        "escape sequence in a converter name": (
            'routes:\n  a: {rule: "/a/<\\e[2Jx:y>"}\n',
            [
                "spec.yaml:4:13: routes.a.rule: text must not contain the control character U+001B",
            ],
        ),
        "raw escape character in the file": (
            "routs\x1b[31m:\n  a: {rule: /a}\n",
            [
                "spec.yaml:3:6: the character U+001B is not allowed in YAML; write it as an escape in a double-quoted string",
            ],
        ),
        "bell in a value": (
            'routes:\n  a: {rule: /a, text: "\\a"}\n',
            [
                "spec.yaml:4:23: routes.a.text: text must not contain the control character U+0007",
            ],
        ),
        "C1 control in a value": (
            'routes:\n  a: {rule: /a, text: "\\x9b31m"}\n',
            [
                "spec.yaml:4:23: routes.a.text: text must not contain the control character U+009B",
            ],
        ),
    },
}

TABLE = [
    (cls, name, text, lines)
    for cls, cases in CATALOGUE.items()
    for name, (text, lines) in cases.items()
]


def _invoke(*args: str) -> tuple[int, str]:
    """Run the CLI in-process; (exit code, stderr)."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stderr


def _refused(tmp_path: Path, spec: Path, expected: list[str]) -> None:
    """``new`` and ``validate`` both print exactly ``expected`` and exit 2; nothing is written."""
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "out"
    summary = (
        f"{len(expected)} problem{'s' if len(expected) != 1 else ''} found; nothing was written."
    )
    for args in (["new", str(spec), "-o", str(out)], ["validate", str(spec)]):
        code, stderr = _invoke(*args)
        assert code == 2, stderr
        assert stderr.replace(str(spec), "spec.yaml").splitlines() == [*expected, summary]
        assert "\x1b" not in stderr and "Traceback" not in stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize(
    ("cls", "name", "text", "expected"), TABLE, ids=[f"{c}-{n}" for c, n, _, _ in TABLE]
)
def test_hostile_spec_is_refused(
    tmp_path: Path, cls: str, name: str, text: str, expected: list[str]
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text if text.startswith("flaskgen:") else HEADER + text, encoding="utf-8")
    _refused(tmp_path, spec, expected)


def test_catalogue_covers_every_class() -> None:
    sizes = {cls: len(cases) for cls, cases in CATALOGUE.items()}
    assert sorted(sizes) == [str(n) for n in range(8)]
    assert min(sizes.values()) >= 5 and sum(sizes.values()) > 100


# -- class 2: what the spec path is ---------------------------------------------------------


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "spec.yaml"
    os.mkfifo(path)
    return path


def _oversized(tmp_path: Path) -> Path:
    path = tmp_path / "spec.yaml"
    unknown = "".join(f"key{i}: {i}\n" for i in range(MAX_SPEC_BYTES // 10))
    path.write_text(HEADER + unknown, encoding="utf-8")
    assert path.stat().st_size > MAX_SPEC_BYTES
    return path


def _under_a_file(tmp_path: Path) -> Path:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    return tmp_path / "file" / "spec.yaml"


def _latin1(tmp_path: Path) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_bytes((HEADER + "routes:\n  a: {rule: /a, text: caf\xe9}\n").encode("latin-1"))
    return path


def _unreadable(tmp_path: Path) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(HEADER, encoding="utf-8")
    path.chmod(0)
    return path


FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "fifo": (_fifo, "is not a regular file (a pipe, socket or device); give a spec file"),
    "dev-zero": (
        lambda _: Path("/dev/zero"),
        "is not a regular file (a pipe, socket or device); give a spec file",
    ),
    "larger than 1 MiB": (
        _oversized,
        "the spec is larger than 1024 KiB; flaskgen reads specs up to that size",
    ),
    "path under a file": (_under_a_file, "file not found"),
    "missing": (lambda tmp: tmp / "nope.yaml", "file not found"),
    "not utf-8": (_latin1, "not UTF-8 text (invalid continuation byte)"),
    "unreadable": (_unreadable, "permission denied: the spec file cannot be read"),
}


@pytest.mark.parametrize(("make", "message"), FILES.values(), ids=FILES)
def test_spec_path_that_is_not_a_readable_file_is_refused(
    tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    spec = make(tmp_path)
    if message.startswith("permission") and os.access(spec, os.R_OK):
        pytest.skip("running as a user who reads any file")
    for args in (["new", str(spec), "-o", str(tmp_path / "out")], ["validate", str(spec)]):
        code, stderr = _invoke(*args)
        assert code == 2
        assert stderr.splitlines() == [
            f"{spec}:1:1: {message}",
            "1 problem found; nothing was written.",
        ]
    assert not (tmp_path / "out").exists()


# -- class 7 and the rest: the output folder, templates, the regen journal ------------------


def test_new_never_writes_over_its_own_spec(tmp_path: Path) -> None:
    spec = tmp_path / "README.md"  # a name the generated project also has
    text = HEADER + "routes:\n  index: {rule: /, text: hi}\n"
    spec.write_text(text, encoding="utf-8")
    code, stderr = _invoke("new", str(spec), "-o", str(tmp_path), "--force")
    assert code == 1
    assert "would overwrite its own spec" in stderr
    assert spec.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]


def test_spec_inside_the_output_folder_is_kept(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    text = HEADER + "routes:\n  index: {rule: /, text: hi}\n"
    spec.write_text(text, encoding="utf-8")
    code, stderr = _invoke("new", str(spec), "-o", str(tmp_path))
    assert code == 0, stderr
    assert spec.read_text(encoding="utf-8") == text
    assert (tmp_path / "xapp" / "__init__.py").is_file()


def test_created_project_folder_follows_the_umask(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEADER + "routes:\n  index: {rule: /, text: hi}\n", encoding="utf-8")
    old = os.umask(0o027)
    try:
        code, stderr = _invoke("new", str(spec), "-o", str(tmp_path / "out"))
    finally:
        os.umask(old)
    assert code == 0, stderr
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o750


TEMPLATE_ERRORS = {
    "syntax error": (
        "line one\n{% if %}\n",
        "2: template error: Expected an expression, got 'end of statement block'",
    ),
    "undefined name": (
        "line one\n\n{{ no_such_name }}\n",
        "3: template error: 'no_such_name' is undefined",
    ),
    "unknown filter": ("{{ project.name | nope }}\n", "1: template error: No filter named 'nope'."),
    "missing include": (
        "a\n{% include 'gone.jinja' %}\n",
        "2: template error: 'gone.jinja' not found in search paths",
    ),
    "unclosed block": ("{% for x in [1] %}\n", "1: template error: Unexpected end of template."),
    "error at render time": (
        "a\nb\n{{ 1 // 0 }}\n",
        "3: template error: ZeroDivisionError: integer division or modulo by zero",
    ),
}


@pytest.mark.parametrize(("body", "message"), TEMPLATE_ERRORS.values(), ids=TEMPLATE_ERRORS)
def test_broken_template_override_names_its_file_and_line(
    tmp_path: Path, body: str, message: str
) -> None:
    override = tmp_path / "templates" / "project" / "README.md.jinja"
    override.parent.mkdir(parents=True)
    override.write_text(body, encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEADER + "routes:\n  index: {rule: /, text: hi}\n", encoding="utf-8")
    code, stderr = _invoke(
        "new", str(spec), "-o", str(tmp_path / "out"), "--templates", str(tmp_path / "templates")
    )
    assert code == 2
    first = stderr.splitlines()[0]
    assert first.startswith(f"{override}:{message}"), first
    assert first.endswith("(while rendering README.md); fix the template; nothing was written.")
    assert not (tmp_path / "out").exists()


JOURNALS = {
    "not JSON": "{",
    "steps not a list": '{"steps": 5, "state": "{}"}',
    "step without keys": '{"steps": [{"path": "x"}], "state": "{}"}',
    "step not a mapping": '{"steps": [[1]], "state": "{}"}',
    "data of the wrong type": '{"steps": [{"path": "x", "action": "create", "note": "", "data": 5, "conflict": false, "old": null}], "state": "{}"}',
    "no state": '{"steps": []}',
}


@pytest.mark.parametrize("journal", JOURNALS.values(), ids=JOURNALS)
def test_damaged_regen_journal_is_reported(tmp_path: Path, journal: str) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEADER + "routes:\n  index: {rule: /, text: hi}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert _invoke("new", str(spec), "-o", str(out))[0] == 0
    (out / ".flaskgen" / "journal.json").write_text(journal, encoding="utf-8")
    code, stderr = _invoke("regen", str(spec), "-o", str(out))
    assert code == 1
    assert stderr.startswith(f"{out / '.flaskgen' / 'journal.json'} is unreadable (")
    assert stderr.rstrip().endswith("check the project, delete that file and run regen again")


# -- specs at the edge that must be accepted: generated, compiled, linted, tested ----------

ACCEPTED = {
    "braces": (
        "routes:\n  a: {rule: '/a/<name>', text: '{{literal}} {name} }}'}\n"
        "  b: {rule: /b, html: '<p>{{ not jinja }}</p>'}\n"
        "errors:\n  404: {text: 'not {{here}}'}\n  500: {html: '<b>{{oops}}</b>'}\n"
    ),
    "unicode": (
        'routes:\n  caf: {rule: /caf, text: "Grüße, 世界 — \\"quoted\\" \'single\' \\\\ 😀"}\n'
        "  page: {rule: /page, template: deep/er/page.html}\n"
        "  greet: {rule: '/grüße/<name>', text: 'Grüß {name}'}\n"
        'commands:\n  greet: {help: "Say «hello» \\\\ to 世界"}\n'
        "uploads:\n  docs: {rule: /téléverser, folder: docs, extensions: [txt], serve: '/fichiers/é/<filename>'}\n"
    ),
    "builtin names": (
        "routes:\n  id: {rule: /id, text: id}\n  type: {rule: /type, json: {type: 1}}\n"
        "  list: {rule: '/list/<int:n>', json: true}\n  len: {rule: /len, view: class, text: len}\n"
    ),
    "edge values": (
        "routes:\n  deep: {rule: /deep, json: "
        + "[" * 50
        + "9223372036854775807, -9223372036854775808, 1.5e300, -0.0"
        + "]" * 50
        + "}\n"
        "  big: {rule: /big, text: big, status: 299}\n"
        "models:\n  Node:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      parent_id: {type: integer, foreign_key: node.id}\n"
        '      label: {type: string, length: 100, default: "it\'s {{x}} \\\\ ok"}\n'
        "      count: {type: big_integer, default: 9223372036854775807}\n"
    ),
    # Secrets: a literal key in base is development's; production reads the environment,
    # through a template too.
    "secrets": (
        "config:\n  base: {SECRET_KEY: hard to guess string, API_TOKEN: '${API_TOKEN}'}\n"
        "  production: {SECRET_KEY: '${APP_SECRET}-v2'}\n"
        "routes:\n  a: {rule: /a, text: a}\n"
    ),
    # Bidirectional controls and zero-width marks: kept in values, escaped in Python source.
    "invisible characters": (
        'routes:\n  rtl: {rule: "/a\\u202eb", text: "abc\\u202edef", doc: "see \\u2066x\\u2069 \\u200b"}\n'
        'models:\n  Note:\n    doc: "note \\u202e"\n    columns:\n      id: {type: integer, primary_key: true}\n'
    ),
    # Resources whose key is not named id, and an optional many-to-one to a resource.
    "resource keys": (
        "models:\n  Team:\n    columns:\n      uid: {type: integer, primary_key: true}\n"
        "      name: {type: string, length: 40, nullable: false, unique: true}\n"
        "    relationships:\n      players: {model: Player, back_populates: team}\n"
        "  Player:\n    columns:\n      code: {type: string, length: 8, primary_key: true}\n"
        "      name: {type: string, length: 40, nullable: false}\n"
        "      team_id: {type: integer, foreign_key: team.uid}\n"
        "resources:\n  teams: {model: Team}\n  players: {model: Player}\n"
    ),
    # A model named Item: its show page names a related row otherwise, and a row
    # without one shows; a string key named like its model keeps its own name.
    "item and code": (
        "models:\n  Shop:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      name: {type: string, length: 40, nullable: false}\n"
        "  Item:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      name: {type: string, length: 40, nullable: false}\n"
        "      shop_id: {type: integer, foreign_key: shop.id}\n"
        "    relationships:\n      shop: {model: Shop, back_populates: items}\n"
        "  Code:\n    columns:\n      code: {type: string, length: 8, primary_key: true}\n"
        "      name: {type: string, length: 40, nullable: false}\n"
        "  Page:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      title: {type: string, length: 40, nullable: false}\n"
        "resources:\n  items: {model: Item}\n  shops: {model: Shop}\n  codes: {model: Code}\n  pages: {model: Page}\n"
    ),
    # Samples fit their column and look like its data: a unique one-character code, a
    # two-letter key, an address.
    "short and shaped columns": (
        "models:\n  Flag:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      letter: {type: string, length: 1, nullable: false, unique: true}\n"
        "  Country:\n    columns:\n      iso: {type: string, length: 2, primary_key: true}\n"
        "      name: {type: string, length: 40, nullable: false}\n"
        "      email: {type: string, length: 120, nullable: false, unique: true}\n"
        "resources:\n  flags: {model: Flag}\n  countries: {model: Country, list: {search: [email]}}\n"
    ),
    # A resource over the auth model: its tests find rows by their links, not by text
    # the navigation also shows (the signed-in user's address).
    "auth model resource": (
        "models:\n  User:\n    table: users\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      email: {type: string, length: 120, nullable: false, unique: true}\n"
        "resources:\n  users: {model: User, login_required: true, list: {search: [email]}}\n"
        "auth: {model: User}\n"
    ),
    # Two resources over one model: their API schemas have names of their own.
    "two resources over one model": (
        "models:\n  Widget:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      name: {type: string, length: 40, nullable: false}\n"
        "resources:\n  widgets: {model: Widget}\n  gadgets: {model: Widget, url_prefix: /gadgets}\n"
    ),
    # An upload allowing every extension the tests would otherwise send as the refused one.
    "upload of risky extensions": (
        "uploads:\n  files: {rule: /up, extensions: [exe, php, sh, html, bin], folder: up, serve: '/files/<filename>'}\n"
    ),
    # Many shapes at once: a row_id foreign key (the form's own bookkeeping is named
    # apart), short keys and codes, shaped samples, two required parents, the auth model.
    "mixed shapes": (
        "models:\n"
        "  User:\n"
        "    table: users\n"
        "    columns:\n"
        "      id: {type: integer, primary_key: true}\n"
        "      email: {type: string, length: 120, nullable: false, unique: true}\n"
        "      is_active: {type: boolean, default: true, nullable: false}\n"
        "  Row:\n"
        "    columns:\n"
        "      id: {type: integer, primary_key: true}\n"
        "      grade: {type: string, length: 1, nullable: false}\n"
        "      website: {type: string, length: 200}\n"
        "      phone: {type: string, length: 20, nullable: false}\n"
        "  Item:\n"
        "    columns:\n"
        "      sku: {type: string, length: 3, primary_key: true}\n"
        "      label: {type: string, length: 2, nullable: false, unique: true}\n"
        "      at: {type: datetime, nullable: false}\n"
        "      row_id: {type: integer, foreign_key: row.id, nullable: false}\n"
        "      user_id: {type: integer, foreign_key: users.id, nullable: false}\n"
        "    relationships:\n"
        "      row: {model: Row, back_populates: items}\n"
        "      user: {model: User, back_populates: items}\n"
        "  Tag:\n"
        "    columns:\n"
        "      id: {type: integer, primary_key: true}\n"
        "      name: {type: string, length: 20, nullable: false, unique: true}\n"
        "    relationships:\n"
        "      items: {model: Item, secondary: item_tag, back_populates: tags}\n"
        "resources:\n"
        "  items: {model: Item, list: {search: [label]}}\n"
        "  rows: {model: Row, login_required: true}\n"
        "  people: {model: User, login_required: true}\n"
        "  tags: {model: Tag, login_required: true, form: [name]}\n"
        "auth: {model: User}\n"
    ),
    # Resources whose input needs nothing (an empty body creates a row) or whose samples
    # never vary (a PUT leaves the row as it was).
    "nothing required": (
        "models:\n  Team:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      name: {type: string, length: 40, nullable: false}\n"
        "  Visit:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      team_id: {type: integer, foreign_key: team.id}\n"
        "      done: {type: boolean, nullable: false, default: false}\n"
        "    relationships:\n      team: {model: Team, back_populates: visits}\n"
        "  Flag:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      enabled: {type: boolean, nullable: false}\n"
        "  Note:\n    columns:\n      id: {type: integer, primary_key: true}\n      body: {type: text}\n"
        "resources:\n  visits: {model: Visit}\n  flags: {model: Flag}\n  notes: {model: Note}\n"
    ),
    # Many-to-ones to rows with a text key (a select of text values), a model that is
    # only its key, and a resource whose form may be left empty.
    "text keys": (
        "models:\n"
        "  Country:\n"
        "    columns:\n"
        "      iso: {type: string, length: 2, primary_key: true}\n"
        "      name: {type: string, length: 40, nullable: false}\n"
        "  City:\n"
        "    columns:\n"
        "      id: {type: integer, primary_key: true}\n"
        "      name: {type: string, length: 40, nullable: false}\n"
        "      country_iso: {type: string, length: 2, foreign_key: country.iso, nullable: false}\n"
        "    relationships:\n"
        "      country: {model: Country, back_populates: cities}\n"
        "  Visit:\n"
        "    columns:\n"
        "      id: {type: integer, primary_key: true}\n"
        "      country_iso: {type: string, length: 2, foreign_key: country.iso}\n"
        "    relationships:\n"
        "      country: {model: Country, back_populates: visits}\n"
        "  Code:\n"
        "    columns:\n"
        "      code: {type: string, length: 6, primary_key: true}\n"
        "  Use:\n"
        "    columns:\n"
        "      id: {type: integer, primary_key: true}\n"
        "      code_code: {type: string, length: 6, foreign_key: code.code, nullable: false}\n"
        "    relationships:\n"
        "      code: {model: Code, back_populates: uses}\n"
        "resources:\n"
        "  uses: {model: Use}\n"
        "  visits: {model: Visit}\n"
        "  cities: {model: City}\n"
        "  countries: {model: Country}\n"
        "  codes: {model: Code}\n"
    ),
    # A unique one-character column on rows a picker lists: the tests make more of them
    # than a picker loads, each with its own character.
    "one character parent": (
        "models:\n  Flag:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      letter: {type: string, length: 1, nullable: false, unique: true}\n"
        "  Event:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      flag_id: {type: integer, foreign_key: flag.id, nullable: false}\n"
        "    relationships:\n      flag: {model: Flag, back_populates: events}\n"
        "resources:\n  events: {model: Event}\n"
    ),
    # A required datetime and a required many-to-one: the factory draws no unused number.
    "required datetime and parent": (
        "models:\n  Team:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      name: {type: string, length: 40, nullable: false}\n"
        "  Event:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      at: {type: datetime, nullable: false}\n"
        "      team_id: {type: integer, foreign_key: team.id, nullable: false}\n"
        "    relationships:\n      team: {model: Team, back_populates: events}\n"
        "resources:\n  events: {model: Event}\n"
    ),
    # Two required many-to-ones to different models: each parent row has its own type.
    "two required parents": (
        "models:\n  Team:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      name: {type: string, length: 40, nullable: false}\n"
        "  Place:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      name: {type: string, length: 40, nullable: false}\n"
        "  Event:\n    columns:\n      id: {type: integer, primary_key: true}\n"
        "      team_id: {type: integer, foreign_key: team.id, nullable: false}\n"
        "      place_id: {type: integer, foreign_key: place.id, nullable: false}\n"
        "    relationships:\n      team: {model: Team, back_populates: events}\n"
        "      place: {model: Place, back_populates: events}\n"
        "resources:\n  events: {model: Event}\n"
    ),
}


INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def test_python_source_never_holds_invisible_characters() -> None:
    """Trojan Source: a reviewer must see what the code holds, so spec text reaches Python
    files with its invisible characters escaped, and still means the same."""
    files = render_project(parse_spec(HEADER + ACCEPTED["invisible characters"]))
    assert not [path for path, text in files.items() if path.endswith(".py") and INVISIBLE.search(text)]
    views = ast.parse(files["xapp/views.py"])
    docs = {f.name: ast.get_docstring(f) for f in views.body if isinstance(f, ast.FunctionDef)}
    assert docs["rtl"] == "see \u2066x\u2069 \u200b"
    models = ast.parse(files["xapp/models.py"])
    assert [ast.get_docstring(c) for c in models.body if isinstance(c, ast.ClassDef) and c.name == "Note"] == ["note \u202e"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ACCEPTED)
def test_edge_specs_generate_working_projects(tmp_path: Path, gen_env: GenEnv, mypy_cache: MypyCache, name: str) -> None:
    """Each accepted edge spec compiles, is ruff-clean, passes ``mypy --strict`` and its
    own suite (run from the project folder, so nothing needs installing)."""
    body = ACCEPTED[name]
    spec = tmp_path / f"{name.replace(' ', '_')}.yaml"
    spec.write_text(
        f"flaskgen: 1\nproject: {{name: 'Edge ☕ {name}', package: edge_{name.replace(' ', '_')}}}\n"
        + body,
        encoding="utf-8",
    )
    out = tmp_path / spec.stem
    code, stderr = _invoke("new", str(spec), "-o", str(out))
    assert code == 0, f"{name}: {stderr}"
    assert compileall.compile_dir(out, quiet=1, force=True), name
    for args in (
        [ruff_bin(), "check", "--no-cache", "."],
        [ruff_bin(), "format", "--check", "--no-cache", "."],
    ):
        lint = subprocess.run(args, cwd=out, capture_output=True, text=True, check=False)
        assert lint.returncode == 0, f"{name}: {lint.stdout}{lint.stderr}"
    typed = mypy_cache.run(gen_env, out, "--strict", ".")
    assert typed.returncode == 0, f"{name}:\n{typed.stdout}\n{typed.stderr}"
    suite = gen_env.run(
        [gen_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=out,
        env={"SECRET_KEY": "x"},
    )
    assert suite.returncode == 0 and " passed" in suite.stdout, f"{name}:\n{suite.stdout}\n{suite.stderr}"


def test_a_ruff_format_failure_shows_what_ruff_said(tmp_path: Path) -> None:
    """Should generated code ever not parse, the error carries ruff's own words."""
    (tmp_path / "broken.py").write_text("from . import class\n", encoding="utf-8")
    formatting = Formatting(tmp_path, ["broken.py"]).start()
    with pytest.raises(ToolError) as raised:
        formatting.finish()
    message = str(raised.value)
    assert message.startswith("ruff ") and "broken.py:1:" in message, message
