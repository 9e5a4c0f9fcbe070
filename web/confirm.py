"""Final or destructive actions ask first, on the server: works without script and under a strict CSP.

A POST without `confirm=1` re-renders the page with a box that says what cannot be undone and a
"Confirm" button posting the same fields again with `confirm=1`.
"""

from django.utils.translation import gettext


def confirmed(request) -> bool:
    return request.POST.get("confirm") == "1"


def confirmation(request, message: str, *, button: str | None = None) -> dict:
    """The page's confirmation box: the consequence in words and every posted field, sent again."""
    fields = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", "confirm")
        for value in request.POST.getlist(name)
    ]
    return {
        "message": message,
        "fields": fields,
        "action": request.get_full_path(),
        "button": button or gettext("Confirm"),
        "back": request.get_full_path(),
    }
