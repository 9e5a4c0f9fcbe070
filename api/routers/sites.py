from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from sites import opendata, selectors

router = Router(tags=["sites"])


class SiteOut(Schema):
    code: str
    name: str
    address: str
    postal_code: str
    city: str
    is_warehouse: bool
    is_reception_point: bool
    latitude: Decimal | None
    longitude: Decimal | None


@router.get("/sites", response=list[SiteOut])
def site_list(request: HttpRequest):
    """The charity's sites: warehouses and reception points."""
    return selectors.site_list()


def _open_data(content: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@router.get("/sites/lieux-mediation-numerique.csv", response={200: None}, auth=None)
def mediation_places_csv(request: HttpRequest):
    """Open data, no sign-in: the active reception points in the national standard "Lieux de médiation
    numérique" v1.0.2 (CSV, UTF-8, comma-separated, multi-valued fields joined by `|`)."""
    return _open_data(opendata.as_csv(opendata.places()), "text/csv; charset=utf-8", "lieux-mediation-numerique.csv")


@router.get("/sites/lieux-mediation-numerique.json", response={200: None}, auth=None)
def mediation_places_json(request: HttpRequest):
    """The same file as JSON: a list of objects with every field of the standard (null when not known)."""
    return _open_data(
        opendata.as_json(opendata.places()), "application/json; charset=utf-8", "lieux-mediation-numerique.json"
    )
