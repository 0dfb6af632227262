#!/usr/bin/env python3
"""Copy each key's meaning and default from docs/spec.md into the JSON Schema.

docs/spec.md is written once; the schema's ``description``/``default`` annotations
(what editors show through yaml-language-server) are derived from it:

    python scripts/schema_docs.py          # rewrite schemas/flaskgen-spec-1.schema.json
    python scripts/schema_docs.py --check  # exit 1 if the schema is out of date

Annotations never change what the schema accepts, so validation stays as it was.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "spec.md"
SCHEMA = ROOT / "schemas" / "flaskgen-spec-1.schema.json"
ROW = re.compile(r"^\| `([^`]+)` \| (.*?) \| (.*?) \| (.*) \|$")
WIDTH = 110


def doc_rows(text: str) -> dict[str, tuple[str, str, str]]:
    """``{normalized key: (type, default, meaning)}`` from the doc's key tables."""
    rows = {}
    for line in text.splitlines():
        match = ROW.match(line)
        if match and match.group(1) != "key":
            key = re.sub(r"<[^>]+>", "<*>", match.group(1))
            rows[key] = (match.group(2), match.group(3), match.group(4))
    return rows


def plain(markdown: str) -> str:
    """Doc text without Markdown links, emphasis and the (flaskgen) marker."""
    text = re.sub(r"\*\(flaskgen\)\* ", "", markdown)
    text = re.sub(r"\(\[([^]]+)\]\(#[^)]+\)\)", r"(see \1)", text)
    text = re.sub(r"\[([^]]+)\]\(#[^)]+\)", r"\1", text)
    return text.replace("\\|", "|")


def literal_default(cell: str) -> tuple[bool, Any]:
    """A default cell that is one literal (`` `true` ``, `` `[GET]` ``, ``20``)."""
    match = re.fullmatch(r"`([^`]+)`|(\d+)", cell)
    if not match:
        return False, None
    value = yaml.safe_load(match.group(1) or match.group(2))
    return isinstance(value, (bool, int, str, list)), value


def properties(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(normalized key path, property schema) for every property, walking each
    definition once, as the reference documents it."""
    defs = schema["$defs"]
    seen: set[str] = set()

    def walk(node: Any, path: tuple[str, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if ref and ref not in seen:
            seen.add(ref)
            yield from walk(defs[ref.rsplit("/", 1)[1]], path)
        for key, sub in node.get("properties", {}).items():
            yield ".".join((*path, key)), sub
            yield from walk(sub, (*path, key))
        for sub in node.get("patternProperties", {}).values():
            yield ".".join((*path, "<*>")), sub
            yield from walk(sub, (*path, "<*>"))
        extra = node.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            yield ".".join((*path, "<*>")), extra
            yield from walk(extra, (*path, "<*>"))
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                yield from walk(sub, path)
        if isinstance(node.get("items"), dict):
            yield from walk(node["items"], path)

    yield from walk(schema, ())


def annotate(schema: dict[str, Any], doc_text: str) -> dict[str, Any]:
    """The schema with every documented property's description (and literal default)."""
    rows = doc_rows(doc_text)
    for key, node in properties(schema):
        if key not in rows:
            continue
        _type, default, meaning = rows[key]
        node["description"] = plain(meaning)
        has_default, value = literal_default(default)
        if has_default:
            node["default"] = value
    for key, value in examples(doc_text).items():
        if key in schema["properties"]:
            schema["properties"][key]["examples"] = [value]
    return schema


def examples(doc_text: str) -> dict[str, Any]:
    """Top-level key -> its example from the doc's YAML blocks (a section's own block
    comes after the overview, so it wins)."""
    out: dict[str, Any] = {}
    for block in re.findall(r"```yaml\n(.*?)```", doc_text, re.S):
        data = yaml.safe_load(block)
        if isinstance(data, dict):
            out.update(data)
    return out


def dumps(value: Any, indent: int = 0) -> str:
    """JSON with short objects and lists on one line, as the file is written by hand."""
    flat = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if indent + len(flat) <= WIDTH or not isinstance(value, (dict, list)) or not value:
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(str(k))}: {dumps(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{pad}{dumps(v, indent + 2)}" for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def render() -> str:
    """The schema file's text with annotations from the doc."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return dumps(annotate(schema, DOC.read_text(encoding="utf-8"))) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if SCHEMA.read_text(encoding="utf-8") != text:
            print("schemas/: out of date with docs/spec.md; run python scripts/schema_docs.py", file=sys.stderr)
            return 1
        return 0
    SCHEMA.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
