"""A domain refusal shown on a page's form: each wrong field's message beside that field, the rest on top."""

from collections.abc import Mapping

from django import forms

from common.exceptions import DomainError, FieldErrors, ValidationFailed


def _items(refusal: DomainError | FieldErrors) -> list[dict]:
    if isinstance(refusal, FieldErrors):
        return [item for error in refusal.errors for item in error.items()]
    if isinstance(refusal, ValidationFailed):
        return refusal.items()
    return [{"field": refusal.extra.get("field"), "code": refusal.code, "detail": refusal.message}]


def add_field_errors(
    form: forms.Form,
    refusal: DomainError | FieldErrors,
    *,
    names: Mapping[str, str | None] | None = None,
    skip_refused: bool = False,
) -> None:
    """Add every refused field of `refusal` to `form`: a domain field `beneficiary.phone` goes to the form's
    `phone` (or to `names[field]`, or to `names["phone"]`; None puts it on top). With `skip_refused`, a field
    the form has refused already keeps its own message only."""
    names = names or {}
    for item in _items(refusal):
        domain_field = item.get("field") or ""
        last = domain_field.split(".")[-1]
        name = names[domain_field] if domain_field in names else names.get(last, last)
        field = form.fields.get(name) if name else None
        target = name if field is not None and not field.widget.is_hidden else None
        if skip_refused and target and target in form.errors:
            continue
        form.add_error(target, item["detail"])
