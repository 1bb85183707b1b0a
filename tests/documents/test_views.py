"""Documents pages: template editor (errors in French, preview PDF), draft editing, download headers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parcours.core.models import AuditEvent
from parcours.documents import services
from parcours.documents.models import DocumentTemplate
from tests.conftest import client_for
from tests.views.helpers import fast_static

pytestmark = pytest.mark.django_db
KIND = "documents.courrier"


@pytest.fixture(autouse=True)
def _fast(settings):
    fast_static(settings)


@pytest.fixture
def sec(actors):
    return actors["secretariat"]


def edit_url(departement):
    return reverse("documents:template_edit", kwargs={"departement": departement.public_id, "kind": KIND})


def test_bad_template_shows_french_error_and_saves_nothing(sec, departement):
    response = client_for(sec).post(edit_url(departement), {"body": "<p>{{ inconnu }}</p>", "save": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Champ inconnu : {{ inconnu }}" in page and "Champs disponibles" in page
    assert not DocumentTemplate.objects.exists()


def test_preview_returns_a_pdf_and_saves_nothing(sec, departement):
    response = client_for(sec).post(edit_url(departement), {"body": "<p>{{ objet }}</p>", "preview": ""})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert not DocumentTemplate.objects.exists()


def test_save_then_list_says_customised(sec, departement):
    client = client_for(sec)
    response = client.post(edit_url(departement), {"body": "<p>{{ objet }}</p>", "save": ""})
    assert response.status_code == 302
    page = client.get(reverse("documents:templates")).content.decode()
    assert "Modèle du département" in page


def test_draft_edit_freeze_and_download(sec):
    document = services.create_document(
        actor=sec, kind=KIND, context={"objet": "Essai"}, title="Procès-verbal fictif"
    )
    client = client_for(sec)
    url = reverse("documents:draft", kwargs={"pk": document.public_id})
    assert client.post(url, {"bloc-0": "Relu", "save": ""}).status_code == 302
    assert client.post(reverse("documents:freeze", kwargs={"pk": document.public_id})).status_code == 302
    assert "Figer le document" not in client.get(url).content.decode()
    response = client.get(reverse("documents:download", kwargs={"pk": document.public_id}))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="download", object_id=str(document.public_id)).exists()
    # Frozen: a POST of new HTML changes nothing and says why.
    response = client.post(url, {"bloc-0": "Après coup", "save": ""})
    assert "figé" in response.content.decode()
