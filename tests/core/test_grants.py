"""No silent privilege: an administrator manages accounts, never files (issue 9, finding 3).

A grant of a role that sees people (or of the administrator role) made by an administrator is held,
inactive, until someone else confirms it: the secretariat, or a second administrator for the secretariat
role. Every request and decision is journaled, alerts the secretariat and shows on the board."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from parcours.core import services
from parcours.core.models import Alert, AuditAction, AuditEvent, Membership, User
from parcours.core.roles import GRANTS_NEEDING_CONFIRMATION, PEOPLE_SEEING_ROLES, Role
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory, make_actor
from tests.views.helpers import assert_unchanged, db_snapshot

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def add(client, user, organisation, role):
    return client.post(
        reverse("core:membership_add", args=[user.public_id]),
        {"m-organisation": organisation.pk, "m-role": role, "m-active": "on"},
        follow=True,
    )


@pytest.fixture
def prefecture(actors):
    return actors["secretariat"].organisation


@pytest.fixture
def second_admin(actors, prefecture):
    return make_actor(Role.ADMIN, prefecture)


def test_the_set_of_roles_that_see_people():
    assert PEOPLE_SEEING_ROLES == {
        Role.SECRETARIAT,
        Role.SIGNATORY,
        Role.IMMIGRATION,
        Role.ASSOCIATION_WORKER,
        Role.ASSOCIATION_MANAGER,
        Role.PARTNER_ADVISOR,
    }
    assert Role.ADMIN in GRANTS_NEEDING_CONFIRMATION


def test_administrator_cannot_give_itself_the_secretariat_role(clients, actors, prefecture, person):
    """The finding: one POST on its own user page made the administrator a secretariat reading every file."""
    admin = actors["admin"]
    before = db_snapshot()
    response = add(clients["admin"], admin.user, prefecture, Role.SECRETARIAT)
    assert "Vous ne pouvez pas modifier vos propres rattachements" in text(response)
    assert_unchanged(before)
    assert not Membership.objects.filter(user=admin.user, role=Role.SECRETARIAT).exists()
    # Its own page does not even offer the form.
    page = text(clients["admin"].get(reverse("core:user_detail", args=[admin.user.public_id])))
    assert "Ajouter un rattachement" not in page
    assert clients["admin"].get(reverse("people:list")).status_code == 403


def test_administrator_can_deactivate_but_not_reactivate_its_own_membership(actors, prefecture):
    admin = actors["admin"]
    extra = MembershipFactory(user=admin.user, organisation=prefecture, role=Role.COMMISSION_MEMBER)
    client = client_for(admin)
    response = client.post(reverse("core:membership_toggle", args=[extra.public_id]), follow=True)
    assert "Rattachement désactivé." in text(response)
    response = client.post(reverse("core:membership_toggle", args=[extra.public_id]), follow=True)
    assert "Vous ne pouvez pas modifier vos propres rattachements" in text(response)
    extra.refresh_from_db()
    assert not extra.active and not extra.pending


def test_a_sock_puppet_secretariat_is_held_until_a_second_administrator_confirms(
    clients, actors, prefecture, second_admin
):
    """An account the administrator controls, given the secretariat role: nothing until another
    administrator confirms; neither the requester nor the secretariat can."""
    puppet = UserFactory()
    MembershipFactory(user=puppet, organisation=prefecture, role=Role.COMMISSION_MEMBER)
    response = add(clients["admin"], puppet, prefecture, Role.SECRETARIAT)
    assert "Demande de rattachement enregistrée." in text(response)
    held = Membership.objects.get(user=puppet, role=Role.SECRETARIAT)
    assert (held.active, held.pending, held.requested_by) == (False, True, actors["admin"].user)
    assert AuditEvent.objects.filter(action=AuditAction.GRANT_REQUEST, object_id=str(held.public_id)).exists()
    alert = Alert.objects.get(kind=Alert.Kind.GRANT_REQUESTED, object_id=str(held.public_id))
    assert "à confirmer par un second administrateur" in alert.message
    assert alert.message in text(clients["secretariat"].get(reverse("home")))  # the secretariat knows

    decision = reverse("core:membership_decision", args=[held.public_id])
    for who in ("admin", "secretariat"):  # the requester; the secretariat (does not widen itself)
        assert clients[who].get(decision).status_code == 404
        assert clients[who].post(decision, {"decision": "confirm"}).status_code == 404
        with pytest.raises(PermissionDenied):
            services.decide_membership(actor=actors[who], membership=held, confirm=True)
    held.refresh_from_db()
    assert held.pending and not held.active

    other = client_for(second_admin)
    board = text(other.get(reverse("home")))
    assert "Habilitations à confirmer" in board and str(puppet) in board
    page = text(other.get(decision))
    assert "Ce que votre décision entraîne" in page
    response = other.post(decision, {"decision": "confirm"}, follow=True)
    assert "Habilitation confirmée" in text(response)
    held.refresh_from_db()
    assert held.active and not held.pending and held.decided_by == second_admin.user


def test_a_confirmed_grant_shows_in_the_audit_and_leaves_the_board(clients, actors, prefecture):
    newcomer = UserFactory()
    MembershipFactory(user=newcomer, organisation=prefecture, role=Role.COMMISSION_MEMBER)
    add(clients["admin"], newcomer, prefecture, Role.SIGNATORY)
    held = Membership.objects.get(user=newcomer, role=Role.SIGNATORY)
    secretariat = clients["secretariat"]

    board = secretariat.get(reverse("home"))
    item = f'href="{reverse("core:membership_decision", args=[held.public_id])}"'
    assert "Habilitations à confirmer" in text(board) and item in text(board)
    response = secretariat.post(
        reverse("core:membership_decision", args=[held.public_id]), {"decision": "confirm"}, follow=True
    )
    assert "Habilitation confirmée" in text(response)
    assert item not in text(secretariat.get(reverse("home")))

    journal = text(secretariat.get(reverse("core:audit"), {"objet": str(held.public_id)}))
    assert "Demande d'habilitation" in journal and "Habilitation confirmée" in journal
    events = AuditEvent.objects.filter(object_id=str(held.public_id)).order_by("at", "pk")
    assert [(e.action, e.user) for e in events] == [
        (AuditAction.GRANT_REQUEST, actors["admin"].user),
        (AuditAction.GRANT_CONFIRM, actors["secretariat"].user),
    ]
    assert Alert.objects.filter(kind=Alert.Kind.GRANT_CONFIRMED, object_id=str(held.public_id)).exists()
    # The grant works now, and a second decision is refused.
    assert client_for(make_actor_from(held)).get(reverse("pathways:list")).status_code == 200
    response = secretariat.post(
        reverse("core:membership_decision", args=[held.public_id]), {"decision": "refuse"}
    )
    assert response.status_code == 404


def make_actor_from(membership):
    from parcours.core.access import Actor

    return Actor(user=membership.user, membership=membership)


def test_a_refused_grant_stays_inactive_and_is_journaled(clients, actors, association):
    newcomer = UserFactory()
    MembershipFactory(user=newcomer, organisation=association, role=Role.ASSOCIATION_WORKER)
    add(clients["admin"], newcomer, association, Role.ASSOCIATION_MANAGER)
    held = Membership.objects.get(user=newcomer, role=Role.ASSOCIATION_MANAGER)
    response = clients["secretariat"].post(
        reverse("core:membership_decision", args=[held.public_id]), {"decision": "refuse"}, follow=True
    )
    assert "Habilitation refusée" in text(response)
    held.refresh_from_db()
    assert not held.active and not held.pending
    assert AuditEvent.objects.filter(action=AuditAction.GRANT_REFUSE, object_id=str(held.public_id)).exists()
    assert Alert.objects.filter(kind=Alert.Kind.GRANT_REFUSED).exists()


@pytest.mark.parametrize("bad", ["", "oui", "confirm\x00"])
def test_a_decision_without_a_valid_choice_changes_nothing(bad, clients, prefecture):
    newcomer = UserFactory()
    MembershipFactory(user=newcomer, organisation=prefecture, role=Role.COMMISSION_MEMBER)
    add(clients["admin"], newcomer, prefecture, Role.SIGNATORY)
    held = Membership.objects.get(user=newcomer, role=Role.SIGNATORY)
    before = db_snapshot()
    response = clients["secretariat"].post(
        reverse("core:membership_decision", args=[held.public_id]), {"decision": bad}
    )
    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in text(response)
    assert_unchanged(before)


def test_nobody_confirms_a_grant_to_themselves(clients, actors, prefecture):
    """A secretariat member proposed for the administrator role does not see its own request."""
    me = actors["secretariat"]
    add(clients["admin"], me.user, prefecture, Role.ADMIN)
    held = Membership.objects.get(user=me.user, role=Role.ADMIN)
    assert held.pending
    assert str(held.public_id) not in text(clients["secretariat"].get(reverse("home")))
    assert (
        clients["secretariat"].get(reverse("core:membership_decision", args=[held.public_id])).status_code
        == 404
    )
    another = make_actor(Role.SECRETARIAT, prefecture)
    assert (
        client_for(another).get(reverse("core:membership_decision", args=[held.public_id])).status_code == 200
    )


def test_reactivating_a_role_that_sees_people_is_held_again(clients, actors):
    worker = actors["association_worker"]
    toggle = reverse("core:membership_toggle", args=[worker.membership.public_id])
    clients["admin"].post(toggle)
    clients["admin"].post(toggle)
    worker.membership.refresh_from_db()
    assert worker.membership.pending and not worker.membership.active
    assert client_for(worker).get(reverse("people:list")).status_code == 302


def test_roles_that_see_no_one_take_effect_at_once_and_are_journaled(clients, actors, prefecture):
    newcomer = UserFactory()
    MembershipFactory(user=newcomer, organisation=prefecture, role=Role.SIGNATORY)
    response = add(clients["admin"], newcomer, prefecture, Role.COMMISSION_MEMBER)
    assert "Rattachement ajouté." in text(response)
    membership = Membership.objects.get(user=newcomer, role=Role.COMMISSION_MEMBER)
    assert membership.active and not membership.pending
    assert AuditEvent.objects.filter(
        action=AuditAction.ROLE_CHANGE, object_id=str(membership.public_id)
    ).exists()


def test_the_account_form_cannot_raise_privileges(clients, actors, association):
    """is_staff / is_superuser (Django's admin flags) and the address that receives password links are not
    in the administrator's forms: posted anyway, they are ignored."""
    target = actors["commission_member"].user
    clients["admin"].post(
        reverse("core:user_detail", args=[target.public_id]),
        {
            "first_name": "Agent",
            "last_name": "Renommé",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "email": "admin-controle@example.org",
            "password": "x",
        },
    )
    target.refresh_from_db()
    assert target.last_name == "Renommé"
    assert (target.is_staff, target.is_superuser) == (False, False)
    assert target.email != "admin-controle@example.org"
    clients["admin"].post(
        reverse("core:user_create"),
        {
            "username": "n.nouveau",
            "first_name": "N",
            "last_name": "Nouveau",
            "email": "n@example.org",
            "is_staff": "on",
            "is_superuser": "on",
            "m-organisation": association.pk,
            "m-role": Role.ASSOCIATION_WORKER.value,
            "m-active": "on",
        },
    )
    created = User.objects.get(username="n.nouveau")
    assert (created.is_staff, created.is_superuser) == (False, False)


def test_deactivating_an_account_ends_its_sessions_at_once(clients, actors):
    from django.contrib.sessions.models import Session
    from django.test import Client

    from tests.factories import PASSWORD

    target = actors["commission_member"].user
    browser = Client()
    browser.post(reverse("login"), {"username": target.username, "password": PASSWORD})
    key = browser.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()
    clients["admin"].post(
        reverse("core:user_detail", args=[target.public_id]),
        {"first_name": target.first_name, "last_name": target.last_name},  # "Compte actif" unticked
    )
    assert not Session.objects.filter(session_key=key).exists()
    assert browser.get(reverse("home")).status_code == 302
