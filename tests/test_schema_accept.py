"""The generated accept-check (``flaskgen/core/spec/schema_accept.py``) is current, is
taken for every example, and never accepts a spec that jsonschema would refuse."""

from __future__ import annotations

import ast
import copy
import importlib.util
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flaskgen.core.errors import SpecError
from flaskgen.core.spec import schema_accept
from flaskgen.core.spec.loader import LoadedSpec, load_spec_text
from flaskgen.core.spec.schema import MAX_NAME_LENGTH, _check_with_jsonschema, check_shape
from flaskgen.specfile import schema_text
from tests import test_hostile_specs, test_invalid_specs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml")) + sorted((ROOT / "tests" / "data").glob("*.yaml"))
SCHEMA_TEXT = schema_text()


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("compile_schema", ROOT / "scripts" / "compile_schema.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_module_is_what_the_script_generates_now() -> None:
    module_file = ROOT / "flaskgen" / "core" / "spec" / "schema_accept.py"
    assert module_file.read_text(encoding="utf-8") == _script().render(), "run: python scripts/compile_schema.py"


def test_the_generated_module_imports_only_re() -> None:
    tree = ast.parse((ROOT / "flaskgen" / "core" / "spec" / "schema_accept.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"__future__", "re"}


def _jsonschema_accepts(loaded: LoadedSpec) -> bool:
    """What today's jsonschema path says (on a copy: it may rewrite numbers as text)."""
    problems, _ = _check_with_jsonschema(copy.deepcopy(loaded), SCHEMA_TEXT)
    return not problems


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_takes_the_fast_path(path: Path) -> None:
    loaded = load_spec_text(path.read_text(encoding="utf-8"), path.name)
    assert schema_accept.accepts(loaded.data)
    assert _jsonschema_accepts(loaded)
    assert check_shape(loaded, SCHEMA_TEXT) == ([], set())


def test_another_schema_text_takes_the_slow_path() -> None:
    loaded = load_spec_text("flaskgen: 1\nproject: {name: X, package: xapp}\n")
    stricter = SCHEMA_TEXT.replace('"required": [', '"required": ["routes", ', 1)
    problems, _ = check_shape(loaded, stricter)
    assert [p.message for p in problems] == ["missing required key 'routes'"]


def _corpus_texts() -> Iterator[str]:
    """Every spec the examples and the refused/accepted-spec tests use."""
    for path in EXAMPLES:
        yield path.read_text(encoding="utf-8")
    header = test_hostile_specs.HEADER
    for _cls, _name, text, _lines in test_hostile_specs.TABLE:
        yield text if text.startswith("flaskgen:") else header + text
    yield from (header + text for text in test_hostile_specs.ACCEPTED.values())
    yield from (test_invalid_specs.HEADER + text for text, _ in test_invalid_specs.CASES.values())
    yield from (text for text, _ in test_invalid_specs.WHOLE_SPECS.values())


def _loaded_corpus() -> list[LoadedSpec]:
    loaded = []
    for text in _corpus_texts():
        try:
            loaded.append(load_spec_text(text))
        except SpecError:  # refused while reading: never reaches the shape check
            continue
    return loaded


def test_fast_accept_implies_jsonschema_accepts_on_the_corpus() -> None:
    corpus = _loaded_corpus()
    outcomes = Counter((schema_accept.accepts(spec.data), _jsonschema_accepts(spec)) for spec in corpus)
    assert not outcomes[(True, False)], outcomes
    assert outcomes[(True, True)] >= len(EXAMPLES) and outcomes[(False, False)] > 50, outcomes


# -- deterministic mutation fuzz of the examples' data ------------------------------------

JUNK: list[Any] = [
    None, True, False, 0, 1, -1, 200, 200.0, 1.5, "", "x", "X", "1", "true", "a\n", "/a\n",
    "a" * (MAX_NAME_LENGTH + 1), "a" * MAX_NAME_LENGTH, [], [1], ["x", "x"], {}, {"x": 1},
    {"bogus": [1, {"y": True}]}, {"DEBUG": True}, [{"rule": "/x"}], "Foo", "foo_bar", "/x",
]


def _junk(rng: random.Random) -> Any:
    """A fresh copy of a junk value: mutants mutate in place, so sharing one JUNK list or
    dict between mutants (or twice in one) would change JUNK itself, even into a cycle."""
    return copy.deepcopy(rng.choice(JUNK))


def _nodes(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) in ``data``, the root included."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _nodes(value, (*path, index))


def _near(value: Any, rng: random.Random) -> Any:
    """A value close to ``value``: the same kind of thing, slightly wrong (or right)."""
    if isinstance(value, bool):
        return rng.choice([int(value), not value, str(value).lower()])
    if isinstance(value, int):
        return rng.choice([float(value), value == 1, value + 1, -value, str(value), 10**6])
    if isinstance(value, str):
        long = (value * (MAX_NAME_LENGTH // max(len(value), 1) + 1))[: MAX_NAME_LENGTH + rng.choice([0, 1])]
        return rng.choice([value + "\n", value.upper(), value.lower(), long, value + "-x", "", value[1:], 3.10])
    if isinstance(value, list):
        return rng.choice([[], value + value[:1], value[::-1], [*value, _junk(rng)]])
    return _junk(rng)


def _mutate_mapping(mapping: dict[str, Any], rng: random.Random) -> None:
    """Add, drop or rename a key."""
    keys = sorted(mapping)
    action = rng.choice(["add", "drop", "rename"] if keys else ["add"])
    if action == "add":
        mapping[rng.choice(["bogus", "DEBUG", "a\n", "Rule", "x" * (MAX_NAME_LENGTH + 1), *keys[:3]]) + rng.choice(["", "s"])] = _junk(rng)
    else:
        key = rng.choice(keys)
        value = mapping.pop(key)
        if action == "rename":
            mapping[rng.choice([key + "\n", key.upper(), key + "_x", key[:-1] or "k"])] = value


def _mutant(data: Any, rng: random.Random) -> Any:
    """``data`` with one to three random mutations."""
    data = copy.deepcopy(data)
    for _ in range(rng.choice([1, 1, 2, 3])):
        nodes = list(_nodes(data))
        path, value = rng.choice(nodes)
        if isinstance(value, dict) and rng.random() < 0.5:
            _mutate_mapping(value, rng)
            continue
        new = _near(value, rng) if rng.random() < 0.6 else _junk(rng)
        if not path:
            return new
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = new
    return data


MUTANTS_PER_EXAMPLE = 500


def test_fast_accept_implies_jsonschema_accepts_on_mutants() -> None:
    rng = random.Random(15)
    outcomes: Counter[tuple[bool, bool]] = Counter()
    for path in EXAMPLES:
        loaded = load_spec_text(path.read_text(encoding="utf-8"), path.name)
        for _ in range(MUTANTS_PER_EXAMPLE):
            mutant = LoadedSpec(_mutant(loaded.data, rng), path.name)
            fast = schema_accept.accepts(mutant.data)
            outcomes[fast, _jsonschema_accepts(mutant)] += 1
            assert not (fast and not _jsonschema_accepts(mutant)), mutant.data
    total = sum(outcomes.values())
    agree = outcomes[(True, True)] + outcomes[(False, False)]
    print(f"\n{total} mutants: both accept {outcomes[True, True]}, both refuse {outcomes[False, False]}, only jsonschema accepts {outcomes[False, True]} ({agree / total:.1%} agree)")
    # Enough of both kinds for the implication to mean something.
    assert outcomes[(True, True)] > total // 10 and outcomes[(False, False)] > total // 2, outcomes


HEADER = "flaskgen: 1\nproject: {name: X, package: xapp}\n"
REFUSED = {
    "const 1 is not true": HEADER.replace("flaskgen: 1", "flaskgen: true"),
    "const 1 is not text": HEADER.replace("flaskgen: 1", "flaskgen: '1'"),
    "const true is not 1": HEADER + "routes:\n  a: {rule: /a, json: 1}\n",
    "an integer is not 200.0": HEADER + "routes:\n  a: {rule: /a, text: x, status: 200.0}\n",
    "an integer is not a bool": HEADER + "routes:\n  a: {rule: /a, text: x, status: true}\n",
    "$ does not allow a trailing newline": HEADER.replace("package: xapp", 'package: "xapp\\n"'),
    "anchored patterns cap the length": HEADER.replace("package: xapp", "package: " + "x" * (MAX_NAME_LENGTH + 1)),
    "unknown key": HEADER + "routs: {}\n",
    "python: 3.10 is read as text by the slow path": HEADER.replace("package: xapp", "package: xapp, python: 3.10"),
}


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED)
def test_the_fast_path_refuses(text: str) -> None:
    loaded = load_spec_text(text)
    assert not schema_accept.accepts(loaded.data)
    problems, _ = check_shape(loaded, SCHEMA_TEXT)
    assert problems or "python: 3.10" in text  # jsonschema refuses too (3.10 is read as text)


def test_a_name_at_the_length_cap_is_accepted() -> None:
    text = HEADER.replace("package: xapp", "package: " + "x" * MAX_NAME_LENGTH)
    assert schema_accept.accepts(load_spec_text(text).data)


def test_ref_siblings_keep_their_draft_2020_12_meaning() -> None:
    prepared = _script().prepare({"$ref": "#/$defs/a", "minLength": 2, "description": "shown by editors"})
    assert prepared == {"allOf": [{"$ref": "#/$defs/a"}, {"minLength": 2}]}


def test_a_property_named_like_an_annotation_is_kept() -> None:
    prepared = _script().prepare({"properties": {"examples": {"type": "object", "default": {}}}})
    assert prepared == {"properties": {"examples": {"type": "object"}}}


def test_a_keyword_the_generator_does_not_know_stops_the_script() -> None:
    with pytest.raises(SystemExit, match="dependentRequired"):
        _script().prepare({"dependentRequired": {"a": ["b"]}})
