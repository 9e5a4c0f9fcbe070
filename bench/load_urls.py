"""The bench's URLconf (bench/load.py only, never the project's): the project's URLs plus a bare view.

The bare view is the yardstick: one raw SQL query of 50 device rows, turned into JSON, with nothing of the
API (no auth, no schema). Loaded with ROOT_URLCONF=load_urls (bench/load_settings.py), bench/ on the path.
"""

import json

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

COLUMNS = ("asset_tag", "kind", "brand", "model", "status", "grade", "created_at")


def bare(request):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(COLUMNS)} FROM inventory_device ORDER BY id DESC LIMIT 50"  # noqa: S608
        )
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    return HttpResponse(json.dumps(rows, default=str), content_type="application/json")


urlpatterns = [path("bench/bare", bare), *project_urlpatterns]
