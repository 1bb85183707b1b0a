"""The demo diagnostic territorial: a campaign under way (invitations sent, answers and lists of keys
received from most structures) and last year's closed campaign. The people are synthetic; their keys are
computed with the LK2 scheme and the demo phrase below, as a structure's browser would. Each structure writes
a person its own way now and then (a typo, the names swapped, day and month swapped, the year only, a wrong
year, a spelling variant) and leaves a few birth dates blank, so that the linkage screen shows LK2 linking
the variants and counting the rows set aside."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from parcours.diagnostic import services as ds
from parcours.diagnostic.linkage import SetAside, age_band, derive_key, is_minor, person_keys, sex_code
from parcours.diagnostic.models import Participant
from parcours.diagnostic.tasks import compute_report

# The demo's shared phrase (a real campaign's phrase is never written anywhere in Parcours).
DEMO_PHRASE = "abeille jardin rivière soleil village citron horizon"

SYLLABLES = ["ka", "lo", "mi", "ra", "zu", "ve", "no", "ti", "sa", "ber", "dal", "quin", "mor", "fel", "gra"]
# Spelling variants a structure may use for the same first name (LK2's phonetic reduction absorbs them).
SPELLINGS = [
    ("Mohamed", "Mohammed"),
    ("Sergei", "Sergey"),
    ("Aïcha", "Aicha"),
    ("Joy", "Joie"),
    ("Blessing", "Blesing"),
    ("Fatoumata", "Fatumata"),
]
# How often a structure writes a person differently from the others (synthetic error mix, of the order of
# the errors the LK2 design note assumes: docs/diagnostic.md « Clés de rapprochement pseudonymes »).
VARIANTS = [
    ("exact", 80),
    ("typo", 5),
    ("swapped_names", 3),
    ("swapped_day_month", 3),
    ("year_only", 3),
    ("wrong_year", 2),
    ("no_date", 4),
]
FREE_STRUCTURES = [
    ("Lycée professionnel de Démoville", "cpe.lycee@demo.invalid"),
    ("Centre d'information sur les droits des femmes (fictif)", "cidff@demo.invalid"),
    ("Permanence d'accès aux droits du barreau de Démoville", ""),
]
# Organisation indexes of the generator's ORGANISATIONS surveyed, with how likely each sees a person.
SURVEYED = {3: 0.30, 4: 0.22, 6: 0.10, 7: 0.08, 8: 0.18, 9: 0.06, 11: 0.15}


# Questionnaire keys of the age bands (labels of linkage.AGE_BANDS) and of the nationality groups.
BAND_QUESTIONS = {
    "age_lt18": "moins de 18 ans",
    "age_18_24": "18 à 24 ans",
    "age_25_34": "25 à 34 ans",
    "age_35_plus": "35 ans et plus",
}
NATIONALITIES = [
    "nat_france",
    "nat_eu",
    "nat_europe_other",
    "nat_africa",
    "nat_americas",
    "nat_asia",
    "nat_unknown",
]
NATIONALITY_WEIGHTS = [20, 25, 10, 30, 8, 4, 3]


def _name(rng) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _population(rng, size: int, reference: date) -> list[dict]:
    people = []
    for _ in range(size):
        age = rng.choice([16, 17, 19, 21, 23, 26, 29, 33, 38, 44, 51])
        spelling = rng.choice(SPELLINGS) if rng.random() < 0.15 else None
        people.append(
            {
                "last": _name(rng),
                "first": spelling[0] if spelling else _name(rng),
                "spellings": spelling,
                "born": date(reference.year - age, rng.randint(1, 12), rng.randint(1, 28)),
                "sex": rng.choices(["F", "M", "X"], weights=[85, 10, 5])[0],
                "online": rng.random() < 0.35,
                "visibility": rng.choice([0.5, 1.0, 1.0, 1.5, 2.0]),  # heterogeneity between people
            }
        )
    return people


def _typo(rng, name: str) -> str:
    """One letter doubled or dropped inside the name (never its first letter)."""
    i = rng.randint(1, len(name) - 1)
    return name[:i] + name[i] + name[i:] if rng.random() < 0.5 else name[:i] + name[i + 1 :]


def _as_written(rng, p: dict) -> tuple[str, str, date | int | None]:
    """The person as one structure writes it: last name, first name, birth date (or year, or nothing)."""
    last, first, born = p["last"], p["first"], p["born"]
    if p["spellings"]:
        first = rng.choice(p["spellings"])
    variant = rng.choices([v for v, _ in VARIANTS], weights=[w for _, w in VARIANTS])[0]
    if variant == "typo":
        first = _typo(rng, first)
    elif variant == "swapped_names":
        last, first = first, last
    elif variant == "swapped_day_month" and born.day <= 12:
        born = date(born.year, born.day, born.month)
    elif variant == "year_only":
        born = born.year
    elif variant == "wrong_year":
        born = date(born.year + rng.choice([-1, 1]), born.month, born.day)
    elif variant == "no_date":
        born = None
    return last, first, born


def _payload(rng, key: bytes, people: list[dict], reference: date) -> str:
    """The keys file v2 a structure's browser sends for the people it knows."""
    rows, set_aside = [], Counter()
    for p in people:
        last, first, born = _as_written(rng, p)
        try:
            keys = person_keys(key, last, first, born, reference=reference)
        except SetAside as error:
            set_aside[error.reason] += 1
            continue
        rows.append(
            ",".join(
                [
                    " ".join(keys),
                    age_band(born, reference),
                    "oui" if is_minor(born, reference) else "non",
                    sex_code(p["sex"]),
                    "oui" if p["online"] else "non",
                ]
            )
        )
    reasons = "".join(f";{reason}={n}" for reason, n in sorted(set_aside.items()))
    header = [
        f"#LK2 lignes_ecartees={sum(set_aside.values())}{reasons}",
        "cles,tranche_age,mineur,sexe,en_ligne",
    ]
    return "\n".join(header + rows)


