"""Two people registering devices at the same instant never get the same asset tag.

It runs on both databases. On SQLite the writers queue on the database's single write lock, so
only the PostgreSQL pass (`.ci/run`, where tests/test_database_vendor.py proves the vendor) has
four really concurrent transactions racing on the sequence row's lock.
"""

import threading

import pytest
from django.db import connections

from inventory import services
from inventory.models import Device
from tests.factories import SiteFactory, UserFactory, valid_imei

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_registrations_get_distinct_consecutive_tags():
    site = SiteFactory(code="SD")
    user = UserFactory(warehouse=True, site=site)
    start = threading.Barrier(4)
    errors: list[Exception] = []

    def register(worker: int) -> None:
        try:
            start.wait()
            for n in range(10):
                services.device_register(
                    user=user, site=site, kind="smartphone", brand="Samsung", imei=valid_imei(worker * 100 + n)
                )
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    tags = sorted(Device.objects.values_list("asset_tag", flat=True))
    assert len(tags) == len(set(tags)) == 40
    assert [int(tag.rsplit("-", 1)[1]) for tag in tags] == list(range(1, 41))
