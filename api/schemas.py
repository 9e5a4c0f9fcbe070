"""Schemas shared by several routers."""

from ninja import Schema


class ErrorOut(Schema):
    detail: str
    code: str


class MessageOut(Schema):
    detail: str
