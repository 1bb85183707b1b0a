"""A year of detections by the demo département's partners (synthetic people only).

Two Missions Locales, the child-welfare service and a police referent detect young people; minors are
transmitted to the CRIP (an information préoccupante, sometimes a signalement to the prosecutor), most with
the CRIP's feedback; two recent minors' detections have no transmission yet (on the boards), one has a
justified absence. Young adults are referred, with their consent, to L'Escale or Horizons Solidaires, which
accept or decline, record first contacts, and L'Escale starts one accompaniment with a person's file.
"""

from __future__ import annotations

from datetime import date, timedelta

from parcours.core.access import Actor
from parcours.core.models import Membership, Organisation, OrganisationKind, User
from parcours.core.roles import Role
from parcours.people.models import (
    AdministrativeStatus,
    HealthCoverage,
    Housing,
    NationalityGroup,
    Person,
    Resources,
)
from parcours.referrals import services
from parcours.referrals.models import AgeBand, Detection, PlaceType, PlatformType, ProtectionReport
from parcours.referrals.selectors import indicators_offered

# Partners added for the demo (name, kind, e-mail, address); the accounts that act for them.
PARTNERS = [
    ("Mission locale des Coteaux", OrganisationKind.MISSION_LOCALE, "contact@ml-coteaux.demo.invalid", ""),
    (
        "Cellule de recueil des informations préoccupantes (CRIP) — Conseil départemental",
        OrganisationKind.CHILD_WELFARE,
        "crip@departement.demo.invalid",
        "1 place du Département, 99000 Démoville — 03 99 00 01 19",
    ),
]
ACCOUNTS = [
    ("ml.coteaux", "Samia", "Conseillère", "Mission locale des Coteaux"),
    ("ase", "Julien", "Éducateur", "Aide sociale à l'enfance — Conseil départemental"),
    ("police.referent", "Karine", "Référente", "Direction départementale de la police nationale"),
]


def _partner_actor(builder, username: str, first: str, last: str, org_name: str) -> Actor:
    from parcours.demo.generator import DEMO_PASSWORD

    org = Organisation.objects.get(departement=builder.orgs[0].departement, name=org_name)
    user = User.objects.create_user(
        username=username,
        password=DEMO_PASSWORD,
        first_name=first,
        last_name=last,
        email=f"{username}@demo.invalid",
    )
    membership = Membership.objects.create(user=user, organisation=org, role=Role.PARTNER_ADVISOR)
    return Actor(user, membership)


