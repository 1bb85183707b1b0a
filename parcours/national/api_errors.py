"""The API's error answers: DRF's own messages in French (its translations are not loaded: see INSTALLED_APPS
in config/settings/base.py). A module of its own: DRF imports the exception handler while it loads."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

# DRF's own messages, in French (its translations are not loaded: see INSTALLED_APPS in config/settings).
FRENCH = {
    exceptions.NotAuthenticated: "Authentification requise : en-tête « Authorization: Token <jeton> ».",
    exceptions.MethodNotAllowed: "Méthode non autorisée : cette API est en lecture seule (GET).",
    exceptions.NotAcceptable: "Format non disponible : cette API répond en JSON.",
    exceptions.UnsupportedMediaType: "Type de contenu non pris en charge.",
    exceptions.Throttled: "Trop de requêtes : réessayez plus tard.",
}


def exception_handler(exc, context):
    """DRF's handler, with its English default messages replaced by French ones."""
    for kind, message in FRENCH.items():
        if isinstance(exc, kind):  # never raised with a message of ours
            exc.detail = exceptions.ErrorDetail(message, code=exc.default_code)
    if isinstance(exc, exceptions.NotFound) and exc.detail == exceptions.NotFound.default_detail:
        exc.detail = exceptions.ErrorDetail("Ressource inconnue.", code="not_found")
    return drf_exception_handler(exc, context)
