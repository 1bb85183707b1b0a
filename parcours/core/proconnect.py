"""ProConnect: State agents log in through the State's OpenID Connect federation (mozilla-django-oidc).

Enabled when PROCONNECT_CLIENT_ID is set (docs/environnement.md). What Parcours adds to the library:
- the `acr` claim of the ID token is checked on the server against PROCONNECT_ACR_VALUES (the levels with a
  second factor): ProConnect's docs require it ("Validation côté serveur (obligatoire)"); below, refused;
- the ID token's issuer and audience are checked (the library checks signature, expiry and nonce only);
- an agent is matched to an existing active account by e-mail only, never created (roles are granted by
  people, docs/permissions.md); an unknown e-mail is refused with a French message;
- a login at an accepted level counts as the session's second factor.
"""

from __future__ import annotations

import json
import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import audit
from . import second_factor as sf

logger = logging.getLogger(__name__)

ACR_TOO_LOW = (
    "Votre connexion ProConnect n'a pas utilisé de double authentification, obligatoire pour Parcours. "
    "Activez une application d'authentification sur votre compte ProConnect, puis reconnectez-vous."
)
UNKNOWN_ACCOUNT = (
    "Aucun compte Parcours actif ne correspond à l'adresse électronique de votre compte ProConnect. "
    "Demandez à l'administrateur de Parcours de votre département de créer votre compte avec cette adresse."
)
FAILED = "La connexion par ProConnect n'a pas abouti. Réessayez, ou connectez-vous avec votre identifiant."


def enabled() -> bool:
    return bool(getattr(settings, "PROCONNECT_ENABLED", False))


class ProConnectBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not enabled() or request is None:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, jwt.PyJWTError, SuspiciousOperation, ValueError, KeyError) as exc:
            # Never a 500, never a token or a claim in the log: the exception's type is enough.
            logger.warning("ProConnect : échec de la connexion (%s)", type(exc).__name__)
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (the userinfo JWT carries no nonce)
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if self.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("ID token audience")
            if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
                raise SuspiciousOperation("ID token issuer")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        acr = payload.get("acr")
        if acr not in settings.PROCONNECT_ACR_VALUES:
            self.request.proconnect_refusal = ACR_TOO_LOW
            return None
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None or not user.is_active:
            self.request.proconnect_refusal = UNKNOWN_ACCOUNT
            return None
        self.request.proconnect_acr = acr
        return user

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def describe_user_by_claims(self, claims):
        return "(adresse non journalisée)"


class StartView(OIDCAuthenticationRequestView):
    """The ProConnect button: to the federation's authorization endpoint, asking for a second-factor level."""

    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_extra_params(self, request):
        wanted = {"id_token": {"acr": {"essential": True, "values": list(settings.PROCONNECT_ACR_VALUES)}}}
        return {"claims": json.dumps(wanted, separators=(",", ":"))}


class CallbackView(OIDCAuthenticationCallbackView):
    """Back from ProConnect: the code is exchanged and checked by the backend; success or a French refusal."""

    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @property
    def failure_url(self):
        return reverse("login")

    def login_failure(self):
        messages.error(self.request, getattr(self.request, "proconnect_refusal", FAILED))
        return HttpResponseRedirect(self.failure_url)

    def login_success(self):
        response = super().login_success()
        sf.mark_verified(self.request)  # ProConnect's second factor, at an accepted `acr` level
        acr = getattr(self.request, "proconnect_acr", "")
        audit.record(
            sf.account_actor(self.request, self.user),
            "login",
            self.user,
            detail=f"connexion par ProConnect (niveau {acr})"[:200],
        )
        return response
