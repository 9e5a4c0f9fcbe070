"""Two requests at the same instant: one wins, the other gets the documented 409, never a 500.

On PostgreSQL the threads really overlap (the Python duplicate check passes in both, and the
database's constraint decides); SQLite's IMMEDIATE transactions queue them. Both must give
exactly one success and Conflicts with the constraint's code.
"""

import threading

import pytest
from django.db import connections

from accounts.models import Invitation, User
from accounts.services import invitation_accept, user_create
from common.exceptions import Conflict, NotFound
from inventory import services as inventory
from inventory.models import Device, LineItem
from referrals import services as referrals
from referrals.models import Organisation
from tests.conftest import in_days
from tests.factories import (
    OfferFactory,
    OrganisationFactory,
    SiteFactory,
    UserFactory,
    valid_iccid,
    valid_imei,
    valid_siret,
)

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 6


def race(action, n: int = THREADS) -> tuple[list, list[Exception]]:
    """Run `action(i)` in n threads released at once; return results and exceptions."""
    start = threading.Barrier(n)
    results, errors = [], []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            start.wait()
            result = action(i)
            with lock:
                results.append(result)
        except Exception as exc:  # collected and asserted by the test
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def assert_one_winner(results, errors, code: str) -> None:
    assert len(results) == 1, errors
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, Conflict) for e in errors), errors
    assert {e.code for e in errors} == {code}


def test_the_same_phone_registered_at_once_is_one_device():
    site = SiteFactory(code="SD")
    user = UserFactory(warehouse=True, site=site)
    imei = valid_imei(7)
    results, errors = race(
        lambda i: inventory.device_register(user=user, site=site, kind="smartphone", brand="Fairphone", imei=imei)
    )
    assert_one_winner(results, errors, "duplicate_device")
    assert Device.objects.filter(imei=imei).count() == 1


def test_the_same_sim_delivered_at_once_is_one_line_item():
    site = SiteFactory(code="SD")
    user = UserFactory(warehouse=True, site=site)
    offer = OfferFactory()

    items = [{"iccid": valid_iccid(42), "expires_on": in_days(365)}]
    results, errors = race(lambda i: inventory.line_items_add(user=user, offer=offer, site=site, items=items))
    assert_one_winner(results, errors, "duplicate_line_item")
    assert LineItem.objects.count() == 1


def test_the_same_siret_registered_at_once_is_one_organisation():
    user = UserFactory(coordinator=True)
    siret = valid_siret(991)
    results, errors = race(
        lambda i: referrals.organisation_create(
            user=user, name=f"CCAS {i}", kind="ccas", siret=siret, postal_code="93200"
        )
    )
    assert_one_winner(results, errors, "duplicate_siret")
    assert Organisation.objects.filter(siret=siret).count() == 1


def test_the_same_username_created_at_once_is_one_account():
    site = SiteFactory(code="PA")
    results, errors = race(
        lambda i: user_create(username="Nadia" if i % 2 else "nadia", password=None, role="mediator", site=site)
    )
    assert_one_winner(results, errors, "username_taken")
    assert User.objects.filter(username__iexact="nadia").count() == 1


def test_a_one_time_link_used_twice_at_once_opens_the_account_once():
    coordinator = UserFactory(coordinator=True)
    organisation = OrganisationFactory()
    issued = referrals.member_invite(
        user=coordinator, organisation=organisation, email="amel@example.org", first_name="Amel", last_name="K"
    )
    results, errors = race(lambda i: invitation_accept(secret=issued.secret, password=f"Long-enough-pw-{i}-x"))
    assert len(results) == 1, errors
    assert len(errors) == THREADS - 1 and all(isinstance(e, NotFound) for e in errors), errors
    user = User.objects.get(username="amel@example.org")
    # The password is the winner's, set once.
    assert user.is_active and Invitation.objects.get(user=user).accepted_at is not None
    assert sum(user.check_password(f"Long-enough-pw-{i}-x") for i in range(THREADS)) == 1
