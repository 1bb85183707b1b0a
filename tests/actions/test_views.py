"""Pages of parcours/actions: scoping (a partner never reaches another's), bad input (French message in view,
nothing saved, never a 500), the secretariat's list of establishments and coverage."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parcours.actions.models import Establishment, EstablishmentKind, OutreachRound, Training
from parcours.core.roles import Role
from tests.conftest import client_for
from tests.factories import (
    DepartementFactory,
    EstablishmentFactory,
    OrganisationFactory,
    OutreachRoundFactory,
    PreventionActionFactory,
    TrainingFactory,
    make_actor,
)
from tests.views.helpers import fast_static

pytestmark = pytest.mark.django_db

S, PA, AW = Role.SECRETARIAT, Role.PARTNER_ADVISOR, Role.ASSOCIATION_WORKER


@pytest.fixture(autouse=True)
def _fast_static(settings):
    fast_static(settings)


def _round_data(**overrides):
    data = {
        "held_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "kind": "online",
        "duration_minutes": "90",
        "area": "",
        "platform_type": "social_network",
        "ads_seen": "30",
        "contacts": "6",
        "people_met": "3",
        "minors_met": "1",
        "needs": ["health", "exit"],
        "referrals_made": "1",
        "reports_pharos": "1",
        "reports_platforms": "0",
    }
    return {**data, **overrides}


def test_a_partner_records_a_round_and_sees_it_in_its_list(actors):
    advisor = actors[PA]
    client = client_for(advisor)
    response = client.post(reverse("actions:outreach_create"), _round_data())
    item = OutreachRound.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "actions:outreach_detail", kwargs={"pk": item.public_id}
    )
    assert item.organisation == advisor.organisation and item.needs == ["health", "exit"]
    page = client.get(reverse("actions:outreach_list")).content.decode()
    assert "<caption>Maraudes en" in page and "Maraude numérique" in page
    detail = client.get(response["Location"]).content.decode()
    assert "Santé, Sortie de la prostitution" in detail


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"people_met": "9"},
            "Les personnes rencontrées (9) ne peuvent pas dépasser les contacts établis (6).",
        ),
        ({"contacts": "-3"}, "supérieure ou égale à 0"),
        ({"contacts": "beaucoup"}, "Saisissez un nombre entier."),
        ({"held_on": "2999-01-01"}, "La date ne peut pas être dans le futur."),
        ({"held_on": "31/02/2026"}, "Saisissez une date valide."),
        ({"kind": "\x00"}, "Sélectionnez un choix valide"),
        ({"needs": ["x"]}, "Sélectionnez un choix valide"),
        ({"contacts": "9" * 30}, "vérifiez"),
    ],
)
def test_bad_input_is_refused_in_view(actors, overrides, message):
    client = client_for(actors[PA])
    response = client.post(reverse("actions:outreach_create"), _round_data(**overrides))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in page and "Rien n'a été enregistré." in page
    assert message in page.replace("&#x27;", "'").replace("\u202f", " ")
    assert not OutreachRound.objects.exists()


def test_a_partner_never_reaches_another_partners_actions(actors, other_association):
    advisor = actors[PA]
    mine = OutreachRoundFactory(organisation=advisor.organisation, created_by=advisor.user)
    theirs = OutreachRoundFactory(organisation=other_association, area="Secteur des autres")
    other_advisor = make_actor(PA, departement=advisor.departement)
    client = client_for(other_advisor)
    for name in ("detail", "edit"):
        assert (
            client.get(reverse(f"actions:outreach_{name}", kwargs={"pk": mine.public_id})).status_code == 404
        )
    response = client.post(
        reverse("actions:outreach_edit", kwargs={"pk": mine.public_id}), _round_data(contacts="7")
    )
    assert response.status_code == 404
    response = client.post(
        reverse("actions:outreach_delete", kwargs={"pk": mine.public_id}), {"confirmation": "oui"}
    )
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.contacts == 12
    listing = client_for(advisor).get(reverse("actions:outreach_list")).content.decode()
    assert "Secteur des autres" not in listing and theirs.organisation.name not in listing


def test_the_secretariat_sees_and_edits_every_action_of_its_departement(actors):
    item = OutreachRoundFactory(organisation=actors[PA].organisation, online=True)
    client = client_for(actors[S])
    assert actors[PA].organisation.name in client.get(reverse("actions:outreach_list")).content.decode()
    edit = reverse("actions:outreach_edit", kwargs={"pk": item.public_id})
    form = client.get(edit).content.decode()
    assert "Organisation qui a mené l" in form
    response = client.post(
        edit, _round_data(organisation=str(actors[PA].organisation.public_id), contacts="8")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.contacts == 8 and item.organisation == actors[PA].organisation


def test_delete_asks_for_confirmation_first(actors):
    item = OutreachRoundFactory(organisation=actors[AW].organisation)
    client = client_for(actors[AW])
    url = reverse("actions:outreach_delete", kwargs={"pk": item.public_id})
    page = client.post(url).content.decode()
    assert "Ce qui va se passer" in page and OutreachRound.objects.exists()
    assert client.post(url, {"confirmation": "oui"}).status_code == 302
    assert not OutreachRound.objects.exists()


def test_year_filter_and_bad_year(actors):
    advisor = actors[PA]
    TrainingFactory(organisation=advisor.organisation, held_on=date(2024, 5, 3), title="Formation de 2024")
    client = client_for(advisor)
    assert (
        "Formation de 2024" in client.get(reverse("actions:training_list") + "?annee=2024").content.decode()
    )
    assert "Formation de 2024" not in client.get(reverse("actions:training_list")).content.decode()
    for bad in ("abc", "\x00", "99999"):
        assert client.get(reverse("actions:training_list"), {"annee": bad}).status_code == 200


def test_a_prevention_action_offers_only_the_departements_establishments(actors):
    college = EstablishmentFactory(departement=actors[AW].departement, name="Collège des Tilleuls")
    client = client_for(actors[AW])
    page = client.get(reverse("actions:prevention_create")).content.decode()
    assert "Collège des Tilleuls" in page
    response = client.post(
        reverse("actions:prevention_create"),
        {
            "held_on": timezone.localdate().isoformat(),
            "establishments": [str(college.public_id)],
            "other_public": "",
            "audience": ["pupils", "staff"],
            "people_reached": "120",
            "theme": "Relations et consentement",
        },
    )
    assert response.status_code == 302
    assert college.prevention_actions.count() == 1


def test_the_import_refuses_a_bad_file_in_view(actors):
    client = client_for(actors[S])
    upload = SimpleUploadedFile("liste.csv", b"type;nom\ncollege;X\n", content_type="text/csv")
    response = client.post(reverse("actions:establishment_import"), {"file": upload})
    page = response.content.decode()
    assert (
        response.status_code == 200 and "Colonnes manquantes" in page and 'data-testid="form-errors"' in page
    )
    assert not Establishment.objects.exists()


def test_coverage_of_collèges_by_school_year(actors):
    departement = actors[S].departement
    colleges = [EstablishmentFactory(departement=departement) for _ in range(4)]
    EstablishmentFactory(departement=departement, kind=EstablishmentKind.LYCEE)
    today = timezone.localdate()
    action = PreventionActionFactory(organisation=actors[AW].organisation, held_on=today)
    action.establishments.set(colleges[:3])
    page = client_for(actors[S]).get(reverse("actions:coverage")).content.decode()
    assert "3 collèges sur 4 touchés par une action de prévention, soit 75.0 %." in page.replace(
        "75,0", "75.0"
    )
    assert colleges[3].name in page


def test_coverage_without_a_list_says_so(actors):
    page = client_for(actors[S]).get(reverse("actions:coverage"), {"annee": "x"}).content.decode()
    assert "La liste ne compte aucun collège" in page


def test_the_prevention_list_reads_in_constant_queries(actors, django_assert_max_num_queries):
    colleges = [EstablishmentFactory(departement=actors[AW].departement) for _ in range(2)]
    for _ in range(6):
        PreventionActionFactory(organisation=actors[AW].organisation).establishments.set(colleges)
    client = client_for(actors[AW])
    client.get(reverse("actions:prevention_list"))  # warm the session
    with django_assert_max_num_queries(14):
        page = client.get(reverse("actions:prevention_list")).content.decode()
    assert page.count("<td>2</td>") == 6


def test_an_action_keeps_an_establishment_taken_out_of_the_list(actors):
    college = EstablishmentFactory(departement=actors[AW].departement)
    action = PreventionActionFactory(organisation=actors[AW].organisation)
    action.establishments.set([college])
    Establishment.objects.filter(pk=college.pk).update(active=False)
    client = client_for(actors[AW])
    url = reverse("actions:prevention_edit", kwargs={"pk": action.public_id})
    assert college.name in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "held_on": action.held_on.isoformat(),
            "establishments": [str(college.public_id)],
            "audience": ["pupils"],
            "people_reached": "61",
            "theme": action.theme,
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.people_reached == 61 and list(action.establishments.all()) == [college]


def test_the_secretariat_keeps_the_list_of_establishments(actors):
    client = client_for(actors[S])
    url = reverse("actions:establishment_create")
    bad = {
        "kind": "college",
        "name": "Collège des Vergers",
        "commune": "Rivebelle",
        "uai": "12AB",
        "active": "on",
    }
    page = client.post(url, bad).content.decode()
    assert "Le code UAI compte 7 chiffres suivis d" in page and not Establishment.objects.exists()
    assert client.post(url, {**bad, "uai": "0990042k"}).status_code == 302
    college = Establishment.objects.get()
    assert college.uai == "0990042K"
    edit = reverse("actions:establishment_edit", kwargs={"pk": college.public_id})
    assert client.post(edit, {**bad, "uai": "", "active": ""}).status_code == 302
    college.refresh_from_db()
    assert not college.active and college.uai == ""


def test_the_secretariat_records_for_an_organisation_of_its_departement_only(actors):
    client = client_for(actors[S])
    data = {
        "held_on": timezone.localdate().isoformat(),
        "title": "Formation croisée",
        "police": "2",
        "gendarmerie": "0",
        "justice": "0",
        "education": "3",
        "health": "0",
        "social_work": "0",
        "mission_locale": "1",
        "other": "0",
        "total_attendees": "6",
        "hours": "3.5",
    }
    foreign = OrganisationFactory(departement=DepartementFactory(code="98", name="Autre"))
    page = client.post(reverse("actions:training_create"), {**data, "organisation": str(foreign.public_id)})
    assert "Choisissez une organisation du département." in page.content.decode()
    ml = actors[PA].organisation
    response = client.post(reverse("actions:training_create"), {**data, "organisation": str(ml.public_id)})
    assert response.status_code == 302
    training = Training.objects.get()
    assert training.organisation == ml and str(training.hours) == "3.5"
    assert (
        "Formation croisée" in client_for(actors[PA]).get(reverse("actions:training_list")).content.decode()
    )
