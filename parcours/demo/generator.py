"""A synthetic demo département ("99 — Département de démonstration"), built through the real services.

Every person is invented. The workflow runs over about three years so that every state appears:
drafts, incomplete, submitted, ready, postponed, reviewed, authorised with renewals, refused, ended.
"""

from __future__ import annotations

import random
from collections import Counter
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from importlib import import_module

from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from parcours.appeals import services as appeals_services
from parcours.appeals.models import Procedure, ProcedureKind, ProcedureState
from parcours.approvals.models import Agrement
from parcours.commission import services as commission_services
from parcours.core.access import Actor
from parcours.core.models import Departement, Membership, Organisation, OrganisationKind, User
from parcours.core.roles import Role
from parcours.demo import (
    actions_demo,
    appeals_demo,
    approvals_demo,
    commission_demo,
    conventions_demo,
    coordination_demo,
    diagnostic_demo,
    directory_demo,
    housing_demo,
    referrals_demo,
)
from parcours.demo.files import blank_pdf
from parcours.demo.identity import identity_pdf
from parcours.national import services as national_services
from parcours.pathways import services as psp
from parcours.pathways.models import (
    Afis,
    DocumentKind,
    EndReason,
    Notice,
    Opinion,
    Outcome,
    Pathway,
    PathwayEvent,
    PlanObjective,
    Request,
    RightKind,
)
from parcours.people import services as people
from parcours.people.models import (
    AdministrativeStatus,
    ConsentPurpose,
    HealthCoverage,
    Housing,
    NationalityGroup,
    Person,
    Resources,
    Sex,
)

DEMO_PASSWORD = "Demo-Parcours-2026!"  # noqa: S105 - demo accounts only, printed at start
DEMO_CODE = "99"

# Invented names (synthetic people only).
FIRST_NAMES = [
    "Ilona",
    "Maïssa",
    "Ornella",
    "Zaïna",
    "Célestine",
    "Amandine",
    "Prisca",
    "Loveth",
    "Esther",
    "Nadège",
    "Ioana",
    "Florica",
    "Joy",
    "Blessing",
    "Kenza",
    "Sabrina",
    "Tiphaine",
    "Rachida",
    "Mirela",
    "Yasmina",
    "Léna",
    "Noémie",
    "Adaeze",
    "Ewa",
    "Sandro",
    "Kévin",
]
LAST_NAMES = [
    "Arvelin",
    "Bosquet-Lamiral",
    "Corvanne",
    "Dunestre",
    "Estrabou",
    "Fontarel",
    "Guivrac",
    "Halbranne",
    "Iserte",
    "Jourdanel",
    "Kervolan",
    "Lemarquis-Ody",
    "Morvelle",
    "Nantelle",
    "Orsival",
    "Pradinel",
    "Quercelle",
    "Rousteau",
    "Saint-Arvel",
    "Trémoual",
    "Ulvenne",
    "Varossel",
    "Wintrebert",
    "Yzernay",
    "Zabrelle",
    "D'Ormessac",
]
NATIONALITIES = [
    ("française", NationalityGroup.FRENCH),
    ("roumaine", NationalityGroup.EU),
    ("bulgare", NationalityGroup.EU),
    ("nigériane", NationalityGroup.NON_EU),
    ("chinoise", NationalityGroup.NON_EU),
    ("camerounaise", NationalityGroup.NON_EU),
    ("brésilienne", NationalityGroup.NON_EU),
    ("ivoirienne", NationalityGroup.NON_EU),
]

