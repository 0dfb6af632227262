"""Drawn spec shapes (tests/shapes.py): each is refused cleanly or generates a project
whose own tests, ruff, ruff format and mypy pass.

The fast tests check the generator (the same seed gives the same spec; it reaches every
shape it promises) and that drawn specs validate or are refused with file:line:col
messages. The slow test runs a fixed sample of generated projects through their gates
in the shared venv (``scripts/shapes.py`` runs thousands).
"""

from __future__ import annotations

import itertools
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from flaskgen.cli import main
from flaskgen.core.errors import SpecError
from flaskgen.smoke import Environment
from flaskgen.specfile import parse_spec
from tests.conftest import GenEnv
from tests.shapes import HOSTILE_CLASSES, HOSTILE_LOWER, KNOWN, TYPES, Shape, draw, known_classes
from tests.shapes_run import PROBLEM, run, summary

SEED = 20261206
SAMPLE = 40  # generated projects in the slow test


def test_a_seed_and_index_always_draw_the_same_spec() -> None:
    assert [draw(7, i).text for i in range(20)] == [draw(7, i).text for i in range(20)]
    assert len({draw(7, i).text for i in range(20)}) == 20


def _features(spec: dict[str, Any]) -> set[str]:
    """The shapes a spec has, in the words of the module docstring."""
    out: set[str] = set()
    models = spec.get("models") or {}
    tables = {b.get("table") or "": m for m, b in models.items()}
    for name, body in models.items():
        out.add("hostile model name" if name in HOSTILE_CLASSES else "plain model name")
        fks = []
        for cname, col in (body.get("columns") or {}).items():
            out.add(f"type {col['type']}")
            out |= {f"nullable {col['nullable']}"} if "nullable" in col else set()
            out |= {"default"} if "default" in col else set()
            out |= {"unique"} if col.get("unique") else set()
            out |= {f"length {col['length']}"} if col.get("length") in (1, 255) else set()
            out |= {f"{col['type']} primary key"} if col.get("primary_key") else set()
            out |= {"hostile column name"} if cname in HOSTILE_LOWER else set()
            if "foreign_key" in col:
                fks.append(col["foreign_key"].split(".")[0])
                out.add(
                    "required foreign key"
                    if col.get("nullable") is False
                    else "optional foreign key"
                )
        if len(fks) >= 2:
            out.add(
                "several foreign keys to one table"
                if len(set(fks)) < len(fks)
                else "foreign keys to several tables"
            )
        out |= (
            {"self-reference"}
            if name in {tables.get(t) for t in fks}
            or any(t == (body.get("table") or "") for t in fks)
            else set()
        )
        out |= (
            {"many-to-many"}
            if any("secondary" in r for r in (body.get("relationships") or {}).values())
            else set()
        )
    for resource in (spec.get("resources") or {}).values():
        out |= {f"resource {option}" for option in resource} | {
            f"resource list.{o}" for o in resource.get("list", {})
        }
    if "auth" in spec and any(
        r["model"] == spec["auth"]["model"] for r in (spec.get("resources") or {}).values()
    ):
        out.add("auth on a resource's model")
    out |= {"upload"} if spec.get("uploads") else set()
    return out


def test_the_generator_reaches_every_promised_shape() -> None:
    seen: Counter[str] = Counter()
    for i in range(400):
        seen.update(_features(draw(SEED, i).spec))
    promised = {
        *(f"type {t}" for t in TYPES),
        *(f"{t} primary key" for t in ("integer", "big_integer", "string", "uuid")),
        "nullable True", "nullable False", "default", "unique", "length 1", "length 255",
        "required foreign key", "optional foreign key", "several foreign keys to one table",
        "foreign keys to several tables", "self-reference", "many-to-many",
        *(f"resource {o}" for o in ("url_prefix", "api_prefix", "html", "api", "list", "form", "login_required")),
        *(f"resource list.{o}" for o in ("columns", "per_page", "order_by", "search")),
        "auth on a resource's model", "upload", "hostile model name", "plain model name", "hostile column name",
    }  # fmt: skip
    assert promised - set(seen) == set()


def test_known_classes_draw_around() -> None:
    """``avoid_known`` leaves out every known class's shape (when a class is fixed, its
    entry in KNOWN goes and the shape is drawn again); with none known it draws as
    ``draw`` does."""
    assert not [i for i in range(100) if known_classes(draw(SEED, i, avoid_known=True).spec)]
    if not KNOWN:
        assert [draw(SEED, i, avoid_known=True).text for i in range(20)] == [draw(SEED, i).text for i in range(20)]


def test_drawn_specs_validate_or_are_refused_with_positions(tmp_path: Path) -> None:
    """Fast: ``flaskgen validate`` accepts a drawn spec or refuses it with exit 2 and
    ``spec.yaml:LINE:COL: path: message`` lines; both outcomes happen."""
    results: Counter[int] = Counter()
    spec = tmp_path / "spec.yaml"
    for i in range(150):
        spec.write_text(draw(SEED, i).text, encoding="utf-8")
        result = CliRunner().invoke(main, ["validate", str(spec)])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            i,
            result.exception,
        )
        results[result.exit_code] += 1
        if result.exit_code:
            *problems, last = result.stderr.replace(str(spec), "spec.yaml").strip().splitlines()
            assert result.exit_code == 2 and problems, (i, result.stderr)
            assert [p for p in problems if not PROBLEM.match(p)] == [], (i, result.stderr)
            assert re.fullmatch(r"\d+ problems? found; nothing was written\.", last), (i, last)
    # Both outcomes are common (the generator's yield: about one drawn spec in seven
    # validates now that validation refuses every name a generated module uses).
    assert results[0] >= 15 and results[2] >= 30 and set(results) == {0, 2}


@pytest.mark.slow
def test_a_fixed_sample_of_shapes_passes_its_gates(gen_env: GenEnv) -> None:
    """40 generated projects (and the specs refused on the way) through pytest, ruff,
    ruff format and mypy, two at a time in the shared venv: every one passes."""
    started = time.monotonic()
    outcomes = run(_generated_sample(SEED, SAMPLE), Environment(gen_env.root), jobs=2)
    report = summary(outcomes, time.monotonic() - started)
    failures = [o for o in outcomes if o.result not in ("passed", "refused")]
    assert sum(o.result != "refused" for o in outcomes) == SAMPLE, report
    assert failures == [], report


def _generated_sample(seed: int, count: int) -> Iterator[Shape]:
    """Shapes of ``seed`` from index 0 until ``count`` of them validate (the refused
    ones on the way are checked too)."""
    taken = 0
    for index in itertools.count():
        shape = draw(seed, index)
        yield shape
        try:
            parse_spec(shape.text)
        except SpecError:
            continue
        taken += 1
        if taken == count:
            return
