"""Referrals: a social worker's submission and corrections, a mediator's decision, the life cycle.

Each write runs in one transaction, locks the referral and writes its history row.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import FieldErrors
from common.integrity import atomic, holds_lock
from common.workflows import Transition, advance
from referrals import policies
from referrals.enums import EDITABLE_STATES, OPEN_STATES, Authorisation, ReferralEventKind, ReferralStatus, Urgency
from referrals.exceptions import Conflict, NotAllowed, NotFound, QuotaReached, ValidationFailed
from referrals.messaging import referral_event_notify
from referrals.models import (
    REFERRAL_MOVE,
    Beneficiary,
    BeneficiaryAccess,
    NoticeVersion,
    Organisation,
    Referral,
    ReferralEvent,
)
from referrals.notices import current_notice, notice_get
from referrals.validators import clean_beneficiary, clean_consent, clean_needs, clean_request, referral_field_errors
from referrals.workflows import DECISIONS, REFERRAL_WORKFLOW
from sites.models import Site


def _reception_point(site: Site | None) -> Site:
    if site is None or not site.is_reception_point or not site.is_active:
        raise ValidationFailed(
            _("Choose a reception point where the person will collect the kit."), "invalid_site", field="site"
        )
    return site


def _notice(label: str | None) -> NoticeVersion:
    if not label:
        return current_notice()
    notice = notice_get(label.strip())
    if notice is None:
        raise ValidationFailed(
            _("No information notice has the version %(version)s.") % {"version": label},
            "unknown_notice_version",
            field="consent_version",
        )
    return notice


def _event(referral: Referral, user, kind: str, from_status: str = "", note: str = "", data=None) -> ReferralEvent:
    return ReferralEvent.objects.create(
        referral=referral,
        by=user,
        kind=kind,
        from_status=from_status,
        to_status=referral.status,
        note=note,
        data=data or {},
    )


@atomic
def referral_submit(
    *,
    user,
    beneficiary: Mapping[str, Any],
    device_kinds: list[str],
    connectivity: str,
    accessories: list[str] | None = None,
    reason: str,
    urgency: str = Urgency.NORMAL,
    urgency_justification: str = "",
    site: Site | None,
    notes: str = "",
    consent: bool,
    consent_version: str | None = None,
) -> Referral:
    """A social worker refers a person who consented; the referral waits for a mediator.

    `consent_version` names the information notice the person was given; without it, the current one.
    """
    policies.require(user, "referral.submit", _("Referrals are submitted by social workers of partner organisations."))
    # Every wrong field is told at once, in the form's order: the person, the needs, the request, the reception
    # point, the consent and the notice it was given with.
    clean, errors = referral_field_errors(
        beneficiary=beneficiary,
        device_kinds=device_kinds,
        connectivity=connectivity,
        accessories=accessories or [],
        reason=reason,
        urgency=urgency,
        urgency_justification=urgency_justification,
    )
    site = errors.check(_reception_point, site)
    errors.check(clean_consent, consent)
    notice = errors.check(_notice, consent_version)
    errors.raise_if_any()
    person, needs, request = clean["beneficiary"], clean["needs"], clean["request"]
    # Lock the organisation so that two referrals at once cannot both slip under the quota.
    organisation = Organisation.objects.select_for_update(of=("self",)).filter(memberships__user=user).first()
    if organisation is None:
        raise NotAllowed(_("Your account belongs to no partner organisation."), "no_organisation")
    if organisation.authorisation == Authorisation.REFUSED:
        raise NotAllowed(_("Your organisation is not authorised to refer people."), "organisation_refused")
    if organisation.open_referral_quota is not None:
        open_count = Referral.objects.filter(organisation=organisation, status__in=OPEN_STATES).count()
        if open_count >= organisation.open_referral_quota:
            raise QuotaReached(
                _("Your organisation has %(count)s open referrals, its quota is %(quota)s.")
                % {"count": open_count, "quota": organisation.open_referral_quota}
            )
    now = timezone.now()
    person_row = Beneficiary.objects.create(
        **person,
        consent_given_at=now,
        consent_recorded_by=user,
        consent_version=notice,
    )
    referral = Referral.objects.create(
        beneficiary=person_row,
        organisation=organisation,
        social_worker=user,
        site=site,
        notes=notes.strip(),
        submitted_at=now,
        status_changed_at=now,
        **needs,
        **request,
    )
    _event(referral, user, ReferralEventKind.SUBMITTED)
    return referral


def lock_referral(
    referral: Referral | int, user=None, action: str | None = None, related=("beneficiary", "organisation", "site")
) -> Referral:
    """The referral, row-locked; with `action`, only if `user` may do it (else 404, as for a guessed id).

    A referral its caller locked in this transaction already (`common.integrity.mark_locked`) is taken as it is.
    """
    if action is None and isinstance(referral, Referral) and holds_lock(referral):
        return referral
    pk = referral if isinstance(referral, int) else referral.pk
    referrals = policies.referrals_for(user, action) if action else Referral.objects.all()
    locked = referrals.select_for_update(of=("self",)).select_related(*related).filter(pk=pk).first()
    if locked is None:
        raise NotFound(_("No referral #%(id)s.") % {"id": pk})
    return locked


def _require_own(user, referral: Referral, action: str) -> None:
    policies.require(user, action, _("Only the referring organisation's social workers may do this."))
    if not policies.referrals_for(user, action).filter(pk=referral.pk).exists():
        raise NotAllowed(_("Only the referring organisation's social workers may do this."))


@atomic
def referral_update(*, user, referral: Referral, changes: Mapping[str, Any]) -> Referral:
    """The social worker corrects their referral while it is submitted or waiting for information."""
    _require_own(user, referral, "referral.update")
    referral = lock_referral(referral)
    if referral.status not in EDITABLE_STATES:
        raise Conflict(
            _("A referral that is %(status)s can no longer be changed.")
            % {"status": ReferralStatus(referral.status).label},
            "not_editable",
        )
    diff: dict[str, list] = {}
    # Every wrong field is told at once: each part is checked before anything changes.
    errors = FieldErrors()
    person = (
        errors.check(clean_beneficiary, changes["beneficiary"], partial_of=referral.beneficiary)
        if changes.get("beneficiary")
        else None
    )
    needs = None
    if changes.get("needs"):
        current = {name: getattr(referral, name) for name in ("device_kinds", "connectivity", "accessories")}
        needs = errors.check(clean_needs, **{**current, **changes["needs"]})
    request = None
    request_fields = {k: changes[k] for k in ("reason", "urgency", "urgency_justification") if k in changes}
    if request_fields:
        current = {name: getattr(referral, name) for name in ("reason", "urgency", "urgency_justification")}
        request = errors.check(clean_request, **{**current, **request_fields})
    site = errors.check(_reception_point, changes["site"]) if changes.get("site") is not None else None
    errors.raise_if_any()
    if person is not None:
        for name, value in person.items():
            if getattr(referral.beneficiary, name) != value:
                setattr(referral.beneficiary, name, value)
                if name not in ("identity_key", "phone_key"):
                    # The history says which fields changed, never their personal values.
                    diff[f"beneficiary.{name}"] = ["…", "…"]
        referral.beneficiary.save()
    for name, value in {**(needs or {}), **(request or {})}.items():
        if getattr(referral, name) != value:
            diff[name] = [getattr(referral, name), value]
            setattr(referral, name, value)
    if site is not None and site.pk != referral.site_id:
        diff["site"] = [referral.site.code, site.code]
        referral.site = site
    if changes.get("notes") is not None and changes["notes"].strip() != referral.notes:
        diff["notes"] = ["…", "…"]
        referral.notes = changes["notes"].strip()
    if diff:
        referral.save()
        _event(referral, user, ReferralEventKind.UPDATED, referral.status, data={"changed": sorted(diff)})
    return referral


def _run(referral: Referral, transition: Transition, user, *, note: str = "", decided: bool = False) -> Referral:
    """Apply a transition to a locked referral and write its history row: the one way a referral moves."""
    note = (note or "").strip()
    if transition.needs_note and not note:
        raise ValidationFailed(_("Say why: the social worker will read it."), "reason_required", field="reason")
    from_status = advance(
        referral,
        transition,
        refused=lambda: (
            _("Referral #%(id)s is %(status)s: “%(action)s” is not possible now.")
            % {
                "id": referral.pk,
                "status": ReferralStatus(referral.status).label,
                "action": transition.name.replace("_", " "),
            }
        ),
        blocked="; ".join,
    )
    row = ReferralEvent(
        referral=referral,
        by=user,
        kind=ReferralEventKind.TRANSITION,
        from_status=from_status,
        to_status=referral.status,
        note=note,
        data={"transition": transition.name},
    )
    if decided:
        referral.decision_reason, referral.decided_at, referral.decided_by = note, row.at, user
        Referral.objects.filter(pk=referral.pk).update(decision_reason=note, decided_at=row.at, decided_by=user)
    # The status, when it changed and the history row in one statement; locked, so it is as read.
    if not REFERRAL_MOVE.record(row):
        raise Conflict(
            _("Referral #%(id)s moved at the same instant; try again.") % {"id": referral.pk}, "moved_meanwhile"
        )
    referral.status_changed_at = referral.updated_at = row.at
    referral_event_notify(referral, transition.name, note)
    return referral


@atomic
def referral_decide(*, user, referral: Referral, decision: str, reason: str = "") -> Referral:
    """A mediator accepts, rejects (with a reason the social worker sees) or asks for information."""
    policies.require(user, "referral.decide", _("Only mediators and coordinators decide on referrals."))
    if decision not in DECISIONS:
        raise ValidationFailed(_("accept, reject or needs_info"), field="decision")
    referral = lock_referral(referral, user, "referral.decide")
    if referral.organisation.authorisation != Authorisation.VALIDATED:
        raise Conflict(_("The referring organisation is not validated yet."), "organisation_not_validated")
    return _run(referral, REFERRAL_WORKFLOW.get(DECISIONS[decision]), user, note=reason, decided=True)


@atomic
def referral_answer(*, user, referral: Referral, answer: str) -> Referral:
    """The social worker answers the mediator's question; the referral goes back to the mediators."""
    _require_own(user, referral, "referral.answer")
    if not (answer or "").strip():
        raise ValidationFailed(_("Write your answer to the mediator's question."), "answer_required", field="answer")
    return _run(lock_referral(referral), REFERRAL_WORKFLOW.get("answer"), user, note=answer)


