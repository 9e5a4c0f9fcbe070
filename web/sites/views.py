"""The charity's sites: a list for staff, and the public details a coordinator keeps up to date."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from common.exceptions import DomainError
from sites import opendata, policies, selectors, services
from web.forms import show_error
from web.permissions import allowed
from web.sites.forms import SiteForm


@allowed(policies, "site.read")
def site_list(request):
    sites = list(selectors.site_list(active_only=False))
    published = set(opendata.published_sites().values_list("pk", flat=True))
    for site in sites:
        site.published = site.pk in published
    return render(request, "web/site_list.html", {"sites": sites})


@allowed(policies, "site.read")
def site_detail(request, code: str):
    site = selectors.site_get(code)
    if site is None:
        raise Http404(gettext("No such site."))
    can_manage = policies.allows(request.user, "site.manage")
    form = SiteForm(instance=site) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = SiteForm(request.POST, instance=selectors.site_get(code))
        if form.is_valid():
            try:
                services.site_update(user=request.user, site=site, **form.cleaned_data)
            except DomainError as exc:
                show_error(form, exc)
            else:
                messages.success(request, gettext("Saved."))
                return redirect("web:site", code=site.code)
    return render(
        request,
        "web/site_detail.html",
        {"site": site, "form": form, "missing": opendata.missing_for_publication(site), "can_manage": can_manage},
    )
