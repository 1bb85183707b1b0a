"""Documents a prefecture signs as they are (issue 11, item 6): edited block by block in plain text, the
service's letterhead and signer, agreements by the recorded sex, « 1er », the « PROJET » watermark on
drafts, French file names without a person's name."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from parcours.commission import documents as kinds
from parcours.documents import blocks, registry, services
from parcours.documents.sandbox import date_longue
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


@pytest.fixture
def sec(actors):
    return actors["secretariat"]


def test_dates_of_acts_say_1er():
    assert date_longue(date(2026, 6, 1)) == "1er juin 2026"
    assert date_longue(date(2026, 3, 12)) == "12 mars 2026"
    assert date_longue(None) == ""


def test_blocks_round_trip_and_escape_what_is_typed():
    source = (
        '<p class="date">Démoville, le 1er juin</p>\n'
        "<p><strong>Article 1er</strong> — l&#x27;autorisation<br>\nsuite</p>"
        "<table><tr><td>x</td></tr></table>"
    )
    parts = blocks.split(source)
    editable = [b for b in parts if b.editable]
    assert [b.text for b in editable] == ["Démoville, le 1er juin", "**Article 1er** — l'autorisation\nsuite"]
    assert blocks.join(parts) == source  # untouched: byte for byte
    index = parts.index(editable[1])
    edited = blocks.apply(source, {index: "**Article 1er** — corrigé <script>"})
    assert "<p><strong>Article 1er</strong> — corrigé &lt;script&gt;</p>" in edited
    assert "<table><tr><td>x</td></tr></table>" in edited  # the table is kept as it is
    assert "Démoville" not in blocks.apply(source, {0: "  "})  # an emptied paragraph is removed


def test_draft_page_offers_blocks_not_raw_html(sec, person, actors):
    kind = registry.get(kinds.LETTER_PERSON)
    document = services.create_document(
        actor=sec, kind=kind.key, context=kind.sample(), title="Notification de la décision"
    )
    client = client_for(sec)
    url = reverse("documents:draft", kwargs={"pk": document.public_id})
    page = client.get(url).content.decode()
    assert 'name="html"' not in page and "&amp;#x27;" not in page and "&lt;p" not in page
    assert 'name="bloc-0"' in page
    parts = blocks.split(document.html)
    index = next(i for i, b in enumerate(parts) if b.editable and b.text.startswith("Madame,"))
    assert client.post(url, {f"bloc-{index}": "Chère Madame,", "save": ""}).status_code == 302
    document.refresh_from_db()
    assert "<p>Chère Madame,</p>" in document.html


def test_letterhead_signer_agreements_and_watermark(sec, actors):
    client = client_for(sec)
    response = client.post(
        reverse("documents:letterhead"),
        {
            "direction": "Direction départementale de l'emploi, du travail et des solidarités",
            "service": "Pôle droits des femmes",
            "address": "1 place de la Préfecture, 99000 Démoville",
            "town": "Démoville",
            "followed_by": "Agent Fictif",
            "phone": "01 02 03 04 05",
            "email": "ddfe@demoville.invalid",
            "reference": "DDETS/PDF",
            "signer_name": "Camille Exemple",
            "signer_capacity": "Pour le préfet et par délégation, la secrétaire générale",
            "delegation": "arrêté n° 2026-045 du 2 janvier 2026",
        },
    )
    assert response.status_code == 302
    kind = registry.get(kinds.DECISION)
    sample = kind.sample()
    sample["personne"].update({"civilite": "Monsieur", "feminin": False, "ne": "né", "autorise": "autorisé"})
    sample["decision"].update({"date": date(2026, 6, 1)})
    draft = services.create_document(actor=sec, kind=kind.key, context=sample, title="Projet de décision")
    text = pdf_text(services.pdf_of(draft))
    assert "PROJET" in text
    for expected in (
        "Liberté",
        "Direction départementale de l'emploi",
        "Affaire suivie par : Agent Fictif",
        "Téléphone : 01 02 03 04 05",
        "Réf. : DDETS/PDF",
        "Fait à Démoville, le 1er juin 2026",
        "Camille Exemple",
        "Délégation de signature : arrêté n° 2026-045",
        "né le",
        "est autorisé à s'engager",
    ):
        assert expected in text, expected
    assert "·" not in text and "né·e" not in text
    frozen = services.freeze(actor=sec, document=draft)
    assert "PROJET" not in pdf_text(services.pdf_of(frozen))


def test_letterhead_refuses_a_bad_email_and_changes_nothing(sec):
    client = client_for(sec)
    response = client.post(reverse("documents:letterhead"), {"email": "pas-un-courriel", "town": "Ailleurs"})
    page = response.content.decode()
    assert response.status_code == 200 and "Erreur : " in page
    assert services.letterhead_of(sec.departement).pk is None
