"""Issue 14 in the demo département: languages and interpreters, the housing route, attestations of engagement
(synthetic people only).

A few people accompanied by L'Escale and Horizons Solidaires get their documents in English, Romanian,
Nigerian Pidgin or Chinese, with interpreters present at their consent, the signature of their commitments
and a notification (their costs feed the interpreting indicator); some have asked the SIAO for a place and
filed a social-housing request: three were housed (the delay to housing is on their page and in the
indicator), one waits with a DALO recourse. One attestation of engagement is issued, one waits on the
secretariat's board.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from parcours.attestations import services as attestations
from parcours.housing import services as housing
from parcours.pathways.models import Pathway, PathwayState
from parcours.people import services as people
from parcours.people.models import ConsentPurpose, NationalityGroup, Person

LANGUAGES = [("en", "anglais"), ("ro", "roumain"), ("pcm", "pidgin nigérian"), ("zh", "mandarin")]
INTERPRETERS = ["Interprète Démo (ISM fictif)", "Interprète Exemple (service fictif)"]


def _actor_of(builder, person: Person):
    return next(
        a for a in builder.actors.values() if a.is_association and a.organisation == person.organisation
    )


def _languages(builder, foreign: list[Person]) -> None:
    today = builder.today
    for k, person in enumerate(foreign[:6]):
        actor = _actor_of(builder, person)
        code, spoken = LANGUAGES[k % len(LANGUAGES)]
        person.document_language, person.needs_interpreter = code, True
        people.update_person(actor=actor, person=person)
        consent = person.consents.filter(purpose=ConsentPurpose.ACCOMPANIMENT).first()
        for j, (occasion, days_ago) in enumerate(
            [("consent", 300 - 20 * k), ("commitment", 200 - 10 * k), ("notification", 120 - 5 * k)]
        ):
            day = max(consent.given_on, today - timedelta(days=days_ago))
            people.record_interpreting(
                actor=actor,
                person=person,
                day=day,
                occasion=occasion,
                consent=consent if occasion == "consent" else None,
                language=spoken,
                interpreter=INTERPRETERS[(k + j) % len(INTERPRETERS)],
                mode="in_person" if j % 2 else "phone",
                duration_minutes=45 + 15 * j,
                cost=Decimal(str(40 + 12 * j + 5 * k)),
            )


def _housing(builder, candidates: list[Person]) -> None:
    today = builder.today
    # People accompanied for more than a year: their housing route fits between their consent and today.
    known = [(p, p.consents.order_by("given_on").first().given_on) for p in candidates]
    chosen = [(p, since) for p, since in known if (today - since).days > 400][:5]
    for k, (person, since) in enumerate(chosen):
        actor = _actor_of(builder, person)
        available = (today - since).days
        filed = since + timedelta(days=30)
        siao = housing.record_siao_request(
            actor=actor,
            person=person,
            requested_on=since + timedelta(days=5),
            orientation=["chrs", "alt", "maison_relais", "chrs", "iml"][k],
            number=f"SIAO-99-{1000 + k}",
        )
        housing.record_siao_outcome(
            actor=actor,
            siao=siao,
            status="placed",
            day=since + timedelta(days=20),
            placement=siao.orientation,
        )
        request = housing.record_housing_request(
            actor=actor,
            person=person,
            filed_on=filed,
            registration_number=f"099{k:02d}NUR{k:04d}",
            priority="recognised" if k % 2 == 0 else "asked",
            prefect_quota=k % 2 == 0,
        )
        data = {name: getattr(request, name) for name in housing.UPDATE_FIELDS}
        if k < 3:  # housed: from 90 to 330 days after the request (never after today)
            data["housed_on"] = filed + timedelta(days=min(90 + 120 * k, available - 31))
        else:  # still waiting; one with a DALO recourse decided in its favour
            data["dalo_filed_on"] = filed + timedelta(days=min(200, available - 100))
            if k == 3:
                data["dalo_decision"] = "priority_urgent"
                data["dalo_decided_on"] = data["dalo_filed_on"] + timedelta(days=60)
        housing.update_housing_request(actor=actor, housing=request, data=data)


def _attestations(builder) -> None:
    current = [
        p
        for p in Pathway.objects.filter(departement=builder.orgs[0].departement, state=PathwayState.ACTIVE)
        .select_related("person", "association")
        .prefetch_related("periods")
        if not p.period_expired and p.last_period is not None
    ][:2]
    for k, pathway in enumerate(current):
        actor = _actor_of(builder, pathway.person)
        attestation = attestations.request_attestation(
            actor=actor,
            pathway=pathway,
            purpose=["tax", "bank"][k],
            recipient=["Centre des finances publiques de Démoville", "Banque fictive de Démoville"][k],
        )
        if k == 0:
            attestations.issue_attestation(actor=builder.secretariat, attestation=attestation)


def build(builder) -> None:
    departement = builder.orgs[0].departement
    accompanied = list(
        Person.objects.filter(departement=departement, merged_into__isnull=True, is_sensitive=False).order_by(
            "pk"
        )
    )
    foreign = [p for p in accompanied if p.nationality_group != NationalityGroup.FRENCH]
    _languages(builder, foreign)
    _housing(builder, accompanied[1::2])
    _attestations(builder)
