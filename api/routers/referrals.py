from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from accounts.models import User
from api.pagination import Deferred, PageNumber, paginate
from api.schemas import Id, blank_or, one_of
from common.exceptions import NotFound
from distribution import selectors as distribution_selectors
from inventory.enums import DeviceKind
from notifications import services as message_selectors
from notifications.enums import Channel, MessageKind, MessageStatus
from notifications.services import reason_words
from referrals import policies, selectors, services, workflows
from referrals.enums import (
    Accessory,
    Connectivity,
    DuplicateFlag,
    Eligibility,
    Reason,
    ReferralEventKind,
    ReferralStatus,
    Urgency,
)
from referrals.models import Referral, initial
from sites.selectors import site_by_code

router = Router(tags=["referrals"])

Decision = one_of(*workflows.DECISIONS)


class BeneficiaryIn(Schema):
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    postal_code: str = Field(max_length=5)
    birth_year: int
    language: str = Field("fr", max_length=3)
    accessibility_needs: str = Field("", max_length=200)
    eligibility: list[Eligibility] = Field(default_factory=list, max_length=10)
    eligibility_note: str = Field("", max_length=200)
    sms_consent: bool = Field(False, description="The person agreed to SMS about the kit (ready, reminders).")
    sms_phone: str = Field(
        "", max_length=30, description="The number for those SMS, may be a relative's; the person's phone if empty."
    )


class BeneficiaryPatch(Schema):
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    postal_code: str | None = Field(None, max_length=5)
    birth_year: int | None = None
    language: str | None = Field(None, max_length=3)
    accessibility_needs: str | None = Field(None, max_length=200)
    eligibility: list[Eligibility] | None = Field(None, max_length=10)
    eligibility_note: str | None = Field(None, max_length=200)
    sms_consent: bool | None = None
    sms_phone: str | None = Field(None, max_length=30)


class NeedsIn(Schema):
    device_kinds: list[DeviceKind] = Field(default_factory=list, max_length=5)
    connectivity: Connectivity = Connectivity.NONE
    accessories: list[Accessory] = Field(default_factory=list, max_length=10)


class NeedsPatch(Schema):
    device_kinds: list[DeviceKind] | None = Field(None, max_length=5)
    connectivity: Connectivity | None = None
    accessories: list[Accessory] | None = Field(None, max_length=10)


class ReferralIn(Schema):
    beneficiary: BeneficiaryIn
    needs: NeedsIn
    reason: Reason
    urgency: Urgency = Urgency.NORMAL
    urgency_justification: str = Field("", max_length=500)
    site: str = Field(description="Code of the reception point where the person will collect the kit.")
    notes: str = Field("", max_length=2000)
    consent: bool | None = Field(None, description="The person consented to Bagage keeping these details.")
    consent_version: str | None = Field(
        None, max_length=20, description="The information notice the person was given; the current one if omitted."
    )


class ReferralPatch(Schema):
    beneficiary: BeneficiaryPatch | None = None
    needs: NeedsPatch | None = None
    reason: Reason | None = None
    urgency: Urgency | None = None
    urgency_justification: str | None = Field(None, max_length=500)
    site: str | None = None
    notes: str | None = Field(None, max_length=2000)


class DecisionIn(Schema):
    decision: Decision
    reason: str = Field("", max_length=2000, description="Required to reject or ask for information.")


class AnswerIn(Schema):
    answer: str = Field(min_length=1, max_length=2000)


class CancelIn(Schema):
    reason: str = Field("", max_length=2000)


# The list's models (and what they nest) are plain pydantic models: a page's rows are dicts, validated without
# ninja's per-attribute getter, which costs more than the query on a page of fifty.
class NeedsOut(BaseModel):
    device_kinds: list[DeviceKind]
    connectivity: Connectivity
    accessories: list[Accessory]


class BeneficiaryOut(Schema):
    first_name: str
    last_name: str
    phone: str
    email: str
    postal_code: str
    birth_year: int
    language: str
    accessibility_needs: str
    eligibility: list[Eligibility]
    eligibility_note: str
    consent_given_at: datetime
    consent_version: str = Field(description="The information notice the person was given (GET /notice).")
    sms_consent: bool
    sms_phone: str

    @staticmethod
    def resolve_consent_version(person) -> str:
        return person.consent_version_id


