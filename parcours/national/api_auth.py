"""Who may read the API (docs/national.md).

- A national analyst: with a token issued to their account (`Authorization: Token <jeton>`), or signed in
  (their session, for the documentation page). Everyone else: 403; no credentials: 401.
- The national instance pulling a département's export: with the export token that département's instance
  issued to it; that token reads the export and nothing else.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission

from parcours.core.access import Actor
from parcours.core.policies import can
from parcours.core.roles import Role

from .models import ApiToken, TokenKind, hash_token

PERMISSION = "stats.national"
KEYWORDS = (b"token", b"bearer")


class TokenAuthentication(BaseAuthentication):
    """A hashed token (models.ApiToken): looked up by its SHA-256, refused once revoked or when the account
    it was issued to is no longer an active national analyst."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise AuthenticationFailed("En-tête Authorization invalide : « Token <jeton> » attendu.")
        key = header[1].decode("latin-1")
        token = (
            ApiToken.objects.select_related("membership__user", "membership__organisation__departement")
            .filter(key_hash=hash_token(key), revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise AuthenticationFailed("Jeton inconnu ou révoqué.")
        user = AnonymousUser()
        if token.kind == TokenKind.NATIONAL_READ:
            membership = token.membership
            if not (
                membership.active
                and membership.user.is_active
                and membership.organisation.active
                and membership.role == Role.NATIONAL_ANALYST
            ):
                raise AuthenticationFailed("Le compte auquel ce jeton a été délivré n'est plus actif.")
            user = membership.user
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return (user, token)

    def authenticate_header(self, request):
        return 'Token realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the token (drf-spectacular finds it by its target class)."""

    target_class = "parcours.national.api_auth.TokenAuthentication"
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "« Token <jeton> » : le jeton délivré par l'administrateur (page « Jetons "
            "d'API » ou manage.py issue_api_token) ; un jeton d'export, par le secrétariat du département.",
        }


def national_actor(request) -> Actor | None:
    """The national analyst behind a request: the token's account, or the signed-in actor."""
    token = request.auth
    if isinstance(token, ApiToken):
        if token.kind != TokenKind.NATIONAL_READ:
            return None
        return Actor(user=token.membership.user, membership=token.membership)
    return getattr(request._request, "actor", None)


class NationalReader(BasePermission):
    message = "Accès refusé : cette API est réservée aux analystes nationaux."

    def has_permission(self, request, view):
        return can(national_actor(request), PERMISSION)


class ExportReader(BasePermission):
    message = "Accès refusé : l'export d'un département se lit avec le jeton d'export qu'il a délivré."

    def has_permission(self, request, view):
        token = request.auth
        return isinstance(token, ApiToken) and token.kind == TokenKind.EXPORT
