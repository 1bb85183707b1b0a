"""factory-boy factories: synthetic people only (invented names)."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from parcours.approvals.models import Agrement
from parcours.core.access import Actor
from parcours.core.crypto import blind_index
from parcours.core.models import Departement, Membership, Organisation, OrganisationKind, User
from parcours.core.roles import Role
from parcours.people.models import (
    AdministrativeStatus,
    Consent,
    ConsentPurpose,
    HealthCoverage,
    Housing,
    NationalityGroup,
    Person,
    PersonSearchToken,
    Resources,
    Sex,
)
from parcours.referrals.models import (
    DETECTION_BIRTH_DATE,
    DETECTION_LAST_NAME,
    MINOR_AGE_BANDS,
    AgeBand,
    Detection,
    PlaceType,
    PlatformType,
    ProtectionReport,
    Referral,
    new_detection_pseudonym,
)

PASSWORD = "Mot-de-passe-de-test-2026"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = "99"
    name = "Département de démonstration"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True  # the related agrément needs no second save of the organisation

    departement = factory.SubFactory(DepartementFactory)
    kind = OrganisationKind.ASSOCIATION
    name = factory.Sequence(lambda n: f"Organisation fictive {n}")

    class Params:
        prefecture = factory.Trait(kind=OrganisationKind.PREFECTURE)
        approved = factory.Trait(
            agrement=factory.RelatedFactory(
                "tests.factories.AgrementFactory", factory_related_name="organisation"
            )
        )


class AgrementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agrement

    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"ARR-TEST-{n:04d}")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365 * 2))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = "Agent"
    last_name = factory.Sequence(lambda n: f"Testeur{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@exemple.invalid")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.ASSOCIATION_WORKER


def started_ago(hours: float):
    """A meeting's start `hours` ago, kept on today's local date. Tests submit their requests « today »
    (local date): between midnight and `hours` past midnight, `now - hours` would be yesterday, before the
    submission, and the commission's opinion would precede the request (refused, rightly)."""
    now = timezone.now()
    midnight = timezone.make_aware(
        timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time())
    )
    return max(now - timedelta(hours=hours), midnight + (now - midnight) / 2)


def make_actor(role: str, organisation: Organisation | None = None, **org_kwargs) -> Actor:
    """An actor with a fresh user and membership; an organisation of the matching kind by default."""
    if organisation is None:
        kind = {
            Role.SECRETARIAT: OrganisationKind.PREFECTURE,
            Role.SIGNATORY: OrganisationKind.PREFECTURE,
            Role.ADMIN: OrganisationKind.PREFECTURE,
            Role.IMMIGRATION: OrganisationKind.IMMIGRATION,
            Role.PARTNER_ADVISOR: OrganisationKind.MISSION_LOCALE,
            Role.COMMISSION_MEMBER: OrganisationKind.JUSTICE,
            Role.NATIONAL_ANALYST: OrganisationKind.NATIONAL,
        }.get(role, OrganisationKind.ASSOCIATION)
        organisation = OrganisationFactory(kind=kind, **org_kwargs)
    membership = MembershipFactory(organisation=organisation, role=role)
    return Actor(user=membership.user, membership=membership)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    departement = factory.SelfAttribute("organisation.departement")
    organisation = factory.SubFactory(OrganisationFactory)
    last_name = factory.Sequence(lambda n: f"Zorvalenne{n}")
    first_name = factory.Iterator(["Ilona", "Ornella", "Prisca", "Maïssa"])
    birth_date = date(1995, 3, 14)
    sex = Sex.FEMALE
    nationality = "nigériane"
    nationality_group = NationalityGroup.NON_EU
    phone = "06 00 00 00 00"
    address = "1 rue Imaginaire, 99000 Démoville"
    housing = Housing.EMERGENCY
    resources = Resources.NONE
    health_coverage = HealthCoverage.AME
    administrative_status = AdministrativeStatus.UNDOCUMENTED
    children = 1
    created_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        person = model_class(*args, **kwargs)
        person.refresh_indexes()
        person.save()
        Consent.objects.create(
            person=person,
            purpose=ConsentPurpose.ACCOMPANIMENT,
            given_on=timezone.localdate() - timedelta(days=30),
            recorded_by=person.created_by,
        )
        # Searchable by part of a name, as the service makes every person.
        person.search_tokens.bulk_create(
            [PersonSearchToken(person=person, token=t) for t in sorted(person.search_prefix_tokens())]
        )
        return person

    class Params:
        french = factory.Trait(
            nationality="française",
            nationality_group=NationalityGroup.FRENCH,
            administrative_status=AdministrativeStatus.FRENCH_EU,
        )
        sensitive = factory.Trait(is_sensitive=True)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    purpose = ConsentPurpose.PSP_REQUEST
    given_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=20))
    recorded_by = factory.SelfAttribute("person.created_by")