class BeneficiarySummaryOut(BaseModel):
    first_name: str
    last_name: str = Field(description="Full for the referring organisation; an initial for staff.")
    postal_code: str
    birth_year: int


class OrganisationRefOut(BaseModel):
    id: int
    name: str


class DuplicateOut(Schema):
    id: int
    status: ReferralStatus
    organisation: str
    site: str
    submitted_at: datetime


class ReferralSummaryOut(BaseModel):
    id: int
    status: ReferralStatus
    beneficiary: BeneficiarySummaryOut
    needs: NeedsOut
    reason: Reason
    urgency: Urgency
    site: str
    organisation: OrganisationRefOut
    decision_reason: str
    submitted_at: datetime
    possible_duplicate: bool = Field(description="The same person has another referral you may open.")
    duplicate_elsewhere: bool = Field(
        description="Possibly referred elsewhere too, beyond what you may open (staff only; never which organisation)."
    )


class ReferralOut(Schema):
    id: int
    status: ReferralStatus
    beneficiary: BeneficiaryOut
    needs: NeedsOut
    reason: Reason
    urgency: Urgency
    urgency_justification: str
    site: str
    organisation: OrganisationRefOut
    social_worker: str
    notes: str
    decision_reason: str
    decided_at: datetime | None
    submitted_at: datetime
    updated_at: datetime
    consent: bool
    handed_over_at: datetime | None = Field(description="When the kit was handed over (the receipt is the charity's).")
    possible_duplicates: list[DuplicateOut]
    duplicate_elsewhere: bool
    allowed_actions: list[str]


class ReferralFilters(Schema):
    # Filters are strings, as they always were (an unknown value finds nothing): the descriptions list the values.
    status: str | None = Field(
        None, description=f"One status or several, comma-separated: {', '.join(ReferralStatus.values)}."
    )
    site: str | None = None
    urgency: str | None = Field(None, description=f"One of: {', '.join(Urgency.values)}.")
    organisation: Id | None = None
    q: str | None = Field(None, description="Part of the beneficiary's first or last name.")
    answered: bool = Field(
        False, description="Only the submitted referrals whose social worker answered a question (to decide again)."
    )


class EventOut(Schema):
    at: datetime
    by: str | None
    kind: ReferralEventKind
    from_status: blank_or(ReferralStatus) = Field(description='"" for the submission.')
    to_status: ReferralStatus
    note: str


class MessageOut(Schema):
    channel: Channel
    to: str = Field(alias="recipient_masked", description="Masked: enough to recognise, not to copy.")
    kind: MessageKind
    status: one_of("queued", "sent", "failed", "skipped")
    at: datetime = Field(description="When it was sent, failed, or was queued.")
    reason: str = Field(alias="error", description='Why it failed or was skipped (a code), else "".')
    reason_text: str = Field(description="The reason in words.")

    @staticmethod
    def resolve_status(message) -> str:
        return MessageStatus.QUEUED if message.status == MessageStatus.SENDING else message.status

    @staticmethod
    def resolve_reason_text(message) -> str:
        return reason_words(message.error) if message.status in (MessageStatus.FAILED, MessageStatus.SKIPPED) else ""


class AccessOut(Schema):
    at: datetime
    user: str = Field(alias="user.username")
    referral: int = Field(alias="referral_id")
    action: str


def summary(referral: Referral, user: User) -> dict:
    """The list's answer for one referral, from the model instance read as the list reads its rows."""
    return summary_row(selectors.referral_row(referral), user)


# The duplicate flags' bits as plain integers: `&` with an IntFlag member builds a flag (0.7 µs), twice a row.
_HERE, _ELSEWHERE = DuplicateFlag.HERE.value, DuplicateFlag.ELSEWHERE.value