@atomic
def referral_cancel(*, user, referral: Referral, reason: str = "") -> Referral:
    """The social worker (or a coordinator) withdraws the referral (the person moved, found a device…)."""
    policies.require(user, "referral.cancel", _("Only the referring organisation's social workers may do this."))
    referral = lock_referral(referral, user, "referral.cancel")
    return _run(referral, REFERRAL_WORKFLOW.get("cancel"), user, note=reason)


# --- distribution's transitions: called with the allocation or receipt behind them ----------------


@atomic
def referral_allocate(*, user, referral: Referral | int, note: str = "") -> Referral:
    """A kit is reserved for the referral (distribution's allocation service only)."""
    return _run(lock_referral(referral, related=()), REFERRAL_WORKFLOW.get("allocate"), user, note=note)


@atomic
def referral_release(*, user, referral: Referral | int, note: str = "") -> Referral:
    """The kit's hold is released: the referral waits for a kit again."""
    return _run(lock_referral(referral, related=()), REFERRAL_WORKFLOW.get("release"), user, note=note)


@atomic
def referral_hand_over(*, user, referral: Referral | int, note: str = "") -> Referral:
    """The kit is in the person's hands (distribution's handover service only)."""
    return _run(lock_referral(referral, related=()), REFERRAL_WORKFLOW.get("hand_over"), user, note=note)


