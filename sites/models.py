from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Site(models.Model):
    """A warehouse or reception point of the charity, known by a two-letter code."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100)
    is_warehouse = models.BooleanField(_("warehouse / workshop"), default=False)
    is_reception_point = models.BooleanField(_("reception point"), default=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    opening_hours = models.CharField(
        _("opening hours"), max_length=200, blank=True, help_text=_("OSM format, e.g. Mo-Fr 09:00-17:00")
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="site_code_two_capitals", condition=Q(code__regex=r"^[A-Z]{2}$")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
