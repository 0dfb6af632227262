"""One Jinja2 environment factory, and rendering a plan into file texts.

Two syntaxes share one loader: ``*.jinja`` templates use Jinja's usual delimiters;
``*.html.jinja`` templates produce Jinja templates themselves, so they use
``[[ ]]``/``[% %]`` and leave ``{{ }}``/``{% %}`` to the generated project.
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from flaskgen import __version__
from flaskgen.core.errors import TemplateError
from flaskgen.core.plan.base import PlannedFile
from flaskgen.core.pysrc import pysrc
from flaskgen.resources import templates_dir


@dataclass(frozen=True)
class RenderedFile:
    relpath: str
    text: str


def py_regex(value: str) -> str:
    """A regex as a raw string literal where that is exact, else repr()."""
    if "'" not in value and "\n" not in value and not value.endswith("\\"):
        return f"r'{value}'"
    return repr(value)


def py_doc(value: str) -> str:
    """Text made safe inside a triple-quoted docstring. Characters that do not print
    (bidirectional controls, zero-width marks, tabs) are written as escapes, so the
    source shows exactly what the docstring holds (no "Trojan Source" text)."""
    text = value.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    text = "".join(ch if ch.isprintable() or ch == "\n" else ch.encode("unicode_escape").decode("ascii") for ch in text)
    return text + (" " if text.endswith('"') else "")


def jinja_text(value: Any) -> Markup:
    """Text shown literally by a generated Jinja template: HTML-escaped, and braces
    written so Jinja prints them instead of reading them as syntax."""
    text = str(escape(str(value)))
    text = text.replace("{", "{{ '{' }}")
    return Markup(text)


def toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML)."""
    return json.dumps(value, ensure_ascii=False)


def _common(env: jinja2.Environment) -> jinja2.Environment:
    env.filters.update(py=pysrc, pyregex=py_regex, pydoc=py_doc, jtext=jinja_text, tomlstr=toml_string)
    return env


class _BestEffortCache(jinja2.FileSystemBytecodeCache):
    """Jinja's on-disk bytecode cache; a cache that cannot be written is skipped, never fatal."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def bytecode_cache(kind: str) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (``FLASKGEN_CACHE_DIR``, else the user cache).

    Entries are keyed by template name and a checksum of its source, so an edited or
    overriding template is recompiled; the folder is per flaskgen and Jinja version and
    per environment (``kind``), since the two environments compile with other delimiters.
    ``FLASKGEN_CACHE_DIR=""`` turns the cache off.
    """
    configured = os.environ.get("FLASKGEN_CACHE_DIR")
    if configured == "":
        return None
    base = Path(configured) if configured else _user_cache_dir()
    jinja_version = getattr(jinja2, "__version__", "unknown")
    folder = base / f"jinja-{__version__}-{jinja_version}" / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _BestEffortCache(str(folder))


def _user_cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "flaskgen"


@cache
def environments(extra: tuple[str, ...] = ()) -> tuple[jinja2.Environment, jinja2.Environment]:
    """(code environment, HTML environment); ``extra`` folders shadow built-in templates."""
    loader = jinja2.FileSystemLoader([*extra, str(templates_dir())])
    options: dict[str, Any] = {
        "loader": loader,
        "undefined": jinja2.StrictUndefined,
        "keep_trailing_newline": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
    }
    code = _common(jinja2.Environment(autoescape=False, bytecode_cache=bytecode_cache("code"), **options))  # noqa: S701 - generates code, not HTML
    html = _common(
        jinja2.Environment(
            autoescape=True,
            block_start_string="[%",
            block_end_string="%]",
            variable_start_string="[[",
            variable_end_string="]]",
            comment_start_string="[#",
            comment_end_string="#]",
            bytecode_cache=bytecode_cache("html"),
            **options,
        )
    )
    # In generated Jinja templates a Python-style literal sits inside {{ ... }}: keep it raw.
    html.filters["py"] = lambda value: Markup(pysrc(value))
    return code, html


def render(plan: Iterable[PlannedFile], extra_templates: tuple[Path, ...] = ()) -> list[RenderedFile]:
    """Render every planned file (no formatting, no I/O besides reading templates)."""
    code, html = environments(tuple(str(p) for p in extra_templates))
    out = []
    for item in plan:
        env = html if item.template.endswith(".html.jinja") else code
        out.append(RenderedFile(item.relpath, _render_one(env, item)))
    return out


def _render_one(env: jinja2.Environment, item: PlannedFile) -> str:
    """Render one file; template mistakes become a :class:`TemplateError` naming the
    template file and line."""
    try:
        return env.get_template(item.template).render(item.context.as_context())
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(exc.filename or item.template, exc.lineno, exc.message or str(exc), item.relpath) from None
    except jinja2.TemplateError as exc:  # undefined names, missing includes
        file, line = _template_frame(exc, item.template)
        raise TemplateError(file, line, exc.message or str(exc), item.relpath) from None
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text ({exc.reason}); templates are read as UTF-8"
        raise TemplateError(_source_file(env, item.template), 1, message, item.relpath) from None
    except OSError as exc:  # a template that is a folder, or unreadable
        file = str(exc.filename or _source_file(env, item.template))
        raise TemplateError(file, 1, f"cannot read it ({exc.strerror or exc})", item.relpath) from None
    except Exception as exc:  # noqa: BLE001 - the template's own code raised ({{ 1 // 0 }})
        frame = _raising_template_frame(exc)
        if frame is None:
            raise  # raised in flaskgen's own code: a bug, shown with its traceback
        raise TemplateError(*frame, f"{type(exc).__name__}: {exc}", item.relpath) from None


def _source_file(env: jinja2.Environment, template: str) -> str:
    """The file ``template`` is read from: the first search folder that has it."""
    folders = env.loader.searchpath if isinstance(env.loader, jinja2.FileSystemLoader) else []
    for folder in folders:
        candidate = Path(folder) / template
        if candidate.exists():
            return str(candidate)
    return template


def _raising_template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The template file and line where ``exc`` was raised, when the innermost frame of
    its traceback is template code."""
    frames = traceback.extract_tb(exc.__traceback__)
    if frames and frames[-1].filename.endswith((".jinja", ".html", ".txt", ".xml")) and frames[-1].lineno:
        return frames[-1].filename, frames[-1].lineno
    return None


def _template_frame(exc: BaseException, template: str) -> tuple[str, int]:
    """The innermost template file and line in ``exc``'s traceback (Jinja maps its
    frames back to the template source)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".jinja", ".html", ".txt", ".xml")) and frame.lineno:
            return frame.filename, frame.lineno
    return template, 1
