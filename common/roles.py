"""The four roles of an account. Every domain's policies name them, so they sit at the bottom of the house.

`accounts.enums.Role` is the same class: accounts give each user one of these.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WAREHOUSE = "warehouse", _("Warehouse staff")
    MEDIATOR = "mediator", _("Mediator")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    COORDINATOR = "coordinator", _("Coordinator")
