from common.exceptions import Conflict, DomainError, InvalidTransition, NotAllowed, NotFound, ValidationFailed

__all__ = ["Conflict", "DomainError", "InvalidTransition", "NotAllowed", "NotFound", "QuotaReached", "ValidationFailed"]


class QuotaReached(Conflict):
    code = "quota_reached"
