"""The API tokens' page (docs/national.md, « Les jetons d'API »): the secretariat issues and revokes its
département's export tokens, the administrator those and its national analysts' tokens. The key is shown
once, in the response to the issuing POST, and nowhere else (list, journal, session, a second POST); a revoked
key stops working at once. Out of reach: 404; bad input: a French message, nothing written."""

from __future__ import annotations

import html
import time
import uuid

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.core import second_factor
from parcours.core.models import AuditEvent, Membership, OrganisationKind
from parcours.core.roles import Role
from parcours.national import services
from parcours.national.models import ApiToken, TokenKind, hash_token
from parcours.national.services import TokenError
from parcours.national.views import FORM_ID_FIELD
from tests.conftest import client_for
from tests.factories import DepartementFactory, MembershipFactory, OrganisationFactory, make_actor
from tests.national.test_api import api

pytestmark = pytest.mark.django_db

S, AD, NA, AW = Role.SECRETARIAT, Role.ADMIN, Role.NATIONAL_ANALYST, Role.ASSOCIATION_WORKER
LIST, ISSUE = reverse("national:tokens"), reverse("national:token_issue")
HOLDER = "Instance nationale fictive"


def revoke_url(token) -> str:
    return reverse("national:token_revoke", kwargs={"pk": token.public_id})


def export_url() -> str:
    return reverse("api:export", kwargs={"year": str(timezone.localdate().year - 1)})


def form_id(client) -> str:
    response = client.get(ISSUE)
    assert response.status_code == 200
    return response.context["form_id"]


def issue(client, **data):
    """The issuing POST, from a freshly opened form."""
    return client.post(ISSUE, {FORM_ID_FIELD: form_id(client), **data})


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def everything_journaled() -> str:
    return " ".join(f"{e.object_type} {e.object_id} {e.detail}" for e in AuditEvent.objects.all())


def session_text(client) -> str:
    return str(dict(client.session.items()))


def test_an_export_token_shown_once_works_listed_by_prefix_then_revoked_stops_working(actors, departement):
    secretariat = client_for(actors[S])
    response = issue(secretariat, name=HOLDER)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    key = response.context["key"]
    page = response.content.decode()
    assert f'data-testid="token-key">{key}</code>' in page
    assert "il ne sera plus jamais affiché" in page and "de façon sûre" in page
    token = ApiToken.objects.get()
    assert (token.kind, token.name, token.departement, token.issued_by) == (
        TokenKind.EXPORT,
        HOLDER,
        departement,
        actors[S].user,
    )
    assert token.key_hash == hash_token(key) and key not in str(ApiToken.objects.values().get())
    # Not in the session, not in the journal (the event names the token by its opaque id).
    assert key not in session_text(secretariat) and key[:8] not in session_text(secretariat)
    assert AuditEvent.objects.filter(
        action="create", object_id=str(token.public_id), user=actors[S].user
    ).exists()
    assert key not in everything_journaled()

    # The key works on the API: the département's export.
    assert api(key).get(export_url()).status_code == 200

    # The list shows its first characters, never the key.
    listing = secretariat.get(LIST)
    assert listing.status_code == 200
    text = listing.content.decode()
    assert f"{key[:8]}…" in text and key not in text and HOLDER in text
    assert "jamais" not in text.split(HOLDER, 1)[1].split("</tr>", 1)[0]  # last used: a date

    # Revoke: « Ce qui va se passer » first, nothing changes yet.
    confirm = secretariat.post(revoke_url(token))
    assert confirm.status_code == 200 and "Ce qui va se passer" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None and api(key).get(export_url()).status_code == 200
    done = secretariat.post(revoke_url(token), {"confirmation": "oui"})
    assert done.status_code == 302 and any("révoqué" in m for m in messages_of(done))
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = api(key).get(export_url())
    assert refused.status_code == 401 and "révoqué" in refused.json()["detail"]
    assert AuditEvent.objects.filter(action="update", object_id=str(token.public_id)).exists()
    assert key not in everything_journaled() and key not in secretariat.get(LIST).content.decode()


def test_the_issuing_form_posted_again_issues_nothing_and_shows_no_key(actors):
    """A reload or the back button posts the form again: no second token, no key, a message that says so."""
    secretariat = client_for(actors[S])
    data = {FORM_ID_FIELD: form_id(secretariat), "name": HOLDER}
    key = secretariat.post(ISSUE, data).context["key"]
    again = secretariat.post(ISSUE, data)
    assert again.status_code == 302 and again["Location"] == LIST
    assert any("déjà été envoyé" in m for m in messages_of(again))
    assert ApiToken.objects.count() == 1
    assert key not in secretariat.get(LIST).content.decode()
    # A form never opened (no submission id, or a forged one): refused the same way.
    assert secretariat.post(ISSUE, {"name": HOLDER}).status_code == 302
    assert secretariat.post(ISSUE, {FORM_ID_FIELD: "forge", "name": HOLDER}).status_code == 302
    assert ApiToken.objects.count() == 1


