"""Every app's factories in one import, for the tests written before they moved to tests/<app>/factories.py.

New tests import from the app's module (`tests.inventory.factories`…), where the traits are documented.
"""

from tests.accounts.factories import PASSWORD, UserFactory
from tests.distribution.factories import AllocationFactory, HandoverFactory
from tests.inventory.factories import (
    BatchFactory,
    DeviceFactory,
    DonorFactory,
    ErasureFactory,
    LineItemFactory,
    OfferFactory,
    valid_iccid,
    valid_imei,
)
from tests.referrals.factories import (
    BeneficiaryFactory,
    MembershipFactory,
    OrganisationFactory,
    ReferralFactory,
    valid_siret,
)
from tests.sites.factories import SiteFactory

__all__ = [
    "PASSWORD",
    "AllocationFactory",
    "BatchFactory",
    "BeneficiaryFactory",
    "DeviceFactory",
    "DonorFactory",
    "ErasureFactory",
    "HandoverFactory",
    "LineItemFactory",
    "MembershipFactory",
    "OfferFactory",
    "OrganisationFactory",
    "ReferralFactory",
    "SiteFactory",
    "UserFactory",
    "valid_iccid",
    "valid_imei",
    "valid_siret",
]
