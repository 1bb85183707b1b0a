"""A synthetic country: every French département, about 10,000 invented people and ten years of pathways,
commission meetings, network activity and audit events, written in bulk (`manage.py build_synthetic_country`).

The demo département (generator.py) goes through the services, one act at a time: right for one département,
far too slow for a country. Here each row is built in memory by a simulation that keeps the law's rules
(`parcours.pathways.rules`: periods of 6 months opened by `next_period`, at most 24 months, AFIS on the dated
scale, no AFIS before the age of majority) and written with `bulk_create` in dependency order. The real
field classes still encrypt the identity and every free text (`parcours.core.crypto`), and the blind indexes
and name-prefix tokens are those the services compute, so search works on the synthetic country.

Calibrated on the national figures known for 2024 (903 pathways under way at the end of 2024 in 67
départements; 469 first requests in 2024, 18 % refused): first requests grow from the decree's first year
(2017) to 2024, and scale with `--people`; two départements in three have pathways, a few large, many small.
Same seed, same day: same country (the ciphertexts differ, Fernet tokens being random).

Not written, by choice: the signed acts and letters (PDF documents: a few per decision through WeasyPrint
would take hours), the request's uploaded files, conventions, the diagnostic and the directory.
"""

from __future__ import annotations

import random
import time as clock
import uuid
from bisect import bisect_left
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from parcours.actions.models import (
    Audience,
    ClientCourseSession,
    Establishment,
    EstablishmentKind,
    OutreachKind,
    OutreachNeed,
    OutreachRound,
    PreventionAction,
    Training,
)
from parcours.approvals.models import Agrement
from parcours.commission.models import (
    AgendaItem,
    Arrete,
    Convocation,
    DecisionSequence,
    Mandate,
    Meeting,
    MeetingKind,
    MeetingState,
    PrefectDecision,
    Seat,
)
from parcours.commission.rules import SeatCategory
from parcours.core import dates
from parcours.core.crypto import blind_index, name_prefixes, prefix_token
from parcours.core.maintenance import suspended_triggers
from parcours.core.models import AuditAction, AuditEvent, Departement, Membership, Organisation, User
from parcours.core.models import OrganisationKind as Kind
from parcours.core.roles import Role
from parcours.demo.generator import DEMO_CODE, DEMO_PASSWORD, FIRST_NAMES, LAST_NAMES, NATIONALITIES
from parcours.pathways import rules
from parcours.pathways.models import (
    Afis,
    EndReason,
    Opinion,
    Outcome,
    Pathway,
    PathwayEvent,
    PathwayState,
    Period,
    PlanObjective,
    Request,
    RequestKind,
    RequestState,
    ResidencePermit,
    RightKind,
    RightStep,
)
from parcours.pathways.settings_store import afis_overrides
from parcours.people.models import (
    ALIAS_NAME,
    PERSON_BIRTH_DATE,
    PERSON_LAST_NAME,
    PERSON_NAME_PREFIX,
    PSEUDONYM_ALPHABET,
    AdministrativeStatus,
    Consent,
    ConsentPurpose,
    FollowUpNote,
    HealthCoverage,
    Housing,
    NationalityGroup,
    Person,
    PersonAlias,
    PersonSearchToken,
    Resources,
    Sex,
)
from parcours.referrals.models import (
    DETECTION_BIRTH_DATE,
    DETECTION_LAST_NAME,
    DETECTION_NAME_PREFIX,
    AgeBand,
    Detection,
    DetectionIndicator,
    DetectionSearchToken,
    DetectionState,
    PlaceType,
    PlatformType,
    ProtectionReport,
    Referral,
    ReferralState,
)

# The 101 départements: 96 in metropolitan France (Corsica as 2A and 2B) and the five overseas (971 to 974,
# 976; 975 is Saint-Pierre-et-Miquelon, a collectivity, not a département).
DEPARTEMENTS = [
    ("01", "Ain"),
    ("02", "Aisne"),
    ("03", "Allier"),
    ("04", "Alpes-de-Haute-Provence"),
    ("05", "Hautes-Alpes"),
    ("06", "Alpes-Maritimes"),
    ("07", "Ardèche"),
    ("08", "Ardennes"),
    ("09", "Ariège"),
    ("10", "Aube"),
    ("11", "Aude"),
    ("12", "Aveyron"),
    ("13", "Bouches-du-Rhône"),
    ("14", "Calvados"),
    ("15", "Cantal"),
    ("16", "Charente"),
    ("17", "Charente-Maritime"),
    ("18", "Cher"),
    ("19", "Corrèze"),
    ("2A", "Corse-du-Sud"),
    ("2B", "Haute-Corse"),
    ("21", "Côte-d'Or"),
    ("22", "Côtes-d'Armor"),
    ("23", "Creuse"),
    ("24", "Dordogne"),
    ("25", "Doubs"),
    ("26", "Drôme"),
    ("27", "Eure"),
    ("28", "Eure-et-Loir"),
    ("29", "Finistère"),
    ("30", "Gard"),
    ("31", "Haute-Garonne"),
    ("32", "Gers"),
    ("33", "Gironde"),
    ("34", "Hérault"),
    ("35", "Ille-et-Vilaine"),
    ("36", "Indre"),
    ("37", "Indre-et-Loire"),
    ("38", "Isère"),
    ("39", "Jura"),
    ("40", "Landes"),
    ("41", "Loir-et-Cher"),
    ("42", "Loire"),
    ("43", "Haute-Loire"),
    ("44", "Loire-Atlantique"),
    ("45", "Loiret"),
    ("46", "Lot"),
    ("47", "Lot-et-Garonne"),
    ("48", "Lozère"),
    ("49", "Maine-et-Loire"),
    ("50", "Manche"),
    ("51", "Marne"),
    ("52", "Haute-Marne"),
    ("53", "Mayenne"),
    ("54", "Meurthe-et-Moselle"),
    ("55", "Meuse"),
    ("56", "Morbihan"),
    ("57", "Moselle"),
    ("58", "Nièvre"),
    ("59", "Nord"),
    ("60", "Oise"),
    ("61", "Orne"),
    ("62", "Pas-de-Calais"),
    ("63", "Puy-de-Dôme"),
    ("64", "Pyrénées-Atlantiques"),
    ("65", "Hautes-Pyrénées"),
    ("66", "Pyrénées-Orientales"),
    ("67", "Bas-Rhin"),
    ("68", "Haut-Rhin"),
    ("69", "Rhône"),
    ("70", "Haute-Saône"),
    ("71", "Saône-et-Loire"),
    ("72", "Sarthe"),
    ("73", "Savoie"),
    ("74", "Haute-Savoie"),
    ("75", "Paris"),
    ("76", "Seine-Maritime"),
    ("77", "Seine-et-Marne"),
    ("78", "Yvelines"),
    ("79", "Deux-Sèvres"),
    ("80", "Somme"),
    ("81", "Tarn"),
    ("82", "Tarn-et-Garonne"),
    ("83", "Var"),
    ("84", "Vaucluse"),
    ("85", "Vendée"),
    ("86", "Vienne"),
    ("87", "Haute-Vienne"),
    ("88", "Vosges"),
    ("89", "Yonne"),
    ("90", "Territoire de Belfort"),
    ("91", "Essonne"),
    ("92", "Hauts-de-Seine"),
    ("93", "Seine-Saint-Denis"),
    ("94", "Val-de-Marne"),
    ("95", "Val-d'Oise"),
    ("971", "Guadeloupe"),
    ("972", "Martinique"),
    ("973", "Guyane"),
    ("974", "La Réunion"),
    ("976", "Mayotte"),
]
# The largest caseloads (big cities, the overseas départements most concerned): weight against 1 for the rest.
LARGE = {"75": 14, "13": 10, "93": 9, "59": 8, "69": 8, "06": 7, "33": 6, "31": 6, "34": 5, "67": 5, "92": 4}
LARGE |= {"94": 4, "44": 4, "83": 3, "38": 3, "973": 3, "974": 3, "35": 3, "95": 3, "91": 3, "57": 2}

