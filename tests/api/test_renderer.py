"""The API's orjson renderer writes the document django-ninja's own JSON renderer wrote, value for value."""

import datetime as dt
import decimal
import json
import uuid

from django.utils.translation import gettext_lazy, override
from ninja.renderers import JSONRenderer

from accounts.enums import Role
from api.renderers import ORJSONRenderer


def test_every_kind_of_value_is_written_as_django_ninja_wrote_it():
    data = {
        "lazy": gettext_lazy("Required."),
        "decimal": decimal.Decimal("1.50"),
        "uuid": uuid.UUID(int=5),
        "day": dt.date(2026, 1, 2),
        "time": dt.time(10, 30, 1, 123456),
        "moment": dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC),
        "paris": dt.datetime(2026, 7, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "paris_precise": dt.datetime(2026, 7, 2, 3, 4, 5, 999999, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "naive": dt.datetime(2026, 7, 2, 3, 4, 5, 500),
        "utc_whole": dt.datetime(2026, 7, 2, 3, 4, 5, tzinfo=dt.UTC),
        "midnight": dt.datetime(2026, 7, 2, tzinfo=dt.UTC),
        "role": Role.MEDIATOR,
        7: "an integer key",
        "float": 0.1,
        "none": None,
        "nested": [{"tuple": (1, 2)}],
        "duration": dt.timedelta(days=1, seconds=3),
        "name": "محمد Łucja Nguyễn",
    }
    with override("fr"):
        ours = ORJSONRenderer().render(None, data, response_status=200)
        theirs = JSONRenderer().render(None, data, response_status=200)
    assert json.loads(ours) == json.loads(theirs)
    assert json.loads(ours)["moment"] == "2026-01-02T03:04:05.678Z" and json.loads(ours)["lazy"] == "Obligatoire."
    assert json.loads(ours)["paris_precise"] == "2026-07-02T03:04:05.999+02:00"
    assert (
        json.loads(ours)["naive"] == "2026-07-02T03:04:05.000"
        and json.loads(ours)["midnight"] == "2026-07-02T00:00:00Z"
    )
    assert "محمد Łucja Nguyễn".encode() in ours  # UTF-8, not \u escapes


def test_an_api_answer_is_utf_8_json(coordinator_api):
    response = coordinator_api.get("sites")
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == json.loads(response.content.decode("utf-8"))


def test_what_orjson_refuses_is_still_written_as_django_ninja_wrote_it():
    """Integers beyond 64 bits, namedtuples, float subclasses: the stdlib encoder wrote them, so an answer holding
    one (an echoed input, a report row) must not become a 500."""
    import collections

    row = collections.namedtuple("Row", "site count")

    class Ratio(float):
        pass

    data = {"big": 2**64, "small": -(2**63) - 1, "row": row("LYO", 3), "ratio": Ratio(0.25), "name": "Łucja"}
    ours = ORJSONRenderer().render(None, data, response_status=200)
    assert json.loads(ours) == json.loads(JSONRenderer().render(None, data, response_status=200))


def test_every_datetime_is_written_as_djangos_encoder_writes_it():
    """The fast path against DjangoJSONEncoder itself: offsets with seconds and microseconds, UTC by any name,
    naive, fold, the microsecond edges, the years at either end."""
    import zoneinfo

    from django.core.serializers.json import DjangoJSONEncoder

    from api.renderers import _default

    zones = [None, dt.UTC, dt.timezone(dt.timedelta(0)), zoneinfo.ZoneInfo("Europe/London"), zoneinfo.ZoneInfo("UTC")]
    zones += [dt.timezone(dt.timedelta(hours=-5, minutes=-30)), dt.timezone(dt.timedelta(seconds=3661, microseconds=7))]
    zones += [zoneinfo.ZoneInfo("Europe/Paris")]
    for zone in zones:
        for year in (1, 2026, 9999):
            for micro in (0, 1, 999, 1000, 500000, 999999):
                for fold in (0, 1):
                    moment = dt.datetime(year, 10, 26 if year == 2026 else 1, 2, 30, 0, micro, tzinfo=zone, fold=fold)
                    assert _default(moment) == DjangoJSONEncoder().default(moment), moment
