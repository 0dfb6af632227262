"""The YAML loader's two composers: libyaml's (C) for ordinary specs, PyYAML's (Python)
for anything libyaml rejects or anything nested up to the depth limit. Both must give
the same data, positions and problems; the C composer must never recurse unbounded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from flaskgen.core.errors import SpecError
from flaskgen.core.spec import loader
from flaskgen.core.spec.loader import MAX_DEPTH, LoadedSpec, load_spec_text

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))
needs_libyaml = pytest.mark.skipif(loader._CParser is None, reason="PyYAML without libyaml")

# Specs that exercise what the builder refuses or remembers, beside the examples.
EDGE_CASES = {
    "numbers": "a: 3.10\nb: 0x1F\nc: 0o17\nd: -7\ne: 1e3\nf: '12'\ng: 1:30\n",
    "yaml 1.1 words stay text": "on: yes\nno: off\ny: n\n",
    "nulls and bools": "a: ~\nb: null\nc:\nd: True\ne: FALSE\nf: [true, false, null]\n",
    "aliases": "a: &x {k: [1, 2]}\nb: *x\nc: [*x, *x]\n",
    "recursive alias": "a: &x [1, *x]\n",
    "duplicate keys": "a: 1\nb: 2\na: 3\n",
    "bad keys": "? [a]\n: 1\n!!merge <<: {b: 2}\n\"c\\td\": 3\n\"e\\x01\": 4\n",
    "tags": "a: !!binary aGk=\nb: !custom x\nc: !!set {x}\nd: !!str 12\ne: ! 12\n",
    "control text": 'a: "x\\x1by"\nb: "\\x85"\n',
    "too big numbers": "a: 123456789012345678901234567890\nb: 1e400\nc: .inf\nd: .nan\n",
    "block scalars": "a: |\n  line one\n  line two\nb: >-\n  folded\n  text\n",
    "unicode": "ключ: значение\n名前: [日本, 語]\nemoji: \"\U0001f600\"\n",
    "flow and block": "a:\n- {b: [c, {d: e}]}\n- - f\n  - g\n",
}


def _deep_list(depth: int) -> str:
    """A document ``depth`` levels deep: a mapping, then lists, then a scalar."""
    return "a: " + "[" * (depth - 2) + "1" + "]" * (depth - 2) + "\n"


def _deep_block(depth: int) -> str:
    """Block mappings ``depth`` levels deep (the last level a scalar)."""
    return "".join("  " * i + f"k{i}:\n" for i in range(depth - 2)) + "  " * (depth - 2) + "k: v\n"


def _paths(data: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every path into ``data``, and one beside each that does not exist."""
    out = [path, (*path, "missing")]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*path, i))
        out.append((*path, len(data)))
    return out


def _depth(data: Any) -> int:
    children = data.values() if isinstance(data, dict) else data if isinstance(data, list) else ()
    return 1 + max((_depth(child) for child in children), default=0)


def _snapshot(spec: LoadedSpec) -> tuple[Any, ...]:
    paths = _paths(spec.data) + sorted(spec.bad, key=str)
    positions = [(p, spec.pos(p), spec.pos(p, key=True)) for p in paths]
    return (spec.data, positions, spec.number_text, spec.problems, spec.bad)


def _load_python(text: str, monkeypatch: pytest.MonkeyPatch) -> LoadedSpec:
    with monkeypatch.context() as patch:
        patch.setattr(loader, "_CParser", None)
        return load_spec_text(text)


def _load_c_only(text: str, monkeypatch: pytest.MonkeyPatch) -> LoadedSpec:
    """Load with the Python composer unavailable, so a fallback fails the test."""

    def refuse(_text: str) -> None:
        raise AssertionError("the Python composer was used")

    with monkeypatch.context() as patch:
        patch.setattr(loader, "_Loader", refuse)
        return load_spec_text(text)


