"""``flaskgen init``: a starter spec from a cookiecutter template.

cookiecutter is good at prompting and at fetching a team's own skeleton, so ``init``
uses it; ``new`` and ``regen`` never import it (it costs ~0.2 s to import).
"""

from __future__ import annotations

from pathlib import Path

from flaskgen.core.errors import FlaskgenError, TargetError
from flaskgen.core.spec import SCHEMA_FILE
from flaskgen.resources import schema_path, templates_dir
from flaskgen.specfile import read_spec

MODELINE_PREFIX = "# yaml-language-server: $schema="


def _answers(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise FlaskgenError(f"expected KEY=VALUE, got {pair!r}")
        out[key] = value
    return out


def create_starter(template: str | None, output: Path, *, no_input: bool, answers: tuple[str, ...]) -> Path:
    """Run the template and return the path of the spec it made (validated)."""
    try:
        from cookiecutter.exceptions import CookiecutterException
        from cookiecutter.main import cookiecutter
    except ImportError:
        raise FlaskgenError("flaskgen init needs cookiecutter: pip install 'flaskgen[init]'") from None
    source = template or str(templates_dir() / "init")
    try:
        created = Path(cookiecutter(source, output_dir=str(output), no_input=no_input, extra_context=_answers(answers)))
    except CookiecutterException as exc:
        raise TargetError(f"could not create the starter: {exc}") from None
    spec = created / "spec.yaml"
    if not spec.is_file():
        found = sorted(created.glob("*.y*ml"))
        if not found:
            raise TargetError(f"the template made {created} but no spec.yaml in it")
        spec = found[0]
    read_spec(spec)  # a template that makes an invalid spec is reported like any other
    add_schema_modeline(spec)
    return spec


def add_schema_modeline(spec: Path) -> None:
    """Put the JSON Schema beside the spec and point editors at it with the
    ``# yaml-language-server: $schema=`` line, so they complete and explain keys."""
    text = spec.read_text(encoding="utf-8")
    if MODELINE_PREFIX in text:
        return
    (spec.parent / SCHEMA_FILE).write_text(schema_path(SCHEMA_FILE).read_text(encoding="utf-8"), encoding="utf-8")
    spec.write_text(f"{MODELINE_PREFIX}./{SCHEMA_FILE}\n{text}", encoding="utf-8")