def summary_row(row: dict, user: User) -> dict:
    """A referral as the list shows it, from a row of selectors.referral_rows (and the duplicate flags): as
    ReferralSummaryOut writes it, its fields in its order (the list answers it without validating it again)."""
    initial_only = policies.is_staff_reader(user)
    last_name = row["beneficiary__last_name"]
    return {
        "id": row["id"],
        "status": row["status"],
        "beneficiary": {
            "first_name": row["beneficiary__first_name"],
            "last_name": initial(last_name) if initial_only else last_name,
            "postal_code": row["beneficiary__postal_code"],
            "birth_year": row["beneficiary__birth_year"],
        },
        "needs": {
            "device_kinds": row["device_kinds"],
            "connectivity": row["connectivity"],
            "accessories": row["accessories"],
        },
        "reason": row["reason"],
        "urgency": row["urgency"],
        "site": row["site__code"],
        "organisation": {"id": row["organisation_id"], "name": row["organisation__name"]},
        "decision_reason": row["decision_reason"],
        "submitted_at": row["submitted_at"],
        "possible_duplicate": bool(row["duplicate_flags"] & _HERE),
        "duplicate_elsewhere": bool(row["duplicate_flags"] & _ELSEWHERE),
    }


def detail(request: HttpRequest, referral_id: Id, action: str = "read") -> dict:
    """The whole referral; when staff read it, the access is logged."""
    user = request.auth
    referral = selectors.referral_get(user, referral_id)
    if referral is None:
        raise NotFound(f"No referral #{referral_id}.")
    services.beneficiary_access_record(user=user, referral=referral, action=action)
    duplicates = [
        {
            "id": d.pk,
            "status": d.status,
            "organisation": d.organisation.name,
            "site": d.site.code,
            "submitted_at": d.submitted_at,
        }
        for d in selectors.possible_duplicates(user, referral)
    ]
    return {
        **summary(referral, user),
        "beneficiary": referral.beneficiary,
        "urgency_justification": referral.urgency_justification,
        "social_worker": referral.social_worker.get_full_name() or referral.social_worker.username,
        "notes": referral.notes,
        "decided_at": referral.decided_at,
        "updated_at": referral.updated_at,
        "consent": True,
        "handed_over_at": handed_over_at(referral),
        "possible_duplicates": duplicates,
        "allowed_actions": policies.referral_actions(user, referral),
    }


def handed_over_at(referral: Referral) -> datetime | None:
    """The first kit's handover, for everyone who may read the referral (never the receipt itself)."""
    if referral.status != ReferralStatus.HANDED_OVER:
        return None
    return distribution_selectors.first_handover_at(referral)


def get_referral(request: HttpRequest, referral_id: Id) -> Referral:
    referral = policies.referrals_for(request.auth).filter(pk=referral_id).first()
    if referral is None:
        raise NotFound(f"No referral #{referral_id}.")
    return referral


@router.post("/referrals", response={201: ReferralOut})
def referral_create(request: HttpRequest, payload: ReferralIn):
    """Refer a person who consented (social workers). They wait for a mediator of the chosen site."""
    user = policies.require(request.auth, "referral.submit")
    data = payload.model_dump()
    referral = services.referral_submit(
        user=user,
        beneficiary=data["beneficiary"],
        **data["needs"],
        reason=payload.reason,
        urgency=payload.urgency,
        urgency_justification=payload.urgency_justification,
        site=site_by_code(payload.site),
        notes=payload.notes,
        consent=payload.consent,
        consent_version=payload.consent_version,
    )
    return Status(201, detail(request, referral.pk))


@router.get("/referrals", response=list[ReferralSummaryOut])
@paginate(
    PageNumber,
    # The duplicate flags with the page's rows, in its query; the count reads the referrals alone.
    rows=lambda referrals, request: selectors.referral_rows(selectors.with_duplicates(request.auth, referrals)),
    transform=lambda row, request: summary_row(row, request.auth),
    shaped=True,
)
def referral_list(request: HttpRequest, filters: Query[ReferralFilters]):
    """Referrals you may see: your organisation's (social workers), your site's validated partners'
    (mediators), all (coordinators). Most urgent, then longest waiting, first."""
    user = policies.require(request.auth, "referral.read")
    return Deferred(lambda: selectors.referral_list(user, **filters.model_dump()))