def _answers(rng, seen: list[dict], reference: date) -> dict[str, int]:
    """What a structure would declare: its own counts, a little rounded."""
    total = len(seen) + rng.randint(0, 6)
    minors = sum(1 for p in seen if age_band(p["born"], reference) == "moins de 18 ans")
    women = sum(1 for p in seen if p["sex"] == "F")
    men = sum(1 for p in seen if p["sex"] == "M")
    online = sum(1 for p in seen if p["online"])
    bands = Counter(age_band(p["born"], reference) for p in seen)
    nationalities = Counter(rng.choices(NATIONALITIES, weights=NATIONALITY_WEIGHTS, k=len(seen)))
    return {
        **{key: bands[label] for key, label in BAND_QUESTIONS.items()},
        **{key: nationalities[key] for key in NATIONALITIES},
        "total": total,
        "minors": minors,
        "online": online,
        "sex_female": women,
        "sex_male": men,
        "sex_other": len(seen) - women - men,
        "form_street": round(total * 0.4),
        "form_online": online,
        "form_apartment": round(total * 0.3),
    }


def _campaign(builder, *, title, period_start, period_end, deadline, size, answering, open_until):
    rng, orgs, ddfe = builder.rng, builder.orgs, builder.secretariat
    reference = period_end
    campaign = ds.create_campaign(
        ddfe,
        title=title,
        period_start=period_start,
        period_end=period_end,
        deadline=deadline,
        message="Merci de répondre même si vous ne connaissez que peu de personnes.",
        today=open_until,
    )
    ds.add_organisations(ddfe, campaign, [orgs[i] for i in SURVEYED])
    for name, email in FREE_STRUCTURES:
        ds.add_structure(ddfe, campaign, name=name, email=email)
    ds.record_phrase_generated(ddfe, campaign)  # as the secretariat's browser would (the phrase is not sent)
    ds.open_campaign(ddfe, campaign, today=open_until)
    key = derive_key(DEMO_PHRASE, campaign.code)
    people = _population(rng, size, reference)
    for index, probability in SURVEYED.items():
        participant = Participant.objects.get(campaign=campaign, organisation=orgs[index])
        if index not in answering:
            continue
        seen = [p for p in people if rng.random() < min(0.95, probability * p["visibility"])]
        ds.submit_answers(participant, _answers(rng, seen, reference))
        if index in answering[:5]:  # five structures also send their list
            ds.store_key_list(participant, _payload(rng, key, seen, reference))
    lycee = Participant.objects.get(campaign=campaign, name=FREE_STRUCTURES[0][0])
    ds.submit_answers(lycee, {"total": 3, "minors": 3, "online": 2, "age_lt18": 3, "sex_female": 3})
    return campaign


def build(builder) -> None:
    today = builder.today
    # Last year's campaign, closed.
    closed = _campaign(
        builder,
        title=f"Diagnostic territorial {today.year - 1}",
        period_start=date(today.year - 2, 1, 1),
        period_end=date(today.year - 2, 12, 31),
        deadline=today + timedelta(days=30),
        size=380,
        answering=[3, 4, 8, 11, 6, 7, 9],
        open_until=today,
    )
    ds.close_campaign(builder.secretariat, closed)
    # Its frozen report: computed here rather than after the demo's transaction (the task enqueued by the
    # closure then finds it done), and published, as the secretariat would after reading it.
    report = closed.reports.get(version=1)
    compute_report.call(str(report.public_id))
    report.refresh_from_db()
    ds.publish_report(builder.secretariat, report)
    # This year's, under way: two structures have not answered yet.
    _campaign(
        builder,
        title=f"Diagnostic territorial {today.year}",
        period_start=date(today.year - 1, 1, 1),
        period_end=date(today.year - 1, 12, 31),
        deadline=today + timedelta(days=20),
        size=420,
        answering=[3, 4, 8, 11, 6],
        open_until=today,
    )
