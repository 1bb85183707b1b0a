"""Who manages the API tokens (docs/national.md, « Les jetons d'API » ; docs/permissions.md).

- An export token lets the national instance pull one département's national-audience export (figures
  already under statistical secrecy, never a person). Its département's secretariat (the DDFE, which owns the
  commission's figures and already reads them exact) issues and revokes it; so does the département's
  administrator, who issued it with `manage.py issue_api_token` until now and sees no person through it.
- A national-reading token is a national analyst's own credential for the API, tied to an active
  national-analyst membership: issued and revoked by the administrator who manages that account (its
  département), never to the administrator's own account (a token is a credential without a second factor:
  nobody issues one to themselves).

Everything is scoped to the actor's département: another département's token is out of reach (404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.core.access import Actor
from parcours.core.policies import AD, S, can, register
from parcours.core.roles import Role

from .models import TokenKind

if TYPE_CHECKING:
    from parcours.core.models import Membership

    from .models import ApiToken

PERMISSION = "national.tokens"

PERMISSIONS = {
    # The API tokens page (list, issue, revoke): the secretariat its département's export tokens, the
    # administrator those and its département's national analysts' tokens (token_kinds says which).
    PERMISSION: {S, AD},
}

# The kinds of token each role of PERMISSIONS manages.
KINDS = {
    S: (TokenKind.EXPORT,),
    AD: (TokenKind.EXPORT, TokenKind.NATIONAL_READ),
}


def register_permissions() -> None:
    register(PERMISSIONS)


def token_kinds(actor: Actor | None) -> tuple[str, ...]:
    """The kinds of token `actor` may issue and revoke (none without the permission)."""
    if actor is None or not can(actor, PERMISSION):
        return ()
    return KINDS.get(actor.role, ())


def may_issue_to(actor: Actor, membership: Membership) -> bool:
    """A national-reading token for this account: an active national analyst of the actor's département,
    and not the actor's own account."""
    return (
        TokenKind.NATIONAL_READ in token_kinds(actor)
        and membership.role == Role.NATIONAL_ANALYST
        and membership.active
        and membership.organisation.departement_id == actor.departement.pk
        and membership.user_id != actor.user.pk
    )


def is_own(actor: Actor, token: ApiToken) -> bool:
    """Whether `token` is in `actor`'s reach: a kind it manages, of its département (an export token's
    département; a reading token's account's organisation)."""
    if token.kind not in token_kinds(actor):
        return False
    if token.kind == TokenKind.EXPORT:
        return token.departement_id == actor.departement.pk
    return token.membership.organisation.departement_id == actor.departement.pk


def abilities(actor: Actor, token: ApiToken) -> dict[str, bool]:
    return {"revoke": is_own(actor, token) and token.revoked_at is None}
