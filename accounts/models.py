from django.contrib.auth.models import AbstractUser
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.enums import AccountEventKind, Role
from common.history import AppendOnly


class User(AbstractUser):
    """A person who signs in to Bagage, with one role.

    Staff (warehouse, mediators, coordinators) have a home site; a social worker belongs to one
    partner organisation through a membership that `referrals` owns, and sees nothing beyond it.
    """

    # Unique without regard to case (below): "Lea" and "lea" are one person signing in.
    username = models.CharField(
        _("username"),
        max_length=150,
        help_text=_("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),
        validators=[UnicodeUsernameValidator()],
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    site = models.ForeignKey(
        "sites.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    # createsuperuser asks for these too: every account has a role.
    REQUIRED_FIELDS = ["email", "role"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["username"],
                name="user_username_unique",
                violation_error_code="username_taken",
                violation_error_message=_("This username is taken."),
            ),
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_ci_unique",
                violation_error_code="username_taken",
                violation_error_message=_("This username is taken."),
            ),
            models.CheckConstraint(
                name="user_role_valid",
                condition=Q(role__in=Role.values),
            ),
        ]

    def save(self, *args, **kwargs):
        """Save; a new password on an existing account, or its deactivation, ends every token and session it had.

        Whatever set it (the reset link, the admin, `manage.py changepassword`): someone who stole the old
        password, or a token or a session opened with it, is out once the owner chooses a new one.
        """
        previous_hash = None
        password_changed = self._password is not None and self.pk is not None
        if password_changed:
            previous_hash = User.objects.filter(pk=self.pk).values_list("password", flat=True).first()
        # A deactivation however it is made (the admin's "active" box too): its tokens and sessions end for good,
        # so that reactivating the account later does not bring back those of whoever it was closed against.
        update_fields = kwargs.get("update_fields")
        deactivated = (
            not self.is_active
            and self.pk is not None
            and (update_fields is None or "is_active" in update_fields)
            and User.objects.filter(pk=self.pk, is_active=True).exists()
        )
        super().save(*args, **kwargs)
        if password_changed:
            from accounts.services import password_changed as credentials_end

            credentials_end(self, previous_hash)
        if deactivated:
            from accounts.services import credentials_revoke

            credentials_revoke(account=self)

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(_("label"), max_length=100)
    prefix = models.CharField(max_length=12, help_text=_("First characters, to recognise a token in a list."))
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label} ({self.prefix}…)"


class Invitation(models.Model):
    """A one-time link for a new social worker to set their password. Only its digest is stored."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="invitation")
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Cancelled by a coordinator (the account deactivated before the link was used).
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        state = "accepted" if self.accepted_at else "revoked" if self.revoked_at else "pending"
        return f"{self.user} ({state})"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class AccountEvent(AppendOnly, models.Model):
    """What happened to an account and who did it: created, invited, activated, deactivated, reactivated."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="account_events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=AccountEventKind.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["at"]), models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class PasswordResetRequest(models.Model):
    """One request for a reset link: from which address, for which account (none when the e-mail matched nobody).

    Counted to limit resets per account and per address (accounts.services.password_reset_allowed); rows older
    than a day are deleted as new ones come.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    address = models.CharField(max_length=64, blank=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["address", "at"]), models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.address} {self.user_id} {self.at:%Y-%m-%d %H:%M}"
