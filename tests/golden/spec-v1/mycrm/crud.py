"""Helpers shared by the resources' pages and JSON API: search, sorting, filters, pickers,
CSV exports, ETags and the schemas' base class."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from flask import Response, jsonify, request, stream_with_context
from flask import abort as flask_abort
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint, Page, abort
from marshmallow import EXCLUDE, Schema, ValidationError, fields
from marshmallow.validate import Range, Regexp
from marshmallow_sqlalchemy import SQLAlchemySchema
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    String,
    cast,
    func,
    inspect,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, QueryableAttribute
from werkzeug.exceptions import HTTPException, default_exceptions

# SelectChoice is new in WTForms 3.3, which the types-WTForms stubs do not know yet.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined,unused-ignore]
from wtforms.validators import NumberRange, StopValidation

from .access import allows
from .extensions import db

PICKER_LIMIT = 200  # a picker never loads more rows than this
INT32_MAX = 2**31 - 1  # INTEGER on PostgreSQL
INT64_MAX = 2**63 - 1  # BIGINT, and SQLite's INTEGER


def fits(column: Any, value: Any) -> bool:
    """Whether ``value`` fits ``column``'s integer type (always true for other types):
    a larger number names no row, and must not reach the database."""
    kind = getattr(column, "type", None)
    if not isinstance(value, int) or not isinstance(kind, Integer):
        return True
    limit = INT64_MAX if isinstance(kind, BigInteger) else INT32_MAX
    return -limit - 1 <= value <= limit


def get_or_404(model: type[Any], key: Any, options: Iterable[Any] = ()) -> Any:
    """The row with primary key ``key``, with ``options`` (eager loads); else 404."""
    column = inspect(model).primary_key[0]
    row = (
        db.session.get(model, key, options=list(options)) if fits(column, key) else None
    )
    if row is None:
        flask_abort(404)
    return row


def page_number() -> int:
    """``?page=`` (default 1); a page no list can reach is a 404."""
    page = request.args.get("page", 1, type=int)
    if page is None or not 1 <= page <= INT32_MAX:
        flask_abort(404)
    return page


def search(
    stmt: Select[Any],
    text: str,
    columns: Iterable[ColumnElement[Any] | InstrumentedAttribute[Any]],
) -> Select[Any]:
    """``stmt`` limited to rows where any of ``columns`` contains ``text`` (any case)."""
    columns = list(columns)
    if not text or not columns:
        return stmt
    pattern = (
        "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    )
    return stmt.where(or_(*(column.ilike(pattern, escape="\\") for column in columns)))


def sort(
    stmt: Select[Any],
    key: str,
    allowed: Mapping[str, InstrumentedAttribute[Any]],
    default: Iterable[ColumnElement[Any] | InstrumentedAttribute[Any]],
    tiebreak: InstrumentedAttribute[Any],
    joins: Mapping[str, QueryableAttribute[Any]] | None = None,
) -> Select[Any]:
    """``stmt`` ordered by ``?sort=name`` / ``?sort=-name`` when ``name`` is allowed
    (outer-joining ``joins[name]`` first, to sort by a related row), else by ``default``,
    which ends with the primary key; the primary key breaks ties so pages never overlap."""
    name = key.removeprefix("-")
    column = allowed.get(name)
    if column is None:
        return stmt.order_by(*default)
    if joins and name in joins:
        stmt = stmt.outerjoin(joins[name])
    order = column.desc() if key.startswith("-") else column.asc()
    return (
        stmt.order_by(order) if column is tiebreak else stmt.order_by(order, tiebreak)
    )


# (label column, key column, the text of the empty first choice ("": none), the read
# rules of the rows' resources)
Picker = tuple[
    InstrumentedAttribute[Any] | None,
    InstrumentedAttribute[Any],
    str,
    tuple[tuple[str, ...], ...],
]


def may_list(picker: Picker) -> bool:
    """Whether this visitor may see the picker's rows: they pass the read rule of every
    resource over those rows, whatever page the picker sits on. A picker lists rows of
    every owner, so ``owner`` alone does not let anyone see them."""
    return all(
        allows(tuple(name for name in rule if name != "owner")) for rule in picker[3]
    )


def picker_choices(picker: Picker, selected: Any) -> tuple[list[SelectChoice], bool]:
    """The options of a select of related rows, at most ``PICKER_LIMIT`` of them plus
    the selected ones; and whether more rows exist (the form then offers a search)."""
    label, key, blank, _ = picker
    if not may_list(picker):
        return ([SelectChoice("", blank)] if blank else []), False
    column = label if label is not None else key
    rows = list(
        db.session.execute(
            select(key, column).order_by(column, key).limit(PICKER_LIMIT + 1)
        )
    )
    more = len(rows) > PICKER_LIMIT
    rows = rows[:PICKER_LIMIT]
    wanted = set(selected if isinstance(selected, list | tuple) else [selected]) - {
        None,
        "",
    }
    missing = wanted - {value for value, _ in rows}
    if missing:
        rows += list(db.session.execute(select(key, column).where(key.in_(missing))))
    choices = [SelectChoice("", blank)] if blank else []
    choices += [
        SelectChoice(str(value), _option_label(label, key, value, text))
        for value, text in rows
    ]
    return choices, more


def picker_search(picker: Picker, text: str, limit: int = 20) -> list[dict[str, Any]]:
    """Rows whose label contains ``text`` (any case), as ``{"id", "label"}`` objects."""
    label, key, _, _ = picker
    if not may_list(picker):
        return []
    column = label if label is not None else key
    stmt = select(key, column).order_by(column, key).limit(limit)
    if label is not None:  # as text: a label may be a number, a date, ...
        stmt = search(stmt, text, [cast(label, String)])
    elif not isinstance(getattr(key, "type", None), Integer):
        stmt = stmt.where(key == text) if text else stmt  # a text key: that row
    elif text.isdigit() and fits(key, int(text)):
        stmt = stmt.where(key == int(text))
    return [
        {"id": value, "label": _option_label(label, key, value, name)}
        for value, name in db.session.execute(stmt)
    ]


def picker_options(picker: Picker, selected: Any) -> dict[str, str]:
    """A filter's select of related rows: value -> label (as a form's picker offers them)."""
    return {
        choice.value: choice.label for choice in picker_choices(picker, selected)[0]
    }


def _option_label(
    label: InstrumentedAttribute[Any] | None,
    key: InstrumentedAttribute[Any],
    value: Any,
    text: Any,
) -> str:
    """An option's text: the row's label, or "<Model> #<key>" for a model without one."""
    if label is not None:
        return str(text)
    title = _CAMEL_HUMP.sub(" ", key.class_.__name__)
    return f"{title[:1]}{title[1:].lower()} #{value}"


_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")  # "OrderLine" -> "Order Line"


# Characters no database column of text can hold (PostgreSQL refuses NUL; an unpaired
# surrogate cannot be encoded as UTF-8): refused as field errors, never a 500.
UNSTORABLE_TEXT = re.compile(r"[\x00\ud800-\udfff]")
NO_NUL = r"^[^\x00]*$"  # the API documents this pattern (generators read it)


def storable_text(form: Any, field: Any) -> None:
    """WTForms validator of text fields: no character the database cannot store."""
    if isinstance(field.data, str) and UNSTORABLE_TEXT.search(field.data):
        raise StopValidation("Remove the control characters from this text.")


def fits_numeric(precision: int, scale: int) -> Callable[[Any, Any], None]:
    """WTForms validator of a NUMERIC(precision, scale) column's field: the value, rounded
    to ``scale`` places as the database stores it, has at most precision - scale digits
    before the point."""
    limit = Decimal(10) ** (precision - scale)

    def check(form: Any, field: Any) -> None:
        value = field.data
        if not isinstance(value, Decimal):
            return
        if not value.is_finite() or abs(value.quantize(Decimal(10) ** -scale)) >= limit:
            raise StopValidation(
                f"Use at most {precision - scale} digits before the decimal point."
            )

    return check


def fits_integer(big: bool = False) -> NumberRange:
    """WTForms validator of an INTEGER (or BIGINT) column's field."""
    limit = INT64_MAX if big else INT32_MAX
    return NumberRange(min=-limit - 1, max=limit)


