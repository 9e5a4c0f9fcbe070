"""What every page's forms share: a domain refusal shown on a form, the one way every page shows it."""

from collections.abc import Mapping

from django import forms

from common.exceptions import DomainError, FieldErrors, ValidationFailed


def _items(refusal: DomainError | FieldErrors) -> list[dict]:
    if isinstance(refusal, FieldErrors):
        return [item for error in refusal.errors for item in error.items()]
    if isinstance(refusal, ValidationFailed):
        return refusal.items()
    return [{"field": refusal.extra.get("field"), "code": refusal.code, "detail": refusal.message}]


def show_error(
    form: forms.Form,
    refusal: DomainError | FieldErrors,
    aliases: Mapping[str, str | None] | None = None,
    *,
    skip_refused: bool = False,
) -> None:
    """Show a service's refusal beside the field(s) it names, else at the top of the form.

    The service names the field as the API does (`beneficiary.phone`): its last part is the form's field,
    unless `aliases` renames it (by its whole name or its last part; to None: shown at the top). Every field of
    a refusal that lists several. With `skip_refused`, a field the form has refused already keeps its own
    message only.
    """
    aliases = aliases or {}
    for item in _items(refusal):
        domain_field = item.get("field") or ""
        last = domain_field.split(".")[-1]
        name = aliases[domain_field] if domain_field in aliases else aliases.get(last, last)
        field = form.fields.get(name) if name else None
        target = name if field is not None and not field.widget.is_hidden else None
        if skip_refused and target and target in form.errors:
            continue
        form.add_error(target, item["detail"])
