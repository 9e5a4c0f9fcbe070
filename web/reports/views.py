"""The dashboard: the impact figures with charts, for coordinators (every site) and mediators (their own)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from common.exceptions import NotAllowed, ValidationFailed
from inventory.enums import DeviceKind, DeviceStatus
from referrals.enums import Eligibility, OrganisationKind, ReferralStatus
from reports import dashboard, policies
from reports.impact import impact_report
from reports.scope import report_filters
from web.forms import show_error
from web.permissions import allowed
from web.reports import charts
from web.reports.forms import DashboardFilterForm


def _filters(request):
    """The form and the filters it gives (the defaults when it is empty or wrong)."""
    form = DashboardFilterForm(request.GET or None, any_site=policies.allows(request.user, "report.any_site"))
    chosen = form.cleaned_data if form.is_valid() else {}
    try:
        filters = report_filters(
            request.user,
            date_from=chosen.get("date_from"),
            date_to=chosen.get("date_to"),
            site=chosen.get("site") or None,
        )
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except ValidationFailed as exc:
        show_error(form, exc)
        return form, report_filters(request.user)
    if not form.errors:
        # The fields show the period the page states (the defaults fill what was left empty), so that a
        # reader changes one end of it without retyping the other.
        any_site = policies.allows(request.user, "report.any_site")
        data = request.GET.copy()
        data.setdefault("date_from", "")
        data.setdefault("date_to", "")
        data["date_from"] = data["date_from"] or filters.date_from.isoformat()
        data["date_to"] = data["date_to"] or filters.date_to.isoformat()
        form = DashboardFilterForm(data, any_site=any_site)
        form.is_valid()
    return form, filters


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@allowed(policies, "report.read")
def dashboard_page(request):
    form, filters = _filters(request)
    figures = impact_report(filters)
    # The charts are drawn with the same filters (a mediator's site is theirs whatever the link says).
    chosen = {"date_from": filters.date_from.isoformat(), "date_to": filters.date_to.isoformat()}
    if filters.site is not None and policies.allows(request.user, "report.any_site"):
        chosen["site"] = filters.site.code
    query = urlencode(chosen)
    handovers = dashboard.handovers_by_month_and_site(filters)
    stock = dashboard.stock_by_status_and_grade(filters)
    context = {
        "form": form,
        "filters": filters,
        "figures": figures,
        "query": query,
        "devices_by_kind": [(_label(DeviceKind, k), n) for k, n in figures["devices_handed_over_by_kind"].items()],
        "eligibility": [(_label(Eligibility, k), n) for k, n in figures["beneficiaries_by_eligibility"].items() if n],
        "departments": sorted(figures["beneficiaries_by_department"].items()),
        "partner_kinds": [(_label(OrganisationKind, k), n) for k, n in figures["referrals_by_partner_kind"].items()],
        "outcomes": [(_label(ReferralStatus, k), n) for k, n in figures["referrals_by_outcome"].items()],
        "kinds_without_factor": [_label(DeviceKind, k) for k in figures["factors"]["kinds_without_factor"]],
        "factor_rows": [(_label(DeviceKind, k), v) for k, v in figures["factors"]["by_kind"].items()],
        "handover_months": [
            (charts.month_label(month), [counts[i] for counts in handovers["sites"].values()])
            for i, month in enumerate(handovers["months"])
        ],
        "handover_sites": list(handovers["sites"]),
        "waiting": [(charts.bucket_label(*bucket), n) for bucket, n in dashboard.waiting_time(filters)],
        "grades": [charts.grade_label(g) for g in dashboard.grades()],
        "stock": [
            (_label(DeviceStatus, status), [row.get(g, 0) for g in dashboard.grades()]) for status, row in stock.items()
        ],
        "sims": dashboard.sims_by_expiry(filters),
        "pickups": [
            {**row, "month_label": charts.month_label(dt.date.fromisoformat(f"{row['month']}-01"))}
            for row in figures["pickups_by_site_and_month"]
        ],
    }
    context["sims_rows"] = [(charts.month_label(m), n) for m, n in context["sims"]["months"]]
    return render(request, "web/dashboard.html", context)


CHARTS = {
    "handovers": lambda f: charts.handovers_chart(dashboard.handovers_by_month_and_site(f)),
    "waiting": lambda f: charts.waiting_chart(dashboard.waiting_time(f)),
    "stock": lambda f: charts.stock_chart(dashboard.stock_by_status_and_grade(f), dashboard.grades()),
    "sims": lambda f: charts.sims_chart(dashboard.sims_by_expiry(f)),
}


@allowed(policies, "report.read")
def dashboard_chart(request, name: str):
    draw = CHARTS.get(name)
    if draw is None:
        raise Http404
    form, filters = _filters(request)
    if request.GET and not form.is_valid():
        # The page shows the refusal beside the fields; a chart asked on its own says it in words.
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return HttpResponse(" ".join(errors), status=422, content_type="text/plain; charset=utf-8")
    response = HttpResponse(draw(filters), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