def blank_to_none(value: str | None) -> str | None:
    """An empty text field stores NULL, not an empty string."""
    return value or None


def optional_int(value: Any) -> int | None:
    """``coerce`` of an optional select: the blank option is None."""
    return None if value in ("", None) else int(value)


def rows_by_id(model: type[Any], ids: Iterable[Any] | None) -> list[Any]:
    """The rows of ``model`` with these primary keys, in no particular order."""
    ids = list(ids or ())
    if not ids:
        return []
    key = inspect(model).primary_key[0]
    ids = [i for i in ids if fits(key, i)]
    return list(db.session.scalars(select(model).where(key.in_(ids)))) if ids else []


# -- Lists: filters, the query string, CSV exports ------------------------------------

ID_LIST = {
    "type": "array",
    "items": {"type": "integer", "minimum": -INT64_MAX - 1, "maximum": INT64_MAX},
}
INT32 = Range(min=-INT32_MAX - 1, max=INT32_MAX)
INT64 = Range(min=-INT64_MAX - 1, max=INT64_MAX)


def _encodable(value: str) -> None:
    if UNSTORABLE_TEXT.search(value):
        raise ValidationError("Text cannot hold NUL or unpaired surrogate characters.")


# Text fields: the documented pattern (no NUL), and no unpaired surrogate either.
TEXT = (Regexp(NO_NUL, error="Text cannot hold NUL characters."), _encodable)


