"""The national analyst never sees a person nor an unsuppressed small count: on the pages, through the API,
nor in the store they read. A département with people (synthetic names: the canaries) and pathways at every
stage publishes its national figures; then every national page and endpoint is read and the store scanned."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.core.roles import Role
from parcours.diagnostic.rules import secrecy_threshold
from parcours.national import selectors, services
from parcours.national.models import Figure, Release, TokenKind
from parcours.people.models import Person
from parcours.stats import registry
from tests.conftest import client_for
from tests.factories import PersonFactory
from tests.views.helpers import World

pytestmark = pytest.mark.django_db

CANARY = "Canarivelle"


@pytest.fixture
def published(departement, association, other_association, actors):
    world = World(departement, association, other_association, actors)
    for first in ("Oriane", "Sélène", "Maëlys"):
        PersonFactory(
            organisation=association, created_by=world.worker.user, first_name=first, last_name=CANARY
        )
    world.person, world.draft_pathway, world.submitted_pathway, world.reviewed_pathway  # noqa: B018
    world.active_pathway, world.granted_afis  # noqa: B018
    today = timezone.localdate()
    return services.publish_local(departement=departement, year=today.year, today=today).release


def identities() -> list[str]:
    people = list(Person.objects.all())
    assert any(p.last_name == CANARY for p in people)
    return [CANARY] + [p.last_name for p in people] + [p.pseudonym for p in people if p.pseudonym]


def test_pages_api_and_store_show_no_person_and_no_small_count(published, actors):
    names = identities()
    year = published.year
    analyst = client_for(actors[Role.NATIONAL_ANALYST])
    _, key = services.issue_token(
        kind=TokenKind.NATIONAL_READ, name="Analyste", membership=actors[Role.NATIONAL_ANALYST].membership
    )
    api = client_for(actors[Role.NATIONAL_ANALYST])
    api.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    code = published.departement_code
    texts = []
    for measure in selectors.national_measures():
        query = {"annee": year, "indicateur": measure.code}
        texts.append(analyst.get(reverse("national:ranking"), query).content.decode())
        texts.append(analyst.get(reverse("national:regions"), query).content.decode())
        url = reverse("national:departement", kwargs={"code": code, "year": year})
        texts.append(analyst.get(url, {"indicateur": measure.code}).content.decode())
        url = reverse("api:ranking", kwargs={"year": str(year), "indicator": measure.code})
        texts.append(api.get(url).content.decode())
    release_json = api.get(reverse("api:release", kwargs={"code": code, "year": str(year)})).json()
    texts.append(json.dumps(release_json, ensure_ascii=False))
    texts.append(api.get(reverse("api:indicators")).content.decode())
    texts.append(json.dumps(list(Release.objects.values()), default=str, ensure_ascii=False))
    texts.append(json.dumps(list(Figure.objects.values()), default=str, ensure_ascii=False))
    everything = "\n".join(texts)
    for name in names:
        assert name not in everything, "une identité apparaît dans les pages, l'API ou le magasin national"

    threshold = secrecy_threshold(timezone.localdate())
    # The store and the API: no count of people from 1 to threshold-1 left unsecret.
    small = [
        (f.indicator, f.breakdown, f.cell_label, f.value)
        for f in Figure.objects.filter(unit="count", secret=False, value__gte=1, value__lt=threshold)
        if registry.get(f.indicator).about_people
    ]
    assert not small
    for item in release_json["indicators"]:
        if item["unit"] != "count" or not registry.get(item["code"]).about_people:
            continue
        cells = [item["total"], *(c for cells in item["breakdowns"].values() for c in cells)]
        assert not [c for c in cells if not c["secret"] and c["value"] and 1 <= c["value"] < threshold]
    # The fixture does reach the store: some counts about people are there, secret.
    assert Figure.objects.filter(unit="count", secret=True).exists()
