"""Official documents: templates validated in a sandbox, PDF rendering, freezing and checksum."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError, InternalError

from parcours.core.models import AuditEvent
from parcours.documents import services
from parcours.documents.models import (
    DocumentState,
    DocumentTemplate,
    DocumentTemplateVersion,
    GeneratedDocument,
)
from parcours.documents.services import TamperedDocument, TemplateProblem

pytestmark = pytest.mark.django_db

KIND = "documents.courrier"
CONTEXT = {
    "destinataire": {"nom": "Madame Fictive Essai", "adresse": "2 rue Imaginaire"},
    "objet": "Convocation d'essai",
    "corps": "Premier paragraphe.\n\nSecond paragraphe.",
    "signataire": "La secrétaire",
    "date": "3 mars 2026",
}


@pytest.fixture
def secretariat(actors):
    return actors["secretariat"]


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_render_html_uses_the_default_template_and_escapes(departement):
    html = services.render_html(
        departement=departement, kind=KIND, context={**CONTEXT, "objet": "<script>x</script>"}
    )
    assert "Madame Fictive Essai" in html
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_render_pdf_has_title_heading_departement_and_metadata(departement):
    content = services.render_pdf(
        departement=departement, kind=KIND, context=CONTEXT, title="Courrier d'essai"
    )
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Courrier d'essai" in text
    assert "PRÉFET" in text and departement.name.upper() in text.upper()
    assert "Liberté" in text and "Fraternité" in text
    assert "Page 1 sur 1" in text
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert reader.metadata.title == "Courrier d'essai"
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged PDF


def test_save_template_then_render_uses_it(secretariat, departement):
    services.save_template(
        actor=secretariat, departement=departement, kind=KIND, body="<p>Objet : {{ objet|upper }}</p>"
    )
    html = services.render_html(departement=departement, kind=KIND, context=CONTEXT)
    assert html == "<p>Objet : CONVOCATION D&#x27;ESSAI</p>"
    assert DocumentTemplateVersion.objects.filter(kind=KIND).count() == 1
    assert AuditEvent.objects.filter(object_type="documents.documenttemplate", action="create").exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<p>{% if objet %}</p>", "Balise « if » non fermée (ligne 1)"),
        ("<p>ok</p>\n<p>{{ nom_inconnu }}</p>", "Champ inconnu : {{ nom_inconnu }} (ligne 2)"),
        ("{% include 'base.html' %}", "Balise non autorisée ou inconnue : {% include %}"),
        ("{% extends 'base.html' %}", "Balise non autorisée ou inconnue : {% extends %}"),
        ("{% load static %}", "Balise non autorisée ou inconnue : {% load %}"),
        ("{% debug %}", "Balise non autorisée ou inconnue : {% debug %}"),
        ("{{ objet|safe }}", "Filtre non autorisé ou inconnu : « safe »"),
        ("{% if secret.cle == 1 %}oui{% endif %}", "Champ inconnu : {{ secret.cle }}"),
    ],
)
def test_bad_template_is_refused_in_french_and_nothing_saved(secretariat, departement, body, message):
    with pytest.raises(TemplateProblem) as caught:
        services.save_template(actor=secretariat, departement=departement, kind=KIND, body=body)
    assert any(message in m for m in caught.value.messages), caught.value.messages
    assert not DocumentTemplate.objects.exists()
    assert not DocumentTemplateVersion.objects.exists()


def test_unknown_field_lists_the_available_fields(secretariat, departement):
    with pytest.raises(TemplateProblem) as caught:
        services.save_template(actor=secretariat, departement=departement, kind=KIND, body="{{ x }}")
    assert any("Champs disponibles" in m and "destinataire.nom" in m for m in caught.value.messages)


def test_save_template_needs_the_secretariat(actors, departement):
    with pytest.raises(PermissionDenied):
        services.save_template(
            actor=actors["association_worker"], departement=departement, kind=KIND, body="<p>x</p>"
        )


def test_reset_template_goes_back_to_the_default(secretariat, departement):
    services.save_template(actor=secretariat, departement=departement, kind=KIND, body="<p>Autre</p>")
    services.reset_template(actor=secretariat, departement=departement, kind=KIND)
    assert not DocumentTemplate.objects.exists()
    assert "Madame Fictive Essai" in services.render_html(departement=departement, kind=KIND, context=CONTEXT)


def test_create_update_freeze_and_read_back(secretariat):
    document = services.create_document(
        actor=secretariat, kind=KIND, context=CONTEXT, title="Courrier n° 1", related=("test.objet", "abc")
    )
    assert document.state == DocumentState.DRAFT and document.object_id == "abc"
    assert "Courrier n° 1" in pdf_text(services.pdf_of(document))
    document = services.update_draft(actor=secretariat, document=document, html="<p>Texte revu à la main</p>")
    document = services.freeze(actor=secretariat, document=document)
    assert document.state == DocumentState.FROZEN and len(document.sha256) == 64
    stored = services.pdf_of(GeneratedDocument.objects.get(pk=document.pk))
    assert "Texte revu à la main" in pdf_text(stored)
    with pytest.raises(ValidationError):
        services.update_draft(actor=secretariat, document=document, html="<p>Après coup</p>")
    with pytest.raises(ValidationError):
        services.freeze(actor=secretariat, document=document)


def test_create_document_frozen_at_once(secretariat):
    document = services.create_document(
        actor=secretariat, kind=KIND, context=CONTEXT, title="Courrier", freeze=True
    )
    assert document.is_frozen and document.pdf.name.endswith(".pdf")
    assert "Courrier" not in document.pdf.name.split("/")[-1]  # opaque storage name


def test_other_departement_cannot_touch_a_document(secretariat, departement):
    from parcours.core.roles import Role
    from tests.factories import DepartementFactory, OrganisationFactory, make_actor

    other = make_actor(Role.SECRETARIAT, OrganisationFactory(departement=DepartementFactory(code="98")))
    document = services.create_document(actor=secretariat, kind=KIND, context=CONTEXT, title="Courrier")
    with pytest.raises(PermissionDenied):
        services.update_draft(actor=other, document=document, html="<p>x</p>")


def test_checksum_detects_tampering(secretariat):
    document = services.create_document(
        actor=secretariat, kind=KIND, context=CONTEXT, title="Courrier", freeze=True
    )
    path = document.pdf.path
    with open(path, "r+b") as handle:
        content = handle.read()
        handle.seek(0)
        middle = len(content) // 2
        handle.write(content[:middle] + bytes([content[middle] ^ 0xFF]) + content[middle + 1 :])
    with pytest.raises(TamperedDocument):
        services.pdf_of(document)


def test_frozen_document_cannot_be_saved_by_the_model(secretariat):
    document = services.create_document(
        actor=secretariat, kind=KIND, context=CONTEXT, title="Courrier", freeze=True
    )
    document.title = "Autre titre"
    with pytest.raises(ValidationError):
        document.save()
    with pytest.raises(ValidationError):
        document.delete()


def test_frozen_document_cannot_be_updated_in_the_database(secretariat):
    """The database itself refuses an UPDATE or DELETE of a frozen row (trigger), bypassing save()."""
    document = services.create_document(
        actor=secretariat, kind=KIND, context=CONTEXT, title="Courrier", freeze=True
    )
    errors = (IntegrityError, InternalError, DatabaseError)
    with pytest.raises(errors), transaction.atomic():
        GeneratedDocument.objects.filter(pk=document.pk).update(title="Changé")
    with pytest.raises(errors), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM documents_generateddocument WHERE id = %s", [document.pk])
    assert GeneratedDocument.objects.get(pk=document.pk).title == "Courrier"


def test_a_draft_can_still_be_updated_in_the_database(secretariat):
    document = services.create_document(actor=secretariat, kind=KIND, context=CONTEXT, title="Courrier")
    assert GeneratedDocument.objects.filter(pk=document.pk).update(title="Changé") == 1


def test_preview_with_sample_context(secretariat):
    content = services.preview_pdf(actor=secretariat, kind=KIND, body="<p>{{ destinataire.nom }}</p>")
    assert "Madame Exemple Fictive" in pdf_text(content)


def test_resources_outside_the_fonts_are_not_fetched(secretariat):
    document = services.create_document(actor=secretariat, kind=KIND, context=CONTEXT, title="Courrier")
    document = services.update_draft(
        actor=secretariat, document=document, html='<img src="file:///etc/passwd" alt="x"><p>Fin</p>'
    )
    assert "Fin" in pdf_text(services.pdf_of(document))  # rendered, the file was simply refused