def numeric(precision: int, scale: int) -> dict[str, Any]:
    """``auto_field`` arguments of a NUMERIC(precision, scale) column: the value (rounded
    to ``scale`` places on load) has at most precision - scale digits before the point,
    documented as exclusive bounds."""
    limit = 10 ** (precision - scale)

    def check(value: Decimal) -> None:
        if abs(value) >= limit:
            raise ValidationError(
                f"Use at most {precision - scale} digits before the decimal point."
            )

    return {
        "validate": [check],
        "metadata": {"exclusiveMinimum": -limit, "exclusiveMaximum": limit},
    }


class JsonDecimal(fields.Decimal):
    """A NUMERIC column as a JSON number (marshmallow would hand json a Decimal, which it
    writes as a string); the column's digits fit a double exactly up to 15 of them."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        number = super()._serialize(value, attr, obj, **kwargs)
        return None if number is None else float(number)


class UtcDateTime(fields.DateTime):
    """A DATETIME column, stored as naive UTC: written with its offset (RFC 3339), read
    in any offset and turned into UTC (a value without one is UTC)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return super()._serialize(value, attr, obj, **kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> dt.datetime:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
        return parsed


class StrictBoolean(fields.Boolean):
    """JSON true or false only: 0, 1, "yes" and "true" are not booleans."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


NUMBER_LIMIT = 10**15  # a number filter's bound: as far as a double counts exactly


def _bounded(value: float | Decimal) -> None:
    if abs(float(value)) > NUMBER_LIMIT:  # (a Decimal too large for a float is inf)
        raise ValidationError(
            f"Use a number between -{NUMBER_LIMIT} and {NUMBER_LIMIT}."
        )


# A number filter's field arguments: the bound checked, and documented as numbers (a
# Range on a Decimal field would be documented as strings).
BOUNDED: dict[str, Any] = {
    "validate": _bounded,
    "metadata": {"minimum": -NUMBER_LIMIT, "maximum": NUMBER_LIMIT},
}
FORMULA_START = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
)  # what a spreadsheet would run as a formula
EXPORT_BATCH = 500  # rows an export reads at a time


def list_args(schema: Schema, source: Mapping[str, Any]) -> dict[str, Any]:
    """A list page's arguments, read from its query string by ``schema``: a value that
    does not parse is left out, so the page shows the rest."""
    try:
        return dict(schema.load(source, unknown=EXCLUDE))
    except ValidationError as error:
        valid = error.valid_data
        return dict(valid) if isinstance(valid, dict) else {}


def kept(args: Mapping[str, Any], source: Mapping[str, str]) -> dict[str, str]:
    """The query string of the arguments in ``args`` but the sort (and an empty search):
    what every page and sort link of the list carries on."""
    return {name: source[name] for name in args if name != "sort" and source.get(name)}


def shown(value: Any) -> str:
    """A value as the list and its export write it: empty for None, yes/no, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.isoformat(
            sep=" ", timespec="minutes" if not value.second else "seconds"
        )
    return value.isoformat() if isinstance(value, dt.date | dt.time) else str(value)


def applied_filters(
    args: Mapping[str, Any],
    labels: Mapping[str, str],
    choices: Mapping[str, Mapping[str, str]],
) -> list[tuple[str, str]]:
    """(label, value) of each argument the list applies (a select's value by the label
    of its option), for the page to say what it shows."""
    out = []
    for name, label in labels.items():
        value = args.get(name)
        if value is not None and value != "":
            text = shown(value)
            out.append((label, choices.get(name, {}).get(text, text)))
    return out


def csv_line(cells: Iterable[Any]) -> str:
    """One line of CSV; a text cell that a spreadsheet would run as a formula gets a
    leading ``'`` (numbers and dates are not text, and stay as they are)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(
        ("'" + value if value.startswith(FORMULA_START) else value)
        if isinstance(value, str)
        else shown(value)
        for value in cells
    )
    return buffer.getvalue()


def csv_response(
    filename: str,
    headers: Sequence[str],
    stmt: Select[Any],
    cells: Callable[[Any], Iterable[Any]],
) -> Response:
    """The rows of ``stmt`` as a CSV download, streamed a line at a time and read in
    batches (from a server-side cursor where the database has one). The rows are read
    while the response streams, in the request's contexts pushed again: Flask has ended
    the view's own, and its database session, before the first line goes out."""

    def lines() -> Iterator[str]:
        yield csv_line(headers)
        for row in db.session.scalars(stmt.execution_options(yield_per=EXPORT_BATCH)):
            yield csv_line(cells(row))

    disposition = f'attachment; filename="{filename}"'
    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": disposition},
    )


