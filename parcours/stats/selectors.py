"""Scoped reads of the stats app: an export is reached by the membership that asked for it only (404 for
anyone else, as for any object out of scope)."""

from __future__ import annotations

from django.http import Http404

from parcours.core.access import Actor

from .models import IndicatorExport


def exports_of(actor: Actor):
    return IndicatorExport.objects.filter(departement=actor.departement, requested_by=actor.membership)


def export_of(actor: Actor, public_id) -> IndicatorExport:
    try:
        export = exports_of(actor).select_related("organisation").filter(public_id=public_id).first()
    except (ValueError, TypeError):
        export = None
    if export is None:
        raise Http404
    return export
