"""Demo sites, partner organisations and one account per role. Safe to load twice."""

from django.db import transaction

from accounts.enums import Role
from accounts.models import User
from common.validators import department_of
from referrals.enums import Authorisation, OrganisationKind
from referrals.models import Organisation
from referrals.services import account_create
from sites.models import Site

DEMO_PASSWORD = "demo-bagage-2026"

SITES = [
    # code, name, address, postal code, city, warehouse, latitude, longitude
    ("LI", "Lille", "12 rue de Paris", "59000", "Lille", False, "50.636565", "3.063528"),
    ("SD", "Saint-Denis", "3 rue du Landy", "93200", "Saint-Denis", True, "48.918090", "2.355870"),
    ("PA", "Paris", "45 boulevard de Belleville", "75011", "Paris", False, "48.869550", "2.379830"),
    ("AN", "Antony", "8 avenue Aristide Briand", "92160", "Antony", False, "48.754280", "2.298770"),
    ("LY", "Lyon", "20 rue Servient", "69003", "Lyon", False, "45.760450", "4.849020"),
    ("GR", "Grenoble", "5 place Saint-Bruno", "38000", "Grenoble", False, "45.189960", "5.709970"),
    ("MA", "Marseille", "60 rue de la République", "13002", "Marseille", False, "43.300170", "5.368040"),
]

ORGANISATIONS = [
    # name, kind, SIRET, postal code, authorisation
    ("CCAS de Saint-Denis", OrganisationKind.CCAS, "21350238800100", "93200", Authorisation.VALIDATED),
    ("Mission locale de Lille", OrganisationKind.MISSION_LOCALE, "20004697700100", "59000", Authorisation.VALIDATED),
    ("Association Toit pour tous", OrganisationKind.ASSOCIATION, "77566343800106", "75011", Authorisation.VALIDATED),
    (
        "France Travail Lyon Part-Dieu",
        OrganisationKind.FRANCE_TRAVAIL,
        "13000548100101",
        "69003",
        Authorisation.VALIDATED,
    ),
    ("CHRS Les Tilleuls", OrganisationKind.CHRS, "42424242800102", "13002", Authorisation.PENDING),
]

# username, role, site code, organisation SIRET, first name, last name
ACCOUNTS = [
    ("coordinator", Role.COORDINATOR, "PA", None, "Camille", "Bernard"),
    ("warehouse", Role.WAREHOUSE, "SD", None, "Karim", "Haddad"),
    ("mediator", Role.MEDIATOR, "SD", None, "Léa", "Martin"),
    ("social_worker", Role.SOCIAL_WORKER, None, "21350238800100", "Sophie", "Leroy"),
    ("social_worker2", Role.SOCIAL_WORKER, None, "20004697700100", "Yanis", "Benali"),
    # A second social worker in every organisation, and two in the pending one.
    ("ccas_sd_2", Role.SOCIAL_WORKER, None, "21350238800100", "Mehdi", "Bouzid"),
    ("ml_lille_2", Role.SOCIAL_WORKER, None, "20004697700100", "Claire", "Lefebvre"),
    ("toit_1", Role.SOCIAL_WORKER, None, "77566343800106", "Fatou", "Ndiaye"),
    ("toit_2", Role.SOCIAL_WORKER, None, "77566343800106", "Julien", "Moreau"),
    ("ft_lyon_1", Role.SOCIAL_WORKER, None, "13000548100101", "Nathalie", "Garcia"),
    ("ft_lyon_2", Role.SOCIAL_WORKER, None, "13000548100101", "Olivier", "Petit"),
    ("tilleuls_1", Role.SOCIAL_WORKER, None, "42424242800102", "Inès", "Haddad"),
    ("tilleuls_2", Role.SOCIAL_WORKER, None, "42424242800102", "Thomas", "Roux"),
]


@transaction.atomic
def load_sites() -> dict[str, Site]:
    sites = {}
    for code, name, address, postal_code, city, warehouse, lat, lon in SITES:
        sites[code], _ = Site.objects.update_or_create(
            code=code,
            defaults=dict(
                name=name,
                address=address,
                postal_code=postal_code,
                city=city,
                is_warehouse=warehouse,
                is_reception_point=True,
                latitude=lat,
                longitude=lon,
                opening_hours="Mo-Fr 09:30-17:00",
                email=f"{code.lower()}@bagage.example.org",
            ),
        )
    return sites


@transaction.atomic
def load_organisations() -> dict[str, Organisation]:
    organisations = {}
    for name, kind, siret, postal_code, authorisation in ORGANISATIONS:
        organisations[siret], _ = Organisation.objects.get_or_create(
            siret=siret,
            defaults=dict(
                name=name,
                kind=kind,
                postal_code=postal_code,
                department=department_of(postal_code),
                authorisation=authorisation,
            ),
        )
    return organisations


@transaction.atomic
def load_accounts(sites: dict[str, Site], organisations: dict[str, Organisation]) -> list[User]:
    users = []
    for username, role, site_code, siret, first_name, last_name in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            person = dict(
                username=username,
                password=DEMO_PASSWORD,
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@bagage.example.org",
                validate=False,
            )
            user = account_create(
                role=role,
                organisation=organisations[siret] if siret else None,
                site=sites[site_code] if site_code else None,
                # The demo coordinator also opens the Django admin (/admin/).
                opens_admin=role == Role.COORDINATOR,
                **person,
            )
        users.append(user)
    return users
