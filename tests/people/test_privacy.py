"""Need-to-know: sensitive files hidden from lists and searches, every access signalled, 404 outside scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from parcours.core.models import Alert, AuditEvent, OrganisationKind
from parcours.pathways import services as psp
from parcours.pathways.selectors import get_pathway_or_404, listable_pathways, pathways_visible_to
from parcours.people import services as people_services
from parcours.people.models import ConsentPurpose
from parcours.people.selectors import get_person_or_404, people_visible_to, searchable_people
from tests.conftest import drive_to_decision
from tests.factories import DepartementFactory, OrganisationFactory, PersonFactory, make_actor

pytestmark = pytest.mark.django_db


def share(actors, person):
    """Share `person` with the partner advisor's organisation under a sharing consent."""
    worker, partner = actors["association_worker"], actors["partner_advisor"].organisation
    people_services.record_consent(
        actor=worker,
        person=person,
        purpose=ConsentPurpose.SHARING,
        given_on=timezone.localdate(),
        partner=partner,
    )
    people_services.share_with_partner(actor=worker, person=person, partner=partner, reason="Orientation")


@pytest.fixture
def sensitive(actors, association):
    person = PersonFactory(
        organisation=association,
        created_by=actors["association_worker"].user,
        sensitive=True,
        last_name="Nocturnelle",
        first_name="Aurélienne",
    )
    share(actors, person)  # even a share under consent does not expose a sensitive file
    pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
    drive_to_decision(actors, pathway, day=timezone.localdate() - timedelta(days=3))
    return person


@pytest.fixture
def ordinary(actors, association):
    """The control: same situation, not sensitive."""
    person = PersonFactory(
        organisation=association, created_by=actors["association_worker"].user, last_name="Ordinaire"
    )
    share(actors, person)
    pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
    drive_to_decision(actors, pathway, day=timezone.localdate() - timedelta(days=3))
    return person


# --- Hidden from lists and searches ---


@pytest.mark.parametrize("role", ["association_worker", "association_manager", "secretariat"])
def test_sensitive_person_listed_for_own_association_and_secretariat(actors, sensitive, ordinary, role):
    assert set(searchable_people(actors[role])) == {sensitive, ordinary}
    assert list(searchable_people(actors[role]).search(last_name="nocturnelle")) == [sensitive]
    assert set(listable_pathways(actors[role]).values_list("person", flat=True)) == {
        sensitive.pk,
        ordinary.pk,
    }


def test_sensitive_person_hidden_from_the_partner_advisor(actors, sensitive, ordinary):
    advisor = actors["partner_advisor"]
    assert list(searchable_people(advisor)) == [ordinary]
    assert not searchable_people(advisor).search(last_name="nocturnelle").exists()
    assert list(searchable_people(advisor).search(last_name="ordinaire")) == [ordinary]


def test_sensitive_pathway_hidden_from_the_signatory_s_list(actors, sensitive, ordinary):
    signatory = actors["signatory"]
    assert list(listable_pathways(signatory).values_list("person", flat=True)) == [ordinary.pk]
    # The signatory may still open the dossier of a decision (every access is signalled, see below).
    assert pathways_visible_to(signatory).filter(person=sensitive).exists()


@pytest.mark.parametrize("role", ["commission_member", "immigration", "national_analyst", "admin"])
def test_roles_without_need_to_know_list_nobody(actors, sensitive, ordinary, role):
    assert not searchable_people(actors[role]).exists()
    assert not listable_pathways(actors[role]).exists()


def test_list_pages_hide_the_sensitive_file(clients, sensitive, ordinary):
    people_page = clients["partner_advisor"].get("/personnes/").content.decode()
    assert ordinary.pseudonym in people_page and sensitive.pseudonym not in people_page
    search_page = clients["partner_advisor"].post("/personnes/", {"nom": "Nocturnelle"}).content.decode()
    assert sensitive.pseudonym not in search_page
    pathways_page = clients["signatory"].get("/parcours/").content.decode()
    assert ordinary.pseudonym in pathways_page and sensitive.pseudonym not in pathways_page
    own_page = clients["association_worker"].get("/personnes/").content.decode()
    assert sensitive.pseudonym in own_page


# --- Every access signalled ---


def sensitive_alerts():
    return Alert.objects.filter(kind=Alert.Kind.SENSITIVE_ACCESS)


