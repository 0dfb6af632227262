"""The order tables are created in: referenced tables first, in rounds, by name."""

from __future__ import annotations

import random

import pytest

from flaskgen.core.migrate.diff import ForeignKey, Schema, Table, _dependency_order


def _table(name: str, refs: list[str]) -> Table:
    fks = tuple(ForeignKey(f"{ref}_id", ref, "id", None, f"fk_{name}_{ref}") for ref in refs)
    return Table(name, (), ("id",), (), fks, ())


def _by_rounds(tables: list[Table]) -> Schema:
    """The definition, literally: each round scans every table left."""
    remaining = {t.name: t for t in sorted(tables, key=lambda t: t.name)}
    ordered: list[Table] = []
    while remaining:
        ready = [
            t for t in remaining.values()
            if all(fk.ref_table not in remaining or fk.ref_table == t.name for fk in t.foreign_keys)
        ]  # fmt: skip
        for table in ready or [next(iter(remaining.values()))]:
            ordered.append(remaining.pop(table.name))
    return tuple(ordered)


def test_a_chain_is_created_from_its_root() -> None:
    tables = [_table(f"t{i:03}", [f"t{i - 1:03}"] if i else []) for i in range(200)]
    random.Random(1).shuffle(tables)
    assert [t.name for t in _dependency_order(tables)] == [f"t{i:03}" for i in range(200)]


def test_each_round_is_by_name_and_waits_for_the_previous() -> None:
    tables = [_table("b", []), _table("a", ["c"]), _table("c", []), _table("d", ["a", "b"])]
    assert [t.name for t in _dependency_order(tables)] == ["b", "c", "a", "d"]


def test_a_round_stuck_on_a_cycle_takes_the_first_table_left_by_name() -> None:
    tables = [_table("x", ["y"]), _table("y", ["x"]), _table("z", ["z"]), _table("w", ["y", "outside"])]
    assert [t.name for t in _dependency_order(tables)] == ["z", "w", "x", "y"]


@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_follow_the_definition(seed: int) -> None:
    rng = random.Random(seed)
    names = [f"t{i}" for i in range(rng.randint(1, 30))]
    pool = [*names, "elsewhere"]
    tables = [_table(n, rng.sample(pool, min(rng.randint(0, 3), len(pool)))) for n in names]
    assert _dependency_order(tables) == _by_rounds(tables)
