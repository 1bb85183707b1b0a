"""The demo's partners' actions over the last year: street rounds by L'Escale, online rounds (*maraudes
numériques*) by Horizons Solidaires and the Mission Locale, prevention in 25 of a synthetic list of 40
collèges this school year (and a few lycées), two cross-trainings and four sessions of the clients' course.
Counts only; recorded through the real services (checked and audited)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from parcours.actions import services
from parcours.actions.coverage import school_year_bounds, school_year_of
from parcours.actions.models import (
    ClientCourseSession,
    Establishment,
    EstablishmentKind,
    OutreachRound,
    PreventionAction,
    Training,
)

# Invented communes and names of establishments (no real place of the demo département).
COMMUNES = ["Démoville", "Rivebelle", "Val-de-Démo", "Montclair-sur-Démo", "Aubier-la-Forêt", "Les Granges"]
NAMES = [
    "des Tilleuls",
    "des Sources",
    "du Moulin",
    "des Trois-Ponts",
    "du Parc",
    "de la Colline",
    "des Vergers",
    "du Lac",
]
COLLEGES, COLLEGES_REACHED = 40, 25


def _days(builder, start: date, end: date, n: int) -> list[date]:
    span = max((end - start).days, 0)
    return sorted(start + timedelta(days=builder.rng.randint(0, span)) for _ in range(n))


def _establishments(builder) -> None:
    lines = ["type;nom;commune;uai"]
    for i in range(COLLEGES):
        lines.append(
            f"collège;Collège {NAMES[i % len(NAMES)]};{COMMUNES[i // len(NAMES) % len(COMMUNES)]};099{i:04d}A"
        )
    for i in range(8):
        lines.append(f"lycée;Lycée {NAMES[i]};{COMMUNES[i % len(COMMUNES)]};099{100 + i:04d}B")
    for i in range(4):
        lines.append(f"LP;Lycée professionnel {NAMES[-1 - i]};{COMMUNES[i]};")
    lines.append("CFA;CFA interprofessionnel;Démoville;")
    services.import_establishments(actor=builder.secretariat, content="\n".join(lines).encode())


def _outreach(builder, actor, *, online: bool, every_days: int) -> None:
    rng, day = builder.rng, builder.today - timedelta(days=364)
    while day <= builder.today:
        ads = rng.randint(30, 120) if online else 0
        contacts = rng.randint(3, min(ads, 25)) if online else rng.randint(6, 30)
        met = rng.randint(1, contacts)
        data = {
            "held_on": day,
            "kind": "online" if online else "street",
            "duration_minutes": rng.choice([90, 120, 150, 180, 240]),
            "area": ""
            if online
            else rng.choice(["Quartier de la gare", "Zone industrielle nord", "Bords du lac"]),
            "platform_type": rng.choice(["ad_site", "social_network", "dating"]) if online else "",
            "ads_seen": ads,
            "contacts": contacts,
            "people_met": met,
            "minors_met": rng.randint(0, min(met, 2)),
            "needs": rng.sample(["health", "housing", "rights", "exit", "safety"], rng.randint(1, 3)),
            "referrals_made": rng.randint(0, min(met, 3)),
            "reports_pharos": rng.randint(0, 2) if online else 0,
            "reports_platforms": rng.randint(0, 3) if online else 0,
        }
        services.save_action(actor=actor, model=OutreachRound, data=data)
        day += timedelta(days=every_days + rng.randint(-2, 2))


def _prevention(builder) -> None:
    rng, actors = builder.rng, [builder.actors["escale"], builder.actors["horizons"]]
    colleges = list(Establishment.objects.filter(kind=EstablishmentKind.COLLEGE, uai__startswith="099"))
    lycees = list(Establishment.objects.filter(kind=EstablishmentKind.LYCEE))
    start, _ = school_year_bounds(school_year_of(builder.today))
    reached = rng.sample(colleges, COLLEGES_REACHED)
    days = _days(builder, start, builder.today, 13)
    # Two collèges per action this school year (one for the last action), then a few lycées.
    for i, day in enumerate(days):
        services.save_action(
            actor=actors[i % 2],
            model=PreventionAction,
            data={
                "held_on": day,
                "establishments": reached[2 * i : 2 * i + 2],
                "other_public": "",
                "audience": ["pupils"] if i % 3 else ["pupils", "staff"],
                "people_reached": rng.randint(60, 220),
                "theme": rng.choice(
                    [
                        "Relations affectives et consentement",
                        "Risques en ligne et « loverboys »",
                        "Estime de soi",
                    ]
                ),
            },
        )
    last_start, last_end = school_year_bounds(school_year_of(builder.today) - 1)
    for day, lycee in zip(_days(builder, last_start, last_end, 3), lycees, strict=False):
        services.save_action(
            actor=actors[0],
            model=PreventionAction,
            data={
                "held_on": day,
                "establishments": [lycee],
                "other_public": "",
                "audience": ["pupils", "parents"],
                "people_reached": rng.randint(40, 120),
                "theme": "Prostitution des mineurs : repérer et alerter",
            },
        )
    services.save_action(
        actor=actors[1],
        model=PreventionAction,
        data={
            "held_on": builder.today - timedelta(days=120),
            "establishments": [],
            "other_public": "Foyer de jeunes travailleurs",
            "audience": ["pupils"],
            "people_reached": 25,
            "theme": "Risques en ligne",
        },
    )


def _trainings(builder) -> None:
    common = {"justice": 2, "health": 3, "other": 1}
    services.save_action(
        actor=builder.secretariat,
        model=Training,
        data={
            "held_on": builder.today - timedelta(days=200),
            "title": "Repérer et protéger les mineurs en situation prostitutionnelle",
            **common,
            "police": 5,
            "gendarmerie": 4,
            "education": 6,
            "social_work": 7,
            "mission_locale": 3,
            "total_attendees": 31,
            "hours": Decimal(7),
        },
    )
    services.save_action(
        actor=builder.actors["escale"],
        model=Training,
        data={
            "held_on": builder.today - timedelta(days=60),
            "title": "Accompagner vers la sortie de la prostitution : le parcours de sortie",
            **common,
            "police": 0,
            "gendarmerie": 0,
            "education": 0,
            "social_work": 9,
            "mission_locale": 5,
            "total_attendees": 20,
            "hours": Decimal("3.5"),
        },
    )


def _courses(builder) -> None:
    rng = builder.rng
    for day in _days(builder, builder.today - timedelta(days=330), builder.today - timedelta(days=7), 4):
        ordered = {
            key: rng.randint(lo, hi)
            for key, lo, hi in (("alternative", 4, 9), ("composition", 1, 3), ("sentence", 0, 2))
        }
        data = {"held_on": day, "fee_euros": None}
        for key, n in ordered.items():
            data[f"ordered_{key}"] = n
            data[f"completed_{key}"] = n - (1 if n and rng.random() < 0.3 else 0)
        services.save_action(actor=builder.actors["escale"], model=ClientCourseSession, data=data)


def build(builder) -> None:
    _establishments(builder)
    _outreach(builder, builder.actors["escale"], online=False, every_days=14)
    _outreach(builder, builder.actors["horizons"], online=True, every_days=21)
    _outreach(builder, builder.actors["mission.locale"], online=True, every_days=45)
    _prevention(builder)
    _trainings(builder)
    _courses(builder)