# The national figures the country is calibrated on (rapport de l'inspection générale et bilan du ministère).
NATIONAL_FIRST_REQUESTS_2024 = 469
NATIONAL_REFUSAL_RATE = 0.18
SHARE_OF_DEPARTEMENTS_WITH_PATHWAYS = 67 / 101
REFERENCE_PEOPLE = 10_000
# First requests of each year relative to 2024 (décret n° 2016-1467 du 28 octobre 2016: none before 2017).
RAMP = {2017: 0.3, 2018: 0.5, 2019: 0.65, 2020: 0.55, 2021: 0.7, 2022: 0.85, 2023: 0.95, 2024: 1.0}
FIRST_YEAR_OF_PSP = 2017
# After each authorised period: renewal asked, or the pathway ends (outcome, withdrawal, contact lost,
# an end decided by the prefect, not renewed).
P_RENEW = 0.95
# How the others end, cumulative shares: withdrawal, contact lost, the prefect's decision; the rest at the
# period's end (completed, or not renewed).
END_SHARES = {EndReason.WITHDRAWN: 0.25, EndReason.CONTACT_LOST: 0.5, EndReason.ENDED_BY_PREFECT: 0.65}

# What marks the synthetic country in a database: its organisations' contact addresses.
MARK = "pays-synthetique.invalid"

ASSOCIATIONS = ["L'Escale", "Horizons Solidaires", "Nouvelle Rive", "La Passerelle", "Le Phare"]
SEATS = [
    (SeatCategory.MAGISTRATE, "Magistrat du parquet", Kind.JUSTICE),
    (SeatCategory.SOCIAL_COHESION, "DDETS — cohésion sociale", Kind.PREFECTURE),
    (SeatCategory.PUBLIC_SECURITY, "Direction départementale de la police nationale", Kind.POLICE),
    (SeatCategory.GENDARMERIE, "Groupement de gendarmerie", Kind.GENDARMERIE),
    (SeatCategory.FOREIGNERS, "Service des étrangers", Kind.IMMIGRATION),
    (SeatCategory.EDUCATION, "DASEN", Kind.OTHER),
    (SeatCategory.DOCTOR, "Médecin désigné par l'ordre", Kind.HEALTH),
    (SeatCategory.ASSOCIATION, "Association agréée", Kind.ASSOCIATION),
]
MEMBER_NAMES = ["Anne", "Victor", "Nadia", "Élise", "Bruno", "Carole", "Denis", "Fanny"]
ASSOCIATION_OPINIONS = [
    "Engagement constant depuis l'accueil ; projet réaliste et soutenu par l'équipe.",
    "Démarches engagées avec régularité ; hébergement en voie de stabilisation.",
    "Projet professionnel construit avec la mission locale ; suivi médical en place.",
]
# Detections recorded by the partners of the whole country in a year, once the tool is in use everywhere.
NATIONAL_DETECTIONS = 2500


def _bidx(value, label):
    return blind_index(value, label=label)


def _tokens(names: tuple[str, ...], label: str) -> frozenset[str]:
    """The keyed name-prefix tokens of a record's names, as the services compute them."""
    prefixes = set().union(*(name_prefixes(n) for n in names if n))
    return frozenset(prefix_token(p, label=label) for p in prefixes)