# --- Diagnostic territorial ----------------------------------------------------------------------------


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "diagnostic.Campaign"

    departement = factory.SubFactory(DepartementFactory)
    code = factory.Sequence(lambda n: f"DIAG-99-T{n:03d}")
    title = factory.Sequence(lambda n: f"Diagnostic territorial d'essai {n}")
    period_start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))
    period_end = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    state = "open"
    opened_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(UserFactory)
    phrase_generated_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(state="draft", opened_at=None)
        without_phrase = factory.Trait(phrase_generated_at=None)
        closed = factory.Trait(state="closed", closed_at=factory.LazyFunction(timezone.now))


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "diagnostic.Participant"

    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Sequence(lambda n: f"Structure fictive {n}")
    email = factory.LazyAttribute(lambda p: f"structure{abs(hash(p.name)) % 10**6}@exemple.invalid")


def fake_key(label: str) -> str:
    """A well-formed linkage key standing for a synthetic person (tests only: no phrase involved)."""
    import hashlib

    return hashlib.sha256(f"personne-fictive:{label}".encode()).hexdigest()


def key_payload(
    labels, *, age_band: str = "25_34", sex: str = "2", online: bool = False, set_aside: int = 0
) -> str:
    """The text a structure's browser posts (keys file v2): `#LK2 lignes_ecartees=N`, the header, then one
    line per row. A label (str) stands for a row with one key; a tuple of labels for a row with several keys
    (two rows sharing a label share that key, as two spellings of one person share some LK2 keys)."""
    lines = [f"#LK2 lignes_ecartees={set_aside}", "cles,tranche_age,mineur,sexe,en_ligne"]
    minor = "oui" if age_band == "lt18" else "non"
    for label in labels:
        keys = " ".join(fake_key(part) for part in ((label,) if isinstance(label, str) else label))
        lines.append(f"{keys},{age_band},{minor},{sex},{'oui' if online else 'non'}")
    return "\n".join(lines) + "\n"


def stored_key(campaign, label: str) -> str:
    """What the database holds for the key `fake_key(label)` of `campaign` (re-keyed by the server)."""
    from parcours.diagnostic import services

    return services.rekey(services.server_key(campaign), fake_key(label))


def give_key_list(participant, labels, **attributes):
    """Store a list of keys for `participant` through the service (as the key-list page does)."""
    from parcours.diagnostic import services

    return services.store_key_list(participant, key_payload(labels, **attributes))


def open_invitation(client, participant) -> str:
    """Issue a link for the structure and open it in `client`, whose session is then bound to the structure
    (as a structure's browser is after following its e-mail). Returns the clear token."""
    from django.urls import reverse

    from parcours.diagnostic import services

    token, _ = services.issue_invitation(participant)
    response = client.get(reverse("diagnostic:invitation", args=[token]))
    assert response.status_code == 303, response.status_code
    return token


def link_in(body: str) -> str:
    """The path of the invitation link an e-mail body carries."""
    import re

    match = re.search(r"https?://[^/\s]+(/diagnostic/invitation/[^/\s]+/)", body)
    assert match, "no invitation link in the e-mail"
    return match.group(1)


# --- Repérage, protection, orientation (issue 12) ---------------------------------------------------------


class DetectionFactory(factory.django.DjangoModelFactory):
    """A pseudonymous detection of a young adult by a Mission Locale (traits: minor, identified)."""

    class Meta:
        model = Detection

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.MISSION_LOCALE)
    departement = factory.SelfAttribute("organisation.departement")
    created_by = factory.SubFactory(UserFactory)
    pseudonym = factory.LazyAttribute(lambda o: new_detection_pseudonym(o.departement.code))
    detected_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    age_band = AgeBand.FROM_18_TO_21
    is_minor = factory.LazyAttribute(lambda o: o.age_band in MINOR_AGE_BANDS)
    sex = Sex.FEMALE
    place_type = PlaceType.HOTEL
    platform_type = PlatformType.SOCIAL_NETWORK

    class Params:
        minor = factory.Trait(age_band=AgeBand.FROM_15_TO_17)
        identified = factory.Trait(
            last_name=factory.Sequence(lambda n: f"Quenderil{n}"),
            first_name="Maëlys",
            birth_date=factory.LazyFunction(
                lambda: timezone.localdate().replace(year=timezone.localdate().year - 19)
            ),
            last_name_bidx=factory.LazyAttribute(
                lambda o: blind_index(o.last_name, label=DETECTION_LAST_NAME)
            ),
            birth_date_bidx=factory.LazyAttribute(
                lambda o: blind_index(o.birth_date, label=DETECTION_BIRTH_DATE)
            ),
        )


class ProtectionReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtectionReport

    detection = factory.SubFactory(DetectionFactory, minor=True)
    kind = ProtectionReport.Kind.INFORMATION_PREOCCUPANTE
    sent_on = factory.LazyAttribute(lambda o: o.detection.detected_on + timedelta(days=1))
    recipient = "CRIP du département"
    reference = factory.Sequence(lambda n: f"IP-2026-{n:04d}")
    created_by = factory.SelfAttribute("detection.created_by")


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    detection = factory.SubFactory(DetectionFactory)
    association = factory.SubFactory(
        OrganisationFactory, departement=factory.SelfAttribute("..detection.departement")
    )
    consent_given_on = factory.SelfAttribute("detection.detected_on")
    referred_on = factory.LazyAttribute(lambda o: o.detection.detected_on + timedelta(days=2))
    created_by = factory.SelfAttribute("detection.created_by")


# --- conventions (conventions and the departmental strategy) ---


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conventions.Convention"

    departement = factory.SubFactory(DepartementFactory)
    title = factory.Sequence(lambda n: f"Convention de partenariat fictive {n}")
    signed_on = factory.LazyFunction(
        lambda: timezone.localdate().replace(month=1, day=1) - timedelta(days=365)
    )
    start = factory.SelfAttribute("signed_on")
    duration_months = 36
    end = factory.LazyAttribute(lambda o: o.start.replace(year=o.start.year + 3) - timedelta(days=1))
    created_by = factory.SubFactory(UserFactory)


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conventions.Party"

    convention = factory.SubFactory(ConventionFactory)
    organisation = factory.SubFactory(
        OrganisationFactory,
        departement=factory.SelfAttribute("..convention.departement"),
        kind=OrganisationKind.MISSION_LOCALE,
    )
    kind = factory.LazyAttribute(lambda o: o.organisation.kind if o.organisation else OrganisationKind.OTHER)
    signatory_name = "Camille Signataire"
    signatory_capacity = "Directrice"


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conventions.Commitment"

    party = factory.SubFactory(PartyFactory)
    convention = factory.SelfAttribute("party.convention")
    text = "Repérer les jeunes exposés et les orienter vers une association agréée."


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conventions.Indicator"

    commitment = factory.SubFactory(CommitmentFactory)
    kind = "measure"
    measure_code = "pathways.authorisations"


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conventions.Strategy"

    departement = factory.SubFactory(DepartementFactory)
    title = "Stratégie départementale fictive"
    first_year = factory.LazyFunction(lambda: timezone.localdate().year - 1)
    last_year = factory.LazyAttribute(lambda o: o.first_year + 2)
    created_by = factory.SubFactory(UserFactory)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conventions.Objective"

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Objectif fictif {n}")
    order = factory.Sequence(lambda n: n + 1)


class PlanObjectiveFactory(factory.django.DjangoModelFactory):
    """An objective of a request's accompaniment plan (synthetic text)."""

    class Meta:
        model = "pathways.PlanObjective"

    request = factory.SubFactory("tests.factories.RequestFactory")
    domain = "health"
    objective = factory.Sequence(lambda n: f"Objectif du plan fictif {n}")


class StrategyActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conventions.StrategyAction"

    objective = factory.SubFactory(ObjectiveFactory)
    title = factory.Sequence(lambda n: f"Action fictive {n}")
    owner = factory.SubFactory(
        OrganisationFactory, departement=factory.SelfAttribute("..objective.strategy.departement")
    )
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))


# --- Annuaire du réseau (issue 12, directory) -------------------------------------------------------------


class DirectoryEntryFactory(factory.django.DjangoModelFactory):
    """A service of the network's directory (fictitious; phone numbers in the unassigned 01 99 00 range)."""

    class Meta:
        model = "directory.Entry"
        skip_postgeneration_save = True

    departement = factory.SubFactory(DepartementFactory)
    category = "crip"
    name = factory.Sequence(lambda n: f"Service fictif {n}")
    contact_function = "Cadre de permanence"
    phone = factory.Sequence(lambda n: f"01 99 00 {n % 100:02d} {(n * 7) % 100:02d}")
    email = factory.Sequence(lambda n: f"service{n}@demo.invalid")
    commune = "Villefictive"
    what_to_send = "Les informations préoccupantes concernant un mineur."
    audience = "minors"
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def index(obj, create, extracted, **kwargs):  # noqa: N805 (factory-boy passes the object)
        """The folded text the search box looks in, as the service writes it."""
        obj.search_text = obj.searchable()
        if create:
            obj.save(update_fields=["search_text"])


