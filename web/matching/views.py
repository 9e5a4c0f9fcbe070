"""Allocation plans for mediators and coordinators: propose, read the plan, confirm the ticked lines, print."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import DomainError
from distribution import policies, selectors, services
from distribution.enums import AllocationStatus
from distribution.labelling import kit_label
from inventory.enums import DeviceKind
from inventory.labelling import check_label_count, default_stock_name
from labels.pdf import render_pdf
from labels.stocks import STOCKS
from referrals.models import Referral
from sites.models import Site
from web.forms import show_error
from web.matching import words
from web.matching.forms import NETWORK, ConfirmForm, ProposeForm
from web.permissions import allowed


def _proposal(request, proposal_id: int):
    proposal = selectors.proposal_for(request.user, proposal_id)
    if proposal is None:
        raise Http404(_("No allocation plan #%(id)s.") % {"id": proposal_id})
    return proposal


def _site_names() -> dict[str, str]:
    return dict(Site.objects.values_list("code", "name"))


def _rows(proposal) -> list[dict]:
    """The plan's lines with what a person needs to decide (a constant number of queries)."""
    names = _site_names()
    lines = proposal.lines.select_related(
        "referral__beneficiary", "referral__site", "device", "line_item__offer", "allocation"
    ).order_by("id")
    rows = []
    for line in lines:
        why = line.why or {}
        device = line.device
        rows.append(
            {
                "line": line,
                "person": line.referral.beneficiary.short_name,
                "device": device,
                "device_kind": DeviceKind(device.kind).label if device else "",
                "item": words.item_label(line.line_item) if line.line_item_id else "",
                "site": line.referral.site,
                "transfers": words.transfers(why, names),
                "reasons": words.line_reasons(why, names),
                "refusal": words.refusal(line.refused_code) if line.refused_code else "",
            }
        )
    return rows


def _unserved(proposal) -> list[dict]:
    ids = [entry["referral"] for entry in proposal.unserved]
    referrals = Referral.objects.select_related("beneficiary", "site").in_bulk(ids)
    return [
        {
            "referral_id": entry["referral"],
            "person": referrals[entry["referral"]].beneficiary.short_name if entry["referral"] in referrals else "",
            "site": referrals[entry["referral"]].site if entry["referral"] in referrals else None,
            "reason": words.unserved_reason(entry["code"], entry.get("why") or {}),
        }
        for entry in proposal.unserved
    ]


@allowed(policies, "kit.reserve")
def propose(request):
    form = ProposeForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(user=request.user, site=form.cleaned_data["site"])
        except DomainError as exc:
            show_error(form, exc)
        else:
            return redirect("web:matching_plan", proposal_id=proposal.pk)
    return render(request, "web/matching_propose.html", {"form": form})


@allowed(policies, "kit.reserve")
def plan(request, proposal_id: int):
    proposal = _proposal(request, proposal_id)
    if proposal.confirmed_at:
        return redirect("web:matching_result", proposal_id=proposal.pk)
    rows = _rows(proposal)
    expired = proposal.expires_at <= timezone.now()
    form = ConfirmForm(request.POST if request.method == "POST" else None, line_ids=[row["line"].pk for row in rows])
    status = 200
    if request.method == "POST" and not expired:
        if form.is_valid():
            try:
                services.proposal_confirm(user=request.user, proposal=proposal, lines=form.cleaned_data["lines"])
            except DomainError as exc:
                if exc.code == "proposal_expired":
                    expired = True
                else:
                    show_error(form, exc)
                status = 409
            else:
                return redirect("web:matching_result", proposal_id=proposal.pk)
        else:
            status = 400
    elif request.method == "POST":
        status = 409
    again = {"site": proposal.site.code if proposal.site_id else NETWORK}
    ticked = set(form.data.getlist("lines")) if form.is_bound else {str(row["line"].pk) for row in rows}
    return render(
        request,
        "web/matching_plan.html",
        {
            "proposal": proposal,
            "rows": rows,
            "unserved": _unserved(proposal),
            "expired": expired,
            "form": form,
            "ticked": ticked,
            "again": ProposeForm(user=request.user, initial=again),
        },
        status=status,
    )


@allowed(policies, "kit.reserve")
def result(request, proposal_id: int):
    proposal = _proposal(request, proposal_id)
    if not proposal.confirmed_at:
        return redirect("web:matching_plan", proposal_id=proposal.pk)
    rows = _rows(proposal)
    return render(
        request,
        "web/matching_result.html",
        {
            "proposal": proposal,
            "rows": rows,
            "reserved": sum(1 for row in rows if row["line"].allocation_id),
            "refused": sum(1 for row in rows if row["line"].refused_code),
        },
    )


@allowed(policies, "kit.reserve")
def labels(request, proposal_id: int):
    """One PDF with the label of every kit this plan reserved and still held, on the site's stock."""
    proposal = _proposal(request, proposal_id)
    allocations = list(
        policies.allocations_for(request.user)
        .filter(proposal_line__proposal=proposal, status=AllocationStatus.HELD)
        .select_related("referral__beneficiary", "site", "device", "line_item")
        .order_by("proposal_line__id")
    )
    if not allocations:
        messages.error(request, _("No kit of this plan is held: no label to print."))
        return redirect("web:matching_result", proposal_id=proposal.pk)
    try:
        check_label_count(len(allocations))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:matching_result", proposal_id=proposal.pk)
    stock = STOCKS[default_stock_name(proposal.site or request.user.site)]
    content = render_pdf([kit_label(allocation) for allocation in allocations], stock, title=f"plan-{proposal.pk}")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kits-plan-{proposal.pk}.pdf"'
    return response