def test_access_by_the_own_association_raises_an_alert_without_the_name(actors, sensitive):
    worker = actors["association_worker"]
    assert get_person_or_404(worker, sensitive.public_id) == sensitive
    alert = sensitive_alerts().get()
    assert alert.departement == sensitive.departement and alert.object_id == str(sensitive.public_id)
    assert sensitive.pseudonym in alert.message
    for part in ("Nocturnelle", "NOCTURNELLE", "Aurélienne"):
        assert part not in alert.message


def test_access_by_the_signatory_raises_an_alert(actors, sensitive):
    get_pathway_or_404(actors["signatory"], sensitive.pathways.get().public_id)
    alert = sensitive_alerts().get()
    assert sensitive.pseudonym in alert.message and "Nocturnelle" not in alert.message


def test_access_by_the_secretariat_raises_no_alert_but_is_audited(actors, sensitive):
    get_person_or_404(actors["secretariat"], sensitive.public_id)
    get_pathway_or_404(actors["secretariat"], sensitive.pathways.get().public_id)
    assert not sensitive_alerts().exists()
    assert (
        AuditEvent.objects.filter(user=actors["secretariat"].user, object_id=str(sensitive.public_id)).count()
        == 2
    )


def test_each_reader_and_way_of_reading_raises_its_own_alert(clients, sensitive):
    """The same page read again the same day, while its alert is not handled, adds no line (ADR 0004,
    amended): the journal keeps each read."""
    for _ in range(2):
        assert clients["association_worker"].get(f"/personnes/{sensitive.public_id}/").status_code == 200
    assert clients["signatory"].get(f"/parcours/{sensitive.pathways.get().public_id}/").status_code == 200
    assert sensitive_alerts().count() == 2


def test_access_to_an_ordinary_file_raises_no_alert(actors, ordinary):
    get_person_or_404(actors["association_worker"], ordinary.public_id)
    get_person_or_404(actors["partner_advisor"], ordinary.public_id)
    assert not Alert.objects.exists()


def test_the_partner_advisor_cannot_open_a_sensitive_file_even_when_shared(actors, clients, sensitive):
    with pytest.raises(Http404):
        get_person_or_404(actors["partner_advisor"], sensitive.public_id)
    assert clients["partner_advisor"].get(f"/personnes/{sensitive.public_id}/").status_code == 404


# --- Out of scope: 404, never 403 ---


@pytest.fixture
def stranger(actors, other_association):
    """A person accompanied by another association of the same département."""
    return PersonFactory(organisation=other_association, created_by=actors["secretariat"].user)


@pytest.mark.parametrize("role", ["association_worker", "association_manager", "partner_advisor"])
def test_another_association_s_person_is_not_found(actors, stranger, role):
    with pytest.raises(Http404):
        get_person_or_404(actors[role], stranger.public_id)
    assert not AuditEvent.objects.filter(object_id=str(stranger.public_id), user=actors[role].user).exists()


def test_another_association_s_person_answers_404_through_the_page(clients, stranger):
    assert clients["association_worker"].get(f"/personnes/{stranger.public_id}/").status_code == 404
    assert clients["association_worker"].get(f"/personnes/{stranger.public_id}/modifier/").status_code == 404


def test_the_other_association_sees_its_own_person(other_association, stranger):
    assert (
        get_person_or_404(make_actor("association_worker", other_association), stranger.public_id) == stranger
    )


def test_secretariat_sees_every_association_of_its_departement_but_not_another_departement(actors, stranger):
    assert get_person_or_404(actors["secretariat"], stranger.public_id) == stranger
    elsewhere = DepartementFactory(code="98", name="Autre département fictif")
    far = PersonFactory(
        organisation=OrganisationFactory(departement=elsewhere, kind=OrganisationKind.ASSOCIATION)
    )
    with pytest.raises(Http404):
        get_person_or_404(actors["secretariat"], far.public_id)


def test_a_partner_without_a_share_or_after_revocation_gets_404(actors, person):
    advisor = actors["partner_advisor"]
    with pytest.raises(Http404):
        get_person_or_404(advisor, person.public_id)
    share(actors, person)
    assert get_person_or_404(advisor, person.public_id) == person
    people_services.end_share(actor=actors["association_worker"], share=person.shares.get())
    with pytest.raises(Http404):
        get_person_or_404(advisor, person.public_id)
    assert person not in people_visible_to(advisor)


@pytest.mark.parametrize("public_id", ["pas-un-identifiant", "00000000-0000-0000-0000-000000000000", ""])
def test_malformed_or_unknown_ids_are_not_found(actors, person, public_id):
    with pytest.raises(Http404):
        get_person_or_404(actors["association_worker"], public_id)