# --- Maraudes, prévention, formations, stages (parcours/actions, issue 12) ---------------------------------

from parcours.actions.models import (  # noqa: E402 (kept with its factories, for easy merges)
    ClientCourseSession,
    Establishment,
    EstablishmentKind,
    OutreachKind,
    OutreachRound,
    PreventionAction,
    Training,
)


class OutreachRoundFactory(factory.django.DjangoModelFactory):
    """A street round by an association (trait: online)."""

    class Meta:
        model = OutreachRound

    organisation = factory.SubFactory(OrganisationFactory)
    departement = factory.SelfAttribute("organisation.departement")
    created_by = factory.SubFactory(UserFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    kind = OutreachKind.STREET
    duration_minutes = 180
    area = "Quartier de la gare"
    contacts = 12
    people_met = 8
    minors_met = 1
    needs = ["health", "rights"]
    referrals_made = 2

    class Params:
        online = factory.Trait(
            kind=OutreachKind.ONLINE,
            area="",
            platform_type=PlatformType.AD_SITE,
            ads_seen=40,
            reports_pharos=2,
        )


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    departement = factory.SubFactory(DepartementFactory)
    kind = EstablishmentKind.COLLEGE
    name = factory.Sequence(lambda n: f"Collège fictif n° {n}")
    commune = "Démoville"


class PreventionActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PreventionAction

    organisation = factory.SubFactory(OrganisationFactory)
    departement = factory.SelfAttribute("organisation.departement")
    created_by = factory.SubFactory(UserFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    audience = ["pupils"]
    people_reached = 60
    theme = "Relations affectives, consentement et risques en ligne"


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    organisation = factory.SubFactory(OrganisationFactory)
    departement = factory.SelfAttribute("organisation.departement")
    created_by = factory.SubFactory(UserFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    title = "Repérer la prostitution des mineurs"
    police = 4
    education = 6
    social_work = 5
    total_attendees = 15
    hours = 6


class ClientCourseSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientCourseSession

    organisation = factory.SubFactory(OrganisationFactory)
    departement = factory.SelfAttribute("organisation.departement")
    created_by = factory.SubFactory(UserFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    ordered_alternative = 6
    ordered_composition = 2
    ordered_sentence = 1
    completed_alternative = 5
    completed_composition = 2
    completed_sentence = 1


# --- Pathways as rows (the statistics' tests): the services' walk is in tests/conftest.drive_to_decision ---


class PathwayFactory(factory.django.DjangoModelFactory):
    """A pathway row, for tests that need many pathways at chosen dates (indicators); tests of the workflow
    go through the services."""

    class Meta:
        model = "pathways.Pathway"

    person = factory.SubFactory(PersonFactory)
    departement = factory.SelfAttribute("person.departement")
    association = factory.SelfAttribute("person.organisation")
    state = "active"
    created_by = factory.SelfAttribute("person.created_by")

    class Params:
        ended = factory.Trait(state="ended", end_reason="completed", ended_on=date(2025, 6, 30))


class RequestFactory(factory.django.DjangoModelFactory):
    """A request row; `decided` gives it an opinion and the prefect's decision on `decision_date`."""

    class Meta:
        model = "pathways.Request"

    pathway = factory.SubFactory(PathwayFactory)
    departement = factory.SelfAttribute("pathway.departement")
    kind = "initial"
    state = "submitted"
    submitted_on = date(2025, 3, 1)

    class Params:
        decided = factory.Trait(
            state="authorised",
            opinion="favourable",
            opinion_date=factory.SelfAttribute("decision_date"),
            decision="authorised",
            decision_date=factory.LazyAttribute(lambda r: r.submitted_on + timedelta(days=30)),
        )
        refused = factory.Trait(decided=True, state="refused", opinion="unfavourable", decision="refused")


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.Period"

    request = factory.SubFactory(RequestFactory, decided=True)
    pathway = factory.SelfAttribute("request.pathway")
    number = 1
    start = date(2025, 1, 1)
    end = factory.LazyAttribute(lambda p: p.start + timedelta(days=182))