ORGANISATIONS = [
    ("Préfecture de démonstration — DDFE", OrganisationKind.PREFECTURE),
    ("Préfecture de démonstration — Cabinet du préfet", OrganisationKind.PREFECTURE),
    ("Préfecture de démonstration — Service des étrangers", OrganisationKind.IMMIGRATION),
    ("Association L'Escale", OrganisationKind.ASSOCIATION),
    ("Association Horizons Solidaires", OrganisationKind.ASSOCIATION),
    ("Association Nouvelle Rive (agrément expiré)", OrganisationKind.ASSOCIATION),
    ("Mission locale du Val de Démo", OrganisationKind.MISSION_LOCALE),
    ("Aide sociale à l'enfance — Conseil départemental", OrganisationKind.CHILD_WELFARE),
    ("Direction départementale de la police nationale", OrganisationKind.POLICE),
    ("Groupement de gendarmerie départementale", OrganisationKind.GENDARMERIE),
    ("Tribunal judiciaire de Démoville", OrganisationKind.JUSTICE),
    ("Centre hospitalier de Démoville — PASS", OrganisationKind.HEALTH),
    ("Service des droits des femmes et de l'égalité (SDFE)", OrganisationKind.NATIONAL),
]

# (username, first name, last name, organisation index, role)
ACCOUNTS = [
    ("ddfe", "Claire", "Secrétariat", 0, Role.SECRETARIAT),
    ("prefet", "Paul", "Signataire", 1, Role.SIGNATORY),
    ("etrangers", "Sonia", "Étrangers", 2, Role.IMMIGRATION),
    ("escale", "Inès", "Intervenante", 3, Role.ASSOCIATION_WORKER),
    ("escale.resp", "Marc", "Responsable", 3, Role.ASSOCIATION_MANAGER),
    ("horizons", "Lucie", "Travailleuse-Sociale", 4, Role.ASSOCIATION_WORKER),
    ("mission.locale", "Hugo", "Conseiller", 6, Role.PARTNER_ADVISOR),
    ("membre", "Anne", "Membre", 10, Role.COMMISSION_MEMBER),
    ("membre.police", "Victor", "Commissaire", 8, Role.COMMISSION_MEMBER),
    ("membre.sante", "Nadia", "Médecin", 11, Role.COMMISSION_MEMBER),
    ("membre.ase", "Élise", "Enfance", 7, Role.COMMISSION_MEMBER),
    ("analyste", "Yann", "Analyste", 12, Role.NATIONAL_ANALYST),
    ("admin", "Alex", "Administrateur", 0, Role.ADMIN),
]


class ModelsAt0008:
    """The models as migration commission/0008 saw them, on today's schema: a decision had no pathway yet
    (migration 0009 fills it from the decision's request), so each decision 0008 creates gets its request's
    pathway. Lets the demo (and its test) run that migration's function on a database already at its end."""

    class _Decisions:
        def __init__(self, model):
            self.model = model

        def create(self, **fields):
            return self.model.objects.create(pathway=fields["request"].pathway, **fields)

    def get_model(self, app_label, model_name):
        model = django_apps.get_model(app_label, model_name)
        if model_name == "PrefectDecision":
            return type("PrefectDecisionAt0008", (), {"objects": self._Decisions(model)})
        return model


_LAST_MOMENT: dict[date, datetime] = {}  # the moment given to each simulated day's last block (per build)


@contextmanager
def dated(day: date):
    """Give the timeline events written inside the block the simulated date instead of now.

    The rows written inside are those past the last primary key before it: a clock window ("written in the
    last second") also caught rows of the previous blocks, more or fewer depending on the machine's load,
    so that two builds of the demo differed."""
    models = (PathwayEvent, Request, Pathway, Notice)
    last = {model: model.objects.aggregate(last=Max("pk"))["last"] or 0 for model in models}
    yield
    moment = timezone.make_aware(datetime.combine(day, time(10, random.randint(0, 59))))  # noqa: DTZ001
    # Two blocks of the same day keep their order on the timeline (the page orders events by date).
    previous = _LAST_MOMENT.get(day)
    if previous is not None and moment <= previous:
        moment = previous + timedelta(minutes=1)
    _LAST_MOMENT[day] = moment
    PathwayEvent.objects.filter(pk__gt=last[PathwayEvent]).update(at=moment)
    Request.objects.filter(pk__gt=last[Request]).update(created_at=moment)
    Pathway.objects.filter(pk__gt=last[Pathway]).update(created_at=moment)
    Notice.objects.filter(pk__gt=last[Notice]).update(created_at=moment)


