"""Shared fixtures: a département with one organisation and one actor per role, and a ready-made PSP."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib import auth
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from parcours.core import second_factor
from parcours.core.access import SESSION_KEY, Actor
from parcours.core.models import Membership, Organisation, OrganisationKind, User
from parcours.core.roles import Role
from parcours.core.signals import LOGIN_AT_KEY, TOUCHED_AT_KEY
from parcours.pathways import services as psp
from parcours.pathways.models import PlanObjective, RightKind
from parcours.people.models import ConsentPurpose

from . import files
from .factories import (
    AgrementFactory,
    ConsentFactory,
    DepartementFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)

PDF = files.blank_pdf()  # a real one-page PDF: uploads are parsed, not judged by their first bytes
PNG = files.png()


# Hypothesis: the same number of examples everywhere (its default, 100) and, everywhere, no per-example
# deadline (200 ms by default) nor "too slow" health check: those are timing assertions, and they failed
# under load (CI, `-n 4` on two cores). Speed is the bench's business (bench/).
hypothesis_settings.register_profile("parcours", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("parcours")


def pdf_upload(name="piece.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _flush_as_the_owner():
    """Between transactional tests (live server, migrations), Django empties every table with one TRUNCATE.
    On PostgreSQL the journal and frozen documents refuse TRUNCATE (core/0004, documents/0004), as they must
    for the application's role. The test database's user is a superuser, the owner's counterpart: it empties
    the tables with the triggers set aside for that statement only (session_replication_role, which only a
    superuser may set), as the owner would for a restore drill. Production code never does this."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    plain_sql_flush = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = plain_sql_flush(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements:
            return statements
        return [
            "SET LOCAL session_replication_role = replica;",
            *statements,
            "SET LOCAL session_replication_role = DEFAULT;",
        ]

    DatabaseOperations.sql_flush = sql_flush


_flush_as_the_owner()