@atomic
def referral_no_show(*, user, referral: Referral | int, note: str = "") -> Referral:
    """The person never came for the kit held for them, again (distribution's hold expiry only)."""
    return _run(lock_referral(referral, related=()), REFERRAL_WORKFLOW.get("no_show"), user, note=note)


@atomic
def referral_aftercare_record(
    *, user, referral: Referral | int, event: str, note: str = "", data=None
) -> ReferralEvent:
    """Write what happened after the handover into the referral's history (distribution's services only): a device
    brought back, a top-up, a swap or a repair reserved or handed over. The status does not change."""
    referral = lock_referral(referral, related=())
    return _event(
        referral, user, ReferralEventKind.AFTERCARE, referral.status, note, data={"event": event, **(data or {})}
    )


@atomic
def referrals_expire(*, now: dt.datetime | None = None) -> int:
    """Expire referrals left without an answer longer than BAGAGE_REFERRAL_EXPIRY_DAYS; return how many."""
    now = now or timezone.now()
    days = settings.BAGAGE_REFERRAL_EXPIRY_DAYS
    transition = REFERRAL_WORKFLOW.get("expire")
    stale = Referral.objects.select_for_update().filter(
        status__in=transition.sources, status_changed_at__lt=now - dt.timedelta(days=days)
    )
    count = 0
    for referral in stale:
        _run(referral, transition, None, note=f"no answer for {days} days")
        count += 1
    return count


def beneficiary_access_record(*, user, referral: Referral, action: str = "read") -> None:
    """Staff read a beneficiary's details: keep who and when (a coordinator can read this log)."""
    if policies.is_staff_reader(user):
        BeneficiaryAccess.objects.create(referral=referral, user=user, action=action)


# Rows written per INSERT when an export with names logs every referral it holds.
ACCESS_LOG_CHUNK = 1000


@atomic
def beneficiary_accesses_record(*, user, referral_ids, action: str = "export") -> int:
    """A coordinator exported beneficiaries' names: one log row per referral, written in chunks before any row
    leaves (an export cut short is still logged in full). Returns the number of rows logged."""
    policies.require(user, "referral.export_names")
    at = timezone.now()
    count = 0
    chunk: list[BeneficiaryAccess] = []
    for referral_id in referral_ids:
        chunk.append(BeneficiaryAccess(referral_id=referral_id, user=user, at=at, action=action))
        if len(chunk) >= ACCESS_LOG_CHUNK:
            BeneficiaryAccess.objects.bulk_create(chunk)
            count += len(chunk)
            chunk = []
    if chunk:
        BeneficiaryAccess.objects.bulk_create(chunk)
        count += len(chunk)
    return count


@atomic
def beneficiary_sms_stop(*, user, referral: Referral | int) -> Referral:
    """The person said "stop": no more SMS to them (a mediator records it; the history keeps who and when)."""
    policies.require(user, "referral.decide", _("Only mediators and coordinators record a stop."))
    referral = lock_referral(referral, user, "referral.decide")
    person = referral.beneficiary
    if person.sms_consent:
        person.sms_consent = False
        person.sms_stopped_at = timezone.now()
        person.save(update_fields=["sms_consent", "sms_stopped_at"])
        _event(referral, user, ReferralEventKind.UPDATED, referral.status, data={"changed": ["sms_consent"]})
    return referral
