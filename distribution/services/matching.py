"""Allocation plans: the planner's optimal proposal for every waiting referral, confirmed by a person.

The plan reserves nothing. Confirming reserves the chosen lines one by one through
`allocation_reserve` (the same rules and constraints as a reservation by hand), so a plan made
stale by a reservation elsewhere never promises twice: those lines are refused with their code.
"""

import datetime as dt

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import Conflict, DomainError, NotAllowed, NotFound, ValidationFailed
from common.integrity import atomic
from distribution import policies
from distribution.matching import DeviceStock, ItemStock, Need, plan
from distribution.models import Proposal, ProposalLine
from distribution.selectors import ITEM_KINDS, hold_until, proposal_for
from distribution.services.allocations import allocation_reserve
from inventory.enums import DeviceStatus, LineItemStatus
from inventory.models import Device, LineItem
from referrals.enums import ReferralStatus, Urgency
from referrals.policies import referrals_for
from sites.models import Site


def planning_inputs(user, site: Site | None, today: dt.date):
    """The planner's dataclasses: waiting referrals the user decides on, ready devices, usable SIMs and vouchers."""
    referrals = referrals_for(user, "referral.decide").filter(status=ReferralStatus.ACCEPTED)
    if site is not None:
        referrals = referrals.filter(site=site)
    needs = [
        Need(
            referral_id=pk,
            site=code,
            device_kinds=tuple(kinds or ()),
            connectivity=connectivity,
            waited_days=max(0, (today - timezone.localtime(submitted).date()).days),
            urgent=urgency == Urgency.HIGH,
        )
        for pk, code, kinds, connectivity, submitted, urgency in referrals.values_list(
            "pk", "site__code", "device_kinds", "connectivity", "submitted_at", "urgency"
        ).iterator(chunk_size=2000)
    ]
    devices = [
        DeviceStock(device_id=pk, kind=kind, site=code, grade=grade or "D")
        for pk, kind, code, grade in Device.objects.filter(status=DeviceStatus.READY)
        .values_list("pk", "kind", "site__code", "grade")
        .iterator(chunk_size=2000)
    ]
    kinds = {kind for pair in ITEM_KINDS.values() for kind in pair}
    items = [
        ItemStock(item_id=pk, kind=kind, site=code, expires_on=expires_on)
        for pk, kind, code, expires_on in LineItem.objects.filter(
            status=LineItemStatus.AVAILABLE, offer__kind__in=kinds
        )
        .values_list("pk", "offer__kind", "site__code", "expires_on")
        .iterator(chunk_size=2000)
    ]
    return needs, devices, items


@atomic
def proposal_create(*, user, site: Site | None = None) -> Proposal:
    """Plan kits for every accepted referral without one (the user's site, or the whole network)."""
    policies.require(user, "kit.reserve", _("Only mediators and coordinators plan allocations."))
    if site is not None and not policies.planning_sites(user).filter(pk=site.pk).exists():
        # The page offers only these sites; the API refuses the others the same way (nothing is planned).
        raise NotAllowed(_("You plan kits for your own site only."), "other_site")
    now = timezone.now()
    needs, devices, items = planning_inputs(user, site, timezone.localdate())
    result = plan(
        needs,
        devices,
        items,
        hold_until=hold_until(),
        urgent_bonus_days=settings.BAGAGE_URGENT_BONUS_DAYS,
    )
    proposal = Proposal.objects.create(
        created_by=user,
        site=site,
        created_at=now,
        expires_at=now + dt.timedelta(minutes=settings.BAGAGE_PROPOSAL_MINUTES),
        solver=result.solver,
        solve_ms=round(result.solve_seconds * 1000),
        served_priority=result.served_priority,
        device_moves=result.device_moves,
        unserved=[{"referral": u.referral_id, "code": u.code, "why": u.why, "text": u.text} for u in result.unserved],
    )
    _insert_lines(proposal, result.lines)
    return proposal


def _insert_lines(proposal: Proposal, lines) -> None:
    """Write the plan's lines in one prepared statement run many times.

    A network plan has thousands of lines: bulk_create builds a model instance and compiles SQL for every
    row (SQLite takes ~111 rows per statement), most of proposal_create's time in bench/matching.py;
    executemany binds plain values to one statement. Only the JSON column needs the backend's adaptation.
    """
    if not lines:
        return
    meta = ProposalLine._meta
    names = ("proposal", "referral", "device", "line_item", "transfer_from", "why", "text", "refused_code")
    fields = [meta.get_field(name) for name in names]
    why = meta.get_field("why")
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table), ", ".join(quote(field.column) for field in fields), ", ".join(["%s"] * len(fields))
    )
    rows = [
        (
            proposal.pk,
            line.referral_id,
            line.device_id,
            line.item_id,
            line.transfer_from or "",
            why.get_db_prep_save(line.why, connection),
            line.text[:300],
            "",
        )
        for line in lines
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def proposal_confirm(*, user, proposal: Proposal | int, lines: list[int] | None = None) -> dict:
    """Reserve the chosen lines (all when none are named), each on its own: per line, reserved or refused."""
    policies.require(user, "kit.reserve", _("Only mediators and coordinators confirm allocation plans."))
    pk = proposal if isinstance(proposal, int) else proposal.pk
    proposal = proposal_for(user, pk)
    if proposal is None:
        raise NotFound(_("No allocation plan #%(id)s.") % {"id": pk})
    if proposal.expires_at <= timezone.now():
        raise Conflict(_("This plan is out of date: propose a new one."), "proposal_expired")
    chosen = proposal.lines.select_related("device").order_by("id")
    if lines is not None:
        unknown = set(lines) - set(chosen.values_list("pk", flat=True))
        if unknown:
            raise ValidationFailed(
                _("These lines are not in the plan: %(ids)s.") % {"ids": ", ".join(map(str, sorted(unknown)))},
                "unknown_lines",
                field="lines",
            )
        chosen = chosen.filter(pk__in=lines)
    reserved, refused = [], []
    for line in chosen:
        if line.allocation_id or line.refused_code:
            refused.append({"line": line.pk, "code": "already_confirmed"})
            continue
        try:
            allocation = allocation_reserve(
                user=user,
                referral=line.referral_id,
                device=line.device.asset_tag if line.device_id else None,
                line_item=line.line_item_id,
            )
        except DomainError as exc:
            _record(line, refused_code=exc.code)
            refused.append({"line": line.pk, "code": exc.code})
        else:
            _record(line, allocation=allocation)
            reserved.append({"line": line.pk, "allocation": allocation.pk})
    _confirmed(proposal, user)
    return {"reserved": reserved, "refused": refused}


@atomic
def _record(line: ProposalLine, *, allocation=None, refused_code: str = "") -> None:
    ProposalLine.objects.filter(pk=line.pk).update(allocation=allocation, refused_code=refused_code)


@atomic
def _confirmed(proposal: Proposal, user) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(confirmed_at=timezone.now(), confirmed_by=user)