@pytest.fixture(autouse=True)
def _national_reference_rows(request):
    """Reference rows a data migration seeds (the national list of detection indicators) are emptied with
    every table when a transactional test (the browser tests' live server) ends: a later test on the same
    database finds them again, as on a migrated database."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if marker is None and "db" not in names and "transactional_db" not in names:
        return
    transactional = "transactional_db" in names or bool(marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.apps import apps

    from parcours.referrals.models import DetectionIndicator

    if not DetectionIndicator.objects.filter(departement__isnull=True).exists():
        import_module("parcours.referrals.migrations.0002_national_indicators").seed(apps, None)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "parcours.core.storage.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture
def departement(db):
    return DepartementFactory()


@pytest.fixture
def association(departement):
    org = OrganisationFactory(
        departement=departement, kind=OrganisationKind.ASSOCIATION, name="Association L'Escale fictive"
    )
    AgrementFactory(organisation=org)
    return org


@pytest.fixture
def other_association(departement):
    org = OrganisationFactory(
        departement=departement, kind=OrganisationKind.ASSOCIATION, name="Association Autre Rive fictive"
    )
    AgrementFactory(organisation=org)
    return org


# Organisation kind of the roles that get an organisation of their own (as `make_actor` creates them).
OWN_ORGANISATION_KIND = {
    Role.IMMIGRATION: OrganisationKind.IMMIGRATION,
    Role.PARTNER_ADVISOR: OrganisationKind.MISSION_LOCALE,
    Role.COMMISSION_MEMBER: OrganisationKind.JUSTICE,
    Role.NATIONAL_ANALYST: OrganisationKind.NATIONAL,
}


@pytest.fixture
def actors(departement, association):
    """One actor per role in the same département; association roles in `association`.

    The same rows as `make_actor` would create, from the same factories, but inserted in three statements
    instead of about sixty queries: most view tests and every row of the authorisation matrix need them."""
    prefecture = OrganisationFactory(
        departement=departement, kind=OrganisationKind.PREFECTURE, name="Préfecture fictive"
    )
    own = {
        role: OrganisationFactory.build(departement=departement, kind=kind)
        for role, kind in OWN_ORGANISATION_KIND.items()
    }
    Organisation.objects.bulk_create(own.values())
    organisations = {}
    for role in Role:
        if role in (Role.ASSOCIATION_WORKER, Role.ASSOCIATION_MANAGER):
            organisations[role] = association
        elif role in (Role.SECRETARIAT, Role.SIGNATORY, Role.ADMIN):
            organisations[role] = prefecture
        else:
            organisations[role] = own[role]
    users = User.objects.bulk_create([UserFactory.build() for _ in organisations])
    memberships = Membership.objects.bulk_create(
        [
            MembershipFactory.build(user=user, organisation=organisation, role=role)
            for user, (role, organisation) in zip(users, organisations.items(), strict=True)
        ]
    )
    return {membership.role: Actor(user=membership.user, membership=membership) for membership in memberships}


def client_for(actor) -> Client:
    """A test client logged in as `actor`, acting in its membership.

    It writes, in one insert, the session `Client.force_login` would leave (user id, backend, session hash)
    plus the chosen membership, instead of the dozen queries of a login and two session rewrites; the login
    signals it skips (last login date, django-axes bookkeeping) are read by no view. Logging in itself is
    tested through the login page."""
    client = Client()
    user = actor.user
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[auth.SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[auth.BACKEND_SESSION_KEY] = client._get_backend()
    session[auth.HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SESSION_KEY] = str(actor.membership.public_id)
    session[second_factor.SESSION_STATE] = second_factor.OK  # as a login whose code was given (or not needed)
    # As a login leaves them (core.signals.on_login): the session's opening and last write.
    session[LOGIN_AT_KEY] = session[TOUCHED_AT_KEY] = timezone.now().timestamp()
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME].update(
        {
            "path": "/",
            "domain": settings.SESSION_COOKIE_DOMAIN,
            "secure": settings.SESSION_COOKIE_SECURE or None,
        }
    )
    return client


@pytest.fixture
def clients(actors):
    return {role: client_for(actor) for role, actor in actors.items()}


@pytest.fixture
def person(association, actors):
    return PersonFactory(organisation=association, created_by=actors["association_worker"].user)


def complete_request(actor, pathway, *, day=None):
    """Fill the open request of `pathway` so that it can be submitted."""
    day = day or timezone.localdate()
    request = pathway.requests.open().first()
    request.rights_requested = [RightKind.AFIS, RightKind.RESIDENCE_PERMIT, RightKind.HOUSING]
    request.association_opinion = "Projet solide."
    request.actions_carried_out = "Actions menées." if request.kind == "renewal" else ""
    request.person_commitment, request.commitment_date, request.prostitution_stopped = True, day, True
    request.save()
    PlanObjective.objects.create(request=request, domain="housing", objective="Hébergement stable")
    kinds = psp.REQUIRED_DOCUMENTS_INITIAL if request.kind == "initial" else psp.REQUIRED_DOCUMENTS_RENEWAL
    for kind in kinds:
        psp.add_document(actor=actor, request=request, kind=kind, uploaded=pdf_upload())
    if not pathway.person.consents.active().filter(purpose=ConsentPurpose.PSP_REQUEST).exists():
        ConsentFactory(person=pathway.person, purpose=ConsentPurpose.PSP_REQUEST)
    return request


def drive_to_decision(actors, pathway, *, decision="authorised", day=None):
    """Submit, check, give a favourable opinion and record the decision on the open request."""
    asso, sec = actors["association_worker"], actors["secretariat"]
    day = day or timezone.localdate()
    request = complete_request(asso, pathway, day=day)
    psp.submit_request(actor=asso, request=request, today=day)
    psp.mark_ready(actor=sec, request=request)
    opinion = "favourable" if decision == "authorised" else "unfavourable"
    psp.record_opinion(actor=sec, request=request, opinion=opinion, day=day, motive="Motif de test")
    psp.record_decision(
        actor=actors["signatory"], request=request, decision=decision, day=day, reference="REF-1"
    )
    request.refresh_from_db()
    return request


@pytest.fixture
def pathway(actors, person):
    return psp.start_pathway(actor=actors["association_worker"], person=person)


@pytest.fixture
def active_pathway(actors, person):
    pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
    drive_to_decision(actors, pathway, day=timezone.localdate() - timedelta(days=10))
    pathway.refresh_from_db()
    return pathway


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the diagnostic keeps its linkage and estimate there, keyed by
    content: a test counting computations must not find an earlier test's result)."""
    from django.core.cache import cache

    cache.clear()
    yield
