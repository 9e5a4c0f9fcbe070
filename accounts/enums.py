from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WAREHOUSE = "warehouse", _("Warehouse staff")
    MEDIATOR = "mediator", _("Mediator")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    COORDINATOR = "coordinator", _("Coordinator")


# Roles of the charity's own staff: they have a home site and never an organisation.
STAFF_ROLES = (Role.WAREHOUSE, Role.MEDIATOR, Role.COORDINATOR)
# Roles that may change stock (devices, batches, SIM deliveries).
STOCK_WRITERS = (Role.WAREHOUSE, Role.COORDINATOR)
# Roles that may read stock.
STOCK_READERS = (Role.WAREHOUSE, Role.MEDIATOR, Role.COORDINATOR)
