from django.db import models
from django.utils.translation import gettext_lazy as _

from common.roles import Role

__all__ = ["AccountEventKind", "Role"]


class AccountEventKind(models.TextChoices):
    CREATED = "created", _("Account created")
    INVITED = "invited", _("Invitation sent")
    ACTIVATED = "activated", _("Account activated")
    DEACTIVATED = "deactivated", _("Account deactivated")
    REACTIVATED = "reactivated", _("Account reactivated")
    # A new password (reset by e-mail, or set in the admin): every token and session of the account ends with it.
    PASSWORD_CHANGED = "password", _("Password changed")
