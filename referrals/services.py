"""Every write on partners and referrals, in one transaction each, with its history row."""

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as stdnum_siret

from accounts.enums import Role
from accounts.models import User
from inventory.enums import DeviceKind
from inventory.models import Site
from referrals import workflows
from referrals.enums import (
    EDITABLE_STATES,
    OPEN_STATES,
    Accessory,
    Authorisation,
    Connectivity,
    Eligibility,
    OrganisationKind,
    Reason,
    ReferralEventKind,
    ReferralStatus,
    Urgency,
)
from referrals.exceptions import Conflict, InvalidTransition, NotAllowed, QuotaReached, ValidationFailed
from referrals.models import (
    AuthorisationDecision,
    Beneficiary,
    BeneficiaryAccess,
    Organisation,
    Referral,
    ReferralEvent,
)

DECIDERS = (Role.MEDIATOR, Role.COORDINATOR)
BENEFICIARY_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "email",
    "postal_code",
    "birth_year",
    "language",
    "accessibility_needs",
    "eligibility",
    "eligibility_note",
)


# --- partner organisations ---------------------------------------------------------------------


def department_of(postal_code: str) -> str:
    if postal_code.startswith("97") or postal_code.startswith("98"):
        return postal_code[:3]
    if postal_code.startswith("20"):
        return "2A" if postal_code < "20200" else "2B"
    return postal_code[:2]


def clean_siret(value: str) -> str:
    """A SIRET with valid check digits (La Poste's establishments follow their own rule: stdnum knows it)."""
    try:
        return stdnum_siret.validate(value)
    except StdnumError as exc:
        raise ValidationFailed(
            _("%(value)s is not a valid SIRET.") % {"value": value}, "invalid_siret", field="siret"
        ) from exc


def clean_postal_code(value: str) -> str:
    value = (value or "").strip()
    if not re.fullmatch(r"[0-9]{5}", value) or value.startswith("00"):
        raise ValidationFailed(_("A French postal code has 5 digits."), "invalid_postal_code", field="postal_code")
    return value


@transaction.atomic
def organisation_create(
    *, user: User, name: str, kind: str, siret: str, postal_code: str, open_referral_quota: int | None = None
) -> Organisation:
    """Register a partner organisation; it waits for a coordinator's authorisation."""
    if not user.has_role(Role.COORDINATOR, Role.MEDIATOR):
        raise NotAllowed(_("Only staff register partner organisations."))
    if not name.strip():
        raise ValidationFailed(_("The name is required."), field="name")
    if kind not in OrganisationKind.values:
        raise ValidationFailed(_("One of: %(values)s.") % {"values": ", ".join(OrganisationKind.values)}, field="kind")
    siret = clean_siret(siret)
    postal_code = clean_postal_code(postal_code)
    existing = Organisation.objects.filter(siret=siret).first()
    if existing:
        raise Conflict(
            _("%(name)s has this SIRET already.") % {"name": existing.name}, "duplicate_siret", existing_id=existing.pk
        )
    return Organisation.objects.create(
        name=name.strip(),
        kind=kind,
        siret=siret,
        postal_code=postal_code,
        department=department_of(postal_code),
        open_referral_quota=open_referral_quota,
        created_by=user,
    )


@transaction.atomic
def organisation_authorise(*, user: User, organisation: Organisation, status: str, note: str = "") -> Organisation:
    """A coordinator validates or refuses a partner; each decision is kept."""
    if not user.has_role(Role.COORDINATOR):
        raise NotAllowed(_("Only coordinators decide on partner organisations."))
    if status not in (Authorisation.VALIDATED, Authorisation.REFUSED):
        raise ValidationFailed(_("validated or refused"), field="status")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    now = timezone.now()
    organisation.authorisation = status
    organisation.authorised_at = now
    organisation.authorised_by = user
    organisation.save(update_fields=["authorisation", "authorised_at", "authorised_by"])
    AuthorisationDecision.objects.create(organisation=organisation, status=status, by=user, at=now, note=note)
    return organisation


# --- beneficiaries -----------------------------------------------------------------------------


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", text)


def normalise_phone(value: str) -> str:
    """+33… for a French number written 06 12 34 56 78; other international numbers as given."""
    digits = re.sub(r"[\s.\-()/]", "", value or "")
    if not digits:
        return ""
    if re.fullmatch(r"0[1-9][0-9]{8}", digits):
        return "+33" + digits[1:]
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if re.fullmatch(r"\+[1-9][0-9]{7,14}", digits):
        return digits
    raise ValidationFailed(
        _("Write a French number (06 12 34 56 78) or an international one (+…)."),
        "invalid_phone",
        field="beneficiary.phone",
    )


