"""No one excluded by paperwork (issue 14, item 6): an identity document may be « indisponible » with a motive
and a substitute; the request is then complete without its copy. A minor cannot enter a PSP."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parcours.core import dates
from parcours.pathways import services as psp
from parcours.pathways.models import DocumentKind
from parcours.people import rules as people_rules
from parcours.people import services
from parcours.people.models import IdentityDocument
from tests.conftest import complete_request
from tests.factories import PersonFactory


def test_unavailable_needs_a_motive(actors, person):
    with pytest.raises(ValidationError):
        services.record_identity_document(
            actor=actors["association_worker"], person=person, kind="passport", available=False
        )
    assert not person.identity_documents.exists()


def test_unavailable_passport_stands_for_the_copy(actors, pathway):
    asso = actors["association_worker"]
    request = complete_request(asso, pathway)
    for document in request.documents.filter(kind=DocumentKind.IDENTITY):
        psp.remove_document(actor=asso, document=document)
    assert "Pièce manquante : Copie d'une pièce d'identité" in psp.missing_for_submission(request)
    doc = services.record_identity_document(
        actor=asso,
        person=pathway.person,
        kind="passport",
        available=False,
        unavailable_motive="held",
        substitute="police_receipt",
    )
    assert doc.status_label == (
        "Indisponible : retenue par un tiers (exploiteur, réseau) — "
        "substitut : récépissé de dépôt de plainte "
        "ou de déclaration de vol"
    )
    assert psp.missing_for_submission(request) == []
    psp.submit_request(actor=asso, request=request)


def test_another_association_cannot_record_it(actors, person, other_association):
    from tests.factories import make_actor

    with pytest.raises(PermissionDenied):
        services.record_identity_document(
            actor=make_actor("association_worker", other_association),
            person=person,
            kind="passport",
            available=True,
        )


def test_the_person_page_form(clients, person):
    response = clients["association_worker"].post(
        f"/personnes/{person.public_id}/piece-identite/",
        {"kind": "passport", "available": "non", "unavailable_motive": "", "substitute": ""},
    )
    assert response.status_code == 200
    assert "Indiquez pourquoi la pièce est indisponible." in response.content.decode()
    assert not IdentityDocument.objects.exists()
    response = clients["association_worker"].post(
        f"/personnes/{person.public_id}/piece-identite/",
        {
            "kind": "passport",
            "available": "non",
            "unavailable_motive": "lost",
            "substitute": "loss_declaration",
        },
    )
    assert response.status_code == 302
    page = clients["association_worker"].get(f"/personnes/{person.public_id}/").content.decode()
    assert "Indisponible : perdue — substitut : déclaration de perte" in page


def test_a_minor_cannot_enter_a_psp_until_eighteen(actors, association):
    from datetime import timedelta

    today = timezone.localdate()
    eighteen_today = dates.add_months(today, -12 * people_rules.AGE_OF_MAJORITY)
    minor = PersonFactory(
        organisation=association,
        created_by=actors["association_worker"].user,
        birth_date=eighteen_today + timedelta(days=1),
    )
    with pytest.raises(ValidationError, match="protection de l'enfance"):
        psp.start_pathway(actor=actors["association_worker"], person=minor)
    adult = PersonFactory(
        organisation=association, created_by=actors["association_worker"].user, birth_date=eighteen_today
    )
    assert psp.start_pathway(actor=actors["association_worker"], person=adult).pk
