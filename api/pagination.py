"""Page-number pagination: one query for the page and its bounded count, whatever the page size or the table's size.

An operation declares `response=list[ItemOut]`, is decorated with `@paginate(PageNumber)` and returns a
queryset; the answer is `{"count", "page", "page_size", "pages", "items"}` and the `page` / `page_size` /
`count` query parameters are added to the operation.

Counting a whole table costs as much as the table is big, and lists grow year after year. So `count` is
exact up to EXACT_COUNT_LIMIT matches (the count stops reading there: `SELECT COUNT(*) FROM (… LIMIT n)`);
beyond, `count` and `pages` are null unless the client asks `?count=true`. A short page (fewer items than
`page_size`) is always the last one.
"""

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

import orjson
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import IntegerField, JSONField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import ValuesIterable
from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PaginationBase
from ninja.pagination import paginate as ninja_paginate
from pydantic import Field

from common.compiled import execute_prepared

__all__ = ["EXACT_COUNT_LIMIT", "MAX_PAGE", "MAX_PAGE_SIZE", "Deferred", "PageNumber", "ShapedPage", "paginate"]

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
EXACT_COUNT_LIMIT = 1_000
# The column the page's query selects the count into (PageNumber.counted); taken off the rows before they are read.
COUNT_COLUMN = "bagage_page_count"
# Page queries kept compiled per database connection (PageNumber.paginate_queryset): the most recently used ones.
COMPILED_PAGES_PER_CONNECTION = 128
_COMPILED_PAGES = "_bagage_compiled_pages"


@dataclass(frozen=True)
class _CompiledPage:
    """A page's query as its compiler left it: the SQL and its values, the rows' names and converters."""

    sql: str
    params: tuple
    names: tuple[str, ...]
    compiler: Any
    converters: dict

    def rows(self) -> list[dict]:
        with self.compiler.connection.cursor() as cursor:
            execute_prepared(cursor, self.sql, self.params)
            found = cursor.fetchall()
        if self.converters:
            found = self.compiler.apply_converters(found, self.converters)
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in found]


