"""The ``flaskgen`` command: the only module that prints or exits."""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from flaskgen import __version__
from flaskgen.core.actions import Action, WriteResult, results_json, summarize
from flaskgen.core.errors import FlaskgenError, SpecError, printable

F = TypeVar("F", bound=Callable[..., Any])


class FlaskgenGroup(click.Group):
    """The command group; the one place that turns a :class:`FlaskgenError` into its
    message on stderr and its exit code. Anything else is a bug and keeps its traceback."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run as the ``flaskgen`` process (the console script and ``python -m flaskgen``;
        tests call :meth:`main` and keep the default collector).

        A run is one short process whose objects (spec nodes, rules, plans) mostly live
        until it ends, so the cyclic garbage collector would only walk them again and
        again: it is paused, and what is left at exit is frozen so the interpreter's
        final collection skips it too. Reference counting still frees the rest at once;
        on the 1,000-route benchmark spec this takes a quarter off ``validate``.
        """
        gc.disable()
        try:
            return super().__call__(*args, **kwargs)
        finally:
            gc.freeze()

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FlaskgenError as exc:
            click.echo(_shown(exc.format()), err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # The reader of our output went away (``flaskgen ... | head``): nothing to say.
            sys.stderr.close()
            ctx.exit(1)


def _shown(text: str) -> str:
    """``text`` safe for a terminal: control characters and escape sequences escaped."""
    return "\n".join(printable(line) for line in text.split("\n"))


@click.group(cls=FlaskgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flaskgen")
def main() -> None:
    """Generate and regenerate Flask 3 projects from one YAML spec.

    \b
    flaskgen new spec.yaml -o app        create a project
    flaskgen regen spec.yaml -o app      bring it up to date with the spec
    flaskgen validate spec.yaml          check a spec, write nothing
    flaskgen schema                      print the spec's JSON Schema
    flaskgen smoke spec.yaml ...         generate, install, test, lint, type-check and serve each spec

    The spec format, key by key: docs/spec.md (`flaskgen reference` prints it).
    """


# -- per-file output: one line per changed file, a summary, colour only on a terminal ------

COLOURS: dict[Action, dict[str, Any]] = {
    Action.CREATE: {"fg": "green"},
    Action.UPDATE: {"fg": "cyan"},
    Action.MERGE: {"fg": "cyan"},
    Action.RENAME: {"fg": "blue"},
    Action.DELETE: {"fg": "magenta"},
    Action.OVERWRITE: {"fg": "yellow"},
    Action.ORPHAN: {"fg": "yellow"},
    Action.SKIP: {"fg": "yellow"},
    Action.CONFLICT: {"fg": "red", "bold": True},
}


def use_color(flag: bool | None) -> bool | None:
    """``--color``/``--no-color`` if given, else off under ``NO_COLOR``, on under
    ``CLICOLOR_FORCE``; None lets click colour a terminal only."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("CLICOLOR_FORCE", "0") not in ("", "0"):
        return True
    return None


class Printer:
    """How a run of ``new`` or ``regen`` talks: text lines (quiet or not, coloured or not)."""

    def __init__(self, *, quiet: bool, color: bool | None) -> None:
        self.quiet = quiet
        self.color = color

    def echo(self, text: str, *, err: bool = False, nl: bool = True, always: bool = False, **style: Any) -> None:
        """Print ``text`` (not in quiet mode unless ``always``), styled when colour is on."""
        if self.quiet and not always:
            return
        click.echo(click.style(text, **style) if style else text, err=err, nl=nl, color=self.color)

    def results(self, results: list[WriteResult], *, every: bool = False) -> None:
        """One line per file that changed or was left alone; unchanged files are only
        counted, unless ``every`` (a dry run of ``new``: one word per file)."""
        for result in results:
            if result.shown or every:
                word = click.style(f"{result.action.value:<9}", **COLOURS.get(result.action, {}))
                note = f"  ({result.note})" if result.note else ""
                self.echo(f"{word} {result.relpath}{note}")


def _output_options(func: F) -> F:
    """``-q``, ``--color/--no-color`` and ``--format`` for a command that writes files."""
    func = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="json: the per-file actions and counts, for tools.")(func)
    func = click.option("--color/--no-color", "color", default=None, help="Colour the output (default: only on a terminal, never under NO_COLOR).")(func)
    return click.option("-q", "--quiet", is_flag=True, help="Print only errors, conflicts and the summary line.")(func)


def _json_errors(fmt: str, func: Callable[[], Any]) -> Any:
    """Run ``func``; in JSON mode an error is also reported as JSON on stdout."""
    try:
        return func()
    except FlaskgenError as exc:
        if fmt == "json":
            problems = [p.as_dict() for p in exc.problems] if isinstance(exc, SpecError) else []
            click.echo(json.dumps({"ok": False, "error": exc.format(), "problems": problems}, indent=2, sort_keys=True))
        raise


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True, help="The project folder to create.")
@click.option("--force", is_flag=True, help="Write into a non-empty folder (changed files are backed up first).")
@click.option("--dry-run", is_flag=True, help="Show what would be written, one word per file; write nothing.")
@click.option("--templates", type=click.Path(file_okay=False, exists=True, path_type=Path), multiple=True, help="A folder of templates that shadow the built-in ones.")
@_output_options
def new(
    spec: Path, output: Path, force: bool, dry_run: bool, templates: tuple[Path, ...], quiet: bool, color: bool | None, fmt: str
) -> None:
    """Create a Flask project in OUTPUT from the SPEC file."""
    from flaskgen.project import create_project

    results = _json_errors(fmt, lambda: create_project(spec, output, force=force, templates=templates, dry_run=dry_run))
    summary = summarize(results)
    if fmt == "json":
        body: dict[str, Any] = {"ok": True, "command": "new", "project": str(output), "files": results_json(results), "summary": summary.as_dict()}
        if dry_run:
            body["dry_run"] = True
        click.echo(json.dumps(body, indent=2, sort_keys=True))
        return
    out = Printer(quiet=quiet, color=use_color(color))
    out.results(results, every=dry_run)
    _warn(spec)
    if dry_run:
        out.echo(f"dry run: {summary.format('would change')} in {output}; nothing was written", always=True)
    else:
        out.echo(f"{summary.format()} in {output}", always=True)


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True, help="The generated project.")
@click.option("--dry-run", is_flag=True, help="Show the plan and unified diffs; write nothing.")
@click.option("--check", is_flag=True, help="Exit 1 if the project is out of date with the spec; write nothing.")
@click.option("--allow-dirty", is_flag=True, help="Run in a git work tree with uncommitted changes (backs up every file it changes).")
@click.option("--templates", type=click.Path(file_okay=False, exists=True, path_type=Path), multiple=True, help="Template folders to render with from now on (default: those the project was made with).")
@_output_options
def regen(
    spec: Path | None, output: Path, dry_run: bool, check: bool, allow_dirty: bool, templates: tuple[Path, ...], quiet: bool, color: bool | None, fmt: str
) -> None:
    """Re-render the project in OUTPUT from SPEC and merge it into your edits.

    Without SPEC, the spec the project was generated from is used.
    """
    from flaskgen.regen import regen as run_regen

    report = _json_errors(
        fmt, lambda: run_regen(output, spec, dry_run=dry_run, check=check, allow_dirty=allow_dirty, templates=templates or None)
    )
    if fmt == "json":
        _regen_json(report, output, dry_run=dry_run, check=check)
    else:
        _regen_text(report, Printer(quiet=quiet, color=use_color(color)), dry_run=dry_run, check=check)
    status = _regen_status(report, dry_run=dry_run, check=check)
    if status:
        sys.exit(status)


def _regen_status(report: Any, *, dry_run: bool, check: bool) -> int:
    """1 when ``--check`` finds the project out of date or a regen leaves conflicts, else 0."""
    if check:
        return int(report.pending or report.changes)
    return int(bool(report.conflicts) and not dry_run)


def _regen_json(report: Any, output: Path, *, dry_run: bool, check: bool) -> None:
    """The regen's outcome as one JSON document (keys and files sorted)."""
    body = {
        "ok": _regen_status(report, dry_run=dry_run, check=check) == 0,
        "command": "regen",
        "project": str(output),
        "dry_run": dry_run,
        "check": check,
        "up_to_date": not (report.pending or report.changes),
        "resumed": report.resumed,
        "files": results_json(report.results),
        "summary": summarize(report.results).as_dict(),
        "conflicts": sorted(report.conflicts),
        "backup": report.backup,
        "cleaned": sorted(report.cleaned),
    }
    click.echo(json.dumps(body, indent=2, sort_keys=True))


def _regen_text(report: Any, out: Printer, *, dry_run: bool, check: bool) -> None:
    """The regen's outcome for people: changed files, diffs, a summary, conflicts on stderr."""
    if report.resumed:
        out.echo("finishing an interrupted regen")
    for relpath in report.cleaned:
        out.echo(f"{click.style(f'{Action.DELETE.value:<9}', **COLOURS[Action.DELETE])} {relpath}  (left by an interrupted run)")
    out.results(report.results)
    for diff in report.diffs:
        out.echo(diff, nl=False)
    if report.backup:
        out.echo(f"changed files backed up in {report.backup}/")
    if check:
        _check_summary(report, out)
    else:
        out.echo(_regen_summary(report, dry_run), always=True)
        _conflict_list(report, out, dry_run)


def _check_summary(report: Any, out: Printer) -> None:
    """What ``regen --check`` concludes (the reason on stderr when out of date)."""
    if report.pending:
        out.echo("an interrupted regen is pending: run 'flaskgen regen' to finish it", err=True, always=True)
    elif report.changes:
        out.echo(f"out of date ({summarize(report.results).format('would change')}): run 'flaskgen regen' to update the project", err=True, always=True)
    else:
        out.echo("up to date", always=True)


def _regen_summary(report: Any, dry_run: bool) -> str:
    """``3 changed, 48 unchanged``, worded for a dry run or for nothing to do."""
    summary = summarize(report.results)
    if dry_run:
        return f"dry run: {summary.format('would change')}; nothing was written"
    if not report.changes:
        recorded = " (recorded the new spec)" if report.state_changed else ""
        return f"nothing to do: the project is up to date ({summary.format()}){recorded}"
    return summary.format()


def _conflict_list(report: Any, out: Printer, dry_run: bool) -> None:
    """The files with conflicts, on stderr (also in quiet mode)."""
    if not report.conflicts:
        return
    verb = "would conflict" if dry_run else "have conflicts; resolve them, then run 'flaskgen regen' again"
    out.echo(f"{len(report.conflicts)} file(s) {verb}:", err=True, always=True, fg="red")
    for relpath in report.conflicts:
        out.echo(f"  {relpath}", err=True, always=True)


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(spec: Path, fmt: str) -> None:
    """Check SPEC and report every problem; writes nothing."""
    from flaskgen.specfile import read_spec

    try:
        read_spec(spec, cases=False)  # every check; no test expectations to compute
    except SpecError as exc:
        if fmt != "json":
            raise
        click.echo(json.dumps({"valid": False, "problems": [p.as_dict() for p in exc.problems]}, indent=2))
        sys.exit(exc.exit_code)
    if fmt == "json":
        click.echo(json.dumps({"valid": True, "problems": []}, indent=2))
    else:
        _warn(spec)
        click.echo(_shown(f"{spec}: valid"))


def _warn(spec: Path) -> None:
    """Print, on stderr, what the valid spec leaves open to anyone (or to any account)."""
    import yaml

    from flaskgen.core.spec.access import open_warnings
    from flaskgen.specfile import read_spec_text

    try:
        data = yaml.safe_load(read_spec_text(spec))
    except (OSError, yaml.YAMLError, FlaskgenError):  # read and checked already; nothing to add
        return
    for line in open_warnings(data):
        click.echo(f"{_shown(str(spec))}: warning: {line}", err=True)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the spec format."""
    from flaskgen.core.spec import SCHEMA_FILE
    from flaskgen.resources import schema_path

    click.echo(schema_path(SCHEMA_FILE).read_text(encoding="utf-8"), nl=False)


@main.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--venv",
    "venv_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Install into this virtual environment (created if missing; kept) instead of a temporary one.",
)
def smoke(specs: tuple[Path, ...], venv_dir: Path | None) -> None:
    """Generate each SPEC, install it, run its tests, ruff and mypy, serve it under gunicorn
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
