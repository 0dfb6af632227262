"""The ``flaskgen`` command: the only module that prints or exits."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from flaskgen import __version__
from flaskgen.errors import FlaskgenError, SpecError, printable

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn a FlaskgenError into its message on stderr and its exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FlaskgenError as exc:
            click.echo(_shown(exc.format()), err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            # The reader of our output went away (``flaskgen ... | head``): nothing to say.
            sys.stderr.close()
            sys.exit(1)
        except OSError as exc:
            click.echo(_shown(f"error: {exc}"), err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _shown(text: str) -> str:
    """``text`` safe for a terminal: control characters and escape sequences escaped."""
    return "\n".join(printable(line) for line in text.split("\n"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flaskgen")
def main() -> None:
    """Generate and regenerate Flask 3 projects from one YAML spec.

    \b
    flaskgen new spec.yaml -o app        create a project
    flaskgen regen spec.yaml -o app      bring it up to date with the spec
    flaskgen validate spec.yaml          check a spec, write nothing
    flaskgen schema                      print the spec's JSON Schema
    flaskgen smoke spec.yaml ...         generate, install, test and serve each spec

    The spec format, key by key: docs/spec.md (`flaskgen reference` prints it).
    """


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True, help="The project folder to create.")
@click.option("--force", is_flag=True, help="Write into a non-empty folder (changed files are backed up first).")
@click.option("--templates", type=click.Path(file_okay=False, exists=True, path_type=Path), multiple=True, help="A folder of templates that shadow the built-in ones.")
@reports_errors
def new(spec: Path, output: Path, force: bool, templates: tuple[Path, ...]) -> None:
    """Create a Flask project in OUTPUT from the SPEC file."""
    from flaskgen.project import create_project

    results = create_project(spec, output, force=force, templates=templates)
    for result in results:
        click.echo(result.format())
    click.echo(f"{len(results)} files written to {output}")


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True, help="The generated project.")
@click.option("--dry-run", is_flag=True, help="Show the plan and unified diffs; write nothing.")
@click.option("--check", is_flag=True, help="Exit 1 if the project is out of date with the spec; write nothing.")
@click.option("--allow-dirty", is_flag=True, help="Run in a git work tree with uncommitted changes (backs up every file it changes).")
@click.option("--templates", type=click.Path(file_okay=False, exists=True, path_type=Path), multiple=True, help="Template folders to render with from now on (default: those the project was made with).")
@reports_errors
def regen(spec: Path | None, output: Path, dry_run: bool, check: bool, allow_dirty: bool, templates: tuple[Path, ...]) -> None:
    """Re-render the project in OUTPUT from SPEC and merge it into your edits.

    Without SPEC, the spec the project was generated from is used.
    """
    from flaskgen.regen import regen as run_regen

    report = run_regen(output, spec, dry_run=dry_run, check=check, allow_dirty=allow_dirty, templates=templates or None)
    if report.resumed:
        click.echo("finishing an interrupted regen")
    for relpath in report.cleaned:
        click.echo(f"removed   {relpath}  (left by an interrupted run)")
    for result in report.results:
        click.echo(result.format())
    for diff in report.diffs:
        click.echo(diff, nl=False)
    if report.backup:
        click.echo(f"changed files backed up in {report.backup}/")
    if check:
        if report.pending:
            click.echo("an interrupted regen is pending: run 'flaskgen regen' to finish it", err=True)
            sys.exit(1)
        if report.changes:
            click.echo("out of date: run 'flaskgen regen' to update the project", err=True)
            sys.exit(1)
        click.echo("up to date")
        return
    written = sum(1 for s in report.steps if s.writes)
    if not written:
        click.echo("nothing to do: the project is up to date" + (" (recorded the new spec)" if report.state_changed and not dry_run else ""))
    elif dry_run:
        click.echo(f"dry run: {written} file(s) would change; nothing was written")
    else:
        click.echo(f"{written} file(s) changed")
    if report.conflicts:
        verb = "would conflict" if dry_run else "have conflicts; resolve them, then run 'flaskgen regen' again"
        click.echo(f"{len(report.conflicts)} file(s) {verb}:", err=True)
        for relpath in report.conflicts:
            click.echo(f"  {relpath}", err=True)
        if not dry_run:
            sys.exit(1)


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reports_errors
def validate(spec: Path, fmt: str) -> None:
    """Check SPEC and report every problem; writes nothing."""
    from flaskgen.spec import read_spec

    try:
        read_spec(spec)
    except SpecError as exc:
        if fmt == "json":
            click.echo(json.dumps({"valid": False, "problems": [p.as_dict() for p in exc.problems]}, indent=2))
        else:
            click.echo(_shown(exc.format()), err=True)
        sys.exit(exc.exit_code)
    if fmt == "json":
        click.echo(json.dumps({"valid": True, "problems": []}, indent=2))
    else:
        click.echo(_shown(f"{spec}: valid"))


@main.command()
def schema() -> None:
    """Print the JSON Schema of the spec format."""
    from flaskgen.resources import schema_path
    from flaskgen.spec.schema import SCHEMA_FILE

    click.echo(schema_path(SCHEMA_FILE).read_text(encoding="utf-8"), nl=False)


@main.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--venv",
    "venv_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Install into this virtual environment (created if missing; kept) instead of a temporary one.",
)
@reports_errors
def smoke(specs: tuple[Path, ...], venv_dir: Path | None) -> None:
    """Generate each SPEC, install it, run its tests and ruff, serve it under gunicorn
    on 127.0.0.1 and GET every route without URL variables; exit 1 on any failure."""
    from flaskgen.smoke import smoke as run_smoke
    from flaskgen.smoke import table

    def progress(check: Any) -> None:
        click.echo(f"{'ok  ' if check.ok else 'FAIL'}  {check.spec}: {check.step}", err=True)

    checks = run_smoke(list(specs), venv_dir, progress)
    click.echo(table(checks))
    failed = sum(not c.ok for c in checks)
    click.echo(f"{len(checks) - failed} passed, {failed} failed")
    if failed:
        sys.exit(1)


@main.command()
def reference() -> None:
    """Print the spec reference (docs/spec.md): every key, its type, default and meaning."""
    from flaskgen.resources import reference_path

    click.echo(reference_path().read_text(encoding="utf-8"), nl=False)


@main.command()
@click.argument("template", required=False)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True, help="Where to create the spec's folder.")
@click.option("--no-input", is_flag=True, help="Take every default instead of prompting.")
@click.argument("extra", nargs=-1)
@reports_errors
def init(template: str | None, output: Path, no_input: bool, extra: tuple[str, ...]) -> None:
    """Prompt for a starter spec (a cookiecutter TEMPLATE; default: flaskgen's own).

    EXTRA values are KEY=VALUE pairs that answer prompts in advance, for example
    ``flaskgen init --no-input project_name="Shop" database=none``.
    """
    from flaskgen.starter import create_starter

    if template and "=" in template:
        extra, template = (template, *extra), None
    spec_path = create_starter(template, output, no_input=no_input, answers=extra)
    click.echo(f"create    {spec_path}")
    click.echo(f"next: flaskgen new {spec_path} -o {spec_path.parent}")


if __name__ == "__main__":  # pragma: no cover
    main()
