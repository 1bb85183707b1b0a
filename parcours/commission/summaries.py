"""The pseudonymised summary of an agenda item, as a convened member of the commission sees it.

The summary is built from coded fields only: the person's identity and contact fields (names, aliases, birth
date, nationality in clear, languages, phone, e-mail, address), the follow-up notes, the free-text details of
the situation and the documents are never loaded from the database, so they cannot be rendered by mistake.
Each query below names the columns it reads (`values(...)`): adding a column is a deliberate act, reviewed
against the list above. One exception, never rendered: the names and aliases are read by `_without_names` to
take them out of the free texts (reasoned opinion, actions carried out, objectives) if the association typed
them there; they are replaced by the pseudonymous code.
"""

from __future__ import annotations

from datetime import date

from parcours.pathways.models import PlanObjective, Request, RequestKind, RightKind
from parcours.people.models import (
    AdministrativeStatus,
    HealthCoverage,
    Housing,
    NationalityGroup,
    Person,
    Resources,
    Sex,
)
from parcours.people.redaction import names_of, strip_names

from .models import AgendaItem, Convocation

# Age bands shown instead of the birth date: (upper bound excluded, label); the last band has no bound.
# The age is the one reached in the year of the meeting, computed from the coded birth year: the birth date
# itself is identity and is never read here (a person born late in the year may appear one band higher
# for a few months; the band is a summary, not a civil-status statement).
AGE_BANDS: tuple[tuple[int | None, str], ...] = (
    (18, "moins de 18 ans"),
    (25, "18 à 24 ans"),
    (35, "25 à 34 ans"),
    (45, "35 à 44 ans"),
    (None, "45 ans et plus"),
)

# The care/justice wall. DOMAIN.md: "Because the police and the justice sit on it while a person in a PSP is
# not required to file a complaint, social details must not flow to enforcement members" — the care/justice
# wall must hold in the software. For a member whose seat is in `rules.ENFORCEMENT_CATEGORIES` (magistrate,
# police, judicial police, gendarmerie, and the prefecture's foreigners' department since issue 14: it decides
# on the residence permit), the summary leaves out:
#   - the health coverage, the plan objectives of the health domain and the right "access to care";
#   - the actions carried out (renewal): they are the social follow-up itself;
#   - the association's reasoned opinion, replaced by the neutral statement below: the association presents
#     the request it supports, nothing of its assessment of the person is passed on.
# This is the only place where the wall is applied; tests/commission/test_portal.py and test_canary.py
# check it per seat category.
WALL_OPINION_STATEMENT = (
    "L'association qui accompagne la personne présente la demande et y est favorable. "
    "Son avis détaillé relève du suivi social : il n'est pas communiqué aux membres siégeant "
    "au titre de la police, de la gendarmerie, de la justice ou du service des étrangers."
)
WALL_NOTICE = (
    "Vous siégez au titre de la police, de la gendarmerie, de la justice ou du service des étrangers : "
    "la couverture maladie, "
    "les objectifs de santé, les actions menées et l'avis détaillé de l'association ne vous sont pas "
    "communiqués."
)
HEALTH_DOMAINS = frozenset({PlanObjective.Domain.HEALTH})
HEALTH_RIGHTS = frozenset({RightKind.HEALTH})

# The only columns of a person a summary may read: coded, never identity.
PERSON_FIELDS = (
    "pseudonym",
    "sex",
    "birth_year",
    "nationality_group",
    "housing",
    "resources",
    "administrative_status",
    "children",
    "health_coverage",
)


def age_band(birth_year: int, day: date) -> str:
    age = day.year - birth_year
    for upper, label in AGE_BANDS:
        if upper is None or age < upper:
            return label
    raise AssertionError("the last band has no upper bound")  # pragma: no cover


def _label(choices, value) -> str:
    return dict(choices.choices).get(value, "non renseigné")


def applies_wall(convocation: Convocation) -> bool:
    return convocation.mandate.seat.is_enforcement


def _without_names(pathway_id: int, pseudonym: str):
    """A function that replaces the person's names (any case or accents) by the pseudonymous code."""
    person = Person.objects.prefetch_related("aliases").get(pathways__pk=pathway_id)
    names = names_of(person)
    return lambda text: strip_names(text, names, pseudonym) if text else text


def summary_for(item: AgendaItem, convocation: Convocation) -> dict:
    """What the member convened by `convocation` may read of the request on `item` (a request item)."""
    wall = applies_wall(convocation)
    day = convocation.meeting.day
    request = (
        Request.objects.filter(pk=item.request_id)
        .values("pk", "kind", "rights_requested", "association_opinion", "actions_carried_out", "pathway_id")
        .get()
    )
    person = Person.objects.filter(pathways__pk=request["pathway_id"]).values(*PERSON_FIELDS).get()

    situation = [
        ("Hébergement", _label(Housing, person["housing"])),
        ("Ressources", _label(Resources, person["resources"])),
        ("Situation administrative", _label(AdministrativeStatus, person["administrative_status"])),
        ("Enfants à charge", str(person["children"])),
    ]
    if not wall:
        situation.append(("Couverture maladie", _label(HealthCoverage, person["health_coverage"])))

    objectives = PlanObjective.objects.filter(request_id=request["pk"])
    if wall:
        objectives = objectives.exclude(domain__in=HEALTH_DOMAINS)
    rights = [r for r in request["rights_requested"] if not (wall and r in HEALTH_RIGHTS)]
    is_renewal = request["kind"] == RequestKind.RENEWAL
    clean = _without_names(request["pathway_id"], person["pseudonym"])

    return {
        "pseudonym": person["pseudonym"],
        "kind": _label(RequestKind, request["kind"]),
        "is_renewal": is_renewal,
        "age_band": age_band(person["birth_year"], day),
        "sex": _label(Sex, person["sex"]),
        "nationality_group": _label(NationalityGroup, person["nationality_group"]),
        "situation": situation,
        "objectives": [
            {
                "domain": _label(PlanObjective.Domain, o["domain"]),
                "objective": clean(o["objective"]),
                "target": o["target_date"],
            }
            for o in objectives.values("domain", "objective", "target_date")
        ],
        "rights": [_label(RightKind, r) for r in rights],
        "association_opinion": WALL_OPINION_STATEMENT if wall else clean(request["association_opinion"]),
        "actions_carried_out": None if wall or not is_renewal else clean(request["actions_carried_out"]),
        "wall": wall,
        "wall_notice": WALL_NOTICE if wall else "",
    }
