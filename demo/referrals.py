"""Demo referrals: ~150 in every status, from the demo partners, through the services. Loaded once."""

import datetime as dt
import random

from django.db import transaction

from accounts.enums import Role
from accounts.models import User
from referrals import services
from referrals.enums import Authorisation, ReferralStatus
from referrals.models import Referral
from sites.models import Site

S = ReferralStatus
FIRST_NAMES = [
    "Amina",
    "Mohamed",
    "Fatoumata",
    "Jean",
    "Marie",
    "Olena",
    "Ahmad",
    "Sofia",
    "Karim",
    "Lucie",
    "Moussa",
    "Nadia",
    "Dmytro",
    "Aïcha",
    "Pierre",
    "Samira",
    "Yusuf",
    "Chantal",
    "Ibrahima",
    "Léa",
]
LAST_NAMES = [
    "Diallo",
    "Benali",
    "Traoré",
    "Martin",
    "Kovalenko",
    "Haddad",
    "Nguyen",
    "Bernard",
    "Camara",
    "Dubois",
    "Rahimi",
    "Petit",
    "Sow",
    "Moreau",
    "Mansouri",
    "Shevchenko",
    "Keita",
    "Laurent",
]
# Where each partner's people collect their kits.
SITES_OF = {
    "21350238800100": ["SD", "SD", "PA"],
    "20004697700100": ["LI"],
    "77566343800106": ["PA", "SD", "AN"],
    "13000548100101": ["LY", "GR"],
    "42424242800102": ["MA"],
}
TARGETS = [
    (S.SUBMITTED, 30),
    (S.NEEDS_INFO, 15),
    # Kits reserved and handed over come from distribution, through real allocations.
    (S.ACCEPTED, 70),
    (S.REJECTED, 15),
    (S.CANCELLED, 10),
    (S.EXPIRED, 10),
]
STEPS = {
    S.SUBMITTED: [],
    S.NEEDS_INFO: [("decide", "needs_info", "Quel point d'accueil lui convient le mieux ?")],
    S.ACCEPTED: [("decide", "accept", "")],
    S.REJECTED: [("decide", "reject", "Déjà équipée par notre association en début d'année.")],
    S.CANCELLED: [("cancel", "", "La personne a trouvé un téléphone par sa famille.")],
    S.EXPIRED: [("decide", "needs_info", "Pouvez-vous confirmer le numéro ?"), ("expire", "", "")],
}


def load_referrals(sites: dict[str, Site], users: list[User]) -> int:
    if Referral.objects.exists():
        return 0
    rng = random.Random(1789)
    social_workers = [u for u in users if u.role == Role.SOCIAL_WORKER]
    validated = [u for u in social_workers if u.membership.organisation.authorisation == Authorisation.VALIDATED]
    pending = [u for u in social_workers if u.membership.organisation.authorisation != Authorisation.VALIDATED]
    mediator = next(u for u in users if u.role == Role.MEDIATOR)
    coordinator = next(u for u in users if u.role == Role.COORDINATOR)
    statuses = [status for status, count in TARGETS for _ in range(count)]
    rng.shuffle(statuses)
    count = 0
    with transaction.atomic():
        plans = [(rng.choice(validated), status) for status in statuses]
        plans += [(rng.choice(pending), S.SUBMITTED) for _ in range(6)]  # never seen by mediators until validated
        people = []
        for n, (social_worker, status) in enumerate(plans):
            if n % 40 == 39 and people:
                person = dict(people[n % len(people)])  # the same person referred again, elsewhere
            else:
                person = {
                    "first_name": rng.choice(FIRST_NAMES),
                    "last_name": rng.choice(LAST_NAMES),
                    "phone": f"07 56 {n // 100:02d} {n % 100:02d} {rng.randrange(100):02d}",
                    "postal_code": social_worker.membership.organisation.postal_code,
                    "birth_year": rng.randrange(1950, 2008),
                    "language": rng.choice(["fr", "fr", "fr", "ar", "uk", "en", "ps"]),
                    "eligibility": rng.sample(["rsa", "ass", "aah", "asylum_seeker", "low_income", "young_neet"], 2),
                    # Two people in three agree to be told by SMS when their kit is ready (to their own number).
                    "sms_consent": n % 3 != 2,
                }
                people.append(person)
            urgent = rng.random() < 0.15
            referral = services.referral_submit(
                user=social_worker,
                beneficiary=person,
                device_kinds=[rng.choice(["smartphone", "smartphone", "laptop", "tablet"])],
                connectivity=rng.choice(["sim", "sim", "topup", "none"]),
                accessories=["charger"],
                reason=rng.choice(["administrative", "job_search", "education", "health", "family"]),
                urgency="high" if urgent else "normal",
                urgency_justification="Rendez-vous en préfecture la semaine prochaine" if urgent else "",
                site=sites[rng.choice(SITES_OF[social_worker.membership.organisation.siret])],
                consent=True,
            )
            for kind, name, extra in STEPS[status]:
                decider = mediator if referral.site_id == mediator.site_id else coordinator
                if kind == "decide":
                    services.referral_decide(user=decider, referral=referral, decision=name, reason=extra)
                elif kind == "cancel":
                    services.referral_cancel(user=social_worker, referral=referral, reason=extra)
                else:
                    # As the daily command would, once the referral has waited too long.
                    Referral.objects.filter(pk=referral.pk).update(
                        status_changed_at=referral.status_changed_at - dt.timedelta(days=365)
                    )
            count += 1
        services.referrals_expire()
    return count