def build(builder) -> None:
    from parcours.demo.generator import FIRST_NAMES, LAST_NAMES

    departement = builder.orgs[0].departement
    for name, kind, email, address in PARTNERS:
        Organisation.objects.create(
            departement=departement, name=name, kind=kind, email=email, address=address
        )
    partners = [builder.actors["mission.locale"]] + [_partner_actor(builder, *a) for a in ACCOUNTS]
    escale, horizons = builder.orgs[3], builder.orgs[4]
    escale_worker, horizons_worker = builder.actors["escale"], builder.actors["horizons"]
    rng, today = builder.rng, builder.today
    indicators = list(indicators_offered(departement))
    n_minor = n_adult = left_open = 0
    for k in range(42):
        partner = partners[0] if k % 3 == 0 else partners[k % len(partners)]
        minor = k % 5 in (0, 2)
        day = today - timedelta(days=358 - k * 8 - rng.randint(0, 4))
        identified = k % 4 != 3
        band = (
            rng.choice([AgeBand.UNDER_15, AgeBand.FROM_15_TO_17, AgeBand.FROM_15_TO_17])
            if minor
            else rng.choice([AgeBand.FROM_18_TO_21, AgeBand.FROM_18_TO_21, AgeBand.FROM_22_TO_25])
        )
        detection = Detection(
            detected_on=day,
            age_band=band,
            sex="M" if k % 9 == 4 else "F",
            place_type=rng.choice(
                [PlaceType.HOTEL, PlaceType.SHORT_LET, PlaceType.ONLINE_ONLY, PlaceType.STREET]
            ),
            platform_type=rng.choice(
                [PlatformType.SOCIAL_NETWORK, PlatformType.AD_SITE, PlatformType.MESSAGING]
            ),
            context="Rencontre lors d'un entretien ; signes observés sur plusieurs semaines.",
            actions_taken="Échange avec la personne, information sur les ressources.",
        )
        if identified:
            age = 16 if minor else 20
            detection.last_name = LAST_NAMES[(k * 5 + 3) % len(LAST_NAMES)]
            detection.first_name = FIRST_NAMES[(k * 3 + 1) % len(FIRST_NAMES)]
            detection.birth_date = date(day.year - age, 1 + k % 12, 1 + k % 27)
            detection.phone = f"07 00 00 {k:02d} {k * 7 % 100:02d}"
        detection = services.create_detection(
            actor=partner, detection=detection, indicators=rng.sample(indicators, 3), today=today
        )
        if detection.is_minor:
            n_minor += 1
            if today - day < timedelta(days=70) and left_open < 2:
                left_open += 1
                continue  # no transmission yet: on the partner's and the secretariat's boards
            if n_minor % 7 == 3:
                services.justify_no_transmission(
                    actor=partner,
                    detection=detection,
                    reason="Situation déjà suivie par la CRIP (mesure en cours).",
                )
                continue
            kind = (
                ProtectionReport.Kind.SIGNALEMENT
                if n_minor % 6 == 1
                else ProtectionReport.Kind.INFORMATION_PREOCCUPANTE
            )
            sent = min(day + timedelta(days=rng.randint(0, 3)), today)
            report = services.record_protection_report(
                actor=partner,
                detection=detection,
                kind=kind,
                sent_on=sent,
                recipient="CRIP du Conseil départemental"
                if kind == ProtectionReport.Kind.INFORMATION_PREOCCUPANTE
                else "Procureur de la République près le tribunal judiciaire de Démoville",
                reference=f"IP-99-{day.year}-{100 + k}",
                today=today,
            )
            feedback_on = sent + timedelta(days=rng.randint(20, 70))
            if feedback_on <= today and n_minor % 4 != 0:
                services.record_feedback(
                    actor=partner,
                    report=report,
                    feedback_on=feedback_on,
                    feedback=rng.choice(
                        [
                            ProtectionReport.Feedback.EVALUATION,
                            ProtectionReport.Feedback.ADMINISTRATIVE,
                            ProtectionReport.Feedback.JUDICIAL,
                        ]
                    ),
                    today=today,
                )
            continue
        n_adult += 1
        if n_adult % 5 == 0:
            continue  # not referred (yet)
        association, worker = (escale, escale_worker) if n_adult % 2 else (horizons, horizons_worker)
        referred = min(day + timedelta(days=rng.randint(1, 10)), today)
        referral = services.refer(
            actor=partner,
            detection=detection,
            association=association,
            consent_given_on=referred,
            referred_on=referred,
            message="Jeune d'accord pour rencontrer l'association ; préfère être appelée en fin de journée.",
            share_contact=identified,
            today=today,
        )
        answered = referred + timedelta(days=rng.randint(1, 6))
        if answered > today:
            continue
        if n_adult % 6 == 4:
            services.answer_referral(
                actor=worker,
                referral=referral,
                accept=False,
                day=answered,
                decline_reason="Hors de notre secteur d'intervention",
                today=today,
            )
            continue
        services.answer_referral(actor=worker, referral=referral, accept=True, day=answered, today=today)
        contact = answered + timedelta(days=rng.randint(2, 25))
        if contact > today or n_adult % 7 == 2:
            continue  # accepted without first contact: on the association's board after a while
        services.record_first_contact(actor=worker, referral=referral, day=contact, today=today)
        start = contact + timedelta(days=rng.randint(3, 20))
        if association == escale and identified and start <= today and not escale_started(escale):
            _start_accompaniment(worker, referral, detection, start, today)


def escale_started(association) -> bool:
    return association.referrals_received.filter(person__isnull=False).exists()


def _start_accompaniment(worker, referral, detection, start, today) -> None:
    person = Person(
        last_name=detection.last_name,
        first_name=detection.first_name,
        birth_date=detection.birth_date,
        phone=detection.phone,
        sex=detection.sex,
        nationality="française",
        nationality_group=NationalityGroup.FRENCH,
        languages="français",
        housing=Housing.THIRD_PARTY,
        resources=Resources.NONE,
        health_coverage=HealthCoverage.PUMA,
        administrative_status=AdministrativeStatus.FRENCH_EU,
    )
    services.start_accompaniment(actor=worker, referral=referral, person=person, day=start, today=today)
