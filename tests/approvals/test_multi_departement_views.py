"""The pages of a multi-département application, as each secretariat and the association see them: the
départements chosen in the file, the other département's opinion (confirmed first), its establishment, a
third département answered 404, and bad input refused in French with nothing changed."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from parcours.approvals.models import ListedDepartement
from parcours.core.models import OrganisationKind
from tests.conftest import client_for
from tests.factories import OrganisationFactory
from tests.views.helpers import assert_unchanged, db_snapshot, fast_static

from . import helpers as h
from .test_multi_departement import World, today

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_static(settings):
    fast_static(settings)


@pytest.fixture
def w(db):
    return World()


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())))


def url(application, name="approvals:application", **kwargs):
    return reverse(name, kwargs={"pk": application.public_id, **kwargs})


def listed_url(application, listed, name):
    return url(application, name, listed=listed.public_id)


def test_the_association_chooses_the_departements_in_its_file(w):
    application = h.draft(w.manager)
    client = client_for(w.manager)
    page = text(client.get(url(application)))
    assert "Autres départements où l'association mettra en œuvre le parcours de sortie" in page
    assert "69 — Rhône fictif" in page and "99 — Département de démonstration" not in page.split("Autres")[1]
    response = client.post(
        url(application, "approvals:info"),
        {
            "declared_on": "2015-01-10",
            "staff_count": "5",
            "qualifications": "CESF",
            "premises": "Local",
            "rna": "W991000042",
            "departements": [w.other.pk, w.third.pk],
        },
    )
    assert response.status_code == 302
    assert sorted(application.listed_departements.values_list("departement__code", flat=True)) == ["13", "69"]
    before = db_snapshot()
    response = client.post(
        url(application, "approvals:info"),
        {"staff_count": "5", "qualifications": "CESF", "premises": "Local", "departements": [w.seat.pk]},
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in text(response)
    assert_unchanged(before)


def test_the_other_secretariat_gives_its_opinion_after_a_confirmation(w):
    application = w.submitted()
    listed = w.listed(application)
    client = client_for(w.other_secretariat)
    page = text(client.get(url(application)))
    assert "Avis motivé du département 69" in page
    assert f"Attendu au plus tard le {listed.due_on:%d/%m/%Y}" in page
    assert "Déclarer le dossier complet" not in page  # the seat instructs
    data = {
        "opinion": "favourable",
        "day": today().isoformat(),
        "motive": "Antenne implantée, équipe formée.",
    }
    before = db_snapshot()
    response = client.post(listed_url(application, listed, "approvals:other_opinion"), data)
    assert response.status_code == 200 and "Il ne pourra plus être modifié" in text(response)
    assert_unchanged(before)
    response = client.post(
        listed_url(application, listed, "approvals:other_opinion"), {**data, "confirmation": "oui"}
    )
    assert response.status_code == 302
    listed.refresh_from_db()
    assert listed.opinion == "favourable"
    page = text(client_for(w.secretariat).get(url(application)))
    assert f"Favorable le {today():%d/%m/%Y} — Antenne implantée, équipe formée." in page


def test_bad_opinion_is_refused_in_french_and_changes_nothing(w):
    application = w.submitted()
    listed = w.listed(application)
    before = db_snapshot()
    response = client_for(w.other_secretariat).post(
        listed_url(application, listed, "approvals:other_opinion"),
        {"opinion": "favourable", "day": (today() + timedelta(days=3)).isoformat(), "motive": "Motif"},
    )
    assert response.status_code == 200
    assert "ne peut pas être dans le futur" in text(response)
    assert_unchanged(before)


def test_a_third_departement_gets_404_everywhere(w):
    application = w.submitted()
    listed = w.listed(application)
    client = client_for(w.third_secretariat)
    assert client.get(url(application)).status_code == 404
    before = db_snapshot()
    data = {"opinion": "favourable", "day": today().isoformat(), "motive": "M", "confirmation": "oui"}
    assert client.post(listed_url(application, listed, "approvals:other_opinion"), data).status_code == 404
    assert (
        client.post(
            listed_url(application, listed, "approvals:establishment"), {"establishment": w.establishment.pk}
        ).status_code
        == 404
    )
    assert_unchanged(before)


def test_the_seat_cannot_answer_for_the_other_departement(w):
    application = w.submitted()
    listed = w.listed(application)
    before = db_snapshot()
    data = {"opinion": "favourable", "day": today().isoformat(), "motive": "M", "confirmation": "oui"}
    response = client_for(w.secretariat).post(
        listed_url(application, listed, "approvals:other_opinion"), data
    )
    assert response.status_code == 403
    assert_unchanged(before)


def test_the_establishment_is_chosen_among_the_departements_associations(w):
    application = w.submitted()
    listed = w.listed(application)
    client = client_for(w.other_secretariat)
    elsewhere = OrganisationFactory(departement=w.third, kind=OrganisationKind.ASSOCIATION)
    before = db_snapshot()
    response = client.post(
        listed_url(application, listed, "approvals:establishment"), {"establishment": elsewhere.pk}
    )
    assert response.status_code == 200
    assert "Choisissez une association active de votre département." in text(response)
    assert_unchanged(before)
    response = client.post(
        listed_url(application, listed, "approvals:establishment"), {"establishment": w.establishment.pk}
    )
    assert response.status_code == 302
    assert ListedDepartement.objects.get(pk=listed.pk).establishment == w.establishment
    assert "Association Trait d'Union fictive — antenne du Rhône" in text(client.get(url(application)))


def test_the_seat_page_says_the_decision_waits_for_the_opinion(w):
    application = w.submitted()
    client = client_for(w.secretariat)
    client.post(url(application, "approvals:complete"))
    page = text(client.get(url(application)))
    assert "La décision attend l'avis des autres départements visés" in page
    assert "Décision du préfet" not in page
    w.opinion(application)
    page = text(client.get(url(application)))
    assert "Décision du préfet" in page


def test_the_establishment_sees_the_seats_agrement_as_its_own(w):
    w.granted()
    page = text(client_for(w.establishment_manager).get(reverse("approvals:own")))
    assert "Agrément délivré par la préfecture du siège (99) à Association Trait d'Union fictive" in page
    assert "ARR-99-2026-042" in page


def test_the_page_reads_the_listed_departements_in_constant_queries(w):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import DepartementFactory

    def queries(departements) -> int:
        application = h.fill(w.manager, h.draft(w.manager), departements=departements)
        application = h.approvals.submit_application(actor=w.manager, application=application)
        client = client_for(w.secretariat)
        client.get(url(application))  # warm the session and caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(application)).status_code == 200
        application.listed_departements.all().delete()
        type(application).objects.filter(pk=application.pk).update(state="refused")
        return len(captured)

    one = queries([w.other])
    three = queries([w.other, w.third, DepartementFactory(code="33", name="Gironde fictive")])
    assert one == three
