from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from api.pagination import PageNumber, paginate
from api.schemas import Id, Instant, one_of
from audit import policies, selectors

router = Router(tags=["audit"])


class AuditFilters(Schema):
    user: Id | None = Field(None, description="Only the changes made by this account (id).")
    object_type: one_of(*selectors.OBJECT_TYPES) | None = None  # type: ignore[valid-type]
    object_id: Id | None = Field(None, description="Only the changes of this object (id, with object_type).")
    from_: Instant | None = Field(None, alias="from", description="From this instant (included).")
    to: Instant | None = Field(None, description="Until this instant (excluded).")


class AuditEntryOut(Schema):
    at: datetime
    by_id: int | None
    by: str
    object_type: str
    object_id: int
    action: str
    from_status: str
    to_status: str
    note: str


@router.get("/audit", response=list[AuditEntryOut])
@paginate(PageNumber, transform=lambda row, request: selectors.entry_out(row))
def audit_list(request: HttpRequest, filters: Query[AuditFilters]):
    """Every state change (devices, connectivity lines, referrals, organisations, allocations, handovers,
    accounts), newest first. Coordinators only; the history is append-only. Reads of a person's details are no
    changes: they are in the access log."""
    policies.require(request.auth, "audit.read")
    return selectors.audit_entries(
        user_id=filters.user,
        object_type=filters.object_type,
        object_id=filters.object_id,
        since=filters.from_,
        until=filters.to,
    )