def aware(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@contextmanager
def stamps_kept(model_list):
    """While writing history, `created_at`/`updated_at` keep the simulated dates set on each row (their
    auto_now flags would put today on every row)."""
    saved = []
    for model in model_list:
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


@dataclass
class Dept:
    departement: Departement
    weight: float
    has_pathways: bool
    orgs: dict = field(default_factory=dict)
    associations: list = field(default_factory=list)
    users: dict = field(default_factory=dict)  # role key -> (user, organisation, role)
    agrements: dict = field(default_factory=dict)
    meeting_days: list = field(default_factory=list)
    meetings: dict = field(default_factory=dict)  # day -> Meeting
    mandates: list = field(default_factory=list)  # (arrete start, end, [Mandate])
    decisions: list = field(default_factory=list)
    item_order: Counter = field(default_factory=Counter)


class SyntheticCountryExists(Exception):
    """A synthetic country (or a real département with one of its codes) is already in the database."""


class CountryBuilder:
    # Written in this order (parents first); deleted in the reverse order by --replace.
    ORDER = [
        Departement,
        Organisation,
        User,
        Membership,
        Agrement,
        Person,
        PersonAlias,
        PersonSearchToken,
        Consent,
        FollowUpNote,
        Arrete,
        Seat,
        Mandate,
        Meeting,
        Convocation,
        Pathway,
        Request,
        PlanObjective,
        AgendaItem,
        PrefectDecision,
        DecisionSequence,
        Period,
        Afis,
        ResidencePermit,
        RightStep,
        PathwayEvent,
        Detection,
        Detection.indicators.through,
        ProtectionReport,
        Referral,
        Establishment,
        OutreachRound,
        PreventionAction,
        PreventionAction.establishments.through,
        Training,
        ClientCourseSession,
        AuditEvent,
    ]
    BATCH = 2000

    def __init__(self, *, departements=101, people=10_000, years=10, seed=2016, today=None):
        if not 1 <= departements <= len(DEPARTEMENTS):
            raise ValueError(f"Entre 1 et {len(DEPARTEMENTS)} départements.")
        self.n_departements, self.n_people, self.years = departements, people, years
        self.today = today or timezone.localdate()
        self.now = min(timezone.now(), aware(self.today, 23, 59))
        self.start = date(self.today.year - years + 1, 1, 1)
        self.rng = random.Random(seed)
        self.rows: dict[type, list] = defaultdict(list)
        self.pseudonyms: set[str] = set()
        self.people_count = 0
        self.password = make_password(DEMO_PASSWORD)
        self.afis_overrides = afis_overrides()
        self.scale = people / REFERENCE_PEOPLE
        # Names repeat across people: their indexes and tokens are computed once per build (keys of this run).
        self.bidx, self.tokens = cache(_bidx), cache(_tokens)

    # --- rows ---

    def add(self, obj, day: date | None = None, hour: int = 10):
        """Keep `obj` for writing; stamp it with the simulated day and an id drawn from the seed."""
        if day is not None and hasattr(obj, "created_at"):
            obj.created_at = obj.updated_at = aware(day, hour, self.rng.randint(0, 59))
        if hasattr(obj, "public_id"):
            obj.public_id = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        self.rows[type(obj)].append(obj)
        return obj

    def audit(self, actor, action, obj, day, detail="", hour=11):
        user, organisation, role = actor
        self.add(
            AuditEvent(
                at=min(aware(day, hour, self.rng.randint(0, 59)), self.now),
                departement=organisation.departement,
                user=user,
                role=role,
                organisation=organisation,
                action=AuditAction(action),
                object_type=obj._meta.label_lower,
                object_id=str(obj.public_id),
                detail=detail[:200],
            )
        )

    def pseudonym(self, prefix: str) -> str:
        while True:
            code = prefix + "".join(self.rng.choice(PSEUDONYM_ALPHABET) for _ in range(6))
            if code not in self.pseudonyms:
                self.pseudonyms.add(code)
                return code

    # --- the build ---

    def build(self) -> dict:
        started = clock.monotonic()
        self.depts = self.build_departements()
        self.total_weight = sum(d.weight for d in self.depts)
        indicators = list(DetectionIndicator.objects.filter(departement__isnull=True, active=True))
        for d in self.depts:
            self.build_commission(d)
        self.build_pathways()
        for d in self.depts:  # before the rest of the people: a referral accepted opens a person's file
            self.build_network(d, indicators)
        self.build_accompanied()
        for d in self.depts:
            self.number_register(d)
            self.build_meetings_attendance(d)
            self.build_actions(d)
        counts = self.write()
        counts["calibration"] = self.calibration()
        counts["seconds"] = round(clock.monotonic() - started, 1)
        return counts

    def calibration(self) -> dict:
        """The figures the country is calibrated on, for the reference year (2024, or the last whole year)."""
        year = 2024 if self.start.year <= 2024 < self.today.year else self.today.year - 1
        first = [
            r
            for r in self.rows[Request]
            if r.kind == RequestKind.INITIAL and r.submitted_on and r.submitted_on.year == year
        ]
        decided = [r for r in first if r.decision]
        refused = sum(r.decision == PrefectDecision.Outcome.REFUSED for r in decided)
        day = date(year, 12, 31)
        running = {p.pathway for p in self.rows[Period] if p.start <= day <= p.end}
        running = {p for p in running if p.ended_on is None or p.ended_on > day}
        opened = [
            p
            for p in self.rows[Pathway]
            if p.created_at.date() <= day and (getattr(p, "_closed_on", None) or date.max) > day
        ]
        return {
            f"premières demandes transmises en {year}": len(first),
            "dont refusées (parmi les décidées)": f"{refused / len(decided):.0%}" if decided else "—",
            f"parcours en cours (période d'autorisation) au 31/12/{year}": len(running),
            f"parcours ouverts (en instruction ou autorisés) au 31/12/{year}": len(opened),
            f"départements où des parcours sont en cours au 31/12/{year}": len(
                {p.departement.code for p in running}
            ),
        }

    def build_departements(self) -> list[Dept]:
        chosen = DEPARTEMENTS[: self.n_departements]
        weights = {code: LARGE.get(code, self.rng.lognormvariate(0, 0.6)) for code, _ in chosen}
        ranked = sorted(chosen, key=lambda c: -weights[c[0]])
        with_pathways = {
            c for c, _ in ranked[: max(1, round(len(chosen) * SHARE_OF_DEPARTEMENTS_WITH_PATHWAYS))]
        }
        depts = []
        national = None
        for code, name in chosen:
            departement = self.add(Departement(code=code, name=name), self.start)
            d = Dept(departement, weights[code], code in with_pathways)
            low = code.lower()

            def org(key, label, kind, d=d, code=code):
                d.orgs[key] = self.add(
                    Organisation(
                        departement=d.departement, kind=kind, name=label, email=f"contact.{key}.{code}@{MARK}"
                    ),
                    self.start,
                )
                return d.orgs[key]

            org("ddfe", f"Préfecture — DDFE ({name})", Kind.PREFECTURE)
            org("cabinet", f"Préfecture — Cabinet du préfet ({name})", Kind.PREFECTURE)
            org("etrangers", f"Préfecture — Service des étrangers ({name})", Kind.IMMIGRATION)
            org("mission_locale", f"Mission locale — {name}", Kind.MISSION_LOCALE)
            org("ase", f"Aide sociale à l'enfance — {name}", Kind.CHILD_WELFARE)
            org("police", f"Police nationale — {name}", Kind.POLICE)
            org("gendarmerie", f"Gendarmerie — {name}", Kind.GENDARMERIE)
            org("justice", f"Tribunal judiciaire — {name}", Kind.JUSTICE)
            org("sante", f"Centre hospitalier — {name}", Kind.HEALTH)
            org("education", f"Services de l'éducation nationale — {name}", Kind.OTHER)
            n_assoc = 1 + min(4, int(d.weight // 2)) if d.has_pathways else self.rng.choice([0, 1])
            for i in range(n_assoc):
                d.associations.append(
                    org(f"asso{i}", f"Association {ASSOCIATIONS[i]} — {name}", Kind.ASSOCIATION)
                )
            if national is None:
                national = org(
                    "national", "Service des droits des femmes et de l'égalité (SDFE)", Kind.NATIONAL
                )

            def user(key, first, last, org_key, role, d=d, low=low):
                u = self.add(
                    User(
                        username=f"{low}.{key}",
                        first_name=first,
                        last_name=last,
                        email=f"{key}.{low}@{MARK}",
                        password=self.password,
                        date_joined=aware(self.start),
                    )
                )
                organisation = d.orgs[org_key]
                self.add(Membership(user=u, organisation=organisation, role=role), self.start)
                d.users[key] = (u, organisation, role)
                return d.users[key]

            user("ddfe", "Claire", "Secrétariat", "ddfe", Role.SECRETARIAT)
            user("prefet", "Paul", "Signataire", "cabinet", Role.SIGNATORY)
            user("etrangers", "Sonia", "Étrangers", "etrangers", Role.IMMIGRATION)
            user("mission.locale", "Hugo", "Conseiller", "mission_locale", Role.PARTNER_ADVISOR)
            user("police", "Victor", "Commissaire", "police", Role.PARTNER_ADVISOR)
            user("education", "Bruno", "Proviseur", "education", Role.PARTNER_ADVISOR)
            for i, _assoc in enumerate(d.associations):
                user(f"asso{i}", "Inès", "Intervenante", f"asso{i}", Role.ASSOCIATION_WORKER)
                user(f"asso{i}.resp", "Marc", "Responsable", f"asso{i}", Role.ASSOCIATION_MANAGER)
                valid_from = self.start - timedelta(days=self.rng.randint(30, 600))
                d.agrements[i] = self.add(
                    Agrement(
                        organisation=d.orgs[f"asso{i}"],
                        reference=f"ARR-{departement.code}-{valid_from.year}-{i + 1:03d}",
                        valid_from=valid_from,
                        valid_until=self.today + timedelta(days=self.rng.randint(200, 1500)),
                    ),
                    valid_from,
                )
            if "national" in d.orgs:
                user("analyste", "Yann", "Analyste", "national", Role.NATIONAL_ANALYST)
            depts.append(d)
        return depts

    # --- commission: arrêtés, seats, mandates, meeting calendar ---

    def build_commission(self, d: Dept) -> None:
        if not d.has_pathways:
            return
        code, low = d.departement.code, d.departement.code.lower()
        members = []
        for i, (_category, label, _kind) in enumerate(SEATS):
            u = self.add(
                User(
                    username=f"{low}.membre{i + 1}",
                    first_name=MEMBER_NAMES[i],
                    last_name="Membre",
                    email=f"membre{i + 1}.{low}@{MARK}",
                    password=self.password,
                    date_joined=aware(self.start),
                )
            )
            self.add(Membership(user=u, organisation=d.orgs["ddfe"], role=Role.COMMISSION_MEMBER), self.start)
            members.append((u, label))
        mandate_start = self.start
        while mandate_start <= self.today + timedelta(days=365):
            mandate_end = dates.add_months(mandate_start, 36) - timedelta(days=1)
            arrete = self.add(
                Arrete(
                    departement=d.departement,
                    reference=f"ARR-CD-{code}-{mandate_start.year}",
                    signed_on=mandate_start - timedelta(days=20),
                    mandate_start=mandate_start,
                    mandate_end=mandate_end,
                ),
                mandate_start - timedelta(days=20),
            )
            mandates = []
            for i, ((category, label, _kind), (u, _)) in enumerate(zip(SEATS, members, strict=True)):
                seat = self.add(
                    Seat(arrete=arrete, category=category, label=label, order=i), arrete.signed_on
                )
                mandates.append(
                    self.add(
                        Mandate(
                            seat=seat,
                            kind=Mandate.Kind.TITULAR,
                            member=u,
                            start=mandate_start,
                            end=mandate_end,
                        ),
                        arrete.signed_on,
                    )
                )
            d.mandates.append((mandate_start, mandate_end, mandates))
            mandate_start = mandate_end + timedelta(days=1)
        # A meeting of the PSP formation each month (the second Thursday), held when it has requests.
        month = date(self.start.year, 1, 1)
        while month <= self.today + timedelta(days=120):
            first_thursday = month + timedelta(days=(3 - month.weekday()) % 7)
            d.meeting_days.append(first_thursday + timedelta(days=7))
            month = dates.add_months(month, 1)

    def meeting_on_or_after(self, d: Dept, day: date) -> date:
        i = bisect_left(d.meeting_days, day)
        return d.meeting_days[min(i, len(d.meeting_days) - 1)] if i < len(d.meeting_days) else day

    def meeting(self, d: Dept, day: date, kind=MeetingKind.RESTRICTED) -> Meeting:
        key = (day, kind)
        if key not in d.meetings:
            held = day <= self.today
            state = (
                MeetingState.CLOSED
                if held
                else (
                    MeetingState.CONVENED if day - self.today < timedelta(days=21) else MeetingState.SCHEDULED
                )
            )
            d.meetings[key] = self.add(
                Meeting(
                    departement=d.departement,
                    kind=kind,
                    starts_at=aware(day, 14, 0 if kind == MeetingKind.RESTRICTED else 30),
                    place=f"Préfecture — {d.departement.name}, salle de la commission",
                    state=state,
                    convened_at=aware(day - timedelta(days=15), 9)
                    if state != MeetingState.SCHEDULED
                    else None,
                    held_on=day if held else None,
                    chaired_by="Le préfet ou son représentant" if held else "",
                ),
                day - timedelta(days=30),
            )
        return d.meetings[key]

    def item(self, d: Dept, meeting: Meeting, request: Request, opinion: str, motive: str = "") -> AgendaItem:
        d.item_order[id(meeting)] += 1
        day = meeting.starts_at.date()
        return self.add(
            AgendaItem(
                meeting=meeting,
                kind=AgendaItem.Kind.REQUEST,
                order=d.item_order[id(meeting)],
                request=request,
                opinion=opinion,
                motive=motive,
                opinion_recorded_at=aware(day, 16) if opinion else None,
            ),
            day - timedelta(days=20),
        )

    # --- people and pathways ---

    def person_name(self) -> tuple[str, str]:
        rng = self.rng
        last = rng.choice(LAST_NAMES)
        if rng.random() < 0.3:  # compound birth names widen the range of invented names
            other = rng.choice(LAST_NAMES)
            if other != last:
                last = f"{last}-{other}"
        return last, rng.choice(FIRST_NAMES)

    def new_person(self, d: Dept, day: date, association_index: int, *, min_age=19, max_age=50) -> Person:
        rng = self.rng
        self.people_count += 1
        nationality, group = rng.choices(NATIONALITIES, weights=[10, 12, 5, 35, 12, 8, 8, 10])[0]
        age = rng.randint(min_age, max_age)
        birth = date(day.year - age, rng.randint(1, 12), rng.randint(1, 28))
        last, first = self.person_name()
        user, organisation, _role = d.users[f"asso{association_index}"]
        person = self.add(
            Person(
                departement=d.departement,
                organisation=organisation,
                pseudonym=self.pseudonym(f"{d.departement.code}-"),
                last_name=last,
                first_name=first,
                birth_date=birth,
                nationality=nationality,
                languages="français" if group == NationalityGroup.FRENCH else f"{nationality[:-1]}, anglais",
                phone=f"06 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d} "
                f"{rng.randint(0, 99):02d}",
                last_name_bidx=self.bidx(last, PERSON_LAST_NAME),
                birth_date_bidx=self.bidx(birth, PERSON_BIRTH_DATE),
                sex=Sex.MALE if rng.random() < 0.07 else (Sex.OTHER if rng.random() < 0.03 else Sex.FEMALE),
                birth_year=birth.year,
                nationality_group=group,
                housing=rng.choice(Housing.values),
                resources=rng.choice(Resources.values),
                health_coverage=rng.choice(HealthCoverage.values),
                administrative_status=(
                    AdministrativeStatus.FRENCH_EU
                    if group in (NationalityGroup.FRENCH, NationalityGroup.EU)
                    else rng.choice([AdministrativeStatus.UNDOCUMENTED, AdministrativeStatus.ASYLUM])
                ),
                children=rng.choice([0, 0, 0, 1, 1, 2, 3]),
                is_sensitive=rng.random() < 0.02,
                created_by=user,
            ),
            day,
            9,
        )
        names = [last, first]
        if rng.random() < 0.12:
            alias = rng.choice(FIRST_NAMES)
            names.append(alias)
            self.add(
                PersonAlias(
                    person=person,
                    kind=PersonAlias.Kind.USUAL,
                    name=alias,
                    name_bidx=self.bidx(alias, ALIAS_NAME),
                ),
                day,
            )
        for token in sorted(self.tokens(tuple(names), PERSON_NAME_PREFIX)):
            self.add(PersonSearchToken(person=person, token=token))
        self.add(
            Consent(person=person, purpose=ConsentPurpose.ACCOMPANIMENT, given_on=day, recorded_by=user), day
        )
        actor = d.users[f"asso{association_index}"]
        self.audit(actor, "create", person, day, "personne", hour=9)
        note_day = day
        for _ in range(rng.randint(1, 4)):
            if note_day > self.today:
                break
            self.add(
                FollowUpNote(
                    person=person,
                    organisation=organisation,
                    author=user,
                    date=note_day,
                    kind=rng.choice(FollowUpNote.Kind.values),
                    text="Entretien de suivi : point sur l'hébergement et les démarches.",
                ),
                note_day,
            )
            self.audit(actor, "view", person, note_day, "fiche de la personne", hour=15)
            note_day += timedelta(days=rng.randint(20, 120))
        return person

    def build_pathways(self) -> None:
        rng = self.rng
        with_pathways = [d for d in self.depts if d.has_pathways]
        total_weight = sum(d.weight for d in with_pathways) or 1
        # First requests of each year, spread over the départements by weight, on random days of the year.
        for year in range(self.start.year, self.today.year + 1):
            if year < FIRST_YEAR_OF_PSP:
                continue
            ramp = RAMP.get(year, RAMP[2024] * (1 + 0.04 * (year - 2024)))
            national = NATIONAL_FIRST_REQUESTS_2024 * ramp * self.scale
            last_day = date(year, 12, 31) if year < self.today.year else self.today
            for d in with_pathways:
                expected = national * d.weight / total_weight
                count = int(expected) + (rng.random() < expected - int(expected))
                for _ in range(count):
                    day = date(year, 1, 1) + timedelta(
                        days=rng.randint(0, (last_day - date(year, 1, 1)).days)
                    )
                    self.pathway(d, day)

    def build_accompanied(self) -> None:
        """The rest of the people are accompanied without a pathway (or before one), in every département with
        an association, more where the caseload is larger."""
        rng = self.rng
        rest = self.n_people - self.people_count
        hosts = [d for d in self.depts if d.associations]
        weights = [d.weight for d in hosts]
        for _ in range(max(0, rest)):
            d = rng.choices(hosts, weights=weights)[0]
            day = self.start + timedelta(days=rng.randint(0, (self.today - self.start).days))
            self.new_person(d, day, rng.randrange(len(d.associations)))

    def event(
        self, pathway, request, actor, day, name, label, from_state="", to_state="", motive="", hour=10
    ):
        user, organisation, role = actor
        self.add(
            PathwayEvent(
                pathway=pathway,
                request=request,
                at=min(aware(day, hour, self.rng.randint(0, 59)), self.now),
                name=name,
                label=label,
                from_state=from_state,
                to_state=to_state,
                user=user,
                role=role,
                organisation=organisation,
                motive=motive,
            )
        )
        self.audit(actor, "transition", request or pathway, day, name, hour=hour)

    def pathway(self, d: Dept, first_day: date) -> None:
        """One pathway from its first request to its end (or to today), every date true to the rules."""
        rng, today = self.rng, self.today
        index = rng.randrange(len(d.associations))
        association = d.orgs[f"asso{index}"]
        worker, secretariat, prefect = d.users[f"asso{index}"], d.users["ddfe"], d.users["prefet"]
        known_since = max(first_day - timedelta(days=rng.randint(20, 400)), min(first_day, self.start))
        person = self.new_person(d, known_since, index)
        pathway = self.add(
            Pathway(
                departement=d.departement,
                person=person,
                association=association,
                state=PathwayState.IN_INSTRUCTION,
                created_by=worker[0],
            ),
            first_day,
        )
        self.add(
            Consent(
                person=person, purpose=ConsentPurpose.PSP_REQUEST, given_on=first_day, recorded_by=worker[0]
            ),
            first_day,
        )
        rights = [RightKind.HOUSING, RightKind.HEALTH, RightKind.TRAINING]
        if rng.random() < 0.9:
            rights.insert(0, RightKind.AFIS)
        if person.is_foreign_national:
            rights.append(RightKind.RESIDENCE_PERMIT)
        periods: list[tuple[date, date]] = []
        period_rows: list[Period] = []
        afis = permit = None
        day, kind = first_day, RequestKind.INITIAL

        def end(end_day, reason, outcome="", actor=secretariat, afis_until=None, reference=""):
            pathway._closed_on = end_day
            pathway.state, pathway.end_reason, pathway.outcome, pathway.ended_on = (
                PathwayState.ENDED,
                reason,
                outcome,
                end_day,
            )
            pathway.updated_at = aware(end_day, 11)
            label = f"Fin du parcours : {EndReason(reason).label.lower()}"
            self.event(
                pathway,
                None,
                actor,
                end_day,
                "end",
                f"{label} (décision n° {reference})" if reference else label,
                PathwayState.ACTIVE,
                PathwayState.ENDED,
                hour=12,
            )
            for row in period_rows:
                if row.end > end_day:
                    row.end = max(end_day, row.start)
                    self.event(
                        pathway,
                        None,
                        actor,
                        end_day,
                        "period_closed",
                        f"Période {row.number} close le {end_day:%d/%m/%Y} avec le parcours",
                        hour=12,
                    )
            if afis is not None and afis.status == Afis.Status.GRANTED:
                afis.status = Afis.Status.STOPPED
                afis.end = max(afis_until or end_day, afis.start)
                self.event(
                    pathway,
                    None,
                    actor,
                    end_day,
                    "afis_stopped",
                    f"AFIS arrêtée avec la fin du parcours (versée jusqu'au {afis.end:%d/%m/%Y})",
                    hour=12,
                )

        while True:
            request = self.add(
                Request(
                    pathway=pathway,
                    departement=pathway.departement,
                    kind=kind,
                    state=RequestState.DRAFT,
                    rights_requested=list(rights),
                    association_opinion=rng.choice(ASSOCIATION_OPINIONS),
                    actions_carried_out=(
                        "Hébergement stabilisé, suivi médical engagé, cours de français suivis."
                        if kind == RequestKind.RENEWAL
                        else ""
                    ),
                    person_commitment=True,
                    commitment_date=day,
                    prostitution_stopped=True,
                    agrement=d.agrements[index],
                ),
                day,
            )
            self.event(
                pathway,
                request,
                worker,
                day,
                "start" if kind == RequestKind.INITIAL else "renewal",
                "Demande d'engagement commencée" if kind == RequestKind.INITIAL else "Renouvellement demandé",
                to_state=RequestState.DRAFT,
            )
            if kind == RequestKind.INITIAL:
                for domain, text in [
                    (PlanObjective.Domain.HOUSING, "Accéder à un hébergement stable"),
                    (PlanObjective.Domain.HEALTH, "Ouvrir les droits à l'assurance maladie"),
                ]:
                    self.add(
                        PlanObjective(
                            request=request,
                            domain=domain,
                            objective=text,
                            actions="Orientation vers le partenaire compétent",
                            target_date=day + timedelta(days=150),
                        ),
                        day,
                    )
            renewal = kind == RequestKind.RENEWAL
            submitted = day + timedelta(days=rng.randint(3, 10) if renewal else rng.randint(10, 40))
            if submitted > today:
                break
            request.state, request.submitted_on = RequestState.SUBMITTED, submitted
            self.event(
                pathway,
                request,
                worker,
                submitted,
                "submit",
                "Demande transmise",
                RequestState.DRAFT,
                RequestState.SUBMITTED,
            )
            ready = submitted + timedelta(days=rng.randint(3, 8) if renewal else rng.randint(3, 12))
            if not renewal and rng.random() < 0.2:
                back = submitted + timedelta(days=rng.randint(3, 10))
                if back > today:
                    break
                request.state = RequestState.INCOMPLETE
                request.missing_items = ["Justificatif de domicile ou de domiciliation"]
                self.event(
                    pathway,
                    request,
                    secretariat,
                    back,
                    "return_incomplete",
                    "Demande incomplète",
                    RequestState.SUBMITTED,
                    RequestState.INCOMPLETE,
                )
                again = back + timedelta(days=rng.randint(5, 25))
                if again > today:
                    break
                request.state, request.submitted_on, request.missing_items = RequestState.SUBMITTED, again, []
                self.event(
                    pathway,
                    request,
                    worker,
                    again,
                    "submit",
                    "Demande transmise",
                    RequestState.INCOMPLETE,
                    RequestState.SUBMITTED,
                )
                ready = again + timedelta(days=rng.randint(2, 8))
            if ready > today:
                break
            request.state = RequestState.READY
            self.event(
                pathway,
                request,
                secretariat,
                ready,
                "mark_ready",
                "Demande prête pour la commission",
                RequestState.SUBMITTED,
                RequestState.READY,
            )
            meeting_day = self.meeting_on_or_after(d, ready + timedelta(days=3))
            if not renewal and rng.random() < 0.05 and meeting_day <= today:
                meeting = self.meeting(d, meeting_day)
                motive = "Compléments attendus sur le projet d'hébergement."
                self.item(d, meeting, request, AgendaItem.Opinion.POSTPONED, motive)
                request.state, request.opinion = RequestState.POSTPONED, Opinion.POSTPONED
                request.opinion_date, request.opinion_motive = meeting_day, motive
                self.event(
                    pathway,
                    request,
                    secretariat,
                    meeting_day,
                    "postpone",
                    "Avis de la commission : ajourné",
                    RequestState.READY,
                    RequestState.POSTPONED,
                    motive,
                    hour=16,
                )
                meeting_day = self.meeting_on_or_after(d, meeting_day + timedelta(days=1))
            meeting = self.meeting(d, meeting_day)
            refused = rng.random() < (NATIONAL_REFUSAL_RATE if kind == RequestKind.INITIAL else 0.04)
            if meeting_day > today:
                self.item(d, meeting, request, "")
                break
            opinion = Opinion.UNFAVOURABLE if refused else Opinion.FAVOURABLE
            motive = (
                "Engagement insuffisamment établi à ce stade."
                if refused
                else "Projet cohérent, engagement constaté."
            )
            item = self.item(d, meeting, request, opinion, motive)
            before = request.state
            request.state, request.opinion, request.opinion_date, request.opinion_motive = (
                RequestState.REVIEWED,
                opinion,
                meeting_day,
                motive,
            )
            self.event(
                pathway,
                request,
                secretariat,
                meeting_day,
                "give_opinion",
                f"Avis de la commission : {Opinion(opinion).label.lower()}",
                before,
                RequestState.REVIEWED,
                motive,
                hour=16,
            )
            decided = meeting_day + timedelta(days=rng.randint(7, 35))
            if renewal:  # decided by the end of the running period, so that the next one follows on
                decided = max(meeting_day, min(decided, periods[-1][1]))
            if decided > today:
                break
            outcome = PrefectDecision.Outcome.REFUSED if refused else PrefectDecision.Outcome.AUTHORISED
            decision = self.add(
                PrefectDecision(
                    departement=d.departement,
                    item=item,
                    request=request,
                    pathway=pathway,
                    origin=PrefectDecision.Origin.MEETING,
                    outcome=outcome,
                    motive=motive if refused else "",
                    state=PrefectDecision.State.SIGNED,
                    signed_on=decided,
                    signed_by=prefect[0],
                    drafted_by=secretariat[0],
                ),
                meeting_day + timedelta(days=2),
            )
            d.decisions.append(decision)
            request.decision, request.decision_date = outcome, decided
            request._decision = decision
            if refused:
                request.state = RequestState.REFUSED
                self.event(
                    pathway,
                    request,
                    prefect,
                    decided,
                    "refuse",
                    "Décision du préfet : refus",
                    RequestState.REVIEWED,
                    RequestState.REFUSED,
                    motive,
                )
                if kind == RequestKind.INITIAL:
                    pathway.state, pathway._closed_on = PathwayState.REFUSED, decided
                    self.event(
                        pathway,
                        None,
                        prefect,
                        decided,
                        "refuse",
                        "Parcours refusé",
                        PathwayState.IN_INSTRUCTION,
                        PathwayState.REFUSED,
                        motive,
                    )
                    break
                # A renewal refused: the pathway is not renewed and ends with its last period.
                if periods[-1][1] <= today:
                    end(max(periods[-1][1], decided), EndReason.NOT_RENEWED)
                break
            start, stop = rules.next_period(periods, decided)
            periods.append((start, stop))
            request.state = RequestState.AUTHORISED
            self.event(
                pathway,
                request,
                prefect,
                decided,
                "authorise",
                "Décision du préfet : autorisation",
                RequestState.REVIEWED,
                RequestState.AUTHORISED,
            )
            number = len(periods)
            period_rows.append(
                self.add(
                    Period(pathway=pathway, request=request, number=number, start=start, end=stop), decided
                )
            )
            self.event(
                pathway,
                request,
                prefect,
                decided,
                "period",
                f"Période {number} ouverte du {start:%d/%m/%Y} au {stop:%d/%m/%Y}",
            )
            if number == 1:
                pathway.state = PathwayState.ACTIVE
                self.event(
                    pathway,
                    None,
                    prefect,
                    decided,
                    "authorise",
                    "Parcours autorisé",
                    PathwayState.IN_INSTRUCTION,
                    PathwayState.ACTIVE,
                )
                afis, permit = self.open_rights(pathway, person, rights, request, start, stop, secretariat)
            else:
                if afis is not None and afis.status == Afis.Status.GRANTED and afis.end < stop:
                    afis.end = stop
                    self.event(
                        pathway,
                        None,
                        prefect,
                        decided,
                        "afis_extended",
                        f"AFIS prolongée jusqu'au {stop:%d/%m/%Y} avec la nouvelle période",
                    )
                if permit is not None and permit.status == ResidencePermit.Status.ISSUED:
                    permit.renewed_on = min(decided + timedelta(days=15), today)
                    permit.expires_on = dates.add_months(permit.renewed_on, rules.APS_MIN_MONTHS)
            # What follows the period: a renewal, or an end.
            if number == rules.MAX_PERIODS:
                if stop <= today:
                    end(stop, EndReason.COMPLETED, rng.choice(Outcome.values))
                break
            draw = rng.random()
            if draw < P_RENEW:
                day = stop - timedelta(days=rng.randint(85, 100))
                day = max(day, decided + timedelta(days=1))
                if day > today:
                    break
                kind = RequestKind.RENEWAL
                continue
            end_day = start + timedelta(days=rng.randint(20, (stop - start).days))
            if end_day > today:
                break
            how = (draw - P_RENEW) / (1 - P_RENEW)  # among the pathways that end here
            if how < END_SHARES[EndReason.WITHDRAWN]:
                end(end_day, EndReason.WITHDRAWN)
            elif how < END_SHARES[EndReason.CONTACT_LOST]:
                end(end_day, EndReason.CONTACT_LOST)
            elif how < END_SHARES[EndReason.ENDED_BY_PREFECT]:
                self.end_by_prefect(d, pathway, end_day, end)
            else:
                if stop <= today:
                    end(
                        stop,
                        rng.choice([EndReason.COMPLETED, EndReason.NOT_RENEWED]),
                        rng.choice(Outcome.values),
                    )
            break
        if pathway.state == PathwayState.ENDED and pathway.end_reason != EndReason.COMPLETED:
            pathway.outcome = ""  # a situation at the exit is recorded only for a completed pathway

    def end_by_prefect(self, d: Dept, pathway: Pathway, day: date, end) -> None:
        motive = "Les engagements du parcours ne sont plus tenus depuis plusieurs mois, malgré les relances."
        decision = self.add(
            PrefectDecision(
                departement=d.departement,
                pathway=pathway,
                origin=PrefectDecision.Origin.SECRETARIAT,
                outcome=PrefectDecision.Outcome.ENDED,
                motive=motive,
                state=PrefectDecision.State.SIGNED,
                signed_on=day,
                signed_by=d.users["prefet"][0],
                drafted_by=d.users["ddfe"][0],
            ),
            day - timedelta(days=7),
        )
        d.decisions.append(decision)
        pathway._end_decision = decision
        end(
            day,
            EndReason.ENDED_BY_PREFECT,
            actor=d.users["prefet"],
            afis_until=dates.first_day_of_next_month(day) - timedelta(days=1),
        )

    def open_rights(self, pathway, person, rights, request, start, stop, secretariat):
        rng, today = self.rng, self.today
        afis = permit = None
        if RightKind.AFIS in rights:
            afis = self.add(
                Afis(
                    pathway=pathway,
                    requested_on=request.submitted_on or start,
                    dependent_children=person.children,
                ),
                start,
            )
            pay_from = min(start + timedelta(days=rng.randint(0, 30)), stop)
            if (
                pay_from <= today
                and dates.age_on(person.birth_date, pay_from) >= rules.AFIS_MIN_AGE
                and pay_from >= rules.AFIS_SCALE_DEFAULTS[0].effective_from
            ):
                amount = rules.afis_monthly_amount(pay_from, person.children, self.afis_overrides)
                afis.status, afis.granted_on, afis.start, afis.end = (
                    Afis.Status.GRANTED,
                    pay_from,
                    pay_from,
                    stop,
                )
                afis.paying_body, afis.monthly_amount = "MSA", amount
                self.event(
                    pathway,
                    None,
                    secretariat,
                    pay_from,
                    "afis_granted",
                    f"AFIS accordée : {str(amount).replace('.', ',')} € par mois à partir du "
                    f"{pay_from:%d/%m/%Y}",
                )
        if RightKind.RESIDENCE_PERMIT in rights and person.is_foreign_national:
            permit = self.add(ResidencePermit(pathway=pathway, requested_on=start), start)
            issued = start + timedelta(days=rng.randint(15, 45))
            if issued <= today:
                permit.status, permit.issued_on = ResidencePermit.Status.ISSUED, issued
                permit.expires_on = dates.add_months(issued, rules.APS_MIN_MONTHS)
                permit.reference = f"APS-{rng.randint(0, 10**9):09d}"
        for right, domain in [
            (RightKind.HOUSING, "housing"),
            (RightKind.HEALTH, "health"),
            (RightKind.TRAINING, "training"),
        ]:
            if right in rights:
                done = start + timedelta(days=rng.randint(30, 300))
                self.add(
                    RightStep(
                        pathway=pathway,
                        domain=domain,
                        description=f"{RightKind(right).label} : démarche à engager",
                        status=RightStep.Status.OBTAINED if done <= today else RightStep.Status.IN_PROGRESS,
                        started_on=start,
                        completed_on=done if done <= today else None,
                    ),
                    start,
                )
        return afis, permit

    # --- the register of decisions: numbered per département and year, in the order signed, no gap ---

    def number_register(self, d: Dept) -> None:
        by_year = defaultdict(list)
        for decision in d.decisions:
            by_year[decision.signed_on.year].append(decision)
        for year, decisions in sorted(by_year.items()):
            decisions.sort(key=lambda x: x.signed_on)  # stable: same day keeps the order of drafting
            for number, decision in enumerate(decisions, start=1):
                decision.year, decision.number = year, number
                decision.reference = f"{year}-{number:04d}"
                if decision.request is not None:
                    decision.request.decision_reference = decision.reference
            self.add(DecisionSequence(departement=d.departement, year=year, last_number=len(decisions)))
        for decision in d.decisions:
            self.audit(
                d.users["prefet"],
                "transition",
                decision,
                decision.signed_on,
                f"décision signée n° {decision.reference}",
                hour=17,
            )

    def build_meetings_attendance(self, d: Dept) -> None:
        if not d.has_pathways:
            return
        rng = self.rng
        # A plenary meeting each year (activity report, strategy), besides the PSP formation's.
        for year in range(self.start.year, self.today.year + 1):
            day = date(year, 6, 20) + timedelta(days=rng.randint(0, 10))
            if day > self.today + timedelta(days=60):
                continue
            meeting = self.meeting(d, day, MeetingKind.PLENARY)
            self.add(
                AgendaItem(
                    meeting=meeting,
                    kind=AgendaItem.Kind.FREE,
                    order=1,
                    title="Bilan annuel des parcours de sortie et stratégie départementale",
                ),
                day - timedelta(days=20),
            )
        for (day, _kind), meeting in sorted(d.meetings.items(), key=lambda kv: kv[1].starts_at):
            mandates = next((m for s, e, m in d.mandates if s <= day <= e), [])
            for mandate in mandates:
                if meeting.state == MeetingState.SCHEDULED:
                    continue
                held = meeting.state == MeetingState.CLOSED
                draw = rng.random()
                answer = (
                    Convocation.Answer.PRESENT
                    if draw < 0.72
                    else Convocation.Answer.ABSENT
                    if draw < 0.9
                    else Convocation.Answer.PENDING
                )
                self.add(
                    Convocation(
                        meeting=meeting,
                        mandate=mandate,
                        answer=answer,
                        answered_at=aware(day - timedelta(days=7))
                        if answer != Convocation.Answer.PENDING
                        else None,
                        present=(answer == Convocation.Answer.PRESENT) if held else None,
                    ),
                    day - timedelta(days=15),
                )

    # --- network: detections, transmissions, referrals ---

    def build_network(self, d: Dept, indicators) -> None:
        rng, today = self.rng, self.today
        partners = [d.users[k] for k in ("police", "mission.locale", "education")]
        yearly = NATIONAL_DETECTIONS * self.scale * d.weight / self.total_weight
        for year in range(max(self.start.year, 2021), today.year + 1):
            expected = yearly * (0.6 if year < 2023 else 1.0)
            count = int(expected) + (rng.random() < expected - int(expected))
            for _ in range(count):
                day = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
                if day > today:
                    continue
                self.detection(d, day, rng.choice(partners), indicators)

    def detection(self, d: Dept, day: date, actor, indicators) -> None:
        rng, today = self.rng, self.today
        user, organisation, _role = actor
        minor = rng.random() < 0.45
        band = (
            rng.choice([AgeBand.UNDER_15, AgeBand.FROM_15_TO_17, AgeBand.FROM_15_TO_17])
            if minor
            else rng.choice([AgeBand.FROM_18_TO_21, AgeBand.FROM_18_TO_21, AgeBand.FROM_22_TO_25])
        )
        named = rng.random() < 0.5
        last, first = self.person_name() if named else ("", "")
        birth = None
        if named and rng.random() < 0.6:
            age = rng.randint(13, 17) if minor else rng.randint(18, 25)
            birth = date(day.year - age, rng.randint(1, 12), rng.randint(1, 28))
            band = (
                AgeBand.UNDER_15
                if age < 15
                else AgeBand.FROM_15_TO_17
                if age < 18
                else AgeBand.FROM_18_TO_21
                if age <= 21
                else AgeBand.FROM_22_TO_25
            )
        detection = self.add(
            Detection(
                departement=d.departement,
                organisation=organisation,
                created_by=user,
                pseudonym=self.pseudonym(f"{d.departement.code}-R-"),
                detected_on=day,
                state=DetectionState.OPEN,
                age_band=band,
                is_minor=minor,
                sex=Sex.MALE if rng.random() < 0.12 else Sex.FEMALE,
                last_name=last,
                first_name=first,
                birth_date=birth,
                last_name_bidx=self.bidx(last, DETECTION_LAST_NAME) if last else "",
                birth_date_bidx=self.bidx(birth, DETECTION_BIRTH_DATE) if birth else "",
                place_type=rng.choice(PlaceType.values),
                platform_type=rng.choice(PlatformType.values),
                context="Repérée lors d'une intervention ; signes concordants.",
                actions_taken="Échange avec la personne, information sur ses droits.",
            ),
            day,
        )
        for indicator in rng.sample(indicators, min(len(indicators), rng.randint(1, 3))):
            self.add(Detection.indicators.through(detection=detection, detectionindicator=indicator))
        if named:
            for token in sorted(self.tokens((last, first), DETECTION_NAME_PREFIX)):
                self.add(DetectionSearchToken(detection=detection, token=token))
        self.audit(actor, "create", detection, day, "repérage")
        if minor:
            sent = day + timedelta(days=rng.randint(0, 5))
            if sent > today:
                return
            kind = (
                ProtectionReport.Kind.SIGNALEMENT
                if rng.random() < 0.2
                else ProtectionReport.Kind.INFORMATION_PREOCCUPANTE
            )
            feedback_on = sent + timedelta(days=rng.randint(15, 120))
            has_feedback = feedback_on <= today and rng.random() < 0.6
            self.add(
                ProtectionReport(
                    detection=detection,
                    kind=kind,
                    sent_on=sent,
                    recipient="Procureur de la République"
                    if kind == ProtectionReport.Kind.SIGNALEMENT
                    else f"CRIP — {d.departement.name}",
                    created_by=user,
                    feedback_on=feedback_on if has_feedback else None,
                    feedback=rng.choice(ProtectionReport.Feedback.values) if has_feedback else "",
                ),
                sent,
            )
            detection.state = DetectionState.PROTECTED
            self.audit(actor, "transition", detection, sent, "transmission")
            return
        if not d.associations or rng.random() < 0.45:
            if day + timedelta(days=90) <= today and rng.random() < 0.5:
                detection.state, detection.closed_on = DetectionState.CLOSED, day + timedelta(days=90)
                detection.closing_reason = "Plus de contact avec la personne"
            return
        referred = day + timedelta(days=rng.randint(0, 10))
        if referred > today:
            return
        index = rng.randrange(len(d.associations))
        draw = rng.random()
        answered = referred + timedelta(days=rng.randint(1, 20))
        state = ReferralState.PENDING
        if answered <= today:
            state = (
                ReferralState.ACCEPTED
                if draw < 0.7
                else ReferralState.DECLINED
                if draw < 0.85
                else ReferralState.PENDING
            )
        referral = Referral(
            detection=detection,
            association=d.orgs[f"asso{index}"],
            consent_given_on=day,
            referred_on=referred,
            created_by=user,
            message="Jeune majeure rencontrée, d'accord pour un premier rendez-vous.",
            share_contact=named,
            state=state,
            answered_on=answered if state != ReferralState.PENDING else None,
            decline_reason="Pas de place disponible ; orientation vers une autre association conseillée."
            if state == ReferralState.DECLINED
            else "",
        )
        if state == ReferralState.ACCEPTED:
            contact = answered + timedelta(days=rng.randint(1, 15))
            if contact <= today:
                referral.first_contact_on = contact
                if rng.random() < 0.6 and self.people_count < self.n_people:
                    referral.accompaniment_started_on = contact
                    referral.person = self.new_person(d, contact, index, min_age=19, max_age=25)
        self.add(referral, referred)
        detection.state = DetectionState.REFERRED
        self.audit(actor, "transition", detection, referred, "orientation")

    # --- collective actions: outreach, prevention, trainings, clients' course ---

    def build_actions(self, d: Dept) -> None:
        rng, today = self.rng, self.today
        size = max(0.3, d.weight * max(self.scale, 0.02) ** 0.5)
        establishments = []
        for i in range(max(3, int(8 * size))):
            kind = rng.choice(EstablishmentKind.values)
            establishments.append(
                self.add(
                    Establishment(
                        departement=d.departement,
                        kind=kind,
                        name=f"{EstablishmentKind(kind).label} n° {i + 1}",
                        commune=f"Commune {i % 7 + 1} — {d.departement.name}",
                    ),
                    self.start,
                )
            )
        for year in range(self.start.year, today.year + 1):
            for i, _assoc in enumerate(d.associations):
                actor = d.users[f"asso{i}"]
                for _ in range(int(12 * size) + 2):
                    day = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
                    if day > today:
                        continue
                    online = year >= 2020 and rng.random() < 0.35
                    contacts = rng.randint(2, 40)
                    met = rng.randint(0, contacts)
                    ads = rng.randint(10, 200) if online else 0
                    self.add(
                        OutreachRound(
                            departement=d.departement,
                            organisation=actor[1],
                            created_by=actor[0],
                            held_on=day,
                            kind=OutreachKind.ONLINE if online else OutreachKind.STREET,
                            duration_minutes=rng.choice([90, 120, 180, 240]),
                            area="" if online else f"Secteur {rng.randint(1, 6)}",
                            platform_type=rng.choice(PlatformType.values[1:]) if online else "",
                            ads_seen=ads,
                            contacts=contacts,
                            people_met=met,
                            minors_met=rng.randint(0, met // 5),
                            needs=rng.sample(OutreachNeed.values, rng.randint(0, 3)),
                            referrals_made=rng.randint(0, met // 3),
                            reports_pharos=rng.randint(0, ads // 20) if online else 0,
                            reports_platforms=rng.randint(0, ads // 20) if online else 0,
                        ),
                        day,
                    )
                if year < FIRST_YEAR_OF_PSP:
                    continue
                for _ in range(int(4 * size)):
                    day = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
                    if day > today:
                        continue
                    action = self.add(
                        PreventionAction(
                            departement=d.departement,
                            organisation=actor[1],
                            created_by=actor[0],
                            held_on=day,
                            audience=rng.sample(Audience.values, rng.randint(1, 2)),
                            people_reached=rng.randint(15, 180),
                            theme="Prévenir la prostitution des mineurs : repères et ressources",
                        ),
                        day,
                    )
                    for establishment in rng.sample(
                        establishments, rng.randint(1, min(2, len(establishments)))
                    ):
                        self.add(
                            PreventionAction.establishments.through(
                                preventionaction=action, establishment=establishment
                            )
                        )
            secretariat = d.users["ddfe"]
            if year >= 2022:
                for _ in range(rng.randint(1, 2 + int(size))):
                    day = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
                    if day > today:
                        continue
                    counts = {
                        k: rng.randint(0, 8)
                        for k in (
                            "police",
                            "gendarmerie",
                            "justice",
                            "education",
                            "health",
                            "social_work",
                            "mission_locale",
                            "other",
                        )
                    }
                    counts["social_work"] += 1
                    self.add(
                        Training(
                            departement=d.departement,
                            organisation=secretariat[1],
                            created_by=secretariat[0],
                            held_on=day,
                            title="Formation croisée : repérer et orienter",
                            total_attendees=sum(counts.values()),
                            hours=Decimal(rng.choice(["3.5", "7.0", "14.0"])),
                            **counts,
                        ),
                        day,
                    )
            if d.associations and d.has_pathways and d.weight >= 2:
                for month in range(1, 13, 3):
                    day = date(year, month, 15)
                    if day > today:
                        continue
                    ordered = [rng.randint(0, 8), rng.randint(0, 4), rng.randint(0, 3)]
                    done = [rng.randint(0, n) for n in ordered]
                    actor = d.users["asso0"]
                    self.add(
                        ClientCourseSession(
                            departement=d.departement,
                            organisation=actor[1],
                            created_by=actor[0],
                            held_on=day,
                            ordered_alternative=ordered[0],
                            ordered_composition=ordered[1],
                            ordered_sentence=ordered[2],
                            completed_alternative=done[0],
                            completed_composition=done[1],
                            completed_sentence=done[2],
                            fee_euros=Decimal("180.00"),
                        ),
                        day,
                    )

    # --- writing ---

    def write(self) -> dict:
        order = [*self.ORDER]
        order.insert(order.index(ProtectionReport), DetectionSearchToken)
        counts = {}
        with stamps_kept(order):
            for model in order:
                objs = self.rows.get(model, [])
                if objs and model is AuditEvent:
                    # The journal refuses a back-dated event (core migration 0004): its seal is lifted for
                    # this insert only, in this transaction, in a database that holds no real département.
                    with suspended_triggers(connection, AuditEvent._meta.db_table):
                        model.objects.bulk_create(objs, batch_size=self.BATCH)
                elif objs:
                    model.objects.bulk_create(objs, batch_size=self.BATCH)
                counts[model._meta.label] = len(objs)
        return counts


def synthetic_country_exists() -> bool:
    return Organisation.objects.filter(email__endswith=f"@{MARK}").exists()


def delete_synthetic_country() -> None:
    """Delete every row of the synthetic country (its départements and all that hangs on them), the audit
    events of its départements included (their append-only trigger is lifted for this only)."""
    codes = list(
        Departement.objects.filter(organisations__email__endswith=f"@{MARK}")
        .values_list("pk", flat=True)
        .distinct()
    )
    users = User.objects.filter(email__endswith=f"@{MARK}")
    paths = {
        Departement: "pk__in",
        Organisation: "departement__in",
        Membership: "organisation__departement__in",
        Agrement: "organisation__departement__in",
        Person: "departement__in",
        PersonAlias: "person__departement__in",
        PersonSearchToken: "person__departement__in",
        Consent: "person__departement__in",
        FollowUpNote: "person__departement__in",
        Arrete: "departement__in",
        Seat: "arrete__departement__in",
        Mandate: "seat__arrete__departement__in",
        Meeting: "departement__in",
        Convocation: "meeting__departement__in",
        Pathway: "departement__in",
        Request: "pathway__departement__in",
        PlanObjective: "request__pathway__departement__in",
        AgendaItem: "meeting__departement__in",
        PrefectDecision: "departement__in",
        DecisionSequence: "departement__in",
        Period: "pathway__departement__in",
        Afis: "pathway__departement__in",
        ResidencePermit: "pathway__departement__in",
        RightStep: "pathway__departement__in",
        PathwayEvent: "pathway__departement__in",
        Detection: "departement__in",
        Detection.indicators.through: "detection__departement__in",
        DetectionSearchToken: "detection__departement__in",
        ProtectionReport: "detection__departement__in",
        Referral: "detection__departement__in",
        Establishment: "departement__in",
        OutreachRound: "departement__in",
        PreventionAction: "departement__in",
        PreventionAction.establishments.through: "preventionaction__departement__in",
        Training: "departement__in",
        ClientCourseSession: "departement__in",
        AuditEvent: "departement__in",
    }
    order = [*CountryBuilder.ORDER]
    order.insert(order.index(ProtectionReport), DetectionSearchToken)
    with suspended_triggers(connection, AuditEvent._meta.db_table):
        AuditEvent.objects.filter(user__in=users)._raw_delete(AuditEvent.objects.db)
        for model in reversed(order):
            if model is User:
                users._raw_delete(User.objects.db)
                continue
            model.objects.filter(**{paths[model]: codes})._raw_delete(model.objects.db)


@transaction.atomic
def build_synthetic_country(
    *, departements=101, people=10_000, years=10, seed=2016, today=None, replace=False
) -> dict:
    """Build the synthetic country; refuse (SyntheticCountryExists) when one is there, unless `replace`."""
    others = Departement.objects.exclude(code=DEMO_CODE).exclude(organisations__email__endswith=f"@{MARK}")
    if others.exists():
        raise SyntheticCountryExists(
            "Cette base contient des départements réels ("
            + ", ".join(others.values_list("code", flat=True).order_by("code")[:10])
            + ") : le pays synthétique se construit dans une base à part (DATABASE_URL)."
        )
    if synthetic_country_exists():
        if not replace:
            raise SyntheticCountryExists(
                "Un pays synthétique existe déjà dans cette base : relancez avec --replace pour le remplacer."
            )
        delete_synthetic_country()
    return CountryBuilder(
        departements=departements, people=people, years=years, seed=seed, today=today
    ).build()
