from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.validators import validate_phone_number
from sites.validators import validate_insee_code, validate_opening_hours, validate_siret

# The kinds of help the national standard ("Lieux de médiation numérique" v1.0.2) names, in its words.
MEDIATION_SERVICES = (
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire",
)
# What every reception point of the charity offers.
DEFAULT_SERVICES = ("Acquisition de matériel informatique à prix solidaire", "Accès internet et matériel informatique")


def default_services() -> list[str]:
    return list(DEFAULT_SERVICES)


class Site(models.Model):
    """A warehouse or reception point of the charity, known by a two-letter code."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100)
    is_warehouse = models.BooleanField(_("warehouse / workshop"), default=False)
    is_reception_point = models.BooleanField(_("reception point"), default=True)
    address_complement = models.CharField(
        _("address complement"), max_length=200, blank=True, help_text=_("Floor, building, entrance…")
    )
    insee_code = models.CharField(
        _("INSEE code"), max_length=5, blank=True, validators=[validate_insee_code], help_text=_("e.g. 93066")
    )
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("The establishment's own SIRET; empty: the charity's."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone_number])
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        validators=[validate_opening_hours],
        help_text=_("OSM format, e.g. Mo-Fr 09:00-17:00"),
    )
    description = models.CharField(
        _("short description"), max_length=280, blank=True, help_text=_("Published with the site: 280 characters.")
    )
    services = models.JSONField(_("services"), default=default_services, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # Pickup appointments: the opening hours cut into slots of this length, each with this many places.
    pickup_slot_minutes = models.PositiveSmallIntegerField(
        _("pickup slot length (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text=_("Appointments to collect a kit are offered in the opening hours, in slots of this length."),
    )
    pickup_slot_capacity = models.PositiveSmallIntegerField(
        _("kits per pickup slot"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("How many people the reception point can welcome in one slot."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="site_code_two_capitals", condition=Q(code__regex=r"^[A-Z]{2}$")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
