"""What every page's forms share."""

from collections.abc import Mapping

from django import forms

from common.exceptions import DomainError
from web.errors import add_field_errors


def show_error(form: forms.Form, exc: DomainError, aliases: Mapping[str, str | None] | None = None) -> None:
    """Show a service's refusal beside the field(s) it names, else at the top of the form.

    The service names the field as the API does (`beneficiary.phone`): its last part is the form's field,
    unless `aliases` renames it (to None: shown at the top). Every field of a refusal that lists several.
    """
    add_field_errors(form, exc, names=aliases)
