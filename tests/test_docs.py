"""docs/spec.md documents every key of the JSON Schema, and nothing the schema lacks.

Keys are the first cell of a table row, written as their path in the spec with
``<placeholders>`` for names the user picks. A table preceded by
``<!-- schema: later -->`` lists keys of the format that this version's schema does not
validate yet: they may be missing from the schema, but once it has them they count
as documented like any other.
"""

from __future__ import annotations

import importlib.util
import json
import re
from typing import Any

import pytest

from flaskgen.resources import schema_path
from tests.conftest import ROOT

DOC = ROOT / "docs" / "spec.md"
ROW = re.compile(r"^\| `([^`]+)` \|")
LATER = "<!-- schema: later -->"
SCHEMA = "flaskgen-spec-1.schema.json"


def _normalize(path: str) -> str:
    return re.sub(r"<[^>]+>", "<*>", path)


def documented_keys(text: str) -> tuple[set[str], set[str]]:
    """(keys the schema must have, keys it may still lack) from the doc's tables."""
    checked: set[str] = set()
    later: set[str] = set()
    marked = in_table = in_later = False
    for line in text.splitlines():
        if line.strip() == LATER:
            marked = True
            continue
        if line.startswith("|"):
            if not in_table:
                in_table, in_later, marked = True, marked, False
            match = ROW.match(line)
            if match:
                (later if in_later else checked).add(_normalize(match.group(1)))
        else:
            in_table = in_later = False
    return checked, later


def schema_keys(schema: dict[str, Any]) -> set[str]:
    """Every property path of the schema; a definition reached a second time is not
    walked again (blueprint routes have the keys of routes)."""
    defs = schema["$defs"]
    seen_refs: set[str] = set()
    out: set[str] = set()

    def walk(node: Any, path: tuple[str, ...]) -> None:
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if ref:
            if ref in seen_refs:
                return
            seen_refs.add(ref)
            walk(defs[ref.rsplit("/", 1)[1]], path)
        for key, sub in node.get("properties", {}).items():
            out.add(".".join((*path, key)))
            walk(sub, (*path, key))
        for sub in node.get("patternProperties", {}).values():
            out.add(".".join((*path, "<*>")))
            walk(sub, (*path, "<*>"))
        extra = node.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            out.add(".".join((*path, "<*>")))
            walk(extra, (*path, "<*>"))
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                walk(sub, path)
        if isinstance(node.get("items"), dict):
            walk(node["items"], path)

    walk(schema, ())
    return out


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(schema_path(SCHEMA).read_text(encoding="utf-8"))


def test_every_schema_property_is_documented(schema: dict[str, Any]) -> None:
    checked, later = documented_keys(DOC.read_text(encoding="utf-8"))
    missing = schema_keys(schema) - checked - later
    assert not missing, f"document these keys in docs/spec.md: {sorted(missing)}"


def test_every_documented_key_is_in_the_schema(schema: dict[str, Any]) -> None:
    checked, _ = documented_keys(DOC.read_text(encoding="utf-8"))
    unknown = checked - schema_keys(schema)
    assert not unknown, f"docs/spec.md documents keys the schema lacks: {sorted(unknown)}"


def test_the_contract_keys_still_to_come_are_documented() -> None:
    checked, later = documented_keys(DOC.read_text(encoding="utf-8"))
    for key in ("resources.<*>.model", "auth.model", "models.<*>.label", "routes.<*>.login_required",
                "blueprints.<*>.login_required", "routes.<*>.csrf", "blueprints.<*>.csrf"):
        assert key in later | checked


def test_key_extraction_follows_the_markers() -> None:
    text = "| key | type |\n| `a.b` | x |\n\n" + LATER + "\n| key | type |\n| `c.<n>` | y |\n\n| `d` | z |\n"
    assert documented_keys(text) == ({"a.b", "d"}, {"c.<*>"})


def test_schema_walk_sees_nested_and_shared_definitions() -> None:
    schema = {
        "$defs": {"r": {"properties": {"rule": {}}}},
        "properties": {
            "routes": {"additionalProperties": {"$ref": "#/$defs/r"}},
            "bp": {"additionalProperties": {"properties": {"routes": {"additionalProperties": {"$ref": "#/$defs/r"}}}}},
        },
    }
    assert schema_keys(schema) == {"routes", "routes.<*>", "routes.<*>.rule", "bp", "bp.<*>", "bp.<*>.routes", "bp.<*>.routes.<*>"}


def test_every_schema_property_has_a_description(schema: dict[str, Any]) -> None:
    missing = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, sub in node.get("properties", {}).items():
                if "description" not in sub:
                    missing.append(f"{path}.{key}".lstrip("."))
                walk(sub, f"{path}.{key}")
            for key, sub in node.items():
                if key != "properties":
                    walk(sub, path if key not in schema["$defs"] else f"${key}")
        elif isinstance(node, list):
            for sub in node:
                walk(sub, path)

    walk(schema, "")
    assert not missing, missing


def test_user_facing_text_does_not_point_at_the_contract_folder() -> None:
    places = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md"), *(ROOT / "schemas").glob("*.json")]
    places += [p for p in (ROOT / "flaskgen").rglob("*.py")]
    offenders = [str(p.relative_to(ROOT)) for p in places if re.search(r"\bshared/", p.read_text(encoding="utf-8"))]
    assert not offenders


def test_schema_annotations_follow_the_reference() -> None:
    spec = importlib.util.spec_from_file_location("schema_docs", ROOT / "scripts" / "schema_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert schema_path(SCHEMA).read_text(encoding="utf-8") == module.render(), (
        "run: python scripts/schema_docs.py"
    )
    schema = json.loads(module.render())
    assert schema["$defs"]["route"]["properties"]["methods"]["default"] == ["GET"]
    assert schema["$defs"]["upload"]["properties"]["field"]["default"] == "file"
    assert schema["properties"]["routes"]["examples"][0]["index"] == {"rule": "/", "template": "index.html"}