class DemoBuilder:
    def __init__(self, today: date, seed: int = 2016):
        self.today = today
        self.rng = random.Random(seed)
        random.seed(seed)
        _LAST_MOMENT.clear()
        self.n = 0
        # The prefect's acts signed outside Parcours, numbered in each year (PSP-99-2026-001, -002...).
        self.acts_in_year: Counter = Counter()
        self.identity_pdfs: dict[int, bytes] = {}

    def build(self) -> Departement:
        departement = Departement.objects.create(code=DEMO_CODE, name="Département de démonstration")
        orgs = [
            Organisation.objects.create(
                departement=departement, name=n, kind=k, email=f"contact{i}@demo.invalid"
            )
            for i, (n, k) in enumerate(ORGANISATIONS)
        ]
        self.orgs = orgs
        self.actors: dict[str, Actor] = {}
        for username, first, last, org_index, role in ACCOUNTS:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.invalid",
            )
            membership = Membership.objects.create(user=user, organisation=orgs[org_index], role=role)
            self.actors[username] = Actor(user, membership)
        # A DDFE who is also the administrator acts for either role: shows the membership picker.
        Membership.objects.create(
            user=self.actors["escale.resp"].user, organisation=orgs[4], role=Role.ASSOCIATION_MANAGER
        )
        start = self.today - timedelta(days=3 * 365)
        Agrement.objects.create(
            organisation=orgs[3],
            reference="ARR-99-2021-014",
            valid_from=start - timedelta(days=200),
            valid_until=self.today + timedelta(days=400),
        )
        Agrement.objects.create(
            organisation=orgs[4],
            reference="ARR-99-2022-031",
            valid_from=start,
            valid_until=self.today + timedelta(days=700),
        )
        Agrement.objects.create(
            organisation=orgs[5],
            reference="ARR-99-2020-002",
            valid_from=start - timedelta(days=900),
            valid_until=self.today - timedelta(days=30),
        )
        self.secretariat, self.prefect = self.actors["ddfe"], self.actors["prefet"]
        self.build_pathways(start)
        self.settle_notices()
        self.paperwork()
        # The decisions recorded by hand above (paper acts, « PSP-99-… ») enter the register of decisions
        # exactly as migration commission/0006 put those of a real département (ADR 0014).
        import_module(
            "parcours.commission.migrations.0008_hand_recorded_decisions_into_register"
        ).into_register(ModelsAt0008(), None)
        approvals_demo.build(self)
        commission_demo.build(self)
        appeals_demo.build(self)
        diagnostic_demo.build(self)
        referrals_demo.build(self)
        conventions_demo.build(self)
        directory_demo.build(self)
        coordination_demo.build(self)
        actions_demo.build(self)
        housing_demo.build(self)
        national_services.publish_past_years(departement=departement, since=start.year, today=self.today)
        return departement

    # --- people and pathways ---

    def new_person(self, actor: Actor, day: date, *, minor_free=True, sensitive=False) -> Person:
        self.n += 1
        nationality, group = self.rng.choice(NATIONALITIES)
        birth = date(self.rng.randint(1975, 2004), self.rng.randint(1, 12), self.rng.randint(1, 28))
        person = Person(
            last_name=LAST_NAMES[self.n % len(LAST_NAMES)],
            first_name=FIRST_NAMES[(self.n * 7) % len(FIRST_NAMES)],
            birth_date=birth,
            sex=Sex.MALE if self.n % 13 == 0 else Sex.FEMALE,
            nationality=nationality,
            nationality_group=group,
            languages="français" if group == NationalityGroup.FRENCH else f"{nationality[:-1]}, anglais",
            phone=f"06 00 00 {self.n:02d} {self.n * 3 % 100:02d}",
            housing=self.rng.choice(Housing.values),
            resources=self.rng.choice(Resources.values),
            health_coverage=self.rng.choice(HealthCoverage.values),
            administrative_status=(
                AdministrativeStatus.FRENCH_EU
                if group in (NationalityGroup.FRENCH, NationalityGroup.EU)
                else self.rng.choice([AdministrativeStatus.UNDOCUMENTED, AdministrativeStatus.ASYLUM])
            ),
            children=self.rng.choice([0, 0, 0, 1, 1, 2]),
            is_sensitive=sensitive,
        )
        people.create_person(actor=actor, person=person, accompaniment_consent_on=day)
        Person.objects.filter(pk=person.pk).update(
            created_at=timezone.make_aware(datetime.combine(day, time(9)))
        )  # noqa: DTZ001
        for k in range(self.rng.randint(1, 4)):
            people.add_note(
                actor=actor,
                person=person,
                day=min(day + timedelta(days=14 * k), self.today),
                kind="interview",
                text="Entretien de suivi : point sur l'hébergement et les démarches.",
            )
        if self.n % 5 == 0:
            people.add_alias(actor=actor, person=person, kind="usual", name=f"Nina {self.n}")
        return person

    def prepare_request(self, actor: Actor, pathway, day: date, *, complete=True):
        request = pathway.requests.open().first()
        rights = [RightKind.AFIS, RightKind.HOUSING, RightKind.HEALTH, RightKind.TRAINING]
        if pathway.person.is_foreign_national:
            rights.append(RightKind.RESIDENCE_PERMIT)
        request.rights_requested = rights
        request.association_opinion = (
            "Engagement constant depuis l'accueil ; projet réaliste et soutenu par l'équipe."
        )
        request.actions_carried_out = (
            "Hébergement stabilisé, suivi médical engagé, cours de français suivis."
            if request.kind == "renewal"
            else ""
        )
        request.person_commitment, request.commitment_date = True, day
        request.prostitution_stopped = True
        request.save()
        if not request.objectives.exists():
            for domain, text in [
                (PlanObjective.Domain.HOUSING, "Accéder à un hébergement stable"),
                (PlanObjective.Domain.HEALTH, "Ouvrir les droits à l'assurance maladie"),
                (PlanObjective.Domain.TRAINING, "Suivre une formation linguistique"),
            ]:
                PlanObjective.objects.create(
                    request=request,
                    domain=domain,
                    objective=text,
                    actions="Orientation vers le partenaire compétent",
                    target_date=day + timedelta(days=150),
                )
        kinds = (
            psp.REQUIRED_DOCUMENTS_INITIAL if request.kind == "initial" else psp.REQUIRED_DOCUMENTS_RENEWAL
        )
        if not complete:
            kinds = kinds[:2]
        for kind in kinds:
            content = blank_pdf()
            if kind == DocumentKind.IDENTITY:  # a real PDF bearing the person's name (stored encrypted)
                person = request.pathway.person
                if person.pk not in self.identity_pdfs:
                    self.identity_pdfs[person.pk] = identity_pdf(person)
                content = self.identity_pdfs[person.pk]
            psp.add_document(
                actor=actor,
                request=request,
                kind=kind,
                uploaded=SimpleUploadedFile("piece.pdf", content, content_type="application/pdf"),
            )
        return request

    def run_request(
        self,
        actor: Actor,
        pathway,
        day: date,
        *,
        until: str,
        opinion=Opinion.FAVOURABLE,
        decision="authorised",
        incomplete_first=False,
    ):
        """Drive the current request from draft to `until`.

        `until`: submitted, incomplete, ready, postponed, reviewed or decided.
        """
        request = self.prepare_request(actor, pathway, day)
        if not people.has_active_consent(pathway.person, ConsentPurpose.PSP_REQUEST):
            people.record_consent(
                actor=actor, person=pathway.person, purpose=ConsentPurpose.PSP_REQUEST, given_on=day
            )
        with dated(day):
            psp.submit_request(actor=actor, request=request, today=day)
        if until == "submitted":
            return request
        day += timedelta(days=7)
        if incomplete_first or until == "incomplete":
            with dated(day):
                psp.return_incomplete(
                    actor=self.secretariat,
                    request=request,
                    missing=["Justificatif de domicile ou de domiciliation"],
                    comment="Merci de compléter.",
                )
            if until == "incomplete":
                return request
            day += timedelta(days=10)
            with dated(day):
                psp.submit_request(actor=actor, request=request, today=day)
            day += timedelta(days=5)
        with dated(day):
            psp.mark_ready(actor=self.secretariat, request=request)
        if until == "ready":
            return request
        day = min(day + timedelta(days=21), self.today)
        if until == "postponed":
            with dated(day):
                psp.record_opinion(
                    actor=self.secretariat,
                    request=request,
                    opinion=Opinion.POSTPONED,
                    day=day,
                    motive="Compléments attendus sur le projet d'hébergement.",
                )
            return request
        with dated(day):
            psp.record_opinion(
                actor=self.secretariat,
                request=request,
                opinion=opinion,
                day=day,
                motive="Projet cohérent, engagement constaté."
                if opinion == Opinion.FAVOURABLE
                else "Engagement insuffisamment établi à ce stade.",
            )
        if until == "reviewed":
            return request
        day = min(day + timedelta(days=self.rng.randint(20, 90)), self.today)
        reference = ""
        if until != "decided_no_ref":
            self.acts_in_year[day.year] += 1
            reference = f"PSP-99-{day.year}-{self.acts_in_year[day.year]:03d}"
        with dated(day):
            psp.record_decision(
                actor=self.prefect, request=request, decision=decision, day=day, reference=reference
            )
        return request

    def build_pathways(self, start: date):
        escale, horizons = self.actors["escale"], self.actors["horizons"]
        rng = self.rng
        # Persons only accompanied (no PSP), one sensitive, one shared with the Mission locale.
        accompanied = []
        for k in range(6):
            actor = escale if k % 2 else horizons
            person = self.new_person(
                actor, self.today - timedelta(days=rng.randint(10, 600)), sensitive=(k == 0)
            )
            accompanied.append(person)
            if k == 1:
                people.record_consent(
                    actor=actor,
                    person=person,
                    purpose=ConsentPurpose.SHARING,
                    partner=self.orgs[6],
                    given_on=self.today - timedelta(days=5),
                )
                people.share_with_partner(
                    actor=actor,
                    person=person,
                    partner=self.orgs[6],
                    reason="Orientation vers une formation qualifiante",
                )
        self.probable_duplicate(escale, accompanied[2])
        scenarios = (
            ["draft"] * 2
            + ["submitted"] * 2
            + ["incomplete"] * 2
            + ["ready"] * 2
            + ["postponed"]
            + ["reviewed"] * 2
            + ["decided_no_ref"]
            + ["refused"] * 2
            + ["active1"] * 4
            + ["active_ending"] * 3
            + ["active2"] * 2
            + ["renewing"] * 2
            + ["capped"]
            + ["completed"] * 4
            + ["withdrawn", "contact_lost", "ended_by_prefect", "withdrawn_before"]
        )
        for index, scenario in enumerate(scenarios):
            actor = escale if index % 3 else horizons
            self.play(actor, scenario, start)

    def probable_duplicate(self, actor: Actor, original: Person) -> Person:
        """A second record of a person another association already follows (same birth name and birth date),
        as recorded before the duplicate check: the list of probable duplicates shows the pair."""
        twin = Person(
            last_name=original.last_name,
            first_name=original.first_name,
            birth_date=original.birth_date,
            sex=original.sex,
            nationality=original.nationality,
            nationality_group=original.nationality_group,
            housing=original.housing,
            resources=original.resources,
            health_coverage=original.health_coverage,
            administrative_status=original.administrative_status,
        )
        return people.create_person(
            actor=actor, person=twin, accompaniment_consent_on=self.today - timedelta(days=40)
        )

    def play(self, actor: Actor, scenario: str, start: date):
        rng, today = self.rng, self.today
        recent = today - timedelta(days=rng.randint(20, 60))
        if scenario in {
            "draft",
            "submitted",
            "incomplete",
            "ready",
            "postponed",
            "reviewed",
            "decided_no_ref",
            "withdrawn_before",
        }:
            day = recent - timedelta(days=60)
        elif scenario == "active_ending":
            day = today - timedelta(days=6 * 30 + rng.randint(-40, -10) + 80)
        elif scenario in ("active1",):
            day = today - timedelta(days=rng.randint(100, 150))
        elif scenario in ("active2", "renewing"):
            day = today - timedelta(days=rng.randint(300, 360))
        elif scenario == "capped":
            day = today - timedelta(days=800)
        else:
            day = start + timedelta(days=rng.randint(0, 300))
        person = self.new_person(
            actor, day - timedelta(days=30), sensitive=(scenario == "renewing" and self.n % 2 == 0)
        )
        with dated(day):
            pathway = psp.start_pathway(actor=actor, person=person)
        if scenario == "draft":
            self.prepare_request(actor, pathway, day, complete=False)
            return
        if scenario == "withdrawn_before":
            self.run_request(actor, pathway, day, until="submitted")
            with dated(day + timedelta(days=20)):
                psp.end_pathway(
                    actor=self.secretariat,
                    pathway=pathway,
                    reason=EndReason.WITHDRAWN,
                    day=day + timedelta(days=20),
                    motive="La personne a quitté le département.",
                )
            return
        if scenario in {"submitted", "incomplete", "ready", "postponed", "reviewed", "decided_no_ref"}:
            self.run_request(actor, pathway, day, until=scenario, incomplete_first=(scenario == "ready"))
            return
        if scenario == "refused":
            self.run_request(
                actor, pathway, day, until="decided", opinion=Opinion.UNFAVOURABLE, decision="refused"
            )
            return
        request = self.run_request(actor, pathway, day, until="decided", incomplete_first=rng.random() < 0.3)
        self.grant_rights(pathway, request.decision_date)
        renewals = {
            "active1": 0,
            "active_ending": 0,
            "active2": 1,
            "renewing": 1,
            "capped": 3,
            "completed": rng.randint(1, 3),
            "withdrawn": 1,
            "contact_lost": 0,
            "ended_by_prefect": 1,
        }[scenario]
        for _ in range(renewals):
            last = pathway.periods.order_by("-number").first()
            renew_day = last.end - timedelta(days=45)
            if renew_day > today - timedelta(days=130):
                break
            with dated(renew_day):
                psp.start_renewal(actor=actor, pathway=pathway)
            self.run_request(actor, pathway, renew_day, until="decided")
        if scenario == "renewing":
            last = pathway.periods.order_by("-number").first()
            with dated(today - timedelta(days=3)):
                psp.start_renewal(actor=actor, pathway=pathway)
            self.run_request(actor, pathway, min(today - timedelta(days=3), last.end), until="submitted")
        ends = {
            "completed": EndReason.COMPLETED,
            "withdrawn": EndReason.WITHDRAWN,
            "contact_lost": EndReason.CONTACT_LOST,
            "ended_by_prefect": EndReason.ENDED_BY_PREFECT,
        }
        if scenario in ends:
            last = pathway.periods.order_by("-number").first()
            end_day = min(last.end, today - timedelta(days=5))
            if scenario != "completed":
                end_day = min(end_day, last.start + timedelta(days=rng.randint(30, 150)))
            if scenario == "ended_by_prefect":
                # An end decided by the prefect is an unfavourable decision: the procedure in which the person
                # is heard first (notice handed over by the association, time for observations, the
                # commission's opinion where the setting asks for it: appeals.services), then the decision
                # of the register, drafted, signed, its act and letters produced (commission.services).
                motive = (
                    "Les engagements du parcours ne sont plus tenus depuis plusieurs mois, "
                    "malgré les relances de l'association."
                )
                notice_day = end_day - timedelta(days=40)
                with dated(notice_day):
                    procedure = appeals_services.start_procedure(
                        actor=self.secretariat, kind=ProcedureKind.END, grounds=motive, pathway=pathway
                    )
                    # Started on the simulated day, as `dated` does for the pathway's rows.
                    Procedure.objects.filter(pk=procedure.pk).update(
                        created_at=timezone.make_aware(
                            datetime.combine(notice_day - timedelta(days=3), time(10))
                        )
                    )
                    procedure.refresh_from_db()
                    procedure = appeals_services.record_notice_handover(
                        actor=actor,
                        procedure=procedure,
                        day=notice_day,
                        acknowledgement=Procedure.Acknowledgement.SIGNED_RECEIPT,
                    )
                with dated(procedure.observations_until + timedelta(days=1)):
                    procedure = appeals_services.record_observations(
                        actor=self.secretariat, procedure=procedure, day=None, text=""
                    )
                    if procedure.state == ProcedureState.OPINION:
                        procedure = appeals_services.record_procedure_opinion(
                            actor=self.secretariat,
                            procedure=procedure,
                            opinion=Procedure.Opinion.FAVOURABLE,
                            day=timezone.localdate(),
                        )
                with dated(end_day - timedelta(days=7)):
                    procedure = appeals_services.decide_procedure(
                        actor=self.secretariat, procedure=procedure, day=timezone.localdate(), motive=motive
                    )
                with dated(end_day):
                    commission_services.sign_decision(
                        actor=self.prefect, decision=procedure.end_decision, day=end_day
                    )
                return
            with dated(end_day):
                psp.end_pathway(
                    actor=self.secretariat,
                    pathway=pathway,
                    reason=ends[scenario],
                    day=end_day,
                    outcome=rng.choice(Outcome.values) if scenario == "completed" else "",
                    motive="Fin enregistrée après échange avec l'association.",
                )

    def grant_rights(self, pathway, decision_day: date):
        afis = Afis.objects.filter(pathway=pathway).first()
        person = pathway.person
        if afis and (decision_day.year - person.birth_date.year) > 18:
            with dated(decision_day):
                psp.grant_afis(
                    actor=self.secretariat,
                    afis=afis,
                    granted_on=decision_day,
                    start=decision_day,
                    paying_body="MSA — caisse de démonstration",
                    dependent_children=person.children,
                )
        permit = getattr(pathway, "residence_permit", None) if hasattr(pathway, "residence_permit") else None
        if permit is not None:
            permit.status = permit.Status.ISSUED
            permit.issued_on = decision_day + timedelta(days=20)
            permit.expires_on = permit.issued_on + timedelta(days=182 if self.rng.random() < 0.6 else 150)
            permit.reference = f"APS-{self.n:05d}"
            permit.save()

    def settle_notices(self):
        """The payer answered the notices of more than a month ago (sent two days after, acknowledged a week
        later, taken into account ten days after that); the recent ones still wait on the board."""
        for notice in Notice.objects.filter(departement__code=DEMO_CODE).order_by("number"):
            made = timezone.localtime(notice.created_at).date()
            if made > self.today - timedelta(days=30):
                continue
            steps = [("sent", made + timedelta(days=2)), ("acknowledged", made + timedelta(days=9))]
            if notice.addressee == Notice.Addressee.AFIS_PAYER:
                steps.append(("payment", made + timedelta(days=19)))
            for step, day in steps:
                with dated(day):
                    psp.record_notice_step(actor=self.secretariat, notice=notice, step=step, day=day)

    def paperwork(self):
        """Two people whose passport is held by their exploiters: one with a police receipt, one with nothing
        yet — their requests are not held up by the missing copy."""
        from parcours.people.services import record_identity_document

        people = Person.objects.filter(departement__code=DEMO_CODE, nationality_group="non_eu").order_by("pk")
        workers = {a.organisation.pk: a for a in self.actors.values() if a.is_association}
        people = [p for p in people if p.organisation_id in workers][:2]
        for person, substitute in zip(people, ["police_receipt", ""], strict=False):
            record_identity_document(
                actor=workers[person.organisation_id],
                person=person,
                kind="passport",
                available=False,
                unavailable_motive="held",
                substitute=substitute,
                details="Passeport retenu par le réseau (situation fictive).",
            )


@transaction.atomic
def build_demo(today: date | None = None) -> Departement | None:
    """Build the demo département once; returns None if it already exists."""
    if Departement.objects.filter(code=DEMO_CODE).exists():
        return None
    return DemoBuilder(today or timezone.localdate()).build()


__all__ = ["build_demo", "DEMO_PASSWORD", "ACCOUNTS", "Decimal"]
