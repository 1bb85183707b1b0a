"""Scoped reads of generated documents: the actor's département only, 404 otherwise."""

from __future__ import annotations

from django.http import Http404

from parcours.core.access import Actor

from .models import GeneratedDocument


def documents_visible_to(actor: Actor):
    return GeneratedDocument.objects.filter(departement=actor.departement)


def read_document(actor: Actor, public_id, *, detail: str, action: str = "view") -> GeneratedDocument:
    """A generated document's page or PDF, through the audited accessor: a decision or a letter names the
    person of the request it is related to, so the read is journaled against that person (with the
    sensitive-file alert); minutes, convocations and plain letters are journaled against the document."""
    from parcours.people.selectors import person_related_to, read_person_data

    return read_person_data(
        actor,
        documents_visible_to(actor),
        public_id,
        person_of=lambda document: person_related_to(document.object_type, document.object_id),
        detail=detail,
        action=action,
    )


def get_document_or_404(actor: Actor, public_id) -> GeneratedDocument:
    document = documents_visible_to(actor).filter(public_id=public_id).first()
    if document is None:
        raise Http404
    return document