class PageNumber(PaginationBase):
    """Pages numbered from 1. `rows(queryset, request)`, when given, turns the view's queryset into the page's
    rows (`.values(...)`, flags computed per row, say): the count reads the view's queryset alone, without the
    joins and subqueries only the rows need.
    `prepare(items, request)` completes the page's rows at once (one query for the whole page, say); then
    `transform(item, request)` turns each row into its answer.

    `shaped=True` says that each item, as `transform` (or `rows`) leaves it, is already the answer's JSON: its
    fields in the schema's order, with the schema's names and types. The page is then rendered as it is, not
    validated by pydantic again (which cost a list of fifty more than building it); tests/api/test_shaped_pages.py
    checks every shaped list against its schema.

    With `rows`, the page's query is compiled once per database connection for each caller and set of parameters
    (the filters and the page asked, as validated), and then only executed: building and compiling a list's
    queryset (its joins, subqueries, the count) cost more than the database takes to answer it. The view still
    runs on every request (it checks the permission), its queryset is not compiled again; a view may return it
    `Deferred`, so that it is not even built when its page is compiled already. So a view whose queryset depends
    on anything but its caller's role, site and id and its validated parameters (the time of day, a setting)
    must not give `rows`."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        count: bool = Field(
            False,
            description=f"Count every match, however many: slower on long lists. Without it, more than "
            f"{EXACT_COUNT_LIMIT:,} matches answer count and pages null.",
        )

    class Output(Schema):
        count: int | None = Field(
            description=f"How many match; null when more than {EXACT_COUNT_LIMIT:,} do, unless count=true was asked."
        )
        page: int
        page_size: int
        pages: int | None = Field(description="How many pages; null when count is.")
        items: list[Any]

    def __init__(
        self,
        *,
        rows: Callable[[QuerySet, HttpRequest], QuerySet] | None = None,
        prepare: Callable[[list, HttpRequest], list] | None = None,
        transform: Callable[[Any, HttpRequest], Any] | None = None,
        shaped: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.rows = rows
        self.prepare = prepare
        self.transform = transform
        self.shaped = shaped

    def paginate_queryset(
        self, queryset: "QuerySet | Deferred", pagination: Input, request: HttpRequest, **params: Any
    ) -> dict:
        start = (pagination.page - 1) * pagination.page_size
        compiled, key = None, None
        if self.rows is not None and isinstance(queryset, QuerySet | Deferred):
            key = self.cache_key(request, pagination, params)
            compiled = _compiled_pages(queryset.db).get(key)
        if compiled is not None:
            _compiled_pages(queryset.db).move_to_end(key)
            items = compiled.rows()
            counted = True  # the cached query selects the count (only such queries are kept)
        else:
            queryset = built(queryset)
            counted = self.counted(queryset, exact=pagination.count)
            page = self.rows(queryset, request) if self.rows is not None else queryset
            if counted is not None:
                # The count rides along with the page, in one query: one round trip to the database fewer, which
                # is what a busy server waits on most. Every row carries the same number.
                page = page.annotate(**{COUNT_COLUMN: counted})
            page = page[start : start + pagination.page_size]
            if key is not None and counted is not None and page._iterable_class is ValuesIterable:
                compiled = _compile_page(page)
                kept = _compiled_pages(page.db)
                kept[key] = compiled
                if len(kept) > COMPILED_PAGES_PER_CONNECTION:
                    kept.popitem(last=False)
                items = compiled.rows()
            else:
                items = list(page)
        if counted is None:
            count = self.count(built(queryset), exact=pagination.count)
        elif items:
            count = pop_count(items)
        else:
            # Past the last page (or nothing matches): no row to carry the count.
            count = 0 if start == 0 else self.count(built(queryset), exact=pagination.count)
        count = self.bounded(count, exact=pagination.count)
        if self.prepare is not None:
            items = self.prepare(items, request)
        if self.transform is not None:
            items = [self.transform(item, request) for item in items]
        return (ShapedPage if self.shaped else dict)(
            count=count,
            page=pagination.page,
            page_size=pagination.page_size,
            pages=None if count is None else max(1, -(-count // pagination.page_size)),
            items=items,
        )

    def cache_key(self, request: HttpRequest, pagination: Input, params: dict) -> tuple:
        """What the page's query depends on: this operation, its caller (role, site, id) and the parameters as
        validated (filters and page)."""
        user = request.auth
        values = []
        for name, value in sorted(params.items()):
            values.append((name, repr(value.model_dump()) if hasattr(value, "model_dump") else repr(value)))
        return (
            id(self),
            getattr(user, "pk", None),
            getattr(user, "role", None),
            getattr(user, "site_id", None),
            pagination.page,
            pagination.page_size,
            pagination.count,
            tuple(values),
        )

    @staticmethod
    def count(queryset: QuerySet, *, exact: bool) -> int:
        """The number of rows, reading at most EXACT_COUNT_LIMIT + 1 of them unless `exact`."""
        # Only the primary keys, unordered: no annotation, join for ordering or sort is computed to count.
        keys = queryset.order_by().values("pk")
        return keys.count() if exact else keys[: EXACT_COUNT_LIMIT + 1].count()

    @staticmethod
    def bounded(found: int, *, exact: bool) -> int | None:
        return found if exact or found <= EXACT_COUNT_LIMIT else None

    @staticmethod
    def counted(queryset: QuerySet, *, exact: bool) -> RawSQL | None:
        """`count` as a scalar subquery for the page's query to select, or None when the queryset cannot carry
        it (a union, say). The subquery names no outer column: the database computes it once per query."""
        if not isinstance(queryset, QuerySet) or queryset.query.combinator or queryset.query.is_sliced:
            return None
        keys = queryset.order_by().values("pk")
        if not exact:
            keys = keys[: EXACT_COUNT_LIMIT + 1]
        sql, params = keys.query.sql_with_params()
        return RawSQL(f"SELECT COUNT(*) FROM ({sql}) AS bagage_counted", params, output_field=IntegerField())  # noqa: S608


@dataclass(frozen=True)
class Deferred:
    """A list's queryset, built only if its page is not compiled already (PageNumber's `rows`): what a view
    returns once it has checked the permission, when building its queryset costs more than running the page."""

    build: Callable[[], QuerySet]
    db: str = DEFAULT_DB_ALIAS


def built(queryset: "QuerySet | Deferred") -> QuerySet:
    return queryset.build() if isinstance(queryset, Deferred) else queryset


class ShapedPage(dict):
    """A page of a `PageNumber(shaped=True)`: answered as it is, without being validated again."""


def paginate(paginator_class: type[PaginationBase], **params: Any) -> Callable:
    """django-ninja's `paginate(PageNumber, ...)`; with `shaped=True`, the view answers its page (a ShapedPage) as
    an HTTP response of its own, which django-ninja passes on without validating it."""
    decorate = ninja_paginate(paginator_class, **params)

    def decorator(func: Callable) -> Callable:
        view = decorate(func)
        if not params.get("shaped"):
            return view

        @wraps(view)  # and so django-ninja's signature, parameters and paginated schema, which it reads off the view
        def answer_shaped(request: HttpRequest, **kwargs: Any) -> Any:
            result = view(request, **kwargs)
            if type(result) is ShapedPage:
                from api.api import api  # noqa: PLC0415 (the API imports its routers, which import this)

                return api.create_response(request, dict(result), status=200)
            return result

        answer_shaped.shaped_page = True
        return answer_shaped

    return decorator


def _compiled_pages(alias: str) -> OrderedDict:
    """The compiled pages of this thread's connection (kept on it: converters are bound to it, as in
    common.compiled)."""
    return connections[alias].__dict__.setdefault(_COMPILED_PAGES, OrderedDict())


def _compile_page(page: QuerySet) -> _CompiledPage:
    """A `.values()` page's query, compiled as ValuesIterable would and kept as it is."""
    query = page.query
    compiler = query.get_compiler(using=page.db)
    sql, params = compiler.as_sql()
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    return _CompiledPage(
        sql=sql,
        params=tuple(params),
        # The names ValuesIterable gives the columns.
        names=tuple(query.selected)
        if query.selected
        else (*query.extra_select, *query.values_select, *query.annotation_select),
        compiler=compiler,
        converters={
            position: ([_json_read_by_orjson(function) for function in functions], expression)
            for position, (functions, expression) in compiler.get_converters(fields).items()
        },
    )


_LONG_DIGITS = re.compile(r"[0-9]{19}")


def _json_read_by_orjson(converter: Callable) -> Callable:
    """A JSONField's own reading of its column (json.loads, no decoder of its own) done by orjson: the same values
    from the same text, several times faster; a list's page reads a few of them per row. What orjson refuses (NaN,
    lone surrogates) or would read otherwise (integers beyond 64 bits), and any value that is not text, the field
    reads itself, as before."""
    field = getattr(converter, "__self__", None)
    if not (isinstance(field, JSONField) and converter.__func__ is JSONField.from_db_value and field.decoder is None):
        return converter

    def from_db_value(value, expression, connection):
        # orjson reads an integer beyond 64 bits as a float: such text (or any long run of digits) is left to json.
        if type(value) is str and not _LONG_DIGITS.search(value):
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                pass
        return converter(value, expression, connection)

    return from_db_value


def pop_count(items: list) -> int:
    """The count the page's rows carry (COUNT_COLUMN), taken off each (dicts, or model instances)."""
    count = None
    for item in items:
        if isinstance(item, dict):
            count = item.pop(COUNT_COLUMN)
        else:
            count = getattr(item, COUNT_COLUMN)
            delattr(item, COUNT_COLUMN)
    return count
