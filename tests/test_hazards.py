"""The foreign-key cycle check: pruning to the tables that can lie on a cycle changes
nothing but the time it takes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flaskgen.core.spec.hazards import _cycle_from, _on_cycles

TABLES = [f"t{i}" for i in range(8)]
GRAPHS = st.dictionaries(
    st.sampled_from(TABLES), st.lists(st.sampled_from([*TABLES, "elsewhere"]), max_size=3, unique=True)
).map(lambda g: {table: sorted(set(refs) - {table}) for table, refs in g.items()})


@given(GRAPHS)
def test_only_tables_without_a_cycle_are_pruned(refers: dict[str, list[str]]) -> None:
    kept = _on_cycles(refers)
    for table in refers:
        if _cycle_from(table, refers) is not None:
            assert table in kept


def test_a_long_chain_is_pruned_entirely() -> None:
    chain = {f"t{i}": [f"t{i - 1}"] if i else [] for i in range(500)}
    assert _on_cycles(chain) == set()
    assert _on_cycles({**chain, "t0": ["t499"]}) == set(chain)
