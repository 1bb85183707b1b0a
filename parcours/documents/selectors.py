"""Scoped reads of generated documents: the actor's département only, 404 otherwise."""

from __future__ import annotations

from django.http import Http404

from parcours.core.access import Actor

from .models import GeneratedDocument


def documents_visible_to(actor: Actor):
    return GeneratedDocument.objects.filter(departement=actor.departement)


def get_document_or_404(actor: Actor, public_id) -> GeneratedDocument:
    document = documents_visible_to(actor).filter(public_id=public_id).first()
    if document is None:
        raise Http404
    return document
