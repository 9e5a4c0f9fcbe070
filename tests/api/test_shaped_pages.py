"""A list answered as its rows are shaped (PageNumber(shaped=True)) is what its schema writes, byte for byte.

Such a list is not validated by pydantic on the way out: its items are built in the schema's shape. So each one's
answer, read back through the operation's own response model, must come out of it unchanged: no field missing,
extra, renamed or out of order, no value of another type, no enum value the schema does not know.
"""

import datetime as dt
import json
import re

import pytest
from ninja.operation import ResponseObject

from api.api import api
from api.pagination import _json_read_by_orjson
from referrals.models import Referral
from tests.conftest import ApiClient
from tests.factories import BatchFactory, BeneficiaryFactory, DeviceFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

# The shaped lists, and who reads them in this test.
SHAPED = {"/devices": ("warehouse", "mediator", "coordinator"), "/referrals": ("mediator", "coordinator", "sw")}


def shaped_operations() -> dict[str, object]:
    found = {}
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if getattr(operation.view_func, "shaped_page", False):
                    found[f"{prefix.rstrip('/')}{path}".removeprefix("/") or path] = operation
    return {("/" + path.lstrip("/")): operation for path, operation in found.items()}


def test_the_shaped_lists_are_the_ones_this_test_reads():
    assert set(shaped_operations()) == set(SHAPED)


@pytest.fixture
def world(warehouse_user, mediator_user, coordinator_user, social_worker_user):
    batch = BatchFactory()
    DeviceFactory(batch=batch)
    DeviceFactory(laptop=True, notes="Écran rayé – ملاحظة", grade="B", battery_health_pct=81)
    DeviceFactory(ready=True)
    DeviceFactory(serial_number=None, imei=None, kind="tablet")
    person = BeneficiaryFactory(first_name="Ḥawa", last_name="Ṭesfaye ተስፋዬ")
    ReferralFactory(social_worker=social_worker_user, beneficiary=person, accessories=["charger", "case"])
    ReferralFactory(social_worker=social_worker_user, accepted=True, device_kinds=["smartphone", "laptop"])
    # The same person referred by another organisation: the duplicate flags are set.
    other = UserFactory(social_worker=True, username="other")
    ReferralFactory(social_worker=other, beneficiary=BeneficiaryFactory(phone=person.phone))
    ReferralFactory(social_worker=social_worker_user, urgency="high", urgency_justification="Expulsion")
    return {
        "warehouse": warehouse_user,
        "mediator": mediator_user,
        "coordinator": coordinator_user,
        "sw": social_worker_user,
    }


@pytest.mark.parametrize("path", sorted(SHAPED))
@pytest.mark.parametrize("params", [{}, {"page_size": 2, "page": 2}, {"count": "true"}])
def test_a_shaped_list_is_what_its_schema_writes(world, path, params):
    operation = shaped_operations()[path]
    model = operation.response_models[200]
    for role in SHAPED[path]:
        response = ApiClient(world[role]).get(path.removeprefix("/"), params)
        assert response.status_code == 200, response.content
        answer = json.loads(response.content)
        assert answer["items"], f"{path} as {role}: nothing to compare"
        # By the fields' names, as written: some read their values from other keys (DeviceOut's site from site_code).
        validated = model.model_validate(
            ResponseObject(answer), context={"request": None, "response_status": 200}, by_name=True
        )
        written = api.renderer.render(None, validated.model_dump()["response"], response_status=200)
        assert as_written(written) == as_written(response.content), f"{path} as {role}"


# A time with fewer than 1,000 microseconds is written ".000Z" (as Django's encoder writes it), read back as
# a whole second and written again "Z": the same instant, compared as such.
INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def as_written(body: bytes) -> list:
    """The answer with its keys in their order (lists of pairs) and its times as instants."""

    def value(item):
        if isinstance(item, str) and INSTANT.fullmatch(item):
            return dt.datetime.fromisoformat(item)
        return item

    def pairs(items):
        return [(key, [value(v) for v in item] if isinstance(item, list) else value(item)) for key, item in items]

    return json.loads(body, object_pairs_hook=pairs)


@pytest.mark.parametrize(
    "text",
    [
        '["smartphone", "laptop"]',
        '{"a": 1, "a": 2, "b": [1.5, 1e-7, -0.0, 123456789012345678]}',
        '"Ṭesfaye ተስፋዬ \\u00e9"',
        "NaN",  # Python's json reads it (Django's JSONField writes it on SQLite); orjson does not
        "[18446744073709551616]",  # beyond 64 bits: orjson reads a float
        "[-9223372036854775809, 1234567890123456789012]",
        '["89330123456789012345"]',  # an ICCID: digits in a string
        '"\\ud800"',  # a lone surrogate
        "not json",  # the field gives the text back
        None,
        7,  # a key transform's value, already read by SQLite
    ],
)
def test_a_json_column_of_a_page_is_read_as_the_field_reads_it(text):
    field = Referral._meta.get_field("device_kinds")
    fast = _json_read_by_orjson(field.from_db_value)
    assert fast is not field.from_db_value

    def outcome(read):
        try:
            return repr(read(text, None, None))
        except Exception as exc:  # noqa: BLE001 (the same refusal, whatever it is)
            return type(exc).__name__

    assert outcome(fast) == outcome(field.from_db_value)
