"""The housing route of a person: SIAO requests, social-housing requests (priority, prefect's quota, DALO),
the delay to housing on the person's page and as an indicator."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.core.models import AuditEvent
from parcours.housing import rules, services
from parcours.housing.models import HousingRequest, SiaoRequest
from parcours.stats import registry
from parcours.stats.registry import Scope
from tests.conftest import client_for
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def worker(actors):
    return actors["association_worker"]


def _request(worker, person, filed_on, **kwargs):
    return services.record_housing_request(actor=worker, person=person, filed_on=filed_on, **kwargs)


def _data(housing, **changes):
    data = {name: getattr(housing, name) for name in services.UPDATE_FIELDS}
    data.update(changes)
    return data


def test_a_housed_request_gives_the_delay_on_the_person_page(worker, person, actors):
    housing = _request(worker, person, TODAY - timedelta(days=100), priority="recognised", prefect_quota=True)
    services.update_housing_request(
        actor=worker, housing=housing, data=_data(housing, housed_on=TODAY - timedelta(days=10))
    )
    page = client_for(worker).get(reverse("people:detail", args=[person.public_id])).content.decode()
    assert "logement : <strong>90 jours</strong>" in page
    secretariat = client_for(actors["secretariat"]).get(reverse("housing:person", args=[person.public_id]))
    body = secretariat.content.decode()
    assert secretariat.status_code == 200 and 'data-testid="delay-days">90 jours' in body
    assert "Présentée sur le contingent préfectoral" not in body  # the secretariat reads, does not edit


def test_an_open_request_shows_the_days_waited(worker, person):
    _request(worker, person, TODAY - timedelta(days=45))
    page = client_for(worker).get(reverse("housing:person", args=[person.public_id])).content.decode()
    assert "en cours depuis <strong>45 jours</strong>" in page


def test_only_one_open_request_per_person(worker, person):
    _request(worker, person, TODAY - timedelta(days=5))
    with pytest.raises(ValidationError, match="déjà en cours"):
        _request(worker, person, TODAY)


def test_another_association_cannot_record_anything(person, other_association):
    from tests.factories import make_actor

    outsider = make_actor("association_worker", other_association)
    with pytest.raises(PermissionDenied):
        _request(outsider, person, TODAY)


def test_dalo_decision_needs_its_recourse_and_follows_it(worker, person):
    housing = _request(worker, person, TODAY - timedelta(days=200))
    with pytest.raises(ValidationError) as error:
        services.update_housing_request(
            actor=worker,
            housing=housing,
            data=_data(housing, dalo_decision="priority_urgent", dalo_decided_on=TODAY),
        )
    assert "dalo_filed_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.update_housing_request(
            actor=worker,
            housing=housing,
            data=_data(
                housing,
                dalo_filed_on=TODAY - timedelta(days=30),
                dalo_decision="priority_urgent",
                dalo_decided_on=TODAY - timedelta(days=31),
            ),
        )
    assert "dalo_decided_on" in error.value.message_dict
    housing.refresh_from_db()
    assert housing.dalo_filed_on is None  # nothing changed


def test_the_dalo_decision_due_date_is_three_months_after_the_recourse():
    assert rules.dalo_decision_due(date(2026, 11, 30)) == date(2027, 2, 28)
    assert rules.dalo_decision_due(date(2026, 1, 15), large_agglomeration=True) == date(2026, 7, 15)


@settings(deadline=None, max_examples=60)
@given(filed=st.dates(date(2017, 1, 1), date(2030, 12, 31)), days=st.integers(-400, 4000))
def test_delay_days_is_the_days_between_filing_and_housing(filed, days):
    housed = filed + timedelta(days=days)
    assert rules.delay_days(filed, housed) == days
    assert rules.delay_days(filed, None) is None


def test_housing_before_the_request_is_refused_and_the_day_itself_is_zero(worker, person):
    filed = TODAY - timedelta(days=20)
    housing = _request(worker, person, filed)
    with pytest.raises(ValidationError):
        services.check_housing_update(housing, _data(housing, housed_on=filed - timedelta(days=1)))
    services.update_housing_request(actor=worker, housing=housing, data=_data(housing, housed_on=filed))
    housing.refresh_from_db()
    assert housing.delay_days == 0 and not housing.is_open
    with pytest.raises(ValidationError, match="close"):
        services.update_housing_request(actor=worker, housing=housing, data=_data(housing))


def test_closing_a_request_asks_for_confirmation_first(worker, person):
    housing = _request(worker, person, TODAY - timedelta(days=30))
    client = client_for(worker)
    url = reverse("housing:request_update", args=[housing.public_id])
    post = {"priority": "asked", "housed_on": TODAY.isoformat()}
    response = client.post(url, post)
    assert response.status_code == 200 and "logement de 30 jour(s)" in response.content.decode()
    housing.refresh_from_db()
    assert housing.housed_on is None
    response = client.post(url, {**post, "confirmation": "oui"})
    assert response.status_code == 302
    housing.refresh_from_db()
    assert housing.housed_on == TODAY and housing.priority == "asked"


def test_bad_input_gives_a_french_error_and_changes_nothing(worker, person):
    client = client_for(worker)
    response = client.post(
        reverse("housing:request_add", args=[person.public_id]),
        {"filed_on": (TODAY + timedelta(days=3)).isoformat(), "priority": "none"},
    )
    assert response.status_code == 200
    assert "ne peut pas être dans le futur" in response.content.decode()
    assert not HousingRequest.objects.exists()
    response = client.post(
        reverse("housing:siao_add", args=[person.public_id]),
        {"requested_on": TODAY.isoformat(), "orientation": "palace"},
    )
    assert response.status_code == 200 and not SiaoRequest.objects.exists()


def test_a_siao_request_then_its_placement(worker, person):
    client = client_for(worker)
    client.post(
        reverse("housing:siao_add", args=[person.public_id]),
        {
            "requested_on": (TODAY - timedelta(days=12)).isoformat(),
            "orientation": "chrs",
            "number": "SI-4521",
        },
    )
    siao = SiaoRequest.objects.get()
    assert siao.number == "SI-4521" and siao.status == "pending"
    response = client.post(
        reverse("housing:siao_outcome", args=[siao.public_id]),
        {"status": "placed", "placement": "", "day": TODAY.isoformat()},
    )
    assert "Précisez la place obtenue" in response.content.decode()
    client.post(
        reverse("housing:siao_outcome", args=[siao.public_id]),
        {"status": "placed", "placement": "maison_relais", "day": TODAY.isoformat()},
    )
    siao.refresh_from_db()
    assert siao.status == "placed" and siao.placement == "maison_relais"
    page = client.get(reverse("people:detail", args=[person.public_id])).content.decode()
    assert "Place obtenue : Maison relais (pension de famille)" in page
    assert AuditEvent.objects.filter(object_type="housing.siaorequest").count() == 2


def test_the_numbers_are_encrypted_at_rest(worker, person):
    from django.db import connection

    _request(worker, person, TODAY, registration_number="0690123456789NUR")
    with connection.cursor() as cursor:
        cursor.execute("SELECT registration_number FROM housing_housingrequest")
        (stored,) = cursor.fetchone()
    assert "0690123456789NUR" not in stored


def test_the_delay_to_housing_indicator_is_a_median_with_its_population(worker, association, departement):
    delays = [30, 90, 400]
    for days in delays:
        person = PersonFactory(organisation=association, created_by=worker.user)
        housing = _request(worker, person, date(2025, 1, 1))
        services.update_housing_request(
            actor=worker,
            housing=housing,
            data=_data(housing, housed_on=date(2025, 1, 1) + timedelta(days=days)),
        )
    measure = registry.get("housing.delay_to_housing")
    evaluation = measure.evaluate(Scope(departement, date(2025, 1, 1), date(2026, 12, 31)))
    assert evaluation.value == 90 and evaluation.population == 3
    by_org = measure.evaluate(Scope(departement, date(2025, 1, 1), date(2026, 12, 31)), "organisation")
    assert by_org.value[association.name] == 90
    # Housed before the period: not counted in it.
    assert measure.evaluate(Scope(departement, date(2027, 1, 1), date(2027, 12, 31))).value is None


def test_the_pathway_page_shows_the_housing_block_and_the_attestations_link(worker, active_pathway, actors):
    page = (
        client_for(worker)
        .get(reverse("pathways:detail_rights", args=[active_pathway.public_id]))
        .content.decode()
    )
    assert 'data-testid="housing-block"' in page and 'data-testid="attestations-link"' in page
    signatory = client_for(actors["signatory"]).get(
        reverse("pathways:detail_rights", args=[active_pathway.public_id])
    )
    assert 'data-testid="housing-block"' not in signatory.content.decode()


def test_a_merge_moves_the_housing_route_and_the_interpreting_to_the_kept_record(worker, person, actors):
    from parcours.people import merge
    from parcours.people import services as people

    other = PersonFactory(
        organisation=person.organisation, created_by=worker.user, last_name=person.last_name
    )
    _request(worker, person, TODAY - timedelta(days=50))
    _request(worker, other, TODAY - timedelta(days=20))
    services.record_siao_request(actor=worker, person=other, requested_on=TODAY, orientation="alt")
    people.record_interpreting(
        actor=worker,
        person=other,
        day=TODAY,
        occasion="interview",
        language="espagnol",
        interpreter="Interprète Fictive",
        mode="phone",
        duration_minutes=20,
        cost=0,
    )
    merge.merge_people(actor=actors["secretariat"], kept=person, other=other)
    assert person.housing_requests.count() == 2 and person.housing_requests.open().count() == 1
    assert person.siao_requests.count() == 1 and person.interpreting_sessions.count() == 1


def test_the_rights_tab_shows_the_housing_route_once_there_is_one_and_asks_nothing_before(
    worker, active_pathway
):
    """The rights tab asks once (with the AFIS's rare relations) whether the person has housing and SIAO
    requests: none, no query of their tables; one of each, both shown."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(worker)
    url = reverse("pathways:detail_rights", args=[active_pathway.public_id])
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()
    assert page.count("Aucune demande") == 2
    reads = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith("SELECT EXISTS")]
    assert [sql for sql in reads if '"housing_housingrequest"' in sql or '"housing_siaorequest"' in sql] == []

    person = active_pathway.person
    _request(worker, person, TODAY - timedelta(days=45))
    services.record_siao_request(
        actor=worker, person=person, requested_on=TODAY - timedelta(days=3), orientation="chrs"
    )
    page = client.get(url).content.decode()
    assert "en cours depuis <strong>45 jours</strong>" in page
    assert "(orientation : " in page and "Aucune demande" not in page
