from datetime import timedelta

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from distribution.enums import AllocationStatus
from distribution.policies import allocations_for, allows
from inventory.enums import DeviceStatus, LineItemStatus
from inventory.models import Device, LineItem
from referrals import selectors as referral_selectors
from referrals.enums import ReferralStatus
from referrals.models import Organisation
from referrals.policies import organisation_id_of
from web.distribution.views import todays_appointments
from web.permissions import navigation

# The workshop's steps, in order: what a warehouse home counts.
WORKSHOP_STEPS = (DeviceStatus.RECEIVED, DeviceStatus.DIAGNOSED, DeviceStatus.WIPED, DeviceStatus.REFURBISHED)

# What the home page offers: (title, text, page, what the user must be allowed, from web.permissions).
HOME_SECTIONS = [
    (_("Refer a person"), _("Ask for a kit for someone you follow."), "web:referral_new", "refer"),
    (_("My organisation's referrals"), _("Follow their status and answer questions."), "web:referrals", "refer"),
    (_("Referrals to review"), _("Accept, reject or ask for more information."), "web:referrals", "decide_referrals"),
    (
        _("Receive a donation batch"),
        _("Register the devices of a batch, by hand or by CSV import."),
        "web:batches",
        "write_stock",
    ),
    (_("Label and scan"), _("Print labels and find any device by scanning it."), "web:scan", "read_stock"),
    (_("Devices"), _("Every device in stock, by status, kind, site and grade."), "web:devices", "read_stock"),
    (_("Partners and users"), _("Partner organisations and their social workers."), "web:partners", "partners"),
    (_("Access log"), _("Who read which beneficiary's details, and when."), "web:access_log", "access_log"),
    (_("Audit trail"), _("Every change of state, by whom and when."), "web:audit", "audit"),
]


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def _link(name: str, query: str = "") -> str | None:
    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def waiting_work(user, can: dict) -> list[tuple[str, int, str | None, bool]]:
    """What waits for this user, as (words, count, list it opens, worth an alert): one query per family."""
    work = []
    if can["decide_referrals"] or can["refer"]:
        S = ReferralStatus
        answered = Q(status=S.SUBMITTED, events__from_status=S.NEEDS_INFO, events__to_status=S.SUBMITTED)
        counts = referral_selectors.referral_list(user).aggregate(
            submitted=Count("pk", filter=Q(status=S.SUBMITTED), distinct=True),
            answered=Count("pk", filter=answered, distinct=True),
            needs_info=Count("pk", filter=Q(status=S.NEEDS_INFO), distinct=True),
        )
        if can["decide_referrals"]:
            link = _link("web:referrals", "status=submitted")
            work.append((gettext("Referrals to decide"), counts["submitted"], link, False))
            # Its own list: the referrals of the first card whose social worker answered a question.
            link = _link("web:referrals", "status=submitted&answered=1")
            work.append((gettext("Answers received (to decide again)"), counts["answered"], link, False))
        else:
            link = _link("web:referrals", "status=needs_info")
            work.append((gettext("Questions from the mediators to answer"), counts["needs_info"], link, True))
    if can["decide_referrals"] and user.site_id:
        held = allocations_for(user).filter(status=AllocationStatus.HELD, site_id=user.site_id).count()
        work.append((gettext("Kits on the shelf at your site"), held, _link("web:kits"), False))
    if can["read_stock"] and can["decide_referrals"] and user.site_id:
        ready = Device.objects.filter(status=DeviceStatus.READY, site_id=user.site_id).count()
        link = _link("web:devices", f"status=ready&site={user.site.code}")
        work.append((gettext("Devices ready to hand over at your site"), ready, link, False))
    if can["write_stock"]:
        devices = Device.objects.filter(status__in=WORKSHOP_STEPS)
        if user.site_id:
            devices = devices.filter(site_id=user.site_id)
        by_status = dict(devices.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
        site = f"&site={user.site.code}" if user.site_id else ""
        for status in WORKSHOP_STEPS:
            label = gettext("Devices at step “%(status)s”") % {"status": DeviceStatus(status).label}
            work.append((label, by_status.get(status, 0), _link("web:devices", f"status={status}{site}"), False))
        soon = timezone.localdate() + timedelta(days=30)
        expiring = LineItem.objects.filter(status=LineItemStatus.AVAILABLE, expires_on__lte=soon).count()
        work.append((gettext("SIM cards and vouchers expiring within 30 days"), expiring, _link("web:offers"), False))
    return work


@login_required
def home(request):
    user = request.user
    if not user.role:
        return redirect("web:logout")
    can = navigation(request)["can"]
    organisation_id = organisation_id_of(user)
    return render(
        request,
        "web/home.html",
        {
            "sections": [(title, text, page) for title, text, page, need in HOME_SECTIONS if can[need]],
            "role_label": Role(user.role).label,
            "organisation": Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None,
            "work": waiting_work(user, can),
            "scan_box": can["read_stock"] and can["write_stock"],
            "appointments": todays_appointments(user, user.site.code if user.site_id else None)
            if can["decide_referrals"] and allows(user, "kit.read")
            else None,
            "show_site": not user.site_id,
            "can_hand_over": allows(user, "kit.hand_over"),
        },
    )
