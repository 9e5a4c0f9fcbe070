"""Which figures a user may ask for: period, site and partner organisation, checked once for the API and pages."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import NotAllowed, ValidationFailed
from common.parsing import check_period
from referrals.models import Organisation
from reports import policies
from reports.impact import ReportFilters
from sites.selectors import site_by_code


def report_filters(
    user,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    site: str | None = None,
    organisation: int | None = None,
) -> ReportFilters:
    """The filters `user` may read the report with: coordinators any site, mediators their own site only.

    The period defaults to the calendar year so far; both days are included. A period out of
    2000–2100 or longer than ten years is refused (`invalid_period`): the charts draw every month of it.
    """
    policies.require(user, "report.read", _("Impact figures are for coordinators and mediators."))
    check_period(date_from, date_to)
    date_to = date_to or timezone.localdate()
    date_from = date_from or date_to.replace(month=1, day=1)
    check_period(date_from, date_to)
    chosen = site_by_code(site) if site else None
    if not policies.allows(user, "report.any_site"):
        if user.site_id is None:
            raise NotAllowed(_("Your account has no site: ask a coordinator for the figures."), "no_site")
        if chosen is not None and chosen.pk != user.site_id:
            raise NotAllowed(_("You may read the figures of your own site only."), "other_site")
        chosen = user.site
    partner = None
    if organisation is not None:
        partner = Organisation.objects.filter(pk=organisation).first()
        if partner is None:
            raise ValidationFailed(
                _("No partner organisation #%(id)s.") % {"id": organisation},
                "unknown_organisation",
                field="organisation",
            )
    return ReportFilters(date_from=date_from, date_to=date_to, site=chosen, organisation=partner)