def _error(text: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec_text(text)
    return [p.format() for p in info.value.problems]


@needs_libyaml
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_are_composed_by_libyaml_alone(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text(encoding="utf-8")
    assert _snapshot(_load_c_only(text, monkeypatch)) == _snapshot(_load_python(text, monkeypatch))


@needs_libyaml
@pytest.mark.parametrize("text", EDGE_CASES.values(), ids=EDGE_CASES)
def test_both_composers_give_the_same_data_positions_and_problems(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _load_c_only(text, monkeypatch)
    assert _snapshot(fast) == _snapshot(_load_python(text, monkeypatch))


def test_edge_cases_hold_what_the_loader_promises() -> None:
    numbers = load_spec_text(EDGE_CASES["numbers"])
    assert numbers.data == {"a": 3.1, "b": 31, "c": 15, "d": -7, "e": 1000.0, "f": "12", "g": "1:30"}
    assert numbers.number_text[("a",)] == "3.10"
    words = load_spec_text(EDGE_CASES["yaml 1.1 words stay text"]).data
    assert words == {"on": "yes", "no": "off", "y": "n"}
    keys = load_spec_text(EDGE_CASES["bad keys"])
    assert [p.message for p in keys.problems] == [
        "a key must be plain text, not a list or mapping",
        "merge keys ('<<') are not supported; repeat the keys",
        "a key must not contain the control character U+0009",
        "a key must not contain the control character U+0001",
    ]
    duplicate = load_spec_text(EDGE_CASES["duplicate keys"])
    assert [p.format() for p in duplicate.problems] == ["spec.yaml:3:1: a: duplicate key 'a' (first defined at line 1)"]
    assert duplicate.pos(("b",), key=True) == (2, 1) and duplicate.pos(("b",)) == (2, 4)
    assert duplicate.pos(("a",)) == (1, 4)  # the first of the duplicates
    assert duplicate.pos(("b", "c", 0)) == (2, 4)  # the nearest ancestor
    recursive = load_spec_text(EDGE_CASES["recursive alias"])
    assert recursive.pos(("a", 1)) == recursive.pos(("a", 1, 0)) == (1, 4)  # the alias's node


@needs_libyaml
@pytest.mark.parametrize("depth", [MAX_DEPTH - 2, MAX_DEPTH - 1])
@pytest.mark.parametrize("make", [_deep_list, _deep_block], ids=["flow", "block"])
def test_specs_below_the_limit_stay_on_the_fast_path(depth: int, make: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    text = make(depth)
    assert _snapshot(_load_c_only(text, monkeypatch)) == _snapshot(_load_python(text, monkeypatch))


@pytest.mark.parametrize("make", [_deep_list, _deep_block], ids=["flow", "block"])
def test_a_spec_exactly_at_the_limit_is_accepted(make: Any) -> None:
    spec = load_spec_text(make(MAX_DEPTH))
    assert _depth(spec.data) == MAX_DEPTH


@pytest.mark.parametrize("make", [_deep_list, _deep_block], ids=["flow", "block"])
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 200_000])
def test_deeper_specs_get_the_python_composers_error(make: Any, depth: int, monkeypatch: pytest.MonkeyPatch) -> None:
    if make is _deep_block and depth > 1000:
        pytest.skip("a block spec that deep is larger than any spec flaskgen reads")
    text = make(depth)
    with monkeypatch.context() as patch:
        patch.setattr(loader, "_CParser", None)
        reference = _error(text)
    assert reference[0].endswith(f": the spec is nested deeper than {MAX_DEPTH} levels")
    assert _error(text) == reference


@needs_libyaml
@pytest.mark.parametrize("text", ["a: " + "[" * 200_000, _deep_list(MAX_DEPTH + 10), _deep_block(MAX_DEPTH + 10)], ids=["flow-huge", "flow", "block"])
def test_the_c_composer_never_recurses_past_the_limit(text: str) -> None:
    """The fast path gives up on a spec deeper than the limit before composing past it,
    whichever stops it first: the depth hook, or libyaml's own nesting limit (PyYAML 6.0.4's
    bundled libyaml refuses deep flow collections in its scanner). Either way the Python
    composer then decides, and its error is the one users see."""
    deepest = 0

    class Recording(loader._FastLoader):  # type: ignore[misc, name-defined]
        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            nonlocal deepest
            deepest = max(deepest, self.depth + 1)
            super().descend_resolver(current_node, current_index)

    fast = Recording(text)
    try:
        with pytest.raises((loader._NearLimit, yaml.YAMLError)):
            fast.get_single_node()
    finally:
        fast.dispose()
    assert deepest <= MAX_DEPTH
    (message,) = _error(text)
    assert message.endswith(f": the spec is nested deeper than {MAX_DEPTH} levels")


def test_aliases_cannot_nest_past_the_limit() -> None:
    chain = "".join(f"a{i}: &a{i} " + "[" * 30 + (f"*a{i - 1}" if i else "1") + "]" * 30 + "\n" for i in range(40))
    # a2's 30 lists hold a1's, which hold a0's: the 4th list of a0 is the 65th level.
    assert _error(chain) == [f"spec.yaml:1:12: the spec is nested deeper than {MAX_DEPTH} levels once aliases are expanded"]
    shallow = "a: &a [[1]]\nb: [*a, [*a]]\n"
    assert load_spec_text(shallow).data == {"a": [[1]], "b": [[[1]], [[[1]]]]}
