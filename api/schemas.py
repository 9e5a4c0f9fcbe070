"""Schemas shared by several routers."""

from typing import Annotated

from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    detail: str
    code: str


# A database id: positive and within a 64-bit integer, so that a wild number answers 422,
# not a database overflow.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