def test_the_administrator_issues_a_reading_token_to_a_national_analyst(actors):
    admin = client_for(actors[AD])
    analyst = actors[NA].membership
    page = admin.get(ISSUE).content.decode()
    assert str(analyst.public_id) in page  # the analyst offered by opaque id
    response = issue(
        admin, kind=TokenKind.NATIONAL_READ, name="Tableur de l'analyste", membership=analyst.public_id
    )
    assert response.status_code == 200
    key = response.context["key"]
    token = ApiToken.objects.get()
    assert (token.kind, token.membership, token.departement) == (TokenKind.NATIONAL_READ, analyst, None)
    assert api(key).get(reverse("api:indicators")).status_code == 200
    assert key[:8] in admin.get(LIST).content.decode()
    admin.post(revoke_url(token), {"confirmation": "oui"})
    assert api(key).get(reverse("api:indicators")).status_code == 401


def test_the_administrator_issues_an_export_token_for_its_own_departement(actors, departement):
    response = issue(client_for(actors[AD]), kind=TokenKind.EXPORT, name=HOLDER)
    assert response.status_code == 200
    assert ApiToken.objects.get().departement == departement
    assert api(response.context["key"]).get(export_url()).status_code == 200


def test_nobody_issues_a_token_to_their_own_account(actors):
    """An administrator who is also a national analyst (granted by another administrator) is not offered its
    own account, and posting it is refused: a token is a credential without a second factor."""
    admin = actors[AD]
    own = MembershipFactory(user=admin.user, organisation=actors[NA].organisation, role=NA)
    client = client_for(admin)
    assert str(own.public_id) not in client.get(ISSUE).content.decode()
    response = issue(client, kind=TokenKind.NATIONAL_READ, name="Moi", membership=own.public_id)
    assert response.status_code == 400 and "Compte inconnu" in response.content.decode()
    with pytest.raises(TokenError, match="jamais à son propre compte"):
        services.issue_token(actor=admin, kind=TokenKind.NATIONAL_READ, name="Moi", membership=own)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("role", "data", "message"),
    [
        (S, {"name": "   "}, "Dites qui détient le jeton"),
        (S, {"name": "x" * 201}, "200 caractères au plus"),
        (AD, {"name": HOLDER}, "Choisissez le type de jeton"),
        (AD, {"kind": "superutilisateur", "name": HOLDER}, "Type de jeton inconnu"),
        (AD, {"kind": TokenKind.NATIONAL_READ, "name": "Outil"}, "Choisissez le compte de l'analyste"),
        (
            AD,
            {"kind": TokenKind.NATIONAL_READ, "name": "Outil", "membership": uuid.uuid4()},
            "Compte inconnu",
        ),
        (
            AD,
            {"kind": TokenKind.NATIONAL_READ, "name": "Outil", "membership": "pas-un-uuid"},
            "Compte inconnu",
        ),
    ],
)
def test_bad_input_is_a_french_message_and_issues_nothing(actors, role, data, message):
    client = client_for(actors[role])
    submission = form_id(client)
    response = client.post(ISSUE, {FORM_ID_FIELD: submission, **data})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert message in page and "Le formulaire contient des erreurs" in page and "token-key" not in page
    assert not ApiToken.objects.exists()
    # The same form, corrected, still issues (its submission id was not spent).
    fixed = {"name": HOLDER} if role == S else {"kind": TokenKind.EXPORT, "name": HOLDER}
    assert client.post(ISSUE, {FORM_ID_FIELD: submission, **fixed}).status_code == 200
    assert ApiToken.objects.count() == 1


