"""What a kit label says: the bag of a reserved kit on the pickup shelf.

Initials, never a name: the one piece of personal data a label carries, so that the mediator
finds the right bag when the person arrives.
"""

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _

from distribution.models import Allocation
from inventory.models import mask_secret
from labels.data import KitLabel
from referrals.models import initial


def initials(first_name: str, last_name: str) -> str:
    return " ".join(part for part in (initial(first_name), initial(last_name)) if part)


def kit_label(allocation: Allocation) -> KitLabel:
    """The label data of a kit (allocation with referral, beneficiary, site, device and line item loaded)."""
    with translation.override(settings.BAGAGE_LABEL_LANGUAGE):
        person = allocation.referral.beneficiary
        item = allocation.line_item
        sim = ""
        if item is not None:
            sim = (
                f"SIM {mask_secret(item.iccid)}"
                if item.iccid
                else _("Top-up %(code)s") % {"code": mask_secret(item.voucher_code)}
            )
        return KitLabel(
            allocation=allocation.number,
            referral=_("Referral #%(id)s") % {"id": allocation.referral_id},
            initials=initials(person.first_name, person.last_name),
            hold=_("Collect before %(date)s")
            % {"date": formats.date_format(allocation.hold_until, "SHORT_DATE_FORMAT")},
            site=f"{allocation.site.code} {allocation.site.name}",
            asset_tag=allocation.device.asset_tag if allocation.device_id else "",
            sim=sim,
        )
