from common.exceptions import Conflict, DomainError, InvalidTransition, NotAllowed, NotFound, ValidationFailed

__all__ = [
    "Conflict",
    "DomainError",
    "DuplicateDevice",
    "DuplicateLineItem",
    "InvalidTransition",
    "NotAllowed",
    "NotFound",
    "ValidationFailed",
]


class DuplicateDevice(Conflict):
    code = "duplicate_device"


class DuplicateLineItem(Conflict):
    code = "duplicate_line_item"
