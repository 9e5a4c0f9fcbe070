"""Reads of accounts."""

from django.db.models import QuerySet

from accounts.models import ApiToken, User


def token_list(user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (never their secrets: only digests are stored)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")
