"""Page-number pagination: one bounded COUNT and one page query, whatever the page size or the table's size.

An operation declares `response=list[ItemOut]`, is decorated with `@paginate(PageNumber)` and returns a
queryset; the answer is `{"count", "page", "page_size", "pages", "items"}` and the `page` / `page_size` /
`count` query parameters are added to the operation.

Counting a whole table costs as much as the table is big, and lists grow year after year. So `count` is
exact up to EXACT_COUNT_LIMIT matches (the count stops reading there: `SELECT COUNT(*) FROM (… LIMIT n)`);
beyond, `count` and `pages` are null unless the client asks `?count=true`. A short page (fewer items than
`page_size`) is always the last one.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PaginationBase, paginate
from pydantic import Field

__all__ = ["EXACT_COUNT_LIMIT", "MAX_PAGE", "MAX_PAGE_SIZE", "PageNumber", "paginate"]

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
EXACT_COUNT_LIMIT = 1_000


class PageNumber(PaginationBase):
    """Pages numbered from 1. `rows(queryset)`, when given, turns the view's queryset into the page's rows
    (`.values(...)`, say): the count reads the view's queryset alone, without the joins only the rows need.
    `prepare(items, request)` completes the page's rows at once (one query for the whole page, say); then
    `transform(item, request)` turns each row into its answer."""

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
        rows: Callable[[QuerySet], QuerySet] | None = None,
        prepare: Callable[[list, HttpRequest], list] | None = None,
        transform: Callable[[Any, HttpRequest], Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.rows = rows
        self.prepare = prepare
        self.transform = transform

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any) -> dict:
        count = self.count(queryset, exact=pagination.count)
        start = (pagination.page - 1) * pagination.page_size
        if self.rows is not None:
            queryset = self.rows(queryset)
        items = list(queryset[start : start + pagination.page_size])
        if self.prepare is not None:
            items = self.prepare(items, request)
        if self.transform is not None:
            items = [self.transform(item, request) for item in items]
        return {
            "count": count,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "pages": None if count is None else max(1, -(-count // pagination.page_size)),
            "items": items,
        }

    @staticmethod
    def count(queryset: QuerySet, *, exact: bool) -> int | None:
        """The number of rows, reading at most EXACT_COUNT_LIMIT + 1 of them unless `exact`."""
        # Only the primary keys, unordered: no annotation, join for ordering or sort is computed to count.
        keys = queryset.order_by().values("pk")
        if exact:
            return keys.count()
        found = keys[: EXACT_COUNT_LIMIT + 1].count()
        return found if found <= EXACT_COUNT_LIMIT else None
