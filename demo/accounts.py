"""Demo sites, partner organisations and one account per role. Safe to load twice."""

from django.db import transaction

from accounts.enums import Role
from accounts.models import User
from common.validators import clean_phone, department_of
from referrals.enums import Authorisation, OrganisationKind
from referrals.models import Organisation
from referrals.services import account_create
from sites.models import DEFAULT_SERVICES, Site

DEMO_PASSWORD = "demo-bagage-2026"

SITES = [
    # code, name, address, postal code, city, warehouse, latitude, longitude, then the public details:
    # INSEE code, phone, opening hours (OpenStreetMap format), short description
    (
        "LI",
        "Lille",
        "12 rue de Paris",
        "59000",
        "Lille",
        False,
        "50.636565",
        "3.063528",
        "59350",
        "03 20 55 12 34",
        "Mo-Fr 09:30-12:30,14:00-17:30",
        "Ordinateurs et téléphones reconditionnés, à prix solidaire, pour les personnes orientées par un partenaire.",
    ),
    (
        "SD",
        "Saint-Denis",
        "3 rue du Landy",
        "93200",
        "Saint-Denis",
        True,
        "48.918090",
        "2.355870",
        "93066",
        "01 48 09 52 10",
        "Mo-Fr 09:00-12:30,13:30-17:00",
        "Atelier de reconditionnement et point d'accueil : équipements et connexion à prix solidaire.",
    ),
    (
        "PA",
        "Paris",
        "45 boulevard de Belleville",
        "75011",
        "Paris",
        False,
        "48.869550",
        "2.379830",
        "75111",
        "01 43 57 28 90",
        "Tu-Sa 10:00-13:00,14:00-18:00",
        "Remise de kits numériques (équipement, carte SIM, premiers pas) sur orientation d'un travailleur social.",
    ),
    (
        "AN",
        "Antony",
        "8 avenue Aristide Briand",
        "92160",
        "Antony",
        False,
        "48.754280",
        "2.298770",
        "92002",
        "01 46 66 31 20",
        "Mo,We,Fr 09:30-12:30; Tu,Th 14:00-18:00",
        "Permanence d'accès au matériel informatique et d'accompagnement aux premiers usages.",
    ),
    (
        "LY",
        "Lyon",
        "20 rue Servient",
        "69003",
        "Lyon",
        False,
        "45.760450",
        "4.849020",
        "69383",
        "04 78 62 14 50",
        "Mo-Fr 09:00-12:00,13:30-17:30; PH off",
        "Équipements reconditionnés et cartes SIM prépayées pour les personnes orientées par un partenaire.",
    ),
    (
        "GR",
        "Grenoble",
        "5 place Saint-Bruno",
        "38000",
        "Grenoble",
        False,
        "45.189960",
        "5.709970",
        "38185",
        "04 76 46 22 80",
        "Tu-Fr 10:00-12:30,14:00-17:00",
        "Point d'accueil : ordinateurs et téléphones à prix solidaire, prise en main accompagnée.",
    ),
    (
        "MA",
        "Marseille",
        "60 rue de la République",
        "13002",
        "Marseille",
        False,
        "43.300170",
        "5.368040",
        "13202",
        "04 91 90 35 60",
        "Mo-Fr 09:00-12:30,13:30-17:00; Sa 09:30-12:30",
        "Remise d'équipements et de connexion à prix solidaire, sur orientation d'un travailleur social.",
    ),
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
    for code, name, address, postal_code, city, warehouse, lat, lon, insee, phone, hours, description in SITES:
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
                opening_hours=hours,
                email=f"{code.lower()}@bagage.example.org",
                insee_code=insee,
                phone=clean_phone(phone),
                website=f"https://bagage.example.org/lieux/{code.lower()}",
                description=description,
                services=list(DEFAULT_SERVICES),
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
