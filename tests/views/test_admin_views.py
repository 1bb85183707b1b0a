"""Administration pages (organisations, accounts, memberships) and acting through a chosen membership."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from parcours.core.access import SESSION_KEY
from parcours.core.models import Membership, Organisation, OrganisationKind, User
from parcours.core.roles import Role
from parcours.outbox.models import OutgoingEmail
from tests.conftest import client_for
from tests.factories import PASSWORD, DepartementFactory, MembershipFactory, OrganisationFactory, make_actor
from tests.views.helpers import assert_unchanged, db_snapshot

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "Tournesol-Parapluie-Orage-2031"


def text(response) -> str:
    return html.unescape(response.content.decode())


def user_data(organisation, **overrides) -> dict:
    data = {
        "username": "c.martinez",
        "first_name": "Camille",
        "last_name": "Martinez",
        "email": "camille@example.org",
        "m-organisation": organisation.pk,
        "m-role": Role.ASSOCIATION_WORKER.value,
        "m-active": "on",
    }
    data.update(overrides)
    return data


# --- Organisations ------------------------------------------------------------------------------------------


def test_admin_creates_an_organisation(clients, actors):
    client = clients["admin"]
    assert client.get(reverse("core:organisation_create")).status_code == 200
    response = client.post(
        reverse("core:organisation_create"),
        {
            "name": "Association Nouvelle Aube fictive",
            "kind": "association",
            "address": "2 place Imaginaire",
            "email": "contact@aube.example",
            "active": "on",
        },
        follow=True,
    )
    assert "Organisation enregistrée." in text(response)
    assert "Association Nouvelle Aube fictive" in text(response)
    organisation = Organisation.objects.get(name="Association Nouvelle Aube fictive")
    assert organisation.departement == actors["admin"].departement


def test_admin_edits_an_organisation_and_filters_the_list(clients, association):
    client = clients["admin"]
    response = client.post(
        reverse("core:organisation_edit", args=[association.public_id]),
        {
            "name": "Association L'Escale renommée",
            "kind": "association",
            "address": "",
            "email": "",
            "active": "on",
        },
        follow=True,
    )
    assert "Organisation enregistrée." in text(response)
    association.refresh_from_db()
    assert association.name == "Association L'Escale renommée"
    listing = client.get(reverse("core:organisations"), {"type": "association"})
    names = [o.name for o in listing.context["page"]]
    assert "Association L'Escale renommée" in names
    assert "Préfecture fictive" not in names
    assert "Association L'Escale renommée" in text(listing)
    assert (
        client.get(reverse("core:organisations"), {"type": "xyz", "tri": "zzz", "page": "abc"}).status_code
        == 200
    )


def test_duplicate_organisation_name_is_a_form_error(clients, association):
    before = db_snapshot()
    response = clients["admin"].post(
        reverse("core:organisation_create"),
        {
            "name": association.name,
            "kind": "association",
            "address": "",
            "email": "",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "Une organisation porte déjà ce nom dans le département." in text(response)
    assert_unchanged(before)


def test_admin_of_another_departement_does_not_see_the_organisations(association):
    dep98 = DepartementFactory(code="98", name="Autre")
    admin98 = make_actor(Role.ADMIN, OrganisationFactory(departement=dep98, kind=OrganisationKind.PREFECTURE))
    client = client_for(admin98)
    assert association.name not in text(client.get(reverse("core:organisations")))
    assert client.get(reverse("core:organisation_edit", args=[association.public_id])).status_code == 404


# --- Accounts and memberships -------------------------------------------------------------------------------


def test_admin_creates_a_user_who_chooses_their_own_password(clients, actors, association):
    """The administrator never knows the password: the account receives a single-use link (outbox), and its
    role, which sees people, waits for the secretariat's confirmation."""
    client = clients["admin"]
    page = client.get(reverse("core:user_create"))
    assert page.status_code == 200
    assert "password" not in page.context["form"].fields
    response = client.post(reverse("core:user_create"), user_data(association), follow=True)
    assert "Compte créé." in text(response)
    user = User.objects.get(username="c.martinez")
    assert response.redirect_chain[-1][0] == reverse("core:user_detail", args=[user.public_id])
    assert not user.has_usable_password()
    membership = user.memberships.get()
    assert (membership.organisation, membership.role, membership.active, membership.pending) == (
        association,
        "association_worker",
        False,
        True,
    )
    email = OutgoingEmail.objects.get(to="camille@example.org")
    link = re.search(r"https?://\S+/compte/activation/\S+/", email.body).group(0)
    path = urlsplit(link).path

    newcomer = Client()
    assert newcomer.get(path).status_code == 200
    response = newcomer.post(path, {"new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)
    assert newcomer.get(path).status_code == 404  # single use

    # Logged in, but acting for nobody until the secretariat confirms.
    assert (
        newcomer.post(reverse("login"), {"username": "c.martinez", "password": STRONG_PASSWORD}).status_code
        == 302
    )
    assert newcomer.get(reverse("people:create")).status_code == 302
    clients["secretariat"].post(
        reverse("core:membership_decision", args=[membership.public_id]), {"decision": "confirm"}
    )
    assert newcomer.get(reverse("people:create")).status_code == 200


def test_new_account_needs_an_email_address(clients, association):
    before = db_snapshot()
    response = clients["admin"].post(reverse("core:user_create"), user_data(association, email=""))
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in text(response)
    assert_unchanged(before)


def test_association_role_refused_for_a_prefecture(clients, actors):
    prefecture = actors["secretariat"].organisation
    before = db_snapshot()
    response = clients["admin"].post(reverse("core:user_create"), user_data(prefecture))
    assert response.status_code == 200
    assert "Ce rôle est réservé aux membres d'une association." in text(response)
    assert_unchanged(before)


def test_admin_adds_and_toggles_a_membership(clients, actors, association, other_association):
    client = clients["admin"]
    target = actors["association_worker"].user
    detail = reverse("core:user_detail", args=[target.public_id])
    response = client.post(
        reverse("core:membership_add", args=[target.public_id]),
        {
            "m-organisation": other_association.pk,
            "m-role": "association_manager",
            "m-active": "on",
        },
        follow=True,
    )
    assert "Demande de rattachement enregistrée." in text(response)
    assert target.memberships.count() == 2

    membership = target.memberships.get(organisation=other_association)
    assert membership.pending and not membership.active
    clients["secretariat"].post(
        reverse("core:membership_decision", args=[membership.public_id]), {"decision": "confirm"}
    )
    response = client.post(reverse("core:membership_toggle", args=[membership.public_id]), follow=True)
    assert response.redirect_chain[-1][0] == detail
    assert "Rattachement désactivé." in text(response)
    membership.refresh_from_db()
    assert membership.active is False
    response = client.post(reverse("core:membership_toggle", args=[membership.public_id]), follow=True)
    assert "Demande de réactivation enregistrée." in text(response)  # held again, like a new grant
    membership.refresh_from_db()
    assert membership.pending and not membership.active


def test_deactivated_membership_takes_access_away(clients, actors, association):
    worker = actors["association_worker"]
    second = MembershipFactory(user=worker.user, organisation=association, role=Role.ASSOCIATION_MANAGER)
    client = client_for(worker)
    assert client.get(reverse("people:list")).status_code == 200
    clients["admin"].post(reverse("core:membership_toggle", args=[worker.membership.public_id]))
    response = client.get(reverse("people:list"))  # the chosen membership is gone: the other one acts
    assert response.context["actor"].membership == second
    clients["admin"].post(reverse("core:membership_toggle", args=[second.public_id]))
    response = client.get(reverse("people:list"))  # the last one: the session itself is over
    assert response["Location"].startswith(reverse("login"))


def test_admin_deactivates_an_account(clients, actors):
    target = actors["commission_member"].user
    response = clients["admin"].post(
        reverse("core:user_detail", args=[target.public_id]),
        {
            "first_name": target.first_name,
            "last_name": target.last_name,
            "email": "",
        },
        follow=True,
    )
    assert "Compte modifié." in text(response)
    target.refresh_from_db()
    assert target.is_active is False  # checkbox left unticked


def test_user_list_search(clients, actors):
    target = actors["immigration"].user
    response = clients["admin"].get(reverse("core:users"), {"q": target.last_name})
    assert target.username in text(response)
    assert actors["secretariat"].user.username not in text(response)


# --- Choosing a membership ----------------------------------------------------------------------------------


@pytest.fixture
def two_hats(actors, association):
    """A user who is both association worker (L'Escale) and secretariat (prefecture)."""
    worker = MembershipFactory(organisation=association, role=Role.ASSOCIATION_WORKER)
    secretariat = MembershipFactory(
        user=worker.user, organisation=actors["secretariat"].organisation, role=Role.SECRETARIAT
    )
    return worker.user, worker, secretariat


def login(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, text(response)
    return client


def test_user_with_two_memberships_chooses_then_acts_for_it(two_hats):
    user, as_worker, as_secretariat = two_hats
    client = login(user)
    response = client.get(reverse("people:create"))
    assert response.status_code == 302
    assert response["Location"] == reverse("choose_membership") + "?next=" + reverse("people:create")
    page = text(client.get(response["Location"]))
    assert "Pour quelle organisation agissez-vous ?" in page
    assert "Association L'Escale fictive" in page and "Préfecture fictive" in page

    response = client.post(response["Location"], {"membership": str(as_worker.public_id)})
    assert response.status_code == 302
    assert response["Location"] == reverse("people:create")
    assert client.session[SESSION_KEY] == str(as_worker.public_id)
    assert client.get(reverse("people:create")).status_code == 200
    assert client.get(reverse("core:audit")).status_code == 403

    # Switch to the secretariat.
    response = client.post(reverse("choose_membership"), {"membership": str(as_secretariat.public_id)})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("core:audit")).status_code == 200
    assert client.get(reverse("people:create")).status_code == 403


def test_choice_is_forgotten_at_the_next_login(two_hats):
    user, as_worker, _ = two_hats
    client = login(user)
    client.post(reverse("choose_membership"), {"membership": str(as_worker.public_id)})
    client.post(reverse("logout"))
    client = login(user)
    assert SESSION_KEY not in client.session
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("bad", ["", "pas-un-uuid", "00000000-0000-0000-0000-000000000000", "'; --"])
def test_invalid_membership_choice_is_refused(bad, two_hats):
    user, _, _ = two_hats
    client = login(user)
    response = client.post(reverse("choose_membership"), {"membership": bad})
    assert response.status_code == 200
    errors = response.context["form"].errors["membership"]
    assert errors
    for error in errors:  # a French message next to the field
        assert error in text(response)
        assert any(word in error for word in ("Choisissez", "n’est pas un UUID valide", "obligatoire")), error
    assert SESSION_KEY not in client.session


def test_membership_of_someone_else_cannot_be_chosen(two_hats, actors):
    user, _, _ = two_hats
    client = login(user)
    response = client.post(
        reverse("choose_membership"), {"membership": str(actors["admin"].membership.public_id)}
    )
    assert response.status_code == 200
    assert "Choisissez l'un de vos rattachements." in text(response)
    assert client.get(reverse("core:users")).status_code == 302  # still no actor: back to the choice


def test_choice_redirect_refuses_external_targets(two_hats):
    user, as_worker, _ = two_hats
    client = login(user)
    response = client.post(
        reverse("choose_membership") + "?next=https://evil.example/", {"membership": str(as_worker.public_id)}
    )
    assert response["Location"] == reverse("home")


def test_inactive_membership_is_not_offered(two_hats):
    user, as_worker, as_secretariat = two_hats
    Membership.objects.filter(pk=as_secretariat.pk).update(active=False)
    client = login(user)
    # Only one active membership left: no choice needed.
    assert client.get(reverse("people:create")).status_code == 200
