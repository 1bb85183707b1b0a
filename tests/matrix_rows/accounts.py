# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of accounts and held grants (issue 9).

The password pages reached from the login page or from an e-mail link are public (an anonymous visitor gets
them: 200); changing one's password needs a session. A held grant is confirmed by the role that confirms it
(the secretariat for a signatory): for the administrator it is out of reach (404), like any object outside
its scope."""

from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from parcours.core.models import Membership
from parcours.core.roles import Role
from parcours.core.tokens import account_setup_tokens, password_reset_tokens
from tests.factories import UserFactory, make_actor
from tests.matrix_rows.base import AD, GET, Row, S, _none


def _held_signatory_grant(w):
    requester = make_actor(Role.ADMIN, w.actors[AD].organisation)
    membership = Membership.objects.create(
        user=UserFactory(),
        organisation=w.actors[S].organisation,
        role=Role.SIGNATORY,
        active=False,
        pending=True,
        requested_by=requester.user,
        requested_at=timezone.now(),
    )
    return {"pk": membership.public_id}, None


def _link(tokens):
    def build(w):
        user = w.worker.user
        return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": tokens.make_token(user)}, None

    return build


# fmt: off
#                                                                          S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS = {
    "core:membership_decision": Row(GET, _held_signatory_grant,         (200, 403, 403, 403, 403, 403, 403, 403, 404), 302),
    "core:password_change": Row(GET, _none,                             (200, 200, 200, 200, 200, 200, 200, 200, 200), 302),
    "core:password_reset": Row(GET, _none,                              (200, 200, 200, 200, 200, 200, 200, 200, 200), 200),
    "core:password_reset_sent": Row(GET, _none,                         (200, 200, 200, 200, 200, 200, 200, 200, 200), 200),
    "core:password_reset_confirm": Row(GET, _link(password_reset_tokens), (200, 200, 200, 200, 200, 200, 200, 200, 200), 200),
    "core:account_setup": Row(GET, _link(account_setup_tokens),         (200, 200, 200, 200, 200, 200, 200, 200, 200), 200),
}
# fmt: on
