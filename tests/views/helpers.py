"""Helpers shared by the view tests and the authorisation matrix (owned by the view-test suite)."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property

from django.apps import apps
from django.utils import timezone

from parcours.core.models import AuditEvent
from parcours.core.roles import Role
from parcours.core.services import raise_alert
from parcours.pathways import services as psp
from parcours.pathways.models import Afis
from parcours.people import services as people_services
from parcours.people.models import ConsentPurpose
from tests.conftest import complete_request, drive_to_decision
from tests.factories import ConsentFactory, PersonFactory

S, AW, CM, PA = Role.SECRETARIAT, Role.ASSOCIATION_WORKER, Role.COMMISSION_MEMBER, Role.PARTNER_ADVISOR

# Apps whose rows a failed request must leave untouched. Audit events are excluded on purpose: reading a
# page (even one that shows a form error) is itself audited.
DOMAIN_APPS = (
    "core",
    "people",
    "pathways",
    "approvals",
    "commission",
    "actions",
    "referrals",
    "conventions",
    "directory",
    "documents",
    "outbox",
    "diagnostic",
    "national",
)


def db_snapshot() -> dict[str, list[dict]]:
    """Every row of every domain model (audit excluded), to prove that a refused request changed nothing."""
    snapshot = {}
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            if model is AuditEvent:
                continue
            snapshot[model._meta.label] = list(model.objects.order_by("pk").values())
    return snapshot


def assert_unchanged(before: dict[str, list[dict]]) -> None:
    after = db_snapshot()
    changed = [label for label in before if before[label] != after[label]]
    assert not changed, f"La base a changé alors que la requête devait être refusée : {changed}"


def page_text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def fast_static(settings) -> None:
    """WhiteNoise scans every static file (the whole DSFR) each time a test Client builds its middleware;
    autorefresh makes it look files up lazily instead. Static serving is not what these tests are about."""
    settings.WHITENOISE_AUTOREFRESH = True


class World:
    """The objects a row needs, built on first use: in-scope objects of département 99 and L'Escale."""

    def __init__(self, departement, association, other_association, actors):
        self.departement, self.association, self.other_association = (
            departement,
            association,
            other_association,
        )
        self.actors = actors
        self.today = timezone.localdate()

    @property
    def worker(self):
        return self.actors[AW]

    def _person(self, **kwargs):
        return PersonFactory(organisation=self.association, created_by=self.worker.user, **kwargs)

    @cached_property
    def person(self):
        """A person of L'Escale, shared (with consent) with the partner advisor's organisation."""
        person = self._person()
        partner = self.actors[PA].organisation
        people_services.record_consent(
            actor=self.worker,
            person=person,
            purpose=ConsentPurpose.SHARING,
            given_on=self.today,
            partner=partner,
        )
        people_services.share_with_partner(
            actor=self.worker, person=person, partner=partner, reason="Orientation"
        )
        return person

    @cached_property
    def share(self):
        return self.person.shares.get()

    @cached_property
    def consent_to_withdraw(self):
        return ConsentFactory(person=self.person, purpose=ConsentPurpose.PSP_REQUEST)

    @cached_property
    def cm_partner(self):
        """A second partner the person agreed to share with, not shared yet."""
        partner = self.actors[CM].organisation
        people_services.record_consent(
            actor=self.worker,
            person=self.person,
            purpose=ConsentPurpose.SHARING,
            given_on=self.today,
            partner=partner,
        )
        return partner

    @cached_property
    def draft_pathway(self):
        """A request in preparation, complete (objective, documents, consent), not sent yet."""
        pathway = psp.start_pathway(actor=self.worker, person=self._person())
        complete_request(self.worker, pathway)
        return pathway

    @property
    def draft_request(self):
        return self.draft_pathway.requests.open().get()

    @cached_property
    def submitted_pathway(self):
        pathway = self.draft_pathway
        psp.submit_request(actor=self.worker, request=self.draft_request)
        return pathway

    @cached_property
    def ready_pathway(self):
        pathway = self.submitted_pathway
        psp.mark_ready(actor=self.actors[S], request=pathway.requests.open().get())
        return pathway

    @cached_property
    def reviewed_pathway(self):
        pathway = self.ready_pathway
        psp.record_opinion(
            actor=self.actors[S],
            request=pathway.requests.open().get(),
            opinion="favourable",
            day=self.today,
            motive="Projet cohérent",
        )
        return pathway

    @cached_property
    def active_pathway(self):
        """Authorised 10 days ago: one period, supporting documents, AFIS and residence permit requested."""
        pathway = psp.start_pathway(actor=self.worker, person=self._person())
        drive_to_decision(self.actors, pathway, day=self.today - timedelta(days=10))
        pathway.refresh_from_db()
        return pathway

    @property
    def active_request(self):
        return self.active_pathway.requests.get()

    @property
    def active_document(self):
        return self.active_request.documents.first()

    @cached_property
    def granted_afis(self):
        afis = Afis.objects.get(pathway=self.active_pathway)
        return psp.grant_afis(
            actor=self.actors[S],
            afis=afis,
            granted_on=self.today,
            start=self.today,
            paying_body="MSA",
            dependent_children=1,
        )

    @cached_property
    def alert(self):
        return raise_alert(departement=self.departement, kind="sensitive_access", message="Alerte de test")
