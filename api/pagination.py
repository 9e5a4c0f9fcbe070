"""Page-number pagination: one COUNT and one page query, whatever the page size.

An operation declares `response=list[ItemOut]`, is decorated with `@paginate(PageNumber)` and returns a
queryset; the answer is `{"count", "page", "page_size", "pages", "items"}` and the `page` / `page_size`
query parameters are added to the operation.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PaginationBase, paginate
from pydantic import Field

__all__ = ["MAX_PAGE", "MAX_PAGE_SIZE", "PageNumber", "paginate"]

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


class PageNumber(PaginationBase):
    """Pages numbered from 1; `transform(item, request)`, when given, turns each row of the page into its answer."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        count: int
        page: int
        page_size: int
        pages: int
        items: list[Any]

    def __init__(self, *, transform: Callable[[Any, HttpRequest], Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.transform = transform

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any) -> dict:
        count = self._items_count(queryset)
        start = (pagination.page - 1) * pagination.page_size
        items = list(queryset[start : start + pagination.page_size])
        if self.transform is not None:
            items = [self.transform(item, request) for item in items]
        return {
            "count": count,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "pages": max(1, -(-count // pagination.page_size)),
            "items": items,
        }
