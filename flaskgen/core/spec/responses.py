"""What a view answers (template, text, html, json, redirect, abort), redirect targets,
and ``errors:`` pages."""

from __future__ import annotations

import re
import string
from dataclasses import replace
from typing import Any

from werkzeug.exceptions import default_exceptions
from werkzeug.http import HTTP_STATUS_CODES

from flaskgen.core.pysrc import pysrc
from flaskgen.core.spec.base import RESPONSE_KEYS, Ctx, snake
from flaskgen.core.spec.loader import KeyPath
from flaskgen.core.spec.schema import did_you_mean
from flaskgen.core.spec.types import (
    ErrorPage,
    Import,
    Response,
    Route,
    UrlVar,
)


def format_pieces(
    ctx: Ctx, path: KeyPath, text: str, variables: dict[str, UrlVar]
) -> list[tuple[str, str | None]] | None:
    """Split a ``text``/``html`` value into (literal, variable) pieces (Python format rules)."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        ctx.error(path, f"{exc}; write {{{{ and }}}} for literal braces")
        return None
    pieces: list[tuple[str, str | None]] = []
    ok = True
    for literal, name, spec, conversion in parsed:
        pieces.append((literal, None))
        if name is None:
            continue
        if spec or conversion or name not in variables:
            what = f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
            if name in variables:
                ctx.error(path, f"'{what}': only plain {{name}} placeholders are allowed")
            else:
                hint = did_you_mean(name, list(variables))
                known = f"; URL variables: {', '.join(variables)}" if variables and not hint else ""
                ctx.error(path, f"'{what}' is not a URL variable of this route{hint}{known}")
            ok = False
            continue
        pieces.append(("", name))
    return pieces if ok else None


def _fstring(pieces: list[tuple[str, str | None]], wrap: str) -> str:
    source = ""
    for literal, name in pieces:
        if name is None:
            source += literal.replace("{", "{{").replace("}", "}}")
        else:
            source += "{" + (f"{wrap}({name})" if wrap else name) + "}"
    has_fields = any(name for _, name in pieces)
    return ("f" if has_fields else "") + repr(source if has_fields else "".join(p for p, _ in pieces))


def parse_response(
    ctx: Ctx,
    path: KeyPath,
    key: str,
    raw: dict[str, Any],
    blueprint: str | None,
    variables: dict[str, UrlVar],
    per_rule: list[list[str]],
    methods: tuple[str, ...],
) -> Response | None:
    present = [k for k in RESPONSE_KEYS if k in raw]
    if len(present) > 1:
        ctx.error((*path, present[1]), f"a route has one response key; found {', '.join(repr(k) for k in present)}", key=True)
        return None
    kind = present[0] if present else "template"
    value: Any = raw.get(kind)
    flask: frozenset[Import] = frozenset()
    if kind == "template":
        template = value or (f"{blueprint}/{key}.html" if blueprint else f"{key}.html")
        args = "".join(f", {name}={name}" for name in variables)
        return Response("template", f"render_template({pysrc(template)}{args})", frozenset({("flask", "render_template")}), template=template)
    if kind in ("text", "html"):
        pieces = format_pieces(ctx, (*path, kind), value, variables)
        if pieces is None:
            return None
        if kind == "text":
            expr = f"Response({_fstring(pieces, '')}, mimetype='text/plain')"
            return Response("text", expr, frozenset({("flask", "Response")}), text=value)
        uses_vars = any(name for _, name in pieces)
        imports = frozenset({("markupsafe", "escape")}) if uses_vars else flask
        return Response("html", _fstring(pieces, "escape"), imports, text=value)
    if kind == "json":
        if value is True:
            body = "{" + ", ".join(f"{pysrc(n)}: {n}" for n in variables) + "}"
            return Response("json", f"jsonify({body})", frozenset({("flask", "jsonify")}), json=None)
        return Response("json", f"jsonify({pysrc(value)})", frozenset({("flask", "jsonify")}), json=value)
    if kind == "redirect":
        return Response("redirect", "", frozenset({("flask", "redirect"), ("flask", "url_for")}), target=value)
    if kind == "redirect_to":
        placeholders = re.findall(r"<([A-Za-z_][A-Za-z0-9_]*)>", value)
        for name in placeholders:
            if not all(name in names for names in per_rule):
                hint = did_you_mean(name, list(variables))
                ctx.error((*path, "redirect_to"), f"<{name}> is not a URL variable of every rule of this route{hint}")
                return None
        return Response("redirect_to", "", frozenset(), target=value)
    return Response("abort", "", frozenset({("flask", "abort")}), abort=int(value))


def check_redirects(
    ctx: Ctx, routes: list[tuple[KeyPath, Route]], endpoints: dict[str, tuple[list[set[str]], KeyPath]]
) -> list[Route]:
    """Resolve ``redirect`` targets to endpoints and fill in the view expression."""
    out = []
    for path, route in routes:
        if route.response.kind != "redirect":
            out.append(route)
            continue
        target = route.response.target
        if target.startswith("."):
            target = f"{route.blueprint}{target}" if route.blueprint else target[1:]
        if target not in endpoints:
            ctx.error((*path, "redirect"), f"no endpoint '{target}'{did_you_mean(target, list(endpoints))}")
            continue
        have = {v.name for v in route.variables}
        rule_vars, _ = endpoints[target]
        if not any(names <= have for names in rule_vars):
            fewest = min(len(names) for names in rule_vars)
            needed = sorted(next(names for names in rule_vars if len(names) == fewest))
            ctx.error((*path, "redirect"), f"'{target}' needs URL variables {', '.join(needed)} that this route does not have")
            continue
        passed = sorted(set().union(*rule_vars) & have)
        args = "".join(f", {n}={n}" for n in passed)
        code = f", code={route.status}" if route.status else ""
        expr = f"redirect(url_for({pysrc(target)}{args}){code})"
        out.append(replace(route, response=replace(route.response, expr=expr, target=target)))
    return out


def parse_error_pages(ctx: Ctx) -> tuple[ErrorPage, ...]:
    raw = ctx.get(("errors",), {}) or {}
    out = []
    for code_text, body in sorted(raw.items()) if isinstance(raw, dict) else ():
        path: KeyPath = ("errors", code_text)
        if not ctx.ok(path):
            continue
        code = int(code_text)
        if code not in default_exceptions:
            ctx.error(path, f"{code} is not an HTTP error status werkzeug knows", key=True)
            continue
        title = HTTP_STATUS_CODES.get(code, "Error")
        response = parse_response(ctx, path, f"errors/{code}", body, None, {}, [[]], ("GET",))
        if response is None:
            continue
        if response.kind == "template":
            template = body.get("template") or f"errors/{code}.html"
            response = Response("template", f"render_template({pysrc(template)}, error=error)", response.imports, template=template)
        out.append(ErrorPage(code=code, title=title, function_name=snake(title), response=response))
    return tuple(out)