def test_an_analyst_whose_membership_was_deactivated_is_not_offered_nor_accepted(actors):
    analyst = actors[NA].membership
    Membership.objects.filter(pk=analyst.pk).update(active=False)
    admin = client_for(actors[AD])
    page = admin.get(ISSUE).content.decode()
    assert str(analyst.public_id) not in page and 'data-testid="no-analyst"' in page
    response = issue(admin, kind=TokenKind.NATIONAL_READ, name="Outil", membership=analyst.public_id)
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_the_secretariat_issues_export_tokens_only_and_for_its_own_departement(actors):
    """The kind is not even a field for the secretariat: a tampered POST still gets an export token of its
    own département; the service refuses the rest outright."""
    secretariat = actors[S]
    response = issue(
        client_for(secretariat),
        kind=TokenKind.NATIONAL_READ,
        name=HOLDER,
        membership=actors[NA].membership.public_id,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert (token.kind, token.membership, token.departement) == (
        TokenKind.EXPORT,
        None,
        secretariat.departement,
    )
    with pytest.raises(TokenError):
        services.issue_token(
            actor=secretariat, kind=TokenKind.NATIONAL_READ, name="x", membership=actors[NA].membership
        )
    with pytest.raises(TokenError, match="que pour votre département"):
        services.issue_token(
            actor=secretariat, kind=TokenKind.EXPORT, name="x", departement=DepartementFactory(code="98")
        )
    assert ApiToken.objects.count() == 1


@pytest.fixture
def elsewhere():
    """Département 98: its secretariat, and an export token of its own."""
    dep98 = DepartementFactory(code="98", name="Autre département")
    secretariat98 = make_actor(
        S, OrganisationFactory(departement=dep98, kind=OrganisationKind.PREFECTURE, name="Préfecture 98")
    )
    token98, key98 = services.issue_token(kind=TokenKind.EXPORT, name="Export du 98", departement=dep98)
    return secretariat98, token98, key98


def test_a_secretariat_neither_sees_nor_revokes_another_departements_token(actors, elsewhere):
    secretariat98, token98, key98 = elsewhere
    ours, _ = services.issue_token(kind=TokenKind.EXPORT, name=HOLDER, departement=actors[S].departement)
    reading, _ = services.issue_token(
        kind=TokenKind.NATIONAL_READ, name="Outil de l'analyste", membership=actors[NA].membership
    )
    secretariat = client_for(actors[S])
    text = secretariat.get(LIST).content.decode()
    assert ours.prefix in text
    assert token98.prefix not in text and "Export du 98" not in text
    # Its own département's reading tokens are the administrator's business.
    assert reading.prefix not in text
    for token in (token98, reading):
        assert secretariat.post(revoke_url(token), {"confirmation": "oui"}).status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None
    assert api(key98).get(export_url()).status_code == 200
    # Département 98's secretariat: its own token, not ours.
    other = client_for(secretariat98)
    assert token98.prefix in other.get(LIST).content.decode()
    assert other.post(revoke_url(ours), {"confirmation": "oui"}).status_code == 404
    with pytest.raises(TokenError):
        services.revoke_token(actor=actors[S], token=token98)


def test_a_token_already_revoked_or_a_bad_id_changes_nothing(actors):
    token, _ = services.issue_token(kind=TokenKind.EXPORT, name=HOLDER, departement=actors[S].departement)
    services.revoke_token(actor=actors[S], token=token)
    token.refresh_from_db()
    revoked_at = token.revoked_at
    secretariat = client_for(actors[S])
    response = secretariat.post(revoke_url(token), {"confirmation": "oui"})
    assert response.status_code == 302 and any("déjà révoqué" in m for m in messages_of(response))
    token.refresh_from_db()
    assert token.revoked_at == revoked_at
    with pytest.raises(TokenError, match="déjà révoqué"):
        services.revoke_token(actor=actors[S], token=token)
    assert (
        secretariat.post("/national/jetons/pas-un-uuid/revoquer/", {"confirmation": "oui"}).status_code == 404
    )
    unknown = reverse("national:token_revoke", kwargs={"pk": uuid.uuid4()})
    assert secretariat.post(unknown, {"confirmation": "oui"}).status_code == 404
    assert secretariat.get(revoke_url(token)).status_code == 405
    # The list offers no revocation of a revoked token.
    assert 'data-testid="token-revoke"' not in secretariat.get(LIST).content.decode()


def test_other_roles_are_refused(actors):
    token, _ = services.issue_token(kind=TokenKind.EXPORT, name=HOLDER, departement=actors[S].departement)
    for role in (AW, NA, Role.SIGNATORY):
        client = client_for(actors[role])
        assert client.get(LIST).status_code == 403
        assert client.get(ISSUE).status_code == 403
        assert client.post(ISSUE, {"name": HOLDER}).status_code == 403
        assert client.post(revoke_url(token), {"confirmation": "oui"}).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None and ApiToken.objects.count() == 1


def test_the_menu_leads_the_secretariat_and_the_administrator_to_the_page(actors):
    for role in (S, AD):
        assert 'data-testid="nav-api-tokens"' in client_for(actors[role]).get(LIST).content.decode()
    assert 'data-testid="nav-api-tokens"' not in client_for(actors[AW]).get(reverse("home")).content.decode()


def test_issuing_and_revoking_ask_for_a_fresh_second_factor(actors):
    """Past the step-up delay: to the code page, nothing issued, nothing revoked."""
    token, _ = services.issue_token(kind=TokenKind.EXPORT, name=HOLDER, departement=actors[S].departement)
    client = client_for(actors[S])
    submission = form_id(client)
    session = client.session
    session[second_factor.SESSION_VERIFIED_AT] = time.time() - 24 * 3600
    session.save()
    for response in (
        client.post(ISSUE, {FORM_ID_FIELD: submission, "name": HOLDER}),
        client.post(revoke_url(token), {"confirmation": "oui"}),
    ):
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("second_factor_verify")
        )
    token.refresh_from_db()
    assert token.revoked_at is None and ApiToken.objects.count() == 1


def test_the_list_reads_a_constant_number_of_queries(actors):
    client = client_for(actors[AD])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    services.issue_token(kind=TokenKind.EXPORT, name=HOLDER, departement=actors[AD].departement)
    one = queries()
    for n in range(4):
        services.issue_token(
            actor=actors[AD],
            kind=TokenKind.NATIONAL_READ,
            name=f"Outil {n}",
            membership=actors[NA].membership,
        )
    assert queries() == one