# -- JSON API ------------------------------------------------------------------------


def json_error(error: HTTPException) -> ResponseReturnValue:
    """An error of the API as JSON: code, status, message and the fields' errors."""
    data = getattr(error, "data", {}) or {}
    body: dict[str, Any] = {"code": error.code, "status": error.name}
    message = data.get("message") or error.description
    if message:
        body["message"] = message
    errors = data.get("errors") or data.get("messages")
    if errors:
        body["errors"] = errors
    return jsonify(body), error.code or 500, data.get("headers") or {}


def require_json() -> None:
    """The API reads only JSON bodies: anything else is a 415 (webargs would read it
    as an empty body and, on PATCH, change nothing)."""
    if request.method in ("POST", "PUT", "PATCH") and not request.is_json:
        flask_abort(415)


def api_blueprint(name: str, import_name: str, **options: Any) -> Blueprint:
    """A flask-smorest blueprint that answers JSON only and reports its errors as JSON.

    One handler per status code: an app-level handler for a code (say, an HTML 404
    page) would otherwise win over a blueprint's generic HTTPException handler.
    """
    blp = Blueprint(name, import_name, **options)
    for code in default_exceptions:
        blp.register_error_handler(code, json_error)
    blp.before_request(require_json)
    return blp


class SelectPage(Page):
    """flask-smorest's pager over a ``select()``: one COUNT and one page query."""

    @property
    def items(self) -> list[Any]:
        params = self.page_params
        if params.first_item > INT64_MAX:
            return []
        stmt = self.collection.limit(params.page_size).offset(params.first_item)
        return list(db.session.scalars(stmt))

    @property
    def item_count(self) -> int:
        counted = self.collection.order_by(None).options().subquery()
        return db.session.scalar(select(func.count()).select_from(counted)) or 0


class ResourceSchema(SQLAlchemySchema[Any]):
    """Base of the resources' schemas: many-to-many relationships travel as id lists."""

    def __init__(self, **kwargs: Any) -> None:
        """marshmallow's options (``many``, ``partial``, ...); declared here because
        marshmallow-sqlalchemy's own ``__init__`` has no type hints."""
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]

    def load_ids(self, value: object) -> list[int]:
        """A list of integer ids (duplicates dropped)."""
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and abs(v) <= INT64_MAX
            for v in value
        ):
            raise ValidationError("Not a list of integer ids.")
        return list(dict.fromkeys(value))


def etag_of(data: Mapping[str, Any]) -> str:
    """A strong ETag of a row's JSON representation."""
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def check_if_match(data: Mapping[str, Any]) -> None:
    """412 when the request's ``If-Match`` names another version; no header: go ahead."""
    if request.if_match and not request.if_match.contains(etag_of(data)):
        abort(412, message="The row changed since you read it; fetch it again.")


def unknown_ids(model: type[Any], ids: Iterable[Any]) -> list[Any]:
    """The ids among ``ids`` that name no row of ``model``."""
    ids = list(ids)
    found = {
        getattr(row, inspect(model).primary_key[0].name)
        for row in rows_by_id(model, ids)
    }
    return [i for i in ids if i not in found]
