"""What every page's forms share."""

from collections.abc import Mapping

from django import forms

from common.exceptions import DomainError


def show_error(form: forms.Form, exc: DomainError, aliases: Mapping[str, str | None] | None = None) -> None:
    """Show a service's refusal beside the field it names, else at the top of the form.

    The service names the field as the API does (`beneficiary.phone`): its last part is the form's field,
    unless `aliases` renames it (to None: shown at the top).
    """
    field = str(exc.extra.get("field") or "").split(".")[-1]
    field = (aliases or {}).get(field, field)
    form.add_error(field if field in form.fields else None, exc.message)