@router.get("/referrals/{referral_id}", response=ReferralOut)
def referral_read(request: HttpRequest, referral_id: Id):
    """One referral with the beneficiary's details. Staff reads are logged."""
    policies.require(request.auth, "referral.read")
    return detail(request, referral_id)


@router.patch("/referrals/{referral_id}", response=ReferralOut)
def referral_update(request: HttpRequest, referral_id: Id, payload: ReferralPatch):
    """Correct a referral while it is submitted or waiting for information (its social workers)."""
    user = policies.require(request.auth, "referral.update")
    changes = payload.model_dump(exclude_unset=True)
    for nested in ("beneficiary", "needs"):
        if changes.get(nested):
            changes[nested] = {k: v for k, v in changes[nested].items() if v is not None}
    if "site" in changes:
        changes["site"] = site_by_code(changes["site"]) if changes["site"] is not None else None
    services.referral_update(user=user, referral=get_referral(request, referral_id), changes=changes)
    return detail(request, referral_id)


@router.post("/referrals/{referral_id}/decision", response=ReferralOut)
def referral_decide(request: HttpRequest, referral_id: Id, payload: DecisionIn):
    """Accept, reject or ask for information (mediators, coordinators). The reason is shown to the social worker."""
    user = policies.require(request.auth, "referral.decide")
    services.referral_decide(
        user=user, referral=get_referral(request, referral_id), decision=payload.decision, reason=payload.reason
    )
    return detail(request, referral_id, action="decide")


@router.post("/referrals/{referral_id}/answer", response=ReferralOut)
def referral_answer(request: HttpRequest, referral_id: Id, payload: AnswerIn):
    """Answer the mediator's question; the referral goes back to the mediators (social workers)."""
    user = policies.require(request.auth, "referral.answer")
    services.referral_answer(user=user, referral=get_referral(request, referral_id), answer=payload.answer)
    return detail(request, referral_id)


@router.post("/referrals/{referral_id}/cancel", response=ReferralOut)
def referral_cancel(request: HttpRequest, referral_id: Id, payload: CancelIn):
    """Withdraw a referral (its social workers, or a coordinator)."""
    user = policies.require(request.auth, "referral.cancel")
    services.referral_cancel(user=user, referral=get_referral(request, referral_id), reason=payload.reason)
    return detail(request, referral_id, action="cancel")


@router.get("/referrals/{referral_id}/events", response=list[EventOut])
def referral_events(request: HttpRequest, referral_id: Id):
    """Every submission, change and decision, oldest first."""
    user = policies.require(request.auth, "referral.read")
    referral = get_referral(request, referral_id)
    services.beneficiary_access_record(user=user, referral=referral, action="events")
    return [
        {
            "at": e.at,
            "by": (e.by.get_full_name() or e.by.username) if e.by else None,
            "kind": e.kind,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "note": e.note,
        }
        for e in selectors.referral_events(referral)
    ]


@router.get("/referrals/{referral_id}/messages", response=list[MessageOut])
def referral_messages(request: HttpRequest, referral_id: Id):
    """The e-mails and SMS about this referral, oldest first (whoever may read the referral)."""
    policies.require(request.auth, "referral.read")
    return message_selectors.referral_messages(get_referral(request, referral_id).pk)


@router.post("/referrals/{referral_id}/sms-stop", response=ReferralOut)
def referral_sms_stop(request: HttpRequest, referral_id: Id):
    """The person said "stop": no more SMS to them (mediators, coordinators)."""
    services.beneficiary_sms_stop(user=request.auth, referral=get_referral(request, referral_id))
    return detail(request, referral_id, action="sms_stop")


@router.get("/access-log", response=list[AccessOut])
@paginate(PageNumber)
def access_log(request: HttpRequest, referral: Id | None = None, user: str | None = None):
    """Who read which beneficiary's details, and when (coordinators)."""
    policies.require(request.auth, "access_log.read")
    return selectors.access_log(referral=referral, user=user)
