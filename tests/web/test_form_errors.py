"""A service's refusal is shown beside the field it names, whichever page's form sent it (web.forms.show_error)."""

from django import forms

from common.exceptions import ValidationFailed
from referrals.models import Beneficiary
from web.forms import show_error


class PersonForm(forms.Form):
    phone = forms.CharField(required=False)
    replacement = forms.CharField(required=False)


def shown(exc, aliases=None) -> dict:
    form = PersonForm({})
    form.is_valid()
    show_error(form, exc, aliases)
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


def test_a_refusal_naming_a_field_as_the_api_does_goes_beside_that_field():
    assert shown(ValidationFailed("Not a phone number.", "invalid_phone", field="beneficiary.phone")) == {
        "phone": ["Not a phone number."]
    }


def test_a_refusal_naming_no_field_of_the_form_goes_at_the_top():
    assert shown(ValidationFailed("Taken.", "already_reserved")) == {"__all__": ["Taken."]}
    assert shown(ValidationFailed("Too old.", "too_old", field="birth_year")) == {"__all__": ["Too old."]}


def test_an_alias_renames_the_field_or_sends_it_to_the_top():
    exc = ValidationFailed("Not ready.", "not_ready", field="device")
    assert shown(exc, {"device": "replacement"}) == {"replacement": ["Not ready."]}
    assert shown(ValidationFailed("No.", "x", field="phone"), {"phone": None}) == {"__all__": ["No."]}


def test_a_persons_short_name_is_the_first_name_and_the_last_names_initial():
    assert Beneficiary(first_name="Amina", last_name=" diallo").short_name == "Amina D."
    assert str(Beneficiary(first_name="Amina", last_name="Diallo")) == "Amina D."
    assert Beneficiary(first_name="Amina", last_name="").short_name == "Amina"
