"""Every error kind answers JSON {"detail", "code"}."""

import pytest

pytestmark = pytest.mark.django_db


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    if code:
        assert body["code"] == code
    return body


def test_401_without_credentials(anon_api):
    assert_error(anon_api.get("me"), 401, "not_authenticated")


def test_403_for_a_role_that_may_not(social_worker_api):
    assert_error(social_worker_api.get("devices"), 403, "forbidden")


def test_404_for_an_unknown_path_under_the_api(warehouse_api):
    assert_error(warehouse_api.get("no/such/thing"), 404, "not_found")


def test_404_for_an_unknown_path_even_anonymous(anon_api):
    assert_error(anon_api.get("/api/v1/nothing-here"), 404, "not_found")


def test_405_for_a_wrong_method(warehouse_api):
    body = assert_error(warehouse_api.delete("me"), 405, "method_not_allowed")
    assert body["detail"]


def test_422_for_invalid_input(anon_api):
    body = assert_error(anon_api.post("auth/tokens", {"username": "x"}), 422, "validation_error")
    assert "password" in body["detail"]


def test_400_for_malformed_json(anon_api):
    response = anon_api.client.post("/api/v1/auth/tokens", "{not json", content_type="application/json")
    assert_error(response, 400, "bad_request")


@pytest.mark.parametrize(
    "path",
    [
        "batches/28103948905726074880",
        "devices?batch=28103948905726074880",
        "devices?page=99999999999999999999",
        "referrals/99999999999999999999999",
        "offers/0",
    ],
)
def test_out_of_range_numbers_answer_422_not_500(coordinator_api, path):
    assert_error(coordinator_api.client.get(f"/api/v1/{path}", headers=coordinator_api._headers(None)), 422)


def test_multipart_without_a_boundary_answers_400(warehouse_api):
    from tests.factories import BatchFactory

    batch = BatchFactory()
    response = warehouse_api.client.post(
        f"/api/v1/batches/{batch.pk}/devices/import",
        b"kind,brand\n",  # the test client sends no Content-Type with an empty body
        content_type="multipart/form-data",
        headers=warehouse_api._headers(None),
    )
    assert_error(response, 400, "bad_request")


@pytest.mark.parametrize("where", ["query", "json"])
def test_nul_characters_answer_400_and_change_nothing(warehouse_api, where):
    from inventory.models import Device

    if where == "query":
        response = warehouse_api.get("devices", {"q": "abc\x00def"})
    else:
        response = warehouse_api.post("devices", {"kind": "laptop", "brand": "HP\x00"})
    assert_error(response, 400, "bad_request")
    assert not Device.objects.exists()


@pytest.mark.parametrize("path", ["labels", "devices", "referrals"])
def test_a_lone_surrogate_answers_400_and_changes_nothing(warehouse_api, path):
    """ "\\ud800" is valid JSON but half a character: SQLite raised on it (a 500) and no PDF could print it."""
    from inventory.models import Device

    response = warehouse_api.post(path, {"asset_tags": ["\ud800"], "kind": "laptop", "brand": "HP\udc00"})
    assert response.status_code == 400 and response.json()["code"] == "bad_request"
    assert "surrogate" in response.json()["detail"] and not Device.objects.exists()


def test_a_character_beyond_the_bmp_escaped_as_a_pair_is_text(warehouse_api):
    response = warehouse_api.post("devices", {"kind": "laptop", "brand": "HP \U0001f600", "model": "x"})
    assert response.status_code != 400, response.json()


def test_a_json_body_over_the_upload_limit_answers_413_in_json(warehouse_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = warehouse_api.post("devices", {"kind": "laptop", "brand": "HP", "notes": "x" * 2000})
    assert_error(response, 413, "too_large")


def test_the_api_speaks_english_unless_asked_and_names_the_field(warehouse_api):
    english = warehouse_api.post("devices", {"kind": "smartphone", "brand": "X", "imei": "12345"})
    assert english.json()["detail"] == "imei: An IMEI has 15 digits."
    french = warehouse_api.post(
        "devices", {"kind": "smartphone", "brand": "X", "imei": "12345"}, headers={"Accept-Language": "fr"}
    )
    assert french.json()["detail"] == "imei: Un IMEI a 15 chiffres."
    assert french.json()["code"] == english.json()["code"] == "invalid_imei"


def test_labels_print_in_the_label_language_whatever_the_api_speaks(warehouse_api, settings):
    from tests.factories import DeviceFactory
    from tests.labels.reader import text_boxes_mm

    device = DeviceFactory()
    text = "".join(box[0] for box in text_boxes_mm(warehouse_api.get(f"devices/{device.asset_tag}/label.pdf").content))
    assert "Pasencoreeffacé" in text  # "Pas encore effacé", the characters without spaces
    settings.BAGAGE_LABEL_LANGUAGE = "en"
    text = "".join(box[0] for box in text_boxes_mm(warehouse_api.get(f"devices/{device.asset_tag}/label.pdf").content))
    assert "Notwipedyet" in text