def clean_beneficiary(data: Mapping[str, Any], *, partial_of: Beneficiary | None = None) -> dict:
    """Check the beneficiary's details; with `partial_of`, only the fields given change."""
    merged = {name: getattr(partial_of, name) for name in BENEFICIARY_FIELDS} if partial_of else {}
    merged.update({k: v for k, v in data.items() if k in BENEFICIARY_FIELDS})
    clean: dict[str, Any] = {}

    def fail(field: str, message: str, code: str = "invalid_beneficiary"):
        raise ValidationFailed(message, code, field=f"beneficiary.{field}")

    for field in ("first_name", "last_name"):
        value = (merged.get(field) or "").strip()
        if not value:
            fail(field, _("Required."))
        if len(value) > 100:
            fail(field, _("At most 100 characters."))
        clean[field] = value
    clean["phone"] = normalise_phone(merged.get("phone") or "")
    email = (merged.get("email") or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            fail("email", _("Not a valid e-mail address."), "invalid_email")
    clean["email"] = email
    if not clean["phone"] and not clean["email"]:
        fail("phone", _("Give a phone number or an e-mail address, or both."), "contact_required")
    try:
        clean["postal_code"] = clean_postal_code(merged.get("postal_code") or "")
    except ValidationFailed:
        fail("postal_code", _("A French postal code has 5 digits."), "invalid_postal_code")
    year = merged.get("birth_year")
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not (this_year - 110 <= year <= this_year - 15):
        fail(
            "birth_year",
            _("A year between %(first)s and %(last)s.") % {"first": this_year - 110, "last": this_year - 15},
        )
    clean["birth_year"] = year
    language = (merged.get("language") or "fr").strip().lower()
    if not re.fullmatch(r"[a-z]{2,3}", language):
        fail("language", _("An ISO 639 code such as fr, en, ar, uk."))
    clean["language"] = language
    accessibility = (merged.get("accessibility_needs") or "").strip()
    if len(accessibility) > 200:
        fail("accessibility_needs", _("At most 200 characters (no health details: only what helps give the kit)."))
    clean["accessibility_needs"] = accessibility
    eligibility = list(dict.fromkeys(merged.get("eligibility") or []))
    unknown = [e for e in eligibility if e not in Eligibility.values]
    if not eligibility or unknown:
        fail("eligibility", _("Tick at least one criterion."))
    clean["eligibility"] = eligibility
    note = (merged.get("eligibility_note") or "").strip()
    if Eligibility.OTHER in eligibility and not note:
        fail("eligibility_note", _("Say which criterion when choosing “other”."), "eligibility_note_required")
    clean["eligibility_note"] = note[:200]
    clean["identity_key"] = f"{_fold(clean['last_name'])}|{_fold(clean['first_name'])}|{year}|{clean['postal_code']}"
    clean["phone_key"] = clean["phone"]
    return clean


# --- referrals ---------------------------------------------------------------------------------


def clean_needs(*, device_kinds: list[str], connectivity: str, accessories: list[str]) -> dict:
    kinds = list(dict.fromkeys(device_kinds or []))
    if any(kind not in DeviceKind.values for kind in kinds):
        raise ValidationFailed(
            _("Among: %(values)s.") % {"values": ", ".join(DeviceKind.values)}, field="needs.device_kinds"
        )
    if connectivity not in Connectivity.values:
        raise ValidationFailed(
            _("One of: %(values)s.") % {"values": ", ".join(Connectivity.values)}, field="needs.connectivity"
        )
    if not kinds and connectivity == Connectivity.NONE:
        raise ValidationFailed(_("Ask for a device, connectivity, or both."), "empty_needs", field="needs")
    extras = list(dict.fromkeys(accessories or []))
    if any(item not in Accessory.values for item in extras):
        raise ValidationFailed(
            _("Among: %(values)s.") % {"values": ", ".join(Accessory.values)}, field="needs.accessories"
        )
    return {"device_kinds": kinds, "connectivity": connectivity, "accessories": extras}


def clean_request(*, reason: str, urgency: str, urgency_justification: str) -> dict:
    if reason not in Reason.values:
        raise ValidationFailed(_("One of: %(values)s.") % {"values": ", ".join(Reason.values)}, field="reason")
    if urgency not in Urgency.values:
        raise ValidationFailed(_("normal or high"), field="urgency")
    justification = (urgency_justification or "").strip()
    if urgency == Urgency.HIGH and not justification:
        raise ValidationFailed(_("Say why it is urgent."), "justification_required", field="urgency_justification")
    return {"reason": reason, "urgency": urgency, "urgency_justification": justification[:500]}


def _reception_point(site: Site | None) -> Site:
    if site is None or not site.is_reception_point or not site.is_active:
        raise ValidationFailed(
            _("Choose a reception point where the person will collect the kit."), "invalid_site", field="site"
        )
    return site


def _event(referral: Referral, user: User | None, kind: str, from_status: str = "", note: str = "", data=None):
    return ReferralEvent.objects.create(
        referral=referral,
        by=user,
        kind=kind,
        from_status=from_status,
        to_status=referral.status,
        note=note,
        data=data or {},
    )


@transaction.atomic
def referral_submit(
    *,
    user: User,
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
    """A social worker refers a person who consented; the referral waits for a mediator."""
    if not user.has_role(Role.SOCIAL_WORKER):
        raise NotAllowed(_("Referrals are submitted by social workers of partner organisations."))
    if consent is not True:
        raise ValidationFailed(
            _("The person's consent is required before anything is recorded."),
            "consent_required",
            field="consent",
        )
    person = clean_beneficiary(beneficiary)
    needs = clean_needs(device_kinds=device_kinds, connectivity=connectivity, accessories=accessories or [])
    request = clean_request(reason=reason, urgency=urgency, urgency_justification=urgency_justification)
    site = _reception_point(site)
    # Lock the organisation so that two referrals at once cannot both slip under the quota.
    organisation = Organisation.objects.select_for_update().get(pk=user.organisation_id)
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
        consent_version=consent_version or settings.BAGAGE_CONSENT_VERSION,
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


def _lock(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().select_related("beneficiary").get(pk=referral.pk)


def _ensure_social_worker_of(user: User, referral: Referral) -> None:
    if user.has_role(Role.SOCIAL_WORKER) and user.organisation_id == referral.organisation_id:
        return
    raise NotAllowed(_("Only the referring organisation's social workers may do this."))


@transaction.atomic
def referral_update(*, user: User, referral: Referral, changes: Mapping[str, Any]) -> Referral:
    """The social worker corrects their referral while it is submitted or waiting for information."""
    referral = _lock(referral)
    _ensure_social_worker_of(user, referral)
    if referral.status not in EDITABLE_STATES:
        raise Conflict(
            _("A referral that is %(status)s can no longer be changed.")
            % {"status": ReferralStatus(referral.status).label},
            "not_editable",
        )
    diff: dict[str, list] = {}
    if "beneficiary" in changes and changes["beneficiary"]:
        person = clean_beneficiary(changes["beneficiary"], partial_of=referral.beneficiary)
        for name, value in person.items():
            old = getattr(referral.beneficiary, name)
            if old != value:
                setattr(referral.beneficiary, name, value)
                if name not in ("identity_key", "phone_key"):
                    # The history says which fields changed, never their personal values.
                    diff[f"beneficiary.{name}"] = ["…", "…"]
        referral.beneficiary.save()
    if "needs" in changes and changes["needs"]:
        current = {
            "device_kinds": referral.device_kinds,
            "connectivity": referral.connectivity,
            "accessories": referral.accessories,
        }
        needs = clean_needs(**{**current, **changes["needs"]})
        for name, value in needs.items():
            if getattr(referral, name) != value:
                diff[name] = [getattr(referral, name), value]
                setattr(referral, name, value)
    request_fields = {k: changes[k] for k in ("reason", "urgency", "urgency_justification") if k in changes}
    if request_fields:
        current = {
            "reason": referral.reason,
            "urgency": referral.urgency,
            "urgency_justification": referral.urgency_justification,
        }
        for name, value in clean_request(**{**current, **request_fields}).items():
            if getattr(referral, name) != value:
                diff[name] = [getattr(referral, name), value]
                setattr(referral, name, value)
    if "site" in changes and changes["site"] is not None:
        site = _reception_point(changes["site"])
        if site.pk != referral.site_id:
            diff["site"] = [referral.site.code, site.code]
            referral.site = site
    if "notes" in changes and changes["notes"] is not None and changes["notes"].strip() != referral.notes:
        diff["notes"] = ["…", "…"]
        referral.notes = changes["notes"].strip()
    if diff:
        referral.save()
        _event(referral, user, ReferralEventKind.UPDATED, referral.status, data={"changed": sorted(diff)})
    return referral


def _transition(*, user: User | None, referral: Referral, name: str, actor: str, note: str = "") -> Referral:
    transition = workflows.BY_NAME[name]
    if transition.actor != actor:
        raise InvalidTransition(_("%(name)s is not for %(actor)s.") % {"name": name, "actor": actor})
    if referral.status not in transition.sources:
        open_to = workflows.allowed(referral.status, actor)
        raise InvalidTransition(
            _("Referral #%(id)s is %(status)s: “%(action)s” is not possible now.")
            % {"id": referral.pk, "status": ReferralStatus(referral.status).label, "action": name.replace("_", " ")}
            + (f" ({', '.join(open_to)})" if open_to else ""),
            from_status=referral.status,
            transition=name,
        )
    note = (note or "").strip()
    if transition.needs_reason and not note:
        raise ValidationFailed(_("Say why: the social worker will read it."), "reason_required", field="reason")
    from_status = referral.status
    now = timezone.now()
    referral.status = transition.target
    referral.status_changed_at = now
    fields = ["status", "status_changed_at", "updated_at"]
    if actor == "mediator":
        referral.decision_reason = note
        referral.decided_at = now
        referral.decided_by = user
        fields += ["decision_reason", "decided_at", "decided_by"]
    referral.save(update_fields=fields)
    _event(referral, user, ReferralEventKind.TRANSITION, from_status, note, data={"transition": name})
    return referral


@transaction.atomic
def referral_decide(*, user: User, referral: Referral, decision: str, reason: str = "") -> Referral:
    """A mediator accepts, rejects (with a reason the social worker sees) or asks for information."""
    if not user.has_role(*DECIDERS):
        raise NotAllowed(_("Only mediators and coordinators decide on referrals."))
    if decision not in workflows.DECISIONS:
        raise ValidationFailed(_("accept, reject or needs_info"), field="decision")
    referral = _lock(referral)
    if referral.organisation.authorisation != Authorisation.VALIDATED:
        raise Conflict(_("The referring organisation is not validated yet."), "organisation_not_validated")
    return _transition(user=user, referral=referral, name=workflows.DECISIONS[decision], actor="mediator", note=reason)


@transaction.atomic
def referral_answer(*, user: User, referral: Referral, answer: str) -> Referral:
    """The social worker answers the mediator's question; the referral goes back to the mediators."""
    referral = _lock(referral)
    _ensure_social_worker_of(user, referral)
    return _transition(user=user, referral=referral, name="answer", actor="social_worker", note=answer)


@transaction.atomic
def referral_cancel(*, user: User, referral: Referral, reason: str = "") -> Referral:
    """The social worker withdraws the referral (the person moved, found a device…)."""
    referral = _lock(referral)
    if not user.has_role(Role.COORDINATOR):
        _ensure_social_worker_of(user, referral)
    return _transition(user=user, referral=referral, name="cancel", actor="social_worker", note=reason)


@transaction.atomic
def referral_transition_by_service(
    *, user: User | None, referral: Referral, name: str, actor: str, note: str = ""
) -> Referral:
    """For distribution's services only: allocate, release, hand over, no-show."""
    return _transition(user=user, referral=_lock(referral), name=name, actor=actor, note=note)


@transaction.atomic
def referrals_expire(*, now: dt.datetime | None = None) -> int:
    """Expire referrals left without an answer longer than BAGAGE_REFERRAL_EXPIRY_DAYS; return how many."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=settings.BAGAGE_REFERRAL_EXPIRY_DAYS)
    stale = Referral.objects.select_for_update().filter(
        status__in=workflows.BY_NAME["expire"].sources, status_changed_at__lt=limit
    )
    count = 0
    for referral in stale:
        _transition(
            user=None,
            referral=referral,
            name="expire",
            actor="system",
            note=f"no answer for {settings.BAGAGE_REFERRAL_EXPIRY_DAYS} days",
        )
        count += 1
    return count


def beneficiary_access_record(*, user: User, referral: Referral, action: str = "read") -> None:
    """Staff read a beneficiary's details: keep who and when (a coordinator can read this log)."""
    if user.role != Role.SOCIAL_WORKER:
        BeneficiaryAccess.objects.create(referral=referral, user=user, action=action)
