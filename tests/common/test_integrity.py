"""conflict_from: a unique violation becomes the 409 its constraint declares, whichever database reports it."""

import pytest
from django.apps import apps
from django.db import IntegrityError, models

from common.exceptions import Conflict
from common.integrity import conflict_from


def named_unique_constraints() -> list[models.UniqueConstraint]:
    return [
        constraint
        for model in apps.get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
    ]


def test_every_constraint_with_its_own_code_is_covered_below():
    coded = {c.name: c.violation_error_code for c in named_unique_constraints() if c.violation_error_code}
    assert coded["allocation_active_device_unique"] == "already_reserved"
    assert coded["user_username_ci_unique"] == "username_taken"


@pytest.mark.parametrize("constraint", named_unique_constraints(), ids=lambda c: c.name)
def test_a_sqlite_unique_index_failure_maps_to_that_constraints_code(constraint):
    """SQLite names a unique index on expressions (`Lower("username")`): `UNIQUE constraint failed: index '<name>'`."""
    error = IntegrityError(f"UNIQUE constraint failed: index '{constraint.name}'")
    conflict = conflict_from(error)
    assert isinstance(conflict, Conflict) and conflict.status == 409
    assert conflict.code == (constraint.violation_error_code or "conflict")
    assert conflict.extra["constraint"] == constraint.name


def test_the_index_form_maps_a_held_device_to_already_reserved_with_the_models_message():
    conflict = conflict_from(IntegrityError("UNIQUE constraint failed: index 'allocation_active_device_unique'"))
    from distribution.models import ALREADY_RESERVED

    assert (conflict.code, conflict.message) == ("already_reserved", str(ALREADY_RESERVED))


def test_an_unknown_index_or_another_integrity_error_is_no_conflict():
    assert conflict_from(IntegrityError("UNIQUE constraint failed: index 'no_such_index'")) is None
    assert conflict_from(IntegrityError("NOT NULL constraint failed: distribution_allocation.site_id")) is None
    assert conflict_from(IntegrityError("CHECK constraint failed: allocation_has_something")) is None


@pytest.mark.django_db
def test_a_real_violation_of_a_partial_unique_index_maps_to_its_code():
    """The same through the database in use (SQLite's message, or PostgreSQL's constraint name)."""
    from django.db import transaction
    from django.utils import timezone

    from distribution.models import Allocation
    from tests.distribution.conftest import ready_phone
    from tests.factories import ReferralFactory, SiteFactory, UserFactory, valid_imei

    site = SiteFactory(code="SD")
    mediator = UserFactory(mediator=True, site=site)
    phone = ready_phone(site, UserFactory(warehouse=True, site=site), imei=valid_imei(4242))
    fields = {"device": phone, "site": site, "hold_until": timezone.localdate(), "created_by": mediator}
    Allocation.objects.create(number="A-1999-000001", referral=ReferralFactory(site=site), **fields)
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        Allocation.objects.create(number="A-1999-000002", referral=ReferralFactory(site=site), **fields)
    conflict = conflict_from(raised.value)
    assert conflict is not None and conflict.code == "already_reserved"
    assert conflict.extra["constraint"] == "allocation_active_device_unique"


@pytest.mark.django_db
def test_a_real_violation_of_an_expression_unique_index_maps_to_its_code():
    """Two usernames differing only in case: SQLite reports `index 'user_username_ci_unique'`, PostgreSQL its name."""
    from django.db import transaction

    from accounts.models import User

    User.objects.create(username="Lea.Martin", role="mediator")
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        User.objects.create(username="lea.martin", role="mediator")
    conflict = conflict_from(raised.value)
    assert conflict is not None and conflict.code == "username_taken"
    assert conflict.extra["constraint"] == "user_username_ci_unique"
