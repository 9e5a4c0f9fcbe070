"""Schemas shared by several routers."""

from typing import Annotated, Literal

from django.db.models import TextChoices
from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    detail: str
    code: str


# A database id: positive and within a 64-bit integer, so that a wild number answers 422,
# not a database overflow.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def one_of(*values: str) -> object:
    """A string among `values` (plain strings or members of a TextChoices), an enum in the OpenAPI schema."""
    return Literal[tuple(getattr(value, "value", value) for value in values)]


def blank_or(choices: type[TextChoices]) -> object:
    """One of `choices`, or "" where the model's field is blank (not recorded yet)."""
    return choices | Literal[""]
